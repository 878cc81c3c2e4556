// The JSON reader of json.hpp: recursive descent over the text, building the
// YAML reader's tree (detail/yaml.hpp) directly.
//
// Lines change only in whitespace between tokens (a string cannot hold a raw
// line feed), so the parser keeps the current line and where it starts, and
// works out a code-point column when it records a position, counting on from
// the last one it worked out — a whole county on one line costs no more than
// one spread over many. The first error ends the parse (an exception carries
// it to `run`).
#include "detail/json.hpp"

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "detail/text.hpp"

namespace rulebook::detail::yaml {
namespace {

/// Carries the first syntax error out of the recursive parser.
struct stop_parsing {};

constexpr bool is_digit(int c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_word_char(int c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

std::string hex4(unsigned value) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string text;
  for (int shift = 12; shift >= 0; shift -= 4) text += digits[(value >> shift) & 0xF];
  return text;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// `s` in single quotes, for messages. (Built by appending: GCC 12 warns,
/// wrongly, of overlapping copies in `"'" + std::string(s) + "'"`.)
std::string in_single_quotes(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '\'';
  out.append(s);
  out += '\'';
  return out;
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

class json_parser {
 public:
  explicit json_parser(std::string_view text) : src_(text) {}

  parse_result run();

 private:
  // ---- characters and positions

  /// The byte at the parser, or -1 at the end of the text.
  [[nodiscard]] int peek() const noexcept {
    return pos_ < src_.size() ? static_cast<unsigned char>(src_[pos_]) : -1;
  }

  /// The position of byte `at` of the current line.
  mark mark_at(std::size_t at) {
    if (at < col_pos_) {
      col_pos_ = line_start_;
      col_ = 1;
    }
    for (; col_pos_ < at; ++col_pos_)
      if ((static_cast<unsigned char>(src_[col_pos_]) & 0xC0) != 0x80) ++col_;
    return {line_, col_};
  }
  mark here() { return mark_at(pos_); }

  [[noreturn]] void fail_at(mark where, std::string message, std::string hint = {}) {
    error_ = syntax_error{where, std::move(message), std::move(hint)};
    throw stop_parsing{};
  }
  [[noreturn]] void fail(std::string message, std::string hint = {}) {
    fail_at(here(), std::move(message), std::move(hint));
  }

  /// What stands at the parser, for "found …" in messages.
  [[nodiscard]] std::string found() const {
    const int c = peek();
    if (c < 0) return "the end of the text";
    if (c == '\n' || c == '\r') return "the end of the line";
    if (c == '\t') return "a tab";
    if (c < 0x20 || c == 0x7F) return "the control character U+" + hex4(static_cast<unsigned>(c));
    if (c < 0x80) {
      if (is_word_char(c)) {
        std::size_t end = pos_;
        while (end < src_.size() && end - pos_ < 20 && is_word_char(static_cast<unsigned char>(src_[end]))) ++end;
        return in_single_quotes(src_.substr(pos_, end - pos_));
      }
      return c == '\'' ? "\"'\"" : in_single_quotes(src_.substr(pos_, 1));
    }
    const int length = utf8_length(src_.data() + pos_, src_.data() + src_.size());
    if (length <= 0) return "the byte 0x" + hex4(static_cast<unsigned>(c)).substr(2) + ", which is not UTF-8";
    return in_single_quotes(src_.substr(pos_, static_cast<std::size_t>(length)));
  }

  /// Skips JSON's whitespace (space, tab, CR, LF), counting lines. A comment
  /// is an error: JSON has none, and reading one would accept what other JSON
  /// readers of the same data reject.
  void skip_whitespace() {
    while (pos_ < src_.size()) {
      const char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == '\n') {
        ++pos_;
        ++line_;
        line_start_ = col_pos_ = pos_;
        col_ = 1;
      } else if (c == '/' || c == '#') {
        fail("JSON has no comments, found " + found(), "remove the comment");
      } else {
        return;
      }
    }
  }

  // ---- building the tree

  std::uint32_t add_record(const impl::record& r) {
    tree_->records.push_back(r);
    return static_cast<std::uint32_t>(tree_->records.size() - 1);
  }

  std::uint32_t add_text(std::size_t text_start, mark where, mark content, node_kind kind, scalar_style style) {
    const std::size_t size = tree_->arena.size() - text_start;
    return add_record({static_cast<std::uint32_t>(text_start), static_cast<std::uint32_t>(size), where, content, kind,
                       style});
  }

  /// Opens an array or object: its children gather on `pending_` until `close`.
  std::size_t open() {
    if (++depth_ > max_depth)
      fail("arrays and objects nest more than " + std::to_string(max_depth) + " deep here",
           "a county nests a few levels deep");
    return pending_.size();
  }

  std::uint32_t close(std::size_t first_pending, node_kind kind, mark where) {
    --depth_;
    const auto first = static_cast<std::uint32_t>(tree_->children.size());
    const auto count = static_cast<std::uint32_t>(pending_.size() - first_pending);
    tree_->children.insert(tree_->children.end(), pending_.begin() + static_cast<std::ptrdiff_t>(first_pending),
                           pending_.end());
    pending_.resize(first_pending);
    return add_record({first, count, where, where, kind, scalar_style::none});
  }

  // ---- values

  /// Reads one value; the parser stands on its first character.
  std::uint32_t value() {
    switch (peek()) {
      case '{': return object();
      case '[': return array();
      case '"': return string();
      case '-':
      case '0': case '1': case '2': case '3': case '4':
      case '5': case '6': case '7': case '8': case '9': return number();
      default: break;
    }
    if (is_word_char(peek())) return word();
    if (peek() == '\'') fail("expected a value, found \"'\"", "JSON strings are written in double quotes: \"text\"");
    fail("expected a value (an object, an array, a string, a number, true, false or null), found " + found());
  }

  /// `true`, `false` or `null`; any other word is an error.
  std::uint32_t word() {
    const std::size_t start = pos_;
    const mark where = here();
    std::size_t end = pos_;
    while (end < src_.size() && is_word_char(static_cast<unsigned char>(src_[end]))) ++end;
    const std::string_view text = src_.substr(start, end - start);
    if (text != "true" && text != "false" && text != "null") {
      if (text == "NaN" || text == "Infinity")
        fail("JSON has no " + std::string(text), "give a number, or null");
      if (text == "True" || text == "False" || text == "TRUE" || text == "FALSE" || text == "Null" || text == "NULL" ||
          text == "None")
        fail("expected a value, found " + found(), "JSON writes true, false and null in lower case");
      fail("expected a value, found " + found(), "write text in double quotes: \"" + std::string(text) + "\"");
    }
    pos_ = end;
    const std::size_t text_start = tree_->arena.size();
    tree_->arena.append(text);
    return add_text(text_start, where, where, text == "null" ? node_kind::null : node_kind::scalar,
                    text == "null" ? scalar_style::none : scalar_style::plain);
  }

  /// A number, kept as written: `-`? int frac? exp?, with no leading zeros.
  std::uint32_t number() {
    const std::size_t start = pos_;
    const mark where = here();
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
      if (is_digit(peek()))
        fail_at(where, "a JSON number cannot start with 0 followed by digits",
                "write the number without its leading zeros, or as text in double quotes");
    } else if (is_digit(peek())) {
      while (is_digit(peek())) ++pos_;
    } else {
      fail("expected a digit after '-', found " + found());
    }
    if (peek() == '.') {
      ++pos_;
      if (!is_digit(peek())) fail("expected a digit after the decimal point, found " + found(), "write 1.0 or 1, not 1.");
      while (is_digit(peek())) ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!is_digit(peek())) fail("expected a digit in the exponent, found " + found());
      while (is_digit(peek())) ++pos_;
    }
    if (is_word_char(peek()) || peek() == '.')
      fail("expected the end of the number, found " + found(), "write text in double quotes");
    const std::size_t text_start = tree_->arena.size();
    tree_->arena.append(src_.substr(start, pos_ - start));
    return add_text(text_start, where, where, node_kind::scalar, scalar_style::plain);
  }

  /// Four hex digits of a `\u` escape, the parser past the `u`.
  unsigned hex_escape(mark escape_at) {
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = pos_ < src_.size() ? hex_digit(src_[pos_]) : -1;
      if (digit < 0)
        fail_at(escape_at, "expected four hex digits after '\\u', found " + found(), "write a character as \\u00E9");
      value = value * 16 + static_cast<unsigned>(digit);
      ++pos_;
    }
    return value;
  }

  /// A string: escapes decoded, UTF-8 checked; raw control characters (a line
  /// break among them) are errors, as JSON says.
  std::uint32_t string() {
    const mark where = here();
    ++pos_;  // the opening quote
    const mark content = here();
    std::string& out = tree_->arena;
    const std::size_t text_start = out.size();
    for (;;) {
      // A run of ordinary ASCII at once.
      std::size_t run = pos_;
      while (run < src_.size()) {
        const auto c = static_cast<unsigned char>(src_[run]);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++run;
      }
      out.append(src_.substr(pos_, run - pos_));
      pos_ = run;
      const int c = peek();
      if (c < 0)
        fail_at(where, "the string opened here is not closed", "close it with '\"' on the same line");
      if (c == '"') {
        ++pos_;
        break;
      }
      if (c == '\n' || c == '\r')
        fail("a string cannot span lines: found the end of the line", "write a line break inside a string as \\n");
      if (c < 0x20)
        fail("the control character U+" + hex4(static_cast<unsigned>(c)) + " inside a string",
             "write it as an escape, as \\u" + hex4(static_cast<unsigned>(c)));
      if (c >= 0x80) {
        const int length = utf8_length(src_.data() + pos_, src_.data() + src_.size());
        if (length <= 0) fail("invalid UTF-8: " + found(), "save the text as UTF-8");
        out.append(src_.substr(pos_, static_cast<std::size_t>(length)));
        pos_ += static_cast<std::size_t>(length);
        continue;
      }
      escape(out);
    }
    return add_text(text_start, where, content, node_kind::scalar, scalar_style::double_quoted);
  }

  /// One escape, the parser on its backslash.
  void escape(std::string& out) {
    const mark at = here();
    ++pos_;
    const int c = peek();
    switch (c) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        ++pos_;
        char32_t cp = hex_escape(at);
        if (cp >= 0xDC00 && cp <= 0xDFFF)
          fail_at(at, "the escape \\u" + hex4(cp) + " is the second half of a surrogate pair, with no first half",
                  "a character past U+FFFF is written as two escapes, as \\uD83D\\uDE00");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          const mark low_at = here();
          if (!(pos_ + 1 < src_.size() && src_[pos_] == '\\' && src_[pos_ + 1] == 'u'))
            fail_at(at, "the escape \\u" + hex4(cp) + " is the first half of a surrogate pair, with no second half",
                    "a character past U+FFFF is written as two escapes, as \\uD83D\\uDE00");
          pos_ += 2;
          const char32_t low = hex_escape(low_at);
          if (low < 0xDC00 || low > 0xDFFF)
            fail_at(low_at, "expected the second half of a surrogate pair (\\uDC00 to \\uDFFF), found \\u" + hex4(low));
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        append_utf8(out, cp);
        return;
      }
      default: {
        const std::string hint = "JSON's escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX";
        if (c < 0) fail_at(at, "the text ends in the middle of an escape", hint);
        const int length = c < 0x80 ? 1 : utf8_length(src_.data() + pos_, src_.data() + src_.size());
        if (length <= 0 || c < 0x20) fail_at(at, "unknown escape: a backslash before " + found(), hint);
        fail_at(at, "unknown escape '\\" + std::string(src_.substr(pos_, static_cast<std::size_t>(length))) +
                        "' in a string", hint);
      }
    }
    ++pos_;
  }

  std::uint32_t array() {
    const mark where = here();
    const std::size_t first = open();
    ++pos_;
    skip_whitespace();
    if (peek() == ']') {
      ++pos_;
      return close(first, node_kind::sequence, where);
    }
    for (;;) {
      skip_whitespace();
      if (peek() == ']') fail("expected a value after ',', found ']'", "remove the last comma: JSON allows none before ']'");
      if (peek() < 0) not_closed("array", where, ']');
      pending_.push_back(value());
      skip_whitespace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return close(first, node_kind::sequence, where);
      }
      if (peek() < 0) not_closed("array", where, ']');
      fail("expected ',' or ']' after an element of the array, found " + found(),
           "a comma separates the elements of an array");
    }
  }

  std::uint32_t object() {
    const mark where = here();
    const std::size_t first = open();
    ++pos_;
    skip_whitespace();
    if (peek() == '}') {
      ++pos_;
      return close(first, node_kind::map, where);
    }
    for (;;) {
      skip_whitespace();
      if (peek() != '"') {
        if (peek() == '}') fail("expected a member name after ',', found '}'", "remove the last comma: JSON allows none before '}'");
        if (peek() < 0) not_closed("object", where, '}');
        if (is_word_char(peek()) || peek() == '\'')
          fail("expected a member name in double quotes, found " + found(), "JSON names are quoted: {\"id\": \"U01\"}");
        fail("expected a member name in double quotes, found " + found());
      }
      const std::uint32_t key = string();
      pending_.push_back(key);
      skip_whitespace();
      if (peek() != ':') {
        if (peek() < 0) not_closed("object", where, '}');
        fail("expected ':' after the member name \"" + std::string(text_of(key)) + "\", found " + found());
      }
      ++pos_;
      skip_whitespace();
      if (peek() < 0) not_closed("object", where, '}');
      pending_.push_back(value());
      skip_whitespace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return close(first, node_kind::map, where);
      }
      if (peek() < 0) not_closed("object", where, '}');
      fail("expected ',' or '}' after the value of \"" + std::string(text_of(key)) + "\", found " + found(),
           "a comma separates the members of an object");
    }
  }

  [[noreturn]] void not_closed(std::string_view what, mark opened, char closer) {
    fail("expected '" + std::string(1, closer) + "' to close the " + std::string(what) + " opened at line " +
             std::to_string(opened.line) + ", column " + std::to_string(opened.column) + ", found the end of the text",
         "the text may be cut short");
  }

  [[nodiscard]] std::string_view text_of(std::uint32_t index) const noexcept {
    const impl::record& r = tree_->records[index];
    return std::string_view(tree_->arena).substr(r.first, r.count);
  }

  std::string_view src_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::size_t line_start_ = 0;
  std::size_t col_pos_ = 0;  // a byte of the current line whose column is known: `col_`
  int col_ = 1;
  int depth_ = 0;
  std::vector<std::uint32_t> pending_;  // the children of the open arrays and objects
  impl::tree* tree_ = nullptr;
  std::optional<syntax_error> error_;
};

parse_result json_parser::run() {
  parse_result result;
  if (src_.starts_with("\xEF\xBB\xBF")) src_.remove_prefix(3);
  if (src_.size() >= std::numeric_limits<std::uint32_t>::max() / 2) {
    result.error = syntax_error{{1, 1}, "the text is too large to read (2 GB or more)", {}};
    return result;
  }
  auto tree = std::make_unique<impl::tree>();
  tree_ = tree.get();
  tree->arena.reserve(src_.size() / 2 + 64);
  tree->records.reserve(src_.size() / 8 + 16);
  tree->children.reserve(src_.size() / 8 + 16);
  std::uint32_t root = 0;
  try {
    skip_whitespace();
    if (peek() < 0) fail("expected a JSON value, found the end of the text", "a county is an object: {\"county\": …}");
    root = value();
    skip_whitespace();
    if (peek() >= 0)
      fail("expected the end of the text after the JSON value, found " + found(),
           "a JSON text holds one value: to give more, put them in an array or an object");
  } catch (const stop_parsing&) {
    result.error = std::move(error_);
    return result;
  }
  result.doc.tree_ = std::move(tree);
  result.doc.root_ = root;
  return result;
}

}  // namespace rulebook::detail::yaml

namespace rulebook::detail::json {

yaml::parse_result parse(std::string_view text) { return yaml::json_parser(text).run(); }

}  // namespace rulebook::detail::json
