// `residency verify MANIFEST`: the main job (cli.md). Reads the manifest and the geodb,
// resolves (or replays) every endpoint name, geolocates every address, checks, reports.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <ctime>
#include <set>

#include "command_support.h"
#include "commands.h"
#include "geo.h"
#include "graph.h"
#include "host_patterns.h"
#include "manifest.h"
#include "output.h"
#include "probe.h"
#include "vantage.h"
#include "airports.h"
#include "render.h"
#include "operators.h"
#include "profile.h"
#include "report.h"
#include "resolve.h"
#include "sample.h"
#include "verify.h"

namespace residency {
namespace {

std::string NowIso() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
  return out;
}

// SVG through Graphviz's `dot`, when it is installed: the dot text goes to its stdin
// through a temporary file, its output to `out`.
Status RenderSvg(const VerifyReport& report, std::ostream& out) {
  char dot_path[] = "/tmp/residency-dot-XXXXXX";
  int fd = ::mkstemp(dot_path);
  if (fd < 0) return Status::IoError("temporary file for dot: " + std::string(std::strerror(errno)));
  ::close(fd);
  {
    std::ofstream dot(dot_path);
    RenderVerifyDot(report, dot);
  }
  std::string command = "dot -Tsvg '" + std::string(dot_path) + "' 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) {
    std::remove(dot_path);
    return Status::IoError("cannot run Graphviz dot");
  }
  std::string svg;
  char buf[1 << 14];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) svg.append(buf, n);
  int rc = ::pclose(pipe);
  std::remove(dot_path);
  if (rc != 0) {
    return Status::NotFound("--format svg needs Graphviz (apt-get install graphviz): " +
                            svg.substr(0, svg.find('\n')));
  }
  out << svg;
  return Status::Ok();
}

Status Render(const VerifyReport& report, const std::string& format, std::ostream& out, bool colour) {
  if (format == "json") RenderVerifyJson(report, out);
  else if (format == "sarif") RenderVerifySarif(report, out);
  else if (format == "junit") RenderVerifyJunit(report, out);
  else if (format == "markdown") RenderVerifyMarkdown(report, out);
  else if (format == "dot") RenderVerifyDot(report, out);
  else if (format == "oscal") RenderVerifyOscal(report, out);
  else if (format == "svg") return RenderSvg(report, out);
  else RenderVerifyText(report, out, colour);
  return Status::Ok();
}

// Per-stage figures for --timings and the scale benchmark (scripts/bench-scale): wall and
// CPU time (all threads), endpoints per second and peak RSS per stage, on stderr at the end.
// A streamed run passes through geolocate, check and report once per chunk; each stage's
// times add up, and the stages print in the order they first ended.
class StageClock {
 public:
  // The first stage counts from here: CPU and page faults of the process's start (the
  // dynamic linker, static initialisers) are in no stage, as its wall time is not.
  StageClock(bool on, std::ostream& err) : on_(on), err_(err), last_(std::chrono::steady_clock::now()) {
    struct rusage ru {};
    ::getrusage(RUSAGE_SELF, &ru);
    cpu_ = Seconds(ru.ru_utime) + Seconds(ru.ru_stime);
    faults_ = ru.ru_minflt;
  }
  void set_items(size_t n) { items_ = n; }
  void Done(const char* stage) {
    auto now = std::chrono::steady_clock::now();
    double wall = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    if (!on_) return;
    struct rusage ru {};
    ::getrusage(RUSAGE_SELF, &ru);
    double cpu = Seconds(ru.ru_utime) + Seconds(ru.ru_stime);
    auto it = std::find_if(stages_.begin(), stages_.end(), [&](const Stage& st) { return st.name == stage; });
    if (it == stages_.end()) it = stages_.insert(stages_.end(), Stage{stage, 0, 0, 0, 0});
    it->wall += wall;
    it->cpu += cpu - cpu_;
    it->peak_mib = ru.ru_maxrss / 1024;
    it->faults += ru.ru_minflt - faults_;
    cpu_ = cpu;
    faults_ = ru.ru_minflt;
  }
  void Print() const {
    if (!on_) return;
    for (const Stage& st : stages_) {
      char line[200];
      std::snprintf(line, sizeof line,
                    "stage %-10s %10.6f s %12.0f endpoints/s  cpu %8.3f s  peak RSS %6ld MiB  page faults %8ld\n",
                    st.name.c_str(), st.wall, st.wall > 0 ? static_cast<double>(items_) / st.wall : 0.0, st.cpu,
                    st.peak_mib, st.faults);
      err_ << line;
    }
  }

 private:
  struct Stage {
    std::string name;
    double wall, cpu;
    long peak_mib;
    long faults;  // minor page faults: pages new to the process, what memory costs most here
  };
  static double Seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }
  bool on_;
  std::ostream& err_;
  std::chrono::steady_clock::time_point last_;
  size_t items_ = 0;
  double cpu_ = 0;  // user + system seconds of the process at the last Done
  long faults_ = 0;  // minor page faults of the process at the last Done
  std::vector<Stage> stages_;
};

// A progress line on stderr while a long run works, only when stderr is a terminal (and
// the command writes to the process's own stderr): redrawn in place, cleared at the end.
class ProgressLine {
 public:
  explicit ProgressLine(std::ostream& err) : on_(&err == &std::cerr && ::isatty(STDERR_FILENO) == 1) {}
  ~ProgressLine() { Clear(); }
  void Show(const std::string& text) {
    if (!on_) return;
    std::cerr << "\r\033[K" << text << std::flush;
    shown_ = true;
  }
  void Clear() {
    if (on_ && shown_) std::cerr << "\r\033[K" << std::flush;
    shown_ = false;
  }

 private:
  bool on_;
  bool shown_ = false;
};

// The deviations among the plan's endpoints (any verdict but pass: nothing unknown counts
// as compliant) and the upper bound of the population's deviation rate.
SampleResult SampleOutcome(const SamplePlan& plan, const std::string& path, const VerifyReport& report) {
  SampleResult s;
  s.plan_path = path;
  s.parameters = plan.parameters;
  s.population = plan.size.population;
  s.sample_size = plan.size.sample_size;
  s.acceptance_number = plan.size.acceptance_number;
  for (const EndpointResult& e : report.endpoints) {
    ++s.checked;
    if (e.verdict == Verdict::kFail) ++s.deviations_fail;
    if (e.verdict == Verdict::kUnverified) ++s.deviations_unverified;
  }
  s.upper_bound_deviations = UpperDeviationBound(s.population, s.checked, s.Deviations(), s.parameters.confidence);
  s.upper_bound_rate = s.population ? static_cast<double>(s.upper_bound_deviations) / static_cast<double>(s.population) : 0;
  return s;
}

int Fail(std::ostream& err, const Status& s) {
  err << "residency: " << s.message() << "\n";
  return kExitError;
}

}  // namespace

int RunVerify(const VerifyOptions& options, std::ostream& out, std::ostream& err) {
  StageClock clock(options.timings, err);
  ManifestContext ctx;
  ctx.keep_text_memory = true;  // for the findings' messages (VerifyInputs::spare_memory)
  // The geodb's jurisdictions are the open stage's, as the rest of the geodb: the parse
  // stage is the manifest's read, parse, schema and model (and the profile's read), what
  // scripts/bench-scale compares with a plain read and parse of the same file.
  if (!LoadManifestContext(options.geodb_dir, options.manifest, options.profile, true, err, &ctx,
                           [&clock] { clock.Done("open"); })) {
    return kExitError;
  }
  const std::string& geodb = ctx.geodb_dir;
  const Manifest& manifest = ctx.manifest;
  const Profile& profile = ctx.profile;
  size_t endpoint_count = 0;
  for (const Node& n : manifest.nodes) endpoint_count += n.endpoints.size();
  clock.set_items(endpoint_count);
  clock.Done("parse");
  std::unique_ptr<Geo> geo;
  if (Status s = Geo::Open(geodb, &geo); !s.ok()) return Fail(err, s);
  Operators operators;
  if (Status s = Operators::Load(geodb, &operators); !s.ok()) return Fail(err, s);
  HostPatterns patterns;
  if (Status s = HostPatterns::Load(geodb + "/host-patterns.json", &patterns); !s.ok()) return Fail(err, s);

  std::unique_ptr<Resolver> resolver;
  if (!options.replay.empty()) {
    if (!options.dns.empty()) return Fail(err, Status::InvalidInput("--replay and --dns exclude each other"));
    std::vector<Resolution> recorded;
    std::vector<std::string> servers;
    if (Status s = ReadReplay(options.replay, &recorded, &servers); !s.ok()) return Fail(err, s);
    resolver = NewReplayResolver(std::move(recorded), std::move(servers));
  } else {
    ResolverOptions ro;
    if (Status s = ParseDnsServers(options.dns, &ro.servers); !s.ok()) return Fail(err, s.WithContext("--dns"));
    ro.concurrency = options.concurrency;
    ro.timeout_ms = options.timeout_ms;
    Status s;
    resolver = NewAresResolver(ro, &s);
    if (!resolver || !s.ok()) return Fail(err, s.ok() ? Status::Network("the resolver did not start") : s);
  }

  // --sample: only the plan's endpoints, and only for the manifest the plan was drawn from.
  SamplePlan plan;
  std::set<std::string> sampled;
  if (!options.sample.empty()) {
    if (Status s = ReadSamplePlan(options.sample, &plan); !s.ok()) return Fail(err, s.WithContext("--sample"));
    if (plan.manifest_sha256 != manifest.sha256) {
      return Fail(err, Status::InvalidInput("--sample: " + options.sample + ": drawn from a manifest with sha256 " +
                                            plan.manifest_sha256 + ", but " + manifest.path + " has sha256 " +
                                            manifest.sha256 + ": draw a new plan with `residency sample`"));
    }
    std::set<std::string> known;
    for (const Node& n : manifest.nodes) {
      for (const Endpoint& e : n.endpoints) known.insert(manifest.QualifiedId(e));
    }
    for (const std::string& id : plan.EndpointIds()) {
      if (!known.count(id)) {
        return Fail(err, Status::InvalidInput("--sample: " + options.sample + ": endpoint \"" + id +
                                              "\" is not in " + manifest.path));
      }
      sampled.insert(id);
    }
    if (plan.size.population != known.size()) {
      return Fail(err, Status::InvalidInput("--sample: " + options.sample + ": population " +
                                            std::to_string(plan.size.population) + ", but " + manifest.path +
                                            " has " + std::to_string(known.size()) + " endpoints"));
    }
  }

  // --probe http [--vantage LAT,LON]: the prober, the airports for edge PoPs, the outlines.
  std::unique_ptr<Prober> prober;
  Airports airports;
  std::unique_ptr<CountryOutlines> outlines;
  std::unique_ptr<VantageBounds> vantage;
  if (options.probe.empty() && (!options.vantage.empty() || !options.cacert.empty())) {
    return Fail(err, Status::InvalidInput(std::string(options.vantage.empty() ? "--cacert" : "--vantage") +
                                          " needs --probe http (the probes' TCP connects give the round trips)"));
  }
  if (!options.probe.empty()) {
    ProberOptions po;
    po.timeout_ms = options.probe_timeout_ms;
    po.connect_timeout_ms = std::min(options.probe_timeout_ms, 5000L);
    po.ca_file = options.cacert;
    Status s;
    prober = NewCurlProber(po, &s);
    if (!prober || !s.ok()) return Fail(err, s.ok() ? Status::Network("the prober did not start") : s.WithContext("--probe"));
    if (Status a = Airports::Load(geodb, &airports); !a.ok()) return Fail(err, a);
    if (!options.vantage.empty()) {
      GeoPoint point;
      if (Status v = ParseVantage(options.vantage, &point); !v.ok()) return Fail(err, v.WithContext("--vantage"));
      if (Status o = CountryOutlines::Load(geodb, &outlines); !o.ok()) return Fail(err, o);
      vantage = std::make_unique<VantageBounds>(*outlines, point);
    }
  }

  clock.Done("open");
  ServiceGraph graph(manifest);
  clock.Done("graph");
  // A large JSON report streams: endpoints are written as they are verified, never all
  // held in memory (report.h, VerifyJsonStream), and into a file past the page cache.
  bool streamed = options.format == "json" && options.sample.empty() && endpoint_count > kPrettyJsonMaxEndpoints;
  std::unique_ptr<ReportFile> file;
  if (!options.output.empty()) {
    if (Status s = ReportFile::Open(options.output, &file); !s.ok()) return Fail(err, s.WithContext("--output"));
    if (streamed) file->WriteDirect();  // else written behind, through the page cache
  }
  std::ostream& sink = file ? file->stream() : out;

  VerifyReport report;
  report.tool_version = RESIDENCY_VERSION;
  ProgressLine progress(err);
  size_t named = 0;  // endpoints with a name to resolve (Verify asks each distinct name once)
  for (const Node& n : manifest.nodes) {
    for (const Endpoint& e : n.endpoints) named += !e.host.empty() && (options.sample.empty() || sampled.count(manifest.QualifiedId(e)));
  }
  if (named) progress.Show("residency: resolving the names of " + std::to_string(named) + " endpoints...");
  VerifyInputs in{manifest, graph, ctx.jurisdictions, profile, *geo, operators, &patterns, *resolver, NowIso,
                  [&](const char* stage) { clock.Done(stage); }, options.sample.empty() ? nullptr : &sampled};
  in.prober = prober.get();
  in.airports = prober ? &airports : nullptr;
  in.vantage = vantage.get();
  in.spare_memory = &ctx.text_memory;
  in.progress = [&](size_t done, size_t total) {
    progress.Show("residency: verified " + std::to_string(done) + " of " + std::to_string(total) + " endpoints");
  };
  std::unique_ptr<VerifyJsonStream> stream;
  if (streamed) {
    stream = std::make_unique<VerifyJsonStream>(sink, file ? std::function<void()>([&file] { file->WriteBehind(); })
                                                          : std::function<void()>());
    in.sink = [&](const VerifyReport& so_far, const std::vector<EndpointResult>& chunk) {
      return stream->Endpoints(so_far, chunk);
    };
  }
  if (Status s = Verify(in, &report); !s.ok()) return Fail(err, s);
  progress.Clear();
  if (!options.sample.empty()) report.sample = SampleOutcome(plan, options.sample, report);

  // Colour only for text on a terminal that is our own stdout (main passes std::cout).
  bool colour = !file && &out == &std::cout && ColourWanted();
  if (stream) {
    if (Status s = stream->End(report); !s.ok()) return Fail(err, s.WithContext(options.output.empty() ? "stdout" : options.output));
  } else if (Status s = Render(report, options.format, sink, colour); !s.ok()) {
    return Fail(err, s);
  }
  if (file) {
    if (Status s = file->Commit(); !s.ok()) return Fail(err, s.WithContext("--output"));
  }
  clock.Done("report");
  clock.Print();
  return report.ExitCode();
}

}  // namespace residency
