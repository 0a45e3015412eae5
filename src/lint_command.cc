// `residency lint MANIFEST`: read and check the manifest, run the profile's static checks,
// report. No network, no geolocation databases (only the jurisdiction data in geodb/).
#include <iostream>
#include <sstream>

#include "command_support.h"
#include "commands.h"
#include "graph.h"
#include "lint.h"
#include "manifest.h"
#include "profile.h"
#include "report.h"

namespace residency {

int RunLint(const LintOptions& options, std::ostream& out, std::ostream& err) {
  ManifestContext ctx;
  if (!LoadManifestContext(options.geodb_dir, options.manifest, options.profile, true, err, &ctx)) return kExitError;
  const Manifest& manifest = ctx.manifest;
  const Profile& profile = ctx.profile;

  ServiceGraph graph(manifest);
  LintReport report;
  report.tool_version = RESIDENCY_VERSION;
  report.manifest_path = manifest.path;
  report.manifest_sha256 = manifest.sha256;
  report.profile = profile.name;
  report.profile_title = profile.title;
  report.service_id = manifest.service().id;
  report.service_name = manifest.service().name;
  report.nodes = manifest.nodes.size();
  for (const Node& n : manifest.nodes) report.endpoints += n.endpoints.size();
  report.declarations = manifest.declarations.size();
  report.flows = manifest.flows.size();
  report.findings = Lint(manifest, graph, ctx.jurisdictions, profile);

  std::ostringstream rendered;
  if (options.format == "json") {
    RenderLintJson(report, rendered);
  } else {
    RenderLintText(report, rendered, options.output.empty() && &out == &std::cout && ColourWanted());
  }
  if (options.output.empty()) {
    out << rendered.str();
  } else if (Status s = WriteFileAtomic(options.output, rendered.str()); !s.ok()) {
    err << "residency: --output " << s.message() << "\n";
    return kExitError;
  }
  return report.Counts().fail ? kExitFail : kExitPass;
}

}  // namespace residency
