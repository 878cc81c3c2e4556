// The rulebook command as a user runs it: arguments in, text and an exit code
// out. Figures come from examples/qiyang/README.md, worked out by hand there.
#include <gtest/gtest.h>

#include "cli/direct_file.hpp"
#include "cli/huge_pages.hpp"
#include "run_cli.hpp"

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <ostream>
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

// ---- the results' large files, written past the page cache (cli/direct_file.hpp) ----

namespace {

/// Text of `n` bytes that differs from block to block and within one.
std::string pattern(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + seed + i / 4093) % 26);
  return s;
}

}  // namespace

TEST(cli_direct_file, writes_every_byte_in_order_whatever_the_sizes_and_the_mode) {
  using rulebook::cli::direct_filebuf;
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "rulebook_direct_file_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  constexpr std::size_t block = direct_filebuf::block;
  for (const auto mode : {direct_filebuf::mode::direct, direct_filebuf::mode::buffered}) {
    for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{4095}, block, block + 1,
                                   2 * block + 4096, 5 * block / 2 + 17}) {
      const std::filesystem::path p = dir / ("out_" + std::to_string(size) + ".csv");
      std::filesystem::remove(p);
      const std::string want = pattern(size, static_cast<unsigned>(size));
      direct_filebuf buf;
      ASSERT_TRUE(buf.open(p, mode)) << size;
      if (mode == direct_filebuf::mode::buffered) {
        EXPECT_FALSE(buf.direct());
      }
      std::ostream out(&buf);
      // Pieces of odd sizes, a character now and then (overflow's path), and one piece larger than a block.
      std::size_t at = 0;
      for (std::size_t piece = 1; at < want.size(); piece = piece * 3 + 1) {
        if (piece % 2 == 0) {
          out.put(want[at++]);
          continue;
        }
        const std::size_t n = std::min(piece % (block + 9), want.size() - at);
        out.write(want.data() + at, static_cast<std::streamsize>(n));
        at += n;
      }
      EXPECT_TRUE(out.good()) << size;
      EXPECT_TRUE(buf.close()) << size;
      EXPECT_TRUE(buf.close()) << "closing twice";
      const std::string got = rulebook_test::read_file(p);
      ASSERT_EQ(got.size(), want.size()) << size;
      EXPECT_TRUE(got == want) << size;  // not printed: megabytes
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(cli_direct_file, writes_to_tmpfs_whether_or_not_it_takes_direct_writes) {
  // Kernels before 6.6 refuse O_DIRECT on tmpfs when opening (and the file is
  // written through the page cache); later ones take it.
  using rulebook::cli::direct_filebuf;
  const std::filesystem::path shm = "/dev/shm";
  if (!std::filesystem::is_directory(shm)) {
    GTEST_SKIP() << "no /dev/shm here";
  }
  const std::filesystem::path p = shm / "rulebook_direct_file_test.csv";
  const std::string want = pattern(direct_filebuf::block * 2 + 333, 5);
  {
    direct_filebuf buf;
    ASSERT_TRUE(buf.open(p));
    std::ostream out(&buf);
    out << want;
    EXPECT_TRUE(buf.close());
  }
  EXPECT_TRUE(rulebook_test::read_file(p) == want);
  std::filesystem::remove(p);
}

TEST(cli_direct_file, says_when_it_cannot_open_or_write) {
  using rulebook::cli::direct_filebuf;
  direct_filebuf nowhere;
  EXPECT_FALSE(nowhere.open("/nonexistent-folder/entitlements.csv"));
  EXPECT_TRUE(nowhere.close());  // never opened: nothing to fail
  if (!std::filesystem::exists("/dev/full")) {
    GTEST_SKIP() << "no /dev/full here";
  }
  direct_filebuf full;  // every write fails: no space left
  ASSERT_TRUE(full.open("/dev/full", direct_filebuf::mode::buffered));
  std::ostream out(&full);
  const std::string text = pattern(direct_filebuf::block, 1);
  for (int i = 0; i < 4 && out; ++i) out << text;  // the writer's failure is seen at a later block
  EXPECT_FALSE(out.good());
  EXPECT_FALSE(full.close());
}

TEST(cli_direct_file, a_written_eval_is_the_same_through_the_page_cache) {
  // 800 teams of 5: entitlements.csv of some 12 MB, two blocks and a partial one.
  const std::string dir = (std::filesystem::temp_directory_path() / "rulebook_direct_eval").string();
  const std::string eval = " eval rules/qiyang-2019.yaml " + dir + "/county --period 2019 --format csv --out ";
  const auto r = run_shell("cd '" RULEBOOK_SOURCE_DIR "' && rm -rf " + dir + " && " RULEBOOK_CLI
                           " gen --teams 800 --members-per-team 5 --seed 3 --out " + dir + "/county && " RULEBOOK_CLI +
                           eval + dir + "/direct && RULEBOOK_DIRECT_IO=0 " RULEBOOK_CLI + eval + dir + "/buffered 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string direct = rulebook_test::read_file(dir + "/direct/entitlements.csv");
  EXPECT_GT(direct.size(), 2 * rulebook::cli::direct_filebuf::block);
  EXPECT_TRUE(direct == rulebook_test::read_file(dir + "/buffered/entitlements.csv"));
  EXPECT_TRUE(rulebook_test::read_file(dir + "/direct/rollups.csv") ==
              rulebook_test::read_file(dir + "/buffered/rollups.csv"));
  std::filesystem::remove_all(dir);
}
