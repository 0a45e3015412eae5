#include "check.h"

#include <doctest/doctest.h>

#include <algorithm>
#include "geodb_fixture_test.h"

namespace residency {
namespace {

Allowed AllowedOf(std::vector<std::string> locations) {
  Allowed a;
  for (const std::string& l : locations) {
    std::string error;
    auto loc = TestJurisdictions().ParseLocation(l, &error);
    REQUIRE_MESSAGE(loc, error);
    a.countries |= loc->countries;
    a.locations.push_back(l);
  }
  return a;
}

// An address as the sources saw it: country answers ("" = no answer), optional feed.
AddressObservation Obs(const std::string& ip, std::vector<std::string> countries, std::string feed_scope = "",
                       std::string feed_country = "") {
  AddressObservation o;
  o.ip = *ParseIp(ip);
  const char* names[] = {"dbip", "geo-whois", "third"};
  for (size_t i = 0; i < countries.size(); ++i) {
    o.sources.push_back(SourceEvidence{names[i], "country",
                                       countries[i].empty() ? std::nullopt : std::optional<std::string>(countries[i]),
                                       ""});
  }
  o.sources.push_back(SourceEvidence{"iptoasn", "operator-country", std::string("US"), ""});
  if (!feed_scope.empty()) o.feed = FeedEvidence{"aws", "eu-central-1", "EC2", feed_scope, "3.120.0.0/14", feed_country, ""};
  return o;
}

}  // namespace

TEST_CASE("each address is placed by the per-address rule of cli.md") {
  struct Case { std::string name; AddressObservation obs; std::vector<std::string> allowed; Placement want; std::string reason; };
  const Case cases[] = {
      {"all inside", Obs("3.120.0.1", {"DE", "DE"}), {"DE"}, Placement::kInside, "dbip DE, geo-whois DE: inside DE"},
      {"one answers, inside", Obs("3.120.0.1", {"DE", ""}), {"EU"}, Placement::kInside, "dbip DE: inside EU"},
      {"disagree inside", Obs("3.120.0.1", {"NL", "FR"}), {"EU"}, Placement::kInside, "dbip NL, geo-whois FR: inside EU"},
      {"all outside", Obs("3.120.0.1", {"US", "US"}), {"EU"}, Placement::kOutside, "dbip US, geo-whois US: outside EU"},
      {"straddle", Obs("3.120.0.1", {"DE", "US"}), {"EU"}, Placement::kUnknown,
       "sources straddle the boundary (dbip DE, geo-whois US): DE inside, US outside EU"},
      {"no answer", Obs("3.120.0.1", {"", ""}), {"EU"}, Placement::kUnknown, "no geolocation source answers for this address"},
      // the operator-country source never votes
      {"only operator country", Obs("3.120.0.1", {}), {"US"}, Placement::kUnknown, "no geolocation source answers for this address"},
      {"anycast", Obs("104.16.0.1", {"DE", "DE"}, "anycast"), {"DE"}, Placement::kUnknown,
       "anycast network of aws (3.120.0.0/14): the address says nothing of a place"},
      {"global", Obs("3.120.0.1", {"DE", "DE"}, "global"), {"DE"}, Placement::kUnknown,
       "aws global range (EC2, 3.120.0.0/14): it may be served from any region"},
      {"feed votes", Obs("3.120.0.1", {"DE", "DE"}, "regional", "CH"), {"DE"}, Placement::kUnknown,
       "sources straddle the boundary (dbip DE, geo-whois DE, feed aws:eu-central-1 CH): DE inside, CH outside DE"},
      {"feed alone", Obs("3.120.0.1", {"", ""}, "regional", "DE"), {"DE"}, Placement::kInside,
       "feed aws:eu-central-1 DE: inside DE"},
      {"territory is its own code", Obs("3.120.0.1", {"RE"}), {"FR"}, Placement::kOutside, "dbip RE: outside FR"},
      {"territory inside EU", Obs("3.120.0.1", {"RE"}), {"EU"}, Placement::kInside, "dbip RE: inside EU"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    AddressObservation o = c.obs;
    PlaceAddress(AllowedOf(c.allowed), &o);
    CHECK(o.placement == c.want);
    CHECK(o.reason == c.reason);
  }
  AddressObservation o = Obs("3.120.0.1", {"NL", "FR"});
  PlaceAddress(AllowedOf({"EU"}), &o);
  CHECK(!o.country);
  CHECK(o.notes == std::vector<std::string>{"sources disagree inside the allowed locations: NL vs FR"});
  Allowed undisclosed;
  undisclosed.uncovered = {"x-logs"};
  o = Obs("3.120.0.1", {"DE", "DE"});
  PlaceAddress(undisclosed, &o);
  CHECK(o.placement == Placement::kOutside);
}

TEST_CASE("an endpoint's verdict: fail on any outside, else unverified on anything unknown") {
  auto with = [](ResolveStatus status, std::vector<Placement> placements) {
    EndpointResult r;
    r.resolution.status = status;
    for (Placement p : placements) {
      AddressObservation o;
      o.placement = p;
      r.observed.push_back(o);
    }
    return EndpointVerdict(r);
  };
  CHECK(with(ResolveStatus::kOk, {Placement::kInside, Placement::kInside}) == Verdict::kPass);
  CHECK(with(ResolveStatus::kOk, {Placement::kInside, Placement::kUnknown}) == Verdict::kUnverified);
  CHECK(with(ResolveStatus::kOk, {Placement::kUnknown, Placement::kOutside}) == Verdict::kFail);
  CHECK(with(ResolveStatus::kOk, {}) == Verdict::kUnverified);
  CHECK(with(ResolveStatus::kTimeout, {Placement::kInside}) == Verdict::kUnverified);
  CHECK(with(ResolveStatus::kServfail, {Placement::kOutside}) == Verdict::kFail);
  CHECK(with(ResolveStatus::kNxdomain, {}) == Verdict::kUnverified);
}

namespace {

// A two-node manifest: the service and one subservice "s" with one endpoint "e".
struct Fixture {
  Manifest manifest;
  std::unique_ptr<ServiceGraph> graph;
  std::vector<const Endpoint*> endpoints;
  std::vector<EndpointResult> results;

  Fixture(const std::string& operator_name, const std::string& endpoint_json, std::vector<AddressObservation> observed,
          ResolveStatus status = ResolveStatus::kOk) {
    std::string text = R"({"manifest_version": 1,
      "service": {"id": "svc", "name": "S", "provider": {"legal_name": "S GmbH", "country": "DE"}, "assurance_level": "basic"},
      "declared_locations": [{"activity": "storage", "data": ["customer"], "locations": ["DE"]},
                             {"activity": "backup", "data": ["customer"], "locations": ["DE"]}],
      "subservices": [{"id": "s", "name": "S", "operator": {"legal_name": ")" + operator_name + R"(", "country": "DE"},
                       "endpoints": [)" + endpoint_json + R"(]}],
      "flows": [{"from": "svc", "to": "s", "data": ["customer"]}]})";
    std::vector<Diagnostic> errors;
    bool ok = ParseManifest("c.json", text, TestJurisdictions(), &manifest, &errors);
    REQUIRE_MESSAGE(ok, (errors.empty() ? "" : errors[0].ToString()));
    graph = std::make_unique<ServiceGraph>(manifest);
    for (const Endpoint& e : manifest.nodes[1].endpoints) {
      endpoints.push_back(&e);
      EndpointResult r;
      r.id = manifest.QualifiedId(e);
      r.node = "s";
      r.activity = std::string(ActivityName(e.activity));
      r.data = e.data;
      r.target_kind = e.host.empty() ? "ip" : "host";
      r.resolution.name = e.host;
      r.resolution.status = status;
      Allowed allowed = AllowedFor(manifest, e.activity, e.data);
      r.allowed = allowed.locations;
      for (AddressObservation o : observed) {
        PlaceAddress(allowed, &o);
        r.observed.push_back(o);
      }
      r.verdict = EndpointVerdict(r);
      results.push_back(r);
    }
  }

  std::vector<std::string> Run(const std::string& profile_name) {
    Profile p;
    Diagnostic error;
    REQUIRE(LoadProfile(profile_name, TestJurisdictions(), &p, &error));
    std::vector<std::string> out;
    for (const Finding& f : CheckObservations(CheckInputs{manifest, *graph, TestJurisdictions(), TestOperators(), endpoints, results}, p)) {
      out.push_back(std::string(FindingStatusName(f.status)) + " " + f.kind + " " + f.subject);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

AddressObservation WithAs(AddressObservation o, uint32_t asn, std::string org, std::string registered = "DE") {
  o.as = AsEvidence{asn, std::move(org), "", std::move(registered)};
  return o;
}

std::string Lines(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += s + "\n";
  return out;
}

}  // namespace

TEST_CASE("measured checks raise their findings, under the profile's status") {
  using V = std::vector<std::string>;
  const std::string ep = R"({"id": "e", "host": "e.example", "activity": "storage", "data": ["customer"]})";
  const std::string ep_region = R"({"id": "e", "host": "e.example", "activity": "storage", "data": ["customer"], "declared_region": "aws:eu-central-1"})";
  const AddressObservation de = WithAs(Obs("192.0.2.1", {"DE", "DE"}), 64500, "Sarnia Hosting GmbH");
  const AddressObservation us = WithAs(Obs("192.0.2.2", {"US", "US"}), 64500, "Sarnia Hosting GmbH");
  const AddressObservation unknown = WithAs(Obs("192.0.2.3", {"", ""}), 64500, "Sarnia Hosting GmbH");
  struct Case { std::string name; std::string op; std::string ep; std::vector<AddressObservation> obs; ResolveStatus status; std::string profile; V want; };
  const Case cases[] = {
      {"inside, nothing to say", "Sarnia Hosting GmbH", ep, {de}, ResolveStatus::kOk, "eucs-high", V{}},
      {"outside", "Sarnia Hosting GmbH", ep, {de, us}, ResolveStatus::kOk, "eucs-basic", V{"fail location-violation s/e"}},
      {"unknown, basic", "Sarnia Hosting GmbH", ep, {unknown}, ResolveStatus::kOk, "eucs-basic", V{"unverified unverifiable s/e"}},
      {"unknown, high", "Sarnia Hosting GmbH", ep, {unknown}, ResolveStatus::kOk, "eucs-high", V{"fail unverifiable s/e"}},
      {"timeout", "Sarnia Hosting GmbH", ep, {}, ResolveStatus::kTimeout, "eucs-substantial", V{"unverified unverifiable s/e"}},
      {"region: feed says another region", "Amazon Web Services EMEA SARL", ep_region,
       {[] { auto o = Obs("3.5.0.1", {"DE", "DE"}, "regional", "DE"); o.feed->region = "eu-west-1"; o.feed->region_country = "IE"; return o; }()},
       ResolveStatus::kOk, "eucs-substantial", V{"fail region-mismatch s/e", "unverified unverifiable s/e"}},
      {"region: matches", "Amazon Web Services EMEA SARL", ep_region, {Obs("3.120.0.1", {"DE", "DE"}, "regional", "DE")},
       ResolveStatus::kOk, "eucs-substantial", V{}},
      {"region: basic warns", "Amazon Web Services EMEA SARL", ep_region,
       {[] { auto o = Obs("3.5.0.1", {"DE", "DE"}, "regional", "DE"); o.feed->region = "eu-central-2"; return o; }()},
       ResolveStatus::kOk, "eucs-basic", V{"warn region-mismatch s/e"}},
      {"operator: AWS feed, AWS declared", "Amazon Web Services EMEA SARL", ep, {Obs("3.120.0.1", {"DE", "DE"}, "regional", "DE")},
       ResolveStatus::kOk, "eucs-high", V{}},
      {"operator: AWS feed, other declared", "Sarnia Hosting GmbH", ep, {Obs("3.120.0.1", {"DE", "DE"}, "regional", "DE")},
       ResolveStatus::kOk, "eucs-high", V{"fail undisclosed-operator s/e"}},
      {"operator: known AS, undeclared", "Sarnia Hosting GmbH", ep, {WithAs(Obs("5.9.0.1", {"DE", "DE"}), 24940, "Hetzner Online GmbH")},
       ResolveStatus::kOk, "eucs-basic", V{"warn undisclosed-operator s/e"}},
      {"operator: unknown AS named like the operator", "Postbird Inc.", ep, {WithAs(Obs("192.0.2.9", {"DE", "DE"}), 64501, "POSTBIRD-AS")},
       ResolveStatus::kOk, "eucs-high", V{}},
      {"operator: unknown AS of someone else", "Postbird Inc.", ep, {WithAs(Obs("192.0.2.9", {"DE", "DE"}), 64501, "Mailgun Technologies")},
       ResolveStatus::kOk, "eucs-high", V{"fail undisclosed-operator s/e"}},
      {"AS registered outside, eucs warns", "Sarnia Hosting GmbH", ep, {WithAs(Obs("192.0.2.1", {"DE", "DE"}), 64500, "Sarnia Hosting GmbH", "US")},
       ResolveStatus::kOk, "eucs-basic", V{"warn jurisdiction-exposure s"}},
      {"AS registered outside, secnumcloud fails", "Sarnia Hosting GmbH", ep, {WithAs(Obs("192.0.2.1", {"DE", "DE"}), 64500, "Sarnia Hosting GmbH", "US")},
       ResolveStatus::kOk, "secnumcloud-3.2", V{"fail jurisdiction-exposure s"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Fixture f(c.op, c.ep, c.obs, c.status);
    CHECK(Lines(f.Run(c.profile)) == Lines(c.want));
  }
}

TEST_CASE("a CNAME into a CDN's zone is evidence of its operator") {
  Fixture f("Sarnia Hosting GmbH", R"({"id": "e", "host": "e.example", "activity": "storage", "data": ["customer"]})",
            {WithAs(Obs("192.0.2.1", {"DE", "DE"}), 64500, "Sarnia Hosting GmbH")});
  f.results[0].resolution.cnames = {"d111.cloudfront.net"};
  CHECK(f.Run("eucs-high") == std::vector<std::string>{"fail undisclosed-operator s/e"});
}

TEST_CASE("backups observed at the storage site are a warning") {
  Fixture f("Sarnia Hosting GmbH",
            R"({"id": "primary", "host": "p.example", "activity": "storage", "data": ["customer"]},
               {"id": "copy", "host": "c.example", "activity": "backup", "data": ["customer"]})",
            {WithAs(Obs("192.0.2.1", {"DE", "DE"}, "regional", "DE"), 16509, "Amazon.com, Inc.")});
  auto findings = f.Run("eucs-substantial");
  CHECK(std::count(findings.begin(), findings.end(), "warn backup-same-site s/copy") == 1);
}

}  // namespace residency

namespace residency {

TEST_CASE("backup-same-site: a backup before its storage in the manifest is reported, chunk by chunk, in order") {
  // copy1 comes before the storage on its site, copy2 after it, elsewhere is on another
  // site: added one endpoint at a time, the storage site is not yet known when copy1 comes.
  Fixture f("Sarnia Hosting GmbH",
            R"({"id": "copy1", "host": "c1.example", "activity": "backup", "data": ["customer"]},
               {"id": "primary", "host": "p.example", "activity": "storage", "data": ["customer"]},
               {"id": "copy2", "host": "c2.example", "activity": "backup", "data": ["customer"]},
               {"id": "elsewhere", "host": "e.example", "activity": "backup", "data": ["customer"]})",
            {Obs("192.0.2.1", {"DE", "DE"}, "regional", "DE")});
  f.results[3].observed = Observations{[] {
    AddressObservation o = Obs("192.0.2.9", {"DE", "DE"}, "regional", "DE");
    o.feed->region = "eu-central-2";
    return o;
  }()};
  Profile p;
  Diagnostic error;
  REQUIRE(LoadProfile("eucs-substantial", TestJurisdictions(), &p, &error));
  auto same_site = [](const std::vector<Finding>& all) {
    std::vector<std::string> out;
    for (const Finding& x : all) {
      if (x.kind == "backup-same-site") out.push_back(x.subject + ": " + x.message);
    }
    return out;
  };
  std::vector<Finding> whole = CheckObservations(
      CheckInputs{f.manifest, *f.graph, TestJurisdictions(), TestOperators(), f.endpoints, f.results}, p);
  MeasuredChecks checks(f.manifest, *f.graph, TestJurisdictions(), TestOperators(), p);
  for (size_t i = 0; i < f.results.size(); ++i) checks.Add({f.endpoints[i]}, {f.results[i]});
  Findings streamed;
  checks.Finish(&streamed);
  std::vector<std::string> want = {
      "s/copy1: backups at s/copy1 are observed at the same site as primary storage: 192.0.2.1 in aws:eu-central-1",
      "s/copy2: backups at s/copy2 are observed at the same site as primary storage: 192.0.2.1 in aws:eu-central-1"};
  CHECK(same_site(whole) == want);
  CHECK(same_site(std::vector<Finding>(streamed.begin(), streamed.end())) == want);
}

}  // namespace residency

namespace residency {

TEST_CASE("backup-same-site: more backups than a slice of its conclusion, each reported once, in manifest order") {
  // Finish concludes 16,384 backups at a time (check.cc): 33,000 make three slices.
  constexpr size_t kBackups = 33000;
  std::string endpoints = R"({"id": "primary", "host": "p.example", "activity": "storage", "data": ["customer"]})";
  for (size_t i = 0; i < kBackups; ++i) {
    endpoints += R"(, {"id": "b)" + std::to_string(i) + R"(", "ip": "192.0.2.1", "activity": "backup", "data": ["customer"]})";
  }
  Fixture f("Sarnia Hosting GmbH", endpoints, {Obs("192.0.2.1", {"DE", "DE"}, "regional", "DE")});
  Profile p;
  Diagnostic error;
  REQUIRE(LoadProfile("eucs-substantial", TestJurisdictions(), &p, &error));
  MeasuredChecks checks(f.manifest, *f.graph, TestJurisdictions(), TestOperators(), p);
  for (size_t first = 0; first < f.results.size(); first += 10000) {
    size_t last = std::min(f.results.size(), first + 10000);
    checks.Add(std::vector<const Endpoint*>(f.endpoints.begin() + static_cast<ptrdiff_t>(first),
                                            f.endpoints.begin() + static_cast<ptrdiff_t>(last)),
               std::vector<EndpointResult>(f.results.begin() + static_cast<ptrdiff_t>(first),
                                           f.results.begin() + static_cast<ptrdiff_t>(last)));
  }
  Findings findings;
  checks.Finish(&findings);
  size_t next = 0;
  bool in_order = true;
  for (const Finding& x : findings) {
    if (x.kind != "backup-same-site") continue;
    const std::string id = "s/b" + std::to_string(next++);
    in_order = in_order && x.subject == id &&
               x.message == "backups at " + id + " are observed at the same site as primary storage: 192.0.2.1 in aws:eu-central-1";
  }
  CHECK(next == kBackups);
  CHECK(in_order);
}

}  // namespace residency
