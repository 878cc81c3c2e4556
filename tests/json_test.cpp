// JSON input: the strict reader (detail/json.hpp) and a county given as JSON
// text, which must load exactly as the same county written in YAML; and a
// policy given as text rather than a path.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "detail/json.hpp"
#include "detail/yaml.hpp"
#include "rulebook/load.hpp"
#include "rulebook/policy.hpp"

namespace rb = rulebook;
namespace yaml = rulebook::detail::yaml;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// `file:line:column: error[code]` of each diagnostic.
std::vector<std::string> headers(const std::vector<rb::diagnostic>& ds) {
  std::vector<std::string> out;
  for (const rb::diagnostic& d : ds)
    out.push_back(d.where.file + ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column) +
                  ": error[" + d.code + "]");
  return out;
}

std::string escape_json(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

/// Writes a YAML tree as JSON, every scalar as a JSON string (as a county
/// system exporting text columns would) or, with `numbers`, plain scalars that
/// are JSON numbers as numbers.
void to_json(const yaml::node& n, std::string& out, bool numbers, int indent = 0) {
  const std::string pad(static_cast<std::size_t>(indent) + 2, ' ');
  switch (n.kind()) {
    case yaml::node_kind::null: out += "null"; break;
    case yaml::node_kind::scalar: {
      const std::string_view t = n.text();
      const bool number = numbers && n.style() == yaml::scalar_style::plain && !t.empty() &&
                          t.find_first_not_of("0123456789.") == std::string_view::npos && t.find('.') == t.rfind('.') &&
                          t.front() != '.' && t.back() != '.' && !(t.size() > 1 && t[0] == '0' && t[1] != '.');
      out += number ? std::string(t) : escape_json(t);
      break;
    }
    case yaml::node_kind::sequence: {
      out += "[";
      bool first = true;
      for (const yaml::node e : n.elements()) {
        out += first ? "\n" + pad : ",\n" + pad;
        to_json(e, out, numbers, indent + 2);
        first = false;
      }
      out += "]";
      break;
    }
    case yaml::node_kind::map: {
      out += "{";
      bool first = true;
      for (const yaml::entry e : n.entries()) {
        out += first ? "\n" + pad : ",\n" + pad;
        out += escape_json(e.key.text()) + ": ";
        to_json(e.value, out, numbers, indent + 2);
        first = false;
      }
      out += "}";
      break;
    }
  }
}

std::string yaml_file_as_json(const std::filesystem::path& p, bool numbers) {
  const std::string text = read_file(p);
  const yaml::parse_result parsed = yaml::parse(text);
  EXPECT_FALSE(parsed.error);
  std::string out;
  to_json(*parsed.doc.root(), out, numbers);
  return out;
}

/// The first error of parsing `text` as `line:column: message`.
std::string json_error(std::string_view text) {
  const yaml::parse_result r = rb::detail::json::parse(text);
  if (!r.error) return "no error";
  return std::to_string(r.error->where.line) + ":" + std::to_string(r.error->where.column) + ": " + r.error->message;
}

const std::filesystem::path source_dir = RULEBOOK_SOURCE_DIR;

}  // namespace

// ---- the reader --------------------------------------------------------------------------

TEST(json_reader, builds_the_tree_the_county_loader_walks) {
  const yaml::parse_result r = rb::detail::json::parse(R"({"a": [1, -2.50, "x", true, null], "b": {}, "c": []})");
  ASSERT_FALSE(r.error) << r.error->message;
  const yaml::node root = *r.doc.root();
  ASSERT_TRUE(root.is_map());
  ASSERT_EQ(root.size(), 3u);
  EXPECT_EQ(root.key(0).text(), "a");
  EXPECT_EQ(root.key(0).style(), yaml::scalar_style::double_quoted);
  const yaml::node a = root.value(0);
  ASSERT_TRUE(a.is_sequence());
  ASSERT_EQ(a.size(), 5u);
  EXPECT_EQ(a.element(0).text(), "1");
  EXPECT_EQ(a.element(0).style(), yaml::scalar_style::plain);
  EXPECT_EQ(a.element(1).text(), "-2.50");  // as written: never through a double
  EXPECT_EQ(a.element(2).text(), "x");
  EXPECT_EQ(a.element(2).style(), yaml::scalar_style::double_quoted);
  EXPECT_EQ(a.element(3).text(), "true");
  EXPECT_TRUE(a.element(4).is_null());
  EXPECT_TRUE(root.value(1).is_map());
  EXPECT_EQ(root.value(1).size(), 0u);
  EXPECT_TRUE(root.value(2).is_sequence());
}

TEST(json_reader, a_string_null_is_text_not_null) {
  const yaml::parse_result r = rb::detail::json::parse(R"(["null", "~"])");
  ASSERT_FALSE(r.error);
  EXPECT_TRUE(r.doc.root()->element(0).is_scalar());
  EXPECT_EQ(r.doc.root()->element(0).text(), "null");
  EXPECT_TRUE(r.doc.root()->element(1).is_scalar());
}

TEST(json_reader, decodes_every_escape) {
  const yaml::parse_result r =
      rb::detail::json::parse(R"(["\"\\\/\b\f\n\r\t", "\u00e9\u7965", "\uD83D\uDE00", "祁阳"])");
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(r.doc.root()->element(0).text(), "\"\\/\b\f\n\r\t");
  EXPECT_EQ(r.doc.root()->element(1).text(), "\xC3\xA9\xE7\xA5\xA5");      // é 祥
  EXPECT_EQ(r.doc.root()->element(2).text(), "\xF0\x9F\x98\x80");          // U+1F600
  EXPECT_EQ(r.doc.root()->element(3).text(), "祁阳");
}

TEST(json_reader, positions_are_lines_and_code_point_columns) {
  // Line 3: 4 blanks, '{', "name" (6), ": " (2), "祁阳县" (5 code points), ", " (2): "id" at column 21.
  const std::string text = "{\n  \"units\": [\n    {\"name\": \"祁阳县\", \"id\": \"U01\"}\n  ]\n}";
  const yaml::parse_result r = rb::detail::json::parse(text);
  ASSERT_FALSE(r.error) << r.error->message;
  const yaml::node unit = r.doc.root()->value(0).element(0);
  EXPECT_EQ(r.doc.root()->value(0).where(), (yaml::mark{2, 12}));  // the '['
  EXPECT_EQ(unit.where(), (yaml::mark{3, 5}));                      // the '{'
  EXPECT_EQ(unit.key(1).where(), (yaml::mark{3, 21}));
  EXPECT_EQ(unit.value(1).where(), (yaml::mark{3, 27}));
  EXPECT_EQ(unit.value(1).content_where(), (yaml::mark{3, 28}));    // past the quote
}

TEST(json_reader, a_byte_order_mark_and_crlf_are_accepted) {
  const yaml::parse_result r = rb::detail::json::parse("\xEF\xBB\xBF{\r\n\"a\": 1\r\n}\r\n");
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(r.doc.root()->key(0).where(), (yaml::mark{2, 1}));
}

TEST(json_reader, rejects_what_json_does_not_allow_at_its_position) {
  EXPECT_EQ(json_error("{\"a\": 1,}"), "1:9: expected a member name after ',', found '}'");
  EXPECT_EQ(json_error("[1, 2,\n ]"), "2:2: expected a value after ',', found ']'");
  EXPECT_EQ(json_error("{a: 1}"), "1:2: expected a member name in double quotes, found 'a'");
  EXPECT_EQ(json_error("['x']"), "1:2: expected a value, found \"'\"");
  EXPECT_EQ(json_error("{\"a\": 1} // note"), "1:10: JSON has no comments, found '/'");
  EXPECT_EQ(json_error("[07]"), "1:2: a JSON number cannot start with 0 followed by digits");
  EXPECT_EQ(json_error("[1.]"), "1:4: expected a digit after the decimal point, found ']'");
  EXPECT_EQ(json_error("[-x]"), "1:3: expected a digit after '-', found 'x'");
  EXPECT_EQ(json_error("[1e]"), "1:4: expected a digit in the exponent, found ']'");
  EXPECT_EQ(json_error("[NaN]"), "1:2: JSON has no NaN");
  EXPECT_EQ(json_error("[True]"), "1:2: expected a value, found 'True'");
  EXPECT_EQ(json_error("[yes]"), "1:2: expected a value, found 'yes'");
  EXPECT_EQ(json_error("[\"a\nb\"]"), "1:4: a string cannot span lines: found the end of the line");
  EXPECT_EQ(json_error("[\"a\tb\"]"), "1:4: the control character U+0009 inside a string");
  EXPECT_EQ(json_error(R"(["\x"])"), R"(1:3: unknown escape '\x' in a string)");
  EXPECT_EQ(json_error(R"(["\u12"])"), "1:3: expected four hex digits after '\\u', found '\"'");
  EXPECT_EQ(json_error(R"(["\uD83D"])"),
            "1:3: the escape \\uD83D is the first half of a surrogate pair, with no second half");
  EXPECT_EQ(json_error(R"(["\uDE00"])"),
            "1:3: the escape \\uDE00 is the second half of a surrogate pair, with no first half");
  EXPECT_EQ(json_error("[\"\xFF\"]"), "1:3: invalid UTF-8: the byte 0xFF, which is not UTF-8");
  EXPECT_EQ(json_error("{\"a\" 1}"), "1:6: expected ':' after the member name \"a\", found '1'");
  EXPECT_EQ(json_error("{\"a\": 1 \"b\": 2}"), "1:9: expected ',' or '}' after the value of \"a\", found '\"'");
  EXPECT_EQ(json_error("[1 2]"), "1:4: expected ',' or ']' after an element of the array, found '2'");
  EXPECT_EQ(json_error("{\"a\": [1,\n  2"),
            "2:4: expected ']' to close the array opened at line 1, column 7, found the end of the text");
  EXPECT_EQ(json_error("[\"open"), "1:2: the string opened here is not closed");
  EXPECT_EQ(json_error("{} {}"), "1:4: expected the end of the text after the JSON value, found '{'");
  EXPECT_EQ(json_error("  \n "), "2:2: expected a JSON value, found the end of the text");
  EXPECT_EQ(json_error("[12abc]"), "1:4: expected the end of the number, found 'abc'");
}

TEST(json_reader, nesting_is_bounded) {
  const std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_EQ(json_error(ok), "no error");
  const std::string deep = std::string(65, '[') + std::string(65, ']');
  EXPECT_EQ(json_error(deep), "1:65: arrays and objects nest more than 64 deep here");
  const std::string very_deep(100000, '[');  // no stack exhausted
  EXPECT_EQ(json_error(very_deep), "1:65: arrays and objects nest more than 64 deep here");
}

// ---- a county as JSON --------------------------------------------------------------------------

TEST(county_json, the_sample_county_loads_as_from_yaml_with_strings_or_numbers) {
  const rb::county_load_result from_yaml = rb::load_county(source_dir / "examples/qiyang/county.yaml");
  ASSERT_TRUE(from_yaml) << rb::format(from_yaml.diagnostics);
  for (const bool numbers : {false, true}) {
    const std::string json = yaml_file_as_json(source_dir / "examples/qiyang/county.yaml", numbers);
    const rb::county_load_result from_json = rb::load_county_json(json, "county.json");
    ASSERT_TRUE(from_json) << rb::format(from_json.diagnostics);
    EXPECT_TRUE(*from_json.value == *from_yaml.value) << (numbers ? "numbers" : "strings");
  }
}

TEST(county_json, values_are_read_exactly) {
  const rb::county_load_result r = rb::load_county_json(R"({
    "county": {"id": "qiyang", "name": "祁阳县"},
    "units": [{"id": "U01", "name": "县财政局", "kind": "county_department"}],
    "teams": [{"id": "T01", "village": "日晖塘村", "town": "大忠桥镇", "lead_unit": "U01", "distance_km": 38.6}],
    "members": [{"id": "M001", "name": "刘军", "role": "leader", "unit": "U01",
                 "service": [{"from": "2019-01-01", "to": null, "team": "T01"}],
                 "insurance": [{"cover": 200000.00, "from": "2019-01-01", "to": "2019-12-31"}]}],
    "months": [{"member": "M001", "month": "2019-04", "days_in_village": 22, "round_trips": 5,
                "paid": {"transport": "463.20", "living": 2200}}],
    "visits": [], "meetings": null
  })", "inline.json");
  ASSERT_TRUE(r) << rb::format(r.diagnostics);
  const rb::county& c = *r.value;
  EXPECT_EQ(c.teams.at(0).distance_km, rb::decimal::parse("38.6"));
  EXPECT_FALSE(c.members.at(0).service.at(0).to.has_value());
  EXPECT_EQ(c.members.at(0).insurance.at(0).cover, rb::money::yuan(200000));
  EXPECT_EQ(c.months.at(0).record().days_in_village, 22);
  ASSERT_EQ(c.months.at(0).record().paid.size(), 2u);
  EXPECT_EQ(c.months.at(0).record().paid.at(0).item, "transport");
  EXPECT_EQ(c.months.at(0).record().paid.at(0).amount, rb::money::parse("463.20"));
}

TEST(county_json, problems_are_reported_at_their_json_line_and_column) {
  const rb::county_load_result r = rb::load_county_json(
      "{\n"
      "  \"county\": {\"id\": \"qiyang\", \"name\": \"祁阳县\"},\n"
      "  \"units\": [{\"id\": \"U01\", \"name\": \"县财政局\", \"kind\": \"bureau\"}],\n"
      "  \"teams\": [{\"id\": \"T01\", \"village\": \"v\", \"town\": \"t\", \"lead_unit\": \"U01\",\n"
      "             \"distance_kn\": 38.6, \"distance_km\": 1e2}],\n"
      "  \"months\": [{\"member\": \"M404\", \"month\": \"2019-04\", \"days_in_village\": 22, \"round_trips\": 5}]\n"
      "}\n",
      "api.json");
  ASSERT_FALSE(r);
  EXPECT_THAT(headers(r.diagnostics),
              ElementsAre("api.json:3:51: error[unknown-name]",          // "bureau"
                          "api.json:5:14: error[unknown-key]",           // distance_kn
                          "api.json:5:50: error[bad-value]",             // 1e2: never scientific notation
                          "api.json:6:25: error[unknown-reference]"));   // M404
  EXPECT_EQ(r.diagnostics.at(1).source_line, "             \"distance_kn\": 38.6, \"distance_km\": 1e2}],");
}

TEST(county_json, a_reference_to_nothing_is_checked_as_in_yaml) {
  const rb::county_load_result r = rb::load_county_json(
      R"({"county": {"id": "q", "name": "n"},
"units": [{"id": "U01", "name": "u", "kind": "township"}],
"teams": [{"id": "T01", "village": "v", "town": "t", "lead_unit": "U02", "distance_km": 3}]})",
      "ref.json");
  ASSERT_FALSE(r);
  EXPECT_THAT(headers(r.diagnostics), ElementsAre("ref.json:3:67: error[unknown-reference]"));
  EXPECT_THAT(r.diagnostics.at(0).hint, HasSubstr("U01"));
}

TEST(county_json, a_syntax_error_is_one_json_syntax_diagnostic) {
  const rb::county_load_result r = rb::load_county_json("{\"county\": {\"id\": \"q\",}}", "bad.json");
  ASSERT_FALSE(r);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(headers(r.diagnostics).front(), "bad.json:1:23: error[json-syntax]");
  EXPECT_EQ(r.diagnostics.front().hint, "remove the last comma: JSON allows none before '}'");
}

TEST(county_json, yaml_that_is_not_json_is_rejected) {
  const rb::county_load_result r = rb::load_county_json("county: {id: q, name: n}\n", "yaml.json");
  ASSERT_FALSE(r);
  EXPECT_THAT(headers(r.diagnostics), ElementsAre("yaml.json:1:1: error[json-syntax]"));
}

TEST(county_json, a_top_level_array_is_the_wrong_kind) {
  const rb::county_load_result r = rb::load_county_json("[]", "list.json");
  ASSERT_FALSE(r);
  EXPECT_THAT(headers(r.diagnostics), ElementsAre("list.json:1:1: error[wrong-kind]"));
}

TEST(county_json, load_county_reads_a_json_file_by_its_extension) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "rulebook-json-test";
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / "county.json";
  std::ofstream(file, std::ios::binary) << yaml_file_as_json(source_dir / "examples/qiyang/county.yaml", true);
  const rb::county_load_result r = rb::load_county(file);
  ASSERT_TRUE(r) << rb::format(r.diagnostics);
  EXPECT_EQ(r.value->members.size(), 37u);  // examples/qiyang/README.md
  EXPECT_EQ(r.value->months.size(), 435u);
  std::filesystem::remove_all(dir);
}

// ---- a policy as text ---------------------------------------------------------------------------

TEST(policy_text, loads_as_the_file_does_with_its_bases_beside_its_name) {
  const std::filesystem::path path = source_dir / "rules/qiyang-2019.yaml";
  const rb::policy_load_result from_file = rb::load_policy(path);
  ASSERT_TRUE(from_file) << rb::format(from_file.diagnostics);
  const rb::policy_load_result from_text = rb::load_policy_text(read_file(path), path);
  ASSERT_TRUE(from_text) << rb::format(from_text.diagnostics);
  EXPECT_EQ(from_text.value->id, "qiyang-2019");
  EXPECT_EQ(from_text.value->files, from_file.value->files);  // national-2017.yaml read from rules/
  ASSERT_EQ(from_text.value->rules.size(), from_file.value->rules.size());
  for (std::size_t i = 0; i < from_text.value->rules.size(); ++i)
    EXPECT_EQ(from_text.value->rules[i].id, from_file.value->rules[i].id);
}

TEST(policy_text, problems_name_the_given_file) {
  const std::string text =
      "policy: {id: p, title: {zh: 测试, en: test}, jurisdiction: {zh: 某县, en: a county}, "
      "governs: {from: 2019-01-01, to: 2019-12-31}}\nrulez: []\n";
  const rb::policy_load_result r = rb::load_policy_text(text, "memory/p.yaml");
  ASSERT_FALSE(r);
  EXPECT_THAT(headers(r.diagnostics), ElementsAre("memory/p.yaml:2:1: error[unknown-key]"));
  EXPECT_EQ(r.diagnostics.front().source_line, "rulez: []");
}

TEST(policy_text, a_missing_base_is_looked_for_beside_the_name) {
  const std::string text =
      "policy: {id: p, title: {zh: 测试, en: test}, jurisdiction: {zh: 某县, en: a county}, "
      "governs: {from: 2019-01-01, to: 2019-12-31}}\n"
      "extends: national-2017.yaml\n";
  const rb::policy_load_result r = rb::load_policy_text(text, "nowhere/p.yaml");
  ASSERT_FALSE(r);
  EXPECT_THAT(headers(r.diagnostics), ElementsAre("nowhere/p.yaml:2:10: error[missing-file]"));
  EXPECT_THAT(r.diagnostics.front().message, HasSubstr("nowhere/national-2017.yaml"));
}
