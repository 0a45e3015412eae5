#include "lint.h"

#include <doctest/doctest.h>

#include <algorithm>
#include "geodb_fixture_test.h"

namespace residency {
namespace {

// Lints `text` under `profile` and returns "status kind subject" per finding, sorted.
std::vector<std::string> LintText(const std::string& text, const std::string& profile_name) {
  Manifest m;
  std::vector<Diagnostic> errors;
  bool ok = ParseManifest("l.json", text, TestJurisdictions(), &m, &errors);
  REQUIRE_MESSAGE(ok, (errors.empty() ? "" : errors[0].ToString()));
  Profile profile;
  Diagnostic error;
  REQUIRE_MESSAGE(LoadProfile(profile_name, TestJurisdictions(), &profile, &error), error.ToString());
  ServiceGraph graph(m);
  std::vector<std::string> out;
  for (const Finding& f : Lint(m, graph, TestJurisdictions(), profile)) {
    out.push_back(std::string(FindingStatusName(f.status)) + " " + f.kind + " " + f.subject);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A complete disclosure at every EUCS level, run by an EU company on EU operators.
const std::string kComplete = R"({"manifest_version": 1,
  "service": {"id": "svc", "name": "S", "provider": {"legal_name": "S GmbH", "country": "DE", "parent_country": "DE"},
              "assurance_level": "high", "applicable_law": "DE",
              "endpoints": [{"id": "api", "host": "api.s.example", "activity": "processing", "data": ["customer", "account"]}]},
  "declared_locations": [
    {"activity": "processing", "data": ["customer", "account", "metadata", "derived"], "locations": ["DE"]},
    {"activity": "storage", "data": ["customer", "derived", "metadata", "account"], "locations": ["aws:eu-central-1"]},
    {"activity": "backup", "data": ["customer", "derived", "metadata", "account"], "locations": ["aws:eu-west-1"]},
    {"activity": "administration", "data": ["technical"], "locations": ["DE"]},
    {"activity": "support", "data": ["account"], "locations": ["DE", "FR"], "operations": ["ticket handling"]}
  ],
  "subservices": [
    {"id": "store", "name": "Store", "operator": {"legal_name": "Store SE", "country": "FR", "parent_country": "FR"},
     "certifications": ["EUCS:high"], "declared_regions": ["aws:eu-central-1"],
     "endpoints": [{"id": "bucket", "host": "b.s3.eu-central-1.amazonaws.com", "activity": "storage", "data": ["customer"],
                    "declared_region": "aws:eu-central-1"}]}
  ],
  "flows": [{"from": "svc", "to": "store", "data": ["customer"]}]
})";

std::string Edit(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a complete disclosure has no findings under any built-in profile") {
  for (const std::string& p : BuiltinProfileNames()) {
    CAPTURE(p);
    CHECK(LintText(kComplete, p) == std::vector<std::string>{});
  }
}

TEST_CASE("each gap is a finding under the profiles that ask for it") {
  using V = std::vector<std::string>;
  struct Case { std::string name; std::string text; std::string profile; V expected; };
  const std::string no_admin = Edit(kComplete, R"({"activity": "administration", "data": ["technical"], "locations": ["DE"]},)", "");
  const std::string no_support_ops = Edit(kComplete, R"(, "operations": ["ticket handling"])", "");
  const std::string no_backup = Edit(kComplete, R"({"activity": "backup", "data": ["customer", "derived", "metadata", "account"], "locations": ["aws:eu-west-1"]},)", "");
  const std::string same_site = Edit(kComplete, R"("locations": ["aws:eu-west-1"])", R"("locations": ["aws:eu-central-1"])");
  const std::string no_regions = Edit(kComplete, R"("declared_regions": ["aws:eu-central-1"],)", "");
  const std::string no_certs = Edit(kComplete, R"("certifications": ["EUCS:high"],)", "");
  const std::string us_parent = Edit(kComplete, R"("country": "FR", "parent_country": "FR")", R"("country": "FR", "parent_country": "US")");
  const std::string no_parent = Edit(kComplete, R"(, "parent_country": "FR")", "");
  const std::string no_law = Edit(kComplete, R"(, "applicable_law": "DE")", "");
  const std::string no_flow = Edit(kComplete, R"([{"from": "svc", "to": "store", "data": ["customer"]}])", "[]");
  const std::string undisclosed = Edit(kComplete, R"("activity": "storage", "data": ["customer"],)", R"("activity": "storage", "data": ["customer", "x-logs"],)");
  const std::string region_outside = Edit(kComplete, R"("declared_region": "aws:eu-central-1")", R"("declared_region": "aws:us-east-1")");
  const std::string adequate = Edit(kComplete, R"("data": ["account"], "locations": ["DE", "FR"])", R"("data": ["account"], "locations": ["ADEQUATE"])");
  const std::string support_us = Edit(kComplete, R"("locations": ["DE", "FR"])", R"("locations": ["DE", "US"])");
  const std::string admin_ch = Edit(kComplete, R"("data": ["technical"], "locations": ["DE"])", R"("data": ["technical"], "locations": ["CH"])");
  const std::string no_metadata = Edit(Edit(Edit(kComplete, R"("account", "metadata", "derived"])", R"("account"])"),
                                            R"("derived", "metadata", "account"], "locations": ["aws:eu-central-1"])", R"("account"], "locations": ["aws:eu-central-1"])"),
                                       R"("derived", "metadata", "account"], "locations": ["aws:eu-west-1"])", R"("account"], "locations": ["aws:eu-west-1"])");
  // Customer data stored by an endpoint only: no declaration says where it is stored, or
  // where its backups are.
  const std::string stored_undeclared =
      Edit(Edit(kComplete, R"({"activity": "storage", "data": ["customer", "derived")", R"({"activity": "storage", "data": ["derived")"),
           R"({"activity": "backup", "data": ["customer", "derived")", R"({"activity": "backup", "data": ["derived")");
  const Case cases[] = {
      {"stored by an endpoint only", stored_undeclared, "eucs-basic", V{"fail backup-undeclared svc", "fail undisclosed-use store/bucket"}},
      {"administration, substantial", no_admin, "eucs-substantial", V{"fail activity-undeclared svc"}},
      {"administration, basic", no_admin, "eucs-basic", V{}},
      {"administration, secnumcloud", no_admin, "secnumcloud-3.2", V{}},
      {"support operations, high", no_support_ops, "eucs-high", V{"fail support-operations-missing /declared_locations/4"}},
      {"support operations, substantial", no_support_ops, "eucs-substantial", V{}},
      {"backup, basic", no_backup, "eucs-basic", V{"fail backup-undeclared svc"}},
      {"backup, c5", no_backup, "c5-2026", V{"fail backup-undeclared svc"}},
      {"same site, substantial", same_site, "eucs-substantial", V{"warn backup-same-site svc", "warn backup-same-site svc", "warn backup-same-site svc", "warn backup-same-site svc"}},
      {"same site, basic", same_site, "eucs-basic", V{}},
      {"regions, basic", no_regions, "eucs-basic", V{}},  // every endpoint has a declared_region
      {"certifications, substantial", no_certs, "eucs-substantial", V{"warn subservice-certification-missing store"}},
      {"certifications, basic", no_certs, "eucs-basic", V{}},
      {"US parent, eucs", us_parent, "eucs-high", V{"warn jurisdiction-exposure store"}},
      {"US parent, secnumcloud", us_parent, "secnumcloud-3.2", V{"fail jurisdiction-exposure store"}},
      {"US parent, sovereignty", us_parent, "eu-sovereignty", V{"fail jurisdiction-exposure store"}},
      {"no parent, c5", no_parent, "c5-2026", V{"fail parent-country-undeclared store"}},
      {"no parent, eucs", no_parent, "eucs-high", V{}},
      {"no law, c5", no_law, "c5-2026", V{"fail applicable-law-undeclared svc"}},
      {"no law, eucs", no_law, "eucs-high", V{}},
      {"no flow", no_flow, "eucs-basic", V{"fail undeclared-flow store/bucket"}},
      {"undisclosed", undisclosed, "eucs-basic", V{"fail undeclared-flow store/bucket", "fail undisclosed-use store/bucket"}},
      {"region outside", region_outside, "eucs-substantial", V{"fail declared-region-outside store/bucket"}},
      {"adequate", adequate, "eucs-basic", V{"warn coarse-location /declared_locations/4"}},
      {"support from US, secnumcloud", support_us, "secnumcloud-3.2", V{}},  // 19.2.e allows it, with operations
      {"support from US, sovereignty", support_us, "eu-sovereignty", V{"fail locations-outside /declared_locations/4"}},
      {"admin from CH, secnumcloud", admin_ch, "secnumcloud-3.2", V{"fail locations-outside /declared_locations/3", "fail locations-outside /declared_locations/3"}},
      {"metadata, substantial", no_metadata, "eucs-substantial", V{"fail category-undeclared svc", "fail category-undeclared svc"}},
      {"metadata, c5", no_metadata, "c5-2026", V{"fail category-undeclared svc"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    CHECK(LintText(c.text, c.profile) == c.expected);
  }
}

TEST_CASE("findings name requirement ids, path and position") {
  Manifest m;
  std::vector<Diagnostic> errors;
  std::string text = Edit(kComplete, R"("declared_region": "aws:eu-central-1")", R"("declared_region": "aws:us-east-1")");
  REQUIRE(ParseManifest("l.json", text, TestJurisdictions(), &m, &errors));
  Profile p;
  Diagnostic error;
  REQUIRE(LoadProfile("eucs-high", TestJurisdictions(), &p, &error));
  ServiceGraph g(m);
  auto findings = Lint(m, g, TestJurisdictions(), p);
  REQUIRE(findings.size() == 1);
  const Finding& f = findings[0];
  CHECK(f.requirements == std::vector<std::string>{"EUCS DOC-03.1", "EUCS PSS-05.2"});
  CHECK(JoinPath(f.path) == "svc -> store -> store/bucket");
  CHECK(f.ref.pointer == "/subservices/0/endpoints/0");
  CHECK(f.ref.pos.line == 15);
  CHECK(f.message == "endpoint store/bucket is declared in aws:us-east-1 (US), outside the locations declared for "
                     "storage of customer: aws:eu-central-1");
}

}  // namespace residency
