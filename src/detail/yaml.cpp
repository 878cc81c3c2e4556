// The YAML reader of yaml.hpp: a recursive-descent parser over the text, with
// no token stream in between.
//
// Block structure is read line by line: after each node the parser stands on
// the first character of the next line with content (`next_indent_` holds
// that line's indentation, or `end_of_content` at the end of the document),
// and each block collection reads entries while lines are indented as its
// first one. Flow collections and scalars are read character by character.
// The first error ends the parse (an exception carries it to `parse`).
//
// The text was checked before parsing (`check_characters`): valid UTF-8, no
// control characters, every CR followed by LF. So '\0' never occurs in it and
// serves as the end-of-text sentinel of `at`, and a CR is always a line break.
#include "detail/yaml.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

namespace rulebook::detail::yaml {

// ---- the tree ---------------------------------------------------------------------------

std::string_view node::text() const noexcept {
  const impl::record& r = rec();
  if (r.kind != node_kind::scalar && r.kind != node_kind::null) return {};
  return std::string_view(tree_->arena).substr(r.first, r.count);
}

std::size_t node::size() const noexcept {
  const impl::record& r = rec();
  if (r.kind == node_kind::sequence) return r.count;
  if (r.kind == node_kind::map) return r.count / 2;
  return 0;
}

std::optional<node> node::find(std::string_view key) const noexcept {
  for (const entry e : entries())
    if (e.key.is_scalar() && e.key.text() == key) return e.value;
  return std::nullopt;
}

std::optional<node> document::root() const noexcept {
  if (!root_) return std::nullopt;
  return node(tree_.get(), *root_);
}

namespace {

// ---- characters -------------------------------------------------------------------------

constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }
constexpr bool is_break(char c) noexcept { return c == '\n' || c == '\r'; }
/// A blank, a line break or the end of the text: what must follow `-`, `:`
/// and `?` for them to be indicators rather than part of a plain scalar.
constexpr bool is_space_or_end(char c) noexcept { return is_blank(c) || is_break(c) || c == '\0'; }
constexpr bool is_flow_indicator(char c) noexcept {
  return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}

/// Characters a plain scalar's scan must look at; everything else (UTF-8
/// continuation bytes included) is ordinary text.
enum plain_class : std::uint8_t { ordinary, blank, special };

constexpr std::array<std::uint8_t, 256> plain_classes(bool flow) {
  std::array<std::uint8_t, 256> classes{};
  classes[' '] = classes['\t'] = blank;
  for (const char c : {'\n', '\r', '\0', ':', '#'}) classes[static_cast<unsigned char>(c)] = special;
  if (flow)
    for (const char c : {',', '[', ']', '{', '}'}) classes[static_cast<unsigned char>(c)] = special;
  return classes;
}
constexpr std::array<std::uint8_t, 256> block_plain_classes = plain_classes(false);
constexpr std::array<std::uint8_t, 256> flow_plain_classes = plain_classes(true);

/// A character as messages quote it: "'x'", or a name for the invisible ones.
std::string describe_char(char c) {
  switch (c) {
    case '\0': return "the end of the file";
    case '\n':
    case '\r': return "the end of the line";
    case '\t': return "a tab";
    case '\'': return "\"'\"";
    default: return "'" + std::string(1, c) + "'";
  }
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

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// The plain scalars YAML 1.2's core schema reads as null.
bool is_null_text(std::string_view text) noexcept {
  return text == "~" || text == "null" || text == "Null" || text == "NULL";
}

/// A character the text may not hold, at byte `at`.
struct bad_character {
  std::size_t at;
  std::string message;
  std::string hint;
};

std::string hex(char32_t value, int digits) {
  static constexpr char hex_digits[] = "0123456789ABCDEF";
  std::string text;
  for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) text += hex_digits[(value >> shift) & 0xF];
  return text;
}

std::string code_point_name(char32_t cp) { return "U+" + hex(cp, cp > 0xFFFF ? 6 : 4); }

/// Checks that `text` is UTF-8 that YAML may hold (its c-printable set): no
/// control characters but tab and line ends, every CR followed by LF (rulebook
/// counts lines by LF), no byte-order mark after the start. Runs of plain
/// ASCII are skipped eight bytes at a time.
std::optional<bad_character> check_characters(std::string_view text) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t highs = 0x8080808080808080ULL;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    // Eight bytes at a time while none is ≥ 0x80, < 0x20 or 0x7F.
    while (i + 8 <= size) {
      std::uint64_t w;
      std::memcpy(&w, bytes + i, 8);
      const std::uint64_t del = w ^ (0x7F * ones);
      if (((w | ((w - 0x20 * ones) & ~w) | ((del - ones) & ~del)) & highs) != 0) break;
      i += 8;
    }
    if (i >= size) break;
    const unsigned char c = bytes[i];
    if (c < 0x80) {
      if (c == '\r' && (i + 1 >= size || bytes[i + 1] != '\n'))
        return bad_character{i, "a carriage return (CR) not followed by a line feed",
                             "rulebook reads files with LF or CRLF line ends"};
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
        return bad_character{i, "the control character " + code_point_name(c) + " cannot be in a YAML file",
                             "write it as an escape inside a double-quoted text, as \"\\x07\""};
      ++i;
      continue;
    }
    // A multi-byte sequence: lead byte, length, and the range of the second
    // byte that excludes overlong forms, surrogates and code points past U+10FFFF.
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    }
    bool valid = length != 0 && i + length <= size && bytes[i + 1] >= low && bytes[i + 1] <= high;
    for (std::size_t k = 2; valid && k < length; ++k) valid = (bytes[i + k] & 0xC0) == 0x80;
    if (!valid)
      return bad_character{i, "invalid UTF-8: the byte 0x" + hex(c, 2) + " does not start a well-formed character",
                           "save the file as UTF-8"};
    char32_t cp = c & (0xFF >> (length + 1));
    for (std::size_t k = 1; k < length; ++k) cp = (cp << 6) | (bytes[i + k] & 0x3F);
    if ((cp >= 0x80 && cp <= 0x9F && cp != 0x85) || cp == 0xFFFE || cp == 0xFFFF)
      return bad_character{i, "the character " + code_point_name(cp) + " cannot be in a YAML file",
                           "write it as an escape inside a double-quoted text"};
    if (cp == 0xFEFF)
      return bad_character{i, "a byte-order mark (U+FEFF) inside the file", "a byte-order mark may only start the file"};
    i += length;
  }
  return std::nullopt;
}

/// Carries the first syntax error out of the recursive parser.
struct stop_parsing {};

}  // namespace

// ---- the parser -------------------------------------------------------------------------

class parser {
 public:
  explicit parser(std::string_view text) : src_(text) {}

  parse_result run();

 private:
  /// `next_indent_` at the end of the document's content: the end of the
  /// text, or a `---` / `...` line.
  static constexpr int end_of_content = -1;
  /// The indentation of the root node's parent: any indentation is deeper.
  static constexpr int root_parent = -1;

  /// Where a block node starts, which decides what it may be: after `key: `
  /// on the key's line, only a scalar or a flow collection; at the start of a
  /// line or after `- `, a block map or list as well (unless a tab separates
  /// it from the `-`: its indentation would then be a guess).
  enum class place { inline_value, line_start, after_dash, after_dash_with_tab };

  /// What ended one line of a plain scalar.
  enum class stop { end_of_line, colon, comment, flow_indicator };

  /// What a flow collection expects next, for the message when it is missing.
  enum class flow_expects { entry_or_close, separator_or_close, colon, value };

  /// A block collection being read: its indentation (a byte column from 0),
  /// the line it starts on, and its kind.
  struct open_block {
    int indent;
    int line;
    bool is_map;
  };

  /// A flow collection being read.
  struct flow_context {
    char open;             // '[' or '{'
    mark opened;           // where that bracket is
    int parent;            // the indentation of the enclosing block collection
    std::size_t last_end;  // past the last token, where a missing ',' or bracket belongs
  };

  // ---- reading characters

  [[nodiscard]] char at(std::size_t i) const noexcept { return i < src_.size() ? src_[i] : '\0'; }
  [[nodiscard]] char cur() const noexcept { return at(pos_); }
  [[nodiscard]] char peek() const noexcept { return at(pos_ + 1); }
  [[nodiscard]] bool at_end() const noexcept { return pos_ >= src_.size(); }
  [[nodiscard]] bool is_continuation_byte(std::size_t i) const noexcept {
    return (static_cast<unsigned char>(src_[i]) & 0xC0) == 0x80;
  }

  /// Steps over the line break at `pos_` (LF or CRLF).
  void skip_break() noexcept {
    if (cur() == '\r') ++pos_;
    ++pos_;
    ++line_;
    line_start_ = column_at_ = pos_;
    column_ = 1;
  }

  void skip_blanks() noexcept {
    while (is_blank(cur())) ++pos_;
  }

  /// Tells whether a comment starts at `pos_`: a '#' at a line start or after a blank.
  [[nodiscard]] bool comment_starts_here() const noexcept {
    return cur() == '#' && (pos_ == line_start_ || is_blank(at(pos_ - 1)));
  }

  void skip_to_line_end() noexcept {
    while (!is_break(cur()) && !at_end()) ++pos_;
  }

  /// The byte column of `pos_` from 0: the measure of indentation, which is spaces.
  [[nodiscard]] int byte_column() const noexcept { return static_cast<int>(pos_ - line_start_); }

  /// Tells whether a `---` or `...` line starts at the line start `p`.
  [[nodiscard]] bool marker_at(std::size_t p) const noexcept {
    const char c = at(p);
    return (c == '-' || c == '.') && at(p + 1) == c && at(p + 2) == c && is_space_or_end(at(p + 3));
  }

  [[nodiscard]] bool list_entry_here() const noexcept { return cur() == '-' && is_space_or_end(peek()); }

  // ---- positions

  /// The mark of byte `offset`. On the current line, columns are counted on
  /// from the last mark asked for, so that the marks of a line cost one pass
  /// over it; an earlier line (errors only) is found by counting from the start.
  mark mark_at(std::size_t offset) noexcept {
    if (offset < line_start_) return mark_before(offset);
    if (offset < column_at_) {
      column_at_ = line_start_;
      column_ = 1;
    }
    for (; column_at_ < offset; ++column_at_)
      if (!is_continuation_byte(column_at_)) ++column_;
    return {line_, column_};
  }
  mark here() noexcept { return mark_at(pos_); }

  [[nodiscard]] mark mark_before(std::size_t offset) const noexcept {
    const std::string_view head = src_.substr(0, offset);
    const std::size_t newline = head.rfind('\n');
    const std::size_t start = newline == std::string_view::npos ? 0 : newline + 1;
    int column = 1;
    for (std::size_t i = start; i < offset; ++i)
      if (!is_continuation_byte(i)) ++column;
    return {1 + static_cast<int>(std::count(head.begin(), head.end(), '\n')), column};
  }

  // ---- errors

  [[noreturn]] void fail(mark where, std::string message, std::string hint = {}) {
    error_ = syntax_error{where, std::move(message), std::move(hint)};
    throw stop_parsing{};
  }
  [[noreturn]] void fail_at(std::size_t offset, std::string message, std::string hint = {}) {
    fail(mark_at(offset), std::move(message), std::move(hint));
  }

  /// Quotes `text` for a message, cut after 40 characters.
  static std::string quote_text(std::string_view text) {
    std::size_t end = 0;
    for (int points = 0; end < text.size(); ++points) {
      if (points == 40) return "'" + std::string(text.substr(0, end)) + "…'";
      ++end;
      while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
    }
    return "'" + std::string(text) + "'";
  }

  /// What the text holds at `pos_`, for "found …": up to the next blank.
  [[nodiscard]] std::string found_here() const {
    const char c = cur();
    if (c == '\0' || is_break(c) || c == '\t') return describe_char(c);
    std::size_t end = pos_;
    while (end < src_.size() && !is_space_or_end(src_[end])) ++end;
    return quote_text(src_.substr(pos_, end - pos_));
  }

  [[noreturn]] void fail_tab(std::size_t offset) {
    fail_at(offset, "a tab in the indentation", "YAML indents with spaces; replace the tab by spaces");
  }

  /// Rejects what rulebook files do not use where a node would start.
  void reject_unsupported() {
    switch (cur()) {
      case '&':
        fail(here(), "anchors ('&name') are not supported in rulebook files", "write the value out where it is used");
      case '*':
        fail(here(), "aliases ('*name') are not supported in rulebook files", "write the value out where it is used");
      case '!':
        fail(here(), "tags ('!tag') are not supported in rulebook files",
             "rulebook reads every value as text; quote a value that starts with '!'");
      case '?':
        if (is_space_or_end(peek()))
          fail(here(), "explicit keys ('? ') are not supported in rulebook files", "write a key as  key: value");
        break;
      case '@':
      case '`':
      case '%':
        fail(here(), "a plain value cannot start with " + describe_char(cur()), "quote the value");
      default: break;
    }
  }

  // ---- building the tree

  std::uint32_t add_record(const impl::record& r) {
    tree_->records.push_back(r);
    return static_cast<std::uint32_t>(tree_->records.size() - 1);
  }

  std::uint32_t add_null(mark where) { return add_record({0, 0, where, where, node_kind::null, scalar_style::none}); }

  /// Adds the scalar whose text is the arena from `text_start` on; a plain
  /// `~` or `null` is a null.
  std::uint32_t add_scalar(std::size_t text_start, mark where, mark content, scalar_style style) {
    const std::string_view text = std::string_view(tree_->arena).substr(text_start);
    const node_kind kind = style == scalar_style::plain && is_null_text(text) ? node_kind::null : node_kind::scalar;
    return add_record({static_cast<std::uint32_t>(text_start), static_cast<std::uint32_t>(text.size()), where,
                       content, kind, style});
  }

  [[nodiscard]] std::string_view text_of(std::uint32_t index) const noexcept {
    const impl::record& r = tree_->records[index];
    return std::string_view(tree_->arena).substr(r.first, r.count);
  }

  /// Names a node for "after …" in messages.
  [[nodiscard]] std::string describe(std::uint32_t index) const {
    const impl::record& r = tree_->records[index];
    switch (r.style) {
      case scalar_style::single_quoted: return "the single-quoted text";
      case scalar_style::double_quoted: return "the double-quoted text";
      case scalar_style::plain: return "the value " + quote_text(text_of(index));
      case scalar_style::literal:
      case scalar_style::folded: return "the block scalar";
      case scalar_style::none: break;
    }
    switch (r.kind) {
      case node_kind::map: return "the map in { }";
      case node_kind::sequence: return "the list in [ ]";
      default: return "the value";
    }
  }

  /// Opens a collection at byte `at`: its children gather on `pending_` until `close`.
  std::size_t open(std::size_t at) {
    if (++depth_ > max_depth)
      fail_at(at, "lists and maps nest more than " + std::to_string(max_depth) + " deep here",
              "rulebook files nest a few levels deep");
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

  // ---- lines

  /// Moves from a line start to the first character with content of this or a
  /// following line, skipping blank and comment lines, and returns that line's
  /// indentation — or `end_of_content` at the end of the text or at a `---` /
  /// `...` line. A tab in the indentation of a line with content is an error.
  int skip_to_content() {
    for (;;) {
      if (at_end() || marker_at(pos_)) return end_of_content;
      while (cur() == ' ') ++pos_;
      const std::size_t indent_end = pos_;
      skip_blanks();
      if (comment_starts_here()) skip_to_line_end();
      if (at_end()) return end_of_content;
      if (!is_break(cur())) {
        if (pos_ != indent_end) fail_tab(indent_end);
        return byte_column();
      }
      skip_break();
    }
  }

  /// Tells whether only blanks and a comment follow on this line.
  [[nodiscard]] bool rest_of_line_is_empty() const noexcept {
    std::size_t p = pos_;
    while (is_blank(at(p))) ++p;
    return is_break(at(p)) || at(p) == '\0' || (at(p) == '#' && p != pos_);
  }

  /// After an indicator with nothing after it on its line (`key:`, `- `,
  /// `---`): steps to the next line with content.
  void skip_rest_of_line() {
    skip_blanks();
    if (comment_starts_here()) skip_to_line_end();
    if (is_break(cur())) skip_break();
    next_indent_ = skip_to_content();
  }

  /// After node `index` (which started at byte `start`) ends on this line:
  /// allows blanks and a comment, then steps to the next line with content.
  void finish_line(std::uint32_t index, std::size_t start) {
    skip_blanks();
    if (comment_starts_here()) skip_to_line_end();
    if (is_break(cur())) {
      skip_break();
    } else if (!at_end()) {
      const std::string expected = "expected the end of the line after " + describe(index);
      if (cur() == ':' && is_space_or_end(peek())) {
        if (start < line_start_)
          fail(here(), expected + ", found ':'",
               "a key is written on one line, and this value began on line " + std::to_string(mark_before(start).line) +
                   "; to keep ': ' in a value, quote it");
        fail(here(), expected + ", found ': '",
             "a value holding ': ' is quoted, as \"a: b\"; a map under a key starts on the line below it");
      }
      if (cur() == '#') fail(here(), expected + ", found '#'", "a comment is separated from what precedes it by a space");
      fail(here(), expected + ", found " + found_here(), "to give a value holding these characters, quote the whole value");
    }
    next_indent_ = skip_to_content();
  }

  // ---- block nodes

  /// Reads the node that starts at `pos_` (byte column `column`) inside a
  /// block collection indented `parent`, and steps to the next line with content.
  std::uint32_t block_node(int column, int parent, place where) {
    const std::size_t start = pos_;
    const char c = cur();
    const bool may_be_collection = where != place::inline_value;
    const auto check_no_tab = [&](const char* what) {
      if (where == place::after_dash_with_tab)
        fail_at(src_.rfind('\t', start), std::string("a tab before a nested ") + what,
                "YAML indents with spaces; replace the tab between '-' and the " + std::string(what) + " by spaces");
    };
    if (list_entry_here()) {
      if (!may_be_collection)
        fail(here(), "a list cannot start on the line of its key",
             "write each element on a line of its own below the key, as  - element, or write the list as [a, b]");
      check_no_tab("list");
      return block_sequence(column);
    }
    reject_unsupported();
    switch (c) {
      case '[':
      case '{': {
        const std::uint32_t flow = flow_collection(parent);
        skip_blanks();
        if (cur() == ':' && is_space_or_end(peek()))
          fail_at(start, "a list or map cannot be a key in rulebook files", "a key is a name, as  name: value");
        finish_line(flow, start);
        return flow;
      }
      case '|':
      case '>': return block_scalar(parent);
      case '"':
      case '\'': {
        const std::uint32_t quoted = quoted_scalar(parent);
        const std::size_t end = pos_;
        skip_blanks();
        if (may_be_collection && cur() == ':' && is_space_or_end(peek())) {
          if (start < line_start_)
            fail_at(start, "a key is written on one line, and this quoted key goes on over lines",
                    "close the quote on the line where it opens");
          check_no_tab("map");
          return block_map(column, quoted);
        }
        pos_ = end;
        finish_line(quoted, start);
        return quoted;
      }
      case ':':
        if (is_space_or_end(peek())) fail(here(), "expected a key before ':'", "a map entry is written  key: value");
        break;
      case ',':
      case ']':
      case '}':
        fail(here(), "expected a value, found " + describe_char(c),
             c == ',' ? "quote a value that starts with ','" : "no '[' or '{' is open here");
      default: break;
    }
    const mark where_plain = here();
    const std::size_t text_start = tree_->arena.size();
    const stop first = plain_line(block_plain_classes, false);
    if (first == stop::colon && may_be_collection) {
      check_no_tab("map");
      return block_map(column, add_scalar(text_start, where_plain, where_plain, scalar_style::plain));
    }
    if (first == stop::end_of_line) plain_continuation(block_plain_classes, false, parent);
    const std::uint32_t scalar = add_scalar(text_start, where_plain, where_plain, scalar_style::plain);
    finish_line(scalar, start);
    return scalar;
  }

  /// The value after `key:` or `- ` with nothing after it on the line: the
  /// node on the lines below when it is indented more than `parent` (or, for
  /// a map's value, a list at the key's own indentation), else a null at `indicator`.
  std::uint32_t value_below(int parent, bool list_at_parent_indent, mark indicator) {
    const int indent = next_indent_;
    if (indent > parent) return block_node(indent, parent, place::line_start);
    if (indent == parent && list_at_parent_indent && list_entry_here()) return block_sequence(indent);
    return add_null(indicator);
  }

  /// A block list whose first `-` is at `pos_`, in byte column `indent`.
  std::uint32_t block_sequence(int indent) {
    const mark where = here();
    const std::size_t first_pending = open(pos_);
    open_blocks_.push_back({indent, where.line, false});
    for (;;) {
      const mark dash = here();
      ++pos_;
      std::uint32_t element;
      if (rest_of_line_is_empty()) {
        skip_rest_of_line();
        element = value_below(indent, false, dash);
      } else {
        const std::size_t separator = pos_;
        skip_blanks();
        const bool tab = src_.substr(separator, pos_ - separator).find('\t') != std::string_view::npos;
        element = block_node(byte_column(), indent, tab ? place::after_dash_with_tab : place::after_dash);
      }
      pending_.push_back(element);
      const int next = next_indent_;
      if (next == end_of_content || next < indent) break;
      if (next > indent) bad_indentation(next);
      if (!list_entry_here()) {
        // Same indentation, no '-': the list ends, which is right only when
        // it is the value of a key at this indentation.
        const bool under_key = open_blocks_.size() >= 2 && open_blocks_[open_blocks_.size() - 2].is_map &&
                               open_blocks_[open_blocks_.size() - 2].indent == indent;
        if (!under_key) bad_indentation(next);
        break;
      }
    }
    close_block();
    return close(first_pending, node_kind::sequence, where);
  }

  /// A block map whose first key, read already, starts at byte column
  /// `indent`; `pos_` is at the ':' after it.
  std::uint32_t block_map(int indent, std::uint32_t first_key) {
    const mark where = tree_->records[first_key].where;
    const std::size_t first_pending = open(pos_);
    open_blocks_.push_back({indent, where.line, true});
    std::uint32_t key = first_key;
    for (;;) {
      const mark colon = here();
      ++pos_;
      std::uint32_t value;
      if (rest_of_line_is_empty()) {
        skip_rest_of_line();
        value = value_below(indent, true, colon);
      } else {
        skip_blanks();
        value = block_node(byte_column(), indent, place::inline_value);
      }
      pending_.push_back(key);
      pending_.push_back(value);
      const int next = next_indent_;
      if (next == end_of_content || next < indent) break;
      if (next > indent) bad_indentation(next);
      key = block_key(indent);
    }
    close_block();
    return close(first_pending, node_kind::map, where);
  }

  /// Reads a key of the block map indented `indent`, at `pos_`, and stops at the ':' after it.
  std::uint32_t block_key(int indent) {
    const char c = cur();
    if (list_entry_here())
      fail(here(), "expected a key, found a list element '- '",
           "a list in a map is the value of a key: write  key:  and the elements below it");
    reject_unsupported();
    const std::size_t start = pos_;
    std::uint32_t key = 0;
    if (c == '"' || c == '\'') {
      key = quoted_scalar(indent);
      if (start < line_start_)
        fail_at(start, "a key is written on one line, and this quoted key goes on over lines",
                "close the quote on the line where it opens");
      skip_blanks();
    } else if (c == '[' || c == '{') {
      fail(here(), "expected a key, found " + describe_char(c),
           "a list or map cannot be a key in rulebook files; a key is a name, as  name: value");
    } else if (c == '|' || c == '>' || c == ',' || c == ']' || c == '}' || (c == ':' && is_space_or_end(peek()))) {
      fail(here(), "expected a key, found " + describe_char(c), "a map entry is written  key: value");
    } else {
      const mark where = here();
      const std::size_t text_start = tree_->arena.size();
      if (plain_line(block_plain_classes, false) != stop::colon) {
        const std::string_view text = std::string_view(tree_->arena).substr(text_start);
        fail(where, "expected a key and ':', found " + quote_text(text) + " without ': '",
             text.find(':') != std::string_view::npos
                 ? "a ':' after a key is followed by a space:  key: value"
                 : "a map entry is written  key: value; to continue the value above, indent this line more than its key");
      }
      key = add_scalar(text_start, where, where, scalar_style::plain);
    }
    if (!(cur() == ':' && is_space_or_end(peek())))
      fail(here(), "expected ':' after the key, found " + found_here(), "a map entry is written  key: value");
    return key;
  }

  /// Ends the innermost block collection, remembering it while the parser
  /// stands on the line that ended it (for `bad_indentation`).
  void close_block() {
    closed_ = open_blocks_.back();
    closed_at_ = pos_;
    open_blocks_.pop_back();
  }

  /// Reports a line, indented `indent`, that fits no block collection: says
  /// what the innermost open one expects, and the collection the line ended
  /// when it is indented between the two, or else the one around the
  /// innermost when the line is not indented more than that.
  [[noreturn]] void bad_indentation(int indent) {
    const auto expects = [](const open_block& b) {
      return std::string(b.is_map ? "a key" : "'- '") + " at column " + std::to_string(b.indent + 1) + " (the " +
             (b.is_map ? "map" : "list") + " of line " + std::to_string(b.line) + ")";
    };
    std::string expected = expects(open_blocks_.back());
    if (closed_ && closed_at_ == pos_ && closed_->indent > indent) {
      expected = expects(*closed_) + ", or " + expected;
    } else if (open_blocks_.back().indent >= indent) {
      for (auto it = open_blocks_.rbegin() + 1; it != open_blocks_.rend(); ++it)
        if (it->indent < indent) {
          expected += ", or " + expects(*it);
          break;
        }
    }
    fail(here(), "bad indentation: expected " + expected + ", found " + found_here() + " at column " +
                     std::to_string(indent + 1),
         "the entries of a map or list are indented alike; what belongs to an entry is indented more than it");
  }

  // ---- plain scalars

  /// Reads the rest of one line of a plain scalar into the arena, trailing
  /// blanks left out, and tells what ended it: the line's end, ': ' (or, in
  /// flow, ':' before a flow indicator), ' #', or (in flow) a flow indicator.
  stop plain_line(const std::array<std::uint8_t, 256>& classes, bool flow) {
    const std::size_t start = pos_;
    std::size_t end = pos_;  // past the last character that is not blank
    stop why = stop::end_of_line;
    for (;;) {
      const char c = cur();
      const std::uint8_t kind = classes[static_cast<unsigned char>(c)];
      if (kind == ordinary) {
        end = ++pos_;
      } else if (kind == blank) {
        ++pos_;
      } else if (c == ':') {
        const char next = peek();
        if (is_space_or_end(next) || (flow && is_flow_indicator(next))) {
          why = stop::colon;
          break;
        }
        end = ++pos_;
      } else if (c == '#') {
        if (pos_ > start && is_blank(at(pos_ - 1))) {
          why = stop::comment;
          break;
        }
        end = ++pos_;
      } else {
        if (flow && is_flow_indicator(c)) why = stop::flow_indicator;
        break;  // else a line break or the end of the text
      }
    }
    tree_->arena.append(src_.substr(start, end - start));
    return why;
  }

  /// After a plain scalar's line ends: reads the lines that continue it,
  /// folding each line break into a space, or the blank lines after it into
  /// line feeds. A line continues the scalar when it is indented more than
  /// `parent` and is not a comment, a document marker, or (in flow) a flow
  /// indicator or ':'; otherwise the scalar ends before the line break.
  void plain_continuation(const std::array<std::uint8_t, 256>& classes, bool flow, int parent) {
    while (is_break(cur())) {
      const std::size_t saved_pos = pos_;
      const int saved_line = line_;
      const std::size_t saved_line_start = line_start_;
      int blank_lines = 0;
      int spaces = 0;
      for (;;) {
        skip_break();
        spaces = 0;
        while (cur() == ' ') ++pos_, ++spaces;
        skip_blanks();
        if (!is_break(cur())) break;
        ++blank_lines;
      }
      const char c = cur();
      const bool continues = c != '\0' && c != '#' && spaces > parent && !(spaces == 0 && marker_at(line_start_)) &&
                             !(c == ':' && (is_space_or_end(peek()) || (flow && is_flow_indicator(peek())))) &&
                             !(flow && is_flow_indicator(c));
      if (!continues) {
        pos_ = saved_pos;
        line_ = saved_line;
        line_start_ = column_at_ = saved_line_start;
        column_ = 1;
        return;
      }
      if (blank_lines == 0)
        tree_->arena += ' ';
      else
        tree_->arena.append(static_cast<std::size_t>(blank_lines), '\n');
      if (plain_line(classes, flow) != stop::end_of_line) return;
    }
  }

  // ---- quoted scalars

  /// A single- or double-quoted scalar at `pos_`, inside a block collection
  /// indented `parent` (the lines after its first must be indented more).
  std::uint32_t quoted_scalar(int parent) {
    const char quote = cur();
    const bool is_double = quote == '"';
    const mark where = here();
    ++pos_;
    const mark content = here();
    std::string& out = tree_->arena;
    const std::size_t text_start = out.size();
    std::size_t keep = text_start;  // a line's trailing blanks are dropped down to here, no further
    for (;;) {
      const std::size_t run = pos_;
      for (char c = cur(); c != quote && !is_break(c) && c != '\0' && !(is_double && c == '\\'); c = cur()) ++pos_;
      out.append(src_.substr(run, pos_ - run));
      const char c = cur();
      if (c == quote) {
        if (is_double || peek() != '\'') {
          ++pos_;
          break;
        }
        out += '\'';  // '' is one quote
        pos_ += 2;
      } else if (c == '\\') {
        if (is_break(peek())) {  // an escaped line break joins the lines
          ++pos_;
          quoted_line_break(quote, where, parent, true);
        } else {
          escape();
        }
      } else if (c == '\0') {
        fail_at(pos_, "expected a closing " + describe_char(quote) + ", found the end of the file",
                unclosed_quote(quote, where));
      } else {
        std::size_t trimmed = out.size();
        while (trimmed > keep && is_blank(out[trimmed - 1])) --trimmed;
        out.resize(trimmed);
        quoted_line_break(quote, where, parent, false);
      }
      keep = out.size();
    }
    return add_scalar(text_start, where, content, is_double ? scalar_style::double_quoted : scalar_style::single_quoted);
  }

  /// Moves a quoted scalar over the line break at `pos_` and the blank lines
  /// after it to the next line's text, and appends the fold: a line feed for
  /// each blank line, or else a space (nothing after an escaped break). That
  /// line must be indented more than `parent`, and not be a document marker.
  void quoted_line_break(char quote, mark opened, int parent, bool escaped) {
    const std::size_t last_end = pos_;
    int blank_lines = 0;
    for (;;) {
      skip_break();
      int spaces = 0;
      while (cur() == ' ') ++pos_, ++spaces;
      const std::size_t indent_end = pos_;
      skip_blanks();
      if (at_end())
        fail_at(pos_, "expected a closing " + describe_char(quote) + ", found the end of the file",
                unclosed_quote(quote, opened));
      const bool marker = marker_at(line_start_);
      if (is_break(cur()) && !marker) {
        ++blank_lines;
        continue;
      }
      if (marker || spaces <= parent) {
        if (!marker && pos_ != indent_end) fail_tab(indent_end);
        fail(mark_at(last_end), "expected a closing " + describe_char(quote) + " before the end of the line",
             unclosed_quote(quote, opened) + " (line " + std::to_string(line_) +
                 (marker ? " is a document marker)" : " is not indented enough to continue the text)"));
      }
      break;
    }
    if (blank_lines > 0)
      tree_->arena.append(static_cast<std::size_t>(blank_lines), '\n');
    else if (!escaped)
      tree_->arena += ' ';
  }

  static std::string unclosed_quote(char quote, mark opened) {
    return "the " + describe_char(quote) + " on line " + std::to_string(opened.line) + ", column " +
           std::to_string(opened.column) + " is not closed";
  }

  /// One escape of a double-quoted scalar, at its backslash.
  void escape() {
    const std::size_t backslash = pos_;
    const char c = peek();
    std::string& out = tree_->arena;
    int digits = 0;
    switch (c) {
      case '0': out += '\0'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 't':
      case '\t': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'v': out += '\v'; break;
      case 'f': out += '\f'; break;
      case 'r': out += '\r'; break;
      case 'e': out += '\x1B'; break;
      case ' ': out += ' '; break;
      case '"': out += '"'; break;
      case '/': out += '/'; break;
      case '\\': out += '\\'; break;
      case 'N': append_utf8(out, 0x85); break;
      case '_': append_utf8(out, 0xA0); break;
      case 'L': append_utf8(out, 0x2028); break;
      case 'P': append_utf8(out, 0x2029); break;
      case 'x': digits = 2; break;
      case 'u': digits = 4; break;
      case 'U': digits = 8; break;
      default:
        fail_at(backslash, "unknown escape '\\" + escape_text(backslash) + "' in a double-quoted text",
                "the escapes are \\n \\t \\\\ \\\" \\/ \\0 \\a \\b \\e \\f \\r \\v \\N \\_ \\L \\P \\xXX \\uXXXX "
                "\\UXXXXXXXX; write \\\\ for a backslash");
    }
    pos_ += 2;
    if (digits == 0) return;
    char32_t cp = 0;
    for (int k = 0; k < digits; ++k, ++pos_) {
      const int d = hex_digit(cur());
      if (d < 0)
        fail_at(backslash, "expected " + std::to_string(digits) + " hexadecimal digits after '\\" + std::string(1, c) + "'",
                "as in \\x41, \\u00e9, \\U0001F600");
      cp = cp * 16 + static_cast<char32_t>(d);
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      fail_at(backslash, "the escape '\\" + std::string(src_.substr(backslash + 1, pos_ - backslash - 1)) +
                             "' is not a Unicode character",
              "write the character itself; surrogates (U+D800–U+DFFF) and code points past U+10FFFF are not characters");
    append_utf8(out, cp);
  }

  /// The character after the backslash at `backslash`, whole, for a message.
  [[nodiscard]] std::string escape_text(std::size_t backslash) const {
    std::size_t end = backslash + 2;
    while (end < src_.size() && is_continuation_byte(end)) ++end;
    return std::string(src_.substr(backslash + 1, std::min(end, src_.size()) - backslash - 1));
  }

  // ---- block scalars

  /// A literal (`|`) or folded (`>`) scalar at `pos_`, inside a block
  /// collection indented `parent`: reads its header and its lines, and steps
  /// to the next line with content.
  std::uint32_t block_scalar(int parent) {
    const mark where = here();
    const bool folded = cur() == '>';
    const std::string indicator_text(1, cur());
    ++pos_;
    enum class chomping { clip, strip, keep } chomp = chomping::clip;
    int indicator = 0;
    for (int k = 0; k < 2; ++k) {
      const char c = cur();
      if ((c == '-' || c == '+') && chomp == chomping::clip) {
        chomp = c == '-' ? chomping::strip : chomping::keep;
      } else if (c >= '1' && c <= '9' && indicator == 0) {
        indicator = c - '0';
      } else if (c == '0' && indicator == 0) {
        fail(here(), "an indentation indicator is 1 to 9", "leave it out to take the indentation of the first line");
      } else {
        break;
      }
      ++pos_;
    }
    if (!rest_of_line_is_empty()) {
      skip_blanks();
      fail(here(),
           "expected a chomping indicator (- or +), an indentation indicator (1-9) or the end of the line after '" +
               indicator_text + "', found " + found_here(),
           "a block scalar's text starts on the line below its '" + indicator_text + "'");
    }
    skip_blanks();
    if (comment_starts_here()) skip_to_line_end();
    if (!at_end()) skip_break();

    // The content is indented at least one more than its parent (the root's
    // content at least 1: a line at column 1 would be read as a key), exactly
    // `indicator` more when one is given, else as much as its first line of text.
    const int least = std::max(parent + 1, 1);
    const int indent = indicator != 0 ? least + indicator - 1 : detect_indentation(least, indicator_text);

    std::string& out = tree_->arena;
    const std::size_t text_start = out.size();
    mark content = where;
    bool any_text = false;
    bool previous_spaced = false;  // the last line of text starts with a blank: its breaks do not fold
    int breaks = 0;                // line breaks read and not yet written
    while (!at_end() && !marker_at(pos_)) {
      std::size_t p = pos_;
      int spaces = 0;
      while (at(p) == ' ' && spaces < indent) ++p, ++spaces;
      if (!is_break(at(p)) && spaces < indent) break;  // less indented text: the scalar has ended
      pos_ = p;
      if (is_break(cur())) {  // a blank line
        ++breaks;
        skip_break();
        continue;
      }
      const bool spaced = is_blank(cur());
      if (any_text && folded && !spaced && !previous_spaced) {
        if (breaks == 1)
          out += ' ';
        else
          out.append(static_cast<std::size_t>(breaks - 1), '\n');
      } else {
        out.append(static_cast<std::size_t>(breaks), '\n');
      }
      if (!any_text) content = here();
      const std::size_t line_text = pos_;
      skip_to_line_end();
      out.append(src_.substr(line_text, pos_ - line_text));
      any_text = true;
      previous_spaced = spaced;
      breaks = 0;
      if (at_end()) break;
      skip_break();
      breaks = 1;
    }
    if (chomp == chomping::keep)
      out.append(static_cast<std::size_t>(breaks), '\n');
    else if (chomp == chomping::clip && any_text && breaks > 0)
      out += '\n';
    const std::uint32_t scalar =
        add_scalar(text_start, where, content, folded ? scalar_style::folded : scalar_style::literal);
    next_indent_ = skip_to_content();
    return scalar;
  }

  /// The indentation of a block scalar's content without an indicator: that
  /// of its first line of text (at least `least`, else the scalar is empty).
  /// A blank line before that line may not have more spaces than it has.
  int detect_indentation(int least, const std::string& indicator_text) {
    std::size_t p = pos_;
    int widest_blank = 0;
    int widest_line = line_;
    for (int line = line_;; ++line) {
      int spaces = 0;
      while (at(p) == ' ') ++p, ++spaces;
      if (!is_break(at(p))) {
        if (at(p) != '\0' && spaces >= least && widest_blank > spaces)
          fail({widest_line, widest_blank + 1},
               "a blank line at the start of a block scalar has more spaces than its first line of text",
               "remove those spaces, or give the indentation, as '" + indicator_text +
                   std::to_string(spaces - least + 1) + "'");
        return std::max(spaces, least);
      }
      if (spaces > widest_blank) widest_blank = spaces, widest_line = line;
      p += at(p) == '\r' ? 2 : 1;
    }
  }

  // ---- flow collections

  /// A flow list or map at `pos_`, inside a block collection indented
  /// `parent` (its lines after the first must be indented more); stops past
  /// its closing bracket.
  std::uint32_t flow_collection(int parent) {
    const char open_char = cur();
    const bool is_map = open_char == '{';
    const char close_char = is_map ? '}' : ']';
    const mark where = here();
    const std::size_t first_pending = open(pos_);
    ++pos_;
    flow_context context{open_char, where, parent, pos_};
    bool after_entry = false;  // an entry was read, and no ',' after it yet
    for (;;) {
      flow_space(context, after_entry ? flow_expects::separator_or_close : flow_expects::entry_or_close);
      const char c = cur();
      if (c == close_char) {
        ++pos_;
        break;
      }
      if (after_entry) {
        if (c == ',') {
          context.last_end = ++pos_;
          after_entry = false;
          continue;
        }
        if (c == ':' && !is_map)
          fail(here(), "a 'key: value' pair inside [ ] must be written in braces", "write it as [{key: value}]");
        fail(here(), "expected " + expects(context, flow_expects::separator_or_close) + ", found " + found_here(),
             c == ']' || c == '}' ? unclosed_flow(context) : "quote a value that holds this character");
      }
      if (c == ',')
        fail(here(), "expected " + expects(context, flow_expects::entry_or_close) + ", found ','",
             "an entry is missing between two ','");
      if (is_map) {
        flow_map_entry(context);
      } else {
        pending_.push_back(flow_node(context));
        context.last_end = pos_;
      }
      after_entry = true;
    }
    return close(first_pending, is_map ? node_kind::map : node_kind::sequence, where);
  }

  /// One `key: value` entry of a flow map, at its key.
  void flow_map_entry(flow_context& context) {
    const char c = cur();
    if (c == ':' && (is_space_or_end(peek()) || is_flow_indicator(peek())))
      fail(here(), "expected a key before ':'", "a map entry is written  key: value");
    if (c == '[' || c == '{')
      fail(here(), "expected a key, found " + describe_char(c),
           "a list or map cannot be a key in rulebook files; a key is a name, as  name: value");
    const std::size_t start = pos_;
    const std::uint32_t key = flow_node(context);
    if (start < line_start_)
      fail_at(start, "a key is written on one line, and this key goes on over lines", "write the key on one line");
    context.last_end = pos_;
    flow_space(context, flow_expects::colon);
    // After a quoted key, ':' needs no blank after it (JSON's {"a":1}).
    const bool quoted = c == '"' || c == '\'';
    if (!(cur() == ':' && (quoted || is_space_or_end(peek()) || is_flow_indicator(peek())))) {
      const std::string_view text = text_of(key);
      fail(mark_at(context.last_end), "expected ':' after the key " + quote_text(text) + " in { }",
           text.find(':') != std::string_view::npos ? "a ':' after a key is followed by a space:  {key: value}"
                                                    : "a map in { } holds  key: value  entries, separated by ','");
    }
    const mark colon = here();
    context.last_end = ++pos_;
    flow_space(context, flow_expects::value);
    std::uint32_t value;
    if (cur() == ',' || cur() == '}') {
      value = add_null(colon);
    } else {
      value = flow_node(context);
      context.last_end = pos_;
    }
    pending_.push_back(key);
    pending_.push_back(value);
  }

  /// A node inside a flow collection: a nested collection or a scalar.
  std::uint32_t flow_node(flow_context& context) {
    const char c = cur();
    reject_unsupported();
    if (c == '[' || c == '{') return flow_collection(context.parent);
    if (c == '"' || c == '\'') return quoted_scalar(context.parent);
    if (c == '|' || c == '>')
      fail(here(), "a block scalar ('" + std::string(1, c) + "') cannot be inside [ ] or { }",
           "quote the text, or write the collection in block style");
    if (c == '#') fail(here(), "a plain value cannot start with '#'", "quote the value");
    if ((c == '-' || c == ':' || c == '?') && (is_space_or_end(peek()) || is_flow_indicator(peek())))
      fail(here(), "expected a value, found " + found_here(),
           c == '-' ? "a list in [ ] separates its elements with ',', not '- '" : "quote the value");
    const mark where = here();
    const std::size_t text_start = tree_->arena.size();
    if (plain_line(flow_plain_classes, true) == stop::end_of_line)
      plain_continuation(flow_plain_classes, true, context.parent);
    return add_scalar(text_start, where, where, scalar_style::plain);
  }

  /// Skips blanks, comments and line breaks inside a flow collection. A line
  /// with content that is not indented more than the enclosing block
  /// collection, a document marker or the end of the text means the bracket
  /// was never closed: the error is where `expected` should have come.
  void flow_space(const flow_context& context, flow_expects expected) {
    for (;;) {
      skip_blanks();
      if (comment_starts_here()) skip_to_line_end();
      if (at_end())
        fail(mark_at(context.last_end), "expected " + expects(context, expected) + " before the end of the file",
             unclosed_flow(context));
      if (!is_break(cur())) return;
      skip_break();
      int spaces = 0;
      while (cur() == ' ') ++pos_, ++spaces;
      const std::size_t indent_end = pos_;
      skip_blanks();
      if (is_break(cur()) || at_end() || comment_starts_here()) continue;
      const bool marker = marker_at(line_start_);
      if (marker || spaces <= context.parent) {
        if (!marker && pos_ != indent_end) fail_tab(indent_end);
        fail(mark_at(context.last_end),
             "expected " + expects(context, expected) + " before the end of the line (line " + std::to_string(line_) +
                 (marker ? " is a document marker)"
                         : " is not indented enough to continue the " + describe_char(context.open) + ")"),
             unclosed_flow(context));
      }
    }
  }

  static std::string expects(const flow_context& context, flow_expects expected) {
    const std::string closing = context.open == '{' ? "'}'" : "']'";
    switch (expected) {
      case flow_expects::entry_or_close: return (context.open == '{' ? "a key or " : "a value or ") + closing;
      case flow_expects::separator_or_close: return "',' or " + closing;
      case flow_expects::colon: return "':' after the key";
      case flow_expects::value: return "a value, ',' or " + closing;
    }
    return closing;
  }

  static std::string unclosed_flow(const flow_context& context) {
    return "the " + describe_char(context.open) + " on line " + std::to_string(context.opened.line) + " is not closed";
  }

  // ---- state

  std::string_view src_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::size_t line_start_ = 0;
  std::size_t column_at_ = 0;  // the offset, on the current line, whose column is `column_`
  int column_ = 1;
  int next_indent_ = end_of_content;
  int depth_ = 0;
  std::vector<open_block> open_blocks_;  // the block collections being read, outermost first
  std::optional<open_block> closed_;     // the block collection ended last, at `closed_at_`
  std::size_t closed_at_ = 0;
  std::vector<std::uint32_t> pending_;   // the children of the open collections
  impl::tree* tree_ = nullptr;
  std::optional<syntax_error> error_;
};

parse_result parser::run() {
  parse_result result;
  if (src_.starts_with("\xEF\xBB\xBF")) src_.remove_prefix(3);
  if (src_.size() >= std::numeric_limits<std::uint32_t>::max() / 2) {
    result.error = syntax_error{{1, 1}, "the file is too large to read (2 GB or more)", {}};
    return result;
  }
  if (const std::optional<bad_character> bad = check_characters(src_)) {
    result.error = syntax_error{mark_before(bad->at), bad->message, bad->hint};
    return result;
  }
  auto tree = std::make_unique<impl::tree>();
  tree_ = tree.get();
  // Room for what rulebook's files hold (a county: a node per 8 bytes, two
  // thirds of its bytes in scalar text, which is never longer than the text it
  // is read from but for a block scalar's final line feed), so that the vectors
  // are not copied as they grow. Reserving touches no memory: only what is
  // used is paged in.
  tree->arena.reserve(src_.size() + 64);
  tree->records.reserve(src_.size() / 6 + 16);
  tree->children.reserve(src_.size() / 6 + 16);
  pending_.reserve(256);
  std::optional<std::uint32_t> root;
  try {
    // Before the document: comments and blank lines, no directive, maybe `---`.
    next_indent_ = skip_to_content();
    if (next_indent_ == 0 && cur() == '%')
      fail(here(), "directives ('%YAML', '%TAG') are not supported in rulebook files", "remove the line");
    if (next_indent_ == end_of_content && cur() == '-') {
      const mark marker = here();
      pos_ += 3;
      if (rest_of_line_is_empty()) {
        skip_rest_of_line();
        if (next_indent_ == end_of_content) root = add_null(marker);
      } else {
        skip_blanks();
        if (list_entry_here())
          fail(here(), "a list cannot start on the line of '---'", "write the document on the lines below '---'");
        root = block_node(byte_column(), root_parent, place::inline_value);
      }
    }
    if (!root && next_indent_ != end_of_content) root = block_node(next_indent_, root_parent, place::line_start);
    if (next_indent_ != end_of_content) {
      const node_kind kind = tree_->records[*root].kind;
      fail(here(), "expected the end of the document, found " + found_here(),
           kind == node_kind::map || kind == node_kind::sequence
               ? "this line is indented less than the document's first line"
               : "a document holds one value: to give more, make it a map or a list");
    }
    // After the document: `...` lines, comments, and no second document.
    while (!at_end() && cur() == '.') {
      pos_ += 3;
      if (!rest_of_line_is_empty()) {
        skip_blanks();
        fail(here(), "expected the end of the line after '...', found " + found_here(), "'...' ends the document");
      }
      skip_rest_of_line();
    }
    if (!at_end()) result.second_document = here();
  } catch (const stop_parsing&) {
    result.error = std::move(error_);
    return result;
  }
  result.doc.tree_ = std::move(tree);
  result.doc.root_ = root;
  return result;
}

parse_result parse(std::string_view text) { return parser(text).run(); }

}  // namespace rulebook::detail::yaml
