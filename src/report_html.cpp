// An evaluation as one self-contained HTML page (report.hpp, docs/reports.md):
// what a county's teams were owed and paid, the duties not met by responsible
// unit, the units' notices and points, and the quota — every heading and
// finding text from the message catalogue, every amount and finding opening
// its explanation.
#include <algorithm>
#include <cstddef>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "report.hpp"
#include "report_html_parts.hpp"
#include "rulebook/engine.hpp"

namespace rulebook::report {
namespace {

using html::esc;

struct owed_paid {
  money owed;
  money paid;
};

/// Items in the order the totals list them, then any others by name.
std::vector<std::string> item_order(const results& r) {
  std::vector<std::string> items;
  for (const item_total& t : r.totals) items.push_back(t.item);
  std::set<std::string> others;
  for (const entitlement& e : r.entitlements)
    if (std::find(items.begin(), items.end(), e.item) == items.end()) others.insert(e.item);
  items.insert(items.end(), others.begin(), others.end());
  return items;
}

std::string signed_class(const money& m) { return m.raw() < 0 ? " neg" : ""; }

class html_report {
 public:
  html_report(std::ostream& out, const program& prog, const county& c, const results& r, const html_options& o)
      : out_(out), prog_(prog), pol_(prog.rules()), c_(c), r_(r), o_(o), l_(o.lang), n_(c, prog.rules()),
        scale_(prog.rules().money.scale), items_(item_order(r)) {}

  void write(std::string_view hash) {
    html::page_head h;
    h.title = std::string(text(l_, msg::report_title));
    h.policies = {&pol_};
    h.period_text = say(l_, msg::period_range,
                           {r_.evaluated.label(), to_string(r_.evaluated.first()), to_string(r_.evaluated.last())});
    h.county_text = c_.name.empty() ? c_.id : c_.province.empty() ? c_.name : say(l_, msg::unit_heading, {c_.name, c_.province});
    h.data_label = o_.data_label;
    html::begin_page(out_, l_, h);
    contents();
    summary();
    totals();
    teams();
    units();
    findings();
    penalties();
    quotas();
    html::end_page(out_, l_, o_, {std::string(hash)});
  }

 private:
  std::string m(const money& x) const { return report::money_text(x, scale_); }
  std::string_view t(msg id) const { return text(l_, id); }

  void contents() {
    out_ << "<nav><h2>" << t(msg::contents) << "</h2><ol>"
         << "<li><a href=\"#totals\">" << t(msg::county_totals) << "</a></li>"
         << "<li><a href=\"#teams\">" << t(msg::team_entitlements) << "</a></li>"
         << "<li><a href=\"#units\">" << t(msg::units_rollup) << "</a></li>"
         << "<li><a href=\"#findings\">" << t(msg::findings_by_unit) << "</a></li>"
         << "<li><a href=\"#penalties\">" << t(msg::penalties) << "</a></li>"
         << "<li><a href=\"#quota\">" << t(msg::quota) << "</a></li></ol></nav>\n";
  }

  void summary() {
    owed_paid all;
    for (const item_total& x : r_.totals) {
      all.owed += x.owed;
      all.paid += x.paid;
    }
    std::size_t violations = 0;
    for (const finding& f : r_.findings) violations += f.severity == finding_severity::violation;
    std::size_t penalised = 0;
    for (const penalty_entry& p : r_.ledger) penalised += p.points.raw() > 0 || p.notices > 0;
    const auto card = [&](msg k, const std::string& v, std::string_view cls) {
      out_ << "<div class=\"card " << cls << "\"><div class=\"k\">" << t(k) << "</div><div class=\"v\">" << esc(v)
           << "</div></div>";
    };
    out_ << "<section class=\"cards\">";
    card(msg::summary_owed, m(all.owed) + " " + std::string(t(msg::yuan)), "county-total");
    card(msg::summary_paid, m(all.paid) + " " + std::string(t(msg::yuan)), "county-paid");
    card(msg::summary_balance, m(all.paid - all.owed), "county-balance");
    card(msg::summary_findings,
         say(l_, msg::summary_findings_value,
                {std::to_string(r_.findings.size()), std::to_string(violations),
                 std::to_string(r_.findings.size() - violations)}),
         "findings-count");
    card(msg::summary_units_penalised, std::to_string(penalised), "units-penalised");
    out_ << "</section>\n";
  }

  void totals() {
    out_ << "<section id=\"totals\"><h2>" << t(msg::county_totals) << "</h2>\n";
    if (r_.totals.empty()) {
      out_ << "<p>" << t(msg::no_entitlements) << "</p></section>\n";
      return;
    }
    out_ << "<table class=\"totals\"><thead><tr><th>" << t(msg::col_item) << "</th><th class=\"n\">"
         << t(msg::col_owed) << "</th><th class=\"n\">" << t(msg::col_paid) << "</th><th class=\"n\">"
         << t(msg::col_balance) << "</th></tr></thead><tbody>\n";
    owed_paid all;
    for (const item_total& x : r_.totals) {
      std::size_t amounts = 0;
      std::set<std::string> subjects;
      std::set<std::string> rules;
      for (const entitlement& e : r_.entitlements)
        if (e.item == x.item) {
          ++amounts;
          subjects.insert(e.subject_id);
          rules.insert(e.rule);
        }
      std::string body;
      for (const std::string& id : rules) {
        body += say(l_, msg::item_explained,
                       {n_.item_title(l_, x.item), id, std::to_string(amounts), std::to_string(subjects.size())}) +
                "\n";
        if (const auto it = n_.rules.find(id); it != n_.rules.end())
          body += std::string(t(msg::ex_source)) + it->second->source + "\n";
      }
      out_ << "<tr data-item=\"" << esc(x.item) << "\"><td>";
      html::details(out_, esc(n_.item_title(l_, x.item)) + " <code>" + esc(x.item) + "</code>", body);
      out_ << "</td><td class=\"n owed\">" << m(x.owed) << "</td><td class=\"n\">" << m(x.paid)
           << "</td><td class=\"n" << signed_class(x.paid - x.owed) << "\">" << m(x.paid - x.owed) << "</td></tr>\n";
      all.owed += x.owed;
      all.paid += x.paid;
    }
    out_ << "<tr class=\"sum\"><td>" << t(msg::all_items) << "</td><td class=\"n county-owed\">" << m(all.owed)
         << "</td><td class=\"n\">" << m(all.paid) << "</td><td class=\"n" << signed_class(all.paid - all.owed)
         << "\">" << m(all.paid - all.owed) << "</td></tr>\n</tbody></table></section>\n";
  }

  void teams() {
    out_ << "<section id=\"teams\"><h2>" << t(msg::team_entitlements) << "</h2>\n";
    // Per team (its own amounts and its members' while in it) and item.
    std::map<std::string, std::map<std::string, owed_paid>> by_team;
    for (const entitlement& e : r_.entitlements) {
      owed_paid& x = by_team[e.team][e.item];
      x.owed += e.amount;
      if (e.paid) x.paid += *e.paid;
    }
    std::vector<html::bar_row> rows;
    std::vector<std::string> series;
    for (const std::string& item : items_) series.push_back(n_.item_title(l_, item));
    for (const auto& [team, amounts] : by_team) {
      html::bar_row row;
      row.label = team + " " + n_.team_village(team);
      money sum;
      for (const std::string& item : items_) {
        const auto it = amounts.find(item);
        row.values.push_back(it == amounts.end() ? 0 : it->second.owed.raw());
        if (it != amounts.end()) sum += it->second.owed;
      }
      row.value_text = m(sum);
      rows.push_back(std::move(row));
    }
    html::stacked_bars(out_, t(msg::team_chart_caption), series, rows, "team-chart");

    out_ << "<table class=\"teams\"><thead><tr><th>" << t(msg::col_team) << "</th><th>" << t(msg::col_village)
         << "</th><th>" << t(msg::col_lead_unit) << "</th>";
    for (const std::string& item : items_) out_ << "<th class=\"n\">" << esc(n_.item_title(l_, item)) << "</th>";
    out_ << "<th class=\"n\">" << t(msg::col_owed) << "</th><th class=\"n\">" << t(msg::col_paid)
         << "</th><th class=\"n\">" << t(msg::col_balance) << "</th></tr></thead><tbody>\n";
    for (const auto& [team, amounts] : by_team) {
      const auto tm = n_.teams.find(team);
      out_ << "<tr><td>" << esc(team) << "</td><td class=\"village\">"
           << (tm == n_.teams.end() ? "" : esc(tm->second->town + tm->second->village)) << "</td><td>"
           << (tm == n_.teams.end() ? "" : esc(n_.unit_name(tm->second->lead_unit))) << "</td>";
      owed_paid sum;
      for (const std::string& item : items_) {
        const auto it = amounts.find(item);
        out_ << "<td class=\"n\">" << (it == amounts.end() ? "" : m(it->second.owed)) << "</td>";
        if (it != amounts.end()) {
          sum.owed += it->second.owed;
          sum.paid += it->second.paid;
        }
      }
      out_ << "<td class=\"n\">" << m(sum.owed) << "</td><td class=\"n\">" << m(sum.paid) << "</td><td class=\"n"
           << signed_class(sum.paid - sum.owed) << "\">" << m(sum.paid - sum.owed) << "</td></tr>\n";
    }
    out_ << "</tbody></table>\n";
    members(by_team);
    out_ << "</section>\n";
  }

  /// Each team's members, each opening their amounts, each amount opening its explanation.
  void members(const std::map<std::string, std::map<std::string, owed_paid>>& by_team) {
    const std::size_t total = r_.entitlements.size();
    const std::size_t explained_at_most = std::min(total, o_.max_explained);
    if (total > explained_at_most)
      out_ << "<p class=\"note\">"
           << esc(say(l_, msg::amounts_not_explained, {std::to_string(total - explained_at_most)})) << "</p>\n";
    // Entitlements by team, then subject (in the results' order).
    std::map<std::string, std::vector<std::pair<std::string, std::vector<std::size_t>>>> grouped;
    for (std::size_t i = 0; i < r_.entitlements.size(); ++i) {
      const entitlement& e = r_.entitlements[i];
      const std::string key = (e.subject == subject_kind::team ? "" : e.subject_id);
      auto& list = grouped[e.team];
      auto it = std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.first == key; });
      if (it == list.end()) {
        list.emplace_back(key, std::vector<std::size_t>{});
        it = list.end() - 1;
      }
      it->second.push_back(i);
    }
    for (const auto& entry : by_team) {
      const std::string& team = entry.first;
      out_ << "<details class=\"team-members\"><summary>"
           << esc(say(l_, msg::members_of_team, {team + " " + n_.team_village(team)})) << "</summary>\n";
      for (const auto& [subject, indices] : grouped[team]) {
        owed_paid sum;
        for (const std::size_t i : indices) {
          sum.owed += r_.entitlements[i].amount;
          if (r_.entitlements[i].paid) sum.paid += *r_.entitlements[i].paid;
        }
        const std::string who = subject.empty() ? std::string(t(msg::team_itself))
                                                : n_.subject(l_, subject_kind::member, subject);
        out_ << "<details class=\"member\"><summary>" << esc(who) << " — " << t(msg::col_owed) << ' ' << m(sum.owed)
             << ", " << t(msg::col_paid) << ' ' << m(sum.paid) << "</summary>\n<table><thead><tr><th>"
             << t(msg::col_when) << "</th><th>" << t(msg::col_item) << "</th><th class=\"n\">" << t(msg::col_amount)
             << "</th><th class=\"n\">" << t(msg::col_paid) << "</th><th class=\"n\">" << t(msg::col_balance)
             << "</th></tr></thead><tbody>\n";
        for (const std::size_t i : indices) {
          const entitlement& e = r_.entitlements[i];
          out_ << "<tr><td>" << esc(html::slice_text(e.slice)) << "</td><td>" << esc(n_.item_title(l_, e.item))
               << "</td><td class=\"n\">";
          if (explained_ < explained_at_most) {
            html::details(out_, m(e.amount), html::explanation_text(l_, explain(prog_, c_, r_, e), nullptr, {}));
            ++explained_;
            if (o_.progress) o_.progress(explained_, explained_at_most);
          } else {
            out_ << m(e.amount);
          }
          out_ << "</td><td class=\"n\">" << (e.paid ? m(*e.paid) : std::string(t(msg::not_recorded)))
               << "</td><td class=\"n" << (e.paid ? signed_class(*e.paid - e.amount) : "") << "\">"
               << (e.paid ? m(*e.paid - e.amount) : "") << "</td></tr>\n";
        }
        out_ << "</tbody></table></details>\n";
      }
      out_ << "</details>\n";
    }
  }

  /// Each sponsor unit's roll-up of all items (`results::rollups`): what it
  /// owes its members and teams, what it paid, how much short, and the findings
  /// it answers for. A unit that pays nothing shows only its findings.
  void units() {
    std::vector<const rollup*> rows;
    for (const rollup& x : r_.rollups)
      if (x.subject == subject_kind::unit && x.all_items()) rows.push_back(&x);
    if (rows.empty()) return;  // results made without roll-ups
    out_ << "<section id=\"units\"><h2>" << t(msg::units_rollup) << "</h2>\n<table class=\"units\"><thead><tr><th>"
         << t(msg::col_unit) << "</th><th class=\"n\">" << t(msg::col_owed) << "</th><th class=\"n\">"
         << t(msg::col_paid) << "</th><th class=\"n\">" << t(msg::col_short) << "</th><th class=\"n\">"
         << t(msg::col_violations) << "</th><th class=\"n\">" << t(msg::col_advisories) << "</th></tr></thead><tbody>\n";
    for (const rollup* x : rows) {
      const std::string name = n_.unit_name(x->id);
      const bool pays = x->entitlements > 0;
      out_ << "<tr data-unit=\"" << esc(x->id) << "\"><td>"
           << esc(name.empty() ? x->id : say(l_, msg::unit_heading, {name, x->id})) << "</td><td class=\"n\">"
           << (pays ? m(x->owed) : "") << "</td><td class=\"n\">"
           << (pays ? (x->paid ? m(*x->paid) : std::string(t(msg::not_recorded))) : "") << "</td><td class=\"n\">"
           << (pays ? m(x->shortfall) : "") << "</td><td class=\"n\">" << x->violations << "</td><td class=\"n\">"
           << x->advisories << "</td></tr>\n";
    }
    out_ << "</tbody></table></section>\n";
  }

  void severity(finding_severity s) {
    out_ << "<span class=\"sev " << (s == finding_severity::violation ? "violation" : "advisory") << "\">"
         << t(s == finding_severity::violation ? msg::severity_violation : msg::severity_advisory) << "</span>";
  }

  void findings() {
    out_ << "<section id=\"findings\"><h2>" << t(msg::findings_by_unit) << "</h2>\n";
    if (r_.findings.empty()) {
      out_ << "<p>" << t(msg::no_findings) << "</p></section>\n";
      return;
    }
    std::map<std::string, std::vector<std::size_t>> by_unit;  // "" (no unit) last, below
    std::vector<std::size_t> no_unit;
    for (std::size_t i = 0; i < r_.findings.size(); ++i) {
      if (r_.findings[i].responsible_unit.empty()) no_unit.push_back(i);
      else by_unit[r_.findings[i].responsible_unit].push_back(i);
    }
    const auto group = [&](const std::string& heading, const std::string& unit, const std::vector<std::size_t>& list) {
      std::size_t violations = 0;
      for (const std::size_t i : list) violations += r_.findings[i].severity == finding_severity::violation;
      out_ << "<div class=\"unit-findings\" data-unit=\"" << esc(unit) << "\"><h3>" << esc(heading) << "</h3><p class=\"note\">"
           << esc(say(l_, msg::findings_count,
                         {std::to_string(list.size()), std::to_string(violations),
                          std::to_string(list.size() - violations)}))
           << "</p>\n<table class=\"findings\"><thead><tr><th>" << t(msg::col_severity) << "</th><th>"
           << t(msg::col_rule) << "</th><th>" << t(msg::col_subject) << "</th><th>" << t(msg::col_when)
           << "</th><th>" << t(msg::col_finding) << "</th></tr></thead><tbody>\n";
      for (const std::size_t i : list) {
        const finding& f = r_.findings[i];
        const std::string told = html::finding_text(l_, f, n_, scale_);
        out_ << "<tr class=\"finding\" data-rule=\"" << esc(f.rule) << "\"><td>";
        severity(f.severity);
        out_ << "</td><td>" << esc(n_.rule_title(l_, f.rule)) << "</td><td>"
             << esc(n_.subject(l_, f.subject, f.subject_id)) << "</td><td>" << esc(html::slice_text(f.slice))
             << "</td><td>";
        html::details(out_, esc(told), html::explanation_text(l_, explain(prog_, c_, r_, f), &f, told));
        out_ << "</td></tr>\n";
      }
      out_ << "</tbody></table></div>\n";
    };
    for (const auto& [unit, list] : by_unit) {
      const std::string name = n_.unit_name(unit);
      group(name.empty() ? unit : say(l_, msg::unit_heading, {name, unit}), unit, list);
    }
    if (!no_unit.empty()) group(std::string(t(msg::no_unit_heading)), "", no_unit);
    if (l_ == language::zh) out_ << "<p class=\"note\">" << t(msg::explanation_note) << "</p>\n";
    out_ << "</section>\n";
  }

  void penalties() {
    out_ << "<section id=\"penalties\"><h2>" << t(msg::penalties) << "</h2>\n";
    if (r_.ledger.empty()) {
      out_ << "<p>" << t(msg::no_penalties) << "</p></section>\n";
      return;
    }
    std::vector<html::outlined_row> rows;
    for (const penalty_entry& p : r_.ledger)
      rows.push_back({p.unit + " " + n_.unit_name(p.unit), p.points.raw(), p.points_charged.raw(),
                      p.points.to_string() + (p.capped ? " (" + std::string(t(msg::capped)) + ")" : "")});
    html::outlined_bars(out_, t(msg::penalty_chart_caption), rows, "penalty-chart");
    out_ << "<table class=\"ledger\"><thead><tr><th>" << t(msg::col_unit) << "</th><th class=\"n\">"
         << t(msg::col_notices) << "</th><th class=\"n\">" << t(msg::col_points_charged) << "</th><th class=\"n\">"
         << t(msg::col_points) << "</th></tr></thead><tbody>\n";
    for (const penalty_entry& p : r_.ledger) {
      std::string body;
      for (const penalty_charge& ch : p.charges) {
        const std::string told =
            ch.finding < r_.findings.size() ? html::finding_text(l_, r_.findings[ch.finding], n_, scale_) : "";
        body += say(l_, msg::charge_line, {ch.points.to_string(), told, ch.rule}) + "\n";
      }
      out_ << "<tr><td>";
      html::details(out_, esc(p.unit + " " + n_.unit_name(p.unit)), body);
      out_ << "</td><td class=\"n\">" << p.notices << "</td><td class=\"n\">" << p.points_charged.to_string()
           << "</td><td class=\"n\">" << p.points.to_string()
           << (p.capped ? " <span class=\"note\">" + std::string(t(msg::capped)) + "</span>" : "") << "</td></tr>\n";
    }
    out_ << "</tbody></table></section>\n";
  }

  void quotas() {
    out_ << "<section id=\"quota\"><h2>" << t(msg::quota) << "</h2>\n";
    if (r_.quotas.empty()) out_ << "<p>" << t(msg::no_quota) << "</p>\n";
    for (const quota_result& q : r_.quotas) {
      const std::string title = n_.rule_title(l_, q.rule);
      out_ << "<div class=\"quota\" data-rule=\"" << esc(q.rule) << "\"><h3>" << esc(title) << "</h3>\n<div class=\"quota-line\">";
      std::string body;
      if (const auto it = n_.rules.find(q.rule); it != n_.rules.end()) {
        body += std::string(t(msg::ex_source)) + it->second->source + "\n";
        for (const rule_choice& ch : it->second->choices)
          body += std::string(t(msg::ex_choice)) + ch.key + "): " + ch.source + "\n";
      }
      html::details(out_,
                    esc(say(l_, msg::quota_line,
                               {title, std::to_string(q.population), q.share.to_string(), std::to_string(q.places)})),
                    body);
      out_ << "</div>\n";
      // The ranking around the boundary: up to 20 places either side in the chart, 3 in the table.
      const std::size_t chart_from = q.places > 20 ? q.places - 20 : 0;
      const std::size_t chart_to = std::min(q.ranking.size(), q.places + 20);
      std::vector<html::column> cols;
      for (std::size_t i = chart_from; i < chart_to; ++i) {
        const quota_place& p = q.ranking[i];
        cols.push_back({std::to_string(p.rank) + ". " + n_.subject(l_, subject_kind::member, p.member) + " " +
                            p.score.to_string(),
                        p.score.raw(), p.within_quota});
      }
      html::columns(out_, t(msg::quota_chart_caption), cols, q.places - chart_from, "quota-chart-" + q.rule);
      const std::size_t from = q.places > 3 ? q.places - 3 : 0;
      const std::size_t to = std::min(q.ranking.size(), q.places + 3);
      out_ << "<h4>" << t(msg::quota_boundary) << "</h4><table class=\"ranking\"><thead><tr><th class=\"n\">"
           << t(msg::col_rank) << "</th><th>" << t(msg::col_member) << "</th><th class=\"n\">" << t(msg::col_score)
           << "</th><th>" << t(msg::col_proposed) << "</th><th>" << t(msg::col_granted) << "</th></tr></thead><tbody>\n";
      if (from > 0) out_ << "<tr><td class=\"n\">…</td><td></td><td></td><td></td><td></td></tr>\n";
      for (std::size_t i = from; i < to; ++i) {
        const quota_place& p = q.ranking[i];
        out_ << "<tr" << (p.proposed && !p.within_quota ? " class=\"neg\"" : "") << "><td class=\"n\">" << p.rank
             << "</td><td>" << esc(n_.subject(l_, subject_kind::member, p.member)) << "</td><td class=\"n\">"
             << p.score.to_string() << "</td><td>" << (p.proposed ? t(msg::yes) : "") << "</td><td>"
             << (p.within_quota ? t(msg::yes) : "") << "</td></tr>\n";
        if (i + 1 == q.places && i + 1 < to)
          out_ << "<tr class=\"sum\"><td colspan=\"5\"></td></tr>\n";  // the boundary
      }
      if (to < q.ranking.size()) out_ << "<tr><td class=\"n\">…</td><td></td><td></td><td></td><td></td></tr>\n";
      out_ << "</tbody></table>\n<p class=\"over-quota\">";
      if (q.over_quota.empty()) {
        out_ << t(msg::none_over_quota);
      } else {
        std::string list;
        for (const std::string& id : q.over_quota)
          list += (list.empty() ? "" : (l_ == language::zh ? "、" : ", ")) + n_.subject(l_, subject_kind::member, id);
        out_ << esc(say(l_, msg::over_quota, {list}));
      }
      out_ << "</p></div>\n";
    }
    out_ << "</section>\n";
  }

  std::ostream& out_;
  const program& prog_;
  const policy& pol_;
  const county& c_;
  const results& r_;
  const html_options& o_;
  language l_;
  html::lookup n_;
  int scale_;
  std::vector<std::string> items_;
  std::size_t explained_ = 0;
};

}  // namespace

void write_html(std::ostream& out, const program& prog, const county& c, const results& r, std::string_view policy_hash,
                const html_options& o) {
  html_report(out, prog, c, r, o).write(policy_hash);
}

}  // namespace rulebook::report
