// `rulebook eval POLICY DATA --period P`: evaluates a policy over a county and
// prints what each member and team was owed and paid (rolled up per member, team,
// unit and county), the duties not met, the quota and the penalty ledger — as a
// terminal table, JSON, CSV or an HTML page.
#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "cli/commands.hpp"
#include "cli/direct_file.hpp"
#include "cli/progress.hpp"
#include "cli/report_options.hpp"
#include "report.hpp"
#include "rulebook/detail/parallel.hpp"
#include "rulebook/diagnostic.hpp"
#include "rulebook/engine.hpp"
#include "rulebook/load.hpp"
#include "rulebook/policy.hpp"

namespace rulebook::cli {
namespace {

constexpr std::string_view eval_usage =
    "usage: rulebook eval POLICY DATA --period P [--format table|json|csv|html] [--out PATH] [--all]\n"
    "                     [--explain MEMBER[@YYYY-MM]] [--fail-on violation] [--threads N]\n"
    "                     [--lang zh|en] [--generated-at TIME] [--quiet]\n";

enum class output_format { table, json, csv, html };

/// `--explain M006` or `--explain M006@2019-04`.
struct explain_request {
  std::string member;
  std::optional<year_month> month;
};

struct eval_options {
  std::string policy_path;
  std::string data_path;
  period evaluated;
  output_format format = output_format::table;
  std::optional<std::filesystem::path> out;
  std::vector<explain_request> explain;
  bool fail_on_violation = false;
  unsigned threads = 0;  // every core
  bool all_findings = false;  // table: list every finding, not the first few of each unit
  report_options reading;  // --lang, --generated-at, --quiet
};

/// Reads the arguments; on a mistake says what it was, with the usage, and returns nothing.
std::optional<eval_options> parse_args(std::span<const std::string_view> args, std::ostream& err) {
  const auto fail = [&](const std::string& why) {
    err << "rulebook eval: " << why << '\n' << eval_usage;
    return std::nullopt;
  };
  eval_options o;
  std::vector<std::string_view> positional;
  std::optional<std::string_view> period_text;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (!a.starts_with("-")) {
      positional.push_back(a);
      continue;
    }
    if (a == "--all") {
      o.all_findings = true;
      continue;
    }
    if (std::string why; parse_report_option(args, i, o.reading, why)) {
      if (!why.empty()) return fail(why);
      continue;
    }
    const bool takes_value = a == "--period" || a == "--format" || a == "--out" || a == "--explain" || a == "--fail-on" ||
                             a == "--threads";
    if (!takes_value) return fail("unknown option '" + std::string(a) + "'");
    if (i + 1 >= args.size()) return fail("option " + std::string(a) + " needs a value");
    const std::string_view v = args[++i];
    if (a == "--period") {
      period_text = v;
    } else if (a == "--format") {
      if (v == "table") o.format = output_format::table;
      else if (v == "json") o.format = output_format::json;
      else if (v == "csv") o.format = output_format::csv;
      else if (v == "html") o.format = output_format::html;
      else return fail("--format: '" + std::string(v) + "' is not a format; use table, json, csv or html");
    } else if (a == "--out") {
      if (v.empty()) return fail("--out: empty path");
      o.out = std::filesystem::path(std::string(v));
    } else if (a == "--explain") {
      explain_request e;
      const std::size_t at = v.find('@');
      e.member = std::string(v.substr(0, at));
      if (e.member.empty()) return fail("--explain: give a member id, as in M006 or M006@2019-04");
      if (at != std::string_view::npos) {
        std::string why;
        e.month = parse_month(v.substr(at + 1), &why);
        if (!e.month) return fail("--explain: " + why);
      }
      o.explain.push_back(std::move(e));
    } else if (a == "--threads") {
      unsigned n = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || end != v.data() + v.size() || n == 0 || n > 1024)
        return fail("--threads: '" + std::string(v) + "' is not a number of threads from 1 to 1024");
      o.threads = n;
    } else {  // --fail-on
      if (v != "violation") return fail("--fail-on: '" + std::string(v) + "' is not a severity; use violation");
      o.fail_on_violation = true;
    }
  }
  if (positional.size() != 2) {
    return fail(positional.size() < 2 ? "give a policy file and a county's data"
                                      : "unexpected argument '" + std::string(positional[2]) + "'");
  }
  o.policy_path = std::string(positional[0]);
  o.data_path = std::string(positional[1]);
  if (!period_text) return fail("give the period to evaluate, as in --period 2019");
  std::string why;
  const std::optional<period> p = parse_period(*period_text, &why);
  if (!p) return fail("--period: " + why);
  o.evaluated = *p;
  if (o.format == output_format::csv && !o.out) return fail("csv writes one file per result kind: give --out DIR");
  return o;
}

/// How to evaluate: on `--threads`, the members done shown on `bar`.
evaluate_options evaluating_options(const eval_options& o, progress& bar) {
  evaluate_options options;
  options.threads = o.threads;
  options.progress = [&bar](std::size_t done, std::size_t) { bar.update(done); };
  return options;
}

/// `--format csv`: evaluates with each block of entitlements written to
/// entitlements.csv as it is made, and the roll-up rows to rollups.csv — a
/// county's amounts and roll-ups are never all held — then writes the other
/// files, and moves the set into `--out` (`staged_folder`). `r` keeps, of the
/// entitlements, only those `--explain` asks about; `bar` shows `evaluating`
/// meanwhile. Returns the exit code: 0, or 2 when evaluating or writing failed
/// (said on `err`).
int evaluate_to_csv(const eval_options& o, const program& prog, const county& c, results& r, std::ostream& err,
                    progress& bar, const std::string& evaluating) {
  const std::unique_ptr<staged_folder> stage = staged_folder::open(*o.out, err, "rulebook eval");
  if (!stage) return 2;
  static const std::string entitlements_csv = "entitlements.csv", rollups_csv = "rollups.csv";
  // The two files of gigabytes go past the page cache (direct_file.hpp), unless RULEBOOK_DIRECT_IO=0.
  const char* direct_io = std::getenv("RULEBOOK_DIRECT_IO");
  const auto mode = direct_io != nullptr && std::string_view(direct_io) == "0" ? direct_filebuf::mode::buffered
                                                                               : direct_filebuf::mode::direct;
  direct_filebuf entitlements_buffer, rollups_buffer;
  if (!entitlements_buffer.open(stage->path_of(entitlements_csv), mode))
    return stage->failed_to_write(entitlements_csv), 2;
  if (!rollups_buffer.open(stage->path_of(rollups_csv), mode)) return stage->failed_to_write(rollups_csv), 2;
  std::ostream entitlements_file(&entitlements_buffer), rollups_file(&rollups_buffer);

  struct to_files : entitlement_sink {
    report::entitlement_csv_writer entitlements;
    report::rollup_csv_writer rollups;
    const std::vector<explain_request>& explain;
    std::vector<entitlement> kept;  // the entitlements of the members to explain
    const std::string* write_failed = nullptr;  // the file, when a write failed (not the evaluation)
    int scale;
    to_files(std::ostream& e, std::ostream& x, int money_scale, const std::vector<explain_request>& ex)
        : entitlements(e, money_scale), rollups(x, money_scale), explain(ex), scale(money_scale) {}
    /// Runs `write`, remembering that writing `file` failed if it throws.
    void guarded(const std::string& file, const std::function<void()>& write) {
      try {
        write();
      } catch (const std::exception&) {
        write_failed = &file;
        throw;
      }
    }
    // The rows, entitlements and roll-ups, are rendered on the threads that make
    // the blocks, and written here in order.
    [[nodiscard]] bool renders() const override { return true; }
    void render(std::span<const entitlement> block, std::string& out) const override {
      report::entitlement_csv_writer::render(block, scale, out);
    }
    void accept_rendered(std::span<const entitlement> block, std::string_view rows) override {
      guarded(entitlements_csv, [&] { entitlements.write_rendered(rows); });
      keep_explained(block);
    }
    void accept(std::span<const entitlement> block) override {  // not called: it renders
      std::string rows;
      render(block, rows);
      accept_rendered(block, rows);
    }
    void keep_explained(std::span<const entitlement> block) {
      if (explain.empty()) return;
      for (const entitlement& e : block)
        if (e.subject == subject_kind::member &&
            std::any_of(explain.begin(), explain.end(), [&](const explain_request& x) { return x.member == e.subject_id; }))
          kept.push_back(e);
    }
    [[nodiscard]] bool takes_rollups() const override { return true; }
    void render_rollups(std::span<const rollup> block, std::string& out) const override {
      report::rollup_csv_writer::render(block, scale, out);
    }
    void accept_rendered_rollups(std::span<const rollup>, std::string_view rows) override {
      guarded(rollups_csv, [&] { rollups.write_rendered(rows); });
    }
    void accept_rollups(std::span<const rollup> block) override {  // not called: it renders
      guarded(rollups_csv, [&] { rollups.write(block); });
    }
  } sink(entitlements_file, rollups_file, prog.rules().money.scale, o.explain);

  try {
    bar.start(evaluating, c.members.size());
    r = evaluate(prog, c, o.evaluated, evaluating_options(o, bar), sink);
    sink.guarded(entitlements_csv, [&] { sink.entitlements.flush(); });
    sink.guarded(rollups_csv, [&] { sink.rollups.flush(); });
    bar.finish();
  } catch (const std::exception& e) {
    bar.finish();
    if (sink.write_failed) return stage->failed_to_write(*sink.write_failed), 2;
    err << "rulebook eval: evaluating " << o.policy_path << " over " << o.data_path << " failed: " << e.what()
        << '\n';
    return 2;
  }
  for (auto [buffer, name] :
       {std::pair{&entitlements_buffer, &entitlements_csv}, std::pair{&rollups_buffer, &rollups_csv}}) {
    if (!buffer->close()) return stage->failed_to_write(*name), 2;
    stage->add(*name);
  }
  // Each other file written as soon as a part of it is rendered, so that a part
  // is held at a time: findings.csv rendered beside quota.csv, penalties.csv and
  // totals.csv on `--threads` (3 M members: 2 M findings, 3 M ranked places,
  // some 450 MB), the parts written one at a time, past the page cache too.
  std::mutex writing;
  bool written = true;
  std::map<std::string, direct_filebuf> others;  // by name: open from a file's first part to the end
  const auto take = [&](report::csv_file&& f) {
    const std::lock_guard lock(writing);
    if (!written) return;
    direct_filebuf& file = others[f.name];
    if (!f.continued) {
      if (!file.open(stage->path_of(f.name), mode)) {
        written = stage->failed_to_write(f.name);
        return;
      }
      stage->add(f.name);
    }
    const auto size = static_cast<std::streamsize>(f.text.size());
    if (file.sputn(f.text.data(), size) != size) written = stage->failed_to_write(f.name);
    f.text = std::string();
  };
  constexpr report::streamed_files by_file[] = {
      {.entitlements = true, .rollups = true, .quota = true, .penalties = true, .totals = true},  // findings.csv
      {.entitlements = true, .rollups = true, .findings = true}};                                  // the others
  detail::parallel_for(detail::thread_count(o.threads), std::size(by_file), [&](std::size_t part, unsigned) {
    report::each_csv_file(r, prog.rules().money.scale, by_file[part], take);
  });
  for (auto& [name, file] : others)
    if (!file.close() && written) written = stage->failed_to_write(name);
  if (!written) return 2;
  r.entitlements = std::move(sink.kept);
  return stage->commit() ? 0 : 2;
}

/// Prints how each amount and finding of the requested member (and month) was reached.
void print_explanations(const eval_options& o, const program& prog, const county& c, const results& r,
                        std::ostream& out) {
  for (const explain_request& e : o.explain) {
    const auto in_month = [&](const date_range& slice) {
      return !e.month || overlap(slice, {e.month->first_day(), e.month->last_day()}).has_value();
    };
    const std::string what = e.member + (e.month ? " in " + e.month->to_string() : "");
    out << "\nexplain " << what << '\n';
    std::size_t shown = 0;
    const auto show = [&](const std::string& text) {
      out << '\n' << text;
      if (!text.empty() && text.back() != '\n') out << '\n';
      ++shown;
    };
    for (const entitlement& x : r.entitlements)
      if (x.subject == subject_kind::member && x.subject_id == e.member && in_month(x.slice))
        show(explain(prog, c, r, x));
    for (const finding& x : r.findings)
      if (x.subject == subject_kind::member && x.subject_id == e.member && in_month(x.slice))
        show(explain(prog, c, r, x));
    if (shown == 0) out << "  no entitlement or finding of " << what << '\n';
  }
}

}  // namespace

int run_eval(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  const std::optional<eval_options> parsed = parse_args(args, err);
  if (!parsed) return 2;
  const eval_options& o = *parsed;

  const report::language lang = resolve_language(o.reading);
  std::string generated_at;
  if (o.format == output_format::html) {
    std::string why;
    const std::optional<std::string> at = resolve_generated_at(o.reading, why);
    if (!at) {
      err << "rulebook eval: " << why << '\n';
      return 2;
    }
    generated_at = *at;
  }
  progress bar(err, &err == &std::cerr && progress::wanted(o.reading.quiet));

  // Load both inputs before giving up, so that one run shows every problem.
  bar.start(std::string(report::text(lang, report::msg::progress_loading)) + " " + o.data_path);
  const policy_load_result rules = load_policy(o.policy_path);
  std::unique_ptr<county_load_result> loaded = std::make_unique<county_load_result>(load_county(o.data_path));
  const county_load_result& data = *loaded;
  // A county of millions of members is millions of allocations, a second's
  // work to free one by one as the program ends: the system takes back its
  // memory at once. A smaller county is freed as usual. Kept where a leak
  // checker still sees it, as memory in use at exit.
  const struct left_to_the_system {
    std::unique_ptr<county_load_result>& county;
    ~left_to_the_system() {
      [[maybe_unused]] static county_load_result* kept = nullptr;
      if (county->value && detail::large_county(county->value->members.size()))
        kept = county.release();
    }
  } leave_to_the_system{loaded};
  bar.finish();
  if (!rules.diagnostics.empty()) err << format(rules.diagnostics);
  if (!data.diagnostics.empty()) err << format(data.diagnostics);
  if (!rules || !data) return 2;
  const policy& pol = *rules.value;
  const county& c = *data.value;
  for (const explain_request& e : o.explain) {
    const bool known = std::any_of(c.members.begin(), c.members.end(), [&](const member& m) { return m.id == e.member; });
    if (!known) {
      err << "rulebook eval: --explain: no member '" << e.member << "' in " << o.data_path << '\n';
      return 2;
    }
  }

  const int scale = pol.money.scale;
  const program prog = compile(pol);
  results r;
  const std::string evaluating(report::text(lang, report::msg::progress_evaluating));
  if (o.format == output_format::csv) {
    if (const int code = evaluate_to_csv(o, prog, c, r, err, bar, evaluating); code != 0) return code;
  } else {
    try {
      bar.start(evaluating, c.members.size());
      r = evaluate(prog, c, o.evaluated, evaluating_options(o, bar));
      bar.finish();
    } catch (const std::exception& e) {
      bar.finish();
      err << "rulebook eval: evaluating " << o.policy_path << " over " << o.data_path << " failed: " << e.what()
          << '\n';
      return 2;
    }
  }

  // JSON or HTML on standard output must stay pure: explanations then go to standard error.
  std::ostream& explain_out =
      ((o.format == output_format::json || o.format == output_format::html) && !o.out) ? err : out;
  switch (o.format) {
    case output_format::table:
    case output_format::json: {
      std::ostringstream text;
      if (o.format == output_format::table) {
        report::table_options options;
        options.lang = lang;
        options.all_findings = o.all_findings;
        report::write_table(text, r, report::names::of(c, pol, lang), scale, options);
      }
      else report::write_json(text, r, scale);
      if (o.out) {
        if (!write_file_atomically(*o.out, text.view(), err, "rulebook eval")) return 2;
      } else {
        out << text.view();
      }
      break;
    }
    case output_format::csv:  // written as it was evaluated
      break;
    case output_format::html: {
      std::ostringstream text;
      try {
        report::html_options h;
        h.lang = lang;
        h.generated_at = generated_at;
        h.data_label = o.data_path;
        h.version = RULEBOOK_VERSION;
        h.progress = [&](std::size_t done, std::size_t) { bar.update(done); };
        bar.start(std::string(report::text(lang, report::msg::progress_explaining)),
                  std::min(r.entitlements.size(), h.max_explained));
        report::write_html(text, prog, c, r, report::policy_content_hash(pol), h);
        bar.finish();
      } catch (const std::exception& e) {
        bar.finish();
        err << "rulebook eval: writing the HTML report failed: " << e.what() << '\n';
        return 2;
      }
      if (o.out) {
        if (!write_file_atomically(*o.out, text.view(), err, "rulebook eval")) return 2;
      } else {
        out << text.view();
      }
      break;
    }
  }
  if (!o.explain.empty()) print_explanations(o, prog, c, r, explain_out);

  if (o.fail_on_violation) {
    for (const finding& f : r.findings)
      if (f.severity == finding_severity::violation) return 1;
  }
  return 0;
}

}  // namespace rulebook::cli
