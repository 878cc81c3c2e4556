// Tests of rulebook/money.hpp. Every expected value is worked out by hand in the
// comment beside it, never copied from the program's output.
#include "rulebook/money.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>

namespace {

using rulebook::decimal;
using rulebook::money;
using rulebook::money_error;
using rulebook::money_inexact;
using rulebook::money_overflow;
using rulebook::money_parse_error;
using rulebook::rounding;
namespace places = rulebook::places;

constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t int64_min = std::numeric_limits<std::int64_t>::min();

money m(const char* text) { return money::parse(text); }
decimal d(const char* text) { return decimal::parse(text); }

/// Runs `f`, expects it to throw `E`, and returns the message.
template <class E, class F>
std::string message_of(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw another exception: " << e.what();
    return {};
  }
  ADD_FAILURE() << "did not throw";
  return {};
}

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << "in: " << (text)

// ---- the types cannot be misused -----------------------------------------------

template <class A, class B>
concept addable = requires(A a, B b) { a + b; };
template <class A, class B>
concept multipliable = requires(A a, B b) { a * b; };

// `money m = 1.5;` and `money{1.5}` must not compile: floating point is never exact.
static_assert(!std::is_constructible_v<money, double>);
static_assert(!std::is_constructible_v<money, float>);
static_assert(!std::is_constructible_v<money, long double>);
static_assert(!std::is_constructible_v<decimal, double>);
static_assert(!std::is_convertible_v<double, money>);
static_assert(!std::is_convertible_v<int, money>);
// A quantity is not an amount, nor the other way round.
static_assert(!std::is_convertible_v<decimal, money>);
static_assert(!std::is_convertible_v<money, decimal>);
static_assert(!std::is_constructible_v<money, decimal>);
static_assert(!std::is_constructible_v<decimal, money>);
static_assert(!addable<money, decimal>);
static_assert(!addable<decimal, money>);
static_assert(!addable<money, int>);
static_assert(!multipliable<money, money>);
static_assert(!multipliable<money, double>);
static_assert(!multipliable<double, money>);
static_assert(!multipliable<decimal, float>);
static_assert(multipliable<money, int>);
static_assert(multipliable<money, decimal>);
static_assert(multipliable<decimal, money>);
static_assert(multipliable<decimal, decimal>);
// Plain 8-byte values, cheap to copy over 36 million member-months.
static_assert(sizeof(money) == 8 && sizeof(decimal) == 8);
static_assert(std::is_trivially_copyable_v<money> && std::is_trivially_copyable_v<decimal>);
// Exact arithmetic works at compile time.
static_assert(money{}.raw() == 0);
static_assert(money::from_int(2) + money::from_int(3) == money::from_int(5));
static_assert((money::from_raw(15000) * decimal::from_raw(865000)).raw() == 1297500);  // 1.5 × 86.5
static_assert(money::from_raw(5250).round(places::fen, rounding::half_even).raw() == 5200);
static_assert(money::max().raw() == int64_max && money::min().raw() == -int64_max);

// ---- parsing and printing ------------------------------------------------------

TEST(money, parses_the_plain_decimal_forms_of_policy_documents) {
  EXPECT_EQ(m("2878.50").raw(), 28785000);
  EXPECT_EQ(m("200000").raw(), 2000000000);
  EXPECT_EQ(m("-0.0001").raw(), -1);
  EXPECT_EQ(m("007").raw(), 70000);
  EXPECT_EQ(m("+5").raw(), 50000);
  EXPECT_EQ(m("0.5").raw(), 5000);
  EXPECT_EQ(m("-0").raw(), 0);
  EXPECT_EQ(m("0.0000").raw(), 0);
  EXPECT_EQ(m("000000000000000000000001.5").raw(), 15000);  // leading zeros do not count
  EXPECT_EQ(d("86.5").raw(), 865000);
}

TEST(money, prints_only_the_digits_a_value_needs) {
  EXPECT_EQ(m("129.75").to_string(), "129.75");
  EXPECT_EQ(m("100").to_string(), "100");
  EXPECT_EQ(m("100.00").to_string(), "100");
  EXPECT_EQ(m("0.5").to_string(), "0.5");
  EXPECT_EQ(m("-0.0001").to_string(), "-0.0001");
  EXPECT_EQ(m("0").to_string(), "0");
  EXPECT_EQ(m("-0").to_string(), "0");
  EXPECT_EQ(m("2878.50").to_string(), "2878.5");
  EXPECT_EQ(m("-12.3400").to_string(), "-12.34");
  EXPECT_EQ(money::from_raw(10).to_string(), "0.001");
  EXPECT_EQ(d("86.5").to_string(), "86.5");
}

TEST(money, round_trips_through_its_text) {
  for (const char* text : {"2878.5", "200000", "-0.0001", "0", "129.75", "0.5", "-12.34", "1038",
                           "922337203685477.5807", "-922337203685477.5807", "0.0101"}) {
    EXPECT_EQ(m(text).to_string(), text);
    EXPECT_EQ(money::parse(m(text).to_string()), m(text));
    EXPECT_EQ(d(text).to_string(), text);
  }
}

TEST(money, prints_a_fixed_number_of_places_for_reports) {
  EXPECT_EQ(m("2878.5").to_string(2), "2878.50");
  EXPECT_EQ(m("100").to_string(2), "100.00");
  EXPECT_EQ(m("0").to_string(2), "0.00");
  EXPECT_EQ(m("-0.5").to_string(2), "-0.50");
  EXPECT_EQ(m("-0.05").to_string(2), "-0.05");
  EXPECT_EQ(m("2878.5").to_string(1), "2878.5");
  EXPECT_EQ(m("100").to_string(0), "100");
  EXPECT_EQ(m("0.5").to_string(4), "0.5000");
  EXPECT_EQ(m("-0.0001").to_string(4), "-0.0001");
}

TEST(money, refuses_to_print_fewer_places_than_the_value_has) {
  EXPECT_CONTAINS(message_of<money_inexact>([] { (void)m("0.525").to_string(2); }),
                  "0.525 has more than 2 decimal places");
  EXPECT_THROW((void)m("0.5").to_string(0), money_inexact);
  EXPECT_THROW((void)m("0.5").to_string(5), money_error);
  EXPECT_THROW((void)m("0.5").to_string(-1), money_error);
}

TEST(money, streams_as_its_minimal_text) {
  std::ostringstream out;
  out << m("129.75") << ' ' << m("-0.0001") << ' ' << d("86.5") << ' ' << money{};
  EXPECT_EQ(out.str(), "129.75 -0.0001 86.5 0");
}

TEST(money, rejects_every_malformed_number_saying_what_was_expected) {
  struct bad_case {
    const char* text;
    const char* says;
  };
  const bad_case cases[] = {
      {"", "\"\": empty; expected a decimal number such as 2878.50"},
      {"-", "\"-\": expected digits after the sign"},
      {"+", "\"+\": expected digits after the sign"},
      {".5", "\".5\": expected a digit before '.', as in 0.5"},
      {"-.5", "\"-.5\": expected a digit before '.'"},
      {".", "\".\": expected a digit before '.'"},
      {"1.", "\"1.\": expected 1 to 4 digits after '.'"},
      {"12.34567", "\"12.34567\": at most 4 decimal places"},
      {"0.00001", "\"0.00001\": at most 4 decimal places"},
      {"1e5", "\"1e5\": expected a decimal number such as 2878.50"},
      {"1e5", "found 'e' at column 2"},
      {"1E-3", "found 'E' at column 2"},
      {"1,000", "found ',' at column 2"},
      {"1 000", "found a space at column 2"},
      {" 1", "found a space at column 1"},
      {"1 ", "found a space at column 2"},
      {"1\t", "found a control character at column 2"},
      {"1.2.3", "found '.' at column 4"},
      {"1..2", "found '.' at column 3"},
      {"--1", "found '-' at column 2"},
      {"+-1", "found '-' at column 2"},
      {"abc", "found 'a' at column 1"},
      {"0x10", "found 'x' at column 2"},
      {"1_000", "found '_' at column 2"},
      {"12.5元", "found a non-ASCII character at column 5"},
      {"\xef\xbc\x91", "found a non-ASCII character at column 1"},  // fullwidth １
      {"nan", "found 'n' at column 1"},
      {"inf", "found 'i' at column 1"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const std::string thrown = message_of<money_parse_error>([&] { (void)money::parse(c.text); });
    EXPECT_CONTAINS(thrown, c.says);
    std::string why;
    EXPECT_EQ(money::try_parse(c.text, &why), std::nullopt);
    EXPECT_EQ(why, thrown);
    EXPECT_EQ(decimal::try_parse(c.text), std::nullopt);
    EXPECT_THROW((void)decimal::parse(c.text), money_parse_error);
  }
}

TEST(money, shortens_a_long_bad_input_in_its_message) {
  const std::string text(100, 'x');
  const std::string why = message_of<money_parse_error>([&] { (void)money::parse(text); });
  EXPECT_CONTAINS(why, "\"" + std::string(40, 'x') + "...\": expected");
  EXPECT_LT(why.size(), 200u);
}

TEST(money, try_parse_returns_the_value_and_leaves_why_alone_on_success) {
  std::string why = "untouched";
  EXPECT_EQ(money::try_parse("2878.50", &why), m("2878.5"));
  EXPECT_EQ(why, "untouched");
  EXPECT_EQ(decimal::try_parse("86.5"), d("86.5"));
  EXPECT_EQ(money::try_parse("1e5"), std::nullopt);  // no `why`: still fine
}

// ---- the limits ------------------------------------------------------------------

TEST(money, largest_and_smallest_amounts_parse_and_print) {
  // INT64_MAX = 9223372036854775807 ten-thousandths.
  EXPECT_EQ(m("922337203685477.5807"), money::max());
  EXPECT_EQ(m("-922337203685477.5807"), money::min());
  EXPECT_EQ(money::max().to_string(), "922337203685477.5807");
  EXPECT_EQ(money::min().to_string(), "-922337203685477.5807");
  EXPECT_EQ(money::max().to_string(4), "922337203685477.5807");
  EXPECT_EQ(-money::min(), money::max());
  EXPECT_EQ(m("922337203685477"), money::from_int(922337203685477));
  EXPECT_EQ(decimal::max().to_string(), "922337203685477.5807");
}

TEST(money, parse_of_a_too_large_number_raises_overflow_naming_the_limit) {
  EXPECT_CONTAINS(message_of<money_overflow>([] { (void)m("922337203685477.5808"); }),
                  "\"922337203685477.5808\": out of range; the largest amount is 922337203685477.5807");
  EXPECT_CONTAINS(message_of<money_overflow>([] { (void)m("-922337203685477.5808"); }),
                  "the smallest amount is -922337203685477.5807");
  EXPECT_CONTAINS(message_of<money_overflow>([] { (void)m("922337203685478"); }),
                  "the largest amount is");
  EXPECT_CONTAINS(message_of<money_overflow>([] { (void)m("1000000000000000"); }),
                  "the largest amount is");
  EXPECT_CONTAINS(message_of<money_overflow>([] { (void)d("99999999999999999999999.5"); }),
                  "the largest value is 922337203685477.5807");
  EXPECT_THROW((void)m("9223372036854775807"), money_overflow);  // a raw count is not an amount
  std::string why;
  EXPECT_EQ(money::try_parse("1000000000000000", &why), std::nullopt);
  EXPECT_CONTAINS(why, "out of range");
  // Too many places is reported before the size: it is the first thing to fix.
  EXPECT_THROW((void)m("1000000000000000.12345"), money_parse_error);
}

TEST(money, raw_int64_min_is_never_a_value) {
  EXPECT_THROW((void)money::from_raw(int64_min), money_overflow);
  EXPECT_EQ(money::from_raw(-int64_max), money::min());
}

TEST(money, whole_yuan_beyond_the_range_overflow) {
  EXPECT_EQ(money::yuan(1038).raw(), 10380000);
  EXPECT_EQ(money::from_int(-3), m("-3"));
  EXPECT_THROW((void)money::from_int(922337203685478), money_overflow);
  EXPECT_THROW((void)money::yuan(-922337203685478), money_overflow);
  EXPECT_THROW((void)decimal::from_int(int64_max), money_overflow);
}

// ---- sums --------------------------------------------------------------------------

TEST(money, adds_and_subtracts_exactly) {
  EXPECT_EQ(m("0.1") + m("0.2"), m("0.3"));  // the classic floating-point trap
  EXPECT_EQ(m("2878.5") - m("2878.50"), money{});
  EXPECT_EQ(m("100") - m("100.0001"), m("-0.0001"));
  EXPECT_EQ(-m("129.75"), m("-129.75"));
  money total;
  total += m("1500");
  total += m("2878.5");
  total -= m("0.5");
  EXPECT_EQ(total, m("4378"));
  EXPECT_EQ(d("86.5") + d("0.5") - d("7"), d("80"));
  EXPECT_EQ(money::max() + money::min(), money{});
}

TEST(money, orders_amounts_by_value) {
  EXPECT_LT(m("0.01"), m("0.1"));
  EXPECT_LT(m("-1"), m("0"));
  EXPECT_GT(m("2878.5"), m("2878.4999"));
  EXPECT_EQ(m("1.50"), m("1.5"));
  EXPECT_NE(m("1.5"), m("1.51"));
  EXPECT_TRUE((m("3") <=> m("3")) == 0);
}

TEST(money, sum_beyond_the_range_raises_overflow_and_never_wraps) {
  const money one_step = money::from_raw(1);
  EXPECT_CONTAINS(message_of<money_overflow>([&] { (void)(money::max() + one_step); }),
                  "922337203685477.5807 + 0.0001 is out of range");
  EXPECT_THROW((void)(money::min() - one_step), money_overflow);
  EXPECT_THROW((void)(money::max() - money::min()), money_overflow);
  // -922337203685477.5807 - 0.0001 would be INT64_MIN raw, which is not a value either.
  EXPECT_THROW((void)(money::min() + -one_step), money_overflow);
  money total = money::max();
  EXPECT_THROW(total += one_step, money_overflow);
  EXPECT_EQ(total, money::max());  // unchanged by the failed sum
  EXPECT_THROW((void)(decimal::max() + decimal::from_raw(1)), money_overflow);
}

// ---- products --------------------------------------------------------------------

TEST(money, transport_rate_times_distance_is_exact) {
  // 1.5 yuan/km × 86.5 km = 86.5 + 43.25 = 129.75.
  EXPECT_EQ(m("1.5") * d("86.5"), m("129.75"));
  EXPECT_EQ(d("86.5") * m("1.5"), m("129.75"));
  EXPECT_EQ(d("1.5") * d("86.5"), d("129.75"));
  EXPECT_EQ(m("-1.5") * d("86.5"), m("-129.75"));
  EXPECT_EQ(m("0.01") * d("0.5"), m("0.005"));
}

TEST(money, transport_of_four_round_trips_is_exact) {
  // 4 trips × 2 legs × 86.5 km = 692 km; 692 × 1.5 = 692 + 346 = 1038 yuan.
  const decimal km = d("86.5");
  const money rate = m("1.5");
  EXPECT_EQ(rate * (km * 2 * 4), money::yuan(1038));
  EXPECT_EQ(rate * km * 2 * 4, money::yuan(1038));
  EXPECT_EQ(4 * (2 * (rate * km)), money::yuan(1038));
  EXPECT_EQ((rate * km * 8).to_string(2), "1038.00");
}

TEST(money, product_needing_more_than_four_places_is_inexact) {
  // 1.2345 × 0.0001 = 0.00012345: eight places.
  EXPECT_CONTAINS(message_of<money_inexact>([] { (void)(d("1.2345") * d("0.0001")); }),
                  "1.2345 * 0.0001 needs more than 4 decimal places");
  EXPECT_THROW((void)(m("0.0001") * d("0.5")), money_inexact);  // 0.00005
  EXPECT_THROW((void)(m("2878.5") * d("0.3333")), money_inexact);
}

TEST(money, product_rounds_once_when_a_mode_is_given) {
  // 1.2345 × 0.0001 = 0.00012345 → 0.0001 to nearest, 0.0002 away from zero.
  EXPECT_EQ(d("1.2345").mul(d("0.0001"), rounding::half_up), d("0.0001"));
  EXPECT_EQ(d("1.2345").mul(d("0.0001"), rounding::up), d("0.0002"));
  // 1.2345 × 0.5 = 0.61725: a half at the fifth place.
  EXPECT_EQ(d("1.2345").mul(d("0.5"), rounding::half_up), d("0.6173"));
  EXPECT_EQ(d("1.2345").mul(d("0.5"), rounding::half_even), d("0.6172"));
  // 2878.5 × 0.3333 = 959.40405 → fen: 959.40; 4 places half_up: 959.4041 (…405 → …41).
  EXPECT_EQ(m("2878.5").mul(d("0.3333"), rounding::half_up, places::fen), m("959.40"));
  EXPECT_EQ(m("2878.5").mul(d("0.3333"), rounding::half_up), m("959.4041"));
  EXPECT_EQ(m("2878.5").mul(d("0.3333"), rounding::down), m("959.404"));
  // -0.0001 × 0.5 = -0.00005: floor goes to -0.0001, ceiling to 0.
  EXPECT_EQ(m("-0.0001").mul(d("0.5"), rounding::floor), m("-0.0001"));
  EXPECT_EQ(m("-0.0001").mul(d("0.5"), rounding::ceiling), money{});
}

TEST(money, product_by_a_whole_number_beyond_the_range_overflows) {
  EXPECT_EQ(money::max() * 1, money::max());
  EXPECT_EQ(money::max() * -1, money::min());
  EXPECT_THROW((void)(money::max() * 2), money_overflow);
  EXPECT_THROW((void)(money::yuan(1'000'000'000'000) * 10'000), money_overflow);  // 10^16 yuan
  EXPECT_THROW((void)(money::from_raw(1) * int64_min), money_overflow);
  EXPECT_THROW((void)(3 * decimal::max()), money_overflow);
}

TEST(money, product_of_two_fixed_point_values_beyond_the_range_overflows) {
  EXPECT_CONTAINS(message_of<money_overflow>([] { (void)(money::max() * d("2")); }),
                  "922337203685477.5807 * 2 is out of range");
  EXPECT_THROW((void)(m("1000000000") * d("1000000000")), money_overflow);  // 10^18 yuan
  EXPECT_THROW((void)(d("100000000").mul(d("100000000"), rounding::half_up)), money_overflow);
}

TEST(money, product_whose_intermediate_exceeds_64_bits_is_still_exact) {
  // max × 1: the raw product max × 10000 needs 128 bits, the result does not.
  EXPECT_EQ(money::max() * d("1"), money::max());
  EXPECT_EQ(money::min() * d("-1"), money::max());
  // 10^9 yuan × 10^5 = 10^14 yuan, raw 10^13 × 10^9 = 10^22 before dividing by 10^4.
  EXPECT_EQ(m("1000000000") * d("100000"), money::yuan(100'000'000'000'000));
  // max × 0.5: raw 9223372036854775807 / 2 = 4611686018427387903.5, not exact.
  EXPECT_THROW((void)(money::max() * d("0.5")), money_inexact);
  EXPECT_EQ(money::max().mul(d("0.5"), rounding::down), m("461168601842738.7903"));
  EXPECT_EQ(money::max().mul(d("0.5"), rounding::half_up), m("461168601842738.7904"));
  EXPECT_EQ(money::max().mul(d("0.5"), rounding::half_even), m("461168601842738.7904"));  // 3 odd
}

// ---- mul_div: shares and proration -----------------------------------------------

TEST(money, share_of_a_month_rounds_once_to_fen) {
  // 100 × 16 / 31 = 1600 / 31 = 51 rem 19, 19/31 = 0.6129032… → 51.61 to fen.
  const money hundred = money::yuan(100);
  EXPECT_EQ(hundred.mul_div(16, 31, rounding::half_up, places::fen), m("51.61"));
  EXPECT_EQ(hundred.mul_div(16, 31, rounding::half_up, places::fen).to_string(2), "51.61");
  EXPECT_EQ(hundred.mul_div(16, 31, rounding::ceiling, places::fen), m("51.62"));
  EXPECT_EQ(hundred.mul_div(16, 31, rounding::down, places::jiao), m("51.6"));
  EXPECT_EQ(hundred.mul_div(16, 31, rounding::half_up, places::yuan), m("52"));
  EXPECT_EQ(hundred.mul_div(16, 31, rounding::down, places::yuan), m("51"));
}

TEST(money, share_of_a_month_to_four_places) {
  // 51.6129032… → 51.6129 (the fifth place is 0).
  EXPECT_EQ(money::yuan(100).mul_div(16, 31, rounding::half_up), m("51.6129"));
  EXPECT_EQ(money::yuan(100).mul_div(16, 31, rounding::up), m("51.613"));
}

TEST(money, mul_div_rounds_a_negative_share_by_its_sign) {
  // 100 × 16 / -31 = -51.6129…
  EXPECT_EQ(money::yuan(100).mul_div(16, -31, rounding::half_up, places::fen), m("-51.61"));
  EXPECT_EQ(money::yuan(100).mul_div(16, -31, rounding::floor, places::fen), m("-51.62"));
  EXPECT_EQ(money::yuan(100).mul_div(16, -31, rounding::ceiling, places::fen), m("-51.61"));
  EXPECT_EQ(money::yuan(-100).mul_div(-16, -31, rounding::up, places::fen), m("-51.62"));
}

TEST(money, mul_div_breaks_exact_halves_by_the_mode) {
  // 1 / 8 = 0.125 and 3 / 8 = 0.375.
  EXPECT_EQ(money::yuan(1).mul_div(1, 8, rounding::half_up, places::fen), m("0.13"));
  EXPECT_EQ(money::yuan(1).mul_div(1, 8, rounding::half_even, places::fen), m("0.12"));
  EXPECT_EQ(money::yuan(3).mul_div(1, 8, rounding::half_even, places::fen), m("0.38"));
  EXPECT_EQ(money::yuan(-1).mul_div(1, 8, rounding::half_up, places::fen), m("-0.13"));
}

TEST(money, division_with_the_mode_fixed_when_compiling_rounds_as_each_mode_says) {
  using rulebook::detail::div_round_as;
  // Worked by hand, one row per mode, in the enum's order: 7/2 = 3.5, -7/2 = -3.5, 5/2 = 2.5, 7/3 = 2.33…, -8/3 = -2.67…, 6/3 = 2.
  struct row {
    rounding mode;
    std::int64_t want[6];
  };
  const row rows[] = {{rounding::half_up, {4, -4, 3, 2, -3, 2}},   {rounding::half_even, {4, -4, 2, 2, -3, 2}},
                      {rounding::down, {3, -3, 2, 2, -2, 2}},      {rounding::up, {4, -4, 3, 3, -3, 2}},
                      {rounding::floor, {3, -4, 2, 2, -3, 2}},     {rounding::ceiling, {4, -3, 3, 3, -2, 2}}};
  const std::int64_t n[6] = {7, -7, 5, 7, -8, 6}, d[6] = {2, 2, 2, 3, 3, 3};
  const auto as = [](rounding mode, std::int64_t a, std::int64_t b) {
    return rulebook::detail::with_rounding(mode, [&](auto m) { return div_round_as<decltype(m)::value>(a, b); });
  };
  for (const row& r : rows)
    for (int k = 0; k < 6; ++k) {
      EXPECT_EQ(as(r.mode, n[k], d[k]), r.want[k]) << n[k] << "/" << d[k] << " mode " << static_cast<int>(r.mode);
      // n / −d = −(n / d): the same but for floor and ceiling, which change places.
      const rounding mirrored = r.mode == rounding::floor     ? rounding::ceiling
                                : r.mode == rounding::ceiling ? rounding::floor
                                                              : r.mode;
      EXPECT_EQ(as(r.mode, n[k], -d[k]), -rows[static_cast<int>(mirrored)].want[k]) << n[k] << "/-" << d[k];
    }
  // And as div_round, which takes the mode at run time, over every numerator and divisor near 0.
  for (const row& r : rows)
    for (std::int64_t a = -250; a <= 250; ++a)
      for (std::int64_t b = -12; b <= 12; ++b)
        if (b != 0) {
          ASSERT_EQ(as(r.mode, a, b), rulebook::detail::div_round(a, b, r.mode)) << a << "/" << b;
        }
}

TEST(money, appended_text_has_the_scale_or_every_place_the_amount_holds) {
  using rulebook::detail::append_money_text;
  const auto text = [](std::int64_t raw, int scale) {
    std::string out = "x";  // appended to what is there
    append_money_text(out, raw, scale);
    return out;
  };
  EXPECT_EQ(text(28'785'000, 2), "x2878.50");
  EXPECT_EQ(text(1'250, 2), "x0.125");     // 0.125 keeps its third place
  EXPECT_EQ(text(0, 2), "x0.00");
  EXPECT_EQ(text(-1, 0), "x-0.0001");
  EXPECT_EQ(text(10'000, 0), "x1");
  EXPECT_EQ(text(-155'000, 1), "x-15.5");
  EXPECT_EQ(text(-155'000, 4), "x-15.5000");
  EXPECT_EQ(text(std::numeric_limits<std::int64_t>::max(), 2), "x922337203685477.5807");
  EXPECT_EQ(text(std::numeric_limits<std::int64_t>::min() + 1, 2), "x-922337203685477.5807");
  EXPECT_THROW(text(1, 5), rulebook::money_error);
  EXPECT_THROW(text(1, -1), rulebook::money_error);
  // The places a raw value needs, and money's own text, agree with it.
  EXPECT_EQ(rulebook::detail::places_needed(0), 0);
  EXPECT_EQ(rulebook::detail::places_needed(-10'000), 0);
  EXPECT_EQ(rulebook::detail::places_needed(5'000), 1);
  EXPECT_EQ(rulebook::detail::places_needed(-300), 2);
  EXPECT_EQ(rulebook::detail::places_needed(1'010), 3);
  EXPECT_EQ(rulebook::detail::places_needed(7), 4);
  EXPECT_EQ(money::from_raw(1'010).to_string(), "0.101");
  EXPECT_EQ(money::from_raw(-7).to_string(2 + 2), "-0.0007");
}

TEST(money, bounded_division_rounds_as_div_round_in_every_mode) {
  using rulebook::detail::div_round_bounded;
  const auto bounded = [](rounding mode, std::int64_t a, std::int64_t b) {
    return rulebook::detail::with_rounding(mode, [&](auto m) { return div_round_bounded<decltype(m)::value>(a, b); });
  };
  const rounding modes[] = {rounding::half_up, rounding::half_even, rounding::down,
                            rounding::up,      rounding::floor,     rounding::ceiling};
  // Worked by hand: 250 / 100 = 2.5, 350 / 100 = 3.5, -250 / 100, 249 / 100, 7 / 3 = 2.33…, -8 / 3 = -2.67….
  struct row {
    rounding mode;
    std::int64_t want[6];
  };
  const row rows[] = {{rounding::half_up, {3, 4, -3, 2, 2, -3}}, {rounding::half_even, {2, 4, -2, 2, 2, -3}},
                      {rounding::down, {2, 3, -2, 2, 2, -2}},    {rounding::up, {3, 4, -3, 3, 3, -3}},
                      {rounding::floor, {2, 3, -3, 2, 2, -3}},   {rounding::ceiling, {3, 4, -2, 3, 3, -2}}};
  const std::int64_t n[6] = {250, 350, -250, 249, 7, -8}, d[6] = {100, 100, 100, 100, 3, 3};
  for (const row& r : rows)
    for (int k = 0; k < 6; ++k) EXPECT_EQ(bounded(r.mode, n[k], d[k]), r.want[k]) << n[k] << "/" << d[k];
  // Every numerator near 0 over small divisors, odd and even, and the finishing loop's units.
  for (const rounding mode : modes) {
    for (std::int64_t b : {1, 2, 3, 4, 5, 7, 10, 28, 29, 30, 31, 100, 1000, 10000, 310000})
      for (std::int64_t a = -3 * b - 7; a <= 3 * b + 7; ++a) {
        ASSERT_EQ(bounded(mode, a, b), rulebook::detail::div_round(a, b, mode)) << a << "/" << b;
      }
  }
  // And at the edge of its range, |n| + d just under 2^63, and at random within it.
  std::mt19937_64 random(20191231);
  for (const rounding mode : modes) {
    for (const std::int64_t b : {std::int64_t{100}, std::int64_t{310000}}) {
      const std::int64_t edge = std::numeric_limits<std::int64_t>::max() - b;
      for (const std::int64_t a : {edge, -edge, edge - 1, -edge + 1, edge - b / 2, -edge + b / 2}) {
        ASSERT_EQ(bounded(mode, a, b), rulebook::detail::div_round(a, b, mode)) << a << "/" << b;
      }
    }
    for (int i = 0; i < 20000; ++i) {
      const std::int64_t b = static_cast<std::int64_t>(random() % 310000) + 1;
      const std::int64_t a = static_cast<std::int64_t>(random() >> 2) * (i % 2 == 0 ? 1 : -1);
      ASSERT_EQ(bounded(mode, a, b), rulebook::detail::div_round(a, b, mode)) << a << "/" << b;
    }
  }
}

TEST(money, mul_div_by_decimals_uses_their_exact_values) {
  // 100 × 86.5 / 31 = 8650 / 31 = 279 rem 1 → 279.0322… → 279.03.
  EXPECT_EQ(money::yuan(100).mul_div(d("86.5"), d("31"), rounding::half_up, places::fen), m("279.03"));
  // 2878.5 × 0.5 / 0.25 = 5757.
  EXPECT_EQ(m("2878.5").mul_div(d("0.5"), d("0.25"), rounding::down), m("5757"));
  // 86.5 km / 3 = 28.8333… → 28.83.
  EXPECT_EQ(d("86.5").mul_div(1, 3, rounding::half_up, places::fen), d("28.83"));
  EXPECT_EQ(d("86.5").mul_div(d("1"), d("3"), rounding::up, places::fen), d("28.84"));
}

TEST(money, mul_div_with_intermediates_beyond_64_bits_is_exact) {
  // max × 3 / 3 and max × INT64_MAX / INT64_MAX need 128 bits on the way.
  EXPECT_EQ(money::max().mul_div(3, 3, rounding::half_up), money::max());
  EXPECT_EQ(money::max().mul_div(int64_max, int64_max, rounding::down), money::max());
  EXPECT_EQ(money::min().mul_div(-1, 1, rounding::down), money::max());
  // 1 yuan / INT64_MIN is a tiny negative: 0 toward zero, -0.0001 toward -infinity.
  EXPECT_EQ(money::yuan(1).mul_div(1, int64_min, rounding::down), money{});
  EXPECT_EQ(money::yuan(1).mul_div(1, int64_min, rounding::floor), m("-0.0001"));
  // 10^9 yuan × 10^9 / 10^9 = 10^9 yuan; the product is 10^13 × 10^9 = 10^22 raw.
  EXPECT_EQ(m("1000000000").mul_div(1'000'000'000, 1'000'000'000, rounding::half_up), m("1000000000"));
}

TEST(money, mul_div_result_beyond_the_range_overflows) {
  EXPECT_CONTAINS(message_of<money_overflow>([] { (void)money::max().mul_div(2, 1, rounding::half_up); }),
                  "922337203685477.5807 * 2 / 1 is out of range");
  EXPECT_THROW((void)money::yuan(100'000'000'000'000).mul_div(100, 1, rounding::down), money_overflow);
  EXPECT_THROW((void)money::max().mul_div(int64_max, 2, rounding::down), money_overflow);
  // max rounded up to whole yuan would be 922337203685478.
  EXPECT_THROW((void)money::max().mul_div(1, 1, rounding::up, places::yuan), money_overflow);
  EXPECT_EQ(money::max().mul_div(1, 1, rounding::down, places::yuan), m("922337203685477"));
}

TEST(money, mul_div_by_zero_is_an_error) {
  EXPECT_CONTAINS(message_of<money_error>([] { (void)money::yuan(100).mul_div(16, 0, rounding::half_up); }),
                  "division by zero");
  EXPECT_THROW((void)money::yuan(100).mul_div(d("1"), decimal{}, rounding::half_up), money_error);
  EXPECT_THROW((void)d("1").mul_div(1, 0, rounding::down), money_error);
}

// ---- rounding ----------------------------------------------------------------------

struct rounding_case {
  const char* value;
  int decimals;
  rounding mode;
  const char* expected;
};

void expect_rounds(std::initializer_list<rounding_case> cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.value) + " to " + std::to_string(c.decimals) + " places, mode " +
                 std::to_string(static_cast<int>(c.mode)));
    EXPECT_EQ(m(c.value).round(c.decimals, c.mode), m(c.expected));
    EXPECT_EQ(d(c.value).round(c.decimals, c.mode), d(c.expected));
  }
}

TEST(money, half_a_fen_rounds_up_or_to_even_as_asked) {
  expect_rounds({
      {"0.525", places::fen, rounding::half_up, "0.53"},
      {"0.525", places::fen, rounding::half_even, "0.52"},  // 2 is even
      {"0.535", places::fen, rounding::half_even, "0.54"},  // 3 is odd
      {"0.545", places::fen, rounding::half_even, "0.54"},
      {"-0.535", places::fen, rounding::half_even, "-0.54"},
  });
}

TEST(money, every_mode_on_a_positive_half_fen) {
  expect_rounds({
      {"0.525", places::fen, rounding::half_up, "0.53"},
      {"0.525", places::fen, rounding::half_even, "0.52"},
      {"0.525", places::fen, rounding::down, "0.52"},
      {"0.525", places::fen, rounding::up, "0.53"},
      {"0.525", places::fen, rounding::floor, "0.52"},
      {"0.525", places::fen, rounding::ceiling, "0.53"},
  });
}

TEST(money, every_mode_on_a_negative_half_fen) {
  expect_rounds({
      {"-0.525", places::fen, rounding::half_up, "-0.53"},  // half away from zero
      {"-0.525", places::fen, rounding::half_even, "-0.52"},
      {"-0.525", places::fen, rounding::down, "-0.52"},  // toward zero
      {"-0.525", places::fen, rounding::up, "-0.53"},    // away from zero
      {"-0.525", places::fen, rounding::floor, "-0.53"},
      {"-0.525", places::fen, rounding::ceiling, "-0.52"},
  });
}

TEST(money, every_mode_on_fen_just_past_and_short_of_a_half) {
  expect_rounds({
      {"0.5251", places::fen, rounding::half_up, "0.53"},
      {"0.5251", places::fen, rounding::half_even, "0.53"},
      {"0.5251", places::fen, rounding::down, "0.52"},
      {"0.5251", places::fen, rounding::up, "0.53"},
      {"0.5251", places::fen, rounding::floor, "0.52"},
      {"0.5251", places::fen, rounding::ceiling, "0.53"},
      {"0.5249", places::fen, rounding::half_up, "0.52"},
      {"0.5249", places::fen, rounding::half_even, "0.52"},
      {"0.5249", places::fen, rounding::down, "0.52"},
      {"0.5249", places::fen, rounding::up, "0.53"},
      {"0.5249", places::fen, rounding::floor, "0.52"},
      {"0.5249", places::fen, rounding::ceiling, "0.53"},
      {"-0.5251", places::fen, rounding::half_up, "-0.53"},
      {"-0.5251", places::fen, rounding::half_even, "-0.53"},
      {"-0.5251", places::fen, rounding::down, "-0.52"},
      {"-0.5251", places::fen, rounding::up, "-0.53"},
      {"-0.5251", places::fen, rounding::floor, "-0.53"},
      {"-0.5251", places::fen, rounding::ceiling, "-0.52"},
      {"-0.5249", places::fen, rounding::half_up, "-0.52"},
      {"-0.5249", places::fen, rounding::half_even, "-0.52"},
      {"-0.5249", places::fen, rounding::down, "-0.52"},
      {"-0.5249", places::fen, rounding::up, "-0.53"},
      {"-0.5249", places::fen, rounding::floor, "-0.53"},
      {"-0.5249", places::fen, rounding::ceiling, "-0.52"},
  });
}

TEST(money, every_mode_to_jiao) {
  expect_rounds({
      {"2.25", places::jiao, rounding::half_up, "2.3"},
      {"2.25", places::jiao, rounding::half_even, "2.2"},
      {"2.35", places::jiao, rounding::half_even, "2.4"},
      {"2.25", places::jiao, rounding::down, "2.2"},
      {"2.25", places::jiao, rounding::up, "2.3"},
      {"2.25", places::jiao, rounding::floor, "2.2"},
      {"2.25", places::jiao, rounding::ceiling, "2.3"},
      {"-2.25", places::jiao, rounding::half_up, "-2.3"},
      {"-2.25", places::jiao, rounding::half_even, "-2.2"},
      {"-2.35", places::jiao, rounding::half_even, "-2.4"},
      {"-2.25", places::jiao, rounding::down, "-2.2"},
      {"-2.25", places::jiao, rounding::up, "-2.3"},
      {"-2.25", places::jiao, rounding::floor, "-2.3"},
      {"-2.25", places::jiao, rounding::ceiling, "-2.2"},
      {"2.26", places::jiao, rounding::half_up, "2.3"},
      {"2.26", places::jiao, rounding::half_even, "2.3"},
      {"2.26", places::jiao, rounding::down, "2.2"},
      {"2.24", places::jiao, rounding::up, "2.3"},
      {"-2.24", places::jiao, rounding::half_up, "-2.2"},
      {"-2.24", places::jiao, rounding::floor, "-2.3"},
  });
}

TEST(money, every_mode_to_whole_yuan) {
  expect_rounds({
      {"2.5", places::yuan, rounding::half_up, "3"},
      {"2.5", places::yuan, rounding::half_even, "2"},
      {"3.5", places::yuan, rounding::half_even, "4"},
      {"2.5", places::yuan, rounding::down, "2"},
      {"2.5", places::yuan, rounding::up, "3"},
      {"2.5", places::yuan, rounding::floor, "2"},
      {"2.5", places::yuan, rounding::ceiling, "3"},
      {"-2.5", places::yuan, rounding::half_up, "-3"},
      {"-2.5", places::yuan, rounding::half_even, "-2"},
      {"-3.5", places::yuan, rounding::half_even, "-4"},
      {"-2.5", places::yuan, rounding::down, "-2"},
      {"-2.5", places::yuan, rounding::up, "-3"},
      {"-2.5", places::yuan, rounding::floor, "-3"},
      {"-2.5", places::yuan, rounding::ceiling, "-2"},
      {"2.4999", places::yuan, rounding::half_up, "2"},
      {"2.4999", places::yuan, rounding::half_even, "2"},
      {"2.4999", places::yuan, rounding::up, "3"},
      {"2.4999", places::yuan, rounding::ceiling, "3"},
      {"-2.5001", places::yuan, rounding::half_up, "-3"},
      {"-2.5001", places::yuan, rounding::half_even, "-3"},
      {"-2.5001", places::yuan, rounding::down, "-2"},
      {"-2.5001", places::yuan, rounding::ceiling, "-2"},
      {"0.4", places::yuan, rounding::up, "1"},
      {"-0.4", places::yuan, rounding::up, "-1"},
      {"-0.4", places::yuan, rounding::ceiling, "0"},
  });
}

TEST(money, values_already_on_the_scale_are_left_alone_by_every_mode) {
  for (rounding mode : {rounding::half_up, rounding::half_even, rounding::down, rounding::up,
                        rounding::floor, rounding::ceiling}) {
    expect_rounds({
        {"0.52", places::fen, mode, "0.52"},
        {"-0.52", places::fen, mode, "-0.52"},
        {"1038", places::yuan, mode, "1038"},
        {"0", places::yuan, mode, "0"},
        {"0.1234", 4, mode, "0.1234"},
        {"-0.0001", 4, mode, "-0.0001"},
    });
  }
}

TEST(money, rounding_to_a_scale_outside_zero_to_four_is_an_error) {
  EXPECT_CONTAINS(message_of<money_error>([] { (void)m("1").round(5, rounding::half_up); }),
                  "decimal places must be 0 to 4, not 5");
  EXPECT_THROW((void)m("1").round(-1, rounding::half_up), money_error);
  EXPECT_THROW((void)m("1").mul_div(1, 3, rounding::half_up, 7), money_error);
}

TEST(money, rounding_past_the_largest_amount_overflows) {
  // 922337203685477.5807 up to whole yuan would be 922337203685478.
  EXPECT_THROW((void)money::max().round(places::yuan, rounding::half_up), money_overflow);
  EXPECT_THROW((void)money::min().round(places::fen, rounding::floor), money_overflow);
  EXPECT_EQ(money::max().round(places::yuan, rounding::down), m("922337203685477"));
  EXPECT_EQ(money::max().round(places::fen, rounding::half_up), m("922337203685477.58"));
}

// ---- conversions -------------------------------------------------------------------

TEST(money, a_quantity_becomes_an_amount_only_when_asked) {
  EXPECT_EQ(money::from_decimal(d("12.5")), m("12.5"));
  EXPECT_EQ(money::from_decimal(decimal::min()), money::min());
}

}  // namespace
