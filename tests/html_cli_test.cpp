// `rulebook eval` and `rulebook diff` with --format html as a user runs them:
// the file written, the language chosen by --lang or the environment, the time
// stamped from --generated-at or SOURCE_DATE_EPOCH, bad values refused, and the
// progress line — absent when standard error is not a terminal or with --quiet,
// present under a pseudo-terminal (script(1)).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "run_cli.hpp"

#include <sys/wait.h>

namespace {

using rulebook_test::contains;

struct outcome {
  int exit_code = -1;
  std::string out, err;
};

using rulebook_test::temp_folder;
using rulebook_test::read_file;

/// Runs `env` then the CLI with `args`, standard output and standard error into
/// files (so neither is a terminal).
outcome run_apart(const std::string& env, const std::string& args, const temp_folder& tmp) {
  const std::filesystem::path out = tmp.path / "stdout", err = tmp.path / "stderr";
  const std::string command = std::string("cd '") + RULEBOOK_SOURCE_DIR + "' && env -u LC_ALL -u LC_MESSAGES -u LANG -u SOURCE_DATE_EPOCH " +
                              env + " " + RULEBOOK_CLI + " " + args + " >'" + out.string() + "' 2>'" + err.string() +
                              "' </dev/null";
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out), read_file(err)};
}

constexpr const char* qiyang = "rules/qiyang-2019.yaml examples/qiyang/county.yaml --period 2019";

}  // namespace

class cli_html : public ::testing::Test {};

TEST_F(cli_html, eval_writes_one_html_file_in_the_language_asked) {
  temp_folder tmp("eval");
  const std::string file = (tmp.path / "report.html").string();
  const outcome r = run_apart("", std::string("eval ") + qiyang + " --format html --lang en --generated-at 2020-01-07T09:30:00Z --out " + file, tmp);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  const std::string page = read_file(file);
  EXPECT_TRUE(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">")) << page.substr(0, 200);
  EXPECT_TRUE(contains(page, "<td class=\"n county-owed\">1267834.21</td>"));
  EXPECT_TRUE(contains(page, "Generated at 2020-01-07T09:30:00Z"));
}

TEST_F(cli_html, the_language_follows_lang_else_the_environment_else_chinese) {
  temp_folder tmp("lang");
  const std::string args = std::string("eval ") + qiyang + " --format html --generated-at 2020-01-07";
  EXPECT_TRUE(run_apart("", args, tmp).out.starts_with("<!DOCTYPE html>\n<html lang=\"zh\">"));
  EXPECT_TRUE(run_apart("LANG=en_US.UTF-8", args, tmp).out.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
  EXPECT_TRUE(run_apart("LANG=C.UTF-8", args, tmp).out.starts_with("<!DOCTYPE html>\n<html lang=\"zh\">"));
  EXPECT_TRUE(run_apart("LANG=en_US.UTF-8 LC_ALL=zh_CN.UTF-8", args, tmp).out.starts_with("<!DOCTYPE html>\n<html lang=\"zh\">"));
  EXPECT_TRUE(run_apart("LANG=en_US.UTF-8", args + " --lang zh", tmp).out.starts_with("<!DOCTYPE html>\n<html lang=\"zh\">"));
}

TEST_F(cli_html, source_date_epoch_makes_the_report_reproducible) {
  temp_folder tmp("epoch");
  const std::string args = std::string("eval ") + qiyang + " --format html";
  // 1578355200 s after 1970-01-01 is 2020-01-07T00:00:00Z (18268 days).
  const outcome a = run_apart("SOURCE_DATE_EPOCH=1578355200", args, tmp);
  const outcome b = run_apart("SOURCE_DATE_EPOCH=1578355200", args, tmp);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_TRUE(contains(a.out, "生成时间：2020-01-07T00:00:00Z"));
  EXPECT_EQ(a.out, b.out);
  // --generated-at wins over SOURCE_DATE_EPOCH.
  EXPECT_TRUE(contains(run_apart("SOURCE_DATE_EPOCH=1578355200", args + " --generated-at 2021-02-03", tmp).out,
                       "生成时间：2021-02-03"));
  // Without either, the clock: still a UTC time in the same form.
  EXPECT_TRUE(std::regex_search(run_apart("", args, tmp).out, std::regex("生成时间：20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")));
}

TEST_F(cli_html, bad_values_exit_2_saying_what_was_expected) {
  temp_folder tmp("bad");
  const std::string args = std::string("eval ") + qiyang + " --format html";
  outcome r = run_apart("", args + " --lang fr", tmp);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "--lang: 'fr' is not a language; use zh or en")) << r.err;
  r = run_apart("", args + " --generated-at yesterday", tmp);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "'yesterday' is not a time; use 2020-01-07T09:30:00Z")) << r.err;
  r = run_apart("SOURCE_DATE_EPOCH=soon", args, tmp);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "SOURCE_DATE_EPOCH: 'soon' is not a whole number of seconds")) << r.err;
  EXPECT_EQ(r.out, "");
  r = run_apart("", std::string("eval ") + qiyang + " --format pdf", tmp);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "use table, json, csv or html")) << r.err;
}

// rules/qiyang-draft.yaml: +129701.70 (+10.23 %) on the 2019 sample (README).
TEST_F(cli_html, diff_writes_the_change_as_html) {
  temp_folder tmp("diff");
  const std::string file = (tmp.path / "diff.html").string();
  const outcome r = run_apart("", "diff rules/qiyang-2019.yaml rules/qiyang-draft.yaml examples/qiyang/county.yaml --period 2019 "
                                  "--format html --lang en --generated-at 2020-01-07 --out " + file, tmp);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  const std::string page = read_file(file);
  EXPECT_TRUE(contains(page, "Cost of the change: +129701.70 yuan (+10.23 %)"));
  EXPECT_TRUE(contains(page, "<figure id=\"gain-chart\">"));
  // --max-cost-increase still decides the exit code, with the report written.
  const outcome gate = run_apart("", "diff rules/qiyang-2019.yaml rules/qiyang-draft.yaml examples/qiyang/county.yaml --period 2019 "
                                     "--format html --generated-at 2020-01-07 --max-cost-increase 10 --out " + file, tmp);
  EXPECT_EQ(gate.exit_code, 1) << gate.err;
  EXPECT_TRUE(contains(read_file(file), "调整成本：+129701.70 元（+10.23 %）"));
}

TEST_F(cli_html, no_progress_when_standard_error_is_not_a_terminal) {
  temp_folder tmp("quiet");
  for (const std::string& args :
       {std::string("eval ") + qiyang + " --format html --generated-at 2020-01-07",
        std::string("eval ") + qiyang,
        std::string("diff rules/qiyang-2019.yaml rules/qiyang-draft.yaml examples/qiyang/county.yaml --period 2019 --format html --generated-at 2020-01-07")}) {
    const outcome r = run_apart("", args, tmp);
    EXPECT_EQ(r.exit_code, 0) << args;
    EXPECT_EQ(r.err, "") << args;  // not a byte: no bar, no carriage return, no escape code
    EXPECT_FALSE(contains(r.out, "\r")) << args;
  }
}

/// Runs the CLI under script(1), which gives it a pseudo-terminal for standard
/// input, output and error, and returns what the terminal received.
std::string run_on_a_terminal(const std::string& args, const temp_folder& tmp) {
  const std::filesystem::path out = tmp.path / "terminal";
  const std::string inner = std::string(RULEBOOK_CLI) + " " + args + " >/dev/null";
  const std::string command = std::string("cd '") + RULEBOOK_SOURCE_DIR + "' && env -u LANG -u LC_ALL LANG=en_US.UTF-8 script -qec \"" +
                              inner + "\" /dev/null >'" + out.string() + "' 2>&1 </dev/null";
  const int status = std::system(command.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command;
  return read_file(out);
}

TEST_F(cli_html, a_progress_line_on_a_terminal_unless_quiet) {
  temp_folder tmp("tty");
  const std::string args = std::string("eval ") + qiyang + " --format html --generated-at 2020-01-07";
  const std::string shown = run_on_a_terminal(args, tmp);
  // Each stage draws its line at once and clears it at the end.
  EXPECT_TRUE(contains(shown, "\r\033[Kloading examples/qiyang/county.yaml")) << shown;
  EXPECT_TRUE(contains(shown, "\r\033[Kevaluating")) << shown;
  EXPECT_TRUE(contains(shown, "\r\033[Kexplaining [")) << shown;
  EXPECT_TRUE(contains(shown, "/1312")) << shown;  // 1312 amounts to explain (435 × 3 + 7)
  EXPECT_TRUE(shown.ends_with("\r\033[K")) << shown;
  EXPECT_EQ(run_on_a_terminal(args + " --quiet", tmp), "");
}

TEST_F(cli_html, explanations_asked_for_go_to_standard_error_when_the_page_goes_to_standard_output) {
  temp_folder tmp("explain");
  const outcome r = run_apart("", std::string("eval ") + qiyang + " --format html --generated-at 2020-01-07 --explain M006@2019-04", tmp);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.ends_with("</html>\n"));  // the page is whole, nothing after it
  // M006 in April (README): transport 4 × 2 × 38.6 × 1.5 = 463.20.
  EXPECT_TRUE(contains(r.err, "explain M006 in 2019-04")) << r.err;
  EXPECT_TRUE(contains(r.err, "transport for member M006, 2019-04-01..2019-04-30: 463.20")) << r.err;
}
