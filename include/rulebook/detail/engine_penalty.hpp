// Internal: penalties — "对保障不到位的县直单位予以通报，在年终党建考核中给予扣分":
// each violation a listed rule found against a unit of a listed kind costs that
// unit the line's points, capped per unit and calendar year. Runs last: it
// charges the findings of every earlier stage (allowances paid short included).
// Included by engine_impl.hpp.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "rulebook/detail/engine_checks.hpp"
#include "rulebook/detail/engine_context.hpp"
#include "rulebook/model.hpp"
#include "rulebook/money.hpp"
#include "rulebook/policy.hpp"
#include "rulebook/result.hpp"

namespace rulebook::detail {

/// Orders the findings by rule (see `order_findings_by_rule`), then fills the
/// ledger: one entry per unit charged, by unit id. Advisories cost nothing;
/// findings against no unit (the town, the county) cost nothing.
inline void evaluate_penalties(const eval_context& ctx, results& res) {
  order_findings_by_rule(ctx.rules, res);
  std::map<std::string, penalty_entry> ledger;  // by unit id
  for (const rule& r : ctx.rules.rules) {
    const auto* body = std::get_if<penalty_rule>(&r.body);
    if (body == nullptr) continue;
    std::map<std::string, std::map<int, decimal>> by_year;  // unit → year → points charged
    std::map<std::pair<std::size_t, std::uint32_t>, decimal> points_on;  // (line, day) → points
    for (std::size_t i = 0; i < res.findings.size(); ++i) {
      const finding& f = res.findings[i];
      if (f.severity != finding_severity::violation || f.responsible_unit.empty()) continue;
      const auto u = ctx.index.unit(f.responsible_unit);
      if (!u) continue;
      const unit_kind kind = ctx.data.units[*u].kind;
      if (std::find(body->units.begin(), body->units.end(), kind) == body->units.end()) continue;
      const auto line = std::find_if(body->lines.begin(), body->lines.end(), [&](const penalty_line& l) {
        return std::find(l.rules.begin(), l.rules.end(), f.rule) != l.rules.end();
      });
      if (line == body->lines.end()) continue;
      // The line's points in force on the finding's last day: computed once per line and day.
      const auto key = std::pair(static_cast<std::size_t>(line - body->lines.begin()), f.slice.last.day_number());
      auto cached = points_on.find(key);
      if (cached == points_on.end())
        cached = points_on.emplace(key, number_figure_on(ctx.rules, line->points, f.slice.last)).first;
      const decimal points = cached->second;
      penalty_entry& e = ledger[f.responsible_unit];
      e.unit = f.responsible_unit;
      e.charges.push_back({i, r.id, points});
      e.points_charged += points;
      by_year[f.responsible_unit][static_cast<int>(f.slice.last.year())] += points;
    }
    for (const auto& [unit, years] : by_year) {
      penalty_entry& e = ledger[unit];
      if (body->notice) ++e.notices;  // 予以通报: one notice per unit, naming its findings
      for (const auto& [year, charged] : years) {
        decimal points = charged;
        if (body->cap) {
          // The cap in force at the end of the year (or of the period, if it ends first).
          const date end = std::min(period::of_year(year).last(), ctx.evaluated.last());
          const decimal cap = number_figure_on(ctx.rules, *body->cap, end);
          if (points > cap) {
            points = cap;
            e.capped = true;
          }
        }
        e.points += points;
      }
    }
  }
  for (auto& [unit, e] : ledger) res.ledger.push_back(std::move(e));
}

}  // namespace rulebook::detail
