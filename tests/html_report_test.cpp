// The HTML report of the Qiyang sample county, in both languages, checked
// against the figures worked out by hand in examples/qiyang/README.md and
// examples/qiyang/cases/ (never against the program's own output): county
// totals, a team's name, the planted findings told from their fields through
// the message catalogue, the penalty ledger and the quota; then that the page
// is self-contained, escapes every text from the data, and is the same bytes
// for the same inputs.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>

#include "report.hpp"
#include "report_html_parts.hpp"
#include "rulebook/diff.hpp"
#include "rulebook/engine.hpp"
#include "rulebook/load.hpp"

namespace {

using rulebook::report::language;

struct qiyang {
  rulebook::program prog = rulebook::compile(rulebook::load_policy_or_throw(RULEBOOK_SOURCE_DIR "/rules/qiyang-2019.yaml"));
  rulebook::county c = rulebook::load_county_or_throw(RULEBOOK_SOURCE_DIR "/examples/qiyang/county.yaml");
};

const qiyang& sample() {
  static const qiyang q;
  return q;
}

std::string report(language l, const rulebook::county& c, std::size_t max_explained = 20000) {
  const rulebook::results r = rulebook::evaluate(sample().prog, c, rulebook::period::of_year(2019));
  rulebook::report::html_options o;
  o.lang = l;
  o.generated_at = "2020-01-07T09:30:00Z";
  o.data_label = "examples/qiyang/county.yaml";
  o.version = "0.1.0";
  o.max_explained = max_explained;
  std::ostringstream out;
  rulebook::report::write_html(out, sample().prog, c, r, "feedc0de", o);
  return out.str();
}

const std::string& zh() {
  static const std::string s = report(language::zh, sample().c);
  return s;
}
const std::string& en() {
  static const std::string s = report(language::en, sample().c);
  return s;
}

bool has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

std::size_t count(const std::string& text, std::string_view part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

}  // namespace

// County totals for 2019 (examples/qiyang/README.md): living 954600 owed, 944120 paid (P10:
// 10480 short); transport 199782.60 owed, 199647.00 paid (P11: 135.60 short); communication
// prorated for M037's 16 days of July, 43451.61 owed, 43500 paid; work funds 7 × 10000 owed,
// 66000 received (P12: T07 got 6000). Owed 1267834.21, paid 1253267.00, 14567.21 short.
TEST(html_report, county_totals_by_item_are_the_hand_worked_ones) {
  for (const std::string* page : {&zh(), &en()}) {
    EXPECT_TRUE(has(*page, R"(<tr data-item="living"><td>)")) << page->substr(0, 300);
    EXPECT_TRUE(has(*page, R"(<td class="n owed">954600.00</td><td class="n">944120.00</td><td class="n neg">-10480.00</td>)"));
    EXPECT_TRUE(has(*page, R"(<td class="n owed">199782.60</td><td class="n">199647.00</td><td class="n neg">-135.60</td>)"));
    EXPECT_TRUE(has(*page, R"(<td class="n owed">43451.61</td><td class="n">43500.00</td><td class="n">48.39</td>)"));
    EXPECT_TRUE(has(*page, R"(<td class="n owed">70000.00</td><td class="n">66000.00</td><td class="n neg">-4000.00</td>)"));
    EXPECT_TRUE(has(*page, R"(<td class="n county-owed">1267834.21</td><td class="n">1253267.00</td><td class="n neg">-14567.21</td>)"));
  }
  EXPECT_TRUE(has(zh(), "1267834.21 元"));
  EXPECT_TRUE(has(en(), "1267834.21 yuan"));
}

TEST(html_report, headings_and_labels_come_from_the_catalogue_in_the_report_language) {
  EXPECT_TRUE(zh().starts_with("<!DOCTYPE html>\n<html lang=\"zh\">"));
  EXPECT_TRUE(en().starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
  using rulebook::report::msg;
  for (const msg m : {msg::county_totals, msg::team_entitlements, msg::findings_by_unit, msg::penalties, msg::quota,
                      msg::col_owed, msg::col_paid, msg::severity_violation}) {
    const std::string_view z = rulebook::report::text(language::zh, m), e = rulebook::report::text(language::en, m);
    EXPECT_TRUE(has(zh(), z)) << z;
    EXPECT_TRUE(has(en(), e)) << e;
    EXPECT_FALSE(has(zh(), ">" + std::string(e) + "<")) << e;  // no English heading in the Chinese page
  }
  // Rule titles from the policy's own `title:` in each language.
  EXPECT_TRUE(has(zh(), "<th class=\"n\">生活补贴</th>"));
  EXPECT_TRUE(has(en(), "<th class=\"n\">living allowance</th>"));
  // The header: the policy's title, the period, the source; the footer: generated-at and the hash.
  EXPECT_TRUE(has(zh(), "2019（2019-01-01 至 2019-12-31）"));
  EXPECT_TRUE(has(en(), "2019 (2019-01-01 to 2019-12-31)"));
  EXPECT_TRUE(has(zh(), "祁阳县强化关怀激励 助力脱贫攻坚"));
  EXPECT_TRUE(has(zh(), "生成时间：2020-01-07T09:30:00Z"));
  EXPECT_TRUE(has(en(), "Generated at 2020-01-07T09:30:00Z"));
  EXPECT_TRUE(has(zh(), "SHA-256") && has(zh(), "feedc0de"));
}

TEST(html_report, names_each_team_with_its_village_in_a_chart_and_a_table) {
  // Seven teams, T01 日晖塘村 of 大忠桥镇, led by 县财政局 (U01).
  for (const std::string* page : {&zh(), &en()}) {
    const std::size_t chart = page->find("<figure id=\"team-chart\">");
    ASSERT_NE(chart, std::string::npos);
    const std::string svg = page->substr(chart, page->find("</figure>", chart) - chart);
    EXPECT_EQ(count(svg, "<g class=\"bar\">"), 7u);
    EXPECT_TRUE(has(svg, ">T01 日晖塘村</text>"));
    EXPECT_TRUE(has(*page, "<td>T01</td><td class=\"village\">大忠桥镇日晖塘村</td><td>县财政局</td>"));
  }
}

// The planted failures (examples/qiyang/README.md), each told in the report's language
// from the finding's fields, not from the engine's English message.
TEST(html_report, tells_the_planted_findings_in_chinese) {
  // P1: M009 罗文斌 insured for 150000 all year, 200000 required.
  EXPECT_TRUE(has(zh(), "M009 罗文斌 在岗 365 天（2019-01-01..2019-12-31）无保额不低于 200000 元的人身意外伤害保险；期间最高保额 150000 元"));
  // P2: M018 with no policy at all in July (31 days).
  EXPECT_TRUE(has(zh(), "M018 欧阳明 在岗 31 天（2019-07-01..2019-07-31）无任何保额不低于 200000 元的人身意外伤害保险"));
  // P3: M028's check cost 380 < 500.
  EXPECT_TRUE(has(zh(), "M028 石建军 在 2019 的健康体检费用 380 元，低于规定的 500 元"));
  // P5: T05 has no water heater all year (advised: an advisory).
  EXPECT_TRUE(has(zh(), "T05 黄石村 缺少一台热水器，共 365 天（2019-01-01..2019-12-31）"));
  // P8: U08's head does not visit T04 in the third quarter.
  EXPECT_TRUE(has(zh(), "派出单位主要负责人每季度看望：U08 白水镇 / T04 双龙桥村 在 2019-Q3 受到看望 0 次，应至少 1 次"));
  // P10: M014 paid 80 a day for 25 days in January: 2500 owed, 2000 paid, 500 short.
  EXPECT_TRUE(has(zh(), "M014 曾庆华 生活补贴（2019-01）：应发 2500.00 元，实发 2000.00 元，少发 500.00 元"));
  // P11: M010 in August: 4 × 2 × 45.2 × 1.5 = 542.40 owed, 406.80 paid, 135.60 short.
  EXPECT_TRUE(has(zh(), "M010 肖红霞 交通费（2019-08）：应发 542.40 元，实发 406.80 元，少发 135.60 元"));
  EXPECT_FALSE(has(zh(), "paid 406.80 of 542.40 owed"));  // the engine's English message is not shown
}

TEST(html_report, tells_the_planted_findings_in_english) {
  EXPECT_TRUE(has(en(), "M009 罗文斌 served 365 days (2019-01-01..2019-12-31) without accident insurance covering at least 200000 yuan; the best cover in force was 150000 yuan"));
  EXPECT_TRUE(has(en(), "M014 曾庆华 living allowance for 2019-01: paid 2000.00 of 2500.00 owed, 500.00 short"));
  EXPECT_TRUE(has(en(), "T05 黄石村 was without a water heater for 365 days (2019-01-01..2019-12-31)"));
  // P9: M035 吕志华 missed the members' forum of the first half year (the quote is escaped).
  EXPECT_TRUE(has(en(), "members&#39; forum each half year: M035 吕志华 attended 0 meetings in 2019-H1, at least 1 required"));
}

TEST(html_report, groups_findings_by_responsible_unit_with_severity) {
  // U06 (县人社局): M014 and M015 short in 12 months each, 24 violations.
  const std::size_t at = zh().find("<div class=\"unit-findings\" data-unit=\"U06\"><h3>县人社局（U06）</h3>");
  ASSERT_NE(at, std::string::npos);
  EXPECT_TRUE(has(zh().substr(at, 400), "24 项：违规 24，建议 0"));
  // U07 fails only the advised kit: one advisory.
  const std::size_t u07 = en().find("class=\"unit-findings\" data-unit=\"U07\"");
  ASSERT_NE(u07, std::string::npos);
  EXPECT_TRUE(has(en().substr(u07, 400), "1: violations 0, advisories 1"));
  EXPECT_TRUE(has(en(), "<span class=\"sev advisory\">advisory</span>"));
  EXPECT_TRUE(has(zh(), "<span class=\"sev violation\">违规</span>"));
}

// The units' roll-ups (tests/engine_rollup_test.cpp): U09 sponsors T02 but dispatches nobody and
// leads no team, so it pays nothing and answers only for P7; U01 answers for P13 (M003) and P6
// (the printer, advised); U06 for M014's and M015's 24 months paid short.
TEST(html_report, lists_what_each_unit_pays_and_the_findings_it_answers_for) {
  EXPECT_TRUE(has(zh(), "<section id=\"units\"><h2>各后盾单位应发、实发与问题</h2>"));
  EXPECT_TRUE(has(en(), "<section id=\"units\"><h2>What each sponsor unit pays, and the findings it answers for</h2>"));
  EXPECT_TRUE(has(zh(), "<tr data-unit=\"U09\"><td>祁阳县供电公司（U09）</td><td class=\"n\"></td><td class=\"n\"></td>"
                        "<td class=\"n\"></td><td class=\"n\">1</td><td class=\"n\">0</td></tr>"));
  const auto row = [](const std::string& page, std::string_view unit) {
    const std::size_t at = page.find("<tr data-unit=\"" + std::string(unit) + "\">");
    return at == std::string::npos ? std::string() : page.substr(at, page.find("</tr>", at) - at);
  };
  EXPECT_TRUE(row(en(), "U01").ends_with("<td class=\"n\">1</td><td class=\"n\">1</td>")) << row(en(), "U01");
  EXPECT_TRUE(row(en(), "U06").ends_with("<td class=\"n\">24</td><td class=\"n\">0</td>")) << row(en(), "U06");
}

// examples/qiyang/cases/penalties.yaml: U06 charged 24 points, capped at 10; U02 3 points.
TEST(html_report, charts_each_units_points_with_its_notices) {
  const std::size_t chart = zh().find("<figure id=\"penalty-chart\">");
  ASSERT_NE(chart, std::string::npos);
  EXPECT_TRUE(has(zh(), "<td class=\"n\">1</td><td class=\"n\">24</td><td class=\"n\">10 <span class=\"note\">已封顶</span></td>"));
  EXPECT_TRUE(has(en(), "<td class=\"n\">1</td><td class=\"n\">3</td><td class=\"n\">3</td>"));
  // Each charge of U02: M009's insurance (2 points) and M010's August transport (1 point).
  EXPECT_TRUE(has(en(), "points 2: M009 罗文斌 served 365 days"));
  EXPECT_TRUE(has(en(), "points 1: M010 肖红霞 transport for 2019-08: paid 406.80 of 542.40 owed, 135.60 short"));
}

// P13: 37 members served in 2019; 20 % of 37 is 7.4, 7 places; 10 proposed, 3 over.
TEST(html_report, shows_the_quota_and_the_ranking_around_its_boundary) {
  EXPECT_TRUE(has(zh(), "优秀等次指标：37 名队员 × 0.2 = 7 个名额"));
  EXPECT_TRUE(has(en(), "excellent-grade quota: 37 members × 0.2 = 7 places"));
  const std::size_t at = en().find("<figure id=\"quota-chart-excellent_quota\">");
  ASSERT_NE(at, std::string::npos);
  EXPECT_TRUE(has(en().substr(at, 20000), "class=\"boundary\""));
  // Three places either side of the boundary after the 7th: M032 93.0 (5th) … M020 90.8 (10th),
  // whose proposal is over the quota.
  EXPECT_FALSE(has(en(), "<td class=\"n\">4</td><td>M001 唐志刚</td>"));
  EXPECT_TRUE(has(en(), "<td class=\"n\">5</td><td>M032 许立峰</td><td class=\"n\">93</td><td>yes</td><td>yes</td>"));
  EXPECT_TRUE(has(en(), "<td class=\"n\">10</td><td>M020 "));
  const std::regex over("Over the quota \\(proposed, not granted\\): (M0[0-9]{2} [^,<]+, ){2}M0[0-9]{2} [^,<]+</p>");
  EXPECT_TRUE(std::regex_search(en(), over));
}

TEST(html_report, every_finding_and_amount_opens_its_explanation) {
  // 38 findings; 435 member-months × 3 items and 7 team-years of work funds = 1312 amounts.
  EXPECT_EQ(count(zh(), "<tr class=\"finding\""), 38u);
  const std::size_t rows = count(zh(), "<tr class=\"finding\"");
  EXPECT_GE(count(zh(), "<details class=\"ex\">"), rows + 1312);
  // In Chinese, the explanation's fixed phrases are the catalogue's; names and arithmetic stay.
  EXPECT_TRUE(has(zh(), "规则 transport — transport (交通费)"));
  EXPECT_TRUE(has(zh(), "应为：542.40\n  实际：406.80\n  M010 肖红霞 交通费（2019-08）"));
  EXPECT_TRUE(has(en(), "expected: 542.40\n  found: 406.80\n"));
  // The README's M006 April: 4 × 2 × 38.6 × 1.5 = 463.20.
  EXPECT_TRUE(has(en(), "<details class=\"ex\"><summary>463.20</summary><pre>transport for member M006, 2019-04-01..2019-04-30: 463.20\n"));
}

TEST(html_report, says_how_many_amounts_it_leaves_unexplained_past_the_limit) {
  const std::string page = report(language::en, sample().c, 10);
  EXPECT_TRUE(has(page, "To keep the report a reasonable size, 1302 amounts below carry no explanation"));
  EXPECT_EQ(count(page, "<pre>transport for member") + count(page, "<pre>living for member") +
                count(page, "<pre>communication for member") + count(page, "<pre>work_funds for team"),
            10u);
}

TEST(html_report, is_one_self_contained_file_with_no_script_and_nothing_fetched) {
  for (const std::string* page : {&zh(), &en()}) {
    EXPECT_FALSE(has(*page, "<script"));
    EXPECT_FALSE(has(*page, "<link"));
    EXPECT_FALSE(has(*page, "<img"));
    EXPECT_FALSE(has(*page, "src="));
    EXPECT_FALSE(has(*page, "url("));
    EXPECT_FALSE(has(*page, "@import"));
    EXPECT_FALSE(has(*page, "@font-face"));
    // The only address is the SVG namespace, which names and fetches nothing.
    EXPECT_EQ(count(*page, "http"),
              count(*page, "xmlns=\"http://www.w3.org/2000/svg\"") + count(*page, "<meta http-equiv="));
    EXPECT_TRUE(has(*page, "content=\"default-src 'none'; style-src 'unsafe-inline'\""));
    EXPECT_TRUE(has(*page, "@media print{"));
    EXPECT_TRUE(has(*page, "@page{size:A4"));
    EXPECT_GE(count(*page, "<svg"), 3u);  // teams, penalties, quota
    EXPECT_TRUE(page->ends_with("</html>\n"));
  }
}

TEST(html_report, escapes_every_text_that_comes_from_the_data) {
  rulebook::county c = sample().c;
  c.members[0].name = "<script>alert(1)</script>";  // M001
  c.teams[0].village = "\"><img src=x onerror=alert(1)>";
  c.units[0].name = "财政局 & 'co'";
  const std::string page = report(language::zh, c, 50);
  EXPECT_FALSE(has(page, "<script"));
  EXPECT_FALSE(has(page, "<img"));
  EXPECT_TRUE(has(page, "M001 &lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_TRUE(has(page, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_TRUE(has(page, "财政局 &amp; &#39;co&#39;"));
}

TEST(html_report, the_same_inputs_give_the_same_bytes) {
  EXPECT_EQ(report(language::zh, sample().c), zh());
}

TEST(html_escape, replaces_markup_quotes_and_malformed_utf8) {
  using rulebook::report::html::esc;
  EXPECT_EQ(esc("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(esc("日晖塘村"), "日晖塘村");
  EXPECT_EQ(esc("bad \xff byte"), "bad \xEF\xBF\xBD byte");
  EXPECT_EQ(esc("cut \xE6\x97"), "cut \xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(esc(std::string("nul\0bell\a", 9)), "nulbell");
  EXPECT_EQ(esc("line\nbreak\ttab"), "line\nbreak\ttab");
}

// Finding kinds the sample does not raise, told from their fields.
TEST(finding_text, tells_team_size_term_attendance_and_an_unknown_shape) {
  const rulebook::report::html::lookup n(sample().c, sample().prog.rules());
  rulebook::finding f;
  f.rule = "team_size";
  f.kind = rulebook::rule_kind::team_size;
  f.subject = rulebook::subject_kind::team;
  f.subject_id = "T03";
  f.slice = {rulebook::date(2019, 3, 1), rulebook::date(2019, 3, 10)};
  f.expected = "3 members";
  f.actual = "2 members";
  EXPECT_EQ(rulebook::report::html::finding_text(language::en, f, n, 2),
            "T03 内下村 had 2 members serving on 10 days (2019-03-01..2019-03-10), fewer than 3");
  EXPECT_EQ(rulebook::report::html::finding_text(language::zh, f, n, 2),
            "T03 内下村 在 10 天（2019-03-01..2019-03-10）在岗人数最少 2 人，少于 3 人");
  f.kind = rulebook::rule_kind::attendance;
  f.subject = rulebook::subject_kind::member;
  f.subject_id = "M014";
  f.slice = {rulebook::date(2019, 3, 1), rulebook::date(2019, 3, 31)};
  f.expected = "20 days";
  f.actual = "18 days";
  EXPECT_EQ(rulebook::report::html::finding_text(language::zh, f, n, 2), "M014 曾庆华 在 2019-03 在村 18 天，应至少 20 天");
  f.kind = rulebook::rule_kind::term;
  f.slice = {rulebook::date(2018, 3, 1), rulebook::date(2019, 6, 30)};
  f.expected = "2 years";
  f.actual = "487 days";
  EXPECT_EQ(rulebook::report::html::finding_text(language::en, f, n, 2),
            "M014 曾庆华 served 487 days (2018-03-01..2019-06-30), short of a term of 2 years");
  // A shape the catalogue does not know: expected and actual as the engine gave them.
  f.kind = rulebook::rule_kind::attendance;
  f.rule = "no_such_rule";
  f.expected = "many";
  f.actual = "few";
  EXPECT_EQ(rulebook::report::html::finding_text(language::en, f, n, 2),
            "no_such_rule: expected many, found few (2018-03-01..2019-06-30)");
}

// rules/qiyang-draft.yaml: 120 yuan a day and 2.0 yuan/km from 2019-07-01 (README): +129701.70, +10.23 %.
TEST(html_diff, shows_the_cost_who_gains_and_the_parameters_that_differ) {
  const rulebook::program draft =
      rulebook::compile(rulebook::load_policy_or_throw(RULEBOOK_SOURCE_DIR "/rules/qiyang-draft.yaml"));
  const auto period = rulebook::period::of_year(2019);
  const rulebook::results before = rulebook::evaluate(sample().prog, sample().c, period);
  const rulebook::results after = rulebook::evaluate(draft, sample().c, period);
  const rulebook::results_diff d = rulebook::diff(before, after);
  rulebook::report::html_options o;
  o.generated_at = "2020-01-07";
  for (const language l : {language::zh, language::en}) {
    o.lang = l;
    std::ostringstream out;
    rulebook::report::write_html_diff(out, sample().prog, draft, sample().c, before, after, d, "aaaa", "bbbb", o);
    const std::string page = out.str();
    EXPECT_FALSE(has(page, "<script"));
    EXPECT_TRUE(has(page, "<figure id=\"gain-chart\">"));
    EXPECT_TRUE(has(page, "<td class=\"n county-owed\">1397535.91</td><td class=\"n pos\">+129701.70</td>"));
    // M006: +2620.00 living (131 days × 20) and +910.10 transport (0.5 × 2 × 47.9 × 19).
    EXPECT_TRUE(has(page, "<td class=\"n\">32889.00</td><td class=\"n\">36419.10</td><td class=\"n pos\">+3530.10</td>"));
    EXPECT_TRUE(has(page, l == language::zh ? "调整成本：+129701.70 元（+10.23 %）"
                                            : "Cost of the change: +129701.70 yuan (+10.23 %)"));
    EXPECT_TRUE(has(page, l == language::zh ? "100 yuan/day（自 2019-01-01 起）" : "100 yuan/day (from 2019-01-01)"));
    EXPECT_TRUE(has(page, l == language::zh ? "120 yuan/day（自 2019-07-01 起）" : "120 yuan/day (from 2019-07-01)"));
    EXPECT_TRUE(has(page, "aaaa") && has(page, "bbbb"));
    // Each amount opens where it comes from: a unit's change member by member — U07, which
    // dispatches M006, pays her +3530.10 (all of it, in T01 and then T05).
    EXPECT_TRUE(has(page, "M006 邓晓梅  32889.00 → 36419.10  (+3530.10)\n"));
    // Both policies are Qiyang's, citing one article: the header names it once.
    EXPECT_EQ(count(page, "<ul class=\"sources\">"), 1u);
    EXPECT_EQ(count(page, "<li>祁阳县强化关怀激励 助力脱贫攻坚"), 1u);
  }
}
