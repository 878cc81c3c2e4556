// rulebook/month_records.hpp — a county's month records, held as columns.
//
// A county of three million members has 36 million month records a year. As
// one struct each (an id string, a vector of paid amounts with an item string
// each) they take about 200 bytes and four allocations a record; here they take
// about 20 bytes and none. Member ids and paid items are stored once each and
// referred to by number; the day counts take a byte each and the month two;
// the member's number and where the paid amounts end a byte and a half each,
// where records come grouped by member (detail/packed_u32s.hpp); each paid
// amount is its item's number and its exact amount as variable-length
// integers (an amount in whole fen, as nearly all are, in three bytes). Values
// too wide for that (a bad row, loaded so that it can be reported) are held
// aside, whole.
//
// Records are added one at a time, as a `month_record` or field by field, and
// read back through a `row`, a view with the same fields as functions:
//
//   rulebook::month_records months;
//   months.push_back({.member = "M001", .month = {2019, 3}, .days_in_village = 22, .round_trips = 4,
//                     .paid = {{"living", rulebook::money::yuan(2200)}}});
//   months.add("M002", {2019, 3}, 20, 2, 0);          // the same, without building a record
//   months.add_paid("living", rulebook::money::yuan(2000));  // to the record added last
//   for (const auto r : months) std::cout << r.member() << ' ' << r.days_in_village() << '\n';
//
// Append-only: a record, once added, is not changed. Safe to read from many
// threads once filled.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <memory>
#include <vector>

#include "rulebook/detail/id_table.hpp"
#include "rulebook/detail/packed_u32s.hpp"
#include "rulebook/detail/varint.hpp"
#include "rulebook/money.hpp"
#include "rulebook/period.hpp"

namespace rulebook {

/// An amount a unit actually paid a member for one item in one month.
struct paid_amount {
  std::string item;  // `living`, `transport`, `communication`, or a policy's own item
  money amount;

  friend bool operator==(const paid_amount&, const paid_amount&) = default;
};

/// One month of one member, as plain data (see `month_records` for how a county holds them).
struct month_record {
  std::string member;
  year_month month;
  int days_in_village = 0;    // days actually spent in the village
  int round_trips = 0;        // trips lead unit ↔ village made
  int days_away_on_duty = 0;  // approved official days out of the village
  std::vector<paid_amount> paid;

  friend bool operator==(const month_record&, const month_record&) = default;
};

class month_records {
 public:
  /// A member id or paid item, by number: the n-th distinct one added.
  using key = std::uint32_t;

  /// One paid amount of a row.
  struct paid_entry {
    std::string_view item;
    money amount;
    key item_key = 0;
  };

  class row;

 private:
  /// Reads one row's paid amounts in order: item key and amount (not the item's name).
  class paid_reader {
   public:
    paid_reader(const std::uint8_t* at, const std::uint8_t* end) noexcept : at_(at), end_(end) {}
    bool next(paid_entry& p) noexcept {
      if (at_ == end_) return false;
      const std::uint64_t head = detail::read_varint(at_);
      const std::int64_t v = detail::unzigzag(detail::read_varint(at_));
      p.item_key = static_cast<key>(head >> 1);
      p.amount = money::from_raw((head & 1) != 0 ? v * 100 : v);  // as added: in range, never INT64_MIN
      return true;
    }

   private:
    const std::uint8_t* at_;
    const std::uint8_t* end_;
  };

 public:
  /// A view of one record; a default-constructed row is "no record" and false.
  class row {
   public:
    row() = default;
    explicit operator bool() const noexcept { return set_ != nullptr; }

    [[nodiscard]] std::size_t index() const noexcept { return i_; }
    [[nodiscard]] std::string_view member() const { return set_->ids_[set_->member_[i_]]; }
    [[nodiscard]] key member_key() const noexcept { return set_->member_[i_]; }
    [[nodiscard]] year_month month() const noexcept {
      return narrow() ? unpack_month(set_->month_[i_]) : set_->wide_of(i_).month;
    }
    [[nodiscard]] int days_in_village() const noexcept { return narrow() ? set_->days_[i_] : set_->wide_of(i_).days; }
    [[nodiscard]] int round_trips() const noexcept { return narrow() ? set_->trips_[i_] : set_->wide_of(i_).trips; }
    [[nodiscard]] int days_away_on_duty() const noexcept {
      return narrow() ? set_->away_[i_] : set_->wide_of(i_).away;
    }

    /// The row's paid amounts, in the order added.
    [[nodiscard]] std::size_t paid_count() const noexcept {
      std::size_t ends = 0;  // each amount is two varints; each varint ends in a byte below 0x80
      for (std::size_t at = begin(), e = end(); at < e; ++at) ends += set_->paid_[at] < 0x80 ? 1 : 0;
      return ends / 2;
    }
    [[nodiscard]] paid_entry paid(std::size_t k) const {
      paid_reader in = reader();
      paid_entry p;
      for (std::size_t n = 0; n <= k; ++n)
        if (!in.next(p)) throw std::out_of_range("month_records::row::paid");
      p.item = set_->items_[p.item_key];
      return p;
    }
    /// The total paid for `item` (by its key), or nothing when none was recorded.
    [[nodiscard]] std::optional<money> paid_for(key item) const {
      money sum;  // summed apart from whether any was found: an optional summed in place went through memory
      bool found = false;
      paid_reader in = reader();
      for (paid_entry p; in.next(p);)
        if (p.item_key == item) {
          sum += p.amount;
          found = true;
        }
      if (!found) return std::nullopt;
      return sum;
    }
    [[nodiscard]] std::optional<money> paid_for(std::string_view item) const {
      const std::optional<key> k = set_->item_key(item);
      return k ? paid_for(*k) : std::nullopt;
    }

    /// A copy as a plain record.
    [[nodiscard]] month_record record() const {
      month_record r{std::string(member()), month(), days_in_village(), round_trips(), days_away_on_duty(), {}};
      r.paid.reserve(paid_count());
      for (std::size_t k = 0; k < paid_count(); ++k) r.paid.push_back({std::string(paid(k).item), paid(k).amount});
      return r;
    }

    friend bool operator==(const row& a, const row& b) {
      if (a.member() != b.member() || a.month() != b.month() || a.days_in_village() != b.days_in_village() ||
          a.round_trips() != b.round_trips() || a.days_away_on_duty() != b.days_away_on_duty() ||
          a.paid_count() != b.paid_count())
        return false;
      for (std::size_t k = 0; k < a.paid_count(); ++k)
        if (a.paid(k).item != b.paid(k).item || a.paid(k).amount != b.paid(k).amount) return false;
      return true;
    }

   private:
    friend class month_records;
    row(const month_records* set, std::size_t i) noexcept : set_(set), i_(i) {}
    [[nodiscard]] bool narrow() const noexcept { return set_->days_[i_] != wide_mark; }
    [[nodiscard]] std::size_t begin() const noexcept { return i_ == 0 ? 0 : set_->paid_end_[i_ - 1]; }
    [[nodiscard]] std::size_t end() const noexcept { return set_->paid_end_[i_]; }
    [[nodiscard]] paid_reader reader() const noexcept {
      return {set_->paid_.data() + begin(), set_->paid_.data() + end()};
    }

    const month_records* set_ = nullptr;
    std::size_t i_ = 0;
  };

  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using iterator_concept = std::random_access_iterator_tag;
    using value_type = row;
    using difference_type = std::ptrdiff_t;
    using reference = row;

    iterator() = default;
    row operator*() const noexcept { return {set_, i_}; }
    row operator[](difference_type n) const noexcept { return {set_, i_ + static_cast<std::size_t>(n)}; }
    iterator& operator++() noexcept { return ++i_, *this; }
    iterator operator++(int) noexcept { return {set_, i_++}; }
    iterator& operator--() noexcept { return --i_, *this; }
    iterator operator--(int) noexcept { return {set_, i_--}; }
    iterator& operator+=(difference_type n) noexcept { return i_ += static_cast<std::size_t>(n), *this; }
    iterator& operator-=(difference_type n) noexcept { return i_ -= static_cast<std::size_t>(n), *this; }
    friend iterator operator+(iterator it, difference_type n) noexcept { return it += n; }
    friend iterator operator+(difference_type n, iterator it) noexcept { return it += n; }
    friend iterator operator-(iterator it, difference_type n) noexcept { return it -= n; }
    friend difference_type operator-(const iterator& a, const iterator& b) noexcept {
      return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
    }
    friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.i_ == b.i_; }
    friend auto operator<=>(const iterator& a, const iterator& b) noexcept { return a.i_ <=> b.i_; }

   private:
    friend class month_records;
    iterator(const month_records* set, std::size_t i) noexcept : set_(set), i_(i) {}
    const month_records* set_ = nullptr;
    std::size_t i_ = 0;
  };

  month_records() = default;
  month_records(std::initializer_list<month_record> records) : month_records(records.begin(), records.end()) {}
  template <std::input_iterator It>
  month_records(It first, It last) {
    for (; first != last; ++first) push_back(*first);
  }
  month_records(const month_records& o)
      : member_(o.member_),
        month_(o.month_),
        days_(o.days_),
        trips_(o.trips_),
        away_(o.away_),
        wide_(o.wide_),
        paid_end_(o.paid_end_),
        paid_(o.paid_),
        paid_count_(o.paid_count_),
        items_(o.items_),
        last_id_(o.last_id_) {
    ids_.reserve(o.ids_.size());  // the ids view the other's storage: copied into this one's
    id_keys_.reserve(o.ids_.size(), id_of());
    for (const std::string_view id : o.ids_) {
      ids_.push_back(stored_id(id));
      id_keys_.insert(id, ids_.size() - 1, id_of());
    }
  }
  month_records(month_records&&) = default;  // std::deque's may allocate: not noexcept
  month_records& operator=(month_records&&) noexcept = default;
  month_records& operator=(const month_records& o) {
    month_records copy(o);
    return *this = std::move(copy);
  }

  /// Adds a record of `member` with no paid amounts; returns its index. When
  /// it throws (out of memory), the records are as they were.
  std::size_t add(std::string_view member, year_month month, int days_in_village, int round_trips,
                  int days_away_on_duty) {
    const std::size_t n = member_.size();
    if (n >= std::numeric_limits<std::uint32_t>::max())
      throw std::length_error("month_records: more than 4,294,967,294 records");
    const bool fits = fits_month(month) && fits_count(days_in_village) && fits_count(round_trips) &&
                      fits_count(days_away_on_duty);
    try {
      member_.push_back(id_key_adding(member));
      month_.push_back(fits ? pack_month(month) : 0);
      days_.push_back(fits ? static_cast<std::int8_t>(days_in_village) : wide_mark);
      trips_.push_back(fits ? static_cast<std::int8_t>(round_trips) : 0);
      away_.push_back(fits ? static_cast<std::int8_t>(days_away_on_duty) : 0);
      paid_end_.push_back(static_cast<std::uint32_t>(paid_.size()));
      if (!fits)
        wide_.push_back({static_cast<std::uint32_t>(n), month, days_in_village, round_trips, days_away_on_duty});
    } catch (...) {
      member_.truncate(std::min(member_.size(), n));
      month_.resize(std::min(month_.size(), n));
      for (auto* v : {&days_, &trips_, &away_}) v->resize(std::min(v->size(), n));
      paid_end_.truncate(std::min(paid_end_.size(), n));
      throw;
    }
    return n;
  }
  /// Adds a paid amount to the record added last. When it throws, the records
  /// are as they were.
  void add_paid(std::string_view item, money amount) {
    if (member_.empty()) throw std::logic_error("month_records::add_paid before any record");
    const std::size_t n = paid_.size();
    if (n > std::numeric_limits<std::uint32_t>::max() - max_paid_bytes)
      throw std::length_error("month_records: more than 4 GiB of paid amounts");
    const key item_key = item_key_adding(item);
    // In whole fen (as nearly every amount is), the amount is stored in fen.
    const bool whole_fen = amount.raw() % 100 == 0;
    try {
      detail::append_varint(paid_, (std::uint64_t{item_key} << 1) | (whole_fen ? 1 : 0));
      detail::append_varint(paid_, detail::zigzag(whole_fen ? amount.raw() / 100 : amount.raw()));
      paid_end_.set_back(static_cast<std::uint32_t>(paid_.size()));  // may allocate, turning plain
    } catch (...) {
      paid_.resize(n);
      throw;
    }
    ++paid_count_;
  }
  void push_back(const month_record& r) {
    add(r.member, r.month, r.days_in_village, r.round_trips, r.days_away_on_duty);
    for (const paid_amount& p : r.paid) add_paid(p.item, p.amount);
  }
  /// Makes room for `records` records holding `paid` paid amounts in all (of
  /// as many bytes each as those added so far, or four).
  void reserve(std::size_t records, std::size_t paid = 0) {
    member_.reserve(records);
    month_.reserve(records);
    for (auto* v : {&days_, &trips_, &away_}) v->reserve(records);
    paid_end_.reserve(records);
    const std::size_t bytes_each = paid_count_ == 0 ? 4 : (paid_.size() + paid_count_ - 1) / paid_count_;
    paid_.reserve(paid * bytes_each);
  }
  void clear() { *this = month_records(); }
  /// Frees the lookup of member ids that adding uses (two 8-byte slots an id:
  /// 67 MB for 3 M members); adding again builds it anew. The CSV loader calls
  /// it once every record is in, since a county's records are then only read.
  void release_lookup() noexcept { id_keys_ = detail::id_map(); }

  [[nodiscard]] std::size_t size() const noexcept { return member_.size(); }
  [[nodiscard]] bool empty() const noexcept { return member_.empty(); }
  /// The number of paid amounts of all records.
  [[nodiscard]] std::size_t paid_size() const noexcept { return paid_count_; }
  [[nodiscard]] row operator[](std::size_t i) const noexcept { return {this, i}; }
  [[nodiscard]] row at(std::size_t i) const {
    if (i >= size()) throw std::out_of_range("month_records::at");
    return {this, i};
  }
  [[nodiscard]] iterator begin() const noexcept { return {this, 0}; }
  [[nodiscard]] iterator end() const noexcept { return {this, size()}; }

  /// The distinct member ids, by key, in the order first added.
  [[nodiscard]] std::size_t member_count() const noexcept { return ids_.size(); }
  [[nodiscard]] std::string_view member_id(key k) const { return ids_[k]; }
  /// The key of a member id, or nothing when no record has it (after
  /// `release_lookup`, found by a scan of the ids).
  [[nodiscard]] std::optional<key> member_key(std::string_view id) const {
    if (id_keys_.size() == ids_.size()) return id_keys_.find(id, id_of());
    for (std::size_t k = 0; k < ids_.size(); ++k)
      if (ids_[k] == id) return static_cast<key>(k);
    return std::nullopt;
  }
  /// The distinct paid items, by key, in the order first added.
  [[nodiscard]] std::size_t item_count() const noexcept { return items_.size(); }
  [[nodiscard]] std::string_view item(key k) const { return items_[k]; }
  /// The key of a paid item, or nothing when no record has it.
  [[nodiscard]] std::optional<key> item_key(std::string_view item) const {
    for (std::size_t k = 0; k < items_.size(); ++k)
      if (detail::same_id(items_[k], item)) return static_cast<key>(k);  // inline for the short names items have
    return std::nullopt;
  }

  friend bool operator==(const month_records& a, const month_records& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!(a[i] == b[i])) return false;
    return true;
  }

 private:
  key id_key_adding(std::string_view id) {
    if (last_id_ < ids_.size() && detail::same_id(ids_[last_id_], id)) return last_id_;  // records come grouped by member
    if (id_keys_.size() != ids_.size()) {  // released: built anew from the ids held
      id_keys_.reserve(ids_.size(), id_of());
      for (std::size_t k = 0; k < ids_.size(); ++k) id_keys_.insert(ids_[k], k, id_of());
    }
    if (const std::optional<key> k = id_keys_.find(id, id_of())) return last_id_ = *k;
    ids_.push_back(stored_id(id));
    try {
      id_keys_.insert(id, ids_.size() - 1, id_of());
    } catch (...) {
      ids_.pop_back();
      throw;
    }
    return last_id_ = static_cast<key>(ids_.size() - 1);
  }
  [[nodiscard]] detail::ids_in id_of() const noexcept { return {&ids_}; }
  /// A copy of `id` in the ids' storage: blocks of 64 KiB, or one of its own
  /// for a longer id, never moved once made, so views of them stay put.
  std::string_view stored_id(std::string_view id) {
    constexpr std::size_t block = 64 * 1024;
    if (id.size() > block - id_block_used_ || id_blocks_.empty()) {
      id_blocks_.push_back(std::make_unique<char[]>(std::max(block, id.size())));
      id_block_used_ = 0;
    }
    char* at = id_blocks_.back().get() + id_block_used_;
    std::copy(id.begin(), id.end(), at);
    id_block_used_ = id.size() >= block ? block : id_block_used_ + id.size();
    return {at, id.size()};
  }
  std::uint16_t item_key_adding(std::string_view item) {
    if (const std::optional<key> k = item_key(item)) return static_cast<std::uint16_t>(*k);
    if (items_.size() > std::numeric_limits<std::uint16_t>::max())
      throw std::length_error("month_records: more than 65,536 paid items");
    items_.emplace_back(item);
    return static_cast<std::uint16_t>(items_.size() - 1);
  }

  // A record's values, when they do not fit the columns: days_ then holds wide_mark.
  static constexpr std::int8_t wide_mark = std::numeric_limits<std::int8_t>::min();
  struct wide_values {
    std::uint32_t index = 0;
    year_month month;
    int days = 0, trips = 0, away = 0;
  };
  static constexpr bool fits_count(int n) noexcept { return n > wide_mark && n <= 127; }
  // A month as year * 16 + month in two bytes, for years -2048 to 2047 and months 0 to 15.
  static constexpr bool fits_month(year_month m) noexcept {
    return m.month >= 0 && m.month < 16 && m.year >= -2048 && m.year < 2048;
  }
  static constexpr std::int16_t pack_month(year_month m) noexcept {
    return static_cast<std::int16_t>(m.year * 16 + m.month);
  }
  static constexpr year_month unpack_month(int packed) noexcept {
    return {packed >> 4, packed & 15};  // an arithmetic shift: years below zero too
  }
  [[nodiscard]] const wide_values& wide_of(std::size_t i) const noexcept {
    return *std::lower_bound(wide_.begin(), wide_.end(), i,
                             [](const wide_values& w, std::size_t at) { return w.index < at; });
  }

  // A paid amount: varint(item key * 2 + whole fen), then varint(zigzag(the
  // amount in fen when whole fen, else in ten-thousandths of a yuan)).
  static constexpr std::size_t max_paid_bytes = 3 + 10;

  detail::packed_u32s member_;  // grouped by member, 1.5 bytes a record
  std::vector<std::int16_t> month_;
  std::vector<std::int8_t> days_, trips_, away_;
  std::vector<wide_values> wide_;        // by index, ascending
  detail::packed_u32s paid_end_;  // per record, the end of its paid amounts in paid_ (1.5 bytes)
  std::vector<std::uint8_t> paid_;
  std::size_t paid_count_ = 0;
  std::deque<std::string> items_;  // a deque, so that views of them stay put as more are added
  std::vector<std::string_view> ids_;                 // by key, viewing id_blocks_
  std::vector<std::unique_ptr<char[]>> id_blocks_;  // the ids' characters
  std::size_t id_block_used_ = 0;                    // the characters of the last block in use
  detail::id_map id_keys_;
  key last_id_ = std::numeric_limits<key>::max();
};

}  // namespace rulebook
