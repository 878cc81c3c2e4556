// Internal: what the YAML and CSV loaders share — the text of the files read
// (so diagnostics can quote a line), the diagnostics collected so far, and a map
// of where each entity and field came from, so that checks run on the finished
// model (references, overlaps, day counts) can still point at the input.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rulebook/diagnostic.hpp"
#include "rulebook/model.hpp"

namespace rulebook::detail {

/// Whether a field of an input must be given.
enum class need { required, optional };

/// One input file's text, split into lines for quoting.
class source_file {
 public:
  source_file(std::string path, std::string text);

  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  /// The text of 1-based line `n` without its end of line (or "" when out of range).
  [[nodiscard]] std::string_view line(int n) const noexcept;

 private:
  std::string path_;
  std::string text_;
  std::vector<std::size_t> line_starts_;
};

/// Collects diagnostics; quotes the offending line when the file is known.
class diagnostic_sink {
 public:
  /// Registers a file so that diagnostics at its positions quote its lines.
  /// The returned reference stays valid for the sink's lifetime.
  const source_file& add_file(std::string path, std::string text);

  void error(std::string code, source_location where, std::string message, std::string hint = {});
  void warning(std::string code, source_location where, std::string message, std::string hint = {});
  /// Adds a diagnostic made elsewhere (the expression checker's), quoting its
  /// line when it has none.
  void add(diagnostic d);

  [[nodiscard]] bool has_errors() const noexcept;
  [[nodiscard]] std::vector<diagnostic>& diagnostics() noexcept { return diagnostics_; }

 private:
  void add(severity level, std::string code, source_location where, std::string message,
           std::string hint);

  std::vector<std::unique_ptr<source_file>> files_;
  std::vector<diagnostic> diagnostics_;
};

/// Where each part of a loaded county came from. Keys are paths into the model:
/// `teams[2]`, `teams[2].lead_unit`, `members[3].service[1].to`, `months[17]`.
/// Looking up a field that was not recorded falls back to its entity, then to
/// the entity's parent, so a check can always name a position.
class source_map {
 public:
  void set(std::string key, source_location where);
  [[nodiscard]] source_location find(std::string_view key) const;

  /// Works out where a key that was not `set` is. For a loader that finds
  /// positions on demand rather than recording one entry per field: the CSV
  /// loader re-reads the row, so that a table of millions of rows costs a few
  /// bytes a row instead of a map entry a cell. `find` asks it for each key it
  /// tries, after the recorded ones.
  using resolver = std::function<std::optional<source_location>(std::string_view key)>;
  void set_resolver(resolver r) { resolver_ = std::move(r); }

 private:
  std::map<std::string, source_location, std::less<>> where_;
  resolver resolver_;
};

/// Runs the checks that need the whole county: unique ids, references, interval
/// order and overlap, month records against the calendar and service. Appends
/// every problem to `sink`.
void validate(const county& c, const source_map& where, diagnostic_sink& sink);

/// `validate` in two steps, for a loader that reads the month records beside
/// the rest: `check_all_but_months` while `c.months` may still be empty, then,
/// once it holds them, `check_months`, which puts the problems of both in the
/// order `validate` does. `c`, `where` and `sink` outlive it.
class staged_validation {
 public:
  staged_validation(const county& c, const source_map& where, diagnostic_sink& sink);
  staged_validation(const staged_validation&) = delete;
  staged_validation& operator=(const staged_validation&) = delete;
  ~staged_validation();

  void check_all_but_months();
  void check_months();

 private:
  struct checks;
  std::unique_ptr<checks> checks_;
  diagnostic_sink& sink_;
  std::size_t first_;
};

/// Returns true when `id` is a well-formed id: 1–64 of [A-Za-z0-9_.-].
[[nodiscard]] bool valid_id(std::string_view id) noexcept;

}  // namespace rulebook::detail
