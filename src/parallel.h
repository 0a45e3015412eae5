// ParallelFor: splits [0, n) into contiguous chunks, at most Workers() and none smaller than
// `min_chunk` items, and runs `body(begin, end, chunk)` on each on its own thread (the
// calling thread takes chunk 0). Chunks are numbered in order, so results kept per chunk
// can be put back together in order. For the per-endpoint and
// per-address stages of verify, whose items are independent: the body must only read
// shared state and write to the items of its own chunk. Small inputs run on the calling
// thread alone, so tests and small manifests see no threads at all.
//
// The other chunks run on threads kept for the life of the process (started at the first
// call that needs them), not on threads made for each call: a thread's allocator keeps the
// memory it was given, so what one chunk frees the next chunk's allocations on that thread
// reuse, where a new thread's allocations went to memory new to the process (at a million
// endpoints, zeroing new pages was a sixth of verify's time). A call made while the kept
// threads are busy -- from another thread, or from inside a body -- gets threads of its own.
#ifndef RESIDENCY_PARALLEL_H_
#define RESIDENCY_PARALLEL_H_

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <functional>
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

// Runs task(t) for every t in [0, tasks), task 0 on the calling thread, the others on the
// kept threads when they are free (else on threads started for this call); returns when
// all have returned. REQUIRES: 1 <= tasks <= Workers().
void RunTasks(size_t tasks, const std::function<void(size_t)>& task);

template <typename Body>
void ParallelFor(size_t n, size_t min_chunk, Body body) {
  size_t threads = std::min<size_t>(Workers(), min_chunk == 0 ? n : n / min_chunk);
  if (threads <= 1) {
    if (n > 0) body(size_t{0}, n, size_t{0});
    return;
  }
  size_t chunk = (n + threads - 1) / threads;
  RunTasks(threads, [&body, chunk, n](size_t t) {
    size_t begin = t * chunk, end = std::min(n, begin + chunk);
    if (begin < end) body(begin, end, t);
  });
}

}  // namespace residency

#endif  // RESIDENCY_PARALLEL_H_
