#include "parallel.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace residency {
namespace {

// Workers() - 1 threads waiting for the next call's tasks. One call at a time: `busy` is
// taken without waiting, and a call that finds it taken runs on threads of its own.
class KeptThreads {
 public:
  explicit KeptThreads(size_t count) {
    for (size_t i = 0; i < count; ++i) threads_.emplace_back([this, i] { Serve(i + 1); });
  }
  // Never destroyed (see Get): the threads wait until the process ends.
  KeptThreads(const KeptThreads&) = delete;
  KeptThreads& operator=(const KeptThreads&) = delete;

  static KeptThreads& Get() {
    static KeptThreads* kept = new KeptThreads(Workers() - 1);
    return *kept;
  }

  // Runs `task` as RunTasks does; false, having run nothing, when another call has the threads.
  bool TryRun(size_t tasks, const std::function<void(size_t)>& task) {
    if (tasks - 1 > threads_.size() || busy_.exchange(true, std::memory_order_acquire)) return false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      task_ = &task;
      tasks_ = tasks;
      pending_ = tasks - 1;
      ++generation_;
    }
    wake_.notify_all();
    task(0);
    {
      std::unique_lock<std::mutex> lock(mutex_);
      finished_.wait(lock, [this] { return pending_ == 0; });
      task_ = nullptr;
    }
    busy_.store(false, std::memory_order_release);
    return true;
  }

 private:
  // Thread `index` (1-based: task 0 is the caller's) takes its task of every call that has
  // one for it. A call returns only when each of its tasks has run, so no thread can miss a
  // call it has a task in; a thread without one may sleep through calls.
  void Serve(size_t index) {
    uint64_t seen = 0;
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return generation_ != seen; });
      seen = generation_;
      if (index >= tasks_) continue;
      const std::function<void(size_t)>* task = task_;
      lock.unlock();
      (*task)(index);
      lock.lock();
      if (--pending_ == 0) finished_.notify_one();
    }
  }

  std::vector<std::thread> threads_;
  std::atomic<bool> busy_{false};
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  uint64_t generation_ = 0;  // one per call
  const std::function<void(size_t)>* task_ = nullptr;
  size_t tasks_ = 0, pending_ = 0;
};

}  // namespace

void RunTasks(size_t tasks, const std::function<void(size_t)>& task) {
  if (tasks <= 1) {
    if (tasks == 1) task(0);
    return;
  }
  if (KeptThreads::Get().TryRun(tasks, task)) return;
  std::vector<std::thread> own;
  for (size_t t = 1; t < tasks; ++t) own.emplace_back([&task, t] { task(t); });
  task(0);
  for (std::thread& th : own) th.join();
}

}  // namespace residency
