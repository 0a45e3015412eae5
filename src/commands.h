// The subcommands, one function each. cli.cc turns argv into these option structs; each
// function does its whole job, writes machine output to `out` and diagnostics to `err`,
// and returns the exit code of cli.md. Nothing here touches std::cout or std::exit, so
// tests run commands with string streams.
#ifndef RESIDENCY_COMMANDS_H_
#define RESIDENCY_COMMANDS_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace residency {

// Exit codes (cli.md).
enum ExitCode : int {
  kExitPass = 0,        // every check passed
  kExitFail = 1,        // at least one check failed
  kExitError = 2,       // the input or the invocation is wrong; nothing was checked
  kExitUnverified = 3,  // nothing failed, but something could not be verified
};

struct LintOptions {
  std::string manifest;   // path
  std::string profile;    // built-in name or a profile file; empty: from assurance_level
  std::string format = "text";  // text | json
  std::string output;     // file; empty: `out`
  std::string geodb_dir;  // empty: the default (paths.h)
};
int RunLint(const LintOptions& options, std::ostream& out, std::ostream& err);

struct VerifyOptions {
  std::string manifest;
  std::string profile;          // built-in name or file; empty: from assurance_level
  std::string format = "text";  // text | json | sarif | junit | markdown | dot | svg | oscal
  std::string output;           // file; empty: `out`
  std::string geodb_dir;
  std::string dns;              // HOST:PORT[,HOST:PORT...]; empty: resolv.conf
  std::string replay;           // an earlier JSON report whose DNS answers are used
  int concurrency = 500;        // names resolved at once (ResolverOptions says why)
  int timeout_ms = 2000;        // per DNS try
  bool timings = false;         // per-stage time, rate and peak RSS on stderr
  std::string sample;           // a plan of `residency sample` (JSON): verify only its endpoints
  std::string probe;            // "http": probe host and URL endpoints; "" none
  std::string vantage;          // "LAT,LON" of this machine, with probe
  std::string cacert;           // PEM CA file the probes trust instead of the system's
  long probe_timeout_ms = 10000;
};
int RunVerify(const VerifyOptions& options, std::ostream& out, std::ostream& err);

// `residency sample MANIFEST` (sample.h): an attribute-sampling plan; 0, or 2 on bad input.
struct SampleOptions {
  std::string manifest;
  double confidence = 0.95;
  double tolerable_rate = 0.05;
  double expected_rate = 0;
  uint64_t seed = 0;
  std::string format = "text";  // text | json
  std::string output;           // file; empty: `out`
  std::string geodb_dir;
};
int RunSample(const SampleOptions& options, std::ostream& out, std::ostream& err);

struct LookupOptions {
  std::vector<std::string> targets;  // IP literals or host names
  std::string format = "text";       // text | json
  std::string geodb_dir;
  std::string dns;                   // HOST:PORT[,HOST:PORT...]; empty: resolv.conf
};
int RunLookup(const LookupOptions& options, std::ostream& out, std::ostream& err);

struct GeodbInfoOptions {
  std::string format = "text";
  std::string geodb_dir;
};
int RunGeodbInfo(const GeodbInfoOptions& options, std::ostream& out, std::ostream& err);

struct GeodbUpdateOptions {
  std::string geodb_dir;
  std::vector<std::string> feeds;  // feed names to update; empty: all
  std::vector<std::string> urls;   // NAME=URL overrides of the feed URLs
  long timeout_seconds = 60;
  bool offline = false;            // no network: recompile the index from geodb/feeds/
};
int RunGeodbUpdate(const GeodbUpdateOptions& options, std::ostream& out, std::ostream& err);

// `residency probe URL...` (probe.h): one HTTP(S) request per URL, HEAD (GET on 405/501),
// with the TLS certificate, timings and location headers. 0 when every URL got an HTTP
// answer, 3 when one could not be probed (timeout, refused, TLS, ...), 2 on bad input.
struct ProbeOptions {
  std::vector<std::string> urls;
  std::vector<std::string> resolve;  // HOST:PORT:ADDRESS, as curl's --resolve
  std::string address;               // connect every URL's host here (ProbeTarget::address)
  std::string cacert;                // PEM CA file trusted instead of the system's
  long timeout_ms = 10000;           // per URL, redirects included
  long connect_timeout_ms = 5000;
  int max_redirects = 3;
  int concurrency = 32;
  std::string format = "text";       // text | json
  std::string output;                // file; empty: `out`
};
int RunProbe(const ProbeOptions& options, std::ostream& out, std::ostream& err);

// `residency diff OLD.json NEW.json` (diff.h): exit 1 when something moved outside the
// allowed locations, 0 otherwise, 2 when a report cannot be read.
struct DiffOptions {
  std::string old_report;       // path of the earlier verify report (JSON)
  std::string new_report;       // path of the later one
  std::string format = "text";  // text | json
  std::string output;           // file; empty: `out`
};
int RunDiff(const DiffOptions& options, std::ostream& out, std::ostream& err);

}  // namespace residency

#endif  // RESIDENCY_COMMANDS_H_
