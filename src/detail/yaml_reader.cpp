#include "detail/yaml_reader.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detail/json.hpp"
#include "detail/limits.hpp"
#include "detail/text.hpp"

namespace rulebook::detail {

std::string found_kind(const yaml::node& node) {
  switch (node.kind()) {
    case yaml::node_kind::scalar: return "the value " + in_quotes(node.text());
    case yaml::node_kind::sequence: return "a list";
    case yaml::node_kind::map: return "a map";
    case yaml::node_kind::null: break;
  }
  return "nothing";
}

// ---- one file ----------------------------------------------------------------------------

std::vector<map_entry> read_map_entries(yaml_file& file, const yaml::node& map, std::string_view what) {
  std::vector<map_entry> entries;
  entries.reserve(map.size());
  for (const yaml::entry pair : map.entries()) {
    const yaml::node key = pair.key;
    if (!key.is_scalar()) {
      file.error("wrong-kind", file.at(key),
                 "expected a key name in " + std::string(what) + ", found " + found_kind(key));
      continue;
    }
    const auto first =
        std::find_if(entries.begin(), entries.end(), [&](const map_entry& e) { return e.key == key.text(); });
    if (first != entries.end()) {
      const source_location was = file.at(first->key_node);
      file.error("duplicate-key", file.at(key), "duplicate key " + in_quotes(key.text()) + " in " + std::string(what),
                 "the first " + in_quotes(key.text()) + " is at line " + std::to_string(was.line) + ", column " +
                     std::to_string(was.column) + "; a key may appear once in a map");
      continue;
    }
    entries.push_back({std::string(key.text()), key, pair.value});
  }
  return entries;
}

// ---- the fields of one entity ------------------------------------------------------------

fields::fields(yaml_file& file, const yaml::node& map, std::string_view what, key_list allowed)
    : file_(file), map_(map), what_(what), allowed_(allowed), entries_(read_map_entries(file, map, what)) {
  pos_.add("", file_.at(map_));
  for (const map_entry& e : entries_) {
    if (std::find(allowed.begin(), allowed.end(), e.key) != allowed.end()) continue;
    fail("unknown-key", file_.at(e.key_node), "unknown key " + in_quotes(e.key) + " in " + what_,
         suggestion(e.key, allowed, what_ + " has the keys"));
  }
  if (entries_.size() < map_.size()) ok_ = false;  // a duplicate or odd key
}

void fields::fail(std::string code, source_location where, std::string message, std::string hint) {
  ok_ = false;
  file_.error(std::move(code), std::move(where), std::move(message), std::move(hint));
}

template <class Parse>
auto fields::parsed(std::string_view key, need n, std::string_view expected, Parse parse)
    -> decltype(parse(std::string_view{}, nullptr)) {
  auto found = scalar(key, n, expected);
  if (!found) return std::nullopt;
  std::string why;
  auto value = parse(found->text, &why);
  if (!value) fail("bad-value", found->where, invalid(key) + why);
  return value;
}

std::optional<std::string> fields::text(std::string_view key, need n) {
  auto found = scalar(key, n, "text");
  if (!found) return std::nullopt;
  if (found->text.empty()) {
    if (n == need::optional) return std::nullopt;
    fail("bad-value", found->where, "'" + std::string(key) + "' in " + what_ + " is empty");
    return std::nullopt;
  }
  if (found->text.size() > max_text_bytes) {
    fail("too-long", found->where,
         "'" + std::string(key) + "' in " + what_ + " is " + std::to_string(found->text.size()) +
             " bytes long; a text is at most " + std::to_string(max_text_bytes) + " bytes",
         "shorten it; a long note belongs in a document the policy or data refers to");
    return std::nullopt;
  }
  return std::move(found->text);
}

std::optional<std::string> fields::own_id(std::string_view key) {
  auto found = scalar(key, need::required, "an id");
  if (!found) return std::nullopt;
  if (!valid_id(found->text)) report_bad_id(key, *found);
  return std::move(found->text);
}

std::optional<std::string> fields::reference(std::string_view key, need n, std::string_view missing_hint) {
  auto found = scalar(key, n, "an id", missing_hint);
  if (!found) return std::nullopt;
  if (!valid_id(found->text)) {
    report_bad_id(key, *found);
    return std::nullopt;
  }
  return std::move(found->text);
}

std::vector<std::string> fields::references(std::string_view key, need n, std::string_view noun) {
  std::vector<std::string> ids;
  for (located_text& id : located_references(key, n, noun)) ids.push_back(std::move(id.text));
  return ids;
}

std::vector<fields::located_text> fields::located_references(std::string_view key, need n, std::string_view noun) {
  std::vector<located_text> ids;
  for (located_text& element : scalar_list(key, n, "a list of " + std::string(noun) + " ids",
                                           with_article(noun) + " id")) {
    if (!valid_id(element.text)) {
      report_bad_id(key, element);
      continue;
    }
    pos_.add("." + indexed(key, ids.size()), element.where);
    ids.push_back(std::move(element));
  }
  return ids;
}

std::vector<fields::located_text> fields::scalar_list(std::string_view key, need n, const std::string& expected,
                                                      const std::string& element) {
  std::vector<located_text> elements;
  const std::optional<yaml::node> list = sequence(key, n, expected);
  if (!list) return elements;
  for (const yaml::node item : list->elements()) {
    if (item.is_scalar())
      elements.push_back({std::string(item.text()), file_.at(item)});
    else
      fail("wrong-kind", file_.at(item),
           "expected " + element + " in '" + std::string(key) + "' of " + what_ + ", found " + found_kind(item));
  }
  return elements;
}

std::optional<fields::located_text> fields::content(std::string_view key, need n, std::string_view expected) {
  std::optional<located_text> found = scalar(key, n, expected);
  if (found) found->where = file_.content_at(find(key)->value);
  return found;
}

std::optional<money> fields::amount(std::string_view key, need n) {
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
         "'" + std::string(key) + "' in " + what_ + " is " + found->text +
             " yuan; an amount lies from 0 to 100000000 yuan");
    return std::nullopt;
  }
  return value;
}

std::optional<decimal> fields::number(std::string_view key, need n) {
  return parsed(key, n, "a decimal number",
                [](std::string_view text, std::string* why) { return decimal::try_parse(text, why); });
}

std::optional<decimal> fields::distance(std::string_view key, need n) {
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

std::optional<date> fields::day(std::string_view key, need n) {
  return parsed(key, n, "a date as YYYY-MM-DD", parse_date);
}

std::optional<year_month> fields::month(std::string_view key, need n) {
  return parsed(key, n, "a month as YYYY-MM", parse_month);
}

std::optional<int> fields::count(std::string_view key, need n) {
  constexpr std::string_view expected = "a count (a non-negative integer)";
  auto found = scalar(key, n, expected);
  if (!found) return std::nullopt;
  const std::optional<int> value = whole_number(found->text, 9);
  if (!value) {
    fail("bad-value", found->where,
         invalid(key) + "expected " + std::string(expected) + ", found " + in_quotes(found->text));
    return std::nullopt;
  }
  return value;
}

std::optional<int> fields::year(std::string_view key, need n) {
  auto found = scalar(key, n, "a year as YYYY");
  if (!found) return std::nullopt;
  const std::optional<int> value = found->text.size() == 4 ? whole_number(found->text, 4) : std::nullopt;
  if (!value || *value < min_year || *value > max_year) {
    fail("bad-value", found->where,
         invalid(key) + "expected a year as YYYY from 1900 to 9999, found " + in_quotes(found->text));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> fields::flag(std::string_view key, need n) {
  auto found = scalar(key, n, "true or false");
  if (!found) return std::nullopt;
  if (found->text == "true") return true;
  if (found->text == "false") return false;
  fail("bad-value", found->where, invalid(key) + "expected true or false, found " + in_quotes(found->text));
  return std::nullopt;
}

std::optional<yaml::node> fields::sequence(std::string_view key, need n, const std::string& expected) {
  const map_entry* e = present(key, n);
  if (e == nullptr) return std::nullopt;
  if (!e->value.is_sequence()) {
    std::string hint;
    if (e->value.is_scalar()) hint = "write a list, as [" + std::string(e->value.text()) + "], even for one element";
    fail("wrong-kind", file_.at(e->value),
         "expected " + expected + " for '" + std::string(key) + "' in " + what_ + ", found " + found_kind(e->value),
         hint);
    return std::nullopt;
  }
  pos_.add("." + std::string(key), file_.at(e->value));
  return e->value;
}

std::optional<yaml::node> fields::mapping(std::string_view key, need n, const std::string& expected) {
  const map_entry* e = present(key, n);
  if (e == nullptr) return std::nullopt;
  if (!e->value.is_map()) {
    fail("wrong-kind", file_.at(e->value),
         "expected " + expected + " for '" + std::string(key) + "' in " + what_ + ", found " + found_kind(e->value));
    return std::nullopt;
  }
  pos_.add("." + std::string(key), file_.at(e->value));
  return e->value;
}

bool fields::has(std::string_view key) const {
  const map_entry* e = find(key);
  return e != nullptr && !e->value.is_null();
}

std::optional<std::size_t> fields::size_of(std::string_view key) const {
  const map_entry* e = find(key);
  if (e == nullptr || !e->value.is_sequence()) return std::nullopt;
  return e->value.size();
}

std::size_t fields::entries_of(std::string_view key) const {
  const map_entry* e = find(key);
  return e == nullptr ? 0 : e->value.size();
}

source_location fields::field_at(std::string_view key) const {
  const map_entry* e = find(key);
  if (e == nullptr) return file_.at(map_);
  return value_at(*e);
}

source_location fields::key_at(std::string_view key) const {
  const map_entry* e = find(key);
  return file_.at(e == nullptr ? map_ : e->key_node);
}

const map_entry* fields::find(std::string_view key) const {
  const auto it = std::find_if(entries_.begin(), entries_.end(), [&](const map_entry& e) { return e.key == key; });
  return it == entries_.end() ? nullptr : &*it;
}

source_location fields::value_at(const map_entry& e) const { return file_.at(e.value.is_null() ? e.key_node : e.value); }

const map_entry* fields::present(std::string_view key, need n, std::string_view missing_hint) {
  const map_entry* e = find(key);
  if (e != nullptr && !e->value.is_null()) return e;
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

std::optional<fields::located_text> fields::scalar(std::string_view key, need n, std::string_view expected,
                                                   std::string_view missing_hint) {
  const map_entry* e = present(key, n, missing_hint);
  if (e == nullptr) return std::nullopt;
  const source_location where = value_at(*e);
  if (!e->value.is_scalar()) {
    fail("wrong-kind", where,
         "expected " + std::string(expected) + " for '" + std::string(key) + "' in " + what_ + ", found " +
             found_kind(e->value));
    return std::nullopt;
  }
  pos_.add("." + std::string(key), where);
  return located_text{std::string(e->value.text()), where};
}

bool fields::misspelt(std::string_view key) const {
  const std::string_view candidates[] = {key};
  return std::any_of(entries_.begin(), entries_.end(), [&](const map_entry& e) {
    return std::find(allowed_.begin(), allowed_.end(), e.key) == allowed_.end() &&
           !closest_match(e.key, candidates).empty();
  });
}

void fields::report_bad_id(std::string_view key, const located_text& found) {
  fail("bad-value", found.where, invalid(key) + "expected an id, found " + in_quotes(found.text),
       "an id is 1 to 64 letters, digits, '_', '-' or '.'");
}

std::string fields::invalid(std::string_view key) const {
  return "invalid '" + std::string(key) + "' in " + what_ + ": ";
}

// ---- whole files ---------------------------------------------------------------------------

parsed_yaml parse_yaml(std::string name, std::string text, diagnostic_sink& sink, std::string_view holder,
                       std::string_view second_document_hint) {
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  const source_file& source = sink.add_file(std::move(name), std::move(text));
  parsed_yaml parsed{yaml_file(source, sink), file_outcome::read, {}, {}};
  yaml_file& file = parsed.file;
  yaml::parse_result result = yaml::parse(source.text());
  if (result.error) {
    file.error("yaml-syntax", file.at(result.error->where), std::move(result.error->message),
               std::move(result.error->hint));
    parsed.outcome = file_outcome::syntax_error;
    return parsed;
  }
  parsed.document = std::move(result.doc);
  parsed.root = parsed.document.root();
  if (!parsed.root) {
    parsed.outcome = file_outcome::empty;
    return parsed;
  }
  if (result.second_document)
    file.error("yaml-syntax", file.at(*result.second_document),
               "a second YAML document; " + std::string(holder) + " holds one", std::string(second_document_hint));
  return parsed;
}

parsed_yaml parse_json(std::string name, std::string text, diagnostic_sink& sink) {
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  const source_file& source = sink.add_file(std::move(name), std::move(text));
  parsed_yaml parsed{yaml_file(source, sink), file_outcome::read, {}, {}};
  yaml_file& file = parsed.file;
  yaml::parse_result result = json::parse(source.text());
  if (result.error) {
    file.error("json-syntax", file.at(result.error->where), std::move(result.error->message),
               std::move(result.error->hint));
    parsed.outcome = file_outcome::syntax_error;
    return parsed;
  }
  parsed.document = std::move(result.doc);
  parsed.root = parsed.document.root();
  return parsed;
}

void sort_by_position(std::vector<diagnostic>& ds, std::size_t first) {
  std::stable_sort(ds.begin() + static_cast<std::ptrdiff_t>(first), ds.end(),
                   [](const diagnostic& a, const diagnostic& b) {
                     return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
                   });
}

}  // namespace rulebook::detail
