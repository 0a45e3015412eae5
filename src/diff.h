// Diff of two verify reports (their JSON form, cli.md): what changed in where a service's
// data is. Per endpoint and per subservice (the node id, the part of the endpoint id before
// '/'): endpoints and subservices added and removed, addresses and countries added and
// removed, operators (AS organisations, feed providers) added and removed, verdict changes.
// This is the change notice EUCS PM-04.5 and C5 PSS-12.04B ask a provider to give.
//
// Something "moved outside" when NEW has an address placed outside the allowed locations
// that OLD did not have outside for the same endpoint, or an endpoint whose verdict became
// fail (a new endpoint that fails included). RunDiff (commands.h) exits 1 then.
//
// The snapshot types hold only what the diff needs, copied out of the JSON; they do not
// refer to the source text.
#ifndef RESIDENCY_DIFF_H_
#define RESIDENCY_DIFF_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "diagnostic.h"

namespace residency {

struct SnapshotAddress {
  std::string ip;
  std::optional<std::string> country;
  std::string placement;               // inside | outside | unknown ("unknown" when absent)
  std::vector<std::string> operators;  // "AS16509 AMAZON-02", "feed aws"
};

struct SnapshotEndpoint {
  std::string id;    // NODE/ENDPOINT
  std::string node;  // the part of id before '/'
  std::string verdict;
  std::vector<std::string> allowed;
  std::vector<SnapshotAddress> observed;
};

struct ReportSnapshot {
  std::string path;
  std::string manifest_sha256, profile;
  std::vector<SnapshotEndpoint> endpoints;
};

// Reads a verify report's JSON. Errors are located diagnostics (FILE:LINE:COL and the JSON
// pointer): syntax, a missing or mistyped field, an unknown verdict, a duplicate endpoint.
// Members it does not know are ignored, so later report versions with more fields read.
bool ReadVerifyReportJson(const std::string& path, std::string text, ReportSnapshot* out, Diagnostic* error);

struct AddressChange {
  std::string ip;
  std::optional<std::string> country;
  std::string placement;
};

struct EndpointChange {
  std::string id, node;
  std::string old_verdict, new_verdict;  // "" on the side where the endpoint is absent
  std::vector<AddressChange> addresses_added, addresses_removed;
  std::vector<std::string> countries_added, countries_removed;
  std::vector<std::string> operators_added, operators_removed;
  std::vector<AddressChange> moved_outside;  // outside in NEW, not outside in OLD
  bool became_fail = false;

  bool added() const { return old_verdict.empty(); }
  bool removed() const { return new_verdict.empty(); }
};

struct SubserviceChange {
  std::string node;
  bool added = false, removed = false;
  std::vector<std::string> endpoints_added, endpoints_removed;
  std::vector<std::string> countries_added, countries_removed;
  std::vector<std::string> operators_added, operators_removed;
};

struct ReportDiff {
  std::string old_path, new_path;
  std::string old_sha256, new_sha256;  // of the manifests
  std::vector<SubserviceChange> subservices;  // only those with a change, by node id
  std::vector<EndpointChange> endpoints;      // only those with a change, by endpoint id

  bool MovedOutside() const;
  bool Empty() const { return subservices.empty() && endpoints.empty(); }
};

ReportDiff DiffReports(const ReportSnapshot& old_report, const ReportSnapshot& new_report);

void RenderDiffText(const ReportDiff& diff, std::ostream& out);
void RenderDiffJson(const ReportDiff& diff, std::ostream& out);

}  // namespace residency

#endif  // RESIDENCY_DIFF_H_
