// rulebook/policy.hpp — a policy as checked data: its parameters, with the
// dates their values are in force, and its rules of each kind.
//
// Policy officers write policies as YAML (docs/rule-language.md); `load_policy`
// reads one — following `extends:` to its bases —, checks it whole (keys, types,
// parameters in force, expressions) and returns either a `policy` or every
// problem found, each with `file:line:column`:
//
//   auto loaded = rulebook::load_policy("rules/qiyang-2019.yaml");
//   if (!loaded) {
//     std::cerr << rulebook::format(loaded.diagnostics);
//     return 2;
//   }
//   const rulebook::policy& p = *loaded.value;
//   p.find_parameter("living_per_day")->value_on(rulebook::date(2019, 7, 1));  // 100
//
// No figure lives in C++: every amount, share, threshold and count is a
// parameter of the file, with the phrase of the source it comes from.
//
// A loaded policy is immutable; any number of threads may read it at once.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "rulebook/diagnostic.hpp"
#include "rulebook/expr.hpp"
#include "rulebook/model.hpp"
#include "rulebook/money.hpp"
#include "rulebook/period.hpp"

namespace rulebook {

/// A text in Chinese and English, as titles are given.
struct bilingual {
  std::string zh;
  std::string en;
  friend bool operator==(const bilingual&, const bilingual&) = default;
};

// ---- parameters -------------------------------------------------------------------

enum class parameter_unit { yuan, yuan_per_day, yuan_per_month, yuan_per_year, yuan_per_km, km, days, years, count, points, ratio };

/// True for the units whose values are money (`yuan`, `yuan/…`).
[[nodiscard]] constexpr bool is_money(parameter_unit u) noexcept { return u <= parameter_unit::yuan_per_km; }

/// How a `yuan/month` value that changes inside a month applies to that month.
enum class within_month { first_day, split_by_days };

/// One value of a parameter and the day it takes effect.
struct dated_value {
  date since;
  decimal value;  // money parameters hold yuan here, at the same scale
  source_location where;
};

struct parameter {
  std::string id;
  bilingual title;
  parameter_unit unit = parameter_unit::count;
  std::vector<dated_value> values;  // sorted by `since`, at least one
  within_month in_month = within_month::first_day;
  std::string source;          // the phrase it comes from, or "county choice: …"
  bool county_choice = false;  // the source does not give this figure
  std::string file;            // the policy file that defines it (a base's, or the county's own)
  source_location where;

  /// The value in force on `day`, or nothing before the first value.
  [[nodiscard]] std::optional<decimal> value_on(date day) const noexcept;
  /// The value in force on `day`, as the slot value expressions read (money or number).
  [[nodiscard]] std::optional<value> slot_value_on(date day) const noexcept;
  /// The entry in force on `day` (for explanations: the value and the date it took effect).
  [[nodiscard]] const dated_value* entry_on(date day) const noexcept;
  /// Splits `range` where the value changes: each piece with the value in force
  /// throughout it. Days before the first value are left out.
  struct piece {
    date_range range;
    decimal value;
  };
  [[nodiscard]] std::vector<piece> pieces(const date_range& range) const;
};

// ---- rules ---------------------------------------------------------------------------

enum class rule_kind { allowance, minimum, kit, quota, penalty, obligation, team_size, term, attendance };

/// Who must deliver what a rule requires (and bears the finding when it is not).
enum class responsible_party { dispatching_unit, lead_unit, sponsor_units, town, county };

/// How serious a failure of the rule is.
enum class rule_severity { violation, advisory };

/// What an allowance is computed per.
enum class allowance_basis { member_month, member_year, team_year };

/// Whether an allowance is scaled by the share of the period served.
enum class proration { none, days_served };

struct allowance_rule {
  std::string item;  // the name paid amounts are recorded under: living, transport, …
  allowance_basis per = allowance_basis::member_month;
  std::optional<expression> when;  // bool
  expression amount;               // money
  proration prorate = proration::none;
};

enum class minimum_measure { insurance_cover, health_check_cost };
enum class minimum_each { day_served, year_served };

struct minimum_rule {
  minimum_measure of = minimum_measure::insurance_cover;
  expression at_least;  // money
  minimum_each each = minimum_each::day_served;
};

enum class kit_level { required, advised };
enum class kit_holder { team, member };

struct kit_item {
  std::string item;
  bilingual title;
  kit_level level = kit_level::required;
};

struct kit_rule {
  kit_holder holder = kit_holder::team;
  std::vector<kit_item> items;
};

enum class rank_key { score, days_in_village, service_start, id };

struct ranking {
  rank_key key = rank_key::score;
  bool descending = true;
};

enum class quota_population { resident_members };
enum class quota_ties { exclude, include };

struct quota_rule {
  grade of_grade = grade::excellent;
  expression share;  // number (a ratio)
  quota_population of = quota_population::resident_members;
  rounding round = rounding::floor;
  std::vector<ranking> rank_by;
  quota_ties ties = quota_ties::exclude;
  bool separate = false;  // 单列: outside the dispatching unit's own quota
};

struct penalty_line {
  std::vector<std::string> rules;  // rule ids whose findings cost these points
  expression points;               // number
};

struct penalty_rule {
  std::vector<unit_kind> units;  // kinds of unit penalised
  std::vector<penalty_line> lines;
  bool notice = true;                // 通报
  std::optional<expression> cap;     // number: points per unit per year at most
};

enum class every_period { month, quarter, half_year, year };
enum class obligation_subject { team, unit_team, sponsor_team, member };

struct obligation_rule {
  std::variant<visitor_role, meeting_kind> event;
  expression times;  // number
  every_period every = every_period::quarter;
  obligation_subject for_each = obligation_subject::team;
};

struct team_size_rule {
  expression at_least;  // number
};

struct term_rule {
  expression at_least_years;  // number
};

struct attendance_rule {
  expression at_least;  // number: days in the village
  every_period each = every_period::month;
  std::optional<expression> days_away_counted_up_to;  // number
};

/// How a rule settles a point its source leaves open (`choices:`): the key it
/// sets and the county's reason ("county choice: …").
struct rule_choice {
  std::string key;
  std::string source;
  source_location where;
};

struct rule {
  std::string id;
  rule_kind kind = rule_kind::allowance;
  bilingual title;
  std::string source;
  bool county_choice = false;
  responsible_party responsible = responsible_party::county;
  rule_severity severity = rule_severity::violation;
  std::variant<allowance_rule, minimum_rule, kit_rule, quota_rule, penalty_rule, obligation_rule, team_size_rule,
               term_rule, attendance_rule>
      body;
  std::vector<rule_choice> choices;  // the readings the county made where the source is silent
  std::string file;                  // the policy file that defines it
  source_location where;
};

// ---- the policy ------------------------------------------------------------------------

struct money_settings {
  enum class stage { item, member_month, total };
  int scale = places::fen;
  rounding mode = rounding::half_up;
  stage round_at = stage::item;
};

struct policy_source {
  std::string id;
  std::string title;
  std::string publisher;
  std::optional<date> published;
};

struct policy {
  std::string id;
  bilingual title;
  bilingual jurisdiction;
  date_range governs;
  std::vector<policy_source> sources;
  std::vector<std::string> files;  // this file, then its base, then the base's base, …
  money_settings money;
  std::vector<parameter> parameters;  // sorted by id
  std::vector<rule> rules;            // base rules first, in file order
  scope names;                        // every name expressions may use: inputs, then parameters

  [[nodiscard]] const parameter* find_parameter(std::string_view id) const noexcept;
  [[nodiscard]] const rule* find_rule(std::string_view id) const noexcept;
};

// ---- names used in policy files ----------------------------------------------------------
// The spelling of each enumerator in policy YAML, one table per enum (as model.hpp
// does for the county's), so that loading, `rulebook check` and hints agree.

namespace detail {
#define RULEBOOK_ENUM_TABLE(E, ...)                        \
  template <> struct enum_table<E> {                       \
    static constexpr enum_name<E> names[] = {__VA_ARGS__}; \
  }
RULEBOOK_ENUM_TABLE(parameter_unit, {parameter_unit::yuan, "yuan"}, {parameter_unit::yuan_per_day, "yuan/day"},
                    {parameter_unit::yuan_per_month, "yuan/month"}, {parameter_unit::yuan_per_year, "yuan/year"},
                    {parameter_unit::yuan_per_km, "yuan/km"}, {parameter_unit::km, "km"},
                    {parameter_unit::days, "days"}, {parameter_unit::years, "years"},
                    {parameter_unit::count, "count"}, {parameter_unit::points, "points"},
                    {parameter_unit::ratio, "ratio"});
RULEBOOK_ENUM_TABLE(within_month, {within_month::first_day, "first_day"},
                    {within_month::split_by_days, "split_by_days"});
RULEBOOK_ENUM_TABLE(rule_kind, {rule_kind::allowance, "allowance"}, {rule_kind::minimum, "minimum"},
                    {rule_kind::kit, "kit"}, {rule_kind::quota, "quota"}, {rule_kind::penalty, "penalty"},
                    {rule_kind::obligation, "obligation"}, {rule_kind::team_size, "team_size"},
                    {rule_kind::term, "term"}, {rule_kind::attendance, "attendance"});
RULEBOOK_ENUM_TABLE(responsible_party, {responsible_party::dispatching_unit, "dispatching_unit"},
                    {responsible_party::lead_unit, "lead_unit"},
                    {responsible_party::sponsor_units, "sponsor_units"}, {responsible_party::town, "town"},
                    {responsible_party::county, "county"});
RULEBOOK_ENUM_TABLE(rule_severity, {rule_severity::violation, "violation"}, {rule_severity::advisory, "advisory"});
RULEBOOK_ENUM_TABLE(allowance_basis, {allowance_basis::member_month, "member_month"},
                    {allowance_basis::member_year, "member_year"}, {allowance_basis::team_year, "team_year"});
RULEBOOK_ENUM_TABLE(proration, {proration::none, "none"}, {proration::days_served, "days_served"});
RULEBOOK_ENUM_TABLE(minimum_measure, {minimum_measure::insurance_cover, "insurance_cover"},
                    {minimum_measure::health_check_cost, "health_check_cost"});
RULEBOOK_ENUM_TABLE(minimum_each, {minimum_each::day_served, "day_served"},
                    {minimum_each::year_served, "year_served"});
RULEBOOK_ENUM_TABLE(kit_level, {kit_level::required, "required"}, {kit_level::advised, "advised"});
RULEBOOK_ENUM_TABLE(kit_holder, {kit_holder::team, "team"}, {kit_holder::member, "member"});
RULEBOOK_ENUM_TABLE(rank_key, {rank_key::score, "score"}, {rank_key::days_in_village, "days_in_village"},
                    {rank_key::service_start, "service_start"}, {rank_key::id, "id"});
RULEBOOK_ENUM_TABLE(quota_population, {quota_population::resident_members, "resident_members"});
RULEBOOK_ENUM_TABLE(quota_ties, {quota_ties::exclude, "exclude"}, {quota_ties::include, "include"});
RULEBOOK_ENUM_TABLE(every_period, {every_period::month, "month"}, {every_period::quarter, "quarter"},
                    {every_period::half_year, "half_year"}, {every_period::year, "year"});
RULEBOOK_ENUM_TABLE(obligation_subject, {obligation_subject::team, "team"},
                    {obligation_subject::unit_team, "unit_team"}, {obligation_subject::sponsor_team, "sponsor_team"},
                    {obligation_subject::member, "member"});
RULEBOOK_ENUM_TABLE(money_settings::stage, {money_settings::stage::item, "item"},
                    {money_settings::stage::member_month, "member_month"}, {money_settings::stage::total, "total"});
RULEBOOK_ENUM_TABLE(rounding, {rounding::half_up, "half_up"}, {rounding::half_even, "half_even"},
                    {rounding::down, "down"}, {rounding::up, "up"}, {rounding::floor, "floor"},
                    {rounding::ceiling, "ceiling"});
#undef RULEBOOK_ENUM_TABLE
}  // namespace detail

struct policy_load_result {
  std::optional<policy> value;
  std::vector<diagnostic> diagnostics;
  [[nodiscard]] explicit operator bool() const noexcept { return value.has_value(); }
};

/// Loads, checks and compiles the policy at `path` and its bases.
[[nodiscard]] policy_load_result load_policy(const std::filesystem::path& path);

/// Loads, checks and compiles a policy given as YAML text. `file_name` names it
/// in diagnostics and stands for where it would be: a relative `extends:` is
/// read from that name's folder (`rules/mine.yaml` extending
/// `qiyang-2019.yaml` reads `rules/qiyang-2019.yaml`).
[[nodiscard]] policy_load_result load_policy_text(std::string_view text, const std::filesystem::path& file_name);

/// As `load_policy`, but throws `rule_file_error` carrying every diagnostic.
[[nodiscard]] policy load_policy_or_throw(const std::filesystem::path& path);

}  // namespace rulebook
