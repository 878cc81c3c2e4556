// rulebook/generate.hpp — synthetic counties of any size, for benchmarks and
// tests: `generate_county` writes a county as the folder of CSV tables that
// `load_county` reads (docs/data-format.md), with realistic distributions and
// policy failures planted at known rates.
//
//   rulebook::generate_options o;
//   o.teams = 10'000;
//   o.members_per_team = 10;
//   o.seed = 42;
//   const rulebook::generate_report r = rulebook::generate_county(o, "/tmp/county");
//   // r.planted.under_insured members have a cover below 200000, …
//
// The data follows the Qiyang 2019 policy (rules/qiyang-2019.yaml): amounts
// paid equal what that policy owes, to the fen, unless a short payment is
// planted; visits, meetings, kits, insurance, health checks and work funds meet
// its duties unless a failure is planted. Evaluating the Qiyang policy over a
// generated county therefore finds exactly the planted failures (and the
// proposals over the excellent-grade quota); `generate_report::planted` counts
// them, and docs/generate.md lists each rate and what it plants.
//
// Deterministic: the same options give the same bytes on any machine — the
// generator draws from its own splitmix64 streams with integer arithmetic only,
// never from `<random>`'s distributions (whose output the standard leaves to
// each library) and never through floating point.
//
// Streaming: rows are written as they are made, town by town (a town is a
// group of about ten teams whose members move only among themselves); nothing
// bigger than one town is held in memory, so 3 million members take the memory
// of a few hundred.
//
// Thread safety: `generate_county` touches no global state; calls writing to
// different folders may run at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace rulebook {

/// How often each planted failure, and each ordinary event, occurs: parts per
/// million of the opportunities named beside it. The defaults are the rates
/// docs/generate.md documents; set a rate to 0 for none of that failure (all
/// failure rates 0: a county the Qiyang policy finds nothing wrong with, but
/// the proposals over the excellent quota).
struct generate_rates {
  // ---- failures (each is one finding of the Qiyang policy) ----
  std::uint32_t under_insured = 10'000;           // of members: every policy's cover under 200000
  std::uint32_t insurance_lapse = 10'000;         // of members serving the whole year: 1–60 days uncovered
  std::uint32_t cheap_health_check = 15'000;      // of members: the year's check costs under 500
  std::uint32_t no_health_check = 10'000;         // of members: no check dated in the year
  std::uint32_t kit_item_missing = 40'000;        // of teams: one item of the six never on hand
  std::uint32_t kit_item_removed = 20'000;        // of teams: one item gone in February–November
  std::uint32_t kit_item_late = 20'000;           // of teams: one item arrives in February–November
  std::uint32_t funds_short = 30'000;             // of teams: 5000–8000 of the 10000 work funds received
  std::uint32_t unit_head_visit_missed = 20'000;  // of (dispatching unit, team) pairs × quarters
  std::uint32_t town_leader_visit_missed = 10'000;  // of teams × quarters
  std::uint32_t sponsor_visit_missed = 30'000;    // of (lead or sponsor unit, team) pairs, in the year
  std::uint32_t leaders_meeting_missed = 20'000;  // of team leaders × quarters served
  std::uint32_t members_meeting_missed = 20'000;  // of members × half-years served
  std::uint32_t living_paid_short = 5'000;        // of member-months in the village: paid 80 a day, not 100
  std::uint32_t transport_paid_short = 5'000;     // of member-months with a trip: one payable trip unpaid
  std::uint32_t communication_paid_short = 2'000;  // of member-months: half the subsidy paid
  std::uint32_t term_cut_short = 250'000;         // of members who leave: after less than two years
  // ---- ordinary events (no finding) ----
  std::uint32_t excellent_proposed = 220'000;     // of members: proposed excellent (the quota is 20 %)
  std::uint32_t leaves = 30'000;                  // of team places: the member leaves mid-month, replaced the next day
  std::uint32_t moves = 20'000;                   // of members (not leaders): moves mid-month to a team of the same town
  std::uint32_t payment_unrecorded = 3'000;       // of member-months, per item: the paid cell left empty
  std::uint32_t condolence = 2'000;               // of members: a condolence payment (慰问金) in the year
};

/// What to generate.
struct generate_options {
  std::size_t teams = 10;             ///< 1 to 100,000,000
  std::size_t members_per_team = 5;   ///< places per team, 1 to 10,000 (below 3 the national base's team_size flags every team)
  int year = 2019;                    ///< the year of the month records and events, 1910 to 9990
  std::uint64_t seed = 1;
  generate_rates rates;
  /// Called after each town with the teams written so far and the total, when set.
  std::function<void(std::size_t done, std::size_t total)> progress;
};

/// One table written: its file name, data rows (the header not counted) and bytes.
struct generated_table {
  std::string file;
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
};

/// The failures planted, counted as the Qiyang policy counts findings (one per
/// member, team, pair or member-month, as docs/generate.md says).
struct planted_failures {
  std::uint64_t under_insured = 0, insurance_lapses = 0;           // rule accident_insurance
  std::uint64_t cheap_health_checks = 0, no_health_checks = 0;     // rule health_check
  std::uint64_t kit_items_missing = 0, kit_items_removed = 0, kit_items_late = 0;  // rule six_items (advisory)
  std::uint64_t funds_short = 0;                                    // rule work_funds
  std::uint64_t unit_head_visits_missed = 0;                        // rule unit_head_visits
  std::uint64_t town_leader_visits_missed = 0;                      // rule town_leader_visits
  std::uint64_t sponsor_visits_missed = 0;                          // rule sponsor_visits
  std::uint64_t leaders_meetings_missed = 0;                        // rule leaders_meetings
  std::uint64_t members_meetings_missed = 0;                        // rule members_meetings
  std::uint64_t living_paid_short = 0, transport_paid_short = 0, communication_paid_short = 0;  // rules living, …
  std::uint64_t terms_cut_short = 0;                                // rule term (national base, advisory)
  std::uint64_t excellent_proposed = 0;                             // proposals, for the quota
};

/// The number of chances each failure had: the denominators of `generate_rates`.
struct failure_opportunities {
  std::uint64_t members = 0, members_whole_year = 0, teams = 0;
  std::uint64_t unit_team_quarters = 0, team_quarters = 0, sponsor_pairs = 0;
  std::uint64_t leader_quarters = 0, member_half_years = 0;
  std::uint64_t member_months = 0, member_months_in_village = 0, member_months_with_trips = 0;
  std::uint64_t leavers = 0, movers = 0;
};

/// What `generate_county` wrote.
struct generate_report {
  std::vector<generated_table> tables;  // in the order docs/data-format.md lists them
  std::uint64_t units = 0, teams = 0, towns = 0, members = 0, member_months = 0;
  planted_failures planted;
  failure_opportunities chances;
};

/// Writes a county of `options.teams` teams of `options.members_per_team`
/// places each, for `options.year`, into `folder` as CSV tables (created when
/// missing; the tables it writes are replaced). Throws std::invalid_argument
/// for options out of range or a folder holding other files, and
/// std::system_error when a file cannot be written (the path named).
generate_report generate_county(const generate_options& options, const std::filesystem::path& folder);

namespace detail {

/// splitmix64 (Steele, Lea and Flood 2014; Vigna's reference `splitmix64.c`): a
/// 64-bit generator whose output is fixed by its seed on every platform.
class splitmix64 {
 public:
  explicit constexpr splitmix64(std::uint64_t seed) noexcept : state_(seed) {}
  constexpr std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// A number in [0, n), unbiased (Lemire's multiply-and-reject); n > 0.
  constexpr std::uint64_t below(std::uint64_t n) noexcept {
    __extension__ using wide = unsigned __int128;
    wide m = static_cast<wide>(next()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<wide>(next()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }
  /// A number in [lo, hi].
  constexpr std::int64_t between(std::int64_t lo, std::int64_t hi) noexcept {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }
  /// True with probability `per_million` / 1,000,000.
  constexpr bool chance(std::uint32_t per_million) noexcept { return below(1'000'000) < per_million; }

 private:
  std::uint64_t state_;
};

}  // namespace detail

}  // namespace rulebook
