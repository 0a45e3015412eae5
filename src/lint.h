// Lint: the checks that need no network. Given a manifest (already schema- and
// reference-checked by manifest.h), its graph and a profile, it returns the findings of
// every static check the profile names: disclosure completeness (EUCS DOC-03, PM-03,
// OPS-09; C5 GC-01; SecNumCloud 19.2, 19.6), undisclosed uses, undeclared flows and
// declared regions outside the declared locations. docs/profiles.md lists the checks.
#ifndef RESIDENCY_LINT_H_
#define RESIDENCY_LINT_H_

#include <vector>

#include "finding.h"
#include "graph.h"
#include "jurisdiction.h"
#include "manifest.h"
#include "profile.h"

namespace residency {

// Findings in manifest order within each check, checks in profile order.
std::vector<Finding> Lint(const Manifest& manifest, const ServiceGraph& graph, const Jurisdictions& jurisdictions,
                          const Profile& profile);

}  // namespace residency

#endif  // RESIDENCY_LINT_H_
