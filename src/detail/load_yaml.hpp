// Internal: reading a county from YAML text — one file, or the files of a
// folder whose sections are joined in file-name order (docs/data-format.md).
//
// The reader parses each file with rulebook's YAML reader (detail/yaml.hpp),
// walks it through checked accessors (kinds, unknown and duplicate keys,
// values parsed exactly), records where every entity and field came from, and
// then runs `validate` on the joined county.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detail/load_context.hpp"
#include "rulebook/load.hpp"

namespace rulebook::detail {

/// How an input's text is written: JSON is read by its own strict reader into
/// the same tree (detail/json.hpp), then checked as YAML is.
enum class text_syntax { yaml, json };

/// One YAML (or JSON) input: the name used in diagnostics and its text.
struct yaml_text {
  std::string file_name;
  std::string text;
  text_syntax syntax = text_syntax::yaml;
};

/// Loads a county whose sections are spread over `files`, joined in the order
/// given (the caller sorts them by file name). `folder_name` names the folder in
/// diagnostics about the whole set, such as a missing `county` section.
/// Diagnostics already in `sink` (a file that could not be read) count as errors
/// of this load and keep the cross-entity checks from running on a partial county.
[[nodiscard]] county_load_result load_county_yaml_files(std::vector<yaml_text> files,
                                                        const std::string& folder_name,
                                                        diagnostic_sink sink = {});

class yaml_file;
namespace yaml { class node; }

/// Loads a county from `root`, a map of sections (county, units, teams, …)
/// inside a file already parsed — a case file's inline `data:`. Problems go to
/// `sink` at their positions in that file; the county is returned only when
/// there is none.
[[nodiscard]] std::optional<county> load_county_yaml_node(yaml_file& file, const yaml::node& root,
                                                          diagnostic_sink& sink);

/// Loads a county from the `*.yaml` / `*.yml` files of `folder` (hidden files
/// skipped), in file-name order. A file that cannot be read is an `io-error`.
[[nodiscard]] county_load_result load_county_yaml_folder(const std::filesystem::path& folder);

/// Reads a whole regular file as bytes, at most `max_bytes` of them (limits.hpp).
/// On failure reports at `path` in `sink` — an `io-error`, or `too-large` with
/// `hint` for a file over the bound — and returns nothing. Never throws.
[[nodiscard]] std::optional<std::string> read_text_file(const std::filesystem::path& path, diagnostic_sink& sink,
                                                        std::uintmax_t max_bytes, std::string_view hint);

/// The name of `path` as diagnostics show it: with '/' separators, as given.
[[nodiscard]] std::string display_name(const std::filesystem::path& path);

}  // namespace rulebook::detail
