// The columnar evaluator: expressions run over chunks of rows (engine_batch.hpp)
// and the member-month allowances run as a batch (engine_member_months.hpp).
// Kernel results are worked by hand; the batch is also held to the
// row-at-a-time evaluator, row for row, on the bundled policies and on
// generated counties with moves, mid-month rate changes and conditions.
#include <gtest/gtest.h>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine_fixture.hpp"
#include "no_threads.hpp"
#include "rulebook/detail/emplace.hpp"
#include "rulebook/detail/huge_pages.hpp"
#include "rulebook/engine.hpp"
#include "rulebook/expr.hpp"
#include "rulebook/load.hpp"

namespace rb = rulebook;
namespace rd = rulebook::detail;
using rb::testing::day;
using rb::testing::yuan;

namespace {

std::int64_t raw(std::string_view decimal_text) { return rb::decimal::parse(decimal_text).raw(); }

/// A scope of a few inputs (columns) and parameters (scalars), and kernels over it.
struct kernel_fixture {
  rb::scope names;
  std::size_t days = names.declare("days", rb::value_type::number);
  std::size_t trips = names.declare("trips", rb::value_type::number);
  std::size_t km = names.declare("km", rb::value_type::number);
  std::size_t role = names.declare("role", rb::value_type::text);
  std::size_t start = names.declare("start", rb::value_type::date);
  std::size_t rate = names.declare("rate", rb::value_type::money);
  std::size_t legs = names.declare("legs", rb::value_type::number);
  std::vector<rd::slot_role> roles{rd::slot_role::column, rd::slot_role::column, rd::slot_role::column,
                                   rd::slot_role::column, rd::slot_role::column, rd::slot_role::scalar,
                                   rd::slot_role::scalar};
  std::vector<std::optional<rb::expression>> kept;  // kernels point into their expressions

  rd::batch_kernel kernel(std::string_view text) {
    std::vector<rb::diagnostic> problems;
    kept.push_back(rb::compile_expression(text, {"t.yaml", 1, 1, {}}, names, std::nullopt, problems));
    EXPECT_TRUE(problems.empty()) << text << ": " << (problems.empty() ? "" : problems.front().message);
    return rd::batch_kernel(*kept.back(), roles, rd::role_vocabulary);
  }
};

/// Columns of `n` rows for the fixture's slots, and the two parameters.
struct chunk {
  std::vector<std::vector<std::int64_t>> cols = std::vector<std::vector<std::int64_t>>(7);
  std::vector<std::int64_t> scalars = std::vector<std::int64_t>(7, 0);
  std::vector<const std::int64_t*> pointers = std::vector<const std::int64_t*>(7, nullptr);
  std::vector<std::int64_t> out;
  std::vector<std::uint8_t> error;

  void run(const rd::batch_kernel& k, std::size_t n, const std::uint8_t* active = nullptr) {
    for (std::size_t s = 0; s < cols.size(); ++s) pointers[s] = cols[s].empty() ? nullptr : cols[s].data();
    rd::batch_scratch scratch;
    scratch.reserve(k.register_count(), cols.size());
    out.assign(n, -1);
    error.assign(n, 0);
    k.run(n, {pointers, scalars}, scratch, out.data(), error.data(), active);
  }
};

}  // namespace

TEST(batch_kernel, living_allowance_over_a_chunk) {
  kernel_fixture f;
  const rd::batch_kernel k = f.kernel("rate * days");
  chunk c;
  c.cols[f.days] = {raw("22"), raw("0"), raw("31")};
  c.scalars[f.rate] = raw("100");
  c.run(k, 3);
  EXPECT_EQ(c.out, (std::vector<std::int64_t>{raw("2200"), 0, raw("3100")}));
  EXPECT_EQ(c.error, (std::vector<std::uint8_t>{0, 0, 0}));
}

TEST(batch_kernel, transport_with_parameters_multiplied_once_per_chunk) {
  kernel_fixture f;
  const rd::batch_kernel k = f.kernel("rate * legs * min(trips, 4) * km");
  chunk c;
  c.cols[f.trips] = {raw("5"), raw("2"), raw("0")};
  c.cols[f.km] = {raw("38.6"), raw("12.5"), raw("300")};
  c.scalars[f.rate] = raw("1.5");
  c.scalars[f.legs] = raw("2");
  c.run(k, 3);
  // 1.5 × 2 × 4 × 38.6 = 463.2; 1.5 × 2 × 2 × 12.5 = 75; no trips: 0.
  EXPECT_EQ(c.out, (std::vector<std::int64_t>{raw("463.2"), raw("75"), 0}));
}

TEST(batch_kernel, a_branch_not_taken_raises_nothing) {
  kernel_fixture f;
  const rd::batch_kernel k = f.kernel("if days > 0 then rate / days else rate");
  chunk c;
  c.cols[f.days] = {raw("4"), raw("0"), raw("3")};
  c.scalars[f.rate] = raw("100");
  c.run(k, 3);
  // 100 / 4 = 25; days 0 takes the else branch: 100; 100 / 3 = 33.3333 (half-even at the 4th place).
  EXPECT_EQ(c.out, (std::vector<std::int64_t>{raw("25"), raw("100"), raw("33.3333")}));
  EXPECT_EQ(c.error, (std::vector<std::uint8_t>{0, 0, 0}));
}

TEST(batch_kernel, and_or_short_circuit_row_by_row) {
  kernel_fixture f;
  const rd::batch_kernel k = f.kernel("days > 0 and rate / days > rate / 5 or trips >= 4");
  chunk c;
  c.cols[f.days] = {raw("4"), raw("0"), raw("10"), raw("0")};
  c.cols[f.trips] = {raw("0"), raw("0"), raw("1"), raw("4")};
  c.scalars[f.rate] = raw("100");
  c.run(k, 4);
  // (rate / 5 = 20) 100/4 = 25 > 20: true; days 0: `and` stops, trips 0 < 4: false; 100/10 = 10: false, trips 1: false;
  // days 0, trips 4: true. No division by zero is raised for the rows with days 0.
  EXPECT_EQ(c.out, (std::vector<std::int64_t>{1, 0, 0, 1}));
  EXPECT_EQ(c.error, (std::vector<std::uint8_t>{0, 0, 0, 0}));
}

TEST(batch_kernel, text_compares_by_code_and_a_text_outside_the_vocabulary_matches_nothing) {
  kernel_fixture f;
  const rd::batch_kernel leader = f.kernel("role == 'leader'");
  const rd::batch_kernel not_chief = f.kernel("role != 'chief'");
  chunk c;
  c.cols[f.role] = {0, 1, 2};  // member, leader, first_secretary
  c.run(leader, 3);
  EXPECT_EQ(c.out, (std::vector<std::int64_t>{0, 1, 0}));
  c.run(not_chief, 3);
  EXPECT_EQ(c.out, (std::vector<std::int64_t>{1, 1, 1}));
}

TEST(batch_kernel, failures_are_flagged_on_their_rows_only) {
  kernel_fixture f;
  const rd::batch_kernel divide = f.kernel("rate / days");
  chunk c;
  c.cols[f.days] = {raw("0"), raw("4")};
  c.scalars[f.rate] = raw("1000");
  c.run(divide, 2);
  EXPECT_EQ(c.error, (std::vector<std::uint8_t>{1, 0}));
  EXPECT_EQ(c.out[1], raw("250"));

  const rd::batch_kernel huge = f.kernel("days * 900000000000000");  // 9 × 10^14: the range ends near 9.22 × 10^14
  c.cols[f.days] = {raw("1"), raw("2")};
  c.run(huge, 2);
  EXPECT_EQ(c.error, (std::vector<std::uint8_t>{0, 1}));
  EXPECT_EQ(c.out[0], raw("900000000000000"));
}

TEST(batch_kernel, a_failure_of_a_parameter_only_operation_flags_every_row) {
  kernel_fixture f;
  const rd::batch_kernel k = f.kernel("rate + rate / (legs - 2)");
  chunk c;
  c.cols[f.days] = {raw("1"), raw("2")};
  c.scalars[f.rate] = raw("10");
  c.scalars[f.legs] = raw("2");
  c.run(k, 2);
  EXPECT_EQ(c.error, (std::vector<std::uint8_t>{1, 1}));
}

TEST(batch_kernel, dates_rounding_and_lists) {
  kernel_fixture f;
  const rd::batch_kernel month_days = f.kernel("days_in_month(start + 1)");
  const rd::batch_kernel rounded = f.kernel("round(km / 3, 'half_up', 2)");
  const rd::batch_kernel smallest = f.kernel("min(days, trips, km)");
  chunk c;
  c.cols[f.start] = {static_cast<std::int64_t>(day(2019, 1, 31).day_number()),
                     static_cast<std::int64_t>(day(2020, 2, 10).day_number())};
  c.cols[f.km] = {raw("10"), raw("2")};
  c.cols[f.days] = {raw("5"), raw("7")};
  c.cols[f.trips] = {raw("8"), raw("1")};
  c.run(month_days, 2);
  EXPECT_EQ(c.out, (std::vector<std::int64_t>{raw("28"), raw("29")}));  // 2019-02-01; 2020 is a leap year
  c.run(rounded, 2);
  EXPECT_EQ(c.out, (std::vector<std::int64_t>{raw("3.33"), raw("0.67")}));  // 3.3333 → 3.33; 0.6667 → 0.67
  c.run(smallest, 2);
  EXPECT_EQ(c.out, (std::vector<std::int64_t>{raw("5"), raw("1")}));
}

TEST(batch_kernel, inactive_rows_are_left_at_zero) {
  kernel_fixture f;
  const rd::batch_kernel k = f.kernel("rate * days");
  chunk c;
  c.cols[f.days] = {raw("2"), raw("3")};
  c.scalars[f.rate] = raw("100");
  const std::uint8_t active[] = {0, 1};
  c.run(k, 2, active);
  EXPECT_EQ(c.out, (std::vector<std::int64_t>{0, raw("300")}));
}

// Every expression below over many random rows: the batch must give, row for row,
// what the row-at-a-time evaluator gives, and flag exactly the rows where it throws.
TEST(batch_kernel, agrees_with_the_row_at_a_time_evaluator_on_random_rows) {
  kernel_fixture f;
  const std::vector<std::string> texts = {
      "rate * days",
      "rate * legs * min(trips, 4) * km",
      "if role == 'first_secretary' then rate * 2 else rate / max(days, 1)",
      "days > 10 and km < 100 or role == 'leader'",
      "round(rate * days / 31, 'half_up', 2)",
      "clamp(days - trips, 0, 20) * rate",
      "if trips > 0 then rate / (trips - 2) else rate",
      "days_between(start, start + days) + abs(trips - km)",
      "not (days >= trips) or km == 12.5",
  };
  std::mt19937_64 random(20191231);
  const std::size_t n = 2000;
  chunk c;
  for (auto* col : {&c.cols[f.days], &c.cols[f.trips], &c.cols[f.km], &c.cols[f.role], &c.cols[f.start]}) col->resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    c.cols[f.days][i] = static_cast<std::int64_t>(random() % 32) * rb::decimal::one;
    c.cols[f.trips][i] = static_cast<std::int64_t>(random() % 9) * rb::decimal::one;
    c.cols[f.km][i] = static_cast<std::int64_t>(random() % 3000) * 1000;  // 0.0 .. 299.9 km
    c.cols[f.role][i] = static_cast<std::int64_t>(random() % 3);
    c.cols[f.start][i] = static_cast<std::int64_t>(day(2019, 1, 1).day_number() + random() % 365);
  }
  c.scalars[f.rate] = raw("123.45");
  c.scalars[f.legs] = raw("2");
  for (const std::string& text : texts) {
    const rd::batch_kernel k = f.kernel(text);
    const rb::expression& e = *f.kept.back();
    std::vector<std::int64_t> out(n);
    std::vector<std::uint8_t> error(n, 0);
    for (std::size_t begin = 0; begin < n; begin += rd::batch_rows) {
      const std::size_t len = std::min(rd::batch_rows, n - begin);
      std::vector<const std::int64_t*> pointers(7, nullptr);
      for (std::size_t s = 0; s < 5; ++s) pointers[s] = c.cols[s].data() + begin;
      rd::batch_scratch scratch;
      scratch.reserve(k.register_count(), 7);
      k.run(len, {pointers, c.scalars}, scratch, out.data() + begin, error.data() + begin);
    }
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<rb::value> slots(7);
      slots[f.days] = rb::value::of(rb::decimal::from_raw(c.cols[f.days][i]));
      slots[f.trips] = rb::value::of(rb::decimal::from_raw(c.cols[f.trips][i]));
      slots[f.km] = rb::value::of(rb::decimal::from_raw(c.cols[f.km][i]));
      slots[f.role] = rb::value::of_text(rd::role_vocabulary[c.cols[f.role][i]]);
      slots[f.start] = rb::value::of(rb::date(static_cast<rb::date::date_int_type>(c.cols[f.start][i])));
      slots[f.rate] = rb::value::of(rb::money::from_raw(c.scalars[f.rate]));
      slots[f.legs] = rb::value::of(rb::decimal::from_raw(c.scalars[f.legs]));
      std::optional<std::int64_t> expected;
      try {
        expected = rd::value_access::raw(e.evaluate(slots));
      } catch (const std::exception&) {
      }
      ASSERT_EQ(error[i] != 0, !expected.has_value()) << text << ", row " << i;
      if (expected) {
        ASSERT_EQ(out[i], *expected) << text << ", row " << i;
      }
    }
  }
}

// ---- the member-month batch against the row-at-a-time evaluator -------------------------

namespace {

using rb::testing::record;
using rb::testing::serving;
using rb::testing::small_county;
using rb::testing::source;

/// The member-month entitlements as the row-at-a-time evaluator makes them.
std::vector<rb::entitlement> row_at_a_time(const rb::program& prog, const rb::county& c, const rb::period& p) {
  const rd::county_index index(c);
  const rd::eval_context ctx{prog, prog.rules(), c, p, index};
  rd::allowance_evaluator run(ctx, prog.allowances());
  std::vector<rb::entitlement> out;
  run.member_months(prog.allowances().member_month, out);
  return out;
}

/// The member-month entitlements of `evaluate` (the batch), in its order.
std::vector<rb::entitlement> batched(const rb::program& prog, const rb::county& c, const rb::period& p) {
  std::vector<rb::entitlement> out;
  for (rb::entitlement& e : rb::evaluate(prog, c, p).entitlements) {
    const auto* a = std::get_if<rb::allowance_rule>(&prog.rules().find_rule(e.rule)->body);
    if (a->per == rb::allowance_basis::member_month) out.push_back(std::move(e));
  }
  return out;
}

void expect_same(const std::vector<rb::entitlement>& want, const std::vector<rb::entitlement>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (std::size_t i = 0; i < want.size(); ++i)
    ASSERT_EQ(want[i], got[i]) << "entitlement " << i << ": " << want[i].rule << " " << want[i].subject_id << " "
                               << rb::to_string(want[i].slice.first) << " " << want[i].amount.to_string() << " vs "
                               << got[i].amount.to_string();
}

/// A policy whose member-month rules read every input, with a living rate that
/// changes on the 16th, a first-day monthly value, a condition with `or`, an
/// `if`, and proration.
constexpr std::string_view mixed_policy = R"(
parameters:
  living_per_day: {unit: yuan/day, values: {2019-01-01: 100, 2019-07-16: 120}, source: test}
  phone: {unit: yuan/month, values: {2019-01-01: 100, 2019-05-10: 150}, within_month: first_day, source: test}
  per_km: {unit: yuan/km, values: {2019-01-01: 1.5}, source: test}
  bonus: {unit: yuan/month, values: {2019-01-01: 300}, source: test}
rules:
  - id: living
    kind: allowance
    title: {zh: 生活补贴, en: living allowance}
    item: living
    per: member_month
    amount: living_per_day * days_in_village
    source: test
  - id: transport
    kind: allowance
    title: {zh: 交通补贴, en: transport}
    item: transport
    per: member_month
    when: role != 'member' or days_in_village > 5
    amount: per_km * 2 * min(round_trips, 4) * distance_km
    source: test
  - id: phone
    kind: allowance
    title: {zh: 通信补贴, en: phone}
    item: phone
    per: member_month
    amount: phone
    prorate: days_served
    source: test
  - id: bonus
    kind: allowance
    title: {zh: 奖励, en: bonus}
    item: bonus
    per: member_month
    amount: if role == 'first_secretary' then bonus else bonus * days_served / days_in_month / 3
    source: test
)";

/// A county of `members` members, each serving one to three stretches that start
/// and end on random days (so members move between the two teams mid-month),
/// with random month records.
rb::county generated(unsigned seed, std::size_t members) {
  std::mt19937 random(seed);
  const auto pick = [&](int lo, int hi) { return lo + static_cast<int>(random() % static_cast<unsigned>(hi - lo + 1)); };
  std::vector<rb::member> people;
  std::vector<rb::month_record> months;
  for (std::size_t m = 0; m < members; ++m) {
    const std::string id = "M" + std::to_string(m);
    std::vector<rb::service_interval> service;
    int from = pick(0, 200);
    for (int s = pick(1, 3); s > 0 && from < 365; --s) {
      const int to = std::min(364, from + pick(10, 200));
      service.push_back({pick(0, 1) ? "TA" : "TB", day(2019, 1, 1) + boost::gregorian::days(from),
                         s == 1 && pick(0, 1) ? std::nullopt
                                              : std::optional<rb::date>(day(2019, 1, 1) + boost::gregorian::days(to))});
      if (!service.back().to) break;
      from = to + 1;
    }
    people.push_back(serving(id, static_cast<rb::member_role>(pick(0, 2)), std::move(service)));
    for (int month = 1; month <= 12; ++month)
      if (pick(0, 4) != 0)
        months.push_back(record(id, month, pick(0, 28), pick(0, 8),
                                {{"living", rb::money::from_int(pick(0, 3000))}, {"phone", rb::money::from_int(100)}}));
  }
  return small_county(std::move(people), std::move(months));
}

}  // namespace

TEST(member_month_batch, equals_the_row_at_a_time_evaluator_on_the_bundled_policies) {
  const rb::county sample = rb::load_county_or_throw(source("examples/qiyang/county.yaml"));
  for (const char* file : {"rules/qiyang-2019.yaml", "rules/national-2017.yaml", "rules/liuba-2020.yaml",
                           "rules/zhenan-2018.yaml"}) {
    SCOPED_TRACE(file);
    const rb::program prog = rb::compile(rb::load_policy_or_throw(source(file)));
    for (const rb::period& p : {rb::period::of_year(2019), rb::period::of_year(2020),
                                *rb::parse_period("2019-03-10..2019-08-20")}) {
      // A policy in force after the period raises the same error both ways (Liuba's 2020 rates in 2019).
      std::string want_error, got_error;
      std::vector<rb::entitlement> want, got;
      try {
        want = row_at_a_time(prog, sample, p);
      } catch (const std::exception& e) {
        want_error = e.what();
      }
      try {
        got = batched(prog, sample, p);
      } catch (const std::exception& e) {
        got_error = e.what();
      }
      EXPECT_EQ(want_error, got_error);
      expect_same(want, got);
    }
  }
}

TEST(member_month_batch, equals_the_row_at_a_time_evaluator_on_generated_counties) {
  const rb::program prog = rb::testing::policy_from("rulebook-engine-batch", "mixed",
                                                    std::string(rb::testing::policy_header) + std::string(mixed_policy));
  for (const unsigned seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(seed);
    const rb::county c = generated(seed, 300);  // 300 members: more than one chunk per month
    for (const rb::period& p : {rb::period::of_year(2019), *rb::parse_period("2019-05-10..2019-07-20")}) {
      const std::vector<rb::entitlement> want = row_at_a_time(prog, c, p);
      ASSERT_GT(want.size(), 1000u);
      expect_same(want, batched(prog, c, p));
    }
  }
}

// ---- rounding at the declared stage ---------------------------------------------------

namespace {

constexpr std::string_view phone_policy = R"(
parameters:
  phone: {unit: yuan/month, values: {2019-01-01: 100}, source: test}
rules:
  - id: phone
    kind: allowance
    title: {zh: 通信补贴, en: phone}
    item: phone
    per: member_month
    amount: phone
    prorate: days_served
    responsible: dispatching_unit
    source: test
)";

/// Two members who join on 2019-01-16 (16 of January's 31 days) and are paid 51.61 each.
rb::county two_joiners() {
  return small_county({serving("M1", rb::member_role::member, {{"TA", day(2019, 1, 16), day(2019, 1, 31)}}),
                       serving("M2", rb::member_role::member, {{"TA", day(2019, 1, 16), day(2019, 1, 31)}})},
                      {record("M1", 1, 16, 0, {{"phone", yuan("51.61")}}), record("M2", 1, 16, 0, {{"phone", yuan("51.61")}})});
}

rb::results with_money(std::string_view name, std::string_view money_block) {
  const rb::program prog = rb::testing::policy_from(
      "rulebook-engine-batch", name, std::string(rb::testing::policy_header) + std::string(money_block) + std::string(phone_policy));
  return rb::evaluate(prog, two_joiners(), *rb::parse_period("2019-01"));
}

}  // namespace

TEST(round_at, item_rounds_each_member_month) {
  const rb::results r = with_money("round-item", "money: {scale: 2, rounding: half_up, round_at: item}\n");
  // 100 × 16 / 31 = 51.6129… → 51.61 each; the total is 2 × 51.61 = 103.22.
  ASSERT_EQ(r.entitlements.size(), 2u);
  EXPECT_EQ(r.entitlements[0].amount, yuan("51.61"));
  EXPECT_EQ(r.totals.at(0).owed, yuan("103.22"));
  EXPECT_TRUE(r.findings.empty());
}

TEST(round_at, total_keeps_four_places_and_rounds_the_total_once) {
  const rb::results r = with_money("round-total", "money: {scale: 2, rounding: half_up, round_at: total}\n");
  // 1600 / 31 = 51.612903… kept at four places: 51.6129 (half-up at the 4th: the 5th is 0);
  // the total 2 × 51.6129 = 103.2258 → 103.23, a fen more than rounding each.
  ASSERT_EQ(r.entitlements.size(), 2u);
  EXPECT_EQ(r.entitlements[0].amount, yuan("51.6129"));
  EXPECT_EQ(r.totals.at(0).owed, yuan("103.23"));
  // Paid 51.61 is what 51.6129 comes to when paid: not short.
  EXPECT_TRUE(r.findings.empty());
}

TEST(round_at, member_month_keeps_items_unrounded) {
  const rb::results r = with_money("round-mm", "money: {scale: 1, rounding: down, round_at: member_month}\n");
  // Kept at four places: 51.6129 (down: 1600 / 31 = 51.61290…). Paid 51.61 against 51.6 due
  // (51.6129 down to the jiao) is not short; the total 103.2258 → 103.2 (down to the jiao).
  EXPECT_EQ(r.entitlements.at(1).amount, yuan("51.6129"));
  EXPECT_EQ(r.totals.at(0).owed, yuan("103.2"));
  EXPECT_TRUE(r.findings.empty());
}

// ---- threads ----------------------------------------------------------------------------

TEST(threads, results_are_the_same_to_the_fen_and_in_order_on_any_number_of_threads) {
  const rb::program prog = rb::testing::policy_from("rulebook-engine-batch", "mixed-threads",
                                                    std::string(rb::testing::policy_header) + std::string(mixed_policy));
  // 2000 members: four blocks, each whole on a thread; 500: a single block, its
  // chunks and member ranges cut over the threads instead.
  for (const std::size_t members : {2000u, 500u}) {
    SCOPED_TRACE(members);
    const rb::county c = generated(7, members);
    const rb::results one = rb::evaluate(prog, c, rb::period::of_year(2019));
    ASSERT_GT(one.entitlements.size(), members * 20);
    for (const unsigned threads : {2u, 3u, 8u, 0u}) {
      SCOPED_TRACE(threads);
      const rb::results many = rb::evaluate(prog, c, rb::period::of_year(2019), {.threads = threads});
      EXPECT_TRUE(many == one);
    }
  }
  static_assert(rd::members_per_block > 500 && rd::members_per_block < 2000);
  const rb::program qiyang = rb::compile(rb::load_policy_or_throw(source("rules/qiyang-2019.yaml")));
  const rb::county sample = rb::load_county_or_throw(source("examples/qiyang/county.yaml"));
  EXPECT_TRUE(rb::evaluate(qiyang, sample, rb::period::of_year(2019), {.threads = 2}) ==
              rb::evaluate(qiyang, sample, rb::period::of_year(2019)));
}

TEST(threads, with_none_to_be_had_an_evaluation_gives_what_one_thread_gives) {
#if defined(RULEBOOK_TEST_NO_THREADS)
  if (!rulebook_test::threads_can_be_refused()) GTEST_SKIP() << "this system will not refuse a process its threads";
  const rb::program prog = rb::testing::policy_from("rulebook-engine-batch", "no-threads",
                                                    std::string(rb::testing::policy_header) + std::string(mixed_policy));
  const rb::county c = generated(7, 600);  // two blocks and more
  const rb::results one = rb::evaluate(prog, c, rb::period::of_year(2019));
  ASSERT_GT(one.entitlements.size(), 10000u);
  // In a child process that can start no thread: asked for four, the evaluation
  // runs on the calling thread alone (the index, the blocks, the checks beside
  // them, the penalties beside the roll-ups).
  EXPECT_EXIT(
      {
        rulebook_test::refuse_threads_or_exit();
        try {
          std::_Exit(rb::evaluate(prog, c, rb::period::of_year(2019), {.threads = 4}) == one ? 0 : 12);
        } catch (...) {
          std::_Exit(14);  // the thread the system would not give escaped as a failure
        }
      },
      ::testing::ExitedWithCode(0), "");
#else
  GTEST_SKIP() << "needs Linux on x86-64 (a seccomp filter refuses the threads)";
#endif
}

TEST(threads, the_checks_find_the_same_findings_in_the_same_order_on_any_number_of_threads) {
  // Nobody in the generated county holds insurance or a health check: every member
  // fails both minimums, and the checks cut the members into ranges across threads.
  const rb::program qiyang = rb::compile(rb::load_policy_or_throw(source("rules/qiyang-2019.yaml")));
  const rb::county c = generated(5, 1500);
  const rb::results one = rb::evaluate(qiyang, c, rb::period::of_year(2019));
  std::size_t insurance = 0, health = 0;
  for (const rb::finding& f : one.findings) {
    insurance += f.rule == "accident_insurance" ? 1 : 0;
    health += f.rule == "health_check" ? 1 : 0;
  }
  ASSERT_GT(insurance, 1000u);
  ASSERT_GT(health, 1000u);
  for (const unsigned threads : {2u, 3u, 8u}) {
    SCOPED_TRACE(threads);
    const rb::results many = rb::evaluate(qiyang, c, rb::period::of_year(2019), {.threads = threads});
    EXPECT_EQ(many.findings, one.findings);
    EXPECT_TRUE(many == one);
  }
}

TEST(month_records, results_do_not_depend_on_the_order_of_the_records) {
  // In the members' order, each member's records are a run of the county's list
  // (the index keeps no list of them); in any other order, the index lists them.
  const rb::program qiyang = rb::compile(rb::load_policy_or_throw(source("rules/qiyang-2019.yaml")));
  const rb::program mixed = rb::testing::policy_from("rulebook-engine-batch", "mixed-order",
                                                     std::string(rb::testing::policy_header) + std::string(mixed_policy));
  const rb::county in_order = generated(11, 600);
  rb::county reversed = in_order;
  rb::county unknown_first = in_order;
  reversed.months.clear();
  unknown_first.months.clear();
  unknown_first.months.push_back(record("M-nobody", 3, 20, 1, {}));  // names no member: left out
  for (std::size_t i = in_order.months.size(); i-- > 0;) reversed.months.push_back(in_order.months[i].record());
  for (const auto r : in_order.months) unknown_first.months.push_back(r.record());
  for (const rb::program* prog : {&qiyang, &mixed}) {
    const rb::results want = rb::evaluate(*prog, in_order, rb::period::of_year(2019));
    ASSERT_GT(want.entitlements.size(), 5000u);
    EXPECT_TRUE(rb::evaluate(*prog, reversed, rb::period::of_year(2019)) == want);
    EXPECT_TRUE(rb::evaluate(*prog, unknown_first, rb::period::of_year(2019), {.threads = 2}) == want);
  }
}

// The county's index is built on two threads (the members' ids and month
// records on one, their service and the teams' members on the other): it holds
// what one thread builds. M1 serves TA all year; M2 served TB to June, then TA
// (its stretches listed out of order); M2's records come first and last.
TEST(county_index, built_on_two_threads_holds_what_one_thread_builds) {
  const rb::county c = small_county(
      {serving("M1", rb::member_role::member, {{"TA", day(2019, 1, 1), std::nullopt}}),
       serving("M2", rb::member_role::member,
               {{"TA", day(2019, 7, 1), std::nullopt}, {"TB", day(2019, 1, 1), day(2019, 6, 30)}})},
      {record("M2", 1, 20, 1), record("M1", 1, 20, 1), record("M2", 2, 20, 1)});
  const auto list = [](const auto& range) { return std::vector<std::uint32_t>(range.begin(), range.end()); };
  for (const unsigned threads : {1u, 2u}) {
    SCOPED_TRACE(threads);
    const rd::county_index index(c, threads);
    EXPECT_EQ(index.member("M2"), 1u);
    EXPECT_EQ(index.team("TB"), 1u);
    const std::span<const rd::served_stretch> m2 = index.service_of(1);
    ASSERT_EQ(m2.size(), 2u);
    EXPECT_EQ(m2[0].team, 1u);  // by date: TB, then TA
    EXPECT_EQ(m2[0].range.last, day(2019, 6, 30));
    EXPECT_EQ(m2[1].team, 0u);
    EXPECT_EQ(index.team_on(1, day(2019, 6, 30)), 1u);
    EXPECT_EQ(index.team_on(1, day(2019, 7, 1)), 0u);
    EXPECT_EQ(index.days_served(1, {day(2019, 6, 1), day(2019, 7, 31)}), 61);
    EXPECT_EQ(list(index.members_in(0)), (std::vector<std::uint32_t>{0, 1}));
    EXPECT_EQ(list(index.members_in(1)), (std::vector<std::uint32_t>{1}));
    EXPECT_EQ(list(index.records_of(0)), (std::vector<std::uint32_t>{1}));
    EXPECT_EQ(list(index.records_of(1)), (std::vector<std::uint32_t>{0, 2}));
  }
}

TEST(month_records, of_two_records_of_one_month_the_later_counts) {
  // Loading refuses a second record of a member and month; a county built by
  // hand may hold one, and the later in the county's list is the one read.
  const rb::program mixed = rb::testing::policy_from("rulebook-engine-batch", "mixed-twice",
                                                     std::string(rb::testing::policy_header) + std::string(mixed_policy));
  rb::county once = generated(3, 1);
  const rb::results want = rb::evaluate(mixed, once, rb::period::of_year(2019));
  // A month with a living allowance: a record of it with other days changes it.
  const auto paid = std::find_if(want.entitlements.begin(), want.entitlements.end(),
                                 [](const rb::entitlement& e) { return e.rule == "living" && e.amount > rb::money{}; });
  ASSERT_NE(paid, want.entitlements.end());
  const auto month = std::find_if(once.months.begin(), once.months.end(), [&](rb::month_records::row r) {
    return r.month() == rb::year_month::of(paid->slice.first);
  });
  ASSERT_NE(month, once.months.end());
  rb::month_record earlier = (*month).record();
  earlier.days_in_village = earlier.days_in_village == 0 ? 9 : 0;
  rb::county twice = once;
  twice.months.clear();
  twice.months.push_back(earlier);
  for (const auto r : once.months) twice.months.push_back(r.record());
  rb::county swapped = once;  // the changed record last: now it counts
  swapped.months.push_back(earlier);
  EXPECT_TRUE(rb::evaluate(mixed, twice, rb::period::of_year(2019)).entitlements == want.entitlements);
  EXPECT_FALSE(rb::evaluate(mixed, swapped, rb::period::of_year(2019)).entitlements == want.entitlements);
}

TEST(threads, the_error_is_the_one_a_single_thread_raises) {
  // Liuba's rates start in 2020: in 2019 the first member-month fails, on any number of threads.
  const rb::program liuba = rb::compile(rb::load_policy_or_throw(source("rules/liuba-2020.yaml")));
  const rb::county sample = rb::load_county_or_throw(source("examples/qiyang/county.yaml"));
  std::string single;
  try {
    (void)rb::evaluate(liuba, sample, rb::period::of_year(2019));
  } catch (const std::exception& e) {
    single = e.what();
  }
  ASSERT_NE(single.find("has no value in force"), std::string::npos) << single;
  for (const unsigned threads : {2u, 4u}) {
    try {
      (void)rb::evaluate(liuba, sample, rb::period::of_year(2019), {.threads = threads});
      ADD_FAILURE() << "no error on " << threads << " threads";
    } catch (const std::exception& e) {
      EXPECT_EQ(e.what(), single);
    }
  }
}

// ---- blocks of members, and entitlements handed to a sink --------------------------------

namespace {

/// Keeps what a sink is handed, block by block.
struct collecting_sink : rb::entitlement_sink {
  std::vector<rb::entitlement> got;
  std::size_t blocks = 0;
  void accept(std::span<const rb::entitlement> block) override {
    EXPECT_FALSE(block.empty());
    got.insert(got.end(), block.begin(), block.end());
    ++blocks;
  }
};

/// `evaluate` with the county cut into blocks of `members` members, the
/// entitlements gathered from the blocks.
rb::results in_blocks(const rb::program& prog, const rb::county& c, const rb::period& p, std::size_t members,
                      unsigned threads = 1) {
  std::vector<rb::entitlement> all;
  rb::results r = rd::evaluate_each(prog, c, p, {.threads = threads}, [&](std::vector<rb::entitlement>& block) {
    all.insert(all.end(), block.begin(), block.end());
  }, members);
  r.entitlements = std::move(all);
  return r;
}

/// The results or the error's text.
template <class F>
std::string outcome(F f, rb::results& out) {
  try {
    out = f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST(blocks, results_do_not_depend_on_how_many_members_a_block_holds) {
  const rb::program mixed = rb::testing::policy_from("rulebook-engine-batch", "mixed-blocks",
                                                     std::string(rb::testing::policy_header) + std::string(mixed_policy));
  const rb::county c = generated(11, 500);
  const rb::results whole = rb::evaluate(mixed, c, rb::period::of_year(2019));
  ASSERT_GT(whole.entitlements.size(), 10000u);
  ASSERT_FALSE(whole.findings.empty());
  for (const std::size_t members : {std::size_t{1}, std::size_t{7}, std::size_t{300}}) {
    SCOPED_TRACE(members);
    EXPECT_TRUE(in_blocks(mixed, c, rb::period::of_year(2019), members) == whole);
    EXPECT_TRUE(in_blocks(mixed, c, rb::period::of_year(2019), members, 3) == whole);
  }
  // Member-year amounts (Zhenan's) go among their members' months, in every block.
  const rb::county sample = rb::load_county_or_throw(source("examples/qiyang/county.yaml"));
  for (const char* file : {"rules/zhenan-2018.yaml", "rules/qiyang-2019.yaml", "rules/liuba-2020.yaml"}) {
    SCOPED_TRACE(file);
    const rb::program prog = rb::compile(rb::load_policy_or_throw(source(file)));
    for (const rb::period& p : {rb::period::of_year(2019), rb::period::of_year(2020)}) {
      rb::results want, got;
      const std::string want_error = outcome([&] { return rb::evaluate(prog, sample, p); }, want);
      const std::string got_error = outcome([&] { return in_blocks(prog, sample, p, 3); }, got);
      EXPECT_EQ(want_error, got_error);
      EXPECT_TRUE(want == got);
    }
  }
}

TEST(blocks, a_county_of_131072_members_or_more_hands_freed_memory_back) {
  // By members, whatever the block: 2^17 members and more.
  static_assert(rd::large_county(131072) && rd::large_county(3'140'000));
  static_assert(!rd::large_county(131071) && !rd::large_county(104'000) && !rd::large_county(0));
}

TEST(reserve_huge_with_spare, grows_a_list_that_cannot_hold_n_to_a_quarter_more_and_leaves_one_that_can) {
  std::vector<int> list;
  rd::reserve_huge_with_spare(list, 100);
  EXPECT_GE(list.capacity(), 125u);  // 100 and a quarter
  list.assign(90, 7);
  const int* before = list.data();
  const std::size_t capacity = list.capacity();
  rd::reserve_huge_with_spare(list, 125);  // fits: not moved
  EXPECT_EQ(list.data(), before);
  EXPECT_EQ(list.capacity(), capacity);
  rd::reserve_huge_with_spare(list, capacity + 1);
  EXPECT_GE(list.capacity(), capacity + 1 + (capacity + 1) / 4);
  EXPECT_EQ(list, std::vector<int>(90, 7));  // what it held is kept
}

TEST(emplace_aggregate, appends_an_aggregate_made_from_its_fields_in_order) {
  struct row {
    std::string name;
    int count;
    std::optional<long> extra;
  };
  std::vector<row> rows;
  const std::string long_name(100, 'x');  // not a small string: copied, the original kept
  row& first = rd::emplace_aggregate(rows, long_name, 3, std::nullopt);
  EXPECT_EQ(&first, &rows.back());
  std::string moved = "moved " + long_name;
  rd::emplace_aggregate(rows, std::move(moved), -1, 42L);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].name, long_name);
  EXPECT_EQ(rows[0].count, 3);
  EXPECT_FALSE(rows[0].extra);
  EXPECT_EQ(rows[1].name, "moved " + long_name);
  EXPECT_EQ(rows[1].count, -1);
  EXPECT_EQ(rows[1].extra, 42L);
  EXPECT_EQ(long_name, std::string(100, 'x'));
}

TEST(populate_now, its_parts_together_fault_in_every_whole_page_of_the_range_and_no_other) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  constexpr std::size_t pages = 48;
  const auto fresh = [&] {
    void* at = ::mmap(nullptr, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (at != MAP_FAILED) (void)::madvise(at, pages * page, MADV_NOHUGEPAGE);  // one page a fault, whatever the system's setting
    return at;
  };
  void* probe = fresh();
  ASSERT_NE(probe, MAP_FAILED);
  const bool supported = ::madvise(probe, page, MADV_POPULATE_WRITE) == 0;
  ::munmap(probe, pages * page);
  if (!supported) GTEST_SKIP() << "MADV_POPULATE_WRITE is refused here (Linux before 5.14)";
  // From the middle of page 1 to the middle of page 38: whole pages 2–37.
  for (const std::size_t parts : {1, 2, 3, 8, 16, 36, 100}) {
    void* at = fresh();
    ASSERT_NE(at, MAP_FAILED);
    auto* const base = static_cast<std::byte*>(at);
    for (std::size_t part = 0; part < parts; ++part) rd::populate_now(base + page + page / 2, 37 * page, part, parts);
    rd::populate_now(base, 40 * page, parts, parts);  // a part past the last: nothing
    std::vector<unsigned char> resident(pages);
    ASSERT_EQ(::mincore(at, pages * page, resident.data()), 0);
    for (std::size_t i = 0; i < pages; ++i)
      EXPECT_EQ(resident[i] & 1u, i >= 2 && i <= 37 ? 1u : 0u) << "page " << i << ", " << parts << " parts";
    ::munmap(at, pages * page);
  }
#else
  GTEST_SKIP() << "no MADV_POPULATE_WRITE";
#endif
}

TEST(kept_entitlements, the_list_is_reserved_for_the_county_and_grows_past_a_short_estimate) {
  const rb::program mixed = rb::testing::policy_from("rulebook-engine-batch", "mixed-kept",
                                                     std::string(rb::testing::policy_header) + std::string(mixed_policy));
  const rb::county c = generated(13, 400);
  const rb::period year = rb::period::of_year(2019);
  const rb::results whole = rb::evaluate(mixed, c, year);
  // One per rule for each month of each stretch, from above (a rule's `when:` may owe nothing).
  const std::size_t expected = rd::expected_entitlements(mixed.allowances(), c, year);
  EXPECT_GE(expected, whole.entitlements.size());
  EXPECT_LE(expected, whole.entitlements.size() * 2);
  // An estimate too small: the list grows, and holds the same entitlements in the same order.
  rd::kept_entitlements kept(1);
  (void)rd::evaluate_each(mixed, c, year, {.threads = 2}, [&](std::vector<rb::entitlement>& block) { kept.add(block); }, 7);
  EXPECT_EQ(kept.take(), whole.entitlements);
}

TEST(entitlement_sink, is_handed_every_entitlement_in_order_and_the_results_keep_none) {
  const rb::program qiyang = rb::compile(rb::load_policy_or_throw(source("rules/qiyang-2019.yaml")));
  const rb::county sample = rb::load_county_or_throw(source("examples/qiyang/county.yaml"));
  const rb::results whole = rb::evaluate(qiyang, sample, rb::period::of_year(2019));
  collecting_sink sink;
  rb::results streamed = rb::evaluate(qiyang, sample, rb::period::of_year(2019), {}, sink);
  EXPECT_TRUE(streamed.entitlements.empty());
  EXPECT_EQ(sink.got, whole.entitlements);
  // The living allowance owed over 2019, from examples/qiyang/README.md's hand-worked figures.
  rb::money living;
  for (const rb::entitlement& e : sink.got)
    if (e.item == "living") living += e.amount;
  EXPECT_EQ(living, yuan("954600.00"));
  // Everything else is as `evaluate` keeps it: findings, quota, ledger, totals, roll-ups.
  streamed.entitlements = whole.entitlements;
  EXPECT_TRUE(streamed == whole);
}

TEST(entitlement_sink, that_takes_the_rollups_is_handed_them_in_blocks_and_the_results_keep_none) {
  struct taking_rollups : collecting_sink {
    std::vector<rb::rollup> rows;
    std::vector<std::size_t> blocks;
    [[nodiscard]] bool takes_rollups() const override { return true; }
    void accept_rollups(std::span<const rb::rollup> block) override {
      blocks.push_back(block.size());
      rows.insert(rows.end(), block.begin(), block.end());
    }
  };
  const rb::program qiyang = rb::compile(rb::load_policy_or_throw(source("rules/qiyang-2019.yaml")));
  // Enough members for more than one piece of roll-up rows (4,096 members a piece).
  const rb::county c = generated(21, 5000);
  const rb::period year = rb::period::of_year(2019);
  const rb::results whole = rb::evaluate(qiyang, c, year);
  ASSERT_GT(c.members.size(), 4096u);
  taking_rollups sink;
  rb::results streamed = rb::evaluate(qiyang, c, year, {.threads = 2}, sink);
  EXPECT_TRUE(streamed.rollups.empty());
  EXPECT_EQ(sink.rows, whole.rollups);
  // Kept, the rows are written in pieces on two threads: the same rows.
  EXPECT_EQ(rb::evaluate(qiyang, c, year, {.threads = 2}).rollups, whole.rollups);
  // A block a piece of 4,096 members, then the teams', the units' and the county's: none empty.
  EXPECT_GE(sink.blocks.size(), 5u);
  EXPECT_EQ(std::count(sink.blocks.begin(), sink.blocks.end(), std::size_t{0}), 0);
  // The county's row of all items comes last but for its items' rows; its figures are the entitlements'.
  rb::money owed;
  for (const rb::entitlement& e : sink.got) owed += e.amount;
  const auto county_row = std::find_if(sink.rows.begin(), sink.rows.end(), [](const rb::rollup& x) {
    return x.subject == rb::subject_kind::county && x.all_items();
  });
  ASSERT_NE(county_row, sink.rows.end());
  EXPECT_EQ(county_row->owed, owed);
  EXPECT_EQ(county_row->entitlements, sink.got.size());
  // Everything else is as `evaluate` keeps it.
  streamed.entitlements = whole.entitlements;
  streamed.rollups = whole.rollups;
  EXPECT_TRUE(streamed == whole);
}

TEST(entitlement_sink, that_renders_gets_each_block_with_its_own_text_in_order) {
  struct rendering : rb::entitlement_sink {
    static void rows_of(std::span<const rb::entitlement> block, std::string& out) {
      for (const rb::entitlement& e : block) out += e.rule + ' ' + e.subject_id + ' ' + e.amount.to_string(4) + '\n';
    }
    std::vector<rb::entitlement> got;
    std::string text;
    std::size_t blocks = 0, mismatched = 0;
    [[nodiscard]] bool renders() const override { return true; }
    void render(std::span<const rb::entitlement> block, std::string& out) const override { rows_of(block, out); }
    void accept_rendered(std::span<const rb::entitlement> block, std::string_view rows) override {
      std::string own;
      rows_of(block, own);
      mismatched += own != rows;
      ++blocks;
      got.insert(got.end(), block.begin(), block.end());
      text += rows;
    }
    void accept(std::span<const rb::entitlement>) override { ADD_FAILURE() << "a sink that renders gets blocks rendered"; }
  };
  const rb::program qiyang = rb::compile(rb::load_policy_or_throw(source("rules/qiyang-2019.yaml")));
  const rb::county c = generated(22, 9000);  // 18 blocks of 512 members
  const rb::period year = rb::period::of_year(2019);
  const rb::results whole = rb::evaluate(qiyang, c, year);
  for (const unsigned threads : {1u, 2u}) {
    rendering sink;
    (void)rb::evaluate(qiyang, c, year, {.threads = threads}, sink);
    EXPECT_GE(sink.blocks, 3u) << threads;  // and the teams', if any
    EXPECT_EQ(sink.mismatched, 0u) << threads;
    EXPECT_EQ(sink.got, whole.entitlements) << threads;
    std::string all;
    rendering::rows_of(whole.entitlements, all);
    EXPECT_EQ(sink.text, all) << threads;
  }
}

TEST(entitlement_sink, that_renders_and_takes_the_rollups_gets_their_blocks_rendered_in_order) {
  struct rendering_rollups : rb::entitlement_sink {
    static void rows_of(std::span<const rb::rollup> block, std::string& out) {
      for (const rb::rollup& x : block) out += x.id + ' ' + x.item + ' ' + x.owed.to_string(2) + '\n';
    }
    std::vector<rb::rollup> rows;
    std::string text;
    std::size_t blocks = 0, mismatched = 0;
    [[nodiscard]] bool renders() const override { return true; }
    [[nodiscard]] bool takes_rollups() const override { return true; }
    void accept_rendered(std::span<const rb::entitlement>, std::string_view) override {}
    void accept(std::span<const rb::entitlement>) override {}
    void render_rollups(std::span<const rb::rollup> block, std::string& out) const override { rows_of(block, out); }
    void accept_rendered_rollups(std::span<const rb::rollup> block, std::string_view rendered) override {
      std::string own;
      rows_of(block, own);
      mismatched += own != rendered;
      ++blocks;
      rows.insert(rows.end(), block.begin(), block.end());
      text += rendered;
    }
    void accept_rollups(std::span<const rb::rollup>) override { ADD_FAILURE() << "a sink that renders gets roll-ups rendered"; }
  };
  // A sink that renders its entitlements but not the roll-ups: `accept_rollups` gets them, as before.
  struct rendering_entitlements_only : rb::entitlement_sink {
    std::vector<rb::rollup> rows;
    [[nodiscard]] bool renders() const override { return true; }
    [[nodiscard]] bool takes_rollups() const override { return true; }
    void accept(std::span<const rb::entitlement>) override {}
    void accept_rollups(std::span<const rb::rollup> block) override { rows.insert(rows.end(), block.begin(), block.end()); }
  };
  const rb::program qiyang = rb::compile(rb::load_policy_or_throw(source("rules/qiyang-2019.yaml")));
  const rb::county c = generated(23, 9000);  // three pieces of 4,096 members
  const rb::period year = rb::period::of_year(2019);
  const rb::results whole = rb::evaluate(qiyang, c, year);
  std::string all;
  rendering_rollups::rows_of(whole.rollups, all);
  // The county's row of all items carries the total of the entitlements kept, summed here.
  rb::money owed;
  for (const rb::entitlement& e : whole.entitlements) owed += e.amount;
  const std::string county_row = c.id + "  " + owed.to_string(2) + '\n';
  ASSERT_NE(all.find(county_row), std::string::npos);
  for (const unsigned threads : {1u, 2u}) {
    rendering_rollups sink;
    const rb::results streamed = rb::evaluate(qiyang, c, year, {.threads = threads}, sink);
    EXPECT_TRUE(streamed.rollups.empty());
    EXPECT_GE(sink.blocks, 5u) << threads;
    EXPECT_EQ(sink.mismatched, 0u) << threads;
    EXPECT_EQ(sink.rows, whole.rollups) << threads;
    EXPECT_EQ(sink.text, all) << threads;
    rendering_entitlements_only plain;
    (void)rb::evaluate(qiyang, c, year, {.threads = threads}, plain);
    EXPECT_EQ(plain.rows, whole.rollups) << threads;
  }
  // What rendering or taking a block throws stops the evaluation.
  struct failing : rendering_rollups {
    bool in_render;
    explicit failing(bool render) : in_render(render) {}
    void render_rollups(std::span<const rb::rollup>, std::string&) const override {
      if (in_render) throw std::runtime_error("no room to render");
    }
    void accept_rendered_rollups(std::span<const rb::rollup>, std::string_view) override {
      if (!in_render) throw std::runtime_error("disk full");
    }
  };
  for (const bool in_render : {true, false}) {
    failing sink(in_render);
    try {
      (void)rb::evaluate(qiyang, c, year, {.threads = 2}, sink);
      ADD_FAILURE() << "no exception";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), in_render ? "no room to render" : "disk full");
    }
  }
}

TEST(entitlement_sink, an_exception_it_throws_stops_the_evaluation) {
  struct failing_sink : rb::entitlement_sink {
    void accept(std::span<const rb::entitlement>) override { throw std::runtime_error("disk full"); }
  } sink;
  const rb::program qiyang = rb::compile(rb::load_policy_or_throw(source("rules/qiyang-2019.yaml")));
  const rb::county sample = rb::load_county_or_throw(source("examples/qiyang/county.yaml"));
  EXPECT_THROW(
      {
        try {
          (void)rb::evaluate(qiyang, sample, rb::period::of_year(2019), {}, sink);
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "disk full");
          throw;
        }
      },
      std::runtime_error);
}

TEST(progress, is_told_the_members_done_after_each_block_and_at_the_end) {
  const rb::program mixed = rb::testing::policy_from("rulebook-engine-batch", "mixed-progress",
                                                     std::string(rb::testing::policy_header) + std::string(mixed_policy));
  const rb::county c = generated(5, 50);
  std::vector<std::pair<std::size_t, std::size_t>> told;
  rb::evaluate_options options;
  options.progress = [&](std::size_t done, std::size_t total) { told.emplace_back(done, total); };
  const rb::results r = rd::evaluate_each(mixed, c, rb::period::of_year(2019), options,
                                          [](std::vector<rb::entitlement>&) {}, 10);
  // Five blocks of ten members (a member with nothing owed ends no block), then the end: never backwards.
  ASSERT_GE(told.size(), 2u);
  EXPECT_EQ(told.back(), std::make_pair(std::size_t{50}, std::size_t{50}));
  for (std::size_t i = 0; i < told.size(); ++i) {
    EXPECT_EQ(told[i].second, 50u);
    EXPECT_LE(told[i].first, 50u);
    if (i > 0) {
      EXPECT_GE(told[i].first, told[i - 1].first);
    }
  }
  EXPECT_GE(told.size(), 5u);
  // Told or not, the results are the same.
  EXPECT_TRUE(rb::evaluate(mixed, c, rb::period::of_year(2019), options).findings ==
              rb::evaluate(mixed, c, rb::period::of_year(2019)).findings);
}
