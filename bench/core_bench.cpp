// Issue 6, benchmark 1: the member-month core against a hand-written loop.
//
// The core is the Qiyang policy's living, transport (at most 4 round trips × 2
// legs × distance × 1.5 yuan) and communication allowances over each
// member-month, and its three minimums: accident cover on every day served, a
// health check each year served, and the six-item kit on every day a team has a
// member. Both sides run over the same rows of a county written by
// `rulebook::generate_county`, on one thread:
//
// - the engine: the compiled rules' batch kernels over the member-month columns
//   (`detail::run_member_month_rules`), a block of `members_per_block` members
//   at a time as an evaluation runs them — each block's columns made
//   beforehand, as the hand loop's are, and the output columns reused from block
//   to block — then the three rules through the checks stage
//   (`detail::check_rule`), findings and all. The county's index, with the
//   lists of policies, health checks and kit (items as codes) the checks read,
//   is made beforehand too, as an evaluation makes it before any stage runs;
// - the hand loop: plain C++ over the same columns, the figures written into
//   the code, counting the days each minimum fails.
//
// Each iteration runs both, alternately. The totals owed must agree to the fen,
// and the number of findings and of days they cover to the day; a difference
// fails the benchmark. `ratio` is the engine's time over the hand loop's;
// `allowances_ratio` and `checks_ratio` split it. What each side makes before
// it runs is timed apart, not in the ratios: `engine_index_ms` (the county's
// index) and `hand_columns_ms` (the hand loop's columns).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <variant>
#include <vector>

#include "generated.hpp"
#include "hand_loop.hpp"
#include "rulebook/engine.hpp"
#include "rulebook/load.hpp"

namespace rb = rulebook;
namespace rd = rulebook::detail;
using rulebook_bench::allowance_columns;
using rulebook_bench::hand_allowances;

namespace {

using day_number = std::int64_t;
constexpr day_number open_end = std::numeric_limits<day_number>::max() / 2;

day_number day_of(const rb::date& d) { return static_cast<day_number>(d.day_number()); }

/// The Qiyang policy with its member-month allowances and its minimum and kit rules only.
rb::program core_policy() {
  rb::policy p = rb::load_policy_or_throw(std::string(RULEBOOK_SOURCE_DIR) + "/rules/qiyang-2019.yaml");
  std::erase_if(p.rules, [](const rb::rule& r) {
    if (const auto* a = std::get_if<rb::allowance_rule>(&r.body)) return a->per != rb::allowance_basis::member_month;
    return !std::holds_alternative<rb::minimum_rule>(r.body) && !std::holds_alternative<rb::kit_rule>(r.body);
  });
  return rb::compile(std::move(p));
}

/// A generated county of `teams` teams of 5 places, cut to the members who serve
/// in one team: a month in which a member moves has a row in each team, which
/// the hand loop would have to weigh as the engine does.
rb::county single_team_members(std::size_t teams) {
  rb::county c = rb::load_county_or_throw(rulebook_bench::generated_county(teams, 5));
  std::erase_if(c.members, [](const rb::member& m) { return m.service.size() != 1; });
  std::unordered_set<std::string> kept;
  for (const rb::member& m : c.members) kept.insert(m.id);
  rb::month_records months;
  for (const auto row : c.months)
    if (kept.contains(std::string(row.member()))) months.push_back(row.record());
  c.months = std::move(months);
  return c;
}

/// A stretch of days with a figure: an insurance policy's cover, a kit item held.
struct stretch {
  day_number first, last;
  std::int64_t value;
};

/// The minimums' inputs: each member's days served in the year, policies and
/// checks; each team's members and kit. Rows of a member or team are runs of
/// one list (`begin[i]` … `begin[i + 1]`).
struct check_columns {
  std::vector<day_number> served_first, served_last;  // within the year
  std::vector<std::uint32_t> policy_begin, check_begin;
  std::vector<stretch> policies;      // cover raw
  std::vector<stretch> checks;        // first = last = the day, value = cost raw
  std::vector<std::uint32_t> team_begin, team_members;  // members by team
  std::vector<std::uint32_t> kit_begin;
  std::vector<stretch> kit;           // value = the item, 0–5
  day_number year_first = 0, year_last = 0;
};

/// Counts the runs of days in [first, last] that no stretch of `rows` with value ≥
/// `at_least` (or, when `item` ≥ 0, with value == item) covers, and their days.
struct gaps {
  std::int64_t runs = 0, days = 0;
};
template <class Covers>
void count_gaps(day_number first, day_number last, const stretch* rows, const stretch* end, const Covers& covers,
                gaps& out) {
  day_number day = first;
  while (day <= last) {
    day_number reach = -1;  // the last day covered from `day` on by a stretch in force on it
    for (const stretch* s = rows; s != end; ++s)
      if (covers(*s) && s->first <= day && day <= s->last) reach = std::max(reach, s->last);
    if (reach >= 0) {
      day = reach + 1;
      continue;
    }
    day_number next = last + 1;  // the next day a covering stretch starts
    for (const stretch* s = rows; s != end; ++s)
      if (covers(*s) && s->first > day) next = std::min(next, s->first);
    ++out.runs;
    out.days += next - day;
    day = next;
  }
}

/// Accident cover of 200,000 yuan on every day served; a health check of 500
/// yuan in the year; each of the six items on every day a team has a member.
std::array<gaps, 3> hand_checks(const check_columns& c, std::vector<stretch>& active) {
  const std::int64_t cover_minimum = rb::money::yuan(200'000).raw(), check_minimum = rb::money::yuan(500).raw();
  std::array<gaps, 3> found{};
  const std::size_t members = c.served_first.size();
  for (std::size_t m = 0; m < members; ++m) {
    count_gaps(c.served_first[m], c.served_last[m], c.policies.data() + c.policy_begin[m],
               c.policies.data() + c.policy_begin[m + 1], [&](const stretch& s) { return s.value >= cover_minimum; },
               found[0]);
    std::int64_t best = -1;
    for (std::uint32_t k = c.check_begin[m]; k < c.check_begin[m + 1]; ++k)
      if (c.checks[k].first >= c.year_first && c.checks[k].first <= c.year_last) best = std::max(best, c.checks[k].value);
    if (best < check_minimum) {
      ++found[1].runs;
      found[1].days += c.year_last - c.year_first + 1;
    }
  }
  const std::size_t teams = c.team_begin.size() - 1;
  for (std::size_t t = 0; t < teams; ++t) {
    active.clear();  // the team's days with a member, as joined runs
    for (std::uint32_t k = c.team_begin[t]; k < c.team_begin[t + 1]; ++k)
      active.push_back({c.served_first[c.team_members[k]], c.served_last[c.team_members[k]], 0});
    std::sort(active.begin(), active.end(), [](const stretch& a, const stretch& b) { return a.first < b.first; });
    std::size_t joined = 0;
    for (std::size_t k = 1; k < active.size(); ++k) {
      if (active[k].first <= active[joined].last + 1)
        active[joined].last = std::max(active[joined].last, active[k].last);
      else
        active[++joined] = active[k];
    }
    if (!active.empty()) active.resize(joined + 1);
    const stretch* kit = c.kit.data() + c.kit_begin[t];
    const stretch* kit_end = c.kit.data() + c.kit_begin[t + 1];
    for (std::int64_t item = 0; item < 6; ++item)
      for (const stretch& days : active)
        count_gaps(days.first, days.last, kit, kit_end, [&](const stretch& s) { return s.value == item; }, found[2]);
  }
  return found;
}

/// The generated county, its 2019 member-months as the engine's batches (one a
/// block, and one of the whole county from which the hand loop's columns are
/// made), and both sides' inputs.
struct core_fixture {
  rb::program prog = core_policy();
  rb::county data;
  rb::period year = rb::period::of_year(2019);
  rd::county_index index;
  rd::eval_context ctx;
  rd::allowance_evaluator fallback;
  rd::member_month_batch batch;                // every member: the hand loop's rows
  std::vector<rd::member_month_batch> blocks;  // the same rows, a block at a time: the engine's
  rd::team_rosters rosters;
  std::vector<const rb::rule*> minimums;  // accident_insurance, health_check, six_items
  std::vector<rd::rule_column> columns;   // the engine's output, reused
  std::vector<std::vector<rb::finding>> findings;

  explicit core_fixture(std::size_t teams)
      : data(single_team_members(teams)),
        index(data),
        ctx{prog, prog.rules(), data, year, index},
        fallback(ctx, prog.allowances()),
        batch(ctx, prog.allowances(), fallback.months()),
        rosters(index) {
    for (const rb::rule& r : prog.rules().rules)
      if (rd::is_check(r)) minimums.push_back(&r);
    findings.resize(minimums.size());
    for (std::size_t first = 0; first < data.members.size(); first += rd::members_per_block)
      blocks.emplace_back(ctx, prog.allowances(), fallback.months(), first,
                          std::min(data.members.size(), first + rd::members_per_block));
  }

  /// The total owed, the rules run over each block in turn. A batch of the
  /// whole county (1 M rows) ran 2.1× the hand loop's time where blocks run
  /// 1.7× (session 17): each rule's pass then streamed its columns from memory.
  rb::money allowances() {
    std::int64_t sum = 0;
    for (rd::member_month_batch& block : blocks) {
      rd::run_member_month_rules(ctx, prog.allowances(), block, fallback, 1, columns);
      for (const rd::rule_column& col : columns) sum += owed_sum(col.amounts());
    }
    return rb::money::from_raw(sum);
  }

  /// The sum of a rule column's amounts owed, as four sums apart: in one, each
  /// addition (GCC 12 makes it an add and a conditional move, not vectors, for
  /// x86-64's baseline) waited on the one before, and the three columns' 3 M
  /// amounts took some 2 ms of the engine's 27.
  static std::int64_t owed_sum(std::span<const std::int64_t> amounts) {
    std::array<std::int64_t, 4> part{};
    const auto owed = [](std::int64_t a) { return a == rd::rule_column::not_owed ? 0 : a; };
    std::size_t i = 0;
    for (; i + part.size() <= amounts.size(); i += part.size())
      for (std::size_t k = 0; k < part.size(); ++k) part[k] += owed(amounts[i + k]);
    for (; i < amounts.size(); ++i) part[0] += owed(amounts[i]);
    return part[0] + part[1] + part[2] + part[3];
  }

  /// The blocks' rows are the whole county's, in order.
  [[nodiscard]] bool blocks_hold_every_row() const {
    std::size_t rows = 0;
    for (const rd::member_month_batch& block : blocks) rows += block.size();
    return rows == batch.size();
  }

  std::array<gaps, 3> checks() {
    std::array<gaps, 3> found{};
    for (std::size_t k = 0; k < minimums.size(); ++k) {
      findings[k].clear();
      rd::check_rule(ctx, rosters, *minimums[k], findings[k]);
      found[k].runs = static_cast<std::int64_t>(findings[k].size());
      for (const rb::finding& f : findings[k]) found[k].days += f.slice.days();
    }
    return found;
  }

  [[nodiscard]] allowance_columns hand_allowance_columns() const {
    allowance_columns c;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const rb::month_records::row rec = batch.record[i];
      c.days_in_village.push_back(rec ? rec.days_in_village() : 0);
      c.round_trips.push_back(rec ? rec.round_trips() : 0);
      c.distance_raw.push_back(data.teams[batch.team[i]].distance_km.raw());
      c.days_served.push_back(batch.served[i]);
      c.days_in_month.push_back(rb::year_month::of(batch.slice[i].first).days());
    }
    return c;
  }

  /// Each member serving in the year, by index; each team's of them.
  [[nodiscard]] check_columns hand_check_columns() const {
    check_columns c;
    c.year_first = day_of(year.range.first);
    c.year_last = day_of(year.range.last);
    std::vector<std::vector<std::uint32_t>> by_team(data.teams.size());
    c.policy_begin.push_back(0);
    c.check_begin.push_back(0);
    for (std::size_t m = 0; m < data.members.size(); ++m) {
      const rb::member& mm = data.members[m];
      const rb::service_interval& s = mm.service.front();
      const day_number first = std::max(day_of(s.from), c.year_first);
      const day_number last = std::min(s.to ? day_of(*s.to) : open_end, c.year_last);
      if (first > last) continue;
      by_team[*index.team(s.team)].push_back(static_cast<std::uint32_t>(c.served_first.size()));
      c.served_first.push_back(first);
      c.served_last.push_back(last);
      for (const rb::insurance_policy& p : mm.insurance) c.policies.push_back({day_of(p.from), day_of(p.to), p.cover.raw()});
      for (const rb::health_check& h : mm.health_checks) c.checks.push_back({day_of(h.on), day_of(h.on), h.cost.raw()});
      c.policy_begin.push_back(static_cast<std::uint32_t>(c.policies.size()));
      c.check_begin.push_back(static_cast<std::uint32_t>(c.checks.size()));
    }
    constexpr std::array<const char*, 6> items{"computer", "printer", "desk_set", "water_heater", "kitchen_set", "bedding_set"};
    c.team_begin.push_back(0);
    c.kit_begin.push_back(0);
    for (std::size_t t = 0; t < data.teams.size(); ++t) {
      c.team_members.insert(c.team_members.end(), by_team[t].begin(), by_team[t].end());
      c.team_begin.push_back(static_cast<std::uint32_t>(c.team_members.size()));
      for (const rb::kit_holding& k : data.teams[t].kit) {
        const auto item = std::find(items.begin(), items.end(), k.item);
        if (item == items.end()) continue;
        c.kit.push_back({day_of(k.since), k.until ? day_of(*k.until) : open_end, item - items.begin()});
      }
      c.kit_begin.push_back(static_cast<std::uint32_t>(c.kit.size()));
    }
    return c;
  }

  [[nodiscard]] bool one_row_per_member_month() const {
    for (std::size_t i = 0; i < batch.size(); ++i)
      if (batch.slice[i].days() != batch.served[i]) return false;
    return true;
  }
};

std::string differs(const char* what, std::int64_t engine, std::int64_t hand) {
  return std::string(what) + " differ: engine " + std::to_string(engine) + ", hand " + std::to_string(hand);
}

/// The argument is the number of generated teams (of 5 places): 17,000 teams
/// give about 1 M member-months.
void core_vs_hand(benchmark::State& state) {
  core_fixture core(static_cast<std::size_t>(state.range(0)));
  const allowance_columns a = core.hand_allowance_columns();
  const check_columns k = core.hand_check_columns();
  std::vector<stretch> active;
  const rb::money engine_owed = core.allowances();
  const rb::money hand_owed = hand_allowances(a);
  if (!core.one_row_per_member_month() || !core.blocks_hold_every_row()) {
    state.SkipWithError("the engine's blocks do not hold the hand loop's rows, one a member-month");
    return;
  }
  if (engine_owed != hand_owed) {
    state.SkipWithError(("totals differ: engine " + engine_owed.to_string() + ", hand " + hand_owed.to_string()).c_str());
    return;
  }
  // The hand loop knows the three minimums by their place: the policy's must be them, in this order.
  const std::array<std::string_view, 3> expected{"accident_insurance", "health_check", "six_items"};
  if (core.minimums.size() != expected.size() ||
      !std::equal(expected.begin(), expected.end(), core.minimums.begin(),
                  [](std::string_view id, const rb::rule* r) { return r->id == id; })) {
    state.SkipWithError("the policy's minimum and kit rules are not accident_insurance, health_check, six_items");
    return;
  }
  const std::array<gaps, 3> engine_found = core.checks(), hand_found = hand_checks(k, active);
  for (std::size_t r = 0; r < 3; ++r) {
    const std::string rule = core.minimums[r]->id;
    if (engine_found[r].runs != hand_found[r].runs || engine_found[r].days != hand_found[r].days) {
      state.SkipWithError((rule + ": " + differs("findings", engine_found[r].runs, hand_found[r].runs) + "; " +
                           differs("days", engine_found[r].days, hand_found[r].days)).c_str());
      return;
    }
    if (state.range(0) >= 200 && engine_found[r].runs == 0) {  // the planted failures were found
      state.SkipWithError((rule + ": no findings, nothing compared").c_str());
      return;
    }
  }

  using clock = std::chrono::steady_clock;
  // What each side makes before its timed runs, on one thread, the least of
  // three times each (not in the ratios): the engine's index of the county, as
  // an evaluation makes it before any stage (with the columns of policies,
  // health checks and kit the checks read), and the hand loop's columns.
  clock::duration index_time = clock::duration::max(), hand_columns_time = clock::duration::max();
  for (int round = 0; round < 3; ++round) {
    const auto t0 = clock::now();
    const rd::county_index fresh(core.data);
    benchmark::DoNotOptimize(&fresh);
    const auto t1 = clock::now();
    const allowance_columns fresh_a = core.hand_allowance_columns();
    const check_columns fresh_k = core.hand_check_columns();
    benchmark::DoNotOptimize(&fresh_a);
    benchmark::DoNotOptimize(&fresh_k);
    const auto t2 = clock::now();
    index_time = std::min(index_time, t1 - t0);
    hand_columns_time = std::min(hand_columns_time, t2 - t1);
  }
  clock::duration engine_allowances{}, engine_checks{}, hand_allowances_time{}, hand_checks_time{};
  for (auto _ : state) {
    const auto t0 = clock::now();
    rb::money e = core.allowances();
    benchmark::DoNotOptimize(e);
    const auto t1 = clock::now();
    std::array<gaps, 3> ef = core.checks();
    benchmark::DoNotOptimize(ef);
    const auto t2 = clock::now();
    rb::money h = hand_allowances(a);
    benchmark::DoNotOptimize(h);
    const auto t3 = clock::now();
    std::array<gaps, 3> hf = hand_checks(k, active);
    benchmark::DoNotOptimize(hf);
    const auto t4 = clock::now();
    engine_allowances += t1 - t0;
    engine_checks += t2 - t1;
    hand_allowances_time += t3 - t2;
    hand_checks_time += t4 - t3;
  }
  const auto ratio = [](clock::duration x, clock::duration y) {
    return static_cast<double>(x.count()) / static_cast<double>(std::max<clock::rep>(y.count(), 1));
  };
  const double rows = static_cast<double>(a.size()), n = static_cast<double>(state.iterations());
  const auto per_row = [&](clock::duration d) {
    return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()) / (rows * n);
  };
  state.counters["member_months"] = rows;
  state.counters["members"] = static_cast<double>(k.served_first.size());
  state.counters["findings"] = static_cast<double>(engine_found[0].runs + engine_found[1].runs + engine_found[2].runs);
  state.counters["engine_ns_per_member_month"] = per_row(engine_allowances + engine_checks);
  state.counters["hand_ns_per_member_month"] = per_row(hand_allowances_time + hand_checks_time);
  const auto ms = [](clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  state.counters["engine_index_ms"] = ms(index_time);
  state.counters["hand_columns_ms"] = ms(hand_columns_time);
  state.counters["allowances_ratio"] = ratio(engine_allowances, hand_allowances_time);
  state.counters["checks_ratio"] = ratio(engine_checks, hand_checks_time);
  state.counters["ratio"] = ratio(engine_allowances + engine_checks, hand_allowances_time + hand_checks_time);
}

}  // namespace

// 200 teams (about 12 k member-months) is the size CI's smoke run keeps.
BENCHMARK(core_vs_hand)->Arg(200)->Arg(17'000)->Unit(benchmark::kMillisecond);
