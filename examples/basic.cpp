// examples/basic.cpp — built and run by the test suite
#include <iostream>

#include <rulebook/rulebook.hpp>

int main() {
  const auto loaded = rulebook::load_county("examples/qiyang/county.yaml");
  if (!loaded) {  // every problem, each with file:line:column
    std::cerr << rulebook::format(loaded.diagnostics);
    return 2;
  }
  const rulebook::county& county = *loaded.value;
  const rulebook::team& team = county.teams.front();

  // 4 round trips × 2 legs × distance × 1.5 yuan/km, exact to the fen.
  const auto rate = rulebook::money::parse("1.5");
  const rulebook::money transport = rate * team.distance_km * 8;
  // 100 yuan a month for a member who served 16 of July's 31 days, rounded once.
  const auto july = rulebook::served_share(rulebook::date_range::from(rulebook::date(2019, 7, 16)), {2019, 7});
  const auto communication = rulebook::money::yuan(100).mul_div(july.days, july.of, rulebook::rounding::half_up,
                                                                rulebook::places::fen);

  std::cout << county.name << ": " << county.teams.size() << " teams, " << county.members.size() << " members\n"
            << team.village << ", " << team.distance_km << " km: transport " << transport.to_string(2) << " yuan\n"
            << "communication for 16 of 31 days: " << communication.to_string(2) << " yuan\n";
}
