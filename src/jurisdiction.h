// Jurisdictions: the countries, groups and provider regions that manifest locations name,
// loaded from the geodb directory's data files (countries.csv, groups.json, regions.csv;
// see geodb/README.md). A location expression ("DE", "EU", "aws:eu-central-1") expands to
// a CountrySet; a provider region keeps its identity (provider, region id) for matching
// against observed provider regions later.
//
// A Jurisdictions object is immutable after Load; Locations and pointers it hands out
// stay valid for its life.
#ifndef RESIDENCY_JURISDICTION_H_
#define RESIDENCY_JURISDICTION_H_

#include <bitset>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "status.h"

namespace residency {

// A set of ISO 3166-1 alpha-2 codes, one bit per possible code.
class CountrySet {
 public:
  // REQUIRES: code is two ASCII upper-case letters (others are ignored).
  void Add(std::string_view code);
  bool Contains(std::string_view code) const;
  bool Empty() const { return bits_.none(); }
  size_t Size() const { return bits_.count(); }
  bool IsSubsetOf(const CountrySet& other) const { return (bits_ & ~other.bits_).none(); }
  bool Intersects(const CountrySet& other) const { return (bits_ & other.bits_).any(); }
  CountrySet& operator|=(const CountrySet& o) { bits_ |= o.bits_; return *this; }
  CountrySet& operator&=(const CountrySet& o) { bits_ &= o.bits_; return *this; }
  std::vector<std::string> Codes() const;  // sorted
  friend bool operator==(const CountrySet&, const CountrySet&) = default;

  // The bit of a code, or -1 when it is not two upper-case ASCII letters.
  static int Index(std::string_view code);

 private:
  std::bitset<26 * 26> bits_;
};

struct Region {
  std::string provider;  // "aws"
  std::string id;        // "eu-central-1"
  std::string country;   // ISO alpha-2
  std::string city;
  double latitude = 0, longitude = 0;
  std::string source;
  std::string Qualified() const { return provider + ":" + id; }
};

struct AdequacyDecision {
  std::string country, decision, date;
  std::string scope;  // limit of the decision ("certified organisations only"), or ""
  std::string note;
};

struct Location {
  enum class Kind { kCountry, kGroup, kRegion };
  Kind kind = Kind::kCountry;
  std::string text;                // canonical text as in the manifest: "DE", "EU", "aws:eu-central-1"
  const Region* region = nullptr;  // for kRegion
  CountrySet countries;            // what it expands to
};

class Jurisdictions {
 public:
  // Loads countries.csv, groups.json and regions.csv from `geodb_dir`.
  static Status Load(const std::string& geodb_dir, Jurisdictions* out);

  // Parses a location expression. On failure returns nullopt and sets *error to a
  // message such as `unknown location "DX" (did you mean "DE"?)`.
  std::optional<Location> ParseLocation(std::string_view text, std::string* error) const;

  // A country code alone: `code` must be an ISO 3166-1 alpha-2 code. *error as above.
  bool CheckCountry(std::string_view code, std::string* error) const;

  bool IsCountry(std::string_view code) const { return countries_.count(std::string(code)) != 0; }
  std::string CountryName(std::string_view code) const;
  const Region* FindRegion(std::string_view provider, std::string_view id) const;
  const std::vector<Region>& regions() const { return regions_; }

  // The members of a group ("EU", "EEA", "ADEQUATE"), territories included.
  const CountrySet& Group(std::string_view name) const;
  // The groups a country belongs to, in order EU, EEA, ADEQUATE.
  std::vector<std::string> GroupsOf(std::string_view country) const;
  // The adequacy decision for a country, or nullptr (EEA countries need none).
  const AdequacyDecision* Adequacy(std::string_view country) const;
  // For an EU territory with its own code (AX, GF, ...): the member state, else "".
  std::string TerritoryOf(std::string_view code) const;

 private:
  Status LoadGroups(const std::string& path);
  Status LoadRegions(const std::string& path);
  // " (did you mean ...)" for a mistyped country code or, with groups, location.
  std::string Suggest(std::string_view text, bool with_groups) const;

  std::map<std::string, std::string> countries_;  // alpha-2 -> name
  std::map<std::string, CountrySet, std::less<>> groups_;
  std::vector<std::string> group_order_;
  std::map<std::string, std::string> territories_;  // code -> member state
  std::map<std::string, std::string> hints_;        // "UK" -> "GB"
  std::vector<AdequacyDecision> adequacy_;
  std::vector<Region> regions_;
  std::map<std::string, size_t, std::less<>> region_index_;  // "aws:eu-central-1" -> index
};

}  // namespace residency

#endif  // RESIDENCY_JURISDICTION_H_
