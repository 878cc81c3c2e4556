// Loading and checking a policy with its base: read both files, walk the YAML,
// check every key and value, compile every expression. Target: ≤ 1 ms for
// rules/qiyang-2019.yaml (which extends rules/national-2017.yaml).
//
//   build/bench/policy_bench
#include <benchmark/benchmark.h>

#include <string>

#include "rulebook/policy.hpp"

namespace {

void load(benchmark::State& state, const char* relative) {
  const std::string path = std::string(RULEBOOK_SOURCE_DIR) + "/" + relative;
  for (auto _ : state) {
    auto loaded = rulebook::load_policy(path);
    if (!loaded) state.SkipWithError("the policy did not load");
    benchmark::DoNotOptimize(loaded);
  }
}

void qiyang_2019_with_base(benchmark::State& state) { load(state, "rules/qiyang-2019.yaml"); }
void national_2017(benchmark::State& state) { load(state, "rules/national-2017.yaml"); }

}  // namespace

BENCHMARK(qiyang_2019_with_base)->Unit(benchmark::kMicrosecond);
BENCHMARK(national_2017)->Unit(benchmark::kMicrosecond);
