#include "lookup_report.h"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <sstream>
#include <string>

#include "commands.h"
#include "geo_fixtures_test.h"

namespace residency {
namespace {

using testing::GeoFixtureDir;

LookupReport SampleReport() {
  LookupResult r;
  r.target = "::ffff:192.0.2.1";
  r.answer.ip = *ParseIp("192.0.2.1");
  r.answer.sources = {
      {"dbip", SourceKind::kCountry, "DE", ParsePrefix("192.0.2.0/25")},
      {"geo-whois", SourceKind::kCountry, std::nullopt, std::nullopt},
      {"iptoasn", SourceKind::kOperatorCountry, "US", ParsePrefix("192.0.2.0/24")},
  };
  r.answer.agreement = Agreement::kAgree;
  r.answer.country = "DE";
  r.answer.voters = 2;
  r.answer.answered = 1;
  r.answer.as = AsAnswer{"asn", 64496, "Example", *ParsePrefix("192.0.2.0/24")};
  FeedMatch f;
  f.source = "feeds";
  f.provider = "cloudflare";
  f.scope = "anycast";
  f.feed_prefix = "192.0.2.0/24";
  f.prefix = *ParsePrefix("192.0.2.0/24");
  r.answer.feed = f;
  r.jurisdictions = std::map<std::string, std::vector<std::string>>{
      {"DE", {"EU", "EEA"}}, {"US", {}}};
  LookupReport report;
  report.results.push_back(r);
  return report;
}

TEST_CASE("RenderLookupText: golden") {
  std::ostringstream out;
  RenderLookupText(SampleReport(), out);
  CHECK(out.str() ==
        "::ffff:192.0.2.1 (looked up as 192.0.2.1)\n"
        "  dbip       country           DE  192.0.2.0/25\n"
        "  geo-whois  country           -\n"
        "  iptoasn    operator-country  US  192.0.2.0/24  (where the AS is registered; not a location)\n"
        "  country    agree: DE (1 of 2 country sources answered)\n"
        "  as         AS64496 Example (192.0.2.0/24)\n"
        "  feed       cloudflare - - anycast (192.0.2.0/24): anycast space, the IP says nothing of a place\n"
        "  groups     DE: EU EEA; US: none\n");
}

TEST_CASE("RenderLookupJson: shape") {
  std::ostringstream out;
  RenderLookupJson(SampleReport(), out);
  rapidjson::Document doc;
  doc.Parse(out.str().c_str());
  REQUIRE_FALSE(doc.HasParseError());
  CHECK(doc["lookup_version"].GetInt() == 1);
  const auto& r = doc["results"][0];
  CHECK(std::string(r["target"].GetString()) == "::ffff:192.0.2.1");
  CHECK(std::string(r["ip"].GetString()) == "192.0.2.1");
  CHECK(r["sources"].Size() == 3);
  CHECK(r["sources"][1]["country"].IsNull());
  CHECK(r["sources"][1]["prefix"].IsNull());
  CHECK(std::string(r["sources"][2]["kind"].GetString()) == "operator-country");
  CHECK(std::string(r["country"]["verdict"].GetString()) == "agree");
  CHECK(std::string(r["country"]["country"].GetString()) == "DE");
  CHECK(r["country"]["answered"].GetInt() == 1);
  CHECK(r["as"]["number"].GetUint() == 64496);
  CHECK(std::string(r["feed"]["scope"].GetString()) == "anycast");
  CHECK(r["feed"]["country"].IsNull());
  CHECK(r["jurisdictions"]["DE"].Size() == 2);
  CHECK(r["jurisdictions"]["US"].Size() == 0);
}

TEST_CASE("RenderLookupText: a regional feed match names the catalog's country and city") {
  LookupReport report = SampleReport();
  FeedMatch& f = *report.results[0].answer.feed;
  f.provider = "aws";
  f.region = "eu-central-1";
  f.service = "EC2";
  f.scope = "regional";
  report.results[0].feed_country = "DE";
  report.results[0].feed_city = "Frankfurt";
  std::ostringstream out;
  RenderLookupText(report, out);
  CHECK(out.str().find("  feed       aws eu-central-1 EC2 regional (192.0.2.0/24): DE, Frankfurt\n") !=
        std::string::npos);
}

TEST_CASE("RunLookup: targets, exit codes, messages") {
  struct Case {
    std::vector<std::string> targets;
    int code;
    std::string err;  // expected start of stderr
  };
  const Case cases[] = {
      {{"under_score.example"}, kExitError,
       "residency: lookup: \"under_score.example\" is not a valid host name: character '_' not "
       "allowed in a host name (letters, digits, '-')\n"},
      {{"192.0.2.1", "999.1.1.1"}, kExitError,
       "residency: lookup: \"999.1.1.1\" is not a valid IP address\n"},
      {{"2001:db8::zz"}, kExitError, "residency: lookup: \"2001:db8::zz\" is not a valid IP address\n"},
      {{""}, kExitError, "residency: lookup: \"\" is not a valid IP address\n"},
      {{"192.0.2.1", "::ffff:192.0.2.1"}, kExitPass,
       "residency: note: jurisdiction groups not shown: "},
  };
  for (const Case& c : cases) {
    CAPTURE(c.targets.back());
    LookupOptions options;
    options.targets = c.targets;
    options.geodb_dir = GeoFixtureDir();
    std::ostringstream out, err;
    CHECK(RunLookup(options, out, err) == c.code);
    CHECK(err.str().substr(0, c.err.size()) == c.err);
    if (c.code != kExitPass) CHECK(out.str().empty());
  }
}

TEST_CASE("RunLookup --format json and RunGeodbInfo on the fixtures") {
  LookupOptions options;
  options.targets = {"192.0.2.200", "::ffff:192.0.2.200"};
  options.geodb_dir = GeoFixtureDir();
  options.format = "json";
  std::ostringstream out, err;
  REQUIRE(RunLookup(options, out, err) == kExitPass);
  rapidjson::Document doc;
  doc.Parse(out.str().c_str());
  REQUIRE_FALSE(doc.HasParseError());
  for (int i = 0; i < 2; ++i) {
    CAPTURE(i);
    const auto& r = doc["results"][i];
    CHECK(std::string(r["ip"].GetString()) == "192.0.2.200");
    CHECK(std::string(r["country"]["verdict"].GetString()) == "disagree");
    CHECK(r["country"]["countries"].Size() == 2);
    CHECK(r["jurisdictions"].IsNull());
  }

  GeodbInfoOptions info;
  info.geodb_dir = GeoFixtureDir();
  info.format = "json";
  std::ostringstream info_out, info_err;
  REQUIRE(RunGeodbInfo(info, info_out, info_err) == kExitPass);
  doc.Parse(info_out.str().c_str());
  REQUIRE_FALSE(doc.HasParseError());
  const auto& a = doc["sources"][0];
  CHECK(std::string(a["name"].GetString()) == "a");
  CHECK(std::string(a["database_type"].GetString()) == "fixture-country");
  CHECK(a["build_epoch"].GetUint64() == 1700000000);
  CHECK(std::string(a["build_date"].GetString()) == "2023-11-14T22:13:20Z");
  CHECK(std::string(a["sha256"].GetString()).size() == 64);
  CHECK(std::string(a["licence"].GetString()) == "CC0-1.0");
}

}  // namespace
}  // namespace residency
