// Verify end to end in-process, with the real default geodb and recorded DNS answers: a
// streamed run (chunks handed to a sink) must give the same endpoints, findings and JSON
// report as a run that keeps everything, whatever the chunk size.
#include "verify.h"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <sstream>

#include "geodb_fixture_test.h"
#include "lint.h"

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
  VerifyJsonStream stream(json);
  if (chunk) {
    in.chunk = chunk;
    in.sink = [&](const VerifyReport& so_far, const std::vector<EndpointResult>& c) {
      out->streamed.insert(out->streamed.end(), c.begin(), c.end());
      return stream.Endpoints(so_far, c);
    };
  }
  Status s = Verify(in, &out->report);
  REQUIRE_MESSAGE(s.ok(), s.message());
  if (chunk) {
    REQUIRE(stream.End(out->report).ok());
  } else {
    RenderVerifyJson(out->report, json);
  }
  out->json = json.str();
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

std::vector<std::string> Lines(const std::vector<Finding>& findings) {
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

}  // namespace residency
