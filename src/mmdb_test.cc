#include "mmdb.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "geo_fixtures_test.h"
#include "hash.h"
#include "status.h"

namespace residency {
namespace {

using testing::GeoFixtureDir;
using testing::WriteTempFile;

Mmdb OpenFixture(const std::string& name) {
  Mmdb db;
  Status s = Mmdb::Open(GeoFixtureDir() + "/" + name, &db);
  REQUIRE_MESSAGE(s.ok(), s.message());
  return db;
}

TEST_CASE("Mmdb::Lookup: country, unmapped IPv4, normalised prefix") {
  Mmdb db = OpenFixture("country-a.mmdb");
  const std::vector<MmdbField> fields = {MmdbField("country_code")};
  struct Case {
    std::string ip;
    bool found;
    const char* country;  // nullptr: none
    const char* prefix;   // nullptr: not checked
  };
  const Case cases[] = {
      {"192.0.2.1", true, "DE", "192.0.2.0/25"},
      {"192.0.2.200", true, "FR", "192.0.2.128/25"},
      {"::ffff:192.0.2.1", true, "DE", "192.0.2.0/25"},  // v4-mapped: looked up as IPv4
      {"198.51.100.99", true, "NL", "198.51.100.0/24"},
      {"2001:db8::1", true, "DE", "2001:db8::/48"},
      {"10.1.2.3", false, nullptr, nullptr},
      {"2001:db9::1", false, nullptr, nullptr},
  };
  for (const Case& c : cases) {
    CAPTURE(c.ip);
    MmdbAnswer answer;
    REQUIRE(db.Lookup(*ParseIp(c.ip), fields, &answer).ok());
    CHECK(answer.found == c.found);
    REQUIRE(answer.values.size() == 1);
    if (c.country) {
      CHECK(answer.values[0] == std::optional<std::string>(c.country));
    } else {
      CHECK_FALSE(answer.values[0].has_value());
    }
    if (c.prefix) CHECK(answer.prefix.ToString() == c.prefix);
    CHECK(answer.prefix.Contains(ParseIp(c.ip)->Unmapped()));
  }
}

TEST_CASE("Mmdb::Lookup through a record cache: the same answers, databases kept apart") {
  // Two databases whose records sit at the same offsets (same layout, other countries)
  // looked up in turn through one cache: a hit may only serve its own database.
  Mmdb a = OpenFixture("country-a.mmdb"), b = OpenFixture("country-b.mmdb");
  const std::vector<MmdbField> fields = {MmdbField("country_code")};
  MmdbRecordCache cache;
  const char* ips[] = {"192.0.2.1", "192.0.2.200", "198.51.100.99", "2001:db8::1", "10.1.2.3", "192.0.2.2"};
  for (int round = 0; round < 3; ++round) {
    for (const char* ip : ips) {
      for (const Mmdb* db : {&a, &b}) {
        CAPTURE(ip);
        CAPTURE(db->path());
        MmdbAnswer plain, cached;
        REQUIRE(db->Lookup(*ParseIp(ip), fields, &plain).ok());
        REQUIRE(db->Lookup(*ParseIp(ip), fields, &cached, &cache).ok());
        CHECK(cached.found == plain.found);
        CHECK(cached.values == plain.values);
        CHECK(cached.prefix.ToString() == plain.prefix.ToString());
      }
    }
  }
}

TEST_CASE("Mmdb::Lookup: field paths are configuration (GeoIP2 layout)") {
  Mmdb db = OpenFixture("geoip2.mmdb");
  const std::vector<MmdbField> fields = {
      MmdbField("country.iso_code"), MmdbField("registered_country.iso_code"),
      MmdbField("country.is_in_european_union"), MmdbField("country"),  // a map: no scalar
      MmdbField("country_code"),                                      // absent
      MmdbField("country.iso_code.deeper")};                          // through a string
  struct Case {
    std::string ip;
    std::vector<std::optional<std::string>> values;
  };
  const Case cases[] = {
      {"192.0.2.7", {"DE", "US", "true", std::nullopt, std::nullopt, std::nullopt}},
      {"198.51.100.7",
       {std::nullopt, "US", std::nullopt, std::nullopt, std::nullopt, std::nullopt}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.ip);
    MmdbAnswer answer;
    REQUIRE(db.Lookup(*ParseIp(c.ip), fields, &answer).ok());
    CHECK(answer.found);
    CHECK(answer.values == c.values);
  }
}

TEST_CASE("Mmdb::Lookup: numbers as text, IPv6 in an IPv4 tree is not found") {
  Mmdb asn = OpenFixture("asn.mmdb");
  MmdbAnswer answer;
  const std::vector<MmdbField> fields = {MmdbField("autonomous_system_number"),
                                         MmdbField("autonomous_system_organization")};
  REQUIRE(asn.Lookup(*ParseIp("192.0.2.9"), fields, &answer).ok());
  CHECK(answer.values[0] == std::optional<std::string>("64496"));
  CHECK(answer.values[1] == std::optional<std::string>("Example \"Docs\" Networks, Inc."));

  Mmdb v4 = OpenFixture("v4only.mmdb");
  const std::vector<MmdbField> cc = {MmdbField("country_code")};
  REQUIRE(v4.Lookup(*ParseIp("192.0.2.9"), cc, &answer).ok());
  CHECK(answer.found);
  CHECK(answer.prefix.ToString() == "192.0.2.0/24");
  Status s = v4.Lookup(*ParseIp("2001:db8::1"), cc, &answer);
  CHECK(s.ok());
  CHECK_FALSE(answer.found);
}

TEST_CASE("Mmdb: metadata and sha256") {
  Mmdb db = OpenFixture("country-a.mmdb");
  MmdbMetadata md = db.Metadata();
  CHECK(md.database_type == "fixture-country");
  CHECK(md.build_epoch == 1700000000);
  CHECK(md.ip_version == 6);
  CHECK(md.node_count > 0);
  std::string want;
  REQUIRE(Sha256File(db.path(), &want).ok());
  CHECK(db.Sha256() == want);
  CHECK(OpenFixture("v4only.mmdb").Metadata().ip_version == 4);
}

TEST_CASE("Mmdb: movable; the moved-from object is closed") {
  Mmdb a = OpenFixture("country-a.mmdb");
  Mmdb b = std::move(a);
  CHECK_FALSE(a.is_open());  // NOLINT(bugprone-use-after-move): checking the contract
  CHECK(b.is_open());
  Mmdb c = OpenFixture("country-b.mmdb");
  c = std::move(b);  // closes country-b
  MmdbAnswer answer;
  REQUIRE(c.Lookup(*ParseIp("192.0.2.200"), {MmdbField("country_code")}, &answer).ok());
  CHECK(answer.values[0] == std::optional<std::string>("FR"));
}

TEST_CASE("Mmdb::Open: errors name the path and never crash") {
  std::string good;
  REQUIRE(ReadFile(GeoFixtureDir() + "/country-a.mmdb", &good).ok());
  struct Case {
    std::string name;
    std::string data;
    Status::Kind kind;
  };
  const Case cases[] = {
      {"empty.mmdb", "", Status::Kind::kCorrupt},
      {"text.mmdb", "this is not a database\n", Status::Kind::kCorrupt},
      {"truncated.mmdb", good.substr(0, good.size() / 2), Status::Kind::kCorrupt},
      {"no-metadata.mmdb", good.substr(0, good.size() - 200), Status::Kind::kCorrupt},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    std::string path = WriteTempFile(c.name, c.data);
    Mmdb db;
    Status s = Mmdb::Open(path, &db);
    CAPTURE(s.message());
    CHECK(s.kind() == c.kind);
    CHECK(s.message().find(path) == 0);
    CHECK_FALSE(db.is_open());
  }
  Mmdb db;
  Status s = Mmdb::Open("/nonexistent/x.mmdb", &db);
  CHECK(s.kind() == Status::Kind::kNotFound);
  CHECK(s.message() == "/nonexistent/x.mmdb: No such file or directory");
}

TEST_CASE("MmdbField splits dotted paths") {
  struct Case {
    std::string dotted;
    std::vector<std::string> parts;
  };
  const Case cases[] = {
      {"country_code", {"country_code"}},
      {"country.iso_code", {"country", "iso_code"}},
      {"subdivisions.0.iso_code", {"subdivisions", "0", "iso_code"}},
      {"", {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.dotted);
    MmdbField f(c.dotted);
    MmdbField copy = f;  // the copy must own its own pointers
    f = MmdbField("other");
    std::vector<std::string> got;
    for (const char* const* p = copy.c_path(); *p; ++p) got.emplace_back(*p);
    CHECK(got == c.parts);
    CHECK(copy.dotted() == c.dotted);
  }
}

}  // namespace
}  // namespace residency
