// Finding: the data contradicts, or does not support, a declaration. Findings are the
// tool's product and go to the report; they are not errors (diagnostic.h): a run with
// findings succeeded. Each names the check that raised it, the requirement ids of the
// active profile, the path through the service graph and where in the manifest the thing
// concerned is declared.
#ifndef RESIDENCY_FINDING_H_
#define RESIDENCY_FINDING_H_

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "manifest.h"

namespace residency {

// Ordered by severity: a report's outcome is its worst finding.
enum class FindingStatus { kInfo, kWarn, kUnverified, kFail };
std::string_view FindingStatusName(FindingStatus s);
std::optional<FindingStatus> ParseFindingStatus(std::string_view name);

struct Finding {
  std::string kind;                       // the check: "undisclosed-use", ...
  FindingStatus status = FindingStatus::kFail;
  std::string subject;                    // NODE/ENDPOINT, a node id, or a manifest pointer
  std::vector<std::string> requirements;  // "EUCS DOC-03.1", ...
  std::vector<std::string> path;          // graph path, service first; may be empty
  std::string message;
  SourceRef ref;                          // where in the manifest
};

// A verify report's findings: at a million endpoints there are hundreds of thousands, and a
// deque takes them in blocks as they come (and gives blocks back as they are moved on),
// where a vector would take their total size again as one block of memory new to the
// process, and copy them into it.
using Findings = std::deque<Finding>;

}  // namespace residency

#endif  // RESIDENCY_FINDING_H_
