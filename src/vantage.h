// Vantage: speed-of-light plausibility (`verify --probe http --vantage LAT,LON`, issue 9;
// the physics, the assumption and the outcomes in docs/plausibility.md).
//
// A TCP connect takes one round trip (SYN, SYN-ACK). Nothing carries it faster than light
// in fibre, about 200 km per millisecond, so a minimum connect RTT of t ms from a vantage
// point puts whatever answered within RadiusKm(t) = t/2 x 200 km of it, whatever the
// geolocation databases say. Against country outlines (Natural Earth, 1:10m, via the npm
// package world-atlas, fetched by scripts/fetch-geodb into geodb/cache/world-atlas/):
//   - a country that a database claims for the address but that lies wholly outside the
//     circle is a contradiction: the database is wrong (or the vantage, or the RTT);
//   - when every country the circle reaches is in the endpoint's allowed set, the server
//     is inside the allowed area: positive evidence that rests on physics, not on any
//     database.
//
// ASSUMPTION: the server is on land, in a country (not on a ship, a plane or a satellite).
// Only then does "every country within the circle is allowed" mean "the server is in an
// allowed country". The circle bounds the machine that completed the TCP handshake: a
// proxy, load balancer or CDN edge in front of the origin is what is bounded.
//
// Conservative on both sides: a margin (PlausibilityOptions) covers the simplified
// outlines, the sphere-versus-ellipsoid error and fibre slightly faster than 200 km/ms;
// a country is "reached" when it lies within radius + margin, and contradicted only
// beyond radius + margin. Countries without an outline (Natural Earth draws e.g. GF, RE,
// GP as part of France) are never contradicted; territories without an ISO code
// (Kosovo, N. Cyprus, ...) are reached under their name and never count as allowed.
//
// Ownership: a CountryOutlines is immutable after Load and thread-safe; a VantageBounds
// refers to its CountryOutlines, which must outlive it, and is immutable after
// construction (all distances from the vantage are computed there, once, so that each
// address costs only a scan of a sorted list).
#ifndef RESIDENCY_VANTAGE_H_
#define RESIDENCY_VANTAGE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jurisdiction.h"
#include "status.h"

namespace residency {

// A point on the Earth in decimal degrees (WGS 84).
struct GeoPoint {
  double latitude = 0;   // -90..90, north positive
  double longitude = 0;  // -180..180, east positive
};

// Parses "LAT,LON" in decimal degrees ("50.11,8.68", "-33.87, 151.21"). Errors, without
// the option's name (callers add it with WithContext("--vantage")):
//   "abc": expected LAT,LON in decimal degrees, e.g. 50.11,8.68
//   "95,8": latitude 95 is out of range (-90 to 90)
Status ParseVantage(std::string_view text, GeoPoint* out);

// Great-circle distance in km on the mean-radius sphere (6371.0088 km).
double GreatCircleKm(const GeoPoint& a, const GeoPoint& b);

// The country outlines under a geodb directory (fetched by scripts/fetch-geodb).
inline constexpr char kWorldAtlasFile[] = "cache/world-atlas/countries-10m.json";

// Per-country multipolygons, decoded from a TopoJSON topology whose object "countries"
// has geometries with `id` = ISO 3166-1 numeric code (world-atlas), keyed by alpha-2.
class CountryOutlines {
 public:
  struct Outline {
    std::string code;  // ISO 3166-1 alpha-2, "" for a territory without an ISO code
    std::string name;  // as the topology names it: "Germany", "Kosovo"
  };

  ~CountryOutlines();
  CountryOutlines(const CountryOutlines&) = delete;
  CountryOutlines& operator=(const CountryOutlines&) = delete;

  // Loads `geodb_dir`/cache/world-atlas/countries-10m.json, with the numeric codes mapped
  // through `geodb_dir`/countries.csv. A missing outline file is kNotFound with the hint
  // to run scripts/fetch-geodb.
  static Status Load(const std::string& geodb_dir, std::unique_ptr<CountryOutlines>* out);

  // Decodes `topojson` (read from `path`, for messages): arcs, delta-encoded when the
  // topology has a "transform", negative arc indices for reversed arcs, Polygon and
  // MultiPolygon geometries (null geometries skipped). `numeric_to_alpha2` maps "276" to
  // "DE"; ids it does not know become unnamed territories. Several geometries with one id
  // are merged. Errors: "PATH:LINE:COL: ..." for bad JSON, "PATH: at POINTER: ..." for a
  // bad topology.
  static Status Parse(const std::string& path, std::string_view topojson,
                      const std::map<std::string, std::string>& numeric_to_alpha2,
                      std::unique_ptr<CountryOutlines>* out);

  // Every outline in the topology's order.
  const std::vector<Outline>& outlines() const;
  bool Has(std::string_view code) const;

  // The shortest great-circle distance in km from `from` to the outline of the country
  // `code` (alpha-2): 0 when `from` is inside; nullopt when there is no outline for it.
  // Far parts of the country are skipped by their bounding boxes.
  std::optional<double> MinDistanceKm(const GeoPoint& from, std::string_view code) const;

 private:
  friend class VantageBounds;
  struct Impl;
  CountryOutlines();
  double DistanceKm(const GeoPoint& from, size_t outline) const;
  std::unique_ptr<Impl> impl_;
};

struct PlausibilityOptions {
  double fibre_km_per_ms = 200.0;  // c / 1.5: light in glass fibre
  // The margin added to the radius: margin_km + margin_fraction x radius.
  double margin_km = 25.0;         // simplified outlines (1:10m), small islands left out
  double margin_fraction = 0.03;   // fibre up to ~2 % faster, the ellipsoid ~0.5 %
};

// RTT/2 x fibre speed: how far the answering machine can be at most.
// REQUIRES: min_rtt_ms >= 0.
double RadiusKm(double min_rtt_ms, const PlausibilityOptions& options = {});

enum class ClaimVerdict {
  kPossible,       // the country reaches into the circle: physics does not object
  kContradiction,  // the country lies wholly outside the circle (beyond the margin)
  kNoOutline,      // no outline for the code: cannot be judged
};
const char* ClaimVerdictName(ClaimVerdict v);  // "possible", "contradiction", "no-outline"

enum class AreaVerdict {
  kInsideAllowed,  // every country the circle reaches is allowed: positive evidence
  kInconclusive,   // the circle reaches a country outside the allowed set
  kNoCountry,      // the circle reaches no country: the vantage or the RTT is wrong
};
const char* AreaVerdictName(AreaVerdict v);  // "inside-allowed", "inconclusive", "no-country"

struct ClaimCheck {
  std::string country;                // as claimed by a geodb: "DE"
  std::optional<double> distance_km;  // from the vantage to its outline; none for kNoOutline
  ClaimVerdict verdict = ClaimVerdict::kNoOutline;
};

struct ReachedCountry {
  std::string country;  // alpha-2, "" for a territory without an ISO code
  std::string name;     // the outline's name
  double distance_km = 0;
  bool allowed = false;
};

struct Plausibility {
  GeoPoint vantage;
  double min_rtt_ms = 0;
  double radius_km = 0;  // RadiusKm(min_rtt_ms)
  double margin_km = 0;  // added to the radius on both sides
  std::vector<ClaimCheck> claims;  // one per distinct claimed country, in claim order
  AreaVerdict area = AreaVerdict::kInconclusive;
  // Every country within radius + margin, nearest first. For a large RTT this is much of
  // the world; `outside_allowed` says how many of them are not allowed.
  std::vector<ReachedCountry> reached;
  size_t outside_allowed = 0;
};

// The distances from one vantage point to every outline, computed once.
class VantageBounds {
 public:
  // REQUIRES: `outlines` outlives this object.
  VantageBounds(const CountryOutlines& outlines, const GeoPoint& vantage,
                const PlausibilityOptions& options = {});

  const GeoPoint& vantage() const { return vantage_; }
  // As CountryOutlines::MinDistanceKm, from the cache.
  std::optional<double> DistanceKm(std::string_view code) const;

  // The assessment for one address: `min_rtt_ms` its minimum TCP connect RTT from the
  // vantage, `claimed` the countries the geodbs answered for it (duplicates ignored),
  // `allowed` the endpoint's allowed countries (an empty set allows nothing).
  // REQUIRES: min_rtt_ms >= 0 and finite.
  Plausibility Assess(double min_rtt_ms, const std::vector<std::string>& claimed,
                      const CountrySet& allowed) const;

 private:
  struct Entry {
    double distance_km;
    size_t outline;
  };
  const CountryOutlines& outlines_;
  GeoPoint vantage_;
  PlausibilityOptions options_;
  std::vector<Entry> by_distance_;               // every outline, nearest first
  std::map<std::string, double, std::less<>> by_code_;  // alpha-2 -> distance
};

}  // namespace residency

#endif  // RESIDENCY_VANTAGE_H_
