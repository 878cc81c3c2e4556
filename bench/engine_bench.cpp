// The allowance stage against a hand-written loop: the Qiyang member-month
// allowances (living, transport, communication) over the sample county.
//
// - engine_allowances: `detail::evaluate_allowances` as `evaluate` runs it (the
//   county indexed, every member-month evaluated through the compiled rules,
//   entitlements, findings and totals built), time per member-month.
// - hand_written_loop: the same three amounts computed by plain C++ (hand_loop.hpp) over columns of the
//   same member-months prepared beforehand (the figures written into the code).
// - engine_vs_hand: both, timed alike; `ratio` is engine time / hand time. The
//   owed totals of both are compared and the benchmark fails (SkipWithError)
//   when they differ. (Issue 6's benchmark of the core, on 1 M generated
//   member-months with the minimum checks, is bench/core_bench.cpp.)
// - whole_policy_threads(_streaming): the whole policy over a generated county
//   on one thread and two.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "generated.hpp"
#include "hand_loop.hpp"
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

using rulebook_bench::allowance_columns;
using rulebook_bench::hand_allowances;

/// The member-months as columns, as a batch evaluator would hold them.
allowance_columns make_columns(const fixture& f) {
  const rb::detail::county_index index(f.data);
  allowance_columns c;
  for (const auto row : f.data.months) {
    const rb::month_record r = row.record();
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
  const allowance_columns c = make_columns(sample());
  for (auto _ : state) {
    rb::money owed = hand_allowances(c);
    benchmark::DoNotOptimize(owed);
  }
  state.counters["member_months"] = static_cast<double>(c.size());
  state.counters["time_per_member_month"] = benchmark::Counter(
      static_cast<double>(c.size()), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(hand_written_loop)->Unit(benchmark::kMicrosecond);

void engine_vs_hand(benchmark::State& state) {
  const fixture& f = sample();
  const allowance_columns c = make_columns(f);
  const rb::money engine_owed = owed_total(run_engine(f));
  const rb::money hand_owed = hand_allowances(c);
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
      rb::money owed = hand_allowances(c);
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

// The columnar core against a hand loop over the same ~1 M generated member-months,
// with the three minimum checks: bench/core_bench.cpp.

// ---- the whole policy over a large county, on one and two threads ------------------------

/// Counts the entitlements handed to it and keeps none, as `rulebook eval --format
/// csv` keeps none (it writes each block out).
struct counting_sink : rb::entitlement_sink {
  std::size_t count = 0;
  void accept(std::span<const rb::entitlement> block) override { count += block.size(); }
};

/// The whole Qiyang policy over a county written by `rulebook gen` (issue 6, bench 2;
/// the argument is the number of teams, of 5 places each: 20000 teams are about
/// 103,000 members and 1.2 M member-months), on 1 and 2 threads alternately;
/// `speedup` is the one-thread time over the two-thread time, measured in one run,
/// after one untimed run of each; `speedup_median`, the median of each
/// iteration's own ratio.
/// Every timed run's results are compared, to the fen, with a one-thread run's. `Streaming`: through
/// `evaluate(..., entitlement_sink&)` with a sink that only counts (the path of
/// `rulebook eval --format csv`), so the time of keeping 3.7 M entitlements is not in it.
template <bool Streaming>
void whole_policy(benchmark::State& state) {
  const rb::program whole = rb::compile(rb::load_policy_or_throw(std::string(RULEBOOK_SOURCE_DIR) + "/rules/qiyang-2019.yaml"));
  const rb::county data =
      rb::load_county_or_throw(rulebook_bench::generated_county(static_cast<std::size_t>(state.range(0)), 5));
  const rb::period year = rb::period::of_year(2019);
  using clock = std::chrono::steady_clock;
  clock::duration one{}, two{};
  std::size_t entitlements = 0, findings = 0;
  const auto run = [&](unsigned threads, std::size_t& made) {
    if constexpr (Streaming) {
      counting_sink sink;
      rb::results r = rb::evaluate(whole, data, year, {.threads = threads}, sink);
      made = sink.count;
      return r;
    } else {
      rb::results r = rb::evaluate(whole, data, year, {.threads = threads});
      made = r.entitlements.size();
      return r;
    }
  };
  // One untimed run of each first: the timed ones then measure evaluation, not
  // the first touch of the memory the allocator (and each thread's arena) hands
  // out — on a virtual machine a page fault costs microseconds, and a county
  // service evaluates many times in one process. The one-thread run's results
  // are kept as the reference every timed run is compared with; each timed run
  // starts with them alone held (the run before it freed), so that neither
  // number of threads starts with less free memory than the other.
  std::size_t made_reference = 0;
  const rb::results reference = run(1, made_reference);
  const auto timed = [&](unsigned threads, clock::duration& spent) {
    std::size_t made = 0;
    const auto t0 = clock::now();
    const rb::results r = run(threads, made);
    spent += clock::now() - t0;
    return r == reference && made == made_reference;
  };
  clock::duration untimed{};
  if (!timed(2, untimed)) {
    state.SkipWithError("the two-thread results differ from the one-thread results");
    return;
  }
  std::vector<double> ratios;  // each iteration's one-thread time over its two-thread time
  for (auto _ : state) {
    const clock::duration one_before = one, two_before = two;
    if (!timed(1, one) || !timed(2, two)) {
      state.SkipWithError("a run's results differ from the one-thread reference");
      return;
    }
    ratios.push_back(static_cast<double>((one - one_before).count()) /
                     static_cast<double>(std::max<clock::rep>((two - two_before).count(), 1)));
  }
  entitlements = made_reference;
  findings = reference.findings.size();
  const auto ms = [&](clock::duration d) {
    return static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(d).count()) / 1000.0 /
           static_cast<double>(state.iterations());
  };
  state.counters["members"] = static_cast<double>(data.members.size());
  state.counters["member_months"] = static_cast<double>(data.months.size());
  state.counters["entitlements"] = static_cast<double>(entitlements);
  state.counters["findings"] = static_cast<double>(findings);
  state.counters["one_thread_ms"] = ms(one);
  state.counters["two_threads_ms"] = ms(two);
  state.counters["speedup"] = static_cast<double>(one.count()) / static_cast<double>(std::max<clock::rep>(two.count(), 1));
  // The median of the iterations' own ratios: a run of one thread and one of
  // two side by side are timed under much the same load from the rest of the
  // machine, which on these virtual machines moves either time by a fifth from
  // one second to the next.
  std::sort(ratios.begin(), ratios.end());
  if (!ratios.empty())
    state.counters["speedup_median"] = ratios.size() % 2 == 1
                                           ? ratios[ratios.size() / 2]
                                           : (ratios[ratios.size() / 2 - 1] + ratios[ratios.size() / 2]) / 2;
}

void whole_policy_threads(benchmark::State& state) { whole_policy<false>(state); }
void whole_policy_threads_streaming(benchmark::State& state) { whole_policy<true>(state); }

}  // namespace

BENCHMARK(whole_policy_threads)->Arg(20)->Arg(20'000)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(whole_policy_threads_streaming)->Arg(20)->Arg(20'000)->Unit(benchmark::kMillisecond)->Iterations(5);
