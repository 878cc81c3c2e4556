// Internal: the allowance rules planned (`allowance_plan`, built once by
// `compile` and kept in the `program`), and the row-at-a-time evaluator of them.
//
// The plan: per rule, the slots of its inputs and of the parameters it reads,
// the days on which a value it reads changes, the values in force between those
// days read ahead, and for member-month rules the batch kernels of `when:` and
// `amount:` (engine_batch.hpp). The batch (engine_member_months.hpp) runs
// member-month rules over columns; the row-at-a-time `allowance_evaluator` here
// runs member-year and team-year rules, the member-month rows the batch leaves
// to it (a month in which a value read changes, a row whose arithmetic failed),
// and `explain`, with a trace.
//
// Amounts: the month (or year) is split where a value the rule reads changes
// (`within_month: first_day` money-per-month values excepted: they take the
// month's first-day value), the amount is evaluated once per piece and weighted
// by the member's days of service in the piece over those in the month; the sum
// is kept exact (Σ amount × days, an integer number of ten-thousandths) and
// divided and rounded once. With `prorate: days_served` the weight's denominator
// becomes the days of the month (or year): Σ aᵢ·dᵢ / S × S / D = Σ aᵢ·dᵢ / D.
//
// Rounding (`money.round_at`): `item` rounds each entitlement to `money.scale`
// with `money.rounding`; `member_month` and `total` keep entitlements at four
// places and round the sums (the totals here; per member-month and per subject
// in the roll-ups). A payment is compared with what is owed as paying rounds it.
//
// Thread safety: the plan is immutable; an evaluator belongs to one evaluation.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "rulebook/detail/engine_batch.hpp"
#include "rulebook/detail/engine_context.hpp"
#include "rulebook/expr.hpp"
#include "rulebook/model.hpp"
#include "rulebook/money.hpp"
#include "rulebook/period.hpp"
#include "rulebook/policy.hpp"
#include "rulebook/result.hpp"

namespace rulebook {
class program;
}

namespace rulebook::detail {

inline constexpr std::size_t no_slot = std::numeric_limits<std::size_t>::max();

/// The slots of the inputs an allowance reads, looked up by name once.
struct allowance_input_slots {
  std::size_t days_in_village = no_slot, round_trips = no_slot, days_away_on_duty = no_slot,
              days_in_month = no_slot, days_served = no_slot, days_in_period = no_slot, distance_km = no_slot,
              role = no_slot, team_members = no_slot, period_start = no_slot, period_end = no_slot;

  explicit allowance_input_slots(const scope& names) {
    const auto slot = [&](std::string_view n) { return names.find(n) ? names.slot_of(n) : no_slot; };
    days_in_village = slot("days_in_village");
    round_trips = slot("round_trips");
    days_away_on_duty = slot("days_away_on_duty");
    days_in_month = slot("days_in_month");
    days_served = slot("days_served");
    days_in_period = slot("days_in_period");
    distance_km = slot("distance_km");
    role = slot("role");
    team_members = slot("team_members");
    period_start = slot("period_start");
    period_end = slot("period_end");
  }
};

/// A parameter an allowance reads, with its slot.
struct allowance_parameter {
  const parameter* param = nullptr;
  std::size_t slot = no_slot;
  bool first_day = false;  // a yuan/month value that holds for the whole month from its first day
};

/// One allowance rule, planned for evaluation.
struct planned_allowance {
  const rule* source = nullptr;
  const allowance_rule* body = nullptr;
  std::size_t rule_index = 0;  // in policy::rules
  std::size_t item_index = 0;  // in results::totals, as this stage orders them
  std::vector<allowance_parameter> params;
  std::vector<date> changes;  // days on which a value read (not first_day) takes effect, sorted, unique
  std::vector<std::optional<value>> segment_values;  // [segment × params + j]: params[j] in the segment
  batch_kernel when_kernel, amount_kernel;  // member-month rules: the expressions over chunks of rows

  /// Whether a value `a` reads changes on a day of `range` after its first.
  [[nodiscard]] bool changes_inside(const date_range& range) const {
    const auto it = std::upper_bound(changes.begin(), changes.end(), range.first);
    return it != changes.end() && *it <= range.last;
  }
  /// The segment (index into `segment_values`) that holds on `day`.
  [[nodiscard]] std::size_t segment_on(date day) const {
    return static_cast<std::size_t>(std::upper_bound(changes.begin(), changes.end(), day) - changes.begin());
  }
};

/// The texts a `role` column's codes stand for: code = index.
inline constexpr std::string_view role_vocabulary[] = {"member", "leader", "first_secretary"};
static_assert(std::size(role_vocabulary) == enum_names<member_role>().size());

/// Every allowance rule of a policy, planned; the input slots; the items in order.
struct allowance_plan {
  allowance_input_slots inputs;
  std::vector<planned_allowance> rules;
  std::vector<std::string> items;  // by rule order of each item's first rule
  std::vector<std::size_t> member_month, member_year, team_year;  // indices into `rules`, by `per:`
  std::size_t slot_count = 0;
  std::vector<slot_role> roles;         // per slot: an input (a column) or a parameter (a scalar)
  std::vector<bool> member_month_reads; // per slot: read by a member-month rule
  std::size_t register_count = 0;       // the most registers a member-month kernel needs

  explicit allowance_plan(const policy& p) : inputs(p.names), slot_count(p.names.size()) {
    roles.resize(slot_count, slot_role::column);
    member_month_reads.resize(slot_count, false);
    for (std::size_t s = 0; s < slot_count; ++s)
      if (p.find_parameter(p.names.entries()[s].name) != nullptr) roles[s] = slot_role::scalar;
    for (std::size_t i = 0; i < p.rules.size(); ++i) {
      const rule& r = p.rules[i];
      const auto* body = std::get_if<allowance_rule>(&r.body);
      if (body == nullptr) continue;
      planned_allowance a;
      a.source = &r;
      a.body = body;
      a.rule_index = i;
      const auto it = std::find(items.begin(), items.end(), body->item);
      a.item_index = static_cast<std::size_t>(it - items.begin());
      if (it == items.end()) items.push_back(body->item);
      const auto add_reads = [&](const expression& e) {
        for (const std::size_t s : e.slots_used()) {
          const scope::entry& entry = p.names.entries()[s];
          const parameter* param = p.find_parameter(entry.name);
          if (param == nullptr) continue;  // an input
          if (std::any_of(a.params.begin(), a.params.end(), [&](const auto& q) { return q.slot == s; })) continue;
          const bool first_day = param->unit == parameter_unit::yuan_per_month &&
                                 param->in_month == within_month::first_day;
          a.params.push_back({param, s, first_day});
          if (first_day && body->per == allowance_basis::member_month) continue;
          for (const dated_value& v : param->values) a.changes.push_back(v.since);
        }
      };
      if (body->when) add_reads(*body->when);
      add_reads(body->amount);
      std::sort(a.changes.begin(), a.changes.end());
      a.changes.erase(std::unique(a.changes.begin(), a.changes.end()), a.changes.end());
      // Segment k runs from changes[k-1] to the day before changes[k]; segment 0,
      // before any value, has none. Reading a value is then an index, not a search.
      a.segment_values.resize((a.changes.size() + 1) * a.params.size());
      for (std::size_t k = 1; k <= a.changes.size(); ++k)
        for (std::size_t j = 0; j < a.params.size(); ++j)
          a.segment_values[k * a.params.size() + j] = a.params[j].param->slot_value_on(a.changes[k - 1]);
      if (body->per == allowance_basis::member_month) {
        if (body->when) a.when_kernel = batch_kernel(*body->when, roles, role_vocabulary);
        a.amount_kernel = batch_kernel(body->amount, roles, role_vocabulary);
        for (const batch_kernel* k : {&a.when_kernel, &a.amount_kernel})
          if (!k->empty()) register_count = std::max(register_count, k->register_count());
        for (const expression* e : {body->when ? &*body->when : nullptr, &body->amount})
          if (e != nullptr)
            for (const std::size_t s : e->slots_used()) member_month_reads[s] = true;
      }
      (a.body->per == allowance_basis::member_month ? member_month : a.body->per == allowance_basis::member_year
                                                                         ? member_year
                                                                         : team_year)
          .push_back(rules.size());
      rules.push_back(std::move(a));
    }
  }
};

/// What an explanation records while an amount is computed again.
struct allowance_trace {
  std::vector<std::string> lines;
};

/// Σ amountᵢ × daysᵢ over the pieces of a slice, exact.
struct piece_sum {
  money weighted;     // in yuan × days
  bool owed = false;  // `when:` held in at least one piece with days served
  int pieces = 0;
  int days = 0;  // days served in the pieces where it is owed
  money last;    // the last piece's amount
};

inline value number_value(std::int64_t n) { return value::of(decimal::from_int(n)); }

inline std::string money_text(const money& m, int scale) { return money_text(m.raw(), scale); }

[[noreturn]] inline void throw_no_value(const parameter& p, date day) {
  throw evaluation_error("parameter '" + p.id + "' has no value in force on " + to_string(day));
}

/// Evaluates `a` over `slice`, split where a value it reads changes. Inputs other
/// than the parameters are already in `slots`. `served(range)` gives the days of
/// service inside a piece (the weight); `month_first` is the month's first day for
/// member-month rules (the day `first_day` values are read on). With `trace`,
/// records each piece, the values read and the arithmetic.
template <class Served>
piece_sum sum_pieces(const planned_allowance& a, std::span<value> slots, const date_range& slice,
                     std::optional<date> month_first, const Served& served, allowance_trace* trace) {
  piece_sum out;
  auto change = std::upper_bound(a.changes.begin(), a.changes.end(), slice.first);
  date start = slice.first;
  while (true) {
    const bool split = change != a.changes.end() && *change <= slice.last;
    const date last = split ? *change - boost::gregorian::days(1) : slice.last;
    const date_range piece{start, last};
    const int days = served(piece);
    if (days > 0) {
      const auto segment = static_cast<std::size_t>(change - a.changes.begin());
      for (std::size_t j = 0; j < a.params.size(); ++j) {
        const allowance_parameter& p = a.params[j];
        if (p.first_day && month_first) {
          std::optional<value> v = p.param->slot_value_on(*month_first);
          if (!v) v = p.param->slot_value_on(start);  // first valued inside the month
          if (!v) throw_no_value(*p.param, start);
          slots[p.slot] = *v;
        } else {
          const std::optional<value>& v = a.segment_values[segment * a.params.size() + j];
          if (!v) throw_no_value(*p.param, start);
          slots[p.slot] = *v;
        }
      }
      ++out.pieces;
      bool holds = true;
      if (a.body->when) {
        if (trace) {
          std::vector<std::string> steps;
          holds = a.body->when->evaluate_explained(slots, steps).as_bool();
          trace->lines.push_back("  when: " + a.body->when->text() + " → " + (holds ? "true" : "false"));
          for (std::string& s : steps) trace->lines.push_back("    " + std::move(s));
        } else {
          holds = a.body->when->evaluate(slots).as_bool();
        }
      }
      if (holds) {
        money amount;
        if (trace) {
          trace->lines.push_back("  piece " + to_string(piece.first) + ".." + to_string(piece.last) + ": " +
                                 std::to_string(days) + " day(s) served");
          for (const allowance_parameter& p : a.params) {
            const date on = p.first_day && month_first ? *month_first : start;
            const dated_value* entry = p.param->entry_on(on);
            if (entry == nullptr) entry = p.param->entry_on(start);
            std::string line = "    parameter " + p.param->id + " = " + slots[p.slot].to_string() + " " +
                               std::string(to_string(p.param->unit));
            if (entry) line += ", in force since " + to_string(entry->since);
            if (p.first_day && month_first) line += " (within_month: first_day — the value on the month's first day)";
            line += p.param->county_choice ? "; " : "; source: ";  // a county choice's text says so itself
            line += p.param->source;
            trace->lines.push_back(std::move(line));
          }
          std::vector<std::string> steps;
          amount = a.body->amount.evaluate_explained(slots, steps).as_money();
          trace->lines.push_back("    amount: " + a.body->amount.text());
          for (std::string& s : steps) trace->lines.push_back("      " + std::move(s));
          trace->lines.push_back("    = " + amount.to_string());
        } else {
          amount = a.body->amount.evaluate(slots).as_money();
        }
        out.last = amount;
        out.weighted += amount * static_cast<std::int64_t>(days);
        out.days += days;
        out.owed = true;
      } else if (trace) {
        trace->lines.push_back("  piece " + to_string(piece.first) + ".." + to_string(piece.last) +
                               ": nothing owed (when: is false)");
      }
    }
    if (!split) break;
    start = *change;
    ++change;
  }
  return out;
}

/// The places an entitlement keeps: the policy's scale when it rounds each item,
/// else all four (the sum is rounded later, per member-month or in the totals).
inline int entitlement_scale(const money_settings& m) noexcept {
  return m.round_at == money_settings::stage::item ? m.scale : 4;
}

/// An amount as paying it would round it: entitlements kept unrounded (a policy
/// that rounds per member-month or in the totals) are rounded to its scale.
inline money as_paid(const money_settings& m, const money& owed) { return owed.round(m.scale, m.mode); }

/// The amount owed: Σ aᵢ·dᵢ / served (or / days of the period when prorated),
/// rounded once as the policy says.
inline money finish_amount(const planned_allowance& a, const policy& p, const piece_sum& sum, int served,
                           int days_in_period, allowance_trace* trace) {
  const bool prorated = a.body->prorate == proration::days_served;
  const int den = prorated ? days_in_period : served;
  const int scale = entitlement_scale(p.money);
  // One piece covering every day served, not prorated (nearly every row): the
  // weighting is a × S / S, so round the piece's amount without dividing.
  if (!trace && sum.pieces == 1 && sum.days == den) return sum.last.round(scale, p.money.mode);
  const money amount = sum.weighted.mul_div(1, den, p.money.mode, scale);
  if (trace) {
    const money exact = sum.weighted.mul_div(1, den, rounding::half_even, 4);
    if (sum.pieces > 1)
      trace->lines.push_back("pieces weighted by their days served: Σ amount × days = " + sum.weighted.to_string());
    if (prorated) {
      trace->lines.push_back("prorate: days_served — × " + std::to_string(served) + " days served / " +
                             std::to_string(days_in_period) + " days in the period: " + sum.weighted.to_string() +
                             " / " + std::to_string(den) + " = " + exact.to_string());
    } else if (sum.pieces > 1 || sum.days != served) {
      trace->lines.push_back("divided by the " + std::to_string(served) + " days served: " +
                             sum.weighted.to_string() + " / " + std::to_string(den) + " = " + exact.to_string());
    }
    if (p.money.round_at == money_settings::stage::item) {
      trace->lines.push_back("rounding: " + exact.to_string() + " → " + amount.to_string(p.money.scale) + " (" +
                             std::string(to_string(p.money.mode)) + " to " + std::to_string(p.money.scale) +
                             " decimal place(s), at each item)");
    } else {
      trace->lines.push_back("rounding: none here — the policy rounds at " +
                             std::string(p.money.round_at == money_settings::stage::total ? "the totals"
                                                                                          : "each member-month's sum") +
                             " (" + std::string(to_string(p.money.mode)) + " to " + std::to_string(p.money.scale) +
                             " decimal place(s)); kept as " + amount.to_string());
    }
  }
  return amount;
}

/// The days of `range` on which at least one member serves in a team, from the
/// team's merged service intervals.
inline int team_days(std::span<const date_range> merged, const date_range& range) {
  int days = 0;
  for (const date_range& m : merged) days += days_overlapping(m, range);
  return days;
}

/// The union of a team's members' service, as disjoint sorted ranges (found
/// through the index's members of the team, so one team costs only its own).
inline std::vector<date_range> team_presence(const county_index& index, std::size_t team) {
  std::vector<date_range> ranges;
  for (const std::size_t m : index.members_in(team))
    for (const served_stretch& s : index.service_of(m))
      if (s.team == team) ranges.push_back(s.range);
  std::sort(ranges.begin(), ranges.end(), [](const date_range& x, const date_range& y) { return x.first < y.first; });
  std::vector<date_range> merged;
  for (const date_range& r : ranges) {
    if (!merged.empty() && r.first <= merged.back().last + boost::gregorian::days(1)) {
      merged.back().last = std::max(merged.back().last, r.last);
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

/// The month records of the period, by member and month: found among the
/// member's records as the index groups them (a dozen a year), which holds
/// nothing per member-month.
class month_table {
 public:
  month_table(const county& c, const county_index& index, const period& p)
      : first_(year_month::of(p.first())), last_(year_month::of(p.last())), index_(&index), records_(&c.months) {}
  /// The record of `member` for `ym` (of several, the last in the county's list), or no row.
  [[nodiscard]] month_records::row at(std::size_t member, year_month ym) const noexcept {
    if (ym < first_ || last_ < ym) return {};
    month_records::row found;
    for (const std::uint32_t i : index_->records_of(member))
      if (const month_records::row r = (*records_)[i]; r.month() == ym) found = r;
    return found;
  }

 private:
  year_month first_, last_;  // the period's
  const county_index* index_;
  const month_records* records_;
};

inline std::optional<money> paid_for(const month_records::row& r, std::string_view item) {
  if (!r) return std::nullopt;
  return r.paid_for(item);
}

inline date_range year_range(int y) {
  return {make_date(y, 1, 1), make_date(y, 12, 31)};
}

inline int days_in_year(int y) { return is_leap_year(y) ? 366 : 365; }

/// Which row an entitlement came from, so that `explain` can compute it again.
struct allowance_row {
  std::size_t member = no_slot;  // member index, or no_slot for a team row
  std::size_t team = no_slot;
  date_range slice;
};

/// Runs planned allowance rules over the rows of the period. Rows are visited
/// subject by subject, slice by slice, and every rule of a basis is evaluated on
/// a row before the next: the inputs are set once per row, and entitlements come
/// out in the order results keep them. Shared by `evaluate_allowances` and
/// `explain` (which passes one rule and `only` to compute one row again, with a trace).
class allowance_evaluator {
 public:
  /// An item paid short of what it answers for (a month's slices together).
  struct payment_check {
    std::size_t entitlement;  // the entitlement carrying `paid`
    std::size_t rule;         // index into the plan's rules
    money owed;
    date_range slice;         // the days the payment is for
  };

  allowance_evaluator(const eval_context& ctx, const allowance_plan& plan)
      : ctx_(ctx), plan_(plan), months_(ctx.data, ctx.index, ctx.evaluated), slots_(plan.slot_count) {
    init_months();
  }

  /// Another evaluator over the same evaluation, reading the same month records
  /// (one per thread: an evaluator's slots are its own).
  allowance_evaluator(const allowance_evaluator& other)
      : ctx_(other.ctx_), plan_(other.plan_), months_(other.months_), slots_(plan_.slot_count) {
    init_months();
  }
  allowance_evaluator& operator=(const allowance_evaluator&) = delete;

 private:
  void init_months() {
    for (const year_month ym : ctx_.evaluated.months())
      if (const auto range = overlap({ym.first_day(), ym.last_day()}, ctx_.evaluated.range)) month_ranges_.push_back({ym, *range});
  }

 public:
  std::vector<payment_check> payments;  // items paid short, in the order rows were visited
  std::vector<std::size_t> subjects;  // per entitlement appended: the member's or team's index
  std::vector<std::size_t> rule_of;   // per entitlement appended: its rule's index in the plan

  /// Every member-month rule of `rules` (indices into the plan), for every member.
  void member_months(std::span<const std::size_t> rules, std::vector<entitlement>& out,
                     const allowance_row* only = nullptr, allowance_trace* trace = nullptr) {
    if (rules.empty()) return;
    const county& c = ctx_.data;
    owed_.assign(rules.size(), money{});
    last_.assign(rules.size(), no_slot);
    for (std::size_t m = only ? only->member : 0; m < (only ? only->member + 1 : c.members.size()); ++m) {
      const member& who = c.members[m];
      const auto stretches = ctx_.index.service_of(m);
      if (stretches.empty()) continue;
      for (const auto& [ym, month] : month_ranges_) {
        if (only && !month.contains(only->slice.first)) continue;
        const int served = ctx_.index.days_served(m, month);
        if (served == 0) continue;
        const month_records::row rec = months_.at(m, ym);
        set_member_month(who, ym, rec, served);
        std::fill(owed_.begin(), owed_.end(), money{});
        std::fill(last_.begin(), last_.end(), no_slot);
        date month_first_served = month.last;
        for (const served_stretch& s : stretches) {
          const std::optional<date_range> slice = overlap(s.range, month);
          if (!slice) continue;
          month_first_served = std::min(month_first_served, slice->first);
          if (only && slice->first != only->slice.first) continue;
          const team& t = c.teams[s.team];
          set_slice(t, *slice);
          for (std::size_t k = 0; k < rules.size(); ++k) {
            const planned_allowance& a = plan_.rules[rules[k]];
            trace_inputs(a, trace);
            const std::optional<money> owed = member_month_amount(a, who, ym, *slice, served, trace);
            if (!owed) continue;
            const money amount = *owed;
            owed_[k] += amount;
            last_[k] = out.size();
            out.push_back(entitlement{a.source->id, a.body->item, subject_kind::member, who.id, t.id,
                             ctx_.responsible_unit(*a.source, &who, &t), *slice, amount, std::nullopt});
            subjects.push_back(m);
            rule_of.push_back(rules[k]);
          }
        }
        settle_month(ctx_.rules.money, rec, rules, owed_, last_, month_first_served, out, payments);
      }
    }
  }

  /// Records a member's payments of one month: the month record's payment is
  /// for the whole month, so it goes, once, with each rule's last slice of the
  /// month (a member who moved team has two), and an item paid short of what
  /// the month's slices owe together, as paying rounds it, is noted in
  /// `payments`. `owed[k]` and `last[k]` (the index in `out` of its last
  /// entitlement, or no_slot) are per rule `rules[k]` (indices in the plan).
  static void settle_month(const money_settings& m, const month_records::row& rec, std::span<const std::size_t> rules,
                           std::span<const money> owed, std::span<const std::size_t> last, date first_served,
                           std::vector<entitlement>& out, std::vector<payment_check>& payments) {
    for (std::size_t k = 0; k < rules.size(); ++k) {
      if (last[k] == no_slot) continue;
      entitlement& e = out[last[k]];
      // Set through `emplace` and `reset`: assigning the optional went through the stack, two narrow stores
      // read back as one wide load, which the processor cannot forward (a sixth of making 110 M entitlements).
      const std::optional<money> paid = paid_for(rec, e.item);
      const money due = as_paid(m, owed[k]);  // rounded even when unpaid: it fails where the month's total does
      if (!paid) {
        e.paid.reset();
        continue;
      }
      e.paid.emplace(*paid);
      if (*paid < due) payments.push_back({last[k], rules[k], due, {first_served, e.slice.last}});
    }
  }

  /// One member-month row on the row-at-a-time path: the batch's way for the rows
  /// it does not run itself (a month in which a value read changes, a row whose
  /// arithmetic failed), with the same result, or the same error, as `member_months`.
  std::optional<money> member_month_row(const planned_allowance& a, const member& who, year_month ym,
                                        const month_records::row& rec, int served, const team& t, const date_range& slice) {
    set_member_month(who, ym, rec, served);
    set_slice(t, slice);
    return member_month_amount(a, who, ym, slice, served, nullptr);
  }

  [[nodiscard]] const month_table& months() const noexcept { return months_; }

  /// Every member-year rule of `rules`, for the members [first, last) (every
  /// member by default) and every year of the period.
  void member_years(std::span<const std::size_t> rules, std::vector<entitlement>& out,
                    const allowance_row* only = nullptr, allowance_trace* trace = nullptr, std::size_t first = 0,
                    std::size_t last = no_slot) {
    if (rules.empty()) return;
    const county& c = ctx_.data;
    const auto& in = plan_.inputs;
    if (only) {
      first = only->member;
      last = only->member + 1;
    }
    for (std::size_t m = first; m < std::min(last, c.members.size()); ++m) {
      const member& who = c.members[m];
      const auto stretches = ctx_.index.service_of(m);
      if (stretches.empty()) continue;
      set(in.role, value::of_text(to_string(who.role)));
      for (const int y : ctx_.evaluated.years()) {
        if (only && y != static_cast<int>(only->slice.first.year())) continue;
        const std::optional<date_range> year = overlap(year_range(y), ctx_.evaluated.range);
        if (!year) continue;
        const int served = ctx_.index.days_served(m, *year);
        if (served == 0) continue;
        date_range slice{year->last, year->first};
        for (const served_stretch& s : stretches)
          if (const auto part = overlap(s.range, *year)) {
            slice.first = std::min(slice.first, part->first);
            slice.last = std::max(slice.last, part->last);
          }
        int days = 0, trips = 0, away = 0;
        for (year_month ym = year_month::of(year->first); ym <= year_month::of(year->last); ym = ym.next()) {
          if (const month_records::row rec = months_.at(m, ym)) {
            days += rec.days_in_village();
            trips += rec.round_trips();
            away += rec.days_away_on_duty();
          }
        }
        const auto t = ctx_.index.team_on(m, slice.last);
        const team* tm = t ? &c.teams[*t] : nullptr;
        set(in.days_in_village, number_value(days));
        set(in.round_trips, number_value(trips));
        set(in.days_away_on_duty, number_value(away));
        set(in.days_served, number_value(served));
        set(in.days_in_period, number_value(days_in_year(y)));
        set(in.distance_km, value::of(tm ? tm->distance_km : decimal{}));
        set(in.period_start, value::of(slice.first));
        set(in.period_end, value::of(slice.last));
        for (const std::size_t k : rules) {
          const planned_allowance& a = plan_.rules[k];
          trace_inputs(a, trace);
          // A value that changes inside the year splits it too, each piece weighted
          // by the member's days of service in it.
          const auto served_in = [&](const date_range& piece) { return ctx_.index.days_served(m, piece); };
          const std::optional<money> owed = amount_of(a, who.id, slice, std::nullopt, served_in, served, days_in_year(y), trace);
          if (!owed) continue;
          const money amount = *owed;
          std::optional<money> paid;
          for (year_month ym = year_month::of(year->first); ym <= year_month::of(year->last); ym = ym.next())
            if (const auto p = paid_for(months_.at(m, ym), a.body->item)) paid = paid.value_or(money{}) + *p;
          out.push_back({a.source->id, a.body->item, subject_kind::member, who.id, tm ? tm->id : std::string(),
                         ctx_.responsible_unit(*a.source, &who, tm), slice, amount, paid});
          subjects.push_back(m);
          rule_of.push_back(k);
          if (paid && *paid < as_paid(ctx_.rules.money, amount))
            payments.push_back({out.size() - 1, k, as_paid(ctx_.rules.money, amount), slice});
        }
      }
    }
  }

  /// Every team-year rule of `rules`, for the teams [first, last) (every team
  /// by default) and every year of the period.
  void team_years(std::span<const std::size_t> rules, std::vector<entitlement>& out,
                  const allowance_row* only = nullptr, allowance_trace* trace = nullptr, std::size_t first = 0,
                  std::size_t last = no_slot) {
    if (rules.empty()) return;
    const county& c = ctx_.data;
    const auto& in = plan_.inputs;
    if (only) {
      first = only->team;
      last = only->team + 1;
    }
    for (std::size_t ti = first; ti < std::min(last, c.teams.size()); ++ti) {
      const team& t = c.teams[ti];
      const std::vector<date_range> ranges = team_presence(ctx_.index, ti);
      for (const int y : ctx_.evaluated.years()) {
        if (only && y != static_cast<int>(only->slice.first.year())) continue;
        const std::optional<date_range> year = overlap(year_range(y), ctx_.evaluated.range);
        if (!year) continue;
        const int served = team_days(ranges, *year);
        if (served == 0) continue;
        date_range slice{year->last, year->first};
        for (const date_range& r : ranges)
          if (const auto part = overlap(r, *year)) {
            slice.first = std::min(slice.first, part->first);
            slice.last = std::max(slice.last, part->last);
          }
        int on_last_day = 0;
        for (const std::size_t m : ctx_.index.members_in(ti))
          if (ctx_.index.team_on(m, slice.last) == ti) ++on_last_day;
        // Funds received on any day of the year (within the period) count, also
        // before the team's first member arrived (docs/rule-language.md).
        money paid;
        for (const funds_receipt& f : t.funds_received)
          if (year->contains(f.on)) paid += f.amount;
        set(in.team_members, number_value(on_last_day));
        set(in.days_served, number_value(served));
        set(in.days_in_period, number_value(days_in_year(y)));
        set(in.distance_km, value::of(t.distance_km));
        set(in.period_start, value::of(slice.first));
        set(in.period_end, value::of(slice.last));
        for (const std::size_t k : rules) {
          const planned_allowance& a = plan_.rules[k];
          trace_inputs(a, trace);
          const auto served_in = [&](const date_range& piece) { return team_days(ranges, piece); };
          const std::optional<money> owed = amount_of(a, t.id, slice, std::nullopt, served_in, served, days_in_year(y), trace);
          if (!owed) continue;
          const money amount = *owed;
          out.push_back({a.source->id, a.body->item, subject_kind::team, t.id, t.id,
                         ctx_.responsible_unit(*a.source, nullptr, &t), slice, amount, paid});
          subjects.push_back(ti);
          rule_of.push_back(k);
          if (paid < as_paid(ctx_.rules.money, amount))
            payments.push_back({out.size() - 1, k, as_paid(ctx_.rules.money, amount), slice});
        }
      }
    }
  }

 private:
  void set_member_month(const member& who, year_month ym, const month_records::row& rec, int served) {
    const auto& in = plan_.inputs;
    set(in.role, value::of_text(to_string(who.role)));
    set(in.days_in_village, number_value(rec ? rec.days_in_village() : 0));
    set(in.round_trips, number_value(rec ? rec.round_trips() : 0));
    set(in.days_away_on_duty, number_value(rec ? rec.days_away_on_duty() : 0));
    set(in.days_in_month, number_value(ym.days()));
    set(in.days_in_period, number_value(ym.days()));
    set(in.days_served, number_value(served));
  }

  void set_slice(const team& t, const date_range& slice) {
    const auto& in = plan_.inputs;
    set(in.distance_km, value::of(t.distance_km));
    set(in.period_start, value::of(slice.first));
    set(in.period_end, value::of(slice.last));
  }

  std::optional<money> member_month_amount(const planned_allowance& a, const member& who, year_month ym,
                                           const date_range& slice, int served, allowance_trace* trace) {
    const auto served_in = [](const date_range& piece) { return piece.days(); };
    return amount_of(a, who.id, slice, ym.first_day(), served_in, served, ym.days(), trace);
  }

  /// The amount `a` owes for `slice`, or nothing when `when:` never holds. Errors
  /// of the arithmetic (division by zero, overflow, no value in force) name the
  /// rule and the subject.
  template <class Served>
  std::optional<money> amount_of(const planned_allowance& a, std::string_view subject, const date_range& slice,
                                 std::optional<date> month_first, const Served& served_in, int served,
                                 int days_in_period, allowance_trace* trace) {
    const auto where = [&] {
      return "rule '" + a.source->id + "', " + std::string(subject) + " " + to_string(slice.first) + ".." +
             to_string(slice.last) + ": ";
    };
    try {
      const piece_sum sum = sum_pieces(a, slots_, slice, month_first, served_in, trace);
      if (!sum.owed) return std::nullopt;
      return finish_amount(a, ctx_.rules, sum, served, days_in_period, trace);
    } catch (const money_overflow& e) {
      throw money_overflow(where() + e.what());
    } catch (const money_error& e) {  // division by zero in money arithmetic
      throw evaluation_error(where() + e.what());
    } catch (const evaluation_error& e) {
      throw evaluation_error(where() + e.what());
    }
  }

  void set(std::size_t slot, value v) {
    if (slot != no_slot) slots_[slot] = v;
  }

  void trace_inputs(const planned_allowance& a, allowance_trace* trace) const {
    if (!trace) return;
    const auto entries = ctx_.rules.names.entries();
    const auto list = [&](const expression& e) {
      for (const std::size_t s : e.slots_used()) {
        if (std::any_of(a.params.begin(), a.params.end(), [&](const auto& p) { return p.slot == s; })) continue;
        trace->lines.push_back("input " + entries[s].name + " = " + slots_[s].to_string());
      }
    };
    if (a.body->when) list(*a.body->when);
    list(a.body->amount);
  }

  struct month_range {
    year_month month;
    date_range range;  // the month ∩ the period
  };

  const eval_context& ctx_;
  const allowance_plan& plan_;
  month_table months_;  // a view of the county's records: a few pointers
  std::vector<month_range> month_ranges_;
  std::vector<value> slots_;
  std::vector<money> owed_;        // per rule: owed in the current month, all slices
  std::vector<std::size_t> last_;  // per rule: the current month's last entitlement
};

inline std::string slice_label(const date_range& paid_for, allowance_basis per) {
  if (per == allowance_basis::member_month) return year_month::of(paid_for.first).to_string();
  const int y = static_cast<int>(paid_for.first.year());
  const date_range whole = year_range(y);
  if (paid_for == whole) return std::to_string(y);
  return to_string(paid_for.first) + ".." + to_string(paid_for.last);
}

/// An item paid short, held in 48 bytes until its finding is made (some 500 k
/// at 3 M members, whose findings with their messages took 380 bytes each
/// while the evaluation ran): the finding's subject and unit are read again
/// from the county, as the entitlement had them.
struct paid_short {
  static constexpr std::uint32_t no_team = 0xffffffffu;
  std::uint32_t rule = 0;           // index into the plan's rules
  subject_kind subject = subject_kind::member;
  std::uint32_t subject_index = 0;  // the member's or the team's
  std::uint32_t team = no_team;     // the team the entitlement names
  date_range paid_for;              // the entitlement's slice
  date_range slice;                 // the days the payment is for
  money owed;
  money paid;

  /// The short payment of `e` (the `subject_index`-th member or team), checked as `check` says.
  [[nodiscard]] static paid_short of(const eval_context& ctx, const allowance_evaluator::payment_check& check,
                                     const entitlement& e, std::size_t subject_index) {
    std::uint32_t team = no_team;
    if (!e.team.empty())
      if (const std::optional<std::size_t> t = ctx.index.team(e.team)) team = static_cast<std::uint32_t>(*t);
    return {static_cast<std::uint32_t>(check.rule), e.subject, static_cast<std::uint32_t>(subject_index), team,
            e.slice, check.slice, check.owed, e.paid.value_or(money{})};
  }

  /// The finding, its message "<rule's title> for 2019-03 paid <paid> of <owed> owed: <difference> short".
  [[nodiscard]] finding make(const eval_context& ctx, const allowance_plan& plan) const {
    const planned_allowance& a = plan.rules[rule];
    const county& c = ctx.data;
    const rulebook::member* m = subject == subject_kind::member ? &c.members[subject_index] : nullptr;
    const rulebook::team* t = team != no_team ? &c.teams[team] : nullptr;
    const rule_severity severity = a.source->severity;
    const int scale = ctx.rules.money.scale;
    finding f;
    f.rule = a.source->id;
    f.kind = rule_kind::allowance;
    f.subject = subject;
    f.subject_id = m != nullptr ? m->id : c.teams[subject_index].id;
    f.responsible_unit = ctx.responsible_unit(*a.source, m, t);
    f.severity = severity == rule_severity::advisory ? finding_severity::advisory : finding_severity::violation;
    f.slice = slice;
    f.expected = money_text(owed, scale);
    f.actual = money_text(paid, scale);
    f.message = a.source->title.en + " for " + slice_label(paid_for, a.body->per) + " paid " + f.actual + " of " +
                f.expected + " owed: " + money_text(owed - paid, scale) + " short";
    return f;
  }
};

}  // namespace rulebook::detail

namespace rulebook {

inline std::string explain(const program& prog, const county& c, const results& r, const entitlement& e) {
  const policy& p = prog.rules();
  const rule* found = p.find_rule(e.rule);
  const auto* body = found ? std::get_if<allowance_rule>(&found->body) : nullptr;
  if (body == nullptr) throw std::invalid_argument("explain: '" + e.rule + "' is not an allowance rule of the policy");
  const detail::county_index index(c);
  const detail::eval_context ctx{prog, p, c, r.evaluated, index};
  const detail::allowance_plan& plan = prog.allowances();
  const auto planned = std::find_if(plan.rules.begin(), plan.rules.end(),
                                    [&](const detail::planned_allowance& a) { return a.source == found; });

  detail::allowance_row row;
  row.slice = e.slice;
  if (e.subject == subject_kind::member) {
    const auto m = index.member(e.subject_id);
    if (!m) throw std::invalid_argument("explain: no member '" + e.subject_id + "' in the county");
    row.member = *m;
  } else {
    const auto t = index.team(e.subject_id);
    if (!t) throw std::invalid_argument("explain: no team '" + e.subject_id + "' in the county");
    row.team = *t;
  }

  detail::allowance_trace trace;
  std::vector<entitlement> again;
  detail::allowance_evaluator run(ctx, plan);
  const std::size_t one[] = {static_cast<std::size_t>(planned - plan.rules.begin())};
  switch (body->per) {
    case allowance_basis::member_month: run.member_months(one, again, &row, &trace); break;
    case allowance_basis::member_year: run.member_years(one, again, &row, &trace); break;
    case allowance_basis::team_year: run.team_years(one, again, &row, &trace); break;
  }

  std::string out;
  const auto line = [&](const std::string& s) { out.append(s).push_back('\n'); };
  line(e.item + " for " + (e.subject == subject_kind::member ? "member " : "team ") + e.subject_id + ", " +
       to_string(e.slice.first) + ".." + to_string(e.slice.last) + ": " + e.amount.to_string(p.money.scale));
  line("rule " + found->id + " — " + found->title.en + " (" + found->title.zh + "), " + found->file + ":" +
       std::to_string(found->where.line));
  line((found->county_choice ? "" : "source: ") + found->source);  // a county choice's text says so itself
  for (const rule_choice& ch : found->choices) line("choice (" + ch.key + "): " + ch.source);
  line("per: " + std::string(to_string(body->per)) + ", prorate: " + std::string(to_string(body->prorate)));
  if (!e.team.empty()) line("team " + e.team);
  line("responsible unit: " + (e.unit.empty() ? std::string("none (") + std::string(to_string(found->responsible)) + ")" : e.unit));
  for (const std::string& s : trace.lines) line(s);
  if (again.empty() || again.back().amount != e.amount)
    line("note: computed again, the amount is " +
         (again.empty() ? std::string("nothing") : again.back().amount.to_string()) + ", not " + e.amount.to_string());
  if (e.paid) {
    line("paid: " + detail::money_text(*e.paid, p.money.scale));
  } else {
    line("paid: not recorded");
  }
  return out;
}

}  // namespace rulebook
