// Internal: `results` written out for people and for programs — a terminal
// table, JSON (docs/results-schema.md), CSV, one file per result kind, and a
// self-contained HTML report in Chinese or English (docs/reports.md).
//
//   const rulebook::report::names n = rulebook::report::names::of(county, policy);
//   rulebook::report::write_table(std::cout, r, n, policy.money.scale);
//   rulebook::report::write_json(file, r, policy.money.scale);
//   for (const auto& f : rulebook::report::csv_files(r, policy.money.scale)) save(dir / f.name, f.text);
//
// The writers only read `results`: the same results give the same bytes. Money
// is printed as a decimal string with the policy's number of places ("2878.50"),
// never through floating point; an amount with more places than that (a policy
// that rounds only totals) keeps its extra places rather than being rounded here.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "report_messages.hpp"
#include "rulebook/diff.hpp"
#include "rulebook/model.hpp"
#include "rulebook/money.hpp"
#include "rulebook/policy.hpp"
#include "rulebook/result.hpp"

namespace rulebook {
class program;  // rulebook/engine.hpp
}

namespace rulebook::report {

// ---- pieces shared by the writers -------------------------------------------------

/// Formats `m` with `scale` decimal places ("2878.50"), or with as many as it
/// holds when that is more (so nothing is ever rounded away in a report).
[[nodiscard]] std::string money_text(const money& m, int scale);

/// The spellings used in every report.
[[nodiscard]] std::string_view subject_name(subject_kind k) noexcept;    // member, team, unit, county
[[nodiscard]] std::string_view severity_name(finding_severity s) noexcept;  // violation, advisory

/// `s` as a JSON string, quotes included: `"`, `\` and control characters
/// escaped; `<`, `>`, `&`, U+2028 and U+2029 escaped as \uXXXX so the text can
/// sit inside an HTML <script> element; other UTF-8 passed through, malformed
/// bytes replaced by U+FFFD so the output is always valid JSON.
[[nodiscard]] std::string json_string(std::string_view s);

/// `s` as one CSV field (RFC 4180): quoted, with quotes doubled, when it holds a
/// comma, a quote, CR or LF, or starts or ends with a blank; as is otherwise.
/// Text a spreadsheet would run as a formula (starting with =, +, -, @, a tab
/// or a CR) is written quoted after a ' ("'=1+2"); a number ("-12.50") is not.
[[nodiscard]] std::string csv_field(std::string_view s);

// ---- JSON -----------------------------------------------------------------------------

/// Writes every result as one JSON object, keys in a fixed order, money as
/// decimal strings with `money_scale` places, dates as ISO 8601 (schema:
/// docs/results-schema.md).
void write_json(std::ostream& out, const results& r, int money_scale);

// ---- CSV --------------------------------------------------------------------------------

struct csv_file {
  std::string name;  // entitlements.csv, findings.csv, quota.csv, penalties.csv, totals.csv, rollups.csv
  std::string text;  // a header row, then one row per result, each ending in "\n"
  /// From `each_csv_file`: the text continues the file of this name handed on
  /// before (just before, unless two calls render files beside each other). A
  /// file of many rows comes in parts of about 4 MB, the first with the header
  /// (quota.csv of 3 M members is some 270 MB).
  bool continued = false;
};

/// Renders each result kind as a CSV file with a header row; entitlements.csv
/// only `with_entitlements` (else it is written by an `entitlement_csv_writer`).
[[nodiscard]] std::vector<csv_file> csv_files(const results& r, int money_scale, bool with_entitlements = true);

/// The files a caller writes itself as their rows come (`entitlement_csv_writer`,
/// `rollup_csv_writer`), or has written elsewhere (another `each_csv_file` on
/// another thread), and `each_csv_file` leaves out.
struct streamed_files {
  bool entitlements = false;
  bool rollups = false;
  bool findings = false;
  bool quota = false;
  bool penalties = false;
  bool totals = false;
};

/// The files of `csv_files`, in the same order, each handed to `take` as soon as
/// it is rendered, a large one in parts (`csv_file::continued`): a caller that
/// writes each part out and drops it holds about 4 MB of text at a time
/// (roll-ups of a million members are some 300 MB of text).
void each_csv_file(const results& r, int money_scale, streamed_files streamed,
                   const std::function<void(csv_file&&)>& take);

/// Writes one CSV file as its rows come (from `evaluate`'s sink): the header at
/// once, then each block's rows, through a buffer of a few MB, so that no
/// county's rows need be held whole. The same rows as `csv_files`. Throws
/// std::runtime_error when `out` fails.
class streamed_csv_writer {
 public:
  /// Writes what is buffered; call once after the last block.
  void flush();
  /// Writes rows rendered elsewhere (`entitlement_csv_writer::render`), after what is buffered.
  void write_rendered(std::string_view rows);

 protected:
  streamed_csv_writer(std::ostream& out, int money_scale, std::string_view file,
                      std::span<const std::string_view> header);
  /// Flushes when the buffer is full; after each row.
  void row_written() {
    if (buffer_.size() >= flush_at) flush();
  }

  int scale_;
  std::string buffer_;

 private:
  /// Writes `text` to the file; throws when the stream fails.
  void write_out(std::string_view text);

  static constexpr std::size_t flush_at = std::size_t{4} << 20;
  std::ostream& out_;
  std::string_view file_;
};

/// entitlements.csv.
class entitlement_csv_writer : public streamed_csv_writer {
 public:
  entitlement_csv_writer(std::ostream& out, int money_scale);
  void write(std::span<const entitlement> block);
  /// Appends the rows `write` would write for `block` to `out`; on any thread.
  static void render(std::span<const entitlement> block, int money_scale, std::string& out);
};

/// rollups.csv.
class rollup_csv_writer : public streamed_csv_writer {
 public:
  rollup_csv_writer(std::ostream& out, int money_scale);
  void write(std::span<const rollup> block);
  /// Appends the rows `write` would write for `block` to `out`; on any thread.
  static void render(std::span<const rollup> block, int money_scale, std::string& out);
};

// ---- terminal table ------------------------------------------------------------------------

/// Names to show beside ids: units, teams (their village), members and rules
/// (their title in the table's language, else the other). An id without a name
/// is shown alone.
struct names {
  std::map<std::string, std::string, std::less<>> units;
  std::map<std::string, std::string, std::less<>> teams;
  std::map<std::string, std::string, std::less<>> members;
  std::map<std::string, std::string, std::less<>> rules;

  [[nodiscard]] static names of(const county& c, const policy& p, language lang = language::zh);
};

/// The terminal table's language, and how much of the findings it lists.
struct table_options {
  /// Every heading, column name and fixed phrase comes from the catalogue in this
  /// language (report_messages.hpp); ids, names and figures are written as they are.
  language lang = language::zh;
  /// Per responsible unit, the findings listed; a unit with more shows its counts
  /// by rule and severity and only its first `findings_per_unit` findings.
  std::size_t findings_per_unit = 5;
  bool all_findings = false;  // list every finding (`rulebook eval --all`)
};

/// Writes a report for a terminal: owed, paid and short by team and item (from
/// the roll-ups) with the county's totals; the responsible units side by side —
/// owed, paid, short, violations, advisories —, then each unit's findings, bounded
/// as `options` says, with a line saying how to see the rest; each quota around
/// its boundary and the members over it; and the penalty ledger. Columns are
/// aligned by display width, so Chinese names line up.
void write_table(std::ostream& out, const results& r, const names& n, int money_scale,
                 const table_options& options = {});

// ---- HTML (report_html*.cpp, docs/reports.md) -------------------------------------------

/// What an HTML report needs besides the results: what only its caller knows.
struct html_options {
  language lang = language::zh;
  std::string generated_at;  // when the report was made: the caller reads the clock, the writer never does
  std::string data_label;    // the county's data as the user named it (a path)
  std::string version;       // rulebook's version, for the footer
  /// Amounts explained (each opens how it was reached) at most; amounts past it
  /// are listed without, and the report says how many.
  std::size_t max_explained = 20000;
  /// Called as explanations are made (done, of total), for a progress bar.
  std::function<void(std::size_t, std::size_t)> progress;
};

/// Writes an evaluation as one self-contained HTML page (inline CSS and SVG, no
/// script, nothing fetched; prints on A4): the policy's title, period and
/// sources; county totals by item; each team's entitlements as a chart and a
/// table, with its members' amounts, each opening its explanation; each sponsor
/// unit's roll-up (owed, paid, short, findings); findings by responsible unit
/// with severity, each opening its explanation; each unit's notices and points
/// as a chart; the quota with the ranking around its
/// boundary; in the footer, `generated_at` and `policy_hash`. Every text from the
/// data or the policy is escaped.
void write_html(std::ostream& out, const program& prog, const county& c, const results& r,
                std::string_view policy_hash, const html_options& o);

/// Writes a policy change as one self-contained HTML page: the parameters that
/// differ, county totals before and after with the cost of the change, who
/// gains and who loses and by how much (members, teams as a chart, units), the
/// findings that appear, disappear or change (each opening its explanation),
/// penalty and quota changes.
void write_html_diff(std::ostream& out, const program& before, const program& after, const county& c,
                     const results& r_before, const results& r_after, const results_diff& d,
                     std::string_view hash_before, std::string_view hash_after, const html_options& o);

/// The content hash of a policy: SHA-256 over the bytes of each file of its
/// `extends:` chain (`policy::files`: the file itself, then its base, …), each
/// preceded by its length in bytes as decimal digits and a line feed, so that
/// moving bytes from one file to the next changes the hash. 64 hex digits.
/// Throws std::runtime_error naming a file that cannot be read.
[[nodiscard]] std::string policy_content_hash(const policy& p);

}  // namespace rulebook::report
