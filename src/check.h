// Check: what was measured against what was declared. Given, per endpoint, the addresses
// observed (resolution and every geolocation source's answer, report.h), it places each
// address inside, outside or unknown relative to the endpoint's allowed locations (the
// per-address rule of cli.md), gives each endpoint its verdict, and runs the measured
// checks the profile names: location-violation, unverifiable, region-mismatch,
// undisclosed-operator, jurisdiction-exposure (the AS registration country) and
// backup-same-site (observed). The static checks are lint.h's.
//
// Nothing unknown ever becomes a pass: no answer, disagreement across the boundary,
// anycast and provider GLOBAL space are unknown; a name that did not resolve is
// unverified.
#ifndef RESIDENCY_CHECK_H_
#define RESIDENCY_CHECK_H_

#include <memory>
#include <string>
#include <vector>

#include "declarations.h"
#include "finding.h"
#include "graph.h"
#include "jurisdiction.h"
#include "manifest.h"
#include "operators.h"
#include "profile.h"
#include "report.h"

namespace residency {

// The countries the sources place `obs` in: every country-kind answer, and the catalog
// country of a regional provider-feed match. Duplicates kept out.
std::vector<std::string> Votes(const AddressObservation& obs);

// Sets obs->placement, obs->country, obs->reason and notes for an endpoint allowed in
// `allowed` (AllowedFor). An endpoint with an undisclosed use has nothing allowed.
void PlaceAddress(const Allowed& allowed, AddressObservation* obs);

// Places a location header (report.h, HeaderObservation; its country already looked up)
// against `allowed`, the locations allowed for the header's activity and the endpoint's data.
void PlaceHeader(const Allowed& allowed, HeaderObservation* header);

// `--vantage`: records `p` on the observation; when physics rules out a country a source
// claims, the sources are wrong for this address and its placement becomes unknown.
void ApplyPlausibility(Plausibility p, AddressObservation* obs);

// fail when any address or location header is outside; else unverified when any address is unknown, the name did not
// resolve completely, or there is no address; else pass.
Verdict EndpointVerdict(const EndpointResult& result);

struct CheckInputs {
  const Manifest& manifest;
  const ServiceGraph& graph;
  const Jurisdictions& jurisdictions;
  const Operators& operators;
  // Parallel: endpoints[i] is the manifest endpoint of results[i].
  const std::vector<const Endpoint*>& endpoints;
  const std::vector<EndpointResult>& results;
};

// The measured checks of `profile`, in profile order.
std::vector<Finding> CheckObservations(const CheckInputs& in, const Profile& profile);

// The same checks over endpoints that arrive a chunk at a time, in manifest order (verify
// streams large runs and keeps no chunk once it is written). Checks of one endpoint at a
// time run as each chunk is added; jurisdiction-exposure (per node and AS) keeps compact
// facts until the chunks have passed the node, backup-same-site (storage sites across the
// whole service) until Finish. The findings are those of CheckObservations over all
// endpoints, in the same order. Everything passed to the constructor must outlive the
// object.
class MeasuredChecks {
 public:
  MeasuredChecks(const Manifest& manifest, const ServiceGraph& graph, const Jurisdictions& jurisdictions,
                 const Operators& operators, const Profile& profile);
  ~MeasuredChecks();
  MeasuredChecks(const MeasuredChecks&) = delete;
  MeasuredChecks& operator=(const MeasuredChecks&) = delete;

  // Parallel: endpoints[i] is the manifest endpoint of results[i]. Needed only during the call.
  void Add(const std::vector<const Endpoint*>& endpoints, const std::vector<EndpointResult>& results);
  // Appends the findings to *out, in profile order; call once, after the last Add. Those
  // about endpoints refer to the manifest, the graph and the profile (finding.h, Findings).
  void Finish(Findings* out);
  // Memory the process has used and no longer needs (the manifest's text after the parse),
  // for the endpoints' findings' messages before any memory new to the process.
  void GiveMemory(std::string memory);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace residency

#endif  // RESIDENCY_CHECK_H_
