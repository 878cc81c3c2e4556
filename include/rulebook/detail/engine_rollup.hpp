// Internal: roll-ups — "results per member-month, and rolled up per member,
// team, unit, and county". Runs last, over the finished entitlements and
// findings, and only reads them: each entitlement is added to its member's,
// its team's, its paying unit's and the county's rows, by item and for all
// items; each finding is counted against its subject and its responsible unit
// (see `rollup` in result.hpp for what each row counts). Included by
// engine_impl.hpp.
//
// Cost: one pass over the entitlements and one over the findings, with no
// allocation per entitlement (a packed member's finding is one entry of a list,
// its rows are unpacked as they are written); ids are resolved through the
// county index, and the previous row's subjects are reused, since entitlements
// come grouped by member.
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "rulebook/detail/engine_context.hpp"
#include "rulebook/detail/huge_pages.hpp"
#include "rulebook/detail/id_table.hpp"
#include "rulebook/detail/parallel.hpp"
#include "rulebook/detail/varint.hpp"
#include "rulebook/model.hpp"
#include "rulebook/money.hpp"
#include "rulebook/policy.hpp"
#include "rulebook/result.hpp"

namespace rulebook::detail {

/// Adds one to a roll-up's count, which is held in 32 bits (a county of 3 M
/// members has 15 M of these rows); refuses to wrap.
[[noreturn, gnu::cold, gnu::noinline]] inline void throw_count_overflow() {
  throw std::overflow_error("roll-up: more than 4,294,967,295 entitlements or findings in one row");
}
inline void count_one(std::uint32_t& n) {
  if (n == std::numeric_limits<std::uint32_t>::max()) [[unlikely]] throw_count_overflow();
  ++n;
}

/// The sums of one roll-up row while they are gathered: 40 bytes.
struct rollup_sums {
  money owed;
  money paid;
  money shortfall;
  std::uint32_t entitlements = 0;
  std::uint32_t recorded = 0;
  std::uint32_t violations = 0;
  std::uint32_t advisories = 0;

  [[nodiscard]] bool used() const noexcept { return entitlements > 0 || violations > 0 || advisories > 0; }
  friend bool operator==(const rollup_sums&, const rollup_sums&) = default;
};

/// Adds `from`'s sums and counts to `into`'s; refuses to wrap a count.
inline void add_sums(rollup_sums& into, const rollup_sums& from) {
  into.owed += from.owed;
  into.paid += from.paid;
  into.shortfall += from.shortfall;
  const std::array<std::pair<std::uint32_t*, std::uint32_t>, 4> counts{{{&into.entitlements, from.entitlements},
                                                                         {&into.recorded, from.recorded},
                                                                         {&into.violations, from.violations},
                                                                         {&into.advisories, from.advisories}}};
  for (const auto& [n, k] : counts) {
    if (k > std::numeric_limits<std::uint32_t>::max() - *n) [[unlikely]] throw_count_overflow();
    *n += k;
  }
}

/// Writes the row as results hold it into `r`: paid only when some payment was
/// recorded, amounts rounded when the policy rounds only totals.
inline void fill_rollup(rollup& r, subject_kind kind, const std::string& id, const std::string& item,
                        const rollup_sums& x, const money_settings& m) {
  r.subject = kind;
  r.id = id;
  r.item = item;
  r.owed = x.owed;
  r.shortfall = x.shortfall;
  if (m.round_at == money_settings::stage::total) {
    r.owed = r.owed.round(m.scale, m.mode);
    r.shortfall = r.shortfall.round(m.scale, m.mode);
  }
  r.paid = x.recorded > 0 ? std::optional<money>(x.paid) : std::nullopt;
  r.entitlements = x.entitlements;
  r.unrecorded = x.entitlements - x.recorded;
  r.violations = x.violations;
  r.advisories = x.advisories;
}

/// The item of a row of all items: none.
inline const std::string& no_item() {
  static const std::string none;
  return none;
}

/// Where the roll-up rows go when they are not kept: each block of them (the
/// rows of a piece of subjects, then the county's) made, and rendered when
/// `render` is set, on the evaluation's threads, then given to `take` with its
/// text (empty unrendered) on the calling thread, in order.
struct rollup_handoff {
  std::function<void(std::span<const rollup>, std::string_view)> take;
  std::function<void(std::span<const rollup>, std::string&)> render;
};

/// Counts one finding in a row.
inline void add_finding(rollup_sums& x, const finding& f) {
  count_one(f.severity == finding_severity::violation ? x.violations : x.advisories);
}

/// The subjects of one kind (members, teams or units): the county's, by index,
/// then any id the county does not list, and a row of sums per subject and
/// item (slot 0 holds all items, slot i + 1 the i-th item).
///
/// A table made `packed` (the members') expects its subjects' entitlements in
/// the county's order, as blocks hand them on: it holds the sums of a window
/// of `window` subjects only, and packs those before the window, whose sums
/// are final, into a few bytes each (about 57 for a member's four items,
/// instead of 200). Should a subject before the window come again, the table
/// unpacks them all and holds every row from then on, so any order gives the
/// same rows. Findings come after every entitlement (`seal`): those of packed
/// subjects are kept in a list and counted as their rows are read back.
class rollup_table {
 public:
  static constexpr std::size_t window = 4096;

  rollup_table(std::size_t known, std::size_t items, bool packed = false)
      : width_(items + 1), known_(known), packed_(packed && known > window) {
    sums_.resize((packed_ ? window : known) * width_);
  }

  /// The subject of `known_index` (from the county index) or, when the county
  /// does not list it, of `id`, added on first sight.
  [[nodiscard]] std::size_t subject(std::optional<std::size_t> known_index, std::string_view id) {
    if (known_index) return *known_index;
    const auto it = unknown_.find(id);
    if (it != unknown_.end()) return it->second;
    const std::size_t slot = known_ + unknown_.size();
    unknown_sums_.resize(unknown_sums_.size() + width_);
    unknown_.emplace(std::string(id), slot);
    return slot;
  }

  /// The row of `subject`: its `width` sums, slot 0 first. Valid until the next call.
  [[nodiscard]] rollup_sums* row(std::size_t subject) {
    if (subject >= known_) return &unknown_sums_[(subject - known_) * width_];
    if (packed_) {
      if (subject < lo_ || sealed_) unpack_all();
      else if (subject >= lo_ + window) move_window(subject - subject % window);
    }
    return &sums_[(subject - lo_) * width_];
  }

  /// Counts a finding about `subject`, in slot 0 and in `item_slot` (unless 0).
  void count(std::size_t subject, std::size_t item_slot, const finding& f) {
    if (packed_ && subject < known_) {
      seal();
      pending_sorted_ = false;
      const bool violation = f.severity == finding_severity::violation;
      pending_.push_back({static_cast<std::uint32_t>(subject), 0, violation});
      if (item_slot != 0) pending_.push_back({static_cast<std::uint32_t>(subject), static_cast<std::uint32_t>(item_slot), violation});
      return;
    }
    rollup_sums* r = row(subject);
    add_finding(r[0], f);
    if (item_slot != 0) add_finding(r[item_slot], f);
  }

  /// Makes the rows ready to read: packs what is left and puts the findings of
  /// packed subjects in subject order. Reading them (`pieces`, `each_row_of`)
  /// then changes nothing, and may run on several threads at once.
  void ready() {
    if (!packed_) return;
    seal();
    if (pending_sorted_) return;
    std::sort(pending_.begin(), pending_.end(),
              [](const pending_finding& a, const pending_finding& b) { return a.subject < b.subject; });
    pending_sorted_ = true;
  }

  /// The pieces the rows are read in, to be read apart: the county's subjects
  /// `window` at a time, in order, then those the county does not list.
  [[nodiscard]] std::size_t pieces() const noexcept { return (known_ + window - 1) / window + 1; }

  /// Calls `put(id, item, sums)` for each row of piece `k` (see `pieces`; after
  /// `ready`), in order: a subject's row of all items (item empty) and then each
  /// item's (`item_names[i]`) with something in it, for each subject with
  /// something in it; the county's subjects named by `id_of(i)`, the others by id.
  template <class IdOf, class Put>
  void each_row_of(std::size_t k, IdOf id_of, const std::vector<std::string>& item_names, Put put) const {
    assert(!packed_ || (sealed_ && pending_sorted_));  // `ready` was called, and nothing counted since
    const auto rows_of = [&](const std::string& id, const rollup_sums* row) {
      if (!row[0].used()) return;
      for (std::size_t i = 0; i < width_; ++i)
        if (row[i].used()) put(id, i == 0 ? no_item() : item_names[i - 1], row[i]);
    };
    if (k + 1 == pieces()) {
      for (const auto& [id, slot] : unknown_) rows_of(id, &unknown_sums_[(slot - known_) * width_]);
      return;
    }
    const std::size_t first = k * window, last = std::min(known_, first + window);
    if (!packed_) {
      for (std::size_t s = first; s < last; ++s) rows_of(id_of(s), &sums_[s * width_]);
      return;
    }
    std::vector<rollup_sums> one(width_);
    const std::uint8_t* at = bytes_.data() + starts_[k];
    auto next = std::lower_bound(pending_.begin(), pending_.end(), first,
                                 [](const pending_finding& p, std::size_t s) { return p.subject < s; });
    for (std::size_t s = first; s < last; ++s) {
      at = unpack(at, one.data());
      for (; next != pending_.end() && next->subject == s; ++next)
        count_one(next->violation ? one[next->slot].violations : one[next->slot].advisories);
      rows_of(id_of(s), one.data());
    }
  }

 private:
  struct pending_finding {
    std::uint32_t subject;
    std::uint32_t slot;
    bool violation;
  };

  // ---- packing ----
  // A subject: varint(the slots that follow × 2 + 1 when the row of all items,
  // slot 0, is the sum of the others and not written); each slot: varint(slot
  // × 8 + whole-fen flags of owed, paid, shortfall), the three amounts (zigzag,
  // in fen when whole fen), then the four counts.

  /// Packs the window's subjects and the empty ones up to `new_lo`, which
  /// becomes the window's first.
  void move_window(std::size_t new_lo) {
    const std::size_t end = std::min(lo_ + window, known_);
    for (std::size_t s = lo_; s < end; ++s) {
      if (s % window == 0) starts_.push_back(bytes_.size());
      pack(&sums_[(s - lo_) * width_]);
    }
    if (lo_ == 0) reserve_like(end);
    for (std::size_t s = end; s < std::min(new_lo, known_); ++s) {
      if (s % window == 0) starts_.push_back(bytes_.size());
      bytes_.push_back(0);
    }
    std::fill(sums_.begin(), sums_.end(), rollup_sums{});
    lo_ = new_lo;
  }
  /// Makes room for every subject at the bytes the first `packed` took, and
  /// an eighth more: a county's packed rows (180 MB at 3 M members) are placed
  /// about once, not grown by doubling, which would hold twice as much a moment.
  void reserve_like(std::size_t packed) {
    if (packed == 0 || bytes_.empty()) return;
    const std::size_t each = (bytes_.size() + packed - 1) / packed;
    bytes_.reserve(known_ * each + known_ * each / 8);
  }
  /// Packs every subject left: no more entitlements come.
  void seal() {
    if (!packed_ || sealed_) return;
    move_window(known_);
    sealed_ = true;
  }
  /// Holds every subject's row from now on.
  void unpack_all() {
    if (!sealed_) {  // the window's rows are final too, as far as they go
      const std::size_t end = std::min(lo_ + window, known_);
      for (std::size_t s = lo_; s < end; ++s) pack(&sums_[(s - lo_) * width_]);
      for (std::size_t s = end; s < known_; ++s) bytes_.push_back(0);
    }
    std::vector<rollup_sums> all(known_ * width_);
    const std::uint8_t* at = bytes_.data();
    for (std::size_t s = 0; s < known_; ++s) at = unpack(at, &all[s * width_]);
    for (const pending_finding& p : pending_)
      count_one(p.violation ? all[p.subject * width_ + p.slot].violations : all[p.subject * width_ + p.slot].advisories);
    sums_ = std::move(all);
    bytes_ = {};
    starts_ = {};
    pending_ = {};
    packed_ = false;
    lo_ = 0;
  }

  void pack(const rollup_sums* row) {
    const auto used = [](const rollup_sums& x) {
      return x.owed != money{} || x.paid != money{} || x.shortfall != money{} || x.entitlements != 0 ||
             x.recorded != 0 || x.violations != 0 || x.advisories != 0;
    };
    // The row of all items is most often the sum of the items' rows (findings,
    // which it alone counts apart, come after packing): then it is not written.
    bool derived = false;
    try {
      rollup_sums items;
      for (std::size_t i = 1; i < width_; ++i) add_sums(items, row[i]);
      derived = items == row[0];
    } catch (const std::exception&) {  // items whose sum overflows (money or a count): the row is written
    }
    std::size_t n = 0;
    for (std::size_t i = derived ? 1 : 0; i < width_; ++i) n += used(row[i]) ? 1 : 0;
    put(n * 2 + (derived ? 1 : 0));
    for (std::size_t i = derived ? 1 : 0; i < width_; ++i) {
      const rollup_sums& x = row[i];
      if (!used(x)) continue;
      const std::array<money, 3> amounts{x.owed, x.paid, x.shortfall};
      std::uint64_t flags = 0;
      for (std::size_t k = 0; k < amounts.size(); ++k) flags |= amounts[k].raw() % 100 == 0 ? 1u << k : 0u;
      put(std::uint64_t{i} * 8 + flags);
      for (std::size_t k = 0; k < amounts.size(); ++k) {
        const std::int64_t v = amounts[k].raw();
        put(zigzag((flags >> k) & 1 ? v / 100 : v));
      }
      for (const std::uint32_t c : {x.entitlements, x.recorded, x.violations, x.advisories}) put(c);
    }
  }
  /// Reads one subject's row into `row` (all `width` sums); returns where the next starts.
  const std::uint8_t* unpack(const std::uint8_t* at, rollup_sums* row) const {
    std::fill(row, row + width_, rollup_sums{});
    const std::uint64_t head = read_varint(at);
    for (std::uint64_t n = head / 2; n > 0; --n) {
      const std::uint64_t slot = read_varint(at);
      rollup_sums& x = row[slot / 8];
      const std::array<money*, 3> amounts{&x.owed, &x.paid, &x.shortfall};
      for (std::size_t k = 0; k < amounts.size(); ++k) {
        const std::int64_t v = unzigzag(read_varint(at));
        *amounts[k] = money::from_raw((slot >> k) & 1 ? v * 100 : v);
      }
      for (std::uint32_t* c : {&x.entitlements, &x.recorded, &x.violations, &x.advisories})
        *c = static_cast<std::uint32_t>(read_varint(at));
    }
    if ((head & 1) != 0)
      for (std::size_t i = 1; i < width_; ++i) add_sums(row[0], row[i]);
    return at;
  }
  void put(std::uint64_t v) { append_varint(bytes_, v); }

  std::size_t width_;
  std::size_t known_;
  bool packed_;
  bool sealed_ = false;
  bool pending_sorted_ = false;
  std::size_t lo_ = 0;                // the first subject of sums_
  std::vector<rollup_sums> sums_;     // every known subject's rows, or the window's when packed
  std::vector<std::uint8_t> bytes_;   // packed: the rows of subjects [0, lo_)
  std::vector<std::size_t> starts_;   // packed: where in bytes_ each piece of `window` subjects starts
  std::vector<pending_finding> pending_;  // packed: findings of subjects [0, lo_), by subject once `ready`
  std::vector<rollup_sums> unknown_sums_;
  std::map<std::string, std::size_t, std::less<>> unknown_;  // by id, so they come out in id order
};

/// One of the county index's lookups of an id: a member's, a team's or a unit's.
using id_finder = std::optional<std::size_t> (county_index::*)(std::string_view) const;

/// The entitlements one payment is compared with: a rule's amounts for one
/// subject and one payment period (the calendar month of a member-month rule,
/// the year of a member-year or team-year rule). A month split where a value
/// changes or the member moves team is several entitlements, and the month's
/// payment is recorded with its last one (as the allowance stage compares it).
struct payment_group {
  std::size_t rule = 0;
  long period = 0;
  money owed;
  money paid;
  const entitlement* payer = nullptr;  // the entitlement the payment is recorded with (the last, if several)
};

/// An allowance rule as the roll-ups look it up.
struct allowance_slot {
  std::string_view id;
  std::size_t rule = 0;       // index in the policy's rules
  std::size_t item_slot = 0;  // 1-based slot of its item in the roll-up tables
  bool monthly = false;       // per member_month: a payment per month, else per year
};

/// One block of entitlements' roll-up sums, gathered on the thread that made
/// the block (`rollup_builder::part_of`) and then added, in order, to the
/// county's tables (`rollup_builder::merge`): rows only for the subjects the
/// block names, so that gathering runs on every thread and what is left for
/// the one that hands blocks on is a few rows a member.
struct rollup_part {
  enum class kind : std::uint8_t { member, team, unit };
  struct subject {
    kind of = kind::member;
    std::optional<std::size_t> known;  // its index in the county
    std::string id;                    // when the county does not list it
    std::size_t first = 0;             // its `width` sums in `rows`
  };
  std::vector<subject> subjects;  // in the order first named
  std::vector<rollup_sums> rows;
  std::vector<rollup_sums> county;  // the county's row, by item
};

/// Gathers the roll-ups (see `rollup`) as entitlements are made, a block at a
/// time, then counts the findings and writes the rows. Relies on the order
/// `results` documents for entitlements — grouped by subject, a subject's all
/// in one block — to find each payment's group among its subject's
/// entitlements. Holds sums per subject, never the entitlements. Neither
/// copyable nor movable (it keeps views of its own item names).
class rollup_builder {
 public:
  /// `items`: the items a subject's rows list, in that order.
  rollup_builder(const eval_context& ctx, std::vector<std::string> items)
      : ctx_(ctx),
        items_(std::move(items)),
        members_(ctx.data.members.size(), items_.size(), /*packed=*/true),
        teams_(ctx.data.teams.size(), items_.size()),
        units_(ctx.data.units.size(), items_.size()),
        county_items_(items_.size() + 1) {
    for (std::size_t i = 0; i < items_.size(); ++i) item_slot_.emplace(items_[i], i + 1);
    // The allowance rules, with the slot of the item each pays; a finding of an
    // allowance rule is about that item.
    const std::vector<rule>& rules = ctx.rules.rules;
    for (std::size_t i = 0; i < rules.size(); ++i)
      if (const auto* a = std::get_if<allowance_rule>(&rules[i].body))
        if (const auto it = item_slot_.find(a->item); it != item_slot_.end()) {
          allowances_.push_back({rules[i].id, i, it->second, a->per == allowance_basis::member_month});
          rule_item_.emplace(rules[i].id, it->second);
        }
  }
  rollup_builder(const rollup_builder&) = delete;
  rollup_builder& operator=(const rollup_builder&) = delete;

  /// Adds a block of entitlements, in the order `results` keeps them.
  void add(std::span<const entitlement> block) { merge(part_of(block)); }

  /// A block's sums, gathered apart from the tables: safe to call on any
  /// thread, and on several at once; `merge` then adds them, block by block in
  /// the order `results` keeps them.
  [[nodiscard]] rollup_part part_of(std::span<const entitlement> block) const {
    gatherer g(*this);
    g.add(block);
    return std::move(g.part);
  }

  /// Adds a part's sums to the tables.
  void merge(const rollup_part& part) {
    for (std::size_t i = 0; i < part.county.size(); ++i) add_sums(county_items_[i], part.county[i]);
    const std::size_t width = items_.size() + 1;
    for (const rollup_part::subject& s : part.subjects) {
      rollup_table& table = s.of == rollup_part::kind::member ? members_ : s.of == rollup_part::kind::team ? teams_ : units_;
      rollup_sums* const row = table.row(table.subject(s.known, s.id));
      for (std::size_t i = 0; i < width; ++i) add_sums(row[i], part.rows[s.first + i]);
    }
  }

  /// Counts `findings` and appends the rows to `out`: members, then teams, then
  /// units, then the county. With `hand_on`, the rows are handed to it a block
  /// at a time instead, and `out` is not touched.
  void finish(const std::vector<finding>& findings, std::vector<rollup>& out, const rollup_handoff* hand_on = nullptr) {
    count_findings(findings);

    // The rows, in order: each table's pieces (members, then teams, then units),
    // then the county's.
    struct piece {
      const rollup_table* table;
      subject_kind kind;
      std::size_t k;
    };
    std::vector<piece> pieces;
    for (const auto& [table, kind] : {std::pair{&members_, subject_kind::member}, std::pair{&teams_, subject_kind::team},
                                      std::pair{&units_, subject_kind::unit}}) {
      table->ready();
      for (std::size_t k = 0; k < table->pieces(); ++k) pieces.push_back({table, kind, k});
    }
    const county& c = ctx_.data;
    // Calls put(kind, id, item, sums) for each row of pieces[i].
    const auto each_row_of = [&](std::size_t i, auto&& put) {
      const piece& p = pieces[i];
      const auto named = [&](const std::string& id, const std::string& item, const rollup_sums& x) {
        put(p.kind, id, item, x);
      };
      switch (p.kind) {
        case subject_kind::member:
          return p.table->each_row_of(p.k, [&](std::size_t s) -> const std::string& { return c.members[s].id; }, items_, named);
        case subject_kind::team:
          return p.table->each_row_of(p.k, [&](std::size_t s) -> const std::string& { return c.teams[s].id; }, items_, named);
        default:
          return p.table->each_row_of(p.k, [&](std::size_t s) -> const std::string& { return c.units[s].id; }, items_, named);
      }
    };
    // The county's row is there even when nothing was owed or found.
    const auto county_rows = [&](auto&& put) {
      put(subject_kind::county, c.id, no_item(), county_items_[0]);
      for (std::size_t i = 1; i <= items_.size(); ++i)
        if (county_items_[i].used()) put(subject_kind::county, c.id, items_[i - 1], county_items_[i]);
    };
    const money_settings& m = ctx_.rules.money;

    const unsigned threads = ctx_.threads;
    if (hand_on != nullptr) {
      // Handed on: a block a piece (some 20,000 rows, 1 MB of CSV), then the
      // county's, each made and rendered on the threads, a few ahead of the
      // one handed on (15 M rows, 840 MB of CSV, for 3 M members).
      struct block {
        std::vector<rollup> rows;
        std::string text;
      };
      const auto make = [&](std::size_t i, unsigned) {
        block b;
        const auto put = [&](subject_kind kind, const std::string& id, const std::string& item, const rollup_sums& x) {
          fill_rollup(b.rows.emplace_back(), kind, id, item, x, m);
        };
        if (i < pieces.size())
          each_row_of(i, put);
        else
          county_rows(put);
        if (hand_on->render && !b.rows.empty()) hand_on->render(b.rows, b.text);
        return b;
      };
      ordered_pipeline<block>(
          threads, pieces.size() + 1, 2 * std::size_t{threads} + 1, make,
          [&](std::size_t, block& b) {
            if (!b.rows.empty()) hand_on->take(b.rows, b.text);
          });
      return;
    }
    // Kept: each piece's rows counted, then written in place, the pieces on the
    // evaluation's threads (some 500,000 rows for 100 k members, placed once).
    std::vector<std::size_t> at(pieces.size() + 1, out.size());
    parallel_for(threads, pieces.size(), [&](std::size_t i, unsigned) {
      std::size_t n = 0;
      each_row_of(i, [&](subject_kind, const std::string&, const std::string&, const rollup_sums&) { ++n; });
      at[i + 1] = n;
    });
    std::partial_sum(at.begin(), at.end(), at.begin());
    std::size_t county_count = 0;
    county_rows([&](subject_kind, const std::string&, const std::string&, const rollup_sums&) { ++county_count; });
    reserve_huge(out, at.back() + county_count);
    // The fresh memory is faulted in on every thread, a part at a time, eight
    // parts a thread: one part can cost several times another (memory the host
    // must first find for the virtual machine), and with a part a thread one
    // thread was seen waiting 15 ms of a 100 k-member county's 25 ms for the
    // other. Then the rows are made empty on this one and written on the threads.
    std::byte* const fresh = reinterpret_cast<std::byte*>(out.data()) + out.size() * sizeof(rollup);
    const std::size_t fresh_bytes = (at.back() + county_count - out.size()) * sizeof(rollup);
    const std::size_t parts = std::size_t{threads} * 8;
    parallel_for(threads, parts, [&](std::size_t part, unsigned) { populate_now(fresh, fresh_bytes, part, parts); });
    out.resize(at.back() + county_count);
    const auto fill_from = [&](std::size_t first) {
      return [&m, to = out.begin() + static_cast<std::ptrdiff_t>(first)](subject_kind kind, const std::string& id,
                                                                        const std::string& item, const rollup_sums& x) mutable {
        fill_rollup(*to++, kind, id, item, x, m);
      };
    };
    parallel_for(threads, pieces.size(), [&](std::size_t i, unsigned) { each_row_of(i, fill_from(at[i])); });
    county_rows(fill_from(at.back()));
  }

 private:
  /// Counts each finding in the county's rows and in its member's or team's
  /// and its unit's, by item when its rule pays one. The ids are looked up on
  /// the evaluation's threads, a chunk of findings at a time, and counted on
  /// this one in order: looked up one by one here, 2 M findings (3 M members)
  /// held a thread some 1.5 s while the other had little to do.
  void count_findings(const std::vector<finding>& findings) {
    constexpr std::size_t chunk = 8192;
    struct found {
      std::size_t item = 0;  // the slot of the finding's item; 0: none
      std::optional<std::size_t> subject, unit;  // the county's index of the member or team, and of the unit
    };
    const auto look_up = [&](std::size_t k, unsigned) {
      std::vector<found> made(std::min(chunk, findings.size() - k * chunk));
      // Findings come by rule, then subject: a subject's often follow one another.
      const finding* last = nullptr;
      for (std::size_t i = 0; i < made.size(); ++i) {
        const finding& f = findings[k * chunk + i];
        found& x = made[i];
        const auto it = rule_item_.find(f.rule);
        x.item = it == rule_item_.end() ? 0 : it->second;
        if (last != nullptr && last->subject == f.subject && same_id(last->subject_id, f.subject_id))
          x.subject = made[i - 1].subject;
        else if (f.subject == subject_kind::member)
          x.subject = ctx_.index.member(f.subject_id);
        else if (f.subject == subject_kind::team)
          x.subject = ctx_.index.team(f.subject_id);
        if (!f.responsible_unit.empty())
          x.unit = last != nullptr && same_id(last->responsible_unit, f.responsible_unit) ? made[i - 1].unit
                                                                                        : ctx_.index.unit(f.responsible_unit);
        last = &f;
      }
      return made;
    };
    const auto count = [&](std::size_t k, std::vector<found>& made) {
      for (std::size_t i = 0; i < made.size(); ++i) {
        const finding& f = findings[k * chunk + i];
        const found& x = made[i];
        add_finding(county_items_[0], f);
        if (x.item != 0) add_finding(county_items_[x.item], f);
        if (f.subject == subject_kind::member) members_.count(members_.subject(x.subject, f.subject_id), x.item, f);
        if (f.subject == subject_kind::team) teams_.count(teams_.subject(x.subject, f.subject_id), x.item, f);
        if (!f.responsible_unit.empty()) units_.count(units_.subject(x.unit, f.responsible_unit), x.item, f);
      }
    };
    const unsigned threads = ctx_.threads;
    ordered_pipeline<std::vector<found>>(threads, (findings.size() + chunk - 1) / chunk, 2 * std::size_t{threads} + 1,
                                         look_up, count);
  }

  /// Gathers one block's sums into a part: the payment groups of each
  /// subject's run of entitlements, then each entitlement added to its
  /// member's, team's, paying unit's and the county's rows, by item and for
  /// all items.
  class gatherer {
   public:
    explicit gatherer(const rollup_builder& b) : b_(b), width_(b.items_.size() + 1) {
      part.county.resize(width_);
    }

    void add(std::span<const entitlement> block) {
      const std::size_t rule_count = b_.ctx_.rules.rules.size();
      const entitlement* run_subject = nullptr;
      std::optional<date> last_day;  // the last slice's first day, with its year and month
      boost::gregorian::date::ymd_type last_ymd(2000, 1, 1);
      for (const entitlement& e : block) {
        if (run_subject != nullptr &&
            (e.subject != run_subject->subject || !same_id(e.subject_id, run_subject->subject_id)))
          flush();
        run_subject = &e;
        const allowance_slot* a = allowance_of(e);
        const std::size_t rule = a != nullptr ? a->rule : rule_count;
        const std::size_t item = a != nullptr ? a->item_slot : b_.item_slot_.at(e.item);
        long period = static_cast<long>(e.slice.first.day_number());  // a rule the policy lacks: its own group
        if (a != nullptr) {
          if (!last_day || e.slice.first != *last_day) {
            last_day = e.slice.first;
            last_ymd = e.slice.first.year_month_day();
          }
          period = a->monthly ? last_ymd.year * 12L + last_ymd.month - 1 : static_cast<long>(last_ymd.year);
        }
        // The group is most often the last one or one close to it (slices come by date, then rule).
        auto g = std::find_if(groups_.rbegin(), groups_.rend(),
                              [&](const payment_group& x) { return x.rule == rule && x.period == period; });
        if (g == groups_.rend()) {
          groups_.push_back({rule, period, money{}, money{}, nullptr});
          g = groups_.rbegin();
        }
        g->owed += e.amount;
        if (e.paid) {
          g->paid += *e.paid;
          g->payer = &e;
        }
        run_.push_back({&e, static_cast<std::size_t>(groups_.rend() - g) - 1, item});
      }
      flush();
    }

    rollup_part part;

   private:
    struct run_entry {
      const entitlement* e;
      std::size_t group;
      std::size_t item;
    };
    /// A subject's rows in the part, remembering the last id asked: entitlements
    /// come grouped by member, so most rows repeat the previous row's subjects.
    struct subjects_of {
      rollup_part::kind of;
      id_finder find;
      std::unordered_map<std::size_t, std::size_t> known{};
      std::map<std::string, std::size_t, std::less<>> unknown{};
      std::string last_id{};
      std::size_t last = 0;
      bool has_last = false;
    };

    /// Entitlements of one subject and slice come in rule order: try the rule
    /// after the last one found first, then the others (a handful at most). An
    /// entitlement's item is its rule's.
    const allowance_slot* allowance_of(const entitlement& e) {
      const std::vector<allowance_slot>& all = b_.allowances_;
      for (std::size_t k = 0; k < all.size(); ++k) {
        const allowance_slot& a = all[(hint_ + k) % all.size()];
        if (same_id(a.id, e.rule)) {
          hint_ = (hint_ + k + 1) % all.size();
          return &a;
        }
      }
      return nullptr;
    }

    /// Where the rows of `id` start in the part, added on first sight.
    std::size_t rows_of(subjects_of& s, const std::string& id) {
      if (s.has_last && same_id(id, s.last_id)) return s.last;
      const std::optional<std::size_t> known = (b_.ctx_.index.*s.find)(id);
      std::size_t* at = nullptr;
      if (known) {
        at = &s.known.try_emplace(*known, part.rows.size()).first->second;
      } else {
        auto it = s.unknown.find(id);
        if (it == s.unknown.end()) it = s.unknown.emplace(id, part.rows.size()).first;
        at = &it->second;
      }
      if (*at == part.rows.size()) {
        part.subjects.push_back({s.of, known, known ? std::string() : id, *at});
        part.rows.resize(part.rows.size() + width_);
      }
      s.last_id = id;
      s.last = *at;
      s.has_last = true;
      return *at;
    }

    /// Adds one subject's entitlements, their payment groups gathered, to their rows:
    /// summed first by the pair of team and unit they name (a member's year has
    /// one, or a few), each pair's sums then added once to the county's, the
    /// member's, the team's and the unit's rows.
    void flush() {
      if (run_.empty()) return;
      // A run is one subject's: a member's rows are looked up once.
      const entitlement& first = *run_.front().e;
      constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
      const std::size_t member = first.subject == subject_kind::member ? rows_of(members_, first.subject_id) : none;
      pairs_.clear();
      run_sums_.clear();
      std::size_t at = 0;  // the pair of the last entry, in pairs_
      for (const run_entry& entry : run_) {
        const entitlement& e = *entry.e;
        const auto same_pair = [&](const entitlement* p) { return same_id(e.team, p->team) && same_id(e.unit, p->unit); };
        if (pairs_.empty() || !same_pair(pairs_[at])) {
          at = static_cast<std::size_t>(std::find_if(pairs_.begin(), pairs_.end(), same_pair) - pairs_.begin());
          if (at == pairs_.size()) {
            pairs_.push_back(&e);
            run_sums_.resize(run_sums_.size() + width_);
          }
        }
        const payment_group& group = groups_[entry.group];
        const bool payer = group.payer == &e;
        for (const std::size_t slot : {std::size_t{0}, entry.item}) {
          rollup_sums& x = run_sums_[at * width_ + slot];
          x.owed += e.amount;
          count_one(x.entitlements);
          if (group.payer == nullptr) continue;
          count_one(x.recorded);
          if (!payer) continue;
          x.paid += group.paid;
          if (group.paid < group.owed) x.shortfall += group.owed - group.paid;
        }
      }
      // In the order the pairs came, so that teams and units are first seen as entry by entry.
      for (std::size_t p = 0; p < pairs_.size(); ++p) {
        const rollup_sums* sums = run_sums_.data() + p * width_;
        const auto into = [&](rollup_sums* row) {
          for (std::size_t slot = 0; slot < width_; ++slot)
            if (sums[slot].entitlements > 0) add_sums(row[slot], sums[slot]);
        };
        into(part.county.data());
        if (member != none) into(&part.rows[member]);
        if (!pairs_[p]->team.empty()) into(&part.rows[rows_of(teams_, pairs_[p]->team)]);
        if (!pairs_[p]->unit.empty()) into(&part.rows[rows_of(units_, pairs_[p]->unit)]);
      }
      run_.clear();
      groups_.clear();
    }

    const rollup_builder& b_;
    std::size_t width_;
    std::size_t hint_ = 0;
    subjects_of members_{rollup_part::kind::member, &county_index::member};
    subjects_of teams_{rollup_part::kind::team, &county_index::team};
    subjects_of units_{rollup_part::kind::unit, &county_index::unit};
    std::vector<payment_group> groups_;  // the current subject's
    std::vector<run_entry> run_;
    std::vector<const entitlement*> pairs_;  // the run's pairs of team and unit: an entitlement naming each
    std::vector<rollup_sums> run_sums_;      // by pair, then item slot: the run's sums
  };

  const eval_context& ctx_;
  std::vector<std::string> items_;
  std::unordered_map<std::string_view, std::size_t> item_slot_;  // item → slot (1-based: 0 is all items)
  std::vector<allowance_slot> allowances_;
  std::unordered_map<std::string_view, std::size_t> rule_item_;
  rollup_table members_, teams_, units_;
  std::vector<rollup_sums> county_items_;
};

/// Fills `res.rollups` from `res.entitlements` and `res.findings` at once: the
/// items of `res.totals`, then any other an entitlement names, by name.
inline void evaluate_rollups(const eval_context& ctx, results& res) {
  std::vector<std::string> items;
  for (const item_total& t : res.totals) items.push_back(t.item);
  const auto listed = [](const std::vector<std::string>& list, const std::string& item) {
    return std::any_of(list.begin(), list.end(), [&](const std::string& x) { return same_id(x, item); });
  };
  std::vector<std::string> others;
  for (const entitlement& e : res.entitlements)
    if (!listed(items, e.item) && !listed(others, e.item)) others.push_back(e.item);
  std::sort(others.begin(), others.end());
  items.insert(items.end(), others.begin(), others.end());

  rollup_builder rollups(ctx, std::move(items));
  rollups.add(res.entitlements);
  res.rollups.clear();
  rollups.finish(res.findings, res.rollups);
}

}  // namespace rulebook::detail
