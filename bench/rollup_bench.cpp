// The roll-up stage against the whole evaluation it ends, over the Qiyang sample
// (1312 entitlements, 38 findings) and over the sample repeated 40 times (1480
// members, 52480 entitlements), so that its cost per entitlement can be read
// beside the allowance stage's (engine_bench).
//
// - rollups/N: `detail::evaluate_rollups` alone over finished results, N copies of
//   the county; time per entitlement is reported as `per_entitlement`.
// - evaluate/N: `rulebook::evaluate` whole, roll-ups included.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>
#include <vector>

#include "rulebook/engine.hpp"
#include "rulebook/load.hpp"

namespace rb = rulebook;

namespace {

/// The sample county repeated `copies` times: every id but the units' gets a
/// suffix, so each copy is a county of its own sharing the sponsor units.
rb::county repeated(const rb::county& c, int copies) {
  rb::county out = c;
  out.teams.clear();
  out.members.clear();
  out.months.clear();
  out.visits.clear();
  out.meetings.clear();
  out.condolences.clear();
  for (int k = 0; k < copies; ++k) {
    const std::string suffix = k == 0 ? "" : "-" + std::to_string(k);
    for (rb::team t : c.teams) {
      t.id += suffix;
      out.teams.push_back(std::move(t));
    }
    for (rb::member m : c.members) {
      m.id += suffix;
      for (rb::service_interval& s : m.service) s.team += suffix;
      out.members.push_back(std::move(m));
    }
    for (const auto row : c.months) {
      rb::month_record r = row.record();
      r.member += suffix;
      out.months.push_back(std::move(r));
    }
    for (rb::visit v : c.visits) {
      v.team += suffix;
      out.visits.push_back(std::move(v));
    }
    for (rb::meeting m : c.meetings) {
      for (std::string& a : m.attendees) a += suffix;
      out.meetings.push_back(std::move(m));
    }
  }
  return out;
}

struct fixture {
  rb::program prog = rb::compile(rb::load_policy_or_throw(std::string(RULEBOOK_SOURCE_DIR) + "/rules/qiyang-2019.yaml"));
  rb::county sample = rb::load_county_or_throw(std::string(RULEBOOK_SOURCE_DIR) + "/examples/qiyang/county.yaml");
  rb::period year = rb::period::of_year(2019);
};

const fixture& data() {
  static const fixture f;
  return f;
}

void rollups(benchmark::State& state) {
  const fixture& f = data();
  const rb::county c = repeated(f.sample, static_cast<int>(state.range(0)));
  rb::results r = rb::evaluate(f.prog, c, f.year);
  const std::size_t rows = r.rollups.size();
  const rb::detail::county_index index(c);
  const rb::detail::eval_context ctx{f.prog, f.prog.rules(), c, f.year, index};
  for (auto _ : state) {
    rb::detail::evaluate_rollups(ctx, r);
    benchmark::DoNotOptimize(r.rollups.data());
  }
  if (r.rollups.size() != rows) state.SkipWithError("the roll-ups changed between runs");
  state.counters["entitlements"] = static_cast<double>(r.entitlements.size());
  state.counters["per_entitlement"] = benchmark::Counter(static_cast<double>(r.entitlements.size()),
                                                         benchmark::Counter::kIsIterationInvariantRate |
                                                             benchmark::Counter::kInvert);
}
BENCHMARK(rollups)->Arg(1)->Arg(40)->Unit(benchmark::kMicrosecond);

void evaluate(benchmark::State& state) {
  const fixture& f = data();
  const rb::county c = repeated(f.sample, static_cast<int>(state.range(0)));
  std::size_t entitlements = 0;
  for (auto _ : state) {
    const rb::results r = rb::evaluate(f.prog, c, f.year);
    entitlements = r.entitlements.size();
    benchmark::DoNotOptimize(r.rollups.data());
  }
  state.counters["per_entitlement"] = benchmark::Counter(static_cast<double>(entitlements),
                                                         benchmark::Counter::kIsIterationInvariantRate |
                                                             benchmark::Counter::kInvert);
}
BENCHMARK(evaluate)->Arg(1)->Arg(40)->Unit(benchmark::kMillisecond);

}  // namespace
