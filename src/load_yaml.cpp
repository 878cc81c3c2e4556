// Reading a county from YAML: one file, or a folder of files whose sections are
// joined in file-name order. The format and every check are described in
// docs/data-format.md.
//
// yaml-cpp builds the tree; everything after that goes through the checked
// accessors below, never through yaml-cpp's own conversions: `as<T>()` would
// read `1e4` as money through floating point, non-const `operator[]` inserts
// keys, and yaml-cpp 0.7 keeps duplicate keys silently and marks positions
// 0-based, in bytes, without a file name.
#include "detail/load_yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "rulebook/diagnostic.hpp"
#include "rulebook/model.hpp"
#include "rulebook/money.hpp"
#include "rulebook/period.hpp"

namespace rulebook::detail {
namespace {

// ---- words for messages --------------------------------------------------------------

/// Quotes user text in single quotes for a message, escaping control
/// characters and cutting very long text, so a message stays one line.
std::string in_quotes(std::string_view text) {
  constexpr std::size_t max_shown = 60;
  constexpr std::string_view hex = "0123456789abcdef";
  std::string out = "'";
  for (const char ch : text.substr(0, max_shown)) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte < 0x20 || byte == 0x7f) {
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 0xf];
    } else {
      out += ch;
    }
  }
  if (text.size() > max_shown) out += "...";
  out += '\'';
  return out;
}

std::string join(std::span<const std::string_view> words) {
  std::string out;
  for (const std::string_view w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

/// "did you mean 'x'?" when `word` is a plausible typo of a candidate; else a
/// list of what is allowed, introduced by `allowed_intro`.
std::string suggestion(std::string_view word, std::span<const std::string_view> candidates,
                       std::string_view allowed_intro) {
  const std::string_view near = closest_match(word, candidates);
  if (!near.empty()) return "did you mean '" + std::string(near) + "'?";
  return std::string(allowed_intro) + ": " + join(candidates);
}

/// "a unit" / "an assessment".
std::string with_article(std::string_view noun) {
  // "an insurance policy", "an assessment", but "a unit" (said "you-nit").
  const bool vowel_sound = !noun.empty() && std::string_view("aeiou").find(noun.front()) != std::string_view::npos &&
                           !noun.starts_with("uni");
  return (vowel_sound ? "an " : "a ") + std::string(noun);
}

/// "units", "insurance policies".
std::string plural(std::string_view noun) {
  if (noun.ends_with("y") && !noun.ends_with("ey")) return std::string(noun.substr(0, noun.size() - 1)) + "ies";
  return std::string(noun) + "s";
}

/// Names the kind of a node for "expected …, found …" messages.
std::string found_kind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: return "the value " + in_quotes(node.Scalar());
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: break;
  }
  return "nothing";
}

/// Counts the code points of `line` before byte `byte_column`, plus one: the
/// 1-based column an editor shows. A position past the line's end (yaml-cpp
/// marks the end of input so) counts the missing bytes as columns.
int code_point_column(std::string_view line, int byte_column) {
  const auto bytes = static_cast<std::size_t>(std::max(byte_column, 0));
  const std::string_view head = line.substr(0, std::min(bytes, line.size()));
  const auto continuation = [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) == 0x80; };
  const auto points = std::count_if(head.begin(), head.end(), [&](char ch) { return !continuation(ch); });
  const std::size_t past_end = bytes > line.size() ? bytes - line.size() : 0;
  return static_cast<int>(points) + static_cast<int>(past_end) + 1;
}

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

std::string indexed(std::string_view name, std::size_t index) {
  return std::string(name) + "[" + std::to_string(index) + "]";
}

// ---- one file ----------------------------------------------------------------------------

/// One YAML file being read: turns yaml-cpp's 0-based byte marks into
/// 1-based code-point positions in the named file, and reports problems.
class yaml_file {
 public:
  yaml_file(const source_file& file, diagnostic_sink& sink) : file_(file), sink_(sink) {}

  [[nodiscard]] const std::string& path() const noexcept { return file_.path(); }

  [[nodiscard]] source_location at(const YAML::Mark& mark) const {
    if (mark.line < 0) return {path(), 0, 0, {}};
    const int line = mark.line + 1;
    return {path(), line, code_point_column(file_.line(line), mark.column), {}};
  }

  [[nodiscard]] source_location at(const YAML::Node& node) const { return at(node.Mark()); }

  [[nodiscard]] std::string_view line(int n) const noexcept { return file_.line(n); }

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
  YAML::Node key_node;
  YAML::Node value;
};

/// Lists the entries of a YAML map, each key once. yaml-cpp 0.7 keeps every
/// duplicate key and finds only the first, so a second `name:` would be lost
/// without a word: here it is a `duplicate-key` error (and the first one counts).
/// A key that is not a plain value (`? [a, b]`) is a `wrong-kind` error.
std::vector<map_entry> read_map_entries(yaml_file& file, const YAML::Node& map, std::string_view what) {
  std::vector<map_entry> entries;
  for (auto it = map.begin(); it != map.end(); ++it) {
    // `it->first` lives in a proxy that dies with the expression: copy the pair
    // (two handles to the tree) before taking references into it.
    const auto pair = *it;
    const YAML::Node& key = pair.first;
    if (!key.IsScalar()) {
      file.error("wrong-kind", file.at(key), "expected a key name in " + std::string(what) + ", found " + found_kind(key));
      continue;
    }
    const auto first = std::find_if(entries.begin(), entries.end(),
                                    [&](const map_entry& e) { return e.key == key.Scalar(); });
    if (first != entries.end()) {
      const source_location was = file.at(first->key_node);
      file.error("duplicate-key", file.at(key), "duplicate key " + in_quotes(key.Scalar()) + " in " + std::string(what),
                 "the first " + in_quotes(key.Scalar()) + " is at line " + std::to_string(was.line) + ", column " +
                     std::to_string(was.column) + "; a key may appear once in a map");
      continue;
    }
    entries.push_back({key.Scalar(), key, pair.second});
  }
  return entries;
}

// ---- the fields of one entity ------------------------------------------------------------

enum class need { required, optional };

/// The largest amount the format accepts: more is a typo, not a payment.
constexpr money max_amount = money::yuan(100'000'000);

/// The keys an entity may have, in the order the format lists them.
using key_list = std::span<const std::string_view>;

/// Reads the fields of one entity — a YAML map such as a team — through
/// checked accessors. Unknown, duplicate and non-scalar keys are reported when
/// it is made; each accessor then reports a missing key, a wrong kind or a bad
/// value, records where the field was, and returns nothing on a problem.
/// `ok()` tells whether the entity was read without any problem.
class fields {
 public:
  fields(yaml_file& file, const YAML::Node& map, std::string_view what, key_list allowed, positions& pos)
      : file_(file), map_(map), what_(what), allowed_(allowed), pos_(pos), entries_(read_map_entries(file, map, what)) {
    pos_.add("", file_.at(map_));
    for (const map_entry& e : entries_) {
      if (std::find(allowed.begin(), allowed.end(), e.key) != allowed.end()) continue;
      fail("unknown-key", file_.at(e.key_node), "unknown key " + in_quotes(e.key) + " in " + what_,
           suggestion(e.key, allowed, what_ + " has the keys"));
    }
    if (entries_.size() < static_cast<std::size_t>(map_.size())) ok_ = false;  // a duplicate or odd key
  }

  [[nodiscard]] bool ok() const noexcept { return ok_; }
  [[nodiscard]] yaml_file& file() const noexcept { return file_; }
  [[nodiscard]] const std::string& what() const noexcept { return what_; }
  [[nodiscard]] positions& pos() const noexcept { return pos_; }

  /// Marks the entity as not read cleanly, for a problem a child reported.
  void set_failed() noexcept { ok_ = false; }

  /// Reports a problem of this entity.
  void fail(std::string code, source_location where, std::string message, std::string hint = {}) {
    ok_ = false;
    file_.error(std::move(code), std::move(where), std::move(message), std::move(hint));
  }

  /// Text such as a name; an empty required text is an error.
  std::optional<std::string> text(std::string_view key, need n) {
    auto found = scalar(key, n, "text");
    if (!found) return std::nullopt;
    if (found->text.empty()) {
      if (n == need::optional) return std::nullopt;
      fail("bad-value", found->where, "'" + std::string(key) + "' in " + what_ + " is empty");
      return std::nullopt;
    }
    return std::move(found->text);
  }

  /// The entity's own id. A malformed id is reported but kept, so that the
  /// entity can still be named in later messages and found by references.
  std::optional<std::string> own_id(std::string_view key) {
    auto found = scalar(key, need::required, "an id");
    if (!found) return std::nullopt;
    if (!valid_id(found->text)) report_bad_id(key, *found);
    return std::move(found->text);
  }

  /// A reference to another entity by id; a malformed one reads as absent.
  std::optional<std::string> reference(std::string_view key, need n, std::string_view missing_hint = {}) {
    auto found = scalar(key, n, "an id", missing_hint);
    if (!found) return std::nullopt;
    if (!valid_id(found->text)) {
      report_bad_id(key, *found);
      return std::nullopt;
    }
    return std::move(found->text);
  }

  /// A list of references (`sponsor_units: [U02, U03]`), each element recorded
  /// as ".key[k]"; malformed elements are reported and left out.
  std::vector<std::string> references(std::string_view key, need n, std::string_view noun) {
    std::vector<std::string> ids;
    const std::optional<YAML::Node> list = sequence(key, n, "a list of " + std::string(noun) + " ids");
    if (!list) return ids;
    for (const YAML::Node& item : *list) {
      if (!item.IsScalar()) {
        fail("wrong-kind", file_.at(item),
             "expected " + with_article(noun) + " id in '" + std::string(key) + "' of " + what_ + ", found " + found_kind(item));
        continue;
      }
      const found_scalar element{item.Scalar(), file_.at(item)};
      if (!valid_id(element.text)) {
        report_bad_id(key, element);
        continue;
      }
      pos_.add("." + indexed(key, ids.size()), element.where);
      ids.push_back(element.text);
    }
    return ids;
  }

  /// An amount of money: at most 4 decimals, never negative, at most 100,000,000 yuan.
  std::optional<money> amount(std::string_view key, need n) {
    auto found = scalar(key, n, "an amount of money");
    if (!found) return std::nullopt;
    std::string why;
    const std::optional<money> value = money::try_parse(found->text, &why);
    if (!value) {
      fail("bad-value", found->where, invalid(key) + why, "an amount is written in yuan, as 2878.50");
      return std::nullopt;
    }
    if (*value < money{} || *value > max_amount) {
      fail("out-of-range", found->where,
           "'" + std::string(key) + "' in " + what_ + " is " + found->text + " yuan; an amount lies from 0 to 100000000 yuan");
      return std::nullopt;
    }
    return value;
  }

  /// A decimal number, at most 4 decimals.
  std::optional<decimal> number(std::string_view key, need n) {
    auto found = scalar(key, n, "a decimal number");
    if (!found) return std::nullopt;
    std::string why;
    std::optional<decimal> value = decimal::try_parse(found->text, &why);
    if (!value) fail("bad-value", found->where, invalid(key) + why);
    return value;
  }

  /// A distance in km: 0 < d ≤ 3000.
  std::optional<decimal> distance(std::string_view key, need n) {
    const std::optional<decimal> value = number(key, n);
    if (!value) return std::nullopt;
    if (*value <= decimal{} || *value > decimal::from_int(3000)) {
      fail("out-of-range", field_at(key),
           "'" + std::string(key) + "' in " + what_ + " is " + value->to_string() +
               " km; a distance is more than 0 and at most 3000 km");
      return std::nullopt;
    }
    return value;
  }

  /// A date, `YYYY-MM-DD`.
  std::optional<date> day(std::string_view key, need n) {
    auto found = scalar(key, n, "a date as YYYY-MM-DD");
    if (!found) return std::nullopt;
    std::string why;
    std::optional<date> value = parse_date(found->text, &why);
    if (!value) fail("bad-value", found->where, invalid(key) + why);
    return value;
  }

  /// A month, `YYYY-MM`.
  std::optional<year_month> month(std::string_view key, need n) {
    auto found = scalar(key, n, "a month as YYYY-MM");
    if (!found) return std::nullopt;
    std::string why;
    std::optional<year_month> value = parse_month(found->text, &why);
    if (!value) fail("bad-value", found->where, invalid(key) + why);
    return value;
  }

  /// A count: a whole number, 0 or more (at most 9 digits, so it fits an int).
  std::optional<int> count(std::string_view key, need n) {
    constexpr std::string_view expected = "a count (a non-negative integer)";
    auto found = scalar(key, n, expected);
    if (!found) return std::nullopt;
    const std::optional<int> value = whole_number(found->text, 9);
    if (!value) {
      fail("bad-value", found->where, invalid(key) + "expected " + std::string(expected) + ", found " + in_quotes(found->text));
      return std::nullopt;
    }
    return value;
  }

  /// A calendar year, 1900 to 9999 as dates allow.
  std::optional<int> year(std::string_view key, need n) {
    auto found = scalar(key, n, "a year as YYYY");
    if (!found) return std::nullopt;
    const std::optional<int> value = found->text.size() == 4 ? whole_number(found->text, 4) : std::nullopt;
    if (!value || *value < min_year || *value > max_year) {
      fail("bad-value", found->where, invalid(key) + "expected a year as YYYY from 1900 to 9999, found " + in_quotes(found->text));
      return std::nullopt;
    }
    return value;
  }

  /// One of the names of `E` (`kind: county_department`); `noun` names the
  /// enumeration in messages ("unit kind").
  template <class E>
  std::optional<E> name(std::string_view key, need n, std::string_view noun) {
    std::vector<std::string_view> names;
    for (const auto& entry : enum_names<E>()) names.push_back(entry.name);
    auto found = scalar(key, n, with_article(noun) + " (" + join(names) + ")");
    if (!found) return std::nullopt;
    const std::optional<E> value = parse_enum<E>(found->text);
    if (!value)
      fail("unknown-name", found->where, "unknown " + std::string(noun) + " " + in_quotes(found->text) + " in " + what_,
           suggestion(found->text, names, "expected one of"));
    return value;
  }

  /// The list under `key` (a YAML sequence), or nothing when it is absent or
  /// null; a value of another kind is reported.
  std::optional<YAML::Node> sequence(std::string_view key, need n, const std::string& expected) {
    const map_entry* e = present(key, n);
    if (e == nullptr) return std::nullopt;
    if (!e->value.IsSequence()) {
      std::string hint;
      if (e->value.IsScalar()) hint = "write a list, as [" + e->value.Scalar() + "], even for one element";
      fail("wrong-kind", file_.at(e->value),
           "expected " + expected + " for '" + std::string(key) + "' in " + what_ + ", found " + found_kind(e->value), hint);
      return std::nullopt;
    }
    pos_.add("." + std::string(key), file_.at(e->value));
    return e->value;
  }

  /// The map under `key`, or nothing when it is absent or null; a value of
  /// another kind is reported.
  std::optional<YAML::Node> mapping(std::string_view key, need n, const std::string& expected) {
    const map_entry* e = present(key, n);
    if (e == nullptr) return std::nullopt;
    if (!e->value.IsMap()) {
      fail("wrong-kind", file_.at(e->value),
           "expected " + expected + " for '" + std::string(key) + "' in " + what_ + ", found " + found_kind(e->value));
      return std::nullopt;
    }
    pos_.add("." + std::string(key), file_.at(e->value));
    return e->value;
  }

  /// Tells whether `key` is given with a value (not absent, not null).
  [[nodiscard]] bool has(std::string_view key) const {
    const map_entry* e = find(key);
    return e != nullptr && !e->value.IsNull();
  }

  /// Where the value of `key` was (recorded when it was read), else the entity.
  [[nodiscard]] source_location field_at(std::string_view key) const {
    const map_entry* e = find(key);
    if (e == nullptr) return file_.at(map_);
    return value_at(*e);
  }

 private:
  struct found_scalar {
    std::string text;
    source_location where;
  };

  [[nodiscard]] const map_entry* find(std::string_view key) const {
    const auto it = std::find_if(entries_.begin(), entries_.end(), [&](const map_entry& e) { return e.key == key; });
    return it == entries_.end() ? nullptr : &*it;
  }

  /// A null value (`to:`) carries the mark of whatever follows it, often on
  /// the next line; its key is where the reader should look.
  [[nodiscard]] source_location value_at(const map_entry& e) const {
    return file_.at(e.value.IsNull() ? e.key_node : e.value);
  }

  /// The entry of `key` when it has a value. An absent key, or one with no
  /// value, is reported when required; an optional one just reads as absent.
  const map_entry* present(std::string_view key, need n, std::string_view missing_hint = {}) {
    const map_entry* e = find(key);
    if (e != nullptr && !e->value.IsNull()) return e;
    if (n == need::required) {
      if (e == nullptr && misspelt(key))
        ok_ = false;  // reported as an unknown key, with "did you mean" this one
      else if (e == nullptr)
        fail("missing-key", file_.at(map_), "missing key '" + std::string(key) + "' in " + what_,
             std::string(missing_hint));
      else
        fail("missing-key", file_.at(e->key_node), "missing value for '" + std::string(key) + "' in " + what_);
    }
    return nullptr;
  }

  /// The text of the plain value under `key`, recorded as ".key"; a list or
  /// map there is reported as a wrong kind, `expected` saying what belongs.
  std::optional<found_scalar> scalar(std::string_view key, need n, std::string_view expected,
                                     std::string_view missing_hint = {}) {
    const map_entry* e = present(key, n, missing_hint);
    if (e == nullptr) return std::nullopt;
    const source_location where = value_at(*e);
    if (!e->value.IsScalar()) {
      fail("wrong-kind", where,
           "expected " + std::string(expected) + " for '" + std::string(key) + "' in " + what_ + ", found " +
               found_kind(e->value));
      return std::nullopt;
    }
    pos_.add("." + std::string(key), where);
    return found_scalar{e->value.Scalar(), where};
  }

  /// Tells whether some key of the map is a typo of `key` (`distance_kn` for
  /// `distance_km`): one mistake is then one error, the unknown key's.
  [[nodiscard]] bool misspelt(std::string_view key) const {
    const std::string_view candidates[] = {key};
    return std::any_of(entries_.begin(), entries_.end(), [&](const map_entry& e) {
      return std::find(allowed_.begin(), allowed_.end(), e.key) == allowed_.end() &&
             !closest_match(e.key, candidates).empty();
    });
  }

  void report_bad_id(std::string_view key, const found_scalar& found) {
    fail("bad-value", found.where, invalid(key) + "expected an id, found " + in_quotes(found.text),
         "an id is 1 to 64 letters, digits, '_', '-' or '.'");
  }

  [[nodiscard]] std::string invalid(std::string_view key) const {
    return "invalid '" + std::string(key) + "' in " + what_ + ": ";
  }

  /// Reads 1 to `max_digits` ASCII digits.
  static std::optional<int> whole_number(std::string_view text, std::size_t max_digits) {
    if (text.empty() || text.size() > max_digits) return std::nullopt;
    int value = 0;
    for (const char ch : text) {
      if (ch < '0' || ch > '9') return std::nullopt;
      value = value * 10 + (ch - '0');
    }
    return value;
  }

  yaml_file& file_;
  YAML::Node map_;
  std::string what_;
  key_list allowed_;
  positions& pos_;
  std::vector<map_entry> entries_;
  bool ok_ = true;
};

/// An entity read from YAML and whether it was read without a problem.
template <class T>
struct read_result {
  T value;
  bool ok = true;
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
  const std::optional<YAML::Node> list = parent.sequence(key, n, "a list of " + plural(each));
  if (!list) return std::nullopt;
  std::vector<T> children;
  positions children_pos;
  bool all_read = true;
  for (const YAML::Node& item : *list) {
    if (!item.IsMap()) {
      parent.fail("wrong-kind", parent.file().at(item),
                  "expected " + with_article(each) + " (a map of keys) in '" + std::string(key) + "' of " + parent.what() +
                      ", found " + found_kind(item));
      all_read = false;
      continue;
    }
    positions pos;
    fields child(parent.file(), item, with_article(each), allowed, pos);
    T value = read(child);
    if (!child.ok()) {
      parent.set_failed();
      all_read = false;
      continue;
    }
    children_pos.add_child("." + indexed(key, children.size()), std::move(pos));
    children.push_back(std::move(value));
  }
  if (all_read || policy == on_broken::skip_it) {
    parent.pos().add_child("", std::move(children_pos));
    out = std::move(children);
  }
  return static_cast<std::size_t>(list->size());
}

// ---- the entities --------------------------------------------------------------------------

constexpr std::string_view county_keys[] = {"id", "name", "province"};
constexpr std::string_view unit_keys[] = {"id", "name", "kind"};
constexpr std::string_view team_keys[] = {"id", "village", "town", "lead_unit", "sponsor_units", "distance_km", "kit", "funds_received"};
constexpr std::string_view kit_keys[] = {"item", "since", "until"};
constexpr std::string_view funds_keys[] = {"date", "amount", "from"};
constexpr std::string_view member_keys[] = {"id", "name", "role", "unit", "team", "service", "insurance", "health_checks", "assessments"};
constexpr std::string_view service_keys[] = {"from", "to", "team"};
constexpr std::string_view insurance_keys[] = {"cover", "from", "to", "insurer"};
constexpr std::string_view health_check_keys[] = {"date", "cost"};
constexpr std::string_view assessment_keys[] = {"year", "score", "grade"};
constexpr std::string_view month_keys[] = {"member", "month", "days_in_village", "round_trips", "days_away_on_duty", "paid"};
constexpr std::string_view visit_keys[] = {"date", "visitor", "unit", "team"};
constexpr std::string_view meeting_keys[] = {"date", "kind", "attendees"};
constexpr std::string_view condolence_keys[] = {"date", "member", "reason", "amount", "paid_by"};

/// Copies `from` into `to` when it holds a value.
template <class T>
void take(std::optional<T>&& from, T& to) {
  if (from) to = std::move(*from);
}

sponsor_unit read_unit(fields& f) {
  sponsor_unit u;
  take(f.own_id("id"), u.id);
  take(f.text("name", need::required), u.name);
  take(f.name<unit_kind>("kind", need::required, "unit kind"), u.kind);
  return u;
}

kit_holding read_kit_holding(fields& f) {
  kit_holding k;
  take(f.reference("item", need::required), k.item);
  take(f.day("since", need::required), k.since);
  k.until = f.day("until", need::optional);
  return k;
}

funds_receipt read_funds_receipt(fields& f) {
  funds_receipt r;
  take(f.day("date", need::required), r.on);
  take(f.amount("amount", need::required), r.amount);
  take(f.reference("from", need::optional), r.from_unit);
  return r;
}

team read_team(fields& f) {
  team t;
  take(f.own_id("id"), t.id);
  take(f.text("village", need::required), t.village);
  take(f.text("town", need::required), t.town);
  take(f.reference("lead_unit", need::required), t.lead_unit);
  t.sponsor_units = f.references("sponsor_units", need::optional, "unit");
  take(f.distance("distance_km", need::required), t.distance_km);
  read_children(f, "kit", need::optional, "kit item", kit_keys, t.kit, read_kit_holding);
  read_children(f, "funds_received", need::optional, "funds receipt", funds_keys, t.funds_received, read_funds_receipt);
  return t;
}

/// The member's `team`, given to each service interval that names none.
struct default_team {
  bool given = false;               // the key is there, well-formed or not
  std::optional<std::string> id;    // its value when well-formed
  source_location where;
};

service_interval read_service_interval(fields& f, const default_team& fallback) {
  service_interval s;
  take(f.day("from", need::required), s.from);
  s.to = f.day("to", need::optional);
  if (f.has("team") || !fallback.given) {
    take(f.reference("team", need::required,
                     "give the interval a 'team', or give the member one for all its intervals"),
         s.team);
  } else if (fallback.id) {
    s.team = *fallback.id;
    f.pos().add(".team", fallback.where);
  } else {
    f.set_failed();  // the member's malformed team is reported already
  }
  return s;
}

insurance_policy read_insurance(fields& f) {
  insurance_policy p;
  take(f.amount("cover", need::required), p.cover);
  take(f.day("from", need::required), p.from);
  take(f.day("to", need::required), p.to);
  take(f.text("insurer", need::optional), p.insurer);
  return p;
}

health_check read_health_check(fields& f) {
  health_check h;
  take(f.day("date", need::required), h.on);
  take(f.amount("cost", need::required), h.cost);
  return h;
}

assessment read_assessment(fields& f) {
  assessment a;
  take(f.year("year", need::required), a.year);
  take(f.number("score", need::required), a.score);
  take(f.name<grade>("grade", need::required, "grade"), a.proposed);
  return a;
}

member read_member(fields& f) {
  member m;
  take(f.own_id("id"), m.id);
  take(f.text("name", need::required), m.name);
  take(f.name<member_role>("role", need::required, "role"), m.role);
  take(f.reference("unit", need::required), m.unit);
  default_team fallback;
  fallback.given = f.has("team");
  fallback.id = f.reference("team", need::optional);
  fallback.where = f.field_at("team");

  // A member's service decides which month records are valid; a partly read
  // service would make correct records look wrong, so one broken interval
  // drops them all (its problem is reported; nothing loads anyway).
  const auto read_interval = [&fallback](fields& interval) { return read_service_interval(interval, fallback); };
  if (read_children(f, "service", need::required, "service interval", service_keys, m.service, read_interval,
                    on_broken::drop_all) == std::size_t{0})
    f.fail("missing-key", f.field_at("service"), "member " + in_quotes(m.id) + " has no service interval",
           "a member serves at least one interval: service: [{from: 2019-01-01, team: T01}]");

  read_children(f, "insurance", need::optional, "insurance policy", insurance_keys, m.insurance, read_insurance);
  read_children(f, "health_checks", need::optional, "health check", health_check_keys, m.health_checks,
                read_health_check);
  read_children(f, "assessments", need::optional, "assessment", assessment_keys, m.assessments, read_assessment);
  return m;
}

/// Reads `paid: {living: 2200, transport: 1038}`: item names are the policy's,
/// so any well-formed name is accepted, each once, recorded as ".paid.ITEM".
std::vector<paid_amount> read_paid(fields& f) {
  std::vector<paid_amount> paid;
  const std::optional<YAML::Node> map = f.mapping("paid", need::optional, "a map of amounts paid by item");
  if (!map) return paid;
  for (const map_entry& e : read_map_entries(f.file(), *map, "'paid' of a month record")) {
    if (!valid_id(e.key)) {
      f.fail("bad-value", f.file().at(e.key_node), "invalid item " + in_quotes(e.key) + " in 'paid' of a month record",
             "an item name is 1 to 64 letters, digits, '_', '-' or '.', as living or transport");
      continue;
    }
    if (e.value.IsNull()) {
      f.fail("missing-key", f.file().at(e.key_node), "missing value for " + in_quotes(e.key) + " in 'paid' of a month record");
      continue;
    }
    if (!e.value.IsScalar()) {
      f.fail("wrong-kind", f.file().at(e.value),
             "expected an amount of money for " + in_quotes(e.key) + " in 'paid' of a month record, found " +
                 found_kind(e.value));
      continue;
    }
    const source_location where = f.file().at(e.value);
    std::string why;
    const std::optional<money> value = money::try_parse(e.value.Scalar(), &why);
    if (!value) {
      f.fail("bad-value", where, "invalid " + in_quotes(e.key) + " in 'paid' of a month record: " + why);
      continue;
    }
    if (*value < money{} || *value > max_amount) {
      f.fail("out-of-range", where,
             in_quotes(e.key) + " in 'paid' of a month record is " + e.value.Scalar() +
                 " yuan; an amount lies from 0 to 100000000 yuan");
      continue;
    }
    f.pos().add(".paid." + e.key, where);
    paid.push_back({e.key, *value});
  }
  // The duplicate and key problems of the map were reported by read_map_entries.
  if (paid.size() < static_cast<std::size_t>(map->size())) f.set_failed();
  return paid;
}

month_record read_month(fields& f) {
  month_record r;
  take(f.reference("member", need::required), r.member);
  take(f.month("month", need::required), r.month);
  take(f.count("days_in_village", need::required), r.days_in_village);
  take(f.count("round_trips", need::required), r.round_trips);
  take(f.count("days_away_on_duty", need::optional), r.days_away_on_duty);
  r.paid = read_paid(f);
  return r;
}

visit read_visit(fields& f) {
  visit v;
  take(f.day("date", need::required), v.on);
  take(f.name<visitor_role>("visitor", need::required, "visitor"), v.visitor);
  take(f.reference("unit", need::optional), v.unit);
  take(f.reference("team", need::required), v.team);
  return v;
}

meeting read_meeting(fields& f) {
  meeting m;
  take(f.day("date", need::required), m.on);
  take(f.name<meeting_kind>("kind", need::required, "meeting kind"), m.kind);
  m.attendees = f.references("attendees", need::required, "member");
  return m;
}

condolence read_condolence(fields& f) {
  condolence c;
  take(f.day("date", need::required), c.on);
  take(f.reference("member", need::required), c.member);
  take(f.name<condolence_reason>("reason", need::required, "reason"), c.reason);
  take(f.amount("amount", need::required), c.amount);
  take(f.reference("paid_by", need::optional), c.paid_by);
  return c;
}

// ---- the county ------------------------------------------------------------------------------

constexpr std::string_view section_names[] = {"county", "units", "teams", "members",
                                              "months", "visits", "meetings", "condolences"};

/// Joins what the files of one county hold, in the order they are read.
class county_builder {
 public:
  /// Reads the sections of one parsed file.
  void read_file(yaml_file& file, const YAML::Node& root) {
    if (!root.IsMap()) {
      file.error("wrong-kind", file.at(root),
                 "expected a map of sections (county, units, teams, …) at the top of the file, found " + found_kind(root));
      complete_ = false;
      unreadable_file_ = true;
      return;
    }
    for (const map_entry& e : read_map_entries(file, root, "the file")) read_section(file, e);
  }

  /// Marks the county as incomplete: a file could not be read or parsed, so
  /// checks across entities would report what is merely missing.
  void set_incomplete() noexcept { complete_ = false; }

  [[nodiscard]] bool complete() const noexcept { return complete_; }
  /// Tells whether a whole file could not be read as sections (then a missing
  /// `county` section may well be in it, and is not worth a second error).
  [[nodiscard]] bool unreadable_file() const noexcept { return unreadable_file_; }
  [[nodiscard]] bool has_county_section() const noexcept { return county_at_.has_value(); }
  [[nodiscard]] county& result() noexcept { return county_; }
  [[nodiscard]] const source_map& where() const noexcept { return where_; }

 private:
  void read_section(yaml_file& file, const map_entry& e) {
    const std::string& name = e.key;
    if (name == "county") return read_county(file, e);
    if (name == "units") return read_list(file, e, "unit", unit_keys, county_.units, read_unit);
    if (name == "teams") return read_list(file, e, "team", team_keys, county_.teams, read_team);
    if (name == "members") return read_list(file, e, "member", member_keys, county_.members, read_member);
    if (name == "months") return read_list(file, e, "month record", month_keys, county_.months, read_month);
    if (name == "visits") return read_list(file, e, "visit", visit_keys, county_.visits, read_visit);
    if (name == "meetings") return read_list(file, e, "meeting", meeting_keys, county_.meetings, read_meeting);
    if (name == "condolences")
      return read_list(file, e, "condolence payment", condolence_keys, county_.condolences, read_condolence);
    file.error("unknown-key", file.at(e.key_node), "unknown section " + in_quotes(name),
               suggestion(name, section_names, "the sections are"));
  }

  void read_county(yaml_file& file, const map_entry& e) {
    if (county_at_) {
      file.error("duplicate-key", file.at(e.key_node), "section 'county' is given again",
                 "it is first given at " + describe(*county_at_) + "; a county is described in exactly one file");
      return;
    }
    county_at_ = file.at(e.key_node);
    if (!e.value.IsMap()) {
      file.error("wrong-kind", file.at(e.value.IsNull() ? e.key_node : e.value),
                 "expected a map with 'id' and 'name' for section 'county', found " + found_kind(e.value));
      return;
    }
    positions pos;
    fields f(file, e.value, "the county", county_keys, pos);
    take(f.own_id("id"), county_.id);
    take(f.text("name", need::required), county_.name);
    take(f.text("province", need::optional), county_.province);
    std::move(pos).commit(where_, "county");
  }

  /// Reads a list section (`units:`), appending to `out`; each element is
  /// recorded under "section[i]" with i its index in the joined county.
  template <class T, class Read>
  void read_list(yaml_file& file, const map_entry& e, std::string_view each, key_list allowed, std::vector<T>& out,
                 Read read) {
    const std::string& section = e.key;
    const bool referred_to = section == "units" || section == "teams" || section == "members";
    if (e.value.IsNull()) return;  // an empty section
    if (!e.value.IsSequence()) {
      file.error("wrong-kind", file.at(e.value),
                 "expected a list of " + plural(each) + " for section '" + section + "', found " + found_kind(e.value),
                 "write each " + std::string(each) + " as a list element starting with '- '");
      if (referred_to) complete_ = false;
      return;
    }
    const std::string what = with_article(each);
    for (const YAML::Node& item : e.value) {
      if (!item.IsMap()) {
        file.error("wrong-kind", file.at(item),
                   "expected " + what + " (a map of keys) in section '" + section + "', found " + found_kind(item));
        if (referred_to) complete_ = false;
        continue;
      }
      positions pos;
      fields f(file, item, what, allowed, pos);
      T value = read(f);
      if (!f.ok() && !referred_to) continue;
      std::move(pos).commit(where_, indexed(section, out.size()));
      out.push_back(std::move(value));
    }
  }

  /// `file:line:col` of a position, as diagnostics print it.
  static std::string describe(const source_location& at) {
    return at.file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
  }

  county county_;
  source_map where_;
  std::optional<source_location> county_at_;
  bool complete_ = true;
  bool unreadable_file_ = false;
};

/// Drops a UTF-8 byte-order mark: yaml-cpp skips it without counting it, so
/// the first line's columns agree only without it.
std::string without_bom(std::string text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  return text;
}

/// An open flow bracket: `{` or `[`, and the line it is on.
struct open_bracket {
  char bracket;
  int line;
};

/// Follows the flow brackets of lines 1 to `last`, across lines as YAML's flow
/// collections may span them, and returns the innermost one still open.
/// Brackets inside quotes and comments do not count.
std::optional<open_bracket> unclosed_bracket(const yaml_file& file, int last) {
  std::vector<open_bracket> open;
  for (int n = 1; n <= last; ++n) {
    const std::string_view line = file.line(n);
    char quote = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char ch = line[i];
      if (quote != 0) {
        if (ch == quote) quote = 0;
      } else if (ch == '"' || ch == '\'') {
        quote = ch;
      } else if (ch == '#' && (i == 0 || line[i - 1] == ' ')) {
        break;
      } else if (ch == '{' || ch == '[') {
        open.push_back({ch, n});
      } else if ((ch == '}' || ch == ']') && !open.empty()) {
        open.pop_back();
      }
    }
  }
  if (open.empty()) return std::nullopt;
  return open.back();
}

/// A hint for a syntax error at `line` of `file`, for the two commonest
/// causes: a tab in the indentation, and a `{` or `[` left open before it.
std::string syntax_hint(const yaml_file& file, int line) {
  const std::string_view text = file.line(line);
  const std::string_view indent = text.substr(0, std::min(text.find_first_not_of(" \t"), text.size()));
  if (indent.find('\t') != std::string_view::npos) return "YAML indents with spaces; this line has a tab";
  if (const std::optional<open_bracket> open = unclosed_bracket(file, line))
    return "the '" + std::string(1, open->bracket) + "' on line " + std::to_string(open->line) + " is not closed";
  return {};
}

/// What became of one file.
enum class file_outcome { read, empty, syntax_error };

/// Parses and reads one file into `builder`. A syntax error stops this file
/// only (the others are still read) and marks the county incomplete.
file_outcome read_yaml_file(const yaml_text& input, diagnostic_sink& sink, county_builder& builder) {
  const source_file& source = sink.add_file(input.file_name, without_bom(input.text));
  yaml_file file(source, sink);
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(source.text());
  } catch (const YAML::Exception& e) {
    const source_location where = file.at(e.mark);
    file.error("yaml-syntax", where, "YAML syntax error: " + e.msg, syntax_hint(file, where.line));
    builder.set_incomplete();
    return file_outcome::syntax_error;
  }
  if (documents.empty()) return file_outcome::empty;
  if (documents.size() > 1) {
    file.error("yaml-syntax", file.at(documents[1]), "a second YAML document; a county file holds one",
               "remove the '---' line, or split the documents into files of a folder");
  }
  builder.read_file(file, documents.front());
  return file_outcome::read;
}

/// Orders diagnostics from `first` on by line and column, so that a file's
/// problems read top to bottom whatever order the reader met them in.
void sort_by_position(std::vector<diagnostic>& ds, std::size_t first) {
  std::stable_sort(ds.begin() + static_cast<std::ptrdiff_t>(first), ds.end(), [](const diagnostic& a, const diagnostic& b) {
    return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
  });
}

}  // namespace

county_load_result load_county_yaml_files(std::vector<yaml_text> files, const std::string& folder_name,
                                          diagnostic_sink sink) {
  county_builder builder;
  const bool single_file = files.size() == 1 && files.front().file_name == folder_name;
  bool all_parsed = !sink.has_errors();  // a file that could not be read may hold anything
  bool only_empty_file = single_file;
  for (const yaml_text& input : files) {
    const std::size_t first = sink.diagnostics().size();
    const file_outcome outcome = read_yaml_file(input, sink, builder);
    sort_by_position(sink.diagnostics(), first);
    all_parsed = all_parsed && outcome != file_outcome::syntax_error;
    only_empty_file = only_empty_file && outcome == file_outcome::empty;
  }
  if (!all_parsed) builder.set_incomplete();
  if (!builder.has_county_section() && all_parsed && !builder.unreadable_file()) {
    sink.error("missing-section", {folder_name, 0, 0, {}},
               only_empty_file ? "missing section 'county': the file is empty" : "missing section 'county'",
               single_file ? "a county file starts with  county: {id: ..., name: ...}"
                   : "one file of the folder gives  county: {id: ..., name: ...}");
  }
  // Checks across entities need every entity that exists: after a syntax error
  // or an unreadable section they would only repeat that things are missing.
  if (builder.complete()) validate(builder.result(), builder.where(), sink);

  county_load_result result;
  if (!sink.has_errors()) result.value = std::move(builder.result());
  result.diagnostics = std::move(sink.diagnostics());
  return result;
}

county_load_result load_county_yaml_folder(const std::filesystem::path& folder) {
  diagnostic_sink sink;
  std::vector<std::filesystem::path> paths;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::filesystem::path& p = it->path();
    const std::string name = p.filename().string();
    const std::string ext = p.extension().string();
    std::error_code type_ec;
    if (name.starts_with(".") || (ext != ".yaml" && ext != ".yml") || !it->is_regular_file(type_ec)) continue;
    paths.push_back(p);
  }
  if (ec) {
    sink.error("io-error", {display_name(folder), 0, 0, {}}, "cannot list the folder: " + ec.message());
    return {std::nullopt, std::move(sink.diagnostics())};
  }
  std::sort(paths.begin(), paths.end(),
            [](const auto& a, const auto& b) { return a.filename().string() < b.filename().string(); });

  std::vector<yaml_text> files;
  for (const auto& p : paths)
    if (std::optional<std::string> text = read_text_file(p, sink)) files.push_back({display_name(p), std::move(*text)});
  return load_county_yaml_files(std::move(files), display_name(folder), std::move(sink));
}

}  // namespace rulebook::detail

namespace rulebook {

county_load_result load_county_yaml(std::string_view text, std::string file_name) {
  std::vector<detail::yaml_text> files;
  files.push_back({file_name, std::string(text)});
  return detail::load_county_yaml_files(std::move(files), file_name);
}

}  // namespace rulebook
