// `residency sample MANIFEST`: an attribute-sampling plan over the manifest's endpoints
// (sample.h, docs/audit.md). No network, no geolocation databases (only the jurisdiction
// data in geodb/, to read the manifest).
#include "command_support.h"
#include "commands.h"
#include "manifest.h"
#include "output.h"
#include "sample.h"

namespace residency {
namespace {

int Fail(std::ostream& err, const std::string& message) {
  err << "residency: " << message << "\n";
  return kExitError;
}

}  // namespace

int RunSample(const SampleOptions& options, std::ostream& out, std::ostream& err) {
  if (!(options.confidence > 0 && options.confidence < 1)) {
    return Fail(err, "--confidence: must lie strictly between 0 and 1, e.g. 0.95");
  }
  if (!(options.tolerable_rate > 0 && options.tolerable_rate <= 1)) {
    return Fail(err, "--tolerable-rate: must lie in (0, 1], e.g. 0.05");
  }
  if (!(options.expected_rate >= 0 && options.expected_rate < options.tolerable_rate)) {
    return Fail(err, "--expected-rate: must be at least 0 and below --tolerable-rate");
  }
  ManifestContext ctx;
  if (!LoadManifestContext(options.geodb_dir, options.manifest, "", false, err, &ctx)) return kExitError;
  const Manifest& manifest = ctx.manifest;
  SamplePlan plan = MakeSamplePlan(
      manifest, SampleParameters{options.confidence, options.tolerable_rate, options.expected_rate, options.seed});

  std::unique_ptr<ReportFile> file;
  if (!options.output.empty()) {
    if (Status s = ReportFile::Open(options.output, &file); !s.ok()) return Fail(err, "--output: " + s.message());
  }
  std::ostream& sink = file ? file->stream() : out;
  if (options.format == "json") RenderSamplePlanJson(plan, sink);
  else RenderSamplePlanText(plan, sink);
  if (file) {
    if (Status s = file->Commit(); !s.ok()) return Fail(err, "--output: " + s.message());
  }
  return kExitPass;
}

}  // namespace residency
