// rulebook's YAML reader (src/detail/yaml.hpp): every construct of the subset
// read as YAML 1.2 reads it, every error at its position with a message that
// says what was expected, and yaml-cpp — linked by this test only — as the
// oracle: on every YAML file of the repository and on generated documents, the
// two readers must build the same tree (kinds, texts, key order, positions).
#include "detail/yaml.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rulebook/load.hpp"
#include "rulebook/policy.hpp"

namespace yaml = rulebook::detail::yaml;
namespace fs = std::filesystem;
using ::testing::HasSubstr;

namespace {

// ---- helpers ---------------------------------------------------------------------------

/// A scalar as the renderings below show it: in double quotes, escaped.
std::string shown_text(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '"' || c == '\\')
      out += std::string("\\") + c;
    else
      out += c;
  }
  return out + "\"";
}

/// A tree in one line, JSON-like: {"a": ["x", ~]}. Keys in order, duplicates kept.
std::string show(const yaml::node& n) {
  switch (n.kind()) {
    case yaml::node_kind::null: return "~";
    case yaml::node_kind::scalar: return shown_text(n.text());
    case yaml::node_kind::sequence: {
      std::string out = "[";
      for (const yaml::node element : n.elements()) out += (out.size() > 1 ? ", " : "") + show(element);
      return out + "]";
    }
    case yaml::node_kind::map: {
      std::string out = "{";
      for (const yaml::entry e : n.entries())
        out += (out.size() > 1 ? ", " : "") + show(e.key) + ": " + show(e.value);
      return out + "}";
    }
  }
  return "?";
}

/// What `text` reads as: its tree, "(empty)", or "error L:C: message".
std::string tree(std::string_view text) {
  const yaml::parse_result r = yaml::parse(text);
  if (r.error)
    return "error " + std::to_string(r.error->where.line) + ":" + std::to_string(r.error->where.column) + ": " +
           r.error->message;
  const std::optional<yaml::node> root = r.doc.root();
  return root ? show(*root) : "(empty)";
}

/// The error `text` gives, as "L:C: message" ("no error" when it reads).
std::string error(std::string_view text) {
  const yaml::parse_result r = yaml::parse(text);
  if (!r.error) return "no error";
  return std::to_string(r.error->where.line) + ":" + std::to_string(r.error->where.column) + ": " + r.error->message;
}

std::string hint(std::string_view text) {
  const yaml::parse_result r = yaml::parse(text);
  return r.error ? r.error->hint : "no error";
}

/// The root of `r`, which must have read.
yaml::node root_of(const yaml::parse_result& r) {
  EXPECT_FALSE(r.error) << r.error->message;
  EXPECT_TRUE(r.doc.root().has_value());
  return *r.doc.root();
}

std::string at(yaml::mark m) { return std::to_string(m.line) + ":" + std::to_string(m.column); }

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// ---- the oracle ------------------------------------------------------------------------

/// The lines of `text` as yaml-cpp's marks count them, to turn its 0-based
/// byte columns into code-point columns.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return lines;
}

/// yaml-cpp 0.7 drops one line break of a folded scalar that keeps its final
/// breaks (`>+`) when blank lines follow its text: `>+` then "  x", "" reads
/// as "x\n", where YAML 1.2 (and rulebook) keep "x\n\n", as for `|+`.
bool yaml_cpp_drops_a_kept_break(const yaml::node& ours, const YAML::Node& theirs,
                                 const std::vector<std::string_view>& lines) {
  if (ours.style() != yaml::scalar_style::folded || !ours.text().ends_with("\n\n")) return false;
  if (std::string(ours.text()) != theirs.Scalar() + "\n") return false;
  const std::string_view header = lines[static_cast<std::size_t>(theirs.Mark().line)].substr(
      static_cast<std::size_t>(theirs.Mark().column));
  return header.substr(0, std::min(header.find(' '), header.size())).find('+') != std::string_view::npos;
}

/// Turns yaml-cpp's 0-based byte column on `line` into a 1-based code-point
/// column (past the line's end, as yaml-cpp marks the end of the text, each
/// missing byte counts as a column).
int code_point_column(std::string_view line, int byte_column) {
  const auto bytes = static_cast<std::size_t>(std::max(byte_column, 0));
  const std::string_view head = line.substr(0, std::min(bytes, line.size()));
  const auto points = std::count_if(head.begin(), head.end(), [](char c) { return (c & 0xC0) != 0x80; });
  return static_cast<int>(points) + static_cast<int>(bytes - head.size()) + 1;
}

/// The first difference between our tree and yaml-cpp's, at `path`; "" when
/// they agree. Compared: kinds, texts, plain against quoted or block style
/// (yaml-cpp's "?" and "!" tags), sizes, key order, and every position but a
/// null's (yaml-cpp marks an empty value where the next token is).
std::string difference(const yaml::node& ours, const YAML::Node& theirs, const std::vector<std::string_view>& lines,
                       const std::string& path = "root") {
  const auto kind_of = [](const YAML::Node& n) {
    switch (n.Type()) {
      case YAML::NodeType::Scalar: return yaml::node_kind::scalar;
      case YAML::NodeType::Sequence: return yaml::node_kind::sequence;
      case YAML::NodeType::Map: return yaml::node_kind::map;
      default: return yaml::node_kind::null;
    }
  };
  if (ours.kind() != kind_of(theirs)) return path + ": kinds differ: ours " + show(ours) + ", yaml-cpp's " + YAML::Dump(theirs);
  if (ours.is_null()) return {};
  const YAML::Mark mark = theirs.Mark();
  const auto line = static_cast<std::size_t>(mark.line);
  const yaml::mark expected{mark.line + 1,
                            code_point_column(line < lines.size() ? lines[line] : "", mark.column)};
  if (ours.where() != expected) return path + ": at " + at(ours.where()) + ", yaml-cpp at " + at(expected);
  if (ours.is_scalar()) {
    if (ours.text() != theirs.Scalar() && !yaml_cpp_drops_a_kept_break(ours, theirs, lines))
      return path + ": text " + shown_text(ours.text()) + ", yaml-cpp's " + shown_text(theirs.Scalar());
    if ((ours.style() == yaml::scalar_style::plain) != (theirs.Tag() == "?")) return path + ": styles differ";
    return {};
  }
  if (ours.size() != theirs.size())
    return path + ": " + std::to_string(ours.size()) + " children, yaml-cpp " + std::to_string(theirs.size());
  if (ours.is_sequence()) {
    for (std::size_t i = 0; i < ours.size(); ++i)
      if (std::string d = difference(ours.element(i), theirs[i], lines, path + "[" + std::to_string(i) + "]");
          !d.empty())
        return d;
    return {};
  }
  std::size_t i = 0;
  for (auto it = theirs.begin(); it != theirs.end(); ++it, ++i) {
    const auto pair = *it;
    const std::string key_path = path + "." + std::string(ours.key(i).text());
    if (std::string d = difference(ours.key(i), pair.first, lines, key_path + "(key)"); !d.empty()) return d;
    if (std::string d = difference(ours.value(i), pair.second, lines, key_path); !d.empty()) return d;
  }
  return {};
}

/// What yaml-cpp reads `text` as: its documents, or nothing on an error.
std::optional<std::vector<YAML::Node>> yaml_cpp_documents(const std::string& text) {
  try {
    return YAML::LoadAll(text);
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

/// Compares both readers on `text`, which both must read: "" when they agree.
std::string compare_with_yaml_cpp(std::string text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);  // yaml-cpp skips it without counting it
  const yaml::parse_result ours = yaml::parse(text);
  const std::optional<std::vector<YAML::Node>> theirs = yaml_cpp_documents(text);
  if (ours.error) return "ours fails at " + at(ours.error->where) + ": " + ours.error->message;
  if (!theirs) return "yaml-cpp fails";
  if (theirs->empty() != !ours.doc.root().has_value()) return "one reader finds a document, the other none";
  if (theirs->size() > 1 && !ours.second_document) return "yaml-cpp finds a second document";
  if (theirs->empty()) return {};
  return difference(*ours.doc.root(), theirs->front(), lines_of(text));
}

// ---- block collections -----------------------------------------------------------------

TEST(yaml_block, maps_keep_their_keys_in_order) {
  EXPECT_EQ(tree("b: 1\na: 2\nc: 3\n"), R"({"b": "1", "a": "2", "c": "3"})");
}

TEST(yaml_block, duplicate_keys_are_kept_for_the_reader_to_report) {
  const yaml::parse_result r = yaml::parse("name: a\nkind: x\nname: b\n");
  const yaml::node root = root_of(r);
  EXPECT_EQ(show(root), R"({"name": "a", "kind": "x", "name": "b"})");
  EXPECT_EQ(root.size(), 3u);
  EXPECT_EQ(root.find("name")->text(), "a");  // the first, as a reader expects
  EXPECT_FALSE(root.find("missing").has_value());
}

TEST(yaml_block, maps_and_lists_nest_by_indentation) {
  EXPECT_EQ(tree("a:\n  b:\n    c: 1\n  d: 2\ne: 3\n"), R"({"a": {"b": {"c": "1"}, "d": "2"}, "e": "3"})");
  EXPECT_EQ(tree("a:\n    - 1\n    - 2\nb: 3\n"), R"({"a": ["1", "2"], "b": "3"})");
  EXPECT_EQ(tree("  a: 1\n  b: 2\n"), R"({"a": "1", "b": "2"})");  // the document may be indented
}

TEST(yaml_block, a_list_under_a_key_may_sit_at_the_keys_indentation) {
  EXPECT_EQ(tree("a:\n- 1\n- 2\nb: 3\n"), R"({"a": ["1", "2"], "b": "3"})");
  EXPECT_EQ(tree("- a:\n  - x\n  b: 1\n"), R"([{"a": ["x"], "b": "1"}])");
}

TEST(yaml_block, list_elements_hold_compact_maps_and_lists) {
  EXPECT_EQ(tree("- id: T01\n  town: 镇\n- id: T02\n"), R"([{"id": "T01", "town": "镇"}, {"id": "T02"}])");
  EXPECT_EQ(tree("- - a\n  - b\n- - c\n"), R"([["a", "b"], ["c"]])");
  EXPECT_EQ(tree("-   id: 1\n    x: 2\n"), R"([{"id": "1", "x": "2"}])");
  EXPECT_EQ(tree("-\n  id: 1\n"), R"([{"id": "1"}])");
}

TEST(yaml_block, an_empty_value_is_null_and_so_are_the_null_words) {
  EXPECT_EQ(tree("a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: \"~\"\ng: nul\n"),
            R"({"a": ~, "b": ~, "c": ~, "d": ~, "e": ~, "f": "~", "g": "nul"})");
  EXPECT_EQ(tree("- \n-\n- x\n"), R"([~, ~, "x"])");
  EXPECT_EQ(tree("a:   # nothing here\nb: 1\n"), R"({"a": ~, "b": "1"})");
}

TEST(yaml_block, comments_and_blank_lines_go_anywhere_between_entries) {
  EXPECT_EQ(tree("# head\n\na: 1 # one\n   # indented comment\n\n# another\nb: 2\n# tail"),
            R"({"a": "1", "b": "2"})");
}

// ---- flow collections ------------------------------------------------------------------

TEST(yaml_flow, lists_and_maps_nest) {
  EXPECT_EQ(tree("a: [x, {f: g, h: [1, 2]}, []]\nb: {}\n"),
            R"({"a": ["x", {"f": "g", "h": ["1", "2"]}, []], "b": {}})");
}

TEST(yaml_flow, may_span_lines_indented_more_than_their_key) {
  EXPECT_EQ(tree("a: [x,\n  y, # a comment\n\n  z]\nb: {c: 1,\n d: 2}\n"),
            R"({"a": ["x", "y", "z"], "b": {"c": "1", "d": "2"}})");
  EXPECT_EQ(tree("[a,\nb]\n"), R"(["a", "b"])");  // at the top, any indentation continues
}

TEST(yaml_flow, takes_a_trailing_comma_empty_values_and_quoted_keys) {
  EXPECT_EQ(tree("[a, b, ]"), R"(["a", "b"])");
  EXPECT_EQ(tree("{a: , b: 1, c:}"), R"({"a": ~, "b": "1", "c": ~})");
  EXPECT_EQ(tree(R"({"a":1, 'b': 2})"), R"({"a": "1", "b": "2"})");
}

TEST(yaml_flow, plain_scalars_stop_at_flow_indicators_but_keep_colons_and_hashes) {
  EXPECT_EQ(tree("[a b, c:d, e#f, http://x.cn/y]"), R"(["a b", "c:d", "e#f", "http://x.cn/y"])");
  EXPECT_EQ(tree("[a\n  b, c]"), R"(["a b", "c"])");
}

// ---- scalars ---------------------------------------------------------------------------

TEST(yaml_scalar, plain_text_keeps_colons_and_hashes_not_followed_or_preceded_by_space) {
  EXPECT_EQ(tree("a: b:c#d e\n"), R"({"a": "b:c#d e"})");
  EXPECT_EQ(tree("a: x   \n"), R"({"a": "x"})");
  EXPECT_EQ(tree("a: -1\nb: ?x\nc: :y\n"), R"({"a": "-1", "b": "?x", "c": ":y"})");
  EXPECT_EQ(tree("a:\tb\n"), R"({"a": "b"})");
}

TEST(yaml_scalar, plain_text_over_several_lines_folds) {
  EXPECT_EQ(tree("a: one\n  two\n   three\nb: 1\n"), R"({"a": "one two three", "b": "1"})");
  EXPECT_EQ(tree("a: one\n\n  two\n\n\n  three\n"), R"({"a": "one\ntwo\n\nthree"})");
  EXPECT_EQ(tree("a:\n  one\n  two\n"), R"({"a": "one two"})");
  EXPECT_EQ(tree("- a\n  - b\n"), R"(["a - b"])");  // YAML 1.2: '- ' continues a plain scalar
  EXPECT_EQ(tree("a: b\n# c\nd: e\n"), R"({"a": "b", "d": "e"})");  // a comment ends it
}

TEST(yaml_scalar, single_quotes_double_a_quote_and_fold_lines) {
  EXPECT_EQ(tree("a: 'it''s # not a comment: really'\n"), R"({"a": "it's # not a comment: really"})");
  EXPECT_EQ(tree("a: 'one  \n   two\n\n   three'\n"), R"({"a": "one two\nthree"})");
  EXPECT_EQ(tree("a: ''\n"), R"({"a": ""})");
}

TEST(yaml_scalar, double_quotes_read_every_escape) {
  EXPECT_EQ(tree(R"(a: "\n\t\\\"\/\0\a\b\e\f\r\v\ \_\N\L\P")"),
            R"({"a": "\n\t\\\"/)" + std::string(1, '\0') + "\a\b\x1B\f\r\v \xC2\xA0\xC2\x85\xE2\x80\xA8\xE2\x80\xA9\"}");
  EXPECT_EQ(tree(R"(a: "\x41\u00e9\u53bf\U0001F600")"), R"({"a": "Aé县😀"})");
}

TEST(yaml_scalar, double_quotes_fold_lines_and_join_escaped_breaks) {
  EXPECT_EQ(tree("a: \"one  \n   two\n\n   three\"\n"), R"({"a": "one two\nthree"})");
  EXPECT_EQ(tree("a: \"one \\\n   two\"\n"), R"({"a": "one two"})");
  EXPECT_EQ(tree("a: \"one\\\n   two\"\n"), R"({"a": "onetwo"})");
  EXPECT_EQ(tree("a: \"one\\t  \n two\"\n"), R"({"a": "one\t two"})");  // an escaped blank is kept
}

TEST(yaml_scalar, literal_block_scalars_keep_lines_and_chomp) {
  EXPECT_EQ(tree("a: |\n  x\n   y\n\n  z\n\nb: 1\n"), R"({"a": "x\n y\n\nz\n", "b": "1"})");
  EXPECT_EQ(tree("a: |-\n  x\n\n"), R"({"a": "x"})");
  EXPECT_EQ(tree("a: |+\n  x\n\n\nb: 1\n"), R"({"a": "x\n\n\n", "b": "1"})");
  EXPECT_EQ(tree("a: |\n  x"), R"({"a": "x"})");  // no line break at the end of the file
  EXPECT_EQ(tree("a: |\n\n  x\n"), R"({"a": "\nx\n"})");
  EXPECT_EQ(tree("a: |\nb: 1\n"), R"({"a": "", "b": "1"})");
  EXPECT_EQ(tree("a: |+\n\nb: 1\n"), R"({"a": "\n", "b": "1"})");
}

TEST(yaml_scalar, block_scalars_take_indentation_indicators_in_either_order) {
  EXPECT_EQ(tree("a: |2\n   x\n  y\n"), R"({"a": " x\ny\n"})");
  EXPECT_EQ(tree("a: |-1\n  x\n"), R"({"a": " x"})");
  EXPECT_EQ(tree("a: |1-\n  x\n"), R"({"a": " x"})");
  EXPECT_EQ(tree("- |1\n  x\n"), R"([" x\n"])");
  EXPECT_EQ(tree("|1\n  x\n"), R"(" x\n")");  // the root's content counts from column 1, as libyaml and yaml-cpp do
}

TEST(yaml_scalar, folded_block_scalars_fold_lines_but_not_more_indented_ones) {
  EXPECT_EQ(tree(">\n a\n b\n\n c\n  d\n e\n"), R"("a b\nc\n d\ne\n")");
  EXPECT_EQ(tree("a: >-\n  one\n  two\n\n\n  three\n"), R"({"a": "one two\n\nthree"})");
  EXPECT_EQ(tree("a: > # a comment\n  x # not a comment\n# a comment\nb: 1\n"), R"({"a": "x # not a comment\n", "b": "1"})");
}

TEST(yaml_scalar, keeps_its_style) {
  const yaml::parse_result r = yaml::parse("[a, 'b', \"c\"]\n");
  const yaml::node root = root_of(r);
  EXPECT_EQ(root.element(0).style(), yaml::scalar_style::plain);
  EXPECT_EQ(root.element(1).style(), yaml::scalar_style::single_quoted);
  EXPECT_EQ(root.element(2).style(), yaml::scalar_style::double_quoted);
  const yaml::parse_result blocks = yaml::parse("a: |\n  x\nb: >\n  y\n");
  EXPECT_EQ(root_of(blocks).value(0).style(), yaml::scalar_style::literal);
  EXPECT_EQ(root_of(blocks).value(1).style(), yaml::scalar_style::folded);
}

// ---- documents, encodings --------------------------------------------------------------

TEST(yaml_document, may_open_with_dashes_and_close_with_dots) {
  EXPECT_EQ(tree("# c\n---\na: 1\n...\n# after\n"), R"({"a": "1"})");
  EXPECT_EQ(tree("--- # c\na: 1\n"), R"({"a": "1"})");
  EXPECT_EQ(tree("--- [a, b]\n"), R"(["a", "b"])");
  EXPECT_EQ(tree("--- |\n  x\n"), R"("x\n")");
}

TEST(yaml_document, nothing_or_only_comments_is_no_document_and_dashes_alone_a_null_one) {
  EXPECT_EQ(tree(""), "(empty)");
  EXPECT_EQ(tree("# only a comment\n\n"), "(empty)");
  EXPECT_EQ(tree("---\n"), "~");
  EXPECT_EQ(tree("---\n...\n"), "~");
}

TEST(yaml_document, a_second_document_is_found_not_read) {
  const yaml::parse_result r = yaml::parse("a: 1\n---\nb: [\n");
  EXPECT_EQ(show(root_of(r)), R"({"a": "1"})");
  ASSERT_TRUE(r.second_document.has_value());
  EXPECT_EQ(at(*r.second_document), "2:1");
  const yaml::parse_result after_dots = yaml::parse("a: 1\n...\nb: 2\n");
  ASSERT_TRUE(after_dots.second_document.has_value());
  EXPECT_EQ(at(*after_dots.second_document), "3:1");
  EXPECT_FALSE(yaml::parse("a: 1\n...\n...\n# end\n").second_document.has_value());
}

TEST(yaml_document, a_byte_order_mark_and_crlf_read_as_without_them) {
  const std::string lf = "a: 1\nb: |\n  x\n  y\nc: \"p\n  q\"\nd: [e,\n  f]\n";
  std::string crlf;
  for (const char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(tree(crlf), tree(lf));
  EXPECT_EQ(tree("\xEF\xBB\xBF" + crlf), tree(lf));
  const yaml::parse_result r = yaml::parse("\xEF\xBB\xBF" "a: 1\r\n");
  EXPECT_EQ(at(root_of(r).value(0).where()), "1:4");  // the mark is not a column
}

// ---- positions -------------------------------------------------------------------------

TEST(yaml_position, nodes_are_where_they_start_in_code_points) {
  const yaml::parse_result r = yaml::parse("units:\n  - {id: U02, name: 县财政局, kind: county_dept}\n");
  const yaml::node root = root_of(r);
  EXPECT_EQ(at(root.where()), "1:1");
  const yaml::node units = root.value(0);
  EXPECT_EQ(at(units.where()), "2:3");  // the '-'
  const yaml::node unit = units.element(0);
  EXPECT_EQ(at(unit.where()), "2:5");  // the '{'
  EXPECT_EQ(at(unit.key(2).where()), "2:27");
  EXPECT_EQ(at(unit.value(2).where()), "2:33");  // after four Chinese characters, counted once each
}

TEST(yaml_position, a_scalars_text_starts_past_its_quote_or_on_its_first_content_line) {
  const yaml::parse_result r = yaml::parse("a: 'x'\nb: \"y\"\nc: |\n\n    z\nd: >2\n    w\ne: v\n");
  const yaml::node root = root_of(r);
  EXPECT_EQ(at(root.value(0).where()), "1:4");
  EXPECT_EQ(at(root.value(0).content_where()), "1:5");
  EXPECT_EQ(at(root.value(1).content_where()), "2:5");
  EXPECT_EQ(at(root.value(2).where()), "3:4");
  EXPECT_EQ(at(root.value(2).content_where()), "5:5");
  EXPECT_EQ(at(root.value(3).content_where()), "7:3");  // the indicator's indentation: the text has two blanks first
  EXPECT_EQ(at(root.value(4).content_where()), "8:4");
}

TEST(yaml_position, an_empty_value_is_where_its_indicator_is) {
  const yaml::parse_result r = yaml::parse("a:\nb:\n  -\n  - x\nc: {d: }\n");
  const yaml::node root = root_of(r);
  EXPECT_EQ(at(root.value(0).where()), "1:2");
  EXPECT_EQ(at(root.value(1).element(0).where()), "3:3");
  EXPECT_EQ(at(root.value(2).value(0).where()), "5:6");
}

// ---- errors ----------------------------------------------------------------------------

TEST(yaml_error, a_tab_in_the_indentation) {
  EXPECT_EQ(error("a:\n\t- x\n"), "2:1: a tab in the indentation");
  EXPECT_EQ(hint("a:\n\t- x\n"), "YAML indents with spaces; replace the tab by spaces");
  EXPECT_EQ(error("a:\n  \tb: 1\n"), "2:3: a tab in the indentation");
  EXPECT_EQ(error("- \tk: v\n"), "1:3: a tab before a nested map");
  EXPECT_EQ(tree("a: 1\n\t# a comment after a tab\n \t\nb: 2\n"), R"({"a": "1", "b": "2"})");
}

TEST(yaml_error, what_rulebook_files_do_not_use) {
  EXPECT_EQ(error("a: &x 1\n"), "1:4: anchors ('&name') are not supported in rulebook files");
  EXPECT_EQ(error("a: *x\n"), "1:4: aliases ('*name') are not supported in rulebook files");
  EXPECT_EQ(error("a: !!str 1\n"), "1:4: tags ('!tag') are not supported in rulebook files");
  EXPECT_EQ(error("%YAML 1.2\n---\na: 1\n"), "1:1: directives ('%YAML', '%TAG') are not supported in rulebook files");
  EXPECT_EQ(error("? a\n: 1\n"), "1:1: explicit keys ('? ') are not supported in rulebook files");
  EXPECT_EQ(error("[a, b]: 1\n"), "1:1: a list or map cannot be a key in rulebook files");
  EXPECT_EQ(error("{a: [b: c]}\n"), "1:7: a 'key: value' pair inside [ ] must be written in braces");
  EXPECT_EQ(error("a: [@x]\n"), "1:5: a plain value cannot start with '@'");
  EXPECT_EQ(error("a: `x`\n"), "1:4: a plain value cannot start with '`'");
}

TEST(yaml_error, bad_indentation_says_which_columns_were_expected) {
  EXPECT_EQ(error("a:\n    b: 1\n  c: 2\n"),
            "3:3: bad indentation: expected a key at column 5 (the map of line 2), or a key at column 1 (the map of "
            "line 1), found 'c:' at column 3");
  EXPECT_EQ(error("a: 'x'\n  b: 1\n"),
            "2:3: bad indentation: expected a key at column 1 (the map of line 1), found 'b:' at column 3");
  EXPECT_EQ(error("a:\n  - x\n  b: 1\n"),
            "3:3: bad indentation: expected '- ' at column 3 (the list of line 2), or a key at column 1 (the map of "
            "line 1), found 'b:' at column 3");
  EXPECT_EQ(error("  a: 1\nb: 2\n"), "2:1: expected the end of the document, found 'b:'");
}

TEST(yaml_error, a_key_without_a_colon) {
  EXPECT_EQ(error("a: 1\nkind county_department\n"),
            "2:1: expected a key and ':', found 'kind county_department' without ': '");
  EXPECT_EQ(error("a: 1\nb:2\n"), "2:1: expected a key and ':', found 'b:2' without ': '");
  EXPECT_EQ(hint("a: 1\nb:2\n"), "a ':' after a key is followed by a space:  key: value");
  EXPECT_EQ(error("{id: U01, name}\n"), "1:15: expected ':' after the key 'name' in { }");
  EXPECT_EQ(error("a: 1\n- b\n"), "2:1: expected a key, found a list element '- '");
  EXPECT_EQ(error(": 1\n"), "1:1: expected a key before ':'");
  EXPECT_EQ(error("{: 1}\n"), "1:2: expected a key before ':'");
}

TEST(yaml_error, a_value_that_does_not_end_with_its_line) {
  EXPECT_EQ(error("a: b: c\n"), "1:5: expected the end of the line after the value 'b', found ': '");
  EXPECT_EQ(error("a: 1\n  b: 2\n"), "2:4: expected the end of the line after the value '1 b', found ':'");
  EXPECT_EQ(error("a: 'x' y\n"), "1:8: expected the end of the line after the single-quoted text, found 'y'");
  EXPECT_EQ(error("a: [x]y\n"), "1:7: expected the end of the line after the list in [ ], found 'y'");
  EXPECT_EQ(error("a: \"x\"# c\n"), "1:7: expected the end of the line after the double-quoted text, found '#'");
  EXPECT_EQ(error("a: - b\n"), "1:4: a list cannot start on the line of its key");
  EXPECT_EQ(error("a: , b\n"), "1:4: expected a value, found ','");
}

TEST(yaml_error, an_unclosed_bracket_is_reported_where_the_bracket_belongs) {
  EXPECT_EQ(error("a: [x, y\nb: 1\n"),
            "1:9: expected ',' or ']' before the end of the line (line 2 is not indented enough to continue the '[')");
  EXPECT_EQ(hint("a: [x, y\nb: 1\n"), "the '[' on line 1 is not closed");
  EXPECT_EQ(error("a: {x: 1,\n"), "1:10: expected a key or '}' before the end of the file");
  EXPECT_EQ(error("a: [x,\n---\n"),
            "1:7: expected a value or ']' before the end of the line (line 2 is a document marker)");
  EXPECT_EQ(error("a: [x}\n"), "1:6: expected ',' or ']', found '}'");
  EXPECT_EQ(error("a: [x, , y]\n"), "1:8: expected a value or ']', found ','");
  EXPECT_EQ(error("a: ]\n"), "1:4: expected a value, found ']'");
}

TEST(yaml_error, an_unclosed_quote) {
  EXPECT_EQ(error("a: 'x\nb: 1\n"), "1:6: expected a closing \"'\" before the end of the line");
  EXPECT_EQ(hint("a: 'x\nb: 1\n"), "the \"'\" on line 1, column 4 is not closed (line 2 is not indented enough to continue the text)");
  EXPECT_EQ(error("a: \"x\n  y"), "2:4: expected a closing '\"', found the end of the file");
  EXPECT_EQ(error("\"a\n b\": 1\n"), "1:1: a key is written on one line, and this quoted key goes on over lines");
}

TEST(yaml_error, a_bad_escape) {
  EXPECT_EQ(error(R"(a: "x\qy")"), "1:6: unknown escape '\\q' in a double-quoted text");
  EXPECT_EQ(error(R"(a: "\é")"), "1:5: unknown escape '\\é' in a double-quoted text");
  EXPECT_EQ(error(R"(a: "\u12G4")"), "1:5: expected 4 hexadecimal digits after '\\u'");
  EXPECT_EQ(error(R"(a: "\uD800")"), "1:5: the escape '\\uD800' is not a Unicode character");
  EXPECT_EQ(error(R"(a: "\U00110000")"), "1:5: the escape '\\U00110000' is not a Unicode character");
}

TEST(yaml_error, a_bad_block_scalar_header) {
  EXPECT_EQ(error("a: |x\n  y\n"),
            "1:5: expected a chomping indicator (- or +), an indentation indicator (1-9) or the end of the line after "
            "'|', found 'x'");
  EXPECT_EQ(error("a: >0\n  y\n"), "1:5: an indentation indicator is 1 to 9");
  EXPECT_EQ(error("a: |--\n  y\n"),
            "1:6: expected a chomping indicator (- or +), an indentation indicator (1-9) or the end of the line after "
            "'|', found '-'");
  EXPECT_EQ(error("a: |\n    \n  y\n"),
            "2:5: a blank line at the start of a block scalar has more spaces than its first line of text");
  EXPECT_EQ(error("[|\n x]\n"), "1:2: a block scalar ('|') cannot be inside [ ] or { }");
}

TEST(yaml_error, bad_characters) {
  EXPECT_EQ(error("a: \xE5\x8E\n"), "1:4: invalid UTF-8: the byte 0xE5 does not start a well-formed character");
  EXPECT_EQ(error("a: \xC0\xAF\n"), "1:4: invalid UTF-8: the byte 0xC0 does not start a well-formed character");
  EXPECT_EQ(error("a: \xED\xA0\x80\n"), "1:4: invalid UTF-8: the byte 0xED does not start a well-formed character");
  EXPECT_EQ(error("县: b\x07\n"), "1:5: the control character U+0007 cannot be in a YAML file");
  EXPECT_EQ(error(std::string("a: b\0c", 6)), "1:5: the control character U+0000 cannot be in a YAML file");
  EXPECT_EQ(error("a: \x7F\n"), "1:4: the control character U+007F cannot be in a YAML file");
  EXPECT_EQ(error("a: \xC2\x80\n"), "1:4: the character U+0080 cannot be in a YAML file");
  EXPECT_EQ(error("a: 1\rb: 2\n"), "1:5: a carriage return (CR) not followed by a line feed");
  EXPECT_EQ(error("a: \xEF\xBB\xBF\n"), "1:4: a byte-order mark (U+FEFF) inside the file");
  EXPECT_EQ(tree("a: \"\\x07\"\n"), "{\"a\": \"\a\"}");  // an escape may give one
}

TEST(yaml_error, nesting_is_bounded) {
  std::string flow(yaml::max_depth, '[');
  EXPECT_EQ(tree(flow + std::string(yaml::max_depth, ']')).substr(0, 6), "[[[[[[");
  EXPECT_EQ(error(flow + "[]" + std::string(yaml::max_depth, ']')),
            "1:65: lists and maps nest more than 64 deep here");
  std::string block;
  for (int depth = 0; depth <= yaml::max_depth; ++depth) block += std::string(static_cast<std::size_t>(depth), ' ') + "a:\n";
  EXPECT_THAT(error(block), HasSubstr("lists and maps nest more than 64 deep here"));
  // Far deeper input fails the same way, without exhausting the stack.
  EXPECT_THAT(error(std::string(100'000, '[')), HasSubstr("nest more than 64 deep"));
  std::string dashes;
  for (int i = 0; i < 10'000; ++i) dashes += "- ";
  EXPECT_THAT(error(dashes + "x\n"), HasSubstr("nest more than 64 deep"));
}

TEST(yaml_error, a_second_directive_or_document_line_after_dots) {
  EXPECT_EQ(error("a: 1\n... x\n"), "2:5: expected the end of the line after '...', found 'x'");
  EXPECT_EQ(error("--- - a\n"), "1:5: a list cannot start on the line of '---'");
  EXPECT_EQ(error("'a'\nb\n"), "2:1: expected the end of the document, found 'b'");
}

// ---- yaml-cpp as the oracle --------------------------------------------------------------

/// Every YAML file of the repository (policies, the sample county, the test corpora).
std::vector<fs::path> repository_yaml_files() {
  std::vector<fs::path> files;
  for (const char* folder : {"rules", "examples", "tests/data"})
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(RULEBOOK_SOURCE_DIR) / folder)) {
      const std::string ext = entry.path().extension().string();
      if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
    }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(yaml_oracle, every_repository_file_yaml_cpp_reads_reads_the_same) {
  const std::vector<fs::path> files = repository_yaml_files();
  ASSERT_GE(files.size(), 80u);
  // Cases where rulebook is stricter than yaml-cpp on purpose: yaml-cpp reads
  // invalid UTF-8 as it comes and nests without bound; rulebook refuses both.
  const std::vector<fs::path> stricter = {fs::path(RULEBOOK_SOURCE_DIR) / "tests/data/bad-county/invalid-utf8.yaml",
                                          fs::path(RULEBOOK_SOURCE_DIR) / "tests/data/bad-county/nesting-too-deep.yaml",
                                          fs::path(RULEBOOK_SOURCE_DIR) / "tests/data/bad-policy/invalid-utf8.yaml"};
  std::size_t compared = 0;
  for (const fs::path& path : files) {
    const std::string text = read_file(path);
    if (!yaml_cpp_documents(text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text)) continue;  // a syntax case
    if (std::find(stricter.begin(), stricter.end(), path) != stricter.end()) {
      EXPECT_TRUE(yaml::parse(text).error) << path;
      continue;
    }
    EXPECT_EQ(compare_with_yaml_cpp(text), "") << path;
    ++compared;
  }
  EXPECT_EQ(compared, files.size() - 3 - stricter.size())
      << "only the three syntax cases of the corpora, and the cases rulebook is stricter in, are not compared";
}

TEST(yaml_oracle, the_syntax_cases_of_the_corpora_fail_for_both_readers) {
  for (const char* name : {"bad-county/yaml-syntax.yaml", "bad-county/tab-indent.yaml", "bad-policy/yaml-syntax.yaml"}) {
    const std::string text = read_file(fs::path(RULEBOOK_SOURCE_DIR) / "tests/data" / name);
    EXPECT_FALSE(yaml_cpp_documents(text)) << name;
    EXPECT_TRUE(yaml::parse(text).error) << name;
  }
}

// ---- generated documents -------------------------------------------------------------------

/// Writes random documents in the subset, each with the tree it must read as:
/// maps and lists in block and flow style nested a few deep, scalars in every
/// style (folded over lines, escaped, chomped), comments, blank lines, empty
/// values, duplicate keys, Chinese text, CRLF, a byte-order mark, `---`/`...`.
class document_writer {
 public:
  explicit document_writer(std::uint32_t seed) : rng_(seed) {}

  struct document {
    std::string text;
    std::string expected;  // `show` of the tree it must read as
  };

  document write() {
    out_.clear();
    const bool explicit_start = chance(4);
    if (explicit_start) out_ += "---" + std::string(chance(2) ? " # start" : "") + "\n";
    if (chance(4)) out_ += "# a comment before the document\n\n";
    std::string expected;
    const int kind = pick(6);
    if (kind == 0)
      expected = root_scalar();
    else if (kind == 1)
      expected = block_sequence(0, 3);
    else
      expected = block_map(pick(3) == 0 ? 2 : 0, 3);
    if (chance(4)) out_ += "...\n";
    if (chance(5)) out_ += "# the end";
    std::string text = out_;
    if (chance(4)) {  // CRLF throughout
      text.clear();
      for (const char c : out_) text += c == '\n' ? std::string("\r\n") : std::string(1, c);
    }
    if (chance(8)) text.insert(0, "\xEF\xBB\xBF");
    return {std::move(text), std::move(expected)};
  }

 private:
  // ---- randomness

  /// Ends the line and indents the next one by `indent` blanks.
  void new_line(int indent) {
    out_ += '\n';
    out_.append(static_cast<std::size_t>(indent), ' ');
  }

  int pick(int n) { return static_cast<int>(rng_() % static_cast<std::uint32_t>(n)); }
  bool chance(int one_in) { return pick(one_in) == 0; }
  template <class T>
  const T& one_of(const std::vector<T>& options) {
    return options[static_cast<std::size_t>(pick(static_cast<int>(options.size())))];
  }

  /// Words a plain scalar may be made of, in block and in flow.
  const std::string& plain_word() {
    static const std::vector<std::string> words = {
        "T01",       "county_department", "2019-01-01", "86.5",   "10000",  "-5",     "a:b",   "x#y",
        "日晖塘村",  "县财政局",          "it's",       "say\"hi\"", "100%", "e=mc²", "v1.2",  "under_score",
        "truth",     "0.0001",            "2019-07",    "http://x.cn/y", "a-b", "&amp",  "*",     "!",
        "a|b",       "é"};
    return one_of(words);
  }

  /// A word as the first of a plain scalar: none that starts with an indicator.
  const std::string& first_plain_word() {
    for (;;) {
      const std::string& word = plain_word();
      if (word != "*" && word != "!" && word != "&amp") return word;
    }
  }

  /// Characters quoted scalars may hold besides words.
  const std::string& quoted_word() {
    static const std::vector<std::string> words = {"a: b", "# hash", "[x]", "{y}", ",", "-", "?", "'", "\"",
                                                   "\\",   "县",     "'',", "%",   "@", "`", "!"};
    return chance(2) ? plain_word() : one_of(words);
  }

  // ---- scalars

  /// A text of words separated by single spaces or line feeds (line feeds not
  /// at either end): what folded styles can write over several lines.
  std::vector<std::pair<std::string, char>> words(bool plain, bool first_is_plain_first) {
    std::vector<std::pair<std::string, char>> result;  // each word, and what follows it (' ', '\n' or 0 at the end)
    const int count = 1 + pick(4);
    for (int i = 0; i < count; ++i) {
      const std::string& word = plain ? (i == 0 && first_is_plain_first ? first_plain_word() : plain_word()) : quoted_word();
      result.emplace_back(word, i + 1 == count ? '\0' : (chance(6) ? '\n' : ' '));
    }
    return result;
  }

  static std::string text_of(const std::vector<std::pair<std::string, char>>& ws) {
    std::string text;
    for (const auto& [word, after] : ws) {
      text += word;
      if (after != '\0') text += after;
    }
    return text;
  }

  /// Writes the separators of a folded scalar: a space, or a line break and
  /// the next line's indentation (`indent`, more than the parent's); a line
  /// feed of the text is a blank line.
  void write_folded(const std::vector<std::pair<std::string, char>>& ws, int indent,
                    const std::function<std::string(const std::string&)>& escape) {
    for (const auto& [word, after] : ws) {
      out_ += escape(word);
      if (after == ' ' && chance(3)) {
        new_line(indent + pick(3));
      } else if (after == ' ') {
        out_ += ' ';
      } else if (after == '\n') {
        new_line(chance(2) ? pick(3) : 0);  // a blank line, maybe with blanks
        new_line(indent);
      }
    }
  }

  /// A scalar on the current line, of a style that fits there, continuing on
  /// lines indented `indent` (more than the parent's). Returns its rendering.
  std::string inline_scalar(int indent, bool flow) {
    const int style = pick(flow ? 3 : 4);
    if (style == 0 || style == 3) {  // plain
      if (chance(8)) {
        static const std::vector<std::string> nulls = {"~", "null", "Null", "NULL"};
        out_ += one_of(nulls);
        return "~";
      }
      const auto ws = words(true, true);
      if (flow) {
        // In flow, a word must not be a flow indicator or hold one.
        std::vector<std::pair<std::string, char>> safe;
        for (const auto& w : ws)
          if (w.first.find_first_of(",[]{}?") == std::string::npos && w.first != "*" && w.first != "!" && w.first != "&amp")
            safe.push_back(w);
        if (safe.empty()) safe.emplace_back("flow", '\0');
        safe.back().second = '\0';
        write_folded(safe, indent, [](const std::string& w) { return w; });
        return shown_text(text_of(safe));
      }
      write_folded(ws, indent, [](const std::string& w) { return w; });
      return shown_text(text_of(ws));
    }
    if (style == 1) {  // single-quoted
      const auto ws = words(false, false);
      out_ += "'";
      write_folded(ws, indent, [](const std::string& w) {
        std::string e;
        for (const char c : w) e += c == '\'' ? std::string("''") : std::string(1, c);
        return e;
      });
      out_ += "'";
      return shown_text(text_of(ws));
    }
    // double-quoted, with escapes
    auto ws = words(false, false);
    static const std::vector<std::pair<std::string, std::string>> escapes = {
        {"\t", "\\t"}, {"\n", "\\n"}, {"é", "\\u00e9"}, {"😀", "\\U0001F600"}, {"A", "\\x41"}, {" ", "\\ "}};
    std::string text;
    out_ += "\"";
    for (std::size_t i = 0; i < ws.size(); ++i) {
      std::string word = ws[i].first;
      std::string written;
      for (const char c : word) written += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
      if (chance(3)) {
        const auto& [raw, escape] = one_of(escapes);
        word += raw;
        written += escape;
      }
      ws[i].first = word;
      out_ += written;
      const char after = ws[i].second;
      if (after == ' ' && chance(6)) {
        out_ += " \\";  // an escaped line break after a blank
        new_line(indent + pick(2));
      } else if (after == ' ' && chance(3)) {
        new_line(indent + pick(3));
      } else if (after == ' ') {
        out_ += ' ';
      } else if (after == '\n') {
        new_line(0);
        new_line(indent);
      }
    }
    out_ += "\"";
    return shown_text(text_of(ws));
  }

  /// A block scalar after `key:` or `- ` (the caller wrote that), its lines
  /// indented `indent`; writes up to and including its last line.
  std::string block_scalar(int indent) {
    const bool folded = chance(2);
    const int chomping = pick(3);  // clip, strip, keep
    const bool indicator = chance(4);
    out_ += std::string(" ") + (folded ? ">" : "|");
    const char chomp_char = chomping == 1 ? '-' : chomping == 2 ? '+' : '\0';
    if (indicator && chance(2) && chomp_char != '\0') out_ += chomp_char, out_ += "2";
    else if (indicator) { out_ += "2"; if (chomp_char != '\0') out_ += chomp_char; }
    else if (chomp_char != '\0') out_ += chomp_char;
    if (chance(4)) out_ += " # header comment";
    out_ += "\n";
    const int content = indent;  // lines indented as an indicator of 2 says: the parent's indentation + 2
    // Lines of words; a folded scalar's lines never start with a blank (they would not fold).
    std::vector<std::string> lines;
    const int count = 1 + pick(3);
    for (int i = 0; i < count; ++i) {
      std::string line;
      if (i > 0 && chance(4)) {
        lines.emplace_back();  // a blank line
        continue;
      }
      if (!folded && i > 0 && chance(4)) line += "  ";  // more indented: kept in a literal scalar
      if (!folded && indicator && i == 0 && chance(2)) line += " ";  // the indicator allows a leading blank
      line += quoted_word();
      if (chance(2)) line += " " + plain_word();
      lines.push_back(line);
    }
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    const int trailing = pick(3);
    std::string text;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      out_ += lines[i].empty() ? "\n" : std::string(static_cast<std::size_t>(content), ' ') + lines[i] + "\n";
      if (folded) {
        if (i == 0) {
          text += lines[i];
        } else if (lines[i].empty()) {
          text += "\n";
        } else {
          const bool after_blank = lines[i - 1].empty();
          if (!after_blank) text += " ";
          text += lines[i];
        }
      } else {
        text += (i == 0 ? "" : "\n") + lines[i];
      }
    }
    for (int i = 0; i < trailing; ++i) out_ += "\n";
    if (chomping == 0) text += "\n";
    if (chomping == 2) text += std::string(static_cast<std::size_t>(1 + trailing), '\n');
    ended_with_block_scalar_ = true;
    return shown_text(text);
  }

  std::string root_scalar() {
    const std::string shown = inline_scalar(1, false);
    out_ += "\n";
    return shown;
  }

  // ---- collections

  /// A key: a plain word (now and then a repeated one) or a quoted one.
  std::string key(std::vector<std::string>& used) {
    std::string word;
    if (!used.empty() && chance(10)) {
      word = one_of(used);
    } else {
      static const std::vector<std::string> keys = {"id", "name", "kind", "values", "2019-01-01", "县", "a b", "x.y",
                                                    "from", "to",   "amount", "rules", "k1",       "-k", "é"};
      word = one_of(keys);
      used.push_back(word);
    }
    if (chance(6)) {
      out_ += "'" + word + "'";
    } else if (chance(6)) {
      out_ += "\"" + word + "\"";
    } else {
      out_ += word;
    }
    return shown_text(word);
  }

  /// The value after "key:" or "-" (written, nothing after it yet) of a block
  /// collection indented `indent`; writes through the end of its last line.
  std::string block_value(int indent, int depth, bool after_dash) {
    ended_with_block_scalar_ = false;
    const int choice = pick(depth > 0 ? 9 : 5);
    if (choice == 0) {  // empty: null
      if (chance(2)) out_ += " # empty";
      out_ += "\n";
      return "~";
    }
    if (choice == 1) return block_scalar(indent + 2);
    if (choice <= 4) {  // a scalar on this line
      out_ += chance(8) ? "\t" : " ";
      const std::string shown = inline_scalar(indent + 1, false);
      if (chance(4)) out_ += " # note";
      out_ += "\n";
      return shown;
    }
    if (choice == 5) {  // a flow collection on this line
      out_ += " ";
      const std::string shown = flow_collection(indent, depth - 1);
      if (chance(4)) out_ += "  # note";
      out_ += "\n";
      return shown;
    }
    if (choice == 6 && after_dash) {  // a compact map or list after "- "
      const int column = indent + 2;
      if (chance(2)) {
        out_ += " ";
        return block_map_entries(column, depth - 1);
      }
      out_ += " ";
      return block_sequence_entries(column, depth - 1);
    }
    // a block collection on the lines below
    if (chance(3)) out_ += " # below";
    out_ += "\n";
    if (chance(5)) {
      new_line(pick(6));
      out_ += "# between\n";
    }
    if (chance(2)) return block_map(indent + 1 + pick(4), depth - 1);
    // a list under a key may sit at the key's own indentation
    return block_sequence(after_dash || chance(2) ? indent + 1 + pick(3) : indent, depth - 1);
  }

  std::string block_map(int indent, int depth) {
    out_ += std::string(static_cast<std::size_t>(indent), ' ');
    return block_map_entries(indent, depth);
  }

  /// A block map whose first key goes where the output is (column `indent`).
  std::string block_map_entries(int indent, int depth) {
    std::vector<std::string> used;
    std::string shown = "{";
    const int count = 1 + pick(4);
    for (int i = 0; i < count; ++i) {
      if (i > 0) {
        if (!ended_with_block_scalar_ && chance(6)) out_ += "\n";  // else it would be the scalar's
        // Not indented more than the keys: deeper, it could be a line of a block scalar.
        if (chance(8)) out_ += std::string(static_cast<std::size_t>(pick(indent + 1)), ' ') + "# comment line\n";
        out_ += std::string(static_cast<std::size_t>(indent), ' ');
      }
      const std::string k = key(used);
      out_ += chance(8) ? " :" : ":";
      shown += (i > 0 ? ", " : "") + k + ": " + block_value(indent, depth, false);
    }
    return shown + "}";
  }

  std::string block_sequence(int indent, int depth) {
    out_ += std::string(static_cast<std::size_t>(indent), ' ');
    return block_sequence_entries(indent, depth);
  }

  std::string block_sequence_entries(int indent, int depth) {
    std::string shown = "[";
    const int count = 1 + pick(4);
    for (int i = 0; i < count; ++i) {
      if (i > 0) out_ += std::string(static_cast<std::size_t>(indent), ' ');
      out_ += "-";
      shown += (i > 0 ? ", " : "") + block_value(indent, depth, true);
    }
    return shown + "]";
  }

  /// A flow collection inside a block collection indented `parent`: lines
  /// after its first are indented more.
  std::string flow_collection(int parent, int depth) {
    const bool is_map = chance(2);
    out_ += is_map ? "{" : "[";
    std::string shown = is_map ? "{" : "[";
    const int count = pick(4);
    std::vector<std::string> used;
    for (int i = 0; i < count; ++i) {
      if (i > 0 && chance(4)) {
        out_ += ',';
        new_line(parent + 1 + pick(4));
      } else if (i > 0) {
        out_ += ", ";
      }
      if (is_map) {
        shown += (i > 0 ? ", " : "") + key(used) + ": ";
        out_ += ":";
        if (chance(8)) {
          shown += "~";
          continue;
        }
        out_ += " ";
      } else if (i > 0) {
        shown += ", ";
      }
      shown += depth > 0 && chance(4) ? flow_collection(parent, depth - 1) : inline_scalar(parent + 1, true);
    }
    if (count > 0 && chance(6)) out_ += ",";
    out_ += is_map ? "}" : "]";
    return shown + (is_map ? "}" : "]");
  }

  std::mt19937 rng_;
  std::string out_;
  bool ended_with_block_scalar_ = false;  // the last value written: blank lines after it would be its own
};

/// The generated documents: seeded, so a failure can be replayed.
constexpr std::uint32_t generator_seed = 20'240'601;
constexpr int generated_documents = 1000;

TEST(yaml_generated, documents_read_as_written_and_as_yaml_cpp_reads_them) {
  document_writer writer(generator_seed);
  for (int i = 0; i < generated_documents; ++i) {
    const document_writer::document doc = writer.write();
    ASSERT_LE(doc.text.size(), 20'000u);
    EXPECT_EQ(tree(doc.text), doc.expected) << "document " << i << ":\n" << doc.text;
    EXPECT_EQ(compare_with_yaml_cpp(doc.text), "") << "document " << i << ":\n" << doc.text;
  }
}

// ---- robustness ------------------------------------------------------------------------------

/// Mutates repository files at random (replace, insert, delete a byte from a
/// set of YAML's significant characters): the reader must never crash or read
/// past the text, and whenever it and yaml-cpp both read a mutant as one
/// document, the trees must agree.
TEST(yaml_robustness, mutated_files_fail_cleanly_or_read_as_yaml_cpp_reads_them) {
  std::mt19937 rng(7);
  const std::string significant = " \n\t:-#[]{},'\"|>&*!?%@`\\a1\xE5";
  int agreed = 0;
  for (const char* name : {"rules/national-2017.yaml", "tests/data/county-folder/10-teams.yaml",
                           "tests/data/bad-policy/all-at-once.yaml"}) {
    const std::string original = read_file(fs::path(RULEBOOK_SOURCE_DIR) / name);
    for (int i = 0; i < 150; ++i) {
      std::string text = original;
      for (int k = 0; k < 1 + static_cast<int>(rng() % 3); ++k) {
        const std::size_t at_byte = rng() % text.size();
        const char c = significant[rng() % significant.size()];
        switch (rng() % 3) {
          case 0: text[at_byte] = c; break;
          case 1: text.insert(at_byte, 1, c); break;
          default: text.erase(at_byte, 1); break;
        }
      }
      const yaml::parse_result ours = yaml::parse(text);
      if (ours.error) {
        const std::vector<std::string_view> lines = lines_of(text);
        EXPECT_GE(ours.error->where.line, 1);
        EXPECT_LE(ours.error->where.line, static_cast<int>(lines.size()));
        EXPECT_GE(ours.error->where.column, 1);
        EXPECT_FALSE(ours.error->message.empty());
        continue;
      }
      const std::optional<std::vector<YAML::Node>> theirs = yaml_cpp_documents(text);
      if (!theirs || theirs->size() != 1 || ours.second_document) continue;
      EXPECT_EQ(compare_with_yaml_cpp(text), "") << name << ", mutant " << i << ":\n" << text;
      ++agreed;
    }
  }
  EXPECT_GT(agreed, 50);
}

// ---- the repository's files load --------------------------------------------------------------

TEST(yaml_repository, every_policy_and_county_loads_without_a_diagnostic) {
  for (const auto& entry : fs::directory_iterator(fs::path(RULEBOOK_SOURCE_DIR) / "rules")) {
    if (entry.path().extension() != ".yaml") continue;
    const rulebook::policy_load_result p = rulebook::load_policy(entry.path());
    EXPECT_TRUE(p.value.has_value()) << entry.path();
    EXPECT_TRUE(p.diagnostics.empty()) << rulebook::format(p.diagnostics);
  }
  for (const char* county : {"examples/qiyang/county.yaml", "tests/data/county-folder"}) {
    const rulebook::county_load_result c = rulebook::load_county(fs::path(RULEBOOK_SOURCE_DIR) / county);
    EXPECT_TRUE(c.value.has_value()) << county;
    EXPECT_TRUE(c.diagnostics.empty()) << rulebook::format(c.diagnostics);
  }
}

TEST(yaml_repository, the_sample_county_reads_the_same_from_yaml_as_from_csv) {
  const rulebook::county_load_result yaml_form =
      rulebook::load_county(fs::path(RULEBOOK_SOURCE_DIR) / "examples/qiyang/county.yaml");
  const rulebook::county_load_result csv_form = rulebook::load_county(fs::path(RULEBOOK_SOURCE_DIR) / "examples/qiyang/csv");
  ASSERT_TRUE(yaml_form.value && csv_form.value);
  EXPECT_EQ(*yaml_form.value, *csv_form.value);
}

}  // namespace
