// The message catalogue, the language the environment asks for, the
// translation of explanations, SHA-256, and the CLI's report options and
// progress line (pieces of the HTML report, docs/reports.md).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <set>
#include <string>

#include "cli/progress.hpp"
#include "no_threads.hpp"
#include "cli/report_options.hpp"
#include "detail/sha256.hpp"
#include "report.hpp"
#include "report_messages.hpp"

namespace {

using rulebook::report::language;
using rulebook::report::msg;

std::set<std::string> placeholders(std::string_view s) {
  std::set<std::string> out;
  static const std::regex re(R"(\{[0-9]+\})");
  const std::string text(s);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.insert(it->str());
  return out;
}

}  // namespace

TEST(catalogue, every_message_is_written_in_both_languages_with_the_same_placeholders) {
  ASSERT_GT(rulebook::report::catalogue().size(), 100u);
  std::set<std::string_view> ids;
  for (const auto& e : rulebook::report::catalogue()) {
    EXPECT_TRUE(ids.insert(e.id).second) << e.id;
    EXPECT_FALSE(e.zh.empty()) << e.id;
    EXPECT_FALSE(e.en.empty()) << e.id;
    EXPECT_EQ(placeholders(e.zh), placeholders(e.en)) << e.id << ": " << e.zh << " / " << e.en;
  }
}

TEST(catalogue, headings_differ_between_the_languages) {
  EXPECT_EQ(rulebook::report::text(language::zh, msg::county_totals), "全县合计（按项目）");
  EXPECT_EQ(rulebook::report::text(language::en, msg::county_totals), "County totals by item");
}

TEST(catalogue, format_puts_arguments_where_each_language_wants_them) {
  // The English text takes {3} (paid) before {2} (owed); the Chinese, owed first.
  EXPECT_EQ(rulebook::report::say(language::en, msg::finding_short_paid,
                                     {"M014 living allowance", "2019-01", "2500.00", "2000.00", "500.00"}),
            "M014 living allowance for 2019-01: paid 2000.00 of 2500.00 owed, 500.00 short");
  EXPECT_EQ(rulebook::report::say(language::zh, msg::finding_short_paid,
                                     {"M014 生活补贴", "2019-01", "2500.00", "2000.00", "500.00"}),
            "M014 生活补贴（2019-01）：应发 2500.00 元，实发 2000.00 元，少发 500.00 元");
}

TEST(catalogue, a_placeholder_without_an_argument_is_left_as_written) {
  EXPECT_EQ(rulebook::report::say(language::en, msg::generated_at, {}), "Generated at {0}");
  // An argument holding a placeholder is not expanded again.
  EXPECT_EQ(rulebook::report::say(language::en, msg::unit_heading, {"{1}", "U01"}), "{1} (U01)");
}

TEST(language, comes_from_lang_flag_values_only) {
  EXPECT_EQ(rulebook::report::parse_language("zh"), language::zh);
  EXPECT_EQ(rulebook::report::parse_language("en"), language::en);
  EXPECT_FALSE(rulebook::report::parse_language("EN"));
  EXPECT_FALSE(rulebook::report::parse_language("fr"));
  EXPECT_FALSE(rulebook::report::parse_language(""));
}

TEST(language, follows_the_first_locale_variable_set_as_posix_orders_them) {
  using rulebook::report::language_from_environment;
  EXPECT_EQ(language_from_environment(nullptr, nullptr, nullptr), language::zh);
  EXPECT_EQ(language_from_environment(nullptr, nullptr, "en_US.UTF-8"), language::en);
  EXPECT_EQ(language_from_environment(nullptr, nullptr, "zh_CN.UTF-8"), language::zh);
  EXPECT_EQ(language_from_environment(nullptr, nullptr, "en"), language::en);
  EXPECT_EQ(language_from_environment(nullptr, nullptr, "en_GB@euro"), language::en);
  // LC_ALL overrides LC_MESSAGES, which overrides LANG; an empty one is unset.
  EXPECT_EQ(language_from_environment("zh_TW.UTF-8", "en_US.UTF-8", "en_US.UTF-8"), language::zh);
  EXPECT_EQ(language_from_environment("", "en_US.UTF-8", "zh_CN.UTF-8"), language::en);
  // A locale of another language, or C, falls back to Chinese.
  EXPECT_EQ(language_from_environment(nullptr, nullptr, "C.UTF-8"), language::zh);
  EXPECT_EQ(language_from_environment(nullptr, nullptr, "fr_FR.UTF-8"), language::zh);
  EXPECT_EQ(language_from_environment("C", nullptr, "en_US.UTF-8"), language::zh);
}

TEST(explanations, chinese_translates_the_fixed_phrases_and_keeps_names_and_arithmetic) {
  const std::string english =
      "living for member M014, 2019-01-01..2019-01-31: 2500.00\n"
      "rule living — living allowance (生活补贴), rules/qiyang-2019.yaml:148\n"
      "source: 每个队员每天100元生活补贴\n"
      "responsible unit: U06\n"
      "  piece 2019-01-01..2019-01-31: 31 day(s) served\n"
      "    parameter living_per_day = 100 yuan/day, in force since 2019-01-01; source: 每天100元\n"
      "    amount: living_per_day * days_in_village\n"
      "      living_per_day * days_in_village = 100 * 25\n"
      "rounding: 2500 → 2500.00 (half_up to 2 decimal place(s), at each item)\n"
      "paid: 2000.00\n";
  EXPECT_EQ(rulebook::report::translate_explanation(language::zh, english),
            "living：队员 M014, 2019-01-01..2019-01-31: 2500.00\n"
            "规则 living — living allowance (生活补贴), rules/qiyang-2019.yaml:148\n"
            "依据：每个队员每天100元生活补贴\n"
            "负责单位：U06\n"
            "  时段 2019-01-01..2019-01-31: 31 天在岗\n"
            "    参数 living_per_day = 100 yuan/day，自 2019-01-01；依据：每天100元\n"
            "    金额：living_per_day * days_in_village\n"
            "      living_per_day * days_in_village = 100 * 25\n"
            "舍入：2500 → 2500.00 (half_up to 2 位小数，逐项舍入）\n"
            "实发：2000.00\n");
  EXPECT_EQ(rulebook::report::translate_explanation(language::en, english), english);
}

TEST(explanations, a_label_is_translated_only_where_it_opens_a_line) {
  // "team " inside a title is not the "team T01" line's label.
  EXPECT_EQ(rulebook::report::translate_explanation(language::zh, "rule work_funds — team work funds\nteam T01\n"),
            "规则 work_funds — team work funds\n工作队 T01\n");
  EXPECT_EQ(rulebook::report::translate_explanation(language::zh, ""), "");
  EXPECT_EQ(rulebook::report::translate_explanation(language::zh, "paid: not recorded"), "实发：未记录");
}

// FIPS 180-2, appendix B: the three examples.
TEST(sha256, gives_the_digests_of_the_standard_examples) {
  using rulebook::detail::sha256_hex;
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  rulebook::detail::sha256 h;
  const std::string thousand(1000, 'a');
  for (int i = 0; i < 1000; ++i) h.update(thousand);  // one million 'a', fed in pieces
  EXPECT_EQ(h.hex_digest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(sha256, pads_messages_at_the_block_boundaries_alike_whole_or_in_pieces) {
  // 55, 56 and 64 bytes: the length fits in the last block, just does not, and a whole block.
  for (const std::size_t n : {55u, 56u, 63u, 64u, 65u, 119u, 120u}) {
    const std::string text(n, 'x');
    rulebook::detail::sha256 pieces;
    for (const char c : text) pieces.update(std::string_view(&c, 1));
    EXPECT_EQ(pieces.hex_digest(), rulebook::detail::sha256_hex(text)) << n;
  }
  // 448 bits ("abcdbcde…nopq" is 56 bytes) is the standard's own two-block case, above.
}

TEST(policy_hash, covers_each_file_of_the_chain_with_its_length) {
  rulebook::policy p;
  p.files = {RULEBOOK_SOURCE_DIR "/rules/qiyang-draft.yaml",
             RULEBOOK_SOURCE_DIR "/rules/qiyang-2019.yaml"};
  const auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  const std::string a = read(p.files[0]), b = read(p.files[1]);
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  const std::string expected =
      rulebook::detail::sha256_hex(std::to_string(a.size()) + "\n" + a + std::to_string(b.size()) + "\n" + b);
  EXPECT_EQ(rulebook::report::policy_content_hash(p), expected);
  // Another order is another content.
  std::swap(p.files[0], p.files[1]);
  EXPECT_NE(rulebook::report::policy_content_hash(p), expected);
  p.files.push_back("no/such/file.yaml");
  EXPECT_THROW((void)rulebook::report::policy_content_hash(p), std::runtime_error);
}

TEST(generated_at, seconds_since_the_epoch_read_as_utc) {
  using rulebook::cli::utc_timestamp;
  EXPECT_EQ(utc_timestamp(0), "1970-01-01T00:00:00Z");
  // 2020-01-07: 50 years of 365 days and 12 leap days, then 6 days: 18268 days × 86400.
  EXPECT_EQ(utc_timestamp(1578355200), "2020-01-07T00:00:00Z");
  EXPECT_EQ(utc_timestamp(1578355200 + 9 * 3600 + 30 * 60 + 5), "2020-01-07T09:30:05Z");
  EXPECT_EQ(utc_timestamp(951782400), "2000-02-29T00:00:00Z");  // 11016 days: the leap day of 2000
}

TEST(generated_at, takes_three_forms_of_time_and_refuses_others) {
  std::string why;
  EXPECT_EQ(rulebook::cli::check_timestamp("2020-01-07T09:30:00Z", why), "2020-01-07T09:30:00Z");
  EXPECT_EQ(rulebook::cli::check_timestamp("2020-01-07T17:30:00+08:00", why), "2020-01-07T17:30:00+08:00");
  EXPECT_EQ(rulebook::cli::check_timestamp("2020-01-07", why), "2020-01-07");
  for (const char* bad : {"2020-02-30", "2020-01-07T24:00:00Z", "2020-01-07T09:30Z", "2020-01-07 09:30:00Z",
                          "2020-01-07T09:30:00", "2020-01-07T09:30:00+8", "yesterday", ""}) {
    EXPECT_FALSE(rulebook::cli::check_timestamp(bad, why)) << bad;
    EXPECT_NE(why.find("2020-01-07T09:30:00Z"), std::string::npos) << why;  // says what is expected
  }
}

TEST(report_options, reads_lang_generated_at_and_quiet_and_says_what_is_wrong) {
  const std::string_view args[] = {"--lang", "en", "--generated-at", "2020-01-07", "--quiet", "--period"};
  rulebook::cli::report_options o;
  std::string why;
  std::size_t i = 0;
  EXPECT_TRUE(rulebook::cli::parse_report_option(args, i, o, why));
  EXPECT_EQ(i, 1u);
  EXPECT_EQ(o.lang, language::en);
  ++i;
  EXPECT_TRUE(rulebook::cli::parse_report_option(args, i, o, why));
  EXPECT_EQ(o.generated_at, "2020-01-07");
  ++i;
  EXPECT_TRUE(rulebook::cli::parse_report_option(args, i, o, why));
  EXPECT_TRUE(o.quiet);
  ++i;
  EXPECT_FALSE(rulebook::cli::parse_report_option(args, i, o, why));  // --period is not one of them
  EXPECT_TRUE(why.empty());

  const std::string_view bad[] = {"--lang", "fr"};
  i = 0;
  EXPECT_TRUE(rulebook::cli::parse_report_option(bad, i, o, why));
  EXPECT_EQ(why, "--lang: 'fr' is not a language; use zh or en");
  const std::string_view missing[] = {"--generated-at"};
  i = 0;
  why.clear();
  EXPECT_TRUE(rulebook::cli::parse_report_option(missing, i, o, why));
  EXPECT_EQ(why, "option --generated-at needs a value");
}

TEST(progress_line, shows_the_bar_the_rate_and_the_time_left) {
  using namespace std::chrono_literals;
  // 250 of 1000 in 5 s: 25 %, 50 a second, 750 more at that rate take 15 s.
  EXPECT_EQ(rulebook::cli::progress::line("explaining", 250, 1000, 5000ms, 0),
            "explaining [#######.......................] 25% 250/1000, 50/s, 0:15 left");
  // All done: a full bar, nothing left.
  EXPECT_EQ(rulebook::cli::progress::line("explaining", 1000, 1000, 2000ms, 0),
            "explaining [##############################] 100% 1000/1000, 500/s, 0:00 left");
  // Nothing done yet: no rate to tell.
  EXPECT_EQ(rulebook::cli::progress::line("explaining", 0, 1000, 0ms, 0),
            "explaining [..............................] 0% 0/1000");
  // 1 of 3600 in 1 s: an hour less a second to go; 1 of 7200 in 1 s, two hours less a second.
  EXPECT_TRUE(rulebook::cli::progress::line("x", 1, 3600, 1000ms, 0).ends_with(" 0% 1/3600, 1/s, 59:59 left"));
  EXPECT_TRUE(rulebook::cli::progress::line("x", 1, 7200, 1000ms, 0).ends_with(" 0% 1/7200, 1/s, 1:59:59 left"));
}

TEST(progress_line, without_a_count_spins_and_tells_the_time_spent) {
  using namespace std::chrono_literals;
  EXPECT_EQ(rulebook::cli::progress::line("evaluating", 0, 0, 65000ms, 0), "evaluating | 1:05");
  EXPECT_EQ(rulebook::cli::progress::line("evaluating", 0, 0, 65000ms, 1), "evaluating / 1:05");
  EXPECT_EQ(rulebook::cli::progress::line("evaluating", 0, 0, 3723000ms, 3), "evaluating \\ 1:02:03");
}

TEST(progress, draws_nothing_when_disabled) {
  std::ostringstream err;
  {
    rulebook::cli::progress bar(err, false);
    bar.start("evaluating", 10);
    bar.update(5);
    bar.finish();
  }
  EXPECT_EQ(err.str(), "");
}

#if defined(RULEBOOK_TEST_NO_THREADS)
/// In a child process that can start no thread: 0 when a progress line still
/// draws each stage as it starts and clears it at the end.
[[noreturn]] void progress_without_threads() {
  rulebook_test::refuse_threads_or_exit();
  try {
    std::ostringstream err;
    {
      rulebook::cli::progress bar(err, true);
      bar.start("loading", 0);
      bar.finish();
      bar.start("evaluating", 4);
      bar.update(2);
      bar.finish();
    }
    const std::string s = err.str();
    std::_Exit(s == "\r\033[Kloading | 0:00\r\033[K\r\033[Kevaluating [..............................] 0% 0/4\r\033[K" ? 0
                                                                                                                      : 12);
  } catch (...) {
    std::_Exit(14);  // the thread the system would not give escaped as a failure
  }
}
#endif

TEST(progress, with_no_thread_to_be_had_draws_each_stage_as_it_starts) {
#if defined(RULEBOOK_TEST_NO_THREADS)
  if (!rulebook_test::threads_can_be_refused()) GTEST_SKIP() << "this system will not refuse a process its threads";
  EXPECT_EXIT(progress_without_threads(), ::testing::ExitedWithCode(0), "");
#else
  GTEST_SKIP() << "needs Linux on x86-64 (a seccomp filter refuses the threads)";
#endif
}

TEST(progress, draws_at_once_when_a_stage_starts_and_clears_its_line_at_the_end) {
  std::ostringstream err;
  {
    rulebook::cli::progress bar(err, true);
    bar.start("evaluating", 0);
    bar.finish();
  }
  const std::string s = err.str();
  EXPECT_TRUE(s.starts_with("\r\033[Kevaluating | 0:00")) << s;
  EXPECT_TRUE(s.ends_with("\r\033[K")) << s;
}
