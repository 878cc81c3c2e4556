// A file written past the page cache, in blocks from aligned buffers (direct_file.hpp).
#include "cli/direct_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
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
  error_ = 0;
  try {
    writer_.emplace();
  } catch (const std::system_error&) {  // no thread to be had: not open
    ::close(fd_);
    fd_ = -1;
    return errno = EAGAIN, false;
  }
  setp(buffers_[0].get(), buffers_[0].get() + block);
  return true;
}

bool direct_filebuf::direct() const { return direct_; }

int direct_filebuf::write_all(const char* p, std::size_t n) {
  while (n > 0) {
    const ::ssize_t wrote = ::write(fd_, p, n);
    if (wrote < 0) {
      if (errno == EINTR) continue;
      // A file system may take O_DIRECT when opening and refuse it when writing:
      // nothing was written, so the same bytes go again through the page cache.
      if (errno == EINVAL && direct_ && stop_direct(fd_)) {
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

bool direct_filebuf::hand_over() {
  if (error_ != 0) return false;
  const char* p = pbase();
  const std::size_t n = static_cast<std::size_t>(pptr() - pbase());
  try {
    writer_->hand([this, p, n] {
      if (const int failed = write_all(p, n); failed != 0) throw std::system_error(failed, std::generic_category());
    });
  } catch (const std::system_error& e) {  // an earlier block's write failed: nothing more is written
    error_ = e.code().value();
    return false;
  } catch (const std::bad_alloc&) {
    error_ = ENOMEM;
    return false;
  }
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
  bool ok = error_ == 0;
  if (writer_) {
    try {
      writer_->finish();
    } catch (const std::system_error&) {  // the last block handed over
      ok = false;
    }
    writer_.reset();  // stopped and joined
  }
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
