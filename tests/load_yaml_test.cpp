// Loading a county from YAML: every value read exactly, every problem reported
// at its file, line and column with a stable code, all of them in one pass.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "rulebook/load.hpp"

namespace rb = rulebook;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

/// The county of tests/data/county-folder/, as one file.
constexpr std::string_view good_county = R"(# A small county with one of everything.
county:
  id: qiyang-test
  name: 祁阳县
  province: 湖南省

units:
  - id: U01
    name: 县财政局
    kind: county_department
  - id: U02
    name: 大忠桥镇人民政府
    kind: township
  - {id: U03, name: 县人民医院, kind: institution}

teams:
  - id: T01
    village: 日晖塘村
    town: 大忠桥镇
    lead_unit: U01
    sponsor_units: [U02, U03]
    distance_km: 86.5
    kit:
      - {item: computer, since: 2019-01-05}
      - {item: printer, since: 2019-01-05, until: 2019-09-30}
    funds_received:
      - {date: 2019-03-01, amount: 10000, from: U01}
      - {date: 2019-09-01, amount: "2500.75"}
  - id: T02
    village: 石鼓村
    town: 大忠桥镇
    lead_unit: U02
    distance_km: 12

members:
  - id: M001
    name: 刘军
    role: leader
    unit: U01
    team: T01
    service:
      - {from: 2018-03-01, to: 2019-06-30}
      - {from: 2019-07-01, team: T02}
    insurance:
      - {cover: 200000, from: 2019-01-01, to: 2019-12-31, insurer: 中国人寿}
    health_checks:
      - {date: 2019-05-10, cost: 520}
    assessments:
      - {year: 2019, score: 92.5, grade: excellent}
  - id: M012
    name: 王芳
    role: member
    unit: U03
    service:
      - {from: 2019-07-16, team: T01}

months:
  - member: M001
    month: 2019-01
    days_in_village: 22
    round_trips: 4
    days_away_on_duty: 2
    paid: {living: 2200, transport: 1038, communication: 100}
  - {member: M012, month: 2019-07, days_in_village: 14, round_trips: 1}

visits:
  - {date: 2019-03-15, visitor: unit_head, unit: U01, team: T01}
  - {date: 2019-04-02, visitor: town_leader, team: T02}

meetings:
  - {date: 2019-03-20, kind: leaders, attendees: [M001]}
  - {date: 2019-06-28, kind: members, attendees: [M001, M012]}

condolences:
  - {date: 2019-09-30, member: M012, reason: serious_illness, amount: 3000, paid_by: U03}
  - {date: 2019-10-08, member: M001, reason: family_hardship, amount: 1500.5}
)";

/// The smallest county that loads, for tests that add one problem to it. Its
/// last section is the members' list, ending with M001's service, so that
/// appended lines can add intervals (indented 6) or whole sections.
constexpr std::string_view minimal_county = R"(county: {id: c, name: 县}
units:
  - {id: U01, name: 县财政局, kind: county_department}
teams:
  - {id: T01, village: 日晖塘村, town: 大忠桥镇, lead_unit: U01, distance_km: 86.5}
members:
  - id: M001
    name: 刘军
    role: leader
    unit: U01
    team: T01
    service:
      - {from: 2019-01-01}
)";

/// The minimal county with `extra` appended (more intervals or sections).
std::string minimal_with(std::string_view extra) { return std::string(minimal_county) + std::string(extra); }

/// The same county with its units last, so that appended lines (line 8 on)
/// add units.
constexpr std::string_view units_last_county = R"(county: {id: c, name: 县}
teams:
  - {id: T01, village: 日晖塘村, town: 大忠桥镇, lead_unit: U01, distance_km: 86.5}
members:
  - {id: M001, name: 刘军, role: leader, unit: U01, team: T01, service: [{from: 2019-01-01}]}
units:
  - {id: U01, name: 县财政局, kind: county_department}
)";

std::string with_units(std::string_view units) { return std::string(units_last_county) + std::string(units); }

rb::date day(int y, int m, int d) { return rb::date(y, m, d); }
rb::money yuan(std::string_view text) { return rb::money::parse(text); }

/// The first line of each diagnostic: `file:line:col: error[code]: message`.
std::vector<std::string> headers(const rb::county_load_result& r) {
  std::vector<std::string> out;
  for (const rb::diagnostic& d : r.diagnostics) {
    const std::string text = rb::format(d);
    out.push_back(text.substr(0, text.find('\n')));
  }
  return out;
}

/// Loads `text` as `t.yaml` and expects it to fail; returns the header lines.
std::vector<std::string> problems(std::string_view text) {
  const rb::county_load_result r = rb::load_county_yaml(text, "t.yaml");
  EXPECT_FALSE(r.value.has_value()) << "expected the county not to load";
  return headers(r);
}


}  // namespace

// ---- a good county --------------------------------------------------------------------

TEST(load_yaml, good_county_loads_every_value_exactly) {
  const rb::county_load_result r = rb::load_county_yaml(good_county, "county.yaml");
  ASSERT_TRUE(r.value.has_value()) << rb::format(r.diagnostics);
  EXPECT_TRUE(r.diagnostics.empty());
  const rb::county& c = *r.value;
  EXPECT_EQ(c.id, "qiyang-test");
  EXPECT_EQ(c.name, "祁阳县");
  EXPECT_EQ(c.province, "湖南省");

  ASSERT_EQ(c.units.size(), 3u);
  EXPECT_EQ(c.units[1], (rb::sponsor_unit{"U02", "大忠桥镇人民政府", rb::unit_kind::township}));
  EXPECT_EQ(c.units[2].kind, rb::unit_kind::institution);

  ASSERT_EQ(c.teams.size(), 2u);
  const rb::team& t = c.teams[0];
  EXPECT_EQ(t.village, "日晖塘村");
  EXPECT_EQ(t.lead_unit, "U01");
  EXPECT_THAT(t.sponsor_units, ElementsAre("U02", "U03"));
  EXPECT_EQ(t.distance_km, rb::decimal::parse("86.5"));
  EXPECT_THAT(t.kit, ElementsAre(rb::kit_holding{"computer", day(2019, 1, 5), std::nullopt},
                                 rb::kit_holding{"printer", day(2019, 1, 5), day(2019, 9, 30)}));
  EXPECT_THAT(t.funds_received, ElementsAre(rb::funds_receipt{day(2019, 3, 1), yuan("10000"), "U01"},
                                            rb::funds_receipt{day(2019, 9, 1), yuan("2500.75"), ""}));
  EXPECT_EQ(c.teams[1].distance_km, rb::decimal::from_int(12));
  EXPECT_TRUE(c.teams[1].sponsor_units.empty());

  ASSERT_EQ(c.members.size(), 2u);
  const rb::member& m = c.members[0];
  EXPECT_EQ(m.role, rb::member_role::leader);
  EXPECT_EQ(m.unit, "U01");
  EXPECT_THAT(m.insurance, ElementsAre(rb::insurance_policy{yuan("200000"), day(2019, 1, 1), day(2019, 12, 31), "中国人寿"}));
  EXPECT_THAT(m.health_checks, ElementsAre(rb::health_check{day(2019, 5, 10), yuan("520")}));
  EXPECT_THAT(m.assessments, ElementsAre(rb::assessment{2019, rb::decimal::parse("92.5"), rb::grade::excellent}));

  ASSERT_EQ(c.months.size(), 2u);
  const rb::month_record first = c.months[0].record();
  EXPECT_EQ(first.member, "M001");
  EXPECT_EQ(first.month, (rb::year_month{2019, 1}));
  EXPECT_EQ(first.days_in_village, 22);
  EXPECT_EQ(first.round_trips, 4);
  EXPECT_EQ(first.days_away_on_duty, 2);
  EXPECT_THAT(first.paid, ElementsAre(rb::paid_amount{"living", yuan("2200")}, rb::paid_amount{"transport", yuan("1038")},
                                      rb::paid_amount{"communication", yuan("100")}));
  EXPECT_EQ(c.months[1].record().days_away_on_duty, 0) << "days_away_on_duty defaults to 0";
  EXPECT_TRUE(c.months[1].record().paid.empty());

  EXPECT_THAT(c.visits, ElementsAre(rb::visit{day(2019, 3, 15), rb::visitor_role::unit_head, "U01", "T01"},
                                    rb::visit{day(2019, 4, 2), rb::visitor_role::town_leader, "", "T02"}));
  EXPECT_THAT(c.meetings, ElementsAre(rb::meeting{day(2019, 3, 20), rb::meeting_kind::leaders, {"M001"}},
                                      rb::meeting{day(2019, 6, 28), rb::meeting_kind::members, {"M001", "M012"}}));
  EXPECT_THAT(c.condolences,
              ElementsAre(rb::condolence{day(2019, 9, 30), "M012", rb::condolence_reason::serious_illness, yuan("3000"), "U03"},
                          rb::condolence{day(2019, 10, 8), "M001", rb::condolence_reason::family_hardship, yuan("1500.5"), ""}));
}

TEST(load_yaml, a_service_interval_without_a_team_serves_in_the_members_team) {
  const rb::county c = *rb::load_county_yaml(good_county, "county.yaml").value;
  EXPECT_THAT(c.members[0].service, ElementsAre(rb::service_interval{"T01", day(2018, 3, 1), day(2019, 6, 30)},
                                                rb::service_interval{"T02", day(2019, 7, 1), std::nullopt}));
  EXPECT_THAT(c.members[1].service, ElementsAre(rb::service_interval{"T01", day(2019, 7, 16), std::nullopt}));
}

TEST(load_yaml, quoted_and_plain_numbers_are_the_same_amount) {
  const auto r = rb::load_county_yaml(minimal_with(R"(condolences:
  - {date: 2019-09-30, member: M001, reason: injury_on_duty, amount: "3000"}
  - {date: 2019-10-30, member: M001, reason: injury_on_duty, amount: 3000.00}
)"),
                                      "t.yaml");
  ASSERT_TRUE(r.value.has_value()) << rb::format(r.diagnostics);
  EXPECT_EQ(r.value->condolences[0].amount, rb::money::yuan(3000));
  EXPECT_EQ(r.value->condolences[1].amount, rb::money::yuan(3000));
}

TEST(load_yaml, sections_other_than_county_may_be_absent_or_empty) {
  const auto r = rb::load_county_yaml("county: {id: c, name: 县}\nunits: []\nteams:\nmonths: []\n", "t.yaml");
  ASSERT_TRUE(r.value.has_value()) << rb::format(r.diagnostics);
  EXPECT_TRUE(r.value->units.empty());
  EXPECT_TRUE(r.value->teams.empty());
}

TEST(load_yaml, a_byte_order_mark_and_crlf_line_ends_are_accepted) {
  std::string text = "\xEF\xBB\xBF";
  for (const char ch : std::string(units_last_county)) {
    if (ch == '\n') text += '\r';
    text += ch;
  }
  text += "  - {id: 单位, name: x, kind: other}\r\n";  // a problem on the last line, columns counted after the BOM
  const auto r = rb::load_county_yaml(text, "t.yaml");
  EXPECT_THAT(headers(r), ElementsAre("t.yaml:8:10: error[bad-value]: invalid 'id' in a unit: expected an id, found '单位'"));
  text.resize(text.size() - std::string("  - {id: 单位, name: x, kind: other}\r\n").size());
  EXPECT_TRUE(rb::load_county_yaml(text, "t.yaml").value.has_value());
}

TEST(load_yaml, a_folder_of_yaml_files_gives_the_same_county_as_one_file) {
  const rb::county_load_result from_folder = rb::load_county("tests/data/county-folder");
  ASSERT_TRUE(from_folder.value.has_value()) << rb::format(from_folder.diagnostics);
  const rb::county_load_result from_file = rb::load_county_yaml(good_county, "county.yaml");
  ASSERT_TRUE(from_file.value.has_value());
  EXPECT_EQ(*from_folder.value, *from_file.value);
}

TEST(load_yaml, load_county_reads_a_yaml_file_by_its_path) {
  const std::filesystem::path file = std::filesystem::temp_directory_path() / "rulebook-load-yaml-test.yaml";
  std::ofstream(file, std::ios::binary) << good_county;
  const rb::county_load_result r = rb::load_county(file);
  std::filesystem::remove(file);
  ASSERT_TRUE(r.value.has_value()) << rb::format(r.diagnostics);
  EXPECT_EQ(r.value->members.size(), 2u);
}

// ---- syntax and structure -------------------------------------------------------------

TEST(load_yaml, a_syntax_error_is_reported_where_the_missing_text_belongs) {
  // After 'U01', where the '}' is missing; not at the end of the file, where
  // the reader finds out.
  EXPECT_THAT(problems("county: {id: c, name: 县}\nunits: [{id: U01\n"),
              ElementsAre("t.yaml:2:17: error[yaml-syntax]: expected ',' or '}' before the end of the file"));
}

TEST(load_yaml, columns_count_code_points_not_bytes) {
  // "  - {id: U02, name: 县财政局, kind: county_dept}": 'county_dept' starts at
  // the 33rd code point but the 41st byte.
  const auto r = rb::load_county_yaml(with_units("  - {id: U02, name: 县财政局, kind: county_dept}\n"), "t.yaml");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].where, (rb::source_location{"t.yaml", 8, 33, ""}));
  EXPECT_EQ(r.diagnostics[0].source_line, "  - {id: U02, name: 县财政局, kind: county_dept}");
}

TEST(load_yaml, an_empty_file_has_no_county) {
  EXPECT_THAT(problems(""), ElementsAre("t.yaml: error[missing-section]: missing section 'county': the file is empty"));
  EXPECT_THAT(problems("# nothing here\n"),
              ElementsAre("t.yaml: error[missing-section]: missing section 'county': the file is empty"));
  EXPECT_THAT(problems("units: []\n"), ElementsAre("t.yaml: error[missing-section]: missing section 'county'"));
}

TEST(load_yaml, the_top_of_the_file_is_a_map_of_sections) {
  EXPECT_THAT(problems("- county\n"),
              ElementsAre("t.yaml:1:1: error[wrong-kind]: expected a map of sections (county, units, teams, …) at the "
                          "top of the file, found a list"));
}

TEST(load_yaml, a_second_document_is_an_error_at_its_marker) {
  EXPECT_THAT(problems(minimal_with("---\nunits: []\n")),
              ElementsAre("t.yaml:14:1: error[yaml-syntax]: a second YAML document; a county file holds one"));
}

TEST(load_yaml, duplicate_keys_are_errors_though_the_yaml_reader_keeps_them) {
  const auto r = rb::load_county_yaml(with_units("  - {id: U02, name: a, kind: other, name: b}\n"), "t.yaml");
  EXPECT_FALSE(r.value.has_value());
  ASSERT_THAT(headers(r), ElementsAre("t.yaml:8:37: error[duplicate-key]: duplicate key 'name' in a unit"));
  EXPECT_EQ(r.diagnostics[0].hint, "the first 'name' is at line 8, column 15; a key may appear once in a map");
}

TEST(load_yaml, a_duplicate_section_is_an_error) {
  EXPECT_THAT(problems(minimal_with("units: []\n")),
              ElementsAre("t.yaml:14:1: error[duplicate-key]: duplicate key 'units' in the file"));
}

TEST(load_yaml, unknown_keys_are_errors_with_a_did_you_mean) {
  const auto teams = rb::load_county_yaml(R"(county: {id: c, name: 县}
units: [{id: U01, name: u, kind: other}]
teams:
  - {id: T02, village: v, town: t, lead_unit: U01, distance_kn: 3, distance_km: 3}
  - {id: T03, village: v, town: t, lead_unit: U01, distance_km: 3, colour: red}
)",
                                          "t.yaml");
  ASSERT_THAT(headers(teams), ElementsAre("t.yaml:4:52: error[unknown-key]: unknown key 'distance_kn' in a team",
                                          "t.yaml:5:68: error[unknown-key]: unknown key 'colour' in a team"));
  EXPECT_EQ(teams.diagnostics[0].hint, "did you mean 'distance_km'?");
  EXPECT_EQ(teams.diagnostics[1].hint,
            "a team has the keys: id, village, town, lead_unit, sponsor_units, distance_km, kit, funds_received");
}

TEST(load_yaml, an_unknown_section_is_an_error) {
  const auto r = rb::load_county_yaml(minimal_with("memebrs: []\n"), "t.yaml");
  ASSERT_THAT(headers(r), ElementsAre("t.yaml:14:1: error[unknown-key]: unknown section 'memebrs'"));
  EXPECT_EQ(r.diagnostics[0].hint, "did you mean 'members'?");
}

TEST(load_yaml, a_list_where_a_value_belongs_is_a_wrong_kind) {
  EXPECT_THAT(problems(with_units("  - {id: U02, name: [a, b], kind: other}\n")),
              ElementsAre("t.yaml:8:21: error[wrong-kind]: expected text for 'name' in a unit, found a list"));
}

TEST(load_yaml, a_value_where_a_list_belongs_is_a_wrong_kind) {
  const auto r = rb::load_county_yaml(R"(county: {id: c, name: 县}
units: [{id: U01, name: u, kind: other}, {id: U02, name: u, kind: other}]
teams:
  - {id: T01, village: v, town: t, lead_unit: U01, sponsor_units: U02, distance_km: 3}
)",
                                      "t.yaml");
  ASSERT_THAT(headers(r), ElementsAre("t.yaml:4:67: error[wrong-kind]: expected a list of unit ids for "
                                      "'sponsor_units' in a team, found the value 'U02'"));
  EXPECT_EQ(r.diagnostics[0].hint, "write a list, as [U02], even for one element");
}

TEST(load_yaml, missing_required_keys_and_values_are_errors) {
  EXPECT_THAT(problems(with_units("  - {id: U02, kind: other}\n  - {id: U03, name: , kind: other}\n")),
              ElementsAre("t.yaml:8:5: error[missing-key]: missing key 'name' in a unit",
                          "t.yaml:9:15: error[missing-key]: missing value for 'name' in a unit"));
  EXPECT_THAT(problems("county: {name: 县}\n"), ElementsAre("t.yaml:1:9: error[missing-key]: missing key 'id' in the county"));
}

TEST(load_yaml, a_service_interval_needs_a_team_there_or_on_the_member) {
  const auto r = rb::load_county_yaml(R"(county: {id: c, name: 县}
units: [{id: U01, name: u, kind: other}]
members:
  - {id: M001, name: n, role: member, unit: U01, service: [{from: 2019-01-01}]}
)",
                                      "t.yaml");
  ASSERT_THAT(headers(r), ElementsAre("t.yaml:4:60: error[missing-key]: missing key 'team' in a service interval"));
  EXPECT_EQ(r.diagnostics[0].hint, "give the interval a 'team', or give the member one for all its intervals");
}

TEST(load_yaml, a_member_needs_at_least_one_service_interval) {
  EXPECT_THAT(problems(R"(county: {id: c, name: 县}
units: [{id: U01, name: u, kind: other}]
members:
  - {id: M001, name: n, role: member, unit: U01, service: []}
)"),
              ElementsAre("t.yaml:4:59: error[missing-key]: member 'M001' has no service interval"));
}

// ---- values -----------------------------------------------------------------------------

TEST(load_yaml, dates_are_checked_against_the_calendar) {
  EXPECT_THAT(problems(minimal_with("    insurance:\n      - {cover: 200000, from: 2019-02-30, to: 2019/12/31}\n")),
              ElementsAre("t.yaml:15:31: error[bad-value]: invalid 'from' in an insurance policy: \"2019-02-30\" is not "
                          "a date: February 2019 has 28 days",
                          "t.yaml:15:47: error[bad-value]: invalid 'to' in an insurance policy: \"2019/12/31\": expected "
                          "a date as YYYY-MM-DD"));
}

TEST(load_yaml, months_are_checked) {
  EXPECT_THAT(problems(minimal_with("months:\n  - {member: M001, month: 2019-13, days_in_village: 1, round_trips: 0}\n")),
              ElementsAre("t.yaml:15:27: error[bad-value]: invalid 'month' in a month record: \"2019-13\" is not a "
                          "month: months run 01 to 12"));
}

TEST(load_yaml, money_is_never_negative_nor_more_precise_than_four_decimals) {
  EXPECT_THAT(problems(minimal_with(R"(condolences:
  - {date: 2019-09-30, member: M001, reason: injury_on_duty, amount: -3000}
  - {date: 2019-09-30, member: M001, reason: injury_on_duty, amount: 3000.12345}
  - {date: 2019-09-30, member: M001, reason: injury_on_duty, amount: 1e4}
  - {date: 2019-09-30, member: M001, reason: injury_on_duty, amount: 100000000.01}
)")),
              ElementsAre("t.yaml:15:70: error[out-of-range]: 'amount' in a condolence payment is -3000 yuan; an amount "
                          "lies from 0 to 100000000 yuan",
                          "t.yaml:16:70: error[bad-value]: invalid 'amount' in a condolence payment: \"3000.12345\": at "
                          "most 4 decimal places",
                          HasSubstr("t.yaml:17:70: error[bad-value]: invalid 'amount' in a condolence payment: \"1e4\": "
                                    "expected a decimal number such as 2878.50"),
                          "t.yaml:18:70: error[out-of-range]: 'amount' in a condolence payment is 100000000.01 yuan; an "
                          "amount lies from 0 to 100000000 yuan"));
}

TEST(load_yaml, paid_amounts_are_money_by_item) {
  EXPECT_THAT(problems(minimal_with(R"(months:
  - {member: M001, month: 2019-01, days_in_village: 1, round_trips: 0, paid: {living: 1.00001, living: 3, "a b": 1}}
)")),
              ElementsAre("t.yaml:15:87: error[bad-value]: invalid 'living' in 'paid' of a month record: \"1.00001\": at "
                          "most 4 decimal places",
                          "t.yaml:15:96: error[duplicate-key]: duplicate key 'living' in 'paid' of a month record",
                          "t.yaml:15:107: error[bad-value]: invalid item 'a b' in 'paid' of a month record"));
}

TEST(load_yaml, distances_lie_between_0_and_3000_km) {
  EXPECT_THAT(problems(R"(county: {id: c, name: 县}
units: [{id: U01, name: u, kind: other}]
teams:
  - {id: T01, village: v, town: t, lead_unit: U01, distance_km: 0}
  - {id: T02, village: v, town: t, lead_unit: U01, distance_km: 3000.5}
  - {id: T03, village: v, town: t, lead_unit: U01, distance_km: 3000}
)"),
              ElementsAre("t.yaml:4:65: error[out-of-range]: 'distance_km' in a team is 0 km; a distance is more than 0 "
                          "and at most 3000 km",
                          "t.yaml:5:65: error[out-of-range]: 'distance_km' in a team is 3000.5 km; a distance is more "
                          "than 0 and at most 3000 km"));
}

TEST(load_yaml, counts_are_non_negative_integers) {
  EXPECT_THAT(problems(minimal_with("months:\n  - {member: M001, month: 2019-01, days_in_village: 2.5, round_trips: -3}\n")),
              ElementsAre("t.yaml:15:53: error[bad-value]: invalid 'days_in_village' in a month record: expected a count "
                          "(a non-negative integer), found '2.5'",
                          "t.yaml:15:71: error[bad-value]: invalid 'round_trips' in a month record: expected a count (a "
                          "non-negative integer), found '-3'"));
}

TEST(load_yaml, ids_are_well_formed) {
  EXPECT_THAT(problems(with_units("  - {id: U 02, name: u, kind: other}\n")),
              ElementsAre("t.yaml:8:10: error[bad-value]: invalid 'id' in a unit: expected an id, found 'U 02'"));
}

TEST(load_yaml, unknown_enumeration_names_list_the_names_or_guess_one) {
  const auto r = rb::load_county_yaml(with_units("  - {id: U02, name: u, kind: townshp}\n  - {id: U03, name: u, kind: 县直}\n"),
                                      "t.yaml");
  ASSERT_THAT(headers(r), ElementsAre("t.yaml:8:30: error[unknown-name]: unknown unit kind 'townshp' in a unit",
                                      "t.yaml:9:30: error[unknown-name]: unknown unit kind '县直' in a unit"));
  EXPECT_EQ(r.diagnostics[0].hint, "did you mean 'township'?");
  EXPECT_EQ(r.diagnostics[1].hint, "expected one of: county_department, township, institution, enterprise, other");
}

// ---- checks across entities -------------------------------------------------------------------

TEST(load_yaml, ids_are_unique_per_kind) {
  const auto r = rb::load_county_yaml(with_units("  - {id: U01, name: again, kind: other}\n"), "t.yaml");
  ASSERT_THAT(headers(r), ElementsAre("t.yaml:8:10: error[duplicate-id]: duplicate unit id 'U01'"));
  EXPECT_EQ(r.diagnostics[0].hint, "the first unit 'U01' is at t.yaml:7:10; ids are unique per kind");
}

TEST(load_yaml, references_resolve_with_a_did_you_mean) {
  const auto r = rb::load_county_yaml(R"(county: {id: c, name: 县}
units: [{id: U01, name: u, kind: other}]
teams:
  - {id: T01, village: v, town: t, lead_unit: U001, sponsor_units: [U01, X9], distance_km: 3}
)",
                                      "t.yaml");
  ASSERT_THAT(headers(r), ElementsAre("t.yaml:4:47: error[unknown-reference]: unknown unit 'U001' as the lead unit of team 'T01'",
                                      "t.yaml:4:74: error[unknown-reference]: unknown unit 'X9' among the sponsor units "
                                      "of team 'T01'"));
  EXPECT_EQ(r.diagnostics[0].hint, "did you mean 'U01'?");
  EXPECT_EQ(r.diagnostics[1].hint, "the units are U01");
}

TEST(load_yaml, intervals_end_after_they_start) {
  EXPECT_THAT(
      problems(minimal_with("      - {from: 2018-03-01, to: 2018-02-28}\n"
                            "    insurance: [{cover: 200000, from: 2019-01-01, to: 2018-12-31}]\n")),
      ElementsAre("t.yaml:14:32: error[bad-interval]: service interval of member 'M001' ends before it starts: from "
                  "2018-03-01 to 2018-02-28",
                  "t.yaml:15:55: error[bad-interval]: insurance policy of member 'M001' ends before it starts: from "
                  "2019-01-01 to 2018-12-31"));
}

TEST(load_yaml, a_member_is_in_one_team_on_any_day) {
  const auto r = rb::load_county_yaml(minimal_with("      - {from: 2018-03-01, to: 2019-01-31, team: T01}\n"), "t.yaml");
  ASSERT_THAT(headers(r), ElementsAre("t.yaml:14:16: error[overlapping-service]: service intervals of member 'M001' "
                                      "overlap: 2019-01-01 onwards (team T01) and 2018-03-01 to 2019-01-31 (team T01)"));
  EXPECT_EQ(r.diagnostics[0].hint, "a member is in one team on any day; both include 2019-01-01 to 2019-01-31");
}

TEST(load_yaml, month_records_fit_the_month_and_the_service) {
  const auto r = rb::load_county_yaml(R"(county: {id: c, name: 县}
units: [{id: U01, name: u, kind: other}]
teams: [{id: T01, village: v, town: t, lead_unit: U01, distance_km: 3}]
members:
  - {id: M012, name: n, role: member, unit: U01, team: T01, service: [{from: 2019-07-16, to: 2019-12-31}]}
months:
  - {member: M012, month: 2019-07, days_in_village: 31, round_trips: 1}
  - {member: M012, month: 2019-08, days_in_village: 32, round_trips: 1}
  - {member: M012, month: 2019-09, days_in_village: 25, round_trips: 1, days_away_on_duty: 6}
  - {member: M012, month: 2019-09, days_in_village: 1, round_trips: 1}
  - {member: M012, month: 2020-01, days_in_village: 1, round_trips: 1}
  - {member: M21, month: 2019-09, days_in_village: 1, round_trips: 1}
)",
                                      "t.yaml");
  ASSERT_THAT(headers(r),
              ElementsAre("t.yaml:7:53: error[days-exceed-service]: days_in_village is 31 but M012 served 16 days of "
                          "2019-07 (from 2019-07-16)",
                          "t.yaml:8:53: error[days-exceed-month]: days_in_village is 32 but 2019-08 has 31 days",
                          "t.yaml:9:92: error[days-exceed-month]: days_in_village + days_away_on_duty is 25 + 6 = 31 but "
                          "2019-09 has 30 days",
                          "t.yaml:10:5: error[duplicate-record]: second month record for member 'M012' in 2019-09",
                          "t.yaml:11:27: error[not-in-service]: month record for 2020-01, a month member 'M012' did not "
                          "serve",
                          "t.yaml:12:14: error[unknown-reference]: unknown member 'M21' in a month record"));
  EXPECT_EQ(r.diagnostics[3].hint, "the first is at t.yaml:9:5; a member has at most one record a month");
  EXPECT_EQ(r.diagnostics[4].hint, "M012 served 2019-07-16 to 2019-12-31");
  EXPECT_EQ(r.diagnostics[5].hint, "the members are M012");
}

TEST(load_yaml, a_month_repeated_after_another_members_records_is_found) {
  // Records grouped by member with months ascending are known to repeat nothing
  // in one pass; a member's records split by another's, or out of month order,
  // are compared month by month.
  const std::string county = R"(county: {id: c, name: 县}
units: [{id: U01, name: u, kind: other}]
teams: [{id: T01, village: v, town: t, lead_unit: U01, distance_km: 3}]
members:
  - {id: M1, name: n, role: member, unit: U01, team: T01, service: [{from: 2019-01-01}]}
  - {id: M2, name: n, role: member, unit: U01, team: T01, service: [{from: 2019-01-01}]}
months:
)";
  const auto load = [&](std::string_view months) { return rb::load_county_yaml(county + std::string(months), "t.yaml"); };
  EXPECT_THAT(headers(load("  - {member: M1, month: 2019-02, days_in_village: 1, round_trips: 0}\n"
                           "  - {member: M2, month: 2019-01, days_in_village: 1, round_trips: 0}\n"
                           "  - {member: M1, month: 2019-02, days_in_village: 2, round_trips: 0}\n")),
              ElementsAre("t.yaml:10:5: error[duplicate-record]: second month record for member 'M1' in 2019-02"));
  // Split or out of order, with no month repeated: nothing to report.
  EXPECT_TRUE(load("  - {member: M1, month: 2019-02, days_in_village: 1, round_trips: 0}\n"
                   "  - {member: M2, month: 2019-01, days_in_village: 1, round_trips: 0}\n"
                   "  - {member: M1, month: 2019-01, days_in_village: 2, round_trips: 0}\n"
                   "  - {member: M2, month: 2019-03, days_in_village: 1, round_trips: 0}\n"
                   "  - {member: M2, month: 2019-02, days_in_village: 1, round_trips: 0}\n"));
}

TEST(load_yaml, a_visit_names_its_unit_unless_a_town_leader_visits) {
  EXPECT_THAT(problems(minimal_with(R"(visits:
  - {date: 2019-03-15, visitor: unit_head, team: T01}
  - {date: 2019-03-15, visitor: town_leader, team: T01}
  - {date: 2019-03-15, visitor: sponsor_unit, unit: U02, team: T01}
meetings:
  - {date: 2019-03-20, kind: leaders, attendees: [M001, M002]}
)")),
              ElementsAre("t.yaml:15:5: error[missing-key]: missing key 'unit' in a visit by unit_head",
                          "t.yaml:17:53: error[unknown-reference]: unknown unit 'U02' in a visit",
                          "t.yaml:19:57: error[unknown-reference]: unknown member 'M002' among the attendees of a meeting"));
}

// ---- all at once, and nothing on error ---------------------------------------------------------

TEST(load_yaml, every_problem_is_reported_in_one_pass) {
  // Problems of reading come first, in file order, then those of checks across
  // entities, in file order too.
  EXPECT_THAT(problems(R"(county: {id: c, name: 县, provinse: 湖南}
units:
  - {id: U01, name: u, kind: other}
  - {id: U01, name: u, kind: others}
teams:
  - {id: T01, village: v, town: t, lead_unit: U02, distance_km: 3}
members:
  - {id: M001, name: n, role: leader, unit: U01, team: T01, service: [{from: 2019-02-29}]}
months:
  - {member: M001, month: 2019-01, days_in_village: 40, round_trips: 1}
)"),
              ElementsAre(HasSubstr("t.yaml:1:26: error[unknown-key]"), HasSubstr("t.yaml:4:30: error[unknown-name]"),
                          HasSubstr("t.yaml:8:78: error[bad-value]"), HasSubstr("t.yaml:4:10: error[duplicate-id]"),
                          HasSubstr("t.yaml:6:47: error[unknown-reference]"),
                          HasSubstr("t.yaml:10:53: error[days-exceed-month]")));
}

TEST(load_yaml, load_county_or_throw_throws_data_error_with_every_diagnostic) {
  try {
    (void)rb::load_county_or_throw("tests/data/bad-county/all-at-once.yaml");
    FAIL() << "expected a data_error";
  } catch (const rb::data_error& e) {
    EXPECT_GE(e.diagnostics().size(), 3u);
    for (const rb::diagnostic& d : e.diagnostics()) EXPECT_THAT(e.what(), HasSubstr(d.message));
  }
  EXPECT_EQ(rb::load_county_or_throw("tests/data/county-folder").members.size(), 2u);
}

// ---- paths -------------------------------------------------------------------------------------

TEST(load_county, a_missing_path_is_an_io_error) {
  const auto r = rb::load_county("tests/data/no-such-county.yaml");
  EXPECT_FALSE(r.value.has_value());
  EXPECT_THAT(headers(r), ElementsAre("tests/data/no-such-county.yaml: error[io-error]: no such file or folder"));
}

TEST(load_county, a_folder_with_both_csv_and_yaml_files_is_an_error) {
  const std::filesystem::path folder = std::filesystem::temp_directory_path() / "rulebook-mixed-folder-test";
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "county.csv") << "id,name\nc,县\n";
  std::ofstream(folder / "units.yaml") << "units: []\n";
  const auto r = rb::load_county(folder);
  std::filesystem::remove_all(folder);
  EXPECT_FALSE(r.value.has_value());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, "mixed-folder");
  EXPECT_EQ(r.diagnostics[0].message, "the folder holds both CSV files (county.csv) and YAML files (units.yaml)");
}

TEST(load_county, a_folder_of_yaml_files_has_one_county_section) {
  const std::filesystem::path folder = std::filesystem::temp_directory_path() / "rulebook-yaml-folder-test";
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "a.yaml") << "county: {id: c, name: 县}\n";
  std::ofstream(folder / "b.yml") << "county: {id: d, name: 县}\n";
  const auto twice = rb::load_county(folder);
  std::filesystem::remove(folder / "a.yaml");
  std::filesystem::remove(folder / "b.yml");
  std::ofstream(folder / "a.yaml") << "units: []\n";
  const auto never = rb::load_county(folder);
  std::filesystem::remove_all(folder);
  const std::string name = folder.generic_string();
  EXPECT_THAT(headers(twice), ElementsAre(name + "/b.yml:1:1: error[duplicate-key]: section 'county' is given again"));
  EXPECT_THAT(headers(never), ElementsAre(name + ": error[missing-section]: missing section 'county'"));
}

TEST(load_county, problems_across_the_files_of_a_folder_name_each_file) {
  const std::filesystem::path folder = std::filesystem::temp_directory_path() / "rulebook-yaml-folder-refs-test";
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "1-county.yaml") << "county: {id: c, name: 县}\nunits:\n  - {id: U01, name: u, kind: other}\n";
  std::ofstream(folder / "2-more.yaml") << "units:\n  - {id: U01, name: again, kind: other}\n"
                                           "teams:\n  - {id: T01, village: v, town: t, lead_unit: U02, distance_km: 3}\n";
  std::ofstream(folder / ".hidden.yaml") << "this is not: [yaml\n";
  std::ofstream(folder / "notes.txt") << "ignored\n";
  const auto r = rb::load_county(folder);
  std::filesystem::remove_all(folder);
  const std::string name = folder.generic_string();
  ASSERT_THAT(headers(r), ElementsAre(name + "/2-more.yaml:2:10: error[duplicate-id]: duplicate unit id 'U01'",
                                      name + "/2-more.yaml:4:47: error[unknown-reference]: unknown unit 'U02' as the "
                                             "lead unit of team 'T01'"));
  EXPECT_EQ(r.diagnostics[0].hint, "the first unit 'U01' is at " + name + "/1-county.yaml:3:10; ids are unique per kind");
  EXPECT_EQ(r.diagnostics[0].source_line, "  - {id: U01, name: again, kind: other}");
}

TEST(load_yaml, a_members_team_given_to_its_intervals_is_checked_where_it_is_written) {
  EXPECT_THAT(problems(R"(county: {id: c, name: 县}
units: [{id: U01, name: u, kind: other}]
teams: [{id: T01, village: v, town: t, lead_unit: U01, distance_km: 3}]
members:
  - id: M001
    name: n
    role: member
    unit: U01
    team: T10
    service: [{from: 2019-01-01, to: 2019-12-31}, {from: 2020-01-01, team: T01}]
)"),
              ElementsAre("t.yaml:9:11: error[unknown-reference]: unknown team 'T10' in a service interval of member "
                          "'M001'"));
}

TEST(load_yaml, a_syntax_error_after_an_open_bracket_says_where_it_opened) {
  const auto r = rb::load_county_yaml("county: {id: c, name: 县}\nunits:\n  - {id: U01, name: u\nteams: []\n", "t.yaml");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, "yaml-syntax");
  EXPECT_EQ(r.diagnostics[0].hint, "the '{' on line 3 is not closed");
}

TEST(load_county, a_file_that_is_not_yaml_is_an_io_error) {
  const auto r = rb::load_county("tests/load_yaml_test.cpp");
  EXPECT_THAT(headers(r), ElementsAre("tests/load_yaml_test.cpp: error[io-error]: cannot tell how to read this file"));
}
