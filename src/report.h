// Reports: plain structs that render to any std::ostream, so golden tests need no files.
// LintReport is what `residency lint` produces, VerifyReport what `residency verify` does
// (its JSON form is the contract of shared/spec/cli.md). Both are self-contained values:
// they copy what they need from the manifest, the geodb and the resolver.
#ifndef RESIDENCY_REPORT_H_
#define RESIDENCY_REPORT_H_

#include <boost/iterator/indirect_iterator.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "finding.h"
#include "ip.h"
#include "probe.h"
#include "resolve.h"
#include "sample.h"
#include "status.h"
#include "vantage.h"

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
  std::string_view kind;               // "country" | "operator-country": static text (SourceKindName)
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
  // `verify --probe http --vantage`: what the fastest TCP connect says of where the address
  // can be. A claimed country the circle rules out makes the placement unknown.
  std::optional<Plausibility> plausibility;
};

// An endpoint's observed addresses. Each observation is immutable and shared: endpoints
// that resolve to the same address under the same allowed locations hold one record, so a
// large estate keeps one copy of the evidence per distinct address, not one per endpoint.
// Reads like a vector of AddressObservation.
class Observations {
 public:
  using Ref = std::shared_ptr<const AddressObservation>;
  using const_iterator = boost::indirect_iterator<std::vector<Ref>::const_iterator>;

  Observations() = default;
  Observations(std::initializer_list<AddressObservation> list) {
    for (const AddressObservation& o : list) push_back(o);
  }
  void push_back(AddressObservation o) { items_.push_back(std::make_shared<const AddressObservation>(std::move(o))); }
  void push_back(Ref shared) { items_.push_back(std::move(shared)); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  const AddressObservation& operator[](size_t i) const { return *items_[i]; }
  const_iterator begin() const { return const_iterator(items_.begin()); }
  const_iterator end() const { return const_iterator(items_.end()); }

 private:
  std::vector<Ref> items_;
};

// A location header of a probe's response (location_headers.h), placed like an address:
// storage headers (x-amz-bucket-region) against the endpoint's own allowed locations, edge
// PoPs against those allowed for processing the endpoint's data. An outside header fails
// the endpoint; an unknown one (a region or airport code not in the geodb) changes nothing.
struct HeaderObservation {
  HeaderEvidence evidence;
  std::string address;             // the probed address ("" when the probe was not pinned)
  std::string activity;            // what it is evidence of: storage | backup | processing
  std::string country;             // "" when the region or airport is unknown
  std::string place;               // region city or airport city, "" when unknown
  std::vector<std::string> allowed;  // for `activity` and the endpoint's data, as declared
  Placement placement = Placement::kUnknown;
  std::string reason;
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
  Observations observed;
  // For host and url targets; a literal IP has status kOk, no chain and no evidence.
  Resolution resolution;
  std::optional<HostPatternEvidence> host_pattern;
  std::vector<std::string> path;     // service -> ... -> node -> NODE/ENDPOINT
  SourceRef ref;
  // `verify --probe http`: one probe per resolved address (or per URL), and the location
  // headers they brought back.
  std::vector<ProbeResult> probes;
  std::vector<HeaderObservation> headers;
};

// How a run probed (`verify --probe`), for the report.
struct ProbeRun {
  std::string kind = "http";
  std::optional<GeoPoint> vantage;
  size_t targets = 0, answered = 0;
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
  Findings findings;
  std::optional<SampleResult> sample;  // `verify --sample`: only the plan's endpoints are above
  std::optional<ProbeRun> probe;       // `verify --probe`
  // Endpoints handed to a sink instead of kept above (a streamed run), by verdict.
  struct Tally {
    size_t pass = 0, fail = 0, unverified = 0;
    void Add(Verdict v);
  } streamed;

  // Endpoints by verdict (cli.md "summary"), streamed ones included.
  size_t CountVerdict(Verdict v) const;
  FindingCounts Counts() const;
  // cli.md: 1 when any finding or endpoint fails, else 3 when any is unverified (as a
  // finding status or an endpoint verdict), else 0.
  int ExitCode() const;
};

void RenderVerifyText(const VerifyReport& report, std::ostream& out, bool colour = false);

// Whether text on stdout should be coloured: a terminal, and NO_COLOR unset or empty.
bool ColourWanted();
// Indented for people, the summary before the endpoints, up to kPrettyJsonMaxEndpoints
// endpoints; above, as VerifyJsonStream writes it.
inline constexpr size_t kPrettyJsonMaxEndpoints = 10000;
void RenderVerifyJson(const VerifyReport& report, std::ostream& out);

// A large verify report in JSON, written while verify runs (verify.h, VerifyInputs::sink):
// the opening members at the first chunk, each chunk of endpoints as it is verified, then
// the findings and the outcome (finished_at, summary, result), which are known last. The
// same members as RenderVerifyJson, compact (one line, a third smaller), endpoints
// rendered on every core. A chunk is written to `out` by a thread of its own while the
// next is verified: `out` must outlive the stream and be left alone until End returns.
// `written`, when given, is called after each chunk, and each piece of the findings, has
// gone to `out` (a report file writes behind there, ReportFile::WriteBehind). The
// findings are rendered and written `findings_per_piece` at a time, so that their text is
// never all in memory (tests make the pieces small).
inline constexpr size_t kFindingsPerPiece = 32768;
class VerifyJsonStream {
 public:
  explicit VerifyJsonStream(std::ostream& out, std::function<void()> written = nullptr,
                            size_t findings_per_piece = kFindingsPerPiece);
  ~VerifyJsonStream();
  VerifyJsonStream(const VerifyJsonStream&) = delete;
  VerifyJsonStream& operator=(const VerifyJsonStream&) = delete;

  // `report` supplies the opening members (its endpoints are not read).
  Status Endpoints(const VerifyReport& report, const std::vector<EndpointResult>& chunk);
  Status End(const VerifyReport& report);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace residency

#endif  // RESIDENCY_REPORT_H_
