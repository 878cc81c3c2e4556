// Internal: a progress line on standard error for long runs — a bar with the
// rate and the time left when the amount of work is known, else the time spent
// so far — drawn only when standard error is a terminal and --quiet is not given.
//
//   rulebook::cli::progress bar(std::cerr, rulebook::cli::progress::wanted(quiet));
//   bar.start("explaining", total);
//   for (…) bar.update(++done);
//   bar.finish();  // clears the line; the destructor does too
//
// A thread redraws the line ten times a second, so that a stage the CLI cannot
// count (one call into the library) still shows it is alive; where the system
// gives no thread, the line is drawn as each stage starts and not redrawn. The clock read is
// a monotonic one, for the rate and the time left; nothing it reads goes into
// a report.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>

namespace rulebook::cli {

class progress {
 public:
  /// Tells whether a progress line should be drawn: standard error is a
  /// terminal, and the user did not ask for quiet.
  [[nodiscard]] static bool wanted(bool quiet) noexcept;

  /// Draws on `err` when `enabled`; does nothing at all otherwise.
  progress(std::ostream& err, bool enabled);
  progress(const progress&) = delete;
  progress& operator=(const progress&) = delete;
  ~progress();

  /// Begins a stage: `total` units of work, or 0 when the count is unknown.
  void start(std::string label, std::size_t total = 0);
  /// Records that `done` units of the stage are finished (any thread).
  void update(std::size_t done) noexcept { done_.store(done, std::memory_order_relaxed); }
  /// Ends the stage and clears the line.
  void finish();

  /// The line for a stage at a moment (no terminal codes), as drawn: exposed for tests.
  [[nodiscard]] static std::string line(std::string_view label, std::size_t done, std::size_t total,
                                        std::chrono::milliseconds elapsed, std::size_t tick);

 private:
  void run();
  void draw();

  std::ostream& err_;
  const bool enabled_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::string label_;
  std::size_t total_ = 0;
  std::atomic<std::size_t> done_{0};
  std::chrono::steady_clock::time_point started_;
  bool active_ = false;
  bool stop_ = false;
  std::size_t tick_ = 0;
  std::thread thread_;
};

}  // namespace rulebook::cli
