// residency_bench_pages: what a page of memory new to the process costs on this machine,
// measured in the same run as the stages it explains (scripts/bench-scale). Every stage of
// a large run writes into memory the process has not touched before, and the kernel (here
// a virtual machine's, with its hypervisor behind it) hands each 4 KiB page out on its
// first write: --timings counts these as page faults. The cost of one varies from machine
// to machine and from day to day (1.65-2.2 µs in some sessions, over 10 µs in others), so
// a stage's time is read against it, not against a figure from another day.
//
// Usage: residency_bench_pages [--mib N] [--rounds R]
// Maps N MiB (default 64, at most 8192) of anonymous memory and writes one byte per page,
// on one thread and then split between two threads (do faults on two cores overlap?), R
// times each (default 3, interleaved), a new mapping every time; prints the best and the
// median.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// Writes one byte into every page of [p, p + n).
void Touch(char* p, size_t n, size_t page) {
  for (size_t i = 0; i < n; i += page) p[i] = 1;
}

// Seconds to map `bytes` and touch every page of them with `threads` threads, each its own
// contiguous part; -1 when the mapping fails.
double Round(size_t bytes, size_t page, unsigned threads) {
  void* m = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return -1;
  char* p = static_cast<char*>(m);
  size_t part = bytes / threads / page * page;
  auto a = Clock::now();
  std::vector<std::thread> workers;
  for (unsigned t = 1; t < threads; ++t) workers.emplace_back(Touch, p + t * part, part, page);
  Touch(p, part, page);
  for (std::thread& w : workers) w.join();
  double s = std::chrono::duration<double>(Clock::now() - a).count();
  munmap(m, bytes);
  return s;
}

int Usage(const char* why) {
  if (why) std::fprintf(stderr, "residency_bench_pages: %s\n", why);
  std::fprintf(stderr, "usage: residency_bench_pages [--mib N] [--rounds R]\n");
  return 2;
}

// A positive integer of at most `max`, or 0.
size_t Positive(const char* s, size_t max) {
  char* end = nullptr;
  unsigned long long v = std::strtoull(s, &end, 10);
  return (*s >= '0' && *s <= '9' && *end == '\0' && v >= 1 && v <= max) ? static_cast<size_t>(v) : 0;
}

}  // namespace

int main(int argc, char** argv) {
  size_t mib = 64, rounds = 3;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if ((flag == "--mib" || flag == "--rounds") && i + 1 < argc) {
      size_t* to = flag == "--mib" ? &mib : &rounds;
      if (!(*to = Positive(argv[++i], flag == "--mib" ? 8192 : 1000))) return Usage(("bad " + flag).c_str());
    } else {
      return Usage(("unknown argument " + flag).c_str());
    }
  }
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t bytes = mib << 20;
  const double pages = static_cast<double>(bytes / page);
  std::vector<double> one, two;
  for (size_t r = 0; r < rounds; ++r) {
    double a = Round(bytes, page, 1), b = Round(bytes, page, 2);
    if (a < 0 || b < 0) return std::fprintf(stderr, "residency_bench_pages: mmap of %zu MiB failed\n", mib), 1;
    one.push_back(a);
    two.push_back(b);
  }
  auto print = [&](const char* what, std::vector<double> v) {
    std::sort(v.begin(), v.end());
    double best = v.front(), median = v[v.size() / 2];
    std::printf("%s: %.2f us a page (%.0f pages/s), median %.2f us\n", what, best * 1e6 / pages, pages / best,
                median * 1e6 / pages);
  };
  std::printf("pages new to the process: %zu MiB of %zu-byte pages, best of %zu\n", mib, page, rounds);
  print("  one thread ", one);
  print("  two threads", two);
  return 0;
}
