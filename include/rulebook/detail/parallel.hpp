// Internal: running independent tasks on a few threads, with the result of a
// single-threaded run — each task writes only its own output, and an error is
// the one the lowest-numbered failing task raised, as running them in order
// would have raised it first.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace rulebook::detail {

/// The threads to use for `requested` (0: every core the machine reports).
inline unsigned thread_count(unsigned requested) noexcept {
  if (requested != 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

/// Calls `task(i, worker)` for every i in [0, tasks), on up to `threads` threads
/// (worker in [0, threads): an index for per-thread state). Tasks are handed out
/// in order; after a failure no task numbered above it starts, and the failure
/// of the lowest-numbered failing task is rethrown once all have stopped.
template <class Task>
void parallel_for(unsigned threads, std::size_t tasks, const Task& task) {
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, tasks));
  if (threads <= 1) {
    for (std::size_t i = 0; i < tasks; ++i) task(i, 0u);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> stop_at{tasks};
  std::mutex failure_lock;
  std::size_t failed_task = tasks;
  std::exception_ptr failure;
  const auto work = [&](unsigned worker) {
    while (true) {
      const std::size_t i = next.fetch_add(1);
      if (i >= stop_at.load()) return;
      try {
        task(i, worker);
      } catch (...) {
        const std::lock_guard<std::mutex> hold(failure_lock);
        if (i < failed_task) {
          failed_task = i;
          failure = std::current_exception();
          stop_at.store(i);
        }
      }
    }
  };
  {
    std::vector<std::jthread> pool;
    pool.reserve(threads - 1);
    for (unsigned w = 1; w < threads; ++w) pool.emplace_back(work, w);
    work(0);
  }  // joins
  if (failure) std::rethrow_exception(failure);
}

}  // namespace rulebook::detail
