// Loads a county through the installed rulebook package and prints its size;
// exits non-zero when the county does not load or holds no teams.
#include <iostream>

#include <rulebook/rulebook.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: consumer COUNTY\n";
    return 2;
  }
  const auto loaded = rulebook::load_county(argv[1]);
  if (!loaded) {
    std::cerr << rulebook::format(loaded.diagnostics);
    return 2;
  }
  const auto total = rulebook::money::parse("1.5") * rulebook::decimal::parse("86.5");
  std::cout << loaded.value->name << ": " << loaded.value->teams.size() << " teams, "
            << loaded.value->members.size() << " members; 1.5 x 86.5 = " << total << '\n';
  return loaded.value->teams.empty() ? 1 : 0;
}
