// The `rulebook` command-line tool. Exit codes: 0 ok, 1 findings or failed
// examples where asked, 2 bad input or usage.
#include <iostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "cli/huge_pages.hpp"

namespace {

constexpr std::string_view usage = R"(usage: rulebook COMMAND [ARGS]

commands:
  check POLICY...             load and check policy files (and the bases they
                              extend), report every problem, or summarise each:
                              its files, rules by kind, parameters and their values
  summary DATA [--period P]   load a county (YAML file, YAML folder or CSV folder),
                              report every data error, or summarise it for period P
                              (2019, 2019-07, 2019-Q3, 2019-H2, 2019-07-01, FROM..TO;
                              default: every month the data covers)
  eval POLICY DATA --period P evaluate policy POLICY over county DATA for period P:
                              what each member and team was owed and paid, the
                              duties not met (by responsible unit), the quota and
                              the penalty ledger
      --format table|json|csv|html  table for a terminal (default); json, every
                                result (docs/results-schema.md); csv, one file per
                                kind; html, one self-contained page with charts,
                                each amount and finding opening its explanation
                                (docs/reports.md)
      --out PATH                write there instead of standard output (csv: a
                                folder, required); an existing file is replaced
                                only when the run succeeds
      --all                     table: list every finding (default: each unit's
                                first five, with its counts by rule and severity)
      --explain MEMBER[@YYYY-MM]  after the report, how each amount and finding of
                                the member (in that month) was reached
      --fail-on violation       exit 1 when any finding is a violation
      --threads N               evaluate on N threads (default: every core); the
                                output is the same on any number
      --lang zh|en              the HTML report's language (default: from LC_ALL,
                                LC_MESSAGES or LANG; else zh)
      --generated-at TIME       the time the HTML report states it was made
                                (default: SOURCE_DATE_EPOCH, else now), as
                                2020-01-07T09:30:00Z, …+08:00 or 2020-01-07
      --quiet                   no progress line (drawn only when standard error
                                is a terminal)
  test POLICY CASES...        run example cases (files, or folders of *.yaml) against
                              POLICY: each failure with the expected and actual
                              values and how the actual one was reached; ends with
                              "N passed, M failed" (docs/cases.md)
      --coverage                which rules, parameter values and branches the
                                cases exercised, and the rules no case touches
      --verbose                 list the cases that pass too
  diff OLD NEW DATA --period P
                              run two policies over the same data: per member, team
                              and unit each item's change, findings that appear or
                              disappear, penalty and quota changes, county totals
                              and the cost of the change
      --format table|json|csv|html  table for a terminal (default); html, one
                                self-contained page: who gains and loses, charts
      --out FILE                write there instead of standard output
      --max-cost-increase PCT   exit 1 when the total owed rises by more than PCT %
      --lang, --generated-at, --quiet   as for eval
  gen --teams N --members-per-team K --out DIR [--year Y] [--seed S]
                              write a synthetic county of N teams of K places for
                              year Y (default 2019) as CSV tables in DIR: realistic
                              figures, failures planted at known rates
                              (docs/generate.md), the same bytes for the same seed
                              (default 1) on any machine
      --quiet                   print nothing but errors
  help                        show this text
  version                     print the version

exit codes: 0 ok, 1 violations found (eval --fail-on violation), failed cases (test)
            or a cost over the limit (diff --max-cost-increase), 2 bad input or usage
)";

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << usage;
    return 2;
  }
  const std::string_view command = args.front();
  // The commands that load a county, which may be gigabytes (cli/huge_pages.hpp).
  if (command == "summary" || command == "eval" || command == "diff") rulebook::cli::use_huge_pages(argv);
  const std::span<const std::string_view> rest(args.begin() + 1, args.end());
  if (command == "check") return rulebook::cli::run_check(rest, std::cout, std::cerr);
  if (command == "summary") return rulebook::cli::run_summary(rest, std::cout, std::cerr);
  if (command == "eval") return rulebook::cli::run_eval(rest, std::cout, std::cerr);
  if (command == "test") return rulebook::cli::run_test(rest, std::cout, std::cerr);
  if (command == "diff") return rulebook::cli::run_diff(rest, std::cout, std::cerr);
  if (command == "gen") return rulebook::cli::run_gen(rest, std::cout, std::cerr);
  if (command == "help" || command == "--help" || command == "-h") {
    std::cout << usage;
    return 0;
  }
  if (command == "version" || command == "--version") {
    std::cout << "rulebook " << RULEBOOK_VERSION << '\n';
    return 0;
  }
  std::cerr << "rulebook: unknown command '" << command << "'\n\n" << usage;
  return 2;
}
