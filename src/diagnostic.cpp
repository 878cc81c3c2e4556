#include "rulebook/diagnostic.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

#include "detail/text.hpp"

namespace rulebook {
namespace {

std::string_view severity_name(severity s) {
  switch (s) {
    case severity::error: return "error";
    case severity::warning: return "warning";
    case severity::note: return "note";
  }
  return "error";
}

// The caret line's indent: the blanks that put a caret under the `column`th
// code point of `line`, keeping tabs so that the caret lines up with them.
std::string caret_indent(std::string_view line, int column) {
  std::string indent;
  std::size_t i = 0;
  for (int c = 1; c < column && i < line.size(); ++c) {
    if (line[i] == '\t') {
      indent += '\t';
      ++i;
      continue;
    }
    indent.append(static_cast<std::size_t>(detail::display_width(detail::next_code_point(line, i))), ' ');
  }
  return indent;
}

}  // namespace

std::string format(const diagnostic& d) {
  std::string out;
  const auto& w = d.where;
  if (!w.file.empty()) {
    out += w.file;
    if (w.line > 0) {
      out += ':' + std::to_string(w.line);
      if (!w.field.empty())
        out += ':' + w.field;
      else if (w.column > 0)
        out += ':' + std::to_string(w.column);
    }
    out += ": ";
  }
  out += severity_name(d.level);
  if (!d.code.empty()) out += "[" + d.code + "]";
  out += ": " + d.message + "\n";
  if (w.line > 0 && !d.source_line.empty()) {
    const std::string number = std::to_string(w.line);
    const std::string gutter(number.size(), ' ');
    out += " " + number + " | " + d.source_line + "\n";
    if (w.column > 0) out += " " + gutter + " | " + caret_indent(d.source_line, w.column) + "^\n";
  }
  if (!d.hint.empty()) out += "  = hint: " + d.hint + "\n";
  return out;
}

std::string format(std::span<const diagnostic> ds) {
  std::string out;
  std::size_t errors = 0, warnings = 0;
  for (const auto& d : ds) {
    out += format(d) + "\n";
    errors += d.level == severity::error;
    warnings += d.level == severity::warning;
  }
  auto plural = [](std::size_t n, std::string_view word) {
    return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
  };
  if (errors + warnings > 0) out += plural(errors, "error") + ", " + plural(warnings, "warning") + "\n";
  return out;
}

bool has_errors(std::span<const diagnostic> ds) noexcept {
  return std::any_of(ds.begin(), ds.end(), [](const diagnostic& d) { return d.level == severity::error; });
}

input_error::input_error(std::vector<diagnostic> ds)
    : std::runtime_error(format(std::span<const diagnostic>(ds))), diagnostics_(std::move(ds)) {}

std::string_view closest_match(std::string_view word, std::span<const std::string_view> candidates) {
  // Levenshtein distance, accepted when at most a third of the word's length
  // (and at least 1): `distnace` → `distance` is near, `km` → `distance_km` is not.
  std::string_view best;
  std::size_t best_distance = SIZE_MAX;
  std::vector<std::size_t> row;
  for (std::string_view cand : candidates) {
    row.resize(cand.size() + 1);
    for (std::size_t j = 0; j <= cand.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= cand.size(); ++j) {
        const std::size_t above = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (word[i - 1] == cand[j - 1] ? 0 : 1)});
        diagonal = above;
      }
    }
    if (row[cand.size()] < best_distance) {
      best_distance = row[cand.size()];
      best = cand;
    }
  }
  const std::size_t limit = std::max<std::size_t>(1, std::max(word.size(), best.size()) / 3);
  return best_distance <= limit ? best : std::string_view{};
}

}  // namespace rulebook
