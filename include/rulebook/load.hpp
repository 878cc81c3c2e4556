// rulebook/load.hpp — reading a county from YAML or CSV files.
//
// A county comes as one YAML file, a folder of YAML files (each holding some of
// the sections), or a folder of CSV tables (one per entity, with a header row)
// as county databases export them; docs/data-format.md describes both. Either
// way the same `county` results, and every problem in the input is reported,
// not only the first:
//
//   auto loaded = rulebook::load_county("examples/qiyang/county.yaml");
//   if (!loaded) {
//     std::cerr << rulebook::format(loaded.diagnostics);
//     return 2;
//   }
//   const rulebook::county& c = *loaded.value;
//
// A file with any error loads nothing: the result holds the diagnostics and no
// half-filled county. The loaders touch no global state and may run on many
// threads at once.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rulebook/diagnostic.hpp"
#include "rulebook/model.hpp"

namespace rulebook {

/// A county, or the reasons it could not be loaded. Warnings may accompany a
/// county that loaded.
struct county_load_result {
  std::optional<county> value;
  std::vector<diagnostic> diagnostics;

  [[nodiscard]] explicit operator bool() const noexcept { return value.has_value(); }
};

/// Loads a county from a YAML file, a JSON file (`.json`), a folder of YAML
/// files or a folder of CSV tables, chosen by what `path` is and holds.
[[nodiscard]] county_load_result load_county(const std::filesystem::path& path);

/// Loads a county from YAML text; `file_name` is used in diagnostics only.
[[nodiscard]] county_load_result load_county_yaml(std::string_view text, std::string file_name);

/// Loads a county from JSON text of the YAML form's shape (docs/data-format.md,
/// "JSON"), read by a strict JSON reader (RFC 8259) and checked as YAML is;
/// `file_name` is used in diagnostics only. For callers that hold the county
/// as objects (a web service, the C and Python interfaces), not as a file.
[[nodiscard]] county_load_result load_county_json(std::string_view text, std::string file_name);

/// Loads a county from a folder of CSV tables.
[[nodiscard]] county_load_result load_county_csv(const std::filesystem::path& folder);

/// As `load_county`, but throws `data_error` carrying every diagnostic.
[[nodiscard]] county load_county_or_throw(const std::filesystem::path& path);

}  // namespace rulebook
