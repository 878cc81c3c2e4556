// `rulebook test POLICY CASES… [--coverage]`: runs example cases against a
// policy, prints each failure with the expected and actual values and how the
// actual one was reached, and ends with `N passed, M failed`.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "rulebook/cases.hpp"
#include "rulebook/diagnostic.hpp"
#include "rulebook/engine.hpp"
#include "rulebook/policy.hpp"

namespace rulebook::cli {
namespace {

constexpr std::string_view test_usage = "usage: rulebook test POLICY CASES... [--coverage] [--verbose]\n";

}  // namespace

int run_test(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  std::vector<std::string_view> positional;
  bool coverage = false;
  bool verbose = false;
  for (const std::string_view a : args) {
    if (a == "--coverage") {
      coverage = true;
    } else if (a == "--verbose" || a == "-v") {
      verbose = true;
    } else if (a.starts_with("-")) {
      err << "rulebook test: unknown option '" << a << "'\n" << test_usage;
      return 2;
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() < 2) {
    err << "rulebook test: give a policy file and at least one case file or folder\n" << test_usage;
    return 2;
  }

  // Load the policy and every case before running any, so that one run shows every problem.
  const policy_load_result rules = load_policy(std::string(positional.front()));
  if (!rules.diagnostics.empty()) err << format(rules.diagnostics);
  std::vector<std::filesystem::path> paths;
  for (std::size_t i = 1; i < positional.size(); ++i) paths.emplace_back(std::string(positional[i]));
  const case_load_result cases = load_cases(paths);
  if (!cases.diagnostics.empty()) err << format(cases.diagnostics);
  if (!rules || !cases) return 2;
  if (cases.cases.empty()) {
    err << "rulebook test: no cases to run\n";
    return 2;
  }

  const program prog = compile(*rules.value);
  std::optional<case_coverage> measured;
  if (coverage) measured.emplace(prog);
  std::size_t passed = 0, failed = 0;
  for (const example_case& c : cases.cases) {
    const case_result r = run_case(prog, c, measured ? &*measured : nullptr);
    if (r.passed()) {
      ++passed;
      if (verbose) out << "ok   " << r.file << ": " << r.name << " (" << r.checks << " checks)\n";
    } else {
      ++failed;
      out << format(r) << '\n';
    }
  }
  if (measured) out << '\n' << format(*measured) << '\n';
  out << passed << " passed, " << failed << " failed\n";
  return failed > 0 ? 1 : 0;
}

}  // namespace rulebook::cli
