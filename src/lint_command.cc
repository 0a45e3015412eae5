// `residency lint MANIFEST`: read and check the manifest, run the profile's static checks,
// report. No network, no geolocation databases (only the jurisdiction data in geodb/).
#include <sstream>

#include "commands.h"
#include "graph.h"
#include "lint.h"
#include "manifest.h"
#include "paths.h"
#include "profile.h"
#include "report.h"

namespace residency {

int RunLint(const LintOptions& options, std::ostream& out, std::ostream& err) {
  std::string geodb;
  if (Status s = ResolveGeodbDir(options.geodb_dir, &geodb); !s.ok()) {
    err << "residency: " << s.message() << "\n";
    return kExitError;
  }
  Jurisdictions jurisdictions;
  if (Status s = Jurisdictions::Load(geodb, &jurisdictions); !s.ok()) {
    err << "residency: " << s.message() << "\n";
    return kExitError;
  }
  Manifest manifest;
  std::vector<Diagnostic> errors;
  if (!ReadManifest(options.manifest, jurisdictions, &manifest, &errors)) {
    for (const Diagnostic& d : errors) err << d.ToString() << "\n";
    return kExitError;
  }
  Profile profile;
  Diagnostic profile_error;
  std::string profile_name = options.profile.empty() ? DefaultProfileName(manifest.assurance_level) : options.profile;
  if (!LoadProfile(profile_name, jurisdictions, &profile, &profile_error)) {
    err << profile_error.ToString() << "\n";
    return kExitError;
  }

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
  report.findings = Lint(manifest, graph, jurisdictions, profile);

  std::ostringstream rendered;
  if (options.format == "json") {
    RenderLintJson(report, rendered);
  } else {
    RenderLintText(report, rendered);
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
