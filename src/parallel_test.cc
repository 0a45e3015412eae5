#include "parallel.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <utility>
#include <vector>

namespace residency {

// Also run by ctest as `parallel`, with RESIDENCY_THREADS=5: more threads than this
// machine's cores, so that the kept threads take part in every case.
TEST_SUITE("parallel") {
  // Each index once, each chunk contiguous and numbered in order, chunk 0 on the caller.
  void CheckCovers(size_t n, size_t min_chunk) {
    std::vector<std::atomic<int>> seen(n);
    std::vector<std::pair<size_t, size_t>> ranges(Workers(), {0, 0});
    std::vector<int> called(Workers(), 0);
    const std::thread::id caller = std::this_thread::get_id();
    std::atomic<bool> chunk0_on_caller{true};
    ParallelFor(n, min_chunk, [&](size_t begin, size_t end, size_t chunk) {
      REQUIRE(chunk < Workers());
      ranges[chunk] = {begin, end};
      ++called[chunk];
      if (chunk == 0 && std::this_thread::get_id() != caller) chunk0_on_caller = false;
      for (size_t i = begin; i < end; ++i) ++seen[i];
    });
    for (size_t i = 0; i < n; ++i) REQUIRE(seen[i].load() == 1);
    size_t next = 0;
    for (size_t c = 0; c < Workers(); ++c) {
      REQUIRE(called[c] <= 1);
      if (!called[c]) continue;
      CHECK(ranges[c].first == next);
      next = ranges[c].second;
    }
    CHECK(next == n);
    CHECK(chunk0_on_caller.load());
  }

  TEST_CASE("ParallelFor covers every index once, in numbered contiguous chunks") {
    for (size_t n : {0, 1, 2, 7, 100, 4095, 4096, 4097, 65536, 100003}) {
      CAPTURE(n);
      for (size_t min_chunk : {0, 1, 1024, 4096}) CheckCovers(n, min_chunk);
    }
  }

  thread_local int calls_on_this_thread = 0;

  TEST_CASE("ParallelFor uses the threads it keeps, the same ones from call to call") {
    if (Workers() < 2) return;  // one thread: everything runs on the caller
    // A thread made for a call would start each call at 0 (a thread id proves nothing: a
    // new thread may get a finished one's).
    std::vector<int> last(Workers(), 0);
    for (int call = 1; call <= 200; ++call) {
      ParallelFor(Workers() * 10, 1, [&](size_t, size_t, size_t chunk) { last[chunk] = ++calls_on_this_thread; });
    }
    for (size_t chunk = 1; chunk < Workers(); ++chunk) {
      CAPTURE(chunk);
      CHECK(last[chunk] >= 200);  // at least 200: another case may have used the thread too
    }
  }

  TEST_CASE("ParallelFor inside a body, and from two threads at once, gets threads of its own") {
    std::atomic<size_t> total{0};
    ParallelFor(64, 1, [&](size_t begin, size_t end, size_t) {
      for (size_t i = begin; i < end; ++i) {
        ParallelFor(100, 1, [&](size_t b, size_t e, size_t) { total += e - b; });
      }
    });
    CHECK(total.load() == 6400);

    std::atomic<size_t> sum_a{0}, sum_b{0};
    auto many = [](std::atomic<size_t>* sum) {
      for (int round = 0; round < 300; ++round) {
        ParallelFor(1000, 1, [&](size_t begin, size_t end, size_t) {
          for (size_t i = begin; i < end; ++i) *sum += i;
        });
      }
    };
    std::thread other(many, &sum_b);
    many(&sum_a);
    other.join();
    CHECK(sum_a.load() == 300u * 999u * 1000u / 2u);
    CHECK(sum_b.load() == 300u * 999u * 1000u / 2u);
  }
}

}  // namespace residency
