// Internal: variable-length integers, for columns that pack small numbers into
// a few bytes (month records' paid amounts, the members' roll-up sums): seven
// bits a byte, low bits first, the high bit set on every byte but the last;
// signed values zigzag-mapped first, so that small magnitudes of either sign
// stay short.
#pragma once

#include <cstdint>
#include <vector>

namespace rulebook::detail {

[[nodiscard]] constexpr std::uint64_t zigzag(std::int64_t v) noexcept {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
[[nodiscard]] constexpr std::int64_t unzigzag(std::uint64_t z) noexcept {
  return static_cast<std::int64_t>(z >> 1) ^ -static_cast<std::int64_t>(z & 1);
}

/// Appends `v` in 1 to 10 bytes.
inline void append_varint(std::vector<std::uint8_t>& out, std::uint64_t v) {
  for (; v >= 0x80; v >>= 7) out.push_back(static_cast<std::uint8_t>(v | 0x80));
  out.push_back(static_cast<std::uint8_t>(v));
}

/// Reads a value `append_varint` wrote at `at`, and moves `at` past it.
[[nodiscard]] inline std::uint64_t read_varint(const std::uint8_t*& at) noexcept {
  std::uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    const std::uint8_t b = *at++;
    v |= std::uint64_t{b & 0x7fu} << shift;
    if (b < 0x80) return v;
  }
}

}  // namespace rulebook::detail
