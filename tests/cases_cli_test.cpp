// `rulebook test` and `rulebook diff` as a user runs them, from the source folder.
// Figures are worked out by hand (examples/qiyang/README.md, tests/diff_test.cpp).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "run_cli.hpp"

namespace {

using rulebook_test::contains;
using rulebook_test::run;

constexpr const char* diff_args =
    "diff rules/qiyang-2019.yaml rules/qiyang-draft.yaml examples/qiyang/county.yaml --period 2019";

}  // namespace

TEST(cli_test, the_qiyang_cases_pass_with_every_rule_covered) {
  const auto r = run("test rules/qiyang-2019.yaml examples/qiyang/cases --coverage");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "rules no case touches: none")) << r.out;
  EXPECT_TRUE(contains(r.out, "rules 16/16 (100 %)")) << r.out;
  EXPECT_TRUE(r.out.ends_with(" passed, 0 failed\n")) << r.out;
}

TEST(cli_test, the_other_bundled_policies_pass_their_cases) {
  for (const char* args : {"test rules/liuba-2020.yaml examples/liuba/cases --coverage",
                           "test rules/zhenan-2018.yaml examples/zhenan/cases --coverage",
                           "test rules/national-2017.yaml examples/national/cases --coverage"}) {
    const auto r = run(args);
    EXPECT_EQ(r.exit_code, 0) << args << '\n' << r.out;
    EXPECT_TRUE(contains(r.out, "rules no case touches: none")) << args << '\n' << r.out;
    EXPECT_TRUE(contains(r.out, ", 0 failed\n")) << r.out;
  }
}

TEST(cli_test, a_failing_case_prints_expected_and_actual_and_exits_1) {
  const auto r = run("test rules/qiyang-2019.yaml tests/data/cases/failing/wrong-living.yaml");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "tests/data/cases/failing/wrong-living.yaml:8:7: living for member M006 in 2019-04: owed\n"
                              "    expected: 2300.00\n"
                              "    actual:   2200.00\n"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "living_per_day × days_in_village = 100 × 22 = 2200")) << r.out;
  EXPECT_TRUE(r.out.ends_with("0 passed, 1 failed\n")) << r.out;
}

TEST(cli_test, the_draft_fails_the_2019_cases_it_changes) {
  // From 2019-07-01 the draft pays 120 a day: M006's year is no longer 26100.
  const auto r = run("test rules/qiyang-draft.yaml examples/qiyang/cases/living.yaml");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  // 26100 + 20 × 131 days in Jul–Dec = 28720.
  EXPECT_TRUE(contains(r.out, "    expected: 26100.00\n    actual:   28720.00\n")) << r.out;
}

TEST(cli_test, bad_input_exits_2) {
  auto r = run("test rules/qiyang-2019.yaml tests/data/cases/bad");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "error[unknown-key]: unknown key 'findngs'")) << r.out;
  r = run("test rules/qiyang-2019.yaml no/such/cases.yaml");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  r = run("test rules/qiyang-2019.yaml");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  r = run("test tests/data/bad-policy/money-plus-date.yaml examples/qiyang/cases");
  EXPECT_EQ(r.exit_code, 2) << r.out;
}

TEST(cli_diff, reports_per_member_deltas_worked_out_by_hand) {
  const auto r = run(diff_args, false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  // M006: living +20 × 131 = +2620.00, transport +19 trips × 47.9 = +910.10 (tests/diff_test.cpp).
  EXPECT_TRUE(contains(r.out, "M006  邓晓梅  living     26100.00  28720.00  +2620.00\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "M006  邓晓梅  transport   5589.00   6499.10   +910.10\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "cost of the change: +129701.70 (+10.23 %)")) << r.out;
}

TEST(cli_diff, json_and_csv) {
  auto r = run(std::string(diff_args) + " --format json", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "\"cost\": \"129701.70\",\n  \"cost_percent\": \"10.23\",")) << r.out.substr(0, 800);
  EXPECT_TRUE(contains(r.out, R"({"item": "living", "before": "26100.00", "after": "28720.00", "change": "2620.00"})"))
      << r.out.substr(0, 800);
  r = run(std::string(diff_args) + " --format csv", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(r.out.starts_with("section,subject,id,item,before,after,change\n")) << r.out.substr(0, 400);
  EXPECT_TRUE(contains(r.out, "amount,member,M037,transport,2712.00,3616.00,904.00\n")) << r.out.substr(0, 800);
  EXPECT_TRUE(contains(r.out, "total,county,,all,1267834.21,1397535.91,129701.70\n")) << r.out.substr(0, 800);
}

TEST(cli_diff, max_cost_increase_gates_the_change) {
  // +10.2301… %: over 10, not over 10.5.
  auto r = run(std::string(diff_args) + " --max-cost-increase 10");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "rises by +10.23 %, more than the 10 % allowed")) << r.out;
  r = run(std::string(diff_args) + " --max-cost-increase 10.5");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = run(std::string(diff_args) + " --max-cost-increase lots");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  r = run("diff rules/qiyang-2019.yaml rules/qiyang-draft.yaml examples/qiyang/county.yaml");
  EXPECT_EQ(r.exit_code, 2) << r.out;  // no --period
}

TEST(cli_diff, the_readme_excerpt_is_what_the_command_prints) {
  std::ifstream in(std::string(RULEBOOK_SOURCE_DIR) + "/README.md", std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  const auto start = readme.find("rulebook diff: qiyang-2019 → qiyang-draft");
  ASSERT_NE(start, std::string::npos) << "the README no longer shows the draft's diff";
  const auto end = readme.find("```", start);
  const auto r = run(diff_args, false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::istringstream lines(readme.substr(start, end - start));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line != "…") {
      EXPECT_TRUE(contains(r.out, line + "\n")) << line;
    }
  }
}
