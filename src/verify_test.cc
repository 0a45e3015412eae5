// Verify end to end in-process, with the real default geodb and recorded DNS answers: a
// streamed run (chunks handed to a sink) must give the same endpoints, findings and JSON
// report as a run that keeps everything, whatever the chunk size.
#include "verify.h"

#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <sstream>

#include "geodb_fixture_test.h"
#include "lint.h"
#include "location_headers.h"
#include "parallel.h"
#include "probe.h"

namespace residency {
namespace {

// Six subservices of IP literals: storage and backup on the same and on different
// networks, addresses inside and outside the declared locations, some repeated across
// nodes, so that chunk boundaries fall inside nodes and inside the checks' groups.
std::string SyntheticManifest() {
  const char* addresses[] = {"3.120.0.10", "3.120.0.10", "52.219.170.11", "167.89.0.5", "51.75.0.9",
                             "2a05:d014::1", "34.89.0.7", "52.218.0.3", "3.120.0.10", "135.125.0.4"};
  const char* activities[] = {"storage", "backup", "processing", "storage", "backup"};
  std::string subs;
  for (int n = 0; n < 6; ++n) {
    std::string eps;
    for (int e = 0; e < 5; ++e) {
      if (!eps.empty()) eps += ",";
      eps += R"({"id": "e)" + std::to_string(e) + R"(", "activity": ")" + activities[e] +
             R"(", "data": ["customer"], "ip": ")" + addresses[(n * 3 + e) % 10] + R"("})";
    }
    if (!subs.empty()) subs += ",";
    subs += R"({"id": "s)" + std::to_string(n) + R"(", "name": "S", "operator": {"legal_name": "Amazon Web Services EMEA SARL", "country": "LU"}, "endpoints": [)" +
            eps + "]}";
  }
  std::string flows;
  for (int n = 0; n < 6; ++n) {
    flows += std::string(n ? "," : "") + R"({"from": "svc", "to": "s)" + std::to_string(n) + R"(", "data": ["customer"]})";
  }
  return R"({"manifest_version": 1,
    "service": {"id": "svc", "name": "S", "provider": {"legal_name": "S GmbH", "country": "DE"}, "assurance_level": "high"},
    "declared_locations": [{"activity": "storage", "data": ["customer"], "locations": ["DE", "FR"]},
                           {"activity": "backup", "data": ["customer"], "locations": ["DE", "IE"]},
                           {"activity": "processing", "data": ["customer"], "locations": ["EU"]}],
    "subservices": [)" + subs + R"(], "flows": [)" + flows + "]}";
}

struct Run {
  VerifyReport report;
  std::vector<EndpointResult> streamed;
  std::string json;
};

void VerifyOnce(const Manifest& m, const std::string& profile_name, size_t chunk, Run* out) {
  static std::unique_ptr<Geo> geo = [] {
    std::unique_ptr<Geo> g;
    Status s = Geo::Open("geodb", &g);
    REQUIRE_MESSAGE(s.ok(), s.message());
    return g;
  }();
  Profile profile;
  Diagnostic error;
  REQUIRE(LoadProfile(profile_name, TestJurisdictions(), &profile, &error));
  ServiceGraph graph(m);
  std::unique_ptr<Resolver> resolver = NewReplayResolver({}, {"127.0.0.1:53"});
  VerifyInputs in{m, graph, TestJurisdictions(), profile, *geo, TestOperators(), nullptr, *resolver,
                  [] { return std::string("2026-11-29T00:00:00Z"); }};
  std::ostringstream json;
  size_t chunks = 0, written = 0;  // written: on the stream's writing thread, read after End
  // Findings in pieces as small as the chunks, so that several pieces are written.
  VerifyJsonStream stream(json, [&written] { ++written; }, chunk);
  if (chunk) {
    in.chunk = chunk;
    in.sink = [&](const VerifyReport& so_far, const std::vector<EndpointResult>& c) {
      out->streamed.insert(out->streamed.end(), c.begin(), c.end());
      ++chunks;
      return stream.Endpoints(so_far, c);
    };
  }
  Status s = Verify(in, &out->report);
  REQUIRE_MESSAGE(s.ok(), s.message());
  if (chunk) {
    REQUIRE(stream.End(out->report).ok());
    // Each chunk handed on once written (ReportFile::WriteBehind), and each piece of the
    // findings too.
    CHECK(written == chunks + (out->report.findings.size() + chunk - 1) / chunk);
  } else {
    RenderVerifyJson(out->report, json);
  }
  out->json = json.str();
  out->report.findings.MakeWhole();  // read after the profile and graph here are gone
}

std::vector<std::string> Lines(const std::vector<EndpointResult>& endpoints) {
  std::vector<std::string> out;
  for (const EndpointResult& e : endpoints) {
    std::string line = e.id + " " + std::string(VerdictName(e.verdict));
    for (const AddressObservation& o : e.observed) line += " | " + o.ip.ToString() + " " + o.reason;
    out.push_back(line);
  }
  return out;
}

std::vector<std::string> Lines(const Findings& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(std::string(FindingStatusName(f.status)) + " " + f.kind + " " + f.subject + ": " + f.message);
  return out;
}

}  // namespace

TEST_CASE("a streamed verify equals a whole one, chunk by chunk") {
  struct Case { std::string name, text, profile; };
  std::vector<Case> cases = {{"synthetic", SyntheticManifest(), "eucs-high"}};
  for (const char* example : {"manifests/examples/fails-lint.json", "manifests/examples/saas-frankfurt-aws.json"}) {
    std::string text;
    REQUIRE(ReadFile(example, &text).ok());
    cases.push_back({example, text, ""});
  }
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Manifest m;
    std::vector<Diagnostic> errors;
    REQUIRE_MESSAGE(ParseManifest(c.name, c.text, TestJurisdictions(), &m, &errors), (errors.empty() ? "" : errors[0].ToString()));
    std::string profile = c.profile.empty() ? DefaultProfileName(m.assurance_level) : c.profile;
    Run whole;
    VerifyOnce(m, profile, 0, &whole);
    REQUIRE(!whole.report.endpoints.empty());
    if (c.name == "synthetic") {  // the checks that keep notes across chunks have something to say
      auto count = [&](const char* kind) {
        return std::count_if(whole.report.findings.begin(), whole.report.findings.end(),
                             [&](const Finding& f) { return f.kind == kind; });
      };
      CHECK(count("jurisdiction-exposure") >= 2);
      CHECK(count("backup-same-site") >= 2);
    }
    for (size_t chunk : {1, 4, 7, 1000}) {
      CAPTURE(chunk);
      Run streamed;
      VerifyOnce(m, profile, chunk, &streamed);
      CHECK(streamed.report.endpoints.empty());
      CHECK(Lines(streamed.streamed) == Lines(whole.report.endpoints));
      CHECK(Lines(streamed.report.findings) == Lines(whole.report.findings));
      for (Verdict v : {Verdict::kPass, Verdict::kFail, Verdict::kUnverified}) {
        CHECK(streamed.report.CountVerdict(v) == whole.report.CountVerdict(v));
      }
      CHECK(streamed.report.ExitCode() == whole.report.ExitCode());
      // The same JSON members and values; only their order differs.
      rapidjson::Document a, b;
      REQUIRE(!a.Parse(whole.json.c_str()).HasParseError());
      REQUIRE(!b.Parse(streamed.json.c_str()).HasParseError());
      CHECK(a == b);
      CHECK(streamed.json.find('\n') == streamed.json.size() - 1);  // compact: one line
    }
  }
}

namespace {

// One storage endpoint given as a URL on an AWS Frankfurt address, probed by a canned
// prober whose answer carries a bucket region and an edge PoP.
struct ProbeFixture {
  Manifest manifest;
  std::vector<ProbeResult> canned;

  explicit ProbeFixture(std::vector<std::pair<std::string, std::string>> headers, double connect_ms = 1.0) {
    std::string text = R"({"manifest_version": 1,
      "service": {"id": "svc", "name": "S", "provider": {"legal_name": "S GmbH", "country": "DE"}, "assurance_level": "high"},
      "declared_locations": [{"activity": "storage", "data": ["customer"], "locations": ["DE"]},
                             {"activity": "processing", "data": ["customer"], "locations": ["EU"]}],
      "subservices": [{"id": "s", "name": "S", "operator": {"legal_name": "Amazon Web Services EMEA SARL", "country": "LU"},
        "endpoints": [{"id": "bucket", "activity": "storage", "data": ["customer"], "url": "https://3.120.0.10/b"}]}],
      "flows": [{"from": "svc", "to": "s", "data": ["customer"]}]})";
    std::vector<Diagnostic> errors;
    REQUIRE_MESSAGE(ParseManifest("p.json", text, TestJurisdictions(), &manifest, &errors), (errors.empty() ? "" : errors[0].ToString()));
    ProbeResult r;
    r.url = "https://3.120.0.10/b";
    r.address = ParseIp("3.120.0.10");
    r.status = ProbeStatus::kOk;
    r.http_status = 403;
    r.timings.connect = connect_ms;
    r.headers = std::move(headers);
    r.location = ParseLocationHeaders(r.headers);
    canned.push_back(r);
  }

  VerifyReport Run(const char* vantage) {
    std::unique_ptr<Geo> geo;
    REQUIRE(Geo::Open("geodb", &geo).ok());
    Airports airports;
    REQUIRE(Airports::Load("geodb", &airports).ok());
    std::unique_ptr<CountryOutlines> outlines;
    std::unique_ptr<VantageBounds> bounds;
    if (vantage) {
      Status s = CountryOutlines::Load("geodb", &outlines);
      REQUIRE_MESSAGE(s.ok(), s.message());
      GeoPoint point;
      REQUIRE(ParseVantage(vantage, &point).ok());
      bounds = std::make_unique<VantageBounds>(*outlines, point);
    }
    Profile profile;
    Diagnostic error;
    REQUIRE(LoadProfile("eucs-high", TestJurisdictions(), &profile, &error));
    ServiceGraph graph(manifest);
    std::unique_ptr<Resolver> resolver = NewReplayResolver({}, {"127.0.0.1:53"});
    std::unique_ptr<Prober> prober = NewCannedProber(canned);
    VerifyInputs in{manifest, graph, TestJurisdictions(), profile, *geo, TestOperators(), nullptr, *resolver,
                    [] { return std::string("2026-11-29T00:00:00Z"); }};
    in.prober = prober.get();
    in.airports = &airports;
    in.vantage = bounds.get();
    VerifyReport report;
    report.tool_version = "test";
    Status s = Verify(in, &report);
    REQUIRE_MESSAGE(s.ok(), s.message());
    report.findings.MakeWhole();  // read after the profile and graph here are gone
    REQUIRE(report.endpoints.size() == 1);
    return report;
  }
};

// docs/report.schema.json accepts `json`; on failure, says where.
std::string SchemaViolation(const std::string& json) {
  static const rapidjson::Document schema_doc = [] {
    std::string text;
    REQUIRE(ReadFile("docs/report.schema.json", &text).ok());
    rapidjson::Document d;
    d.Parse(text.c_str());
    REQUIRE(!d.HasParseError());
    return d;
  }();
  static const rapidjson::SchemaDocument schema(schema_doc);
  rapidjson::Document doc;
  if (doc.Parse(json.c_str()).HasParseError()) return "not JSON";
  rapidjson::SchemaValidator v(schema);
  if (doc.Accept(v)) return "";
  rapidjson::StringBuffer where;
  v.GetInvalidDocumentPointer().StringifyUriFragment(where);
  return std::string(where.GetString()) + " " + v.GetInvalidSchemaKeyword();
}

bool HasFinding(const VerifyReport& r, const std::string& kind, const std::string& text) {
  for (const Finding& f : r.findings) {
    if (f.kind == kind && f.message.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("verify --probe: location headers are observations, checked like addresses") {
  struct Case {
    std::string name;
    std::vector<std::pair<std::string, std::string>> headers;
    Verdict verdict;
    std::vector<std::string> placements;  // per header observation
    std::string finding;                  // a location-violation message part, "" none
  };
  const Case cases[] = {
      {"no location header", {{"server", "AmazonS3"}}, Verdict::kPass, {}, ""},
      {"bucket region inside", {{"x-amz-bucket-region", "eu-central-1"}}, Verdict::kPass, {"inside"}, ""},
      {"bucket region outside", {{"x-amz-bucket-region", "eu-west-3"}}, Verdict::kFail, {"outside"},
       "header x-amz-bucket-region eu-west-3: region aws:eu-west-3 (FR, Paris): storage outside DE"},
      {"edge PoP inside the processing area", {{"x-amz-cf-pop", "FRA56-P5"}}, Verdict::kPass, {"inside"}, ""},
      {"edge PoP outside the processing area", {{"x-amz-cf-pop", "IAD89-P1"}}, Verdict::kFail, {"outside"},
       "edge PoP IAD (US, Dulles): processing outside EU"},
      {"unknown airport changes nothing", {{"cf-ray", "8f1c2a3b4d5e6f70-QQQ"}}, Verdict::kPass, {"unknown"}, ""},
      {"unknown region changes nothing", {{"x-amz-bucket-region", "xx-nowhere-9"}}, Verdict::kPass, {"unknown"}, ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    ProbeFixture fx(c.headers);
    VerifyReport r = fx.Run(nullptr);
    const EndpointResult& e = r.endpoints[0];
    REQUIRE(e.probes.size() == 1);
    CHECK(e.probes[0].http_status == 403);
    std::vector<std::string> placements;
    for (const HeaderObservation& h : e.headers) placements.push_back(std::string(PlacementName(h.placement)));
    CHECK(placements == c.placements);
    CHECK(VerdictName(e.verdict) == VerdictName(c.verdict));
    if (!c.finding.empty()) CHECK(HasFinding(r, "location-violation", c.finding));
    REQUIRE(r.probe);
    CHECK(r.probe->targets == 1);
    CHECK(r.probe->answered == 1);
    std::ostringstream json;
    RenderVerifyJson(r, json);
    rapidjson::Document doc;
    REQUIRE(!doc.Parse(json.str().c_str()).HasParseError());
    CHECK(doc["endpoints"][0]["probes"][0]["http_status"].GetInt() == 403);
    CHECK(doc["endpoints"][0]["header_evidence"].Size() == c.placements.size());
    CHECK(doc["probe"]["targets"].GetInt() == 1);
    CHECK(SchemaViolation(json.str()) == "");
  }
}

TEST_CASE("verify --vantage: the speed of light against the geodb's answer") {
  // 3.120.0.10 is AWS Frankfurt; the sources say DE.
  {
    ProbeFixture fx({}, 1.0);
    VerifyReport r = fx.Run("35.68,139.69");  // Tokyo: 1 ms cannot reach Germany
    const AddressObservation& o = r.endpoints[0].observed[0];
    REQUIRE(o.plausibility);
    CHECK(o.placement == Placement::kUnknown);
    CHECK(o.reason.find("the speed of light rules out DE") == 0);
    CHECK(r.endpoints[0].verdict == Verdict::kUnverified);
    CHECK(HasFinding(r, "unverifiable", "speed of light"));
  }
  {
    ProbeFixture fx({}, 1.0);
    VerifyReport r = fx.Run("50.11,8.68");  // Frankfurt: 1 ms keeps it within ~130 km, all DE
    const AddressObservation& o = r.endpoints[0].observed[0];
    REQUIRE(o.plausibility);
    CHECK(o.placement == Placement::kInside);
    CHECK(o.plausibility->area == AreaVerdict::kInsideAllowed);
    CHECK(r.endpoints[0].verdict == Verdict::kPass);
    std::ostringstream json;
    RenderVerifyJson(r, json);
    rapidjson::Document doc;
    REQUIRE(!doc.Parse(json.str().c_str()).HasParseError());
    CHECK(std::string(doc["endpoints"][0]["observed"][0]["plausibility"]["area"].GetString()) == "inside-allowed");
    CHECK(SchemaViolation(json.str()) == "");
    doc["endpoints"][0]["observed"][0]["plausibility"]["area"].SetString("probably");
    rapidjson::StringBuffer bad;
    rapidjson::Writer<rapidjson::StringBuffer> bw(bad);
    doc.Accept(bw);
    CHECK(SchemaViolation(bad.GetString()) != "");  // the schema does check plausibility
  }
  {
    ProbeFixture fx({}, 1.0);
    fx.canned[0].status = ProbeStatus::kTlsError;  // e.g. an intercepting proxy answered
    VerifyReport r = fx.Run("35.68,139.69");
    const AddressObservation& o = r.endpoints[0].observed[0];
    CHECK(!o.plausibility);  // a failed probe's round trip says nothing of the server
    CHECK(o.placement == Placement::kInside);
  }
  {
    ProbeFixture fx({}, 80.0);
    VerifyReport r = fx.Run("50.11,8.68");  // 80 ms reaches far beyond DE: inconclusive, still inside by the geodb
    const AddressObservation& o = r.endpoints[0].observed[0];
    REQUIRE(o.plausibility);
    CHECK(o.placement == Placement::kInside);
    CHECK(o.plausibility->area == AreaVerdict::kInconclusive);
  }
}

}  // namespace residency
