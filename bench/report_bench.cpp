// Writing the Qiyang sample's results as a report: the HTML page with every
// amount and finding explained, the page without the amounts' explanations
// (what they cost), and JSON for comparison. Bytes per second are the page's.
//
//   build/bench/report_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdint>
#include <sstream>
#include <string>

#include "report.hpp"
#include "rulebook/engine.hpp"
#include "rulebook/load.hpp"

namespace {

struct sample {
  rulebook::program prog = rulebook::compile(rulebook::load_policy_or_throw(RULEBOOK_SOURCE_DIR "/rules/qiyang-2019.yaml"));
  rulebook::county c = rulebook::load_county_or_throw(RULEBOOK_SOURCE_DIR "/examples/qiyang/county.yaml");
  rulebook::results r = rulebook::evaluate(prog, c, rulebook::period::of_year(2019));
};

const sample& qiyang() {
  static const sample s;
  return s;
}

void html(benchmark::State& state, rulebook::report::language lang, std::size_t max_explained) {
  const sample& s = qiyang();
  rulebook::report::html_options o;
  o.lang = lang;
  o.generated_at = "2020-01-07";
  o.max_explained = max_explained;
  std::int64_t bytes = 0;
  for (auto _ : state) {
    std::ostringstream out;
    rulebook::report::write_html(out, s.prog, s.c, s.r, "hash", o);
    bytes = static_cast<std::int64_t>(out.view().size());
    benchmark::DoNotOptimize(bytes);
  }
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["page_bytes"] = static_cast<double>(bytes);
}

void html_zh(benchmark::State& state) { html(state, rulebook::report::language::zh, 20000); }
void html_en(benchmark::State& state) { html(state, rulebook::report::language::en, 20000); }
void html_zh_amounts_unexplained(benchmark::State& state) { html(state, rulebook::report::language::zh, 0); }

void json(benchmark::State& state) {
  const sample& s = qiyang();
  for (auto _ : state) {
    std::ostringstream out;
    rulebook::report::write_json(out, s.r, 2);
    benchmark::DoNotOptimize(out.view().size());
  }
}

}  // namespace

BENCHMARK(html_zh)->Unit(benchmark::kMillisecond);
BENCHMARK(html_en)->Unit(benchmark::kMillisecond);
BENCHMARK(html_zh_amounts_unexplained)->Unit(benchmark::kMillisecond);
BENCHMARK(json)->Unit(benchmark::kMillisecond);
