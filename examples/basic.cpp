// examples/basic.cpp — built and run by the test suite
#include <iostream>

#include <rulebook/rulebook.hpp>

int main() {
  // Each file is checked whole when it loads; a bad one throws with every problem
  // in it (rulebook::rule_file_error, rulebook::data_error), each at file:line:column.
  const rulebook::program program = rulebook::compile(rulebook::load_policy_or_throw("rules/qiyang-2019.yaml"));
  const rulebook::county county = rulebook::load_county_or_throw("examples/qiyang/county.yaml");

  // Pure and const: one program may evaluate many counties on many threads at once.
  const rulebook::results results = rulebook::evaluate(program, county, rulebook::period::of_year(2019));

  for (const rulebook::item_total& t : results.totals)  // exact money, never double
    std::cout << t.item << ": owed " << t.owed.to_string(2) << ", paid " << t.paid.to_string(2) << '\n';

  // Every amount and finding can say how it was reached.
  for (const rulebook::entitlement& e : results.entitlements)
    if (e.subject_id == "M006" && e.item == "transport" && e.slice.first == rulebook::date(2019, 4, 1))
      std::cout << rulebook::explain(program, county, results, e);
  std::cout << results.findings.size() << " findings, the first: " << results.findings.front().message << '\n';
}
