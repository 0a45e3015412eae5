#include "geo.h"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include "geo_fixtures_test.h"
#include "status.h"

namespace residency {
namespace {

using testing::GeoFixtureDir;
using testing::WriteTempFile;

std::unique_ptr<Geo> OpenFixtureGeo() {
  std::unique_ptr<Geo> geo;
  Status s = Geo::Open(GeoFixtureDir(), &geo);
  REQUIRE_MESSAGE(s.ok(), s.message());
  return geo;
}

SourceConfig Config(std::string name, SourceKind kind, std::string path, std::string field) {
  SourceConfig c;
  c.name = std::move(name);
  c.kind = kind;
  c.file = c.path = std::move(path);
  c.field = std::move(field);
  return c;
}

// "a=DE b=- op=US" from an answer, for compact table rows.
std::string Summary(const GeoAnswer& a) {
  std::string s;
  for (const SourceAnswer& src : a.sources) {
    s += (s.empty() ? "" : " ") + src.source + "=" + src.country.value_or("-");
  }
  return s;
}

TEST_CASE("Geo::Lookup: every source's answer and the combined verdict") {
  std::unique_ptr<Geo> geo = OpenFixtureGeo();
  struct Case {
    std::string ip;
    std::string sources;
    Agreement agreement;
    std::optional<std::string> country;
    int answered;
  };
  const Case cases[] = {
      // Both country sources agree; the operator's US does not vote.
      {"192.0.2.1", "a=DE b=DE op=US", Agreement::kAgree, "DE", 2},
      {"::ffff:192.0.2.1", "a=DE b=DE op=US", Agreement::kAgree, "DE", 2},
      {"192.0.2.200", "a=FR b=DE op=US", Agreement::kDisagree, std::nullopt, 2},
      // Both inside the EU, still a disagreement: deciding what that means is the checker's.
      {"198.51.100.7", "a=NL b=BE op=US", Agreement::kDisagree, std::nullopt, 2},
      // One source answers, the other has nothing: agreement of the one that answered.
      {"203.0.113.200", "a=CA b=- op=US", Agreement::kAgree, "CA", 1},
      {"10.0.0.1", "a=- b=- op=-", Agreement::kUnknown, std::nullopt, 0},
      {"2001:db8::1", "a=DE b=IE op=US", Agreement::kDisagree, std::nullopt, 2},
      {"2001:db8:1::1", "a=- b=IE op=US", Agreement::kAgree, "IE", 1},
  };
  for (const Case& c : cases) {
    CAPTURE(c.ip);
    GeoAnswer answer;
    REQUIRE(geo->Lookup(*ParseIp(c.ip), &answer).ok());
    CHECK(Summary(answer) == c.sources);
    CHECK(answer.agreement == c.agreement);
    CHECK(answer.country == c.country);
    CHECK(answer.answered == c.answered);
    CHECK(answer.voters == 2);
    CHECK(answer.ip == ParseIp(c.ip)->Unmapped());
  }
}

TEST_CASE("Geo::Lookup: AS and feed match") {
  std::unique_ptr<Geo> geo = OpenFixtureGeo();
  GeoAnswer answer;
  REQUIRE(geo->Lookup(*ParseIp("192.0.2.1"), &answer).ok());
  REQUIRE(answer.as.has_value());
  CHECK(answer.as->number == 64496);
  CHECK(answer.as->organisation == "Example \"Docs\" Networks, Inc.");
  CHECK(answer.as->prefix.ToString() == "192.0.2.0/24");
  REQUIRE(answer.feed.has_value());
  CHECK(answer.feed->provider == "aws");
  CHECK(answer.feed->region == "eu-central-1");
  CHECK(answer.feed->service == "EC2");
  CHECK(answer.feed->scope == "regional");
  CHECK(answer.feed->IsLocation());
  CHECK(answer.feed->feed_prefix == "192.0.2.0/25");

  REQUIRE(geo->Lookup(*ParseIp("203.0.113.9"), &answer).ok());
  REQUIRE(answer.feed.has_value());
  CHECK(answer.feed->scope == "anycast");
  CHECK_FALSE(answer.feed->IsLocation());

  REQUIRE(geo->Lookup(*ParseIp("198.51.100.1"), &answer).ok());
  CHECK_FALSE(answer.as.has_value());
  CHECK_FALSE(answer.feed.has_value());
}

TEST_CASE("Geo: a user's GeoIP2-layout file plugs in by configuration") {
  std::string dir = GeoFixtureDir();
  SourceConfig mine = Config("mine", SourceKind::kCountry, dir + "/geoip2.mmdb", "country.iso_code");
  SourceConfig registered = mine;
  registered.name = "registered";
  registered.kind = SourceKind::kOperatorCountry;
  registered.field = "registered_country.iso_code";
  std::unique_ptr<Geo> geo;
  REQUIRE(Geo::Open({mine, registered}, &geo).ok());
  GeoAnswer answer;
  REQUIRE(geo->Lookup(*ParseIp("192.0.2.1"), &answer).ok());
  CHECK(Summary(answer) == "mine=DE registered=US");
  CHECK(answer.country == std::optional<std::string>("DE"));
}

TEST_CASE("Geo::Open: a missing optional source is skipped, a missing required one is an error") {
  std::string dir = GeoFixtureDir();
  SourceConfig feed = Config("feeds", SourceKind::kFeed, dir + "/none.mmdb", "");
  feed.optional = true;
  std::unique_ptr<Geo> geo;
  REQUIRE(Geo::Open({feed}, &geo).ok());
  CHECK_FALSE(geo->sources()[0].present);
  GeoAnswer answer;
  REQUIRE(geo->Lookup(*ParseIp("192.0.2.1"), &answer).ok());
  CHECK_FALSE(answer.feed.has_value());
  CHECK(answer.agreement == Agreement::kUnknown);

  SourceConfig country = Config("dbip", SourceKind::kCountry, dir + "/none.mmdb", "country_code");
  Status s = Geo::Open({country}, &geo);
  CHECK(s.kind() == Status::Kind::kNotFound);
  CHECK(s.message() == dir + "/none.mmdb: No such file or directory (source \"dbip\"; run "
                             "scripts/fetch-geodb, or remove it from sources.json)");

  std::string bad = WriteTempFile("bad.mmdb", "garbage garbage garbage");
  country.path = bad;
  s = Geo::Open({country}, &geo);
  CHECK(s.kind() == Status::Kind::kCorrupt);
  CHECK(s.message().rfind("source \"dbip\": " + bad + ": ", 0) == 0);
}

TEST_CASE("LoadSourceConfigs: reads sources.json, resolves paths") {
  std::vector<SourceConfig> configs;
  REQUIRE(LoadSourceConfigs(GeoFixtureDir(), &configs).ok());
  REQUIRE(configs.size() == 5);
  CHECK(configs[0].name == "a");
  CHECK(configs[0].path == GeoFixtureDir() + "/country-a.mmdb");
  CHECK(configs[2].kind == SourceKind::kOperatorCountry);
  CHECK(configs[3].org_field == "autonomous_system_organization");
  CHECK(configs[4].optional);
}

TEST_CASE("LoadSourceConfigs: errors are located") {
  struct Case {
    std::string json;
    std::string message;
  };
  const Case cases[] = {
      {R"({"sources": [{"name": "x", "kind": "contry", "file": "x.mmdb", "field": "c"}]})",
       R"(:1:36: error: unknown kind "contry" (did you mean "country"?) (one of country, operator-country, asn, feed) (at /sources/0/kind))"},
      {R"({"sources": [{"name": "x", "kind": "country", "file": "x.mmdb"}]})",
       R"(:1:14: error: source "x" of kind country needs "field" (the dotted path to its value) (at /sources/0))"},
      {R"({"sources": [{"name": "x", "kind": "asn", "file": "x.mmdb", "field": "n"}]})",
       R"(:1:14: error: source "x" of kind asn needs "org_field" (at /sources/0))"},
      {R"({"sources": [{"name": "x", "kind": "feed", "fiel": "x.mmdb"}]})",
       R"(:1:44: error: unknown key "fiel" (did you mean "file"?) (at /sources/0/fiel))"},
      {R"({"sources": [{"kind": "feed", "file": "x.mmdb"}]})",
       R"(:1:14: error: missing "name" (at /sources/0))"},
      {R"({"sources": [{"name": "x", "kind": "feed", "file": "a"}, {"name": "x", "kind": "feed", "file": "b"}]})",
       R"(:1:67: error: duplicate source name "x" (at /sources/1/name))"},
      {R"({"sources": [{"name": "x", "kind": "feed", "file": "a", "optional": "yes"}]})",
       R"(:1:69: error: "optional" must be true or false (at /sources/0/optional))"},
      {R"({"source": []})", R"(:1:1: error: expected an object with a "sources" array)"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.json);
    std::string path = WriteTempFile("sources.json", c.json);
    std::string dir = path.substr(0, path.rfind('/'));
    std::vector<SourceConfig> configs;
    Status s = LoadSourceConfigs(dir, &configs);
    CHECK(s.kind() == Status::Kind::kInvalidInput);
    std::string headline = s.message().substr(0, s.message().find('\n'));
    CHECK(headline == path + c.message);
  }
}

}  // namespace
}  // namespace residency
