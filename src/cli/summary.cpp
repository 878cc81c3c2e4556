#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "detail/text.hpp"
#include "rulebook/load.hpp"

namespace rulebook::cli {
namespace {

/// The period a county's month records cover, from the first month to the last.
std::optional<period> covered_period(const county& c) {
  if (c.months.empty()) return std::nullopt;
  year_month lo = c.months[0].month(), hi = lo;
  for (const month_records::row r : c.months) {
    lo = std::min(lo, r.month());
    hi = std::max(hi, r.month());
  }
  return period::of_range(lo.first_day(), hi.last_day());
}

bool serves_during(const member& m, const date_range& range) {
  return std::any_of(m.service.begin(), m.service.end(), [&](const service_interval& s) {
    const date_range served = s.to ? date_range{s.from, *s.to} : date_range::from(s.from);
    return overlap(served, range).has_value();
  });
}

/// The team a member served in on the period's last served day.
std::string team_during(const member& m, const date_range& range) {
  std::string team;
  for (const auto& s : m.service) {
    const date_range served = s.to ? date_range{s.from, *s.to} : date_range::from(s.from);
    if (overlap(served, range)) team = s.team;
  }
  return team;
}

/// Kit items on hand on `day`.
std::size_t kit_on_hand(const team& t, date day) {
  std::set<std::string> items;
  for (const auto& k : t.kit)
    if (k.since <= day && (!k.until || day <= *k.until)) items.insert(k.item);
  return items.size();
}

struct team_totals {
  int members = 0;
  long days_in_village = 0;
  long round_trips = 0;
  money paid;
};

void print_summary(const county& c, const period& p, std::ostream& out) {
  std::map<std::string, const sponsor_unit*> units;
  for (const auto& u : c.units) units[u.id] = &u;

  std::map<std::string, team_totals> by_team;
  std::map<std::string, std::string, std::less<>> team_of;
  std::map<member_role, int> roles;
  for (const auto& m : c.members) {
    if (!serves_during(m, p.range)) continue;
    ++roles[m.role];
    team_of[m.id] = team_during(m, p.range);
    ++by_team[team_of[m.id]].members;
  }
  // Each distinct member id of the records, and each paid item, is looked up once.
  std::vector<team_totals*> totals_of(c.months.member_count());
  for (month_records::key k = 0; k < totals_of.size(); ++k) {
    const auto team = team_of.find(c.months.member_id(k));
    totals_of[k] = &by_team[team == team_of.end() ? std::string() : team->second];
  }
  std::vector<std::optional<money>> paid_by_item(c.months.item_count());  // by item key
  long member_months = 0;
  for (const month_records::row r : c.months) {
    if (r.month().last_day() < p.range.first || p.range.last < r.month().first_day()) continue;
    ++member_months;
    team_totals& t = *totals_of[r.member_key()];
    t.days_in_village += r.days_in_village();
    t.round_trips += r.round_trips();
    for (std::size_t k = 0; k < r.paid_count(); ++k) {
      const month_records::paid_entry paid = r.paid(k);
      t.paid += paid.amount;
      paid_by_item[paid.item_key] = paid_by_item[paid.item_key].value_or(money{}) + paid.amount;
    }
  }

  out << c.name << " (" << c.id << ")" << (c.province.empty() ? "" : ", " + c.province) << " — period "
      << p.label() << " (" << to_string(p.range.first) << " .. " << to_string(p.range.last) << ")\n";
  int serving = 0;
  for (const auto& [role, n] : roles) serving += n;
  out << c.units.size() << " sponsor units, " << c.teams.size() << " teams, " << serving << " members serving ("
      << roles[member_role::leader] + roles[member_role::first_secretary] << " leading a team), " << member_months
      << " member-months\n\n";

  table teams({"team", "village", "town", "lead unit", "km", "members", "kit", "days in village", "round trips",
               "paid (yuan)"});
  team_totals county_totals;
  for (const auto& t : c.teams) {
    const auto& totals = by_team[t.id];
    const auto lead = units.find(t.lead_unit);
    teams.add({t.id, t.village, t.town, lead == units.end() ? t.lead_unit : lead->second->name,
               t.distance_km.to_string(), std::to_string(totals.members), std::to_string(kit_on_hand(t, p.range.last)),
               std::to_string(totals.days_in_village), std::to_string(totals.round_trips), totals.paid.to_string(2)});
    county_totals.members += totals.members;
    county_totals.days_in_village += totals.days_in_village;
    county_totals.round_trips += totals.round_trips;
    county_totals.paid += totals.paid;
  }
  teams.add({"county", "", "", "", "", std::to_string(county_totals.members), "",
             std::to_string(county_totals.days_in_village), std::to_string(county_totals.round_trips),
             county_totals.paid.to_string(2)});
  teams.print(out, 4);

  std::map<std::string_view, money> items;  // by name
  for (month_records::key k = 0; k < paid_by_item.size(); ++k)
    if (paid_by_item[k]) items.emplace(c.months.item(k), *paid_by_item[k]);
  out << "\npaid by item:";
  for (const auto& [item, amount] : items) out << "  " << item << " " << amount.to_string(2);
  out << '\n';

  std::map<visitor_role, int> visits;
  for (const auto& v : c.visits)
    if (p.range.contains(v.on)) ++visits[v.visitor];
  std::map<meeting_kind, int> meetings;
  for (const auto& m : c.meetings)
    if (p.range.contains(m.on)) ++meetings[m.kind];
  int condolences = 0;
  money condolence_total;
  for (const auto& k : c.condolences)
    if (p.range.contains(k.on)) {
      ++condolences;
      condolence_total += k.amount;
    }
  out << "care events: visits";
  for (const auto& n : enum_names<visitor_role>()) out << ' ' << n.name << '=' << visits[n.value];
  out << "; meetings";
  for (const auto& n : enum_names<meeting_kind>()) out << ' ' << n.name << '=' << meetings[n.value];
  out << "; condolence payments " << condolences << " (" << condolence_total.to_string(2) << " yuan)\n";
}

}  // namespace

int run_summary(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  std::optional<std::string_view> data, period_text;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--period" && i + 1 < args.size()) {
      period_text = args[++i];
    } else if (args[i].starts_with("-") || data) {
      err << "rulebook summary: unexpected argument '" << args[i] << "'\nusage: rulebook summary DATA [--period P]\n";
      return 2;
    } else {
      data = args[i];
    }
  }
  if (!data) {
    err << "usage: rulebook summary DATA [--period P]\n";
    return 2;
  }
  std::optional<period> p;
  if (period_text) {
    std::string why;
    p = parse_period(*period_text, &why);
    if (!p) {
      err << "rulebook summary: --period: " << why << '\n';
      return 2;
    }
  }
  const auto loaded = load_county(std::string(*data));
  if (!loaded) {
    err << format(loaded.diagnostics);
    return 2;
  }
  if (!loaded.diagnostics.empty()) err << format(loaded.diagnostics);
  if (!p) p = covered_period(*loaded.value);
  if (!p) p = period::of_year(2019);
  print_summary(*loaded.value, *p, out);
  return 0;
}

}  // namespace rulebook::cli
