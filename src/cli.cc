#include "cli.h"

#include <CLI/CLI.hpp>
#include <exception>

#include "commands.h"

namespace residency {
namespace {

void AddFormat(CLI::App* cmd, std::string* format, std::vector<std::string> allowed) {
  std::string list;
  for (const auto& f : allowed) list += (list.empty() ? "" : "|") + f;
  cmd->add_option("--format", *format, "output format: " + list)
      ->check(CLI::IsMember(allowed))
      ->capture_default_str();
}

void AddGeodb(CLI::App* cmd, std::string* dir) {
  cmd->add_option("--geodb", *dir,
                  "geodb directory (default: $RESIDENCY_GEODB, else geodb/ of the installation)");
}

}  // namespace

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"residency: verifies where a cloud service's data is stored and processed,\n"
               "against the locations its manifest declares (EUCS, C5, SecNumCloud).",
               "residency"};
  app.require_subcommand(0, 1);
  bool version = false;
  app.add_flag("--version", version, "print the version and exit");

  VerifyOptions verify;
  CLI::App* verify_cmd = app.add_subcommand(
      "verify", "the main job: resolve every endpoint, geolocate every address, check against the manifest");
  verify_cmd->add_option("MANIFEST", verify.manifest, "the manifest (JSON, manifest-v1)")->required();
  verify_cmd->add_option("--profile", verify.profile,
                         "requirement profile: a built-in name (see docs/profiles.md) or a file; "
                         "default from service.assurance_level");
  AddFormat(verify_cmd, &verify.format, {"text", "json", "sarif", "junit", "markdown", "dot", "svg", "oscal"});
  verify_cmd->add_option("--output", verify.output, "write the report to FILE instead of stdout");
  AddGeodb(verify_cmd, &verify.geodb_dir);
  verify_cmd->add_option("--dns", verify.dns, "DNS servers HOST:PORT[,HOST:PORT...] (default: /etc/resolv.conf)");
  verify_cmd->add_option("--replay", verify.replay,
                         "take every DNS answer from an earlier JSON report instead of the network");
  verify_cmd->add_option("--concurrency", verify.concurrency, "names resolved at once")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  verify_cmd->add_flag("--timings", verify.timings,
                       "print each stage's time, endpoints/s and peak memory on stderr");
  verify_cmd->add_option("--timeout-ms", verify.timeout_ms, "milliseconds per DNS try")
      ->check(CLI::Range(10, 60000))
      ->capture_default_str();

  verify_cmd->add_option("--sample", verify.sample,
                         "verify only the endpoints of a plan from `residency sample` (JSON) and "
                         "report the upper bound of the deviation rate");
  verify_cmd->add_option("--probe", verify.probe,
                         "also probe every host and URL endpoint at each address it resolved to, and check the "
                         "location headers of the answers")
      ->check(CLI::IsMember({"http"}));
  verify_cmd->add_option("--vantage", verify.vantage,
                         "LAT,LON where this machine is: with --probe, the fastest TCP connect bounds where each "
                         "address can be (speed of light in fibre)");
  verify_cmd->add_option("--cacert", verify.cacert, "with --probe: trust the CA certificates in this PEM file");
  verify_cmd->add_option("--probe-timeout-ms", verify.probe_timeout_ms, "with --probe: milliseconds per URL")
      ->check(CLI::Range(100, 600000))
      ->capture_default_str();

  SampleOptions sample;
  CLI::App* sample_cmd = app.add_subcommand(
      "sample", "an audit sampling plan: hypergeometric sample size, stratified by subservice, seeded");
  sample_cmd->add_option("MANIFEST", sample.manifest, "the manifest (JSON, manifest-v1)")->required();
  sample_cmd->add_option("--confidence", sample.confidence, "confidence level, e.g. 0.95")->capture_default_str();
  sample_cmd->add_option("--tolerable-rate", sample.tolerable_rate, "tolerable deviation rate, e.g. 0.05")
      ->capture_default_str();
  sample_cmd->add_option("--expected-rate", sample.expected_rate, "expected deviation rate, below the tolerable")
      ->capture_default_str();
  sample_cmd->add_option("--seed", sample.seed, "seed of the draw (mt19937_64): the same seed, the same plan")
      ->check(CLI::NonNegativeNumber)
      ->required();
  AddFormat(sample_cmd, &sample.format, {"text", "json"});
  sample_cmd->add_option("--output", sample.output, "write the plan to FILE instead of stdout");
  AddGeodb(sample_cmd, &sample.geodb_dir);

  DiffOptions diff;
  CLI::App* diff_cmd = app.add_subcommand(
      "diff", "location changes between two verify reports (EUCS PM-04.5, C5 PSS-12.04B change notice)");
  diff_cmd->add_option("OLD", diff.old_report, "the earlier verify report (JSON)")->required();
  diff_cmd->add_option("NEW", diff.new_report, "the later verify report (JSON)")->required();
  AddFormat(diff_cmd, &diff.format, {"text", "json"});
  diff_cmd->add_option("--output", diff.output, "write the change notice to FILE instead of stdout");

  ProbeOptions probe;
  CLI::App* probe_cmd = app.add_subcommand(
      "probe", "HTTP(S) probes: status, TLS certificate, timings and location headers (HEAD, GET on 405/501)");
  probe_cmd->add_option("URL", probe.urls, "http:// or https:// URLs")->required();
  probe_cmd->add_option("--resolve", probe.resolve,
                        "HOST:PORT:ADDRESS: connect to ADDRESS for HOST:PORT (as curl --resolve; repeatable)");
  probe_cmd->add_option("--address", probe.address,
                        "connect each URL's host (on any port, redirects back to it included) to this IP "
                        "instead of resolving it; Host, SNI and the certificate check keep the name");
  probe_cmd->add_option("--cacert", probe.cacert, "trust the CA certificates in this PEM file instead of the system's");
  probe_cmd->add_option("--timeout-ms", probe.timeout_ms, "milliseconds per URL, redirects included")
      ->check(CLI::Range(1L, 600000L))
      ->capture_default_str();
  probe_cmd->add_option("--connect-timeout-ms", probe.connect_timeout_ms, "milliseconds per connection")
      ->check(CLI::Range(1L, 600000L))
      ->capture_default_str();
  probe_cmd->add_option("--max-redirects", probe.max_redirects, "redirects followed (http and https only)")
      ->check(CLI::Range(0, 50))
      ->capture_default_str();
  probe_cmd->add_option("--concurrency", probe.concurrency, "URLs probed at once")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  AddFormat(probe_cmd, &probe.format, {"text", "json"});
  probe_cmd->add_option("--output", probe.output, "write the results to FILE instead of stdout");

  LintOptions lint;
  CLI::App* lint_cmd = app.add_subcommand(
      "lint", "check a manifest: schema, references, disclosure completeness (no network)");
  lint_cmd->add_option("MANIFEST", lint.manifest, "the manifest (JSON, manifest-v1)")->required();
  lint_cmd->add_option("--profile", lint.profile,
                       "requirement profile: a built-in name (see docs/profiles.md) or a file; "
                       "default from service.assurance_level");
  AddFormat(lint_cmd, &lint.format, {"text", "json"});
  lint_cmd->add_option("--output", lint.output, "write the report to FILE instead of stdout");
  AddGeodb(lint_cmd, &lint.geodb_dir);

  LookupOptions lookup;
  CLI::App* lookup_cmd = app.add_subcommand(
      "lookup", "evidence for IP addresses and host names: DNS chain, every geodb source's answer, feed match, AS, jurisdictions");
  lookup_cmd->add_option("TARGET", lookup.targets, "IP addresses or host names")->required();
  lookup_cmd->add_option("--dns", lookup.dns,
                         "HOST:PORT[,HOST:PORT...]: DNS servers to ask for host names "
                         "(IPv6 as [ADDRESS]:PORT; default: the system's resolv.conf)");
  AddFormat(lookup_cmd, &lookup.format, {"text", "json"});
  AddGeodb(lookup_cmd, &lookup.geodb_dir);

  CLI::App* geodb_cmd = app.add_subcommand("geodb", "inspect and update the geolocation data");
  geodb_cmd->require_subcommand(1);
  GeodbInfoOptions info;
  CLI::App* info_cmd = geodb_cmd->add_subcommand(
      "info", "the sources in use: kind, file, type, build date, sha256, licence");
  AddFormat(info_cmd, &info.format, {"text", "json"});
  AddGeodb(info_cmd, &info.geodb_dir);
  GeodbUpdateOptions update;
  CLI::App* update_cmd = geodb_cmd->add_subcommand(
      "update", "fetch fresh provider IP-range feeds and recompile the feed index (atomic)");
  update_cmd->add_option("FEED", update.feeds, "feeds to update (default: all)");
  update_cmd->add_option("--url", update.urls, "NAME=URL: fetch feed NAME from URL instead");
  update_cmd->add_option("--timeout", update.timeout_seconds, "seconds per download")
      ->capture_default_str();
  update_cmd->add_flag("--offline", update.offline,
                       "no network: recompile the feed index from geodb/feeds/");
  AddGeodb(update_cmd, &update.geodb_dir);

  std::vector<std::string> rev(args.rbegin(), args.rend() - 1);
  try {
    app.parse(rev);
  } catch (const CLI::CallForHelp&) {
    // --help on a subcommand prints that subcommand's help.
    const CLI::App* target = &app;
    for (CLI::App* sub : app.get_subcommands()) {
      target = sub;
      for (CLI::App* subsub : sub->get_subcommands()) target = subsub;
    }
    out << target->help();
    return kExitPass;
  } catch (const CLI::Success&) {
    return kExitPass;
  } catch (const CLI::ParseError& e) {
    err << "residency: " << e.what() << "\n";
    err << "Run 'residency --help' for usage.\n";
    return kExitError;
  }

  if (version) {
    out << "residency " << RESIDENCY_VERSION << "\n";
    return kExitPass;
  }
  try {
    if (verify_cmd->parsed()) return RunVerify(verify, out, err);
    if (lint_cmd->parsed()) return RunLint(lint, out, err);
    if (sample_cmd->parsed()) return RunSample(sample, out, err);
    if (diff_cmd->parsed()) return RunDiff(diff, out, err);
    if (lookup_cmd->parsed()) return RunLookup(lookup, out, err);
    if (probe_cmd->parsed()) return RunProbe(probe, out, err);
    if (info_cmd->parsed()) return RunGeodbInfo(info, out, err);
    if (update_cmd->parsed()) return RunGeodbUpdate(update, out, err);
  } catch (const std::exception& e) {
    // Commands report through Status; an exception here is a bug, but it must still end
    // as a clear message and exit code 2, never as std::terminate.
    err << "residency: internal error: " << e.what() << "\n";
    return kExitError;
  }
  out << app.help();
  return kExitError;
}

}  // namespace residency
