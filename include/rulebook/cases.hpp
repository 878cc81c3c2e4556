// rulebook/cases.hpp — example cases: what a policy must give on given data.
//
// Policy officers keep, beside a policy, cases worked out by hand from its text:
// a county (inline, or a path), a period, and the figures the policy must give —
// amounts owed and paid, findings that must appear and findings that must not,
// quota places, penalty lines, totals — in exact money. Before a change to the
// policy is adopted, every case is run again (`rulebook test`); a case that no
// longer holds says what it expected, what came out, and how that was reached.
//
//   const rulebook::case_load_result loaded = rulebook::load_cases({{"examples/qiyang/cases"}});
//   if (!loaded) { std::cerr << rulebook::format(loaded.diagnostics); return 2; }
//   const rulebook::program prog = rulebook::compile(rulebook::load_policy_or_throw("rules/qiyang-2019.yaml"));
//   rulebook::case_coverage coverage(prog);
//   for (const rulebook::example_case& c : loaded.cases) {
//     const rulebook::case_result r = rulebook::run_case(prog, c, &coverage);
//     if (!r.passed()) std::cout << rulebook::format(r);
//   }
//   std::cout << rulebook::format(coverage);
//
// The file format is docs/cases.md. Loading reports every problem of every file
// as `file:line:column` diagnostics, as the policy and county loaders do.
//
// Thread safety: loaded cases are immutable values; `run_case` is pure except
// for the coverage it records, which must not be shared between threads.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "rulebook/diagnostic.hpp"
#include "rulebook/engine.hpp"
#include "rulebook/model.hpp"
#include "rulebook/money.hpp"
#include "rulebook/period.hpp"
#include "rulebook/result.hpp"

namespace rulebook {

/// An amount a case expects for one subject and item: the entitlements of the
/// item whose slice lies inside `slice` (a month, a year, the period) added up.
struct expected_entitlement {
  subject_kind subject = subject_kind::member;  // member or team
  std::string subject_id;
  std::string item;
  std::optional<std::string> rule;  // only this rule's amounts, when an item has several
  date_range slice;
  std::string slice_label;          // as written: "2019-04", "2019"
  std::optional<money> owed;
  bool not_owed = false;            // `owed: none`: no entitlement at all (its `when:` does not hold)
  std::optional<money> paid;
  bool not_paid = false;            // `paid: none`: no payment recorded
  std::optional<std::string> unit;  // the unit that pays
  source_location where;
};

/// The county's total of an item over the period.
struct expected_total {
  std::string item;
  std::optional<money> owed;
  std::optional<money> paid;
  source_location where;
};

/// Describes findings by what a case says of them; unset fields match anything.
struct finding_pattern {
  std::string rule;
  std::optional<std::string> subject_id;
  std::optional<date> from;  // the first day the finding covers
  std::optional<date> to;    // its last day
  std::optional<std::string> expected;
  std::optional<std::string> actual;
  std::optional<std::string> responsible_unit;  // "" for the county or a town
  std::optional<finding_severity> severity;
  source_location where;

  [[nodiscard]] bool matches(const finding& f) const;
  /// "finding of rule living for M014 2019-01-01..2019-01-31" — for messages.
  [[nodiscard]] std::string describe() const;
};

/// A finding that must appear (`count` times, when given; else at least once).
struct expected_finding {
  finding_pattern pattern;
  std::optional<std::size_t> count;
};

/// What a case expects of a quota rule's result.
struct expected_quota {
  std::string rule;
  std::optional<std::size_t> population;
  std::optional<std::size_t> places;
  std::optional<std::vector<std::string>> within_quota;  // members granted the grade, any order
  std::optional<std::vector<std::string>> over_quota;    // proposed but outside the quota, any order
  source_location where;
};

/// What a case expects of one unit's line in the penalty ledger. A unit with no
/// line has 0 notices and 0 points.
struct expected_penalty {
  std::string unit;
  std::optional<std::size_t> notices;
  std::optional<decimal> points_charged;  // before the cap
  std::optional<decimal> points;          // after it
  std::optional<bool> capped;
  source_location where;
};

/// One example case, loaded and checked: its data loaded too.
struct example_case {
  std::string name;
  std::string file;  // the case file, as given
  source_location where;
  std::optional<std::filesystem::path> policy;  // the case's own policy, relative paths resolved
  period evaluated;
  std::shared_ptr<const county> data;
  std::string data_source;  // the data's path, or the case file for inline data
  std::vector<expected_entitlement> entitlements;
  std::vector<expected_total> totals;
  std::vector<expected_finding> findings;
  std::vector<finding_pattern> absent_findings;
  std::vector<expected_quota> quotas;
  std::vector<expected_penalty> penalties;

  /// The number of checks the case makes.
  [[nodiscard]] std::size_t checks() const noexcept {
    return entitlements.size() + totals.size() + findings.size() + absent_findings.size() + quotas.size() +
           penalties.size();
  }
};

/// The cases of some files, or why they could not be loaded.
struct case_load_result {
  std::vector<example_case> cases;  // in file order, then file-name order within a folder
  std::vector<diagnostic> diagnostics;
  [[nodiscard]] explicit operator bool() const noexcept { return !has_errors(diagnostics); }
};

/// Loads the case files among `paths`: each file, and in each folder its `*.yaml`
/// and `*.yml` files, in its subfolders too, in name order. Data given as a path
/// is loaded once however many cases name it. Any error in any file and no case
/// is returned: the diagnostics say where each one is.
[[nodiscard]] case_load_result load_cases(std::span<const std::filesystem::path> paths);

/// Loads one case from YAML text; `file_name` is used in diagnostics and to
/// resolve relative paths.
[[nodiscard]] case_load_result load_case_yaml(std::string_view text, std::string file_name);

/// One expectation of a case that did not hold.
struct case_failure {
  source_location where;    // the expectation in the case file
  std::string what;         // "living for member M006 in 2019-04"
  std::string expected;
  std::string actual;
  std::string explanation;  // how the actual figure was reached (`explain`), when one was
};

/// What running one case gave.
struct case_result {
  std::string name;
  std::string file;
  std::string policy;  // the id of the policy run
  std::size_t checks = 0;
  std::vector<case_failure> failures;
  std::string error;  // the evaluation itself failed (a division by zero in a rule, …)

  [[nodiscard]] bool passed() const noexcept { return failures.empty() && error.empty(); }
};

class case_coverage;

/// Evaluates `prog` over the case's data and period and checks every
/// expectation; records what the case exercised in `coverage` when given.
[[nodiscard]] case_result run_case(const program& prog, const example_case& c, case_coverage* coverage = nullptr);

/// Formats a failed case: each failure with its position in the case file,
/// expected and actual values, and the explanation of the actual one.
[[nodiscard]] std::string format(const case_result& r);

// ---- coverage ---------------------------------------------------------------------------

/// What a set of cases exercised of a policy: which rules they check, which
/// parameter values were in force where they check them, and which branches of
/// each rule's expressions ran (`when:` true and false, `if` then and else, the
/// left side of `and`/`or` deciding or the right side evaluated).
///
/// A rule is covered by a case that checks something the rule decides: an
/// amount or total of its item, a finding of it that must appear or must not,
/// its quota, or (for a penalty rule) a unit's penalty line.
class case_coverage {
 public:
  explicit case_coverage(const program& prog);

  /// One value of a parameter (as it took effect on `since`).
  struct parameter_value {
    std::string parameter;
    date since;
    std::string value;
    bool exercised = false;  // in force on some day a covering case evaluated the rule
  };
  /// One way an expression of the rule can go.
  struct branch {
    std::string expression;  // which expression: "when", "amount", "at_least", …
    std::string point;       // the decision: "when: role == 'first_secretary'", "if x > 0", "a and …"
    std::string outcome;     // "true", "false", "then", "else", "left decides", "right evaluated"
    std::size_t hits = 0;    // evaluations that went this way
    bool constant = false;   // decided when the policy loaded: the other way can never run
  };
  struct rule_coverage {
    std::string rule;
    rule_kind kind = rule_kind::allowance;
    std::vector<std::string> cases;  // the cases that check it
    std::vector<parameter_value> parameters;
    std::vector<branch> branches;
    [[nodiscard]] bool covered() const noexcept { return !cases.empty(); }
  };

  /// Every rule of the policy, in policy order.
  [[nodiscard]] const std::vector<rule_coverage>& rules() const noexcept { return rules_; }
  [[nodiscard]] std::size_t rules_covered() const noexcept;
  [[nodiscard]] std::size_t branches_taken() const noexcept;
  [[nodiscard]] std::size_t branch_count() const noexcept;
  [[nodiscard]] std::size_t values_exercised() const noexcept;
  [[nodiscard]] std::size_t value_count() const noexcept;

  // Recording, for `run_case`.
  void touch(std::string_view rule, const std::string& case_name, const date_range& days);
  void hit(std::string_view rule, std::string_view expression, std::string_view point, std::string_view outcome);

  [[nodiscard]] const program& prog() const noexcept { return prog_; }

 private:
  rule_coverage* find(std::string_view rule);
  program prog_;
  std::vector<rule_coverage> rules_;
};

/// Formats coverage for a terminal: per rule, the cases, parameter values and
/// branches, then the rules no case touches and the percentages.
[[nodiscard]] std::string format(const case_coverage& c);

}  // namespace rulebook
