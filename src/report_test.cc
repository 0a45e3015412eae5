#include "report.h"

#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <cstring>
#include <sstream>

namespace residency {
namespace {

VerifyReport SmallReport() {
  VerifyReport r;
  r.tool_version = "0.1.0";
  r.manifest_path = "m.json";
  r.manifest_sha256 = std::string(64, 'a');
  r.profile = "eucs-basic";
  r.profile_title = "EUCS, assurance level Basic";
  r.service_id = "svc";
  r.service_name = "S";
  r.geodb = {{"dbip", "country", "cache/dbip.mmdb", "country", 1780000000, std::string(64, 'b'), "CC-BY-4.0"}};
  r.resolver_servers = {"127.0.0.1:5353"};
  r.started_at = "2026-11-28T05:00:00.000Z";
  r.finished_at = "2026-11-28T05:00:01.250Z";

  EndpointResult e;
  e.id = "store/bucket";
  e.node = "store";
  e.activity = "storage";
  e.data = {"customer"};
  e.target = "b.s3.eu-central-1.amazonaws.com";
  e.target_kind = "host";
  e.declared_region = "aws:eu-central-1";
  e.allowed = {"DE"};
  e.resolution.name = e.target;
  e.resolution.status = ResolveStatus::kOk;
  e.resolution.cnames = {"s3-r-w.eu-central-1.amazonaws.com"};
  e.resolution.addresses = {*ParseIp("52.219.170.11")};
  e.resolution.evidence = {DnsAnswer{e.target, "A", "127.0.0.1:5353", 1795000000000, "NOERROR",
                                     {{e.target, "CNAME", 60, "s3-r-w.eu-central-1.amazonaws.com"},
                                      {"s3-r-w.eu-central-1.amazonaws.com", "A", 60, "52.219.170.11"}}}};
  AddressObservation o;
  o.ip = *ParseIp("52.219.170.11");
  o.country = "DE";
  o.placement = Placement::kInside;
  o.reason = "dbip DE: inside DE";
  o.sources = {{"dbip", "country", std::string("DE"), "52.219.168.0/22"}, {"iptoasn", "operator-country", std::nullopt, ""}};
  o.feed = FeedEvidence{"aws", "eu-central-1", "S3", "regional", "52.219.170.0/23", "DE", "Frankfurt"};
  o.as = AsEvidence{16509, "Amazon.com, Inc.", "52.216.0.0/14", "US"};
  e.observed = {o};
  e.host_pattern = HostPatternEvidence{"aws", "eu-central-1", "S3", "**.s3.{region}.amazonaws.com"};
  e.path = {"svc", "store", "store/bucket"};
  e.ref = SourceRef{"/subservices/0/endpoints/0", {12, 9}};
  e.verdict = Verdict::kPass;
  r.endpoints.push_back(e);

  EndpointResult lit = e;
  lit.id = "store/ip";
  lit.target = "192.0.2.1";
  lit.target_kind = "ip";
  lit.declared_region.clear();
  lit.path = {"svc", "store", "store/ip"};
  lit.host_pattern.reset();
  lit.resolution = Resolution{};
  lit.resolution.status = ResolveStatus::kOk;
  lit.resolution.addresses = {*ParseIp("192.0.2.1")};
  AddressObservation unknown = o;
  unknown.ip = *ParseIp("192.0.2.1");
  unknown.country.reset();
  unknown.placement = Placement::kUnknown;
  unknown.reason = "no geolocation source answers for this address";
  unknown.feed.reset();
  unknown.as.reset();
  lit.observed = {unknown};
  lit.verdict = Verdict::kUnverified;
  r.endpoints.push_back(lit);

  r.findings.push_back(Finding{"unverifiable", FindingStatus::kUnverified, "store/ip", {"EUCS DOC-03.1"},
                               {"svc", "store", "store/ip"}, "where store/ip is cannot be verified", SourceRef{"/x", {}}});
  return r;
}

}  // namespace

TEST_CASE("the verify JSON validates against docs/report.schema.json") {
  std::string schema_text;
  REQUIRE(ReadFile("docs/report.schema.json", &schema_text).ok());
  rapidjson::Document schema_doc;
  schema_doc.Parse(schema_text.c_str());
  REQUIRE(!schema_doc.HasParseError());
  rapidjson::SchemaDocument schema(schema_doc);

  std::ostringstream json;
  RenderVerifyJson(SmallReport(), json);
  rapidjson::Document doc;
  doc.Parse(json.str().c_str());
  REQUIRE(!doc.HasParseError());
  rapidjson::SchemaValidator validator(schema);
  bool valid = doc.Accept(validator);
  rapidjson::StringBuffer where;
  validator.GetInvalidDocumentPointer().StringifyUriFragment(where);
  CAPTURE(where.GetString());
  CAPTURE(validator.GetInvalidSchemaKeyword());
  CHECK(valid);
  // cli.md's fields
  CHECK(doc["summary"]["pass"].GetInt() == 1);
  CHECK(doc["summary"]["unverified"].GetInt() == 1);
  CHECK(doc["result"] == "unverified");
  CHECK(doc["endpoints"][0]["observed"][0]["sources"]["dbip"] == "DE");
  CHECK(doc["endpoints"][0]["observed"][0]["sources"]["iptoasn"].IsNull());
  CHECK(doc["endpoints"][1]["observed"][0]["country"].IsNull());

  // A report that is not one fails the schema: the test can fail.
  doc["endpoints"][0]["verdict"].SetString("maybe");
  rapidjson::SchemaValidator again(schema);
  CHECK(!doc.Accept(again));
}

TEST_CASE("the exit code follows the statuses in the report") {
  VerifyReport r = SmallReport();
  CHECK(r.ExitCode() == 3);
  std::vector<Finding> findings(r.findings.begin(), r.findings.end());
  findings[0].status = FindingStatus::kFail;  // eucs-high: unverifiable is a failure
  r.findings.clear();
  for (Finding& f : findings) r.findings.push_back(std::move(f));
  CHECK(r.ExitCode() == 1);
  r.findings.clear();
  CHECK(r.ExitCode() == 3);  // the endpoint is still unverified
  r.endpoints.pop_back();
  CHECK(r.ExitCode() == 0);
  r.findings.push_back(Finding{"x", FindingStatus::kWarn, "s", {}, {}, "m", {}});
  CHECK(r.ExitCode() == 0);
  r.endpoints[0].verdict = Verdict::kFail;
  CHECK(r.ExitCode() == 1);
}

TEST_CASE("the verify text groups endpoints by node and ends with the summary") {
  std::ostringstream text;
  RenderVerifyText(SmallReport(), text);
  const std::string want =
      "residency verify m.json\n"
      "service svc (S), profile eucs-basic: EUCS, assurance level Basic\n"
      "geodb: dbip; DNS: 127.0.0.1:5353\n"
      "\n"
      "store\n"
      "  PASS store/bucket  storage of customer, allowed DE\n"
      "    b.s3.eu-central-1.amazonaws.com -> s3-r-w.eu-central-1.amazonaws.com  ok\n"
      "    52.219.170.11  inside: dbip DE: inside DE  [AS16509 Amazon.com, Inc.]\n"
      "  UNVERIFIED store/ip  storage of customer, allowed DE\n"
      "    192.0.2.1  unknown: no geolocation source answers for this address\n"
      "    path: svc -> store -> store/ip\n"
      "\n"
      "findings\n"
      "  UNVERIFIED unverifiable store/ip [EUCS DOC-03.1]\n"
      "    m.json: where store/ip is cannot be verified\n"
      "\n"
      "endpoints: 1 pass, 0 fail, 1 unverified; findings: 0 fail, 1 unverified, 0 warn, 0 info: unverified\n";
  CHECK(text.str() == want);
}

TEST_CASE("colour marks the status words and nothing else") {
  std::ostringstream plain, coloured;
  RenderVerifyText(SmallReport(), plain, false);
  RenderVerifyText(SmallReport(), coloured, true);
  CHECK(plain.str().find('\033') == std::string::npos);
  CHECK(coloured.str().find("\033[32mPASS\033[0m store/bucket") != std::string::npos);
  CHECK(coloured.str().find("\033[33mUNVERIFIED\033[0m store/ip") != std::string::npos);
  std::string stripped = coloured.str();
  for (const char* code : {"\033[32m", "\033[33m", "\033[0m"}) {
    for (size_t at; (at = stripped.find(code)) != std::string::npos;) stripped.erase(at, std::strlen(code));
  }
  CHECK(stripped == plain.str());
}

}  // namespace residency
