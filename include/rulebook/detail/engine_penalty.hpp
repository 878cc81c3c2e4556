// Internal: penalties — "对保障不到位的县直单位予以通报，在年终党建考核中给予扣分":
// each violation a listed rule found against a unit of a listed kind costs that
// unit the line's points, capped per unit and calendar year. Runs last: it
// charges the findings of every earlier stage (allowances paid short included).
// Included by engine_impl.hpp.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <map>
#include <string>
#include <string_view>
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
///
/// Cost: a unit's entry is found by its index in the county (a map by unit id
/// compared strings a score of times for each of 0.9 M findings at 3 M members),
/// a finding's line is the one before when its rule is, and the points charged
/// per unit and year are summed once all are listed; the entries are ordered by
/// unit id once, at the end.
/// The ledger's part: the entries of `findings`, which come ordered by rule,
/// appended to `ledger`. Reads nothing else of the results, so that it can run
/// beside the roll-ups, which read the same findings.
inline void charge_penalties(const eval_context& ctx, const std::vector<finding>& findings,
                             std::vector<penalty_entry>& ledger) {
  constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> entry_of(ctx.data.units.size(), none);  // by unit index
  std::vector<penalty_entry> entries;
  struct charged_in_year {
    std::uint32_t entry;
    int year;
    decimal points;
  };
  std::vector<charged_in_year> charged;
  for (const rule& r : ctx.rules.rules) {
    const auto* body = std::get_if<penalty_rule>(&r.body);
    if (body == nullptr) continue;
    charged.clear();
    std::map<std::pair<std::size_t, std::uint32_t>, decimal> points_on;  // (line, day) → points
    std::string_view line_rule;  // the rule the last line was looked up for
    auto line = body->lines.end();
    for (std::size_t i = 0; i < findings.size(); ++i) {
      const finding& f = findings[i];
      if (f.severity != finding_severity::violation || f.responsible_unit.empty()) continue;
      const auto u = ctx.index.unit(f.responsible_unit);
      if (!u) continue;
      const unit_kind kind = ctx.data.units[*u].kind;
      if (std::find(body->units.begin(), body->units.end(), kind) == body->units.end()) continue;
      if (line_rule.data() == nullptr || f.rule != line_rule) {  // findings come ordered by rule
        line = std::find_if(body->lines.begin(), body->lines.end(), [&](const penalty_line& l) {
          return std::find(l.rules.begin(), l.rules.end(), f.rule) != l.rules.end();
        });
        line_rule = f.rule;
      }
      if (line == body->lines.end()) continue;
      // The line's points in force on the finding's last day: computed once per line and day.
      const auto key = std::pair(static_cast<std::size_t>(line - body->lines.begin()), f.slice.last.day_number());
      auto cached = points_on.find(key);
      if (cached == points_on.end())
        cached = points_on.emplace(key, number_figure_on(ctx.rules, line->points, f.slice.last)).first;
      const decimal points = cached->second;
      std::uint32_t& at = entry_of[*u];
      if (at == none) {
        at = static_cast<std::uint32_t>(entries.size());
        entries.emplace_back();
        entries.back().unit = f.responsible_unit;
      }
      penalty_entry& e = entries[at];
      e.charges.push_back({i, r.id, points});
      e.points_charged += points;
      charged.push_back({at, static_cast<int>(f.slice.last.year()), points});
    }
    // Per unit and year, the points charged, capped; a notice per unit charged.
    std::sort(charged.begin(), charged.end(), [](const charged_in_year& a, const charged_in_year& b) {
      return std::pair(a.entry, a.year) < std::pair(b.entry, b.year);
    });
    for (std::size_t k = 0; k < charged.size();) {
      penalty_entry& e = entries[charged[k].entry];
      if (body->notice) ++e.notices;  // 予以通报: one notice per unit, naming its findings
      const std::uint32_t entry = charged[k].entry;
      while (k < charged.size() && charged[k].entry == entry) {
        const int year = charged[k].year;
        decimal points;
        for (; k < charged.size() && charged[k].entry == entry && charged[k].year == year; ++k)
          points += charged[k].points;
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
  std::sort(entries.begin(), entries.end(),
            [](const penalty_entry& a, const penalty_entry& b) { return a.unit < b.unit; });
  ledger.insert(ledger.end(), std::make_move_iterator(entries.begin()), std::make_move_iterator(entries.end()));
}

inline void evaluate_penalties(const eval_context& ctx, results& res) {
  order_findings_by_rule(ctx.rules, res);
  charge_penalties(ctx, res.findings, res.ledger);
}

}  // namespace rulebook::detail
