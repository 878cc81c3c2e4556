// Internal: the pieces both HTML reports (an evaluation's, a diff's) are built
// from — escaping, the page's head and foot, names in the report's language,
// finding texts from the catalogue, explanations, and inline SVG bar charts.
//
// Charts are drawn here as SVG in integer pixels: a bar's length is its amount's
// share of the longest bar, computed on the amounts' integer representation, so
// no money ever passes through floating point, even on its way to a picture.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "report.hpp"
#include "report_messages.hpp"
#include "rulebook/model.hpp"
#include "rulebook/policy.hpp"
#include "rulebook/result.hpp"

namespace rulebook::report::html {

/// `s` as HTML text or attribute value: & < > " ' escaped; malformed UTF-8
/// replaced by U+FFFD; control characters other than tab and line feed dropped.
[[nodiscard]] std::string esc(std::string_view s);

/// The text of `b` in `l`, or the other language's when it has none.
[[nodiscard]] std::string_view in(language l, const bilingual& b) noexcept;

/// Ids to the county's and the policy's things, for names and titles.
struct lookup {
  std::map<std::string, const sponsor_unit*, std::less<>> units;
  std::map<std::string, const team*, std::less<>> teams;
  std::map<std::string, const member*, std::less<>> members;
  std::map<std::string, const rule*, std::less<>> rules;
  std::map<std::string, const rule*, std::less<>> item_rules;  // item → its first allowance rule
  lookup(const county& c, const policy& p);

  [[nodiscard]] std::string unit_name(std::string_view id) const;
  [[nodiscard]] std::string member_name(std::string_view id) const;
  [[nodiscard]] std::string team_village(std::string_view id) const;
  /// "M006 邓晓梅", "T05 黄石村", "U09 祁阳县供电公司", "the county".
  [[nodiscard]] std::string subject(language l, subject_kind k, std::string_view id) const;
  /// The rule's title in `l`, or its id when the policy does not have it.
  [[nodiscard]] std::string rule_title(language l, std::string_view id) const;
  /// The title of the allowance rule that makes `item`, in `l`, or the item itself.
  [[nodiscard]] std::string item_title(language l, std::string_view item) const;
};

/// "2019-04" for a whole month, "2019-Q3", "2019-H2", "2019" for a whole year,
/// else "FROM..TO".
[[nodiscard]] std::string slice_text(const date_range& r);

/// A finding told in `l` from its fields (kind, rule title, expected, actual,
/// slice, subject) through the catalogue — never the engine's English message.
[[nodiscard]] std::string finding_text(language l, const finding& f, const lookup& n, int scale);

/// `english` (an `explain` text) as the report shows it in `l`; for a finding,
/// its English message line is replaced by `finding_text`.
[[nodiscard]] std::string explanation_text(language l, std::string_view english, const finding* f,
                                           std::string_view told);

/// Writes <details><summary>summary</summary><pre>body</pre></details>, both escaped.
void details(std::ostream& out, std::string_view summary_html, std::string_view body_text,
             std::string_view css_class = "ex");

/// The page up to <main>: the head (inline CSS, a content security policy that
/// forbids scripts and anything fetched), the header with the policy's title,
/// jurisdiction, period and sources.
struct page_head {
  std::string title;                 // the page's title
  std::vector<const policy*> policies;
  std::string period_text;
  std::string county_text;
  std::string data_label;
};
void begin_page(std::ostream& out, language l, const page_head& h);

/// The footer (generated at, the policies' content hashes, rulebook's version) and the end of the page.
void end_page(std::ostream& out, language l, const html_options& o, const std::vector<std::string>& hashes);

/// A horizontal stacked bar chart: one bar per row, one segment per series.
struct bar_row {
  std::string label;
  std::vector<std::int64_t> values;  // per series, raw integer amounts (≥ 0)
  std::string value_text;            // printed at the end of the bar
};
void stacked_bars(std::ostream& out, std::string_view caption, const std::vector<std::string>& series,
                  const std::vector<bar_row>& rows, std::string_view css_id);

/// A horizontal bar chart of signed values around a zero line (gains right, losses left).
struct signed_row {
  std::string label;
  std::int64_t value = 0;
  std::string value_text;
};
void diverging_bars(std::ostream& out, std::string_view caption, const std::vector<signed_row>& rows,
                    std::string_view css_id);

/// A horizontal bar chart with an outline per bar (e.g. points before a cap) behind the filled value.
struct outlined_row {
  std::string label;
  std::int64_t value = 0;
  std::int64_t outline = 0;
  std::string value_text;
};
void outlined_bars(std::ostream& out, std::string_view caption, const std::vector<outlined_row>& rows,
                   std::string_view css_id);

/// A vertical bar chart of scores in rank order, filled where granted, with the
/// quota's boundary drawn after `places` bars.
struct column {
  std::string label;
  std::int64_t value = 0;
  bool filled = false;
};
void columns(std::ostream& out, std::string_view caption, const std::vector<column>& cols, std::size_t boundary,
             std::string_view css_id);

}  // namespace rulebook::report::html
