// `residency probe URL...`: one probe per URL (probe.h), rendered as text or JSON
// (probe_report.h). Every argument is checked before anything is sent: a bad URL, a bad
// --resolve entry or an unreadable --cacert stops the run with exit code 2 and nothing
// probed. Exit code 3 when some URL got no HTTP answer, else 0 (any HTTP status counts
// as an answer: a 404 still says where the service answers from).
#include <memory>
#include <optional>

#include "commands.h"
#include "output.h"
#include "probe.h"
#include "probe_report.h"

namespace residency {
namespace {

int Fail(std::ostream& err, const std::string& message) {
  err << "residency: probe: " << message << "\n";
  return kExitError;
}

}  // namespace

int RunProbe(const ProbeOptions& options, std::ostream& out, std::ostream& err) {
  std::optional<IpAddress> address;
  if (!options.address.empty()) {
    address = ParseIp(options.address);
    if (!address) return Fail(err, "--address \"" + options.address + "\": not an IP address");
  }
  std::vector<ProbeTarget> targets;
  for (size_t i = 0; i < options.urls.size(); ++i) {
    const std::string& url = options.urls[i];
    if (Status s = ValidateProbeUrl(url); !s.ok()) {
      return Fail(err, "URL " + std::to_string(i + 1) + " \"" + url + "\": " + s.message());
    }
    targets.push_back(ProbeTarget{url, url, address});
  }
  for (const std::string& entry : options.resolve) {
    if (Status s = ValidateResolveEntry(entry); !s.ok()) return Fail(err, "--resolve " + s.message());
  }
  if (!options.cacert.empty()) {
    std::string pem;
    if (Status s = ReadFile(options.cacert, &pem); !s.ok()) return Fail(err, "--cacert " + s.message());
    if (pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
      return Fail(err, "--cacert " + options.cacert + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
    }
  }

  ProberOptions prober_options;
  prober_options.concurrency = options.concurrency;
  prober_options.timeout_ms = options.timeout_ms;
  prober_options.connect_timeout_ms = options.connect_timeout_ms;
  prober_options.max_redirects = options.max_redirects;
  prober_options.ca_file = options.cacert;
  prober_options.resolve = options.resolve;
  Status status;
  std::unique_ptr<Prober> prober = NewCurlProber(prober_options, &status);
  if (!prober) return Fail(err, status.message());

  std::unique_ptr<ReportFile> file;
  if (!options.output.empty()) {
    if (Status s = ReportFile::Open(options.output, &file); !s.ok()) return Fail(err, "--output: " + s.message());
  }
  std::vector<ProbeResult> results;
  if (Status s = prober->ProbeAll(targets, &results); !s.ok()) return Fail(err, s.message());

  std::ostream& sink = file ? file->stream() : out;
  if (options.format == "json") {
    RenderProbeJson(results, sink);
  } else {
    RenderProbeText(results, sink);
  }
  if (file) {
    if (Status s = file->Commit(); !s.ok()) return Fail(err, "--output: " + s.message());
  }
  for (const ProbeResult& r : results) {
    if (!r.answered()) return kExitUnverified;
  }
  return kExitPass;
}

}  // namespace residency
