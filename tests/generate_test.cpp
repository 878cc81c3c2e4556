// Synthetic counties (rulebook/generate.hpp, docs/generate.md): the same bytes for
// a seed, a county that loads cleanly, what the Qiyang policy finds in it — each
// planted failure once, nothing else — and the same results on any number of
// threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include "rulebook/engine.hpp"
#include "rulebook/generate.hpp"
#include "rulebook/load.hpp"

namespace {

namespace fs = std::filesystem;
namespace rb = rulebook;

std::string source(const std::string& relative) { return std::string(RULEBOOK_SOURCE_DIR) + "/" + relative; }

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A fresh folder under the system's temporary folder, removed at the end of the test.
struct temp_folder {
  fs::path path;
  explicit temp_folder(const std::string& name)
      : path(fs::temp_directory_path() / ("rulebook-generate-test-" + std::to_string(::getpid()) + "-" + name)) {
    fs::remove_all(path);
  }
  ~temp_folder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

rb::generate_options options(std::size_t teams, std::size_t members, std::uint64_t seed) {
  rb::generate_options o;
  o.teams = teams;
  o.members_per_team = members;
  o.seed = seed;
  return o;
}

/// Every failure rate zero: a county the policy finds nothing wrong with.
rb::generate_rates no_failures() {
  rb::generate_rates r;
  r.under_insured = r.insurance_lapse = r.cheap_health_check = r.no_health_check = 0;
  r.kit_item_missing = r.kit_item_removed = r.kit_item_late = r.funds_short = 0;
  r.unit_head_visit_missed = r.town_leader_visit_missed = r.sponsor_visit_missed = 0;
  r.leaders_meeting_missed = r.members_meeting_missed = 0;
  r.living_paid_short = r.transport_paid_short = r.communication_paid_short = r.term_cut_short = 0;
  r.excellent_proposed = 0;
  return r;
}

const rb::program& qiyang() {
  static const rb::program p = rb::compile(rb::load_policy_or_throw(source("rules/qiyang-2019.yaml")));
  return p;
}

std::map<std::string, std::size_t> findings_by_rule(const rb::results& r) {
  std::map<std::string, std::size_t> n;
  for (const rb::finding& f : r.findings) ++n[f.rule];
  return n;
}

}  // namespace

// ---- the generator's random numbers ------------------------------------------------------

TEST(splitmix64, gives_the_reference_implementations_numbers) {
  // The first outputs of Vigna's splitmix64.c for the seed 1234567, as published with it.
  rb::detail::splitmix64 g(1234567);
  EXPECT_EQ(g.next(), 6457827717110365317ull);
  EXPECT_EQ(g.next(), 3203168211198807973ull);
  EXPECT_EQ(g.next(), 9817491932198370423ull);
  EXPECT_EQ(g.next(), 4593380528125082431ull);
  EXPECT_EQ(g.next(), 16408922859458223821ull);
}

TEST(splitmix64, draws_every_number_of_a_range_and_none_outside_it) {
  rb::detail::splitmix64 g(42);
  std::map<std::int64_t, int> seen;
  for (int i = 0; i < 7000; ++i) ++seen[g.between(-3, 3)];
  ASSERT_EQ(seen.size(), 7u);
  EXPECT_EQ(seen.begin()->first, -3);
  EXPECT_EQ(seen.rbegin()->first, 3);
  for (const auto& [value, times] : seen) {  // 1000 expected each; 6 standard deviations is ±185
    EXPECT_GT(times, 815) << value;
    EXPECT_LT(times, 1185) << value;
  }
  int hits = 0;
  for (int i = 0; i < 100'000; ++i) hits += g.chance(20'000) ? 1 : 0;  // 2 %: 2000 ± 6 × 44
  EXPECT_GT(hits, 2000 - 265);
  EXPECT_LT(hits, 2000 + 265);
  EXPECT_FALSE(rb::detail::splitmix64(1).chance(0));
  EXPECT_TRUE(rb::detail::splitmix64(1).chance(1'000'000));
}

// ---- determinism ---------------------------------------------------------------------------

TEST(generate, writes_the_same_bytes_for_the_same_seed_and_other_bytes_for_another) {
  temp_folder a("same-a"), b("same-b"), c("other");
  const rb::generate_report ra = rb::generate_county(options(40, 4, 11), a.path);
  const rb::generate_report rb_ = rb::generate_county(options(40, 4, 11), b.path);
  rb::generate_county(options(40, 4, 12), c.path);
  ASSERT_EQ(ra.tables.size(), 14u);
  ASSERT_EQ(rb_.tables.size(), 14u);
  for (const rb::generated_table& t : ra.tables) {
    SCOPED_TRACE(t.file);
    const std::string bytes = read(a.path / t.file);
    EXPECT_EQ(bytes.size(), t.bytes);
    EXPECT_EQ(bytes, read(b.path / t.file));
  }
  for (const char* file : {"teams.csv", "members.csv", "months.csv", "visits.csv", "insurance.csv"}) {
    SCOPED_TRACE(file);
    EXPECT_NE(read(a.path / file), read(c.path / file));
  }
  // The folder holds the tables and nothing else: the meetings' scratch files are gone.
  std::size_t files = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(a.path)) {
    EXPECT_EQ(e.path().extension(), ".csv") << e.path();
    ++files;
  }
  EXPECT_EQ(files, 14u);
}

TEST(generate, runs_again_over_its_own_tables) {
  temp_folder a("again");
  rb::generate_county(options(10, 3, 5), a.path);
  const std::string first = read(a.path / "months.csv");
  rb::generate_county(options(12, 3, 6), a.path);
  EXPECT_NE(read(a.path / "months.csv"), first);
  EXPECT_TRUE(rb::load_county(a.path).value.has_value());
}

// ---- a county that loads, with what the report says ----------------------------------------

TEST(generate, writes_a_county_that_loads_cleanly_with_the_counts_reported) {
  temp_folder a("loads");
  const rb::generate_report r = rb::generate_county(options(60, 5, 3), a.path);
  const rb::county_load_result loaded = rb::load_county(a.path);
  ASSERT_TRUE(loaded.value.has_value());
  EXPECT_TRUE(loaded.diagnostics.empty()) << rb::format(loaded.diagnostics);
  const rb::county& c = *loaded.value;
  EXPECT_EQ(c.teams.size(), 60u);
  EXPECT_EQ(c.units.size(), 60u * 3 / 4 + 2);  // 47
  EXPECT_EQ(c.members.size(), r.members);
  EXPECT_EQ(c.months.size(), r.member_months);
  // Each team's places, plus a successor for each who left or moved.
  EXPECT_EQ(r.members, 60u * 5 + r.chances.leavers + r.chances.movers);
  for (const rb::generated_table& t : r.tables) {
    if (t.file == "months.csv") {
      EXPECT_EQ(t.rows, c.months.size());
    }
    if (t.file == "members.csv") {
      EXPECT_EQ(t.rows, c.members.size());
    }
    if (t.file == "kit.csv") {
      EXPECT_EQ(t.rows, 6 * 60 - r.planted.kit_items_missing);
    }
  }
  for (const rb::team& t : c.teams) {
    EXPECT_GE(t.distance_km, rb::decimal::parse("1.0")) << t.id;
    EXPECT_LE(t.distance_km, rb::decimal::parse("300.0")) << t.id;
  }
  for (const auto row : c.months) {
    const rb::month_record m = row.record();
    EXPECT_LE(m.days_in_village + m.days_away_on_duty, m.month.days()) << m.member;
    EXPECT_GE(m.round_trips, 0);
    EXPECT_LE(m.round_trips, 8);
  }
}

TEST(generate, pays_what_the_qiyang_rules_owe_worked_out_from_each_record) {
  // No failure, no move: each month record's payment follows from the record and the
  // team's distance alone — living 100 × days; transport 1.5 × 2 × min(trips, 4) × km;
  // communication 100 (or 100 × days served / days of the month for a part month).
  temp_folder a("paid");
  rb::generate_options o = options(30, 4, 9);
  o.rates = no_failures();
  o.rates.leaves = o.rates.moves = o.rates.payment_unrecorded = 0;
  rb::generate_county(o, a.path);
  const rb::county c = rb::load_county_or_throw(a.path);
  std::map<std::string, const rb::team*> team_of;
  for (const rb::member& m : c.members)
    for (const rb::team& t : c.teams)
      if (t.id == m.service.front().team) team_of[m.id] = &t;
  ASSERT_EQ(c.months.size(), 30u * 4 * 12);
  std::size_t over_four = 0;
  for (const auto row : c.months) {
    const rb::month_record r = row.record();
    SCOPED_TRACE(r.member + " " + r.month.to_string());
    ASSERT_EQ(r.paid.size(), 3u);
    const rb::team& t = *team_of.at(r.member);
    over_four += r.round_trips > 4;
    const rb::money transport = (rb::money::parse("1.5") * std::int64_t{2 * std::min(r.round_trips, 4)})
                                    .mul_div(t.distance_km.raw(), rb::decimal::one, rb::rounding::half_up, rb::places::fen);
    for (const rb::paid_amount& p : r.paid) {
      if (p.item == "living") {
        EXPECT_EQ(p.amount, rb::money::yuan(100) * std::int64_t{r.days_in_village});
      }
      if (p.item == "transport") {
        EXPECT_EQ(p.amount, transport);
      }
      if (p.item == "communication") {
        EXPECT_EQ(p.amount, rb::money::yuan(100));
      }
    }
  }
  EXPECT_GT(over_four, 0u);  // the four-trip cap is exercised
}

// ---- what the Qiyang policy finds -------------------------------------------------------

TEST(generate, a_county_without_planted_failures_has_no_finding_even_with_many_moves) {
  temp_folder a("clean");
  rb::generate_options o = options(120, 4, 21);
  o.rates = no_failures();
  o.rates.leaves = 300'000;  // many part months, successors and sittings of meetings
  o.rates.moves = 400'000;   // many months served in two teams
  o.rates.payment_unrecorded = 0;
  const rb::generate_report g = rb::generate_county(o, a.path);
  ASSERT_GT(g.chances.movers, 50u);
  ASSERT_GT(g.chances.leavers, 50u);
  const rb::results r = rb::evaluate(qiyang(), rb::load_county_or_throw(a.path), rb::period::of_year(2019));
  for (const rb::finding& f : r.findings) ADD_FAILURE() << f.rule << ' ' << f.subject_id << ": " << f.message;
  ASSERT_EQ(r.quotas.size(), 1u);
  EXPECT_TRUE(r.quotas[0].over_quota.empty());
  // Each item paid in full, to the fen, in months served in two teams too.
  for (const rb::item_total& t : r.totals) EXPECT_EQ(t.owed, t.paid) << t.item;
}

TEST(generate, fewer_than_three_places_a_team_is_what_the_national_base_flags) {
  temp_folder a("small-teams");
  rb::generate_options o = options(15, 2, 4);
  o.rates = no_failures();
  o.rates.moves = 0;  // a move would lend a team a third member for part of the year
  rb::generate_county(o, a.path);
  const rb::results r = rb::evaluate(qiyang(), rb::load_county_or_throw(a.path), rb::period::of_year(2019));
  const auto n = findings_by_rule(r);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n.at("team_size"), 15u);  // each team, all year, 2 < 3
}

namespace {

/// Within four standard deviations, plus one, of a binomial count's expectation:
/// docs/generate.md's bound for each rate.
void expect_rate(const char* what, std::uint64_t count, std::uint64_t chances, std::uint32_t per_million) {
  const double p = per_million / 1e6;
  const double mean = static_cast<double>(chances) * p;
  const double bound = 4 * std::sqrt(mean * (1 - p)) + 1;
  EXPECT_GT(mean - bound, 0) << what << ": too few chances for the rate to show";
  EXPECT_GE(static_cast<double>(count), mean - bound) << what << ": " << count << " of " << chances;
  EXPECT_LE(static_cast<double>(count), mean + bound) << what << ": " << count << " of " << chances;
}

}  // namespace

TEST(generate, the_qiyang_policy_finds_each_planted_failure_once_at_the_documented_rates) {
  temp_folder a("planted");
  const rb::generate_options o = options(1000, 5, 2019);
  const rb::generate_report g = rb::generate_county(o, a.path);
  const rb::county c = rb::load_county_or_throw(a.path);
  const rb::results r = rb::evaluate(qiyang(), c, rb::period::of_year(2019));
  const auto n = findings_by_rule(r);
  const auto found = [&](const char* rule) { return n.contains(rule) ? n.at(rule) : std::size_t{0}; };
  const rb::planted_failures& p = g.planted;
  const rb::failure_opportunities& k = g.chances;
  const rb::generate_rates& rate = o.rates;

  EXPECT_EQ(found("accident_insurance"), p.under_insured + p.insurance_lapses);
  EXPECT_EQ(found("health_check"), p.cheap_health_checks + p.no_health_checks);
  EXPECT_EQ(found("six_items"), p.kit_items_missing + p.kit_items_removed + p.kit_items_late);
  EXPECT_EQ(found("work_funds"), p.funds_short);
  EXPECT_EQ(found("unit_head_visits"), p.unit_head_visits_missed);
  EXPECT_EQ(found("town_leader_visits"), p.town_leader_visits_missed);
  EXPECT_EQ(found("sponsor_visits"), p.sponsor_visits_missed);
  EXPECT_EQ(found("leaders_meetings"), p.leaders_meetings_missed);
  EXPECT_EQ(found("members_meetings"), p.members_meetings_missed);
  EXPECT_EQ(found("living"), p.living_paid_short);
  EXPECT_EQ(found("transport"), p.transport_paid_short);
  EXPECT_EQ(found("communication"), p.communication_paid_short);
  EXPECT_EQ(found("term"), p.terms_cut_short);
  EXPECT_EQ(found("team_size"), 0u);
  // Nothing the generator did not plant.
  for (const auto& [rule, count] : n)
    EXPECT_TRUE(rule == "accident_insurance" || rule == "health_check" || rule == "six_items" || rule == "work_funds" ||
                rule == "unit_head_visits" || rule == "town_leader_visits" || rule == "sponsor_visits" ||
                rule == "leaders_meetings" || rule == "members_meetings" || rule == "living" || rule == "transport" ||
                rule == "communication" || rule == "term" || rule == "excellent_quota")
        << rule << ": " << count;

  // Kit items are advised, and the national base's term only reported: advisories.
  // Every other failure is a violation.
  for (const rb::finding& f : r.findings) {
    const bool advised = f.rule == "six_items" || f.rule == "term";
    EXPECT_EQ(f.severity, advised ? rb::finding_severity::advisory : rb::finding_severity::violation) << f.rule;
  }

  // The excellent quota: floor(20 % of every member of the year); those proposed past
  // it are over it, and members tied on every key at the boundary are all left out.
  ASSERT_EQ(r.quotas.size(), 1u);
  const rb::quota_result& q = r.quotas[0];
  EXPECT_EQ(q.population, c.members.size());
  EXPECT_EQ(q.places, c.members.size() / 5);
  EXPECT_EQ(q.ranking.size(), c.members.size());  // everyone assessed is ranked
  EXPECT_EQ(static_cast<std::size_t>(std::count_if(q.ranking.begin(), q.ranking.end(),
                                                   [](const rb::quota_place& x) { return x.proposed; })),
            p.excellent_proposed);
  // The first proposal left out, and the proposals equal to it on every key (one rank).
  std::size_t within = 0, at_boundary = 0;
  std::size_t boundary_rank = 0;
  for (const rb::quota_place& place : q.ranking) {
    within += place.within_quota ? 1 : 0;
    if (place.proposed && !place.within_quota && boundary_rank == 0) boundary_rank = place.rank;
  }
  for (const rb::quota_place& place : q.ranking) at_boundary += place.proposed && place.rank == boundary_rank ? 1 : 0;
  ASSERT_GT(p.excellent_proposed, q.places);
  EXPECT_LE(within, q.places);
  EXPECT_GE(within + at_boundary, q.places);  // only a tie at the boundary leaves places empty
  EXPECT_EQ(q.over_quota.size(), p.excellent_proposed - within);
  EXPECT_EQ(found("excellent_quota"), q.over_quota.size());

  // The rates, each within four standard deviations (plus one) of its expectation.
  expect_rate("under_insured", p.under_insured, k.members, rate.under_insured);
  expect_rate("insurance_lapse", p.insurance_lapses, k.members_whole_year, rate.insurance_lapse);
  expect_rate("cheap_health_check", p.cheap_health_checks, k.members, rate.cheap_health_check);
  expect_rate("no_health_check", p.no_health_checks, k.members, rate.no_health_check);
  expect_rate("kit_item_missing", p.kit_items_missing, k.teams, rate.kit_item_missing);
  expect_rate("kit_item_removed", p.kit_items_removed, k.teams, rate.kit_item_removed);
  expect_rate("kit_item_late", p.kit_items_late, k.teams, rate.kit_item_late);
  expect_rate("funds_short", p.funds_short, k.teams, rate.funds_short);
  expect_rate("unit_head_visit_missed", p.unit_head_visits_missed, k.unit_team_quarters, rate.unit_head_visit_missed);
  expect_rate("town_leader_visit_missed", p.town_leader_visits_missed, k.team_quarters, rate.town_leader_visit_missed);
  expect_rate("sponsor_visit_missed", p.sponsor_visits_missed, k.sponsor_pairs, rate.sponsor_visit_missed);
  expect_rate("leaders_meeting_missed", p.leaders_meetings_missed, k.leader_quarters, rate.leaders_meeting_missed);
  expect_rate("members_meeting_missed", p.members_meetings_missed, k.member_half_years, rate.members_meeting_missed);
  expect_rate("living_paid_short", p.living_paid_short, k.member_months_in_village, rate.living_paid_short);
  expect_rate("transport_paid_short", p.transport_paid_short, k.member_months_with_trips, rate.transport_paid_short);
  expect_rate("communication_paid_short", p.communication_paid_short, k.member_months, rate.communication_paid_short);
  expect_rate("term_cut_short", p.terms_cut_short, k.leavers, rate.term_cut_short);
  expect_rate("excellent_proposed", p.excellent_proposed, k.members, rate.excellent_proposed);
  expect_rate("leaves", k.leavers, 1000 * 5, rate.leaves);
  // The chances themselves: four quarters and two half-years of every team and member.
  EXPECT_EQ(k.team_quarters, 4u * 1000);
  EXPECT_EQ(k.members, c.members.size());
  EXPECT_EQ(k.member_months, c.months.size());
  // One leader a team on every day; a leader who leaves and the successor share a quarter.
  EXPECT_GE(k.leader_quarters, 4u * 1000);
  EXPECT_LE(k.leader_quarters, 4u * 1000 + k.leavers);
}

// ---- threads -------------------------------------------------------------------------------

TEST(generate, a_multi_threaded_evaluation_equals_a_single_threaded_one_to_the_fen) {
  temp_folder a("threads");
  rb::generate_county(options(400, 6, 77), a.path);
  const rb::county c = rb::load_county_or_throw(a.path);
  const rb::results one = rb::evaluate(qiyang(), c, rb::period::of_year(2019), {.threads = 1});
  ASSERT_GT(one.entitlements.size(), 400u * 6 * 12 * 3);
  ASSERT_FALSE(one.findings.empty());
  for (const unsigned threads : {2u, 3u, 0u}) {
    SCOPED_TRACE(threads);
    const rb::results many = rb::evaluate(qiyang(), c, rb::period::of_year(2019), {.threads = threads});
    EXPECT_TRUE(many == one);
  }
}

// ---- what it refuses -----------------------------------------------------------------------

TEST(generate, refuses_options_out_of_range) {
  temp_folder a("bad-options");
  const auto refused = [&](rb::generate_options o, const std::string& says) {
    try {
      rb::generate_county(o, a.path);
      ADD_FAILURE() << "accepted; expected: " << says;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  };
  refused(options(0, 5, 1), "teams must be 1 to 100000000, not 0");
  refused(options(10, 0, 1), "members per team must be 1 to 10000, not 0");
  refused(options(10, 10'001, 1), "members per team must be 1 to 10000, not 10001");
  rb::generate_options y = options(10, 5, 1);
  y.year = 1900;
  refused(y, "the year must be 1910 to 9990, not 1900");
  rb::generate_options r = options(10, 5, 1);
  r.rates.leaves = 1'000'001;
  refused(r, "a rate is parts per million");
  r.rates.leaves = 600'000;
  r.rates.moves = 500'000;
  refused(r, "add up to more than 1000000");
  EXPECT_FALSE(fs::exists(a.path / "months.csv"));
}

TEST(generate, refuses_a_folder_holding_other_files_and_leaves_them_alone) {
  temp_folder a("foreign");
  fs::create_directories(a.path);
  { std::ofstream(a.path / "notes.txt") << "mine"; }
  try {
    rb::generate_county(options(5, 3, 1), a.path);
    ADD_FAILURE() << "wrote into a folder holding notes.txt";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("holds notes.txt"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read(a.path / "notes.txt"), "mine");
  EXPECT_FALSE(fs::exists(a.path / "units.csv"));

  temp_folder f("a-file");
  { std::ofstream(f.path) << "x"; }
  EXPECT_THROW(rb::generate_county(options(5, 3, 1), f.path), std::invalid_argument);
  fs::remove(f.path);
}
