// Results for a terminal: what each team was owed and paid, who failed which
// duty, the quota around its boundary, and each unit's penalties. Names sit
// beside ids, and columns are aligned by display width so Chinese lines up.
#include <algorithm>
#include <cstddef>
#include <limits>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/table.hpp"
#include "report.hpp"

namespace rulebook::report {

names names::of(const county& c, const policy& p) {
  names n;
  for (const sponsor_unit& u : c.units) n.units.emplace(u.id, u.name);
  for (const team& t : c.teams) n.teams.emplace(t.id, t.village);
  for (const member& m : c.members) n.members.emplace(m.id, m.name);
  for (const rule& r : p.rules) n.rules.emplace(r.id, r.title.zh.empty() ? r.title.en : r.title.zh);
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

std::string count_of(std::size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
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

/// Items in the order the totals list them (rule order), then any others by name.
std::vector<std::string> item_order(const results& r) {
  std::vector<std::string> items;
  for (const item_total& t : r.totals) items.push_back(t.item);
  std::vector<std::string> others;
  for (const entitlement& e : r.entitlements)
    if (std::find(items.begin(), items.end(), e.item) == items.end() &&
        std::find(others.begin(), others.end(), e.item) == others.end())
      others.push_back(e.item);
  std::sort(others.begin(), others.end());
  items.insert(items.end(), others.begin(), others.end());
  return items;
}

struct owed_paid {
  money owed;
  money paid;
  bool any_paid = false;
};

void print_amounts(std::ostream& out, const results& r, const names& n, int scale) {
  const auto text = [&](const money& m) { return money_text(m, scale); };
  out << "owed and paid by team (yuan)\n";
  if (r.entitlements.empty()) {
    out << "  no entitlements\n";
    return;
  }
  // Teams in id order; each with its items in rule order.
  std::map<std::string, std::map<std::string, owed_paid>> by_team;
  for (const entitlement& e : r.entitlements) {
    owed_paid& x = by_team[e.team][e.item];
    x.owed += e.amount;
    if (e.paid) {
      x.paid += *e.paid;
      x.any_paid = true;
    }
  }
  const std::vector<std::string> items = item_order(r);
  table t({"  team", "village", "item", "owed", "paid", "paid − owed"});
  for (const auto& [team, amounts] : by_team) {
    bool first = true;
    owed_paid sum;
    for (const std::string& item : items) {
      const auto it = amounts.find(item);
      if (it == amounts.end()) continue;
      const owed_paid& x = it->second;
      t.add({first ? "  " + team : "", first ? name_of(n.teams, team) : "", item, text(x.owed),
             x.any_paid ? text(x.paid) : "—", x.any_paid ? text(x.paid - x.owed) : ""});
      first = false;
      sum.owed += x.owed;
      sum.paid += x.paid;
    }
    t.add({"", "", "all items", text(sum.owed), text(sum.paid), text(sum.paid - sum.owed)});
  }
  owed_paid county;
  bool first = true;
  for (const item_total& total : r.totals) {
    t.add({first ? "  county" : "", "", total.item, text(total.owed), text(total.paid),
           text(total.paid - total.owed)});
    first = false;
    county.owed += total.owed;
    county.paid += total.paid;
  }
  if (!r.totals.empty())
    t.add({"", "", "all items", text(county.owed), text(county.paid), text(county.paid - county.owed)});
  t.print(out, 3);
}

void print_findings(std::ostream& out, const results& r, const names& n) {
  std::size_t violations = 0;
  for (const finding& f : r.findings) violations += f.severity == finding_severity::violation;
  out << "\nfindings: " << r.findings.size() << " (" << count_of(violations, "violation", "violations") << ", "
      << count_of(r.findings.size() - violations, "advisory", "advisories") << ")\n";
  // Grouped by responsible unit in id order; duties owed by the county or a
  // town (no unit) come last.
  std::map<std::string, std::vector<std::size_t>> by_unit;
  std::vector<std::size_t> no_unit;
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    if (r.findings[i].responsible_unit.empty()) no_unit.push_back(i);
    else by_unit[r.findings[i].responsible_unit].push_back(i);
  }
  const auto group = [&](const std::string& heading, const std::vector<std::size_t>& indices) {
    out << '\n' << heading << " — " << count_of(indices.size(), "finding", "findings") << '\n';
    table t({"  severity", "rule", "subject", "when", "expected", "actual", "message"});
    for (const std::size_t i : indices) {
      const finding& f = r.findings[i];
      std::string subject = f.subject_id;
      const std::string name = f.subject == subject_kind::member ? name_of(n.members, f.subject_id)
                               : f.subject == subject_kind::team ? name_of(n.teams, f.subject_id)
                               : f.subject == subject_kind::unit ? name_of(n.units, f.subject_id)
                                                                 : std::string();
      if (!name.empty()) subject += " " + name;
      t.add({"  " + std::string(severity_name(f.severity)), f.rule, subject, slice_text(f.slice),
             one_line(f.expected), one_line(f.actual), one_line(f.message)});
    }
    t.print(out, no_numbers);
  };
  for (const auto& [unit, indices] : by_unit) {
    const std::string name = name_of(n.units, unit);
    group(name.empty() ? unit : name + " (" + unit + ")", indices);
  }
  if (!no_unit.empty()) group("county or town (no sponsor unit)", no_unit);
}

void print_quotas(std::ostream& out, const results& r, const names& n) {
  for (const quota_result& q : r.quotas) {
    out << "\nquota " << q.rule;
    if (const std::string title = name_of(n.rules, q.rule); !title.empty()) out << " " << title;
    out << ": " << to_string(q.of_grade) << ", " << q.population << " members × " << q.share.to_string() << " = "
        << q.places << (q.places == 1 ? " place\n" : " places\n");
    // The ranking around the boundary: three places either side of the last one granted.
    const std::size_t from = q.places > 3 ? q.places - 3 : 0;
    const std::size_t to = std::min(q.ranking.size(), q.places + 3);
    table t({"  rank", "member", "name", "score", "proposed", "granted"});
    if (from > 0) t.add({"  …", "", "", "", "", ""});
    for (std::size_t i = from; i < to; ++i) {
      const quota_place& p = q.ranking[i];
      t.add({"  " + std::to_string(p.rank), p.member, name_of(n.members, p.member), p.score.to_string(),
             p.proposed ? "yes" : "", p.within_quota ? "yes" : ""});
    }
    if (to < q.ranking.size()) t.add({"  …", "", "", "", "", ""});
    t.print(out, 3);
    if (q.over_quota.empty()) {
      out << "  no member proposed for the grade is over the quota\n";
    } else {
      out << "  over the quota (proposed, not granted):";
      for (const std::string& m : q.over_quota) {
        const std::string name = name_of(n.members, m);
        out << ' ' << m << (name.empty() ? "" : " " + name);
        const auto at = std::find_if(q.ranking.begin(), q.ranking.end(),
                                     [&](const quota_place& p) { return p.member == m; });
        if (at != q.ranking.end()) out << " (rank " << at->rank << ", " << at->score.to_string() << ")";
        if (&m != &q.over_quota.back()) out << ',';
      }
      out << '\n';
    }
  }
}

void print_ledger(std::ostream& out, const results& r, const names& n) {
  out << "\npenalty ledger\n";
  if (r.ledger.empty()) {
    out << "  no unit penalised\n";
    return;
  }
  table t({"  unit", "name", "notices", "points charged", "points", "capped"});
  for (const penalty_entry& p : r.ledger) {
    t.add({"  " + p.unit, name_of(n.units, p.unit), std::to_string(p.notices), p.points_charged.to_string(),
           p.points.to_string(), p.capped ? "capped" : ""});
  }
  t.print(out, 2);
}

}  // namespace

void write_table(std::ostream& out, const results& r, const names& n, int money_scale) {
  out << "policy " << r.policy << ", period " << r.evaluated.label() << " (" << to_string(r.evaluated.range.first)
      << " .. " << to_string(r.evaluated.range.last) << ")\n\n";
  print_amounts(out, r, n, money_scale);
  print_findings(out, r, n);
  print_quotas(out, r, n);
  print_ledger(out, r, n);
}

}  // namespace rulebook::report
