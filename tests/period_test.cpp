// Tests for rulebook/period.hpp. Every expected value was worked out by hand
// from the calendar, not computed by the code under test.
#include "rulebook/period.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using rulebook::date;
using rulebook::date_range;
using rulebook::month_share;
using rulebook::period;
using rulebook::period_kind;
using rulebook::year_month;

date d(int y, int m, int day) {
  return date(static_cast<unsigned short>(y), static_cast<unsigned short>(m),
              static_cast<unsigned short>(day));
}

// Parses `text` as a period, expecting failure, and returns the message.
std::string period_error(std::string_view text) {
  std::string error;
  EXPECT_FALSE(rulebook::parse_period(text, &error).has_value()) << text;
  return error;
}

std::string date_error(std::string_view text) {
  std::string error;
  EXPECT_FALSE(rulebook::parse_date(text, &error).has_value()) << text;
  return error;
}

std::string month_error(std::string_view text) {
  std::string error;
  EXPECT_FALSE(rulebook::parse_month(text, &error).has_value()) << text;
  return error;
}

// ---- the calendar ---------------------------------------------------------------

TEST(period, february_has_28_days_except_in_leap_years) {
  EXPECT_EQ(rulebook::days_in_month(2019, 2), 28);
  EXPECT_EQ(rulebook::days_in_month(2020, 2), 29);
  EXPECT_EQ(rulebook::days_in_month(1900, 2), 28);  // a century, not divisible by 400
  EXPECT_EQ(rulebook::days_in_month(2000, 2), 29);  // divisible by 400
  EXPECT_EQ(rulebook::days_in_month(2100, 2), 28);
}

TEST(period, thirty_days_hath_september_april_june_and_november) {
  const int expected[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int m = 1; m <= 12; ++m) EXPECT_EQ(rulebook::days_in_month(2019, m), expected[m - 1]) << m;
}

TEST(period, a_month_outside_1_to_12_has_no_days) {
  EXPECT_EQ(rulebook::days_in_month(2019, 0), 0);
  EXPECT_EQ(rulebook::days_in_month(2019, 13), 0);
}

TEST(period, dates_print_as_iso_extended_text) {
  EXPECT_EQ(rulebook::to_string(d(2019, 7, 1)), "2019-07-01");
  EXPECT_EQ(rulebook::to_string(d(1900, 1, 1)), "1900-01-01");
  EXPECT_EQ(rulebook::to_string(d(9999, 12, 31)), "9999-12-31");
  EXPECT_EQ(rulebook::to_string(date()), "not-a-date-time");
}

// ---- months ---------------------------------------------------------------------

TEST(period, a_month_knows_its_first_and_last_day) {
  const year_month feb2020{2020, 2};
  EXPECT_EQ(feb2020.first_day(), d(2020, 2, 1));
  EXPECT_EQ(feb2020.last_day(), d(2020, 2, 29));
  EXPECT_EQ(feb2020.days(), 29);
  EXPECT_EQ((year_month{2019, 2}.last_day()), d(2019, 2, 28));
  EXPECT_EQ((year_month{2019, 7}.days()), 31);
}

TEST(period, months_step_across_the_turn_of_the_year) {
  EXPECT_EQ((year_month{2019, 12}.next()), (year_month{2020, 1}));
  EXPECT_EQ((year_month{2020, 1}.prev()), (year_month{2019, 12}));
  EXPECT_EQ((year_month{2019, 7}.next()), (year_month{2019, 8}));
  EXPECT_EQ((year_month{2019, 7}.prev()), (year_month{2019, 6}));
}

TEST(period, months_order_by_year_then_month) {
  EXPECT_LT((year_month{2019, 12}), (year_month{2020, 1}));
  EXPECT_LT((year_month{2019, 1}), (year_month{2019, 2}));
  EXPECT_GT((year_month{2020, 1}), (year_month{2019, 12}));
}

TEST(period, a_month_prints_as_year_dash_month) {
  EXPECT_EQ((year_month{2019, 7}.to_string()), "2019-07");
  EXPECT_EQ((year_month{2019, 12}.to_string()), "2019-12");
}

TEST(period, a_date_falls_in_its_month) {
  EXPECT_EQ(year_month::of(d(2019, 7, 16)), (year_month{2019, 7}));
  EXPECT_EQ(year_month::of(d(2020, 2, 29)), (year_month{2020, 2}));
}

// ---- ranges and overlaps --------------------------------------------------------

TEST(period, a_range_counts_both_ends) {
  EXPECT_EQ((date_range{d(2019, 7, 1), d(2019, 7, 1)}.days()), 1);
  EXPECT_EQ((date_range{d(2019, 7, 1), d(2019, 7, 31)}.days()), 31);
  EXPECT_EQ((date_range{d(2019, 12, 31), d(2020, 1, 1)}.days()), 2);
}

TEST(period, a_range_contains_its_ends_and_nothing_beyond) {
  const date_range july{d(2019, 7, 1), d(2019, 7, 31)};
  EXPECT_TRUE(july.contains(d(2019, 7, 1)));
  EXPECT_TRUE(july.contains(d(2019, 7, 31)));
  EXPECT_TRUE(july.contains(d(2019, 7, 16)));
  EXPECT_FALSE(july.contains(d(2019, 6, 30)));
  EXPECT_FALSE(july.contains(d(2019, 8, 1)));
}

TEST(period, a_range_from_a_day_runs_to_the_end_of_time) {
  const date_range still_serving = date_range::from(d(2019, 7, 16));
  EXPECT_EQ(still_serving.first, d(2019, 7, 16));
  EXPECT_EQ(still_serving.last, d(9999, 12, 31));
  EXPECT_TRUE(still_serving.open_ended());
  EXPECT_FALSE((date_range{d(2019, 7, 16), d(2019, 12, 31)}.open_ended()));
  EXPECT_TRUE(still_serving.contains(d(2050, 1, 1)));
}

TEST(period, disjoint_ranges_do_not_overlap) {
  const date_range january{d(2019, 1, 1), d(2019, 1, 31)};
  const date_range february{d(2019, 2, 1), d(2019, 2, 28)};
  EXPECT_EQ(rulebook::overlap(january, february), std::nullopt);
  EXPECT_EQ(rulebook::overlap(february, january), std::nullopt);
  EXPECT_EQ(rulebook::days_overlapping(january, february), 0);
}

TEST(period, ranges_touching_on_one_day_overlap_by_that_day) {
  const date_range january{d(2019, 1, 1), d(2019, 1, 31)};
  const date_range from_jan_31{d(2019, 1, 31), d(2019, 2, 10)};
  EXPECT_EQ(rulebook::overlap(january, from_jan_31), (date_range{d(2019, 1, 31), d(2019, 1, 31)}));
  EXPECT_EQ(rulebook::days_overlapping(january, from_jan_31), 1);
}

TEST(period, a_nested_range_overlaps_by_all_its_days) {
  const date_range year{d(2019, 1, 1), d(2019, 12, 31)};
  const date_range inner{d(2019, 3, 10), d(2019, 3, 20)};
  EXPECT_EQ(rulebook::overlap(year, inner), inner);
  EXPECT_EQ(rulebook::overlap(inner, year), inner);
  EXPECT_EQ(rulebook::days_overlapping(year, inner), 11);  // 10th..20th
}

TEST(period, partly_overlapping_ranges_share_the_middle) {
  const date_range a{d(2019, 1, 15), d(2019, 3, 15)};
  const date_range b{d(2019, 3, 1), d(2019, 4, 30)};
  EXPECT_EQ(rulebook::overlap(a, b), (date_range{d(2019, 3, 1), d(2019, 3, 15)}));
  EXPECT_EQ(rulebook::days_overlapping(a, b), 15);
}

TEST(period, an_open_ended_service_overlaps_the_rest_of_the_year) {
  // 16 days of July, then 31 + 30 + 31 + 30 + 31 for August to December.
  const date_range service = date_range::from(d(2019, 7, 16));
  const date_range y2019 = period::of_year(2019).range;
  EXPECT_EQ(rulebook::overlap(service, y2019), (date_range{d(2019, 7, 16), d(2019, 12, 31)}));
  EXPECT_EQ(rulebook::days_overlapping(service, y2019), 169);
}

// ---- days served in a month ----------------------------------------------------

TEST(period, member_joining_on_the_16th_serves_16_of_31_days) {
  const date_range service = date_range::from(d(2019, 7, 16));
  EXPECT_EQ(rulebook::days_served(service, {2019, 7}), 16);
  EXPECT_EQ(rulebook::served_share(service, {2019, 7}), (month_share{16, 31}));
}

TEST(period, member_joining_serves_nothing_before_and_all_after) {
  const date_range service = date_range::from(d(2019, 7, 16));
  EXPECT_EQ(rulebook::served_share(service, {2019, 6}), (month_share{0, 30}));
  EXPECT_EQ(rulebook::served_share(service, {2019, 8}), (month_share{31, 31}));
}

TEST(period, member_leaving_on_the_10th_serves_10_of_31_days) {
  const date_range service{d(2019, 3, 1), d(2019, 7, 10)};
  EXPECT_EQ(rulebook::served_share(service, {2019, 7}), (month_share{10, 31}));
  EXPECT_EQ(rulebook::served_share(service, {2019, 2}), (month_share{0, 28}));
}

TEST(period, member_joining_mid_february_of_a_leap_year_serves_15_of_29_days) {
  const date_range service = date_range::from(d(2020, 2, 15));  // 15th..29th
  EXPECT_EQ(rulebook::served_share(service, {2020, 2}), (month_share{15, 29}));
}

TEST(period, service_in_the_first_half_overlaps_the_second_half_not_at_all) {
  const date_range service{d(2019, 1, 1), d(2019, 6, 30)};
  const period h2 = period::of_half_year(2019, 2);
  EXPECT_EQ(rulebook::overlap(service, h2.range), std::nullopt);
  EXPECT_EQ(rulebook::days_overlapping(service, h2.range), 0);
  // 31 + 28 + 31 + 30 + 31 + 30
  EXPECT_EQ(rulebook::days_overlapping(service, period::of_half_year(2019, 1).range), 181);
}

// ---- periods --------------------------------------------------------------------

TEST(period, third_quarter_is_july_august_september_and_92_days) {
  const period q3 = period::of_quarter(2019, 3);
  EXPECT_EQ(q3.kind, period_kind::quarter);
  EXPECT_EQ(q3.first(), d(2019, 7, 1));
  EXPECT_EQ(q3.last(), d(2019, 9, 30));
  EXPECT_EQ(q3.months(), (std::vector<year_month>{{2019, 7}, {2019, 8}, {2019, 9}}));
  EXPECT_EQ(q3.days(), 92);  // 31 + 31 + 30
}

TEST(period, quarters_cover_the_year_in_threes) {
  EXPECT_EQ(period::of_quarter(2019, 1).range, (date_range{d(2019, 1, 1), d(2019, 3, 31)}));
  EXPECT_EQ(period::of_quarter(2019, 2).range, (date_range{d(2019, 4, 1), d(2019, 6, 30)}));
  EXPECT_EQ(period::of_quarter(2019, 4).range, (date_range{d(2019, 10, 1), d(2019, 12, 31)}));
  EXPECT_EQ(period::of_quarter(2019, 1).days(), 90);  // 31 + 28 + 31
  EXPECT_EQ(period::of_quarter(2020, 1).days(), 91);  // 31 + 29 + 31
}

TEST(period, half_years_split_at_the_end_of_june) {
  EXPECT_EQ(period::of_half_year(2019, 1).range, (date_range{d(2019, 1, 1), d(2019, 6, 30)}));
  EXPECT_EQ(period::of_half_year(2019, 2).range, (date_range{d(2019, 7, 1), d(2019, 12, 31)}));
  EXPECT_EQ(period::of_half_year(2020, 1).days(), 182);  // 181 + the leap day
  EXPECT_EQ(period::of_half_year(2019, 2).days(), 184);  // 31+31+30+31+30+31
}

TEST(period, year_2019_has_365_days_and_2020_has_366) {
  EXPECT_EQ(period::of_year(2019).days(), 365);
  EXPECT_EQ(period::of_year(2020).days(), 366);
  EXPECT_EQ(period::of_year(1900).days(), 365);
  EXPECT_EQ(period::of_year(2000).days(), 366);
}

TEST(period, a_month_period_spans_the_calendar_month) {
  const period july = period::of_month(2019, 7);
  EXPECT_EQ(july.kind, period_kind::month);
  EXPECT_EQ(july.range, (date_range{d(2019, 7, 1), d(2019, 7, 31)}));
  EXPECT_EQ(july.months(), (std::vector<year_month>{{2019, 7}}));
  EXPECT_EQ(period::of_month(year_month{2019, 7}), july);
}

TEST(period, a_day_period_is_one_day_in_one_month) {
  const period day = period::of_day(d(2019, 7, 16));
  EXPECT_EQ(day.days(), 1);
  EXPECT_TRUE(day.contains(d(2019, 7, 16)));
  EXPECT_FALSE(day.contains(d(2019, 7, 17)));
  EXPECT_EQ(day.months(), (std::vector<year_month>{{2019, 7}}));
}

TEST(period, a_range_touches_partial_months_at_both_ends) {
  const period p = period::of_range(d(2019, 11, 20), d(2020, 2, 3));
  EXPECT_EQ(p.months(),
            (std::vector<year_month>{{2019, 11}, {2019, 12}, {2020, 1}, {2020, 2}}));
  EXPECT_EQ(p.quarters(),
            (std::vector<period>{period::of_quarter(2019, 4), period::of_quarter(2020, 1)}));
  EXPECT_EQ(p.years(), (std::vector<int>{2019, 2020}));
  EXPECT_EQ(p.days(), 76);  // 11 in November, 31, 31, 3
}

TEST(period, a_year_touches_four_quarters_and_twelve_months) {
  const period y = period::of_year(2019);
  EXPECT_EQ(y.quarters().size(), 4U);
  EXPECT_EQ(y.quarters().front(), period::of_quarter(2019, 1));
  EXPECT_EQ(y.quarters().back(), period::of_quarter(2019, 4));
  EXPECT_EQ(y.months().size(), 12U);
  EXPECT_EQ(y.years(), (std::vector<int>{2019}));
}

TEST(period, a_range_over_exactly_a_month_is_not_the_month) {
  const period range = period::of_range(d(2019, 7, 1), d(2019, 7, 31));
  EXPECT_EQ(range.range, period::of_month(2019, 7).range);
  EXPECT_NE(range, period::of_month(2019, 7));
  EXPECT_EQ(range.label(), "2019-07-01..2019-07-31");
}

TEST(period, factories_reject_impossible_values_instead_of_wrapping_them) {
  // Boost keeps years in 16 bits; 70000 must not quietly become the year 4464.
  EXPECT_THROW((void)period::of_year(70000), std::out_of_range);
  EXPECT_THROW((void)period::of_year(-1), std::out_of_range);
  EXPECT_THROW((void)period::of_month(2019, 13), std::out_of_range);
  EXPECT_THROW((void)period::of_quarter(2019, 5), std::out_of_range);
  EXPECT_THROW((void)period::of_half_year(2019, 0), std::out_of_range);
  EXPECT_THROW((void)(year_month{2019, 0}.first_day()), std::out_of_range);
}

TEST(period, labels_are_canonical) {
  EXPECT_EQ(period::of_day(d(2019, 7, 1)).label(), "2019-07-01");
  EXPECT_EQ(period::of_month(2019, 7).label(), "2019-07");
  EXPECT_EQ(period::of_quarter(2019, 3).label(), "2019-Q3");
  EXPECT_EQ(period::of_half_year(2019, 2).label(), "2019-H2");
  EXPECT_EQ(period::of_year(2019).label(), "2019");
  EXPECT_EQ(period::of_range(d(2019, 1, 1), d(2019, 6, 30)).label(), "2019-01-01..2019-06-30");
}

TEST(period, every_label_round_trips_through_parse_period) {
  const std::vector<period> periods = {
      period::of_day(d(2019, 7, 1)),
      period::of_day(d(2020, 2, 29)),
      period::of_month(2019, 7),
      period::of_month(1900, 1),
      period::of_quarter(2019, 1),
      period::of_quarter(2019, 3),
      period::of_quarter(9999, 4),
      period::of_half_year(2019, 1),
      period::of_half_year(2019, 2),
      period::of_year(2019),
      period::of_year(2020),
      period::of_range(d(2019, 1, 1), d(2019, 6, 30)),
      period::of_range(d(2019, 7, 16), d(2019, 7, 16)),
      period::of_range(d(2019, 7, 16), d(9999, 12, 31)),
  };
  for (const period& p : periods) {
    std::string error;
    const auto parsed = rulebook::parse_period(p.label(), &error);
    ASSERT_TRUE(parsed.has_value()) << p.label() << ": " << error;
    EXPECT_EQ(*parsed, p) << p.label();
    EXPECT_EQ(parsed->label(), p.label());
  }
}

TEST(period, parse_period_reads_each_form_into_its_days) {
  EXPECT_EQ(rulebook::parse_period("2019"), period::of_year(2019));
  EXPECT_EQ(rulebook::parse_period("2019-07"), period::of_month(2019, 7));
  EXPECT_EQ(rulebook::parse_period("2019-Q3")->range, (date_range{d(2019, 7, 1), d(2019, 9, 30)}));
  EXPECT_EQ(rulebook::parse_period("2019-H2")->range, (date_range{d(2019, 7, 1), d(2019, 12, 31)}));
  EXPECT_EQ(rulebook::parse_period("2019-07-16"), period::of_day(d(2019, 7, 16)));
  EXPECT_EQ(rulebook::parse_period("2019-07-16..2019-08-15")->days(), 31);  // 16 + 15
}

// ---- parsing dates --------------------------------------------------------------

TEST(period, parse_date_reads_iso_dates) {
  EXPECT_EQ(rulebook::parse_date("2019-07-01"), d(2019, 7, 1));
  EXPECT_EQ(rulebook::parse_date("2020-02-29"), d(2020, 2, 29));
  EXPECT_EQ(rulebook::parse_date("1900-01-01"), d(1900, 1, 1));
  EXPECT_EQ(rulebook::parse_date("9999-12-31"), d(9999, 12, 31));
}

TEST(period, a_date_in_the_wrong_shape_says_what_was_expected) {
  EXPECT_EQ(date_error("19-07-01"), R"("19-07-01": expected a date as YYYY-MM-DD)");
  EXPECT_EQ(date_error("2019-7-1"), R"("2019-7-1": expected a date as YYYY-MM-DD)");
  EXPECT_EQ(date_error("2019/07/01"), R"("2019/07/01": expected a date as YYYY-MM-DD)");
  EXPECT_EQ(date_error("2019-07-01T00"), R"("2019-07-01T00": expected a date as YYYY-MM-DD)");
  EXPECT_EQ(date_error("2019-O7-01"), R"("2019-O7-01": expected a date as YYYY-MM-DD)");
  EXPECT_EQ(date_error(""), R"("": expected a date as YYYY-MM-DD)");
}

TEST(period, a_date_with_spaces_is_rejected_and_the_spaces_named) {
  EXPECT_EQ(date_error(" 2019-07-01"),
            R"(" 2019-07-01": expected a date as YYYY-MM-DD (without spaces))");
  EXPECT_EQ(date_error("2019-07-01 "),
            R"("2019-07-01 ": expected a date as YYYY-MM-DD (without spaces))");
}

TEST(period, february_30th_is_not_a_date) {
  EXPECT_EQ(date_error("2019-02-30"), R"("2019-02-30" is not a date: February 2019 has 28 days)");
  EXPECT_EQ(date_error("2019-02-29"), R"("2019-02-29" is not a date: February 2019 has 28 days)");
  EXPECT_EQ(date_error("2020-02-30"), R"("2020-02-30" is not a date: February 2020 has 29 days)");
  EXPECT_EQ(date_error("1900-02-29"), R"("1900-02-29" is not a date: February 1900 has 28 days)");
}

TEST(period, april_31st_is_not_a_date) {
  EXPECT_EQ(date_error("2019-04-31"), R"("2019-04-31" is not a date: April 2019 has 30 days)");
  EXPECT_EQ(date_error("2019-12-32"), R"("2019-12-32" is not a date: December 2019 has 31 days)");
}

TEST(period, day_zero_is_not_a_date) {
  EXPECT_EQ(date_error("2019-07-00"), R"("2019-07-00" is not a date: days of a month run from 01)");
}

TEST(period, month_13_is_not_a_date) {
  EXPECT_EQ(date_error("2019-13-01"), R"("2019-13-01" is not a date: months run 01 to 12)");
  EXPECT_EQ(date_error("2019-00-01"), R"("2019-00-01" is not a date: months run 01 to 12)");
}

TEST(period, years_before_1900_are_not_dates) {
  EXPECT_EQ(date_error("1899-12-31"), R"("1899-12-31" is not a date: years run 1900 to 9999)");
  EXPECT_EQ(date_error("0000-01-01"), R"("0000-01-01" is not a date: years run 1900 to 9999)");
}

TEST(period, errors_quote_odd_text_safely) {
  EXPECT_EQ(date_error("2019-07-01\n"), R"("2019-07-01\x0a": expected a date as YYYY-MM-DD (without spaces))");
  EXPECT_EQ(date_error("\"2019\""), R"("\"2019\"": expected a date as YYYY-MM-DD)");
  const std::string long_text(100, '9');
  EXPECT_EQ(date_error(long_text),
            "\"" + std::string(40, '9') + "...\": expected a date as YYYY-MM-DD");
}

TEST(period, parsing_without_an_error_string_just_fails) {
  EXPECT_EQ(rulebook::parse_date("2019-02-30"), std::nullopt);
  EXPECT_EQ(rulebook::parse_month("2019-13"), std::nullopt);
  EXPECT_EQ(rulebook::parse_period("2019-Q5"), std::nullopt);
}

// ---- parsing months -------------------------------------------------------------

TEST(period, parse_month_reads_year_and_month) {
  EXPECT_EQ(rulebook::parse_month("2019-07"), (year_month{2019, 7}));
  EXPECT_EQ(rulebook::parse_month("2019-12"), (year_month{2019, 12}));
}

TEST(period, month_13_is_not_a_month) {
  EXPECT_EQ(month_error("2019-13"), R"("2019-13" is not a month: months run 01 to 12)");
  EXPECT_EQ(month_error("2019-00"), R"("2019-00" is not a month: months run 01 to 12)");
}

TEST(period, a_month_in_the_wrong_shape_says_what_was_expected) {
  EXPECT_EQ(month_error("2019-7"), R"("2019-7": expected a month as YYYY-MM)");
  EXPECT_EQ(month_error("2019-07-01"), R"("2019-07-01": expected a month as YYYY-MM)");
  EXPECT_EQ(month_error("2019-07 "), R"("2019-07 ": expected a month as YYYY-MM (without spaces))");
}

TEST(period, months_before_1900_are_not_months) {
  EXPECT_EQ(month_error("1899-12"), R"("1899-12" is not a month: years run 1900 to 9999)");
}

// ---- parsing periods ------------------------------------------------------------

TEST(period, quarter_5_is_not_a_quarter) {
  EXPECT_EQ(period_error("2019-Q5"), R"("2019-Q5" is not a quarter: quarters run Q1 to Q4)");
  EXPECT_EQ(period_error("2019-Q0"), R"("2019-Q0" is not a quarter: quarters run Q1 to Q4)");
  EXPECT_EQ(period_error("2019-QQ"), R"("2019-QQ" is not a quarter: quarters run Q1 to Q4)");
}

TEST(period, half_year_3_is_not_a_half_year) {
  EXPECT_EQ(period_error("2019-H3"), R"("2019-H3" is not a half-year: half-years run H1 to H2)");
  EXPECT_EQ(period_error("2019-H0"), R"("2019-H0" is not a half-year: half-years run H1 to H2)");
}

TEST(period, quarters_and_half_years_need_a_capital_letter) {
  EXPECT_EQ(period_error("2019-q3"), R"("2019-q3": expected a quarter as YYYY-Qn, with a capital Q)");
  EXPECT_EQ(period_error("2019-h2"),
            R"("2019-h2": expected a half-year as YYYY-Hn, with a capital H)");
}

TEST(period, a_quarter_with_a_malformed_year_says_what_was_expected) {
  EXPECT_EQ(period_error("19-0-Q3"), R"("19-0-Q3": expected a quarter as YYYY-Qn)");
  EXPECT_EQ(period_error("2019 H1"), R"("2019 H1": expected a half-year as YYYY-Hn (without spaces))");
}

TEST(period, periods_before_1900_are_rejected_by_their_year) {
  EXPECT_EQ(period_error("1899"), R"("1899" is not a year: years run 1900 to 9999)");
  EXPECT_EQ(period_error("1899-Q4"), R"("1899-Q4" is not a quarter: years run 1900 to 9999)");
  EXPECT_EQ(period_error("1899-H1"), R"("1899-H1" is not a half-year: years run 1900 to 9999)");
  EXPECT_EQ(period_error("1899-12"), R"("1899-12" is not a month: years run 1900 to 9999)");
  EXPECT_EQ(period_error("1899-12-31"), R"("1899-12-31" is not a date: years run 1900 to 9999)");
}

TEST(period, a_period_that_is_a_bad_month_or_day_says_so) {
  EXPECT_EQ(period_error("2019-13"), R"("2019-13" is not a month: months run 01 to 12)");
  EXPECT_EQ(period_error("2019-02-30"), R"("2019-02-30" is not a date: February 2019 has 28 days)");
}

TEST(period, a_range_ending_before_it_starts_is_rejected) {
  EXPECT_EQ(period_error("2019-07-01..2019-06-30"),
            R"("2019-07-01..2019-06-30": the range ends before it starts)");
}

TEST(period, a_range_with_an_impossible_end_names_that_end) {
  EXPECT_EQ(period_error("2019-07-01..2019-13-01"),
            R"("2019-07-01..2019-13-01": its end "2019-13-01" is not a date: months run 01 to 12)");
  EXPECT_EQ(period_error("2019-02-29..2019-03-31"),
            R"("2019-02-29..2019-03-31": its start "2019-02-29" is not a date: February 2019 has 28 days)");
}

TEST(period, a_range_with_a_malformed_end_says_what_was_expected) {
  EXPECT_EQ(period_error("2019-07-01.."),
            R"("2019-07-01..": expected a range as YYYY-MM-DD..YYYY-MM-DD, but its end "" is not a YYYY-MM-DD)");
  EXPECT_EQ(period_error("2019-07..2019-09"),
            R"("2019-07..2019-09": expected a range as YYYY-MM-DD..YYYY-MM-DD, but its start "2019-07" is not a YYYY-MM-DD)");
  EXPECT_EQ(period_error("2019-07-01 .. 2019-07-31"),
            R"("2019-07-01 .. 2019-07-31": expected a range as YYYY-MM-DD..YYYY-MM-DD, but its start "2019-07-01 " is not a YYYY-MM-DD (without spaces))");
  EXPECT_EQ(period_error("2019-07-01..2019-07-31..2019-08-31"),
            R"("2019-07-01..2019-07-31..2019-08-31": expected a range as YYYY-MM-DD..YYYY-MM-DD, but its end "2019-07-31..2019-08-31" is not a YYYY-MM-DD)");
}

TEST(period, text_in_no_known_form_lists_the_forms) {
  const std::string forms =
      ": expected a period as YYYY, YYYY-MM, YYYY-Qn, YYYY-Hn, YYYY-MM-DD or "
      "YYYY-MM-DD..YYYY-MM-DD";
  EXPECT_EQ(period_error("19"), "\"19\"" + forms);
  EXPECT_EQ(period_error(""), "\"\"" + forms);
  EXPECT_EQ(period_error("2019/07"), "\"2019/07\"" + forms);
  EXPECT_EQ(period_error("2019-7-01"), "\"2019-7-01\"" + forms);
  EXPECT_EQ(period_error("July 2019"), "\"July 2019\"" + forms + " (without spaces)");
}

}  // namespace
