// Roll-ups: what each member, team, sponsor unit and the county was owed and
// paid, and the findings about each. Figures for the Qiyang sample come from
// examples/qiyang/README.md ("Figures worked out by hand", "Planted failures");
// those of the small counties built here are worked out beside them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "rulebook/engine.hpp"
#include "rulebook/load.hpp"
#include "rulebook/policy.hpp"

namespace fs = std::filesystem;
namespace rb = rulebook;

namespace {

rb::date day(int y, int m, int d) {
  return rb::date(static_cast<unsigned short>(y), static_cast<unsigned short>(m), static_cast<unsigned short>(d));
}
rb::money yuan(std::string_view text) { return rb::money::parse(text); }

fs::path source(std::string_view relative) { return fs::path(RULEBOOK_SOURCE_DIR) / relative; }

/// The Qiyang policy and sample county evaluated for 2019, once for the whole file.
struct qiyang {
  rb::program prog = rb::compile(rb::load_policy_or_throw(source("rules/qiyang-2019.yaml")));
  rb::county data = rb::load_county_or_throw(source("examples/qiyang/county.yaml"));
  rb::results r = rb::evaluate(prog, data, rb::period::of_year(2019));
};
const qiyang& sample() {
  static const qiyang q;
  return q;
}

/// The roll-up of `id` for `item` ("" for all items), or nothing.
std::optional<rb::rollup> find(const rb::results& r, rb::subject_kind kind, std::string_view id,
                               std::string_view item = "") {
  const auto it = std::find_if(r.rollups.begin(), r.rollups.end(), [&](const rb::rollup& x) {
    return x.subject == kind && x.id == id && x.item == item;
  });
  if (it == r.rollups.end()) return std::nullopt;
  return *it;
}

/// Writes a policy file for one test and loads it.
rb::program policy_from(std::string_view name, std::string_view yaml) {
  const fs::path dir = fs::temp_directory_path() / "rulebook-engine-rollup";
  fs::create_directories(dir);
  const fs::path path = dir / (std::string(name) + ".yaml");
  std::ofstream(path, std::ios::binary) << yaml;
  return rb::compile(rb::load_policy_or_throw(path));
}

constexpr std::string_view header = R"(policy:
  id: test
  title: {zh: 测试, en: test}
  jurisdiction: {zh: 测试县, en: Test County}
  governs: {from: 2019-01-01, to: 2019-12-31}
)";

/// Living at 100 a day in the village and transport at 1.5 yuan/km, 2 legs, at most 4 trips.
constexpr std::string_view pay_rules = R"(
parameters:
  living_per_day: {unit: yuan/day, values: {2019-01-01: 100}, source: test}
  transport_per_km: {unit: yuan/km, values: {2019-01-01: 1.5}, source: test}
rules:
  - id: living
    kind: allowance
    title: {zh: 生活补贴, en: living}
    item: living
    per: member_month
    amount: living_per_day * days_in_village
    responsible: dispatching_unit
    source: test
  - id: transport
    kind: allowance
    title: {zh: 交通费, en: transport}
    item: transport
    per: member_month
    amount: transport_per_km * 2 * min(round_trips, 4) * distance_km
    responsible: dispatching_unit
    source: test
)";

/// Two units, and two teams: TA (led by U1, 10 km) and TB (led by U2, 20 km).
rb::county small_county(std::vector<rb::member> members, std::vector<rb::month_record> months) {
  rb::county c;
  c.id = "small";
  c.units = {{"U1", "unit one", rb::unit_kind::county_department}, {"U2", "unit two", rb::unit_kind::county_department}};
  for (const auto& [id, lead, km] : {std::tuple{"TA", "U1", 10}, std::tuple{"TB", "U2", 20}}) {
    rb::team t;
    t.id = id;
    t.lead_unit = lead;
    t.distance_km = rb::decimal::from_int(km);
    c.teams.push_back(std::move(t));
  }
  c.members = std::move(members);
  c.months = rb::month_records(months.begin(), months.end());
  return c;
}

rb::member serving(std::string id, std::string unit, std::vector<rb::service_interval> service) {
  rb::member m;
  m.id = std::move(id);
  m.unit = std::move(unit);
  m.service = std::move(service);
  return m;
}

rb::month_record record(std::string member, int month, int days, int trips, std::vector<rb::paid_amount> paid = {}) {
  return {.member = std::move(member), .month = {2019, month}, .days_in_village = days, .round_trips = trips,
          .days_away_on_duty = 0, .paid = std::move(paid)};
}

}  // namespace

// ---- the Qiyang sample ------------------------------------------------------------------------

TEST(qiyang_rollups, the_county_row_sums_every_item_and_counts_every_finding) {
  const auto all = find(sample().r, rb::subject_kind::county, "qiyang");
  ASSERT_TRUE(all);
  // Owed: living 954600 + transport 199782.60 + communication 43451.61 (M037's July
  // prorated: 43500 − 100 + 51.61) + work funds 7 × 10000 = 1267834.21.
  EXPECT_EQ(all->owed, yuan("1267834.21"));
  // Paid: 944120 + 199647.00 + 43500 + funds received 66000 (6 × 10000 + T07's 6000).
  EXPECT_EQ(all->paid, yuan("1253267.00"));
  // Short: P10 10480 + P11 135.60 + P12 4000. M037's July communication (100 paid
  // of 51.61 owed) is an overpayment and offsets nothing.
  EXPECT_EQ(all->shortfall, yuan("14615.60"));
  // 435 member-months × 3 items, and a work-funds amount per team.
  EXPECT_EQ(all->entitlements, 435u * 3u + 7u);
  EXPECT_EQ(all->unrecorded, 0u);
  // P1–P4, P7, P8, P9, P11, P12 one violation each; P10 24 (12 months × M014, M015);
  // P13 3 (M034, M003, M020): 36. P5 and P6 (kit, advised): 2 advisories.
  EXPECT_EQ(all->violations, 36u);
  EXPECT_EQ(all->advisories, 2u);

  const auto living = find(sample().r, rb::subject_kind::county, "qiyang", "living");
  ASSERT_TRUE(living);
  EXPECT_EQ(living->owed, yuan("954600"));
  EXPECT_EQ(living->paid, yuan("944120"));
  EXPECT_EQ(living->shortfall, yuan("10480"));
  EXPECT_EQ(living->entitlements, 435u);
  EXPECT_EQ(living->violations, 24u);  // only the findings of the living rule
  EXPECT_EQ(living->advisories, 0u);
  const auto communication = find(sample().r, rb::subject_kind::county, "qiyang", "communication");
  ASSERT_TRUE(communication);
  EXPECT_EQ(communication->owed, yuan("43451.61"));
  EXPECT_EQ(communication->paid, yuan("43500"));
  EXPECT_EQ(communication->shortfall, yuan("0"));
  const auto funds = find(sample().r, rb::subject_kind::county, "qiyang", "work_funds");
  ASSERT_TRUE(funds);
  EXPECT_EQ(funds->owed, yuan("70000"));
  EXPECT_EQ(funds->paid, yuan("66000"));
  EXPECT_EQ(funds->shortfall, yuan("4000"));
  EXPECT_EQ(funds->violations, 1u);  // P12
}

TEST(qiyang_rollups, a_member_who_moves_team_is_one_member_row) {
  // M006: living 26100, transport 1852.80 (T01, Jan–Apr) + 3736.20 (T05, May–Dec) = 5589.00,
  // communication 12 × 100: 32889.00 owed and paid; no finding is about her.
  const auto m = find(sample().r, rb::subject_kind::member, "M006");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->owed, yuan("32889.00"));
  EXPECT_EQ(m->paid, yuan("32889.00"));
  EXPECT_EQ(m->shortfall, yuan("0"));
  EXPECT_EQ(m->entitlements, 36u);
  EXPECT_EQ(m->violations + m->advisories, 0u);
  EXPECT_EQ(find(sample().r, rb::subject_kind::member, "M006", "living")->owed, yuan("26100"));
  EXPECT_EQ(find(sample().r, rb::subject_kind::member, "M006", "transport")->owed, yuan("5589.00"));
  EXPECT_EQ(find(sample().r, rb::subject_kind::member, "M006", "communication")->owed, yuan("1200"));
  EXPECT_FALSE(find(sample().r, rb::subject_kind::member, "M006", "work_funds"));  // a team's item
}

TEST(qiyang_rollups, members_paid_short_carry_their_shortfall_and_findings) {
  // P10: M014 owed 26000 (260 days), paid 20800 (at 80 a day): 5200 short, 12 months short.
  const auto m014 = find(sample().r, rb::subject_kind::member, "M014", "living");
  ASSERT_TRUE(m014);
  EXPECT_EQ(m014->owed, yuan("26000"));
  EXPECT_EQ(m014->paid, yuan("20800"));
  EXPECT_EQ(m014->shortfall, yuan("5200"));
  EXPECT_EQ(m014->violations, 12u);
  const auto m015 = find(sample().r, rb::subject_kind::member, "M015", "living");
  ASSERT_TRUE(m015);
  EXPECT_EQ(m015->owed, yuan("26400"));
  EXPECT_EQ(m015->paid, yuan("21120"));
  EXPECT_EQ(m015->shortfall, yuan("5280"));
  // P11: M010's August transport, 542.40 owed, 406.80 paid.
  const auto m010 = find(sample().r, rb::subject_kind::member, "M010", "transport");
  ASSERT_TRUE(m010);
  EXPECT_EQ(m010->shortfall, yuan("135.60"));
  EXPECT_EQ(m010->violations, 1u);
  EXPECT_EQ(find(sample().r, rb::subject_kind::member, "M010")->violations, 1u);
  // M037 joins on 07-16: living 11600, transport 2712.00, communication 51.61 + 5 × 100
  // = 551.61 owed and 600 paid (an overpayment, not a shortfall); 6 months × 3 items.
  const auto m037 = find(sample().r, rb::subject_kind::member, "M037");
  ASSERT_TRUE(m037);
  EXPECT_EQ(m037->owed, yuan("14863.61"));
  EXPECT_EQ(m037->paid, yuan("14912.00"));
  EXPECT_EQ(m037->shortfall, yuan("0"));
  EXPECT_EQ(m037->entitlements, 18u);
  // P9: M035 missed the members' forum; the county answers, so no unit counts it.
  EXPECT_EQ(find(sample().r, rb::subject_kind::member, "M035")->violations, 1u);
}

TEST(qiyang_rollups, units_count_what_they_pay_and_the_findings_they_answer_for) {
  const rb::results& r = sample().r;
  // U06 pays T03's members (all U06) and, as its lead unit, T03's work funds: P10 is its.
  const auto u06 = find(r, rb::subject_kind::unit, "U06", "living");
  ASSERT_TRUE(u06);
  EXPECT_EQ(u06->shortfall, yuan("10480"));  // 5200 + 5280
  EXPECT_EQ(u06->violations, 24u);
  EXPECT_EQ(find(r, rb::subject_kind::unit, "U06")->violations, 24u);
  // U03 leads T07: P12 work funds 6000 of 10000; P4 (M033's health check) and P13 (M034) are its too.
  const auto u03 = find(r, rb::subject_kind::unit, "U03", "work_funds");
  ASSERT_TRUE(u03);
  EXPECT_EQ(u03->owed, yuan("10000"));
  EXPECT_EQ(u03->paid, yuan("6000"));
  EXPECT_EQ(u03->shortfall, yuan("4000"));
  EXPECT_EQ(find(r, rb::subject_kind::unit, "U03")->violations, 3u);
  // U01: P13 (M003) and P6 (the printer, advised).
  EXPECT_EQ(find(r, rb::subject_kind::unit, "U01")->violations, 1u);
  EXPECT_EQ(find(r, rb::subject_kind::unit, "U01")->advisories, 1u);
  // U08 (a township) leads no team, so owes no work funds: P8 and P13 (M020).
  EXPECT_EQ(find(r, rb::subject_kind::unit, "U08")->violations, 2u);
  EXPECT_FALSE(find(r, rb::subject_kind::unit, "U08", "work_funds"));
  // U09 dispatches nobody and leads no team: one row, for P7, with nothing owed or paid.
  const auto u09 = find(r, rb::subject_kind::unit, "U09");
  ASSERT_TRUE(u09);
  EXPECT_EQ(u09->owed, yuan("0"));
  EXPECT_FALSE(u09->paid.has_value());
  EXPECT_EQ(u09->entitlements, 0u);
  EXPECT_EQ(u09->violations, 1u);
  EXPECT_FALSE(find(r, rb::subject_kind::unit, "U09", "living"));
  // Every violation but P9 (the county's) is some unit's: 36 − 1.
  std::size_t by_units = 0;
  for (const rb::rollup& x : r.rollups)
    if (x.subject == rb::subject_kind::unit && x.all_items()) by_units += x.violations;
  EXPECT_EQ(by_units, 35u);
}

TEST(qiyang_rollups, teams_count_the_findings_about_the_team) {
  const rb::results& r = sample().r;
  EXPECT_EQ(find(r, rb::subject_kind::team, "T07")->violations, 1u);  // P12: the team's work funds
  EXPECT_EQ(find(r, rb::subject_kind::team, "T07", "work_funds")->shortfall, yuan("4000"));
  EXPECT_EQ(find(r, rb::subject_kind::team, "T05")->advisories, 1u);  // P5: no water heater
  EXPECT_EQ(find(r, rb::subject_kind::team, "T01")->advisories, 1u);  // P6: the printer
  EXPECT_EQ(find(r, rb::subject_kind::team, "T02")->violations, 0u);  // P1, P11 are members'; P7 U09's
  EXPECT_EQ(find(r, rb::subject_kind::team, "T03", "living")->shortfall, yuan("10480"));
}

TEST(qiyang_rollups, every_entitlement_is_in_one_team_and_one_unit) {
  const rb::results& r = sample().r;
  const auto county = find(r, rb::subject_kind::county, "qiyang");
  ASSERT_TRUE(county);
  for (const rb::subject_kind kind : {rb::subject_kind::team, rb::subject_kind::unit}) {
    rb::money owed, paid, shortfall;
    std::size_t entitlements = 0;
    for (const rb::rollup& x : r.rollups) {
      if (x.subject != kind || !x.all_items()) continue;
      owed += x.owed;
      paid += x.paid.value_or(rb::money{});
      shortfall += x.shortfall;
      entitlements += x.entitlements;
    }
    EXPECT_EQ(owed, county->owed);
    EXPECT_EQ(paid, county->paid);
    EXPECT_EQ(shortfall, county->shortfall);
    EXPECT_EQ(entitlements, county->entitlements);
  }
}

TEST(qiyang_rollups, rows_come_by_kind_in_county_order_all_items_first_then_items_in_total_order) {
  const rb::results& r = sample().r;
  ASSERT_FALSE(r.rollups.empty());
  // 37 members (each with living, transport, communication), 7 teams (and work funds),
  // 9 units (U08 has no work funds, U09 only its row of all items), the county.
  EXPECT_EQ(r.rollups.size(), 37u * 4u + 7u * 5u + (7u * 5u + 4u + 1u) + 5u);
  EXPECT_EQ(r.rollups.front().subject, rb::subject_kind::member);
  EXPECT_EQ(r.rollups.front().id, "M001");
  EXPECT_TRUE(r.rollups.front().all_items());
  EXPECT_EQ(r.rollups[1].item, "living");  // the rule order of qiyang-2019: work_funds, living, transport, communication
  EXPECT_EQ(r.rollups[2].item, "transport");
  EXPECT_EQ(r.rollups[3].item, "communication");
  EXPECT_EQ(r.rollups[4].id, "M002");
  EXPECT_EQ(r.rollups.back().subject, rb::subject_kind::county);
  EXPECT_EQ(r.rollups.back().item, "communication");
  const auto kind_rank = [](rb::subject_kind k) { return static_cast<int>(k); };
  for (std::size_t i = 1; i < r.rollups.size(); ++i) {
    const rb::rollup& a = r.rollups[i - 1];
    const rb::rollup& b = r.rollups[i];
    EXPECT_LE(kind_rank(a.subject), kind_rank(b.subject)) << i;
    if (a.subject == b.subject && a.id != b.id) {
      EXPECT_TRUE(b.all_items()) << i << " " << b.id;
    }
  }
  std::vector<std::string> teams;
  for (const rb::rollup& x : r.rollups)
    if (x.subject == rb::subject_kind::team && x.all_items()) teams.push_back(x.id);
  EXPECT_EQ(teams, (std::vector<std::string>{"T01", "T02", "T03", "T04", "T05", "T06", "T07"}));
}

// ---- small counties ------------------------------------------------------------------------------

TEST(rollups, a_team_row_follows_the_team_each_month_names) {
  const rb::program prog = policy_from("follow", std::string(header) + std::string(pay_rules));
  // M1 (U1) in TA until 2019-01-31, then TB; M2 (U2) in TB all along.
  const rb::county c = small_county(
      {serving("M1", "U1", {{"TA", day(2019, 1, 1), day(2019, 1, 31)}, {"TB", day(2019, 2, 1), std::nullopt}}),
       serving("M2", "U2", {{"TB", day(2019, 1, 1), std::nullopt}})},
      {record("M1", 1, 20, 4, {{"living", yuan("2000")}, {"transport", yuan("120")}}),
       record("M1", 2, 10, 2, {{"living", yuan("900")}, {"transport", yuan("120")}}),
       record("M2", 1, 5, 1, {{"living", yuan("500")}}), record("M2", 2, 5, 5)});
  const rb::results r = rb::evaluate(prog, c, rb::period::of_range(day(2019, 1, 1), day(2019, 2, 28)));
  // M1 January (TA, 10 km): living 2000, transport 4 × 2 × 10 × 1.5 = 120; both paid in full.
  // M1 February (TB, 20 km): living 1000 (900 paid: 100 short), transport 2 × 2 × 20 × 1.5 = 120.
  // M2 January (TB): living 500 paid; transport 1 × 60 = 60, nothing recorded.
  // M2 February (TB): living 500, transport min(5, 4) × 60 = 240; nothing recorded.
  const auto ta = find(r, rb::subject_kind::team, "TA");
  ASSERT_TRUE(ta);
  EXPECT_EQ(ta->owed, yuan("2120"));
  EXPECT_EQ(ta->paid, yuan("2120"));
  EXPECT_EQ(ta->entitlements, 2u);
  const auto tb = find(r, rb::subject_kind::team, "TB");
  ASSERT_TRUE(tb);
  EXPECT_EQ(tb->owed, yuan("2420"));  // 1000 + 120 + 500 + 60 + 500 + 240
  EXPECT_EQ(tb->paid, yuan("1520"));  // 900 + 120 + 500
  EXPECT_EQ(tb->shortfall, yuan("100"));
  EXPECT_EQ(tb->entitlements, 6u);
  EXPECT_EQ(tb->unrecorded, 3u);  // M2's January transport and February's two items
  // The unit that pays is the member's dispatching unit, whatever the team.
  const auto u1 = find(r, rb::subject_kind::unit, "U1");
  ASSERT_TRUE(u1);
  EXPECT_EQ(u1->owed, yuan("3240"));  // M1: 2000 + 120 + 1000 + 120
  EXPECT_EQ(u1->shortfall, yuan("100"));
  EXPECT_EQ(u1->violations, 1u);
  const auto u2_transport = find(r, rb::subject_kind::unit, "U2", "transport");
  ASSERT_TRUE(u2_transport);
  EXPECT_EQ(u2_transport->owed, yuan("300"));
  EXPECT_FALSE(u2_transport->paid.has_value());  // no transport payment of M2's was recorded
  EXPECT_EQ(u2_transport->unrecorded, 2u);
  const auto m1 = find(r, rb::subject_kind::member, "M1", "living");
  ASSERT_TRUE(m1);
  EXPECT_EQ(m1->owed, yuan("3000"));
  EXPECT_EQ(m1->paid, yuan("2900"));
  EXPECT_EQ(m1->violations, 1u);
  const auto county = find(r, rb::subject_kind::county, "small");
  ASSERT_TRUE(county);
  EXPECT_EQ(county->owed, yuan("4540"));  // U1 3240 + U2 (M2) 500 + 60 + 500 + 240 = 1300
  EXPECT_EQ(county->unrecorded, 3u);
}

// Living paid by the member's unit, transport by the team's lead unit: a member's
// entitlements name units in turn, and each lands in its own unit's and team's rows.
TEST(rollups, units_named_in_turn_by_a_members_rules_each_get_theirs) {
  std::string rules(pay_rules);
  const std::size_t second = rules.rfind("responsible: dispatching_unit");
  rules.replace(second, std::string_view("responsible: dispatching_unit").size(), "responsible: lead_unit");
  const rb::program prog = policy_from("in_turn", std::string(header) + rules);
  // M1 (U1) in TA (led by U1, 10 km) in January, then TB (led by U2, 20 km); M2 (U2) in TB all along.
  const rb::county c = small_county(
      {serving("M1", "U1", {{"TA", day(2019, 1, 1), day(2019, 1, 31)}, {"TB", day(2019, 2, 1), std::nullopt}}),
       serving("M2", "U2", {{"TB", day(2019, 1, 1), std::nullopt}})},
      {record("M1", 1, 20, 4, {{"living", yuan("2000")}, {"transport", yuan("120")}}),
       record("M1", 2, 10, 2, {{"living", yuan("900")}, {"transport", yuan("120")}}), record("M1", 3, 10, 1),
       record("M2", 1, 5, 1, {{"living", yuan("500")}}), record("M2", 2, 5, 5), record("M2", 3, 5, 1)});
  const rb::results r = rb::evaluate(prog, c, rb::period::of_range(day(2019, 1, 1), day(2019, 3, 31)));
  // M1: January living 2000 and transport 4 × 2 × 10 × 1.5 = 120 (TA, both U1's), paid;
  //     February living 1000 (TB, U1; 900 paid) and transport 2 × 2 × 20 × 1.5 = 120 (TB, U2's), paid;
  //     March living 1000 (U1) and transport 60 (U2), nothing recorded.
  // M2 (TB, U2 for both): living 500 a month (January's paid), transport 60, 240, 60, none recorded.
  const auto u1 = find(r, rb::subject_kind::unit, "U1");
  ASSERT_TRUE(u1);
  EXPECT_EQ(u1->owed, yuan("4120"));  // 2000 + 120 + 1000 + 1000
  EXPECT_EQ(u1->paid, yuan("3020"));
  EXPECT_EQ(u1->shortfall, yuan("100"));
  EXPECT_EQ(u1->entitlements, 4u);
  EXPECT_EQ(u1->unrecorded, 1u);
  EXPECT_EQ(u1->violations, 1u);  // February's living, paid short by M1's unit
  const auto u2 = find(r, rb::subject_kind::unit, "U2");
  ASSERT_TRUE(u2);
  EXPECT_EQ(u2->owed, yuan("2040"));  // M1's 120 + 60, M2's 1500 + 360
  EXPECT_EQ(u2->paid, yuan("620"));   // 120 + 500
  EXPECT_EQ(u2->entitlements, 8u);
  EXPECT_EQ(u2->unrecorded, 6u);
  const auto u2_transport = find(r, rb::subject_kind::unit, "U2", "transport");
  ASSERT_TRUE(u2_transport);
  EXPECT_EQ(u2_transport->owed, yuan("540"));  // 120 + 60 + 60 + 240 + 60
  EXPECT_EQ(u2_transport->paid, yuan("120"));
  EXPECT_EQ(u2_transport->entitlements, 5u);
  const auto u1_transport = find(r, rb::subject_kind::unit, "U1", "transport");  // January's, in TA
  ASSERT_TRUE(u1_transport);
  EXPECT_EQ(u1_transport->owed, yuan("120"));
  EXPECT_EQ(u1_transport->entitlements, 1u);
  const auto ta = find(r, rb::subject_kind::team, "TA");
  ASSERT_TRUE(ta);
  EXPECT_EQ(ta->owed, yuan("2120"));
  EXPECT_EQ(ta->entitlements, 2u);
  const auto tb = find(r, rb::subject_kind::team, "TB");
  ASSERT_TRUE(tb);
  EXPECT_EQ(tb->owed, yuan("4040"));  // M1's 2180 + M2's 1860
  EXPECT_EQ(tb->paid, yuan("1520"));  // 900 + 120 + 500
  EXPECT_EQ(tb->shortfall, yuan("100"));
  EXPECT_EQ(tb->entitlements, 10u);
  const auto m1 = find(r, rb::subject_kind::member, "M1");
  ASSERT_TRUE(m1);
  EXPECT_EQ(m1->owed, yuan("4300"));
  EXPECT_EQ(m1->paid, yuan("3140"));
  EXPECT_EQ(m1->entitlements, 6u);
  EXPECT_EQ(m1->unrecorded, 2u);
  const auto county = find(r, rb::subject_kind::county, "small");
  ASSERT_TRUE(county);
  EXPECT_EQ(county->owed, yuan("6160"));
  EXPECT_EQ(county->entitlements, 12u);
}

TEST(rollups, a_month_split_by_a_move_is_compared_once_in_the_team_of_its_last_part) {
  const rb::program prog = policy_from("split", std::string(header) + std::string(pay_rules));
  const rb::county c = small_county(
      {serving("M1", "U1", {{"TA", day(2019, 1, 1), day(2019, 7, 15)}, {"TB", day(2019, 7, 16), std::nullopt}})},
      {record("M1", 7, 0, 4, {{"transport", yuan("150")}})});
  const rb::results r = rb::evaluate(prog, c, rb::period::of_month(2019, 7));
  // 4 trips: TA 120 a month × 15/31 = 58.06; TB 240 × 16/31 = 123.87: 181.93 owed for July,
  // 150 paid with the last part: 31.93 short. Living: 0 days, 0 owed, nothing recorded.
  const auto month = find(r, rb::subject_kind::member, "M1", "transport");
  ASSERT_TRUE(month);
  EXPECT_EQ(month->owed, yuan("181.93"));
  EXPECT_EQ(month->paid, yuan("150"));
  EXPECT_EQ(month->shortfall, yuan("31.93"));
  EXPECT_EQ(month->unrecorded, 0u);  // both parts are covered by July's payment
  const auto ta = find(r, rb::subject_kind::team, "TA", "transport");
  ASSERT_TRUE(ta);
  EXPECT_EQ(ta->owed, yuan("58.06"));
  EXPECT_EQ(ta->paid, yuan("0"));
  EXPECT_EQ(ta->shortfall, yuan("0"));
  const auto tb = find(r, rb::subject_kind::team, "TB", "transport");
  ASSERT_TRUE(tb);
  EXPECT_EQ(tb->owed, yuan("123.87"));
  EXPECT_EQ(tb->paid, yuan("150"));
  EXPECT_EQ(tb->shortfall, yuan("31.93"));
  EXPECT_EQ(find(r, rb::subject_kind::unit, "U1", "transport")->shortfall, yuan("31.93"));
}

TEST(rollups, a_county_with_nothing_owed_still_has_its_row) {
  const rb::program prog = policy_from("empty", std::string(header) + std::string(pay_rules));
  const rb::county c = small_county({}, {});
  const rb::results r = rb::evaluate(prog, c, rb::period::of_year(2019));
  ASSERT_EQ(r.rollups.size(), 1u);
  EXPECT_EQ(r.rollups[0].subject, rb::subject_kind::county);
  EXPECT_EQ(r.rollups[0].id, "small");
  EXPECT_TRUE(r.rollups[0].all_items());
  EXPECT_EQ(r.rollups[0].owed, yuan("0"));
  EXPECT_FALSE(r.rollups[0].paid.has_value());
  EXPECT_EQ(r.rollups[0].entitlements, 0u);
}

TEST(rollups, round_at_total_rounds_each_row_once) {
  // Results as a policy that rounds only totals would leave them: two members owed
  // 100 × 16/31 = 51.6129 each (4 places kept).
  const rb::program prog = policy_from("total", std::string(header) + R"(
money: {scale: 2, rounding: half_up, round_at: total}
)" + std::string(pay_rules));
  const rb::county c = small_county({serving("M1", "U1", {{"TA", day(2019, 7, 16), std::nullopt}}),
                                     serving("M2", "U1", {{"TA", day(2019, 7, 16), std::nullopt}})},
                                    {});
  const rb::period july = rb::period::of_month(2019, 7);
  rb::results r;
  r.totals = {{.item = "communication", .owed = yuan("103.2258"), .paid = yuan("0")}};
  for (const char* m : {"M1", "M2"}) {
    r.entitlements.push_back({.rule = "communication", .item = "communication", .subject = rb::subject_kind::member,
                              .subject_id = m, .team = "TA", .unit = "U1", .slice = {day(2019, 7, 16), day(2019, 7, 31)},
                              .amount = yuan("51.6129"), .paid = std::nullopt});
  }
  const rb::detail::county_index index(c);
  const rb::detail::eval_context ctx{prog, prog.rules(), c, july, index};
  rb::detail::evaluate_rollups(ctx, r);
  // Each member: 51.6129 → 51.61. The team, the unit, the county: 103.2258 → 103.23,
  // not 51.61 + 51.61 = 103.22.
  EXPECT_EQ(find(r, rb::subject_kind::member, "M1")->owed, yuan("51.61"));
  EXPECT_EQ(find(r, rb::subject_kind::team, "TA")->owed, yuan("103.23"));
  EXPECT_EQ(find(r, rb::subject_kind::unit, "U1", "communication")->owed, yuan("103.23"));
  EXPECT_EQ(find(r, rb::subject_kind::county, "small")->owed, yuan("103.23"));
  EXPECT_EQ(find(r, rb::subject_kind::county, "small")->unrecorded, 2u);
}

TEST(rollups, ids_the_county_does_not_list_come_after_its_own_by_id) {
  // A county system may hand evaluate-like results naming a unit it has not loaded.
  const rb::program prog = policy_from("unknown", std::string(header) + std::string(pay_rules));
  const rb::county c = small_county({serving("M1", "U1", {{"TA", day(2019, 1, 1), std::nullopt}})}, {});
  rb::results r;
  r.totals = {{.item = "living", .owed = yuan("300"), .paid = yuan("0")}};
  const auto e = [&](std::string unit, const char* amount) {
    return rb::entitlement{.rule = "living", .item = "living", .subject = rb::subject_kind::member, .subject_id = "M1",
                           .team = "TA", .unit = std::move(unit), .slice = {day(2019, 1, 1), day(2019, 1, 31)},
                           .amount = yuan(amount), .paid = std::nullopt};
  };
  r.entitlements = {e("UZ", "100"), e("U1", "100"), e("UY", "100")};
  rb::finding f;
  f.rule = "living";
  f.kind = rb::rule_kind::allowance;
  f.subject_id = "M1";
  f.responsible_unit = "UY";
  f.severity = rb::finding_severity::advisory;
  r.findings = {f};
  const rb::period year = rb::period::of_year(2019);
  const rb::detail::county_index index(c);
  const rb::detail::eval_context ctx{prog, prog.rules(), c, year, index};
  rb::detail::evaluate_rollups(ctx, r);
  std::vector<std::string> units;
  for (const rb::rollup& x : r.rollups)
    if (x.subject == rb::subject_kind::unit && x.all_items()) units.push_back(x.id);
  EXPECT_EQ(units, (std::vector<std::string>{"U1", "UY", "UZ"}));
  EXPECT_EQ(find(r, rb::subject_kind::unit, "UY", "living")->advisories, 1u);
  EXPECT_EQ(find(r, rb::subject_kind::member, "M1")->owed, yuan("300"));
}

// Findings are looked up in chunks of 8,192 on the evaluation's threads and
// counted in order: 24,676 findings in runs of three about one subject (runs
// that cross a chunk's edge), about 5,000 listed members (their table packed),
// a member the county does not list followed by a team of the same id, a listed
// team, units listed, unlisted and none, two findings in a row naming each, of
// allowance rules and of one that pays no item. Every row's counts are those of
// a plain count, on one thread and on two.
TEST(rollups, many_findings_are_counted_in_their_subjects_and_units_rows_on_any_threads) {
  const rb::program prog = policy_from("many-findings", std::string(header) + std::string(pay_rules));
  std::vector<rb::member> members;
  for (int i = 0; i < 5000; ++i) {
    char id[24];
    std::snprintf(id, sizeof id, "M%04d", i);
    members.push_back(serving(id, "U1", {{"TA", day(2019, 1, 1), std::nullopt}}));
  }
  const rb::county c = small_county(std::move(members), {});
  constexpr std::size_t n = 3 * 8192 + 100;
  std::vector<rb::finding> findings(n);
  using key = std::tuple<rb::subject_kind, std::string, std::string>;  // kind, id, item ("" for all)
  std::map<key, std::pair<std::uint32_t, std::uint32_t>> expected;    // violations, advisories
  for (std::size_t k = 0; k < n; ++k) {
    rb::finding& f = findings[k];
    const std::size_t s = (k / 3) % 5002;
    f.subject = s == 5001 ? rb::subject_kind::team : rb::subject_kind::member;
    char id[24];
    std::snprintf(id, sizeof id, "M%04zu", s);
    f.subject_id = s < 5000 ? id : s == 5000 ? "MX" : k % 2 == 0 ? "TA" : "MX";
    f.rule = k % 3 == 0 ? "living" : k % 3 == 1 ? "transport" : "six_items";
    f.kind = k % 3 == 2 ? rb::rule_kind::minimum : rb::rule_kind::allowance;
    const std::size_t u = k / 2 % 4;
    f.responsible_unit = u == 0 ? "U1" : u == 1 ? "U2" : u == 2 ? "" : "UZ";
    f.severity = k % 5 == 0 ? rb::finding_severity::advisory : rb::finding_severity::violation;
    const std::string item = k % 3 == 2 ? "" : f.rule;
    const auto count = [&](rb::subject_kind kind, const std::string& who) {
      for (const std::string& i : {std::string(), item}) {
        auto& [violations, advisories] = expected[{kind, who, i}];
        ++(f.severity == rb::finding_severity::violation ? violations : advisories);
        if (item.empty()) break;
      }
    };
    count(rb::subject_kind::county, "small");
    count(f.subject, f.subject_id);
    if (!f.responsible_unit.empty()) count(rb::subject_kind::unit, f.responsible_unit);
  }
  const rb::period year = rb::period::of_year(2019);
  const rb::detail::county_index index(c);
  std::vector<rb::rollup> one_thread;
  for (const unsigned threads : {1u, 2u}) {
    rb::results r;
    r.totals = {{.item = "living", .owed = yuan("0"), .paid = yuan("0")},
                {.item = "transport", .owed = yuan("0"), .paid = yuan("0")}};
    r.findings = findings;
    const rb::detail::eval_context ctx{prog, prog.rules(), c, year, index, threads};
    rb::detail::evaluate_rollups(ctx, r);
    std::size_t rows = 0;
    for (const rb::rollup& x : r.rollups) {
      if (x.violations == 0 && x.advisories == 0) continue;
      ++rows;
      const auto it = expected.find({x.subject, x.id, x.item});
      ASSERT_NE(it, expected.end()) << x.id << ' ' << x.item;
      EXPECT_EQ(x.violations, it->second.first) << x.id << ' ' << x.item;
      EXPECT_EQ(x.advisories, it->second.second) << x.id << ' ' << x.item;
    }
    EXPECT_EQ(rows, expected.size());
    // Worked out by hand: of k = 0 … 24,675, the 4,936 multiples of 5 are
    // advisories; the member MX is k = 15,000-15,002 (one advisory), the team
    // of k = 15,003-15,005 is MX for 15,003 (living, a violation) and 15,005
    // (an advisory of a rule paying no item), TA for 15,004 (transport, a
    // violation).
    using counts = std::pair<std::size_t, std::size_t>;  // violations, advisories
    const auto at = [&](rb::subject_kind kind, std::string_view id, std::string_view item = "") {
      const std::optional<rb::rollup> x = find(r, kind, id, item);
      return x ? counts(x->violations, x->advisories) : counts(0, 0);
    };
    EXPECT_EQ(at(rb::subject_kind::county, "small"), counts(19740, 4936));
    EXPECT_EQ(at(rb::subject_kind::member, "MX"), counts(2, 1));
    EXPECT_EQ(at(rb::subject_kind::team, "MX"), counts(1, 1));
    EXPECT_EQ(at(rb::subject_kind::team, "MX", "living"), counts(1, 0));
    EXPECT_EQ(at(rb::subject_kind::team, "TA"), counts(1, 0));
    EXPECT_EQ(at(rb::subject_kind::team, "TA", "transport"), counts(1, 0));
    if (threads == 1) one_thread = r.rollups;
    else EXPECT_EQ(r.rollups, one_thread);
  }
}

// Blocks' sums are gathered apart, on any thread and in any order, then merged
// in order: the rows are those of one pass. M1 (TA, paid by U1) is owed 100 +
// 30 (transport) in January and paid 90 + 30: 10 short on living; M2 (TA, U1) is owed 100,
// with nothing recorded; M3 (TB, U2) is owed 100 twice in March — the month
// split where it moved within TB — and paid 200 with the last.
TEST(rollups, parts_gathered_in_any_order_merge_to_one_pass_rows) {
  const rb::program prog = policy_from("parts", std::string(header) + std::string(pay_rules));
  const rb::county c = small_county({serving("M1", "U1", {{"TA", day(2019, 1, 1), std::nullopt}}),
                                     serving("M2", "U1", {{"TA", day(2019, 1, 1), std::nullopt}}),
                                     serving("M3", "U2", {{"TB", day(2019, 1, 1), std::nullopt}})},
                                    {});
  const auto e = [](const char* rule, const char* m, const char* team, const char* unit, rb::date from, rb::date to,
                    const char* amount, std::optional<rb::money> paid) {
    return rb::entitlement{.rule = rule, .item = rule, .subject = rb::subject_kind::member, .subject_id = m,
                           .team = team, .unit = unit, .slice = {from, to}, .amount = yuan(amount), .paid = paid};
  };
  const std::vector<rb::entitlement> list{
      e("living", "M1", "TA", "U1", day(2019, 1, 1), day(2019, 1, 31), "100", yuan("90")),
      e("transport", "M1", "TA", "U1", day(2019, 1, 1), day(2019, 1, 31), "30", yuan("30")),
      e("living", "M2", "TA", "U1", day(2019, 1, 1), day(2019, 1, 31), "100", std::nullopt),
      e("living", "M3", "TB", "U2", day(2019, 3, 1), day(2019, 3, 15), "100", std::nullopt),
      e("living", "M3", "TB", "U2", day(2019, 3, 16), day(2019, 3, 31), "100", yuan("200")),
  };
  const rb::period year = rb::period::of_year(2019);
  const rb::detail::county_index index(c);
  const rb::detail::eval_context ctx{prog, prog.rules(), c, year, index};
  const std::vector<std::string> items{"living", "transport"};

  rb::detail::rollup_builder whole(ctx, items);
  whole.add(list);
  std::vector<rb::rollup> one_pass;
  whole.finish({}, one_pass);

  rb::detail::rollup_builder split(ctx, items);
  const std::span<const rb::entitlement> all(list);
  // Gathered last block first, each on a thread of its own, then merged in order.
  std::vector<rb::detail::rollup_part> parts(3);
  {
    std::jthread third([&] { parts[2] = split.part_of(all.subspan(3)); });
    std::jthread second([&] { parts[1] = split.part_of(all.subspan(2, 1)); });
    parts[0] = split.part_of(all.first(2));
  }
  for (const rb::detail::rollup_part& part : parts) split.merge(part);
  std::vector<rb::rollup> merged;
  split.finish({}, merged);
  EXPECT_EQ(merged, one_pass);

  rb::results r;
  r.rollups = merged;
  const auto m1 = find(r, rb::subject_kind::member, "M1", "living");
  ASSERT_TRUE(m1);
  EXPECT_EQ(m1->owed, yuan("100"));
  EXPECT_EQ(m1->paid, yuan("90"));
  EXPECT_EQ(m1->shortfall, yuan("10"));
  const auto ta = find(r, rb::subject_kind::team, "TA");
  ASSERT_TRUE(ta);
  EXPECT_EQ(ta->owed, yuan("230"));
  EXPECT_EQ(ta->paid, yuan("120"));
  EXPECT_EQ(ta->shortfall, yuan("10"));
  EXPECT_EQ(ta->entitlements, 3u);
  EXPECT_EQ(ta->unrecorded, 1u);
  const auto u2 = find(r, rb::subject_kind::unit, "U2", "living");
  ASSERT_TRUE(u2);
  EXPECT_EQ(u2->owed, yuan("200"));
  EXPECT_EQ(u2->paid, yuan("200"));
  EXPECT_EQ(u2->shortfall, yuan("0"));
  EXPECT_EQ(u2->entitlements, 2u);
  EXPECT_EQ(u2->unrecorded, 0u);
  const auto county = find(r, rb::subject_kind::county, "small");
  ASSERT_TRUE(county);
  EXPECT_EQ(county->owed, yuan("430"));
  EXPECT_EQ(county->paid, yuan("320"));
  EXPECT_EQ(county->shortfall, yuan("10"));
  EXPECT_EQ(county->entitlements, 5u);
}

// Adding a part's counts to a row refuses to wrap too.
TEST(rollups, merged_counts_refuse_to_wrap) {
  rb::detail::rollup_sums row;
  row.entitlements = std::numeric_limits<std::uint32_t>::max() - 2;
  rb::detail::rollup_sums part;
  part.entitlements = 2;
  part.owed = yuan("5");
  rb::detail::add_sums(row, part);
  EXPECT_EQ(row.entitlements, std::numeric_limits<std::uint32_t>::max());
  EXPECT_EQ(row.owed, yuan("5"));
  part.entitlements = 1;
  EXPECT_THROW(rb::detail::add_sums(row, part), std::overflow_error);
}

namespace {

// A roll-up's counts are held in 32 bits: the last count is taken, the one after refused, not wrapped.
TEST(rollups, a_count_refuses_to_wrap) {
  std::uint32_t n = std::numeric_limits<std::uint32_t>::max() - 1;
  rb::detail::count_one(n);
  EXPECT_EQ(n, std::numeric_limits<std::uint32_t>::max());
  EXPECT_THROW(rb::detail::count_one(n), std::overflow_error);
  EXPECT_EQ(n, std::numeric_limits<std::uint32_t>::max());
}

// The members' table packs the rows of members before its window of 4,096.
// Amounts of every form come back exact: whole fen, a ten-thousandth of a yuan,
// negative, the largest there is; findings of packed members are counted as
// their rows are read back.
struct table_rows {
  std::vector<std::string> ids;
  std::vector<std::string> items{"living", "transport"};
  explicit table_rows(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) ids.push_back(std::string("M").append(std::to_string(100000 + i)));
  }
  /// Every row of the table, piece by piece, as `rollup_builder::finish` reads them.
  std::vector<rb::rollup> emit(rb::detail::rollup_table& t) const {
    std::vector<rb::rollup> out;
    t.ready();
    for (std::size_t k = 0; k < t.pieces(); ++k)
      t.each_row_of(k, [&](std::size_t i) -> const std::string& { return ids[i]; }, items,
                    [&](const std::string& id, const std::string& item, const rb::detail::rollup_sums& x) {
                      rb::detail::fill_rollup(out.emplace_back(), rb::subject_kind::member, id, item, x,
                                              rb::money_settings{});
                    });
    return out;
  }
};

// Adds an entitlement of `owed` (paid `paid`, when given) for `item` (1 or 2) to member `s`.
void add(rb::detail::rollup_table& t, std::size_t s, std::size_t item, rb::money owed, std::optional<rb::money> paid) {
  rb::detail::rollup_sums* r = t.row(s);
  for (const std::size_t slot : {std::size_t{0}, item}) {
    r[slot].owed += owed;
    rb::detail::count_one(r[slot].entitlements);
    if (!paid) continue;
    r[slot].paid += *paid;
    rb::detail::count_one(r[slot].recorded);
    if (*paid < owed) r[slot].shortfall += owed - *paid;
  }
}

rb::finding finding_of(rb::finding_severity severity) {
  rb::finding f;
  f.severity = severity;
  return f;
}

TEST(rollup_table, packed_rows_come_back_exact_with_their_findings) {
  const table_rows names(10000);
  for (const bool packed : {true, false}) {
    rb::detail::rollup_table t(10000, 2, packed);
    add(t, 0, 1, rb::money::yuan(2200), rb::money::yuan(2000));                      // short 200.00
    add(t, 0, 2, rb::money::parse("86.5001"), std::nullopt);                         // a ten-thousandth
    add(t, 4095, 2, rb::money::parse("-12.34"), rb::money::parse("-12.34"));        // the window's last
    add(t, 4096, 1, rb::money::max(), rb::money::max());                             // the next window's first
    add(t, 9999, 1, rb::money::parse("0.0001"), rb::money::parse("0.0000"));        // the county's last
    t.count(5000, 0, finding_of(rb::finding_severity::advisory));  // a member with only a finding
    t.count(0, 1, finding_of(rb::finding_severity::violation));
    t.count(0, 1, finding_of(rb::finding_severity::violation));
    add(t, t.subject(std::nullopt, "X9"), 2, rb::money::yuan(5), std::nullopt);  // an id the county lacks
    const std::vector<rb::rollup> rows = names.emit(t);
    ASSERT_EQ(rows.size(), 3u + 2 + 2 + 1 + 2 + 2) << packed;
    EXPECT_EQ(rows[10].id, "X9");  // after the county's own
    EXPECT_EQ(rows[11].item, "transport");
    EXPECT_EQ(rows[11].owed, rb::money::yuan(5));
    // M100000: 2200.00 + 86.5001 owed, 2000.00 paid on one of two, short 200.00; two violations on living.
    EXPECT_EQ(rows[0].id, "M100000");
    EXPECT_EQ(rows[0].owed, rb::money::parse("2286.5001"));
    EXPECT_EQ(rows[0].paid, rb::money::yuan(2000));
    EXPECT_EQ(rows[0].shortfall, rb::money::yuan(200));
    EXPECT_EQ(rows[0].entitlements, 2u);
    EXPECT_EQ(rows[0].unrecorded, 1u);
    EXPECT_EQ(rows[0].violations, 2u);
    EXPECT_EQ(rows[1].item, "living");
    EXPECT_EQ(rows[1].violations, 2u);
    EXPECT_EQ(rows[2].item, "transport");
    EXPECT_EQ(rows[2].owed, rb::money::parse("86.5001"));
    EXPECT_EQ(rows[2].paid, std::nullopt);
    EXPECT_EQ(rows[2].violations, 0u);
    EXPECT_EQ(rows[3].id, "M104095");
    EXPECT_EQ(rows[3].owed, rb::money::parse("-12.34"));
    EXPECT_EQ(rows[3].paid, rb::money::parse("-12.34"));
    EXPECT_EQ(rows[5].id, "M104096");
    EXPECT_EQ(rows[5].owed, rb::money::max());
    EXPECT_EQ(rows[5].shortfall, rb::money{});
    EXPECT_EQ(rows[7].id, "M105000");  // nothing owed, one advisory: its row of all items only
    EXPECT_EQ(rows[7].advisories, 1u);
    EXPECT_EQ(rows[7].entitlements, 0u);
    EXPECT_EQ(rows[8].id, "M109999");
    EXPECT_EQ(rows[8].shortfall, rb::money::parse("0.0001"));
    EXPECT_EQ(rows[9].item, "living");
  }
}

// A packed row of all items is left out when it is the sum of the items' rows,
// and written when it is not — a row made by hand, or items whose sum would
// overflow —: every row comes back as it was held.
TEST(rollup_table, the_row_of_all_items_comes_back_written_or_summed) {
  const table_rows names(5000);
  std::vector<std::vector<rb::rollup>> emitted;
  for (const bool packed : {true, false}) {
    rb::detail::rollup_table t(5000, 2, packed);
    add(t, 1, 1, rb::money::yuan(100), rb::money::yuan(90));  // summed: 100 owed, 90 paid, 10 short
    add(t, 1, 2, rb::money::yuan(30), std::nullopt);
    rb::detail::rollup_sums* only_all = t.row(2);  // the row of all items alone
    only_all[0].owed = rb::money::yuan(7);
    rb::detail::count_one(only_all[0].entitlements);
    rb::detail::rollup_sums* wide = t.row(3);  // items summing past money's range
    wide[1].owed = rb::money::max();
    wide[2].owed = rb::money::yuan(1);
    wide[0].owed = rb::money::max();
    for (const std::size_t slot : {0, 0, 1, 2}) rb::detail::count_one(wide[slot].entitlements);
    emitted.push_back(names.emit(t));
  }
  EXPECT_EQ(emitted[0], emitted[1]);
  const std::vector<rb::rollup>& rows = emitted[0];
  ASSERT_EQ(rows.size(), 3u + 1 + 3);
  EXPECT_EQ(rows[0].id, "M100001");
  EXPECT_EQ(rows[0].owed, rb::money::yuan(130));
  EXPECT_EQ(rows[0].paid, rb::money::yuan(90));
  EXPECT_EQ(rows[0].shortfall, rb::money::yuan(10));
  EXPECT_EQ(rows[0].entitlements, 2u);
  EXPECT_EQ(rows[0].unrecorded, 1u);
  EXPECT_EQ(rows[3].id, "M100002");
  EXPECT_EQ(rows[3].owed, rb::money::yuan(7));
  EXPECT_EQ(rows[4].owed, rb::money::max());
  EXPECT_EQ(rows[5].owed, rb::money::max());
  EXPECT_EQ(rows[6].owed, rb::money::yuan(1));
}

// Should a member before the window come again (entitlements out of the
// county's order), the table holds every row from then on: the same rows.
TEST(rollup_table, a_member_before_the_window_gives_the_same_rows) {
  const table_rows names(9000);
  rb::detail::rollup_table packed(9000, 2, true);
  rb::detail::rollup_table held(9000, 2, false);
  for (rb::detail::rollup_table* t : {&packed, &held}) {
    add(*t, 10, 1, rb::money::yuan(100), std::nullopt);
    add(*t, 8999, 2, rb::money::yuan(7), rb::money::yuan(5));
    add(*t, 10, 2, rb::money::yuan(3), rb::money::yuan(3));  // back to a packed member
    add(*t, 8000, 1, rb::money::yuan(1), std::nullopt);
    t->count(10, 2, finding_of(rb::finding_severity::violation));
  }
  const std::vector<rb::rollup> rows = names.emit(packed);
  EXPECT_EQ(rows, names.emit(held));
  ASSERT_EQ(rows.size(), 3u + 2 + 2);
  EXPECT_EQ(rows[0].owed, rb::money::yuan(103));
  EXPECT_EQ(rows[0].paid, rb::money::yuan(3));
  EXPECT_EQ(rows[2].violations, 1u);
  EXPECT_EQ(rows[5].id, "M108999");
  EXPECT_EQ(rows[5].shortfall, rb::money::yuan(2));
}

// The rows are read in pieces of 4,096 members, then the ids the county does
// not list; read on threads of their own, in any order, the pieces give the
// rows of one pass. M100000 and M109999 are owed (the windows between them
// empty), M104096 has only a finding, X1 is not in the county.
TEST(rollup_table, pieces_read_apart_in_any_order_give_the_rows_of_one_pass) {
  const table_rows names(10000);
  rb::detail::rollup_table t(10000, 2, true);
  add(t, 0, 1, rb::money::yuan(100), rb::money::yuan(100));
  add(t, 9999, 2, rb::money::yuan(30), std::nullopt);
  add(t, t.subject(std::nullopt, "X1"), 1, rb::money::yuan(5), std::nullopt);
  t.count(4096, 0, finding_of(rb::finding_severity::violation));
  t.count(9999, 2, finding_of(rb::finding_severity::advisory));
  t.count(0, 1, finding_of(rb::finding_severity::advisory));
  t.ready();
  ASSERT_EQ(t.pieces(), 4u);  // 0–4095, 4096–8191, 8192–9999, then X1
  std::vector<std::vector<rb::rollup>> pieces(t.pieces());
  const auto read = [&](std::size_t k) {
    t.each_row_of(k, [&](std::size_t i) -> const std::string& { return names.ids[i]; }, names.items,
                  [&](const std::string& id, const std::string& item, const rb::detail::rollup_sums& x) {
                    rb::detail::fill_rollup(pieces[k].emplace_back(), rb::subject_kind::member, id, item, x,
                                            rb::money_settings{});
                  });
  };
  {
    std::vector<std::jthread> readers;
    for (std::size_t k = t.pieces(); k-- > 0;) readers.emplace_back(read, k);
  }
  std::vector<rb::rollup> joined;
  for (const std::vector<rb::rollup>& piece : pieces) joined.insert(joined.end(), piece.begin(), piece.end());
  EXPECT_EQ(joined, names.emit(t));
  ASSERT_EQ(joined.size(), 2u + 1 + 2 + 2);  // M100000 (all, living), M104096, M109999 (all, transport), X1
  EXPECT_EQ(pieces[0].size(), 2u);
  EXPECT_EQ(pieces[0][1].advisories, 1u);
  EXPECT_EQ(pieces[0][1].paid, rb::money::yuan(100));
  ASSERT_EQ(pieces[1].size(), 1u);
  EXPECT_EQ(pieces[1][0].id, "M104096");
  EXPECT_EQ(pieces[1][0].violations, 1u);
  ASSERT_EQ(pieces[2].size(), 2u);
  EXPECT_EQ(pieces[2][1].item, "transport");
  EXPECT_EQ(pieces[2][1].owed, rb::money::yuan(30));
  EXPECT_EQ(pieces[2][1].advisories, 1u);
  ASSERT_EQ(pieces[3].size(), 2u);
  EXPECT_EQ(pieces[3][0].id, "X1");
}

}  // namespace

// Ids are compared inline: two 8-byte words from 8 to 16 bytes, a byte loop
// below, the library above. A difference in any byte, at any length, is seen.
TEST(rollup_ids, same_id_sees_a_difference_in_any_byte_at_any_length) {
  for (std::size_t n = 0; n <= 24; ++n) {
    std::string a(n, 'x');
    for (std::size_t i = 0; i < n; ++i) a[i] = static_cast<char>('A' + i);
    EXPECT_TRUE(rulebook::detail::same_id(a, std::string(a))) << n;
    EXPECT_FALSE(rulebook::detail::same_id(a, a + "Z")) << n;
    for (std::size_t i = 0; i < n; ++i) {
      std::string b = a;
      b[i] = 'z';
      EXPECT_FALSE(rulebook::detail::same_id(a, b)) << n << " at " << i;
    }
  }
  // Views into a longer text: only their own bytes count.
  const std::string text = "M0000001XM0000001Y";
  EXPECT_TRUE(rulebook::detail::same_id(std::string_view(text).substr(0, 8), std::string_view(text).substr(9, 8)));
  EXPECT_FALSE(rulebook::detail::same_id(std::string_view(text).substr(0, 9), std::string_view(text).substr(9, 9)));
}
