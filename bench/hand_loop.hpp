// Bench helper: the Qiyang member-month allowances written by hand, as a county
// system would write them, over columns prepared beforehand — what the engine
// is measured against (engine_bench, core_bench).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "rulebook/money.hpp"

namespace rulebook_bench {

/// The allowances' inputs, one row per member-month.
struct allowance_columns {
  std::vector<std::int64_t> days_in_village, round_trips, distance_raw, days_served, days_in_month;
  [[nodiscard]] std::size_t size() const { return days_in_village.size(); }
};

/// living = 100 × days; transport = 1.5 × 2 × min(trips, 4) × km, half-up to the fen;
/// communication = 100 × served / days in the month, half-up to the fen. The total owed.
inline rulebook::money hand_allowances(const allowance_columns& c) {
  namespace rb = rulebook;
  const rb::money per_day = rb::money::yuan(100), per_month = rb::money::yuan(100);
  const rb::money per_km = rb::money::parse("1.5");
  rb::money owed;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const rb::money living = per_day * c.days_in_village[i];
    const std::int64_t trips = std::min<std::int64_t>(c.round_trips[i], 4);
    const rb::money transport =
        (per_km * (2 * trips)).mul_div(c.distance_raw[i], rb::money::one, rb::rounding::half_up, rb::places::fen);
    const rb::money communication =
        per_month.mul_div(c.days_served[i], c.days_in_month[i], rb::rounding::half_up, rb::places::fen);
    owed += living + transport + communication;
  }
  return owed;
}

}  // namespace rulebook_bench
