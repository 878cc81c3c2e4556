// Internal: the message catalogue of the reports people read (the HTML report
// and the terminal table), in Chinese and English. Every heading, label and finding text of a report is
// one entry here, written in both languages side by side, so a text cannot be
// added in one language and forgotten in the other (tests/report_messages_test.cpp
// checks that both sides take the same placeholders).
//
//   using rulebook::report::msg;
//   rulebook::report::text(language::zh, msg::county_totals);                  // "全县合计（按项目）"
//   rulebook::report::say(language::en, msg::finding_kit_missing, {"T05", "热水器", "365", "2019-01-01..2019-12-31"});
//
// Placeholders are {0}, {1}, …, each may appear in any order in either language.
// Rule and kit-item titles are not here: they come from the policy's own
// `title: {zh: …, en: …}`.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace rulebook::report {

/// The languages a report is written in.
enum class language { zh, en };

/// "zh" or "en"; nothing for anything else.
[[nodiscard]] std::optional<language> parse_language(std::string_view name) noexcept;

/// The language a POSIX locale name asks for ("en_US.UTF-8", "en" → English;
/// "zh_CN.UTF-8" → Chinese); nothing when it names neither ("C", "fr_FR", "").
[[nodiscard]] std::optional<language> language_of_locale(std::string_view locale) noexcept;

/// The report language the environment asks for, given the values of LC_ALL,
/// LC_MESSAGES and LANG (null when unset): the first set one decides, as POSIX
/// orders them; Chinese when none names a language rulebook has.
[[nodiscard]] language language_from_environment(const char* lc_all, const char* lc_messages,
                                                 const char* lang) noexcept;

/// "zh" / "en", for the HTML `lang` attribute.
[[nodiscard]] std::string_view language_code(language l) noexcept;

// Each message: its id, the Chinese text, the English text.
#define RULEBOOK_REPORT_MESSAGES(X)                                                                               \
  /* the page */                                                                                                  \
  X(report_title, "驻村工作队保障政策执行报告", "Village work teams: policy report")                             \
  X(diff_title, "政策调整影响报告", "What a policy change does")                                                 \
  X(policy_label, "政策", "Policy")                                                                                \
  X(jurisdiction_label, "适用地区", "Jurisdiction")                                                               \
  X(period_label, "期间", "Period")                                                                                \
  X(period_range, "{0}（{1} 至 {2}）", "{0} ({1} to {2})")                                                        \
  X(county_label, "县", "County")                                                                                  \
  X(data_label, "数据", "Data")                                                                                    \
  X(sources_label, "政策来源", "Sources")                                                                          \
  X(source_published, "{0}，{1}，{2}发布", "{0}, {1}, published {2}")                                              \
  X(source_unpublished, "{0}，{1}", "{0}, {1}")                                                                    \
  X(policy_files_label, "政策文件", "Policy files")                                                                \
  X(generated_at, "生成时间：{0}", "Generated at {0}")                                                              \
  X(content_hash, "政策内容哈希（SHA-256，按 extends 链依次计算各文件字节）：{0}",                                 \
    "Policy content hash (SHA-256 over the bytes of each file of the extends chain, in order): {0}")               \
  X(generated_by, "由 rulebook {0} 生成", "Made by rulebook {0}")                                                  \
  X(contents, "目录", "Contents")                                                                                  \
  X(summary_owed, "应发合计", "Owed in all")                                                                       \
  X(summary_paid, "实发合计", "Paid in all")                                                                       \
  X(summary_balance, "实发−应发", "Paid − owed")                                                                   \
  X(summary_findings, "问题", "Findings")                                                                          \
  X(summary_findings_value, "{0} 项（违规 {1}，建议 {2}）", "{0} (violations {1}, advisories {2})")                \
  X(summary_units_penalised, "被扣分单位", "Units penalised")                                                      \
  X(yuan, "元", "yuan")                                                                                            \
  /* county totals */                                                                                             \
  X(county_totals, "全县合计（按项目）", "County totals by item")                                                 \
  X(col_item, "项目", "Item")                                                                                      \
  X(col_owed, "应发", "Owed")                                                                                      \
  X(col_paid, "实发", "Paid")                                                                                      \
  X(col_balance, "实发−应发", "Paid − owed")                                                                       \
  X(col_total, "合计", "Total")                                                                                    \
  X(all_items, "全部项目", "All items")                                                                            \
  X(item_explained, "{0}：由规则 {1} 计算，共 {2} 笔（{3} 个成员或工作队）。",                                      \
    "{0}: computed by rule {1}, {2} amounts ({3} members or teams).")                                              \
  X(not_recorded, "未记录", "not recorded")                                                                        \
  X(no_entitlements, "本期无应发金额。", "Nothing is owed in the period.")                                         \
  /* teams */                                                                                                     \
  X(team_entitlements, "各工作队应发金额", "Each team's entitlements")                                            \
  X(team_chart_caption, "各工作队应发金额（含队员，按项目分段）", "Owed to each team and its members, by item")    \
  X(col_team, "工作队", "Team")                                                                                    \
  X(col_village, "驻点村", "Village")                                                                              \
  X(col_lead_unit, "牵头单位", "Lead unit")                                                                        \
  X(members_of_team, "{0} 的队员", "Members of {0}")                                                              \
  X(col_member, "队员", "Member")                                                                                  \
  X(col_when, "时段", "When")                                                                                      \
  X(col_amount, "金额", "Amount")                                                                                  \
  X(team_itself, "工作队本身", "The team itself")                                                                  \
  X(amounts_not_explained, "为控制报告大小，以下 {0} 笔金额未附计算说明；可用 rulebook eval --explain 查看。",      \
    "To keep the report a reasonable size, {0} amounts below carry no explanation; rulebook eval --explain gives them.") \
  /* sponsor units' roll-ups */                                                                                   \
  X(units_rollup, "各后盾单位应发、实发与问题", "What each sponsor unit pays, and the findings it answers for")   \
  X(col_short, "少发", "Short")                                                                                    \
  X(col_violations, "违规", "Violations")                                                                          \
  X(col_advisories, "建议", "Advisories")                                                                          \
  /* findings */                                                                                                  \
  X(findings_by_unit, "问题（按责任单位）", "Findings by responsible unit")                                       \
  X(no_findings, "本期未发现问题。", "No findings in the period.")                                                 \
  X(unit_heading, "{0}（{1}）", "{0} ({1})")                                                                       \
  X(no_unit_heading, "县或乡镇（无后盾单位）", "County or town (no sponsor unit)")                                 \
  X(findings_count, "{0} 项：违规 {1}，建议 {2}", "{0}: violations {1}, advisories {2}")                           \
  X(severity_violation, "违规", "violation")                                                                       \
  X(severity_advisory, "建议", "advisory")                                                                         \
  X(col_severity, "性质", "Severity")                                                                              \
  X(col_rule, "规则", "Rule")                                                                                      \
  X(col_subject, "对象", "Subject")                                                                                \
  X(col_finding, "问题", "Finding")                                                                                \
  X(explanation, "计算说明", "How it was reached")                                                                 \
  X(explanation_note, "说明中的固定用语已译为中文；算式、参数名、规则原文和编号保持引擎写出的样子。",             \
    "As the engine writes it: the rule, its source, the values in force and the arithmetic.")                      \
  /* finding texts, built from the finding's fields */                                                            \
  X(finding_short_paid, "{0}（{1}）：应发 {2} 元，实发 {3} 元，少发 {4} 元",                                       \
    "{0} for {1}: paid {3} of {2} owed, {4} short")                                                                \
  X(finding_over_paid, "{0}（{1}）：应发 {2} 元，实发 {3} 元", "{0} for {1}: paid {3}, {2} owed")                 \
  X(finding_insurance_gap, "{0} 在岗 {1} 天（{2}）无保额不低于 {3} 元的人身意外伤害保险；期间最高保额 {4} 元",      \
    "{0} served {1} days ({2}) without accident insurance covering at least {3} yuan; the best cover in force was {4} yuan") \
  X(finding_insurance_none, "{0} 在岗 {1} 天（{2}）无任何保额不低于 {3} 元的人身意外伤害保险",                       \
    "{0} served {1} days ({2}) with no accident insurance of at least {3} yuan in force")                          \
  X(finding_check_cheap, "{0} 在 {1} 的健康体检费用 {2} 元，低于规定的 {3} 元",                                   \
    "{0}'s health check in {1} cost {2} yuan, less than the {3} yuan required")                                    \
  X(finding_check_none, "{0} 在 {1} 未安排健康体检（规定不低于 {2} 元）",                                          \
    "{0} had no health check in {1} (at least {2} yuan required)")                                                 \
  X(finding_minimum_other, "{0}：应不低于 {1}，实际 {2}（{3}）", "{0}: at least {1} required, {2} found ({3})")    \
  X(finding_kit_missing, "{0} 缺少{1}，共 {2} 天（{3}）", "{0} was without {1} for {2} days ({3})")              \
  X(finding_visits_short, "{0}：{1} 在 {2} 受到看望 {3} 次，应至少 {4} 次",                                        \
    "{0}: {1} had {3} visits in {2}, at least {4} required")                                                       \
  X(finding_meetings_short, "{0}：{1} 在 {2} 参加会议 {3} 次，应至少 {4} 次",                                      \
    "{0}: {1} attended {3} meetings in {2}, at least {4} required")                                                \
  X(finding_team_small, "{0} 在 {1} 天（{2}）在岗人数最少 {3} 人，少于 {4} 人",                                    \
    "{0} had {3} members serving on {1} days ({2}), fewer than {4}")                                               \
  X(finding_term_short, "{0} 驻村 {1} 天（{2}），未满 {3} 年任期",                                                 \
    "{0} served {1} days ({2}), short of a term of {3} years")                                                     \
  X(finding_attendance_short, "{0} 在 {1} 在村 {2} 天，应至少 {3} 天",                                             \
    "{0} counted {2} days in the village in {1}, at least {3} required")                                           \
  X(finding_over_quota, "{0} 被推荐为优秀（排名第 {1}），但名额只有 {2} 个",                                        \
    "{0} was proposed excellent (rank {1}) but the quota gives {2} places")                                        \
  X(finding_generic, "{0}：应为 {1}，实际 {2}（{3}）", "{0}: expected {1}, found {2} ({3})")                       \
  X(subject_county, "全县", "the county")                                                                          \
  /* penalties */                                                                                                 \
  X(penalties, "后盾单位通报与扣分", "Sponsor units: notices and points")                                          \
  X(penalty_chart_caption, "各单位扣分（封顶后；虚线为封顶前）", "Points per unit (after the cap; the outline: before it)") \
  X(no_penalties, "本期无单位被扣分。", "No unit is penalised in the period.")                                     \
  X(col_unit, "单位", "Unit")                                                                                      \
  X(col_notices, "通报", "Notices")                                                                                \
  X(col_points_charged, "扣分（封顶前）", "Points charged")                                                        \
  X(col_points, "扣分", "Points")                                                                                  \
  X(capped, "已封顶", "capped")                                                                                    \
  X(charge_line, "扣 {0} 分：{1}（规则 {2}）", "points {0}: {1} (rule {2})")                                          \
  /* quota */                                                                                                     \
  X(quota, "优秀等次名额", "The excellent-grade quota")                                                            \
  X(quota_line, "{0}：{1} 名队员 × {2} = {3} 个名额", "{0}: {1} members × {2} = {3} places")                       \
  X(quota_boundary, "名额分界线附近的排名", "The ranking around the boundary")                                     \
  X(col_rank, "排名", "Rank")                                                                                      \
  X(col_score, "得分", "Score")                                                                                    \
  X(col_proposed, "推荐优秀", "Proposed")                                                                          \
  X(col_granted, "获得名额", "Granted")                                                                            \
  X(yes, "是", "yes")                                                                                              \
  X(over_quota, "超出名额（推荐但未获得）：{0}", "Over the quota (proposed, not granted): {0}")                    \
  X(none_over_quota, "无推荐人选超出名额。", "No member proposed for the grade is over the quota.")               \
  X(no_quota, "本政策无名额规则。", "The policy has no quota rule.")                                               \
  X(quota_chart_caption, "得分排名（实心：获得名额）", "Scores in rank order (filled: granted)")                   \
  /* diff */                                                                                                      \
  X(diff_policies, "{0} → {1}", "{0} → {1}")                                                                       \
  X(old_policy, "原政策", "Old policy")                                                                            \
  X(new_policy, "新政策", "New policy")                                                                            \
  X(col_before, "调整前", "Before")                                                                                \
  X(col_after, "调整后", "After")                                                                                  \
  X(col_change, "变化", "Change")                                                                                  \
  X(cost_of_change, "调整成本：{0} 元（{1}）", "Cost of the change: {0} yuan ({1})")                              \
  X(cost_from_nothing, "原为零", "from nothing")                                                                   \
  X(parameters_changed, "参数变化", "Parameters that differ")                                                     \
  X(col_parameter, "参数", "Parameter")                                                                            \
  X(no_parameter_changes, "两个政策的参数相同。", "The two policies have the same parameters.")                    \
  X(value_since, "{0} {1}（自 {2} 起）", "{0} {1} (from {2})")                                                     \
  X(absent, "无", "none")                                                                                          \
  X(gainers_losers, "谁多得、谁少得", "Who gains and who loses")                                                   \
  X(gain_chart_caption, "各工作队应发金额变化（右：增加；左：减少）", "Change owed per team (right: more; left: less)") \
  X(members_changed, "变化的队员：{0} / {1}", "Members changed: {0} of {1}")                                       \
  X(gainers, "多得 {0} 人，合计 {1} 元", "{0} gain, {1} yuan in all")                                              \
  X(losers, "少得 {0} 人，合计 {1} 元", "{0} lose, {1} yuan in all")                                               \
  X(teams_changed, "工作队（含队员）", "Teams (with their members)")                                               \
  X(units_changed, "单位（其负责发放的金额）", "Units (what each is responsible for paying)")                       \
  X(findings_appeared, "新增问题：{0}", "Findings that appear: {0}")                                               \
  X(findings_disappeared, "消失问题：{0}", "Findings that disappear: {0}")                                         \
  X(findings_changed, "数额变化的问题：{0}", "Findings whose figures change: {0}")                                 \
  X(finding_change_line, "应为 {0} → {1}；实际 {2} → {3}", "expected {0} → {1}; actual {2} → {3}")               \
  X(penalties_changed, "扣分变化", "Penalty lines that change")                                                    \
  X(quotas_changed, "名额变化", "Quotas that change")                                                              \
  X(quota_change_line, "{0}：人数 {1} → {2}，名额 {3} → {4}", "{0}: population {1} → {2}, places {3} → {4}")       \
  X(quota_granted, "新获名额：{0}", "granted: {0}")                                                                \
  X(quota_lost, "失去名额：{0}", "lost: {0}")                                                                      \
  X(nothing_changes, "无变化。", "Nothing changes.")                                                               \
  X(by_month, "逐月明细", "Month by month")                                                                        \
  /* explanation phrases (the engine writes explanations in English; a Chinese    */                              \
  /* report translates their fixed phrases through these entries)                  */                              \
  X(ex_rule, "规则 ", "rule ")                                                                                     \
  X(ex_rule_colon, "规则：", "rule: ")                                                                             \
  X(ex_source, "依据：", "source: ")                                                                               \
  X(ex_choice, "县定选择（", "choice (")                                                                           \
  X(ex_per, "计算单位：", "per: ")                                                                                 \
  X(ex_prorate_infix, "，折算：", ", prorate: ")                                                                   \
  X(ex_team, "工作队 ", "team ")                                                                                   \
  X(ex_responsible_unit, "负责单位：", "responsible unit: ")                                                       \
  X(ex_responsible, "责任单位：", "responsible: ")                                                                 \
  X(ex_no_unit, "无单位（乡镇或县）", "no unit (town or county)")                                                  \
  X(ex_input, "输入 ", "input ")                                                                                   \
  X(ex_when, "条件：", "when: ")                                                                                   \
  X(ex_piece, "时段 ", "piece ")                                                                                   \
  X(ex_days_served, " 天在岗", " day(s) served")                                                                   \
  X(ex_nothing_owed, "：不发（条件不成立）", ": nothing owed (when: is false)")                                    \
  X(ex_parameter, "参数 ", "parameter ")                                                                           \
  X(ex_in_force_since, "，自 ", ", in force since ")                                                               \
  X(ex_in_force_from, "，施行自 ", ", in force from ")                                                             \
  X(ex_source_infix, "；依据：", "; source: ")                                                                     \
  X(ex_amount, "金额：", "amount: ")                                                                               \
  X(ex_weighted, "按在岗天数加权：Σ 金额 × 天数 = ", "pieces weighted by their days served: Σ amount × days = ")   \
  X(ex_prorate, "折算：", "prorate: ")                                                                             \
  X(ex_divided, "除以在岗天数 ", "divided by the ")                                                                \
  X(ex_rounding, "舍入：", "rounding: ")                                                                           \
  X(ex_at_each_item, "，逐项舍入）", ", at each item)")                                                            \
  X(ex_paid_not_recorded, "实发：未记录", "paid: not recorded")                                                    \
  X(ex_paid, "实发：", "paid: ")                                                                                   \
  X(ex_note, "注：", "note: ")                                                                                     \
  X(ex_finding, "问题：", "finding: ")                                                                             \
  X(ex_expected, "应为：", "expected: ")                                                                           \
  X(ex_found, "实际：", "found: ")                                                                                 \
  X(ex_item, "项目：", "item: ")                                                                                   \
  X(ex_county_choice, "  [县定选择]", "  [county choice]")                                                         \
  X(ex_advised, "：为提倡项，缺少时仅作建议", ": advised, so its absence is an advisory")                          \
  X(ex_level, "，等级 ", ", level ")                                                                               \
  X(ex_violation_tag, "（违规）", " (violation)")                                                                  \
  X(ex_advisory_tag, "（建议）", " (advisory)")                                                                    \
  X(ex_at_least, "不低于：", "at_least: ")                                                                         \
  X(ex_times, "次数：", "times: ")                                                                                 \
  X(ex_share, "比例：", "share: ")                                                                                 \
  X(ex_for_member, "：队员 ", " for member ")                                                                     \
  X(ex_for_team, "：工作队 ", " for team ")                                                                       \
  X(ex_days_served_plain, " 天在岗", " days served")                                                               \
  X(ex_days_in_period, " 天（期间天数）", " days in the period")                                                   \
  X(ex_decimal_places, " 位小数", " decimal place(s)")                                                             \
  /* the terminal table (rulebook eval): lower-case English, as a terminal writes it */                            \
  X(tbl_heading, "政策 {0}，期间 {1}（{2} 至 {3}）", "policy {0}, period {1} ({2} .. {3})")                        \
  X(tbl_amounts, "各工作队应发与实发（元）", "owed and paid by team (yuan)")                                       \
  X(tbl_no_entitlements, "本期无应发金额", "no entitlements")                                                      \
  X(tbl_col_team, "工作队", "team")                                                                                \
  X(tbl_col_village, "驻点村", "village")                                                                          \
  X(tbl_col_item, "项目", "item")                                                                                  \
  X(tbl_col_owed, "应发", "owed")                                                                                  \
  X(tbl_col_paid, "实发", "paid")                                                                                  \
  X(tbl_col_short, "少发", "short")                                                                                \
  X(tbl_col_not_recorded, "未记录", "not recorded")                                                                \
  X(tbl_all_items, "全部项目", "all items")                                                                        \
  X(tbl_county, "全县", "county")                                                                                  \
  X(tbl_findings, "问题：{0} 项（{1}，{2}）", "findings: {0} ({1}, {2})")                                          \
  X(tbl_n_finding, "{0} 项问题", "{0} finding")                                                                    \
  X(tbl_n_findings, "{0} 项问题", "{0} findings")                                                                  \
  X(tbl_n_violation, "违规 {0}", "{0} violation")                                                                  \
  X(tbl_n_violations, "违规 {0}", "{0} violations")                                                                \
  X(tbl_n_advisory, "建议 {0}", "{0} advisory")                                                                    \
  X(tbl_n_advisories, "建议 {0}", "{0} advisories")                                                                \
  X(tbl_count_detail, "{0}（{1}）", "{0} ({1})")                                                                   \
  X(tbl_and, "，", ", ")                                                                                           \
  X(tbl_by_unit, "按责任单位：应发放的金额（元）及其负责的问题",                                                   \
    "by responsible unit: what it pays (yuan) and the findings it answers for")                                    \
  X(tbl_col_unit, "单位", "unit")                                                                                  \
  X(tbl_col_name, "名称", "name")                                                                                  \
  X(tbl_col_violations, "违规", "violations")                                                                      \
  X(tbl_col_advisories, "建议", "advisories")                                                                      \
  X(tbl_county_or_town, "县或乡镇", "county or town")                                                              \
  X(tbl_no_unit_heading, "县或乡镇（无后盾单位）", "county or town (no sponsor unit)")                             \
  X(tbl_group, "{0} — {1}", "{0} — {1}")                                                                           \
  X(tbl_col_rule, "规则", "rule")                                                                                  \
  X(tbl_col_title, "规则名称", "title")                                                                            \
  X(tbl_col_severity, "性质", "severity")                                                                          \
  X(tbl_col_findings, "问题数", "findings")                                                                        \
  X(tbl_col_subject, "对象", "subject")                                                                            \
  X(tbl_col_when, "时段", "when")                                                                                  \
  X(tbl_col_expected, "应为", "expected")                                                                          \
  X(tbl_col_actual, "实际", "actual")                                                                              \
  X(tbl_col_message, "说明", "message")                                                                            \
  X(tbl_first, "前 {0} 项：", "the first {0}:")                                                                    \
  X(tbl_n_more, "… 另有 {0} 项", "… and {0} more")                                                                 \
  X(tbl_not_listed_one, "以上未列出 {0} 项问题：`rulebook eval … --all` 列出全部；`--format json` 或 `--format csv --out DIR` 写出全部", \
    "{0} finding is not listed above: `rulebook eval … --all` lists every one; `--format json` or `--format csv --out DIR` writes them all") \
  X(tbl_not_listed_many, "以上未列出 {0} 项问题：`rulebook eval … --all` 列出全部；`--format json` 或 `--format csv --out DIR` 写出全部", \
    "{0} findings are not listed above: `rulebook eval … --all` lists every one; `--format json` or `--format csv --out DIR` writes them all") \
  X(tbl_quota, "名额 {0}", "quota {0}")                                                                            \
  X(tbl_quota_one, "：{0}，{1} 名队员 × {2} = {3} 个名额", ": {0}, {1} members × {2} = {3} place")                 \
  X(tbl_quota_many, "：{0}，{1} 名队员 × {2} = {3} 个名额", ": {0}, {1} members × {2} = {3} places")               \
  X(tbl_col_rank, "排名", "rank")                                                                                  \
  X(tbl_col_member, "队员", "member")                                                                              \
  X(tbl_col_score, "得分", "score")                                                                                \
  X(tbl_col_proposed, "推荐", "proposed")                                                                          \
  X(tbl_col_granted, "获得名额", "granted")                                                                        \
  X(tbl_none_over_quota, "无推荐人选超出名额", "no member proposed for the grade is over the quota")               \
  X(tbl_over_quota, "超出名额（推荐但未获得）：{0}", "over the quota (proposed, not granted): {0}")                \
  X(tbl_rank_score, "{0}（第 {1} 名，{2} 分）", "{0} (rank {1}, {2})")                                             \
  X(tbl_ledger, "扣分台账", "penalty ledger")                                                                      \
  X(tbl_no_penalties, "无单位被扣分", "no unit penalised")                                                         \
  X(tbl_col_notices, "通报", "notices")                                                                            \
  X(tbl_col_points_charged, "扣分（封顶前）", "points charged")                                                    \
  X(tbl_col_points, "扣分", "points")                                                                              \
  X(tbl_col_capped, "封顶", "capped")                                                                              \
  X(grade_excellent, "优秀", "excellent")                                                                          \
  X(grade_competent, "称职", "competent")                                                                          \
  X(grade_basically_competent, "基本称职", "basically competent")                                                  \
  X(grade_incompetent, "不称职", "incompetent")                                                                    \
  /* progress (the CLI's terminal output) */                                                                      \
  X(progress_loading, "读取数据", "loading")                                                                       \
  X(progress_evaluating, "计算", "evaluating")                                                                     \
  X(progress_evaluating_old, "按原政策计算", "evaluating the old policy")                                          \
  X(progress_evaluating_new, "按新政策计算", "evaluating the new policy")                                          \
  X(progress_explaining, "生成计算说明", "explaining")                                                             \
  X(progress_writing, "写出报告", "writing the report")

enum class msg : std::size_t {
#define RULEBOOK_REPORT_MESSAGE_ID(id, zh, en) id,
  RULEBOOK_REPORT_MESSAGES(RULEBOOK_REPORT_MESSAGE_ID)
#undef RULEBOOK_REPORT_MESSAGE_ID
};

/// One entry of the catalogue.
struct catalogue_entry {
  std::string_view id;
  std::string_view zh;
  std::string_view en;
};

/// Every entry, in the order of `msg`.
[[nodiscard]] std::span<const catalogue_entry> catalogue() noexcept;

/// The text of `m` in `l`, placeholders left as they are.
[[nodiscard]] std::string_view text(language l, msg m) noexcept;

/// The text of `m` in `l` with {0}, {1}, … replaced by `args` (a placeholder
/// without an argument is left as written).
[[nodiscard]] std::string say(language l, msg m, std::initializer_list<std::string_view> args);

/// The explanation text the engine wrote (English) in `l`: for Chinese, each
/// fixed phrase the catalogue knows (`ex_*`) is replaced by its translation;
/// names, figures and arithmetic are kept as written. English is returned as is.
[[nodiscard]] std::string translate_explanation(language l, std::string_view english);

}  // namespace rulebook::report
