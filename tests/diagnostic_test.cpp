#include "rulebook/diagnostic.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "detail/text.hpp"

namespace rb = rulebook;

TEST(diagnostic, prints_position_code_message_source_caret_and_hint) {
  const rb::diagnostic d{rb::severity::error, "unknown-key", {"county.yaml", 12, 5, ""},
                         "unknown key 'distance_kn' in a team", "did you mean 'distance_km'?",
                         "    distance_kn: 86.5"};
  EXPECT_EQ(rb::format(d),
            "county.yaml:12:5: error[unknown-key]: unknown key 'distance_kn' in a team\n"
            " 12 |     distance_kn: 86.5\n"
            "    |     ^\n"
            "  = hint: did you mean 'distance_km'?\n");
}

TEST(diagnostic, caret_sits_under_a_column_after_chinese_text) {
  // Each of 日晖塘村 is one code point but two terminal columns: the '#' is
  // column 15 (9 + 4 + 1 code points before it) and sits 9 + 8 + 1 = 18
  // terminal columns in.
  const rb::diagnostic d{rb::severity::warning, "x", {"f.yaml", 3, 15, ""}, "m", "", "village: 日晖塘村 #"};
  EXPECT_EQ(rb::format(d), "f.yaml:3:15: warning[x]: m\n"
                           " 3 | village: 日晖塘村 #\n"
                           "   | " + std::string(18, ' ') + "^\n");
}

TEST(diagnostic, csv_position_names_the_column_and_keeps_the_caret) {
  const rb::diagnostic d{rb::severity::error, "bad-value", {"months.csv", 14, 14, "days_in_village"},
                         "expected a count (a non-negative integer), found '-2'", "", "M001,2019-03,-2,4"};
  EXPECT_EQ(rb::format(d),
            "months.csv:14:days_in_village: error[bad-value]: expected a count (a non-negative integer), found '-2'\n"
            " 14 | M001,2019-03,-2,4\n"
            "    |              ^\n");
}

TEST(diagnostic, without_a_position_prints_only_the_message) {
  const rb::diagnostic d{rb::severity::error, "io-error", {}, "cannot read 'x'", "", ""};
  EXPECT_EQ(rb::format(d), "error[io-error]: cannot read 'x'\n");
}

TEST(diagnostic, list_ends_with_a_count_of_errors_and_warnings) {
  const std::vector<rb::diagnostic> ds{{rb::severity::error, "a", {"f", 1, 1, ""}, "one", "", ""},
                                       {rb::severity::warning, "b", {"f", 2, 1, ""}, "two", "", ""},
                                       {rb::severity::error, "c", {"f", 3, 1, ""}, "three", "", ""}};
  const std::string text = rb::format(ds);
  EXPECT_NE(text.find("f:1:1: error[a]: one\n"), std::string::npos);
  EXPECT_TRUE(text.ends_with("2 errors, 1 warning\n")) << text;
  EXPECT_TRUE(rb::has_errors(ds));
  EXPECT_FALSE(rb::has_errors(std::span(ds).subspan(1, 1)));
}

TEST(diagnostic, input_error_carries_every_diagnostic) {
  std::vector<rb::diagnostic> ds{{rb::severity::error, "a", {"f", 1, 1, ""}, "one", "", ""},
                                 {rb::severity::error, "b", {"f", 2, 1, ""}, "two", "", ""}};
  const rb::data_error e(ds);
  EXPECT_EQ(e.diagnostics().size(), 2u);
  EXPECT_NE(std::string(e.what()).find("f:2:1: error[b]: two"), std::string::npos);
  const rb::input_error& base = e;  // one base type to catch for data and rule files
  EXPECT_EQ(base.diagnostics()[1].code, "b");
}

TEST(did_you_mean, suggests_a_near_key_and_nothing_for_a_far_one) {
  const std::array<std::string_view, 4> keys{"distance_km", "village", "town", "lead_unit"};
  EXPECT_EQ(rb::closest_match("distance_kn", keys), "distance_km");
  EXPECT_EQ(rb::closest_match("vilage", keys), "village");
  EXPECT_EQ(rb::closest_match("lead_units", keys), "lead_unit");
  EXPECT_EQ(rb::closest_match("budget", keys), "");
  EXPECT_EQ(rb::closest_match("x", std::span<const std::string_view>{}), "");
}

TEST(text, measures_chinese_as_two_columns_each) {
  EXPECT_EQ(rb::detail::display_width("T01"), 3);
  EXPECT_EQ(rb::detail::display_width("日晖塘村"), 8);
  EXPECT_EQ(rb::detail::display_width("县财政局 U01"), 12);
  EXPECT_EQ(rb::detail::pad("村", 4), "村  ");
  EXPECT_EQ(rb::detail::pad("12", 4, true), "  12");
  // A malformed byte counts as one column, never reads past the end.
  EXPECT_EQ(rb::detail::display_width("\xE6\x97"), 2);
}
