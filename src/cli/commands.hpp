// Internal: the CLI's commands, each taking its arguments (after the command
// name) and the streams to write to, and returning the exit code.
#pragma once

#include <ostream>
#include <span>
#include <string_view>

namespace rulebook::cli {

/// `rulebook summary DATA [--period P]`: loads a county and prints what it holds.
int run_summary(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

/// `rulebook check POLICY…`: loads and checks each policy file (with the bases it
/// extends) and prints every problem, or a summary of the policy.
int run_check(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

/// `rulebook eval POLICY DATA --period P [--format table|json|csv|html] [--out PATH]
/// [--explain MEMBER[@YYYY-MM]] [--fail-on violation] [--lang zh|en]
/// [--generated-at TIME] [--quiet]`: evaluates a policy over a
/// county and prints or writes the results.
int run_eval(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

/// `rulebook test POLICY CASES… [--coverage] [--verbose]`: runs example cases
/// against a policy; exit 1 when any fails.
int run_test(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

/// `rulebook diff OLD NEW DATA --period P [--format table|json|csv|html] [--out FILE]
/// [--max-cost-increase PCT] [--lang zh|en] [--generated-at TIME] [--quiet]`: compares two policies over the same data.
int run_diff(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

/// `rulebook gen --teams N --members-per-team K --out DIR [--year Y] [--seed S]
/// [--quiet]`: writes a synthetic county as CSV tables and says what it planted.
int run_gen(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

}  // namespace rulebook::cli
