// Internal: reading YAML the checked way, shared by the county loader
// (load_yaml.cpp) and the policy loader (load_policy.cpp).
//
// rulebook's own reader (detail/yaml.hpp) builds the tree; everything after
// that goes through the accessors here: a value is read as text and parsed
// exactly (`1e4` is never money through floating point), a duplicate key is an
// error with both positions, an unknown key is an error with "did you mean",
// every accessor says what was expected, and every position is the reader's
// own — 1-based, in code points, in a named file.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detail/load_context.hpp"
#include "detail/messages.hpp"
#include "detail/yaml.hpp"
#include "rulebook/diagnostic.hpp"
#include "rulebook/model.hpp"
#include "rulebook/money.hpp"
#include "rulebook/period.hpp"

namespace rulebook::detail {

/// Names the kind of a node for "expected …, found …" messages.
[[nodiscard]] std::string found_kind(const yaml::node& node);

// ---- positions --------------------------------------------------------------------------

/// Where the parts of one entity came from, keyed relative to it: "" for the
/// entity itself, ".lead_unit", ".kit[0].until". An entity's index in the
/// county is known only once it is kept (a broken event is dropped), so its
/// positions are gathered here and committed under the final key.
class positions {
 public:
  void add(std::string suffix, source_location at) { entries_.emplace_back(std::move(suffix), std::move(at)); }

  /// Adds a child entity's positions under `prefix` (".service[2]").
  void add_child(const std::string& prefix, positions&& child) {
    for (auto& [suffix, at] : child.entries_) entries_.emplace_back(prefix + suffix, std::move(at));
  }

  /// Records every position in `map` under `key` ("teams[3]").
  void commit(source_map& map, const std::string& key) && {
    for (auto& [suffix, at] : entries_) map.set(key + suffix, std::move(at));
  }

 private:
  std::vector<std::pair<std::string, source_location>> entries_;
};

// ---- one file ----------------------------------------------------------------------------

/// One YAML file being read: names the reader's positions with the file's
/// path, and reports problems.
class yaml_file {
 public:
  yaml_file(const source_file& file, diagnostic_sink& sink) : file_(file), sink_(sink) {}

  [[nodiscard]] const std::string& path() const noexcept { return file_.path(); }

  [[nodiscard]] source_location at(yaml::mark mark) const { return {path(), mark.line, mark.column, {}}; }
  [[nodiscard]] source_location at(const yaml::node& node) const { return at(node.where()); }

  /// Where the text of a scalar begins: one past the quote of a quoted scalar,
  /// the first line of a block scalar's content (`|`, `>`), else the node's
  /// own position. Checkers of text inside a value (expressions) count their
  /// columns from here.
  [[nodiscard]] source_location content_at(const yaml::node& scalar) const { return at(scalar.content_where()); }

  void error(std::string code, source_location where, std::string message, std::string hint = {}) {
    sink_.error(std::move(code), std::move(where), std::move(message), std::move(hint));
  }

 private:
  const source_file& file_;
  diagnostic_sink& sink_;
};

/// One key of a YAML map and its value, as read from the file.
struct map_entry {
  std::string key;
  yaml::node key_node;
  yaml::node value;
};

/// Lists the entries of a YAML map, each key once. The reader keeps every
/// duplicate key, so that a second `name:` is not lost without a word: here it
/// is a `duplicate-key` error (and the first one counts). A key that is not a
/// text (`null:`, `~:`) is a `wrong-kind` error.
[[nodiscard]] std::vector<map_entry> read_map_entries(yaml_file& file, const yaml::node& map, std::string_view what);

// ---- the fields of one entity ------------------------------------------------------------

/// The largest amount the county format accepts: more is a typo, not a payment.
inline constexpr money max_amount = money::yuan(100'000'000);

/// The keys an entity may have, in the order the format lists them.
using key_list = std::span<const std::string_view>;

/// Reads the fields of one entity — a YAML map such as a team — through
/// checked accessors. Unknown, duplicate and non-scalar keys are reported when
/// it is made; each accessor then reports a missing key, a wrong kind or a bad
/// value, records where the field was (in `pos()`), and returns nothing on a
/// problem. `ok()` tells whether the entity was read without any problem.
class fields {
 public:
  fields(yaml_file& file, const yaml::node& map, std::string_view what, key_list allowed);

  [[nodiscard]] bool ok() const noexcept { return ok_; }
  [[nodiscard]] yaml_file& file() const noexcept { return file_; }
  [[nodiscard]] const std::string& what() const noexcept { return what_; }
  /// Where the entity and each field read so far were.
  [[nodiscard]] positions& pos() noexcept { return pos_; }
  /// Where the entity itself (its map) is.
  [[nodiscard]] source_location at() const { return file_.at(map_); }

  /// Marks the entity as not read cleanly, for a problem a child reported.
  void set_failed() noexcept { ok_ = false; }

  /// Reports a problem of this entity.
  void fail(std::string code, source_location where, std::string message, std::string hint = {});

  /// A plain value's text and where it is.
  struct located_text {
    std::string text;
    source_location where;
  };

  /// The text of the plain value under `key`, recorded as ".key"; a list or
  /// map there is reported as a wrong kind, `expected` saying what belongs.
  /// `where` is the node's position (see `yaml_file::content_at` for the text's).
  std::optional<located_text> scalar(std::string_view key, need n, std::string_view expected,
                                     std::string_view missing_hint = {});

  /// Text such as a name; an empty required text is an error.
  std::optional<std::string> text(std::string_view key, need n);

  /// The entity's own id. A malformed id is reported but kept, so that the
  /// entity can still be named in later messages and found by references.
  std::optional<std::string> own_id(std::string_view key);

  /// A reference to another entity by id; a malformed one reads as absent.
  std::optional<std::string> reference(std::string_view key, need n, std::string_view missing_hint = {});

  /// A list of references (`sponsor_units: [U02, U03]`), each element recorded
  /// as ".key[k]"; malformed elements are reported and left out.
  std::vector<std::string> references(std::string_view key, need n, std::string_view noun);
  /// As `references`, with where each id is.
  std::vector<located_text> located_references(std::string_view key, need n, std::string_view noun);

  /// The text of the plain value under `key` with where the text itself starts
  /// (`yaml_file::content_at`), for a checker of what the text says.
  std::optional<located_text> content(std::string_view key, need n, std::string_view expected);

  /// An amount of money: at most 4 decimals, never negative, at most 100,000,000 yuan.
  std::optional<money> amount(std::string_view key, need n);

  /// A decimal number, at most 4 decimals.
  std::optional<decimal> number(std::string_view key, need n);

  /// A distance in km: 0 < d ≤ 3000.
  std::optional<decimal> distance(std::string_view key, need n);

  /// A date, `YYYY-MM-DD`.
  std::optional<date> day(std::string_view key, need n);

  /// A month, `YYYY-MM`.
  std::optional<year_month> month(std::string_view key, need n);

  /// A count: a whole number, 0 or more (at most 9 digits, so it fits an int).
  std::optional<int> count(std::string_view key, need n);

  /// A calendar year, 1900 to 9999 as dates allow.
  std::optional<int> year(std::string_view key, need n);

  /// `true` or `false`, as YAML 1.2 spells them.
  std::optional<bool> flag(std::string_view key, need n);

  /// One of the names of `E` (`kind: county_department`); `noun` names the
  /// enumeration in messages ("unit kind"). An unknown name is reported with
  /// `code` (`unknown-name` unless a format gives it a code of its own).
  template <class E>
  std::optional<E> name(std::string_view key, need n, std::string_view noun, std::string code = "unknown-name") {
    auto found = scalar(key, n, with_article(noun) + " (" + join(names_of<E>()) + ")");
    if (!found) return std::nullopt;
    return parse_name<E>(*found, noun, std::move(code));
  }

  /// A list of names of `E` (`units: [county_department, township]`); unknown
  /// ones are reported, with `code` as `name` does, and left out.
  template <class E>
  std::vector<E> names(std::string_view key, need n, std::string_view noun, std::string code = "unknown-name") {
    std::vector<E> values;
    const std::string expected = "a list of " + plural(noun) + " (" + join(names_of<E>()) + ")";
    for (const located_text& element : scalar_list(key, n, expected, with_article(noun)))
      if (std::optional<E> value = parse_name<E>(element, noun, code)) values.push_back(*value);
    return values;
  }

  /// The plain values of the list under `key`, each with where it is; an
  /// element of another kind is reported (`element` says what belongs) and left out.
  std::vector<located_text> scalar_list(std::string_view key, need n, const std::string& expected,
                                        const std::string& element);

  /// The list under `key` (a YAML sequence), or nothing when it is absent or
  /// null; a value of another kind is reported.
  std::optional<yaml::node> sequence(std::string_view key, need n, const std::string& expected);

  /// The map under `key`, or nothing when it is absent or null; a value of
  /// another kind is reported.
  std::optional<yaml::node> mapping(std::string_view key, need n, const std::string& expected);

  /// Tells whether `key` is given with a value (not absent, not null).
  [[nodiscard]] bool has(std::string_view key) const;

  /// The number of elements of the list under `key`, or nothing when no list is there.
  [[nodiscard]] std::optional<std::size_t> size_of(std::string_view key) const;

  /// The number of elements or entries of the list or map under `key`; 0 for
  /// anything else or nothing.
  [[nodiscard]] std::size_t entries_of(std::string_view key) const;

  /// Where the value of `key` was (recorded when it was read), else the entity.
  [[nodiscard]] source_location field_at(std::string_view key) const;

  /// Where the key `key` itself was, else the entity.
  [[nodiscard]] source_location key_at(std::string_view key) const;

 private:
  [[nodiscard]] const map_entry* find(std::string_view key) const;

  /// A null value (`to:`) has no text to point at: its key is where the
  /// reader should look.
  [[nodiscard]] source_location value_at(const map_entry& e) const;

  /// The entry of `key` when it has a value. An absent key, or one with no
  /// value, is reported when required; an optional one just reads as absent.
  const map_entry* present(std::string_view key, need n, std::string_view missing_hint = {});

  /// Tells whether some key of the map is a typo of `key` (`distance_kn` for
  /// `distance_km`): one mistake is then one error, the unknown key's.
  [[nodiscard]] bool misspelt(std::string_view key) const;

  void report_bad_id(std::string_view key, const located_text& found);

  template <class E>
  static std::vector<std::string_view> names_of() {
    std::vector<std::string_view> names;
    for (const auto& entry : enum_names<E>()) names.push_back(entry.name);
    return names;
  }

  template <class E>
  std::optional<E> parse_name(const located_text& found, std::string_view noun, std::string code) {
    const std::optional<E> value = parse_enum<E>(found.text);
    if (!value)
      fail(std::move(code), found.where, "unknown " + std::string(noun) + " " + in_quotes(found.text) + " in " + what_,
           suggestion(found.text, names_of<E>(), "expected one of"));
    return value;
  }

  [[nodiscard]] std::string invalid(std::string_view key) const;

  /// The plain value under `key` read by `parse(text, &why)` (a `try_parse`
  /// or `parse_date`), a failure reported as a `bad-value` with its why.
  template <class Parse>
  auto parsed(std::string_view key, need n, std::string_view expected, Parse parse)
      -> decltype(parse(std::string_view{}, nullptr));

  yaml_file& file_;
  yaml::node map_;
  std::string what_;
  key_list allowed_;
  positions pos_;
  std::vector<map_entry> entries_;
  bool ok_ = true;
};

/// What a broken element of a child list does to the others.
enum class on_broken {
  skip_it,   // the others are kept
  drop_all,  // none is kept: a partial list would make later checks misreport
};

/// Reads the list under `key` of `parent` into `out` (empty before), one child
/// per element with `read(fields&)`, each recorded as ".key[j]". A child with a
/// problem (reported) is left out and marks the parent as failed. Returns the
/// number of elements the list has, or nothing when there is no list.
template <class T, class Read>
std::optional<std::size_t> read_children(fields& parent, std::string_view key, need n, std::string_view each,
                                         key_list allowed, std::vector<T>& out, Read read,
                                         on_broken policy = on_broken::skip_it) {
  const std::optional<yaml::node> list = parent.sequence(key, n, "a list of " + plural(each));
  if (!list) return std::nullopt;
  std::vector<T> children;
  positions children_pos;
  bool all_read = true;
  for (const yaml::node item : list->elements()) {
    if (!item.is_map()) {
      parent.fail("wrong-kind", parent.file().at(item),
                  "expected " + with_article(each) + " (a map of keys) in '" + std::string(key) + "' of " +
                      parent.what() + ", found " + found_kind(item));
      all_read = false;
      continue;
    }
    fields child(parent.file(), item, with_article(each), allowed);
    T value = read(child);
    if (!child.ok()) {
      parent.set_failed();
      all_read = false;
      continue;
    }
    children_pos.add_child("." + indexed(key, children.size()), std::move(child.pos()));
    children.push_back(std::move(value));
  }
  if (all_read || policy == on_broken::skip_it) {
    parent.pos().add_child("", std::move(children_pos));
    out = std::move(children);
  }
  return list->size();
}

/// Copies `from` into `to` when it holds a value.
template <class T>
void take(std::optional<T>&& from, T& to) {
  if (from) to = std::move(*from);
}

// ---- whole files ---------------------------------------------------------------------------

/// What became of one file.
enum class file_outcome { read, empty, syntax_error };

/// One file registered with a sink (so that diagnostics quote its lines) and
/// parsed; `root` is its document when `outcome` is `read`, and lives as long
/// as `document`.
struct parsed_yaml {
  yaml_file file;
  file_outcome outcome;
  yaml::document document;
  std::optional<yaml::node> root;
};

/// Registers `text` as the file `name` with `sink` (a UTF-8 byte-order mark
/// dropped, so that the first line quotes as the reader counts it) and parses
/// it as one document. A syntax error is a `yaml-syntax` error saying what was
/// expected where; so is a second document, which `holder` ("a county file")
/// holds only one of, with `second_document_hint` saying what to do instead.
[[nodiscard]] parsed_yaml parse_yaml(std::string name, std::string text, diagnostic_sink& sink, std::string_view holder,
                                     std::string_view second_document_hint);

/// As `parse_yaml`, for JSON text (detail/json.hpp): a syntax error is a
/// `json-syntax` error; the tree is the one YAML gives, so the same checked
/// accessors read it.
[[nodiscard]] parsed_yaml parse_json(std::string name, std::string text, diagnostic_sink& sink);

/// Orders diagnostics from `first` on by line and column, so that a file's
/// problems read top to bottom whatever order the reader met them in.
void sort_by_position(std::vector<diagnostic>& ds, std::size_t first);

}  // namespace rulebook::detail
