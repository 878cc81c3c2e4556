// `rulebook eval POLICY DATA --period P`: evaluates a policy over a county and
// prints what each member and team was owed and paid (rolled up per member, team,
// unit and county), the duties not met, the quota and the penalty ledger — as a
// terminal table, JSON or CSV.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "cli/commands.hpp"
#include "report.hpp"
#include "rulebook/diagnostic.hpp"
#include "rulebook/engine.hpp"
#include "rulebook/load.hpp"
#include "rulebook/policy.hpp"


namespace rulebook::cli {
namespace {

constexpr std::string_view eval_usage =
    "usage: rulebook eval POLICY DATA --period P [--format table|json|csv] [--out PATH] [--all]\n"
    "                     [--explain MEMBER[@YYYY-MM]] [--fail-on violation] [--threads N]\n";

enum class output_format { table, json, csv };

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
      else return fail("--format: '" + std::string(v) + "' is not a format; use table, json or csv");
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

namespace fs = std::filesystem;

/// A hidden name made from `base`, unique to this process and call: ".base.tmp-PID-N".
std::string temporary_name(const std::string& base) {
  static std::atomic<unsigned> counter{0};
  return "." + base + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

/// A temporary sibling of `path`, in the same folder (so that a rename moves it in place).
fs::path temporary_sibling(const fs::path& path) {
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  return folder / temporary_name(path.filename().string());
}

/// Writes `text` to a new file `path`; false, with the file removed, when any of it could not be written.
bool write_new_file(const fs::path& path, std::string_view text) {
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (file) file.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (file) file.close();
    if (file) return true;
  }
  std::error_code ignored;
  fs::remove(path, ignored);
  return false;
}

/// Writes `text` to `path` through a temporary file in the same folder, renamed
/// over `path` once complete, so that a reader never sees half a report and a
/// failed write leaves an existing file as it was.
bool write_file_atomically(const fs::path& path, std::string_view text, std::ostream& err) {
  const fs::path temp = temporary_sibling(path);
  if (!write_new_file(temp, text)) {
    err << "rulebook eval: cannot write " << path.string() << '\n';
    return false;
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) {
    err << "rulebook eval: cannot write " << path.string() << ": " << ec.message() << '\n';
    std::error_code ignored;
    fs::remove(temp, ignored);
    return false;
  }
  return true;
}

/// A set of files written into a temporary folder, then moved into the folder
/// `out` as one set: either every file is replaced or written, or, on any
/// error, the folder is left as it was.
///
/// The files are first written into a temporary folder beside `out` (inside it,
/// when it exists). When `out` does not exist yet, that folder is renamed to
/// `out`: the set appears at once. When it does, each file is moved in by a
/// rename over the old one, which is kept (as a hard link) until every file is
/// in place, so that a rename that fails puts back the files already replaced.
/// Other files in `out` are left alone. The temporary folder goes when this does.
class staged_folder {
 public:
  /// Makes the temporary folder; nothing, said on `err`, when it cannot.
  static std::unique_ptr<staged_folder> open(fs::path out, std::ostream& err) {
    if (out.filename().empty() && out.has_parent_path()) out = out.parent_path();  // "results/" names "results"
    std::unique_ptr<staged_folder> s(new staged_folder(out, err));
    std::error_code ec;
    const fs::file_status status = fs::status(out, ec);
    s->exists_ = status.type() != fs::file_type::not_found;
    if (s->exists_ && !fs::is_directory(status)) return s->fail("not a folder"), nullptr;
    const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
    if (!s->exists_) {
      fs::create_directories(parent, ec);
      if (ec) return s->fail("cannot make the folder: " + ec.message()), nullptr;
    }
    // Nothing in `out` changes until every file is written.
    const fs::path stage = s->exists_ ? out / temporary_name("rulebook") : temporary_sibling(out);
    if (!fs::create_directory(stage, ec) || ec) return s->fail("cannot make a temporary folder: " + ec.message()), nullptr;
    s->stage_ = stage;
    return s;
  }
  staged_folder(const staged_folder&) = delete;
  staged_folder& operator=(const staged_folder&) = delete;
  ~staged_folder() { discard(); }

  /// Where the file `name` is to be written (then `add`ed).
  [[nodiscard]] fs::path path_of(const std::string& name) const { return stage_ / name; }
  /// Counts in the file `name`, written at `path_of(name)`.
  void add(const std::string& name) { names_.push_back(name); }
  /// Writes a file of the set; false, said on `err`, when it cannot.
  bool write(const report::csv_file& f) {
    if (!write_new_file(path_of(f.name), f.text)) return fail("cannot write " + f.name);
    add(f.name);
    return true;
  }
  /// Says that `name` could not be written.
  bool failed_to_write(const std::string& name) { return fail("cannot write " + name); }

  /// Moves the set into `out`; false, said on `err`, with `out` as it was.
  bool commit() {
    std::error_code ec;
    if (!exists_) {
      fs::rename(stage_, out_, ec);
      if (!ec) {
        stage_.clear();
        return true;
      }
      if (!fs::is_directory(out_)) return fail(ec.message());  // else `out` was made meanwhile: move the files in one by one
    }

    // Keep each file being replaced, as a hard link (or a copy) in the stage.
    struct replacement {
      fs::path from, to, kept;
      bool had_old = false, done = false;
    };
    std::vector<replacement> moves;
    for (const std::string& name : names_) {
      replacement m{stage_ / name, out_ / name, stage_ / (name + ".old"), false, false};
      std::error_code link_ec;
      if (fs::is_regular_file(m.to, link_ec)) {
        fs::create_hard_link(m.to, m.kept, link_ec);
        if (link_ec) fs::copy_file(m.to, m.kept, link_ec);
        if (link_ec) return fail("cannot keep " + name + " to put it back on failure: " + link_ec.message());
        m.had_old = true;
      }
      moves.push_back(std::move(m));
    }
    for (replacement& m : moves) {
      fs::rename(m.from, m.to, ec);
      if (!ec) {
        m.done = true;
        continue;
      }
      const std::string why = "cannot write " + m.to.filename().string() + ": " + ec.message();
      for (const replacement& back : moves) {  // put back what was replaced or added
        if (!back.done) continue;
        std::error_code ignored;
        if (back.had_old) fs::rename(back.kept, back.to, ignored);
        else fs::remove(back.to, ignored);
      }
      return fail(why + "; the folder is as it was");
    }
    return true;
  }

 private:
  staged_folder(fs::path out, std::ostream& err) : out_(std::move(out)), err_(err) {}

  bool fail(const std::string& why) {
    err_ << "rulebook eval: --out " << out_.string() << ": " << why << '\n';
    return false;
  }
  void discard() {
    if (stage_.empty()) return;
    std::error_code ignored;
    fs::remove_all(stage_, ignored);
  }

  fs::path out_;
  std::ostream& err_;
  bool exists_ = false;
  fs::path stage_;
  std::vector<std::string> names_;
};

/// `--format csv`: evaluates with each block of entitlements written to
/// entitlements.csv as it is made — a county's amounts are never all held —
/// then writes the other files, and moves the set into `--out` (`staged_folder`).
/// `r` keeps, of the entitlements, only those `--explain` asks about. Returns
/// the exit code: 0, or 2 when evaluating or writing failed (said on `err`).
int evaluate_to_csv(const eval_options& o, const program& prog, const county& c, results& r, std::ostream& err) {
  const std::unique_ptr<staged_folder> stage = staged_folder::open(*o.out, err);
  if (!stage) return 2;
  const std::string entitlements_csv = "entitlements.csv";
  std::ofstream file(stage->path_of(entitlements_csv), std::ios::binary | std::ios::trunc);
  if (!file) return stage->failed_to_write(entitlements_csv), 2;

  struct to_file : entitlement_sink {
    report::entitlement_csv_writer writer;
    const std::vector<explain_request>& explain;
    std::vector<entitlement> kept;  // the entitlements of the members to explain
    bool write_failed = false;
    to_file(std::ostream& out, int scale, const std::vector<explain_request>& e) : writer(out, scale), explain(e) {}
    void accept(std::span<const entitlement> block) override {
      try {
        writer.write(block);
      } catch (const std::exception&) {
        write_failed = true;
        throw;
      }
      if (explain.empty()) return;
      for (const entitlement& e : block)
        if (e.subject == subject_kind::member &&
            std::any_of(explain.begin(), explain.end(), [&](const explain_request& x) { return x.member == e.subject_id; }))
          kept.push_back(e);
    }
  } sink(file, prog.rules().money.scale, o.explain);

  try {
    r = evaluate(prog, c, o.evaluated, {.threads = o.threads}, sink);
    sink.writer.flush();
  } catch (const std::exception& e) {
    if (sink.write_failed) return stage->failed_to_write(entitlements_csv), 2;
    err << "rulebook eval: evaluating " << o.policy_path << " over " << o.data_path << " failed: " << e.what()
        << '\n';
    return 2;
  }
  file.close();
  if (!file) return stage->failed_to_write(entitlements_csv), 2;
  stage->add(entitlements_csv);
  for (const report::csv_file& f : report::csv_files(r, prog.rules().money.scale, false))
    if (!stage->write(f)) return 2;
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

  // Load both inputs before giving up, so that one run shows every problem.
  const policy_load_result rules = load_policy(o.policy_path);
  if (!rules.diagnostics.empty()) err << format(rules.diagnostics);
  const county_load_result data = load_county(o.data_path);
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
  if (o.format == output_format::csv) {
    if (const int code = evaluate_to_csv(o, prog, c, r, err); code != 0) return code;
  } else {
    try {
      r = evaluate(prog, c, o.evaluated, {.threads = o.threads});
    } catch (const std::exception& e) {
      err << "rulebook eval: evaluating " << o.policy_path << " over " << o.data_path << " failed: " << e.what()
          << '\n';
      return 2;
    }
  }

  // JSON on standard output must stay pure JSON: explanations then go to standard error.
  std::ostream& explain_out = (o.format == output_format::json && !o.out) ? err : out;
  switch (o.format) {
    case output_format::table:
    case output_format::json: {
      std::ostringstream text;
      if (o.format == output_format::table) {
        report::table_options options;
        options.all_findings = o.all_findings;
        report::write_table(text, r, report::names::of(c, pol), scale, options);
      }
      else report::write_json(text, r, scale);
      if (o.out) {
        if (!write_file_atomically(*o.out, text.view(), err)) return 2;
      } else {
        out << text.view();
      }
      break;
    }
    case output_format::csv:  // written as it was evaluated
      break;
  }
  if (!o.explain.empty()) print_explanations(o, prog, c, r, explain_out);

  if (o.fail_on_violation) {
    for (const finding& f : r.findings)
      if (f.severity == finding_severity::violation) return 1;
  }
  return 0;
}

}  // namespace rulebook::cli
