// The report writers on a small hand-built set of results: exact text for JSON
// and CSV (escaping, money at the policy's scale, key order), and a terminal
// table whose columns line up with Chinese names in them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <ios>
#include <iterator>
#include <limits>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detail/text.hpp"
#include "report.hpp"

namespace {

using rulebook::date;
using rulebook::decimal;
using rulebook::money;
using rulebook::report::language;

/// The table in English, as the golden texts below are written.
const rulebook::report::table_options english{.lang = language::en};

rulebook::date_range month_of(int year, int month) {
  const rulebook::year_month m{year, month};
  return {m.first_day(), m.last_day()};
}

/// Two members' months, a team's work funds, a short payment whose message
/// holds quotes, a line break and markup, a missing kit item, a quota of one
/// place with a member over it, and one unit's penalty.
rulebook::results sample() {
  rulebook::results r;
  r.policy = "qiyang-2019";
  r.evaluated = rulebook::period::of_year(2019);
  r.entitlements = {
      {.rule = "transport",
       .item = "transport",
       .subject = rulebook::subject_kind::member,
       .subject_id = "M006",
       .team = "T01",
       .unit = "U07",
       .slice = month_of(2019, 4),
       .amount = money::parse("463.2"),
       .paid = money::parse("463.20")},
      {.rule = "living",
       .item = "living",
       .subject = rulebook::subject_kind::member,
       .subject_id = "M014",
       .team = "T03",
       .unit = "U06",
       .slice = month_of(2019, 1),
       .amount = money::parse("2500"),
       .paid = money::parse("2000")},
      {.rule = "work_funds",
       .item = "work_funds",
       .subject = rulebook::subject_kind::team,
       .subject_id = "T03",
       .team = "T03",
       .unit = "U06",
       .slice = {date(2019, 1, 1), date(2019, 12, 31)},
       .amount = money::parse("2878.5"),
       .paid = std::nullopt},
  };
  r.findings = {
      {.rule = "living",
       .kind = rulebook::rule_kind::allowance,
       .subject = rulebook::subject_kind::member,
       .subject_id = "M014",
       .responsible_unit = "U06",
       .severity = rulebook::finding_severity::violation,
       .slice = month_of(2019, 1),
       .expected = "2500.00",
       .actual = "2000.00",
       .message = "paid \"living\" short\\by 500.00\n<script>alert(1)</script>"},
      {.rule = "six_items",
       .kind = rulebook::rule_kind::kit,
       .subject = rulebook::subject_kind::team,
       .subject_id = "T01",
       .responsible_unit = "U01",
       .severity = rulebook::finding_severity::advisory,
       .slice = {date(2019, 7, 1), date(2019, 12, 31)},
       .expected = "printer",
       .actual = "missing",
       .message = "一台打印机, missing"},
  };
  r.quotas = {{.rule = "excellent_quota",
               .of_grade = rulebook::grade::excellent,
               .population = 5,
               .share = decimal::parse("0.2"),
               .places = 1,
               .ranking = {{.member = "M001", .score = decimal::parse("93.6"), .rank = 1, .proposed = true,
                            .within_quota = true},
                           {.member = "M014", .score = decimal::parse("90"), .rank = 2, .proposed = true,
                            .within_quota = false}},
               .over_quota = {"M014"}}};
  r.ledger = {{.unit = "U06",
               .notices = 1,
               .points_charged = decimal::parse("2"),
               .points = decimal::parse("2"),
               .capped = false,
               .charges = {{.finding = 0, .rule = "penalties", .points = decimal::parse("2")}}}};
  r.totals = {{.item = "living", .owed = money::parse("2500"), .paid = money::parse("2000")},
              {.item = "transport", .owed = money::parse("463.2"), .paid = money::parse("463.2")},
              {.item = "work_funds", .owed = money::parse("2878.5"), .paid = money::parse("0")}};
  // The roll-ups of the three entitlements and two findings above, worked by hand:
  // T03 is owed 2500 + 2878.50 = 5378.50, paid 2000 (work funds not recorded), 500 short;
  // U06 pays the same; U01 pays nothing but answers for the kit; the county is owed
  // 2500 + 463.20 + 2878.50 = 5841.70 and paid 2000 + 463.20 = 2463.20.
  const auto row = [](rulebook::subject_kind kind, std::string id, std::string item, const char* owed,
                      std::optional<const char*> paid, const char* shortfall, std::size_t entitlements,
                      std::size_t unrecorded, std::size_t violations, std::size_t advisories) {
    return rulebook::rollup{.subject = kind, .id = std::move(id), .item = std::move(item), .owed = money::parse(owed),
                            .paid = paid ? std::optional(money::parse(*paid)) : std::nullopt,
                            .shortfall = money::parse(shortfall), .entitlements = entitlements,
                            .unrecorded = unrecorded, .violations = violations, .advisories = advisories};
  };
  using rulebook::subject_kind;
  r.rollups = {
      row(subject_kind::member, "M014", "", "2500", "2000", "500", 1, 0, 1, 0),
      row(subject_kind::member, "M014", "living", "2500", "2000", "500", 1, 0, 1, 0),
      row(subject_kind::team, "T01", "", "463.2", "463.2", "0", 1, 0, 0, 1),
      row(subject_kind::team, "T01", "transport", "463.2", "463.2", "0", 1, 0, 0, 0),
      row(subject_kind::team, "T03", "", "5378.5", "2000", "500", 2, 1, 0, 0),
      row(subject_kind::team, "T03", "living", "2500", "2000", "500", 1, 0, 0, 0),
      row(subject_kind::team, "T03", "work_funds", "2878.5", std::nullopt, "0", 1, 1, 0, 0),
      row(subject_kind::unit, "U01", "", "0", std::nullopt, "0", 0, 0, 0, 1),
      row(subject_kind::unit, "U06", "", "5378.5", "2000", "500", 2, 1, 1, 0),
      row(subject_kind::unit, "U06", "living", "2500", "2000", "500", 1, 0, 1, 0),
      row(subject_kind::unit, "U06", "work_funds", "2878.5", std::nullopt, "0", 1, 1, 0, 0),
      row(subject_kind::unit, "U07", "", "463.2", "463.2", "0", 1, 0, 0, 0),
      row(subject_kind::unit, "U07", "transport", "463.2", "463.2", "0", 1, 0, 0, 0),
      row(subject_kind::county, "qiyang", "", "5841.7", "2463.2", "500", 3, 1, 1, 1),
      row(subject_kind::county, "qiyang", "living", "2500", "2000", "500", 1, 0, 1, 0),
      row(subject_kind::county, "qiyang", "transport", "463.2", "463.2", "0", 1, 0, 0, 0),
      row(subject_kind::county, "qiyang", "work_funds", "2878.5", std::nullopt, "0", 1, 1, 0, 0),
  };
  return r;
}

rulebook::report::names sample_names() {
  rulebook::report::names n;
  n.units = {{"U01", "县财政局"}, {"U06", "县人社局"}, {"U07", "县卫生健康局"}};
  n.teams = {{"T01", "日晖塘村"}, {"T03", "内下村"}};
  n.members = {{"M001", "王芳"}, {"M006", "邓晓梅"}, {"M014", "李建国"}};
  n.rules = {{"excellent_quota", "优秀工作队员指标"}};
  return n;
}

}  // namespace

TEST(report_money, prints_the_policy_scale_and_never_rounds) {
  using rulebook::report::money_text;
  EXPECT_EQ(money_text(money::parse("2878.5"), 2), "2878.50");
  EXPECT_EQ(money_text(money::parse("100"), 2), "100.00");
  EXPECT_EQ(money_text(money::parse("-0.5"), 2), "-0.50");
  EXPECT_EQ(money_text(money::parse("100"), 0), "100");
  EXPECT_EQ(money_text(money::parse("51.6129"), 2), "51.6129");  // more places than the scale: kept
}

TEST(report_json, escapes_quotes_backslashes_control_characters_and_markup) {
  using rulebook::report::json_string;
  EXPECT_EQ(json_string(R"(say "hi" \ bye)"), R"("say \"hi\" \\ bye")");
  EXPECT_EQ(json_string("a\nb\tc\rd\x01\x1f\x7f"), R"("a\nb\tc\rd\u0001\u001f\u007f")");
  EXPECT_EQ(json_string("</script><b>&"), R"("\u003c/script\u003e\u003cb\u003e\u0026")");
  EXPECT_EQ(json_string("祁阳县 日晖塘村"), "\"祁阳县 日晖塘村\"");
  EXPECT_EQ(json_string("\xE2\x80\xA8"), R"("\u2028")");
  EXPECT_EQ(json_string("a\xFF" "b\xE7\xA5"), "\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD\"");  // malformed → U+FFFD
  EXPECT_EQ(json_string(std::string("nul\0here", 8)), R"("nul\u0000here")");
}

TEST(report_json, writes_every_result_with_keys_in_a_fixed_order) {
  std::ostringstream out;
  rulebook::report::write_json(out, sample(), 2);
  EXPECT_EQ(out.str(), R"({
  "policy": "qiyang-2019",
  "period": {"label": "2019", "from": "2019-01-01", "to": "2019-12-31"},
  "money_scale": 2,
  "entitlements": [
    {"rule": "transport", "item": "transport", "subject": "member", "subject_id": "M006", "team": "T01", "unit": "U07", "from": "2019-04-01", "to": "2019-04-30", "amount": "463.20", "paid": "463.20"},
    {"rule": "living", "item": "living", "subject": "member", "subject_id": "M014", "team": "T03", "unit": "U06", "from": "2019-01-01", "to": "2019-01-31", "amount": "2500.00", "paid": "2000.00"},
    {"rule": "work_funds", "item": "work_funds", "subject": "team", "subject_id": "T03", "team": "T03", "unit": "U06", "from": "2019-01-01", "to": "2019-12-31", "amount": "2878.50", "paid": null}
  ],
  "findings": [
    {"rule": "living", "kind": "allowance", "subject": "member", "subject_id": "M014", "responsible_unit": "U06", "severity": "violation", "from": "2019-01-01", "to": "2019-01-31", "expected": "2500.00", "actual": "2000.00", "message": "paid \"living\" short\\by 500.00\n\u003cscript\u003ealert(1)\u003c/script\u003e"},
    {"rule": "six_items", "kind": "kit", "subject": "team", "subject_id": "T01", "responsible_unit": "U01", "severity": "advisory", "from": "2019-07-01", "to": "2019-12-31", "expected": "printer", "actual": "missing", "message": "一台打印机, missing"}
  ],
  "quotas": [
    {
      "rule": "excellent_quota",
      "grade": "excellent",
      "population": 5,
      "share": "0.2",
      "places": 1,
      "ranking": [
        {"member": "M001", "score": "93.6", "rank": 1, "proposed": true, "within_quota": true},
        {"member": "M014", "score": "90", "rank": 2, "proposed": true, "within_quota": false}
      ],
      "over_quota": ["M014"]
    }
  ],
  "ledger": [
    {
      "unit": "U06",
      "notices": 1,
      "points_charged": "2",
      "points": "2",
      "capped": false,
      "charges": [
        {"finding": 0, "rule": "penalties", "points": "2"}
      ]
    }
  ],
  "totals": [
    {"item": "living", "owed": "2500.00", "paid": "2000.00"},
    {"item": "transport", "owed": "463.20", "paid": "463.20"},
    {"item": "work_funds", "owed": "2878.50", "paid": "0.00"}
  ],
  "rollups": [
    {"subject": "member", "id": "M014", "item": null, "owed": "2500.00", "paid": "2000.00", "shortfall": "500.00", "entitlements": 1, "unrecorded": 0, "violations": 1, "advisories": 0},
    {"subject": "member", "id": "M014", "item": "living", "owed": "2500.00", "paid": "2000.00", "shortfall": "500.00", "entitlements": 1, "unrecorded": 0, "violations": 1, "advisories": 0},
    {"subject": "team", "id": "T01", "item": null, "owed": "463.20", "paid": "463.20", "shortfall": "0.00", "entitlements": 1, "unrecorded": 0, "violations": 0, "advisories": 1},
    {"subject": "team", "id": "T01", "item": "transport", "owed": "463.20", "paid": "463.20", "shortfall": "0.00", "entitlements": 1, "unrecorded": 0, "violations": 0, "advisories": 0},
    {"subject": "team", "id": "T03", "item": null, "owed": "5378.50", "paid": "2000.00", "shortfall": "500.00", "entitlements": 2, "unrecorded": 1, "violations": 0, "advisories": 0},
    {"subject": "team", "id": "T03", "item": "living", "owed": "2500.00", "paid": "2000.00", "shortfall": "500.00", "entitlements": 1, "unrecorded": 0, "violations": 0, "advisories": 0},
    {"subject": "team", "id": "T03", "item": "work_funds", "owed": "2878.50", "paid": null, "shortfall": "0.00", "entitlements": 1, "unrecorded": 1, "violations": 0, "advisories": 0},
    {"subject": "unit", "id": "U01", "item": null, "owed": "0.00", "paid": null, "shortfall": "0.00", "entitlements": 0, "unrecorded": 0, "violations": 0, "advisories": 1},
    {"subject": "unit", "id": "U06", "item": null, "owed": "5378.50", "paid": "2000.00", "shortfall": "500.00", "entitlements": 2, "unrecorded": 1, "violations": 1, "advisories": 0},
    {"subject": "unit", "id": "U06", "item": "living", "owed": "2500.00", "paid": "2000.00", "shortfall": "500.00", "entitlements": 1, "unrecorded": 0, "violations": 1, "advisories": 0},
    {"subject": "unit", "id": "U06", "item": "work_funds", "owed": "2878.50", "paid": null, "shortfall": "0.00", "entitlements": 1, "unrecorded": 1, "violations": 0, "advisories": 0},
    {"subject": "unit", "id": "U07", "item": null, "owed": "463.20", "paid": "463.20", "shortfall": "0.00", "entitlements": 1, "unrecorded": 0, "violations": 0, "advisories": 0},
    {"subject": "unit", "id": "U07", "item": "transport", "owed": "463.20", "paid": "463.20", "shortfall": "0.00", "entitlements": 1, "unrecorded": 0, "violations": 0, "advisories": 0},
    {"subject": "county", "id": "qiyang", "item": null, "owed": "5841.70", "paid": "2463.20", "shortfall": "500.00", "entitlements": 3, "unrecorded": 1, "violations": 1, "advisories": 1},
    {"subject": "county", "id": "qiyang", "item": "living", "owed": "2500.00", "paid": "2000.00", "shortfall": "500.00", "entitlements": 1, "unrecorded": 0, "violations": 1, "advisories": 0},
    {"subject": "county", "id": "qiyang", "item": "transport", "owed": "463.20", "paid": "463.20", "shortfall": "0.00", "entitlements": 1, "unrecorded": 0, "violations": 0, "advisories": 0},
    {"subject": "county", "id": "qiyang", "item": "work_funds", "owed": "2878.50", "paid": null, "shortfall": "0.00", "entitlements": 1, "unrecorded": 1, "violations": 0, "advisories": 0}
  ]
}
)");
}

TEST(report_json, empty_results_are_empty_lists) {
  rulebook::results r;
  r.policy = "p";
  r.evaluated = rulebook::period::of_month(2019, 7);
  std::ostringstream out;
  rulebook::report::write_json(out, r, 2);
  EXPECT_EQ(out.str(), R"({
  "policy": "p",
  "period": {"label": "2019-07", "from": "2019-07-01", "to": "2019-07-31"},
  "money_scale": 2,
  "entitlements": [],
  "findings": [],
  "quotas": [],
  "ledger": [],
  "totals": [],
  "rollups": []
}
)");
}

TEST(report_csv, quotes_fields_as_rfc_4180_says) {
  using rulebook::report::csv_field;
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("县财政局"), "县财政局");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
  EXPECT_EQ(csv_field(" padded"), "\" padded\"");
  EXPECT_EQ(csv_field(""), "");
}

TEST(report_csv, writes_one_file_per_result_kind_with_a_header) {
  const auto files = rulebook::report::csv_files(sample(), 2);
  ASSERT_EQ(files.size(), 6u);
  EXPECT_EQ(files[0].name, "entitlements.csv");
  EXPECT_EQ(files[0].text,
            "rule,item,subject,subject_id,team,unit,from,to,amount,paid\n"
            "transport,transport,member,M006,T01,U07,2019-04-01,2019-04-30,463.20,463.20\n"
            "living,living,member,M014,T03,U06,2019-01-01,2019-01-31,2500.00,2000.00\n"
            "work_funds,work_funds,team,T03,T03,U06,2019-01-01,2019-12-31,2878.50,\n");
  EXPECT_EQ(files[1].name, "findings.csv");
  EXPECT_EQ(files[1].text,
            "finding,rule,kind,subject,subject_id,responsible_unit,severity,from,to,expected,actual,message\n"
            "0,living,allowance,member,M014,U06,violation,2019-01-01,2019-01-31,2500.00,2000.00,"
            "\"paid \"\"living\"\" short\\by 500.00\n<script>alert(1)</script>\"\n"
            "1,six_items,kit,team,T01,U01,advisory,2019-07-01,2019-12-31,printer,missing,\"一台打印机, missing\"\n");
  EXPECT_EQ(files[2].name, "quota.csv");
  EXPECT_EQ(files[2].text,
            "rule,grade,population,share,places,member,score,rank,proposed,within_quota,over_quota\n"
            "excellent_quota,excellent,5,0.2,1,M001,93.6,1,true,true,false\n"
            "excellent_quota,excellent,5,0.2,1,M014,90,2,true,false,true\n");
  EXPECT_EQ(files[3].name, "penalties.csv");
  EXPECT_EQ(files[3].text,
            "unit,notices,points_charged,points,capped,finding,rule,charge_points\n"
            "U06,1,2,2,false,0,penalties,2\n");
  EXPECT_EQ(files[4].name, "totals.csv");
  EXPECT_EQ(files[4].text,
            "item,owed,paid\n"
            "living,2500.00,2000.00\n"
            "transport,463.20,463.20\n"
            "work_funds,2878.50,0.00\n");
  // The row of all items has an empty item; a payment never recorded an empty paid.
  EXPECT_EQ(files[5].name, "rollups.csv");
  EXPECT_EQ(files[5].text,
            "subject,id,item,owed,paid,shortfall,entitlements,unrecorded,violations,advisories\n"
            "member,M014,,2500.00,2000.00,500.00,1,0,1,0\n"
            "member,M014,living,2500.00,2000.00,500.00,1,0,1,0\n"
            "team,T01,,463.20,463.20,0.00,1,0,0,1\n"
            "team,T01,transport,463.20,463.20,0.00,1,0,0,0\n"
            "team,T03,,5378.50,2000.00,500.00,2,1,0,0\n"
            "team,T03,living,2500.00,2000.00,500.00,1,0,0,0\n"
            "team,T03,work_funds,2878.50,,0.00,1,1,0,0\n"
            "unit,U01,,0.00,,0.00,0,0,0,1\n"
            "unit,U06,,5378.50,2000.00,500.00,2,1,1,0\n"
            "unit,U06,living,2500.00,2000.00,500.00,1,0,1,0\n"
            "unit,U06,work_funds,2878.50,,0.00,1,1,0,0\n"
            "unit,U07,,463.20,463.20,0.00,1,0,0,0\n"
            "unit,U07,transport,463.20,463.20,0.00,1,0,0,0\n"
            "county,qiyang,,5841.70,2463.20,500.00,3,1,1,1\n"
            "county,qiyang,living,2500.00,2000.00,500.00,1,0,1,0\n"
            "county,qiyang,transport,463.20,463.20,0.00,1,0,0,0\n"
            "county,qiyang,work_funds,2878.50,,0.00,1,1,0,0\n");
}

TEST(report_csv, entitlements_written_block_by_block_are_the_same_file) {
  const rulebook::results r = sample();
  std::ostringstream out;
  rulebook::report::entitlement_csv_writer writer(out, 2);
  writer.write(std::span(r.entitlements).first(2));
  writer.write(std::span(r.entitlements).subspan(2));
  writer.flush();
  EXPECT_EQ(out.str(),
            "rule,item,subject,subject_id,team,unit,from,to,amount,paid\n"
            "transport,transport,member,M006,T01,U07,2019-04-01,2019-04-30,463.20,463.20\n"
            "living,living,member,M014,T03,U06,2019-01-01,2019-01-31,2500.00,2000.00\n"
            "work_funds,work_funds,team,T03,T03,U06,2019-01-01,2019-12-31,2878.50,\n");
  // The other files are the same without entitlements.csv.
  const auto files = rulebook::report::csv_files(r, 2, false);
  ASSERT_EQ(files.size(), 5u);
  EXPECT_EQ(files[0].name, "findings.csv");
}

// The rows are rendered remembering what repeats (the rule and item, the
// subject, team and unit, the dates): each row must still be itself when those
// change in every way — more rules than are remembered, in turn; ids that differ
// in their first or last byte only; a team that changes under the same member;
// two days 512 days apart; text that must be quoted; amounts with more places.
TEST(report_csv, rows_that_repeat_or_change_fields_are_each_rendered_as_themselves) {
  std::vector<rulebook::entitlement> block;
  const auto add = [&](std::string rule, std::string item, std::string id, std::string team, rulebook::date_range days,
                       std::string amount, std::optional<std::string> paid) {
    rulebook::entitlement e;
    e.rule = std::move(rule);
    e.item = std::move(item);
    e.subject = rulebook::subject_kind::member;
    e.subject_id = std::move(id);
    e.team = std::move(team);
    e.unit = "U01";
    e.slice = days;
    e.amount = money::parse(amount);
    if (paid) e.paid = money::parse(*paid);
    block.push_back(std::move(e));
  };
  const rulebook::date_range jan{date(2019, 1, 1), date(2019, 1, 31)};
  const rulebook::date_range later{date(2020, 5, 27), date(2020, 6, 26)};  // each 512 days after jan's
  std::string want = "rule,item,subject,subject_id,team,unit,from,to,amount,paid\n";
  // Ten rules in turn, twice, where eight are remembered.
  for (int round = 0; round < 2; ++round)
    for (int k = 0; k < 10; ++k) {
      const std::string rule(1, static_cast<char>('a' + k));
      add(rule, "item" + rule, "M00000001", "T1", jan, "100", std::nullopt);
      want += rule + ",item" + rule + ",member,M00000001,T1,U01,2019-01-01,2019-01-31,100.00,\n";
    }
  add("a", "itema", "M00000002", "T1", later, "0.125", "-15.5");  // the last byte differs; the days collide
  want += "a,itema,member,M00000002,T1,U01,2020-05-27,2020-06-26,0.125,-15.50\n";
  add("a", "itema", "N00000002", "T1", jan, "1", "1");  // the first byte differs
  want += "a,itema,member,N00000002,T1,U01,2019-01-01,2019-01-31,1.00,1.00\n";
  add("a", "itema", "N00000002", "T2", jan, "1", std::nullopt);  // the team differs
  want += "a,itema,member,N00000002,T2,U01,2019-01-01,2019-01-31,1.00,\n";
  add("a,b", "=sum", "M0000000000000003", "T2", later, "2", std::nullopt);  // quoted; an id over 16 bytes
  want += "\"a,b\",\"'=sum\",member,M0000000000000003,T2,U01,2020-05-27,2020-06-26,2.00,\n";
  add("a,b", "=sum", "M0000000000000004", "T2", later, "2", std::nullopt);
  want += "\"a,b\",\"'=sum\",member,M0000000000000004,T2,U01,2020-05-27,2020-06-26,2.00,\n";
  add("a", "itema", "M1", "T2", jan, "3", std::nullopt);  // under 8 bytes
  add("a", "itema", "M2", "T2", jan, "3", std::nullopt);
  want += "a,itema,member,M1,T2,U01,2019-01-01,2019-01-31,3.00,\na,itema,member,M2,T2,U01,2019-01-01,2019-01-31,3.00,\n";

  std::ostringstream out;
  rulebook::report::entitlement_csv_writer writer(out, 2);
  writer.write(block);
  writer.flush();
  EXPECT_EQ(out.str(), want);
  std::string rendered;
  rulebook::report::entitlement_csv_writer::render(block, 2, rendered);
  EXPECT_EQ("rule,item,subject,subject_id,team,unit,from,to,amount,paid\n" + rendered, want);
  // A first row whose ids are all empty, then one whose unit is not.
  block.assign(2, block.back());
  block[0].subject_id = block[0].team = block[0].unit = "";
  block[1].subject_id = block[1].team = "";
  rendered.clear();
  rulebook::report::entitlement_csv_writer::render(block, 2, rendered);
  EXPECT_EQ(rendered, "a,itema,member,,,,2019-01-01,2019-01-31,3.00,\na,itema,member,,,U01,2019-01-01,2019-01-31,3.00,\n");
}

namespace {

/// Both ways `Writer` gives the rows of `block` (amounts to 2 places): `render`,
/// the rows alone, must be `want`; `write` then `flush`, `header` and then `want`.
template <class Writer, class Row>
void expect_rows(const std::vector<Row>& block, const std::string& header, const std::string& want) {
  std::string rendered;
  Writer::render(block, 2, rendered);
  EXPECT_EQ(rendered, want);
  std::ostringstream out;
  Writer writer(out, 2);
  writer.write(block);
  writer.flush();
  EXPECT_EQ(out.str(), header + want);
}

}  // namespace

// A row is put together in a buffer of its own, its repeated parts (the rule,
// item and subject kind; the subject, team and unit) copied 64 bytes at a time
// when they fit, and piece by piece when they do not: rows whose parts are just
// under, at and just over 64 bytes, far over, and empty, in turn, with the
// widest amounts there are and the dates that are not days, are each themselves.
TEST(report_csv, rows_whose_parts_are_of_any_length_with_the_widest_values_are_each_themselves) {
  std::vector<rulebook::entitlement> block;
  std::string want;
  const auto text_of = [](char c, std::size_t n) { return n == 0 ? std::string() : std::string(n, c); };
  // Head "R…,I…,member" and subject's fields ",M…,T…,U…": lengths of the rule and
  // of the member's id that make each part 63, 64, 65 bytes long, and more.
  const std::size_t head_fixed = 2 + 6 + 2;  // two commas, "member", an item of two
  const std::size_t who_fixed = 3 + 3 + 3;   // three commas, a team and a unit of three
  const std::size_t lengths[] = {63, 64, 65, 64, 200, 10, 65, 63, 1000, 64};
  const rulebook::money widest = rulebook::money::from_raw(std::numeric_limits<std::int64_t>::max());
  const rulebook::money lowest = rulebook::money::from_raw(-std::numeric_limits<std::int64_t>::max());
  for (std::size_t k = 0; k < std::size(lengths); ++k) {
    const std::size_t n = std::max(lengths[k], std::max(head_fixed, who_fixed) + 1);
    rulebook::entitlement e;
    e.rule = text_of('R', n - head_fixed);
    e.item = {'I', static_cast<char>('0' + k % 10)};
    e.subject = rulebook::subject_kind::member;
    e.subject_id = text_of('M', lengths[(k + 3) % std::size(lengths)] - who_fixed);
    e.team = {'T', static_cast<char>('1' + k % 3), '0'};
    e.unit = {'U', static_cast<char>('1' + k % 2), '0'};
    const bool special = k % 3 == 2;
    e.slice = special ? rulebook::date_range{rulebook::date(boost::date_time::not_a_date_time),
                                             rulebook::date(boost::date_time::pos_infin)}
                      : rulebook::date_range{date(2019, 3, 1), date(2019, 3, 31)};
    e.amount = k % 2 == 0 ? widest : lowest;
    if (k % 4 != 1) e.paid = k % 2 == 0 ? lowest : widest;
    for (const std::string_view part : {std::string_view(e.rule), std::string_view(","), std::string_view(e.item),
                                        std::string_view(",member,"), std::string_view(e.subject_id),
                                        std::string_view(","), std::string_view(e.team), std::string_view(","),
                                        std::string_view(e.unit), std::string_view(",")})
      want += part;
    want += special ? "not-a-date-time,+infinity," : "2019-03-01,2019-03-31,";
    want += k % 2 == 0 ? "922337203685477.5807," : "-922337203685477.5807,";
    want += k % 4 == 1 ? "" : k % 2 == 0 ? "-922337203685477.5807" : "922337203685477.5807";
    want += '\n';
    block.push_back(std::move(e));
  }
  expect_rows<rulebook::report::entitlement_csv_writer>(
      block, "rule,item,subject,subject_id,team,unit,from,to,amount,paid\n", want);
}

TEST(report_csv, each_file_is_handed_on_as_it_is_rendered_the_same_as_csv_files) {
  const rulebook::results r = sample();
  std::vector<std::string> names;
  std::vector<rulebook::report::csv_file> handed;
  rulebook::report::each_csv_file(r, 2, {}, [&](rulebook::report::csv_file&& f) {
    names.push_back(f.name);
    handed.push_back(std::move(f));
  });
  EXPECT_EQ(names, (std::vector<std::string>{"entitlements.csv", "findings.csv", "quota.csv", "penalties.csv",
                                             "totals.csv", "rollups.csv"}));
  const auto files = rulebook::report::csv_files(r, 2);
  ASSERT_EQ(files.size(), handed.size());
  for (std::size_t i = 0; i < files.size(); ++i) EXPECT_EQ(files[i].text, handed[i].text) << files[i].name;
  EXPECT_EQ(handed[4].text,  // totals.csv: the sample's three entitlements, summed by item
            "item,owed,paid\nliving,2500.00,2000.00\ntransport,463.20,463.20\nwork_funds,2878.50,0.00\n");
  EXPECT_TRUE(handed[0].text.starts_with("rule,item,subject,subject_id,team,unit,from,to,amount,paid\n"));
}

// Files written elsewhere are left out: two calls that leave out each other's
// files (as `rulebook eval --format csv` runs them, on two threads) hand on
// between them each file once, the same as one call.
TEST(report_csv, files_left_out_are_the_ones_another_call_renders) {
  const rulebook::results r = sample();
  std::vector<rulebook::report::csv_file> one, other;
  rulebook::report::each_csv_file(r, 2, {.entitlements = true, .rollups = true, .findings = true},
                                  [&](rulebook::report::csv_file&& f) { one.push_back(std::move(f)); });
  rulebook::report::each_csv_file(
      r, 2, {.entitlements = true, .rollups = true, .quota = true, .penalties = true, .totals = true},
      [&](rulebook::report::csv_file&& f) { other.push_back(std::move(f)); });
  ASSERT_EQ(one.size(), 3u);
  EXPECT_EQ(one[0].name, "quota.csv");
  EXPECT_EQ(one[1].name, "penalties.csv");
  EXPECT_EQ(one[2].name, "totals.csv");
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].name, "findings.csv");
  const auto files = rulebook::report::csv_files(r, 2);
  ASSERT_EQ(files.size(), 6u);  // entitlements, findings, quota, penalties, totals, rollups
  EXPECT_EQ(other[0].text, files[1].text);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(one[i].text, files[i + 2].text) << one[i].name;
  std::vector<rulebook::report::csv_file> none;
  rulebook::report::each_csv_file(r, 2,
                                  {.entitlements = true, .rollups = true, .findings = true, .quota = true,
                                   .penalties = true, .totals = true},
                                  [&](rulebook::report::csv_file&& f) { none.push_back(std::move(f)); });
  EXPECT_TRUE(none.empty());
}

// A large file comes in parts of about 4 MB, the first with the header, each
// part ending at a row's end; joined they are the whole file. 40,000 findings
// of a 200-character message are over 10 MB: three parts at least.
TEST(report_csv, a_large_file_is_handed_on_in_parts_that_join_to_the_whole) {
  rulebook::results r = sample();
  const rulebook::finding one = r.findings.front();
  r.findings.assign(40000, one);
  for (rulebook::finding& f : r.findings) f.message = std::string(200, 'm');
  std::vector<rulebook::report::csv_file> parts;
  rulebook::report::each_csv_file(r, 2, {.entitlements = true, .rollups = true},
                                  [&](rulebook::report::csv_file&& f) { parts.push_back(std::move(f)); });
  ASSERT_GE(parts.size(), 3u + 3);  // findings.csv in three parts, then quota, penalties, totals
  EXPECT_EQ(parts[0].name, "findings.csv");
  EXPECT_FALSE(parts[0].continued);
  EXPECT_TRUE(parts[0].text.starts_with("finding,rule,kind,"));
  std::string joined = parts[0].text;
  std::size_t k = 1;
  for (; k < parts.size() && parts[k].continued; ++k) {
    EXPECT_EQ(parts[k].name, "findings.csv");
    EXPECT_TRUE(parts[k - 1].text.ends_with('\n'));
    EXPECT_GE(parts[k - 1].text.size(), std::size_t{4} << 20);
    joined += parts[k].text;
  }
  EXPECT_GE(k, 3u);
  EXPECT_EQ(parts[k].name, "quota.csv");
  EXPECT_FALSE(parts[k].continued);
  EXPECT_EQ(std::count(joined.begin(), joined.end(), '\n'), 40001);  // the header and a row a finding
  const auto whole = rulebook::report::csv_files(r, 2, false);
  ASSERT_EQ(whole.front().name, "findings.csv");
  EXPECT_EQ(whole.front().text, joined);
  EXPECT_TRUE(joined.ends_with(std::string(200, 'm') + "\n"));
}

TEST(report_csv, a_stream_that_fails_is_an_error_not_a_short_file) {
  const rulebook::results r = sample();
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  rulebook::report::entitlement_csv_writer writer(out, 2);
  writer.write(r.entitlements);
  EXPECT_THROW(writer.flush(), std::runtime_error);
  rulebook::report::rollup_csv_writer rollups(out, 2);
  rollups.write(r.rollups);
  try {
    rollups.flush();
    ADD_FAILURE() << "a failed stream must throw";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "cannot write rollups.csv");
  }
}

// Roll-up rows are put together as entitlement rows are, "subject,id," and the
// item remembered while they repeat: a team with a member's id, nine items in
// turn where eight are remembered, an id and an item just under, at and over 64
// bytes with their commas, and far over, text to quote, the widest amounts and
// counts — each row is itself.
TEST(report_csv, rollup_rows_whose_parts_repeat_change_or_run_long_are_each_themselves) {
  std::vector<rulebook::rollup> block;
  std::string want;
  const rulebook::money widest = rulebook::money::from_raw(std::numeric_limits<std::int64_t>::max());
  const auto add = [&](rulebook::subject_kind subject, std::string id, std::string item, rulebook::money owed,
                       std::optional<rulebook::money> paid, std::size_t count, std::string_view row) {
    rulebook::rollup x;
    x.subject = subject;
    x.id = std::move(id);
    x.item = std::move(item);
    x.owed = owed;
    x.paid = paid;
    x.shortfall = money::parse("0.5");
    x.entitlements = count;
    x.unrecorded = 1;
    x.violations = 0;
    x.advisories = 2;
    block.push_back(std::move(x));
    want += row;
    want += '\n';
  };
  using kind = rulebook::subject_kind;
  add(kind::member, "M1", "", money::parse("1"), std::nullopt, 3, "member,M1,,1.00,,0.50,3,1,0,2");
  add(kind::team, "M1", "", money::parse("2"), money::parse("2.125"), 4, "team,M1,,2.00,2.125,0.50,4,1,0,2");
  for (int round = 0; round < 2; ++round)
    for (int k = 0; k < 9; ++k) {
      const std::string item{'i', static_cast<char>('0' + k)};
      std::string row = "team,M1,";
      row += item;
      row += ",3.00,3.00,0.50,1,1,0,2";
      add(kind::team, "M1", item, money::parse("3"), money::parse("3"), 1, row);
    }
  // "unit,<id>," of 63, 64 and 65 bytes, and 1,000; "<item>," of 63, 64, 65 and 1,000.
  for (const std::size_t n : {63, 64, 65, 1000, 64}) {
    const std::string id(n - 6, 'U'), item(n - 1, 'x');
    std::string row = "unit,";
    row += id;
    row += ',';
    row += item;
    row += ",922337203685477.5807,922337203685477.5807,0.50,18446744073709551615,1,0,2";
    add(kind::unit, id, item, widest, widest, std::numeric_limits<std::size_t>::max(), row);
  }
  add(kind::county, "a,b", "=sum", money::parse("-4"), std::nullopt, 0, "county,\"a,b\",\"'=sum\",-4.00,,0.50,0,1,0,2");

  expect_rows<rulebook::report::rollup_csv_writer>(
      block, "subject,id,item,owed,paid,shortfall,entitlements,unrecorded,violations,advisories\n", want);
}

TEST(report_csv, rollups_written_as_they_come_are_the_file_csv_files_renders) {
  const rulebook::results r = sample();
  std::ostringstream out;
  rulebook::report::rollup_csv_writer writer(out, 2);
  for (const rulebook::rollup& x : r.rollups) writer.write(std::span(&x, 1));  // a row a block
  writer.flush();
  const auto files = rulebook::report::csv_files(r, 2);
  EXPECT_EQ(out.str(), files.back().text);
  EXPECT_TRUE(out.str().starts_with(
      "subject,id,item,owed,paid,shortfall,entitlements,unrecorded,violations,advisories\n"
      "member,M014,,2500.00,2000.00,500.00,1,0,1,0\n"))
      << out.str();
  // A caller writing entitlements.csv and rollups.csv itself is handed the other four.
  std::vector<std::string> names;
  rulebook::report::each_csv_file(r, 2, {.entitlements = true, .rollups = true},
                                  [&](rulebook::report::csv_file&& f) { names.push_back(f.name); });
  EXPECT_EQ(names, (std::vector<std::string>{"findings.csv", "quota.csv", "penalties.csv", "totals.csv"}));
}

TEST(report_table, lines_up_chinese_names_by_display_width) {
  std::ostringstream out;
  rulebook::report::write_table(out, sample(), sample_names(), 2, english);
  // Chinese characters take two columns on a terminal: 日晖塘村 pads like 8 ASCII characters.
  EXPECT_EQ(out.str(), R"(policy qiyang-2019, period 2019 (2019-01-01 .. 2019-12-31)

owed and paid by team (yuan)
  team    village   item           owed     paid   short  not recorded
  T01     日晖塘村  transport    463.20   463.20    0.00
                    all items    463.20   463.20    0.00
  T03     内下村    living      2500.00  2000.00  500.00
                    work_funds  2878.50        —    0.00             1
                    all items   5378.50  2000.00  500.00             1
  county            living      2500.00  2000.00  500.00
                    transport    463.20   463.20    0.00
                    work_funds  2878.50        —    0.00             1
                    all items   5841.70  2463.20  500.00             1

findings: 2 (1 violation, 1 advisory)
by responsible unit: what it pays (yuan) and the findings it answers for
  unit  name         owed     paid   short  violations  advisories
  U01   县财政局                                     0           1
  U06   县人社局  5378.50  2000.00  500.00           1           0

县财政局 (U01) — 1 finding (1 advisory)
  severity  rule       subject       when                    expected  actual   message
  advisory  six_items  T01 日晖塘村  2019-07-01..2019-12-31  printer   missing  一台打印机, missing

县人社局 (U06) — 1 finding (1 violation)
  severity   rule    subject      when     expected  actual   message
  violation  living  M014 李建国  2019-01  2500.00   2000.00  paid "living" short\by 500.00 <script>alert(1)</script>

quota excellent_quota 优秀工作队员指标: excellent, 5 members × 0.2 = 1 place
  rank  member  name    score  proposed  granted
  1     M001    王芳     93.6       yes      yes
  2     M014    李建国     90       yes
  over the quota (proposed, not granted): M014 李建国 (rank 2, 90)

penalty ledger
  unit  name      notices  points charged  points  capped
  U06   县人社局        1               2       2
)");
  // The same, measured: every row of the quota table ends its score column at
  // the same terminal column, whatever the width of the names before it.
  const auto score_end = [&](const std::string& row_start, const std::string& score) {
    const std::string text = out.str();
    const auto row = text.find(row_start);
    const auto at = text.find(score, row);
    return rulebook::detail::display_width(std::string_view(text).substr(row, at + score.size() - row));
  };
  EXPECT_EQ(score_end("  rank  member", "score"), score_end("  1     M001", "93.6"));
  EXPECT_EQ(score_end("  rank  member", "score"), score_end("  2     M014", "90"));
}

TEST(report_table, says_when_there_is_nothing_to_report) {
  rulebook::results r;
  r.policy = "p";
  r.evaluated = rulebook::period::of_month(2019, 7);
  std::ostringstream out;
  rulebook::report::write_table(out, r, {}, 2, english);
  EXPECT_EQ(out.str(), R"(policy p, period 2019-07 (2019-07-01 .. 2019-07-31)

owed and paid by team (yuan)
  no entitlements

findings: 0 (0 violations, 0 advisories)

penalty ledger
  no unit penalised
)");
}

TEST(report_table, is_written_in_chinese_when_asked_still_lined_up_by_display_width) {
  std::ostringstream out;
  rulebook::report::write_table(out, sample(), sample_names(), 2, {.lang = language::zh});
  // Headings, column names, severities and counts from the catalogue; ids, names,
  // figures and the engine's messages as they are.
  EXPECT_EQ(out.str(), R"(政策 qiyang-2019，期间 2019（2019-01-01 至 2019-12-31）

各工作队应发与实发（元）
  工作队  驻点村    项目           应发     实发    少发  未记录
  T01     日晖塘村  transport    463.20   463.20    0.00
                    全部项目     463.20   463.20    0.00
  T03     内下村    living      2500.00  2000.00  500.00
                    work_funds  2878.50        —    0.00       1
                    全部项目    5378.50  2000.00  500.00       1
  全县              living      2500.00  2000.00  500.00
                    transport    463.20   463.20    0.00
                    work_funds  2878.50        —    0.00       1
                    全部项目    5841.70  2463.20  500.00       1

问题：2 项（违规 1，建议 1）
按责任单位：应发放的金额（元）及其负责的问题
  单位  名称         应发     实发    少发  违规  建议
  U01   县财政局                               0     1
  U06   县人社局  5378.50  2000.00  500.00     1     0

县财政局（U01） — 1 项问题（建议 1）
  性质  规则       对象          时段                    应为     实际     说明
  建议  six_items  T01 日晖塘村  2019-07-01..2019-12-31  printer  missing  一台打印机, missing

县人社局（U06） — 1 项问题（违规 1）
  性质  规则    对象         时段     应为     实际     说明
  违规  living  M014 李建国  2019-01  2500.00  2000.00  paid "living" short\by 500.00 <script>alert(1)</script>

名额 excellent_quota 优秀工作队员指标：优秀，5 名队员 × 0.2 = 1 个名额
  排名  队员  名称    得分  推荐  获得名额
  1     M001  王芳    93.6    是        是
  2     M014  李建国    90    是
  超出名额（推荐但未获得）：M014 李建国（第 2 名，90 分）

扣分台账
  单位  名称      通报  扣分（封顶前）  扣分  封顶
  U06   县人社局     1               2     2
)");
  // Measured: a column headed in Chinese (two terminal columns a character) ends
  // where its figures end, and the names beside them pad by display width.
  const std::string text = out.str();
  const auto end_of = [&](const std::string& row_start, const std::string& cell) {
    const auto row = text.find(row_start);
    const auto at = text.find(cell, row);
    return rulebook::detail::display_width(std::string_view(text).substr(row, at + cell.size() - row));
  };
  EXPECT_EQ(end_of("  排名", "得分"), end_of("  1     M001", "93.6"));
  EXPECT_EQ(end_of("  排名", "得分"), end_of("  2     M014", "90"));
  EXPECT_EQ(end_of("  工作队", "应发"), end_of("  T03", "2500.00"));
  EXPECT_EQ(end_of("  单位", "违规"), end_of("  U06", "1"));
}

TEST(report_table, says_when_there_is_nothing_to_report_in_chinese) {
  rulebook::results r;
  r.policy = "p";
  r.evaluated = rulebook::period::of_month(2019, 7);
  std::ostringstream out;
  rulebook::report::write_table(out, r, {}, 2, {.lang = language::zh});
  EXPECT_EQ(out.str(), R"(政策 p，期间 2019-07（2019-07-01 至 2019-07-31）

各工作队应发与实发（元）
  本期无应发金额

问题：0 项（违规 0，建议 0）

扣分台账
  无单位被扣分
)");
}

TEST(report_table, names_rules_by_their_title_in_the_tables_language) {
  rulebook::policy p;
  rulebook::rule living;
  living.id = "living";
  living.title = {"生活补贴", "Living allowance"};
  rulebook::rule english_only;
  english_only.id = "phone";
  english_only.title = {"", "Phone allowance"};
  p.rules = {living, english_only};
  const rulebook::county c;
  EXPECT_EQ(rulebook::report::names::of(c, p).rules.at("living"), "生活补贴");
  EXPECT_EQ(rulebook::report::names::of(c, p, language::en).rules.at("living"), "Living allowance");
  // A title missing in the language asked for falls back to the other.
  EXPECT_EQ(rulebook::report::names::of(c, p, language::zh).rules.at("phone"), "Phone allowance");
}

TEST(report_csv, guards_text_a_spreadsheet_would_run_as_a_formula) {
  using rulebook::report::csv_field;
  // Each leading character a spreadsheet reads as the start of a formula.
  EXPECT_EQ(csv_field("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(csv_field("+1+2"), "\"'+1+2\"");
  EXPECT_EQ(csv_field("-2+3"), "\"'-2+3\"");
  EXPECT_EQ(csv_field("@SUM(A1:A9)"), "\"'@SUM(A1:A9)\"");
  EXPECT_EQ(csv_field("\t=1"), "\"'\t=1\"");
  EXPECT_EQ(csv_field("\r=1"), "\"'\r=1\"");
  EXPECT_EQ(csv_field("-"), "\"'-\"");
  // Numbers stay numbers, negative ones too; text with those characters inside is as it was.
  EXPECT_EQ(csv_field("-12.50"), "-12.50");
  EXPECT_EQ(csv_field("-3"), "-3");
  EXPECT_EQ(csv_field("2878.50"), "2878.50");
  EXPECT_EQ(csv_field("a=b"), "a=b");
  EXPECT_EQ(csv_field("M-001"), "M-001");
  // Not numbers as the writers print them: guarded.
  EXPECT_EQ(csv_field("-1."), "\"'-1.\"");
  EXPECT_EQ(csv_field("-.5"), "\"'-.5\"");
}

TEST(report_table, bounds_each_units_findings_and_says_how_to_see_them_all) {
  // U06 answers for seven findings: five living months short and two health checks.
  rulebook::results r;
  r.policy = "p";
  r.evaluated = rulebook::period::of_year(2019);
  for (int month = 1; month <= 7; ++month) {
    rulebook::finding f;
    f.rule = month <= 5 ? "living" : "health_check";
    f.kind = month <= 5 ? rulebook::rule_kind::allowance : rulebook::rule_kind::minimum;
    f.subject_id = "M" + std::to_string(month);
    f.responsible_unit = "U06";
    f.severity = month <= 5 ? rulebook::finding_severity::violation : rulebook::finding_severity::advisory;
    f.slice = month_of(2019, month);
    f.message = "finding " + std::to_string(month);
    r.findings.push_back(f);
  }
  rulebook::report::names n;
  n.units = {{"U06", "县人社局"}};
  n.rules = {{"living", "生活补贴"}, {"health_check", "健康体检"}};
  rulebook::report::table_options three = english;
  three.findings_per_unit = 3;
  std::ostringstream out;
  rulebook::report::write_table(out, r, n, 2, three);
  const std::string text = out.str();
  EXPECT_NE(text.find(R"(县人社局 (U06) — 7 findings (5 violations, 2 advisories)
  rule          title     severity   findings
  living        生活补贴  violation         5
  health_check  健康体检  advisory          2
  the first 3:
)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("finding 3\n  … and 4 more\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("finding 4"), std::string::npos) << text;
  EXPECT_NE(text.find("\n4 findings are not listed above: `rulebook eval … --all` lists every one; `--format json` "
                      "or `--format csv --out DIR` writes them all\n"),
            std::string::npos)
      << text;

  rulebook::report::table_options all = three;
  all.all_findings = true;
  std::ostringstream everything;
  rulebook::report::write_table(everything, r, n, 2, all);
  EXPECT_NE(everything.str().find("finding 7"), std::string::npos) << everything.str();
  EXPECT_EQ(everything.str().find("not listed"), std::string::npos) << everything.str();
  EXPECT_EQ(everything.str().find("the first"), std::string::npos) << everything.str();
  // Five is the default: exactly five findings are listed whole.
  r.findings.resize(5);
  std::ostringstream five;
  rulebook::report::write_table(five, r, n, 2, english);
  EXPECT_NE(five.str().find("finding 5"), std::string::npos) << five.str();
  EXPECT_EQ(five.str().find("not listed"), std::string::npos) << five.str();

  // The same bounds in Chinese: the counts by rule, the first three, how many more.
  rulebook::report::table_options chinese = three;
  chinese.lang = language::zh;
  r.findings.clear();
  std::ostringstream zh;
  for (int month = 1; month <= 7; ++month) {
    rulebook::finding f;
    f.rule = month <= 5 ? "living" : "health_check";
    f.subject_id = "M" + std::to_string(month);
    f.responsible_unit = "U06";
    f.severity = month <= 5 ? rulebook::finding_severity::violation : rulebook::finding_severity::advisory;
    f.slice = month_of(2019, month);
    f.message = "finding " + std::to_string(month);
    r.findings.push_back(f);
  }
  rulebook::report::write_table(zh, r, n, 2, chinese);
  EXPECT_NE(zh.str().find(R"(县人社局（U06） — 7 项问题（违规 5，建议 2）
  规则          规则名称  性质  问题数
  living        生活补贴  违规       5
  health_check  健康体检  建议       2
  前 3 项：
)"),
            std::string::npos)
      << zh.str();
  EXPECT_NE(zh.str().find("finding 3\n  … 另有 4 项\n"), std::string::npos) << zh.str();
  EXPECT_NE(zh.str().find("\n以上未列出 4 项问题：`rulebook eval … --all` 列出全部；"), std::string::npos) << zh.str();
}
