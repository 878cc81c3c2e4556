// Tests of rulebook/expr.hpp. Every expected value, message and column is worked
// out by hand in the comment beside it, never copied from the program's output.
//
// The scope is Qiyang's 2019 provisions: a member's month (days in the village,
// round trips home, the team's distance) and the policy's parameters (100 yuan a
// day, 1.5 yuan a km, …). Expressions sit in `qiyang-2019.yaml` at line 12,
// column 13, so a problem at byte k of an ASCII expression is at column 13 + k.
#include "rulebook/expr.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// ---- counting allocations, to show that evaluation makes none -----------------------------

namespace {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
}  // namespace

// Not inlined, so that the compiler does not see free() meet a pointer from `new`
// and warn of a mismatch: these replace the global pair, and malloc/free match.
[[gnu::noinline]] void* operator new(std::size_t size) {
  if (counting) ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using rulebook::decimal;
using rulebook::diagnostic;
using rulebook::evaluation_error;
using rulebook::expression;
using rulebook::money;
using rulebook::value;
using rulebook::value_type;

const rulebook::source_location at{"qiyang-2019.yaml", 12, 13, {}};

value number(const char* text) { return value::of(decimal::parse(text)); }
value yuan(const char* text) { return value::of(money::parse(text)); }
value day(const char* iso) { return value::of(*rulebook::parse_date(iso)); }

/// One member-month under Qiyang's 2019 provisions: the names rules may use, and
/// their values for the month (July 2019, a member 38.6 km from home).
struct qiyang {
  rulebook::scope names;
  std::vector<value> slots;

  qiyang() {
    declare("days_in_village", value_type::number, number("22"));
    declare("round_trips", value_type::number, number("5"));
    declare("days_in_month", value_type::number, number("31"));
    declare("days_served", value_type::number, number("31"));
    declare("distance_km", value_type::number, number("38.6"));
    declare("role", value_type::text, value::of_text("member"));
    declare("period_start", value_type::date, day("2019-07-01"));
    declare("period_end", value_type::date, day("2019-07-31"));
    declare("living_per_day", value_type::money, yuan("100"));
    declare("transport_rate", value_type::money, yuan("1.5"));
    declare("communication_per_month", value_type::money, yuan("100"));
    declare("leader_allowance", value_type::money, yuan("200"));
    declare("member_allowance", value_type::money, yuan("100"));
    declare("excellent_share", value_type::number, number("0.2"));
  }

  void declare(std::string name, value_type type, value v) {
    names.declare(std::move(name), type);
    slots.push_back(v);
  }
  void set(std::string_view name, value v) { slots[names.slot_of(name)] = v; }

  /// Compiles `text`, which must be free of problems.
  expression compile(std::string_view text, std::optional<value_type> expected = std::nullopt,
                     const rulebook::limits& bounds = {}) const {
    std::vector<diagnostic> problems;
    auto e = rulebook::compile_expression(text, at, names, expected, problems, bounds);
    if (!e || !problems.empty()) throw std::logic_error("did not compile:\n" + rulebook::format(problems));
    return *e;
  }
  value eval(std::string_view text, std::optional<value_type> expected = std::nullopt) const {
    return compile(text, expected).evaluate(slots);
  }
  /// Compiles `text`, which must fail, and returns the problems.
  std::vector<diagnostic> problems(std::string_view text, std::optional<value_type> expected = std::nullopt,
                                   const rulebook::limits& bounds = {}) const {
    std::vector<diagnostic> out;
    const auto e = rulebook::compile_expression(text, at, names, expected, out, bounds);
    EXPECT_FALSE(e.has_value()) << "compiled: " << text;
    return out;
  }
  /// The one problem of `text`.
  diagnostic problem(std::string_view text, std::optional<value_type> expected = std::nullopt,
                     const rulebook::limits& bounds = {}) const {
    auto all = problems(text, expected, bounds);
    EXPECT_EQ(all.size(), 1u) << rulebook::format(all);
    return all.empty() ? diagnostic{} : all.front();
  }
};

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

#define EXPECT_PROBLEM(d, code_, column_, message_)        \
  do {                                                     \
    const diagnostic& d_ = (d);                            \
    EXPECT_EQ(d_.code, code_);                             \
    EXPECT_EQ(d_.level, rulebook::severity::error);        \
    EXPECT_EQ(d_.where.file, "qiyang-2019.yaml");          \
    EXPECT_EQ(d_.where.line, 12);                          \
    EXPECT_EQ(d_.where.column, column_);                   \
    EXPECT_EQ(d_.message, message_);                       \
  } while (false)

// ---- amounts of the Qiyang provisions ----------------------------------------------------------

TEST(expression, transport_amount_is_exact) {
  qiyang q;
  // 5 round trips, of which 4 are paid: 4 × 2 × 38.6 km × 1.5 yuan/km = 8 × 38.6 × 1.5
  // = 308.8 × 1.5 = 463.2 yuan.
  const auto e = q.compile("min(round_trips, 4) * 2 * distance_km * transport_rate", value_type::money);
  EXPECT_EQ(e.type(), value_type::money);
  EXPECT_EQ(e.evaluate(q.slots).as_money(), money::parse("463.2"));
  // 3 round trips, all paid: 3 × 2 × 38.6 × 1.5 = 6 × 38.6 × 1.5 = 231.6 × 1.5 = 347.4.
  q.set("round_trips", number("3"));
  EXPECT_EQ(e.evaluate(q.slots).as_money(), money::parse("347.4"));
}

TEST(expression, living_allowance_is_rate_times_days) {
  qiyang q;
  // 100 yuan/day × 22 days = 2200 yuan.
  EXPECT_EQ(q.eval("living_per_day * days_in_village", value_type::money).as_money(), money::yuan(2200));
  // number × money is money too: 22 × 100 = 2200.
  EXPECT_EQ(q.eval("days_in_village * living_per_day").as_money(), money::yuan(2200));
}

TEST(expression, leader_gets_the_leader_amount) {
  qiyang q;
  const auto e = q.compile("if role == 'leader' then leader_allowance else member_allowance", value_type::money);
  q.set("role", value::of_text("leader"));
  EXPECT_EQ(e.evaluate(q.slots).as_money(), money::yuan(200));
  q.set("role", value::of_text("member"));
  EXPECT_EQ(e.evaluate(q.slots).as_money(), money::yuan(100));
  q.set("role", value::of_text("first_secretary"));
  EXPECT_EQ(e.evaluate(q.slots).as_money(), money::yuan(100));
  // With literals the branches are numbers, which become money by a yuan parameter.
  q.set("role", value::of_text("leader"));
  EXPECT_EQ(q.eval("(if role == 'leader' then 2 else 1) * member_allowance").as_money(), money::yuan(200));
}

TEST(expression, days_from_joining_to_month_end_count_both_ends) {
  qiyang q;
  // 16 July to 31 July: 31 − 16 = 15, + 1 for the first day = 16 days.
  EXPECT_EQ(q.eval("days_between(date('2019-07-16'), date('2019-07-31')) + 1").as_number(), decimal::from_int(16));
  // The period's ends: 31 − 1 + 1 = 31.
  EXPECT_EQ(q.eval("days_between(period_start, period_end) + 1").as_number(), decimal::from_int(31));
  // Backwards is negative: 16 − 31 = −15.
  EXPECT_EQ(q.eval("days_between(date('2019-07-31'), date('2019-07-16'))").as_number(), decimal::from_int(-15));
}

TEST(expression, division_rounds_half_even_at_four_places) {
  qiyang q;
  // 100 / 31 = 3.225806…: the 5th place is 0, so 3.2258.
  EXPECT_EQ(q.eval("100 / 31").as_number(), decimal::parse("3.2258"));
  // 5 / 20000 = 0.00025 exactly, a tie: half-even keeps the even 0.0002 (half-up would give 0.0003).
  EXPECT_EQ(q.eval("5 / 20000").as_number(), decimal::parse("0.0002"));
  // 3 / 20000 = 0.00015, a tie: the even neighbour is 0.0002.
  EXPECT_EQ(q.eval("3 / 20000").as_number(), decimal::parse("0.0002"));
  // money ÷ number is money: 100 / 3 = 33.33333… → 33.3333.
  EXPECT_EQ(q.eval("living_per_day / 3").as_money(), money::parse("33.3333"));
  // money ÷ money is a number: 100 / 1.5 = 66.66666… → 66.6667.
  EXPECT_EQ(q.eval("living_per_day / transport_rate").as_number(), decimal::parse("66.6667"));
  // Exact quotients stay exact: 1 / 8 = 0.125.
  EXPECT_EQ(q.eval("1 / 8").as_number(), decimal::parse("0.125"));
}

TEST(expression, products_are_exact_or_rounded_half_even_at_four_places) {
  qiyang q;
  // 1.5 × 86.5 = 129.75, exact.
  EXPECT_EQ(q.eval("1.5 * 86.5").as_number(), decimal::parse("129.75"));
  // 1.0001 × 1.0001 = 1.00020001 → 1.0002.
  EXPECT_EQ(q.eval("1.0001 * 1.0001").as_number(), decimal::parse("1.0002"));
  // 0.0001 × 0.5 = 0.00005, a tie: the even neighbour is 0.
  EXPECT_EQ(q.eval("0.0001 * 0.5").as_number(), decimal::from_int(0));
  // money: 1.5 yuan × 0.0001 = 0.00015, a tie → 0.0002 yuan.
  EXPECT_EQ(q.eval("transport_rate * 0.0001").as_money(), money::parse("0.0002"));
  // 1.5 / 0.6 = 2.5 yuan; × 0.0001 = 0.00025, a tie → 0.0002 yuan (half-up would give 0.0003).
  EXPECT_EQ(q.eval("transport_rate / 0.6 * 0.0001").as_money(), money::parse("0.0002"));
}

TEST(expression, prorated_living_rounds_to_fen_half_up) {
  qiyang q;
  // 100 × 16 = 1600; 1600 / 31 = 51.612903… → 51.6129; to fen, half up: 51.61.
  EXPECT_EQ(q.eval("round(100 * 16 / 31, 'half_up', 2)").as_number(), decimal::parse("51.61"));
  // The same in yuan: money in, money out.
  EXPECT_EQ(q.eval("round(living_per_day * 16 / 31, 'half_up', 2)", value_type::money).as_money(),
            money::parse("51.61"));
}

TEST(expression, round_knows_every_mode) {
  qiyang q;
  // 2.345 to 2 places: the dropped part is exactly half a fen.
  EXPECT_EQ(q.eval("round(2.345, 'half_up', 2)").as_number(), decimal::parse("2.35"));
  EXPECT_EQ(q.eval("round(2.345, 'half_even', 2)").as_number(), decimal::parse("2.34"));
  EXPECT_EQ(q.eval("round(2.345, 'down', 2)").as_number(), decimal::parse("2.34"));
  EXPECT_EQ(q.eval("round(2.341, 'up', 2)").as_number(), decimal::parse("2.35"));
  // Negative: floor goes down to −2.35, ceiling up to −2.34.
  EXPECT_EQ(q.eval("round(-2.345, 'floor', 2)").as_number(), decimal::parse("-2.35"));
  EXPECT_EQ(q.eval("round(-2.345, 'ceiling', 2)").as_number(), decimal::parse("-2.34"));
  // To whole yuan: 38.6 → 39; to 4 places nothing changes.
  EXPECT_EQ(q.eval("round(distance_km, 'half_up', 0)").as_number(), decimal::from_int(39));
  EXPECT_EQ(q.eval("round(distance_km, 'half_up', 4)").as_number(), decimal::parse("38.6"));
}

TEST(expression, adds_subtracts_and_negates) {
  qiyang q;
  // −38.6 + 40 = 1.4.
  EXPECT_EQ(q.eval("-distance_km + 40").as_number(), decimal::parse("1.4"));
  // 100 − 1.5 = 98.5 yuan.
  EXPECT_EQ(q.eval("living_per_day - transport_rate").as_money(), money::parse("98.5"));
  // 100 + 100 = 200 yuan.
  EXPECT_EQ(q.eval("living_per_day + communication_per_month").as_money(), money::yuan(200));
  // −(100 yuan) = −100 yuan.
  EXPECT_EQ(q.eval("-living_per_day").as_money(), money::yuan(-100));
  // Left to right: 10 − 2 − 3 = 5; 12 / 2 / 3 = 2.
  EXPECT_EQ(q.eval("10 - 2 - 3").as_number(), decimal::from_int(5));
  EXPECT_EQ(q.eval("12 / 2 / 3").as_number(), decimal::from_int(2));
}

TEST(expression, products_bind_tighter_than_sums) {
  qiyang q;
  EXPECT_EQ(q.eval("1 + 2 * 3").as_number(), decimal::from_int(7));    // 1 + 6
  EXPECT_EQ(q.eval("(1 + 2) * 3").as_number(), decimal::from_int(9));  // 3 × 3
  EXPECT_EQ(q.eval("-2 * 3").as_number(), decimal::from_int(-6));
  EXPECT_EQ(q.eval("2 - -3").as_number(), decimal::from_int(5));
  // 'and' binds tighter than 'or'; 'not' tighter than both.
  EXPECT_TRUE(q.eval("true or true and false").as_bool());  // true or (true and false)
  EXPECT_TRUE(q.eval("not true or true").as_bool());        // (not true) or true
  EXPECT_FALSE(q.eval("not (true or true)").as_bool());
  // The else branch runs to the end: if false then 1 else (2 + 3) = 5.
  EXPECT_EQ(q.eval("if false then 1 else 2 + 3").as_number(), decimal::from_int(5));
  EXPECT_EQ(q.eval("if true then 1 else 2 + 3").as_number(), decimal::from_int(1));
}

TEST(expression, dates_move_by_whole_days) {
  qiyang q;
  // 1 July + 30 days = 31 July; 31 July − 1 day = 30 July.
  EXPECT_EQ(q.eval("period_start + 30").as_date(), rulebook::date(2019, 7, 31));
  EXPECT_EQ(q.eval("period_end - 1").as_date(), rulebook::date(2019, 7, 30));
  // 31 July − 1 July = 30 days.
  EXPECT_EQ(q.eval("period_end - period_start").as_number(), decimal::from_int(30));
  // 28 Feb 2020 + 1 = 29 Feb (a leap year).
  EXPECT_EQ(q.eval("date('2020-02-28') + 1").as_date(), rulebook::date(2020, 2, 29));
  EXPECT_EQ(q.eval("days_in_month(date('2020-02-10'))").as_number(), decimal::from_int(29));
  EXPECT_EQ(q.eval("days_in_month(date('2019-02-10'))").as_number(), decimal::from_int(28));
  EXPECT_EQ(q.eval("days_in_month(period_start)").as_number(), decimal::from_int(31));
  // The name days_in_month is the member-month input, the call the function.
  EXPECT_EQ(q.eval("days_in_month - days_in_month(date('2019-06-01'))").as_number(), decimal::from_int(1));
}

TEST(expression, half_a_day_is_an_evaluation_error) {
  qiyang q;
  const auto e = q.compile("period_start + excellent_share");
  EXPECT_EQ(message_of<evaluation_error>([&] { (void)e.evaluate(q.slots); }),
            "'period_start + excellent_share': 0.2 is not a whole number of days");
  // Past 9999-12-31 there is no date.
  EXPECT_EQ(message_of<evaluation_error>([&] { (void)q.eval("date('9999-12-31') + 1"); }),
            "'date('9999-12-31') + 1': the date falls outside the years 1400 to 9999");
}

TEST(expression, compares_numbers_amounts_dates_and_text) {
  qiyang q;
  // distance 38.6
  EXPECT_TRUE(q.eval("distance_km == 38.6").as_bool());
  EXPECT_FALSE(q.eval("distance_km != 38.6").as_bool());
  EXPECT_TRUE(q.eval("distance_km >= 38.6").as_bool());
  EXPECT_FALSE(q.eval("distance_km > 38.6").as_bool());
  EXPECT_TRUE(q.eval("distance_km <= 38.6").as_bool());
  EXPECT_FALSE(q.eval("distance_km < 38.6").as_bool());
  EXPECT_TRUE(q.eval("distance_km < 38.6001").as_bool());
  // 100 yuan vs 1.5 yuan
  EXPECT_FALSE(q.eval("living_per_day <= transport_rate").as_bool());
  EXPECT_TRUE(q.eval("living_per_day > transport_rate").as_bool());
  EXPECT_TRUE(q.eval("living_per_day == communication_per_month").as_bool());
  // 1 July < 31 July
  EXPECT_TRUE(q.eval("period_start < period_end").as_bool());
  EXPECT_TRUE(q.eval("period_start == date('2019-07-01')").as_bool());
  // role 'member'
  EXPECT_TRUE(q.eval("role != 'leader'").as_bool());
  EXPECT_TRUE(q.eval("role == 'member'").as_bool());
  EXPECT_FALSE(q.eval("role == 'membe'").as_bool());
  EXPECT_TRUE(q.eval("(1 < 2) == true").as_bool());
}

TEST(expression, and_or_not_follow_their_truth_tables) {
  qiyang q;
  EXPECT_TRUE(q.eval("true and true").as_bool());
  EXPECT_FALSE(q.eval("true and false").as_bool());
  EXPECT_FALSE(q.eval("false and true").as_bool());
  EXPECT_TRUE(q.eval("false or true").as_bool());
  EXPECT_FALSE(q.eval("false or false").as_bool());
  EXPECT_FALSE(q.eval("not true").as_bool());
  EXPECT_TRUE(q.eval("not not true").as_bool());
  // With inputs, so nothing is folded: 22 > 0 and 38.6 > 30.
  EXPECT_TRUE(q.eval("days_in_village > 0 and distance_km > 30").as_bool());
  EXPECT_FALSE(q.eval("days_in_village > 0 and distance_km > 40").as_bool());
  EXPECT_TRUE(q.eval("days_in_village > 30 or distance_km > 30").as_bool());
  EXPECT_FALSE(q.eval("days_in_village > 30 or distance_km > 40").as_bool());
  EXPECT_TRUE(q.eval("not (days_in_village > 30)").as_bool());
}

TEST(expression, and_or_skip_what_cannot_change_the_result) {
  qiyang q;
  EXPECT_FALSE(q.eval("false and 1 / 0 > 0").as_bool());
  EXPECT_TRUE(q.eval("true or 1 / 0 > 0").as_bool());
  // With an input on the left, the check happens at run time.
  EXPECT_FALSE(q.eval("days_in_village > 100 and 1 / 0 > 0").as_bool());
  EXPECT_TRUE(q.eval("days_in_village > 0 or 1 / 0 > 0").as_bool());
  // A member who spent no day in the village gets no division by zero.
  q.set("days_in_village", number("0"));
  EXPECT_FALSE(q.eval("days_in_village > 0 and living_per_day / days_in_village > transport_rate").as_bool());
  EXPECT_TRUE(q.eval("days_in_village == 0 or 100 / days_in_village > 1").as_bool());
}

TEST(expression, if_evaluates_only_the_chosen_branch) {
  qiyang q;
  const auto e = q.compile("if days_in_village > 0 then 100 / days_in_village else 0");
  q.set("days_in_village", number("0"));
  EXPECT_EQ(e.evaluate(q.slots).as_number(), decimal::from_int(0));
  q.set("days_in_village", number("8"));
  EXPECT_EQ(e.evaluate(q.slots).as_number(), decimal::parse("12.5"));  // 100 / 8
  // Branches may be text, too (a text literal lives as long as its expression).
  q.set("role", value::of_text("leader"));
  const auto text = q.compile("if role == 'leader' then 'team' else 'self'");
  EXPECT_EQ(text.evaluate(q.slots).as_text(), "team");
}

TEST(expression, min_max_clamp_abs_on_numbers_amounts_and_dates) {
  qiyang q;
  // round trips 5, distance 38.6
  EXPECT_EQ(q.eval("min(round_trips, 4)").as_number(), decimal::from_int(4));
  EXPECT_EQ(q.eval("max(round_trips, 4)").as_number(), decimal::from_int(5));
  EXPECT_EQ(q.eval("min(distance_km, round_trips, 7)").as_number(), decimal::from_int(5));
  EXPECT_EQ(q.eval("max(distance_km, round_trips, 7)").as_number(), decimal::parse("38.6"));
  EXPECT_EQ(q.eval("min(3, 1, 2, 4)").as_number(), decimal::from_int(1));
  EXPECT_EQ(q.eval("min(living_per_day, transport_rate)").as_money(), money::parse("1.5"));
  EXPECT_EQ(q.eval("max(period_start, date('2019-07-16'))").as_date(), rulebook::date(2019, 7, 16));
  EXPECT_EQ(q.eval("min(period_end, date('2019-07-16'), period_start)").as_date(), rulebook::date(2019, 7, 1));
  // clamp(5, 0, 4) = 4; clamp(−1, 0, 4) = 0; clamp(2, 0, 4) = 2.
  EXPECT_EQ(q.eval("clamp(round_trips, 0, 4)").as_number(), decimal::from_int(4));
  q.set("round_trips", number("-1"));
  EXPECT_EQ(q.eval("clamp(round_trips, 0, 4)").as_number(), decimal::from_int(0));
  q.set("round_trips", number("2"));
  EXPECT_EQ(q.eval("clamp(round_trips, 0, 4)").as_number(), decimal::from_int(2));
  // 100 yuan clamped to [1.5, 100]: 100; 1.5 − 100 = −98.5 → abs 98.5.
  EXPECT_EQ(q.eval("clamp(living_per_day, transport_rate, communication_per_month)").as_money(), money::yuan(100));
  EXPECT_EQ(q.eval("abs(transport_rate - living_per_day)").as_money(), money::parse("98.5"));
  EXPECT_EQ(q.eval("abs(-distance_km)").as_number(), decimal::parse("38.6"));
  EXPECT_EQ(q.eval("abs(distance_km)").as_number(), decimal::parse("38.6"));
}

TEST(expression, clamp_with_bounds_the_wrong_way_round_is_an_evaluation_error) {
  qiyang q;
  EXPECT_EQ(message_of<evaluation_error>([&] { (void)q.eval("clamp(distance_km, 10, 5)"); }),
            "'clamp(distance_km, 10, 5)': the lower bound 10 is above the upper bound 5");
}

TEST(expression, reads_a_block_scalar_over_several_lines) {
  qiyang q;
  // 100 × 22 = 2200
  EXPECT_EQ(q.eval("living_per_day\n  * days_in_village\n").as_money(), money::yuan(2200));
}

// ---- evaluation errors ------------------------------------------------------------------------

TEST(expression, division_by_zero_names_the_division) {
  qiyang q;
  q.set("days_in_village", number("0"));
  EXPECT_EQ(message_of<evaluation_error>([&] { (void)q.eval("living_per_day / days_in_village"); }),
            "division by zero in 'living_per_day / days_in_village'");
  // A constant division by zero is not folded away: it fails when (and only if) it runs.
  EXPECT_EQ(message_of<evaluation_error>([&] { (void)q.eval("1 / 0"); }), "division by zero in '1 / 0'");
}

TEST(expression, overflow_raises_money_overflow) {
  qiyang q;
  // 100 × 922337203685477 is far past the largest amount, 922337203685477.5807.
  const auto e = q.compile("living_per_day * 922337203685477");
  EXPECT_THROW((void)e.evaluate(q.slots), rulebook::money_overflow);
  EXPECT_THROW((void)q.eval("922337203685477 + 1"), rulebook::money_overflow);
}

TEST(expression, a_slot_of_the_wrong_type_is_named) {
  qiyang q;
  const auto e = q.compile("distance_km * transport_rate");
  q.set("distance_km", yuan("38.6"));
  // distance_km is the 5th name declared: slot 4.
  EXPECT_EQ(message_of<evaluation_error>([&] { (void)e.evaluate(q.slots); }),
            "slot 4 ('distance_km') holds money, expected number");
  // Too few slots.
  const std::vector<value> four(4);
  EXPECT_EQ(message_of<evaluation_error>([&] { (void)e.evaluate(four); }),
            "slot 4 ('distance_km') is missing: only 4 slots were given");
  // A date slot must hold a date.
  q.set("period_start", value::of(rulebook::date(boost::gregorian::not_a_date_time)));
  EXPECT_EQ(message_of<evaluation_error>([&] { (void)q.eval("period_start + 1"); }),
            "slot 6 ('period_start') holds not-a-date-time, not a date of the years 1400 to 9999");
}

TEST(expression, an_empty_expression_cannot_be_evaluated) {
  const expression e;
  EXPECT_THROW((void)e.evaluate({}), evaluation_error);
}

// ---- type errors ------------------------------------------------------------------------------

TEST(type_error, money_plus_a_date_points_at_the_plus) {
  qiyang q;
  // "living_per_day + period_start": '+' is byte 15 → column 13 + 15 = 28.
  EXPECT_PROBLEM(q.problem("living_per_day + period_start"), "type-mismatch", 28, "cannot add money and date");
}

TEST(type_error, money_plus_a_number_says_how_to_make_an_amount) {
  qiyang q;
  const auto d = q.problem("living_per_day + 1");
  EXPECT_PROBLEM(d, "type-mismatch", 28, "cannot add money and number");
  EXPECT_EQ(d.hint, "an amount must be in yuan — multiply a number by a yuan parameter");
}

TEST(type_error, each_operator_says_what_it_cannot_do) {
  qiyang q;
  // '*' at byte 15 → 28.
  const auto yuan_squared = q.problem("living_per_day * transport_rate");
  EXPECT_PROBLEM(yuan_squared, "type-mismatch", 28, "cannot multiply money by money");
  EXPECT_EQ(yuan_squared.hint, "yuan times yuan is not an amount: multiply an amount by a number");
  // '/' at byte 2 → 15.
  EXPECT_PROBLEM(q.problem("2 / living_per_day"), "type-mismatch", 15, "cannot divide number by money");
  // '-' at byte 13 → 26.
  EXPECT_PROBLEM(q.problem("period_start - living_per_day"), "type-mismatch", 26, "cannot subtract money from date");
  // '+' at byte 13 → 26: date + date has no meaning.
  EXPECT_PROBLEM(q.problem("period_start + period_end"), "type-mismatch", 26, "cannot add date and date");
  // '>' at byte 15 → 28.
  EXPECT_PROBLEM(q.problem("living_per_day > 5"), "type-mismatch", 28, "cannot compare money with number");
  // '<' at byte 5 → 18.
  const auto text_order = q.problem("role < 'leader'");
  EXPECT_PROBLEM(text_order, "type-mismatch", 18, "cannot order text values with '<'");
  EXPECT_EQ(text_order.hint, "text is only compared with == and !=");
  // '-' at byte 0 → 13.
  EXPECT_PROBLEM(q.problem("-period_start"), "type-mismatch", 13, "cannot negate date");
  // 'role == 1': '==' at byte 5 → 18.
  EXPECT_PROBLEM(q.problem("role == 1"), "type-mismatch", 18, "cannot compare text with number");
}

TEST(type_error, logic_needs_bool_operands) {
  qiyang q;
  // "not distance_km": the operand at byte 4 → 17.
  EXPECT_PROBLEM(q.problem("not distance_km"), "type-mismatch", 17, "the operand of 'not' must be bool, found number");
  // "distance_km and true": the left operand at byte 0 → 13.
  EXPECT_PROBLEM(q.problem("distance_km and true"), "type-mismatch", 13,
                 "the operands of 'and' must be bool, found number");
  // "true or role": 'role' at byte 8 → 21.
  EXPECT_PROBLEM(q.problem("true or role"), "type-mismatch", 21, "the operands of 'or' must be bool, found text");
}

TEST(type_error, if_needs_a_bool_condition_and_branches_of_one_type) {
  qiyang q;
  // "if distance_km then 1 else 2": the condition at byte 3 → 16.
  EXPECT_PROBLEM(q.problem("if distance_km then 1 else 2"), "type-mismatch", 16,
                 "the condition of 'if' must be bool, found number");
  // "if role == 'leader' then living_per_day else 100": "if role == 'leader' then " is 25
  // bytes, "living_per_day else " 20 more: '100' at byte 45 → 58.
  EXPECT_PROBLEM(q.problem("if role == 'leader' then living_per_day else 100"), "type-mismatch", 58,
                 "the branches of 'if' must have one type: 'then' gives money, 'else' gives number");
}

TEST(type_error, an_amount_must_be_money) {
  qiyang q;
  // The whole expression, from byte 0 → 13.
  EXPECT_PROBLEM(q.problem("days_in_village * 2", value_type::money), "type-mismatch", 13,
                 "expected money, found number: an amount must be in yuan — multiply a number by a yuan parameter");
  EXPECT_PROBLEM(q.problem("if role == 'leader' then 200 else 100", value_type::money), "type-mismatch", 13,
                 "expected money, found number: an amount must be in yuan — multiply a number by a yuan parameter");
  // A condition must be bool; leading blanks are skipped: byte 2 → 15.
  EXPECT_PROBLEM(q.problem("  distance_km", value_type::boolean), "type-mismatch", 15,
                 "expected bool, found number: a condition is true or false — compare, as in days_in_village > 0");
  EXPECT_PROBLEM(q.problem("living_per_day", value_type::number), "type-mismatch", 13,
                 "expected number, found money");
}

TEST(type_error, functions_check_their_arguments) {
  qiyang q;
  // "min(living_per_day, 5)": '5' at byte 20 → 33.
  EXPECT_PROBLEM(q.problem("min(living_per_day, 5)"), "type-mismatch", 33,
                 "the arguments of min() must have one type: argument 1 is money, argument 2 is number");
  // "max(role, 1)": 'role' at byte 4 → 17.
  EXPECT_PROBLEM(q.problem("max(role, 1)"), "type-mismatch", 17, "max() takes numbers, amounts or dates, found text");
  // "abs(period_start)": byte 4 → 17.
  EXPECT_PROBLEM(q.problem("abs(period_start)"), "type-mismatch", 17,
                 "abs() takes a number or an amount, found date");
  // "days_between(1, period_end)": '1' at byte 13 → 26.
  EXPECT_PROBLEM(q.problem("days_between(1, period_end)"), "type-mismatch", 26,
                 "days_between() takes dates, found number");
  // "days_in_month(days_in_month)": the name at byte 14 → 27.
  EXPECT_PROBLEM(q.problem("days_in_month(days_in_month)"), "type-mismatch", 27,
                 "days_in_month() takes dates, found number");
  // "round(role, 'up', 0)": byte 6 → 19.
  EXPECT_PROBLEM(q.problem("round(role, 'up', 0)"), "type-mismatch", 19,
                 "round() takes a number or an amount, found text");
  // "clamp(1, transport_rate, 2)": byte 9 → 22.
  EXPECT_PROBLEM(q.problem("clamp(1, transport_rate, 2)"), "type-mismatch", 22,
                 "the arguments of clamp() must have one type: argument 1 is number, argument 2 is money");
}

TEST(type_error, round_takes_a_known_mode_and_zero_to_four_places) {
  qiyang q;
  // "round(distance_km, 'half_upp', 2)": the mode at byte 19 → 32.
  const auto mode = q.problem("round(distance_km, 'half_upp', 2)");
  EXPECT_PROBLEM(mode, "bad-value", 32, "unknown rounding mode 'half_upp'");
  EXPECT_EQ(mode.hint, "did you mean 'half_up'?");
  // "round(distance_km, 'half_up', 5)": '5' at byte 30 → 43.
  EXPECT_PROBLEM(q.problem("round(distance_km, 'half_up', 5)"), "bad-value", 43,
                 "the places of round() must be a whole number from 0 to 4, written as is");
  EXPECT_PROBLEM(q.problem("round(distance_km, 'half_up', 1.5)"), "bad-value", 43,
                 "the places of round() must be a whole number from 0 to 4, written as is");
  // "round(distance_km, role, 2)": 'role' at byte 19 → 32.
  EXPECT_PROBLEM(q.problem("round(distance_km, role, 2)"), "bad-value", 32,
                 "the rounding mode of round() must be written in quotes");
}

TEST(type_error, date_takes_a_real_date_in_quotes) {
  qiyang q;
  // "date('2019-02-30')": the text at byte 5 → 18.
  EXPECT_PROBLEM(q.problem("date('2019-02-30')"), "bad-value", 18,
                 "\"2019-02-30\" is not a date: February 2019 has 28 days");
  EXPECT_PROBLEM(q.problem("date(role)"), "bad-value", 18, "date() takes a date in quotes");
}

TEST(type_error, wrong_number_of_arguments) {
  qiyang q;
  EXPECT_PROBLEM(q.problem("min(distance_km)"), "wrong-arity", 13, "min() takes at least 2 arguments, found 1");
  EXPECT_PROBLEM(q.problem("max()"), "wrong-arity", 13, "max() takes at least 2 arguments, found 0");
  const auto clamp = q.problem("clamp(1, 2)");
  EXPECT_PROBLEM(clamp, "wrong-arity", 13, "clamp() takes 3 arguments, found 2");
  EXPECT_EQ(clamp.hint, "write clamp(x, lo, hi)");
  EXPECT_PROBLEM(q.problem("abs(1, 2)"), "wrong-arity", 13, "abs() takes 1 argument, found 2");
  EXPECT_PROBLEM(q.problem("round(1, 'up')"), "wrong-arity", 13, "round() takes 3 arguments, found 2");
  // "1 + date()": 'date' at byte 4 → 17.
  EXPECT_PROBLEM(q.problem("1 + date()"), "wrong-arity", 17, "date() takes 1 argument, found 0");
}

TEST(type_error, unknown_names_suggest_the_nearest) {
  qiyang q;
  const auto d = q.problem("living_per_day * distnace_km");
  // 'distnace_km' at byte 17 → 30.
  EXPECT_PROBLEM(d, "unknown-name", 30, "unknown name 'distnace_km'");
  EXPECT_EQ(d.hint, "did you mean 'distance_km'?");
  // Nothing near: no hint.
  EXPECT_EQ(q.problem("zzz_qqq").hint, "");
  // A function without its call.
  const auto fn = q.problem("min");
  EXPECT_PROBLEM(fn, "unknown-name", 13, "unknown name 'min'");
  EXPECT_EQ(fn.hint, "'min' is a function: call it as min(a, b, …)");
}

TEST(type_error, unknown_functions_suggest_the_nearest) {
  qiyang q;
  const auto d = q.problem("mn(1, 2)");
  EXPECT_PROBLEM(d, "unknown-name", 13, "unknown function 'mn'");
  EXPECT_EQ(d.hint, "did you mean 'min'?");
  EXPECT_EQ(q.problem("days_betwen(period_start, period_end)").hint, "did you mean 'days_between'?");
  EXPECT_PROBLEM(q.problem("distance_km(2)"), "unknown-name", 13, "'distance_km' is a name, not a function");
}

TEST(type_error, reports_every_independent_problem) {
  qiyang q;
  // Two misspelt names: bytes 0 and 14 → columns 13 and 27.
  const auto both = q.problems("distnace_km * living_per_dya");
  ASSERT_EQ(both.size(), 2u);
  EXPECT_PROBLEM(both[0], "unknown-name", 13, "unknown name 'distnace_km'");
  EXPECT_PROBLEM(both[1], "unknown-name", 27, "unknown name 'living_per_dya'");
  EXPECT_EQ(both[1].hint, "did you mean 'living_per_day'?");
  // An unknown name and, elsewhere, a type error: "distnace_km > 0 and " is 20 bytes,
  // "living_per_day " 15 more: the '+' at byte 35 → 48.
  const auto mixed = q.problems("distnace_km > 0 and living_per_day + period_start > 0");
  ASSERT_EQ(mixed.size(), 2u);
  EXPECT_PROBLEM(mixed[0], "unknown-name", 13, "unknown name 'distnace_km'");
  EXPECT_PROBLEM(mixed[1], "type-mismatch", 48, "cannot add money and date");
}

TEST(type_error, one_problem_does_not_cascade) {
  qiyang q;
  // The unknown name has no type, so nothing built on it is reported again.
  const auto d = q.problems("(distnace_km + 1) * living_per_day + period_start", value_type::money);
  ASSERT_EQ(d.size(), 1u) << rulebook::format(d);
  EXPECT_EQ(d[0].code, "unknown-name");
  // Likewise through calls, 'if' and logic.
  EXPECT_EQ(q.problems("if min(distnace_km, 1) > 0 and not bogus then 1 else 2").size(), 2u);
  EXPECT_EQ(q.problems("round(distnace_km, 'half_up', 2) * transport_rate", value_type::money).size(), 1u);
}

TEST(type_error, problems_are_appended_after_earlier_ones) {
  qiyang q;
  std::vector<diagnostic> problems(1);
  EXPECT_FALSE(rulebook::compile_expression("living_per_day + 1", at, q.names, std::nullopt, problems).has_value());
  EXPECT_EQ(problems.size(), 2u);
  // And a good expression compiles despite earlier problems in the list.
  EXPECT_TRUE(rulebook::compile_expression("living_per_day + 1 * living_per_day", at, q.names, value_type::money,
                                           problems)
                  .has_value());
  EXPECT_EQ(problems.size(), 2u);
}

// ---- syntax errors ------------------------------------------------------------------------------

TEST(syntax_error, a_missing_operand_is_reported_at_the_end) {
  qiyang q;
  // "1 +": the end is after byte 2, at byte 3 → 16.
  EXPECT_PROBLEM(q.problem("1 +"), "expression-syntax", 16, "expected an expression, found the end of the expression");
  EXPECT_PROBLEM(q.problem(""), "expression-syntax", 13, "expected an expression, found the end of the expression");
  // "1 * * 2": the second '*' at byte 4 → 17.
  EXPECT_PROBLEM(q.problem("1 * * 2"), "expression-syntax", 17, "expected an expression, found '*'");
}

TEST(syntax_error, an_unclosed_parenthesis_names_its_opening) {
  qiyang q;
  // "(1": the end at byte 2 → 15; the '(' at byte 0 → column 13.
  EXPECT_PROBLEM(q.problem("(1"), "expression-syntax", 15,
                 "expected ')' to close the '(' at column 13, found the end of the expression");
  // "1)": ')' at byte 1 → 14.
  EXPECT_PROBLEM(q.problem("1)"), "expression-syntax", 14, "this ')' closes no '('");
  // "min(1, 2": the end at byte 8 → 21.
  EXPECT_PROBLEM(q.problem("min(1, 2"), "expression-syntax", 21,
                 "expected ',' or ')' in the arguments of min(), found the end of the expression");
}

TEST(syntax_error, comparisons_do_not_chain) {
  qiyang q;
  // "a < b < c": the second '<' at byte 6 → 19 (before any name is looked up).
  const auto d = q.problem("a < b < c");
  EXPECT_PROBLEM(d, "expression-syntax", 19, "comparisons do not chain: '<' follows a comparison");
  EXPECT_EQ(d.hint, "write a < b and b < c");
}

TEST(syntax_error, numbers_have_at_most_four_places) {
  qiyang q;
  EXPECT_PROBLEM(q.problem("1.23456"), "expression-syntax", 13, "the number 1.23456 has more than 4 decimal places");
  // "2 * 1.": the number at byte 4 → 17.
  EXPECT_PROBLEM(q.problem("2 * 1."), "expression-syntax", 17, "expected digits after '.' in the number 1.");
  EXPECT_PROBLEM(q.problem("1.2.3"), "expression-syntax", 13, "the number 1.2.3 has more than one '.'");
  EXPECT_PROBLEM(q.problem(".5"), "expression-syntax", 13, "a number starts with a digit, as in 0.5");
  EXPECT_EQ(q.problem("9999999999999999999").code, "expression-syntax");
}

TEST(syntax_error, says_what_was_expected) {
  qiyang q;
  // "1 2": '2' at byte 2 → 15.
  EXPECT_PROBLEM(q.problem("1 2"), "expression-syntax", 15,
                 "expected an operator or the end of the expression, found the number 2");
  // "distance_km = 5": '=' at byte 12 → 25.
  EXPECT_PROBLEM(q.problem("distance_km = 5"), "expression-syntax", 25, "'=' is not an operator: compare with '=='");
  // "role == \"leader\"": '"' at byte 8 → 21.
  EXPECT_PROBLEM(q.problem("role == \"leader\""), "expression-syntax", 21,
                 "text is written in single quotes, as in 'leader'");
  EXPECT_PROBLEM(q.problem("role == 'leader"), "expression-syntax", 21, "this text has no closing quote (')");
  EXPECT_PROBLEM(q.problem("Distance_km"), "expression-syntax", 13,
                 "unexpected character 'D': names are lower case, as in distance_km");
  // "true && false": '&' at byte 5 → 18.
  EXPECT_PROBLEM(q.problem("true && false"), "expression-syntax", 18, "'&' is not an operator: write 'and'");
  EXPECT_PROBLEM(q.problem("1 + if true then 1 else 2"), "expression-syntax", 17,
                 "an 'if' inside an operation needs parentheses");
  // "if true then 1": the end at byte 14 → 27.
  EXPECT_PROBLEM(q.problem("if true then 1"), "expression-syntax", 27,
                 "expected 'else' after the 'then' branch of 'if', found the end of the expression");
  EXPECT_PROBLEM(q.problem("if true 1 else 2"), "expression-syntax", 21,
                 "expected 'then' after the condition of 'if', found the number 1");
}

TEST(syntax_error, columns_count_chinese_characters_once) {
  qiyang q;
  // "distance_km × 2": '×' is one code point (two bytes) at byte 12 → 25.
  EXPECT_PROBLEM(q.problem("distance_km × 2"), "expression-syntax", 25, "unexpected character '×'");
  // "'村' == role and 1 +": code points ' 村 ' (3), ' == ' (4 → 7), 'role' (11), ' and ' (16),
  // '1' (17), ' +' (19): the end is after 19 code points → 32, though it is byte 21.
  EXPECT_PROBLEM(q.problem("'村' == role and 1 +"), "expression-syntax", 32,
                 "expected an expression, found the end of the expression");
}

TEST(syntax_error, lines_of_a_block_scalar_are_counted) {
  qiyang q;
  // "living_per_day\n  + period_start": the '+' is on the next line (13), column 3.
  const auto d = q.problem("living_per_day\n  + period_start");
  EXPECT_EQ(d.message, "cannot add money and date");
  EXPECT_EQ(d.where.line, 13);
  EXPECT_EQ(d.where.column, 3);
  // "(1 +\n  2": the '(' is named by line and column.
  const auto open = q.problem("(1 +\n  2");
  EXPECT_EQ(open.message, "expected ')' to close the '(' at line 12, column 13, found the end of the expression");
  EXPECT_EQ(open.where.line, 13);
  EXPECT_EQ(open.where.column, 4);  // after "  2"
}

// ---- limits ---------------------------------------------------------------------------------------

TEST(limits, ten_thousand_parentheses_are_too_deep_not_a_crash) {
  qiyang q;
  const std::string deep = std::string(10000, '(') + "1" + std::string(10000, ')');
  // With the default limits its 20001 bytes are too long before anything is parsed.
  EXPECT_PROBLEM(q.problem(deep), "expression-too-large", 13,
                 "the expression is 20001 bytes long; at most 4096 are allowed");
  // Allowed any length, the parser stops at the 33rd '(' (byte 32), one level too
  // many → column 45, before it recurses further.
  const rulebook::limits long_text{32, 256, 1'000'000};
  EXPECT_PROBLEM(q.problem(deep, std::nullopt, long_text), "expression-too-deep", 45,
                 "the expression nests more than 32 levels deep");
  const std::string minus(10000, '-');
  EXPECT_EQ(q.problem(minus + "1", std::nullopt, long_text).code, "expression-too-deep");
  std::string nots;
  for (int i = 0; i < 10000; ++i) nots += "not ";
  EXPECT_EQ(q.problem(nots + "true", std::nullopt, long_text).code, "expression-too-deep");
  std::string calls;
  for (int i = 0; i < 10000; ++i) calls += "abs(";
  EXPECT_EQ(q.problem(calls + "1" + std::string(10000, ')'), std::nullopt, long_text).code, "expression-too-deep");
  std::string ifs;
  for (int i = 0; i < 10000; ++i) ifs += "if true then ";
  EXPECT_EQ(q.problem(ifs + "1", std::nullopt, long_text).code, "expression-too-deep");
  // A long flat sum is too deep as well (each '+' is a level), never too much stack.
  std::string sum = "1";
  for (int i = 0; i < 10000; ++i) sum += "+1";
  EXPECT_EQ(q.problem(sum, std::nullopt, long_text).code, "expression-too-deep");
}

TEST(limits, depth_counts_operators_calls_and_parentheses) {
  qiyang q;
  const rulebook::limits three{3, 256, 4096};
  // (1 + 2) + 3 is 3 deep: 1, then 1 + 2, then … + 3.
  EXPECT_EQ(q.compile("1 + 2 + 3", std::nullopt, three).evaluate(q.slots).as_number(), decimal::from_int(6));
  // One more term is 4 deep: reported at the last '+', byte 10 → 23.
  EXPECT_PROBLEM(q.problem("1 + 2 + 3 + 4", std::nullopt, three), "expression-too-deep", 23,
                 "the expression nests more than 3 levels deep");
  // ((1)) is 3 deep; (((1))) is 4.
  EXPECT_NO_THROW((void)q.compile("((1))", std::nullopt, three));
  EXPECT_EQ(q.problem("(((1)))", std::nullopt, three).code, "expression-too-deep");
  // With the defaults, 32 terms are fine and 33 too deep.
  std::string sum = "1";
  for (int i = 1; i < 32; ++i) sum += " + 1";
  EXPECT_EQ(q.eval(sum).as_number(), decimal::from_int(32));
  EXPECT_EQ(q.problem(sum + " + 1").code, "expression-too-deep");
}

TEST(limits, too_many_nodes_is_too_large) {
  qiyang q;
  // min of 300 ones is 2 deep but has 301 nodes; the 257th node is the 257th '1', at
  // byte 4 + 3 × 256 = 772 → 785.
  std::string wide = "min(1";
  for (int i = 1; i < 300; ++i) wide += ", 1";
  wide += ")";
  EXPECT_PROBLEM(q.problem(wide), "expression-too-large", 785,
                 "the expression has more than 256 parts (names, numbers, operators and calls)");
  // 256 nodes are allowed: min of 255 ones.
  std::string fits = "min(1";
  for (int i = 1; i < 255; ++i) fits += ", 1";
  fits += ")";
  EXPECT_EQ(q.eval(fits).as_number(), decimal::from_int(1));
}

TEST(limits, too_long_text_is_too_large) {
  qiyang q;
  const std::string text = "1" + std::string(4096, ' ');
  EXPECT_PROBLEM(q.problem(text), "expression-too-large", 13,
                 "the expression is 4097 bytes long; at most 4096 are allowed");
}

// ---- explanations -------------------------------------------------------------------------------

TEST(explanation, transport_shows_each_step_and_the_values_read) {
  qiyang q;
  const auto e = q.compile("min(round_trips, 4) * 2 * distance_km * transport_rate");
  std::vector<std::string> steps;
  EXPECT_EQ(e.evaluate_explained(q.slots, steps).as_money(), money::parse("463.2"));
  const std::vector<std::string> expected{
      "min(round_trips = 5, 4) = 4",
      "4 × 2 = 8",
      "8 × distance_km = 8 × 38.6 = 308.8",
      "308.8 × transport_rate = 308.8 × 1.5 = 463.2",
  };
  EXPECT_EQ(steps, expected);
}

TEST(explanation, living_and_single_names) {
  qiyang q;
  std::vector<std::string> steps;
  (void)q.compile("living_per_day * days_in_village").evaluate_explained(q.slots, steps);
  EXPECT_EQ(steps, std::vector<std::string>{"living_per_day × days_in_village = 100 × 22 = 2200"});
  steps.clear();
  (void)q.compile("living_per_day").evaluate_explained(q.slots, steps);
  EXPECT_EQ(steps, std::vector<std::string>{"living_per_day = 100"});
}

TEST(explanation, if_says_which_branch_it_took) {
  qiyang q;
  q.set("role", value::of_text("leader"));
  std::vector<std::string> steps;
  const auto e = q.compile("if role == 'leader' then leader_allowance else member_allowance");
  EXPECT_EQ(e.evaluate_explained(q.slots, steps).as_money(), money::yuan(200));
  const std::vector<std::string> expected{
      "role == 'leader' = 'leader' == 'leader' = true",
      "if role == 'leader': true → then",
      "leader_allowance = 200",
  };
  EXPECT_EQ(steps, expected);
}

TEST(explanation, short_circuit_says_what_it_skipped) {
  qiyang q;
  q.set("days_in_village", number("0"));
  std::vector<std::string> steps;
  const auto e = q.compile("days_in_village > 0 and living_per_day / days_in_village > transport_rate");
  EXPECT_FALSE(e.evaluate_explained(q.slots, steps).as_bool());
  const std::vector<std::string> expected{
      "days_in_village > 0 = 0 > 0 = false",
      "days_in_village > 0: false → and = false, the rest is skipped",
  };
  EXPECT_EQ(steps, expected);
}

TEST(explanation, calls_show_their_literal_arguments) {
  qiyang q;
  std::vector<std::string> steps;
  // 100 × 16 = 1600 (folded: no input), then 1600 / 31 = 51.6129 and round → 51.61.
  (void)q.compile("round(living_per_day * 16 / 31, 'half_up', 2)").evaluate_explained(q.slots, steps);
  const std::vector<std::string> expected{
      "living_per_day × 16 = 100 × 16 = 1600",
      "1600 ÷ 31 = 51.6129",
      "round(51.6129, 'half_up', 2) = 51.61",
  };
  EXPECT_EQ(steps, expected);
  steps.clear();
  (void)q.compile("-abs(-distance_km)").evaluate_explained(q.slots, steps);
  const std::vector<std::string> negations{"-(distance_km = 38.6) = -38.6", "abs(-38.6) = 38.6", "-(38.6) = -38.6"};
  EXPECT_EQ(steps, negations);
}

// ---- the compiled program --------------------------------------------------------------------------

TEST(program, folds_constants_and_reads_names_where_they_are) {
  qiyang q;
  // 1 + 2 × 3 = 7 at load; nothing is left to run.
  const auto folded = q.compile("1 + 2 * 3");
  EXPECT_TRUE(folded.program().code.empty());
  EXPECT_EQ(folded.evaluate(q.slots).as_number(), decimal::from_int(7));
  // 2 × 38.6 km × 1.5 yuan: two multiplications, one register.
  const auto e = q.compile("2 * distance_km * transport_rate");
  EXPECT_EQ(e.program().code.size(), 2u);
  EXPECT_EQ(e.program().register_count, 1u);
  EXPECT_EQ(e.evaluate(q.slots).as_money(), money::parse("115.8"));
}

TEST(program, lists_the_slots_it_reads_once_in_order) {
  qiyang q;
  const auto e = q.compile("living_per_day * days_in_village + living_per_day * 0 + transport_rate");
  const std::vector<std::size_t> expected{q.names.slot_of("living_per_day"), q.names.slot_of("days_in_village"),
                                          q.names.slot_of("transport_rate")};
  EXPECT_EQ(std::vector<std::size_t>(e.slots_used().begin(), e.slots_used().end()), expected);
  EXPECT_TRUE(q.compile("1 + 1").slots_used().empty());
  // A name in a branch folded away is still named, so a loader can check it.
  const auto dead = q.compile("false and days_in_village > 0 or role == 'leader'");
  const std::vector<std::size_t> named{q.names.slot_of("days_in_village"), q.names.slot_of("role")};
  EXPECT_EQ(std::vector<std::size_t>(dead.slots_used().begin(), dead.slots_used().end()), named);
  EXPECT_EQ(e.text(), "living_per_day * days_in_village + living_per_day * 0 + transport_rate");
  EXPECT_EQ(e.where(), at);
}

TEST(program, evaluation_does_not_allocate) {
  qiyang q;
  q.set("role", value::of_text("leader"));
  const auto transport = q.compile("min(round_trips, 4) * 2 * distance_km * transport_rate");
  const auto leader = q.compile("if role == 'leader' and days_in_village > 0 then leader_allowance else member_allowance");
  const auto dates = q.compile("days_between(period_start, min(period_end, date('2019-07-20'), period_end)) + 1");
  allocations = 0;
  counting = true;
  value a, b, c;
  for (int i = 0; i < 1000; ++i) {
    a = transport.evaluate(q.slots);
    b = leader.evaluate(q.slots);
    c = dates.evaluate(q.slots);
  }
  counting = false;
  EXPECT_EQ(allocations.load(), 0);
  EXPECT_EQ(a.as_money(), money::parse("463.2"));
  EXPECT_EQ(b.as_money(), money::yuan(200));
  EXPECT_EQ(c.as_number(), decimal::from_int(20));  // 20 − 1 + 1
}

TEST(program, text_results_outlive_moves_of_the_expression) {
  qiyang q;
  std::vector<expression> kept;
  {
    auto e = q.compile("if role == 'leader' then 'team' else 'self'");
    kept.push_back(std::move(e));
  }
  for (int i = 0; i < 20; ++i) kept.push_back(kept.front());  // reallocate and copy
  EXPECT_EQ(kept.back().evaluate(q.slots).as_text(), "self");
}

// ---- values and scopes --------------------------------------------------------------------------

TEST(value, prints_as_a_rule_file_writes_it) {
  EXPECT_EQ(value::of(true).to_string(), "true");
  EXPECT_EQ(value::of(false).to_string(), "false");
  EXPECT_EQ(number("2878.50").to_string(), "2878.5");
  EXPECT_EQ(yuan("-0.0001").to_string(), "-0.0001");
  EXPECT_EQ(day("2019-07-01").to_string(), "2019-07-01");
  EXPECT_EQ(value::of_text("leader").to_string(), "'leader'");
  EXPECT_EQ(rulebook::to_string(value_type::boolean), "bool");
  EXPECT_EQ(rulebook::to_string(value_type::number), "number");
  EXPECT_EQ(rulebook::to_string(value_type::money), "money");
  EXPECT_EQ(rulebook::to_string(value_type::date), "date");
  EXPECT_EQ(rulebook::to_string(value_type::text), "text");
}

TEST(value, reads_back_only_as_its_own_type) {
  EXPECT_EQ(day("2019-07-16").as_date(), rulebook::date(2019, 7, 16));
  EXPECT_EQ(yuan("1.5").as_money(), money::parse("1.5"));
  EXPECT_EQ(number("1.5").as_number(), decimal::parse("1.5"));
  EXPECT_TRUE(value::of(true).as_bool());
  EXPECT_EQ(message_of<evaluation_error>([] { (void)yuan("1.5").as_number(); }),
            "expected a number value, found money");
  EXPECT_THROW((void)number("1").as_bool(), evaluation_error);
  EXPECT_THROW((void)number("1").as_text(), evaluation_error);
  EXPECT_THROW((void)number("1").as_date(), evaluation_error);
  EXPECT_THROW((void)value::of(true).as_money(), evaluation_error);
  EXPECT_EQ(yuan("1.5"), yuan("1.50"));
  EXPECT_NE(yuan("1.5"), number("1.5"));  // same digits, not the same value
  EXPECT_EQ(value().type(), value_type::number);
}

template <class T>
concept makes_value = requires(T t) { value::of(t); };
static_assert(makes_value<bool>);
static_assert(makes_value<decimal>);
static_assert(!makes_value<int>);          // would silently be `true`
static_assert(!makes_value<const char*>);  // likewise

TEST(scope, declaring_twice_keeps_the_first_slot) {
  rulebook::scope s;
  EXPECT_EQ(s.declare("distance_km", value_type::number, "km from the unit"), 0u);
  EXPECT_EQ(s.declare("living_per_day", value_type::money), 1u);
  EXPECT_EQ(s.declare("distance_km", value_type::money), 0u);
  EXPECT_EQ(s.size(), 2u);
  ASSERT_NE(s.find("distance_km"), nullptr);
  EXPECT_EQ(s.find("distance_km")->type, value_type::number);
  EXPECT_EQ(s.find("distance_km")->description, "km from the unit");
  EXPECT_EQ(s.find("distance"), nullptr);
  EXPECT_EQ(s.slot_of("living_per_day"), 1u);
}

}  // namespace
