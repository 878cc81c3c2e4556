// Example cases (rulebook/cases.hpp): loading with diagnostics, checking in exact
// money, failures with expected and actual values, and coverage of rules,
// parameter values and branches. Expected figures are worked out by hand from
// rules/qiyang-2019.yaml and examples/qiyang/README.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "rulebook/cases.hpp"
#include "rulebook/engine.hpp"
#include "rulebook/policy.hpp"

namespace {

using rulebook::case_coverage;

std::filesystem::path src(const std::string& p) { return std::filesystem::path(RULEBOOK_SOURCE_DIR) / p; }

rulebook::program qiyang() { return rulebook::compile(rulebook::load_policy_or_throw(src("rules/qiyang-2019.yaml"))); }

rulebook::case_load_result load(const std::string& path) {
  const std::vector<std::filesystem::path> paths{src(path)};
  return rulebook::load_cases(paths);
}

const case_coverage::rule_coverage& rule_of(const case_coverage& c, const std::string& id) {
  const auto& rules = c.rules();
  const auto it = std::find_if(rules.begin(), rules.end(), [&](const auto& r) { return r.rule == id; });
  if (it == rules.end()) throw std::runtime_error("no rule " + id);
  return *it;
}

std::size_t hits(const case_coverage& c, const std::string& rule, const std::string& point, const std::string& outcome) {
  for (const auto& b : rule_of(c, rule).branches)
    if (b.point == point && b.outcome == outcome) return b.hits;
  throw std::runtime_error("no branch " + point + " → " + outcome);
}

}  // namespace

TEST(cases, the_qiyang_cases_all_pass_and_cover_every_rule) {
  const rulebook::case_load_result loaded = load("examples/qiyang/cases");
  ASSERT_TRUE(loaded) << rulebook::format(loaded.diagnostics);
  ASSERT_GE(loaded.cases.size(), 16u);
  const rulebook::program prog = qiyang();
  case_coverage coverage(prog);
  for (const rulebook::example_case& c : loaded.cases) {
    const rulebook::case_result r = rulebook::run_case(prog, c, &coverage);
    EXPECT_TRUE(r.passed()) << rulebook::format(r);
  }
  // 100 % of rules: the 14 of qiyang-2019.yaml and the 2 of its national base.
  EXPECT_EQ(coverage.rules().size(), 16u);
  EXPECT_EQ(coverage.rules_covered(), coverage.rules().size()) << rulebook::format(coverage);
  EXPECT_EQ(coverage.values_exercised(), coverage.value_count()) << rulebook::format(coverage);
}

TEST(cases, a_wrong_figure_fails_with_expected_actual_and_the_explanation) {
  const rulebook::case_load_result loaded = load("tests/data/cases/failing/wrong-living.yaml");
  ASSERT_TRUE(loaded) << rulebook::format(loaded.diagnostics);
  ASSERT_EQ(loaded.cases.size(), 1u);
  const rulebook::case_result r = rulebook::run_case(qiyang(), loaded.cases.front());
  EXPECT_FALSE(r.passed());
  ASSERT_EQ(r.failures.size(), 1u);  // transport 463.20 holds
  const rulebook::case_failure& f = r.failures.front();
  EXPECT_EQ(f.where.line, 8);  // the expectation of M006 2019-04
  EXPECT_EQ(f.expected, "2300.00");
  EXPECT_EQ(f.actual, "2200.00");  // 22 days × 100
  EXPECT_NE(f.explanation.find("living_per_day × days_in_village = 100 × 22 = 2200"), std::string::npos)
      << f.explanation;
  const std::string text = rulebook::format(r);
  EXPECT_NE(text.find("expected: 2300.00"), std::string::npos) << text;
  EXPECT_NE(text.find("actual:   2200.00"), std::string::npos) << text;
}

TEST(cases, a_finding_that_must_not_appear_fails_when_it_does) {
  const rulebook::case_load_result loaded = load("tests/data/cases/failing/absent.yaml");
  ASSERT_TRUE(loaded) << rulebook::format(loaded.diagnostics);
  const rulebook::case_result r = rulebook::run_case(qiyang(), loaded.cases.front());
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].expected, "no such finding");
  // M014 2019-01: 25 × 100 = 2500 owed, 25 × 80 = 2000 paid.
  EXPECT_NE(r.failures[0].actual.find("expected 2500.00, actual 2000.00"), std::string::npos) << r.failures[0].actual;
}

TEST(cases, bad_case_files_are_reported_at_file_line_column_and_load_nothing) {
  const rulebook::case_load_result loaded = load("tests/data/cases/bad");
  EXPECT_FALSE(loaded);
  EXPECT_TRUE(loaded.cases.empty());
  const std::string text = rulebook::format(loaded.diagnostics);
  EXPECT_NE(text.find("empty-expect.yaml:4:9: error[missing-key]: the case expects nothing"), std::string::npos) << text;
  EXPECT_NE(text.find("unknown-key.yaml:2:9: error[bad-value]: invalid 'period'"), std::string::npos) << text;
  EXPECT_NE(text.find("unknown-key.yaml:6:42: error[bad-value]: invalid 'owed'"), std::string::npos) << text;
  EXPECT_NE(text.find("unknown-key.yaml:8:3: error[unknown-key]: unknown key 'findngs'"), std::string::npos) << text;
  EXPECT_NE(text.find("did you mean 'findings'?"), std::string::npos) << text;
}

TEST(cases, an_unknown_member_is_an_error_with_a_suggestion) {
  const rulebook::case_load_result loaded = rulebook::load_case_yaml(
      "case: typo\nperiod: 2019\ndata: {county: {id: x, name: 县}, units: [{id: U1, name: 局, kind: other}],\n"
      "  teams: [{id: T1, village: 村, town: 镇, lead_unit: U1, distance_km: 1}],\n"
      "  members: [{id: M006, name: 甲, role: member, unit: U1, team: T1, service: [{from: 2019-01-01}]}]}\n"
      "expect:\n  entitlements:\n    - {member: M0O6, item: living, owed: \"1.00\"}\n",
      "typo.yaml");
  EXPECT_FALSE(loaded);
  const std::string text = rulebook::format(loaded.diagnostics);
  EXPECT_NE(text.find("typo.yaml:8:7: error[unknown-reference]: no member 'M0O6' in the case's data"), std::string::npos)
      << text;
  EXPECT_NE(text.find("did you mean 'M006'?"), std::string::npos) << text;
}

TEST(cases, inline_data_with_an_error_points_into_the_case_file) {
  const rulebook::case_load_result loaded = rulebook::load_case_yaml(
      "case: bad data\nperiod: 2019\ndata:\n  county: {id: x, name: 县}\n  teams: [{id: T1, village: 村}]\n"
      "expect:\n  totals: [{item: living, owed: \"0\"}]\n",
      "inline.yaml");
  EXPECT_FALSE(loaded);
  const std::string text = rulebook::format(loaded.diagnostics);
  EXPECT_NE(text.find("inline.yaml:5:"), std::string::npos) << text;
  EXPECT_NE(text.find("error[missing-key]: missing key 'town'"), std::string::npos) << text;
}

TEST(cases, money_is_compared_exactly_to_the_ten_thousandth) {
  // 100 × 16 / 31 = 51.6129… is owed as 51.61: 51.6100 passes, 51.6101 does not.
  const auto run = [](const std::string& owed) {
    const rulebook::case_load_result loaded = rulebook::load_case_yaml(
        "case: exact\nperiod: 2019-07\ndata: " + src("examples/qiyang/county.yaml").string() +
            "\nexpect:\n  entitlements:\n    - {member: M037, item: communication, owed: \"" + owed + "\"}\n",
        "exact.yaml");
    EXPECT_TRUE(loaded) << rulebook::format(loaded.diagnostics);
    return rulebook::run_case(qiyang(), loaded.cases.front()).passed();
  };
  EXPECT_TRUE(run("51.61"));
  EXPECT_TRUE(run("51.6100"));
  EXPECT_FALSE(run("51.6101"));
  EXPECT_FALSE(run("51.60"));
}

TEST(coverage, records_when_if_and_or_branches_from_the_traces) {
  const rulebook::program prog =
      rulebook::compile(rulebook::load_policy_or_throw(src("tests/data/branches/policy.yaml")));
  const std::string when = "when: role == 'leader' or role == 'first_secretary'";
  const std::string or_point = "role == 'leader' or …";
  const std::string if_point = "if days_in_village >= 20 and round_trips > 0";
  const std::string and_point = "days_in_village >= 20 and …";

  // The leader alone: when true, `or` decided by its left side, `and` evaluated whole, then.
  {
    const rulebook::case_load_result loaded = load("tests/data/branches/cases/leader.yaml");
    ASSERT_TRUE(loaded) << rulebook::format(loaded.diagnostics);
    case_coverage c(prog);
    const rulebook::case_result r = rulebook::run_case(prog, loaded.cases.front(), &c);
    ASSERT_TRUE(r.passed()) << rulebook::format(r);
    EXPECT_EQ(hits(c, "leader_bonus", when, "true"), 1u);
    EXPECT_EQ(hits(c, "leader_bonus", when, "false"), 0u);
    EXPECT_EQ(hits(c, "leader_bonus", or_point, "left decides"), 1u);
    EXPECT_EQ(hits(c, "leader_bonus", or_point, "right evaluated"), 0u);
    EXPECT_EQ(hits(c, "leader_bonus", if_point, "then"), 1u);
    EXPECT_EQ(hits(c, "leader_bonus", if_point, "else"), 0u);
    EXPECT_EQ(hits(c, "leader_bonus", and_point, "right evaluated"), 1u);
    EXPECT_EQ(hits(c, "leader_bonus", and_point, "left decides"), 0u);
    EXPECT_EQ(c.branch_count(), 8u);
    EXPECT_EQ(c.branches_taken(), 4u);
    // bonus_part's 150 takes effect on 2019-07-01, after the case's January.
    EXPECT_EQ(c.value_count(), 3u);
    EXPECT_EQ(c.values_exercised(), 2u);
    EXPECT_NE(rulebook::format(c).find("if days_in_village >= 20 and round_trips > 0 → else: NOT TAKEN"),
              std::string::npos)
        << rulebook::format(c);
  }
  // With the first secretary (10 days: else) and a member (when false), every branch is taken.
  {
    const rulebook::case_load_result loaded = load("tests/data/branches/cases");
    ASSERT_TRUE(loaded) << rulebook::format(loaded.diagnostics);
    case_coverage c(prog);
    for (const rulebook::example_case& k : loaded.cases) {
      const rulebook::case_result r = rulebook::run_case(prog, k, &c);
      EXPECT_TRUE(r.passed()) << rulebook::format(r);
    }
    EXPECT_EQ(hits(c, "leader_bonus", when, "false"), 1u);  // M
    EXPECT_EQ(hits(c, "leader_bonus", or_point, "right evaluated"), 2u);  // F (true), M (false)
    EXPECT_EQ(hits(c, "leader_bonus", if_point, "else"), 1u);             // F: 10 < 20
    EXPECT_EQ(hits(c, "leader_bonus", and_point, "left decides"), 1u);
    EXPECT_EQ(c.branches_taken(), c.branch_count()) << rulebook::format(c);
  }
}

TEST(coverage, lists_the_rules_no_case_touches) {
  const rulebook::case_load_result loaded = load("examples/qiyang/cases/transport.yaml");
  ASSERT_TRUE(loaded) << rulebook::format(loaded.diagnostics);
  const rulebook::program prog = qiyang();
  case_coverage c(prog);
  (void)rulebook::run_case(prog, loaded.cases.front(), &c);
  EXPECT_EQ(c.rules_covered(), 1u);
  EXPECT_TRUE(rule_of(c, "transport").covered());
  EXPECT_FALSE(rule_of(c, "living").covered());
  const std::string text = rulebook::format(c);
  EXPECT_NE(text.find("rules no case touches: team_size, term, work_funds, living, communication"), std::string::npos)
      << text;
  EXPECT_NE(text.find("rules 1/16 (6 %)"), std::string::npos) << text;
}
