// Bench helper: synthetic counties written by rulebook::generate_county into the
// system's temporary folder, once per size for the whole run, and removed when
// the program ends.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <system_error>
#include <utility>

#include "rulebook/generate.hpp"

namespace rulebook_bench {

/// The folder of a county of `teams` teams of `members_per_team` places (2019,
/// seed 2019), written on first use.
inline const std::filesystem::path& generated_county(std::size_t teams, std::size_t members_per_team) {
  struct cache {
    std::map<std::pair<std::size_t, std::size_t>, std::filesystem::path> folders;
    ~cache() {
      for (const auto& [size, folder] : folders) {
        std::error_code ignored;
        std::filesystem::remove_all(folder, ignored);
      }
    }
  };
  static cache c;
  auto [at, made] = c.folders.try_emplace({teams, members_per_team});
  if (made) {
    at->second = std::filesystem::temp_directory_path() /
                 ("rulebook-bench-" + std::to_string(::getpid()) + "-" + std::to_string(teams) + "x" +
                  std::to_string(members_per_team));
    std::filesystem::remove_all(at->second);
    rulebook::generate_options o;
    o.teams = teams;
    o.members_per_team = members_per_team;
    o.year = 2019;
    o.seed = 2019;
    rulebook::generate_county(o, at->second);
  }
  return at->second;
}

/// The bytes of the files in `folder`.
inline std::int64_t bytes_under(const std::filesystem::path& folder) {
  std::int64_t total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder))
    if (entry.is_regular_file()) total += static_cast<std::int64_t>(entry.file_size());
  return total;
}

}  // namespace rulebook_bench
