// Results for a terminal: what each team was owed and paid, who failed which
// duty, the quota around its boundary, and each unit's penalties. Names sit
// beside ids, and columns are aligned by display width so Chinese lines up.
// Every fixed phrase comes from the message catalogue in the table's language
// (report_messages.hpp); ids, names, figures and the engine's messages do not.
#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/table.hpp"
#include "report.hpp"

namespace rulebook::report {

names names::of(const county& c, const policy& p, language lang) {
  names n;
  for (const sponsor_unit& u : c.units) n.units.emplace(u.id, u.name);
  for (const team& t : c.teams) n.teams.emplace(t.id, t.village);
  for (const member& m : c.members) n.members.emplace(m.id, m.name);
  for (const rule& r : p.rules) {
    const std::string& wanted = lang == language::zh ? r.title.zh : r.title.en;
    const std::string& other = lang == language::zh ? r.title.en : r.title.zh;
    n.rules.emplace(r.id, wanted.empty() ? other : wanted);
  }
  return n;
}

namespace {

using cli::table;

constexpr std::size_t no_numbers = std::numeric_limits<std::size_t>::max();

std::string name_of(const std::map<std::string, std::string, std::less<>>& names, std::string_view id) {
  const auto it = names.find(id);
  return it == names.end() ? std::string() : it->second;
}

/// `s` on one line: a line break or tab in a message would break the table's rows.
std::string one_line(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;  // CR LF: one break
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  return out;
}

/// "1 violation", "2 violations": the catalogue's singular or plural (Chinese has one form).
std::string count_of(language l, std::size_t n, msg one, msg many) {
  return say(l, n == 1 ? one : many, {std::to_string(n)});
}

std::string_view severity_text(language l, finding_severity s) {
  return text(l, s == finding_severity::violation ? msg::severity_violation : msg::severity_advisory);
}

std::string_view grade_text(language l, grade g) {
  switch (g) {
    case grade::excellent: return text(l, msg::grade_excellent);
    case grade::competent: return text(l, msg::grade_competent);
    case grade::basically_competent: return text(l, msg::grade_basically_competent);
    case grade::incompetent: return text(l, msg::grade_incompetent);
  }
  return to_string(g);
}

/// A table's heading row in `l`, the first cell indented as the rows are.
std::vector<std::string> header_of(language l, std::initializer_list<msg> columns) {
  std::vector<std::string> out;
  for (const msg m : columns) out.emplace_back(text(l, m));
  if (!out.empty()) out.front() = "  " + out.front();
  return out;
}

/// "2019-04" for a whole month, "2019" for a whole year, else "FROM..TO".
std::string slice_text(const date_range& r) {
  const year_month first = year_month::of(r.first);
  if (r.first == first.first_day() && r.last == first.last_day()) return first.to_string();
  if (r.first.month() == 1 && r.first.day() == 1 && r.last.month() == 12 && r.last.day() == 31 &&
      r.first.year() == r.last.year()) {
    return std::to_string(static_cast<int>(r.first.year()));
  }
  return to_string(r.first) + ".." + to_string(r.last);
}

/// The roll-ups of one kind, all-items rows and item rows, in results order.
std::vector<const rollup*> rollups_of(const results& r, subject_kind kind) {
  std::vector<const rollup*> out;
  for (const rollup& x : r.rollups)
    if (x.subject == kind) out.push_back(&x);
  return out;
}

void print_amounts(std::ostream& out, const results& r, const names& n, int scale, language l) {
  const auto amount = [&](const money& m) { return money_text(m, scale); };
  out << text(l, msg::tbl_amounts) << '\n';
  if (r.entitlements.empty()) {
    out << "  " << text(l, msg::tbl_no_entitlements) << '\n';
    return;
  }
  // A column for entitlements whose payment was not recorded, only when there are some.
  const bool any_unrecorded =
      std::any_of(r.rollups.begin(), r.rollups.end(), [](const rollup& x) { return x.unrecorded > 0; });
  std::vector<std::string> header = header_of(l, {msg::tbl_col_team, msg::tbl_col_village, msg::tbl_col_item,
                                                  msg::tbl_col_owed, msg::tbl_col_paid, msg::tbl_col_short});
  if (any_unrecorded) header.emplace_back(text(l, msg::tbl_col_not_recorded));
  table t(std::move(header));
  // Each subject's rows come all items first; the table shows its items, then all items.
  const auto add_subject = [&](const std::vector<const rollup*>& rows, std::string_view label, std::string_view name) {
    const auto row = [&](const rollup& x, bool first) {
      std::vector<std::string> cells{first ? "  " + std::string(label) : "", first ? std::string(name) : "",
                                     x.all_items() ? std::string(text(l, msg::tbl_all_items)) : x.item,
                                     amount(x.owed), x.paid ? amount(*x.paid) : "—", amount(x.shortfall)};
      if (any_unrecorded) cells.push_back(x.unrecorded > 0 ? std::to_string(x.unrecorded) : "");
      t.add(std::move(cells));
    };
    for (std::size_t i = 1; i < rows.size(); ++i) row(*rows[i], i == 1);
    if (!rows.empty()) row(*rows[0], rows.size() == 1);
  };
  const auto by_subject = [&](subject_kind kind, const auto& label_and_name) {
    const std::vector<const rollup*> rows = rollups_of(r, kind);
    for (std::size_t i = 0; i < rows.size();) {
      std::size_t j = i + 1;
      while (j < rows.size() && !rows[j]->all_items()) ++j;
      const auto [label, name] = label_and_name(*rows[i]);
      add_subject(std::vector<const rollup*>(rows.begin() + static_cast<std::ptrdiff_t>(i),
                                             rows.begin() + static_cast<std::ptrdiff_t>(j)),
                  label, name);
      i = j;
    }
  };
  by_subject(subject_kind::team,
             [&](const rollup& x) { return std::pair<std::string, std::string>(x.id, name_of(n.teams, x.id)); });
  by_subject(subject_kind::county,
             [&](const rollup&) { return std::pair<std::string, std::string>(text(l, msg::tbl_county), ""); });
  t.print(out, 3);
}

/// "24 findings (24 violations)", "2 findings (1 violation, 1 advisory)"; "2 项问题（违规 1，建议 1）".
std::string findings_count(language l, std::size_t violations, std::size_t advisories) {
  const std::string all = count_of(l, violations + advisories, msg::tbl_n_finding, msg::tbl_n_findings);
  if (violations + advisories == 0) return all;
  std::string detail;
  if (violations > 0) detail += count_of(l, violations, msg::tbl_n_violation, msg::tbl_n_violations);
  if (violations > 0 && advisories > 0) detail += text(l, msg::tbl_and);
  if (advisories > 0) detail += count_of(l, advisories, msg::tbl_n_advisory, msg::tbl_n_advisories);
  return say(l, msg::tbl_count_detail, {all, detail});
}

void print_findings(std::ostream& out, const results& r, const names& n, int scale, const table_options& options) {
  const language l = options.lang;
  std::size_t violations = 0;
  for (const finding& f : r.findings) violations += f.severity == finding_severity::violation;
  out << '\n'
      << say(l, msg::tbl_findings,
             {std::to_string(r.findings.size()), count_of(l, violations, msg::tbl_n_violation, msg::tbl_n_violations),
              count_of(l, r.findings.size() - violations, msg::tbl_n_advisory, msg::tbl_n_advisories)})
      << '\n';
  if (r.findings.empty()) return;

  // Grouped by responsible unit, in the county's order as the roll-ups give it;
  // duties owed by the county or a town (no unit) come last.
  std::vector<std::string> units;
  for (const rollup* x : rollups_of(r, subject_kind::unit))
    if (x->all_items() && (x->violations + x->advisories) > 0) units.push_back(x->id);
  std::map<std::string, std::vector<std::size_t>, std::less<>> by_unit;
  std::vector<std::size_t> no_unit;
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    const std::string& u = r.findings[i].responsible_unit;
    if (u.empty()) {
      no_unit.push_back(i);
      continue;
    }
    by_unit[u].push_back(i);
    if (std::find(units.begin(), units.end(), u) == units.end()) units.push_back(u);  // results without roll-ups
  }

  // First the units side by side: what each paid against what it owed, and its findings.
  const auto amount = [&](const money& m) { return money_text(m, scale); };
  table summary(header_of(l, {msg::tbl_col_unit, msg::tbl_col_name, msg::tbl_col_owed, msg::tbl_col_paid,
                              msg::tbl_col_short, msg::tbl_col_violations, msg::tbl_col_advisories}));
  const auto count_severity = [&](const std::vector<std::size_t>& indices, finding_severity s) {
    return static_cast<std::size_t>(std::count_if(indices.begin(), indices.end(),
                                                   [&](std::size_t i) { return r.findings[i].severity == s; }));
  };
  for (const std::string& u : units) {
    const std::vector<std::size_t>& indices = by_unit[u];
    const auto x = std::find_if(r.rollups.begin(), r.rollups.end(), [&](const rollup& y) {
      return y.subject == subject_kind::unit && y.id == u && y.all_items();
    });
    const bool owes = x != r.rollups.end() && x->entitlements > 0;
    summary.add({"  " + u, name_of(n.units, u), owes ? amount(x->owed) : "", owes && x->paid ? amount(*x->paid) : "",
                 owes ? amount(x->shortfall) : "", std::to_string(count_severity(indices, finding_severity::violation)),
                 std::to_string(count_severity(indices, finding_severity::advisory))});
  }
  if (!no_unit.empty()) {
    summary.add({"  —", std::string(text(l, msg::tbl_county_or_town)), "", "", "",
                 std::to_string(count_severity(no_unit, finding_severity::violation)),
                 std::to_string(count_severity(no_unit, finding_severity::advisory))});
  }
  out << text(l, msg::tbl_by_unit) << '\n';
  summary.print(out, 2);

  std::size_t hidden = 0;
  const auto group = [&](const std::string& heading, const std::vector<std::size_t>& indices) {
    out << '\n'
        << say(l, msg::tbl_group,
               {heading, findings_count(l, count_severity(indices, finding_severity::violation),
                                        count_severity(indices, finding_severity::advisory))})
        << '\n';
    const bool cut = !options.all_findings && indices.size() > options.findings_per_unit;
    if (cut) {
      // Too many to list: how many of each rule and severity, then the first few.
      std::vector<std::pair<std::pair<std::string, finding_severity>, std::size_t>> counts;
      for (const std::size_t i : indices) {
        const auto key = std::pair(r.findings[i].rule, r.findings[i].severity);
        const auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == key; });
        if (it == counts.end()) counts.push_back({key, 1});
        else ++it->second;
      }
      table by_rule(
          header_of(l, {msg::tbl_col_rule, msg::tbl_col_title, msg::tbl_col_severity, msg::tbl_col_findings}));
      for (const auto& [key, count] : counts)
        by_rule.add({"  " + key.first, name_of(n.rules, key.first), std::string(severity_text(l, key.second)),
                     std::to_string(count)});
      by_rule.print(out, 3);
    }
    table t(header_of(l, {msg::tbl_col_severity, msg::tbl_col_rule, msg::tbl_col_subject, msg::tbl_col_when,
                          msg::tbl_col_expected, msg::tbl_col_actual, msg::tbl_col_message}));
    const std::size_t shown = cut ? options.findings_per_unit : indices.size();
    for (std::size_t k = 0; k < shown; ++k) {
      const finding& f = r.findings[indices[k]];
      std::string subject = f.subject_id;
      const std::string name = f.subject == subject_kind::member ? name_of(n.members, f.subject_id)
                               : f.subject == subject_kind::team ? name_of(n.teams, f.subject_id)
                               : f.subject == subject_kind::unit ? name_of(n.units, f.subject_id)
                                                                 : std::string();
      if (!name.empty()) subject += " " + name;
      t.add({"  " + std::string(severity_text(l, f.severity)), f.rule, subject, slice_text(f.slice),
             one_line(f.expected), one_line(f.actual), one_line(f.message)});
    }
    if (cut) out << "  " << say(l, msg::tbl_first, {std::to_string(shown)}) << '\n';
    t.print(out, no_numbers);
    if (cut) {
      out << "  " << say(l, msg::tbl_n_more, {std::to_string(indices.size() - shown)}) << '\n';
      hidden += indices.size() - shown;
    }
  };
  for (const std::string& u : units) {
    const std::string name = name_of(n.units, u);
    group(name.empty() ? u : say(l, msg::unit_heading, {name, u}), by_unit[u]);
  }
  if (!no_unit.empty()) group(std::string(text(l, msg::tbl_no_unit_heading)), no_unit);
  if (hidden > 0) out << '\n' << count_of(l, hidden, msg::tbl_not_listed_one, msg::tbl_not_listed_many) << '\n';
}

void print_quotas(std::ostream& out, const results& r, const names& n, language l) {
  for (const quota_result& q : r.quotas) {
    out << '\n' << say(l, msg::tbl_quota, {q.rule});
    if (const std::string title = name_of(n.rules, q.rule); !title.empty()) out << " " << title;
    out << say(l, q.places == 1 ? msg::tbl_quota_one : msg::tbl_quota_many,
               {grade_text(l, q.of_grade), std::to_string(q.population), q.share.to_string(), std::to_string(q.places)})
        << '\n';
    // The ranking around the boundary: three places either side of the last one granted.
    const std::size_t from = q.places > 3 ? q.places - 3 : 0;
    const std::size_t to = std::min(q.ranking.size(), q.places + 3);
    table t(header_of(l, {msg::tbl_col_rank, msg::tbl_col_member, msg::tbl_col_name, msg::tbl_col_score,
                          msg::tbl_col_proposed, msg::tbl_col_granted}));
    const std::string yes(text(l, msg::yes));
    if (from > 0) t.add({"  …", "", "", "", "", ""});
    for (std::size_t i = from; i < to; ++i) {
      const quota_place& p = q.ranking[i];
      t.add({"  " + std::to_string(p.rank), p.member, name_of(n.members, p.member), p.score.to_string(),
             p.proposed ? yes : "", p.within_quota ? yes : ""});
    }
    if (to < q.ranking.size()) t.add({"  …", "", "", "", "", ""});
    t.print(out, 3);
    if (q.over_quota.empty()) {
      out << "  " << text(l, msg::tbl_none_over_quota) << '\n';
    } else {
      std::string list;
      for (const std::string& m : q.over_quota) {
        if (!list.empty()) list += text(l, msg::tbl_and);
        const std::string name = name_of(n.members, m);
        std::string who = name.empty() ? m : m + " " + name;
        const auto at = std::find_if(q.ranking.begin(), q.ranking.end(),
                                     [&](const quota_place& p) { return p.member == m; });
        if (at != q.ranking.end())
          who = say(l, msg::tbl_rank_score, {who, std::to_string(at->rank), at->score.to_string()});
        list += who;
      }
      out << "  " << say(l, msg::tbl_over_quota, {list}) << '\n';
    }
  }
}

void print_ledger(std::ostream& out, const results& r, const names& n, language l) {
  out << '\n' << text(l, msg::tbl_ledger) << '\n';
  if (r.ledger.empty()) {
    out << "  " << text(l, msg::tbl_no_penalties) << '\n';
    return;
  }
  table t(header_of(l, {msg::tbl_col_unit, msg::tbl_col_name, msg::tbl_col_notices, msg::tbl_col_points_charged,
                        msg::tbl_col_points, msg::tbl_col_capped}));
  const std::string capped(text(l, msg::capped));
  for (const penalty_entry& p : r.ledger) {
    t.add({"  " + p.unit, name_of(n.units, p.unit), std::to_string(p.notices), p.points_charged.to_string(),
           p.points.to_string(), p.capped ? capped : ""});
  }
  t.print(out, 2);
}

}  // namespace

void write_table(std::ostream& out, const results& r, const names& n, int money_scale, const table_options& options) {
  const language l = options.lang;
  out << say(l, msg::tbl_heading,
             {r.policy, r.evaluated.label(), to_string(r.evaluated.range.first), to_string(r.evaluated.range.last)})
      << "\n\n";
  print_amounts(out, r, n, money_scale, l);
  print_findings(out, r, n, money_scale, options);
  print_quotas(out, r, n, l);
  print_ledger(out, r, n, l);
}

}  // namespace rulebook::report
