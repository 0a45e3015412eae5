// ParallelFor: splits [0, n) into contiguous chunks, at most Workers() and none smaller than
// `min_chunk` items, and runs `body(begin, end, chunk)` on each on its own thread (the
// calling thread takes chunk 0). Chunks are numbered in order, so results kept per chunk
// can be put back together in order. For the per-endpoint and
// per-address stages of verify, whose items are independent: the body must only read
// shared state and write to the items of its own chunk. Small inputs run on the calling
// thread alone, so tests and small manifests see no threads at all.
#ifndef RESIDENCY_PARALLEL_H_
#define RESIDENCY_PARALLEL_H_

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <thread>
#include <vector>

namespace residency {

// The hardware's threads, or RESIDENCY_THREADS when set (to share a machine, or to check
// that a run on one thread gives the same report); at least 1 and at most 64.
inline unsigned Workers() {
  static const unsigned n = [] {
    unsigned hw = std::thread::hardware_concurrency();
    if (const char* env = std::getenv("RESIDENCY_THREADS"); env && *env) {
      char* end = nullptr;
      unsigned long v = std::strtoul(env, &end, 10);
      if (end && *end == '\0' && v > 0) hw = static_cast<unsigned>(std::min(v, 64ul));
    }
    return std::clamp(hw, 1u, 64u);
  }();
  return n;
}

template <typename Body>
void ParallelFor(size_t n, size_t min_chunk, Body body) {
  size_t threads = std::min<size_t>(Workers(), min_chunk == 0 ? n : n / min_chunk);
  if (threads <= 1) {
    if (n > 0) body(size_t{0}, n, size_t{0});
    return;
  }
  std::vector<std::thread> pool;
  size_t chunk = (n + threads - 1) / threads;
  for (size_t t = 1; t < threads; ++t) {
    size_t begin = t * chunk, end = std::min(n, begin + chunk);
    if (begin < end) pool.emplace_back([&body, begin, end, t] { body(begin, end, t); });
  }
  body(size_t{0}, std::min(n, chunk), size_t{0});
  for (std::thread& th : pool) th.join();
}

}  // namespace residency

#endif  // RESIDENCY_PARALLEL_H_
