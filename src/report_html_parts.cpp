// The pieces of the HTML reports (report_html_parts.hpp).
#include "report_html_parts.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "detail/sha256.hpp"
#include "detail/text.hpp"

namespace rulebook::report {

std::string policy_content_hash(const policy& p) {
  detail::sha256 h;
  for (const std::string& file : p.files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + file + " to hash the policy");
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw std::runtime_error("cannot read " + file + " to hash the policy");
    h.update(std::to_string(bytes.size()) + "\n");
    h.update(bytes);
  }
  return h.hex_digest();
}

}  // namespace rulebook::report

namespace rulebook::report::html {
namespace {

/// The leading number of "3 visits", "rank 8", "7 places", "20 days": digits and a point.
std::string number_in(std::string_view s) {
  std::size_t i = s.find_first_of("0123456789");
  if (i == std::string_view::npos) return {};
  std::size_t j = i;
  while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
  return std::string(s.substr(i, j - i));
}

/// `value` of `max` as pixels of `width`, in integers (values ≥ 0).
int pixels(std::int64_t value, std::int64_t max, int width) {
  if (max <= 0 || value <= 0) return 0;
  while (max > (std::int64_t{1} << 40)) {  // keep value × width inside 64 bits
    max >>= 1;
    value >>= 1;
  }
  return static_cast<int>(std::min<std::int64_t>(width, value * width / std::max<std::int64_t>(max, 1)));
}

constexpr std::string_view palette[] = {"#2f6690", "#d1495b", "#edae49", "#00798c", "#6a4c93", "#8ab17d",
                                        "#e76f51", "#5c677d"};

constexpr std::string_view css = R"css(
:root{--ink:#1d2733;--muted:#5c677d;--line:#d5dbe3;--bad:#b3261e;--warn:#a86b00;--good:#1b7f3b;--bg:#f6f8fa}
*{box-sizing:border-box}
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Zen Hei","WenQuanYi Micro Hei",system-ui,sans-serif;color:var(--ink);margin:0;line-height:1.45;font-size:14px}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 24px}
header{padding-top:24px;border-bottom:3px solid var(--ink)}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:16px;margin:18px 0 6px}
.subtitle{color:var(--muted);margin:0 0 12px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0 16px}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:160px;background:var(--bg)}
.card .k{color:var(--muted);font-size:12px}.card .v{font-size:18px;font-weight:600}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--bg);font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.sum td{font-weight:600;border-top:2px solid var(--ink)}
.neg{color:var(--bad)}.pos{color:var(--good)}
.sev{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;color:#fff;white-space:nowrap}
.sev.violation{background:var(--bad)}.sev.advisory{background:var(--warn)}
details{margin:2px 0}summary{cursor:pointer}
details.ex pre,details.ex .body{background:var(--bg);border-left:3px solid var(--line);padding:6px 10px;margin:4px 0 8px;white-space:pre-wrap;font-size:12px;font-family:"Noto Sans Mono CJK SC","DejaVu Sans Mono",monospace}
td details.ex summary{font-variant-numeric:tabular-nums}
.note{color:var(--muted);font-size:12px}
figure{margin:8px 0 16px}figcaption{color:var(--muted);font-size:12px;margin-bottom:4px}
svg text{font-size:11px;fill:var(--ink)}
svg .axis{stroke:var(--ink);stroke-width:1}
svg .boundary{stroke:var(--bad);stroke-width:2;stroke-dasharray:4 3}
svg .outline{fill:none;stroke:var(--muted);stroke-dasharray:3 2}
nav ol{columns:2;margin:4px 0 0;padding-left:20px}
footer{margin-top:32px;border-top:1px solid var(--line);padding-top:8px;padding-bottom:24px;color:var(--muted);font-size:12px;word-break:break-all}
@page{size:A4;margin:14mm 12mm}
@media print{
  body{font-size:10.5pt}header,main,footer{max-width:none;padding:0}
  nav{display:none}
  h2{break-after:avoid}figure,tr,.card{break-inside:avoid}
  thead{display:table-header-group}
  details>summary{list-style:none}
  a{color:inherit;text-decoration:none}
}
)css";

}  // namespace

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  const char* p = s.data();
  const char* const end = p + s.size();
  while (p < end) {
    const auto byte = static_cast<unsigned char>(*p);
    if (byte >= 0x80) {
      const int n = detail::utf8_length(p, end);
      if (n <= 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD
        ++p;
      } else {
        out.append(p, static_cast<std::size_t>(n));
        p += n;
      }
      continue;
    }
    switch (*p) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\t':
      case '\n': out += *p; break;
      default:
        if (byte >= 0x20 && byte != 0x7f) out += *p;
    }
    ++p;
  }
  return out;
}

std::string_view in(language l, const bilingual& b) noexcept {
  const std::string& first = l == language::zh ? b.zh : b.en;
  return first.empty() ? (l == language::zh ? b.en : b.zh) : first;
}

lookup::lookup(const county& c, const policy& p) {
  for (const sponsor_unit& u : c.units) units.emplace(u.id, &u);
  for (const team& t : c.teams) teams.emplace(t.id, &t);
  for (const member& m : c.members) members.emplace(m.id, &m);
  for (const rule& r : p.rules) {
    rules.emplace(r.id, &r);
    if (const auto* a = std::get_if<allowance_rule>(&r.body)) item_rules.emplace(a->item, &r);
  }
}

std::string lookup::unit_name(std::string_view id) const {
  const auto it = units.find(id);
  return it == units.end() ? std::string() : it->second->name;
}
std::string lookup::member_name(std::string_view id) const {
  const auto it = members.find(id);
  return it == members.end() ? std::string() : it->second->name;
}
std::string lookup::team_village(std::string_view id) const {
  const auto it = teams.find(id);
  return it == teams.end() ? std::string() : it->second->village;
}

std::string lookup::subject(language l, subject_kind k, std::string_view id) const {
  // An obligation of a unit towards one team is reported for the pair "U08/T04".
  if (const std::size_t slash = id.find('/'); k == subject_kind::unit && slash != std::string_view::npos)
    return subject(l, subject_kind::unit, id.substr(0, slash)) + " / " +
           subject(l, subject_kind::team, id.substr(slash + 1));
  std::string name;
  switch (k) {
    case subject_kind::member: name = member_name(id); break;
    case subject_kind::team: name = team_village(id); break;
    case subject_kind::unit: name = unit_name(id); break;
    case subject_kind::county: return std::string(text(l, msg::subject_county));
  }
  if (id.empty()) return std::string(text(l, msg::subject_county));
  return name.empty() ? std::string(id) : std::string(id) + " " + name;
}

std::string lookup::rule_title(language l, std::string_view id) const {
  const auto it = rules.find(id);
  if (it == rules.end()) return std::string(id);
  const std::string_view t = in(l, it->second->title);
  return t.empty() ? std::string(id) : std::string(t);
}

std::string lookup::item_title(language l, std::string_view item) const {
  const auto it = item_rules.find(item);
  if (it == item_rules.end()) return std::string(item);
  const std::string_view t = in(l, it->second->title);
  return t.empty() ? std::string(item) : std::string(t);
}

std::string slice_text(const date_range& r) {
  const int y = static_cast<int>(r.first.year());
  if (r == period::of_year(y).range) return std::to_string(y);
  for (int h = 1; h <= 2; ++h)
    if (r == period::of_half_year(y, h).range) return period::of_half_year(y, h).label();
  for (int q = 1; q <= 4; ++q)
    if (r == period::of_quarter(y, q).range) return period::of_quarter(y, q).label();
  const year_month m = year_month::of(r.first);
  if (r.first == m.first_day() && r.last == m.last_day()) return m.to_string();
  return to_string(r.first) + ".." + to_string(r.last);
}

std::string finding_text(language l, const finding& f, const lookup& n, int scale) {
  const std::string who = n.subject(l, f.subject, f.subject_id);
  const std::string title = n.rule_title(l, f.rule);
  const std::string when = slice_text(f.slice);
  const std::string range = to_string(f.slice.first) + ".." + to_string(f.slice.last);
  const std::string days = std::to_string(f.slice.days());
  const auto generic = [&] { return say(l, msg::finding_generic, {title, f.expected, f.actual, when}); };
  const auto r = n.rules.find(f.rule);
  const rule* rl = r == n.rules.end() ? nullptr : r->second;
  switch (f.kind) {
    case rule_kind::allowance: {
      const auto owed = money::try_parse(f.expected);
      const auto paid = money::try_parse(f.actual);
      if (!owed || !paid) return generic();
      if (*paid < *owed)
        return say(l, msg::finding_short_paid,
                      {who + " " + title, when, f.expected, f.actual, report::money_text(*owed - *paid, scale)});
      return say(l, msg::finding_over_paid, {who + " " + title, when, f.expected, f.actual});
    }
    case rule_kind::minimum: {
      const auto* b = rl ? std::get_if<minimum_rule>(&rl->body) : nullptr;
      if (b == nullptr) return generic();
      const std::string year = std::to_string(static_cast<int>(f.slice.first.year()));
      if (b->of == minimum_measure::health_check_cost) {
        if (f.actual == "none") return say(l, msg::finding_check_none, {who, year, f.expected});
        return say(l, msg::finding_check_cheap, {who, year, f.actual, f.expected});
      }
      if (b->each == minimum_each::day_served) {
        const auto best = money::try_parse(f.actual);
        if (best && best->raw() == 0) return say(l, msg::finding_insurance_none, {who, days, range, f.expected});
        return say(l, msg::finding_insurance_gap, {who, days, range, f.expected, f.actual});
      }
      return say(l, msg::finding_minimum_other, {who + " " + title, f.expected, f.actual, when});
    }
    case rule_kind::kit: {
      std::string item = f.expected;
      if (const auto* b = rl ? std::get_if<kit_rule>(&rl->body) : nullptr)
        for (const kit_item& k : b->items)
          if (k.item == f.expected && !in(l, k.title).empty()) item = std::string(in(l, k.title));
      return say(l, msg::finding_kit_missing, {who, item, days, range});
    }
    case rule_kind::obligation: {
      const auto* b = rl ? std::get_if<obligation_rule>(&rl->body) : nullptr;
      const std::string had = number_in(f.actual), due = number_in(f.expected);
      if (b == nullptr || had.empty() || due.empty()) return generic();
      const bool visits = std::holds_alternative<visitor_role>(b->event);
      return say(l, visits ? msg::finding_visits_short : msg::finding_meetings_short, {title, who, when, had, due});
    }
    case rule_kind::team_size: {
      const std::string fewest = number_in(f.actual), due = number_in(f.expected);
      if (fewest.empty() || due.empty()) return generic();
      return say(l, msg::finding_team_small, {who, days, range, fewest, due});
    }
    case rule_kind::term: {
      const std::string years = number_in(f.expected);
      if (years.empty()) return generic();
      return say(l, msg::finding_term_short, {who, days, range, years});
    }
    case rule_kind::attendance: {
      const std::string counted = number_in(f.actual), due = number_in(f.expected);
      if (counted.empty() || due.empty()) return generic();
      return say(l, msg::finding_attendance_short, {who, when, counted, due});
    }
    case rule_kind::quota: {
      const std::string rank = number_in(f.actual), places = number_in(f.expected);
      if (rank.empty() || places.empty()) return generic();
      return say(l, msg::finding_over_quota, {who, rank, places});
    }
    case rule_kind::penalty: break;
  }
  return generic();
}

std::string explanation_text(language l, std::string_view english, const finding* f, std::string_view told) {
  std::string out = translate_explanation(l, english);
  if (f != nullptr && !f->message.empty() && l == language::zh) {
    // The engine's English message closes a finding's explanation: say it in the report's words.
    const std::string line = "  " + f->message;
    if (const std::size_t at = out.find(line); at != std::string::npos)
      out.replace(at, line.size(), "  " + std::string(told));
  }
  return out;
}

void details(std::ostream& out, std::string_view summary_html, std::string_view body_text, std::string_view css_class) {
  out << "<details class=\"" << css_class << "\"><summary>" << summary_html << "</summary><pre>" << esc(body_text)
      << "</pre></details>";
}

void begin_page(std::ostream& out, language l, const page_head& h) {
  out << "<!DOCTYPE html>\n<html lang=\"" << language_code(l) << "\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<meta name=\"generator\" content=\"rulebook\">\n<title>" << esc(h.title) << "</title>\n<style>" << css
      << "</style>\n</head>\n<body>\n<header>\n";
  out << "<h1>" << esc(h.title) << "</h1>\n";
  for (const policy* p : h.policies) {
    const language other = l == language::zh ? language::en : language::zh;
    out << "<p class=\"subtitle\"><span class=\"policy-title\">" << esc(in(l, p->title)) << "</span>";
    if (const std::string_view o = in(other, p->title); !o.empty() && o != in(l, p->title))
      out << " · <span lang=\"" << language_code(other) << "\">" << esc(o) << "</span>";
    out << " <code>" << esc(p->id) << "</code></p>\n";
  }
  out << "<dl class=\"meta\">\n";
  // Two policies (a diff) of one jurisdiction, citing the same sources, show them once.
  std::vector<std::string_view> shown;
  const auto first_time = [&](std::string_view s) {
    if (std::find(shown.begin(), shown.end(), s) != shown.end()) return false;
    shown.push_back(s);
    return true;
  };
  for (const policy* p : h.policies) {
    if (const std::string_view j = in(l, p->jurisdiction); !j.empty() && first_time(j))
      out << "<dt>" << text(l, msg::jurisdiction_label) << "</dt><dd>" << esc(j) << "</dd>\n";
  }
  out << "<dt>" << text(l, msg::period_label) << "</dt><dd class=\"period\">" << esc(h.period_text) << "</dd>\n";
  if (!h.county_text.empty())
    out << "<dt>" << text(l, msg::county_label) << "</dt><dd>" << esc(h.county_text) << "</dd>\n";
  if (!h.data_label.empty())
    out << "<dt>" << text(l, msg::data_label) << "</dt><dd><code>" << esc(h.data_label) << "</code></dd>\n";
  std::vector<std::string> sources;
  for (const policy* p : h.policies)
    for (const policy_source& s : p->sources) {
      std::string line = s.published ? say(l, msg::source_published, {s.title, s.publisher, to_string(*s.published)})
                                     : say(l, msg::source_unpublished, {s.title, s.publisher});
      if (std::find(sources.begin(), sources.end(), line) == sources.end()) sources.push_back(std::move(line));
    }
  if (!sources.empty()) {
    out << "<dt>" << text(l, msg::sources_label) << "</dt><dd><ul class=\"sources\">";
    for (const std::string& line : sources) out << "<li>" << esc(line) << "</li>";
    out << "</ul></dd>\n";
  }
  out << "</dl>\n</header>\n<main>\n";
}

void end_page(std::ostream& out, language l, const html_options& o, const std::vector<std::string>& hashes) {
  out << "</main>\n<footer>\n<p class=\"generated-at\">" << esc(say(l, msg::generated_at, {o.generated_at}))
      << "</p>\n";
  for (const std::string& h : hashes)
    out << "<p class=\"content-hash\">" << esc(say(l, msg::content_hash, {h})) << "</p>\n";
  if (!o.version.empty()) out << "<p>" << esc(say(l, msg::generated_by, {o.version})) << "</p>\n";
  out << "</footer>\n</body>\n</html>\n";
}

namespace {

constexpr int label_width = 190;
constexpr int chart_width = 760;
constexpr int row_height = 22;

void svg_open(std::ostream& out, std::string_view caption, std::string_view css_id, int height) {
  out << "<figure id=\"" << css_id << "\"><figcaption>" << esc(caption) << "</figcaption>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" << chart_width + label_width + 110
      << "\" height=\"" << height << "\" viewBox=\"0 0 " << chart_width + label_width + 110 << ' ' << height
      << "\"><title>" << esc(caption) << "</title>\n";
}

void svg_close(std::ostream& out) { out << "</svg></figure>\n"; }

}  // namespace

void stacked_bars(std::ostream& out, std::string_view caption, const std::vector<std::string>& series,
                  const std::vector<bar_row>& rows, std::string_view css_id) {
  std::int64_t max = 0;
  for (const bar_row& r : rows) {
    std::int64_t sum = 0;
    for (const std::int64_t v : r.values) sum += std::max<std::int64_t>(v, 0);
    max = std::max(max, sum);
  }
  const int legend = 24;
  const int height = legend + static_cast<int>(rows.size()) * row_height + 8;
  svg_open(out, caption, css_id, height);
  int x = label_width;
  for (std::size_t s = 0; s < series.size(); ++s) {
    out << "<rect x=\"" << x << "\" y=\"4\" width=\"12\" height=\"12\" fill=\"" << palette[s % std::size(palette)]
        << "\"/><text x=\"" << x + 16 << "\" y=\"14\">" << esc(series[s]) << "</text>\n";
    x += 24 + 7 * detail::display_width(series[s]);
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const bar_row& r = rows[i];
    const int y = legend + static_cast<int>(i) * row_height;
    out << "<g class=\"bar\"><text x=\"" << label_width - 6 << "\" y=\"" << y + 15 << "\" text-anchor=\"end\">"
        << esc(r.label) << "</text>";
    int at = label_width;
    std::int64_t running = 0;
    for (std::size_t s = 0; s < r.values.size(); ++s) {
      if (r.values[s] <= 0) continue;
      // Ends are placed by the running sum, so rounding never lets segments drift apart.
      const int from = label_width + pixels(running, max, chart_width);
      running += r.values[s];
      const int to = label_width + pixels(running, max, chart_width);
      out << "<rect x=\"" << from << "\" y=\"" << y + 3 << "\" width=\"" << std::max(to - from, 0)
          << "\" height=\"" << row_height - 6 << "\" fill=\"" << palette[s % std::size(palette)] << "\"><title>"
          << esc(s < series.size() ? series[s] : std::string()) << "</title></rect>";
      at = to;
    }
    out << "<text x=\"" << at + 4 << "\" y=\"" << y + 15 << "\">" << esc(r.value_text) << "</text></g>\n";
  }
  out << "<line class=\"axis\" x1=\"" << label_width << "\" y1=\"" << legend << "\" x2=\"" << label_width
      << "\" y2=\"" << height - 4 << "\"/>\n";
  svg_close(out);
}

void diverging_bars(std::ostream& out, std::string_view caption, const std::vector<signed_row>& rows,
                    std::string_view css_id) {
  std::int64_t max = 0;
  for (const signed_row& r : rows) max = std::max(max, r.value < 0 ? -r.value : r.value);
  const int half = chart_width / 2;
  const int zero = label_width + half;
  const int height = static_cast<int>(rows.size()) * row_height + 8;
  svg_open(out, caption, css_id, height);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const signed_row& r = rows[i];
    const int y = static_cast<int>(i) * row_height;
    const int len = pixels(r.value < 0 ? -r.value : r.value, max, half - 70);
    const int x = r.value < 0 ? zero - len : zero;
    out << "<g class=\"bar\"><text x=\"" << label_width - 6 << "\" y=\"" << y + 15 << "\" text-anchor=\"end\">"
        << esc(r.label) << "</text><rect x=\"" << x << "\" y=\"" << y + 3 << "\" width=\"" << len << "\" height=\""
        << row_height - 6 << "\" fill=\"" << (r.value < 0 ? "#b3261e" : "#1b7f3b") << "\"/><text x=\""
        << (r.value < 0 ? x - 4 : x + len + 4) << "\" y=\"" << y + 15 << "\" text-anchor=\""
        << (r.value < 0 ? "end" : "start") << "\">" << esc(r.value_text) << "</text></g>\n";
  }
  out << "<line class=\"axis\" x1=\"" << zero << "\" y1=\"0\" x2=\"" << zero << "\" y2=\"" << height << "\"/>\n";
  svg_close(out);
}

void outlined_bars(std::ostream& out, std::string_view caption, const std::vector<outlined_row>& rows,
                   std::string_view css_id) {
  std::int64_t max = 0;
  for (const outlined_row& r : rows) max = std::max({max, r.value, r.outline});
  const int height = static_cast<int>(rows.size()) * row_height + 8;
  svg_open(out, caption, css_id, height);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const outlined_row& r = rows[i];
    const int y = static_cast<int>(i) * row_height;
    const int len = pixels(r.value, max, chart_width);
    const int outline = pixels(r.outline, max, chart_width);
    out << "<g class=\"bar\"><text x=\"" << label_width - 6 << "\" y=\"" << y + 15 << "\" text-anchor=\"end\">"
        << esc(r.label) << "</text>";
    if (outline > len)
      out << "<rect class=\"outline\" x=\"" << label_width << "\" y=\"" << y + 3 << "\" width=\"" << outline
          << "\" height=\"" << row_height - 6 << "\"/>";
    out << "<rect x=\"" << label_width << "\" y=\"" << y + 3 << "\" width=\"" << len << "\" height=\""
        << row_height - 6 << "\" fill=\"#b3261e\"/><text x=\"" << label_width + std::max(len, outline) + 4
        << "\" y=\"" << y + 15 << "\">" << esc(r.value_text) << "</text></g>\n";
  }
  out << "<line class=\"axis\" x1=\"" << label_width << "\" y1=\"0\" x2=\"" << label_width << "\" y2=\"" << height
      << "\"/>\n";
  svg_close(out);
}

void columns(std::ostream& out, std::string_view caption, const std::vector<column>& cols, std::size_t boundary,
             std::string_view css_id) {
  std::int64_t max = 0, min = 0;
  bool first = true;
  for (const column& c : cols) {
    max = first ? c.value : std::max(max, c.value);
    min = first ? c.value : std::min(min, c.value);
    first = false;
  }
  // Bars start a little below the lowest score, so that close scores can be told apart.
  const std::int64_t base = min - (max - min) / 4 - 1;
  const int plot = 150;
  const int height = plot + 50;
  const int step = cols.empty() ? 0 : std::max(6, std::min(40, (chart_width + label_width) / static_cast<int>(cols.size())));
  svg_open(out, caption, css_id, height);
  for (std::size_t i = 0; i < cols.size(); ++i) {
    const column& c = cols[i];
    const int h = std::max(1, pixels(c.value - base, max - base, plot));
    const int x = 10 + static_cast<int>(i) * step;
    out << "<g class=\"col\"><rect x=\"" << x << "\" y=\"" << 10 + plot - h << "\" width=\"" << std::max(step - 4, 2)
        << "\" height=\"" << h << "\" fill=\"" << (c.filled ? "#2f6690" : "#ffffff") << "\" stroke=\"#2f6690\"><title>"
        << esc(c.label) << "</title></rect>";
    if (step >= 16)
      out << "<text x=\"" << x + step / 2 - 2 << "\" y=\"" << 10 + plot + 14 << "\" text-anchor=\"middle\">"
          << i + 1 << "</text>";
    out << "</g>\n";
  }
  if (boundary > 0 && boundary <= cols.size()) {
    const int x = 10 + static_cast<int>(boundary) * step - 2;
    out << "<line class=\"boundary\" x1=\"" << x << "\" y1=\"4\" x2=\"" << x << "\" y2=\"" << 10 + plot + 20
        << "\"/>\n";
  }
  svg_close(out);
}

}  // namespace rulebook::report::html
