// `rulebook diff OLD NEW DATA --period P [--format table|json|csv|html]
// [--out PATH] [--max-cost-increase PCT]`: runs two policies over the same data and reports
// what the change does — per member, team and unit, each item's change in
// money; findings that appear, disappear or change; penalty and quota changes;
// county totals and the cost of the change.
#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <ostream>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "cli/report_options.hpp"
#include "cli/table.hpp"
#include "report.hpp"
#include "rulebook/diagnostic.hpp"
#include "rulebook/diff.hpp"
#include "rulebook/engine.hpp"
#include "rulebook/load.hpp"
#include "rulebook/policy.hpp"

namespace rulebook::cli {
namespace {

constexpr std::string_view diff_usage =
    "usage: rulebook diff OLD NEW DATA --period P [--format table|json|csv|html] [--out FILE]\n"
    "                     [--max-cost-increase PCT] [--lang zh|en] [--generated-at TIME] [--quiet]\n";

enum class diff_format { table, json, csv, html };

struct diff_options {
  std::string old_path, new_path, data_path;
  period evaluated;
  diff_format format = diff_format::table;
  std::optional<decimal> max_increase;
  std::optional<std::filesystem::path> out;
  report_options reading;  // --lang, --generated-at, --quiet
};

std::optional<diff_options> parse_args(std::span<const std::string_view> args, std::ostream& err) {
  const auto fail = [&](const std::string& why) {
    err << "rulebook diff: " << why << '\n' << diff_usage;
    return std::nullopt;
  };
  diff_options o;
  std::vector<std::string_view> positional;
  std::optional<std::string_view> period_text;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (!a.starts_with("-")) {
      positional.push_back(a);
      continue;
    }
    if (std::string why; parse_report_option(args, i, o.reading, why)) {
      if (!why.empty()) return fail(why);
      continue;
    }
    if (a != "--period" && a != "--format" && a != "--max-cost-increase" && a != "--out") return fail("unknown option '" + std::string(a) + "'");
    if (i + 1 >= args.size()) return fail("option " + std::string(a) + " needs a value");
    const std::string_view v = args[++i];
    if (a == "--period") {
      period_text = v;
    } else if (a == "--format") {
      if (v == "table") o.format = diff_format::table;
      else if (v == "json") o.format = diff_format::json;
      else if (v == "csv") o.format = diff_format::csv;
      else if (v == "html") o.format = diff_format::html;
      else return fail("--format: '" + std::string(v) + "' is not a format; use table, json, csv or html");
    } else if (a == "--out") {
      if (v.empty()) return fail("--out: empty path");
      o.out = std::filesystem::path(std::string(v));
    } else {
      std::string text(v);
      if (text.ends_with("%")) text.pop_back();
      std::string why;
      o.max_increase = decimal::try_parse(text, &why);
      if (!o.max_increase || o.max_increase->raw() < 0)
        return fail("--max-cost-increase: '" + std::string(v) + "' is not a percentage, as 5 or 2.5" +
                    (why.empty() ? std::string() : ": " + why));
    }
  }
  if (positional.size() != 3)
    return fail(positional.size() < 3 ? "give the old policy, the new policy and the county's data"
                                      : "unexpected argument '" + std::string(positional[3]) + "'");
  o.old_path = std::string(positional[0]);
  o.new_path = std::string(positional[1]);
  o.data_path = std::string(positional[2]);
  if (!period_text) return fail("give the period to compare, as in --period 2019");
  std::string why;
  const std::optional<period> p = parse_period(*period_text, &why);
  if (!p) return fail("--period: " + why);
  o.evaluated = *p;
  return o;
}

std::string signed_money(const money& m, int scale) {
  const std::string s = report::money_text(m, scale);
  return m.raw() > 0 ? "+" + s : s;
}

std::string percent_text(const results_diff& d) {
  const std::optional<decimal> pct = d.cost_percent();
  if (!pct) return d.cost().raw() == 0 ? "0 %" : "from nothing";
  return (pct->raw() > 0 ? "+" : "") + pct->to_string(2) + " %";
}

std::string name_of(const std::map<std::string, std::string, std::less<>>& names, const std::string& id) {
  const auto it = names.find(id);
  return it == names.end() ? std::string() : it->second;
}

std::string finding_line(const finding& f) {
  std::string s = f.rule + "  " + (f.subject_id.empty() ? std::string("county") : f.subject_id) + "  " +
                  to_string(f.slice.first) + ".." + to_string(f.slice.last);
  if (!f.responsible_unit.empty()) s += "  unit " + f.responsible_unit;
  return s + "  " + f.message;
}

void write_table(std::ostream& out, const results_diff& d, const report::names& n, int scale,
                 const std::string& data) {
  const auto m = [&](const money& x) { return report::money_text(x, scale); };
  out << "rulebook diff: " << d.old_policy << " → " << d.new_policy << ", " << d.evaluated.label() << ", " << data
      << "\n\ncounty totals (owed)\n";
  table totals({"item", "before", "after", "change"});
  for (const item_change& c : d.totals) totals.add({c.item, m(c.before), m(c.after), signed_money(c.change(), scale)});
  totals.add({"total", m(d.owed_before), m(d.owed_after), signed_money(d.cost(), scale)});
  totals.print(out, 1);
  out << "cost of the change: " << signed_money(d.cost(), scale) << " (" << percent_text(d) << ")\n";

  const auto level = [&](std::string_view title, const std::vector<subject_change>& changes,
                         const std::map<std::string, std::string, std::less<>>& names, std::size_t of) {
    out << '\n' << title << ": " << changes.size();
    if (of > 0) out << " of " << of;
    out << " changed\n";
    if (changes.empty()) return;
    table t({"id", "name", "item", "before", "after", "change"});
    for (const subject_change& s : changes) {
      for (const item_change& c : s.items)
        t.add({s.id, name_of(names, s.id), c.item, m(c.before), m(c.after), signed_money(c.change(), scale)});
      if (s.items.size() > 1) t.add({s.id, "", "all items", m(s.before), m(s.after), signed_money(s.change(), scale)});
    }
    t.print(out, 3);
  };
  level("members", d.members, n.members, d.members_compared);
  level("teams (their own and their members' amounts)", d.teams, n.teams, 0);
  level("units (what each is responsible for paying)", d.units, n.units, 0);

  const auto findings = [&](std::string_view title, const std::vector<finding>& fs) {
    out << '\n' << title << ": " << fs.size();
    std::vector<std::pair<std::string, std::size_t>> by_rule;  // in the order rules first appear
    for (const finding& f : fs) {
      const auto it = std::find_if(by_rule.begin(), by_rule.end(), [&](const auto& p) { return p.first == f.rule; });
      if (it == by_rule.end()) by_rule.emplace_back(f.rule, 1);
      else ++it->second;
    }
    for (std::size_t i = 0; i < by_rule.size(); ++i)
      out << (i ? ", " : " (") << by_rule[i].first << ' ' << by_rule[i].second << (i + 1 == by_rule.size() ? ")" : "");
    out << '\n';
    for (const finding& f : fs) out << "  " << finding_line(f) << '\n';
  };
  findings("findings that appear", d.appeared);
  findings("findings that disappear", d.disappeared);
  out << "\nfindings whose figures change: " << d.changed.size() << '\n';
  for (const finding_change& c : d.changed)
    out << "  " << c.after.rule << "  " << c.after.subject_id << "  " << to_string(c.after.slice.first) << ".."
        << to_string(c.after.slice.last) << "  expected " << c.before.expected << " → " << c.after.expected
        << ", actual " << c.before.actual << " → " << c.after.actual << '\n';

  out << "\npenalty lines that change: " << d.penalties.size() << '\n';
  if (!d.penalties.empty()) {
    table t({"unit", "name", "notices before", "after", "points before", "after"});
    for (const penalty_change& p : d.penalties)
      t.add({p.unit, name_of(n.units, p.unit), std::to_string(p.notices_before), std::to_string(p.notices_after),
             p.points_before.to_string(), p.points_after.to_string()});
    t.print(out, 2);
  }
  out << "\nquotas that change: " << d.quotas.size() << '\n';
  for (const quota_change& q : d.quotas) {
    out << "  " << q.rule << ": population " << q.population_before << " → " << q.population_after << ", places "
        << q.places_before << " → " << q.places_after;
    if (!q.granted.empty()) {
      out << "; granted:";
      for (const std::string& id : q.granted) out << ' ' << id;
    }
    if (!q.lost.empty()) {
      out << "; lost:";
      for (const std::string& id : q.lost) out << ' ' << id;
    }
    out << '\n';
  }
}

void write_json(std::ostream& out, const results_diff& d, int scale) {
  const auto m = [&](const money& x) { return report::json_string(report::money_text(x, scale)); };
  const auto s = [](std::string_view x) { return report::json_string(x); };
  out << "{\n  \"old_policy\": " << s(d.old_policy) << ",\n  \"new_policy\": " << s(d.new_policy)
      << ",\n  \"period\": {\"label\": " << s(d.evaluated.label()) << ", \"from\": " << s(to_string(d.evaluated.first()))
      << ", \"to\": " << s(to_string(d.evaluated.last())) << "},\n  \"money_scale\": " << scale << ",\n";
  out << "  \"totals\": [";
  for (std::size_t i = 0; i < d.totals.size(); ++i) {
    const item_change& c = d.totals[i];
    out << (i ? ",\n" : "\n") << "    {\"item\": " << s(c.item) << ", \"before\": " << m(c.before)
        << ", \"after\": " << m(c.after) << ", \"change\": " << m(c.change()) << "}";
  }
  out << "\n  ],\n  \"owed_before\": " << m(d.owed_before) << ",\n  \"owed_after\": " << m(d.owed_after)
      << ",\n  \"cost\": " << m(d.cost()) << ",\n  \"cost_percent\": ";
  if (const auto pct = d.cost_percent()) out << s(pct->to_string(2));
  else out << "null";
  out << ",\n";
  const auto level = [&](std::string_view key, const std::vector<subject_change>& changes) {
    out << "  " << s(key) << ": [";
    for (std::size_t i = 0; i < changes.size(); ++i) {
      const subject_change& c = changes[i];
      out << (i ? ",\n" : "\n") << "    {\"id\": " << s(c.id) << ", \"before\": " << m(c.before)
          << ", \"after\": " << m(c.after) << ", \"change\": " << m(c.change()) << ", \"items\": [";
      for (std::size_t k = 0; k < c.items.size(); ++k)
        out << (k ? ", " : "") << "{\"item\": " << s(c.items[k].item) << ", \"before\": " << m(c.items[k].before)
            << ", \"after\": " << m(c.items[k].after) << ", \"change\": " << m(c.items[k].change()) << "}";
      out << "]}";
    }
    out << (changes.empty() ? "],\n" : "\n  ],\n");
  };
  level("members", d.members);
  level("teams", d.teams);
  level("units", d.units);
  const auto finding_json = [&](const finding& f) {
    return "{\"rule\": " + s(f.rule) + ", \"subject\": " + s(report::subject_name(f.subject)) +
           ", \"subject_id\": " + s(f.subject_id) + ", \"responsible_unit\": " + s(f.responsible_unit) +
           ", \"severity\": " + s(report::severity_name(f.severity)) + ", \"from\": " + s(to_string(f.slice.first)) +
           ", \"to\": " + s(to_string(f.slice.last)) + ", \"expected\": " + s(f.expected) + ", \"actual\": " +
           s(f.actual) + ", \"message\": " + s(f.message) + "}";
  };
  const auto findings = [&](std::string_view key, const std::vector<finding>& fs) {
    out << "  " << s(key) << ": [";
    for (std::size_t i = 0; i < fs.size(); ++i) out << (i ? ",\n" : "\n") << "    " << finding_json(fs[i]);
    out << (fs.empty() ? "],\n" : "\n  ],\n");
  };
  findings("findings_appeared", d.appeared);
  findings("findings_disappeared", d.disappeared);
  out << "  \"findings_changed\": [";
  for (std::size_t i = 0; i < d.changed.size(); ++i)
    out << (i ? ",\n" : "\n") << "    {\"before\": " << finding_json(d.changed[i].before)
        << ", \"after\": " << finding_json(d.changed[i].after) << "}";
  out << (d.changed.empty() ? "],\n" : "\n  ],\n");
  out << "  \"penalties\": [";
  for (std::size_t i = 0; i < d.penalties.size(); ++i) {
    const penalty_change& p = d.penalties[i];
    out << (i ? ",\n" : "\n") << "    {\"unit\": " << s(p.unit) << ", \"notices_before\": " << p.notices_before
        << ", \"notices_after\": " << p.notices_after << ", \"points_before\": " << s(p.points_before.to_string())
        << ", \"points_after\": " << s(p.points_after.to_string()) << "}";
  }
  out << (d.penalties.empty() ? "],\n" : "\n  ],\n");
  out << "  \"quotas\": [";
  for (std::size_t i = 0; i < d.quotas.size(); ++i) {
    const quota_change& q = d.quotas[i];
    const auto ids = [&](const std::vector<std::string>& v) {
      std::string r = "[";
      for (std::size_t k = 0; k < v.size(); ++k) r += (k ? ", " : "") + s(v[k]);
      return r + "]";
    };
    out << (i ? ",\n" : "\n") << "    {\"rule\": " << s(q.rule) << ", \"population_before\": " << q.population_before
        << ", \"population_after\": " << q.population_after << ", \"places_before\": " << q.places_before
        << ", \"places_after\": " << q.places_after << ", \"granted\": " << ids(q.granted)
        << ", \"lost\": " << ids(q.lost) << "}";
  }
  out << (d.quotas.empty() ? "]\n" : "\n  ]\n") << "}\n";
}

void write_csv(std::ostream& out, const results_diff& d, int scale) {
  const auto m = [&](const money& x) { return report::money_text(x, scale); };
  const auto f = [](std::string_view x) { return report::csv_field(x); };
  out << "section,subject,id,item,before,after,change\n";
  for (const item_change& c : d.totals)
    out << "total,county,," << f(c.item) << ',' << m(c.before) << ',' << m(c.after) << ',' << m(c.change()) << '\n';
  out << "total,county,,all," << m(d.owed_before) << ',' << m(d.owed_after) << ',' << m(d.cost()) << '\n';
  for (const auto* level : {&d.members, &d.teams, &d.units})
    for (const subject_change& s : *level)
      for (const item_change& c : s.items)
        out << "amount," << report::subject_name(s.subject) << ',' << f(s.id) << ',' << f(c.item) << ','
            << m(c.before) << ',' << m(c.after) << ',' << m(c.change()) << '\n';
  for (const finding& x : d.appeared)
    out << "finding_appeared," << report::subject_name(x.subject) << ',' << f(x.subject_id) << ',' << f(x.rule)
        << ",," << f(x.expected + " / " + x.actual) << ",\n";
  for (const finding& x : d.disappeared)
    out << "finding_disappeared," << report::subject_name(x.subject) << ',' << f(x.subject_id) << ',' << f(x.rule)
        << ',' << f(x.expected + " / " + x.actual) << ",,\n";
  for (const finding_change& c : d.changed)
    out << "finding_changed," << report::subject_name(c.after.subject) << ',' << f(c.after.subject_id) << ','
        << f(c.after.rule) << ',' << f(c.before.expected + " / " + c.before.actual) << ','
        << f(c.after.expected + " / " + c.after.actual) << ",\n";
  for (const penalty_change& p : d.penalties) {
    out << "penalty,unit," << f(p.unit) << ",points," << p.points_before.to_string() << ','
        << p.points_after.to_string() << ',' << (p.points_after - p.points_before).to_string() << '\n';
    out << "penalty,unit," << f(p.unit) << ",notices," << p.notices_before << ',' << p.notices_after << ','
        << static_cast<long long>(p.notices_after) - static_cast<long long>(p.notices_before) << '\n';
  }
  for (const quota_change& q : d.quotas)
    out << "quota,county," << f(q.rule) << ",places," << q.places_before << ',' << q.places_after << ','
        << static_cast<long long>(q.places_after) - static_cast<long long>(q.places_before) << '\n';
}

}  // namespace

int run_diff(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  const std::optional<diff_options> parsed = parse_args(args, err);
  if (!parsed) return 2;
  const diff_options& o = *parsed;
  const report::language lang = resolve_language(o.reading);
  std::string generated_at;
  if (o.format == diff_format::html) {
    std::string why;
    const std::optional<std::string> at = resolve_generated_at(o.reading, why);
    if (!at) {
      err << "rulebook diff: " << why << '\n';
      return 2;
    }
    generated_at = *at;
  }
  progress bar(err, &err == &std::cerr && progress::wanted(o.reading.quiet));
  const auto stage = [&](report::msg m, std::size_t total = 0) { bar.start(std::string(report::text(lang, m)), total); };

  stage(report::msg::progress_loading);
  const policy_load_result old_rules = load_policy(o.old_path);
  const policy_load_result new_rules = load_policy(o.new_path);
  const county_load_result data = load_county(o.data_path);
  bar.finish();
  if (!old_rules.diagnostics.empty()) err << format(old_rules.diagnostics);
  if (!new_rules.diagnostics.empty()) err << format(new_rules.diagnostics);
  if (!data.diagnostics.empty()) err << format(data.diagnostics);
  if (!old_rules || !new_rules || !data) return 2;

  const program before_prog = compile(*old_rules.value);
  const program after_prog = compile(*new_rules.value);
  results before, after;
  try {
    stage(report::msg::progress_evaluating_old);
    before = evaluate(before_prog, *data.value, o.evaluated);
    stage(report::msg::progress_evaluating_new);
    after = evaluate(after_prog, *data.value, o.evaluated);
    bar.finish();
  } catch (const std::exception& e) {
    bar.finish();
    err << "rulebook diff: evaluating failed: " << e.what() << '\n';
    return 2;
  }
  const results_diff d = diff(before, after);
  const int scale = std::max(old_rules.value->money.scale, new_rules.value->money.scale);
  std::ostringstream text;
  switch (o.format) {
    case diff_format::table:
      write_table(text, d, report::names::of(*data.value, *new_rules.value), scale, o.data_path);
      break;
    case diff_format::json: write_json(text, d, scale); break;
    case diff_format::csv: write_csv(text, d, scale); break;
    case diff_format::html:
      try {
        report::html_options h;
        h.lang = lang;
        h.generated_at = generated_at;
        h.data_label = o.data_path;
        h.version = RULEBOOK_VERSION;
        h.progress = [&](std::size_t done, std::size_t) { bar.update(done); };
        stage(report::msg::progress_explaining, d.appeared.size() + d.disappeared.size() + d.changed.size());
        report::write_html_diff(text, before_prog, after_prog, *data.value, before, after, d,
                                report::policy_content_hash(*old_rules.value),
                                report::policy_content_hash(*new_rules.value), h);
        bar.finish();
      } catch (const std::exception& e) {
        bar.finish();
        err << "rulebook diff: writing the HTML report failed: " << e.what() << '\n';
        return 2;
      }
      break;
  }
  if (o.out) {
    if (!write_file_atomically(*o.out, text.view(), err, "rulebook diff")) return 2;
  } else {
    out << text.view();
  }
  if (o.max_increase && d.exceeds(*o.max_increase)) {
    err << "rulebook diff: the total owed rises by " << percent_text(d) << ", more than the "
        << o.max_increase->to_string() << " % allowed (--max-cost-increase)\n";
    return 1;
  }
  return 0;
}

}  // namespace rulebook::cli
