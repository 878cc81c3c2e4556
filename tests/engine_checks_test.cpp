// The evaluator's checks, quota and penalties over the Qiyang sample county
// (examples/qiyang/README.md: planted failures P1–P9 and P13), and their
// boundaries on small counties built here. Every expected value is worked out
// by hand from the data; the arithmetic is written beside it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "engine_fixture.hpp"
#include "rulebook/load.hpp"
#include "rulebook/policy.hpp"

#if __has_include("rulebook/detail/engine_allowance.hpp")
#include "rulebook/engine.hpp"
#define RULEBOOK_TEST_HAS_ENGINE 1
#else
#error "engine_checks_test needs rulebook/engine.hpp, which needs the allowance stage (detail/engine_allowance.hpp)"
#endif

namespace fs = std::filesystem;
namespace rb = rulebook;

namespace {

rb::date day(int y, int m, int d) {
  return rb::date(static_cast<unsigned short>(y), static_cast<unsigned short>(m), static_cast<unsigned short>(d));
}

rb::date_range days(rb::date a, rb::date b) { return {a, b}; }

const fs::path source_dir = RULEBOOK_SOURCE_DIR;

struct sample {
  rb::policy qiyang = rb::load_policy_or_throw(source_dir / "rules/qiyang-2019.yaml");
  rb::policy national = rb::load_policy_or_throw(source_dir / "rules/national-2017.yaml");
  rb::county county = rb::load_county_or_throw(source_dir / "examples/qiyang/county.yaml");
};

const sample& data() {
  static const sample s;
  return s;
}

/// The whole evaluation of the sample for 2019, computed once.
const rb::results& qiyang_2019() {
  static const rb::results r = rb::evaluate(rb::compile(data().qiyang), data().county, rb::period::of_year(2019));
  return r;
}

/// Only the checks stage (and, when asked, quota and penalties), over any county.
rb::results run_checks(const rb::policy& p, const rb::county& c, const rb::period& when, bool quota_and_penalties = false) {
  const rb::program prog = rb::compile(p);
  const rb::detail::county_index index(c);
  const rb::detail::eval_context ctx{prog, prog.rules(), c, when, index};
  rb::results r;
  rb::detail::evaluate_checks(ctx, r);
  if (quota_and_penalties) {
    rb::detail::evaluate_quotas(ctx, r);
    rb::detail::evaluate_penalties(ctx, r);
  }
  return r;
}

rb::quota_result run_quota(const rb::policy& p, const rb::county& c) {
  const rb::program prog = rb::compile(p);
  const rb::detail::county_index index(c);
  const rb::period year = rb::period::of_year(2019);
  const rb::detail::eval_context ctx{prog, prog.rules(), c, year, index};
  rb::results r;
  rb::detail::evaluate_quotas(ctx, r);
  EXPECT_EQ(r.quotas.size(), 1u);
  return r.quotas.empty() ? rb::quota_result{} : r.quotas.front();
}

std::vector<rb::finding> of_rule(const rb::results& r, std::string_view rule) {
  std::vector<rb::finding> out;
  for (const rb::finding& f : r.findings)
    if (f.rule == rule) out.push_back(f);
  return out;
}

rb::member& member(rb::county& c, std::string_view id) {
  return *std::find_if(c.members.begin(), c.members.end(), [&](const rb::member& m) { return m.id == id; });
}

rb::quota_rule& quota_of(rb::policy& p) {
  for (rb::rule& r : p.rules)
    if (auto* q = std::get_if<rb::quota_rule>(&r.body)) return *q;
  throw std::logic_error("no quota rule");
}

void set_parameter(rb::policy& p, std::string_view id, std::string_view value) {
  for (rb::parameter& q : p.parameters)
    if (q.id == id) {
      q.values.resize(1);
      q.values.front().value = rb::decimal::parse(value);
      return;
    }
  throw std::logic_error("no parameter");
}

std::vector<std::string> within_quota(const rb::quota_result& q) {
  std::vector<std::string> out;
  for (const rb::quota_place& p : q.ranking)
    if (p.within_quota) out.push_back(p.member);
  return out;
}

// ---- minimum: accident insurance (P1, P2) -------------------------------------------------

TEST(accident_insurance, finds_the_under_insured_member_and_the_lapse_and_nothing_else) {
  const auto found = of_rule(qiyang_2019(), "accident_insurance");
  ASSERT_EQ(found.size(), 2u);
  // P1: M009 (T02, U02) holds one policy of 150000 for all of 2019.
  EXPECT_EQ(found[0].subject_id, "M009");
  EXPECT_EQ(found[0].responsible_unit, "U02");
  EXPECT_EQ(found[0].slice, days(day(2019, 1, 1), day(2019, 12, 31)));
  EXPECT_EQ(found[0].expected, "200000");
  EXPECT_EQ(found[0].actual, "150000");
  EXPECT_EQ(found[0].severity, rb::finding_severity::violation);
  EXPECT_EQ(found[0].kind, rb::rule_kind::minimum);
  // P2: M018 (T04, U05): 01-01..06-30 and 08-01..12-31, so July (31 days) is uncovered.
  EXPECT_EQ(found[1].subject_id, "M018");
  EXPECT_EQ(found[1].responsible_unit, "U05");
  EXPECT_EQ(found[1].slice, days(day(2019, 7, 1), day(2019, 7, 31)));
  EXPECT_EQ(found[1].actual, "0");
}

TEST(accident_insurance, cover_exactly_at_the_minimum_passes_and_one_fen_under_fails) {
  rb::county c = data().county;
  member(c, "M009").insurance.front().cover = rb::money::parse("200000");
  EXPECT_EQ(of_rule(run_checks(data().qiyang, c, rb::period::of_year(2019)), "accident_insurance").size(), 1u);  // M018 only

  member(c, "M009").insurance.front().cover = rb::money::parse("199999.99");
  const auto found = of_rule(run_checks(data().qiyang, c, rb::period::of_year(2019)), "accident_insurance");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].subject_id, "M009");
  EXPECT_EQ(found[0].actual, "199999.99");
}

TEST(accident_insurance, a_lapse_mid_year_is_one_finding_with_its_dates) {
  rb::county c = data().county;
  // M001 (U01, 300000): cover 01-01..03-31, then none until a new policy from 04-16.
  auto& ins = member(c, "M001").insurance;
  ins.front().to = day(2019, 3, 31);
  ins.push_back({rb::money::parse("300000"), day(2019, 4, 16), day(2019, 12, 31), "中国人寿"});
  const auto found = of_rule(run_checks(data().qiyang, c, rb::period::of_year(2019)), "accident_insurance");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].subject_id, "M001");
  EXPECT_EQ(found[0].slice, days(day(2019, 4, 1), day(2019, 4, 15)));  // 15 days
  EXPECT_EQ(found[0].actual, "0");
  EXPECT_EQ(found[0].responsible_unit, "U01");
}

TEST(accident_insurance, policies_are_not_added_together) {
  rb::county c = data().county;
  // Two policies of 100000 each in force together are not one of 200000.
  auto& ins = member(c, "M010").insurance;
  ins.front().cover = rb::money::parse("100000");
  ins.push_back({rb::money::parse("100000"), day(2019, 1, 1), day(2019, 12, 31), "平安保险"});
  const auto found = of_rule(run_checks(data().qiyang, c, rb::period::of_year(2019)), "accident_insurance");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[1].subject_id, "M010");
  EXPECT_EQ(found[1].actual, "100000");
}

TEST(accident_insurance, only_days_of_service_are_judged) {
  // M037 joins 2019-07-16 and is covered 2019-07-16..2020-07-15: no gap before he serves.
  for (const auto& f : of_rule(qiyang_2019(), "accident_insurance")) EXPECT_NE(f.subject_id, "M037");
}

TEST(accident_insurance, a_chain_of_renewals_covers_every_day_and_a_one_day_break_in_it_is_found) {
  rb::county c = data().county;
  // M001 (U01): three policies back to back, the last of them listed first, the
  // middle one of exactly the minimum, and one under the minimum across the whole year.
  auto& ins = member(c, "M001").insurance;
  ins = {{rb::money::parse("500000"), day(2019, 9, 1), day(2019, 12, 31), "平安保险"},
         {rb::money::parse("100000"), day(2019, 1, 1), day(2019, 12, 31), "平安保险"},
         {rb::money::parse("300000"), day(2019, 1, 1), day(2019, 4, 30), "中国人寿"},
         {rb::money::parse("200000"), day(2019, 5, 1), day(2019, 8, 31), "中国人寿"}};
  EXPECT_EQ(of_rule(run_checks(data().qiyang, c, rb::period::of_year(2019)), "accident_insurance").size(), 2u);  // P1, P2

  // The second ends a day early: 2019-08-31 is covered only by the 100000 policy.
  ins[3].to = day(2019, 8, 30);
  const auto found = of_rule(run_checks(data().qiyang, c, rb::period::of_year(2019)), "accident_insurance");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].subject_id, "M001");
  EXPECT_EQ(found[0].slice, days(day(2019, 8, 31), day(2019, 8, 31)));
  EXPECT_EQ(found[0].actual, "100000");
}

TEST(accident_insurance, a_minimum_raised_mid_period_is_judged_day_by_day) {
  rb::policy p = data().qiyang;
  // 200000 until 2019-06-30, then 300000: M001 (one policy of 300000 all year) passes;
  // M010 (200000 all year) fails from 2019-07-01, 184 days.
  for (rb::parameter& q : p.parameters)
    if (q.id == "accident_cover_minimum") {
      q.values.push_back(q.values.front());
      q.values.back().since = day(2019, 7, 1);
      q.values.back().value = rb::decimal::parse("300000");
    }
  rb::county c = data().county;
  member(c, "M010").insurance = {{rb::money::parse("200000"), day(2019, 1, 1), day(2019, 12, 31), "平安保险"}};
  const auto found = of_rule(run_checks(p, c, rb::period::of_year(2019)), "accident_insurance");
  std::vector<rb::finding> m010;
  for (const rb::finding& f : found)
    if (f.subject_id == "M010") m010.push_back(f);
  ASSERT_EQ(m010.size(), 1u);
  EXPECT_EQ(m010[0].slice, days(day(2019, 7, 1), day(2019, 12, 31)));
  EXPECT_EQ(m010[0].expected, "300000");
  EXPECT_EQ(m010[0].actual, "200000");
  for (const rb::finding& f : found) EXPECT_NE(f.subject_id, "M001");
}

TEST(accident_insurance, a_minimum_too_large_to_work_out_is_an_error_only_when_someone_serves) {
  // 200000 × 10^10 yuan is past what money holds: an error on the first day served, and
  // none for a county whose members served only before the period.
  const rb::program p = rb::testing::policy_from("rulebook-engine-checks", "huge-minimum",
                                                 std::string(rb::testing::policy_header) + R"(parameters:
  cover_minimum: {unit: yuan, values: {2019-01-01: 200000}, source: test}
rules:
  - id: accident_insurance
    kind: minimum
    title: {zh: 意外险, en: accident insurance}
    of: insurance_cover
    at_least: cover_minimum * 10000000000
    each: day_served
    responsible: dispatching_unit
    source: test
)");
  using rb::testing::serving;
  const rb::county before = rb::testing::small_county(
      {serving("M1", rb::member_role::member, {{"TA", day(2018, 1, 1), day(2018, 12, 31)}})}, {});
  const rb::results r = rb::evaluate(p, before, rb::period::of_year(2019));
  EXPECT_TRUE(r.findings.empty());
  const rb::county serving_in_2019 = rb::testing::small_county(
      {serving("M1", rb::member_role::member, {{"TA", day(2019, 3, 1), std::nullopt}})}, {});
  EXPECT_THROW((void)rb::evaluate(p, serving_in_2019, rb::period::of_year(2019)), std::exception);
}

// ---- minimum: health check (P3, P4) ---------------------------------------------------------

TEST(health_check, finds_the_cheap_check_and_the_missing_one_and_nothing_else) {
  const auto found = of_rule(qiyang_2019(), "health_check");
  ASSERT_EQ(found.size(), 2u);
  // P3: M028 (T06, U04), 380 < 500 on 2019-07-29.
  EXPECT_EQ(found[0].subject_id, "M028");
  EXPECT_EQ(found[0].responsible_unit, "U04");
  EXPECT_EQ(found[0].expected, "500");
  EXPECT_EQ(found[0].actual, "380");
  EXPECT_EQ(found[0].slice, days(day(2019, 1, 1), day(2019, 12, 31)));
  // P4: M033 (T07, U03), whose only check is of 2018-05-16.
  EXPECT_EQ(found[1].subject_id, "M033");
  EXPECT_EQ(found[1].responsible_unit, "U03");
  EXPECT_EQ(found[1].actual, "none");
}

TEST(health_check, a_check_at_exactly_the_minimum_passes) {
  rb::county c = data().county;
  member(c, "M028").health_checks.front().cost = rb::money::parse("500");
  const auto found = of_rule(run_checks(data().qiyang, c, rb::period::of_year(2019)), "health_check");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject_id, "M033");
}

// ---- kit (P5, P6) ----------------------------------------------------------------------------

TEST(six_items, finds_the_missing_water_heater_and_the_removed_printer_as_advisories) {
  const auto found = of_rule(qiyang_2019(), "six_items");
  ASSERT_EQ(found.size(), 2u);
  // Teams in county order: T01 before T05.
  // P6: T01's printer is on hand until 2019-06-30.
  EXPECT_EQ(found[0].subject, rb::subject_kind::team);
  EXPECT_EQ(found[0].subject_id, "T01");
  EXPECT_EQ(found[0].expected, "printer");
  EXPECT_EQ(found[0].actual, "missing");
  EXPECT_EQ(found[0].slice, days(day(2019, 7, 1), day(2019, 12, 31)));
  EXPECT_EQ(found[0].responsible_unit, "U01");
  EXPECT_EQ(found[0].severity, rb::finding_severity::advisory);  // 提倡: level advised
  // P5: T05 never has a water heater.
  EXPECT_EQ(found[1].subject_id, "T05");
  EXPECT_EQ(found[1].expected, "water_heater");
  EXPECT_EQ(found[1].slice, days(day(2019, 1, 1), day(2019, 12, 31)));
  EXPECT_EQ(found[1].responsible_unit, "U07");
  EXPECT_EQ(found[1].severity, rb::finding_severity::advisory);
}

TEST(six_items, an_item_renewed_the_next_day_is_on_hand_throughout_and_a_misnamed_one_is_not) {
  rb::county c = data().county;
  rb::team& t01 = *std::find_if(c.teams.begin(), c.teams.end(), [](const rb::team& t) { return t.id == "T01"; });
  // T01's printer (on hand until 2019-06-30, P6) replaced the next day: P6 goes.
  t01.kit.push_back({"printer", day(2019, 7, 1), std::nullopt});
  auto found = of_rule(run_checks(data().qiyang, c, rb::period::of_year(2019)), "six_items");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject_id, "T05");
  // Recorded as "printers", it is not the policy's printer: P6 is back, as before.
  t01.kit.back().item = "printers";
  found = of_rule(run_checks(data().qiyang, c, rb::period::of_year(2019)), "six_items");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].subject_id, "T01");
  EXPECT_EQ(found[0].slice, days(day(2019, 7, 1), day(2019, 12, 31)));
}

TEST(six_items, a_required_item_missing_is_a_violation) {
  rb::policy p = data().qiyang;
  for (rb::rule& r : p.rules)
    if (auto* k = std::get_if<rb::kit_rule>(&r.body))
      for (rb::kit_item& item : k->items) item.level = rb::kit_level::required;
  const auto found = of_rule(run_checks(p, data().county, rb::period::of_year(2019)), "six_items");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].severity, rb::finding_severity::violation);
}

rb::kit_rule& kit_of(rb::policy& p) {
  for (rb::rule& r : p.rules)
    if (auto* k = std::get_if<rb::kit_rule>(&r.body)) return *k;
  throw std::logic_error("no kit rule");
}

TEST(six_items, an_item_no_team_holds_is_missing_on_every_day_of_every_team) {
  // The rule asks for a "heater": no team of the sample records one, so each of
  // the seven teams (every one with a member all year) lacks it all 2019; T01's
  // printer (P6) stays, and T05's water heater (P5) is no longer asked for.
  rb::policy p = data().qiyang;
  kit_of(p).items[3].item = "heater";
  const auto found = of_rule(run_checks(p, data().county, rb::period::of_year(2019)), "six_items");
  ASSERT_EQ(found.size(), 8u);
  EXPECT_EQ(found[0].subject_id, "T01");  // a team's items in the rule's order: printer, then heater
  EXPECT_EQ(found[0].expected, "printer");
  for (std::size_t i = 1; i < found.size(); ++i) {
    EXPECT_EQ(found[i].subject_id, "T0" + std::to_string(i)) << i;
    EXPECT_EQ(found[i].expected, "heater") << i;
    EXPECT_EQ(found[i].slice, days(day(2019, 1, 1), day(2019, 12, 31))) << i;
  }
}

TEST(six_items, held_by_members_each_member_lacks_what_the_team_they_serve_in_that_day_lacks) {
  // `for: member`: T01's five members all year (M001–M005) lack its printer from
  // 2019-07-01 (P6); M006, in T01 to 2019-04-30 and in T05 from 2019-05-01, lacks
  // T05's water heater from then (P5) and had T01's printer before; T05's own
  // five (M022–M026) lack the water heater all year. The lead unit answers: U01
  // for T01, U07 for T05. Eleven findings, by member.
  rb::policy p = data().qiyang;
  kit_of(p).holder = rb::kit_holder::member;
  const auto found = of_rule(run_checks(p, data().county, rb::period::of_year(2019)), "six_items");
  ASSERT_EQ(found.size(), 11u);
  const std::vector<std::string> ids{"M001", "M002", "M003", "M004", "M005", "M006",
                                     "M022", "M023", "M024", "M025", "M026"};
  for (std::size_t i = 0; i < found.size(); ++i) {
    EXPECT_EQ(found[i].subject, rb::subject_kind::member) << i;
    EXPECT_EQ(found[i].subject_id, ids[i]) << i;
    if (i < 5) {
      EXPECT_EQ(found[i].expected, "printer") << i;
      EXPECT_EQ(found[i].slice, days(day(2019, 7, 1), day(2019, 12, 31))) << i;
      EXPECT_EQ(found[i].responsible_unit, "U01") << i;
    } else {
      EXPECT_EQ(found[i].expected, "water_heater") << i;
      EXPECT_EQ(found[i].slice, days(day(2019, i == 5 ? 5 : 1, 1), day(2019, 12, 31))) << i;
      EXPECT_EQ(found[i].responsible_unit, "U07") << i;
    }
  }
}

TEST(county_index, holds_each_members_policies_and_checks_and_each_teams_kit_by_item_code) {
  rb::county c;
  c.teams.resize(3);
  c.teams[0].id = "T1";
  c.teams[0].kit = {{"computer", day(2018, 3, 1), std::nullopt}, {"printer", day(2018, 3, 1), day(2019, 6, 30)}};
  // Another order, and an item no other team has: the index's guess of the next code misses.
  c.teams[1].id = "T2";
  c.teams[1].kit = {{"printer", day(2018, 4, 1), std::nullopt}, {"lamp", day(2018, 4, 2), std::nullopt},
                    {"computer", day(2018, 4, 3), day(2019, 1, 31)}};
  c.teams[2].id = "T3";
  c.members.resize(3);
  c.members[0].id = "A";
  c.members[0].insurance = {{rb::money::yuan(200'000), day(2019, 1, 1), day(2019, 6, 30), "x"},
                            {rb::money::parse("199999.99"), day(2019, 7, 1), day(2019, 12, 31), "y"}};
  c.members[0].health_checks = {{day(2019, 5, 8), rb::money::yuan(500)}};
  c.members[1].id = "B";
  c.members[2].id = "C";
  c.members[2].health_checks = {{day(2018, 5, 8), rb::money::yuan(450)}, {day(2019, 5, 9), rb::money::parse("500.01")}};
  // Made on one thread and on two (the columns on the second), the same.
  for (const unsigned threads : {1u, 2u}) {
    SCOPED_TRACE(threads);
    const rb::detail::county_index index(c, threads);

    ASSERT_EQ(index.policies_of(0).size(), 2u);
    EXPECT_EQ(index.policies_of(0)[0].days, days(day(2019, 1, 1), day(2019, 6, 30)));
    EXPECT_EQ(index.policies_of(0)[0].cover, rb::money::yuan(200'000));
    EXPECT_EQ(index.policies_of(0)[1].days, days(day(2019, 7, 1), day(2019, 12, 31)));
    EXPECT_EQ(index.policies_of(0)[1].cover, rb::money::parse("199999.99"));
    EXPECT_TRUE(index.policies_of(1).empty());
    EXPECT_TRUE(index.policies_of(2).empty());
    ASSERT_EQ(index.checks_of(0).size(), 1u);
    EXPECT_EQ(index.checks_of(0)[0].on, day(2019, 5, 8));
    EXPECT_EQ(index.checks_of(0)[0].cost, rb::money::yuan(500));
    EXPECT_TRUE(index.checks_of(1).empty());
    ASSERT_EQ(index.checks_of(2).size(), 2u);
    EXPECT_EQ(index.checks_of(2)[0].on, day(2018, 5, 8));
    EXPECT_EQ(index.checks_of(2)[1].cost, rb::money::parse("500.01"));

    // Three names, three codes; a name no team holds has none.
    ASSERT_EQ(index.kit_item_count(), 3u);
    const std::uint32_t computer = index.kit_item("computer"), printer = index.kit_item("printer"),
                        lamp = index.kit_item("lamp");
    EXPECT_NE(computer, printer);
    EXPECT_NE(computer, lamp);
    EXPECT_NE(printer, lamp);
    for (const std::uint32_t code : {computer, printer, lamp}) EXPECT_LT(code, 3u);
    EXPECT_EQ(index.kit_item("sofa"), rb::detail::county_index::no_kit_item);
    EXPECT_EQ(index.kit_item("Computer"), rb::detail::county_index::no_kit_item);  // names are compared exactly
    ASSERT_EQ(index.kit_of(0).size(), 2u);
    EXPECT_EQ(index.kit_of(0)[0].item, computer);
    EXPECT_EQ(index.kit_of(0)[0].days, rb::date_range::from(day(2018, 3, 1)));  // no end: on hand from then on
    EXPECT_EQ(index.kit_of(0)[1].item, printer);
    EXPECT_EQ(index.kit_of(0)[1].days, days(day(2018, 3, 1), day(2019, 6, 30)));
    ASSERT_EQ(index.kit_of(1).size(), 3u);
    EXPECT_EQ(index.kit_of(1)[0].item, printer);
    EXPECT_EQ(index.kit_of(1)[1].item, lamp);
    EXPECT_EQ(index.kit_of(1)[1].days, rb::date_range::from(day(2018, 4, 2)));
    EXPECT_EQ(index.kit_of(1)[2].item, computer);
    EXPECT_EQ(index.kit_of(1)[2].days, days(day(2018, 4, 3), day(2019, 1, 31)));
    EXPECT_TRUE(index.kit_of(2).empty());
  }
}

// ---- obligations (P7, P8, P9) ------------------------------------------------------------------

TEST(sponsor_visits, finds_the_sponsor_unit_that_never_visits) {
  // 13 (unit, team) pairs: T01 U01 U07, T02 U02 U09, T03 U06, T04 U05 U08, T05 U07 U01,
  // T06 U04 U02, T07 U03 U05; 12 sponsor_unit visits; U09 → T02 has none (P7).
  const auto found = of_rule(qiyang_2019(), "sponsor_visits");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject, rb::subject_kind::unit);
  EXPECT_EQ(found[0].subject_id, "U09/T02");
  EXPECT_EQ(found[0].responsible_unit, "U09");
  EXPECT_EQ(found[0].slice, days(day(2019, 1, 1), day(2019, 12, 31)));
  EXPECT_EQ(found[0].expected, "1 visit");
  EXPECT_EQ(found[0].actual, "0 visits");
}

TEST(unit_head_visits, finds_the_quarter_the_unit_head_missed) {
  // 12 pairs × 4 quarters = 48 due; 47 visits; U08 → T04 has none in Jul–Sep (P8).
  const auto found = of_rule(qiyang_2019(), "unit_head_visits");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject_id, "U08/T04");
  EXPECT_EQ(found[0].responsible_unit, "U08");
  EXPECT_EQ(found[0].slice, days(day(2019, 7, 1), day(2019, 9, 30)));
  EXPECT_EQ(found[0].actual, "0 visits");
}

TEST(members_meetings, finds_the_member_absent_from_the_june_forum) {
  // H1: the 2019-06-20 forum has 35 attendees — all 36 serving then (M037 joins in July) but M035 (P9).
  // H2: everyone serving attends 2019-09-26.
  const auto found = of_rule(qiyang_2019(), "members_meetings");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject_id, "M035");
  EXPECT_EQ(found[0].subject, rb::subject_kind::member);
  EXPECT_EQ(found[0].slice, days(day(2019, 1, 1), day(2019, 6, 30)));
  EXPECT_EQ(found[0].responsible_unit, "");  // responsible: county
  EXPECT_EQ(found[0].expected, "1 meeting");
  EXPECT_EQ(found[0].actual, "0 meetings");
}

TEST(obligations, the_other_care_duties_are_met) {
  EXPECT_EQ(of_rule(qiyang_2019(), "town_leader_visits").size(), 0u);  // 28 visits = 7 teams × 4 quarters
  EXPECT_EQ(of_rule(qiyang_2019(), "leaders_meetings").size(), 0u);    // the 7 leaders attend all 4 meetings
}

TEST(leaders_meetings, a_leader_absent_from_a_quarter_is_reported_and_members_are_not_subjects) {
  rb::county c = data().county;
  // M007 (leader, T02, U02) misses the 2019-09-12 meeting: his Q3 has none. Members (role
  // `member`) attend no leaders' meeting and are not subjects of the rule.
  for (rb::meeting& m : c.meetings)
    if (m.on == day(2019, 9, 12)) std::erase(m.attendees, "M007");
  const auto found = of_rule(run_checks(data().qiyang, c, rb::period::of_year(2019)), "leaders_meetings");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject_id, "M007");
  EXPECT_EQ(found[0].slice, days(day(2019, 7, 1), day(2019, 9, 30)));
  EXPECT_EQ(found[0].actual, "0 meetings");
}

/// The qiyang policy with `members_meetings` judged per `each` instead of per member.
rb::policy members_meetings_for_each(rb::obligation_subject each) {
  rb::policy p = data().qiyang;
  for (rb::rule& r : p.rules)
    if (r.id == "members_meetings") std::get<rb::obligation_rule>(r.body).for_each = each;
  return p;
}

/// The county with the 2019-06-20 forum (H1's only members' meeting) attended as `edit` leaves it.
template <class Edit>
rb::county with_june_forum(Edit edit) {
  rb::county c = data().county;
  for (rb::meeting& m : c.meetings)
    if (m.on == day(2019, 6, 20)) edit(m.attendees);
  return c;
}

std::vector<rb::finding> about(const std::vector<rb::finding>& found, std::string_view team) {
  std::vector<rb::finding> out;
  for (const rb::finding& f : found)
    if (f.subject_id.ends_with(team)) out.push_back(f);
  return out;
}

TEST(meetings, a_team_counts_a_meeting_once_when_any_member_serving_in_it_that_day_attended) {
  // T01 in H1: M001–M005, and M006 until 2019-04-30 (in T05 from May, so on 06-20 he attends for T05).
  const rb::policy p = members_meetings_for_each(rb::obligation_subject::team);
  const auto drop = [](std::vector<std::string>& ids, std::initializer_list<const char*> gone) {
    for (const char* id : gone) std::erase(ids, id);
  };
  // M001 alone of T01, listed twice: one meeting.
  const rb::county one = with_june_forum([&](std::vector<std::string>& ids) {
    drop(ids, {"M002", "M003", "M004", "M005"});
    ids.push_back("M001");
  });
  EXPECT_TRUE(about(of_rule(run_checks(p, one, rb::period::of_year(2019)), "members_meetings"), "T01").empty());

  const rb::county none = with_june_forum([&](std::vector<std::string>& ids) { drop(ids, {"M001", "M002", "M003", "M004", "M005"}); });
  const auto found = about(of_rule(run_checks(p, none, rb::period::of_year(2019)), "members_meetings"), "T01");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject, rb::subject_kind::team);
  EXPECT_EQ(found[0].subject_id, "T01");
  EXPECT_EQ(found[0].slice, days(day(2019, 1, 1), day(2019, 6, 30)));
  EXPECT_EQ(found[0].actual, "0 meetings");
}

TEST(meetings, a_pair_of_unit_and_team_counts_only_its_units_members_in_that_team) {
  // U07 in T01: M005, and M006 until April. Without M005, U07/T01 had none on 06-20 (M006
  // attended, but for U07/T05); U01/T01 (M001–M004) had its meeting.
  const rb::policy p = members_meetings_for_each(rb::obligation_subject::unit_team);
  const rb::county c = with_june_forum([](std::vector<std::string>& ids) { std::erase(ids, "M005"); });
  const auto found = about(of_rule(run_checks(p, c, rb::period::of_year(2019)), "members_meetings"), "T01");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject_id, "U07/T01");
  EXPECT_EQ(found[0].responsible_unit, "");  // the county answers for the forum
  EXPECT_EQ(found[0].slice, days(day(2019, 1, 1), day(2019, 6, 30)));
  EXPECT_EQ(found[0].actual, "0 meetings");
  EXPECT_TRUE(about(of_rule(run_checks(p, c, rb::period::of_year(2019)), "members_meetings"), "T05").empty());
}

TEST(meetings, a_meeting_counts_once_for_a_team_however_many_of_its_members_attended) {
  // A copy of the Qiyang policy asking two forums a half year, judged per team: H1 has one
  // forum (06-20), so every team that attended it has 1, not one per member who came.
  const fs::path dir = fs::temp_directory_path() / "rulebook-engine-checks-two-forums";
  fs::create_directories(dir);
  fs::copy_file(source_dir / "rules/national-2017.yaml", dir / "national-2017.yaml",
                fs::copy_options::overwrite_existing);
  std::string text;
  {
    std::ifstream in(source_dir / "rules/qiyang-2019.yaml", std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::string once = "en: members' forums a half year}\n    unit: count\n    values: {2019-01-01: 1}";
  const std::size_t at = text.find(once);
  ASSERT_NE(at, std::string::npos);
  text.replace(at + once.size() - 2, 1, "2");
  std::ofstream(dir / "qiyang-2019.yaml", std::ios::binary) << text;
  rb::policy p = rb::load_policy_or_throw(dir / "qiyang-2019.yaml");
  fs::remove_all(dir);
  for (rb::rule& r : p.rules)
    if (r.id == "members_meetings") std::get<rb::obligation_rule>(r.body).for_each = rb::obligation_subject::team;

  const auto found = about(of_rule(run_checks(p, data().county, rb::period::of_year(2019)), "members_meetings"), "T01");
  ASSERT_EQ(found.size(), 2u);  // H1 and H2: T01's five members came to each forum, one forum each
  for (const rb::finding& f : found) {
    EXPECT_EQ(f.expected, "2 meetings");
    EXPECT_EQ(f.actual, "1 meeting");
  }
}

TEST(obligations, a_half_year_judges_its_two_quarters_only) {
  const rb::results h2 = run_checks(data().qiyang, data().county, rb::period::of_half_year(2019, 2));
  const auto head = of_rule(h2, "unit_head_visits");
  ASSERT_EQ(head.size(), 1u);  // Q3 and Q4 judged; Q3 is U08's miss
  EXPECT_EQ(head[0].slice, days(day(2019, 7, 1), day(2019, 9, 30)));
  EXPECT_EQ(of_rule(h2, "sponsor_visits").size(), 0u);    // the year is not whole inside H2: not judged
  EXPECT_EQ(of_rule(h2, "members_meetings").size(), 0u);  // H2: all attend 09-26

  // 2019-08-15..2019-12-31 holds only part of Q3: only Q4 is judged, and U08 visits on 10-24.
  const rb::results part = run_checks(data().qiyang, data().county,
                                      rb::period::of_range(day(2019, 8, 15), day(2019, 12, 31)));
  EXPECT_EQ(of_rule(part, "unit_head_visits").size(), 0u);
}

TEST(obligations, a_visit_counts_only_for_its_own_unit_and_team) {
  rb::county c = data().county;
  // U08's Q3 visit made to T07 instead of T04 does not meet T04's quarter.
  c.visits.push_back({day(2019, 8, 20), rb::visitor_role::unit_head, "U08", "T07"});
  EXPECT_EQ(of_rule(run_checks(data().qiyang, c, rb::period::of_year(2019)), "unit_head_visits").size(), 1u);
  c.visits.push_back({day(2019, 8, 21), rb::visitor_role::unit_head, "U08", "T04"});
  EXPECT_EQ(of_rule(run_checks(data().qiyang, c, rb::period::of_year(2019)), "unit_head_visits").size(), 0u);
}

// ---- team size and term (national-2017) ------------------------------------------------------------

rb::county small_county() {
  rb::county c;
  c.units.push_back({"U1", "县财政局", rb::unit_kind::county_department});
  rb::team t;
  t.id = "T1";
  t.lead_unit = "U1";
  c.teams.push_back(t);
  for (const char* id : {"A", "B"}) {
    rb::member m;
    m.id = id;
    m.unit = "U1";
    m.service.push_back({"T1", day(2018, 3, 1), std::nullopt});
    c.members.push_back(m);
  }
  return c;
}

TEST(team_size, a_team_of_two_is_below_the_national_three) {
  const auto found = of_rule(run_checks(data().national, small_county(), rb::period::of_year(2019)), "team_size");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject_id, "T1");
  EXPECT_EQ(found[0].slice, days(day(2019, 1, 1), day(2019, 12, 31)));
  EXPECT_EQ(found[0].expected, "3 members");
  EXPECT_EQ(found[0].actual, "2 members");
  EXPECT_EQ(found[0].severity, rb::finding_severity::advisory);  // 一般不少于3人
  EXPECT_EQ(found[0].responsible_unit, "");                      // responsible: county
}

TEST(team_size, a_third_member_for_part_of_the_year_leaves_the_other_days_short) {
  rb::county c = small_county();
  rb::member m;
  m.id = "C";
  m.unit = "U1";
  m.service.push_back({"T1", day(2019, 4, 1), day(2019, 9, 30)});
  c.members.push_back(m);
  const auto found = of_rule(run_checks(data().national, c, rb::period::of_year(2019)), "team_size");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].slice, days(day(2019, 1, 1), day(2019, 3, 31)));
  EXPECT_EQ(found[1].slice, days(day(2019, 10, 1), day(2019, 12, 31)));
}

TEST(team_size, the_qiyang_teams_keep_four_to_six) {
  EXPECT_EQ(of_rule(qiyang_2019(), "team_size").size(), 0u);
}

TEST(term, service_that_ends_short_of_two_years_is_reported) {
  rb::county c = small_county();
  c.members[1].service.front().to = day(2019, 6, 30);  // 2018-03-01..2019-06-30: 487 days
  const auto found = of_rule(run_checks(data().national, c, rb::period::of_year(2019)), "term");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject_id, "B");
  EXPECT_EQ(found[0].responsible_unit, "U1");
  EXPECT_EQ(found[0].expected, "2 years");
  EXPECT_EQ(found[0].actual, "487 days");  // 306 days of 2018 (from 03-01) + 181 of 2019
  EXPECT_EQ(found[0].severity, rb::finding_severity::advisory);
}

TEST(term, two_years_exactly_passes_and_a_move_does_not_break_service) {
  rb::county c = small_county();
  c.members[1].service.front().to = day(2020, 2, 29);  // 2018-03-01 + 2 years − 1 day
  EXPECT_EQ(of_rule(run_checks(data().national, c, rb::period::of_year(2020)), "term").size(), 0u);
  c.members[1].service.front().to = day(2019, 2, 28);
  c.members[1].service.push_back({"T1", day(2019, 3, 1), day(2020, 2, 28)});  // joined: one day short
  const auto found = of_rule(run_checks(data().national, c, rb::period::of_year(2020)), "term");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].slice, days(day(2018, 3, 1), day(2020, 2, 28)));
}

TEST(term, the_qiyang_sample_has_no_short_term) {
  // M031 served 2017-09-01..2019-09-30, past the two years to 2019-08-31; everyone else is still serving.
  EXPECT_EQ(of_rule(qiyang_2019(), "term").size(), 0u);
}

// ---- attendance ---------------------------------------------------------------------------------------

TEST(attendance, days_away_on_duty_count_up_to_the_cap) {
  const fs::path dir = fs::temp_directory_path() / "rulebook-engine-checks-attendance";
  fs::create_directories(dir);
  std::ofstream(dir / "p.yaml") << R"(policy:
  id: attendance-test
  title: {zh: 测试, en: test}
  jurisdiction: {zh: 测试, en: test}
  governs: {from: 2019-01-01}
parameters:
  min_days_per_month:
    unit: days
    values: {2019-01-01: 20}
    source: "county choice: test"
  max_days_away_counted:
    unit: days
    values: {2019-01-01: 5}
    source: "county choice: test"
rules:
  - id: days_in_village
    kind: attendance
    title: {zh: 在村时间, en: days in the village}
    at_least: min_days_per_month
    each: month
    counting_days_away_on_duty: max_days_away_counted
    responsible: dispatching_unit
    source: "county choice: test"
)";
  const rb::policy p = rb::load_policy_or_throw(dir / "p.yaml");
  rb::county c = small_county();
  // A: 14 days in the village + 7 away (5 count) = 19 < 20. B: 16 + 4 = 20.
  c.months.push_back({"A", {2019, 3}, 14, 0, 7, {}});
  c.months.push_back({"B", {2019, 3}, 16, 0, 4, {}});
  const auto found = of_rule(run_checks(p, c, rb::period::of_month(2019, 3)), "days_in_village");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject_id, "A");
  EXPECT_EQ(found[0].expected, "20 days");
  EXPECT_EQ(found[0].actual, "19 days");
  EXPECT_EQ(found[0].responsible_unit, "U1");
  fs::remove_all(dir);
}

// ---- quota (P13) --------------------------------------------------------------------------------------

TEST(excellent_quota, seven_places_and_the_tie_decided_by_days_in_the_village) {
  ASSERT_EQ(qiyang_2019().quotas.size(), 1u);
  const rb::quota_result& q = qiyang_2019().quotas.front();
  EXPECT_EQ(q.population, 37u);   // every member who served in 2019 (M031 and M037 included)
  EXPECT_EQ(q.places, 7u);        // 0.2 × 37 = 7.4, floor → 7
  // Ranks 1–6 by score: M012 96.5, M007 95.2, M027 94.8, M001 93.6, M032 93.0, M017 92.4.
  // The 91.5 tie, by days in the village in 2019:
  //   M022 22+26+24+24+20+26+24+24+26+21+24+18 = 279
  //   M034 25+26+22+25+21+19+25+25+26+20+19+19 = 272
  //   M003 19+18+25+20+22+24+24+24+25+20+22+24 = 267
  // so M022 takes the 7th place; M034 (8), M003 (9) and M020 (90.8, 10) are over.
  EXPECT_EQ(within_quota(q), (std::vector<std::string>{"M012", "M007", "M027", "M001", "M032", "M017", "M022"}));
  EXPECT_EQ(q.over_quota, (std::vector<std::string>{"M034", "M003", "M020"}));
  EXPECT_EQ(q.ranking.size(), 37u);  // every resident member has a 2019 assessment
  EXPECT_EQ(q.ranking[6].rank, 7u);
  EXPECT_EQ(q.ranking[9].member, "M020");
  EXPECT_EQ(q.ranking[9].rank, 10u);
  EXPECT_FALSE(q.ranking[10].proposed);
}

TEST(excellent_quota, each_proposal_over_the_quota_is_a_finding_against_its_dispatching_unit) {
  // responsible: dispatching_unit — M034 (T07) is U03's, M003 (T01) U01's, M020 (T04) U08's.
  const auto found = of_rule(qiyang_2019(), "excellent_quota");
  ASSERT_EQ(found.size(), 3u);
  const std::vector<std::pair<std::string, std::string>> expected{{"M034", "U03"}, {"M003", "U01"}, {"M020", "U08"}};
  for (std::size_t i = 0; i < found.size(); ++i) {
    EXPECT_EQ(found[i].subject, rb::subject_kind::member);
    EXPECT_EQ(found[i].subject_id, expected[i].first);
    EXPECT_EQ(found[i].responsible_unit, expected[i].second);
    EXPECT_EQ(found[i].severity, rb::finding_severity::violation);
    EXPECT_EQ(found[i].kind, rb::rule_kind::quota);
    EXPECT_EQ(found[i].slice, days(day(2019, 1, 1), day(2019, 12, 31)));
    EXPECT_EQ(found[i].expected, "7 places");
  }
  EXPECT_EQ(found[0].actual, "rank 8");
  EXPECT_EQ(found[2].actual, "rank 10");
}

TEST(excellent_quota, ceiling_gives_eight_places) {
  rb::policy p = data().qiyang;
  quota_of(p).round = rb::rounding::ceiling;  // 7.4 → 8
  const rb::quota_result q = run_quota(p, data().county);
  EXPECT_EQ(q.places, 8u);
  EXPECT_EQ(q.over_quota, (std::vector<std::string>{"M003", "M020"}));
}

TEST(excellent_quota, a_three_way_tie_at_the_boundary_is_all_out_or_all_in) {
  rb::policy p = data().qiyang;
  quota_of(p).rank_by = {{rb::rank_key::score, true}};  // M003, M022, M034 equal on every key: 91.5
  quota_of(p).ties = rb::quota_ties::exclude;
  rb::quota_result q = run_quota(p, data().county);
  EXPECT_EQ(q.places, 7u);
  // Six seated; the tie would take places 7–9 of 7: all three left out.
  EXPECT_EQ(within_quota(q).size(), 6u);
  EXPECT_EQ(q.over_quota, (std::vector<std::string>{"M003", "M022", "M034", "M020"}));
  EXPECT_EQ(q.ranking[6].rank, 7u);
  EXPECT_EQ(q.ranking[7].rank, 7u);
  EXPECT_EQ(q.ranking[8].rank, 7u);
  EXPECT_EQ(q.ranking[9].rank, 10u);

  quota_of(p).ties = rb::quota_ties::include;
  q = run_quota(p, data().county);
  EXPECT_EQ(within_quota(q).size(), 9u);
  EXPECT_EQ(q.over_quota, (std::vector<std::string>{"M020"}));
}

TEST(excellent_quota, a_three_way_tie_left_out_is_three_findings_each_against_its_unit) {
  rb::policy p = data().qiyang;
  quota_of(p).rank_by = {{rb::rank_key::score, true}};  // M003, M022, M034 equal at 91.5
  const rb::results r = run_checks(p, data().county, rb::period::of_year(2019), true);
  const auto found = of_rule(r, "excellent_quota");
  // The tie straddles place 7 of 7 and is left out whole; M020 (rank 10) is below it.
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0].subject_id, "M003");
  EXPECT_EQ(found[0].responsible_unit, "U01");
  EXPECT_EQ(found[1].subject_id, "M022");
  EXPECT_EQ(found[1].responsible_unit, "U07");
  EXPECT_EQ(found[2].subject_id, "M034");
  EXPECT_EQ(found[2].responsible_unit, "U03");
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(found[i].actual, "rank 7") << i;
  EXPECT_EQ(found[3].subject_id, "M020");
  EXPECT_EQ(found[3].responsible_unit, "U08");
}

TEST(excellent_quota, rounding_up_seats_one_more_and_leaves_two_findings) {
  rb::policy p = data().qiyang;
  quota_of(p).round = rb::rounding::ceiling;  // 0.2 × 37 = 7.4 → 8: M034 (rank 8) is seated
  const rb::results r = run_checks(p, data().county, rb::period::of_year(2019), true);
  const auto found = of_rule(r, "excellent_quota");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].subject_id, "M003");
  EXPECT_EQ(found[0].expected, "8 places");
  EXPECT_EQ(found[1].subject_id, "M020");
  quota_of(p).round = rb::rounding::half_up;  // 7.4 → 7, as floor
  EXPECT_EQ(of_rule(run_checks(p, data().county, rb::period::of_year(2019), true), "excellent_quota").size(), 3u);
}

TEST(excellent_quota, a_penalty_rule_that_names_the_quota_charges_the_proposing_unit) {
  rb::policy p = data().qiyang;
  for (rb::rule& r : p.rules)
    if (auto* pen = std::get_if<rb::penalty_rule>(&r.body)) pen->lines[1].rules.push_back("excellent_quota");
  // Checks, quota and penalties only (no allowances): U01 (county_department) 2 points for
  // M003 — P6 is an advisory and costs nothing; U03 (institution) P4 2 + M034 2 = 4;
  // U08 (a township) is not a kind the rule penalises, so M020 costs nothing.
  const rb::results r = run_checks(p, data().county, rb::period::of_year(2019), true);
  const auto entry = [&](std::string_view unit) {
    return std::find_if(r.ledger.begin(), r.ledger.end(), [&](const rb::penalty_entry& e) { return e.unit == unit; });
  };
  ASSERT_NE(entry("U01"), r.ledger.end());
  EXPECT_EQ(entry("U01")->points, rb::decimal::from_int(2));
  ASSERT_EQ(entry("U01")->charges.size(), 1u);
  EXPECT_EQ(r.findings[entry("U01")->charges[0].finding].subject_id, "M003");
  ASSERT_NE(entry("U03"), r.ledger.end());
  EXPECT_EQ(entry("U03")->points, rb::decimal::from_int(4));
  EXPECT_EQ(entry("U08"), r.ledger.end());
}

TEST(excellent_quota, a_member_who_left_answers_through_the_lead_unit_of_the_last_team) {
  rb::county c = data().county;
  // M031 (U02) served T06 (lead U04) until 2019-09-30; proposed excellent at 89.7 she is
  // ranked below M020 (90.8), so over the quota of 7.
  member(c, "M031").assessments.front().proposed = rb::grade::excellent;
  rb::policy p = data().qiyang;
  auto found = of_rule(run_checks(p, c, rb::period::of_year(2019), true), "excellent_quota");
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[3].subject_id, "M031");
  EXPECT_EQ(found[3].responsible_unit, "U02");
  for (rb::rule& r : p.rules)
    if (r.id == "excellent_quota") r.responsible = rb::responsible_party::lead_unit;
  found = of_rule(run_checks(p, c, rb::period::of_year(2019), true), "excellent_quota");
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[3].subject_id, "M031");
  EXPECT_EQ(found[3].responsible_unit, "U04");  // not serving on 2019-12-31, still T06's
}

// ---- penalties ------------------------------------------------------------------------------------------

TEST(support_failures, the_ledger_of_the_sample) {
  const rb::results& r = qiyang_2019();
  // Units are county_department or institution (U03); U08 township and U09 enterprise never pay.
  // U02: P1 accident_insurance 2 + P11 transport (one month short) 1 = 3.
  // U03: P4 health_check 2 + P12 work_funds 2 = 4.
  // U04: P3 health_check 2.   U05: P2 accident_insurance 2.
  // U06: P10 living short in 12 months for M014 and for M015: 24 × 1 = 24, capped at 10.
  // U01, U07: only kit advisories, which cost nothing.
  ASSERT_EQ(r.ledger.size(), 5u);
  const auto entry = [&](std::string_view unit) -> const rb::penalty_entry& {
    return *std::find_if(r.ledger.begin(), r.ledger.end(), [&](const rb::penalty_entry& e) { return e.unit == unit; });
  };
  EXPECT_EQ(r.ledger[0].unit, "U02");
  EXPECT_EQ(entry("U02").points, rb::decimal::from_int(3));
  EXPECT_EQ(entry("U02").charges.size(), 2u);
  EXPECT_EQ(entry("U02").notices, 1u);
  EXPECT_FALSE(entry("U02").capped);
  EXPECT_EQ(entry("U03").points, rb::decimal::from_int(4));
  EXPECT_EQ(entry("U04").points, rb::decimal::from_int(2));
  EXPECT_EQ(entry("U05").points, rb::decimal::from_int(2));
  EXPECT_EQ(entry("U06").points_charged, rb::decimal::from_int(24));
  EXPECT_EQ(entry("U06").points, rb::decimal::from_int(10));
  EXPECT_TRUE(entry("U06").capped);
  for (const rb::penalty_charge& ch : entry("U02").charges) {
    ASSERT_LT(ch.finding, r.findings.size());
    EXPECT_EQ(r.findings[ch.finding].responsible_unit, "U02");
    EXPECT_EQ(ch.rule, "support_failures");
  }
}

TEST(support_failures, a_low_cap_caps_every_unit) {
  rb::policy p = data().qiyang;
  set_parameter(p, "points_cap_per_unit_year", "1");
  // Checks only: U02 (P1), U03 (P4), U04 (P3), U05 (P2), each 2 points, capped at 1.
  const rb::results r = run_checks(p, data().county, rb::period::of_year(2019), true);
  ASSERT_EQ(r.ledger.size(), 4u);
  for (const rb::penalty_entry& e : r.ledger) {
    EXPECT_EQ(e.points_charged, rb::decimal::from_int(2)) << e.unit;
    EXPECT_EQ(e.points, rb::decimal::from_int(1)) << e.unit;
    EXPECT_TRUE(e.capped) << e.unit;
  }
  EXPECT_EQ(r.ledger[0].unit, "U02");
  EXPECT_EQ(r.ledger[3].unit, "U05");
}

TEST(support_failures, an_enterprise_unit_is_not_charged) {
  rb::county c = data().county;
  // M009's dispatching unit becomes U09 (an enterprise): P1 is then U09's and costs nothing.
  member(c, "M009").unit = "U09";
  const rb::results r = run_checks(data().qiyang, c, rb::period::of_year(2019), true);
  EXPECT_EQ(of_rule(r, "accident_insurance")[0].responsible_unit, "U09");
  for (const rb::penalty_entry& e : r.ledger) EXPECT_NE(e.unit, "U09");
  EXPECT_EQ(r.ledger.size(), 3u);  // U03, U04, U05
}

// ---- explain --------------------------------------------------------------------------------------------

TEST(explain, a_finding_names_its_rule_threshold_and_facts) {
  const rb::program prog = rb::compile(data().qiyang);
  const auto found = of_rule(qiyang_2019(), "accident_insurance");
  ASSERT_FALSE(found.empty());
  const std::string text = rb::explain(prog, data().county, qiyang_2019(), found[0]);
  EXPECT_NE(text.find("accident_insurance"), std::string::npos) << text;
  EXPECT_NE(text.find("为驻村干部购买保额不低于20万元"), std::string::npos) << text;
  EXPECT_NE(text.find("accident_cover_minimum"), std::string::npos) << text;
  EXPECT_NE(text.find("in force from 2019-01-01"), std::string::npos) << text;
  EXPECT_NE(text.find("150000"), std::string::npos) << text;
  EXPECT_NE(text.find("county choice"), std::string::npos) << text;  // the `each` choice

  const auto quota = of_rule(qiyang_2019(), "excellent_quota");
  ASSERT_FALSE(quota.empty());
  const std::string q = rb::explain(prog, data().county, qiyang_2019(), quota[0]);
  EXPECT_NE(q.find("excellent_share"), std::string::npos) << q;
}

// An evaluation's findings come in the policy's rule order, whatever stage made
// them: the sample's planted failures (examples/qiyang/README.md) are of ten
// rules, the quota's three (the excellence quota, made beside the checks) among
// the checks, after the six items and before the unit heads' visits; on one
// thread and on two alike.
TEST(order_findings_by_rule, an_evaluations_findings_follow_the_policy_the_quotas_among_the_checks) {
  const rb::program prog = rb::compile(data().qiyang);
  for (const unsigned threads : {1u, 2u}) {
    const rb::results r = rb::evaluate(prog, data().county, rb::period::of_year(2019), {.threads = threads});
    std::vector<std::pair<std::string, std::size_t>> runs;  // rule, findings in a row
    for (const rb::finding& f : r.findings)
      if (runs.empty() || runs.back().first != f.rule) runs.emplace_back(f.rule, 1);
      else ++runs.back().second;
    EXPECT_EQ(runs, (std::vector<std::pair<std::string, std::size_t>>{
                        {"work_funds", 1}, {"living", 24}, {"transport", 1}, {"accident_insurance", 2},
                        {"health_check", 2}, {"six_items", 2}, {"excellent_quota", 3}, {"unit_head_visits", 1},
                        {"sponsor_visits", 1}, {"members_meetings", 1}}))
        << threads << " threads";
  }
}

// A policy built by hand (the loader refuses it) may give a check the id of a
// quota that comes before it: that id's findings stay in the order a run of
// one thread gives, the check's (appended first) before the quota's — the
// check right after the quota, or after another check that comes after it.
TEST(order_findings_by_rule, a_check_named_as_an_earlier_quota_keeps_its_findings_first) {
  for (const char* renamed : {"unit_head_visits", "sponsor_visits"}) {
    rb::policy p = data().qiyang;
    for (rb::rule& r : p.rules)
      if (r.id == renamed) r.id = "excellent_quota";
    const rb::program prog = rb::compile(std::move(p));
    for (const unsigned threads : {1u, 2u}) {
      const rb::results r = rb::evaluate(prog, data().county, rb::period::of_year(2019), {.threads = threads});
      std::vector<rb::rule_kind> kinds;
      for (const rb::finding& f : r.findings)
        if (f.rule == "excellent_quota") kinds.push_back(f.kind);
      EXPECT_EQ(kinds, (std::vector<rb::rule_kind>{rb::rule_kind::obligation, rb::rule_kind::quota, rb::rule_kind::quota,
                                                   rb::rule_kind::quota}))
          << renamed << ", " << threads << " threads";
    }
  }
}

TEST(order_findings_by_rule, puts_findings_in_the_policys_rule_order_keeping_each_rules_own) {
  // Findings in by stage: three rules' interleaved, and one of a rule the
  // policy does not have, which goes last. The order they are moved in has
  // cycles of several lengths (place 0 takes 1, 1 takes 3, ...).
  rb::policy p;
  for (const char* id : {"a", "b", "c"}) {
    rb::rule r;
    r.id = id;
    p.rules.push_back(r);
  }
  rb::results r;
  for (const char* f : {"c1", "a1", "zz", "b1", "a2", "c2", "b2", "a3", "c3"}) {
    rb::finding x;
    x.rule = f[0] == 'z' ? "unknown" : std::string(1, f[0]);
    x.subject_id = f;
    r.findings.push_back(x);
  }
  rb::detail::order_findings_by_rule(p, r);
  std::vector<std::string> order;
  for (const rb::finding& f : r.findings) order.push_back(f.subject_id);
  EXPECT_EQ(order, (std::vector<std::string>{"a1", "a2", "a3", "b1", "b2", "c1", "c2", "c3", "zz"}));
  rb::detail::order_findings_by_rule(p, r);  // already in order: as it was
  std::vector<std::string> again;
  for (const rb::finding& f : r.findings) again.push_back(f.subject_id);
  EXPECT_EQ(again, order);
}

TEST(rule_places, gives_each_id_its_first_rules_place_and_an_unknown_id_the_rule_count) {
  rb::policy p;
  for (const char* id : {"a", "b", "a", "c"}) {  // "a" twice, as a hand-built policy may have it
    rb::rule r;
    r.id = id;
    p.rules.push_back(r);
  }
  const rb::detail::rule_places places(p);
  EXPECT_EQ(places.of("a"), 0u);
  EXPECT_EQ(places.of("b"), 1u);
  EXPECT_EQ(places.of("c"), 3u);
  EXPECT_EQ(places.of("unknown"), 4u);
  EXPECT_EQ(places.of(""), 4u);
  EXPECT_EQ(rb::detail::rule_places(rb::policy{}).of("a"), 0u);  // no rules: every id after them
}

}  // namespace
