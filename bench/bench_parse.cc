// residency_bench_parse: the cost of reading a manifest against the physical reference, a
// plain RapidJSON DOM parse of the same bytes, in the same run. Prints seconds and MB/s for
// (1) rapidjson::Document::Parse, (2) JsonSource::Parse (positions, depth cap, duplicate
// keys), (3) ParseManifest (sha256, JsonSource, schema validation, the model), and the
// ratios. Each is timed from bytes in memory to the result, as verify's parse stage runs
// after reading the file; freeing the result is not timed (for none of the three). The
// rounds are interleaved (plain, source, manifest, plain, ...), so that the three bests are
// taken over the same stretch of a shared machine's time and the ratios compare like with
// like (run one after the other, the reference alone spanned 0.22-0.37 s at 1M).
//
// Usage: residency_bench_parse MANIFEST [--geodb DIR] [--rounds R] [--only plain|source|manifest]
//                              [--heap fresh|warm]
//        residency_bench_parse MANIFEST --cold
// (--only runs one of the three, for a profiler; --heap warm skips the malloc_trim between
// rounds, as this tool did before 2026-11-30.)
//
// --cold is the reference for verify's whole parse stage, which runs once in a process of
// its own and reads the file: this process reads the file (read(2) into a std::string, as
// verify does) and parses it with RapidJSON once, in memory new to the process, and prints
// the seconds of the read, of the parse and of both. Run it beside each verify run: a single
// sample against a single sample, where the rounds above give a best of R.
#include <rapidjson/document.h>

#include <malloc.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "json_source.h"
#include "manifest.h"
#include "paths.h"

namespace residency {
namespace {

using Clock = std::chrono::steady_clock;

// Whether every round starts from a heap given back to the system (malloc_trim), as verify
// starts from a fresh process. Without it a round may reuse the pages an earlier one
// faulted in, depending on how that one's frees left the heap: at a million endpoints
// ParseManifest's rounds did (0.78 s, against 1.06 s from a fresh heap), the reference's
// did not.
bool fresh_heap = true;

// One timing of f(input) folded into *best, `input` being a copy of `text` made before the
// clock starts (verify moves the file's text in, it copies nothing); what f returns (the
// DOM, the JsonSource, the model) is destroyed after the clock stops, for all three alike
// (verify keeps the model to the end of the run).
template <typename F>
void Round(const std::string& text, F f, double* best) {
  std::string input = text;
  auto a = Clock::now();
  auto result = f(std::move(input));
  *best = std::min(*best, std::chrono::duration<double>(Clock::now() - a).count());
  result.reset();
  if (fresh_heap) malloc_trim(0);
}

// Pages new to the process so far (minor page faults): what fresh memory costs here.
long Faults() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_minflt;
}

// One read and one plain parse of `path` in this fresh process (see --cold above), and
// the pages new to the process each took, to set beside verify's --timings.
int Cold(const std::string& path) {
  long f0 = Faults();
  auto a = Clock::now();
  std::string text;
  if (Status s = ReadFile(path, &text); !s.ok()) return std::fprintf(stderr, "%s\n", s.message().c_str()), 2;
  auto b = Clock::now();
  long f1 = Faults();
  auto d = std::make_unique<rapidjson::Document>();
  d->Parse(text.c_str(), text.size());
  auto c = Clock::now();
  long f2 = Faults();
  if (d->HasParseError()) return std::fprintf(stderr, "%s: not JSON\n", path.c_str()), 2;
  double read = std::chrono::duration<double>(b - a).count(), parse = std::chrono::duration<double>(c - b).count();
  std::printf("cold read+parse %.6f s (read %.6f s, rapidjson Document::Parse %.6f s), %.1f MB, one round in a fresh process; "
              "page faults %ld (read %ld, parse %ld)\n",
              read + parse, read, parse, static_cast<double>(text.size()) / 1e6, f2 - f0, f1 - f0, f2 - f1);
  return 0;
}

int Usage(const char* why) {
  if (why) std::fprintf(stderr, "residency_bench_parse: %s\n", why);
  std::fprintf(stderr,
               "usage: residency_bench_parse MANIFEST [--geodb DIR] [--rounds R] [--only plain|source|manifest] "
               "[--heap fresh|warm]\n       residency_bench_parse MANIFEST --cold\n");
  return 2;
}

int Main(int argc, char** argv) {
  if (argc < 2) return Usage(nullptr);
  std::string path = argv[1], geodb_flag, only;
  int rounds = 3;
  bool cold = false, rounds_flags = false;
  for (int i = 2; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--cold") {
      cold = true;
      continue;
    }
    if (flag != "--geodb" && flag != "--rounds" && flag != "--only" && flag != "--heap") {
      return Usage(("unknown option " + flag).c_str());
    }
    if (i + 1 == argc) return Usage((flag + " needs a value").c_str());
    std::string value = argv[++i];
    rounds_flags = true;
    if (flag == "--geodb") geodb_flag = value;
    if (flag == "--rounds") {
      char* end = nullptr;
      long r = std::strtol(value.c_str(), &end, 10);
      if (*end != '\0' || r < 1 || r > 1000) return Usage(("--rounds " + value + ": not a count from 1 to 1000").c_str());
      rounds = static_cast<int>(r);
    }
    if (flag == "--only") {
      if (value != "plain" && value != "source" && value != "manifest") {
        return Usage(("--only " + value + ": not plain, source or manifest").c_str());
      }
      only = value;
    }
    if (flag == "--heap") {
      if (value != "fresh" && value != "warm") return Usage(("--heap " + value + ": not fresh or warm").c_str());
      fresh_heap = value == "fresh";
    }
  }
  if (cold && rounds_flags) return Usage("--cold takes no other option (it is one read and one plain parse)");
  if (cold) return Cold(path);
  auto run = [&](const char* which) { return only.empty() || only == which; };
  std::string text, geodb;
  if (Status s = ReadFile(path, &text); !s.ok()) return std::fprintf(stderr, "%s\n", s.message().c_str()), 2;
  if (Status s = ResolveGeodbDir(geodb_flag, &geodb); !s.ok()) return std::fprintf(stderr, "%s\n", s.message().c_str()), 2;
  Jurisdictions j;
  if (Status s = Jurisdictions::Load(geodb, &j); !s.ok()) return std::fprintf(stderr, "%s\n", s.message().c_str()), 2;

  double mb = static_cast<double>(text.size()) / 1e6;
  auto plain_parse = [&](std::string) {
    auto d = std::make_unique<rapidjson::Document>();
    d->Parse(text.c_str(), text.size());
    if (d->HasParseError()) std::abort();
    return d;
  };
  auto source_parse = [&](std::string input) {
    auto src = std::make_unique<JsonSource>();
    Diagnostic d;
    if (!src->Parse(path, std::move(input), &d)) std::abort();
    return src;
  };
  size_t endpoints = 0;
  auto manifest_parse = [&](std::string input) {
    auto m = std::make_unique<Manifest>();
    std::vector<Diagnostic> errors;
    if (!ParseManifest(path, std::move(input), j, m.get(), &errors)) {
      std::fprintf(stderr, "%s\n", errors.empty() ? "?" : errors[0].ToString().c_str());
      std::abort();
    }
    endpoints = 0;
    for (const Node& n : m->nodes) endpoints += n.endpoints.size();
    return m;
  };
  const double kNone = 1e99;
  double plain = kNone, source = kNone, manifest = kNone;
  for (int i = 0; i < rounds; ++i) {
    if (run("plain")) Round(text, plain_parse, &plain);
    if (run("source")) Round(text, source_parse, &source);
    if (run("manifest")) Round(text, manifest_parse, &manifest);
  }
  for (double* t : {&plain, &source, &manifest}) {
    if (*t == kNone) *t = 0;
  }
  std::printf("manifest %s: %.1f MB, %zu endpoints, best of %d\n", path.c_str(), mb, endpoints, rounds);
  std::printf("  rapidjson Document::Parse  %8.3f s  %7.1f MB/s   (reference)\n", plain, mb / plain);
  std::printf("  JsonSource::Parse          %8.3f s  %7.1f MB/s   %.2fx the reference\n", source, mb / source, source / plain);
  std::printf("  ParseManifest (all checks) %8.3f s  %7.1f MB/s   %.2fx the reference\n", manifest, mb / manifest, manifest / plain);
  return 0;
}

}  // namespace
}  // namespace residency

int main(int argc, char** argv) { return residency::Main(argc, argv); }
