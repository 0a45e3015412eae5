// The report formats beyond text and JSON (report.h), for the people and machines that act
// on a verify report: SARIF 2.1.0 for code-scanning UIs, JUnit XML for CI dashboards,
// Markdown for pull-request comments, Graphviz dot for the graph, and OSCAL 1.1.3
// assessment-results for auditors. docs/report-formats.md describes each mapping.
//
// Every renderer takes the plain report and writes the whole document to `out`; none reads
// the clock, the environment or a file, so the same report always renders to the same
// bytes (the OSCAL UUIDs are derived from the report's content for that reason).
#ifndef RESIDENCY_RENDER_H_
#define RESIDENCY_RENDER_H_

#include <ostream>
#include <string>
#include <string_view>

#include "report.h"

namespace residency {

// SARIF 2.1.0: one run; rules are the cited requirement ids with their text
// (requirements.h), or the check kind for a finding that cites none; one result per finding,
// located in the manifest file at the line and column of the entry concerned.
void RenderVerifySarif(const VerifyReport& report, std::ostream& out);

// JUnit XML: one testsuite; a testcase per endpoint (classname = node id, name = endpoint
// id): <failure> when the endpoint fails or a finding about it fails, <skipped> when it
// could not be verified; findings about other subjects get a testcase each.
void RenderVerifyJunit(const VerifyReport& report, std::ostream& out);

// Markdown for a pull-request comment: one line and a summary table when nothing failed or
// was left unverified; otherwise also a table of the endpoints concerned and of the findings.
void RenderVerifyMarkdown(const VerifyReport& report, std::ostream& out);

// Graphviz dot: service -> subservices -> endpoints along the endpoints' paths, filled by
// verdict (green pass, red fail, orange unverified); a node takes its worst endpoint's
// colour. Turning it into SVG is the caller's business (`dot -Tsvg`).
void RenderVerifyDot(const VerifyReport& report, std::ostream& out);

// OSCAL 1.1.3 assessment-results JSON: one result with an observation per endpoint (its
// addresses, countries and every source's answer) and a finding per finding whose target
// is the requirement it cites. UUIDs are name-based (NameUuid), timestamps the report's.
void RenderVerifyOscal(const VerifyReport& report, std::ostream& out);

// A version-5-style UUID (SHA-1 of `name` under a fixed residency namespace), so that the
// same content always gets the same UUID.
std::string NameUuid(std::string_view name);

}  // namespace residency

#endif  // RESIDENCY_RENDER_H_
