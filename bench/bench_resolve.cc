// residency_bench_resolve: names per second, queries per second and peak memory of the
// c-ares resolver (resolve.h) on a list of names, for scripts/bench-resolve, which serves
// the names from NSD on loopback and compares with dnsperf against the same server.
//
// Usage: residency_bench_resolve --dns HOST:PORT --names FILE [--concurrency N]
//                                [--timeout-ms MS]
// Prints one line of key=value pairs: names, queries, seconds, names_per_s, queries_per_s,
// peak_rss_kb, rss_per_name_bytes (peak RSS growth over the process before the names were
// read, divided by the names), and the count of each status.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "resolve.h"

namespace residency {
namespace {

long PeakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

int Main(int argc, char** argv) {
  ResolverOptions options;
  std::string names_file, dns;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--dns") {
      dns = value();
    } else if (arg == "--names") {
      names_file = value();
    } else if (arg == "--concurrency") {
      options.concurrency = std::atoi(value().c_str());
    } else if (arg == "--timeout-ms") {
      options.timeout_ms = std::atoi(value().c_str());
    } else {
      std::fprintf(stderr, "usage: residency_bench_resolve --dns HOST:PORT --names FILE "
                           "[--concurrency N] [--timeout-ms MS]\n");
      return 2;
    }
  }
  if (names_file.empty()) {
    std::fprintf(stderr, "--names FILE is required\n");
    return 2;
  }
  if (!dns.empty()) {
    if (Status s = ParseDnsServers(dns, &options.servers); !s.ok()) {
      std::fprintf(stderr, "--dns: %s\n", s.message().c_str());
      return 2;
    }
  }
  long baseline_kb = PeakRssKb();
  std::vector<std::string> names;
  {
    std::ifstream in(names_file);
    if (!in) {
      std::fprintf(stderr, "%s: %s\n", names_file.c_str(), std::strerror(errno));
      return 2;
    }
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) names.push_back(line);
    }
  }
  Status status;
  std::unique_ptr<Resolver> resolver = NewAresResolver(options, &status);
  if (!resolver) {
    std::fprintf(stderr, "%s\n", status.message().c_str());
    return 2;
  }
  std::vector<Resolution> out;
  auto start = std::chrono::steady_clock::now();
  status = resolver->ResolveAll(names, &out);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", status.message().c_str());
    return 2;
  }
  size_t queries = 0;
  std::map<std::string, size_t> statuses;
  for (const Resolution& r : out) {
    queries += r.evidence.size();
    ++statuses[std::string(ResolveStatusName(r.status))];
  }
  long peak_kb = PeakRssKb();
  std::printf("names=%zu queries=%zu seconds=%.3f names_per_s=%.0f queries_per_s=%.0f "
              "peak_rss_kb=%ld rss_per_name_bytes=%.0f",
              names.size(), queries, seconds, static_cast<double>(names.size()) / seconds,
              static_cast<double>(queries) / seconds, peak_kb,
              static_cast<double>(peak_kb - baseline_kb) * 1024.0 / static_cast<double>(names.size()));
  for (const auto& [name, count] : statuses) std::printf(" %s=%zu", name.c_str(), count);
  std::printf("\n");
  return 0;
}

}  // namespace
}  // namespace residency

int main(int argc, char** argv) { return residency::Main(argc, argv); }
