// Bad input, as a user meets it through the CLI: each kind of input the
// hardening issue names is refused with exit code 2 and a message that says
// where and what was expected; a byte-order mark and CRLF line ends, as
// spreadsheet exports write them, are read as if absent; the bounds on sizes
// hold; and `--out` never leaves a half-written result.
#include <gtest/gtest.h>

#include "run_cli.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

using rulebook_test::contains;
using rulebook_test::run;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

/// A fresh folder under the system's temporary folder, removed at the end of the test.
struct temp_folder {
  fs::path path;
  explicit temp_folder(const std::string& name)
      : path(fs::temp_directory_path() / ("rulebook-hardening-test-" + name)) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temp_folder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  [[nodiscard]] std::string quoted(const std::string& name = {}) const {
    std::string out(1, '\'');  // built by appending: GCC 12 warns falsely on "'" + std::string
    out += (name.empty() ? path : path / name).string();
    out += '\'';
    return out;
  }
};

/// Runs `args` and expects exit code 2 with every one of `messages` in what it prints.
void expect_refused(const std::string& args, const std::vector<std::string>& messages) {
  const auto r = run(args);
  EXPECT_EQ(r.exit_code, 2) << args << '\n' << r.out;
  for (const std::string& m : messages) EXPECT_TRUE(contains(r.out, m)) << args << "\nexpected: " << m << "\n" << r.out;
}

/// The sample's files as a spreadsheet on Windows saves them: a UTF-8
/// byte-order mark, then every line ended by CR LF.
std::string as_windows_export(const std::string& text) {
  std::string out = "\xEF\xBB\xBF";
  for (const char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

std::string source(const std::string& relative) { return read(fs::path(RULEBOOK_SOURCE_DIR) / relative); }

constexpr const char* qiyang = "rules/qiyang-2019.yaml examples/qiyang/county.yaml";

}  // namespace

// ---- each kind of bad input: exit 2, the place and what was expected ----------------------

TEST(bad_input, invalid_utf8_is_refused_in_yaml_csv_and_policies) {
  expect_refused("summary tests/data/bad-county/invalid-utf8.yaml",
                 {"tests/data/bad-county/invalid-utf8.yaml:7:14: error[yaml-syntax]: invalid UTF-8"});
  expect_refused("summary tests/data/bad-county/csv-invalid-utf8",
                 {"tests/data/bad-county/csv-invalid-utf8/members.csv:2:name: error[csv-syntax]: invalid UTF-8: the byte 0xC1",
                  "export it as UTF-8, not GBK"});
  expect_refused("check tests/data/bad-policy/invalid-utf8.yaml",
                 {"tests/data/bad-policy/invalid-utf8.yaml:11:14: error[yaml-syntax]: invalid UTF-8"});
}

TEST(bad_input, a_duplicate_key_is_refused_with_both_places) {
  expect_refused("summary tests/data/bad-county/duplicate-key.yaml",
                 {"tests/data/bad-county/duplicate-key.yaml:10:5: error[duplicate-key]: duplicate key 'village'",
                  "line 8"});
  expect_refused("check tests/data/bad-policy/duplicate-key.yaml",
                 {"tests/data/bad-policy/duplicate-key.yaml:11:5: error[duplicate-key]: duplicate key 'unit'"});
}

TEST(bad_input, a_number_past_the_money_range_is_refused) {
  expect_refused("summary tests/data/bad-county/money-too-large.yaml",
                 {"money-too-large.yaml:11:88: error[out-of-range]: 'living' in 'paid' of a month record is "
                  "2200000000 yuan; an amount lies from 0 to 100000000 yuan"});
  // 10^15 lies past what 64 bits hold at 4 decimal places (about 9.2 × 10^14).
  expect_refused("check tests/data/bad-policy/value-too-large.yaml",
                 {"value-too-large.yaml:10:26: error[bad-value]: invalid value for 2019-01-01 in 'values' of "
                  "parameter 'living_per_day'"});
}

TEST(bad_input, a_date_that_does_not_exist_is_refused) {
  expect_refused("summary tests/data/bad-county/bad-date.yaml",
                 {"bad-date.yaml:13:33: error[bad-value]",
                  "\"2019-02-30\" is not a date: February 2019 has 28 days"});
  expect_refused("summary tests/data/bad-county/csv-bad-date",
                 {"csv-bad-date/service.csv:3:to: error[bad-value]: \"2019-02-30\" is not a date"});
}

TEST(bad_input, a_negative_count_is_refused) {
  expect_refused("summary tests/data/bad-county/bad-count-and-id.yaml",
                 {"bad-count-and-id.yaml:12:74: error[bad-value]: invalid 'round_trips' in a month record: "
                  "expected a count (a non-negative integer), found '-1'"});
  expect_refused("summary tests/data/bad-county/csv-negative-count",
                 {"csv-negative-count/months.csv:2:days_in_village: error[bad-value]: expected a count (a "
                  "non-negative integer), found '-2'"});
}

TEST(bad_input, a_member_in_two_teams_on_one_day_is_refused) {
  expect_refused("summary tests/data/bad-county/two-teams-same-day.yaml",
                 {"two-teams-same-day.yaml:16:16: error[overlapping-service]: service intervals of member 'M001' "
                  "overlap: 2018-03-01 to 2019-06-30 (team T01) and 2019-06-30 onwards (team T02)"});
}

TEST(bad_input, an_extends_cycle_is_refused) {
  expect_refused("check tests/data/bad-policy/extends-cycle.yaml",
                 {"tests/data/bad-policy/cycle/back.yaml:7:10: error[extends-cycle]: policies extend each other in "
                  "a cycle: tests/data/bad-policy/extends-cycle.yaml → tests/data/bad-policy/cycle/back.yaml → "
                  "tests/data/bad-policy/extends-cycle.yaml"});
}

TEST(bad_input, an_empty_file_is_refused) {
  expect_refused("summary tests/data/bad-county/empty.yaml",
                 {"tests/data/bad-county/empty.yaml: error[missing-section]: missing section 'county': the file is "
                  "empty"});
  expect_refused("check tests/data/bad-policy/empty.yaml",
                 {"tests/data/bad-policy/empty.yaml: error[missing-key]: the file is empty: expected a policy"});
  expect_refused("summary tests/data/bad-county/csv-empty-table",
                 {"tests/data/bad-county/csv-empty-table/months.csv: error[missing-column]: the file is empty: expected a header "
                  "row naming the columns"});
}

TEST(bad_input, a_csv_row_with_too_few_or_too_many_fields_is_refused) {
  expect_refused("summary tests/data/bad-county/csv-too-few-fields",
                 {"csv-too-few-fields/months.csv:3:round_trips: error[field-count]: expected 5 fields, as the header "
                  "has, found 3"});
  expect_refused("summary tests/data/bad-county/csv-too-many-fields", {"error[field-count]: expected 5 fields"});
}

TEST(bad_input, eval_refuses_bad_data_as_summary_does) {
  expect_refused("eval rules/qiyang-2019.yaml tests/data/bad-county/invalid-utf8.yaml --period 2019",
                 {"invalid-utf8.yaml:7:14: error[yaml-syntax]: invalid UTF-8"});
}

// ---- paths: files only, relative to the file that names them ---------------------------

TEST(paths, a_url_is_never_fetched) {
  expect_refused("check tests/data/bad-policy/extends-url.yaml",
                 {"extends-url.yaml:7:10: error[bad-value]: 'extends' names a URL"});
  expect_refused("check https://example.org/rules/qiyang-2019.yaml",
                 {"error[missing-file]: this is a URL; rulebook reads policies from files only"});
  expect_refused("summary https://example.org/county.yaml",
                 {"error[io-error]: this is a URL; rulebook reads a county from files only"});
}

TEST(paths, extends_names_a_policy_file_relative_to_its_own) {
  expect_refused("check tests/data/bad-policy/extends-absolute.yaml",
                 {"extends-absolute.yaml:7:10: error[bad-value]: 'extends' names an absolute path, '/etc/passwd'"});
  // A path that climbs out to some other file is refused for what it names, and nothing of that file is quoted.
  const auto r = run("check tests/data/bad-policy/extends-not-yaml.yaml");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "extends-not-yaml.yaml:7:10: error[bad-value]: 'extends' names '../../../CMakeLists.txt', "
                              "which is not a policy file"))
      << r.out;
  EXPECT_FALSE(contains(r.out, "cmake_minimum_required")) << r.out;
}

TEST(paths, a_device_or_folder_is_not_read_as_a_file) {
  expect_refused("check /dev/zero", {"error[io-error]: not a regular file"});
  expect_refused("check rules", {"error[io-error]: this is a folder; expected a file"});
}

// ---- a byte-order mark and CRLF, as spreadsheet exports write them -------------------------

TEST(windows_exports, a_bom_and_crlf_read_as_the_plain_files_do) {
  const temp_folder dir("bom");
  write(dir.path / "national-2017.yaml", as_windows_export(source("rules/national-2017.yaml")));
  write(dir.path / "qiyang-2019.yaml", as_windows_export(source("rules/qiyang-2019.yaml")));
  write(dir.path / "county.yaml", as_windows_export(source("examples/qiyang/county.yaml")));
  for (const fs::directory_entry& e : fs::directory_iterator(fs::path(RULEBOOK_SOURCE_DIR) / "examples/qiyang/csv"))
    write(dir.path / "csv" / e.path().filename(), as_windows_export(read(e.path())));

  const auto plain = run(std::string("eval ") + qiyang + " --period 2019 --format json", false);
  ASSERT_EQ(plain.exit_code, 0) << plain.out;
  const auto yaml = run("eval " + dir.quoted("qiyang-2019.yaml") + " " + dir.quoted("county.yaml") +
                            " --period 2019 --format json",
                        false);
  EXPECT_EQ(yaml.exit_code, 0) << run("summary " + dir.quoted("county.yaml")).out;
  EXPECT_EQ(yaml.out, plain.out);
  const auto csv = run("eval " + dir.quoted("qiyang-2019.yaml") + " " + dir.quoted("csv") + " --period 2019 --format json",
                       false);
  EXPECT_EQ(csv.exit_code, 0) << run("summary " + dir.quoted("csv")).out;
  EXPECT_EQ(csv.out, plain.out);
}

// ---- bounds: each a clear error, never a crash or an out-of-memory --------------------------

TEST(limits, a_policy_file_over_1_mib_is_not_read) {
  const temp_folder dir("big-policy");
  { std::ofstream(dir.path / "big.yaml"); }
  fs::resize_file(dir.path / "big.yaml", (std::uintmax_t{1} << 20) + 1);  // sparse: costs no disk
  expect_refused("check " + dir.quoted("big.yaml"),
                 {"big.yaml: error[too-large]: the file is 1048577 bytes; at most 1 MiB is read"});
}

TEST(limits, a_county_yaml_file_over_64_mib_or_a_csv_table_over_4_gib_is_not_read) {
  const temp_folder dir("big-county");
  { std::ofstream(dir.path / "county.yaml"); }
  fs::resize_file(dir.path / "county.yaml", std::uintmax_t{65} << 20);
  expect_refused("summary " + dir.quoted("county.yaml"),
                 {"county.yaml: error[too-large]: the file is 68157440 bytes; at most 64 MiB is read",
                  "give it as CSV tables"});

  fs::copy(fs::path(RULEBOOK_SOURCE_DIR) / "examples/qiyang/csv", dir.path / "csv");
  fs::resize_file(dir.path / "csv/months.csv", (std::uintmax_t{4} << 30) + 1);  // sparse: no disk taken
  expect_refused("summary " + dir.quoted("csv"),
                 {"months.csv: error[too-large]: the table is 4294967297 bytes; at most 4 GiB is read from one table"});
}

TEST(limits, a_policy_with_more_than_1000_rules_is_refused) {
  const temp_folder dir("many-rules");
  std::string text = source("tests/data/bad-policy/base/national.yaml");
  std::ostringstream rules;
  rules << "\nrules:\n";
  for (int i = 0; i < 1001; ++i)
    rules << "  - {id: size_" << i << ", kind: team_size, title: {zh: 人数, en: size}, at_least: 3, "
          << "severity: advisory, responsible: county, source: 一般不少于3人}\n";
  write(dir.path / "many.yaml", text.substr(0, text.find("\nrules:")) + rules.str());
  expect_refused("check " + dir.quoted("many.yaml"),
                 {"error[too-large]: the file has 1001 rules; at most 1000 are read from one policy file"});
}

TEST(limits, an_extends_chain_of_more_than_8_files_is_refused) {
  const temp_folder dir("chain");
  const std::string base = source("tests/data/bad-policy/base/national.yaml");
  write(dir.path / "p0.yaml", base);
  const std::string header = base.substr(0, base.find("\nparameters:"));
  const auto name = [](int i) { return std::string("p").append(std::to_string(i)).append(".yaml"); };
  for (int i = 1; i <= 8; ++i) write(dir.path / name(i), header + "\nextends: " + name(i - 1) + "\n");
  EXPECT_EQ(run("check " + dir.quoted("p7.yaml")).exit_code, 0) << run("check " + dir.quoted("p7.yaml")).out;
  expect_refused("check " + dir.quoted("p8.yaml"),
                 {"p1.yaml", "error[too-large]: the chain of 'extends' is longer than 8 files at 'p0.yaml'"});
}

TEST(limits, a_text_over_4096_bytes_is_refused) {
  expect_refused("summary tests/data/bad-county/text-too-long.yaml",
                 {"text-too-long.yaml:7:14: error[too-long]: 'village' in a team is 5000 bytes long; a text is at "
                  "most 4096 bytes"});
}

TEST(limits, yaml_nested_deeper_than_64_is_refused) {
  expect_refused("summary tests/data/bad-county/nesting-too-deep.yaml",
                 {"nesting-too-deep.yaml:5:", "error[yaml-syntax]: lists and maps nest more than 64 deep here"});
}

TEST(limits, an_expression_too_deep_or_too_large_is_refused) {
  expect_refused("check tests/data/bad-policy/expression-too-deep.yaml", {"error[expression-too-deep]"});
  expect_refused("check tests/data/bad-policy/expression-too-large.yaml", {"error[expression-too-large]"});
}

// ---- --out: all or nothing --------------------------------------------------------------

TEST(atomic_output, a_failed_write_leaves_the_existing_file_as_it_was) {
  const temp_folder dir("out-file");
  const fs::path file = dir.path / "report.json";
  write(file, "last year's report\n");
  // A run that fails before writing (bad data) ...
  const auto bad = run("eval rules/qiyang-2019.yaml tests/data/bad-county/invalid-utf8.yaml --period 2019 "
                       "--format json --out " + dir.quoted("report.json"));
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_EQ(read(file), "last year's report\n");
  // ... and one that fails while writing: the report cannot take the place of a folder.
  fs::create_directories(dir.path / "taken.json/inside");
  const auto blocked = run(std::string("eval ") + qiyang + " --period 2019 --format json --out " + dir.quoted("taken.json"));
  EXPECT_EQ(blocked.exit_code, 2) << blocked.out;
  EXPECT_TRUE(contains(blocked.out, "rulebook eval: cannot write")) << blocked.out;
  std::vector<std::string> left;
  for (const fs::directory_entry& e : fs::directory_iterator(dir.path)) left.push_back(e.path().filename().string());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"report.json", "taken.json"})) << "a temporary file was left behind";
  EXPECT_EQ(read(file), "last year's report\n");
}

TEST(atomic_output, csv_results_appear_as_a_whole_set_in_a_new_folder) {
  const temp_folder dir("csv-new");
  const auto r = run(std::string("eval ") + qiyang + " --period 2019 --format csv --out " + dir.quoted("a/b/results/"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::vector<std::string> files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir.path / "a/b/results"))
    files.push_back(e.path().filename().string());
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"entitlements.csv", "findings.csv", "penalties.csv", "quota.csv",
                                             "rollups.csv", "totals.csv"}));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path / "a/b"), fs::directory_iterator()), 1)
      << "a temporary folder was left behind";
}

TEST(atomic_output, a_failed_csv_run_leaves_every_file_of_the_folder_as_it_was) {
  const temp_folder dir("csv-old");
  const fs::path out = dir.path / "results";
  const std::vector<std::string> names = {"entitlements.csv", "findings.csv", "penalties.csv", "quota.csv"};
  for (const std::string& n : names) write(out / n, "last year's " + n + "\n");
  write(out / "notes.txt", "the auditor's notes\n");
  fs::create_directories(out / "totals.csv");  // totals.csv cannot be written: the run fails at its last file
  const auto r = run(std::string("eval ") + qiyang + " --period 2019 --format csv --out " + dir.quoted("results"));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "the folder is as it was")) << r.out;
  for (const std::string& n : names) EXPECT_EQ(read(out / n), "last year's " + n + "\n") << n;
  EXPECT_EQ(read(out / "notes.txt"), "the auditor's notes\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(out), fs::directory_iterator()), 6)
      << "a temporary file was left behind";

  // Once the way is clear, the whole set is replaced and the notes are kept.
  fs::remove(out / "totals.csv");
  const auto ok = run(std::string("eval ") + qiyang + " --period 2019 --format csv --out " + dir.quoted("results"));
  ASSERT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_TRUE(read(out / "entitlements.csv").starts_with("rule,item,subject,"));
  EXPECT_TRUE(contains(read(out / "totals.csv"), "living,954600.00,944120.00\n"));
  EXPECT_EQ(read(out / "notes.txt"), "the auditor's notes\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(out), fs::directory_iterator()), 7);  // the six files and the notes
}
