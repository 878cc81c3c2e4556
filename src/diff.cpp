// Comparing the results of two policies over the same data (rulebook/diff.hpp).
#include "rulebook/diff.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/multiprecision/cpp_int.hpp>

namespace rulebook {
namespace {

/// Amounts owed by subject id, then item (items in first-seen order).
struct owed_by_item {
  std::vector<std::string> order;  // subject ids in first-seen order
  std::map<std::string, std::vector<std::pair<std::string, money>>> of;

  void add(const std::string& id, const std::string& item, const money& m) {
    auto [it, fresh] = of.try_emplace(id);
    if (fresh) order.push_back(id);
    auto& items = it->second;
    const auto found = std::find_if(items.begin(), items.end(), [&](const auto& p) { return p.first == item; });
    if (found == items.end()) items.emplace_back(item, m);
    else found->second += m;
  }
};

/// Compares one level (members, teams or units); keeps the subjects that changed.
std::vector<subject_change> compare(subject_kind kind, const owed_by_item& before, const owed_by_item& after,
                                    bool sort_by_id, std::size_t* compared = nullptr) {
  std::vector<std::string> ids = before.order;
  for (const std::string& id : after.order)
    if (!before.of.contains(id)) ids.push_back(id);
  if (sort_by_id) std::sort(ids.begin(), ids.end());
  if (compared) *compared = ids.size();
  std::vector<subject_change> out;
  static const std::vector<std::pair<std::string, money>> none;
  for (const std::string& id : ids) {
    const auto b = before.of.find(id);
    const auto a = after.of.find(id);
    const auto& bi = b == before.of.end() ? none : b->second;
    const auto& ai = a == after.of.end() ? none : a->second;
    subject_change s;
    s.subject = kind;
    s.id = id;
    std::vector<std::string> items;
    for (const auto& [item, m] : bi) items.push_back(item);
    for (const auto& [item, m] : ai)
      if (std::find(items.begin(), items.end(), item) == items.end()) items.push_back(item);
    for (const std::string& item : items) {
      item_change c;
      c.item = item;
      for (const auto& [i, m] : bi)
        if (i == item) c.before = m;
      for (const auto& [i, m] : ai)
        if (i == item) c.after = m;
      s.before += c.before;
      s.after += c.after;
      if (c.before != c.after) s.items.push_back(std::move(c));
    }
    if (!s.items.empty()) out.push_back(std::move(s));
  }
  return out;
}

/// What identifies a finding across two policies: its rule, subject, days and unit.
auto finding_key(const finding& f) {
  return std::tuple(f.rule, f.subject, f.subject_id, f.slice.first, f.slice.last, f.responsible_unit);
}

}  // namespace

std::optional<decimal> results_diff::cost_percent() const {
  if (owed_before.raw() == 0) return std::nullopt;
  // cost / before × 100, both in ten-thousandths of a yuan.
  const std::int64_t raw = cost().raw();
  const money pct = money::from_raw(raw).mul_div(100 * 10'000, owed_before.raw(), rounding::half_up, 2);
  return decimal::from_raw(pct.raw());
}

bool results_diff::exceeds(const decimal& percent) const {
  using boost::multiprecision::checked_int256_t;
  if (owed_before.raw() == 0) return cost().raw() > 0;
  // cost / before × 100 > percent  ⇔  cost × 100 × 10⁴ > percent_raw × before  (before > 0)
  const checked_int256_t lhs = checked_int256_t(cost().raw()) * 100 * 10'000;
  const checked_int256_t rhs = checked_int256_t(percent.raw()) * owed_before.raw();
  return owed_before.raw() > 0 ? lhs > rhs : lhs < rhs;
}

results_diff diff(const results& before, const results& after) {
  results_diff d;
  d.old_policy = before.policy;
  d.new_policy = after.policy;
  d.evaluated = after.evaluated;

  owed_by_item members[2], teams[2], units[2];
  const results* both[2] = {&before, &after};
  for (int k = 0; k < 2; ++k) {
    for (const entitlement& e : both[k]->entitlements) {
      if (e.subject == subject_kind::member) members[k].add(e.subject_id, e.item, e.amount);
      if (!e.team.empty()) teams[k].add(e.team, e.item, e.amount);
      if (!e.unit.empty()) units[k].add(e.unit, e.item, e.amount);
    }
  }
  d.members = compare(subject_kind::member, members[0], members[1], false, &d.members_compared);
  d.teams = compare(subject_kind::team, teams[0], teams[1], true);
  d.units = compare(subject_kind::unit, units[0], units[1], true);

  // County totals: every item of either policy, in the order the new one lists them.
  std::vector<std::string> items;
  for (const results* r : {&after, &before})
    for (const item_total& t : r->totals)
      if (std::find(items.begin(), items.end(), t.item) == items.end()) items.push_back(t.item);
  for (const std::string& item : items) {
    item_change c;
    c.item = item;
    for (const item_total& t : before.totals)
      if (t.item == item) c.before = t.owed;
    for (const item_total& t : after.totals)
      if (t.item == item) c.after = t.owed;
    d.owed_before += c.before;
    d.owed_after += c.after;
    d.totals.push_back(std::move(c));
  }

  // Findings: matched by rule, subject, days and unit; the rest appear or disappear.
  std::multimap<decltype(finding_key(finding{})), const finding*> old_ones;
  for (const finding& f : before.findings) old_ones.emplace(finding_key(f), &f);
  for (const finding& f : after.findings) {
    const auto it = old_ones.find(finding_key(f));
    if (it == old_ones.end()) {
      d.appeared.push_back(f);
      continue;
    }
    if (!(*it->second == f)) d.changed.push_back({*it->second, f});
    old_ones.erase(it);
  }
  for (const finding& f : before.findings) {
    const auto range = old_ones.equal_range(finding_key(f));
    for (auto it = range.first; it != range.second; ++it)
      if (it->second == &f) {
        d.disappeared.push_back(f);
        break;
      }
  }

  // Penalty lines, by unit.
  std::set<std::string> penalised;
  for (const results* r : both)
    for (const penalty_entry& p : r->ledger) penalised.insert(p.unit);
  for (const std::string& unit : penalised) {
    penalty_change c;
    c.unit = unit;
    for (const penalty_entry& p : before.ledger)
      if (p.unit == unit) {
        c.notices_before = p.notices;
        c.points_before = p.points;
      }
    for (const penalty_entry& p : after.ledger)
      if (p.unit == unit) {
        c.notices_after = p.notices;
        c.points_after = p.points;
      }
    if (c.notices_before != c.notices_after || c.points_before != c.points_after) d.penalties.push_back(std::move(c));
  }

  // Quotas, by rule.
  std::vector<std::string> rules;
  for (const results* r : both)
    for (const quota_result& q : r->quotas)
      if (std::find(rules.begin(), rules.end(), q.rule) == rules.end()) rules.push_back(q.rule);
  for (const std::string& rule : rules) {
    quota_change c;
    c.rule = rule;
    std::set<std::string> in[2];
    for (int k = 0; k < 2; ++k)
      for (const quota_result& q : both[k]->quotas)
        if (q.rule == rule) {
          (k == 0 ? c.population_before : c.population_after) = q.population;
          (k == 0 ? c.places_before : c.places_after) = q.places;
          for (const quota_place& p : q.ranking)
            if (p.within_quota) in[k].insert(p.member);
        }
    std::set_difference(in[1].begin(), in[1].end(), in[0].begin(), in[0].end(), std::back_inserter(c.granted));
    std::set_difference(in[0].begin(), in[0].end(), in[1].begin(), in[1].end(), std::back_inserter(c.lost));
    if (c.population_before != c.population_after || c.places_before != c.places_after || !c.granted.empty() ||
        !c.lost.empty())
      d.quotas.push_back(std::move(c));
  }
  return d;
}

}  // namespace rulebook
