// Internal: ids to indices for the county index. A county of 3 M members is
// looked up by id tens of millions of times in one evaluation (meeting
// attendees, roll-ups, the quota's places), and a node-based hash map costs
// three cache misses a lookup and some 60 bytes an id. This table is open
// addressing over a power-of-two array of 8-byte slots — the index and 32
// bits of the id's hash — at most half full; the id itself is read from the
// list it indexes, so a lookup touches one slot and one element.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace rulebook::detail {

/// Indexes a list of elements with a string `id` member. Where two share an id,
/// the first is found. Holds a view of the list, which must outlive it and not change.
template <class T>
class id_table {
 public:
  id_table() = default;
  explicit id_table(const std::vector<T>& items) : items_(&items) {
    if (items.size() >= empty) throw std::length_error("id_table: more than 4,294,967,294 ids");
    std::size_t capacity = 16;
    while (capacity < 2 * items.size()) capacity *= 2;
    slots_.assign(capacity, slot{});
    mask_ = capacity - 1;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::uint64_t h = hash(items[i].id);
      std::size_t at = h & mask_;
      for (; slots_[at].index != empty; at = (at + 1) & mask_)
        if (slots_[at].tag == tag(h) && items[slots_[at].index].id == items[i].id) break;
      if (slots_[at].index == empty) slots_[at] = {static_cast<std::uint32_t>(i), tag(h)};
    }
  }

  [[nodiscard]] std::optional<std::size_t> find(std::string_view id) const noexcept {
    if (slots_.empty()) return std::nullopt;
    const std::uint64_t h = hash(id);
    for (std::size_t at = h & mask_;; at = (at + 1) & mask_) {
      const slot s = slots_[at];
      if (s.index == empty) return std::nullopt;
      if (s.tag == tag(h) && (*items_)[s.index].id == id) return s.index;
    }
  }

 private:
  static constexpr std::uint32_t empty = std::numeric_limits<std::uint32_t>::max();
  struct slot {
    std::uint32_t index = empty;
    std::uint32_t tag = 0;
  };
  static std::uint64_t hash(std::string_view id) noexcept { return std::hash<std::string_view>{}(id); }
  // The slot comes from the hash's low bits, the tag from its high ones.
  static std::uint32_t tag(std::uint64_t h) noexcept { return static_cast<std::uint32_t>(h >> 32); }

  const std::vector<T>* items_ = nullptr;
  std::vector<slot> slots_;
  std::size_t mask_ = 0;
};

}  // namespace rulebook::detail
