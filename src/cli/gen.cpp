// `rulebook gen --teams N --members-per-team K --year Y --seed S --out DIR`:
// writes a synthetic county as CSV tables (rulebook/generate.hpp), then says
// what it wrote and which failures it planted, with their rates.
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iomanip>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "cli/commands.hpp"
#include "rulebook/generate.hpp"

namespace rulebook::cli {
namespace {

constexpr std::string_view gen_usage =
    "usage: rulebook gen --teams N --members-per-team K --out DIR [--year Y] [--seed S] [--quiet]\n";

/// A whole number in [lo, hi], or nothing.
std::optional<std::uint64_t> whole_number(std::string_view text, std::uint64_t lo, std::uint64_t hi) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < lo || n > hi) return std::nullopt;
  return n;
}

struct gen_args {
  generate_options options;
  std::filesystem::path out;
  bool quiet = false;
};

std::optional<gen_args> parse_args(std::span<const std::string_view> args, std::ostream& err) {
  const auto fail = [&](const std::string& why) {
    err << "rulebook gen: " << why << '\n' << gen_usage;
    return std::nullopt;
  };
  gen_args g;
  bool teams = false, members = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a == "--quiet") {
      g.quiet = true;
      continue;
    }
    const bool takes_value = a == "--teams" || a == "--members-per-team" || a == "--year" || a == "--seed" || a == "--out";
    if (!takes_value) return fail(a.starts_with("-") ? "unknown option '" + std::string(a) + "'"
                                                     : "unexpected argument '" + std::string(a) + "'");
    if (i + 1 >= args.size()) return fail("option " + std::string(a) + " needs a value");
    const std::string_view v = args[++i];
    if (a == "--teams") {
      const auto n = whole_number(v, 1, 100'000'000);
      if (!n) return fail("--teams: '" + std::string(v) + "' is not a number of teams from 1 to 100000000");
      g.options.teams = static_cast<std::size_t>(*n);
      teams = true;
    } else if (a == "--members-per-team") {
      const auto n = whole_number(v, 1, 10'000);
      if (!n) return fail("--members-per-team: '" + std::string(v) + "' is not a number from 1 to 10000");
      g.options.members_per_team = static_cast<std::size_t>(*n);
      members = true;
    } else if (a == "--year") {
      const auto n = whole_number(v, 1910, 9990);
      if (!n) return fail("--year: '" + std::string(v) + "' is not a year from 1910 to 9990");
      g.options.year = static_cast<int>(*n);
    } else if (a == "--seed") {
      const auto n = whole_number(v, 0, UINT64_MAX);
      if (!n) return fail("--seed: '" + std::string(v) + "' is not a whole number from 0 to 18446744073709551615");
      g.options.seed = *n;
    } else {
      if (v.empty()) return fail("--out: empty path");
      g.out = std::filesystem::path(std::string(v));
    }
  }
  if (!teams) return fail("give the number of teams, as in --teams 1000");
  if (!members) return fail("give the members of each team, as in --members-per-team 10");
  if (g.out.empty()) return fail("give the folder to write, as in --out county");
  return g;
}

std::string per_cent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.2f %%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return text;
}

void print_report(const generate_report& r, const gen_args& g, std::ostream& out) {
  out << "rulebook gen: " << r.teams << " teams in " << r.towns << " towns, " << r.members << " members, " << r.units
      << " units, " << r.member_months << " member-months of " << g.options.year << " (seed " << g.options.seed
      << ") in " << g.out.string() << "\n\n";
  std::uint64_t rows = 0, bytes = 0;
  out << std::left << std::setw(20) << "table" << std::right << std::setw(12) << "rows" << std::setw(16) << "bytes" << '\n';
  for (const generated_table& t : r.tables) {
    out << std::left << std::setw(20) << t.file << std::right << std::setw(12) << t.rows << std::setw(16) << t.bytes << '\n';
    rows += t.rows;
    bytes += t.bytes;
  }
  out << std::left << std::setw(20) << "total" << std::right << std::setw(12) << rows << std::setw(16) << bytes << "\n\n";

  const planted_failures& p = r.planted;
  const failure_opportunities& c = r.chances;
  struct line {
    std::string_view rule, what;
    std::uint64_t count, of;
    std::string_view of_what;
  };
  const line lines[] = {
      {"accident_insurance", "cover under 200000", p.under_insured, c.members, "members"},
      {"accident_insurance", "cover lapsed 1-60 days", p.insurance_lapses, c.members_whole_year, "members all year"},
      {"health_check", "check under 500", p.cheap_health_checks, c.members, "members"},
      {"health_check", "no check in the year", p.no_health_checks, c.members, "members"},
      {"six_items", "item never on hand", p.kit_items_missing, c.teams, "teams"},
      {"six_items", "item removed", p.kit_items_removed, c.teams, "teams"},
      {"six_items", "item arrived late", p.kit_items_late, c.teams, "teams"},
      {"work_funds", "funds short", p.funds_short, c.teams, "teams"},
      {"unit_head_visits", "quarter missed", p.unit_head_visits_missed, c.unit_team_quarters, "unit-team quarters"},
      {"town_leader_visits", "quarter missed", p.town_leader_visits_missed, c.team_quarters, "team quarters"},
      {"sponsor_visits", "year missed", p.sponsor_visits_missed, c.sponsor_pairs, "sponsor-team pairs"},
      {"leaders_meetings", "quarter missed", p.leaders_meetings_missed, c.leader_quarters, "leader quarters"},
      {"members_meetings", "half-year missed", p.members_meetings_missed, c.member_half_years, "member half-years"},
      {"living", "paid at 80 a day", p.living_paid_short, c.member_months_in_village, "member-months in the village"},
      {"transport", "a trip unpaid", p.transport_paid_short, c.member_months_with_trips, "member-months with trips"},
      {"communication", "half paid", p.communication_paid_short, c.member_months, "member-months"},
      {"term", "left within two years", p.terms_cut_short, c.leavers, "members who left"},
      {"excellent_quota", "proposed excellent", p.excellent_proposed, c.members, "members"},
  };
  out << "planted (rules/qiyang-2019.yaml finds each once; docs/generate.md)\n";
  for (const line& l : lines)
    out << "  " << std::left << std::setw(20) << l.rule << std::setw(24) << l.what << std::right << std::setw(10)
        << l.count << "  of " << l.of << ' ' << l.of_what << " (" << per_cent(l.count, l.of) << ")\n";
  out << "  moves " << c.movers << ", leavers " << c.leavers << " (each replaced the next day)\n";
}

}  // namespace

int run_gen(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  std::optional<gen_args> parsed = parse_args(args, err);
  if (!parsed) return 2;
  gen_args& g = *parsed;
  // Progress on a terminal: a long run says how far it is.
  if (!g.quiet && ::isatty(STDERR_FILENO) != 0) {
    g.options.progress = [&err, last = std::uint64_t{0}](std::size_t done, std::size_t total) mutable {
      const std::uint64_t step = done * 100 / total;
      if (step == last && done != total) return;
      last = step;
      err << "\rrulebook gen: " << done << " of " << total << " teams (" << step << " %)" << (done == total ? "\n" : "")
          << std::flush;
    };
  }
  try {
    const generate_report r = generate_county(g.options, g.out);
    if (!g.quiet) print_report(r, g, out);
  } catch (const std::exception& e) {  // options out of range, a folder not ours, a file not written
    err << e.what() << '\n';
    return 2;
  }
  return 0;
}

}  // namespace rulebook::cli
