// Loading the bundled Qiyang county, in its YAML and CSV forms, and a county
// written by `rulebook gen` (issue 6, bench 5: CSV loading throughput); bytes per
// second are reported so that the readers can be compared in one run.
//
//   build/bench/load_bench --benchmark_counters_tabular=true
//   build/bench/load_bench --benchmark_filter=generated_csv/20000   # 100 k members, 1.2 M member-months
#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "generated.hpp"
#include "rulebook/load.hpp"

namespace {

const std::string source_dir = RULEBOOK_SOURCE_DIR;

std::int64_t bytes_under(const std::filesystem::path& path) {
  if (std::filesystem::is_regular_file(path)) return static_cast<std::int64_t>(std::filesystem::file_size(path));
  std::int64_t total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(path))
    if (entry.is_regular_file()) total += static_cast<std::int64_t>(entry.file_size());
  return total;
}

void load(benchmark::State& state, const std::string& relative) {
  const std::filesystem::path path = source_dir + "/" + relative;
  for (auto _ : state) {
    auto loaded = rulebook::load_county(path);
    if (!loaded) state.SkipWithError("the sample county did not load");
    benchmark::DoNotOptimize(loaded);
  }
  state.SetBytesProcessed(state.iterations() * bytes_under(path));
}

void qiyang_yaml(benchmark::State& state) { load(state, "examples/qiyang/county.yaml"); }
void qiyang_csv(benchmark::State& state) { load(state, "examples/qiyang/csv"); }

}  // namespace

BENCHMARK(qiyang_yaml)->Unit(benchmark::kMillisecond);
BENCHMARK(qiyang_csv)->Unit(benchmark::kMillisecond);

namespace {

/// A generated county of `teams` teams of 5 places, every table, read and checked.
void generated_csv(benchmark::State& state) {
  const std::filesystem::path& folder = rulebook_bench::generated_county(static_cast<std::size_t>(state.range(0)), 5);
  std::size_t months = 0;
  for (auto _ : state) {
    auto loaded = rulebook::load_county(folder);
    if (!loaded) {
      state.SkipWithError("the generated county did not load");
      return;
    }
    months = loaded.value->months.size();
    benchmark::DoNotOptimize(loaded);
  }
  state.SetBytesProcessed(state.iterations() * rulebook_bench::bytes_under(folder));
  state.counters["member_months"] = static_cast<double>(months);
  state.counters["MB"] = static_cast<double>(rulebook_bench::bytes_under(folder)) / 1e6;
}

}  // namespace

BENCHMARK(generated_csv)->Arg(20)->Arg(20'000)->Unit(benchmark::kMillisecond);
