// Internal: work done on a thread of its own one piece at a time, the caller
// making the next piece meanwhile — a file's blocks written past the page cache
// (direct_file.hpp), the roll-up rows rendered and written (`rulebook eval`).
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>
#include <utility>

namespace rulebook::cli {

class one_ahead {
 public:
  /// Starts the thread; throws std::system_error when there is none to be had.
  one_ahead() : thread_([this](std::stop_token stop) { run(stop); }) {}
  one_ahead(const one_ahead&) = delete;
  one_ahead& operator=(const one_ahead&) = delete;

  /// Waits until the piece handed over before is done, then hands `work` over.
  /// Throws, once, what an earlier piece threw; `work` is then not handed over.
  void hand(std::function<void()> work) {
    std::unique_lock<std::mutex> hold(lock_);
    idle(hold);
    work_ = std::move(work);
    changed_.notify_all();
  }
  /// Waits until the piece handed over is done; throws, once, what a piece threw.
  void finish() {
    std::unique_lock<std::mutex> hold(lock_);
    idle(hold);
  }

 private:
  void idle(std::unique_lock<std::mutex>& hold) {
    changed_.wait(hold, [this] { return !work_; });
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
  }
  void run(std::stop_token stop) {
    std::unique_lock<std::mutex> hold(lock_);
    while (changed_.wait(hold, stop, [this] { return static_cast<bool>(work_); })) {
      hold.unlock();  // work_ stays put: the caller waits for it to be done before touching it
      std::exception_ptr failed;
      try {
        work_();
      } catch (...) {
        failed = std::current_exception();
      }
      hold.lock();
      if (failed && !failure_) failure_ = failed;
      work_ = nullptr;
      changed_.notify_all();
    }
  }

  std::mutex lock_;
  std::condition_variable_any changed_;
  std::function<void()> work_;  // handed over, not yet done
  std::exception_ptr failure_;  // the first piece's that threw, until thrown again
  std::jthread thread_;         // last: stopped and joined before the rest goes
};

}  // namespace rulebook::cli
