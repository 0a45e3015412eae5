// Reports: plain structs that render to any std::ostream, so golden tests need no files.
// LintReport is what `residency lint` produces, VerifyReport what `residency verify` does
// (its JSON form is the contract of shared/spec/cli.md). Both are self-contained values:
// they copy what they need from the manifest, the geodb and the resolver.
#ifndef RESIDENCY_REPORT_H_
#define RESIDENCY_REPORT_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "finding.h"
#include "ip.h"
#include "resolve.h"
#include "sample.h"

namespace residency {

struct FindingCounts {
  size_t fail = 0, unverified = 0, warn = 0, info = 0;
  void Add(FindingStatus s);
};

struct LintReport {
  std::string tool_version;
  std::string manifest_path;
  std::string manifest_sha256;
  std::string profile;
  std::string profile_title;
  std::string service_id;
  std::string service_name;
  size_t nodes = 0, endpoints = 0, declarations = 0, flows = 0;
  std::vector<Finding> findings;

  FindingCounts Counts() const;
  // "fail" when any finding fails, else "pass".
  std::string Result() const;
};

// Text for people. With `colour`, statuses are coloured with ANSI escapes (the commands
// pass it only when stdout is a terminal and NO_COLOR is unset).
void RenderLintText(const LintReport& report, std::ostream& out, bool colour = false);
void RenderLintJson(const LintReport& report, std::ostream& out);

// Where one address lies relative to an endpoint's allowed locations (cli.md): inside
// when at least one country source answers and every answer is inside; outside when every
// answer is outside; unknown when none answers, the answers straddle the boundary, or the
// address is anycast or in a provider's GLOBAL space.
enum class Placement { kInside, kOutside, kUnknown };
std::string_view PlacementName(Placement p);

enum class Verdict { kPass, kFail, kUnverified };
std::string_view VerdictName(Verdict v);

struct SourceEvidence {
  std::string source;                  // "dbip"
  std::string kind;                    // "country" | "operator-country"
  std::optional<std::string> country;  // none: the source has no answer
  std::string prefix;                  // the source's network, "" when none
};

struct FeedEvidence {
  std::string provider, region, service;
  std::string scope;           // regional | global | anycast
  std::string prefix;          // as the provider's feed lists it
  std::string region_country;  // from the region catalog, "" when unknown
  std::string region_city;
};

struct AsEvidence {
  uint32_t number = 0;
  std::string organisation;
  std::string prefix;
  std::string registered_country;  // the operator-country source's answer, "" when none
};

struct AddressObservation {
  IpAddress ip;
  std::optional<std::string> country;  // the agreed country, none when sources disagree or none answer
  Placement placement = Placement::kUnknown;
  std::string reason;                  // why, in words: "2 of 2 sources: DE", "anycast (cloudflare)", ...
  std::vector<SourceEvidence> sources;
  std::optional<FeedEvidence> feed;
  std::optional<AsEvidence> as;
  std::vector<std::string> notes;      // e.g. "sources disagree inside the allowed area: NL vs FR"
};

struct HostPatternEvidence {
  std::string provider, region, service, pattern;
};

struct EndpointResult {
  std::string id;                // NODE/ENDPOINT
  std::string node;              // node id
  std::string activity;          // storage | backup | ...
  std::vector<std::string> data;
  std::string target;            // host (A-label), IP literal or URL as in the manifest
  std::string target_kind;       // host | ip | url
  std::string declared_region;   // "" when none
  Verdict verdict = Verdict::kUnverified;
  std::vector<std::string> allowed;  // as declared (cli.md "allowed")
  std::vector<AddressObservation> observed;
  // For host and url targets; a literal IP has status kOk, no chain and no evidence.
  Resolution resolution;
  std::optional<HostPatternEvidence> host_pattern;
  std::vector<std::string> path;     // service -> ... -> node -> NODE/ENDPOINT
  SourceRef ref;
};

struct GeodbSourceInfo {
  std::string name, kind, file, type;
  uint64_t build_epoch = 0;
  std::string sha256, licence;
};

struct VerifyReport {
  std::string tool_version;
  std::string manifest_path, manifest_sha256;
  std::string profile, profile_title;
  std::string service_id, service_name;
  std::vector<GeodbSourceInfo> geodb;
  std::vector<std::string> resolver_servers;
  std::string replayed_from;     // the report whose DNS answers were used, "" when live
  std::string started_at, finished_at;  // ISO 8601 UTC
  std::vector<EndpointResult> endpoints;
  std::vector<Finding> findings;
  std::optional<SampleResult> sample;  // `verify --sample`: only the plan's endpoints are above

  // Endpoints by verdict (cli.md "summary").
  size_t CountVerdict(Verdict v) const;
  FindingCounts Counts() const;
  // cli.md: 1 when any finding or endpoint fails, else 3 when any is unverified (as a
  // finding status or an endpoint verdict), else 0.
  int ExitCode() const;
};

void RenderVerifyText(const VerifyReport& report, std::ostream& out, bool colour = false);

// Whether text on stdout should be coloured: a terminal, and NO_COLOR unset or empty.
bool ColourWanted();
void RenderVerifyJson(const VerifyReport& report, std::ostream& out);

}  // namespace residency

#endif  // RESIDENCY_REPORT_H_
