// `rulebook eval` as a user runs it. Figures come from examples/qiyang/README.md
// ("Figures worked out by hand"), computed there without rulebook.
#include <gtest/gtest.h>

#include "run_cli.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

using rulebook_test::contains;
using rulebook_test::run;

using rulebook_test::temp_folder;
using rulebook_test::read_file;

constexpr const char* qiyang = "rules/qiyang-2019.yaml examples/qiyang/county.yaml";

/// `run`, with the locale variables cleared and then `environment` ("LANG=en_US.UTF-8 …") set.
/// Standard output only.
rulebook_test::run_result run_env(const std::string& environment, const std::string& args) {
  return rulebook_test::run_shell(std::string("cd '") + RULEBOOK_SOURCE_DIR +
                                  "' && env -u LC_ALL -u LC_MESSAGES -u LANG " + environment + " " + RULEBOOK_CLI + " " +
                                  args + " 2>/dev/null");
}

}  // namespace

/// The CLI's tests; tests/CMakeLists.txt builds them only when the CLI is built.
class cli_eval : public ::testing::Test {};

TEST_F(cli_eval, json_holds_the_figures_worked_out_by_hand) {
  const auto r = run(std::string("eval ") + qiyang + " --period 2019 --format json", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(r.out.starts_with("{\n  \"policy\": \"qiyang-2019\",\n"
                                "  \"period\": {\"label\": \"2019\", \"from\": \"2019-01-01\", \"to\": \"2019-12-31\"},\n"))
      << r.out.substr(0, 400);
  // County totals: living 954600 owed (944120 paid); transport 199782.60 (199647 paid);
  // communication prorated for M037's half July: 43451.61.
  EXPECT_TRUE(contains(r.out, R"({"item": "living", "owed": "954600.00", "paid": "944120.00"})")) << r.out;
  EXPECT_TRUE(contains(r.out, R"({"item": "transport", "owed": "199782.60", "paid": "199647.00"})")) << r.out;
  EXPECT_TRUE(contains(r.out, R"({"item": "communication", "owed": "43451.61", "paid": "43500.00"})")) << r.out;
  // M006, 2019-04, in T01 (38.6 km): 4 payable trips × 2 × 38.6 × 1.5 = 463.20, paid in full.
  EXPECT_TRUE(contains(r.out, R"("item": "transport", "subject": "member", "subject_id": "M006", "team": "T01", )"))
      << r.out;
  EXPECT_TRUE(contains(r.out, R"("from": "2019-04-01", "to": "2019-04-30", "amount": "463.20", "paid": "463.20"})"))
      << r.out;
  // Roll-ups. The county: the four items above plus work funds 7 × 10000 owed, 66000
  // received; short 10480 (P10) + 135.60 (P11) + 4000 (P12); 435 member-months × 3
  // items + 7 team-years; 36 violations and 2 advisories (P1–P13).
  EXPECT_TRUE(contains(r.out, R"({"subject": "county", "id": "qiyang", "item": null, "owed": "1267834.21", )"
                              R"("paid": "1253267.00", "shortfall": "14615.60", "entitlements": 1312, "unrecorded": 0, )"
                              R"("violations": 36, "advisories": 2})"))
      << r.out;
  // M006 over the year, T01 then T05: 26100 + 5589.00 + 1200, owed and paid.
  EXPECT_TRUE(contains(r.out, R"({"subject": "member", "id": "M006", "item": null, "owed": "32889.00", )"
                              R"("paid": "32889.00", "shortfall": "0.00", "entitlements": 36, "unrecorded": 0, )"
                              R"("violations": 0, "advisories": 0})"))
      << r.out;
}

TEST_F(cli_eval, table_lists_a_few_findings_per_unit_and_all_shows_every_one) {
  // U06 answers for P10's 24 months (M014, M015): 5 listed, 19 left for --all.
  const auto r = run(std::string("eval ") + qiyang + " --period 2019 --lang en");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "县人社局 (U06) — 24 findings (24 violations)")) << r.out;
  EXPECT_TRUE(contains(r.out, "  … and 19 more\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "19 findings are not listed above: `rulebook eval … --all` lists every one")) << r.out;
  EXPECT_FALSE(contains(r.out, "M015 ")) << r.out;  // M014's 12 months come first
  const auto all = run(std::string("eval ") + qiyang + " --period 2019 --all --lang en");
  ASSERT_EQ(all.exit_code, 0) << all.out;
  EXPECT_FALSE(contains(all.out, "not listed above")) << all.out;
  // M015 2019-12: 18 days, 1800 owed, paid at 80 a day: 1440.
  EXPECT_TRUE(contains(all.out, "M015 黄小军  2019-12  1800.00   1440.00")) << all.out;
}

TEST_F(cli_eval, table_is_the_default_and_names_units) {
  const auto r = run(std::string("eval ") + qiyang + " --period 2019 --lang en");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "policy qiyang-2019, period 2019 (2019-01-01 .. 2019-12-31)")) << r.out;
  EXPECT_TRUE(contains(r.out, "954600.00")) << r.out;
  EXPECT_TRUE(contains(r.out, "县人社局 (U06)")) << r.out;
  EXPECT_TRUE(contains(r.out, "penalty ledger")) << r.out;
}

TEST_F(cli_eval, table_speaks_the_language_lang_asks_for_and_chinese_when_it_names_none) {
  // As html_cli_test does: the locale variables cleared, then only those given set.
  const auto run_with = [](const std::string& environment, const std::string& args) {
    return run_env(environment, std::string("eval ") + qiyang + " --period 2019" + args);
  };
  const auto zh = run_with("", "");
  ASSERT_EQ(zh.exit_code, 0) << zh.out;
  EXPECT_TRUE(zh.out.starts_with("政策 qiyang-2019，期间 2019（2019-01-01 至 2019-12-31）\n")) << zh.out.substr(0, 400);
  EXPECT_TRUE(contains(zh.out, "\n各工作队应发与实发（元）\n")) << zh.out;
  EXPECT_TRUE(contains(zh.out, "县人社局（U06） — 24 项问题（违规 24）\n")) << zh.out;
  EXPECT_TRUE(contains(zh.out, "  … 另有 19 项\n")) << zh.out;
  EXPECT_TRUE(contains(zh.out, "以上未列出 19 项问题：`rulebook eval … --all` 列出全部")) << zh.out;
  EXPECT_TRUE(contains(zh.out, "\n扣分台账\n")) << zh.out;
  EXPECT_FALSE(contains(zh.out, "penalty ledger")) << zh.out;
  // The figures are the same in either language.
  EXPECT_TRUE(contains(zh.out, "954600.00")) << zh.out;

  EXPECT_EQ(run_with("LANG=C.UTF-8", "").out, zh.out);
  const auto en = run_with("LANG=en_US.UTF-8", "");
  ASSERT_EQ(en.exit_code, 0) << en.out;
  EXPECT_TRUE(en.out.starts_with("policy qiyang-2019, period 2019 (2019-01-01 .. 2019-12-31)\n")) << en.out.substr(0, 400);
  EXPECT_TRUE(contains(en.out, "\npenalty ledger\n")) << en.out;
  EXPECT_FALSE(contains(en.out, "扣分台账")) << en.out;
  // LC_ALL outranks LANG; --lang outranks both.
  EXPECT_EQ(run_with("LANG=en_US.UTF-8 LC_ALL=zh_CN.UTF-8", "").out, zh.out);
  EXPECT_EQ(run_with("LANG=en_US.UTF-8", " --lang zh").out, zh.out);
  EXPECT_EQ(run_with("", " --lang en").out, en.out);
}

TEST_F(cli_eval, fail_on_violation_exits_1_for_the_planted_violations) {
  const auto r = run(std::string("eval ") + qiyang + " --period 2019 --fail-on violation --lang en");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "violation")) << r.out;
}

TEST_F(cli_eval, explain_follows_the_table) {
  const auto r = run(std::string("eval ") + qiyang + " --period 2019 --explain M006@2019-04");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto at = r.out.find("explain M006 in 2019-04");
  ASSERT_NE(at, std::string::npos) << r.out;
  EXPECT_TRUE(contains(r.out.substr(at), "463.2")) << r.out.substr(at);
}

TEST_F(cli_eval, a_bad_policy_exits_2_with_its_diagnostics) {
  const auto r = run("eval tests/data/bad-policy/duplicate-rule-id.yaml examples/qiyang/county.yaml --period 2019");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "error[")) << r.out;
}

TEST_F(cli_eval, bad_usage_exits_2_with_the_usage) {
  for (const std::string& args : {std::string("eval"), std::string("eval rules/qiyang-2019.yaml"), std::string("eval ") + qiyang,
                                 std::string("eval ") + qiyang + " --period 2019-Q5",
                                 std::string("eval ") + qiyang + " --period 2019 --format xml",
                                 std::string("eval ") + qiyang + " --period 2019 --frobnicate",
                                 std::string("eval ") + qiyang + " --period 2019 --fail-on advisory",
                                 std::string("eval ") + qiyang + " --period 2019 --explain M006@2019-13",
                                 std::string("eval ") + qiyang + " --period 2019 --threads 0",
                                 std::string("eval ") + qiyang + " --period 2019 --threads two"}) {
    const auto r = run(args);
    EXPECT_EQ(r.exit_code, 2) << args << '\n' << r.out;
    EXPECT_TRUE(contains(r.out, "usage: rulebook eval")) << args << '\n' << r.out;
  }
  EXPECT_TRUE(contains(run(std::string("eval ") + qiyang + " --period 2019-Q5").out, "quarters run Q1 to Q4"));
}

TEST_F(cli_eval, threads_change_nothing_in_the_output) {
  const auto one = run(std::string("eval ") + qiyang + " --period 2019 --format json --threads 1", false);
  const auto two = run(std::string("eval ") + qiyang + " --period 2019 --format json --threads 2", false);
  ASSERT_EQ(one.exit_code, 0) << one.out;
  EXPECT_EQ(one.out, two.out);
  EXPECT_TRUE(contains(one.out, R"({"item": "living", "owed": "954600.00", "paid": "944120.00"})"));
}

TEST_F(cli_eval, csv_without_out_exits_2) {
  const auto r = run(std::string("eval ") + qiyang + " --period 2019 --format csv");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "csv writes one file per result kind: give --out DIR")) << r.out;
}

TEST_F(cli_eval, csv_writes_one_file_per_result_kind) {
  const temp_folder dir("csv");
  const auto out = dir.path / "results";
  const auto r = run(std::string("eval ") + qiyang + " --period 2019 --format csv --out '" + out.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* name :
       {"entitlements.csv", "findings.csv", "quota.csv", "penalties.csv", "totals.csv", "rollups.csv"})
    EXPECT_TRUE(std::filesystem::is_regular_file(out / name)) << name;
  EXPECT_TRUE(read_file(out / "entitlements.csv").starts_with("rule,item,subject,subject_id,team,unit,from,to,amount,paid\n"));
  EXPECT_TRUE(contains(read_file(out / "totals.csv"), "living,954600.00,944120.00\n")) << read_file(out / "totals.csv");
  // Living over the county: 435 member-months, P10's 10480 short in 24 of them.
  EXPECT_TRUE(contains(read_file(out / "rollups.csv"), "\ncounty,qiyang,living,954600.00,944120.00,10480.00,435,0,24,0\n"))
      << read_file(out / "rollups.csv");
}

TEST_F(cli_eval, csv_entitlements_are_written_as_they_are_made_with_every_row) {
  const temp_folder dir("csv-stream");
  const auto out = dir.path / "results";
  const auto r = run(std::string("eval ") + qiyang + " --period 2019 --format csv --out '" + out.string() +
                     "' --explain M006@2019-04");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string rows = read_file(out / "entitlements.csv");
  // The sample's 1,312 entitlements (examples/qiyang/README.md), a line each after the header.
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 1313);
  // M006, 2019-04, in T01 (38.6 km): 4 payable trips × 2 × 38.6 × 1.5 = 463.20, paid in full.
  EXPECT_TRUE(contains(rows, "\ntransport,transport,member,M006,T01,")) << rows.substr(0, 400);
  EXPECT_TRUE(contains(rows, ",2019-04-01,2019-04-30,463.20,463.20\n"));
  // --explain still explains, from the amounts it kept while the rest went to the file.
  const auto at = r.out.find("explain M006 in 2019-04");
  ASSERT_NE(at, std::string::npos) << r.out;
  EXPECT_TRUE(contains(r.out.substr(at), "463.2")) << r.out.substr(at);
}

TEST_F(cli_eval, csv_leaves_no_folder_when_the_evaluation_fails) {
  // Liuba's rates start in 2020: evaluating 2019 fails at the first member-month.
  const temp_folder dir("csv-fail");
  const auto out = dir.path / "results";
  const auto r = run("eval rules/liuba-2020.yaml examples/qiyang/county.yaml --period 2019 --format csv --out '" +
                     out.string() + "'");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "has no value in force")) << r.out;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path), std::filesystem::directory_iterator()), 0)
      << "a temporary folder was left behind";
}

TEST_F(cli_eval, out_replaces_a_file_only_when_the_run_succeeds) {
  const temp_folder dir("out");
  const auto file = dir.path / "report.json";
  {
    std::ofstream(file) << "last year's report\n";
  }
  const auto failed = run("eval tests/data/bad-policy/duplicate-rule-id.yaml examples/qiyang/county.yaml --period 2019 "
                          "--format json --out '" + file.string() + "'");
  EXPECT_EQ(failed.exit_code, 2) << failed.out;
  EXPECT_EQ(read_file(file), "last year's report\n");

  const auto ok = run(std::string("eval ") + qiyang + " --period 2019 --format json --out '" + file.string() + "'");
  ASSERT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_TRUE(read_file(file).starts_with("{\n  \"policy\": \"qiyang-2019\",")) << read_file(file).substr(0, 200);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path), std::filesystem::directory_iterator()), 1)
      << "a temporary file was left behind";
}
