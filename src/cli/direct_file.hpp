// Internal: an output file for the gigabytes `rulebook eval --format csv` writes
// (11 GB for 3 M members), written past the kernel's page cache.
//
// A plain write copies into the page cache, which takes fresh pages for a file
// that grows. On the virtual machines this project runs on a fresh page costs
// the host a fault: 4 GB written took 12.7 s of the kernel's time, against 0.34 s
// to overwrite pages already cached, and 1 s with O_DIRECT, the disk taking the
// data straight from the program's buffer. So the file is written in blocks of
// 4 MiB from buffers aligned for O_DIRECT, one filled while a thread of its own
// writes the other; the last, partial block is written through the page cache.
// Where the file system refuses O_DIRECT (tmpfs), or with `buffered`, every
// block goes through the page cache, still on that thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <streambuf>

#include "cli/one_ahead.hpp"

namespace rulebook::cli {

class direct_filebuf final : public std::streambuf {
 public:
  enum class mode { direct, buffered };
  /// The size of a block, and of each of the two buffers.
  static constexpr std::size_t block = std::size_t{4} << 20;

  direct_filebuf() = default;
  direct_filebuf(const direct_filebuf&) = delete;
  direct_filebuf& operator=(const direct_filebuf&) = delete;
  /// Closes the file, as `close` does; a failure then goes unsaid.
  ~direct_filebuf() override;

  /// Opens `path` for writing, created or emptied; false (with errno) when it cannot.
  bool open(const std::filesystem::path& path, mode m = mode::direct);
  /// Writes what is left and closes the file; false when any write, or closing, failed.
  bool close();
  /// True while blocks go past the page cache (the file system took O_DIRECT).
  [[nodiscard]] bool direct() const;

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;

 private:
  struct free_buffer {
    void operator()(char* p) const noexcept;
  };
  using buffer = std::unique_ptr<char, free_buffer>;

  /// Hands the full put area to the writer and starts filling the other buffer;
  /// false when an earlier write failed.
  bool hand_over();
  /// Writes `n` bytes at `p`, going through the page cache from the first
  /// refusal of O_DIRECT on; an errno, or 0.
  int write_all(const char* p, std::size_t n);

  int fd_ = -1;
  buffer buffers_[2];
  int filling_ = 0;  // the buffer of the put area
  int error_ = 0;    // the first failed write's errno, once the writer has told
  std::atomic<bool> direct_ = false;  // turned off on the writer's thread
  std::optional<one_ahead> writer_;   // writes the other buffer
};

}  // namespace rulebook::cli
