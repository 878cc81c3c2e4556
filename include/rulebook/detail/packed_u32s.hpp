// Internal: a column of 32-bit values that mostly rise a little from one to the
// next — the member keys of month records grouped by member, the ends of their
// paid amounts — in 1.5 bytes a value where a plain vector takes 4.
//
// Values go in groups of eight: a group keeps its first value in four bytes and
// each value's distance above that first in one. The first value that does not
// fit (below its group's first, or 256 or more above it: records not grouped by
// member, a record with dozens of paid amounts) turns the column into plain
// 4-byte values, for good. Reading a value is one branch that predicts, two loads
// and an add.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace rulebook::detail {

class packed_u32s {
 public:
  packed_u32s() = default;
  packed_u32s(const packed_u32s&) = default;
  packed_u32s& operator=(const packed_u32s&) = default;
  /// Moved from, a column is empty, as a moved-from vector is.
  packed_u32s(packed_u32s&& o) noexcept
      : firsts_(std::move(o.firsts_)),
        above_(std::move(o.above_)),
        plain_values_(std::move(o.plain_values_)),
        size_(std::exchange(o.size_, 0)),
        plain_(std::exchange(o.plain_, false)) {}
  packed_u32s& operator=(packed_u32s&& o) noexcept {
    firsts_ = std::move(o.firsts_);
    above_ = std::move(o.above_);
    plain_values_ = std::move(o.plain_values_);
    size_ = std::exchange(o.size_, 0);
    plain_ = std::exchange(o.plain_, false);
    o.firsts_.clear();
    o.above_.clear();
    o.plain_values_.clear();
    return *this;
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  /// True once a value did not fit and the values are held four bytes each.
  [[nodiscard]] bool plain() const noexcept { return plain_; }

  [[nodiscard]] std::uint32_t operator[](std::size_t i) const noexcept {
    return plain_ ? plain_values_[i] : firsts_[i / group] + above_[i];
  }
  [[nodiscard]] std::uint32_t back() const noexcept { return (*this)[size_ - 1]; }

  /// Adds `v` at the end. When it throws (out of memory), the values are as they were.
  void push_back(std::uint32_t v) {
    const std::size_t i = size_;
    if (!plain_ && i % group != 0 && !fits(i, v)) go_plain(1);
    if (plain_) {
      plain_values_.push_back(v);
    } else if (i % group == 0) {
      firsts_.push_back(v);
      try {
        above_.push_back(0);
      } catch (...) {
        firsts_.pop_back();
        throw;
      }
    } else {
      above_.push_back(static_cast<std::uint8_t>(v - firsts_[i / group]));
    }
    ++size_;
  }
  /// Replaces the last value with `v`. When it throws, the values are as they were.
  void set_back(std::uint32_t v) {
    const std::size_t i = size_ - 1;
    if (!plain_ && i % group != 0 && !fits(i, v)) go_plain(0);
    if (plain_) {
      plain_values_[i] = v;
    } else if (i % group == 0) {
      firsts_[i / group] = v;  // the group's first and, being the last, its only value
    } else {
      above_[i] = static_cast<std::uint8_t>(v - firsts_[i / group]);
    }
  }
  /// Keeps the first `n` values (n <= size()).
  void truncate(std::size_t n) noexcept {
    if (plain_) {
      plain_values_.resize(n);
    } else {
      above_.resize(n);
      firsts_.resize((n + group - 1) / group);
    }
    size_ = n;
  }
  void reserve(std::size_t n) {
    if (plain_) {
      plain_values_.reserve(n);
    } else {
      above_.reserve(n);
      firsts_.reserve((n + group - 1) / group);
    }
  }

 private:
  static constexpr std::size_t group = 8;

  [[nodiscard]] bool fits(std::size_t i, std::uint32_t v) const noexcept {
    const std::uint32_t first = firsts_[i / group];
    return v >= first && v - first <= 0xFF;
  }
  /// Holds the values four bytes each from now on, with room for `more`
  /// (and for as many as were reserved). When it throws, nothing has changed.
  void go_plain(std::size_t more) {
    std::vector<std::uint32_t> values;
    values.reserve(std::max(size_ + more, above_.capacity()));
    for (std::size_t i = 0; i < size_; ++i) values.push_back(firsts_[i / group] + above_[i]);
    plain_values_ = std::move(values);
    firsts_ = {};
    above_ = {};
    plain_ = true;
  }

  std::vector<std::uint32_t> firsts_;      // a group's first value
  std::vector<std::uint8_t> above_;        // each value's distance above its group's first
  std::vector<std::uint32_t> plain_values_;  // once plain(), the values themselves
  std::size_t size_ = 0;
  bool plain_ = false;
};

}  // namespace rulebook::detail
