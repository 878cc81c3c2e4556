// rulebook's YAML reader against yaml-cpp on the files rulebook reads most:
// a policy (rules/qiyang-2019.yaml) and a county (examples/qiyang/county.yaml).
// Each `*_vs_yaml_cpp` benchmark times both readers on the same text in one
// run and reports both speeds and their ratio as counters; the plain ones
// report the reader's own speed as bytes_per_second. Target: ≥ 50 MB/s.
// Interleaved, rulebook's reader runs each time on memory yaml-cpp has just
// freed and the allocator handed back to the system, so it pays the page
// faults of a first load; alone, it reuses warm memory.
//
//   build/bench/yaml_bench
#include <benchmark/benchmark.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "detail/yaml.hpp"

namespace {

std::string read(const char* relative) {
  std::ifstream in(std::string(RULEBOOK_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void parse_ours(const std::string& text, benchmark::State& state) {
  rulebook::detail::yaml::parse_result parsed = rulebook::detail::yaml::parse(text);
  if (parsed.error || !parsed.doc.root()) state.SkipWithError("rulebook's reader did not read the file");
  benchmark::DoNotOptimize(parsed);
}

void parse_yaml_cpp(const std::string& text, benchmark::State& state) {
  try {
    YAML::Node node = YAML::Load(text);
    benchmark::DoNotOptimize(node);
  } catch (const YAML::Exception&) {
    state.SkipWithError("yaml-cpp did not read the file");
  }
}

/// The reader alone, as bytes per second.
void ours(benchmark::State& state, const char* relative) {
  const std::string text = read(relative);
  for (auto _ : state) parse_ours(text, state);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}

/// yaml-cpp alone, as bytes per second.
void yaml_cpp(benchmark::State& state, const char* relative) {
  const std::string text = read(relative);
  for (auto _ : state) parse_yaml_cpp(text, state);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}

/// Both readers on the same text in each iteration, timed apart: MB/s each
/// and how many times faster rulebook's reader is.
void both(benchmark::State& state, const char* relative) {
  using clock = std::chrono::steady_clock;
  const std::string text = read(relative);
  clock::duration ours_time{};
  clock::duration theirs_time{};
  for (auto _ : state) {
    const clock::time_point start = clock::now();
    parse_ours(text, state);
    const clock::time_point middle = clock::now();
    parse_yaml_cpp(text, state);
    ours_time += middle - start;
    theirs_time += clock::now() - middle;
  }
  const double megabytes = static_cast<double>(state.iterations()) * static_cast<double>(text.size()) / 1e6;
  const double ours_seconds = std::chrono::duration<double>(ours_time).count();
  const double theirs_seconds = std::chrono::duration<double>(theirs_time).count();
  state.counters["rulebook_MB/s"] = megabytes / ours_seconds;
  state.counters["yaml_cpp_MB/s"] = megabytes / theirs_seconds;
  state.counters["speedup"] = theirs_seconds / ours_seconds;
}

}  // namespace

BENCHMARK_CAPTURE(ours, qiyang_policy, "rules/qiyang-2019.yaml")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(ours, qiyang_county, "examples/qiyang/county.yaml")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(yaml_cpp, qiyang_policy, "rules/qiyang-2019.yaml")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(yaml_cpp, qiyang_county, "examples/qiyang/county.yaml")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(both, qiyang_policy_vs_yaml_cpp, "rules/qiyang-2019.yaml")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(both, qiyang_county_vs_yaml_cpp, "examples/qiyang/county.yaml")->Unit(benchmark::kMicrosecond);
