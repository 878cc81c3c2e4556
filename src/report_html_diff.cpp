// A policy change as one self-contained HTML page (report.hpp, docs/reports.md):
// the parameters that differ, the county's totals before and after and the cost
// of the change, who gains and who loses and by how much, and the findings,
// penalties and quotas that change — each finding opening its explanation under
// the policy that raised it, each member opening their amounts month by month.
#include <algorithm>
#include <cstddef>
#include <map>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "report.hpp"
#include "report_html_parts.hpp"
#include "rulebook/engine.hpp"

namespace rulebook::report {
namespace {

using html::esc;

class diff_report {
 public:
  diff_report(std::ostream& out, const program& before, const program& after, const county& c,
              const results& rb, const results& ra, const results_diff& d, const html_options& o)
      : out_(out), before_(before), after_(after), c_(c), rb_(rb), ra_(ra), d_(d), o_(o), l_(o.lang),
        nb_(c, before.rules()), na_(c, after.rules()),
        scale_(std::max(before.rules().money.scale, after.rules().money.scale)) {}

  void write(std::string_view hash_before, std::string_view hash_after) {
    html::page_head h;
    h.title = std::string(text(l_, msg::diff_title));
    h.policies = {&before_.rules(), &after_.rules()};
    h.period_text = say(l_, msg::period_range,
                           {d_.evaluated.label(), to_string(d_.evaluated.first()), to_string(d_.evaluated.last())});
    h.county_text = c_.name.empty() ? c_.id : c_.name;
    h.data_label = o_.data_label;
    html::begin_page(out_, l_, h);
    out_ << "<p class=\"policies\">" << esc(say(l_, msg::diff_policies, {d_.old_policy, d_.new_policy}))
         << "</p>\n";
    parameters();
    totals();
    gainers_losers();
    findings();
    penalties_and_quotas();
    html::end_page(out_, l_, o_, {std::string(hash_before), std::string(hash_after)});
  }

 private:
  std::string m(const money& x) const { return report::money_text(x, scale_); }
  std::string sm(const money& x) const {
    std::string s = m(x);
    if (x.raw() > 0) s.insert(s.begin(), '+');
    return s;
  }
  std::string_view t(msg id) const { return text(l_, id); }
  static std::string cls(const money& x) { return x.raw() < 0 ? " neg" : x.raw() > 0 ? " pos" : ""; }

  std::string values_text(const parameter* p) const {
    if (p == nullptr) return std::string(t(msg::absent));
    std::string s;
    for (const dated_value& v : p->values)
      s += (s.empty() ? "" : "; ") +
           say(l_, msg::value_since, {v.value.to_string(), std::string(to_string(p->unit)), to_string(v.since)});
    return s;
  }

  void parameters() {
    out_ << "<section id=\"parameters\"><h2>" << t(msg::parameters_changed) << "</h2>\n";
    const auto same = [](const parameter& a, const parameter& b) {
      if (a.unit != b.unit || a.values.size() != b.values.size()) return false;
      for (std::size_t i = 0; i < a.values.size(); ++i)
        if (a.values[i].since != b.values[i].since || a.values[i].value != b.values[i].value) return false;
      return true;
    };
    std::vector<std::tuple<std::string, const parameter*, const parameter*>> changed;
    for (const parameter& a : after_.rules().parameters) {
      const parameter* b = before_.rules().find_parameter(a.id);
      if (b == nullptr || !same(*b, a)) changed.emplace_back(a.id, b, &a);
    }
    for (const parameter& b : before_.rules().parameters)
      if (after_.rules().find_parameter(b.id) == nullptr) changed.emplace_back(b.id, &b, nullptr);
    if (changed.empty()) {
      out_ << "<p>" << t(msg::no_parameter_changes) << "</p></section>\n";
      return;
    }
    out_ << "<table class=\"parameters\"><thead><tr><th>" << t(msg::col_parameter) << "</th><th>"
         << t(msg::col_before) << "</th><th>" << t(msg::col_after) << "</th></tr></thead><tbody>\n";
    for (const auto& [id, b, a] : changed) {
      const parameter* any = a ? a : b;
      std::string body = std::string(t(msg::ex_source)) + any->source + "\n";
      out_ << "<tr><td>";
      html::details(out_, esc(id) + (html::in(l_, any->title).empty() ? "" : " — " + esc(html::in(l_, any->title))),
                    body);
      out_ << "</td><td>" << esc(values_text(b)) << "</td><td>" << esc(values_text(a)) << "</td></tr>\n";
    }
    out_ << "</tbody></table></section>\n";
  }

  void totals() {
    out_ << "<section id=\"totals\"><h2>" << t(msg::county_totals) << "</h2>\n<table class=\"totals\"><thead><tr><th>"
         << t(msg::col_item) << "</th><th class=\"n\">" << t(msg::col_before) << "</th><th class=\"n\">"
         << t(msg::col_after) << "</th><th class=\"n\">" << t(msg::col_change) << "</th></tr></thead><tbody>\n";
    for (const item_change& c : d_.totals) {
      out_ << "<tr><td>";
      // An item's change opens where it falls: team by team.
      html::details(out_, esc(na_.item_title(l_, c.item)) + " <code>" + esc(c.item) + "</code>",
                    breakdown([&](const entitlement& e) { return e.item == c.item; },
                              [](const entitlement& e) { return std::pair(subject_kind::team, e.team); }));
      out_ << "</td><td class=\"n\">" << m(c.before) << "</td><td class=\"n\">" << m(c.after) << "</td><td class=\"n"
           << cls(c.change()) << "\">" << sm(c.change()) << "</td></tr>\n";
    }
    out_ << "<tr class=\"sum\"><td>" << t(msg::all_items) << "</td><td class=\"n\">" << m(d_.owed_before)
         << "</td><td class=\"n county-owed\">" << m(d_.owed_after) << "</td><td class=\"n" << cls(d_.cost())
         << "\">" << sm(d_.cost()) << "</td></tr>\n</tbody></table>\n";
    const std::optional<decimal> pct = d_.cost_percent();
    const std::string pct_text = pct ? (pct->raw() > 0 ? "+" : "") + pct->to_string(2) + " %"
                                     : (d_.cost().raw() == 0 ? "0 %" : std::string(t(msg::cost_from_nothing)));
    out_ << "<p class=\"cost\"><strong>" << esc(say(l_, msg::cost_of_change, {sm(d_.cost()), pct_text}))
         << "</strong></p></section>\n";
  }

  /// The amounts `take` selects, before and after, summed by what `key` says
  /// they belong to (a team, a member), one line per key whose sum changed.
  template <class Take, class Key>
  std::string breakdown(const Take& take, const Key& key) const {
    std::map<std::pair<subject_kind, std::string>, std::pair<money, money>> sums;
    for (const entitlement& e : rb_.entitlements)
      if (take(e)) sums[key(e)].first += e.amount;
    for (const entitlement& e : ra_.entitlements)
      if (take(e)) sums[key(e)].second += e.amount;
    std::string s;
    for (const auto& [k, v] : sums)
      if (v.first != v.second)
        s += na_.subject(l_, k.first, k.second) + "  " + m(v.first) + " → " + m(v.second) + "  (" +
             sm(v.second - v.first) + ")\n";
    return s;
  }

  /// A member's amounts month by month and item, before and after.
  std::string by_month(const std::string& member) const {
    std::map<std::tuple<date, date, std::string>, std::pair<money, money>> rows;
    for (const entitlement& e : rb_.entitlements)
      if (e.subject == subject_kind::member && e.subject_id == member)
        rows[{e.slice.first, e.slice.last, e.item}].first += e.amount;
    for (const entitlement& e : ra_.entitlements)
      if (e.subject == subject_kind::member && e.subject_id == member)
        rows[{e.slice.first, e.slice.last, e.item}].second += e.amount;
    std::string s;
    for (const auto& [key, v] : rows) {
      const auto& [first, last, item] = key;
      if (v.first == v.second) continue;
      s += html::slice_text({first, last}) + "  " + na_.item_title(l_, item) + "  " + m(v.first) + " → " +
           m(v.second) + "  (" + sm(v.second - v.first) + ")\n";
    }
    return s;
  }

  void level(std::string_view heading, const std::vector<subject_change>& changes, const html::lookup& n,
             subject_kind kind, bool months) {
    out_ << "<h3>" << esc(heading) << "</h3>\n";
    if (changes.empty()) {
      out_ << "<p>" << t(msg::nothing_changes) << "</p>\n";
      return;
    }
    std::vector<const subject_change*> sorted;
    for (const subject_change& s : changes) sorted.push_back(&s);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const subject_change* a, const subject_change* b) { return a->change() > b->change(); });
    out_ << "<table class=\"changes\"><thead><tr><th>" << t(msg::col_subject) << "</th><th>" << t(msg::col_item)
         << "</th><th class=\"n\">" << t(msg::col_before) << "</th><th class=\"n\">" << t(msg::col_after)
         << "</th><th class=\"n\">" << t(msg::col_change) << "</th></tr></thead><tbody>\n";
    for (const subject_change* s : sorted) {
      std::string items;
      for (const item_change& c : s->items)
        items += (items.empty() ? "" : (l_ == language::zh ? "、" : ", ")) + n.item_title(l_, c.item) + " " +
                 sm(c.change());
      out_ << "<tr><td>";
      const std::string who = n.subject(l_, kind, s->id);
      // A member opens their months; a team or a unit, the members (or the team's own amounts) it sums.
      const auto member_of = [](const entitlement& e) {
        return std::pair(e.subject == subject_kind::member ? subject_kind::member : subject_kind::team, e.subject_id);
      };
      if (months) html::details(out_, esc(who), by_month(s->id));
      else if (kind == subject_kind::team)
        html::details(out_, esc(who), breakdown([&](const entitlement& e) { return e.team == s->id; }, member_of));
      else
        html::details(out_, esc(who), breakdown([&](const entitlement& e) { return e.unit == s->id; }, member_of));
      out_ << "</td><td>" << esc(items) << "</td><td class=\"n\">" << m(s->before) << "</td><td class=\"n\">"
           << m(s->after) << "</td><td class=\"n" << cls(s->change()) << "\">" << sm(s->change()) << "</td></tr>\n";
    }
    out_ << "</tbody></table>\n";
  }

  void gainers_losers() {
    out_ << "<section id=\"gainers\"><h2>" << t(msg::gainers_losers) << "</h2>\n";
    std::vector<html::signed_row> rows;
    for (const subject_change& s : d_.teams)
      rows.push_back({s.id + " " + na_.team_village(s.id), s.change().raw(), sm(s.change())});
    if (!rows.empty()) html::diverging_bars(out_, t(msg::gain_chart_caption), rows, "gain-chart");
    std::size_t gain = 0, lose = 0;
    money gained, lost;
    for (const subject_change& s : d_.members) {
      if (s.change().raw() > 0) {
        ++gain;
        gained += s.change();
      } else if (s.change().raw() < 0) {
        ++lose;
        lost += s.change();
      }
    }
    out_ << "<p class=\"members-changed\">"
         << esc(say(l_, msg::members_changed,
                       {std::to_string(d_.members.size()), std::to_string(d_.members_compared)}))
         << " · " << esc(say(l_, msg::gainers, {std::to_string(gain), sm(gained)})) << " · "
         << esc(say(l_, msg::losers, {std::to_string(lose), m(lost)})) << "</p>\n";
    level(t(msg::col_member), d_.members, na_, subject_kind::member, true);
    level(t(msg::teams_changed), d_.teams, na_, subject_kind::team, false);
    level(t(msg::units_changed), d_.units, na_, subject_kind::unit, false);
    out_ << "</section>\n";
  }

  void finding_rows(const std::vector<finding>& fs, const program& prog, const results& r, const html::lookup& n) {
    if (fs.empty()) return;
    out_ << "<table class=\"findings\"><thead><tr><th>" << t(msg::col_severity) << "</th><th>" << t(msg::col_subject)
         << "</th><th>" << t(msg::col_unit) << "</th><th>" << t(msg::col_finding) << "</th></tr></thead><tbody>\n";
    for (std::size_t i = 0; i < fs.size(); ++i) {
      const finding& f = fs[i];
      const std::string told = html::finding_text(l_, f, n, scale_);
      out_ << "<tr class=\"finding\"><td><span class=\"sev "
           << (f.severity == finding_severity::violation ? "violation" : "advisory") << "\">"
           << t(f.severity == finding_severity::violation ? msg::severity_violation : msg::severity_advisory)
           << "</span></td><td>" << esc(n.subject(l_, f.subject, f.subject_id)) << "</td><td>"
           << esc(f.responsible_unit.empty() ? std::string() : f.responsible_unit + " " + n.unit_name(f.responsible_unit))
           << "</td><td>";
      html::details(out_, esc(told), html::explanation_text(l_, explain(prog, c_, r, f), &f, told));
      out_ << "</td></tr>\n";
      if (o_.progress) o_.progress(++explained_, explain_total_);
    }
    out_ << "</tbody></table>\n";
  }

  void findings() {
    explain_total_ = d_.appeared.size() + d_.disappeared.size() + d_.changed.size();
    out_ << "<section id=\"findings\"><h2>" << t(msg::col_finding) << "</h2>\n<h3>"
         << esc(say(l_, msg::findings_appeared, {std::to_string(d_.appeared.size())})) << "</h3>\n";
    finding_rows(d_.appeared, after_, ra_, na_);
    out_ << "<h3>" << esc(say(l_, msg::findings_disappeared, {std::to_string(d_.disappeared.size())})) << "</h3>\n";
    finding_rows(d_.disappeared, before_, rb_, nb_);
    out_ << "<h3>" << esc(say(l_, msg::findings_changed, {std::to_string(d_.changed.size())})) << "</h3>\n";
    if (!d_.changed.empty()) {
      out_ << "<table class=\"findings\"><thead><tr><th>" << t(msg::col_subject) << "</th><th>" << t(msg::col_rule)
           << "</th><th>" << t(msg::col_when) << "</th><th>" << t(msg::col_change) << "</th></tr></thead><tbody>\n";
      for (const finding_change& c : d_.changed) {
        const finding& f = c.after;
        const std::string told = html::finding_text(l_, f, na_, scale_);
        out_ << "<tr><td>" << esc(na_.subject(l_, f.subject, f.subject_id)) << "</td><td>"
             << esc(na_.rule_title(l_, f.rule)) << "</td><td>" << esc(html::slice_text(f.slice)) << "</td><td>";
        html::details(out_,
                      esc(say(l_, msg::finding_change_line,
                                 {c.before.expected, c.after.expected, c.before.actual, c.after.actual})),
                      told + "\n\n" + html::explanation_text(l_, explain(after_, c_, ra_, f), &f, told));
        out_ << "</td></tr>\n";
        if (o_.progress) o_.progress(++explained_, explain_total_);
      }
      out_ << "</tbody></table>\n";
    }
    out_ << "</section>\n";
  }

  void penalties_and_quotas() {
    out_ << "<section id=\"penalties\"><h2>" << t(msg::penalties_changed) << "</h2>\n";
    if (d_.penalties.empty()) {
      out_ << "<p>" << t(msg::nothing_changes) << "</p>\n";
    } else {
      out_ << "<table class=\"ledger\"><thead><tr><th>" << t(msg::col_unit) << "</th><th class=\"n\">"
           << t(msg::col_notices) << " " << t(msg::col_before) << "</th><th class=\"n\">" << t(msg::col_after)
           << "</th><th class=\"n\">" << t(msg::col_points) << " " << t(msg::col_before) << "</th><th class=\"n\">"
           << t(msg::col_after) << "</th></tr></thead><tbody>\n";
      for (const penalty_change& p : d_.penalties)
        out_ << "<tr><td>" << esc(p.unit + " " + na_.unit_name(p.unit)) << "</td><td class=\"n\">" << p.notices_before
             << "</td><td class=\"n\">" << p.notices_after << "</td><td class=\"n\">" << p.points_before.to_string()
             << "</td><td class=\"n\">" << p.points_after.to_string() << "</td></tr>\n";
      out_ << "</tbody></table>\n";
    }
    out_ << "</section>\n<section id=\"quota\"><h2>" << t(msg::quotas_changed) << "</h2>\n";
    if (d_.quotas.empty()) out_ << "<p>" << t(msg::nothing_changes) << "</p>\n";
    for (const quota_change& q : d_.quotas) {
      const auto names = [&](const std::vector<std::string>& ids) {
        std::string s;
        for (const std::string& id : ids)
          s += (s.empty() ? "" : (l_ == language::zh ? "、" : ", ")) + na_.subject(l_, subject_kind::member, id);
        return s;
      };
      out_ << "<p>"
           << esc(say(l_, msg::quota_change_line,
                         {na_.rule_title(l_, q.rule), std::to_string(q.population_before),
                          std::to_string(q.population_after), std::to_string(q.places_before),
                          std::to_string(q.places_after)}));
      if (!q.granted.empty()) out_ << "<br>" << esc(say(l_, msg::quota_granted, {names(q.granted)}));
      if (!q.lost.empty()) out_ << "<br>" << esc(say(l_, msg::quota_lost, {names(q.lost)}));
      out_ << "</p>\n";
    }
    out_ << "</section>\n";
  }

  std::ostream& out_;
  const program& before_;
  const program& after_;
  const county& c_;
  const results& rb_;
  const results& ra_;
  const results_diff& d_;
  const html_options& o_;
  language l_;
  html::lookup nb_, na_;
  int scale_;
  std::size_t explained_ = 0, explain_total_ = 0;
};

}  // namespace

void write_html_diff(std::ostream& out, const program& before, const program& after, const county& c,
                     const results& r_before, const results& r_after, const results_diff& d,
                     std::string_view hash_before, std::string_view hash_after, const html_options& o) {
  diff_report(out, before, after, c, r_before, r_after, d, o).write(hash_before, hash_after);
}

}  // namespace rulebook::report
