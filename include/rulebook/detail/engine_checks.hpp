// Internal: the evaluator's checks — the duties a policy sets besides amounts
// owed. Each kind of rule looks at the county's facts over the evaluated
// period and appends a `finding` for each failure:
//
//   minimum     insurance cover on every day served; a health check each year served
//   kit         each item on hand on every day the holder exists
//   obligation  visits and meetings counted per month, quarter, half-year or year
//   team_size   the fewest members serving in a team
//   term        the shortest joined service, judged when it ends
//   attendance  days in the village each month or year
//
// Also the figures every stage reads (`at_least`, `times`, `share`, `points`,
// `cap`: expressions over parameters only, evaluated with the values in force
// on a day) and `explain` for a finding. Included by engine_impl.hpp.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "rulebook/detail/engine_context.hpp"
#include "rulebook/detail/parallel.hpp"
#include "rulebook/expr.hpp"
#include "rulebook/model.hpp"
#include "rulebook/money.hpp"
#include "rulebook/period.hpp"
#include "rulebook/policy.hpp"
#include "rulebook/result.hpp"

namespace rulebook::detail {

// ---- figures: expressions over parameters only ---------------------------------------

/// The parameters `e` reads, each once, in order of first appearance.
[[nodiscard]] inline std::vector<const parameter*> parameters_read(const policy& p, const expression& e) {
  std::vector<const parameter*> out;
  const auto names = p.names.entries();
  for (const std::size_t slot : e.slots_used()) {
    if (slot >= names.size()) continue;
    if (const parameter* q = p.find_parameter(names[slot].name)) out.push_back(q);
  }
  return out;
}

/// Evaluates a figure a rule names (`at_least`, `times`, `share`, `points`, `cap`)
/// with every parameter it reads at the value in force on `day`. Figures read no
/// inputs (the checker allows only parameters and literals in them).
[[nodiscard]] inline value figure_on(const policy& p, const expression& e, date day) {
  std::vector<value> slots(p.names.size());
  const auto names = p.names.entries();
  for (const std::size_t slot : e.slots_used()) {
    const parameter* q = slot < names.size() ? p.find_parameter(names[slot].name) : nullptr;
    if (q == nullptr) throw evaluation_error("'" + e.text() + "' reads an input where a figure may read only parameters");
    const std::optional<value> v = q->slot_value_on(day);
    if (!v) throw evaluation_error("parameter '" + q->id + "' has no value in force on " + to_string(day));
    slots[slot] = *v;
  }
  return e.evaluate(slots);
}

[[nodiscard]] inline money money_figure_on(const policy& p, const expression& e, date day) {
  return figure_on(p, e, day).as_money();
}

[[nodiscard]] inline decimal number_figure_on(const policy& p, const expression& e, date day) {
  return figure_on(p, e, day).as_number();
}

/// Adds to `cuts` each day inside `range` (after its first) on which a
/// parameter `e` reads takes a new value: the figure is constant between cuts.
inline void add_figure_cuts(const policy& p, const expression& e, const date_range& range, std::vector<date>& cuts) {
  for (const parameter* q : parameters_read(p, e))
    for (const dated_value& v : q->values)
      if (range.first < v.since && v.since <= range.last) cuts.push_back(v.since);
}

// ---- day arithmetic -------------------------------------------------------------------

[[nodiscard]] inline date next_day(date d) { return d + boost::gregorian::days(1); }
[[nodiscard]] inline date prev_day(date d) { return d - boost::gregorian::days(1); }

/// Splits `range` into consecutive pieces at `cuts` (each cut is the first day of
/// a new piece; cuts outside the range are ignored).
[[nodiscard]] inline std::vector<date_range> split_at(const date_range& range, std::vector<date> cuts) {
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<date_range> out;
  date first = range.first;
  for (const date c : cuts) {
    if (c <= first || c > range.last) continue;
    out.push_back({first, prev_day(c)});
    first = c;
  }
  out.push_back({first, range.last});
  return out;
}

/// Adds the cut days a range's ends make: its first day and the day after its last.
inline void add_range_cuts(const date_range& r, std::vector<date>& cuts) {
  cuts.push_back(r.first);
  if (!r.open_ended()) cuts.push_back(next_day(r.last));
}

/// Joins ranges that overlap or touch, in place; the result is sorted.
inline void join_ranges_in_place(std::vector<date_range>& ranges) {
  std::sort(ranges.begin(), ranges.end(), [](const date_range& a, const date_range& b) { return a.first < b.first; });
  std::size_t joined = 0;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    if (joined > 0 && (ranges[joined - 1].open_ended() || ranges[i].first <= next_day(ranges[joined - 1].last)))
      ranges[joined - 1].last = std::max(ranges[joined - 1].last, ranges[i].last);
    else
      ranges[joined++] = ranges[i];
  }
  ranges.resize(joined);
}

/// Joins ranges that overlap or touch; the result is sorted.
[[nodiscard]] inline std::vector<date_range> join_ranges(std::vector<date_range> ranges) {
  join_ranges_in_place(ranges);
  return ranges;
}

/// True when every day of `days` lies in the range of some row of `rows` that
/// counts (`counts(row)`; `range_of(row)` gives its range). Allocates nothing:
/// the checks answer their common case, every day covered, this way before they
/// work out any runs of failing days. (Two functions, not one returning an
/// optional range: GCC 12 wrote and read such an optional through the stack a
/// row, stalling on it, and the kit check took four times as long.)
template <class Row, class Counts, class RangeOf>
[[nodiscard]] bool every_day_covered(const date_range& days, std::span<const Row> rows, const Counts& counts,
                                     const RangeOf& range_of) {
  date day = days.first;
  while (true) {
    bool found = false;
    date reach = day;  // the furthest day, from `day` on, some counting row covers without a break
    for (const Row& row : rows) {
      if (!counts(row)) continue;
      const date_range r = range_of(row);
      if (r.contains(day) && (!found || r.last > reach)) {
        found = true;
        reach = r.last;
      }
    }
    if (!found) return false;
    if (reach >= days.last) return true;
    day = next_day(reach);
  }
}

/// Text of a range as findings print it: `2019-07-01..2019-07-31`.
[[nodiscard]] inline std::string range_text(const date_range& r) {
  return to_string(r.first) + ".." + to_string(r.last);
}

/// Appends one piece of a message: text, a whole number, an amount (as
/// `money::to_string` writes it) or a range of days (as `range_text`).
template <class T>
void append_message_part(std::string& out, const T& part) {
  if constexpr (std::is_integral_v<T>) {
    char digits[24];
    out.append(digits, std::to_chars(digits, digits + sizeof digits, part).ptr);
  } else if constexpr (std::is_same_v<T, money>) {
    append_money_text(out, part.raw(), 0);  // every place it holds, as money::to_string
  } else if constexpr (std::is_same_v<T, date_range>) {
    out += to_string(part.first);
    out += "..";
    out += to_string(part.last);
  } else {
    out += std::string_view(part);
  }
}

/// A finding's message from its pieces, in one string: the checks make
/// hundreds of thousands of them for a large county, where a chain of `+`
/// made a string a piece.
template <class... Parts>
[[nodiscard]] std::string message_of(const Parts&... parts) {
  std::string out;
  out.reserve(160);
  (append_message_part(out, parts), ...);
  return out;
}

/// "1 visit", "0 visits".
[[nodiscard]] inline std::string count_text(const decimal& n, std::string_view noun) {
  std::string out = n.to_string() + " " + std::string(noun);
  if (n != decimal::from_int(1)) out += "s";
  return out;
}

[[nodiscard]] inline std::string count_text(long long n, std::string_view noun) {
  return count_text(decimal::from_int(n), noun);
}

/// The findings' severity for a rule.
[[nodiscard]] inline finding_severity severity_of(const rule& r) {
  return r.severity == rule_severity::advisory ? finding_severity::advisory : finding_severity::violation;
}

/// A member's service joined where one stretch begins the day after another
/// ends (a move between teams does not break it), by date.
[[nodiscard]] inline std::vector<date_range> joined_service(const county_index& index, std::size_t m) {
  std::vector<date_range> ranges;
  for (const served_stretch& s : index.service_of(m)) ranges.push_back(s.range);
  return join_ranges(std::move(ranges));
}

/// Who served in each team and when, read from the index: each member who
/// served in the team (ascending), then that member's stretches there (by
/// date), so that the checks look at a team's own members, never at the whole
/// county per team. Holds nothing of its own: a list per team held 195 MB at
/// 3 M members.
struct team_rosters {
  const county_index& index;

  explicit team_rosters(const county_index& i) : index(i) {}

  /// Calls `f(member, range)` for each stretch served in `team`, in the order above.
  template <class F>
  void each_stint(std::size_t team, F&& f) const {
    for (const std::size_t m : index.members_in(team))
      for (const served_stretch& s : index.service_of(m))
        if (s.team == team) f(m, s.range);
  }

  /// The days of `range` on which at least one member served in `team`, joined.
  [[nodiscard]] std::vector<date_range> active_days(std::size_t team, const date_range& range) const {
    std::vector<date_range> ranges;
    active_days(team, range, ranges);
    return ranges;
  }
  /// The same, into `out` (its memory reused from team to team).
  void active_days(std::size_t team, const date_range& range, std::vector<date_range>& out) const {
    out.clear();
    each_stint(team, [&](std::size_t, const date_range& served) {
      // Not through `overlap`: its optional, written and read back a stint, stalled GCC 12's code.
      const date first = std::max(served.first, range.first), last = std::min(served.last, range.last);
      if (first <= last) out.push_back({first, last});
    });
    join_ranges_in_place(out);
  }

  /// How many members served in `team` on `day`.
  [[nodiscard]] int serving(std::size_t team, date day) const {
    int n = 0;
    each_stint(team, [&](std::size_t, const date_range& served) { n += served.contains(day) ? 1 : 0; });
    return n;
  }

  /// Members who served in `team` on at least one day of `range`, each once, by index.
  [[nodiscard]] std::vector<std::size_t> members(std::size_t team, const date_range& range) const {
    std::vector<std::size_t> out;
    members(team, range, out);
    return out;
  }
  /// The same, into `out` (its memory reused from team to team).
  void members(std::size_t team, const date_range& range, std::vector<std::size_t>& out) const {
    out.clear();
    each_stint(team, [&](std::size_t m, const date_range& served) {
      // As `overlap` (a stint that ends before it starts has no day), without its optional.
      if (std::max(served.first, range.first) <= std::min(served.last, range.last) && (out.empty() || out.back() != m))
        out.push_back(m);
    });
  }
};

/// The calendar slices of `every` that lie wholly inside `within`, in order.
/// Obligations and attendance judge only whole slices: a quarter cut by the
/// evaluated period (2019-08-15..2019-12-31 holds only part of Q3) is not over
/// inside it, so its count is not yet final and is not judged.
[[nodiscard]] inline std::vector<date_range> whole_slices(every_period every, const date_range& within) {
  std::vector<date_range> out;
  const int first_year = static_cast<int>(within.first.year());
  const int last_year = static_cast<int>(within.last.year());
  for (int y = first_year; y <= last_year; ++y) {
    std::vector<period> in_year;
    switch (every) {
      case every_period::month:
        for (int m = 1; m <= 12; ++m) in_year.push_back(period::of_month(y, m));
        break;
      case every_period::quarter:
        for (int q = 1; q <= 4; ++q) in_year.push_back(period::of_quarter(y, q));
        break;
      case every_period::half_year:
        for (int h = 1; h <= 2; ++h) in_year.push_back(period::of_half_year(y, h));
        break;
      case every_period::year: in_year.push_back(period::of_year(y)); break;
    }
    for (const period& s : in_year)
      if (within.first <= s.first() && s.last() <= within.last) out.push_back(s.range);
  }
  return out;
}

/// The label of a slice: `2019-Q3`, `2019-H1`, `2019-07`, `2019`.
[[nodiscard]] inline std::string slice_label(every_period every, const date_range& s) {
  const int y = static_cast<int>(s.first.year());
  const int m = static_cast<int>(s.first.month());
  switch (every) {
    case every_period::month: return period::of_month(y, m).label();
    case every_period::quarter: return period::of_quarter(y, (m - 1) / 3 + 1).label();
    case every_period::half_year: return period::of_half_year(y, (m - 1) / 6 + 1).label();
    case every_period::year: return period::of_year(y).label();
  }
  return range_text(s);
}

/// Orders the findings from `first` on by subject, keeping each subject's slices
/// in date order: loops that walk slice by slice report subject by subject.
inline void order_by_subject(std::vector<finding>& out, std::size_t first) {
  std::stable_sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                   [](const finding& a, const finding& b) { return a.subject_id < b.subject_id; });
}

/// Runs `check(first, last, out)`, which appends the findings of items
/// [first, last) (members, or an obligation's subjects) in their order, over
/// [0, items) cut into ranges on `threads` threads, and appends the ranges'
/// findings in order: the findings, and the order, of one call over every item.
/// An error is the one the first item to fail raises (see `parallel_for`).
template <class Check>
void for_ranges(unsigned threads, std::size_t items, std::vector<finding>& out, const Check& check) {
  const std::size_t parts = threads <= 1 ? 1 : std::min<std::size_t>(items, std::size_t{threads} * 8);
  if (parts <= 1) {
    check(std::size_t{0}, items, out);
    return;
  }
  std::vector<std::vector<finding>> found(parts);
  parallel_for(threads, parts, [&](std::size_t part, unsigned) {
    check(items * part / parts, items * (part + 1) / parts, found[part]);
  });
  for (std::vector<finding>& f : found)
    out.insert(out.end(), std::make_move_iterator(f.begin()), std::make_move_iterator(f.end()));
}

/// `for_ranges` over the county's members.
template <class Check>
void for_member_ranges(const eval_context& ctx, std::vector<finding>& out, const Check& check) {
  for_ranges(ctx.threads, ctx.data.members.size(), out, check);
}

// ---- minimum ----------------------------------------------------------------------------

/// Accident-insurance cover on every day served (`of: insurance_cover, each: day_served`):
/// on each day some single policy in force must cover at least the minimum in force
/// that day (policies are not added together). One finding per maximal run of failing days.
inline void check_cover_each_day(const eval_context& ctx, const rule& r, const minimum_rule& body,
                                 std::vector<finding>& all) {
  const date_range within = ctx.evaluated.range;
  // A minimum that does not change in the period is read once, and a member
  // covered on every day served by policies of at least it is passed over
  // without the day-by-day pieces below (most members, most years).
  std::optional<money> fixed_minimum;
  if (std::vector<date> figure_cuts; add_figure_cuts(ctx.rules, body.at_least, within, figure_cuts), figure_cuts.empty()) {
    try {
      fixed_minimum = money_figure_on(ctx.rules, body.at_least, within.first);
    } catch (const std::exception&) {
      // No value in force on the first day, or a figure too large: the pieces
      // below raise it, as before, only if a day served needs it.
    }
  }
  for_member_ranges(ctx, all, [&](std::size_t first, std::size_t last, std::vector<finding>& out) {
    for (std::size_t mi = first; mi < last; ++mi) {
      // The member's policies from the index's list: its struct is read only for a finding.
      const std::span<const policy_cover> policies = ctx.index.policies_of(mi);
      if (fixed_minimum) {
        const money minimum = *fixed_minimum;
        const auto counts = [&](const policy_cover& p) { return p.cover >= minimum; };
        const auto in_force = [](const policy_cover& p) { return p.days; };
        bool covered = true;
        for (const served_stretch& s : ctx.index.service_of(mi)) {
          const date_range days{std::max(s.range.first, within.first), std::min(s.range.last, within.last)};
          if (days.first <= days.last && !every_day_covered(days, policies, counts, in_force)) {
            covered = false;
            break;
          }
        }
        if (covered) continue;
      }
      std::vector<date> cuts;
      std::vector<date_range> served;
      for (const served_stretch& s : ctx.index.service_of(mi))
        if (const auto o = overlap(s.range, within)) {
          served.push_back(*o);
          add_range_cuts(*o, cuts);
        }
      if (served.empty()) continue;
      served = join_ranges(std::move(served));
      for (const policy_cover& p : policies) add_range_cuts(p.days, cuts);
      add_figure_cuts(ctx.rules, body.at_least, within, cuts);

      struct run {
        date_range days;
        money worst_best;  // the lowest of the days' best covers
        money threshold;   // the highest minimum in force in the run
      };
      std::vector<run> runs;
      for (const date_range& piece : split_at(within, cuts)) {
        const date day = piece.first;
        const bool serving = std::any_of(served.begin(), served.end(), [&](const date_range& s) { return s.contains(day); });
        if (!serving) continue;
        const money minimum = fixed_minimum ? *fixed_minimum : money_figure_on(ctx.rules, body.at_least, day);
        money best;
        bool insured = false;  // a day with no policy in force fails whatever the minimum, 0 included
        for (const policy_cover& p : policies)
          if (p.days.contains(day)) {
            best = std::max(best, p.cover);
            insured = true;
          }
        if (insured && best >= minimum) continue;
        if (!runs.empty() && next_day(runs.back().days.last) == piece.first) {
          runs.back().days.last = piece.last;
          runs.back().worst_best = std::min(runs.back().worst_best, best);
          runs.back().threshold = std::max(runs.back().threshold, minimum);
        } else {
          runs.push_back({piece, best, minimum});
        }
      }
      const member& m = ctx.data.members[mi];
      for (const run& gap : runs) {
        const std::optional<std::size_t> t = ctx.index.team_on(mi, gap.days.first);
        const team* tm = t ? &ctx.data.teams[*t] : nullptr;
        finding f;
        f.rule = r.id;
        f.kind = r.kind;
        f.subject = subject_kind::member;
        f.subject_id = m.id;
        f.responsible_unit = ctx.responsible_unit(r, &m, tm);
        f.severity = severity_of(r);
        f.slice = gap.days;
        f.expected = gap.threshold.to_string();
        f.actual = gap.worst_best.to_string();
        f.message = message_of(m.id, " served ", gap.days.days(), " days (", gap.days,
                               ") without a single accident-insurance policy in force with cover of at least ",
                               gap.threshold, " yuan; ");
        if (gap.worst_best == money()) {
          f.message += "no policy was in force";
        } else {
          f.message += "the best cover in force was ";
          append_message_part(f.message, gap.worst_best);
          f.message += " yuan";
        }
        out.push_back(std::move(f));
      }
    }
  });
}

/// A health check each calendar year served (`of: health_check_cost, each: year_served`):
/// a check dated in that year must cost at least the minimum in force on the last
/// day of the year's part of the period. One finding per member and year. (With
/// `of: insurance_cover, each: year_served`: a policy in force on some day served
/// in the year must cover the minimum.)
inline void check_best_each_year(const eval_context& ctx, const rule& r, const minimum_rule& body,
                                 std::vector<finding>& all) {
  // The period's part of each calendar year, worked out once for every member.
  struct year_slice {
    int year;
    date_range whole;  // the calendar year
    date_range days;   // its days in the period
  };
  std::vector<year_slice> years;
  for (const int y : ctx.evaluated.years()) {
    const date_range whole = period::of_year(y).range;
    if (const auto slice = overlap(whole, ctx.evaluated.range)) years.push_back({y, whole, *slice});
  }
  for_member_ranges(ctx, all, [&](std::size_t first, std::size_t last, std::vector<finding>& out) {
    // Each year's minimum, read once in the range, on the first member who served in the year.
    std::vector<std::optional<money>> minimums(years.size());
    for (std::size_t mi = first; mi < last; ++mi) {
      for (std::size_t k = 0; k < years.size(); ++k) {
        const int y = years[k].year;
        const date_range& slice = years[k].days;
        if (ctx.index.days_served(mi, slice) == 0) continue;
        if (!minimums[k]) minimums[k] = money_figure_on(ctx.rules, body.at_least, slice.last);
        const money minimum = *minimums[k];
        // The best found, when `found`: a flag and a value, not an optional, which
        // GCC 12 kept in memory, written and read back a check.
        bool found = false;
        money best_found;
        if (body.of == minimum_measure::health_check_cost) {
          for (const check_cost& h : ctx.index.checks_of(mi))
            if (years[k].whole.contains(h.on) && (!found || h.cost > best_found)) {
              found = true;
              best_found = h.cost;
            }
        } else {
          // Insurance once a year: a policy in force on some day served in the year.
          for (const policy_cover& p : ctx.index.policies_of(mi))
            for (const served_stretch& st : ctx.index.service_of(mi))
              if (const auto o = overlap(st.range, slice); o && overlap(*o, p.days) && (!found || p.cover > best_found)) {
                found = true;
                best_found = p.cover;
              }
        }
        if (found && best_found >= minimum) continue;
        const std::string what = body.of == minimum_measure::health_check_cost ? "health check" : "accident-insurance policy";
        const std::string measure = body.of == minimum_measure::health_check_cost ? " cost " : " covered ";
        date last_served = slice.first;
        for (const served_stretch& s : ctx.index.service_of(mi))
          if (const auto o = overlap(s.range, slice)) last_served = std::max(last_served, o->last);
        const std::optional<std::size_t> t = ctx.index.team_on(mi, last_served);
        const member& m = ctx.data.members[mi];
        finding f;
        f.rule = r.id;
        f.kind = r.kind;
        f.subject = subject_kind::member;
        f.subject_id = m.id;
        f.responsible_unit = ctx.responsible_unit(r, &m, t ? &ctx.data.teams[*t] : nullptr);
        f.severity = severity_of(r);
        f.slice = slice;
        f.expected = minimum.to_string();
        f.actual = found ? best_found.to_string() : "none";
        f.message = found ? message_of(m.id, "'s best ", what, " in ", y, measure, best_found, " yuan, less than the ",
                                       minimum, " yuan required")
                          : message_of(m.id, " had no ", what, " in ", y, " (at least ", minimum, " yuan required)");
        out.push_back(std::move(f));
      }
    }
  });
}

// ---- kit -------------------------------------------------------------------------------

/// Each item on hand (`since` ≤ day ≤ `until`) on every day of `days`: the runs
/// of days without the item coded `item` (`county_index::kit_item`) among `kit`.
[[nodiscard]] inline std::vector<date_range> days_without(std::span<const kit_held> kit, std::uint32_t item,
                                                          const std::vector<date_range>& days) {
  std::vector<date_range> held;
  for (const kit_held& k : kit)
    if (k.item == item) held.push_back(k.days);
  held = join_ranges(std::move(held));
  std::vector<date_range> missing;
  for (const date_range& d : days) {
    date first = d.first;
    for (const date_range& h : held) {
      if (h.last < first || h.first > d.last) continue;
      if (h.first > first) missing.push_back({first, prev_day(h.first)});
      if (h.last >= d.last) {
        first = next_day(d.last);
        break;
      }
      first = next_day(h.last);
    }
    if (first <= d.last) missing.push_back({first, d.last});
  }
  return join_ranges(std::move(missing));
}

inline void check_kit(const eval_context& ctx, const team_rosters& rosters, const rule& r, const kit_rule& body,
                      std::vector<finding>& all) {
  const date_range within = ctx.evaluated.range;
  auto report = [&](const kit_item& item, const date_range& run, subject_kind kind, const std::string& id,
                    const member* m, const team* t, std::vector<finding>& out) {
    finding f;
    f.rule = r.id;
    f.kind = r.kind;
    f.subject = kind;
    f.subject_id = id;
    f.responsible_unit = ctx.responsible_unit(r, m, t);
    // The item's level decides, not the rule's severity: 提倡 (advised) items are advisories.
    f.severity = item.level == kit_level::advised ? finding_severity::advisory : finding_severity::violation;
    f.slice = run;
    f.expected = item.item;
    f.actual = "missing";
    f.message = message_of(id, " had no ", item.item, " (", item.title.en, ", ", item.title.zh, ") on hand for ",
                           run.days(), " days (", run, ")");
    out.push_back(std::move(f));
  };
  // The rule's items as the index's codes, and each code's first item of the rule
  // (body.items.size() for an item the rule does not name): names compared once
  // a rule, not once a holding.
  std::vector<std::uint32_t> code_of(body.items.size());
  std::vector<std::size_t> item_of(ctx.index.kit_item_count(), body.items.size());
  for (std::size_t i = body.items.size(); i-- > 0;) {
    code_of[i] = ctx.index.kit_item(body.items[i].item);
    if (code_of[i] != county_index::no_kit_item) item_of[code_of[i]] = i;
  }
  if (body.holder == kit_holder::team) {
    std::vector<date_range> active;
    std::vector<std::uint8_t> whole(body.items.size());  // by item: one holding covers every active day
    const std::size_t teams = ctx.data.teams.size();
    for (std::size_t ti = 0; ti < teams; ++ti) {
      rosters.active_days(ti, within, active);
      if (active.empty()) continue;
      // Most items are held by one holding over every day the team has a member:
      // known as the holdings are read, with nothing more worked out for them.
      const std::span<const kit_held> kit = ctx.index.kit_of(ti);
      const date_range span{active.front().first, active.back().last};
      std::fill(whole.begin(), whole.end(), std::uint8_t{0});
      for (const kit_held& k : kit)
        if (const std::size_t item = item_of[k.item];
            item < whole.size() && k.days.first <= span.first && k.days.last >= span.last)
          whole[item] = 1;
      for (std::size_t i = 0; i < body.items.size(); ++i) {
        if (whole[i]) continue;
        // Held in pieces: answered without working out the runs without when they cover every day.
        const auto counts = [&](const kit_held& k) { return item_of[k.item] == i; };
        const auto days_held = [](const kit_held& k) { return k.days; };
        if (std::all_of(active.begin(), active.end(),
                        [&](const date_range& days) { return every_day_covered(days, kit, counts, days_held); }))
          continue;
        const team& t = ctx.data.teams[ti];
        for (const date_range& run : days_without(kit, code_of[i], active))
          report(body.items[i], run, subject_kind::team, t.id, nullptr, &t, all);
      }
    }
    return;
  }
  // `for: member`: the data records kit by team, so a member holds what the team
  // they serve in that day holds.
  for_member_ranges(ctx, all, [&](std::size_t first, std::size_t last, std::vector<finding>& out) {
    for (std::size_t mi = first; mi < last; ++mi) {
      const member& m = ctx.data.members[mi];
      for (std::size_t i = 0; i < body.items.size(); ++i) {
        const kit_item& item = body.items[i];
        std::vector<date_range> missing;
        for (const served_stretch& s : ctx.index.service_of(mi))
          if (const auto o = overlap(s.range, within)) {
            const auto gaps = days_without(ctx.index.kit_of(s.team), code_of[i], {*o});
            missing.insert(missing.end(), gaps.begin(), gaps.end());
          }
        for (const date_range& run : join_ranges(std::move(missing))) {
          const auto t = ctx.index.team_on(mi, run.first);
          report(item, run, subject_kind::member, m.id, &m, t ? &ctx.data.teams[*t] : nullptr, out);
        }
      }
    }
  });
}

// ---- obligation -------------------------------------------------------------------------

/// A subject of an obligation in one slice: a team or a (unit, team) pair, with
/// the members whose presence makes it exist (a run of the slice's list of
/// members, shared by a team's sponsor pairs). Its id ("T04", "U08/T04") is
/// made only for a finding.
struct obligation_subject_in_slice {
  subject_kind kind = subject_kind::team;
  std::string_view unit;     // the pair's unit (the county's text), or empty
  std::size_t team = 0;      // the team
  std::uint32_t first = 0;   // its members: [first, first + count) of the slice's list
  std::uint32_t count = 0;
};

/// A subject as it is judged: a team or pair above, or a member, which is
/// judged from its index alone (a list of 3 M members as subjects held 430 MB).
struct obligation_subject_view {
  subject_kind kind = subject_kind::team;
  std::string_view unit;  // the pair's unit, or empty
  std::size_t team = 0;   // the team (a member: unused)
  std::span<const std::size_t> members;  // the team's, the pair unit's, or the member
};

/// How many of a slice's meetings each member, team, or pair of unit and team
/// attended — whichever the rule judges: a meeting counts once for each of them
/// however many of its attendees make it match — the member, on the meeting's
/// day their team, and the pair of their unit and that team. Counted by index
/// in one pass over the attendees (a county-wide meeting has tens of thousands;
/// 3 M members' half-year meetings, millions).
class meeting_attendance {
 public:
  meeting_attendance(const eval_context& ctx, obligation_subject judged)
      : ctx_(ctx),
        judged_(judged),
        members_(judged == obligation_subject::member ? ctx.data.members.size() : 0),
        teams_(judged == obligation_subject::team || judged == obligation_subject::sponsor_team ? ctx.data.teams.size()
                                                                                                : 0) {}

  /// Counts one meeting: `counts_as_member(m)` says whether member m may count.
  template <class Counts>
  void add(const meeting& mt, const Counts& counts_as_member) {
    ++meeting_;
    for (const std::string& id : mt.attendees) {
      const auto m = ctx_.index.member(id);
      if (!m || !counts_as_member(*m)) continue;
      const auto t = ctx_.index.team_on(*m, mt.on);
      if (!t) continue;
      switch (judged_) {
        case obligation_subject::member: count(members_[*m]); break;
        case obligation_subject::team:
        case obligation_subject::sponsor_team: count(teams_[*t]); break;
        case obligation_subject::unit_team: count(pairs_[{ctx_.data.members[*m].unit, *t}]); break;
      }
    }
  }

  /// The counts of the subjects the rule judges; 0 for the others.
  [[nodiscard]] long long member(std::size_t m) const noexcept { return m < members_.size() ? members_[m].count : 0; }
  [[nodiscard]] long long team(std::size_t t) const noexcept { return t < teams_.size() ? teams_[t].count : 0; }
  [[nodiscard]] long long pair(std::string_view unit, std::size_t t) const {
    const auto it = pairs_.find({unit, t});
    return it == pairs_.end() ? 0 : it->second.count;
  }

 private:
  struct tally {
    std::size_t last_meeting = 0;  // the last meeting counted (meetings are numbered from 1)
    long long count = 0;
  };
  struct pair_hash {
    std::size_t operator()(const std::pair<std::string_view, std::size_t>& k) const noexcept {
      return std::hash<std::string_view>{}(k.first) * 31 + k.second;
    }
  };
  void count(tally& x) const noexcept {
    if (x.last_meeting == meeting_) return;
    x.last_meeting = meeting_;
    ++x.count;
  }

  const eval_context& ctx_;
  obligation_subject judged_;
  std::size_t meeting_ = 0;
  std::vector<tally> members_, teams_;
  std::unordered_map<std::pair<std::string_view, std::size_t>, tally, pair_hash> pairs_;
};

/// Counts the events of each subject of `every` slice wholly inside the period
/// (see `whole_slices`); fewer than `times` (in force on the slice's last day) is
/// a finding. An event counts for a subject when it matches it on a day the
/// subject exists: a visit when it is of the right kind to the subject's team
/// (for a pair, by the pair's unit; for a member, the member's team that day); a
/// meeting when an attendee belongs to the subject that day.
inline void check_obligation(const eval_context& ctx, const team_rosters& rosters, const rule& r,
                             const obligation_rule& body, std::vector<finding>& out) {
  const county& c = ctx.data;
  const bool leaders_only = std::holds_alternative<meeting_kind>(body.event) &&
                            std::get<meeting_kind>(body.event) == meeting_kind::leaders;
  // 队长会议: only members who lead a team are its subjects and count as attending.
  auto counts_as_member = [&](std::size_t m) { return !leaders_only || leads_team(c.members[m].role); };
  const bool of_visits = std::holds_alternative<visitor_role>(body.event);
  const std::string noun = of_visits ? "visit" : "meeting";

  const std::size_t first_finding = out.size();
  // The visits of the rule's kind by team index, in the county's order: placed
  // in one list (counted, then placed), not a list per team.
  std::vector<std::uint32_t> visits_from(of_visits ? c.teams.size() + 1 : 1, 0);  // [team]: its first in visits_to
  std::vector<const visit*> visits_to;
  if (of_visits) {
    std::vector<std::uint32_t> team_of;  // per visit of the kind: its team, or none
    constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();
    for (const visit& v : c.visits) {
      if (v.visitor != std::get<visitor_role>(body.event)) continue;
      const std::optional<std::size_t> t = ctx.index.team(v.team);
      team_of.push_back(t ? static_cast<std::uint32_t>(*t) : none);
      if (t) ++visits_from[*t + 1];
    }
    for (std::size_t t = 0; t < c.teams.size(); ++t) visits_from[t + 1] += visits_from[t];
    visits_to.resize(visits_from.back());
    std::vector<std::uint32_t> next(visits_from.begin(), visits_from.end() - 1);
    std::size_t k = 0;
    for (const visit& v : c.visits)
      if (v.visitor == std::get<visitor_role>(body.event))
        if (const std::uint32_t t = team_of[k++]; t != none) visits_to[next[t]++] = &v;
  }

  std::vector<std::size_t> in_team;  // a team's members in the slice, by index
  for (const date_range& slice : whole_slices(body.every, ctx.evaluated.range)) {
    std::vector<obligation_subject_in_slice> subjects;  // teams or pairs
    std::vector<std::size_t> subject_members;           // theirs, in runs
    std::vector<std::size_t> member_subjects;           // or members
    const auto run_of = [&](auto first, auto last) {
      const auto at = static_cast<std::uint32_t>(subject_members.size());
      subject_members.insert(subject_members.end(), first, last);
      return std::pair{at, static_cast<std::uint32_t>(subject_members.size() - at)};
    };
    for (std::size_t ti = 0; ti < c.teams.size() && body.for_each != obligation_subject::member; ++ti) {
      rosters.members(ti, slice, in_team);
      std::erase_if(in_team, [&](std::size_t m) { return !counts_as_member(m); });
      if (in_team.empty()) continue;
      if (body.for_each == obligation_subject::team) {
        const auto [at, n] = run_of(in_team.begin(), in_team.end());
        subjects.push_back({subject_kind::team, {}, ti, at, n});
      } else if (body.for_each == obligation_subject::unit_team) {
        // By unit id, each unit's members in the roster's order.
        const auto unit_of = [&](std::size_t m) -> std::string_view { return c.members[m].unit; };
        std::stable_sort(in_team.begin(), in_team.end(),
                         [&](std::size_t a, std::size_t b) { return unit_of(a) < unit_of(b); });
        for (auto from = in_team.begin(); from != in_team.end();) {
          const auto to = std::find_if(from, in_team.end(), [&](std::size_t m) { return unit_of(m) != unit_of(*from); });
          const auto [at, n] = run_of(from, to);
          subjects.push_back({subject_kind::unit, unit_of(*from), ti, at, n});
          from = to;
        }
      } else {  // sponsor_team: the lead unit, then each other sponsor unit, with the team's members
        const auto [at, n] = run_of(in_team.begin(), in_team.end());
        const team& t = c.teams[ti];
        const std::size_t of_team = subjects.size();
        const auto listed = [&](std::string_view u) {
          return std::any_of(subjects.begin() + static_cast<std::ptrdiff_t>(of_team), subjects.end(),
                             [&](const obligation_subject_in_slice& x) { return x.unit == u; });
        };
        subjects.push_back({subject_kind::unit, t.lead_unit, ti, at, n});
        for (const std::string& u : t.sponsor_units)
          if (!listed(u)) subjects.push_back({subject_kind::unit, u, ti, at, n});
      }
    }
    if (body.for_each == obligation_subject::member)
      for (std::size_t mi = 0; mi < c.members.size(); ++mi)
        if (counts_as_member(mi) && ctx.index.days_served(mi, slice) > 0) member_subjects.push_back(mi);
    // The slice's meetings, counted for those who attended them.
    meeting_attendance attended(ctx, body.for_each);
    if (!of_visits)
      for (const meeting& mt : c.meetings)
        if (mt.kind == std::get<meeting_kind>(body.event) && slice.contains(mt.on)) attended.add(mt, counts_as_member);

    const decimal times = number_figure_on(ctx.rules, body.times, slice.last);
    // Subjects are judged apart (a slice of a county has tens of thousands, each
    // looked for in every meeting), in ranges on the evaluation's threads.
    const auto judge = [&](std::size_t first, std::size_t last, std::vector<finding>& found) {
      for (std::size_t si = first; si < last; ++si) {
        obligation_subject_view s;
        if (body.for_each == obligation_subject::member) {
          const std::size_t& mi = member_subjects[si];
          s = {subject_kind::member, {}, 0, {&mi, 1}};
        } else {
          const obligation_subject_in_slice& of = subjects[si];
          s = {of.kind, of.unit, of.team, std::span<const std::size_t>(subject_members).subspan(of.first, of.count)};
        }
        const bool is_member = s.kind == subject_kind::member;
        long long count = 0;
        if (of_visits) {
          // The teams whose visits may count: the subject's, or each the member served in.
          std::vector<std::size_t> teams{s.team};
          if (is_member) {
            teams.clear();
            for (const served_stretch& st : ctx.index.service_of(s.members.front()))
              if (overlap(st.range, slice) && std::find(teams.begin(), teams.end(), st.team) == teams.end())
                teams.push_back(st.team);
          }
          for (const std::size_t ti : teams) {
            for (std::uint32_t k = visits_from[ti]; k < visits_from[ti + 1]; ++k) {
              const visit* v = visits_to[k];
              if (!slice.contains(v->on) || (!s.unit.empty() && v->unit != s.unit)) continue;
              const bool present = std::any_of(s.members.begin(), s.members.end(), [&](std::size_t m) {
                const auto t = ctx.index.team_on(m, v->on);
                return t && *t == ti;
              });
              if (present) ++count;
            }
          }
        } else {
          // A team or a sponsor's pair: anyone of the team; a dispatching pair: one of the unit's members there.
          count = is_member                                          ? attended.member(s.members.front())
                  : body.for_each == obligation_subject::unit_team ? attended.pair(s.unit, s.team)
                                                                     : attended.team(s.team);
        }
        if (decimal::from_int(count) >= times) continue;

        // T04, U08/T04 (unit/team), M035
        const std::string id = is_member                       ? c.members[s.members.front()].id
                               : s.kind == subject_kind::team ? c.teams[s.team].id
                                                              : message_of(s.unit, "/", c.teams[s.team].id);
        const team* t = nullptr;
        const member* m = nullptr;
        if (is_member) {
          m = &c.members[s.members.front()];
          date last_served = slice.first;
          for (const served_stretch& st : ctx.index.service_of(s.members.front()))
            if (const auto o = overlap(st.range, slice)) last_served = std::max(last_served, o->last);
          if (const auto ti = ctx.index.team_on(s.members.front(), last_served)) t = &c.teams[*ti];
        } else {
          t = &c.teams[s.team];
        }
        finding f;
        f.rule = r.id;
        f.kind = r.kind;
        f.subject = s.kind;
        f.subject_id = id;
        // A pair's own unit answers where the rule names the dispatching or sponsor units.
        f.responsible_unit = !s.unit.empty() && (r.responsible == responsible_party::dispatching_unit ||
                                                 r.responsible == responsible_party::sponsor_units)
                                 ? std::string(s.unit)
                                 : ctx.responsible_unit(r, m, t);
        f.severity = severity_of(r);
        f.slice = slice;
        f.expected = count_text(times, noun);
        f.actual = count_text(count, noun);
        f.message = r.title.en + ": " + id + (of_visits ? " had " : " attended ") + count_text(count, noun) + " in " +
                    slice_label(body.every, slice) + ", at least " + count_text(times, noun) + " required";
        found.push_back(std::move(f));
      }
    };
    for_ranges(ctx.threads, body.for_each == obligation_subject::member ? member_subjects.size() : subjects.size(), out,
               judge);
  }
  order_by_subject(out, first_finding);
}

// ---- team_size, term, attendance -----------------------------------------------------------

/// On each day a team has anyone serving, at least `at_least` must serve; one
/// finding per team and run of days below it, with the fewest serving in the run.
inline void check_team_size(const eval_context& ctx, const team_rosters& rosters, const rule& r,
                            const team_size_rule& body, std::vector<finding>& out) {
  const date_range within = ctx.evaluated.range;
  for (std::size_t ti = 0; ti < ctx.data.teams.size(); ++ti) {
    const team& t = ctx.data.teams[ti];
    const std::vector<date_range> active = rosters.active_days(ti, within);
    if (active.empty()) continue;
    std::vector<date> cuts;
    for (const date_range& a : active) add_range_cuts(a, cuts);
    rosters.each_stint(ti, [&](std::size_t, const date_range& served) { add_range_cuts(served, cuts); });
    add_figure_cuts(ctx.rules, body.at_least, within, cuts);
    struct run {
      date_range days;
      int fewest;
      decimal threshold;
    };
    std::vector<run> runs;
    for (const date_range& piece : split_at(within, cuts)) {
      const int n = rosters.serving(ti, piece.first);
      if (n == 0) continue;  // the team had nobody: not judged
      const decimal minimum = number_figure_on(ctx.rules, body.at_least, piece.first);
      if (decimal::from_int(n) >= minimum) continue;
      if (!runs.empty() && next_day(runs.back().days.last) == piece.first) {
        runs.back().days.last = piece.last;
        runs.back().fewest = std::min(runs.back().fewest, n);
        runs.back().threshold = std::max(runs.back().threshold, minimum);
      } else {
        runs.push_back({piece, n, minimum});
      }
    }
    for (const run& small : runs) {
      finding f;
      f.rule = r.id;
      f.kind = r.kind;
      f.subject = subject_kind::team;
      f.subject_id = t.id;
      f.responsible_unit = ctx.responsible_unit(r, nullptr, &t);
      f.severity = severity_of(r);
      f.slice = small.days;
      f.expected = count_text(small.threshold, "member");
      f.actual = count_text(small.fewest, "member");
      f.message = t.id + " had " + count_text(small.fewest, "member") + " serving on " +
                  std::to_string(small.days.days()) + " days (" + range_text(small.days) + "), fewer than " +
                  small.threshold.to_string();
      out.push_back(std::move(f));
    }
  }
}

/// `d` plus `months` calendar months, the day kept or, past the month's end, its last day.
[[nodiscard]] inline date add_months(date d, long long months) {
  const long long index = static_cast<long long>(d.year()) * 12 + (static_cast<long long>(d.month()) - 1) + months;
  const int y = static_cast<int>(index / 12);
  const int m = static_cast<int>(index % 12) + 1;
  return make_date(y, m, std::min(static_cast<int>(d.day()), days_in_month(y, m)));
}

/// Service that ended within the period must have lasted `at_least_years` (begun
/// 2017-09-01, two years run to 2019-08-31). Service still open is not judged.
inline void check_term(const eval_context& ctx, const rule& r, const term_rule& body, std::vector<finding>& out) {
  for (std::size_t mi = 0; mi < ctx.data.members.size(); ++mi) {
    const member& m = ctx.data.members[mi];
    for (const date_range& served : joined_service(ctx.index, mi)) {
      if (served.open_ended() || !ctx.evaluated.contains(served.last)) continue;
      const decimal years = number_figure_on(ctx.rules, body.at_least_years, served.last);
      // A fraction of a year counts in whole months (1.5 years = 18 months).
      const long long months = years.mul(decimal::from_int(12), rounding::floor, 0).raw() / decimal::one;
      const date due = prev_day(add_months(served.first, months));
      if (served.last >= due) continue;
      const auto t = ctx.index.team_on(mi, served.last);
      finding f;
      f.rule = r.id;
      f.kind = r.kind;
      f.subject = subject_kind::member;
      f.subject_id = m.id;
      f.responsible_unit = ctx.responsible_unit(r, &m, t ? &ctx.data.teams[*t] : nullptr);
      f.severity = severity_of(r);
      f.slice = served;
      f.expected = count_text(years, "year");
      f.actual = count_text(served.days(), "day");
      f.message = m.id + " served " + std::to_string(served.days()) + " days (" + range_text(served) +
                  "); a term of " + count_text(years, "year") + " would have run to " + to_string(due);
      out.push_back(std::move(f));
    }
  }
}

/// Days in the village each month or year served: `days_in_village` plus
/// `days_away_on_duty` up to the cap must reach `at_least`, scaled for a period
/// served in part by days served / days in the period, rounded down. Only whole
/// months or years inside the evaluated period are judged (see `whole_slices`).
inline void check_attendance(const eval_context& ctx, const rule& r, const attendance_rule& body,
                             std::vector<finding>& out) {
  const std::size_t first_finding = out.size();
  for (const date_range& slice : whole_slices(body.each, ctx.evaluated.range)) {
    const decimal minimum = number_figure_on(ctx.rules, body.at_least, slice.last);
    const decimal cap = body.days_away_counted_up_to
                            ? number_figure_on(ctx.rules, *body.days_away_counted_up_to, slice.last)
                            : decimal();
    for (std::size_t mi = 0; mi < ctx.data.members.size(); ++mi) {
      const member& m = ctx.data.members[mi];
      const int served = ctx.index.days_served(mi, slice);
      if (served == 0) continue;
      long long in_village = 0;
      long long away = 0;
      for (const std::uint32_t i : ctx.index.records_of(mi))
        if (const month_records::row rec = ctx.data.months[i]; slice.contains(rec.month().first_day())) {
          in_village += rec.days_in_village();
          away += rec.days_away_on_duty();
        }
      const decimal counted = decimal::from_int(in_village) + std::min(decimal::from_int(away), cap);
      const decimal due = minimum.mul_div(served, slice.days(), rounding::floor, 0);
      if (counted >= due) continue;
      const auto t = ctx.index.team_on(mi, slice.last);
      finding f;
      f.rule = r.id;
      f.kind = r.kind;
      f.subject = subject_kind::member;
      f.subject_id = m.id;
      f.responsible_unit = ctx.responsible_unit(r, &m, t ? &ctx.data.teams[*t] : nullptr);
      f.severity = severity_of(r);
      f.slice = slice;
      f.expected = count_text(due, "day");
      f.actual = count_text(counted, "day");
      f.message = m.id + " counted " + count_text(counted, "day") + " in the village in " +
                  slice_label(body.each, slice) + ", at least " + count_text(due, "day") + " required" +
                  (served < slice.days() ? " (" + std::to_string(served) + " of " + std::to_string(slice.days()) +
                                               " days served)"
                                         : std::string());
      out.push_back(std::move(f));
    }
  }
  order_by_subject(out, first_finding);
}

// ---- the stage -------------------------------------------------------------------------------

/// True for the rules this stage judges: minimum, kit, obligation, team_size,
/// term and attendance.
[[nodiscard]] inline bool is_check(const rule& rl) noexcept {
  return std::holds_alternative<minimum_rule>(rl.body) || std::holds_alternative<kit_rule>(rl.body) ||
         std::holds_alternative<obligation_rule>(rl.body) || std::holds_alternative<team_size_rule>(rl.body) ||
         std::holds_alternative<term_rule>(rl.body) || std::holds_alternative<attendance_rule>(rl.body);
}

/// Appends the findings of one rule `is_check` accepts, by subject and date.
/// Rules are independent of each other: they may be checked at the same time.
inline void check_rule(const eval_context& ctx, const team_rosters& rosters, const rule& rl, std::vector<finding>& out) {
  if (const auto* b = std::get_if<minimum_rule>(&rl.body)) {
    // A health check is an event, not a state in force: `each: day_served` cannot
    // hold for it day by day, so it is judged once a year served as well.
    if (b->of == minimum_measure::insurance_cover && b->each == minimum_each::day_served)
      check_cover_each_day(ctx, rl, *b, out);
    else
      check_best_each_year(ctx, rl, *b, out);
  } else if (const auto* k = std::get_if<kit_rule>(&rl.body)) {
    check_kit(ctx, rosters, rl, *k, out);
  } else if (const auto* o = std::get_if<obligation_rule>(&rl.body)) {
    check_obligation(ctx, rosters, rl, *o, out);
  } else if (const auto* ts = std::get_if<team_size_rule>(&rl.body)) {
    check_team_size(ctx, rosters, rl, *ts, out);
  } else if (const auto* tr = std::get_if<term_rule>(&rl.body)) {
    check_term(ctx, rl, *tr, out);
  } else if (const auto* a = std::get_if<attendance_rule>(&rl.body)) {
    check_attendance(ctx, rl, *a, out);
  }
}

/// Appends the findings of every rule `is_check` accepts, in rule order, then
/// by subject and date.
inline void evaluate_checks(const eval_context& ctx, results& r) {
  const team_rosters rosters(ctx.index);
  for (const rule& rl : ctx.rules.rules)
    if (is_check(rl)) check_rule(ctx, rosters, rl, r.findings);
}

/// Each rule id's place in a policy's rule order — its first rule's, should a
/// policy built by hand give two rules one id — and, for an id the policy does
/// not have, the number of its rules: findings are ordered by it.
class rule_places {
 public:
  explicit rule_places(const policy& p) : unknown_(p.rules.size()) {
    for (std::size_t i = 0; i < p.rules.size(); ++i) place_.emplace(p.rules[i].id, i);
  }

  [[nodiscard]] std::size_t of(std::string_view rule) const {
    const auto it = place_.find(rule);
    return it == place_.end() ? unknown_ : it->second;
  }

 private:
  std::unordered_map<std::string_view, std::size_t> place_;  // views of the policy's ids
  std::size_t unknown_;
};

/// Orders findings by the rule order of the policy, keeping each rule's own
/// order (stable). Run once every stage that finds has run, before anything
/// refers to findings by index (penalty charges).
inline void order_findings_by_rule(const rule_places& places, results& r) {
  // Each finding's rule position looked up once; a stable sort of indices by it;
  // each finding moved once.
  std::vector<std::pair<std::size_t, std::size_t>> keys(r.findings.size());  // (rule position, index)
  for (std::size_t i = 0; i < r.findings.size(); ++i) keys[i] = {places.of(r.findings[i].rule), i};
  if (std::is_sorted(keys.begin(), keys.end())) return;
  std::sort(keys.begin(), keys.end());  // unique second members: the same order a stable sort gives
  // Place k takes the finding at keys[k].second: moved along each cycle of that
  // permutation in place, where a second list (260 MB at 3 M members) took
  // fresh memory. A place filled is marked by keys[k].second = k.
  std::vector<finding>& f = r.findings;
  for (std::size_t k = 0; k < f.size(); ++k) {
    if (keys[k].second == k) continue;
    finding held = std::move(f[k]);
    std::size_t at = k;
    while (keys[at].second != k) {
      const std::size_t from = keys[at].second;
      f[at] = std::move(f[from]);
      keys[at].second = at;
      at = from;
    }
    f[at] = std::move(held);
    keys[at].second = at;
  }
}

/// The same, for a policy whose places are not at hand.
inline void order_findings_by_rule(const policy& p, results& r) { order_findings_by_rule(rule_places(p), r); }

// ---- explain ---------------------------------------------------------------------------------

/// The figure a rule judges by, with the key it is written under, when it has one.
struct rule_figure {
  std::string_view key;
  const expression* figure = nullptr;
};

[[nodiscard]] inline rule_figure figure_of(const rule& r) {
  if (const auto* b = std::get_if<minimum_rule>(&r.body)) return {"at_least", &b->at_least};
  if (const auto* b = std::get_if<obligation_rule>(&r.body)) return {"times", &b->times};
  if (const auto* b = std::get_if<team_size_rule>(&r.body)) return {"at_least", &b->at_least};
  if (const auto* b = std::get_if<term_rule>(&r.body)) return {"at_least_years", &b->at_least_years};
  if (const auto* b = std::get_if<attendance_rule>(&r.body)) return {"at_least", &b->at_least};
  if (const auto* b = std::get_if<quota_rule>(&r.body)) return {"share", &b->share};
  if (const auto* b = std::get_if<allowance_rule>(&r.body)) return {"amount", &b->amount};
  return {};
}

/// Says why `f` was raised: the rule, its title and source (a county choice
/// flagged), the figure it judges by with each parameter's value in force and the
/// date it took effect, the choices the rule makes, and the facts that fell short.
[[nodiscard]] inline std::string explain_finding(const policy& p, const county& c, const finding& f) {
  (void)c;
  std::string out;
  const rule* r = p.find_rule(f.rule);
  out += "finding: " + f.rule + " — " + f.subject_id + ", " + range_text(f.slice) + " (" +
         (f.severity == finding_severity::advisory ? "advisory" : "violation") + ")\n";
  if (r == nullptr) {
    out += "  rule " + f.rule + " is not in policy " + p.id + "\n";
  } else {
    out += "  rule: " + r->id + " (" + std::string(to_string(r->kind)) + "), " + r->title.en + " / " + r->title.zh +
           "\n";
    out += "  source: " + r->source + (r->county_choice ? "  [county choice]" : "") + "\n";
    if (const rule_figure fig = figure_of(*r); fig.figure != nullptr) {
      const expression& e = *fig.figure;
      out += "  " + std::string(fig.key) + ": " + e.text();
      const std::vector<const parameter*> read = parameters_read(p, e);
      // A figure reads parameters only and is shown with its value on the slice's last
      // day; an allowance's amount reads inputs too (explain the entitlement for it).
      if (!std::holds_alternative<allowance_rule>(r->body)) {
        try {
          out += " = " + figure_on(p, e, f.slice.last).to_string() + " on " + to_string(f.slice.last);
        } catch (const std::exception&) {
          // no value in force that day: the parameters below say so
        }
      }
      out += "\n";
      for (const parameter* q : read) {
        out += "    " + q->id + (q->title.en.empty() ? std::string() : " (" + q->title.en + ")");
        if (const dated_value* v = q->entry_on(f.slice.last))
          out += " = " + v->value.to_string() + " " + std::string(to_string(q->unit)) + ", in force from " +
                 to_string(v->since);
        else
          out += ": no value in force on " + to_string(f.slice.last);
        out += "\n      source: " + q->source + (q->county_choice ? "  [county choice]" : "") + "\n";
      }
    }
    if (const auto* k = std::get_if<kit_rule>(&r->body))
      for (const kit_item& item : k->items)
        if (item.item == f.expected)
          out += "  item: " + item.item + " (" + item.title.en + " / " + item.title.zh + "), level " +
                 std::string(to_string(item.level)) +
                 (item.level == kit_level::advised ? ": advised, so its absence is an advisory\n" : "\n");
    for (const rule_choice& ch : r->choices) out += "  choice (" + ch.key + "): " + ch.source + "\n";
  }
  out += "  responsible: " + (f.responsible_unit.empty() ? std::string("no unit (town or county)") : f.responsible_unit) +
         "\n";
  out += "  expected: " + f.expected + "\n  found: " + f.actual + "\n  " + f.message + "\n";
  return out;
}

}  // namespace rulebook::detail

// The public `explain` for a finding needs the complete `program`; engine.hpp
// defines it before including this header. A test that builds an `eval_context`
// by hand without engine.hpp defines RULEBOOK_DETAIL_CHECKS_STANDALONE and calls
// `detail::explain_finding` instead.
#ifndef RULEBOOK_DETAIL_CHECKS_STANDALONE
namespace rulebook {
inline std::string explain(const program& prog, const county& c, const results& r, const finding& f) {
  (void)r;
  return detail::explain_finding(prog.rules(), c, f);
}
}  // namespace rulebook
#endif
