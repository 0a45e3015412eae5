// Reports: plain structs that render to any std::ostream, so golden tests need no files.
// LintReport is what `residency lint` produces; the verify report (cli.md) joins it later.
#ifndef RESIDENCY_REPORT_H_
#define RESIDENCY_REPORT_H_

#include <ostream>
#include <string>
#include <vector>

#include "finding.h"

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

void RenderLintText(const LintReport& report, std::ostream& out);
void RenderLintJson(const LintReport& report, std::ostream& out);

}  // namespace residency

#endif  // RESIDENCY_REPORT_H_
