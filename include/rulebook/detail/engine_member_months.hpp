// Internal: the member-month allowances as a columnar batch, and the allowance
// stage that runs them (`evaluate_allowances`).
//
// The period's member-months become rows of columns (`member_month_batch`),
// month by month: every member's rows of the first month, then of the second,
// … — so that the parameters a rule reads are one value for a whole month's
// rows, unless a value changes inside the month. Each member-month rule then
// runs its `when:` and `amount:` kernels (engine_batch.hpp) over chunks of a
// month's rows and finishes each row's amount (weighting and rounding) in one
// loop. A month in which a value the rule reads changes, and any row whose
// arithmetic failed, go through the row-at-a-time path (`allowance_evaluator`),
// which gives the same amount or raises the error with the rule and subject
// named. Entitlements are then made in the order `results` keeps them (member,
// month, slice, rule): the only allocations are the batch's columns and the
// entitlements themselves, none per row in the kernels.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <span>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "rulebook/detail/engine_allowance.hpp"
#include "rulebook/detail/engine_batch.hpp"
#include "rulebook/detail/engine_context.hpp"
#include "rulebook/detail/engine_rollup.hpp"
#include "rulebook/detail/emplace.hpp"
#include "rulebook/detail/huge_pages.hpp"
#include "rulebook/detail/parallel.hpp"

namespace rulebook::detail {

inline constexpr std::uint32_t no_row = 0xffffffffu;

/// The member-months of a period for the members [first_member, last_member) as
/// columns, month by month, each member's rows of a month in the order of its
/// stretches of service (one row per team served in that month). Evaluation
/// makes one batch per block of members, so that what it holds stays the same
/// size however large the county.
struct member_month_batch {
  struct block {
    year_month month;
    date_range range;  // the month ∩ the period
    std::size_t begin = 0, end = 0;
  };
  std::vector<block> blocks;
  std::vector<std::uint32_t> member, team;
  std::vector<date_range> slice;       // the days of the row: its stretch ∩ the month ∩ the period
  std::vector<std::int32_t> slice_days;  // days in `slice`
  std::vector<std::int32_t> served;    // the member's days of service in the month, all rows together
  std::vector<month_records::row> record;
  std::vector<std::vector<std::int64_t>> columns;  // per slot read, raw; empty for the rest
  std::size_t month_count = 0;
  std::size_t first_member = 0, last_member = 0;
  std::vector<std::uint32_t> first_row;  // [(member − first_member) × month_count + k]: its first row, or no_row
  std::vector<std::uint32_t> row_count;  // [(member − first_member) × month_count + k]

  [[nodiscard]] std::size_t size() const noexcept { return member.size(); }
  /// Where member `m`'s rows of the k-th month start (no_row when it has none), and how many.
  [[nodiscard]] std::uint32_t first_row_of(std::size_t m, std::size_t k) const noexcept {
    return first_row[(m - first_member) * month_count + k];
  }
  [[nodiscard]] std::uint32_t rows_of(std::size_t m, std::size_t k) const noexcept {
    return row_count[(m - first_member) * month_count + k];
  }

  /// Every member's member-months.
  member_month_batch(const eval_context& ctx, const allowance_plan& plan, const month_table& months)
      : member_month_batch(ctx, plan, months, 0, ctx.data.members.size()) {}

  member_month_batch(const eval_context& ctx, const allowance_plan& plan, const month_table& months,
                     std::size_t first, std::size_t last) {
    build(ctx, plan, months, first, last);
  }
  member_month_batch() = default;

  /// Makes this the batch of members [first, last), reusing the memory of the
  /// batch it was (an evaluation builds one per block, each on a thread's own batch).
  void build(const eval_context& ctx, const allowance_plan& plan, const month_table& months, std::size_t first,
             std::size_t last) {
    first_member = first;
    last_member = last;
    blocks.clear();
    for (auto* v : {&member, &team}) v->clear();
    for (auto* v : {&slice_days, &served}) v->clear();
    slice.clear();
    record.clear();
    const county& c = ctx.data;
    for (const year_month ym : ctx.evaluated.months())
      if (const auto range = overlap({ym.first_day(), ym.last_day()}, ctx.evaluated.range))
        blocks.push_back({ym, *range, 0, 0});
    month_count = blocks.size();
    first_row.assign((last - first) * month_count, no_row);
    row_count.assign((last - first) * month_count, 0);
    for (std::size_t k = 0; k < blocks.size(); ++k) {
      block& b = blocks[k];
      b.begin = member.size();
      for (std::size_t m = first; m < last; ++m) {
        const int days = ctx.index.days_served(m, b.range);
        if (days == 0) continue;
        const month_records::row rec = months.at(m, b.month);
        const std::size_t at = (m - first) * month_count + k;
        for (const served_stretch& s : ctx.index.service_of(m)) {
          const std::optional<date_range> part = overlap(s.range, b.range);
          if (!part) continue;
          if (first_row[at] == no_row) first_row[at] = static_cast<std::uint32_t>(member.size());
          ++row_count[at];
          member.push_back(static_cast<std::uint32_t>(m));
          team.push_back(static_cast<std::uint32_t>(s.team));
          slice.push_back(*part);
          slice_days.push_back(part->days());
          served.push_back(days);
          record.push_back(rec);
        }
      }
      b.end = member.size();
    }
    fill_columns(c, plan);
  }

 private:
  void fill_columns(const county& c, const allowance_plan& plan) {
    const std::size_t rows = size();
    columns.resize(plan.slot_count);
    const auto& in = plan.inputs;
    const auto fill = [&](std::size_t slot, auto f) {
      if (slot == no_slot || !plan.member_month_reads[slot]) return;
      std::vector<std::int64_t>& col = columns[slot];
      col.resize(rows);
      for (const block& b : blocks)
        for (std::size_t i = b.begin; i < b.end; ++i) col[i] = f(i, b);
    };
    constexpr std::int64_t one = decimal::one;
    fill(in.days_in_village, [&](std::size_t i, const block&) { return record[i] ? record[i].days_in_village() * one : 0; });
    fill(in.round_trips, [&](std::size_t i, const block&) { return record[i] ? record[i].round_trips() * one : 0; });
    fill(in.days_away_on_duty, [&](std::size_t i, const block&) { return record[i] ? record[i].days_away_on_duty() * one : 0; });
    fill(in.days_in_month, [&](std::size_t, const block& b) { return b.month.days() * one; });
    fill(in.days_in_period, [&](std::size_t, const block& b) { return b.month.days() * one; });
    fill(in.days_served, [&](std::size_t i, const block&) { return served[i] * one; });
    fill(in.distance_km, [&](std::size_t i, const block&) { return c.teams[team[i]].distance_km.raw(); });
    fill(in.role, [&](std::size_t i, const block&) { return static_cast<std::int64_t>(c.members[member[i]].role); });
    fill(in.period_start, [&](std::size_t i, const block&) { return static_cast<std::int64_t>(slice[i].first.day_number()); });
    fill(in.period_end, [&](std::size_t i, const block&) { return static_cast<std::int64_t>(slice[i].last.day_number()); });
  }
};

/// What one member-month rule owes on each row of the batch: the raw amount,
/// rounded as the policy says, or `not_owed` where `when:` does not hold. Every
/// row is written once, so the column starts uninitialised.
struct rule_column {
  static constexpr std::int64_t not_owed = raw_min;  // never a valid amount
  std::unique_ptr<std::int64_t[]> amount;
  std::size_t size = 0;
  std::size_t capacity = 0;

  explicit rule_column(std::size_t rows) { resize(rows); }
  /// Makes it `rows` long, its old memory kept when large enough; contents unspecified.
  void resize(std::size_t rows) {
    if (rows > capacity) {
      amount.reset(new std::int64_t[rows]);
      capacity = rows;
    }
    size = rows;
  }
  [[nodiscard]] bool owed(std::size_t row) const noexcept { return amount[row] != not_owed; }
  [[nodiscard]] std::span<const std::int64_t> amounts() const noexcept { return {amount.get(), size}; }
};

/// The chunk-constant values of the parameters `a` reads in `b`, or nothing when
/// one is not the same on every day of the month (or has no value): the month then
/// goes through the row-at-a-time path, which splits it or names what is missing.
inline bool month_scalars(const planned_allowance& a, const member_month_batch::block& b, std::vector<std::int64_t>& scalars) {
  if (a.changes_inside(b.range)) return false;
  const std::size_t segment = a.segment_on(b.range.first);
  for (std::size_t j = 0; j < a.params.size(); ++j) {
    const allowance_parameter& p = a.params[j];
    const std::optional<value> v =
        p.first_day ? p.param->slot_value_on(b.month.first_day()) : a.segment_values[segment * a.params.size() + j];
    if (!v) return false;
    scalars[p.slot] = value_access::raw(*v);
  }
  return true;
}

/// What a rule's kernels computed for one chunk of rows.
struct chunk_results {
  std::size_t begin = 0, n = 0;  // the chunk's rows in the batch
  const std::int64_t* when = nullptr;  // `when:` per row, or nullptr when the rule has none
  const std::int64_t* amount = nullptr;
  const std::uint8_t* when_error = nullptr;
  const std::uint8_t* amount_error = nullptr;
};

/// Finishes a chunk's amounts as `finish_amount` does: weighted by the slice's
/// days over the days served (or over the month's days when prorated), rounded
/// once to a multiple of `Unit` by `Mode`. Rows to compute again on the
/// row-at-a-time path (a failure, an overflow) go to `redo`.
template <rounding Mode, std::int64_t Unit>
void finish_rows(const chunk_results& c, bool prorated, std::int64_t days_in_month, const member_month_batch& batch,
                 rule_column& col, std::vector<std::size_t>& redo) {
  // The fast path, for a chunk with no failure and no amount near the range's
  // end (|amount| < 2^58, so that × 31 days and the rounding cannot overflow,
  // and |amount × days| + the divisor < 2^63, as div_round_bounded needs):
  // no check per row.
  std::uint8_t failed = 0;
  std::int64_t largest = 0;
  for (std::size_t j = 0; j < c.n; ++j) {
    failed |= c.when_error[j] | c.amount_error[j];
    const std::int64_t a = c.amount[j];
    largest |= a < 0 ? -a : a;  // an upper bound of the bits in use
  }
  if (failed == 0 && largest < (std::int64_t{1} << 58)) {
    const std::int32_t* served = batch.served.data() + c.begin;
    const std::int32_t* days = batch.slice_days.data() + c.begin;
    std::int64_t* out = col.amount.get() + c.begin;
    for (std::size_t j = 0; j < c.n; ++j) {
      const std::int64_t den = prorated ? days_in_month : served[j];
      const std::int64_t w = days[j];
      // The slice is every day the amount is for (nearly every row): round it; else weight it.
      const std::int64_t r = w == den ? div_round_bounded<Mode>(c.amount[j], Unit) * Unit
                                      : div_round_bounded<Mode>(c.amount[j] * w, den * Unit) * Unit;
      out[j] = c.when != nullptr && c.when[j] == 0 ? rule_column::not_owed : r;
    }
    return;
  }
  for (std::size_t j = 0; j < c.n; ++j) {
    const std::size_t i = c.begin + j;
    if (c.when_error[j]) [[unlikely]] {
      redo.push_back(i);
      continue;
    }
    if (c.when != nullptr && c.when[j] == 0) {
      col.amount[i] = rule_column::not_owed;
      continue;
    }
    const std::int64_t den = prorated ? days_in_month : batch.served[i];
    const std::int64_t w = batch.slice_days[i];
    std::int64_t weighted = c.amount[j];
    std::int64_t rounded = 0;
    if (c.amount_error[j] || (w != den && (__builtin_mul_overflow(c.amount[j], w, &weighted) || weighted == raw_min)) ||
        __builtin_mul_overflow(w == den ? div_round(weighted, Unit, Mode) : div_round(weighted, den * Unit, Mode), Unit,
                               &rounded) ||
        rounded == raw_min) [[unlikely]] {
      redo.push_back(i);  // raises the failure with the rule and member named
      continue;
    }
    col.amount[i] = rounded;
  }
}

using finish_function = void (*)(const chunk_results&, bool, std::int64_t, const member_month_batch&, rule_column&,
                                 std::vector<std::size_t>&);

template <rounding Mode>
finish_function finisher_for(int scale) {
  switch (scale) {
    case 0: return &finish_rows<Mode, 10000>;
    case 1: return &finish_rows<Mode, 1000>;
    case 2: return &finish_rows<Mode, 100>;
    case 3: return &finish_rows<Mode, 10>;
    default: return &finish_rows<Mode, 1>;
  }
}

/// `finish_rows` for a rounding mode and scale, so that the divisions in its
/// loop are by constants.
inline finish_function finisher(rounding mode, int scale) {
  return with_rounding(mode, [&](auto m) { return finisher_for<decltype(m)::value>(scale); });
}

/// One thread's working space for the kernels.
struct kernel_worker {
  batch_scratch scratch;
  std::vector<const std::int64_t*> columns;
  std::vector<std::int64_t> when = std::vector<std::int64_t>(batch_rows), amount = std::vector<std::int64_t>(batch_rows);
  std::vector<std::uint8_t> when_error = std::vector<std::uint8_t>(batch_rows),
                            amount_error = std::vector<std::uint8_t>(batch_rows);
  std::vector<std::size_t> redo;
  allowance_evaluator fallback;

  kernel_worker(const allowance_plan& plan, const allowance_evaluator& shared) : columns(plan.slot_count), fallback(shared) {
    scratch.reserve(plan.register_count, plan.slot_count);
    redo.reserve(batch_rows);
  }
};

/// Runs every member-month rule of the plan over the batch: chunk by chunk, on
/// `threads` threads, every rule on a chunk before the next, so that a chunk's
/// columns are read from the cache by all but the first rule. Each chunk writes
/// only its own rows: the result does not depend on the number of threads.
/// Their columns go to `out`, whose memory is reused.
inline void run_member_month_rules(const eval_context& ctx, const allowance_plan& plan, const member_month_batch& batch,
                                   const allowance_evaluator& shared, unsigned threads, std::vector<rule_column>& out) {
  const county& c = ctx.data;
  const finish_function finish = finisher(ctx.rules.money.mode, entitlement_scale(ctx.rules.money));
  const std::size_t rules = plan.member_month.size();
  while (out.size() > rules) out.pop_back();
  for (rule_column& col : out) col.resize(batch.size());
  while (out.size() < rules) out.emplace_back(batch.size());

  // Per month and rule: the parameters' values, or that the month goes row by row.
  const std::size_t blocks = batch.blocks.size();
  std::vector<std::int64_t> scalars(blocks * rules * plan.slot_count, 0);
  std::vector<std::uint8_t> batched(blocks * rules);
  std::vector<std::int64_t> one(plan.slot_count);
  for (std::size_t b = 0; b < blocks; ++b)
    for (std::size_t k = 0; k < rules; ++k) {
      batched[b * rules + k] = month_scalars(plan.rules[plan.member_month[k]], batch.blocks[b], one);
      std::copy(one.begin(), one.end(), scalars.begin() + static_cast<std::ptrdiff_t>((b * rules + k) * plan.slot_count));
    }
  struct chunk {
    std::size_t block, begin, n;
  };
  std::vector<chunk> chunks;
  for (std::size_t b = 0; b < blocks; ++b)
    for (std::size_t begin = batch.blocks[b].begin; begin < batch.blocks[b].end; begin += batch_rows)
      chunks.push_back({b, begin, std::min(batch_rows, batch.blocks[b].end - begin)});

  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(chunks.size(), 1))));
  std::vector<kernel_worker> workers;
  workers.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) workers.emplace_back(plan, shared);

  parallel_for(threads, chunks.size(), [&](std::size_t task, unsigned worker) {
    kernel_worker& w = workers[worker];
    const chunk& ch = chunks[task];
    const member_month_batch::block& b = batch.blocks[ch.block];
    for (std::size_t s = 0; s < plan.slot_count; ++s)
      w.columns[s] = batch.columns[s].empty() ? nullptr : batch.columns[s].data() + ch.begin;
    for (std::size_t k = 0; k < rules; ++k) {
      const planned_allowance& a = plan.rules[plan.member_month[k]];
      const auto by_row = [&](std::size_t i) {
        const std::optional<money> owed = w.fallback.member_month_row(a, c.members[batch.member[i]], b.month, batch.record[i],
                                                                      batch.served[i], c.teams[batch.team[i]], batch.slice[i]);
        out[k].amount[i] = owed ? owed->raw() : rule_column::not_owed;
      };
      if (!batched[ch.block * rules + k]) {
        for (std::size_t i = ch.begin; i < ch.begin + ch.n; ++i) by_row(i);
        continue;
      }
      const batch_inputs inputs{w.columns, std::span<const std::int64_t>(scalars).subspan(
                                               (ch.block * rules + k) * plan.slot_count, plan.slot_count)};
      std::fill_n(w.when_error.begin(), ch.n, std::uint8_t{0});
      std::fill_n(w.amount_error.begin(), ch.n, std::uint8_t{0});
      if (!a.when_kernel.empty()) a.when_kernel.run(ch.n, inputs, w.scratch, w.when.data(), w.when_error.data());
      a.amount_kernel.run(ch.n, inputs, w.scratch, w.amount.data(), w.amount_error.data());
      finish({ch.begin, ch.n, a.when_kernel.empty() ? nullptr : w.when.data(), w.amount.data(), w.when_error.data(),
              w.amount_error.data()},
             a.body->prorate == proration::days_served, b.month.days(), batch, out[k], w.redo);
      for (const std::size_t i : w.redo) by_row(i);
      w.redo.clear();
    }
  });
}

inline std::vector<rule_column> run_member_month_rules(const eval_context& ctx, const allowance_plan& plan,
                                                       const member_month_batch& batch, const allowance_evaluator& shared,
                                                       unsigned threads = 1) {
  std::vector<rule_column> out;
  run_member_month_rules(ctx, plan, batch, shared, threads, out);
  return out;
}

/// Entitlements made for a range of members, with what `allowance_evaluator`
/// records beside them.
struct made_entitlements {
  std::vector<entitlement> list;
  std::vector<std::size_t> subjects, rule_of;
  std::vector<allowance_evaluator::payment_check> payments;  // `entitlement` indexes `list`
  std::string text;  // `list` rendered by a sink that renders, on the thread that made it

  /// Empties it, keeping its memory for the next block.
  void clear() noexcept {
    list.clear();
    subjects.clear();
    rule_of.clear();
    payments.clear();
    text.clear();
  }
};

/// How a sink that renders turns a block of entitlements into text (see
/// `entitlement_sink::render`); called on any thread.
using block_renderer = std::function<void(std::span<const entitlement>, std::string&)>;

/// The member-month entitlements of members [first_member, last_member), from
/// the batch's rule columns, in the order `results` keeps them, and the items
/// paid short.
inline void member_month_entitlements(const eval_context& ctx, const allowance_plan& plan, const member_month_batch& batch,
                                      const std::vector<rule_column>& cols, std::size_t first_member,
                                      std::size_t last_member, made_entitlements& made) {
  const county& c = ctx.data;
  const std::size_t rules = plan.member_month.size();
  std::vector<money> owed(rules);
  std::vector<std::size_t> last(rules);
  std::vector<entitlement>& out = made.list;
  // At most one entitlement per rule and row: reserved once, so that none is moved as the list grows.
  // The lists are a block's, used again for later blocks (see `evaluate_allowances`), which differ in
  // size a little: one that must move takes a quarter more than this block needs, so that it seldom
  // moves again. Each move takes memory fresh from the system (a block's list is some 3.6 MB; the
  // pages not written to cost nothing), and two threads keep some seven lists in use where one keeps one.
  // (A county of one block cut over the threads makes lists apart that are not used again: the quarter
  // is address space only.)
  std::size_t rows = 0;
  for (std::size_t m = first_member; m < last_member; ++m)
    for (std::size_t k = 0; k < batch.month_count; ++k) rows += batch.rows_of(m, k);
  const std::size_t room = out.size() + rows * rules;
  reserve_huge_with_spare(out, room);
  reserve_huge_with_spare(made.subjects, room);
  reserve_huge_with_spare(made.rule_of, room);
  for (std::size_t m = first_member; m < last_member; ++m) {
    const member& who = c.members[m];
    for (std::size_t k = 0; k < batch.month_count; ++k) {
      const std::uint32_t first = batch.first_row_of(m, k);
      if (first == no_row) continue;
      const std::uint32_t count = batch.rows_of(m, k);
      std::fill(owed.begin(), owed.end(), money{});
      std::fill(last.begin(), last.end(), no_slot);
      for (std::uint32_t i = first; i < first + count; ++i) {
        const team& t = c.teams[batch.team[i]];
        for (std::size_t r = 0; r < rules; ++r) {
          if (!cols[r].owed(i)) continue;
          const planned_allowance& a = plan.rules[plan.member_month[r]];
          const money amount = money::from_raw(cols[r].amount[i]);
          owed[r] += amount;
          last[r] = out.size();
          // Made from every field, each text copied once (110 M entitlements for 3 M members).
          emplace_aggregate(out, a.source->id, a.body->item, subject_kind::member, who.id, t.id,
                            ctx.responsible_unit(*a.source, &who, &t), batch.slice[i], amount, std::nullopt);
          made.subjects.push_back(m);
          made.rule_of.push_back(plan.member_month[r]);
        }
      }
      allowance_evaluator::settle_month(ctx.rules.money, batch.record[first], plan.member_month, owed, last,
                                        batch.slice[first].first, out, made.payments);
    }
  }
}

/// Appends `from` to `to`, its payments pointing at their entitlements' new places.
inline void append(made_entitlements& to, made_entitlements&& from) {
  const std::size_t offset = to.list.size();
  if (offset == 0) {
    to = std::move(from);
    return;
  }
  to.list.insert(to.list.end(), std::make_move_iterator(from.list.begin()), std::make_move_iterator(from.list.end()));
  to.subjects.insert(to.subjects.end(), from.subjects.begin(), from.subjects.end());
  to.rule_of.insert(to.rule_of.end(), from.rule_of.begin(), from.rule_of.end());
  for (allowance_evaluator::payment_check p : from.payments) {
    p.entitlement += offset;
    to.payments.push_back(p);
  }
}

/// The member-month entitlements of the batch's members, appended to `made`, on
/// `threads` threads: on one, straight into it; on more, the members cut into
/// ranges, each range's entitlements made apart, then appended in order.
inline void member_month_entitlements(const eval_context& ctx, const allowance_plan& plan,
                                      const member_month_batch& batch, const std::vector<rule_column>& cols,
                                      unsigned threads, made_entitlements& made) {
  const std::size_t first = batch.first_member, members = batch.last_member - batch.first_member;
  if (threads <= 1) {
    member_month_entitlements(ctx, plan, batch, cols, first, batch.last_member, made);
    return;
  }
  const std::size_t parts = std::max<std::size_t>(1, std::min<std::size_t>(members, std::size_t{threads} * 8));
  std::vector<made_entitlements> made_apart(parts);
  parallel_for(threads, parts, [&](std::size_t part, unsigned) {
    member_month_entitlements(ctx, plan, batch, cols, first + members * part / parts, first + members * (part + 1) / parts,
                              made_apart[part]);
  });
  for (made_entitlements& part : made_apart) append(made, std::move(part));
}

/// Members evaluated together: each block's member-months are batched, run and
/// made into entitlements, then handed on and dropped, so that the allowance
/// stage holds a block's rows at a time, not the county's. 512 members are about
/// 6,000 member-months, whose entitlements (some 3.6 MB, little more than a
/// core's L2) and columns are reused from block to block and are still in the
/// caches while they are made, summed and handed on; with two threads up to
/// seven blocks are held at once. At 2,048 members a block's list was 14 MB: the
/// seven took some 100 MB of memory fresh from the system in every evaluation,
/// and two threads of a 104 k-member county spent 10–20 % more CPU than one (at
/// 512, 0–7 %).
inline constexpr std::size_t members_per_block = 512;

/// Runs every allowance rule: hands the entitlements to `consume` (called as
/// `consume(std::vector<entitlement>& block)`, on the calling thread, and it may
/// move from the block; or as `consume(block, text)`, with the text `render`
/// made of the block on the thread that made it) a block of members at a time,
/// then a block of as many teams at a time, in the order `results` keeps them — by subject (members,
/// then teams, in county order), then slice, then rule; a subject's
/// entitlements are never split between blocks. Appends the findings for items paid short and the totals by
/// item to `r`. `block_members` is the block's size (tests make it small).
/// `side(j, worker)` for j in [0, sides) is other work of the evaluation, which
/// does not read what this stage makes: it runs on the same threads, between
/// blocks (see `ordered_pipeline`), and is done when this returns. With
/// `rollups`, each block's roll-up sums are gathered on the thread that made it
/// (`rollup_builder::part_of`) and added to `rollups` in order, before `consume`.
/// `findings_after`, called once the side work is done, says how many findings
/// the caller will append after these, so that `r.findings` is placed once.
template <class Consume, class Side = no_side_work>
void evaluate_allowances(const eval_context& ctx, results& r, Consume&& consume,
                         std::size_t block_members = members_per_block, std::size_t sides = 0, const Side& side = {},
                         const block_renderer* render = nullptr, rollup_builder* rollups = nullptr,
                         const std::function<std::size_t()>* findings_after = nullptr) {
  const allowance_plan& plan = ctx.prog.allowances();
  if (plan.rules.empty()) {
    parallel_for(ctx.threads, sides, side);
    return;
  }
  allowance_evaluator run(ctx, plan);

  std::vector<item_total> totals(plan.items.size());
  for (std::size_t i = 0; i < plan.items.size(); ++i) totals[i].item = plan.items[i];
  // Items paid short, by rule, each rule's in the order rows were visited; their
  // findings are made at the end, straight into `r.findings`.
  std::vector<std::vector<paid_short>> short_paid(plan.rules.size());

  // A block's entitlements with what they add to the totals and the findings:
  // made on any thread, then handed on in order on the calling one.
  struct settled {
    made_entitlements made;
    std::vector<std::pair<money, money>> totals;  // owed, paid by item
    std::vector<paid_short> short_paid;
    rollup_part rollup;  // with `rollups`: the block's roll-up sums
  };
  const auto settle = [&](made_entitlements&& made) {
    settled s{std::move(made), std::vector<std::pair<money, money>>(plan.items.size()), {}, {}};
    for (std::size_t i = 0; i < s.made.list.size(); ++i) {
      auto& [owed, paid] = s.totals[plan.rules[s.made.rule_of[i]].item_index];
      owed += s.made.list[i].amount;
      if (s.made.list[i].paid) paid += *s.made.list[i].paid;
    }
    for (const allowance_evaluator::payment_check& check : s.made.payments)
      s.short_paid.push_back(
          paid_short::of(ctx, check, s.made.list[check.entitlement], s.made.subjects[check.entitlement]));
    if (render != nullptr && !s.made.list.empty()) (*render)(s.made.list, s.made.text);
    if (rollups != nullptr) s.rollup = rollups->part_of(s.made.list);
    return s;
  };
  const auto hand_on = [&](settled& s) {
    for (std::size_t i = 0; i < totals.size(); ++i) {
      totals[i].owed += s.totals[i].first;
      totals[i].paid += s.totals[i].second;
    }
    for (const paid_short& p : s.short_paid) short_paid[p.rule].push_back(p);
    if (rollups != nullptr) rollups->merge(s.rollup);
    if (s.made.list.empty()) return;
    if constexpr (std::is_invocable_v<Consume&, std::vector<entitlement>&, std::string_view>)
      consume(s.made.list, std::string_view(s.made.text));
    else
      consume(s.made.list);
  };
  // What a row-at-a-time evaluator made, taken from it.
  const auto taken = [](allowance_evaluator& from, std::vector<entitlement>&& list) {
    made_entitlements made{std::move(list), std::move(from.subjects), std::move(from.rule_of), std::move(from.payments), {}};
    from.subjects.clear();
    from.rule_of.clear();
    from.payments.clear();
    return made;
  };

  // Blocks are made on the evaluation's threads, each whole on one of them
  // (with an evaluator of its own), and handed on in order; a county of a
  // single block cuts that block's work over the threads instead.
  const std::size_t members = ctx.data.members.size();
  block_members = std::max<std::size_t>(block_members, 1);
  const std::size_t block_count = (members + block_members - 1) / block_members;
  // The teams' years follow, in blocks of as many teams: a list of every
  // team's was 400 MB at 3 M members.
  const std::size_t teams = ctx.data.teams.size();
  const std::size_t team_blocks = plan.team_year.empty() ? 0 : (teams + block_members - 1) / block_members;
  const std::size_t tasks = block_count + team_blocks;
  const unsigned threads = static_cast<unsigned>(std::min<std::size_t>(ctx.threads, std::max<std::size_t>(tasks + sides, 1)));
  const unsigned inner_threads = block_count > 1 ? 1u : ctx.threads;
  {  // the blocks: what they hold is freed before the findings are made
    std::vector<std::unique_ptr<allowance_evaluator>> helpers;  // worker w > 0 uses helpers[w − 1]
    for (unsigned w = 1; w < threads; ++w) helpers.push_back(std::make_unique<allowance_evaluator>(run));

    // Each thread's batch and columns, and the lists of entitlements handed on,
    // are used again for the next block: a block's list is some 3.6 MB, and
    // memory taken afresh from the system costs a page fault every 20 entitlements.
    struct workspace {
      member_month_batch batch;
      std::vector<rule_column> cols;
    };
    std::vector<workspace> spaces(threads);
    std::mutex spare_lock;
    std::vector<made_entitlements> spare;
    const auto take_spare = [&] {
      const std::lock_guard<std::mutex> hold(spare_lock);
      if (spare.empty()) return made_entitlements{};
      made_entitlements m = std::move(spare.back());
      spare.pop_back();
      return m;
    };
    const auto give_back = [&](made_entitlements&& m) {
      m.clear();
      const std::lock_guard<std::mutex> hold(spare_lock);
      spare.push_back(std::move(m));
    };

    const auto make_block = [&](std::size_t block, unsigned worker) {
      allowance_evaluator& mine = worker == 0 ? run : *helpers[worker - 1];
      workspace& space = spaces[worker];
      const std::size_t first = block * block_members, last = std::min(members, first + block_members);
      made_entitlements made = take_spare();
      if (!plan.member_month.empty()) {
        space.batch.build(ctx, plan, mine.months(), first, last);
        run_member_month_rules(ctx, plan, space.batch, mine, inner_threads, space.cols);
        member_month_entitlements(ctx, plan, space.batch, space.cols, inner_threads, made);
      }
      if (plan.member_year.empty()) return settle(std::move(made));
      // By member, then slice, then rule: the members' years go among their months.
      std::vector<entitlement> year_list;
      mine.member_years(plan.member_year, year_list, nullptr, nullptr, first, last);
      append(made, taken(mine, std::move(year_list)));
      const auto key = [&](std::size_t i) {
        return std::tuple(made.subjects[i], made.list[i].slice.first, plan.rules[made.rule_of[i]].rule_index);
      };
      std::vector<std::size_t> order(made.list.size());
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return key(x) < key(y); });
      made_entitlements sorted = take_spare();
      sorted.list.reserve(order.size());
      std::vector<std::size_t> position(order.size());
      for (const std::size_t i : order) {
        position[i] = sorted.list.size();
        sorted.list.push_back(std::move(made.list[i]));
        sorted.subjects.push_back(made.subjects[i]);
        sorted.rule_of.push_back(made.rule_of[i]);
      }
      sorted.payments = std::move(made.payments);
      for (allowance_evaluator::payment_check& p : sorted.payments) p.entitlement = position[p.entitlement];
      give_back(std::move(made));
      return settle(std::move(sorted));
    };
    const auto make_team_block = [&](std::size_t block, unsigned worker) {
      allowance_evaluator& mine = worker == 0 ? run : *helpers[worker - 1];
      const std::size_t first = block * block_members, last = std::min(teams, first + block_members);
      std::vector<entitlement> list;
      mine.team_years(plan.team_year, list, nullptr, nullptr, first, last);
      return settle(taken(mine, std::move(list)));
    };
    // Up to 2 × threads + 1 blocks ahead of the one handed on: with fewer, a
    // thread that finished two blocks while another made a slow one waited
    // (some 4 % of two threads' time at 100 k members).
    ordered_pipeline<settled>(threads, tasks, 2 * std::size_t{threads} + 1,
                              [&](std::size_t i, unsigned worker) {
                                return i < block_count ? make_block(i, worker) : make_team_block(i - block_count, worker);
                              },
                              [&](std::size_t, settled& s) {
                                hand_on(s);
                                give_back(std::move(s.made));
                              }, sides, side);
  }
  // What a large county's blocks freed goes back to the system before the
  // findings are made.
  if (large_county(members)) release_free_memory();

  // Kept unrounded, the amounts are rounded once in their totals.
  if (ctx.rules.money.round_at != money_settings::stage::item)
    for (item_total& t : totals) t.owed = as_paid(ctx.rules.money, t.owed);
  // Findings: by rule order, then subject and slice (the order rows were visited
  // in), made in pieces on the evaluation's threads (each makes its message).
  struct piece {
    const paid_short* first;
    const paid_short* last;
    std::size_t at;  // in r.findings
  };
  constexpr std::size_t findings_per_piece = 4096;
  std::vector<piece> pieces;
  std::size_t at = r.findings.size();
  for (const std::vector<paid_short>& list : short_paid)
    for (std::size_t i = 0; i < list.size(); i += findings_per_piece) {
      const std::size_t n = std::min(findings_per_piece, list.size() - i);
      pieces.push_back({list.data() + i, list.data() + i + n, at});
      at += n;
    }
  r.findings.reserve(at + (findings_after != nullptr ? (*findings_after)() : 0));
  r.findings.resize(at);
  parallel_for(ctx.threads, pieces.size(), [&](std::size_t k, unsigned) {
    std::size_t to = pieces[k].at;
    for (const paid_short* p = pieces[k].first; p != pieces[k].last; ++p) r.findings[to++] = p->make(ctx, plan);
  });
  std::vector<std::vector<paid_short>>().swap(short_paid);
  for (item_total& t : totals) r.totals.push_back(std::move(t));
}

/// About how many entitlements an evaluation makes, from above: one per
/// member-month rule for each month of each stretch of service, and two per
/// year for each member-year and team-year rule and subject (a year split where
/// a value changes, or a member who moves twice, can make more).
[[nodiscard]] inline std::size_t expected_entitlements(const allowance_plan& plan, const county& c, const period& p) {
  const auto month_index = [](date d) { return static_cast<long>(d.year()) * 12 + static_cast<long>(d.month()); };
  std::size_t stretch_months = 0;
  if (!plan.member_month.empty())
    for (const member& m : c.members)
      for (const service_interval& s : m.service)
        if (const auto o = overlap(s.to ? date_range{s.from, *s.to} : date_range::from(s.from), p.range))
          stretch_months += static_cast<std::size_t>(month_index(o->last) - month_index(o->first) + 1);
  const std::size_t years = static_cast<std::size_t>(p.range.last.year() - p.range.first.year() + 1);
  return stretch_months * plan.member_month.size() +
         2 * years * (c.members.size() * plan.member_year.size() + c.teams.size() * plan.team_year.size());
}

/// Blocks of entitlements moved, as they come, into one list reserved
/// beforehand for the whole evaluation (`expected_entitlements`; should more
/// come, the list grows as any vector does): each entitlement moves once, and
/// a block's memory is free for the next block. Keeping the blocks and joining
/// them at the end held every entitlement twice, and the join — 730 MB written
/// on one thread for 100 k members — was a third of the evaluation.
class kept_entitlements {
 public:
  explicit kept_entitlements(std::size_t expected) {
    reserve_huge(list_, expected);
  }
  void add(std::vector<entitlement>& block) {
    list_.insert(list_.end(), std::make_move_iterator(block.begin()), std::make_move_iterator(block.end()));
  }
  [[nodiscard]] std::vector<entitlement> take() { return std::move(list_); }

 private:
  std::vector<entitlement> list_;
};

/// `evaluate_allowances`, keeping every entitlement in `r.entitlements`.
inline void evaluate_allowances(const eval_context& ctx, results& r) {
  kept_entitlements kept(expected_entitlements(ctx.prog.allowances(), ctx.data, ctx.evaluated));
  evaluate_allowances(ctx, r, [&](std::vector<entitlement>& block) { kept.add(block); });
  std::vector<entitlement> made = kept.take();
  r.entitlements.insert(r.entitlements.end(), std::make_move_iterator(made.begin()), std::make_move_iterator(made.end()));
}

}  // namespace rulebook::detail
