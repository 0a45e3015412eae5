// Geo: every geolocation source of a geodb directory, asked together.
//
// The sources are listed in GEODB/sources.json (see geodb/sources.json for the fields):
// each has a name, a kind, an .mmdb file and the dotted path of its field. Kinds:
//   country           where the address is, according to this source; votes
//   operator-country  where the announcing AS is registered (iptoasn): shown, never votes,
//                     because it is a jurisdiction signal, not a server location
//   asn               AS number (field) and organisation (org_field)
//   feed              the provider IP-range index (provider, region, service, scope,
//                     prefix), optional
// A user's own GeoLite2/GeoIP2 file is one more entry (field "country.iso_code"); no code
// knows any vendor's layout.
//
// A lookup returns each source's own answer and a combined country verdict (agree,
// disagree, unknown). It never picks one source over another: disagreement is reported
// as such, for the checker to treat as a finding.
//
// A Geo owns its open databases; it is immutable after Open and safe to share between
// threads for lookups. Answers are plain values that outlive it.
#ifndef RESIDENCY_GEO_H_
#define RESIDENCY_GEO_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ip.h"
#include "mmdb.h"
#include "status.h"

namespace residency {

enum class SourceKind { kCountry, kOperatorCountry, kAsn, kFeed };
const char* SourceKindName(SourceKind kind);  // "country", "operator-country", ...

// One entry of sources.json.
struct SourceConfig {
  std::string name;
  SourceKind kind = SourceKind::kCountry;
  std::string file;       // as written (relative to the geodb dir, or absolute)
  std::string path;       // resolved path
  std::string field;      // dotted path: the country code, or the AS number for kAsn
  std::string org_field;  // kAsn only: the organisation
  std::string licence;
  std::string attribution;
  std::string package;    // "NAME@VERSION" or ""
  std::string integrity;  // "sha512-..." or ""
  bool optional = false;  // a missing file is skipped, not an error
};

// Reads GEODB_DIR/sources.json. Errors carry FILE:LINE:COL and the JSON pointer.
Status LoadSourceConfigs(const std::string& geodb_dir, std::vector<SourceConfig>* out);

// One country or operator-country source's answer.
struct SourceAnswer {
  std::string source;
  SourceKind kind = SourceKind::kCountry;
  std::optional<std::string> country;  // ISO alpha-2 as the source writes it; none: no answer
  std::optional<IpPrefix> prefix;      // the source's network for this address, when found
};

struct AsAnswer {
  std::string source;
  uint32_t number = 0;
  std::string organisation;
  IpPrefix prefix;
};

struct FeedMatch {
  std::string source;
  std::string provider, region, service;
  std::string scope;       // "regional", "global" or "anycast"
  std::string feed_prefix; // the prefix as the provider's feed lists it
  IpPrefix prefix;         // the index's network for this address
  bool IsLocation() const { return scope == "regional"; }  // global/anycast say nothing
};

enum class Agreement { kAgree, kDisagree, kUnknown };
const char* AgreementName(Agreement a);  // "agree", "disagree", "unknown"

struct GeoAnswer {
  IpAddress ip;                        // as looked up: IPv4-mapped already unmapped
  std::vector<SourceAnswer> sources;   // country and operator-country, in sources.json order
  std::optional<AsAnswer> as;          // the first asn source that answers
  std::optional<FeedMatch> feed;       // the first feed source that matches
  // Over the kCountry sources only: kUnknown when none answers, kAgree when all that
  // answer say the same country (then `country` is it), kDisagree otherwise.
  Agreement agreement = Agreement::kUnknown;
  std::optional<std::string> country;  // set only for kAgree
  int voters = 0;                      // kCountry sources asked
  int answered = 0;                    // kCountry sources that answered
  std::vector<std::string> Countries() const;  // distinct countries of the voters, sorted
};

// An open source: its configuration and, when its file exists, its database.
struct GeoSource {
  SourceConfig config;
  Mmdb db;
  bool present = false;  // false only for an optional source whose file is missing
  std::vector<MmdbField> fields;
};

class Geo {
 public:
  // Loads GEODB_DIR/sources.json and opens every source. A missing non-optional file is
  // kNotFound with a hint to run scripts/fetch-geodb.
  static Status Open(const std::string& geodb_dir, std::unique_ptr<Geo>* out);
  static Status Open(std::vector<SourceConfig> configs, std::unique_ptr<Geo>* out);

  // Asks every source about `ip`. Fails only on a damaged database (kCorrupt).
  Status Lookup(const IpAddress& ip, GeoAnswer* answer) const;

  const std::vector<GeoSource>& sources() const { return sources_; }

 private:
  Geo() = default;
  std::vector<GeoSource> sources_;
};

}  // namespace residency

#endif  // RESIDENCY_GEO_H_
