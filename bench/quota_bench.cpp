// The excellent-grade quota with its tie-breaks (issue 6, bench 3): the Qiyang
// policy's `excellent_quota` rule alone — 20 % of every member of the year,
// proposals ranked by score, then days in the village over the year, then the
// start of service, ties at the boundary left out — over a county written by
// `rulebook gen` (5 places a team; about 22 % of members proposed).
//
//   build/bench/quota_bench --benchmark_filter=/200000    # 1 M members
//
// The argument is the number of teams: 200000 teams are about 1,030,000 members.
// Month records are kept (the ranking sums each member's days in the village);
// what they say was paid is dropped after loading, to spare memory.
#include <benchmark/benchmark.h>

#include <string>
#include <variant>

#include "generated.hpp"
#include "rulebook/engine.hpp"
#include "rulebook/load.hpp"

namespace rb = rulebook;

namespace {

void excellent_quota(benchmark::State& state) {
  rb::policy p = rb::load_policy_or_throw(std::string(RULEBOOK_SOURCE_DIR) + "/rules/qiyang-2019.yaml");
  std::erase_if(p.rules, [](const rb::rule& r) { return !std::holds_alternative<rb::quota_rule>(r.body); });
  const rb::program quota_only = rb::compile(std::move(p));
  rb::county c = rb::load_county_or_throw(rulebook_bench::generated_county(static_cast<std::size_t>(state.range(0)), 5));
  {  // without their paid amounts
    rb::month_records kept;
    for (const auto row : c.months) kept.add(row.member(), row.month(), row.days_in_village(), row.round_trips(), row.days_away_on_duty());
    c.months = std::move(kept);
  }
  std::size_t places = 0, over = 0;
  for (auto _ : state) {
    const rb::results r = rb::evaluate(quota_only, c, rb::period::of_year(2019));
    if (r.quotas.size() != 1 || !r.entitlements.empty()) {
      state.SkipWithError("expected the quota alone");
      return;
    }
    places = r.quotas[0].places;
    over = r.quotas[0].over_quota.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["members"] = static_cast<double>(c.members.size());
  state.counters["places"] = static_cast<double>(places);
  state.counters["over_quota"] = static_cast<double>(over);
  state.counters["time_per_member"] = benchmark::Counter(static_cast<double>(c.members.size()),
                                                       benchmark::Counter::kIsIterationInvariantRate |
                                                           benchmark::Counter::kInvert);
}

}  // namespace

BENCHMARK(excellent_quota)->Arg(200)->Arg(200'000)->Unit(benchmark::kMillisecond)->Iterations(3);
