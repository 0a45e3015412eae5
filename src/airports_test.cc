#include "airports.h"

#include <cmath>

#include <doctest/doctest.h>

#include "geo_fixtures_test.h"
#include "geodb_fixture_test.h"

namespace residency {
namespace {

const Airports& TestAirports() {
  static const Airports* a = [] {
    auto* out = new Airports;
    Status s = Airports::Load("geodb", out);
    REQUIRE_MESSAGE(s.ok(), s.message());
    return out;
  }();
  return *a;
}

TEST_CASE("Airports: well-known PoP codes in geodb/airports.csv") {
  struct Case {
    const char* code;
    const char* country;
    double latitude, longitude;  // to a tenth of a degree
  };
  const Case cases[] = {
      {"FRA", "DE", 50.0, 8.6}, {"CDG", "FR", 49.0, 2.5},   {"IAD", "US", 38.9, -77.5},
      {"NRT", "JP", 35.8, 140.4}, {"AMS", "NL", 52.3, 4.8}, {"DUB", "IE", 53.4, -6.3},
      {"LHR", "GB", 51.5, -0.5}, {"SIN", "SG", 1.4, 104.0}, {"GRU", "BR", -23.4, -46.5},
      {"SYD", "AU", -33.9, 151.2},
  };
  for (const Case& c : cases) {
    INFO(std::string(c.code));
    const Airport* a = TestAirports().Find(c.code);
    REQUIRE(a != nullptr);
    CHECK(a->iata == c.code);
    CHECK(a->country == c.country);
    CHECK(std::abs(a->latitude - c.latitude) < 0.1);
    CHECK(std::abs(a->longitude - c.longitude) < 0.1);
    CHECK(!a->name.empty());
  }
  CHECK(TestAirports().Find("FRA")->city == "Frankfurt am Main");
  CHECK(TestAirports().size() > 4000);
}

TEST_CASE("Airports: every country is an ISO 3166-1 code (Kosovo's XK aside)") {
  // Every row: the loader checks the shape; here the codes against geodb/countries.csv.
  const char* codes[] = {"FRA", "CDG", "IAD", "NRT", "AMS", "DUB"};
  for (const char* code : codes) {
    INFO(std::string(code));
    CHECK(TestJurisdictions().IsCountry(TestAirports().Find(code)->country));
  }
}

TEST_CASE("Airports::Find: any case, three letters, nothing for the unknown") {
  CHECK(TestAirports().Find("fra") == TestAirports().Find("FRA"));
  CHECK(TestAirports().Find("Cdg")->country == "FR");
  for (const char* code : {"", "FR", "FRAX", "FR1", "F-A", "ZZZ", "fr\xc3"}) {
    std::string shown = "\"";
    shown.append(code).append("\"");
    INFO(shown);
    CHECK(TestAirports().Find(code) == nullptr);
  }
}

TEST_CASE("Airports::LoadFile: errors name FILE:LINE") {
  const std::string header = "# comment\niata,country,latitude,longitude,city,name\n";
  struct Case {
    const char* rows;
    const char* want;  // after "PATH:"
  };
  const Case cases[] = {
      {"FRA,DE,50.03,8.56,Frankfurt,Frankfurt Airport\nfra,DE,1,2,,x\n",
       "4: IATA code \"fra\" is not three upper-case letters"},
      {"FRA,Germany,50.03,8.56,,x\n", "3: FRA: country \"Germany\" is not an ISO 3166-1 alpha-2 code"},
      {"FRA,DE,95,8.56,,x\n", "3: FRA: latitude \"95\" is not a number of degrees in range"},
      {"FRA,DE,50,8.5x,,x\n", "3: FRA: longitude \"8.5x\" is not a number of degrees in range"},
      {"FRA,DE,50,,,x\n", "3: FRA: longitude \"\" is not a number of degrees in range"},
      {"FRA,DE,50,8,,x\nCDG,FR,49,2,,y\nFRA,DE,50,8,,z\n", "5: IATA code FRA already on line 3"},
      {"FRA,DE,50,8\n", "3: 4 fields, the header has 6"},
  };
  for (const Case& c : cases) {
    INFO(std::string(c.rows));
    const std::string path = testing::WriteTempFile("airports.csv", header + c.rows);
    Airports airports;
    Status s = Airports::LoadFile(path, &airports);
    CHECK(s.kind() == Status::Kind::kCorrupt);
    CHECK(s.message() == path + ":" + c.want);
  }
  Airports airports;
  Status s = Airports::LoadFile("/nonexistent/airports.csv", &airports);
  CHECK(s.kind() == Status::Kind::kNotFound);
  CHECK(s.message().rfind("/nonexistent/airports.csv: ", 0) == 0);
  const std::string path = testing::WriteTempFile("airports.csv", "iata,country,city\n");
  CHECK(Airports::LoadFile(path, &airports).message() == path + ": no column \"latitude\"");
}

}  // namespace
}  // namespace residency
