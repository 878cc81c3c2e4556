// Allowances: what each member and team is owed, month by month and year by
// year, and the items paid short. Every expected figure is worked by hand —
// from examples/qiyang/README.md ("Figures worked out by hand") for the sample
// county, and in the comments here for the small built-in counties.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "rulebook/engine.hpp"
#include "rulebook/load.hpp"
#include "rulebook/policy.hpp"
#include "engine_fixture.hpp"

namespace fs = std::filesystem;
namespace rb = rulebook;

namespace {

using rb::testing::day;
using rb::testing::record;
using rb::testing::serving;
using rb::testing::small_county;
using rb::testing::source;
using rb::testing::yuan;

/// The Qiyang policy and sample county, loaded once for the whole file.
struct qiyang {
  rb::program prog = rb::compile(rb::load_policy_or_throw(source("rules/qiyang-2019.yaml")));
  rb::county data = rb::load_county_or_throw(source("examples/qiyang/county.yaml"));
  rb::results r = rb::evaluate(prog, data, rb::period::of_year(2019));
};
const qiyang& sample() {
  static const qiyang q;
  return q;
}

/// The entitlement of `rule` for `subject` whose slice begins in `month` (the first one).
const rb::entitlement* find(const rb::results& r, std::string_view rule, std::string_view subject, rb::year_month month) {
  const auto it = std::find_if(r.entitlements.begin(), r.entitlements.end(), [&](const rb::entitlement& e) {
    return e.rule == rule && e.subject_id == subject && rb::year_month::of(e.slice.first) == month;
  });
  return it == r.entitlements.end() ? nullptr : &*it;
}

std::vector<const rb::entitlement*> all_of(const rb::results& r, std::string_view rule, std::string_view subject) {
  std::vector<const rb::entitlement*> out;
  for (const rb::entitlement& e : r.entitlements)
    if (e.rule == rule && e.subject_id == subject) out.push_back(&e);
  return out;
}

const rb::item_total* total(const rb::results& r, std::string_view item) {
  const auto it = std::find_if(r.totals.begin(), r.totals.end(), [&](const rb::item_total& t) { return t.item == item; });
  return it == r.totals.end() ? nullptr : &*it;
}

rb::program policy_from(std::string_view name, std::string_view yaml) {
  return rb::testing::policy_from("rulebook-engine-allowance", name, yaml);
}

constexpr std::string_view header = rb::testing::policy_header;

}  // namespace

// ---- the Qiyang sample (examples/qiyang/README.md) -----------------------------------

TEST(qiyang_allowances, m006_april_in_t01) {
  const rb::results& r = sample().r;
  // 22 days: 22 × 100 = 2200; 5 trips paid as 4: 4 × 2 × 38.6 × 1.5 = 463.20; 100.
  const rb::entitlement* living = find(r, "living", "M006", {2019, 4});
  const rb::entitlement* transport = find(r, "transport", "M006", {2019, 4});
  const rb::entitlement* communication = find(r, "communication", "M006", {2019, 4});
  ASSERT_TRUE(living && transport && communication);
  EXPECT_EQ(living->amount, yuan("2200"));
  EXPECT_EQ(transport->amount, yuan("463.20"));
  EXPECT_EQ(communication->amount, yuan("100"));
  EXPECT_EQ(transport->team, "T01");
  EXPECT_EQ(transport->unit, "U07");
  EXPECT_EQ(transport->slice, (rb::date_range{day(2019, 4, 1), day(2019, 4, 30)}));
  ASSERT_TRUE(transport->paid.has_value());
  EXPECT_EQ(*transport->paid, yuan("463.20"));
}

TEST(qiyang_allowances, m006_may_uses_the_new_teams_distance) {
  const rb::results& r = sample().r;
  // T05 at 47.9 km, 3 trips: 3 × 2 × 47.9 × 1.5 = 431.10.
  const rb::entitlement* transport = find(r, "transport", "M006", {2019, 5});
  ASSERT_NE(transport, nullptr);
  EXPECT_EQ(transport->amount, yuan("431.10"));
  EXPECT_EQ(transport->team, "T05");
  // Whole year: 1852.80 (Jan–Apr) + 3736.20 (May–Dec) = 5589.00.
  rb::money year;
  for (const rb::entitlement* e : all_of(r, "transport", "M006")) year += e->amount;
  EXPECT_EQ(year, yuan("5589.00"));
  rb::money living;
  for (const rb::entitlement* e : all_of(r, "living", "M006")) living += e->amount;
  EXPECT_EQ(living, yuan("26100"));  // 261 days in the village
}

TEST(qiyang_allowances, m037_joins_on_the_16th_and_communication_is_prorated) {
  const rb::results& r = sample().r;
  const rb::entitlement* living = find(r, "living", "M037", {2019, 7});
  const rb::entitlement* transport = find(r, "transport", "M037", {2019, 7});
  const rb::entitlement* communication = find(r, "communication", "M037", {2019, 7});
  ASSERT_TRUE(living && transport && communication);
  EXPECT_EQ(living->amount, yuan("1200"));       // 12 × 100
  EXPECT_EQ(transport->amount, yuan("271.20"));  // 2 × 2 × 45.2 × 1.5
  EXPECT_EQ(communication->amount, yuan("51.61"));  // 100 × 16/31 = 51.6129…
  EXPECT_EQ(communication->slice, (rb::date_range{day(2019, 7, 16), day(2019, 7, 31)}));
  EXPECT_EQ(find(r, "living", "M037", {2019, 6}), nullptr);  // not serving yet
  // Paid 100 against 51.61 owed: an overpayment, not a finding.
  for (const rb::finding& f : r.findings) EXPECT_FALSE(f.subject_id == "M037" && f.rule == "communication");
}

TEST(qiyang_allowances, m014_january_living_paid_short_is_a_finding_against_u06) {
  const rb::results& r = sample().r;
  const rb::entitlement* living = find(r, "living", "M014", {2019, 1});
  ASSERT_NE(living, nullptr);
  EXPECT_EQ(living->amount, yuan("2500"));
  EXPECT_EQ(living->paid, yuan("2000"));
  const auto f = std::find_if(r.findings.begin(), r.findings.end(), [](const rb::finding& x) {
    return x.rule == "living" && x.subject_id == "M014" && x.slice.first == day(2019, 1, 1);
  });
  ASSERT_NE(f, r.findings.end());
  EXPECT_EQ(f->kind, rb::rule_kind::allowance);
  EXPECT_EQ(f->subject, rb::subject_kind::member);
  EXPECT_EQ(f->responsible_unit, "U06");
  EXPECT_EQ(f->severity, rb::finding_severity::violation);
  EXPECT_EQ(f->slice, (rb::date_range{day(2019, 1, 1), day(2019, 1, 31)}));
  EXPECT_EQ(f->expected, "2500.00");
  EXPECT_EQ(f->actual, "2000.00");
  EXPECT_EQ(f->message, "living allowance for 2019-01 paid 2000.00 of 2500.00 owed: 500.00 short");
}

TEST(qiyang_allowances, findings_are_p10_p11_p12_and_nothing_else) {
  const rb::results& r = sample().r;
  int living = 0, transport = 0, communication = 0, funds = 0;
  for (const rb::finding& f : r.findings) {
    if (f.kind != rb::rule_kind::allowance) continue;
    living += f.rule == "living";
    transport += f.rule == "transport";
    communication += f.rule == "communication";
    funds += f.rule == "work_funds";
  }
  EXPECT_EQ(living, 24);  // P10: M014 and M015, every month
  EXPECT_EQ(transport, 1);  // P11: M010 2019-08
  EXPECT_EQ(communication, 0);
  EXPECT_EQ(funds, 1);  // P12: T07 received 6000
  const auto p12 = std::find_if(r.findings.begin(), r.findings.end(), [](const rb::finding& f) { return f.rule == "work_funds"; });
  ASSERT_NE(p12, r.findings.end());
  EXPECT_EQ(p12->subject, rb::subject_kind::team);
  EXPECT_EQ(p12->subject_id, "T07");
  EXPECT_EQ(p12->responsible_unit, "U03");
  EXPECT_EQ(p12->message, "team work funds for 2019 paid 6000.00 of 10000.00 owed: 4000.00 short");
  const auto p11 = std::find_if(r.findings.begin(), r.findings.end(), [](const rb::finding& f) { return f.rule == "transport"; });
  ASSERT_NE(p11, r.findings.end());
  EXPECT_EQ(p11->subject_id, "M010");
  EXPECT_EQ(p11->expected, "542.40");
  EXPECT_EQ(p11->actual, "406.80");
}

TEST(qiyang_allowances, county_totals) {
  const rb::results& r = sample().r;
  ASSERT_EQ(r.totals.size(), 4u);  // in rule order: work_funds, living, transport, communication
  EXPECT_EQ(r.totals[0].item, "work_funds");
  EXPECT_EQ(r.totals[1].item, "living");
  EXPECT_EQ(r.totals[2].item, "transport");
  EXPECT_EQ(r.totals[3].item, "communication");
  EXPECT_EQ(total(r, "living")->owed, yuan("954600"));
  EXPECT_EQ(total(r, "living")->paid, yuan("944120"));
  EXPECT_EQ(total(r, "transport")->owed, yuan("199782.60"));
  EXPECT_EQ(total(r, "transport")->paid, yuan("199647.00"));
  EXPECT_EQ(total(r, "communication")->owed, yuan("43451.61"));  // 43500 − 100 + 51.61
  EXPECT_EQ(total(r, "communication")->paid, yuan("43500"));
  EXPECT_EQ(total(r, "work_funds")->owed, yuan("70000"));  // 7 teams resident all year
  EXPECT_EQ(total(r, "work_funds")->paid, yuan("66000"));
}

TEST(qiyang_allowances, entitlements_are_ordered_by_subject_then_slice_then_rule) {
  const rb::results& r = sample().r;
  // 435 member-months × 3 items + 7 team-years.
  EXPECT_EQ(r.entitlements.size(), 435u * 3 + 7);
  ASSERT_GE(r.entitlements.size(), 4u);
  EXPECT_EQ(r.entitlements[0].subject_id, "M001");
  EXPECT_EQ(r.entitlements[0].rule, "living");
  EXPECT_EQ(r.entitlements[1].rule, "transport");
  EXPECT_EQ(r.entitlements[2].rule, "communication");
  EXPECT_EQ(r.entitlements[3].slice.first, day(2019, 2, 1));
  EXPECT_EQ(r.entitlements.back().subject, rb::subject_kind::team);
  EXPECT_EQ(r.entitlements.back().subject_id, "T07");
}

TEST(qiyang_allowances, explain_names_the_rule_parameters_inputs_and_arithmetic) {
  const qiyang& q = sample();
  const rb::entitlement* communication = find(q.r, "communication", "M037", {2019, 7});
  ASSERT_NE(communication, nullptr);
  const std::string text = rb::explain(q.prog, q.data, q.r, *communication);
  EXPECT_NE(text.find("rule communication"), std::string::npos) << text;
  EXPECT_NE(text.find("通信补贴100元每人每月"), std::string::npos) << text;
  EXPECT_NE(text.find("communication_per_month = 100"), std::string::npos) << text;
  EXPECT_NE(text.find("since 2019-01-01"), std::string::npos) << text;
  EXPECT_NE(text.find("16 days served / 31 days in the period: 1600 / 31 = 51.6129"), std::string::npos) << text;
  EXPECT_NE(text.find("51.6129"), std::string::npos) << text;
  EXPECT_NE(text.find("→ 51.61"), std::string::npos) << text;
  EXPECT_EQ(text.find("note:"), std::string::npos) << text;

  const rb::entitlement* transport = find(q.r, "transport", "M006", {2019, 4});
  ASSERT_NE(transport, nullptr);
  const std::string t = rb::explain(q.prog, q.data, q.r, *transport);
  EXPECT_NE(t.find("input round_trips = 5"), std::string::npos) << t;
  EXPECT_NE(t.find("input distance_km = 38.6"), std::string::npos) << t;
  EXPECT_NE(t.find("legs_per_round_trip = 2"), std::string::npos) << t;
  EXPECT_NE(t.find("county choice"), std::string::npos) << t;
  EXPECT_NE(t.find("463.2"), std::string::npos) << t;
}

TEST(qiyang_allowances, evaluate_is_deterministic_and_safe_from_two_threads) {
  const qiyang& q = sample();
  rb::results a, b;
  std::thread one([&] { a = rb::evaluate(q.prog, q.data, rb::period::of_year(2019)); });
  std::thread two([&] { b = rb::evaluate(q.prog, q.data, rb::period::of_year(2019)); });
  one.join();
  two.join();
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, q.r);
}

// ---- small counties: boundaries worked by hand ----------------------------------------

constexpr std::string_view living_rule = R"(
  - id: living
    kind: allowance
    title: {zh: 生活补贴, en: living allowance}
    item: living
    per: member_month
    amount: living_per_day * days_in_village
    responsible: dispatching_unit
    source: test
)";

TEST(living_allowance, a_rate_changing_on_the_16th_splits_the_month) {
  const rb::program prog = policy_from("split", std::string(header) + R"(
parameters:
  living_per_day:
    unit: yuan/day
    values: {2019-01-01: 100, 2019-07-16: 120}
    source: test
rules:)" + std::string(living_rule));
  const rb::county c = small_county({serving("M1", rb::member_role::member, {{"TA", day(2019, 1, 1), std::nullopt}})},
                                    {record("M1", 6, 20, 0), record("M1", 7, 20, 0), record("M1", 8, 20, 0)});
  const rb::results r = rb::evaluate(prog, c, rb::period::of_year(2019));
  // July: 31 days served; 07-01..07-15 at 100 (15 days), 07-16..07-31 at 120 (16 days):
  //   20 × (100 × 15 + 120 × 16) / 31 = 20 × 3420 / 31 = 68400 / 31 = 2206.4516… → 2206.45
  //   (31 × 2206 = 68386, remainder 14; 14/31 = 0.4516).
  const rb::entitlement* july = find(r, "living", "M1", {2019, 7});
  ASSERT_NE(july, nullptr);
  EXPECT_EQ(july->amount, yuan("2206.45"));
  EXPECT_EQ(july->slice, (rb::date_range{day(2019, 7, 1), day(2019, 7, 31)}));  // one slice: the pieces are inside it
  EXPECT_EQ(find(r, "living", "M1", {2019, 6})->amount, yuan("2000"));  // 20 × 100
  EXPECT_EQ(find(r, "living", "M1", {2019, 8})->amount, yuan("2400"));  // 20 × 120
  EXPECT_EQ(find(r, "living", "M1", {2019, 9})->amount, yuan("0"));     // no record: 0 days

  const std::string text = rb::explain(prog, c, r, *july);
  EXPECT_NE(text.find("piece 2019-07-01..2019-07-15: 15 day(s)"), std::string::npos) << text;
  EXPECT_NE(text.find("piece 2019-07-16..2019-07-31: 16 day(s)"), std::string::npos) << text;
  EXPECT_NE(text.find("living_per_day = 120 yuan/day, in force since 2019-07-16"), std::string::npos) << text;
  EXPECT_NE(text.find("= 2000"), std::string::npos) << text;
  EXPECT_NE(text.find("= 2400"), std::string::npos) << text;
  EXPECT_NE(text.find("Σ amount × days = 68400"), std::string::npos) << text;
  EXPECT_NE(text.find("68400 / 31 = 2206.4516"), std::string::npos) << text;
  EXPECT_NE(text.find("2206.4516 → 2206.45"), std::string::npos) << text;
}

TEST(living_allowance, a_rate_changing_on_the_first_does_not_split) {
  const rb::program prog = policy_from("first", std::string(header) + R"(
parameters:
  living_per_day:
    unit: yuan/day
    values: {2019-01-01: 100, 2019-07-01: 120}
    source: test
rules:)" + std::string(living_rule));
  const rb::county c = small_county({serving("M1", rb::member_role::member, {{"TA", day(2019, 1, 1), std::nullopt}})},
                                    {record("M1", 6, 21, 0), record("M1", 7, 22, 0)});
  const rb::results r = rb::evaluate(prog, c, rb::period::of_year(2019));
  EXPECT_EQ(find(r, "living", "M1", {2019, 6})->amount, yuan("2100"));  // 21 × 100
  EXPECT_EQ(find(r, "living", "M1", {2019, 7})->amount, yuan("2640"));  // 22 × 120
  const std::string text = rb::explain(prog, c, r, *find(r, "living", "M1", {2019, 7}));
  EXPECT_EQ(text.find("weighted"), std::string::npos) << text;
}

TEST(communication, a_first_day_monthly_value_holds_for_the_whole_month) {
  const rb::program prog = policy_from("first_day", std::string(header) + R"(
parameters:
  communication_per_month:
    unit: yuan/month
    values: {2019-01-01: 100, 2019-07-16: 200}
    within_month: first_day
    source: test
  communication_split:
    unit: yuan/month
    values: {2019-01-01: 100, 2019-07-16: 200}
    within_month: split_by_days
    source: test
rules:
  - id: communication
    kind: allowance
    title: {zh: 通信补贴, en: communication subsidy}
    item: communication
    per: member_month
    amount: communication_per_month
    source: test
  - id: communication_b
    kind: allowance
    title: {zh: 通信补贴, en: communication subsidy b}
    item: communication_b
    per: member_month
    amount: communication_split
    source: test
)");
  const rb::county c = small_county({serving("M1", rb::member_role::member, {{"TA", day(2019, 1, 1), std::nullopt}})}, {});
  const rb::results r = rb::evaluate(prog, c, rb::period::of_year(2019));
  EXPECT_EQ(find(r, "communication", "M1", {2019, 7})->amount, yuan("100"));  // the value on 07-01
  EXPECT_EQ(find(r, "communication", "M1", {2019, 8})->amount, yuan("200"));
  // split_by_days: (100 × 15 + 200 × 16) / 31 = 4700 / 31 = 151.6129… → 151.61
  EXPECT_EQ(find(r, "communication_b", "M1", {2019, 7})->amount, yuan("151.61"));
}

TEST(transport, more_than_four_round_trips_are_paid_as_four) {
  const rb::program prog = policy_from("trips", std::string(header) + R"(
parameters:
  transport_per_km: {unit: yuan/km, values: {2019-01-01: 1.5}, source: test}
  legs_per_round_trip: {unit: count, values: {2019-01-01: 2}, source: test}
  max_round_trips_per_month: {unit: count, values: {2019-01-01: 4}, source: test}
rules:
  - id: transport
    kind: allowance
    title: {zh: 交通费, en: transport}
    item: transport
    per: member_month
    amount: transport_per_km * legs_per_round_trip * min(round_trips, max_round_trips_per_month) * distance_km
    responsible: dispatching_unit
    source: test
)");
  const rb::county c = small_county({serving("M1", rb::member_role::member, {{"TA", day(2019, 1, 1), std::nullopt}})},
                                    {record("M1", 1, 20, 6), record("M1", 2, 20, 3), record("M1", 3, 20, 4)});
  const rb::results r = rb::evaluate(prog, c, rb::period::of_quarter(2019, 1));
  EXPECT_EQ(find(r, "transport", "M1", {2019, 1})->amount, yuan("120"));  // 4 × 2 × 10 × 1.5
  EXPECT_EQ(find(r, "transport", "M1", {2019, 2})->amount, yuan("90"));   // 3 × 2 × 10 × 1.5
  EXPECT_EQ(find(r, "transport", "M1", {2019, 3})->amount, yuan("120"));
  EXPECT_EQ(r.entitlements.size(), 3u);  // the period is the quarter
}

TEST(transport, a_move_inside_a_month_splits_it_at_the_move) {
  const rb::program prog = policy_from("move", std::string(header) + R"(
parameters:
  transport_per_km: {unit: yuan/km, values: {2019-01-01: 1.5}, source: test}
rules:
  - id: transport
    kind: allowance
    title: {zh: 交通费, en: transport}
    item: transport
    per: member_month
    amount: transport_per_km * 2 * min(round_trips, 4) * distance_km
    responsible: dispatching_unit
    source: test
)");
  const rb::county c = small_county(
      {serving("M1", rb::member_role::member, {{"TA", day(2019, 1, 1), day(2019, 7, 15)}, {"TB", day(2019, 7, 16), std::nullopt}})},
      {record("M1", 7, 20, 4, {{"transport", yuan("150")}})});
  const rb::results r = rb::evaluate(prog, c, rb::period::of_month(2019, 7));
  // 4 trips: TA (10 km) 120 a month, TB (20 km) 240 a month, weighted by days served:
  //   TA 07-01..07-15: 120 × 15/31 = 58.0645… → 58.06;  TB 07-16..07-31: 240 × 16/31 = 123.8709… → 123.87.
  const auto slices = all_of(r, "transport", "M1");
  ASSERT_EQ(slices.size(), 2u);
  EXPECT_EQ(slices[0]->team, "TA");
  EXPECT_EQ(slices[0]->amount, yuan("58.06"));
  EXPECT_FALSE(slices[0]->paid.has_value());
  EXPECT_EQ(slices[1]->team, "TB");
  EXPECT_EQ(slices[1]->amount, yuan("123.87"));
  EXPECT_EQ(slices[1]->paid, yuan("150"));  // the month's payment, once, with its last slice
  // 150 paid against 181.93 owed for the month: 31.93 short.
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].expected, "181.93");
  EXPECT_EQ(r.findings[0].slice, (rb::date_range{day(2019, 7, 1), day(2019, 7, 31)}));
  EXPECT_EQ(r.findings[0].message, "transport for 2019-07 paid 150.00 of 181.93 owed: 31.93 short");
}

TEST(allowance, when_false_owes_nothing) {
  const rb::program prog = policy_from("when", std::string(header) + R"(
parameters:
  bonus_per_month: {unit: yuan/month, values: {2019-01-01: 300}, source: test}
rules:
  - id: leader_bonus
    kind: allowance
    title: {zh: 队长补贴, en: leader bonus}
    item: leader_bonus
    per: member_month
    when: role == 'leader'
    amount: bonus_per_month
    source: test
)");
  const rb::county c = small_county({serving("M1", rb::member_role::member, {{"TA", day(2019, 1, 1), std::nullopt}}),
                                     serving("M2", rb::member_role::leader, {{"TA", day(2019, 1, 1), std::nullopt}})},
                                    {});
  const rb::results r = rb::evaluate(prog, c, rb::period::of_month(2019, 3));
  ASSERT_EQ(r.entitlements.size(), 1u);
  EXPECT_EQ(r.entitlements[0].subject_id, "M2");
  EXPECT_EQ(r.entitlements[0].amount, yuan("300"));
  ASSERT_EQ(r.totals.size(), 1u);
  EXPECT_EQ(r.totals[0].owed, yuan("300"));
}

TEST(liuba, first_secretary_funds_per_member_year_and_team_work_funds_prorated) {
  const rb::program prog = rb::compile(rb::load_policy_or_throw(source("rules/liuba-2020.yaml")));
  rb::county c = small_county({serving("S1", rb::member_role::first_secretary, {{"TA", day(2020, 3, 1), std::nullopt}}),
                               serving("M1", rb::member_role::member, {{"TA", day(2020, 2, 1), std::nullopt}})},
                              {});
  c.teams[0].funds_received = {{day(2020, 4, 1), yuan("5000"), "U1"}};
  const rb::results r = rb::evaluate(prog, c, rb::period::of_year(2020));
  // 2020 has 366 days. S1 serves 03-01..12-31: 31+30+31+30+31+31+30+31+30+31 = 306 days:
  //   10000 × 306/366 = 8360.6557… → 8360.66.
  const auto secretary = all_of(r, "first_secretary_funds", "S1");
  ASSERT_EQ(secretary.size(), 1u);
  EXPECT_EQ(secretary[0]->amount, yuan("8360.66"));
  EXPECT_EQ(secretary[0]->slice, (rb::date_range{day(2020, 3, 1), day(2020, 12, 31)}));
  EXPECT_TRUE(all_of(r, "first_secretary_funds", "M1").empty());  // when: role == 'first_secretary'
  // TA has a member serving from 02-01: 29 + 306 = 335 days: 10000 × 335/366 = 9153.0054… → 9153.01.
  const auto funds = all_of(r, "work_funds", "TA");
  ASSERT_EQ(funds.size(), 1u);
  EXPECT_EQ(funds[0]->amount, yuan("9153.01"));
  EXPECT_EQ(funds[0]->subject, rb::subject_kind::team);
  EXPECT_EQ(funds[0]->unit, "U1");
  EXPECT_EQ(funds[0]->paid, yuan("5000"));
  EXPECT_TRUE(all_of(r, "work_funds", "TB").empty());  // nobody serves there
  const auto short_funds = std::find_if(r.findings.begin(), r.findings.end(),
                                        [](const rb::finding& f) { return f.rule == "work_funds"; });
  ASSERT_NE(short_funds, r.findings.end());
  EXPECT_EQ(short_funds->message, "team work funds for 2020-02-01..2020-12-31 paid 5000.00 of 9153.01 owed: 4153.01 short");
  EXPECT_EQ(short_funds->responsible_unit, "U1");  // the lead unit

  const std::string text = rb::explain(prog, c, r, *funds[0]);
  EXPECT_NE(text.find("work_funds_per_team_year = 10000 yuan/year, in force since 2020-01-01"), std::string::npos) << text;
  EXPECT_NE(text.find("× 335 days served / 366 days in the period: 3350000 / 366 = 9153.0055"), std::string::npos) << text;
  EXPECT_NE(text.find("9153.0055 → 9153.01"), std::string::npos) << text;
}

TEST(allowance, a_period_before_a_parameters_first_value_names_the_rule_and_the_subject) {
  const rb::program prog = rb::compile(rb::load_policy_or_throw(source("rules/liuba-2020.yaml")));  // values from 2020
  const rb::county c = small_county({serving("M1", rb::member_role::member, {{"TA", day(2019, 1, 1), std::nullopt}})}, {});
  try {
    (void)rb::evaluate(prog, c, rb::period::of_month(2019, 12));
    FAIL() << "expected an evaluation_error";
  } catch (const rb::evaluation_error& e) {
    EXPECT_STREQ(e.what(),
                 "rule 'living', M1 2019-12-01..2019-12-31: parameter 'living_per_day' has no value in force on 2019-12-01");
  }
}
