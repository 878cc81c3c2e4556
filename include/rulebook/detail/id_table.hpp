// Internal: ids to indices. A county of 3 M members is looked up by id tens of
// millions of times in one load and one evaluation (child rows, month
// records, meeting attendees, roll-ups, the quota's places), and a node-based
// hash map costs three cache misses a lookup and some 60 bytes an id, besides
// a copy of the id. These tables are open addressing over a power-of-two
// array of 8-byte slots — the index and 32 bits of the id's hash — at most half
// full; the id itself is read from wherever its owner keeps it, so a lookup
// touches one slot and one id.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace rulebook::detail {

/// Compares two ids. Ids are short (`M006`, `M0001234`, `communication`): inline
/// code beats a call to memcmp, and the tables below, the roll-ups and the CSV
/// rows compare tens of millions of them. From 8 to 16 bytes, two 8-byte words, the first eight bytes
/// and the last eight (which overlap below 16); below 8, a byte loop.
[[nodiscard]] inline bool same_id(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  if (n >= 8 && n <= 16) {
    std::uint64_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
    std::memcpy(&a0, a.data(), 8);
    std::memcpy(&b0, b.data(), 8);
    std::memcpy(&a1, a.data() + n - 8, 8);
    std::memcpy(&b1, b.data() + n - 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  if (n > 16) return a == b;
  for (std::size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

/// Ids to 32-bit indices, the ids kept by the caller: every call that compares
/// ids is given `id_of`, which returns the id of an index already added. The
/// table holds no pointer to them, so it can be copied or moved with its owner.
class id_map {
 public:
  id_map() = default;
  id_map(const id_map&) = default;
  id_map& operator=(const id_map&) = default;
  /// A map moved from is left empty.
  id_map(id_map&& o) noexcept
      : slots_(std::exchange(o.slots_, {})), mask_(std::exchange(o.mask_, 0)), size_(std::exchange(o.size_, 0)) {}
  id_map& operator=(id_map&& o) noexcept {
    slots_ = std::exchange(o.slots_, {});
    mask_ = std::exchange(o.mask_, 0);
    size_ = std::exchange(o.size_, 0);
    return *this;
  }

  /// Room for `n` ids without growing.
  template <class IdOf>
  void reserve(std::size_t n, IdOf id_of) {
    if (2 * n > slots_.size()) rehash(capacity_for(n), id_of);
  }

  /// The index added for `id`, or nothing.
  template <class IdOf>
  [[nodiscard]] std::optional<std::uint32_t> find(std::string_view id, IdOf id_of) const noexcept {
    if (slots_.empty()) return std::nullopt;
    const std::uint64_t h = hash(id);
    for (std::size_t at = h & mask_;; at = (at + 1) & mask_) {
      const slot s = slots_[at];
      if (s.index == empty) return std::nullopt;
      if (s.tag == tag(h) && same_id(id_of(s.index), id)) return s.index;
    }
  }

  /// Adds `index` for `id` unless `id` is in already: then returns the index
  /// it has, and adds nothing. `id_of` is asked only for indices added before.
  template <class IdOf>
  std::optional<std::uint32_t> insert(std::string_view id, std::size_t index, IdOf id_of) {
    if (index >= empty) throw std::length_error("id_map: more than 4,294,967,294 ids");
    if (2 * (size_ + 1) > slots_.size()) rehash(capacity_for(size_ + 1), id_of);
    const std::uint64_t h = hash(id);
    std::size_t at = h & mask_;
    for (; slots_[at].index != empty; at = (at + 1) & mask_)
      if (slots_[at].tag == tag(h) && same_id(id_of(slots_[at].index), id)) return slots_[at].index;
    slots_[at] = {static_cast<std::uint32_t>(index), tag(h)};
    ++size_;
    return std::nullopt;
  }

  /// The number of ids added.
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  static constexpr std::uint32_t empty = std::numeric_limits<std::uint32_t>::max();
  struct slot {
    std::uint32_t index = empty;
    std::uint32_t tag = 0;
  };
  static std::uint64_t hash(std::string_view id) noexcept { return std::hash<std::string_view>{}(id); }
  // The slot comes from the hash's low bits, the tag from its high ones.
  static std::uint32_t tag(std::uint64_t h) noexcept { return static_cast<std::uint32_t>(h >> 32); }
  static std::size_t capacity_for(std::size_t n) noexcept {
    std::size_t capacity = 16;
    while (capacity < 2 * n) capacity *= 2;
    return capacity;
  }

  template <class IdOf>
  void rehash(std::size_t capacity, IdOf id_of) {
    const std::vector<slot> old = std::exchange(slots_, std::vector<slot>(capacity));
    mask_ = capacity - 1;
    for (const slot& s : old) {
      if (s.index == empty) continue;
      std::size_t at = hash(id_of(s.index)) & mask_;
      while (slots_[at].index != empty) at = (at + 1) & mask_;
      slots_[at] = s;
    }
  }

  std::vector<slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

/// `id_of` for ids kept as a list of views.
struct ids_in {
  const std::vector<std::string_view>* ids;
  std::string_view operator()(std::size_t k) const noexcept { return (*ids)[k]; }
};

/// Indexes a list of elements with a string `id` member. Where two share an id,
/// the first is found. Holds a view of the list, which must outlive it and not change.
template <class T>
class id_table {
 public:
  id_table() = default;
  explicit id_table(const std::vector<T>& items) : items_(&items) {
    const auto id_of = [&items](std::size_t i) -> std::string_view { return items[i].id; };
    map_.reserve(items.size(), id_of);
    for (std::size_t i = 0; i < items.size(); ++i) map_.insert(items[i].id, i, id_of);
  }

  [[nodiscard]] std::optional<std::size_t> find(std::string_view id) const noexcept {
    if (items_ == nullptr) return std::nullopt;
    return map_.find(id, [this](std::size_t i) -> std::string_view { return (*items_)[i].id; });
  }

 private:
  const std::vector<T>* items_ = nullptr;
  id_map map_;
};

}  // namespace rulebook::detail
