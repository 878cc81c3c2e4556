// The rulebook command as a user runs it: arguments in, text and an exit code
// out. Figures come from examples/qiyang/README.md, worked out by hand there.
#include <gtest/gtest.h>

#include "cli/huge_pages.hpp"
#include "run_cli.hpp"

#include <string>

namespace {

using rulebook_test::contains;
using rulebook_test::run;
using rulebook_test::run_shell;

}  // namespace

TEST(cli_summary, totals_the_qiyang_sample_for_2019) {
  const auto r = run("summary examples/qiyang/county.yaml --period 2019");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "9 sponsor units, 7 teams, 37 members serving (7 leading a team), 435 member-months"))
      << r.out;
  // 9546 days in the village; paid 944120 + 199647 + 43500 = 1187267.
  EXPECT_TRUE(contains(r.out, "9546")) << r.out;
  EXPECT_TRUE(contains(r.out, "1187267.00")) << r.out;
  EXPECT_TRUE(contains(r.out, "communication 43500.00  living 944120.00  transport 199647.00")) << r.out;
  // 47 unit-head and 28 town-leader visits, 12 sponsor visits; 2000 + 3000 in condolences.
  EXPECT_TRUE(contains(r.out, "visits unit_head=47 town_leader=28 sponsor_unit=12")) << r.out;
  EXPECT_TRUE(contains(r.out, "condolence payments 2 (5000.00 yuan)")) << r.out;
}

TEST(cli_summary, csv_form_gives_the_same_summary) {
  const auto yaml = run("summary examples/qiyang/county.yaml --period 2019-H2");
  const auto csv = run("summary examples/qiyang/csv --period 2019-H2");
  ASSERT_EQ(yaml.exit_code, 0) << yaml.out;
  ASSERT_EQ(csv.exit_code, 0) << csv.out;
  EXPECT_EQ(yaml.out, csv.out);
}

TEST(cli_summary, bad_data_exits_2_with_every_diagnostic) {
  const auto r = run("summary tests/data/bad-county/unknown-key.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.out, "tests/data/bad-county/unknown-key.yaml:11:5: error[unknown-key]: unknown key "
                              "'distance_kn' in a team"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "did you mean 'distance_km'?")) << r.out;
}

TEST(cli_summary, a_missing_path_exits_2) {
  const auto r = run("summary no/such/county.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.out, "error[io-error]")) << r.out;
}

TEST(cli_summary, a_bad_period_exits_2_and_says_why) {
  const auto r = run("summary examples/qiyang/county.yaml --period 2019-Q5");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.out, "quarters run Q1 to Q4")) << r.out;
}

TEST(cli, usage_errors_exit_2_and_help_exits_0) {
  EXPECT_EQ(run("").exit_code, 2);
  EXPECT_EQ(run("frobnicate").exit_code, 2);
  EXPECT_EQ(run("summary").exit_code, 2);
  const auto help = run("help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(contains(help.out, "usage: rulebook")) << help.out;
}

TEST(cli_check, summarises_qiyang_with_its_base_and_its_figures) {
  const auto r = run("check rules/qiyang-2019.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "files: rules/qiyang-2019.yaml extends rules/national-2017.yaml")) << r.out;
  EXPECT_TRUE(contains(r.out, "team_size (1): team_size (rules/national-2017.yaml)")) << r.out;
  EXPECT_TRUE(contains(r.out, "living_per_day")) << r.out;
  EXPECT_TRUE(contains(r.out, "100 from 2019-01-01")) << r.out;
  EXPECT_TRUE(contains(r.out, "1.5 from 2019-01-01")) << r.out;
  EXPECT_TRUE(contains(r.out, "county choice")) << r.out;
}

TEST(cli_check, a_broken_policy_exits_2_with_every_diagnostic) {
  const auto r = run("check rules/national-2017.yaml tests/data/bad-policy/all-at-once.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.out, "national-2017: ")) << r.out;  // the good file is still summarised
  EXPECT_TRUE(contains(r.out, "tests/data/bad-policy/all-at-once.yaml:22:30: error[not-available]: "
                              "'days_in_village' is not known in a team_year rule"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "9 errors, 0 warnings")) << r.out;
}

TEST(cli_check, needs_a_policy) { EXPECT_EQ(run("check").exit_code, 2); }

TEST(cli_huge_pages, restarts_only_where_huge_pages_come_on_request_and_nobody_said_otherwise) {
  using rulebook::cli::huge_page_setting;
  using rulebook::cli::restart_for_huge_pages;
  // As on the machine the figures come from: Debian 12's glibc, THP on request.
  const auto here = [] {
    return huge_page_setting{.transparent_hugepage = "always [madvise] never", .glibc_version = "2.36", .program = "rulebook"};
  };
  EXPECT_TRUE(restart_for_huge_pages(here()));
  huge_page_setting s = here();
  s.opt_out = "1";
  s.preload = "libfoo.so";
  EXPECT_TRUE(restart_for_huge_pages(s));
  // Every program has them already, or none may.
  for (const std::string_view thp : {"[always] madvise never", "always madvise [never]", ""}) {
    s = here();
    s.transparent_hugepage = thp;  // "": no such file, not Linux or no THP
    EXPECT_FALSE(restart_for_huge_pages(s)) << thp;
  }
  // The user's own tunables (and the restarted program's, with RULEBOOK_HUGE_PAGES=0, which stop a loop).
  for (const char* tunables : {"", "glibc.malloc.hugetlb=1"}) {
    s = here();
    s.glibc_tunables = tunables;
    EXPECT_FALSE(restart_for_huge_pages(s)) << tunables;
  }
  s = here();
  s.opt_out = "0";
  EXPECT_FALSE(restart_for_huge_pages(s));
  // Under valgrind the restarted program would run outside the tool.
  s = here();
  s.preload = "/usr/libexec/valgrind/vgpreload_core-amd64-linux.so:/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so";
  EXPECT_FALSE(restart_for_huge_pages(s));
  // glibc before 2.35 has no such tunable; a version it cannot read is taken as one.
  for (const std::string_view version : {"2.34", "2.9", "1.99", "", "x.y", "2"}) {
    s = here();
    s.glibc_version = version;
    EXPECT_FALSE(restart_for_huge_pages(s)) << version;
  }
  for (const std::string_view version : {"2.35", "2.40", "3.0"}) {
    s = here();
    s.glibc_version = version;
    EXPECT_TRUE(restart_for_huge_pages(s)) << version;
  }
  // Started through the dynamic loader, /proc/self/exe is the loader; set-user-id, the tunable is dropped.
  s = here();
  s.program = "ld-linux-x86-64.so.2";
  EXPECT_FALSE(restart_for_huge_pages(s));
  s = here();
  s.secure = true;
  EXPECT_FALSE(restart_for_huge_pages(s));
}

TEST(cli_huge_pages, a_summary_is_the_same_with_and_without) {
  // Here, with the kernel's `[madvise]`, the first starts itself again.
  const auto with = run("summary examples/qiyang/csv --period 2019");
  const auto without = run_shell(std::string("cd '") + RULEBOOK_SOURCE_DIR + "' && RULEBOOK_HUGE_PAGES=0 " + RULEBOOK_CLI +
                                 " summary examples/qiyang/csv --period 2019 2>&1");
  ASSERT_EQ(with.exit_code, 0) << with.out;
  EXPECT_EQ(with.out, without.out);
}
