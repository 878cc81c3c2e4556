// rulebook/diagnostic.hpp — where an input went wrong, and how to say so.
//
// Every loader and checker in rulebook reports problems as `diagnostic`s: a
// stable code, a 1-based position in a named file, a message saying what was
// expected, the offending source line and a hint. They are collected, never
// thrown one at a time, so a user sees every problem of a file in one run:
//
//   examples/bad/team.yaml:12:5: error[unknown-key]: unknown key 'distance_kn' in a team
//      12 |     distance_kn: 86.5
//         |     ^
//      = hint: did you mean 'distance_km'?
//
// CSV positions name the row and the column by its header name
// (`months.csv:14:days_in_village`); the caret then sits under that field.
#pragma once

#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rulebook {

/// A position in an input file. Lines and columns are 1-based; 0 means unknown.
/// Columns count Unicode code points, as an editor shows them, not bytes.
/// `field` names a CSV column; it is printed instead of the column number.
struct source_location {
  std::string file;
  int line = 0;
  int column = 0;
  std::string field;

  friend bool operator==(const source_location&, const source_location&) = default;
};

enum class severity { error, warning, note };

/// One problem found in an input. `code` is stable across releases
/// (`unknown-key`, `duplicate-id`, …) so that tools and tests can match it.
struct diagnostic {
  severity level = severity::error;
  std::string code;
  source_location where;
  std::string message;
  std::string hint;         // empty when there is nothing useful to add
  std::string source_line;  // the text of the offending line, without its end of line
};

/// Formats a diagnostic as compilers do: `file:line:col: error[code]: message`,
/// then the source line with a caret under the column, then the hint.
[[nodiscard]] std::string format(const diagnostic& d);

/// Formats every diagnostic, each followed by a blank line, and a closing count
/// (`2 errors, 1 warning`).
[[nodiscard]] std::string format(std::span<const diagnostic> ds);

/// True when any diagnostic is an error (warnings and notes do not stop a load).
[[nodiscard]] bool has_errors(std::span<const diagnostic> ds) noexcept;

/// Raised by the `_or_throw` loaders: carries every diagnostic of the failed
/// load; `what()` is their formatted text.
class input_error : public std::runtime_error {
 public:
  explicit input_error(std::vector<diagnostic> ds);
  [[nodiscard]] const std::vector<diagnostic>& diagnostics() const noexcept { return diagnostics_; }

 private:
  std::vector<diagnostic> diagnostics_;
};

/// A county data file (YAML or CSV) that could not be loaded.
class data_error : public input_error {
 public:
  using input_error::input_error;
};

/// A policy (rule) file that could not be loaded.
class rule_file_error : public input_error {
 public:
  using input_error::input_error;
};

/// Returns the candidate closest to `word` by edit distance, or an empty view
/// when none is close enough to be a plausible typo. Used for "did you mean".
[[nodiscard]] std::string_view closest_match(std::string_view word,
                                             std::span<const std::string_view> candidates);

}  // namespace rulebook
