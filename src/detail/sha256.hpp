// Internal: SHA-256 (FIPS 180-4), for the content hash a report prints in its
// footer so that two reports of different policy files can be told apart.
//
//   rulebook::detail::sha256 h;
//   h.update(bytes_of_the_first_file);
//   h.update(bytes_of_the_next_file);
//   std::string hex = h.hex_digest();  // 64 lowercase hex digits
//
// Written here rather than taken from a crypto library: rulebook needs one digest
// of a few files, and no other dependency. Not for secrets (no constant-time care).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rulebook::detail {

class sha256 {
 public:
  sha256() noexcept;
  /// Adds `bytes` to the message.
  void update(std::string_view bytes) noexcept;
  /// Finishes the message and returns its digest; the object is spent afterwards.
  [[nodiscard]] std::array<std::uint8_t, 32> digest() noexcept;
  /// `digest()` as 64 lowercase hexadecimal digits.
  [[nodiscard]] std::string hex_digest();

 private:
  void block(const std::uint8_t* p) noexcept;
  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // bytes so far
};

/// The SHA-256 of `bytes`, as 64 lowercase hex digits.
[[nodiscard]] std::string sha256_hex(std::string_view bytes);

}  // namespace rulebook::detail
