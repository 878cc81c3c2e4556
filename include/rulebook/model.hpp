// rulebook/model.hpp — the county as plain data: sponsor units, work teams,
// their members, month records and care events.
//
// A county system fills these structs from its own database (or calls
// `load_county` on a YAML or CSV export) and hands them to the engine. They
// hold facts only — what was on hand, paid, or done — never what a policy says
// is owed; that is the engine's job. Ids are strings chosen by the county;
// references between entities are by id and are checked when loading.
//
//   rulebook::county c;
//   c.units.push_back({.id = "U01", .name = "县财政局", .kind = rulebook::unit_kind::county_department});
//   c.teams.push_back({.id = "T01", .village = "日晖塘村", .town = "大忠桥镇", .lead_unit = "U01",
//                      .distance_km = rulebook::decimal::parse("86.5")});
//
// Plain value types: copyable, comparable, no invariants beyond what
// `load_county` checks; safe to read from many threads once filled.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rulebook/money.hpp"
#include "rulebook/month_records.hpp"
#include "rulebook/period.hpp"

namespace rulebook {

// ---- sponsor units (后盾/派出单位) -------------------------------------------

enum class unit_kind {
  county_department,  // 县直单位
  township,           // 乡镇(街道)
  institution,        // 事业单位
  enterprise,         // 国有企业
  other,
};

struct sponsor_unit {
  std::string id;
  std::string name;
  unit_kind kind = unit_kind::county_department;

  friend bool operator==(const sponsor_unit&, const sponsor_unit&) = default;
};

// ---- teams (驻村工作队) ------------------------------------------------------

/// An item of the office and living kit on hand in a team's village, from
/// `since` until `until` (inclusive; open when absent). Item names are the
/// policy's (`computer`, `printer`, `desk_set`, `water_heater`, `kitchen_set`,
/// `bedding_set` for Qiyang's 六个一).
struct kit_holding {
  std::string item;
  date since;
  std::optional<date> until;

  friend bool operator==(const kit_holding&, const kit_holding&) = default;
};

/// Work funds (工作经费) a team received.
struct funds_receipt {
  date on;
  money amount;
  std::string from_unit;  // the sponsor unit that paid, empty when the county paid

  friend bool operator==(const funds_receipt&, const funds_receipt&) = default;
};

struct team {
  std::string id;
  std::string village;
  std::string town;
  std::string lead_unit;                   // 牵头单位; transport is measured from it
  std::vector<std::string> sponsor_units;  // other 后盾单位, besides the lead unit
  decimal distance_km;                     // lead unit → village, one way
  std::vector<kit_holding> kit;
  std::vector<funds_receipt> funds_received;

  friend bool operator==(const team&, const team&) = default;
};

// ---- members (工作队员) -------------------------------------------------------

enum class member_role {
  member,           // 队员
  leader,           // 队长
  first_secretary,  // 第一书记 (normally also the team leader)
};

/// True for the roles that attend team leaders' meetings.
[[nodiscard]] constexpr bool leads_team(member_role r) noexcept { return r != member_role::member; }

/// A stretch of residence in one team. A member who moves team has one interval
/// per team; intervals of one member never overlap.
struct service_interval {
  std::string team;
  date from;
  std::optional<date> to;  // inclusive; open-ended when absent

  friend bool operator==(const service_interval&, const service_interval&) = default;
};

struct insurance_policy {
  money cover;  // 保额
  date from;
  date to;      // inclusive
  std::string insurer;

  friend bool operator==(const insurance_policy&, const insurance_policy&) = default;
};

struct health_check {
  date on;
  money cost;

  friend bool operator==(const health_check&, const health_check&) = default;
};

enum class grade {
  excellent,            // 优秀
  competent,            // 称职
  basically_competent,  // 基本称职
  incompetent,          // 不称职
};

struct assessment {
  int year = 0;
  decimal score;
  grade proposed = grade::competent;

  friend bool operator==(const assessment&, const assessment&) = default;
};

struct member {
  std::string id;
  std::string name;
  member_role role = member_role::member;
  std::string unit;  // the dispatching unit (派出单位)
  std::vector<service_interval> service;
  std::vector<insurance_policy> insurance;
  std::vector<health_check> health_checks;
  std::vector<assessment> assessments;

  friend bool operator==(const member&, const member&) = default;
};

// ---- month records (月度记录) -------------------------------------------------

// Their columns: `month_record` (one record as plain data) and `month_records`
// (a county's, as columns) are in month_records.hpp.

// ---- care events (走访慰问 / 座谈) ---------------------------------------------

enum class visitor_role {
  unit_head,     // 派出单位主要负责人
  town_leader,   // 派驻地镇(街道)主要负责人、分管领导
  sponsor_unit,  // 后盾帮扶单位
};

struct visit {
  date on;
  visitor_role visitor = visitor_role::unit_head;
  std::string unit;  // the visiting unit; empty for a town leader's visit
  std::string team;

  friend bool operator==(const visit&, const visit&) = default;
};

enum class meeting_kind {
  leaders,  // 驻村工作队长会议 (each quarter)
  members,  // 工作队员座谈会 (each half year)
};

struct meeting {
  date on;
  meeting_kind kind = meeting_kind::leaders;
  std::vector<std::string> attendees;  // member ids

  friend bool operator==(const meeting&, const meeting&) = default;
};

enum class condolence_reason {
  serious_illness,   // 患重大疾病
  injury_on_duty,    // 因公受伤
  family_hardship,   // 家庭出现重大变故
};

struct condolence {
  date on;
  std::string member;
  condolence_reason reason = condolence_reason::serious_illness;
  money amount;
  std::string paid_by;  // a unit id, or empty for the county's own fund

  friend bool operator==(const condolence&, const condolence&) = default;
};

// ---- the county ---------------------------------------------------------------

struct county {
  std::string id;
  std::string name;
  std::string province;
  std::vector<sponsor_unit> units;
  std::vector<team> teams;
  std::vector<member> members;
  month_records months;
  std::vector<visit> visits;
  std::vector<meeting> meetings;
  std::vector<condolence> condolences;

  friend bool operator==(const county&, const county&) = default;
};

// ---- names used in data files ----------------------------------------------------
// The spelling of each enumerator in YAML and CSV, in one table per enum so that
// parsing, printing and "did you mean" hints agree.

template <class E>
struct enum_name {
  E value;
  std::string_view name;
};

namespace detail {
template <class E> struct enum_table;
#define RULEBOOK_ENUM_TABLE(E, ...)                                          \
  template <> struct enum_table<E> {                                         \
    static constexpr enum_name<E> names[] = {__VA_ARGS__};                   \
  }
RULEBOOK_ENUM_TABLE(unit_kind, {unit_kind::county_department, "county_department"},
                    {unit_kind::township, "township"}, {unit_kind::institution, "institution"},
                    {unit_kind::enterprise, "enterprise"}, {unit_kind::other, "other"});
RULEBOOK_ENUM_TABLE(member_role, {member_role::member, "member"}, {member_role::leader, "leader"},
                    {member_role::first_secretary, "first_secretary"});
RULEBOOK_ENUM_TABLE(grade, {grade::excellent, "excellent"}, {grade::competent, "competent"},
                    {grade::basically_competent, "basically_competent"},
                    {grade::incompetent, "incompetent"});
RULEBOOK_ENUM_TABLE(visitor_role, {visitor_role::unit_head, "unit_head"},
                    {visitor_role::town_leader, "town_leader"},
                    {visitor_role::sponsor_unit, "sponsor_unit"});
RULEBOOK_ENUM_TABLE(meeting_kind, {meeting_kind::leaders, "leaders"}, {meeting_kind::members, "members"});
RULEBOOK_ENUM_TABLE(condolence_reason, {condolence_reason::serious_illness, "serious_illness"},
                    {condolence_reason::injury_on_duty, "injury_on_duty"},
                    {condolence_reason::family_hardship, "family_hardship"});
#undef RULEBOOK_ENUM_TABLE
}  // namespace detail

/// Every enumerator of `E` with its data-file spelling.
template <class E>
[[nodiscard]] constexpr std::span<const enum_name<E>> enum_names() noexcept {
  return detail::enum_table<E>::names;
}

/// The data-file spelling of `value`.
template <class E>
[[nodiscard]] constexpr std::string_view to_string(E value) noexcept
  requires requires { detail::enum_table<E>::names; }
{
  for (const auto& n : enum_names<E>())
    if (n.value == value) return n.name;
  return {};
}

/// The enumerator spelt `name`, or nothing when no enumerator is.
template <class E>
[[nodiscard]] constexpr std::optional<E> parse_enum(std::string_view name) noexcept {
  for (const auto& n : enum_names<E>())
    if (n.name == name) return n.value;
  return std::nullopt;
}

}  // namespace rulebook
