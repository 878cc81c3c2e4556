// Helpers the engine tests share: dates and money from text, policies written
// from YAML text, and a small county of two teams to put members in.
#pragma once

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "rulebook/engine.hpp"
#include "rulebook/load.hpp"
#include "rulebook/policy.hpp"

namespace rulebook::testing {

inline date day(int y, int m, int d) {
  return date(static_cast<unsigned short>(y), static_cast<unsigned short>(m), static_cast<unsigned short>(d));
}
inline money yuan(std::string_view text) { return money::parse(text); }

inline std::filesystem::path source(std::string_view relative) {
  return std::filesystem::path(RULEBOOK_SOURCE_DIR) / relative;
}

/// Writes `yaml` to a policy file named `name` in `folder` (under the temporary
/// directory) and compiles it.
inline program policy_from(std::string_view folder, std::string_view name, std::string_view yaml) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / folder;
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / (std::string(name) + ".yaml");
  std::ofstream(path, std::ios::binary) << yaml;
  return compile(load_policy_or_throw(path));
}

/// The `policy:` block of a test policy governing 2019.
inline constexpr std::string_view policy_header = R"(policy:
  id: test
  title: {zh: 测试, en: test}
  jurisdiction: {zh: 测试县, en: Test County}
  governs: {from: 2019-01-01, to: 2019-12-31}
)";

/// A county of two teams (TA 10 km from U1, TB 20 km from U2) and the members given.
inline county small_county(std::vector<member> members, std::vector<month_record> months) {
  county c;
  c.id = "test";
  c.units = {{"U1", "unit one", unit_kind::county_department}, {"U2", "unit two", unit_kind::institution}};
  for (const auto& [id, lead, km] : {std::tuple{"TA", "U1", 10}, std::tuple{"TB", "U2", 20}}) {
    team t;
    t.id = id;
    t.lead_unit = lead;
    t.distance_km = decimal::from_int(km);
    c.teams.push_back(std::move(t));
  }
  c.members = std::move(members);
  c.months = month_records(months.begin(), months.end());
  return c;
}

/// A member of unit U1 with the given role and stretches of service.
inline member serving(std::string id, member_role role, std::vector<service_interval> service) {
  member m;
  m.id = std::move(id);
  m.role = role;
  m.unit = "U1";
  m.service = std::move(service);
  return m;
}

/// A 2019 month record.
inline month_record record(std::string member, int month, int days, int trips, std::vector<paid_amount> paid = {}) {
  return {.member = std::move(member), .month = {2019, month}, .days_in_village = days, .round_trips = trips,
          .days_away_on_duty = 0, .paid = std::move(paid)};
}

}  // namespace rulebook::testing
