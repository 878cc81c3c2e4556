// The allowance stage against a hand-written loop: the Qiyang member-month
// allowances (living, transport, communication) over the sample county.
//
// - engine_allowances: `detail::evaluate_allowances` as `evaluate` runs it (the
//   county indexed, every member-month evaluated through the compiled rules,
//   entitlements, findings and totals built), time per member-month.
// - hand_loop: the same three amounts computed by plain C++ over columns of the
//   same member-months prepared beforehand (the figures written into the code).
// - engine_vs_hand: both, timed alike; `ratio` is engine time / hand time (the
//   issue's goal for a columnar batch evaluator is ≤ 2). The owed totals of both
//   are compared and the benchmark fails (SkipWithError) when they differ.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "rulebook/engine.hpp"
#include "rulebook/load.hpp"

namespace rb = rulebook;

namespace {

/// The Qiyang policy with its member-month allowances only, and the sample county.
struct fixture {
  rb::program prog = [] {
    rb::policy p = rb::load_policy_or_throw(std::string(RULEBOOK_SOURCE_DIR) + "/rules/qiyang-2019.yaml");
    std::erase_if(p.rules, [](const rb::rule& r) {
      const auto* a = std::get_if<rb::allowance_rule>(&r.body);
      return a == nullptr || a->per != rb::allowance_basis::member_month;
    });
    return rb::compile(std::move(p));
  }();
  rb::county data = rb::load_county_or_throw(std::string(RULEBOOK_SOURCE_DIR) + "/examples/qiyang/county.yaml");
  rb::period year = rb::period::of_year(2019);
};

const fixture& sample() {
  static const fixture f;
  return f;
}

rb::results run_engine(const fixture& f) {
  const rb::detail::county_index index(f.data);
  const rb::detail::eval_context ctx{f.prog, f.prog.rules(), f.data, f.year, index};
  rb::results r;
  rb::detail::evaluate_allowances(ctx, r);
  return r;
}

/// The member-months as columns, as a batch evaluator would hold them.
struct columns {
  std::vector<std::int64_t> days_in_village, round_trips, distance_raw, days_served, days_in_month;
  [[nodiscard]] std::size_t size() const { return days_in_village.size(); }
};

columns make_columns(const fixture& f) {
  const rb::detail::county_index index(f.data);
  columns c;
  for (const rb::month_record& r : f.data.months) {
    const std::size_t m = *index.member(r.member);
    const rb::date_range month{r.month.first_day(), r.month.last_day()};
    const int served = index.days_served(m, month);
    if (served == 0) continue;
    const auto team = index.team_on(m, std::max(month.first, index.service_of(m).front().range.first));
    c.days_in_village.push_back(r.days_in_village);
    c.round_trips.push_back(r.round_trips);
    c.distance_raw.push_back(f.data.teams[team.value_or(0)].distance_km.raw());
    c.days_served.push_back(served);
    c.days_in_month.push_back(r.month.days());
  }
  return c;
}

/// living = 100 × days; transport = 1.5 × 2 × min(trips, 4) × km, half-up to the fen;
/// communication = 100 × served / days in the month, half-up to the fen.
rb::money hand_loop(const columns& c) {
  const rb::money per_day = rb::money::yuan(100), per_month = rb::money::yuan(100);
  const rb::money per_km = rb::money::parse("1.5");
  rb::money owed;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const rb::money living = per_day * c.days_in_village[i];
    const std::int64_t trips = std::min<std::int64_t>(c.round_trips[i], 4);
    const rb::money transport =
        (per_km * (2 * trips)).mul_div(c.distance_raw[i], rb::money::one, rb::rounding::half_up, rb::places::fen);
    const rb::money communication =
        per_month.mul_div(c.days_served[i], c.days_in_month[i], rb::rounding::half_up, rb::places::fen);
    owed += living + transport + communication;
  }
  return owed;
}

rb::money owed_total(const rb::results& r) {
  rb::money sum;
  for (const rb::item_total& t : r.totals) sum += t.owed;
  return sum;
}

void engine_allowances(benchmark::State& state) {
  const fixture& f = sample();
  std::size_t rows = 0;
  for (auto _ : state) {
    rb::results r = run_engine(f);
    rows = r.entitlements.size() / 3;
    benchmark::DoNotOptimize(r);
  }
  state.counters["member_months"] = static_cast<double>(rows);
  state.counters["time_per_member_month"] = benchmark::Counter(
      static_cast<double>(rows), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(engine_allowances)->Unit(benchmark::kMicrosecond);

void hand_written_loop(benchmark::State& state) {
  const columns c = make_columns(sample());
  for (auto _ : state) {
    rb::money owed = hand_loop(c);
    benchmark::DoNotOptimize(owed);
  }
  state.counters["member_months"] = static_cast<double>(c.size());
  state.counters["time_per_member_month"] = benchmark::Counter(
      static_cast<double>(c.size()), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(hand_written_loop)->Unit(benchmark::kMicrosecond);

void engine_vs_hand(benchmark::State& state) {
  const fixture& f = sample();
  const columns c = make_columns(f);
  const rb::money engine_owed = owed_total(run_engine(f));
  const rb::money hand_owed = hand_loop(c);
  if (engine_owed != hand_owed) {
    state.SkipWithError(("totals differ: engine " + engine_owed.to_string() + ", hand " + hand_owed.to_string()).c_str());
    return;
  }
  using clock = std::chrono::steady_clock;
  clock::duration engine{}, hand{};
  for (auto _ : state) {
    const auto t0 = clock::now();
    rb::results r = run_engine(f);
    benchmark::DoNotOptimize(r);
    const auto t1 = clock::now();
    for (int k = 0; k < 10; ++k) {  // the hand loop is short: run it more often, and divide
      rb::money owed = hand_loop(c);
      benchmark::DoNotOptimize(owed);
    }
    const auto t2 = clock::now();
    engine += t1 - t0;
    hand += (t2 - t1) / 10;
  }
  state.counters["ratio"] = static_cast<double>(engine.count()) / static_cast<double>(std::max<clock::rep>(hand.count(), 1));
  state.counters["owed_total_yuan"] = static_cast<double>(engine_owed.raw() / rb::money::one);
}
BENCHMARK(engine_vs_hand)->Unit(benchmark::kMicrosecond);

}  // namespace
