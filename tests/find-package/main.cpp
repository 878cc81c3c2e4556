// Loads a policy and a county through the installed rulebook package, evaluates
// the policy, and prints the county's totals; exits non-zero when anything fails
// to load or the evaluation owes nothing.
#include <iostream>

#include <rulebook/rulebook.hpp>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: consumer POLICY COUNTY\n";
    return 2;
  }
  try {
    const auto program = rulebook::compile(rulebook::load_policy_or_throw(argv[1]));
    const auto county = rulebook::load_county_or_throw(argv[2]);
    const auto results = rulebook::evaluate(program, county, rulebook::period::of_year(2019));
    rulebook::money owed;
    for (const auto& t : results.totals) owed += t.owed;
    std::cout << county.name << ": " << county.teams.size() << " teams, " << county.members.size()
              << " members; owed in 2019: " << owed.to_string(2) << " yuan, " << results.findings.size()
              << " findings\n";
    return owed > rulebook::money{} ? 0 : 1;
  } catch (const rulebook::input_error& e) {
    std::cerr << e.what();
    return 2;
  }
}
