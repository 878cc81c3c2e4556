#include "detail/yaml_reader.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detail/text.hpp"

namespace rulebook::detail {

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

// ---- one file ----------------------------------------------------------------------------

source_location yaml_file::at(const YAML::Mark& mark) const {
  if (mark.line < 0) return {path(), 0, 0, {}};
  const int line = mark.line + 1;
  return {path(), line, code_point_column(file_.line(line), mark.column), {}};
}

source_location yaml_file::content_at(const YAML::Node& scalar) const {
  const YAML::Mark mark = scalar.Mark();
  if (mark.line < 0 || mark.column < 0) return at(mark);
  const std::string_view text = file_.line(mark.line + 1);
  const auto byte = static_cast<std::size_t>(mark.column);
  const char first = byte < text.size() ? text[byte] : '\0';
  YAML::Mark content = mark;
  if (first == '\'' || first == '"') {
    content.column += 1;
  } else if (first == '|' || first == '>') {
    // The text starts on the first line after the indicator that is not blank;
    // blank lines before it are newlines of the text, so it is near.
    const auto newlines = static_cast<int>(std::count(scalar.Scalar().begin(), scalar.Scalar().end(), '\n'));
    for (int n = mark.line + 2; n <= mark.line + 2 + newlines; ++n) {
      const std::size_t indent = file_.line(n).find_first_not_of(' ');
      if (indent == std::string_view::npos) continue;
      content.line = n - 1;
      content.column = static_cast<int>(indent);
      break;
    }
  }
  return at(content);
}

std::vector<map_entry> read_map_entries(yaml_file& file, const YAML::Node& map, std::string_view what) {
  std::vector<map_entry> entries;
  for (auto it = map.begin(); it != map.end(); ++it) {
    // `it->first` lives in a proxy that dies with the expression: copy the pair
    // (two handles to the tree) before taking references into it.
    const auto pair = *it;
    const YAML::Node& key = pair.first;
    if (!key.IsScalar()) {
      file.error("wrong-kind", file.at(key),
                 "expected a key name in " + std::string(what) + ", found " + found_kind(key));
      continue;
    }
    const auto first =
        std::find_if(entries.begin(), entries.end(), [&](const map_entry& e) { return e.key == key.Scalar(); });
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

fields::fields(yaml_file& file, const YAML::Node& map, std::string_view what, key_list allowed)
    : file_(file), map_(map), what_(what), allowed_(allowed), entries_(read_map_entries(file, map, what)) {
  pos_.add("", file_.at(map_));
  for (const map_entry& e : entries_) {
    if (std::find(allowed.begin(), allowed.end(), e.key) != allowed.end()) continue;
    fail("unknown-key", file_.at(e.key_node), "unknown key " + in_quotes(e.key) + " in " + what_,
         suggestion(e.key, allowed, what_ + " has the keys"));
  }
  if (entries_.size() < static_cast<std::size_t>(map_.size())) ok_ = false;  // a duplicate or odd key
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
  const std::optional<YAML::Node> list = sequence(key, n, expected);
  if (!list) return elements;
  for (const YAML::Node& item : *list) {
    if (item.IsScalar())
      elements.push_back({item.Scalar(), file_.at(item)});
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

std::optional<YAML::Node> fields::sequence(std::string_view key, need n, const std::string& expected) {
  const map_entry* e = present(key, n);
  if (e == nullptr) return std::nullopt;
  if (!e->value.IsSequence()) {
    std::string hint;
    if (e->value.IsScalar()) hint = "write a list, as [" + e->value.Scalar() + "], even for one element";
    fail("wrong-kind", file_.at(e->value),
         "expected " + expected + " for '" + std::string(key) + "' in " + what_ + ", found " + found_kind(e->value),
         hint);
    return std::nullopt;
  }
  pos_.add("." + std::string(key), file_.at(e->value));
  return e->value;
}

std::optional<YAML::Node> fields::mapping(std::string_view key, need n, const std::string& expected) {
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

bool fields::has(std::string_view key) const {
  const map_entry* e = find(key);
  return e != nullptr && !e->value.IsNull();
}

std::optional<std::size_t> fields::size_of(std::string_view key) const {
  const map_entry* e = find(key);
  if (e == nullptr || !e->value.IsSequence()) return std::nullopt;
  return static_cast<std::size_t>(e->value.size());
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

source_location fields::value_at(const map_entry& e) const { return file_.at(e.value.IsNull() ? e.key_node : e.value); }

const map_entry* fields::present(std::string_view key, need n, std::string_view missing_hint) {
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

std::optional<fields::located_text> fields::scalar(std::string_view key, need n, std::string_view expected,
                                                   std::string_view missing_hint) {
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
  return located_text{e->value.Scalar(), where};
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

namespace {

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

}  // namespace

parsed_yaml parse_yaml(std::string name, std::string text, diagnostic_sink& sink, std::string_view holder,
                       std::string_view second_document_hint) {
  const source_file& source = sink.add_file(std::move(name), without_bom(std::move(text)));
  parsed_yaml parsed{yaml_file(source, sink), file_outcome::read, {}};
  yaml_file& file = parsed.file;
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(source.text());
  } catch (const YAML::Exception& e) {
    const source_location where = file.at(e.mark);
    file.error("yaml-syntax", where, "YAML syntax error: " + e.msg, syntax_hint(file, where.line));
    parsed.outcome = file_outcome::syntax_error;
    return parsed;
  }
  if (documents.empty()) {
    parsed.outcome = file_outcome::empty;
    return parsed;
  }
  if (documents.size() > 1) {
    file.error("yaml-syntax", file.at(documents[1]), "a second YAML document; " + std::string(holder) + " holds one",
               std::string(second_document_hint));
  }
  parsed.root = documents.front();
  return parsed;
}

void sort_by_position(std::vector<diagnostic>& ds, std::size_t first) {
  std::stable_sort(ds.begin() + static_cast<std::ptrdiff_t>(first), ds.end(),
                   [](const diagnostic& a, const diagnostic& b) {
                     return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
                   });
}

}  // namespace rulebook::detail
