#include "vantage.h"

#include <chrono>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "geodb_fixture_test.h"

namespace residency {
namespace {

// The outlines fetched by scripts/fetch-geodb (geodb/cache/world-atlas/), loaded once.
const CountryOutlines& TestOutlines() {
  static const CountryOutlines* o = [] {
    std::unique_ptr<CountryOutlines> out;
    Status s = CountryOutlines::Load("geodb", &out);
    REQUIRE_MESSAGE(s.ok(), s.message());
    return out.release();
  }();
  return *o;
}

CountrySet Set(const std::vector<std::string>& codes) {
  CountrySet set;
  for (const std::string& c : codes) set.Add(c);
  return set;
}

std::vector<std::string> ReachedCodes(const Plausibility& p) {
  std::vector<std::string> codes;
  for (const ReachedCountry& r : p.reached) codes.push_back(r.country.empty() ? r.name : r.country);
  return codes;
}

const GeoPoint kFrankfurt{50.1109, 8.6821};
const GeoPoint kParis{48.8566, 2.3522};

TEST_CASE("ParseVantage: LAT,LON in decimal degrees") {
  struct Case {
    const char* text;
    double latitude, longitude;
  };
  const Case good[] = {
      {"50.11,8.68", 50.11, 8.68}, {"-33.87, 151.21", -33.87, 151.21}, {" 0 , 0 ", 0, 0},
      {"90,-180", 90, -180},       {"-90,180", -90, 180},              {"1e1,2", 10, 2},
  };
  for (const Case& c : good) {
    INFO(std::string(c.text));
    GeoPoint p;
    Status s = ParseVantage(c.text, &p);
    REQUIRE_MESSAGE(s.ok(), s.message());
    CHECK(p.latitude == c.latitude);
    CHECK(p.longitude == c.longitude);
  }
  struct Bad {
    const char* text;
    const char* want;
  };
  const Bad bad[] = {
      {"", "\"\": expected LAT,LON in decimal degrees, e.g. 50.11,8.68"},
      {"abc", "\"abc\": expected LAT,LON in decimal degrees, e.g. 50.11,8.68"},
      {"50.11", "\"50.11\": expected LAT,LON in decimal degrees, e.g. 50.11,8.68"},
      {"50.11;8.68", "\"50.11;8.68\": expected LAT,LON in decimal degrees, e.g. 50.11,8.68"},
      {"50.11,8.68,3", "\"50.11,8.68,3\": expected LAT,LON in decimal degrees, e.g. 50.11,8.68"},
      {"50.11,", "\"50.11,\": expected LAT,LON in decimal degrees, e.g. 50.11,8.68"},
      {"50N,8E", "\"50N,8E\": expected LAT,LON in decimal degrees, e.g. 50.11,8.68"},
      {"nan,8", "\"nan,8\": expected LAT,LON in decimal degrees, e.g. 50.11,8.68"},
      {"inf,8", "\"inf,8\": expected LAT,LON in decimal degrees, e.g. 50.11,8.68"},
      {"+50,8", "\"+50,8\": expected LAT,LON in decimal degrees, e.g. 50.11,8.68"},
      {"95,8", "\"95,8\": latitude 95 is out of range (-90 to 90)"},
      {"-90.5,8", "\"-90.5,8\": latitude -90.5 is out of range (-90 to 90)"},
      {"50,190", "\"50,190\": longitude 190 is out of range (-180 to 180)"},
      {"8.68,-180.01", "\"8.68,-180.01\": longitude -180.01 is out of range (-180 to 180)"},
  };
  for (const Bad& c : bad) {
    INFO(std::string(c.text));
    GeoPoint p;
    Status s = ParseVantage(c.text, &p);
    CHECK(s.kind() == Status::Kind::kInvalidInput);
    CHECK(s.message() == c.want);
  }
}

TEST_CASE("RadiusKm: RTT/2 x 200 km/ms") {
  CHECK(RadiusKm(2) == 200);
  CHECK(RadiusKm(0) == 0);
  CHECK(RadiusKm(10, {.fibre_km_per_ms = 300}) == 1500);
  CHECK(GreatCircleKm(kFrankfurt, kParis) == doctest::Approx(479).epsilon(0.01));
}

// Two unit squares side by side, sharing the arc x=1 (quantized: scale 1, delta-encoded),
// the right one named by a reversed arc (~1 = -2). A third geometry repeats id 276; the
// last one is a ring quantization collapsed to [a, b, a]: no area, no outline.
constexpr char kSquares[] = R"({"type": "Topology",
  "transform": {"scale": [1, 1], "translate": [0, 0]},
  "arcs": [[[1, 0], [-1, 0], [0, 1], [1, 0]],
           [[1, 1], [0, -1]],
           [[1, 1], [1, 0], [0, -1], [-1, 0]],
           [[5, 5], [1, 0], [0, 1], [-1, 0], [0, -1]],
           [[7, 7], [1, 0], [-1, 0]]],
  "objects": {"countries": {"type": "GeometryCollection", "geometries": [
    {"type": "Polygon", "arcs": [[0, 1]], "id": "276", "properties": {"name": "Left"}},
    {"type": "Polygon", "arcs": [[-2, 2]], "id": "250", "properties": {"name": "Right"}},
    {"type": null},
    {"type": "MultiPolygon", "arcs": [[[3]]], "id": "276"},
    {"type": "Polygon", "arcs": [[3]], "properties": {"name": "Nowhere"}},
    {"type": "Polygon", "arcs": [[4]], "id": "380", "properties": {"name": "Collapsed"}}]}}})";

const std::map<std::string, std::string> kNumeric = {{"276", "DE"}, {"250", "FR"}, {"380", "IT"}};

TEST_CASE("CountryOutlines::Parse: arcs, delta encoding, reversed arcs, repeated ids") {
  std::unique_ptr<CountryOutlines> o;
  Status s = CountryOutlines::Parse("squares.json", kSquares, kNumeric, &o);
  REQUIRE_MESSAGE(s.ok(), s.message());
  REQUIRE(o->outlines().size() == 3);
  CHECK(o->outlines()[0].code == "DE");
  CHECK(o->outlines()[0].name == "Left");
  CHECK(o->outlines()[1].code == "FR");
  CHECK(o->outlines()[2].code == "");
  CHECK(o->outlines()[2].name == "Nowhere");
  CHECK(o->Has("DE"));
  CHECK(!o->Has("US"));
  CHECK(!o->Has("IT"));
  const double degree_km = 6371.0088 * 3.14159265358979323846 / 180;
  struct Case {
    GeoPoint from;
    const char* code;
    double want_km;
  };
  const Case cases[] = {
      {{0.5, 0.5}, "DE", 0},   {{0.5, 1.5}, "DE", 0.5 * degree_km}, {{0.5, 1.5}, "FR", 0},
      {{0.5, -1}, "FR", 2 * degree_km}, {{1, 1}, "FR", 0},          // on the shared edge
      {{5.5, 5.5}, "DE", 0},   // the repeated id's square belongs to DE
      {{3, 5.5}, "DE", 2 * degree_km},
  };
  for (const Case& c : cases) {
    INFO(c.from.latitude, ",", c.from.longitude, " -> ", std::string(c.code));
    std::optional<double> d = o->MinDistanceKm(c.from, c.code);
    REQUIRE(d.has_value());
    CHECK(*d == doctest::Approx(c.want_km).epsilon(0.001).scale(1));
  }
  CHECK(!o->MinDistanceKm({0.5, 0.5}, "US").has_value());
}

TEST_CASE("CountryOutlines::Parse: errors say where") {
  struct Case {
    std::string text;
    const char* want;  // after "t.json"
  };
  const Case cases[] = {
      {"{\"type\": \"Topology\",\n  \"arcs\": [}", ":2:12: Invalid value."},
      {"[]", ": at /: expected a TopoJSON object with \"type\": \"Topology\""},
      {R"({"type": "FeatureCollection"})", ": at /: expected a TopoJSON object with \"type\": \"Topology\""},
      {R"({"type": "Topology", "arcs": {}})", ": at /arcs: expected an array of arcs"},
      {R"({"type": "Topology", "arcs": [[[0, 0]]]})",
       ": at /arcs/0: expected an array of at least two positions"},
      {R"({"type": "Topology", "arcs": [[[0, 0], [1]]]})", ": at /arcs/0/1: expected a position [x, y]"},
      {R"({"type": "Topology", "arcs": [[[0, 0], [0, 95]]]})",
       ": at /arcs/0/1: position outside -180..180, -90..90 degrees"},
      {R"({"type": "Topology", "transform": {"scale": [1]}, "arcs": []})",
       ": at /transform: expected \"scale\" and \"translate\", two numbers each"},
      {R"({"type": "Topology", "arcs": [], "objects": {}})",
       ": at /objects/countries/geometries: expected an array of geometries"},
      {R"({"type": "Topology", "arcs": [[[0, 0], [1, 1]]], "objects": {"countries": {"geometries": [
         {"type": "Polygon", "arcs": [[0, 3]]}]}}})",
       ": at /objects/countries/geometries/0/arcs/0/1: arc index 3 out of range (the topology has 1 arcs)"},
      {R"({"type": "Topology", "arcs": [[[0, 0], [1, 1]]], "objects": {"countries": {"geometries": [
         {"type": "Polygon", "arcs": [[0, -3]]}]}}})",
       ": at /objects/countries/geometries/0/arcs/0/1: arc index -3 out of range (the topology has 1 arcs)"},
      {R"({"type": "Topology", "arcs": [], "objects": {"countries": {"geometries": [
         {"type": "LineString", "arcs": [0]}]}}})",
       ": at /objects/countries/geometries/0/type: expected Polygon or MultiPolygon, not LineString"},
      {R"({"type": "Topology", "arcs": [], "objects": {"countries": {"geometries": [
         {"type": "Polygon", "arcs": [[]]}]}}})",
       ": at /objects/countries/geometries/0/arcs/0: expected a non-empty array of arc indices"},
      {R"({"type": "Topology", "arcs": [], "objects": {"countries": {"geometries": [3]}}})",
       ": at /objects/countries/geometries/0: expected a geometry object with a \"type\""},
  };
  for (const Case& c : cases) {
    INFO(std::string(c.text));
    std::unique_ptr<CountryOutlines> o;
    Status s = CountryOutlines::Parse("t.json", c.text, kNumeric, &o);
    CHECK(s.kind() == Status::Kind::kCorrupt);
    CHECK(s.message() == std::string("t.json") + c.want);
    CHECK(o == nullptr);
  }
}

TEST_CASE("CountryOutlines::Load: a missing file says how to fetch it") {
  std::unique_ptr<CountryOutlines> o;
  Status s = CountryOutlines::Load("tests/data", &o);
  CHECK(s.kind() == Status::Kind::kNotFound);
  CHECK(s.message().find("run scripts/fetch-geodb") != std::string::npos);
}

TEST_CASE("MinDistanceKm: from Frankfurt, over the world-atlas outlines") {
  // The nearest border of each country, measured on the map; within 3 %.
  struct Case {
    const char* code;
    double km;
  };
  const Case cases[] = {
      {"DE", 0},     {"FR", 131},  {"LU", 160},   {"BE", 166},   {"NL", 203},  {"CZ", 242},
      {"CH", 257},   {"AT", 291},  {"GB", 526},   {"RU", 885},   // Kaliningrad
      {"US", 5382},  // northern Maine
      {"AQ", 13200}, {"AU", 12830},
  };
  for (const Case& c : cases) {
    INFO(std::string(c.code));
    std::optional<double> d = TestOutlines().MinDistanceKm(kFrankfurt, c.code);
    REQUIRE(d.has_value());
    CHECK(*d == doctest::Approx(c.km).epsilon(0.03).scale(1));
  }
  // Natural Earth draws French Guiana as part of France: no outline of its own.
  CHECK(!TestOutlines().MinDistanceKm(kFrankfurt, "GF").has_value());
  // Across the antimeridian: the Bering Strait between Alaska and Chukotka.
  CHECK(*TestOutlines().MinDistanceKm({65.5, -169.5}, "RU") < 100);
  CHECK(*TestOutlines().MinDistanceKm({65.5, -169.5}, "US") < 100);
  CHECK(*TestOutlines().MinDistanceKm({-17.8, 178.0}, "FJ") == 0);
}

TEST_CASE("Assess: Frankfurt, 2 ms (200 km): DE possible, US a contradiction") {
  VantageBounds bounds(TestOutlines(), kFrankfurt);
  Plausibility p = bounds.Assess(2, {"DE", "US", "DE", "GF"}, TestJurisdictions().Group("EU"));
  CHECK(p.radius_km == 200);
  CHECK(p.margin_km == doctest::Approx(31));  // 25 km + 3 % of 200
  REQUIRE(p.claims.size() == 3);
  CHECK(p.claims[0].country == "DE");
  CHECK(p.claims[0].verdict == ClaimVerdict::kPossible);
  CHECK(*p.claims[0].distance_km == 0);
  CHECK(p.claims[1].country == "US");
  CHECK(p.claims[1].verdict == ClaimVerdict::kContradiction);
  CHECK(*p.claims[1].distance_km > 5000);
  CHECK(p.claims[2].verdict == ClaimVerdict::kNoOutline);
  CHECK(!p.claims[2].distance_km.has_value());
  // 200 km (+31 km margin) from Frankfurt reaches France, Luxembourg, Belgium and the
  // Netherlands (203 km), not the Czech Republic (242 km) nor Switzerland (257 km).
  CHECK(ReachedCodes(p) == std::vector<std::string>{"DE", "FR", "LU", "BE", "NL"});
  CHECK(p.area == AreaVerdict::kInsideAllowed);
  CHECK(p.outside_allowed == 0);

  Plausibility only_de = bounds.Assess(2, {"DE"}, Set({"DE"}));
  CHECK(only_de.area == AreaVerdict::kInconclusive);
  CHECK(only_de.outside_allowed == 4);
  CHECK(only_de.reached[0].allowed);
  CHECK(!only_de.reached[1].allowed);

  // 1 ms (100 km + 28 km): Germany alone.
  Plausibility near = bounds.Assess(1, {"DE"}, Set({"DE"}));
  CHECK(ReachedCodes(near) == std::vector<std::string>{"DE"});
  CHECK(near.area == AreaVerdict::kInsideAllowed);
  // An empty allowed set allows nothing.
  CHECK(bounds.Assess(1, {"DE"}, CountrySet()).area == AreaVerdict::kInconclusive);
}

TEST_CASE("Assess: Paris with a huge RTT is inconclusive and contradicts nothing") {
  VantageBounds bounds(TestOutlines(), kParis);
  Plausibility p = bounds.Assess(150, {"FR", "US", "AU"}, TestJurisdictions().Group("EU"));
  CHECK(p.radius_km == 15000);
  CHECK(p.area == AreaVerdict::kInconclusive);
  CHECK(p.outside_allowed > 100);
  for (const ClaimCheck& c : p.claims) {
    INFO(c.country);
    CHECK(c.verdict == ClaimVerdict::kPossible);
  }
  CHECK(AreaVerdictName(p.area) == std::string("inconclusive"));
}

TEST_CASE("Assess: no country in reach, and territories without an ISO code") {
  // Mid-Atlantic, 0.5 ms: the circle is all sea; the vantage or the RTT is wrong.
  VantageBounds sea(TestOutlines(), {40, -40});
  Plausibility p = sea.Assess(0.5, {"US"}, Set({"US"}));
  CHECK(p.area == AreaVerdict::kNoCountry);
  CHECK(p.reached.empty());
  CHECK(p.claims[0].verdict == ClaimVerdict::kContradiction);

  // Pristina: Kosovo has no ISO 3166-1 code, so even "every country" is not enough.
  VantageBounds pristina(TestOutlines(), {42.66, 21.16});
  CountrySet every;
  for (const auto& o : TestOutlines().outlines()) {
    if (!o.code.empty()) every.Add(o.code);
  }
  Plausibility k = pristina.Assess(0.2, {"RS"}, every);
  REQUIRE(!k.reached.empty());
  CHECK(k.reached[0].name == "Kosovo");
  CHECK(k.reached[0].country == "");
  CHECK(!k.reached[0].allowed);
  CHECK(k.area == AreaVerdict::kInconclusive);
}

TEST_CASE("Assess: thousands of addresses from one vantage") {
  VantageBounds bounds(TestOutlines(), kFrankfurt);
  const CountrySet eu = TestJurisdictions().Group("EU");
  size_t inside = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5000; ++i) {
    const double rtt = 0.5 + (i % 40) * 0.25;  // 0.5 to 10.25 ms
    if (bounds.Assess(rtt, {"DE", "NL"}, eu).area == AreaVerdict::kInsideAllowed) ++inside;
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  MESSAGE("5000 assessments: ", ms, " ms");
  CHECK(inside > 0);
  CHECK(inside < 5000);
}

}  // namespace
}  // namespace residency
