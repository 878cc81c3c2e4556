// `rulebook check POLICY…`: loads each policy file (with the bases it extends),
// reports every problem, or summarises what the policy holds, so that a policy
// officer can see at a glance that the figures are the ones meant.
#include <cstddef>
#include <limits>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "rulebook/diagnostic.hpp"
#include "rulebook/policy.hpp"

namespace rulebook::cli {
namespace {

/// "100 from 2019-01-01 to 2019-07-15; 120 from 2019-07-16": each value and
/// the days it is in force.
std::string values_in_force(const parameter& p) {
  std::string out;
  for (std::size_t i = 0; i < p.values.size(); ++i) {
    if (i > 0) out += "; ";
    out += p.values[i].value.to_string() + " from " + to_string(p.values[i].since);
    if (i + 1 < p.values.size()) out += " to " + to_string(p.values[i + 1].since - boost::gregorian::days(1));
  }
  return out;
}

std::string period_text(const date_range& r) {
  return to_string(r.first) + (r.open_ended() ? " on (open-ended)" : " to " + to_string(r.last));
}

void print_policy(const policy& p, std::ostream& out) {
  out << p.id << ": " << p.title.zh << " / " << p.title.en << '\n';
  out << "  jurisdiction: " << p.jurisdiction.zh << " / " << p.jurisdiction.en << '\n';
  out << "  governs: " << period_text(p.governs) << '\n';
  out << "  files: ";
  for (std::size_t i = 0; i < p.files.size(); ++i) out << (i > 0 ? " extends " : "") << p.files[i];
  out << '\n';
  out << "  money: scale " << p.money.scale << ", rounding " << to_string(p.money.mode) << ", rounded per "
      << to_string(p.money.round_at) << '\n';

  const std::string& own_file = p.files.front();
  out << "\nrules (" << p.rules.size() << "):\n";
  for (const auto& kind : enum_names<rule_kind>()) {
    std::string ids;
    std::size_t count = 0;
    for (const rule& r : p.rules) {
      if (r.kind != kind.value) continue;
      ids += (count++ > 0 ? ", " : "") + r.id + (r.file != own_file ? " (" + r.file + ")" : "");
    }
    if (count > 0) out << "  " << kind.name << " (" << count << "): " << ids << '\n';
  }

  out << "\nparameters (" << p.parameters.size() << "):\n";
  table params({"  id", "unit", "values", ""});
  for (const parameter& q : p.parameters) {
    std::string notes = q.county_choice ? "county choice" : "";
    if (q.file != own_file) notes += (notes.empty() ? "" : "; ") + q.file;
    params.add({"  " + q.id, std::string(to_string(q.unit)), values_in_force(q), notes});
  }
  params.print(out, std::numeric_limits<std::size_t>::max());

  // What the county decided where its source is silent: rules whose source is
  // a county choice, and the readings rules record under `choices:`.
  std::vector<std::string> choices;
  for (const rule& r : p.rules) {
    if (r.county_choice) choices.push_back(r.id + ": the whole rule");
    std::string keys;
    for (const rule_choice& c : r.choices) keys += (keys.empty() ? "" : ", ") + c.key;
    if (!keys.empty()) choices.push_back(r.id + ": " + keys);
  }
  if (!choices.empty()) {
    out << "\ncounty choices in rules (" << choices.size() << "):\n";
    for (const std::string& c : choices) out << "  " << c << '\n';
  }
}

}  // namespace

int run_check(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  if (args.empty()) {
    err << "usage: rulebook check POLICY...\n";
    return 2;
  }
  int code = 0;
  bool first = true;
  for (const std::string_view file : args) {
    if (file.starts_with("-")) {
      err << "rulebook check: unexpected option '" << file << "'\nusage: rulebook check POLICY...\n";
      return 2;
    }
    const policy_load_result loaded = load_policy(std::string(file));
    if (!loaded.diagnostics.empty()) err << format(loaded.diagnostics);
    if (!loaded) {
      code = 2;
      continue;
    }
    if (!first) out << '\n';
    first = false;
    print_policy(*loaded.value, out);
  }
  return code;
}

}  // namespace rulebook::cli
