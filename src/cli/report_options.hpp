// Internal: the options of the commands that write reports people read
// (`eval` and `diff`): --lang, --generated-at and --quiet, and what they resolve
// to from the environment — the language from LC_ALL / LC_MESSAGES / LANG, the
// time from SOURCE_DATE_EPOCH or the clock. The CLI reads the clock and the
// environment here, so that the report writers and the library never do.
// Also where reports are written with --out: all or nothing, through a
// temporary file or folder renamed in place (`write_file_atomically`,
// `staged_folder`), for every format.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "report.hpp"
#include "report_messages.hpp"

namespace rulebook::cli {

struct report_options {
  std::optional<report::language> lang;     // --lang zh|en
  std::optional<std::string> generated_at;  // --generated-at, checked
  bool quiet = false;                       // --quiet: no progress line
};

/// Reads the option at `args[i]` when it is one of --lang, --generated-at or
/// --quiet, moving `i` past its value: returns true. Returns false for any
/// other argument. A bad value sets `why` (and returns true).
bool parse_report_option(std::span<const std::string_view> args, std::size_t& i, report_options& o, std::string& why);

/// The language to write in: --lang, else the environment's (report_messages.hpp), else Chinese.
[[nodiscard]] report::language resolve_language(const report_options& o);

/// Checks a timestamp as --generated-at takes it: `YYYY-MM-DDTHH:MM:SSZ`,
/// `YYYY-MM-DDTHH:MM:SS±HH:MM` or `YYYY-MM-DD`; nothing, with `why` set, otherwise.
[[nodiscard]] std::optional<std::string> check_timestamp(std::string_view text, std::string& why);

/// Seconds since 1970-01-01T00:00:00Z as `YYYY-MM-DDTHH:MM:SSZ`.
[[nodiscard]] std::string utc_timestamp(long long seconds_since_epoch);

/// When the report is made: --generated-at, else SOURCE_DATE_EPOCH (whole
/// seconds, as reproducible builds set it), else the clock now, in UTC. A
/// malformed SOURCE_DATE_EPOCH is an error (nothing, with `why` set).
[[nodiscard]] std::optional<std::string> resolve_generated_at(const report_options& o, std::string& why);

/// Writes `text` to `path` through a temporary file in the same folder, renamed
/// over `path` once complete, so that a reader never sees half a report and a
/// failed write leaves an existing file as it was. Says what failed on `err`,
/// prefixed by `who` ("rulebook diff").
bool write_file_atomically(const std::filesystem::path& path, std::string_view text, std::ostream& err,
                           std::string_view who);

/// A set of files written into a temporary folder, then moved into the folder
/// `out` as one set: either every file is replaced or written, or, on any
/// error, the folder is left as it was (other files in it are left alone).
///
/// The files are first written into a temporary folder beside `out` (inside it,
/// when it exists). When `out` does not exist yet, that folder is renamed to
/// `out`: the set appears at once. When it does, each file is moved in by a
/// rename over the old one, which is kept (as a hard link) until every file is
/// in place, so that a rename that fails puts back the files already replaced.
/// The temporary folder goes when this does. Says what failed on `err`,
/// prefixed by `who` ("rulebook eval").
class staged_folder {
 public:
  /// Makes the temporary folder; nothing, said on `err`, when it cannot.
  static std::unique_ptr<staged_folder> open(std::filesystem::path out, std::ostream& err, std::string_view who);
  staged_folder(const staged_folder&) = delete;
  staged_folder& operator=(const staged_folder&) = delete;
  ~staged_folder();

  /// Where the file `name` is to be written (then `add`ed).
  [[nodiscard]] std::filesystem::path path_of(const std::string& name) const { return stage_ / name; }
  /// Counts in the file `name`, written at `path_of(name)` by the caller.
  void add(const std::string& name) { names_.push_back(name); }
  /// Says that `name` could not be written; returns false.
  bool failed_to_write(const std::string& name) { return fail("cannot write " + name); }
  /// Moves the set into `out`; false, said on `err`, with `out` as it was.
  bool commit();

 private:
  staged_folder(std::filesystem::path out, std::ostream& err, std::string_view who)
      : out_(std::move(out)), err_(err), who_(who) {}
  bool fail(const std::string& why);

  std::filesystem::path out_;
  std::ostream& err_;
  std::string who_;
  bool exists_ = false;
  std::filesystem::path stage_;
  std::vector<std::string> names_;
};

}  // namespace rulebook::cli
