#include "cli/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <system_error>

namespace rulebook::cli {
namespace {

/// "0:07", "1:02:03".
std::string clock_text(long long seconds) {
  const auto two = [](long long n) {
    std::string s = std::to_string(n);
    if (s.size() < 2) s.insert(s.begin(), '0');
    return s;
  };
  if (seconds >= 3600) return std::to_string(seconds / 3600) + ":" + two(seconds / 60 % 60) + ":" + two(seconds % 60);
  return std::to_string(seconds / 60) + ":" + two(seconds % 60);
}

}  // namespace

bool progress::wanted(bool quiet) noexcept { return !quiet && ::isatty(STDERR_FILENO) == 1; }

progress::progress(std::ostream& err, bool enabled) : err_(err), enabled_(enabled) {
  if (!enabled_) return;
  try {
    thread_ = std::thread([this] { run(); });
  } catch (const std::system_error&) {  // no thread to be had: each stage's line drawn as it starts, not redrawn
  }
}

progress::~progress() {
  if (!enabled_) return;
  finish();
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void progress::start(std::string label, std::size_t total) {
  if (!enabled_) return;
  {
    const std::lock_guard lock(mutex_);
    label_ = std::move(label);
    total_ = total;
    done_.store(0, std::memory_order_relaxed);
    started_ = std::chrono::steady_clock::now();
    active_ = true;
    draw();  // at once, so that even a short stage shows what it is doing
  }
  wake_.notify_all();
}

void progress::finish() {
  if (!enabled_) return;
  const std::lock_guard lock(mutex_);
  if (!active_) return;
  active_ = false;
  err_ << "\r\033[K" << std::flush;
}

void progress::run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    wake_.wait_for(lock, std::chrono::milliseconds(100));
    if (active_ && !stop_) draw();
  }
}

void progress::draw() {  // mutex_ held
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
  err_ << "\r\033[K" << line(label_, done_.load(std::memory_order_relaxed), total_, elapsed, tick_++) << std::flush;
}

std::string progress::line(std::string_view label, std::size_t done, std::size_t total,
                           std::chrono::milliseconds elapsed, std::size_t tick) {
  const long long ms = std::max<long long>(elapsed.count(), 0);
  std::string s(label);
  if (total == 0) {  // the amount of work is unknown: show that it is alive, and for how long
    constexpr std::string_view spinner = "|/-\\";
    s += " ";
    s += spinner[tick % spinner.size()];
    s += ' ';
    s += clock_text(ms / 1000);
    return s;
  }
  done = std::min(done, total);
  constexpr std::size_t width = 30;
  const std::size_t filled = done * width / total;
  s += " [";
  s.append(filled, '#').append(width - filled, '.');
  s += "] ";
  s += std::to_string(done * 100 / total) + "% " + std::to_string(done) + "/" + std::to_string(total);
  if (ms > 0 && done > 0) {
    const unsigned long long per_second = static_cast<unsigned long long>(done) * 1000ULL / static_cast<unsigned long long>(ms);
    s += ", " + std::to_string(per_second) + "/s";
    const long long left_ms = static_cast<long long>((total - done) * static_cast<unsigned long long>(ms) / done);
    s += ", ";
    s += clock_text((left_ms + 999) / 1000);
    s += " left";
  }
  return s;
}

}  // namespace rulebook::cli
