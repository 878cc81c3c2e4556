// Loading policies: parameters in force by date, `extends` with overrides,
// additions and removals, every kind of rule, and the bundled policies in
// rules/ with the figures DESIGN.md gives for them.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "rulebook/diagnostic.hpp"
#include "rulebook/policy.hpp"

namespace fs = std::filesystem;
namespace rb = rulebook;

namespace {

rb::date day(int y, int m, int d) {
  return rb::date(static_cast<unsigned short>(y), static_cast<unsigned short>(m), static_cast<unsigned short>(d));
}

rb::decimal number(std::string_view text) { return rb::decimal::parse(text); }

/// A folder of policy files for one test, removed after it.
class policy_folder {
 public:
  policy_folder() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / (std::string("rulebook-policy-") + test->test_suite_name() + "-" + test->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~policy_folder() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  policy_folder(const policy_folder&) = delete;
  policy_folder& operator=(const policy_folder&) = delete;

  fs::path write(const std::string& name, std::string_view text) const {
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

 private:
  fs::path dir_;
};

/// Loads `path` and fails the test with the diagnostics when it does not load.
rb::policy load_clean(const fs::path& path) {
  rb::policy_load_result loaded = rb::load_policy(path);
  EXPECT_TRUE(loaded.diagnostics.empty()) << rb::format(loaded.diagnostics);
  if (!loaded) throw std::runtime_error("the policy did not load");
  return std::move(*loaded.value);
}

constexpr std::string_view header = R"(policy:
  id: test-2019
  title: {zh: 测试办法, en: test provisions}
  jurisdiction: {zh: 某县, en: a county}
  governs: {from: 2019-01-01, to: 2019-12-31}
)";

/// A living allowance whose rate rises on 2019-07-16.
const std::string rising_rate = std::string(header) + R"(parameters:
  living_per_day:
    title: {zh: 生活补贴标准, en: living allowance per day}
    unit: yuan/day
    values:
      2019-07-16: 120
      2019-01-01: 100
    source: 每个队员每天100元生活补贴
rules:
  - id: living
    kind: allowance
    title: {zh: 生活补贴, en: living allowance}
    item: living
    per: member_month
    amount: living_per_day * days_in_village
    responsible: dispatching_unit
    source: 每个队员每天100元生活补贴
)";

// ---- parameters in force --------------------------------------------------------------

/// Expects `range` of the rising rate to split into `expected`: each piece's days and value.
void expect_pieces(const rb::date_range& range,
                   const std::vector<std::pair<rb::date_range, std::string_view>>& expected) {
  const policy_folder folder;
  const rb::policy p = load_clean(folder.write("rising.yaml", rising_rate));
  const auto pieces = p.find_parameter("living_per_day")->pieces(range);
  ASSERT_EQ(pieces.size(), expected.size());
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    EXPECT_EQ(pieces[i].range, expected[i].first) << "piece " << i;
    EXPECT_EQ(pieces[i].value, number(expected[i].second)) << "piece " << i;
  }
}

TEST(parameter, a_change_on_july_16_splits_july_at_the_change) {
  expect_pieces({day(2019, 7, 1), day(2019, 7, 31)},
                {{{day(2019, 7, 1), day(2019, 7, 15)}, "100"}, {{day(2019, 7, 16), day(2019, 7, 31)}, "120"}});
}

TEST(parameter, a_month_without_a_change_is_one_piece) {
  expect_pieces({day(2019, 8, 1), day(2019, 8, 31)}, {{{day(2019, 8, 1), day(2019, 8, 31)}, "120"}});
}

TEST(parameter, days_before_the_first_value_are_left_out_of_the_pieces) {
  expect_pieces({day(2018, 12, 20), day(2019, 1, 10)}, {{{day(2019, 1, 1), day(2019, 1, 10)}, "100"}});
}

TEST(parameter, a_value_given_again_unchanged_does_not_split) {
  const policy_folder folder;
  std::string text = rising_rate;
  text.replace(text.find("2019-07-16: 120"), 15, "2019-07-16: 100");
  const rb::policy p = load_clean(folder.write("same.yaml", text));
  EXPECT_EQ(p.find_parameter("living_per_day")->pieces({day(2019, 7, 1), day(2019, 7, 31)}).size(), 1u);
}

TEST(parameter, values_are_sorted_by_date_whatever_order_the_file_gives) {
  const policy_folder folder;
  const rb::policy p = load_clean(folder.write("rising.yaml", rising_rate));
  const rb::parameter& living = *p.find_parameter("living_per_day");
  ASSERT_EQ(living.values.size(), 2u);
  EXPECT_EQ(living.values[0].since, day(2019, 1, 1));
  EXPECT_EQ(living.values[1].since, day(2019, 7, 16));
  EXPECT_EQ(living.values[1].where.line, 11);  // `2019-07-16: 120` is written first
}

TEST(parameter, has_no_value_before_its_first_date) {
  const policy_folder folder;
  const rb::policy p = load_clean(folder.write("rising.yaml", rising_rate));
  const rb::parameter& living = *p.find_parameter("living_per_day");
  EXPECT_EQ(living.value_on(day(2018, 12, 31)), std::nullopt);
  EXPECT_EQ(living.entry_on(day(2018, 12, 31)), nullptr);
  EXPECT_EQ(living.slot_value_on(day(2018, 12, 31)), std::nullopt);
  EXPECT_EQ(living.value_on(day(2019, 1, 1)), number("100"));
  EXPECT_EQ(living.value_on(day(2019, 7, 15)), number("100"));
  EXPECT_EQ(living.value_on(day(2019, 7, 16)), number("120"));
  EXPECT_EQ(living.value_on(day(2030, 1, 1)), number("120"));  // in force until the next value
  ASSERT_NE(living.entry_on(day(2019, 9, 1)), nullptr);
  EXPECT_EQ(living.entry_on(day(2019, 9, 1))->since, day(2019, 7, 16));
}

TEST(parameter, reads_as_money_in_expressions_when_its_unit_is_yuan) {
  const policy_folder folder;
  const rb::policy p = load_clean(folder.write("rising.yaml", rising_rate));
  const std::optional<rb::value> v = p.find_parameter("living_per_day")->slot_value_on(day(2019, 3, 1));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->type(), rb::value_type::money);
  EXPECT_EQ(v->as_money(), rb::money::yuan(100));
}

TEST(policy, names_the_inputs_first_then_every_parameter_typed_by_its_unit) {
  const policy_folder folder;
  const rb::policy p = load_clean(folder.write("rising.yaml", rising_rate));
  const auto entries = p.names.entries();
  ASSERT_GE(entries.size(), 12u);
  EXPECT_EQ(entries[0].name, "days_in_village");
  EXPECT_EQ(entries.back().name, "living_per_day");
  EXPECT_EQ(entries.back().type, rb::value_type::money);
  ASSERT_NE(p.names.find("role"), nullptr);
  EXPECT_EQ(p.names.find("role")->type, rb::value_type::text);
  EXPECT_EQ(p.names.find("period_end")->type, rb::value_type::date);
}

TEST(policy, compiles_amounts_that_evaluate_with_the_value_in_force) {
  const policy_folder folder;
  const rb::policy p = load_clean(folder.write("rising.yaml", rising_rate));
  const rb::rule* living = p.find_rule("living");
  ASSERT_NE(living, nullptr);
  const auto& allowance = std::get<rb::allowance_rule>(living->body);
  EXPECT_EQ(allowance.amount.where().file, p.files.front());
  EXPECT_EQ(allowance.amount.where().line, 20);
  EXPECT_EQ(allowance.amount.where().column, 13);
  std::vector<rb::value> slots(p.names.size());
  slots[p.names.slot_of("days_in_village")] = rb::value::of(rb::decimal::from_int(22));
  slots[p.names.slot_of("living_per_day")] = *p.find_parameter("living_per_day")->slot_value_on(day(2019, 8, 1));
  EXPECT_EQ(allowance.amount.evaluate(slots).as_money(), rb::money::yuan(2640));
}

TEST(policy, points_a_quoted_expression_at_its_first_character) {
  const policy_folder folder;
  std::string text = rising_rate;
  text.replace(text.find("amount: living_per_day"), 22, "amount: \"living_per_day");
  text.replace(text.find("days_in_village\n"), 16, "days_in_village\"\n");
  const rb::policy p = load_clean(folder.write("quoted.yaml", text));
  const auto& allowance = std::get<rb::allowance_rule>(p.find_rule("living")->body);
  EXPECT_EQ(allowance.amount.where().column, 14);
}

TEST(policy, points_a_block_expression_at_its_first_line) {
  const policy_folder folder;
  std::string text = rising_rate;
  text.replace(text.find("amount: living_per_day * days_in_village"), 40,
               "amount: >-\n      living_per_day\n      * days_in_village");
  const rb::policy p = load_clean(folder.write("block.yaml", text));
  const auto& allowance = std::get<rb::allowance_rule>(p.find_rule("living")->body);
  EXPECT_EQ(allowance.amount.text(), "living_per_day * days_in_village");
  EXPECT_EQ(allowance.amount.where().line, 21);
  EXPECT_EQ(allowance.amount.where().column, 7);
}

// ---- extends ----------------------------------------------------------------------------

constexpr std::string_view base_policy = R"(policy:
  id: base
  title: {zh: 基础, en: base}
  jurisdiction: {zh: 全国, en: China}
  governs: {from: 2017-01-01}
money: {scale: 0, rounding: down}
parameters:
  min_team_size: {unit: count, values: {2017-01-01: 3}, source: 一般不少于3人}
  living_per_day: {unit: yuan/day, values: {2017-01-01: 80}, source: base rate}
rules:
  - {id: team_size, kind: team_size, title: {zh: 人数, en: team size}, at_least: min_team_size,
     source: 一般不少于3人}
  - id: living
    kind: allowance
    title: {zh: 生活补贴, en: living allowance}
    item: living
    per: member_month
    amount: living_per_day * days_in_village
    source: base rate
  - {id: term, kind: term, title: {zh: 时间, en: term}, at_least_years: 2, source: 不少于2年}
)";

const std::string county_policy = std::string(header) + R"(extends: base/national.yaml
remove: [term]
parameters:
  living_per_day: {unit: yuan/day, values: {2019-01-01: 100}, source: 每天100元}
  communication_per_month:
    unit: yuan/month
    values: {2019-01-01: 100}
    within_month: split_by_days
    source: 通信补贴100元每人每月
rules:
  - id: living
    kind: allowance
    title: {zh: 生活补贴, en: living allowance}
    item: living
    per: member_month
    when: days_in_village > 0
    amount: living_per_day * days_in_village
    responsible: dispatching_unit
    source: 每天100元
  - id: communication
    kind: allowance
    title: {zh: 通信补贴, en: communication}
    item: communication
    per: member_month
    amount: communication_per_month
    prorate: days_served
    source: 通信补贴100元每人每月
)";

/// A county policy extending a base in a sub-folder, as `extends: base/national.yaml` names it.
class extends_test : public ::testing::Test {
 protected:
  extends_test() { folder_.write("base/national.yaml", base_policy); }
  rb::policy load(std::string_view county_text) { return load_clean(folder_.write("county.yaml", county_text)); }

  policy_folder folder_;
};

TEST_F(extends_test, lists_the_files_of_the_chain_from_the_county_to_the_base) {
  const rb::policy p = load(county_policy);
  ASSERT_EQ(p.files.size(), 2u);
  EXPECT_TRUE(p.files[0].ends_with("county.yaml"));
  EXPECT_TRUE(p.files[1].ends_with("base/national.yaml"));
  EXPECT_EQ(p.id, "test-2019");  // `policy:` is never inherited
  EXPECT_EQ(p.governs, (rb::date_range{day(2019, 1, 1), day(2019, 12, 31)}));
}

TEST_F(extends_test, a_parameter_of_the_county_replaces_the_base_s_whole) {
  const rb::policy p = load(county_policy);
  const rb::parameter* living = p.find_parameter("living_per_day");
  ASSERT_NE(living, nullptr);
  ASSERT_EQ(living->values.size(), 1u);
  EXPECT_EQ(living->value_on(day(2019, 3, 1)), number("100"));
  EXPECT_EQ(living->value_on(day(2018, 3, 1)), std::nullopt);
  EXPECT_TRUE(living->file.ends_with("county.yaml"));
  const rb::parameter* size = p.find_parameter("min_team_size");
  ASSERT_NE(size, nullptr);
  EXPECT_TRUE(size->file.ends_with("base/national.yaml"));
  EXPECT_EQ(size->value_on(day(2019, 1, 1)), number("3"));
}

TEST_F(extends_test, a_rule_of_the_county_replaces_the_base_s_in_its_place) {
  const rb::policy p = load(county_policy);
  std::vector<std::string> ids;
  for (const rb::rule& r : p.rules) ids.push_back(r.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"team_size", "living", "communication"}));
  const rb::rule* living = p.find_rule("living");
  EXPECT_TRUE(living->file.ends_with("county.yaml"));
  EXPECT_EQ(living->responsible, rb::responsible_party::dispatching_unit);
  EXPECT_TRUE(std::get<rb::allowance_rule>(living->body).when.has_value());
  EXPECT_TRUE(p.find_rule("team_size")->file.ends_with("base/national.yaml"));
}

TEST_F(extends_test, a_new_rule_is_added_after_the_base_s) {
  const rb::policy p = load(county_policy);
  const rb::rule* communication = p.find_rule("communication");
  ASSERT_NE(communication, nullptr);
  EXPECT_EQ(&p.rules.back(), communication);
  EXPECT_EQ(std::get<rb::allowance_rule>(communication->body).prorate, rb::proration::days_served);
  EXPECT_EQ(p.find_parameter("communication_per_month")->in_month, rb::within_month::split_by_days);
}

TEST_F(extends_test, remove_drops_a_base_rule) {
  const rb::policy p = load(county_policy);
  EXPECT_EQ(p.find_rule("term"), nullptr);
}

TEST_F(extends_test, the_base_s_money_holds_until_the_county_gives_its_own) {
  rb::policy p = load(county_policy);
  EXPECT_EQ(p.money.scale, 0);
  EXPECT_EQ(p.money.mode, rb::rounding::down);
  p = load(county_policy + "money: {rounding: half_even}\n");
  EXPECT_EQ(p.money.scale, 2);  // replaced whole: the defaults, but for what is given
  EXPECT_EQ(p.money.mode, rb::rounding::half_even);
}

TEST_F(extends_test, reports_the_county_s_problems_first_then_the_base_s) {
  std::string base(base_policy);
  base.replace(base.find("source: base rate}"), 18, "sorce: base rate}");
  folder_.write("base/national.yaml", base);
  std::string county = county_policy;
  county.replace(county.find("per: member_month"), 17, "per: member_mnth");
  const rb::policy_load_result loaded = rb::load_policy(folder_.write("county.yaml", county));
  EXPECT_FALSE(loaded);
  ASSERT_EQ(loaded.diagnostics.size(), 2u) << rb::format(loaded.diagnostics);
  EXPECT_TRUE(loaded.diagnostics[0].where.file.ends_with("county.yaml"));
  EXPECT_EQ(loaded.diagnostics[0].code, "bad-value");
  EXPECT_TRUE(loaded.diagnostics[1].where.file.ends_with("base/national.yaml"));
  EXPECT_EQ(loaded.diagnostics[1].code, "unknown-key");
  EXPECT_EQ(loaded.diagnostics[1].source_line,
            "  living_per_day: {unit: yuan/day, values: {2017-01-01: 80}, sorce: base rate}");
}

TEST_F(extends_test, the_base_alone_loads_with_its_own_rules) {
  const rb::policy p = load_clean(folder_.write("base/national.yaml", base_policy));
  EXPECT_EQ(p.files.size(), 1u);
  EXPECT_NE(p.find_rule("term"), nullptr);
  EXPECT_EQ(p.find_parameter("living_per_day")->value_on(day(2017, 1, 1)), number("80"));
}

// ---- every kind of rule --------------------------------------------------------------------

const std::string every_kind = std::string(header) + R"(money: {scale: 1, rounding: half_even, round_at: member_month}
parameters:
  transport_per_km: {unit: yuan/km, values: {2019-01-01: 1.5}, source: 按1.5元/公里标准进行补助}
  work_funds_per_team_year: {unit: yuan/year, values: {2019-01-01: 10000}, source: 一个工作队1万元工作经费}
  cover_minimum: {unit: yuan, values: {2019-01-01: 200000}, source: 保额不低于20万元}
  check_minimum: {unit: yuan, values: {2019-01-01: 500}, source: 不低于500元的健康体检}
  excellent_share: {unit: ratio, values: {2019-01-01: 0.2}, source: 总数的20%}
  points_each: {unit: points, values: {2019-01-01: 1}, source: "county choice: one point a finding"}
  points_cap: {unit: points, values: {2019-01-01: 10}, source: "county choice: ten points a year at most"}
  visits_per_quarter: {unit: count, values: {2019-01-01: 1}, source: 每季度都亲切看望}
  min_team_size: {unit: count, values: {2019-01-01: 3}, source: 一般不少于3人}
  min_term_years: {unit: years, values: {2019-01-01: 2}, source: 不少于2年}
  min_days_per_month: {unit: days, values: {2019-01-01: 20}, source: 每月在村不少于20天}
  max_days_away: {unit: days, values: {2019-01-01: 5}, source: 因公外出最多5天}
rules:
  - id: transport
    kind: allowance
    title: {zh: 交通费, en: transport}
    item: transport
    per: member_month
    when: round_trips > 0 and role != 'leader'
    amount: transport_per_km * 2 * min(round_trips, 4) * distance_km
    prorate: none
    responsible: dispatching_unit
    source: 每月往返报销四次交通费
    choices:
      - {key: amount, source: "county choice: round trips made, at most four"}
  - id: work_funds
    kind: allowance
    title: {zh: 工作经费, en: work funds}
    item: work_funds
    per: team_year
    amount: work_funds_per_team_year
    prorate: days_served
    responsible: lead_unit
    source: 一个工作队1万元工作经费
  - id: accident_insurance
    kind: minimum
    title: {zh: 意外险, en: accident insurance}
    of: insurance_cover
    at_least: cover_minimum
    each: day_served
    responsible: dispatching_unit
    source: 保额不低于20万元
  - id: health_check
    kind: minimum
    title: {zh: 体检, en: health check}
    of: health_check_cost
    at_least: check_minimum
    each: year_served
    source: 不低于500元的健康体检
  - id: six_items
    kind: kit
    title: {zh: 六个一, en: six items}
    for: team
    items:
      - {item: computer, title: {zh: 一台电脑, en: a computer}, level: advised}
      - {item: bedding_set, title: {zh: 一套卧具, en: a bedding set}, level: required}
    responsible: lead_unit
    severity: advisory
    source: 提倡
  - id: excellent_quota
    kind: quota
    title: {zh: 优秀指标, en: excellent quota}
    grade: excellent
    share: excellent_share
    of: resident_members
    rounding: floor
    rank_by:
      - {key: score, order: descending}
      - {key: service_start, order: ascending}
    ties: include
    separate: true
    source: 总数的20%
  - id: support_failures
    kind: penalty
    title: {zh: 扣分, en: points}
    units: [county_department, institution]
    for:
      - {rules: [transport, work_funds], points: points_each}
      - {rules: [accident_insurance], points: 2}
    notice: false
    cap: points_cap
    source: 给予扣分
  - id: unit_head_visits
    kind: obligation
    title: {zh: 看望, en: visits}
    event: {visit: unit_head}
    times: visits_per_quarter
    every: quarter
    for_each: unit_team
    responsible: dispatching_unit
    source: 每季度都亲切看望
  - id: members_meetings
    kind: obligation
    title: {zh: 座谈会, en: members' meetings}
    event: {meeting: members}
    times: 1
    every: half_year
    for_each: member
    responsible: county
    source: 每半年
  - {id: team_size, kind: team_size, title: {zh: 人数, en: team size}, at_least: min_team_size, source: 一般不少于3人}
  - {id: term, kind: term, title: {zh: 时间, en: term}, at_least_years: min_term_years, source: 不少于2年}
  - id: days_in_village
    kind: attendance
    title: {zh: 在村时间, en: days in the village}
    at_least: min_days_per_month
    each: month
    counting_days_away_on_duty: max_days_away
    responsible: dispatching_unit
    source: 每月在村不少于20天
)";

class every_kind_test : public ::testing::Test {
 protected:
  every_kind_test() : policy_(load_clean(folder_.write("every-kind.yaml", every_kind))) {}

  template <class Body>
  const Body& body(std::string_view id) {
    const rb::rule* r = policy_.find_rule(id);
    if (r == nullptr) throw std::runtime_error("no rule " + std::string(id));
    return std::get<Body>(r->body);
  }

  policy_folder folder_;
  rb::policy policy_;
};

TEST_F(every_kind_test, reads_the_money_settings) {
  EXPECT_EQ(policy_.money.scale, 1);
  EXPECT_EQ(policy_.money.mode, rb::rounding::half_even);
  EXPECT_EQ(policy_.money.round_at, rb::money_settings::stage::member_month);
}

TEST_F(every_kind_test, reads_an_allowance_with_its_condition_and_choices) {
  const rb::rule& r = *policy_.find_rule("transport");
  EXPECT_EQ(r.kind, rb::rule_kind::allowance);
  EXPECT_EQ(r.title, (rb::bilingual{"交通费", "transport"}));
  EXPECT_EQ(r.source, "每月往返报销四次交通费");
  EXPECT_FALSE(r.county_choice);
  ASSERT_EQ(r.choices.size(), 1u);
  EXPECT_EQ(r.choices[0].key, "amount");
  const auto& a = body<rb::allowance_rule>("transport");
  EXPECT_EQ(a.item, "transport");
  EXPECT_EQ(a.per, rb::allowance_basis::member_month);
  ASSERT_TRUE(a.when.has_value());
  EXPECT_EQ(a.when->type(), rb::value_type::boolean);
  EXPECT_EQ(a.amount.type(), rb::value_type::money);
  EXPECT_EQ(a.amount.text(), "transport_per_km * 2 * min(round_trips, 4) * distance_km");
  EXPECT_EQ(body<rb::allowance_rule>("work_funds").per, rb::allowance_basis::team_year);
  EXPECT_EQ(policy_.find_rule("work_funds")->responsible, rb::responsible_party::lead_unit);
}

TEST_F(every_kind_test, reads_minimums) {
  const auto& cover = body<rb::minimum_rule>("accident_insurance");
  EXPECT_EQ(cover.of, rb::minimum_measure::insurance_cover);
  EXPECT_EQ(cover.each, rb::minimum_each::day_served);
  EXPECT_EQ(cover.at_least.type(), rb::value_type::money);
  const auto& check = body<rb::minimum_rule>("health_check");
  EXPECT_EQ(check.of, rb::minimum_measure::health_check_cost);
  EXPECT_EQ(check.each, rb::minimum_each::year_served);
  EXPECT_EQ(policy_.find_rule("health_check")->responsible, rb::responsible_party::county);  // the default
}

TEST_F(every_kind_test, reads_a_kit_and_its_levels) {
  const auto& kit = body<rb::kit_rule>("six_items");
  EXPECT_EQ(kit.holder, rb::kit_holder::team);
  ASSERT_EQ(kit.items.size(), 2u);
  EXPECT_EQ(kit.items[0].item, "computer");
  EXPECT_EQ(kit.items[0].title, (rb::bilingual{"一台电脑", "a computer"}));
  EXPECT_EQ(kit.items[0].level, rb::kit_level::advised);
  EXPECT_EQ(kit.items[1].level, rb::kit_level::required);
  EXPECT_EQ(policy_.find_rule("six_items")->severity, rb::rule_severity::advisory);
}

TEST_F(every_kind_test, reads_a_quota_and_its_ranking) {
  const auto& q = body<rb::quota_rule>("excellent_quota");
  EXPECT_EQ(q.of_grade, rb::grade::excellent);
  EXPECT_EQ(q.of, rb::quota_population::resident_members);
  EXPECT_EQ(q.round, rb::rounding::floor);
  ASSERT_EQ(q.rank_by.size(), 2u);
  EXPECT_EQ(q.rank_by[0].key, rb::rank_key::score);
  EXPECT_TRUE(q.rank_by[0].descending);
  EXPECT_EQ(q.rank_by[1].key, rb::rank_key::service_start);
  EXPECT_FALSE(q.rank_by[1].descending);
  EXPECT_EQ(q.ties, rb::quota_ties::include);
  EXPECT_TRUE(q.separate);
  EXPECT_EQ(q.share.text(), "excellent_share");
}

TEST_F(every_kind_test, reads_a_penalty_and_its_lines) {
  const auto& p = body<rb::penalty_rule>("support_failures");
  EXPECT_EQ(p.units, (std::vector<rb::unit_kind>{rb::unit_kind::county_department, rb::unit_kind::institution}));
  ASSERT_EQ(p.lines.size(), 2u);
  EXPECT_EQ(p.lines[0].rules, (std::vector<std::string>{"transport", "work_funds"}));
  EXPECT_EQ(p.lines[0].points.text(), "points_each");
  EXPECT_EQ(p.lines[1].points.text(), "2");
  EXPECT_FALSE(p.notice);
  ASSERT_TRUE(p.cap.has_value());
  EXPECT_EQ(p.cap->text(), "points_cap");
}

TEST_F(every_kind_test, reads_obligations_of_visits_and_of_meetings) {
  const auto& visits = body<rb::obligation_rule>("unit_head_visits");
  EXPECT_EQ(std::get<rb::visitor_role>(visits.event), rb::visitor_role::unit_head);
  EXPECT_EQ(visits.every, rb::every_period::quarter);
  EXPECT_EQ(visits.for_each, rb::obligation_subject::unit_team);
  const auto& meetings = body<rb::obligation_rule>("members_meetings");
  EXPECT_EQ(std::get<rb::meeting_kind>(meetings.event), rb::meeting_kind::members);
  EXPECT_EQ(meetings.every, rb::every_period::half_year);
  EXPECT_EQ(meetings.for_each, rb::obligation_subject::member);
  EXPECT_EQ(meetings.times.text(), "1");
}

TEST_F(every_kind_test, reads_team_size_term_and_attendance) {
  EXPECT_EQ(body<rb::team_size_rule>("team_size").at_least.text(), "min_team_size");
  EXPECT_EQ(body<rb::term_rule>("term").at_least_years.text(), "min_term_years");
  const auto& a = body<rb::attendance_rule>("days_in_village");
  EXPECT_EQ(a.at_least.text(), "min_days_per_month");
  EXPECT_EQ(a.each, rb::every_period::month);
  ASSERT_TRUE(a.days_away_counted_up_to.has_value());
  EXPECT_EQ(a.days_away_counted_up_to->text(), "max_days_away");
}

TEST_F(every_kind_test, flags_county_choices) {
  EXPECT_TRUE(policy_.find_parameter("points_each")->county_choice);
  EXPECT_FALSE(policy_.find_parameter("transport_per_km")->county_choice);
}

TEST_F(every_kind_test, keeps_the_rules_in_file_order_and_parameters_by_id) {
  EXPECT_EQ(policy_.rules.front().id, "transport");
  EXPECT_EQ(policy_.rules.back().id, "days_in_village");
  EXPECT_TRUE(std::is_sorted(policy_.parameters.begin(), policy_.parameters.end(),
                             [](const rb::parameter& a, const rb::parameter& b) { return a.id < b.id; }));
  EXPECT_EQ(policy_.find_parameter("no_such_parameter"), nullptr);
  EXPECT_EQ(policy_.find_rule("no_such_rule"), nullptr);
}

// ---- problems ----------------------------------------------------------------------------------

TEST(load_policy_or_throw, throws_a_rule_file_error_carrying_every_diagnostic) {
  const policy_folder folder;
  std::string text = rising_rate;
  text.replace(text.find("per: member_month"), 17, "per: member_mnth");
  text.replace(text.find("unit: yuan/day"), 14, "unit: yuan/week");
  const fs::path path = folder.write("broken.yaml", text);
  try {
    (void)rb::load_policy_or_throw(path);
    FAIL() << "expected a rule_file_error";
  } catch (const rb::rule_file_error& e) {
    ASSERT_EQ(e.diagnostics().size(), 2u) << e.what();
    EXPECT_EQ(e.diagnostics()[0].code, "bad-unit");
    EXPECT_EQ(e.diagnostics()[1].code, "bad-value");
    EXPECT_NE(std::string(e.what()).find("did you mean 'member_month'?"), std::string::npos) << e.what();
  }
}

TEST(load_policy_or_throw, returns_the_policy_when_it_loads) {
  const policy_folder folder;
  EXPECT_EQ(rb::load_policy_or_throw(folder.write("rising.yaml", rising_rate)).id, "test-2019");
}

TEST(load_policy, reports_a_missing_file_without_throwing) {
  const rb::policy_load_result loaded = rb::load_policy("tests/data/no-such-policy.yaml");
  EXPECT_FALSE(loaded);
  ASSERT_EQ(loaded.diagnostics.size(), 1u);
  EXPECT_EQ(loaded.diagnostics[0].code, "missing-file");
}

// ---- the bundled policies -------------------------------------------------------------------

fs::path bundled(std::string_view name) { return fs::path(RULEBOOK_SOURCE_DIR) / "rules" / name; }

rb::decimal value_on(const rb::policy& p, std::string_view parameter, rb::date on) {
  const rb::parameter* found = p.find_parameter(parameter);
  if (found == nullptr) throw std::runtime_error("no parameter " + std::string(parameter));
  return found->value_on(on).value();
}

TEST(bundled_policies, each_loads_without_a_single_diagnostic) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(RULEBOOK_SOURCE_DIR) / "rules"))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  EXPECT_GE(files.size(), 4u);
  for (const fs::path& f : files) {
    const rb::policy_load_result loaded = rb::load_policy(f);
    EXPECT_TRUE(loaded) << f;
    EXPECT_TRUE(loaded.diagnostics.empty()) << f << ":\n" << rb::format(loaded.diagnostics);
  }
}

TEST(bundled_policies, qiyang_pays_and_insures_as_the_seed_says) {
  const rb::policy p = load_clean(bundled("qiyang-2019.yaml"));
  const rb::date on = day(2019, 7, 1);
  EXPECT_EQ(p.find_parameter("living_per_day")->unit, rb::parameter_unit::yuan_per_day);
  EXPECT_EQ(value_on(p, "living_per_day", on), number("100"));
  EXPECT_EQ(p.find_parameter("transport_per_km")->unit, rb::parameter_unit::yuan_per_km);
  EXPECT_EQ(value_on(p, "transport_per_km", on), number("1.5"));
  EXPECT_EQ(value_on(p, "accident_cover_minimum", on), number("200000"));
  EXPECT_EQ(value_on(p, "health_check_minimum", on), number("500"));
  EXPECT_EQ(value_on(p, "excellent_share", on), number("0.2"));
  EXPECT_EQ(value_on(p, "min_team_size", on), number("3"));  // from the national base
  ASSERT_EQ(p.files.size(), 2u);
  EXPECT_TRUE(p.files[1].ends_with("national-2017.yaml"));
  EXPECT_NE(p.find_rule("excellent_quota"), nullptr);
  EXPECT_NE(p.find_rule("support_failures"), nullptr);
}

TEST(bundled_policies, liuba_pays_transport_at_0_8_yuan_a_km) {
  const rb::policy p = load_clean(bundled("liuba-2020.yaml"));
  EXPECT_EQ(value_on(p, "transport_per_km", day(2020, 7, 1)), number("0.8"));
}

TEST(bundled_policies, zhenan_has_a_30_percent_quota_and_600_yuan_a_year_communication) {
  const rb::policy p = load_clean(bundled("zhenan-2018.yaml"));
  const rb::date on = day(2018, 7, 1);
  EXPECT_EQ(value_on(p, "excellent_share", on), number("0.3"));
  EXPECT_EQ(p.find_parameter("communication_per_year")->unit, rb::parameter_unit::yuan_per_year);
  EXPECT_EQ(value_on(p, "communication_per_year", on), number("600"));
}

}  // namespace
