// A file written past the page cache, in blocks from aligned buffers (direct_file.hpp).
#include "cli/direct_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace rulebook::cli {

namespace {

constexpr std::size_t alignment = 4096;  // O_DIRECT's: the file system's block, at most a page

/// Stops asking for O_DIRECT on `fd`; false when it cannot.
bool stop_direct([[maybe_unused]] int fd) {
#ifdef O_DIRECT
  const int flags = ::fcntl(fd, F_GETFL);
  return flags != -1 && ::fcntl(fd, F_SETFL, flags & ~O_DIRECT) != -1;
#else
  return true;
#endif
}

}  // namespace

void direct_filebuf::free_buffer::operator()(char* p) const noexcept { std::free(p); }

direct_filebuf::~direct_filebuf() { close(); }

bool direct_filebuf::open(const std::filesystem::path& path, mode m) {
  if (fd_ != -1) return errno = EBUSY, false;
  for (buffer& b : buffers_) {
    b.reset(static_cast<char*>(std::aligned_alloc(alignment, block)));
    if (!b) return errno = ENOMEM, false;
  }
  constexpr int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;
  direct_ = false;
#ifdef O_DIRECT
  if (m == mode::direct) {
    fd_ = ::open(path.c_str(), flags | O_DIRECT, 0666);
    direct_ = fd_ != -1;
  }
#else
  (void)m;
#endif
  if (fd_ == -1) fd_ = ::open(path.c_str(), flags, 0666);  // refused (EINVAL on tmpfs), or not asked for
  if (fd_ == -1) return false;
  filling_ = 0;
  pending_ = nullptr;
  error_ = 0;
  try {
    writer_ = std::jthread([this](std::stop_token stop) { write_blocks(std::move(stop)); });
  } catch (const std::system_error&) {  // no thread to be had: not open
    ::close(fd_);
    fd_ = -1;
    return errno = EAGAIN, false;
  }
  setp(buffers_[0].get(), buffers_[0].get() + block);
  return true;
}

bool direct_filebuf::direct() const {
  const std::lock_guard<std::mutex> hold(lock_);
  return direct_;
}

int direct_filebuf::write_all(const char* p, std::size_t n) {
  while (n > 0) {
    const ::ssize_t wrote = ::write(fd_, p, n);
    if (wrote < 0) {
      if (errno == EINTR) continue;
      // A file system may take O_DIRECT when opening and refuse it when writing:
      // nothing was written, so the same bytes go again through the page cache.
      if (errno == EINVAL && direct_ && stop_direct(fd_)) {
        const std::lock_guard<std::mutex> hold(lock_);
        direct_ = false;
        continue;
      }
      return errno;
    }
    if (wrote == 0) return EIO;
    p += wrote;
    n -= static_cast<std::size_t>(wrote);
  }
  return 0;
}

void direct_filebuf::write_blocks(std::stop_token stop) {
  std::unique_lock<std::mutex> hold(lock_);
  while (changed_.wait(hold, stop, [this] { return pending_ != nullptr; })) {
    const char* p = pending_;
    const std::size_t n = pending_size_;
    hold.unlock();
    const int failed = error_ == 0 ? write_all(p, n) : 0;  // after a failure, nothing more
    hold.lock();
    if (failed != 0 && error_ == 0) error_ = failed;
    pending_ = nullptr;
    changed_.notify_all();
  }
}

bool direct_filebuf::wait_idle(std::unique_lock<std::mutex>& hold) {
  changed_.wait(hold, [this] { return pending_ == nullptr; });
  return error_ == 0;
}

bool direct_filebuf::hand_over() {
  std::unique_lock<std::mutex> hold(lock_);
  if (!wait_idle(hold)) return false;
  pending_ = pbase();
  pending_size_ = static_cast<std::size_t>(pptr() - pbase());
  changed_.notify_all();
  filling_ = 1 - filling_;
  char* next = buffers_[filling_].get();
  setp(next, next + block);
  return true;
}

direct_filebuf::int_type direct_filebuf::overflow(int_type c) {
  if (fd_ == -1 || !hand_over()) return traits_type::eof();
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  *pptr() = traits_type::to_char_type(c);
  pbump(1);
  return c;
}

std::streamsize direct_filebuf::xsputn(const char* s, std::streamsize n) {
  if (fd_ == -1) return 0;
  std::streamsize put = 0;
  while (put < n) {
    if (pptr() == epptr() && !hand_over()) break;
    const std::streamsize room = epptr() - pptr();
    const std::streamsize now = std::min(room, n - put);
    std::memcpy(pptr(), s + put, static_cast<std::size_t>(now));
    pbump(static_cast<int>(now));  // at most a block
    put += now;
  }
  return put;
}

bool direct_filebuf::close() {
  if (fd_ == -1) return true;
  bool ok = false;
  {
    std::unique_lock<std::mutex> hold(lock_);
    ok = wait_idle(hold);
  }
  writer_.request_stop();
  if (writer_.joinable()) writer_.join();
  // The last block, most likely partial, through the page cache: O_DIRECT
  // takes only whole blocks of the file system's size.
  if (ok && pptr() != pbase()) {
    if (direct_ && !stop_direct(fd_)) ok = false;
    direct_ = false;
    ok = ok && write_all(pbase(), static_cast<std::size_t>(pptr() - pbase())) == 0;
  }
  setp(nullptr, nullptr);
  ok = ::close(fd_) == 0 && ok;
  fd_ = -1;
  for (buffer& b : buffers_) b.reset();
  return ok;
}

}  // namespace rulebook::cli
