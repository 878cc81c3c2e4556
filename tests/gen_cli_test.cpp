// `rulebook gen` as a user runs it: a county that `rulebook eval` reads without
// a diagnostic, the same bytes for a seed, and every mistake refused with exit 2.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "run_cli.hpp"

namespace {

using rulebook_test::contains;
using rulebook_test::run;

using rulebook_test::read_file;

/// A path under the system's temporary folder, removed before and after the test (not made).
struct temp_path : rulebook_test::temp_folder {
  explicit temp_path(const std::string& name) : temp_folder("gen-" + name, false) {}
};

}  // namespace

class cli_gen : public ::testing::Test {};

TEST_F(cli_gen, writes_a_county_that_eval_reads_without_a_diagnostic) {
  temp_path out("eval");
  const auto g = run("gen --teams 25 --members-per-team 4 --year 2019 --seed 3 --out " + out.path.string());
  ASSERT_EQ(g.exit_code, 0) << g.out;
  // 25 teams of 4 places: 100 places; the report lists every table and the plants.
  EXPECT_TRUE(contains(g.out, "rulebook gen: 25 teams in ")) << g.out;
  EXPECT_TRUE(contains(g.out, "months.csv")) << g.out;
  EXPECT_TRUE(contains(g.out, "accident_insurance  cover under 200000")) << g.out;
  EXPECT_TRUE(contains(g.out, "of 100 team quarters")) << g.out;  // 25 teams × 4 quarters

  // The report to a file: what is printed is the diagnostics, and a clean load has none.
  temp_path report("report.json");
  const auto e = run("eval rules/qiyang-2019.yaml " + out.path.string() + " --period 2019 --format json --out " +
                     report.path.string());
  EXPECT_EQ(e.exit_code, 0) << e.out;
  EXPECT_EQ(e.out, "");
  EXPECT_TRUE(contains(read_file(report.path), "\"rule\": \"unit_head_visits\"")) << "no planted visit missed?";
  const auto s = run("summary " + out.path.string() + " --period 2019");
  EXPECT_EQ(s.exit_code, 0) << s.out;
  EXPECT_FALSE(contains(s.out, "error")) << s.out;
}

TEST_F(cli_gen, the_same_arguments_write_the_same_bytes) {
  temp_path a("same-a"), b("same-b");
  ASSERT_EQ(run("gen --teams 12 --members-per-team 3 --seed 99 --quiet --out " + a.path.string()).exit_code, 0);
  ASSERT_EQ(run("gen --quiet --out " + b.path.string() + " --seed 99 --members-per-team 3 --teams 12").exit_code, 0);
  for (const char* table : {"units.csv", "teams.csv", "members.csv", "months.csv", "visits.csv", "meetings.csv"})
    EXPECT_EQ(read_file(a.path / table), read_file(b.path / table)) << table;
  // --quiet: nothing on standard output.
  temp_path c("quiet");
  EXPECT_EQ(run("gen --teams 2 --members-per-team 3 --quiet --out " + c.path.string(), false).out, "");
}

TEST_F(cli_gen, refuses_mistakes_with_exit_2_and_says_what_was_expected) {
  temp_path out("bad");
  const std::string to = " --out " + out.path.string();
  const auto says = [&](const std::string& args, const std::string& message) {
    const auto r = run("gen " + args);
    EXPECT_EQ(r.exit_code, 2) << args << '\n' << r.out;
    EXPECT_TRUE(contains(r.out, message)) << args << '\n' << r.out;
    EXPECT_TRUE(contains(r.out, "usage: rulebook gen")) << r.out;
  };
  says("--members-per-team 5" + to, "give the number of teams, as in --teams 1000");
  says("--teams 5" + to, "give the members of each team, as in --members-per-team 10");
  says("--teams 5 --members-per-team 5", "give the folder to write, as in --out county");
  says("--teams 0 --members-per-team 5" + to, "--teams: '0' is not a number of teams from 1 to 100000000");
  says("--teams 5x --members-per-team 5" + to, "--teams: '5x' is not a number of teams");
  says("--teams 5 --members-per-team -1" + to, "--members-per-team: '-1' is not a number from 1 to 10000");
  says("--teams 5 --members-per-team 5 --year 19" + to, "--year: '19' is not a year from 1910 to 9990");
  says("--teams 5 --members-per-team 5 --seed abc" + to, "--seed: 'abc' is not a whole number");
  says("--teams 5 --members-per-team 5 --size 3" + to, "unknown option '--size'");
  says("--teams 5 --members-per-team 5 extra" + to, "unexpected argument 'extra'");
  says("--teams 5 --members-per-team 5" + to + " --seed", "option --seed needs a value");
  EXPECT_FALSE(std::filesystem::exists(out.path));

  // A folder holding anything but the county's tables is left alone.
  std::filesystem::create_directories(out.path);
  { std::ofstream(out.path / "keep.csv") << "id\n"; }
  const auto r = run("gen --teams 3 --members-per-team 3" + to);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "holds keep.csv, which is not one of the county's tables")) << r.out;
  EXPECT_EQ(read_file(out.path / "keep.csv"), "id\n");
  EXPECT_FALSE(std::filesystem::exists(out.path / "months.csv"));
}
