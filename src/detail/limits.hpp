// Internal: the bounds on what rulebook reads, so that no input — however
// large, deep or long — can exhaust the stack or the memory of the process
// that loads it. Each bound gives an error naming it (code `too-large`, or
// `too-long` for a text), never a crash. README.md ("Reliability") and
// docs/data-format.md and docs/rule-language.md list them; the expression
// language has its own (`rulebook::limits` in expr.hpp), and YAML nesting its
// own (`yaml::max_depth`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace rulebook::detail {

/// A policy file: the bundled ones are 4 to 20 KB.
inline constexpr std::uintmax_t max_policy_file_bytes = std::uintmax_t{1} << 20;   // 1 MiB
/// A county YAML file. Its tree takes some 6 times its size in memory; a bigger
/// county is a folder of YAML files or of CSV tables.
inline constexpr std::uintmax_t max_yaml_data_file_bytes = std::uintmax_t{64} << 20;  // 64 MiB
/// A CSV table, read as a stream: the county's rows still fill memory. The
/// whole country's year of month records (3 M members × 12 months) is 1.4 GB.
inline constexpr std::uintmax_t max_csv_table_bytes = std::uintmax_t{4} << 30;  // 4 GiB
/// Files a policy's `extends:` chain may hold, the policy's own included.
inline constexpr std::size_t max_extends_chain = 8;
/// Rules, and parameters, of one policy file.
inline constexpr std::size_t max_rules_per_file = 1000;
inline constexpr std::size_t max_parameters_per_file = 1000;
/// A text value — a name, a village, a title, a source — in bytes of UTF-8
/// (ids are 1 to 64 characters, expressions up to `limits::max_text`).
inline constexpr std::size_t max_text_bytes = 4096;

/// "1 MiB", "64 MiB", "3.5 KiB": a size for messages.
[[nodiscard]] std::string size_text(std::uintmax_t bytes);

}  // namespace rulebook::detail
