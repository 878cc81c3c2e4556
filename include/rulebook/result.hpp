// rulebook/result.hpp — what evaluating a policy over a county says: what each
// member and team was owed, which duties were not met, who is rated excellent
// within the quota, and what each sponsor unit is penalised — per member-month,
// and rolled up per member, team, unit and county.
//
//   const rulebook::results r = rulebook::evaluate(program, county, rulebook::period::of_year(2019));
//   for (const rulebook::finding& f : r.findings)
//     std::cout << f.rule << ' ' << f.subject_id << ": " << f.message << '\n';
//
// Every amount and finding names the rule that produced it, so `explain` can
// say how it was reached. Plain values: copyable, comparable, thread-compatible.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "rulebook/money.hpp"
#include "rulebook/period.hpp"
#include "rulebook/policy.hpp"

namespace rulebook {

/// What a result is about.
enum class subject_kind { member, team, unit, county };

/// An amount a policy says is owed, for one item and one slice of time: a
/// member-month, a member-year or a team-year.
struct entitlement {
  std::string rule;       // the allowance rule's id
  std::string item;       // living, transport, communication, work_funds, …
  subject_kind subject = subject_kind::member;
  std::string subject_id; // member or team id
  std::string team;       // the team the member served in (or the team itself)
  std::string unit;       // the unit responsible for paying it
  date_range slice;       // the month, or the part of the year, it pays for
  money amount;           // rounded as the policy declares
  std::optional<money> paid;  // what was recorded as paid, when recorded

  friend bool operator==(const entitlement&, const entitlement&) = default;
};

enum class finding_severity { violation, advisory };

/// A duty not met: a benefit below its minimum, a kit item missing, a visit or
/// meeting short, an item paid short of what is owed.
struct finding {
  std::string rule;
  rule_kind kind = rule_kind::minimum;
  subject_kind subject = subject_kind::member;
  std::string subject_id;
  std::string responsible_unit;  // a unit id; empty when the county or a town owes it
  finding_severity severity = finding_severity::violation;
  date_range slice;              // the days or period the failure covers
  std::string expected;          // as the policy states it: "200000", "1 visit", "computer"
  std::string actual;            // "150000", "0 visits", "missing"
  std::string message;

  friend bool operator==(const finding&, const finding&) = default;
};

/// One member's place in a quota's ranking.
struct quota_place {
  std::string member;
  decimal score;
  std::size_t rank = 0;       // 1-based; equal keys share a rank
  bool proposed = false;      // proposed for the grade by the assessment
  bool within_quota = false;  // granted the grade
  friend bool operator==(const quota_place&, const quota_place&) = default;
};

struct quota_result {
  std::string rule;
  grade of_grade = grade::excellent;
  std::size_t population = 0;  // members counted
  decimal share;
  std::size_t places = 0;      // share × population, rounded as the rule says
  std::vector<quota_place> ranking;
  std::vector<std::string> over_quota;  // proposed for the grade, but outside the quota
  friend bool operator==(const quota_result&, const quota_result&) = default;
};

/// Points a finding cost its responsible unit.
struct penalty_charge {
  std::size_t finding = 0;  // index into results::findings
  std::string rule;         // the penalty rule
  decimal points;
  friend bool operator==(const penalty_charge&, const penalty_charge&) = default;
};

/// One sponsor unit's penalties for the period.
struct penalty_entry {
  std::string unit;
  std::size_t notices = 0;  // 通报
  decimal points_charged;   // before the cap
  decimal points;           // after the cap
  bool capped = false;
  std::vector<penalty_charge> charges;
  friend bool operator==(const penalty_entry&, const penalty_entry&) = default;
};

/// Amounts by item, summed.
struct item_total {
  std::string item;
  money owed;
  money paid;
  friend bool operator==(const item_total&, const item_total&) = default;
};

/// What one member, team, sponsor unit or the whole county was owed and paid
/// over the period, for one item or for all items, with the findings about it.
///
/// Each entitlement is counted in four roll-ups: its member's (or, for a
/// team-year amount, no member's), the team it names (the team the member
/// served in that month), the unit it names (the unit that pays), and the
/// county's. Findings are counted where they belong: a member's or team's row
/// counts the findings whose subject it is; a unit's row counts the findings it
/// answers for (`finding::responsible_unit`); the county's row counts every
/// finding. A row of one item counts only the findings of the allowance rules
/// that pay that item (items paid short); the row of all items counts them all.
///
/// Amounts are exact sums of the entitlements. Under `money.round_at: total`
/// (docs/rule-language.md) `owed` and `shortfall` are rounded here, once per
/// row, to the policy's scale and mode; otherwise the parts are already rounded
/// and the sums need no rounding.
struct rollup {
  subject_kind subject = subject_kind::county;
  std::string id;              // member, team or unit id; the county's own id
  std::string item;            // an item (living, transport, …); empty in the row of all items
  money owed;                  // Σ entitlement::amount
  std::optional<money> paid;   // Σ entitlement::paid where recorded; nothing when none is recorded
  money shortfall;             // Σ max(0, amount − paid) over the entitlements with a payment recorded
  std::size_t entitlements = 0;  // entitlements summed
  std::size_t unrecorded = 0;    // of which with no payment recorded (not compared)
  std::size_t violations = 0;    // findings counted, by severity
  std::size_t advisories = 0;

  /// True for the row that sums every item of its subject.
  [[nodiscard]] bool all_items() const noexcept { return item.empty(); }
  friend bool operator==(const rollup&, const rollup&) = default;
};

struct results {
  std::string policy;
  period evaluated;
  std::vector<entitlement> entitlements;  // by subject, then slice, then rule order
  std::vector<finding> findings;          // by rule order, then subject
  std::vector<quota_result> quotas;
  std::vector<penalty_entry> ledger;      // by unit id
  std::vector<item_total> totals;         // by rule order of the item's first rule
  /// Members, then teams, then units, each in the county's order (ids the county
  /// does not list after them, by id), then the county; for each subject the row
  /// of all items first, then one row per item it has, in the order of `totals`.
  /// Empty when an `entitlement_sink` that `takes_rollups()` was handed them.
  std::vector<rollup> rollups;
  friend bool operator==(const results&, const results&) = default;
};

}  // namespace rulebook
