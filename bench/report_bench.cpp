// Writing the Qiyang sample's results as a report: the HTML page with every
// amount and finding explained, the page without the amounts' explanations
// (what they cost), and JSON for comparison. Bytes per second are the page's.
// And the CSV rows `eval --format csv` writes most of, entitlements.csv's and
// rollups.csv's, of a county written by `rulebook gen`.
//
//   build/bench/report_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <sstream>
#include <string>

#include "generated.hpp"
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

/// The rows of entitlements.csv (`entitlement_csv_writer::render`) or
/// rollups.csv (`rollup_csv_writer::render`) of the whole policy over a county
/// written by `rulebook gen` (the argument: teams of 5 places), rendered in
/// blocks of 70,000 as `eval --format csv` renders them: rows and bytes a second.
template <bool Rollups>
void csv_rows(benchmark::State& state) {
  const rulebook::program prog =
      rulebook::compile(rulebook::load_policy_or_throw(RULEBOOK_SOURCE_DIR "/rules/qiyang-2019.yaml"));
  const rulebook::county c =
      rulebook::load_county_or_throw(rulebook_bench::generated_county(static_cast<std::size_t>(state.range(0)), 5));
  const rulebook::results r = rulebook::evaluate(prog, c, rulebook::period::of_year(2019));
  const auto render = [&](std::string& out) {
    constexpr std::size_t block = 70'000;
    if constexpr (Rollups) {
      const std::span<const rulebook::rollup> rows(r.rollups);
      for (std::size_t k = 0; k < rows.size(); k += block)
        rulebook::report::rollup_csv_writer::render(rows.subspan(k, std::min(block, rows.size() - k)), 2, out);
      return rows.size();
    } else {
      const std::span<const rulebook::entitlement> rows(r.entitlements);
      for (std::size_t k = 0; k < rows.size(); k += block)
        rulebook::report::entitlement_csv_writer::render(rows.subspan(k, std::min(block, rows.size() - k)), 2, out);
      return rows.size();
    }
  };
  std::string out;
  std::size_t rows = render(out);  // the text's memory taken once, as a sink reuses its buffer
  for (auto _ : state) {
    out.clear();
    rows = render(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(out.size()));
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["rows_per_second"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsIterationInvariantRate);
}

void csv_entitlement_rows(benchmark::State& state) { csv_rows<false>(state); }
void csv_rollup_rows(benchmark::State& state) { csv_rows<true>(state); }

}  // namespace

BENCHMARK(html_zh)->Unit(benchmark::kMillisecond);
BENCHMARK(html_en)->Unit(benchmark::kMillisecond);
BENCHMARK(html_zh_amounts_unexplained)->Unit(benchmark::kMillisecond);
BENCHMARK(json)->Unit(benchmark::kMillisecond);
BENCHMARK(csv_entitlement_rows)->Arg(20)->Arg(20'000)->Unit(benchmark::kMillisecond);
BENCHMARK(csv_rollup_rows)->Arg(20)->Arg(20'000)->Unit(benchmark::kMillisecond);
