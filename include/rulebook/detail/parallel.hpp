// Internal: running independent tasks on a few threads, with the result of a
// single-threaded run — each task writes only its own output, and an error is
// the one the lowest-numbered failing task raised, as running them in order
// would have raised it first.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

namespace rulebook::detail {

/// The threads to use for `requested` (0: every core the machine reports).
inline unsigned thread_count(unsigned requested) noexcept {
  if (requested != 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

/// Starts `work(w)` for w in [1, threads), each on a thread of its own, into
/// `pool`: as many as the system gives. Where it has no more threads
/// (std::system_error), the work goes to those started and to the calling
/// thread, which the callers here always put to work too: fewer threads, the
/// same results.
template <class Work>
void start_workers(std::vector<std::jthread>& pool, unsigned threads, const Work& work) {
  pool.reserve(threads - 1);
  try {
    for (unsigned w = 1; w < threads; ++w) pool.emplace_back(work, w);
  } catch (const std::system_error&) {  // no more threads to be had
  }
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
    start_workers(pool, threads, work);
    work(0);
  }  // joins
  if (failure) std::rethrow_exception(failure);
}

/// Side work that is not there (see `ordered_pipeline`).
struct no_side_work {
  void operator()(std::size_t, unsigned) const noexcept {}
};

/// Makes `produce(i, worker)` (returning a Result) for every i in [0, tasks) on
/// up to `threads` threads, and hands each to `consume(i, Result&)` on the
/// calling thread, in order of i — as a loop that makes and consumes each in
/// turn would. The calling thread makes results too, while it waits for the
/// next in order. At most `window` results are made ahead of the last one
/// consumed, so that what is held stays bounded.
///
/// Beside them, `side(j, worker)` runs for every j in [0, sides): independent
/// work that the other threads take up first, in order of j (put the longest
/// first), and the calling thread when it would otherwise wait; all done before
/// this returns, each writing only its own output. A single thread runs them
/// after the last result.
///
/// The first failure — of a task or `consume`, in order, then of a side task, in
/// order of j — stops what has not started and is rethrown once every thread
/// has stopped.
template <class Result, class Produce, class Consume, class Side = no_side_work>
void ordered_pipeline(unsigned threads, std::size_t tasks, std::size_t window, const Produce& produce,
                      const Consume& consume, std::size_t sides = 0, const Side& side = {}) {
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, tasks + sides));
  if (threads <= 1) {
    for (std::size_t i = 0; i < tasks; ++i) {
      Result made = produce(i, 0u);
      consume(i, made);
    }
    for (std::size_t j = 0; j < sides; ++j) side(j, 0u);
    return;
  }
  window = std::max<std::size_t>(window, threads);
  struct slot {
    std::optional<Result> result;
    std::exception_ptr failure;
    bool done = false;
  };
  std::vector<slot> ring(window);  // task i in ring[i % window]
  std::mutex lock;
  std::condition_variable changed;
  std::size_t next = 0;       // the next task to start
  std::size_t consumed = 0;   // tasks consumed so far
  std::size_t next_side = 0;  // the next side task to start
  std::size_t sides_running = 0;
  std::size_t failed_side = sides;
  std::exception_ptr side_failure;
  bool stop = false;

  // Each runs one piece of work with `hold` unlocked; `hold` is locked on entry and on return.
  const auto make = [&](std::size_t i, unsigned worker, std::unique_lock<std::mutex>& hold) {
    hold.unlock();
    std::optional<Result> made;
    std::exception_ptr failure;
    try {
      made.emplace(produce(i, worker));
    } catch (...) {
      failure = std::current_exception();
    }
    hold.lock();
    slot& s = ring[i % window];
    s.result = std::move(made);
    s.failure = failure;
    s.done = true;
    changed.notify_all();
  };
  const auto run_side = [&](std::size_t j, unsigned worker, std::unique_lock<std::mutex>& hold) {
    ++sides_running;
    hold.unlock();
    std::exception_ptr failure;
    try {
      side(j, worker);
    } catch (...) {
      failure = std::current_exception();
    }
    hold.lock();
    --sides_running;
    if (failure && j < failed_side) {
      failed_side = j;
      side_failure = failure;
      next_side = sides;  // start no more
    }
    changed.notify_all();
  };
  const auto may_start = [&] { return !stop && next < tasks && next < consumed + window; };
  const auto may_start_side = [&] { return !stop && next_side < sides; };
  const auto helper = [&](unsigned worker) {
    std::unique_lock<std::mutex> hold(lock);
    while (true) {
      changed.wait(hold, [&] { return stop || may_start() || may_start_side(); });
      if (stop) return;
      // Side tasks first: the calling thread keeps to the results it hands on,
      // and the last side task does not hold everything up at the end.
      if (may_start_side()) run_side(next_side++, worker, hold);
      else make(next++, worker, hold);
    }
  };

  std::exception_ptr failure;
  {
    std::vector<std::jthread> pool;
    start_workers(pool, threads, helper);
    std::unique_lock<std::mutex> hold(lock);
    for (std::size_t i = 0; i < tasks && !failure; ++i) {
      slot& s = ring[i % window];
      while (!s.done) {  // rather than wait, make one or run a side task
        if (may_start()) make(next++, 0u, hold);
        else if (may_start_side()) run_side(next_side++, 0u, hold);
        else changed.wait(hold);
      }
      std::optional<Result> made = std::move(s.result);
      failure = s.failure;
      s = slot{};
      ++consumed;
      changed.notify_all();
      if (failure) break;
      hold.unlock();
      try {
        consume(i, *made);
      } catch (...) {
        failure = std::current_exception();
      }
      hold.lock();
    }
    if (failure) {
      stop = true;
      changed.notify_all();
    }
    while (may_start_side()) run_side(next_side++, 0u, hold);
    changed.wait(hold, [&] { return sides_running == 0; });
    stop = true;
    changed.notify_all();
  }  // joins: a helper at work finishes its piece first
  if (failure) std::rethrow_exception(failure);
  if (side_failure) std::rethrow_exception(side_failure);
}

}  // namespace rulebook::detail
