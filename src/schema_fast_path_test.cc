// The schema's fast path for endpoints (manifest.cc) must never change a verdict: every
// manifest parses to the same errors, or the same model, with it on and off. Over the bad
// corpus (tests/data/manifests/bad), the examples, and a table of endpoints that break
// each rule of the schema's "endpoint" definition in turn.
#include <doctest/doctest.h>

#include <filesystem>

#include "geodb_fixture_test.h"
#include "manifest.h"
#include "status.h"

namespace residency {
namespace {

std::vector<std::string> Outcome(const std::string& path, const std::string& text, bool fast) {
  Manifest m;
  std::vector<Diagnostic> errors;
  std::vector<std::string> out;
  if (ParseManifestForTest(path, text, TestJurisdictions(), fast, &m, &errors)) {
    for (const Node& n : m.nodes) {
      for (const Endpoint& e : n.endpoints) out.push_back("ok " + m.QualifiedId(e) + " " + e.host + e.url.str() + (e.ip ? e.ip->ToString() : ""));
    }
  }
  for (const Diagnostic& d : errors) out.push_back(d.ToString());
  return out;
}

std::string WithEndpoint(const std::string& endpoint) {
  return R"({"manifest_version": 1,
  "service": {"id": "svc", "name": "S", "provider": {"legal_name": "S GmbH", "country": "DE"}, "assurance_level": "basic"},
  "declared_locations": [{"activity": "storage", "data": ["customer"], "locations": ["DE"]}],
  "subservices": [{"id": "s", "name": "S", "operator": {"legal_name": "O GmbH", "country": "DE"},
    "endpoints": [{"id": "ok", "activity": "storage", "data": ["customer"], "ip": "192.0.2.1"}, )" +
         endpoint + R"(]}],
  "flows": [{"from": "svc", "to": "s", "data": ["customer"]}]})";
}

}  // namespace

TEST_CASE("the endpoint fast path agrees with the schema validator") {
  const std::string long_id(64, 'a');
  const std::string long_host(1030, 'a');
  const char* endpoints[] = {
      R"({"id": "e", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2"})",
      R"({"id": "e", "activity": "storage", "data": ["customer", "x-logs"], "host": "a.example.com", "x-note": {"k": [1]}})",
      R"({"id": "e", "activity": "storage", "data": ["customer"], "url": "https://a.example.com/x", "declared_region": "DE"})",
      R"({"id": "E", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2"})",
      R"({"id": "-e", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2"})",
      R"({"id": "", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2"})",
      R"({"id": 7, "activity": "storage", "data": ["customer"], "ip": "192.0.2.2"})",
      R"({"activity": "storage", "data": ["customer"], "ip": "192.0.2.2"})",
      R"({"id": "e", "data": ["customer"], "ip": "192.0.2.2"})",
      R"({"id": "e", "activity": "storage", "ip": "192.0.2.2"})",
      R"({"id": "e", "activity": "strage", "data": ["customer"], "ip": "192.0.2.2"})",
      R"({"id": "e", "activity": null, "data": ["customer"], "ip": "192.0.2.2"})",
      R"({"id": "e", "activity": "storage", "data": [], "ip": "192.0.2.2"})",
      R"({"id": "e", "activity": "storage", "data": "customer", "ip": "192.0.2.2"})",
      R"({"id": "e", "activity": "storage", "data": ["custmer"], "ip": "192.0.2.2"})",
      R"({"id": "e", "activity": "storage", "data": ["x-"], "ip": "192.0.2.2"})",
      R"({"id": "e", "activity": "storage", "data": ["x-A"], "ip": "192.0.2.2"})",
      R"({"id": "e", "activity": "storage", "data": [1], "ip": "192.0.2.2"})",
      R"({"id": "e", "activity": "storage", "data": ["customer"], "ip": ""})",
      R"({"id": "e", "activity": "storage", "data": ["customer"], "ip": 1})",
      R"({"id": "e", "activity": "storage", "data": ["customer"], "host": ""})",
      R"({"id": "e", "activity": "storage", "data": ["customer"], "url": ["https://a.example.com"]})",
      R"({"id": "e", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2", "declared_region": ""})",
      R"({"id": "e", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2", "region": "DE"})",
      R"({"id": "e", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2", "x": 1})",
      R"({"id": "é", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2"})",
      R"({"id": "e", "activity": "storage", "data": ["customer"], "host": "ä.example.com"})",
      R"({"id": "e", "activity": "storage", "data": ["customer"]})",
      R"({"id": "e", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2", "host": "a.example.com"})",
      R"(["not", "an", "object"])",
  };
  std::vector<std::string> cases(std::begin(endpoints), std::end(endpoints));
  cases.push_back(R"({"id": ")" + long_id + R"(", "activity": "storage", "data": ["customer"], "ip": "192.0.2.2"})");
  cases.push_back(R"({"id": "e", "activity": "storage", "data": ["customer"], "host": ")" + long_host + R"("})");
  std::string many = R"({"id": "e", "activity": "storage", "data": [)";
  for (int i = 0; i < 1001; ++i) many += std::string(i ? "," : "") + "\"customer\"";
  cases.push_back(many + R"(], "ip": "192.0.2.2"})");
  for (const std::string& endpoint : cases) {
    CAPTURE(endpoint);
    std::string text = WithEndpoint(endpoint);
    CHECK(Outcome("m.json", text, true) == Outcome("m.json", text, false));
  }
}

TEST_CASE("the fast path agrees over the bad corpus and the examples") {
  size_t files = 0;
  for (const char* dir : {"tests/data/manifests/bad", "manifests/examples"}) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() != ".json") continue;
      std::string text;
      REQUIRE(ReadFile(entry.path().string(), &text).ok());
      CAPTURE(entry.path().string());
      CHECK(Outcome(entry.path().string(), text, true) == Outcome(entry.path().string(), text, false));
      ++files;
    }
  }
  CHECK(files > 40);
}

}  // namespace residency
