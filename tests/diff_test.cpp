// rulebook::diff on the bundled draft (rules/qiyang-draft.yaml: living 120 a day and transport
// 2.0 yuan/km from 2019-07-01) against qiyang-2019 on the sample county. Every delta is worked
// out by hand from the month records of examples/qiyang/county.yaml (Jul–Dec):
//   living: +20 yuan a day in the village; transport: +0.5 × 2 × min(trips, 4) × distance.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "rulebook/diff.hpp"
#include "rulebook/engine.hpp"
#include "rulebook/load.hpp"
#include "rulebook/policy.hpp"

namespace {

std::filesystem::path src(const std::string& p) { return std::filesystem::path(RULEBOOK_SOURCE_DIR) / p; }

class draft : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const rulebook::county c = rulebook::load_county_or_throw(src("examples/qiyang/county.yaml"));
    const auto period = rulebook::period::of_year(2019);
    const auto before = rulebook::evaluate(rulebook::compile(rulebook::load_policy_or_throw(src("rules/qiyang-2019.yaml"))), c, period);
    const auto after = rulebook::evaluate(rulebook::compile(rulebook::load_policy_or_throw(src("rules/qiyang-draft.yaml"))), c, period);
    d_ = new rulebook::results_diff(rulebook::diff(before, after));
  }
  static void TearDownTestSuite() { delete d_; }

  static const rulebook::subject_change& member(const std::string& id) {
    const auto it = std::find_if(d_->members.begin(), d_->members.end(), [&](const auto& s) { return s.id == id; });
    if (it == d_->members.end()) throw std::runtime_error("no change for " + id);
    return *it;
  }
  static std::string change(const rulebook::subject_change& s, const std::string& item) {
    for (const auto& c : s.items)
      if (c.item == item) return c.change().to_string(2);
    return "unchanged";
  }
  static rulebook::money yuan(const char* s) { return rulebook::money::parse(s); }

  static inline rulebook::results_diff* d_ = nullptr;
};

}  // namespace

TEST_F(draft, m006_gains_20_a_day_and_half_a_yuan_a_km_from_july) {
  // Jul–Dec in T05 (47.9 km): days 26+20+21+19+19+26 = 131 → 131 × 20 = 2620.00;
  // trips paid 4+2+4+2+4+3 = 19 → 19 × 2 × 47.9 × 0.5 = 910.10.
  const auto& m = member("M006");
  EXPECT_EQ(change(m, "living"), "2620.00");
  EXPECT_EQ(change(m, "transport"), "910.10");
  EXPECT_EQ(change(m, "communication"), "unchanged");
  // Before: 32889.00 for the year (examples/qiyang/README.md); after: + 3530.10.
  EXPECT_EQ(m.before, yuan("32889.00"));
  EXPECT_EQ(m.after, yuan("36419.10"));
}

TEST_F(draft, m037_from_his_partial_july) {
  // Jul–Dec in T02 (45.2 km): days 12+19+21+19+19+26 = 116 → 2320.00;
  // trips paid 2+4(6 made)+4+2+4+4 = 20 → 20 × 45.2 = 904.00.
  const auto& m = member("M037");
  EXPECT_EQ(change(m, "living"), "2320.00");
  EXPECT_EQ(change(m, "transport"), "904.00");
  EXPECT_EQ(m.change(), yuan("3224.00"));
}

TEST_F(draft, m031_until_she_leaves_on_september_30) {
  // Jul–Sep in T06 (26.7 km): days 25+19+21 = 65 → 1300.00; trips 4(5 made)+4+4 = 12 → 12 × 26.7 = 320.40.
  const auto& m = member("M031");
  EXPECT_EQ(change(m, "living"), "1300.00");
  EXPECT_EQ(change(m, "transport"), "320.40");
}

TEST_F(draft, county_totals_and_the_cost_of_the_change) {
  // Before: 954600 + 199782.60 + 43451.61 + 70000 = 1267834.21 (README figures).
  EXPECT_EQ(d_->owed_before, yuan("1267834.21"));
  // Every member changed: all 37 served in the second half, except… none: M031 served Jul–Sep.
  EXPECT_EQ(d_->members.size(), 37u);
  EXPECT_EQ(d_->members_compared, 37u);
  // Work funds and communication do not change; no quota changes.
  for (const auto& t : d_->totals) {
    if (t.item == "work_funds" || t.item == "communication") {
      EXPECT_EQ(t.change(), rulebook::money{}) << t.item;
    }
  }
  EXPECT_TRUE(d_->quotas.empty());
  // The sum of the members' changes is the county's (teams' work funds do not change).
  rulebook::money sum;
  for (const auto& m : d_->members) sum += m.change();
  EXPECT_EQ(sum, d_->cost());
}

TEST_F(draft, the_limit_on_the_cost_is_exact) {
  // cost / before = 129701.70 / 1267834.21 = 10.2301… % (from the month records, summed apart
  // from rulebook: Δliving = 20 × 4809 days = 96180; Δtransport = 33521.70).
  EXPECT_EQ(d_->cost(), yuan("129701.70"));
  EXPECT_EQ(d_->cost_percent()->to_string(2), "10.23");
  EXPECT_TRUE(d_->exceeds(rulebook::decimal::parse("10")));
  EXPECT_TRUE(d_->exceeds(rulebook::decimal::parse("10.23")));   // 10.2301… > 10.23
  EXPECT_FALSE(d_->exceeds(rulebook::decimal::parse("10.24")));
}

TEST_F(draft, findings_appear_change_and_penalties_follow) {
  // Paid at the 2019 rates, every member-month of Jul–Dec is now paid short of living: M006 2019-07:
  // 26 × 120 = 3120 owed, 2600 paid.
  const auto it = std::find_if(d_->appeared.begin(), d_->appeared.end(), [](const rulebook::finding& f) {
    return f.rule == "living" && f.subject_id == "M006" && f.slice.first == rulebook::date(2019, 7, 1);
  });
  ASSERT_NE(it, d_->appeared.end());
  EXPECT_EQ(it->expected, "3120.00");
  EXPECT_EQ(it->actual, "2600.00");
  EXPECT_TRUE(d_->disappeared.empty());
  // M014's living was already short (P10); from July it is shorter: the finding changes.
  const auto changed = std::find_if(d_->changed.begin(), d_->changed.end(), [](const rulebook::finding_change& c) {
    return c.after.rule == "living" && c.after.subject_id == "M014" && c.after.slice.first.month() == 7;
  });
  ASSERT_NE(changed, d_->changed.end());
  EXPECT_EQ(changed->before.actual, changed->after.actual);  // the same payment
}

TEST(diff, identical_results_have_no_change) {
  const rulebook::county c = rulebook::load_county_or_throw(src("examples/qiyang/county.yaml"));
  const auto prog = rulebook::compile(rulebook::load_policy_or_throw(src("rules/qiyang-2019.yaml")));
  const auto r = rulebook::evaluate(prog, c, rulebook::period::of_year(2019));
  const rulebook::results_diff d = rulebook::diff(r, r);
  EXPECT_TRUE(d.members.empty());
  EXPECT_TRUE(d.teams.empty());
  EXPECT_TRUE(d.units.empty());
  EXPECT_TRUE(d.appeared.empty() && d.disappeared.empty() && d.changed.empty());
  EXPECT_EQ(d.cost(), rulebook::money{});
  EXPECT_EQ(d.cost_percent()->to_string(2), "0.00");
  EXPECT_FALSE(d.exceeds(rulebook::decimal::parse("0")));
}
