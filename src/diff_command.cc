// `residency diff OLD.json NEW.json`: the location changes between two verify reports
// (diff.h). Exit 1 when something moved outside the allowed locations, 0 otherwise, 2 when
// a report cannot be read.
#include <sstream>

#include "commands.h"
#include "diff.h"
#include "status.h"

namespace residency {

int RunDiff(const DiffOptions& options, std::ostream& out, std::ostream& err) {
  if (options.format != "text" && options.format != "json") {
    err << "residency: --format: unknown format \"" << options.format << "\"" << DidYouMean(options.format, {"text", "json"})
        << "; diff writes text or json\n";
    return kExitError;
  }
  ReportSnapshot reports[2];
  const std::string* paths[2] = {&options.old_report, &options.new_report};
  for (int i = 0; i < 2; ++i) {
    std::string text;
    if (Status s = ReadFile(*paths[i], &text); !s.ok()) {
      err << "residency: " << s.message() << "\n";
      return kExitError;
    }
    Diagnostic error;
    if (!ReadVerifyReportJson(*paths[i], std::move(text), &reports[i], &error)) {
      err << error.ToString() << "\n";
      return kExitError;
    }
  }
  ReportDiff diff = DiffReports(reports[0], reports[1]);
  std::ostringstream rendered;
  if (options.format == "json") {
    RenderDiffJson(diff, rendered);
  } else {
    RenderDiffText(diff, rendered);
  }
  if (options.output.empty()) {
    out << rendered.str();
  } else if (Status s = WriteFileAtomic(options.output, rendered.str()); !s.ok()) {
    err << "residency: --output " << s.message() << "\n";
    return kExitError;
  }
  return diff.MovedOutside() ? kExitFail : kExitPass;
}

}  // namespace residency
