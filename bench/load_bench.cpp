// Loading the bundled Qiyang county, in its YAML and CSV forms; bytes per second
// are reported so that the two readers can be compared in one run.
//
//   build/bench/load_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>
#include <string>

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
