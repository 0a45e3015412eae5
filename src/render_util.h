// Small pieces the renderers of render.h share: names of the report's enums, escaping for
// XML and for Markdown table cells, and views of a report that several formats need (the
// worst status per subject, an endpoint's countries). Internal to the render_*.cc files.
#ifndef RESIDENCY_RENDER_UTIL_H_
#define RESIDENCY_RENDER_UTIL_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "report.h"
#include "text_util.h"  // Join

namespace residency::render {

// The names used in the JSON report (cli.md): report.h's and resolve.h's, under one name.
std::string_view Name(Verdict v);
std::string_view Name(Placement p);
std::string_view Name(ResolveStatus s);

// &, <, >, " and ' as entities; characters XML 1.0 forbids (C0 controls but tab, newline and
// carriage return) replaced by U+FFFD, so that any message makes a well-formed document.
std::string XmlEscape(std::string_view s);

// For a cell of a Markdown table: | and backslash escaped, newlines as spaces, and the
// characters that start inline markup (`*_<>[]) escaped.
std::string MarkdownCell(std::string_view s);

// The distinct agreed countries among an endpoint's addresses, sorted.
std::vector<std::string> Countries(const EndpointResult& e);


// Endpoints with verdict `v` (cli.md "summary").
size_t CountVerdict(const VerifyReport& r, Verdict v);

// The worst finding status per subject.
std::map<std::string, FindingStatus> WorstFindingBySubject(const VerifyReport& r);

}  // namespace residency::render

#endif  // RESIDENCY_RENDER_UTIL_H_
