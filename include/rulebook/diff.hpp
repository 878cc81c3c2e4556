// rulebook/diff.hpp — what a policy change does: two results over the same
// county and period, compared.
//
// Before a change is adopted, a policy officer runs the old and the new policy
// over last year's data and sees who gains or loses, by how much, and what it
// costs:
//
//   const rulebook::results before = rulebook::evaluate(old_program, county, period);
//   const rulebook::results after = rulebook::evaluate(new_program, county, period);
//   const rulebook::results_diff d = rulebook::diff(before, after);
//   std::cout << d.cost().to_string(2);                    // what the county owes more
//   if (d.exceeds(rulebook::decimal::parse("5"))) …       // more than 5 % dearer
//
// Money is exact throughout: every change is `after - before` of exact sums.
// Plain values, computed by a pure function; safe to use from many threads.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "rulebook/money.hpp"
#include "rulebook/period.hpp"
#include "rulebook/result.hpp"

namespace rulebook {

/// One item's amount owed before and after the change.
struct item_change {
  std::string item;
  money before;
  money after;
  [[nodiscard]] money change() const { return after - before; }
  friend bool operator==(const item_change&, const item_change&) = default;
};

/// A member's, team's or unit's amounts owed over the period, by item: for a
/// member, its own; for a team, the team's and its members' while in it; for a
/// unit, what it is responsible for paying. Only items whose amount changed.
struct subject_change {
  subject_kind subject = subject_kind::member;
  std::string id;
  std::vector<item_change> items;
  money before;  // all items, changed or not
  money after;
  [[nodiscard]] money change() const { return after - before; }
  friend bool operator==(const subject_change&, const subject_change&) = default;
};

/// A finding present under both policies whose figures differ.
struct finding_change {
  finding before;
  finding after;
  friend bool operator==(const finding_change&, const finding_change&) = default;
};

/// A unit's penalty line before and after (a unit with no line: 0 and 0).
struct penalty_change {
  std::string unit;
  std::size_t notices_before = 0, notices_after = 0;
  decimal points_before, points_after;  // after the cap
  friend bool operator==(const penalty_change&, const penalty_change&) = default;
};

/// A quota rule's places before and after, and who gained or lost the grade.
struct quota_change {
  std::string rule;
  std::size_t population_before = 0, population_after = 0;
  std::size_t places_before = 0, places_after = 0;
  std::vector<std::string> granted;  // within the quota after, not before
  std::vector<std::string> lost;     // within it before, not after
  friend bool operator==(const quota_change&, const quota_change&) = default;
};

struct results_diff {
  std::string old_policy;
  std::string new_policy;
  period evaluated;
  std::vector<subject_change> members;  // changed ones, in the order of the results
  std::vector<subject_change> teams;    // by team id
  std::vector<subject_change> units;    // by unit id
  std::vector<item_change> totals;      // the county's, every item of either policy
  money owed_before;                    // the county's total owed, all items
  money owed_after;
  std::size_t members_compared = 0;     // members with an amount under either policy
  std::vector<finding> appeared;        // under the new policy only
  std::vector<finding> disappeared;     // under the old policy only
  std::vector<finding_change> changed;  // under both, with other figures
  std::vector<penalty_change> penalties;  // units whose line changed, by unit id
  std::vector<quota_change> quotas;       // quota rules whose result changed

  /// The cost of the change: what the county owes more (negative: less).
  [[nodiscard]] money cost() const { return owed_after - owed_before; }
  /// The cost as a percentage of the old total, rounded half-up to 2 places;
  /// nothing when the old total is 0.
  [[nodiscard]] std::optional<decimal> cost_percent() const;
  /// Tells whether the total owed rises by more than `percent` % of the old
  /// total (exactly: cost × 100 > percent × old total). Any rise from 0 exceeds.
  [[nodiscard]] bool exceeds(const decimal& percent) const;
  friend bool operator==(const results_diff&, const results_diff&) = default;
};

/// Compares the results of two policies over the same county and period.
[[nodiscard]] results_diff diff(const results& before, const results& after);

}  // namespace rulebook
