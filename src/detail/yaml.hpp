// Internal: rulebook's own YAML reader, for the subset of YAML 1.2 that policy
// and county files use.
//
// Why not a general YAML library: yaml-cpp reads 3–5 MB/s, so a 16 KB policy
// cost 3 ms before rulebook checked anything, and its marks (0-based, in bytes)
// and messages ("illegal map value") were not what rulebook reports. This
// reader is one pass over the text into a flat immutable tree, reports its
// positions as diagnostics do (1-based lines, columns in code points), and says
// at each error what it expected there.
//
// The subset (docs/data-format.md, "YAML subset"):
//   - one document: `---` may open it and `...` close it; a second document is
//     reported (`parse_result::second_document`), not read;
//   - block maps and lists, nested by indentation with spaces, `- key: value`
//     maps and `- - x` lists inside list elements, a list under a key at the
//     key's own indentation;
//   - flow lists `[a, b]` and maps `{a: 1}`, nested, over several lines;
//   - plain scalars (several lines fold into one), single-quoted (`''` for a
//     quote), double-quoted (every YAML escape), literal `|` and folded `>`
//     block scalars with chomping (`-`, `+`) and indentation (1–9) indicators;
//   - comments; `~`, `null`, `Null`, `NULL` and nothing as null.
// Everything else is an error at its position: anchors, aliases, tags,
// directives, explicit `? ` keys, a list or map as a key, `[a: b]` pairs, a
// key without `:`, tabs in indentation, bad indentation, an unclosed bracket
// or quote, invalid UTF-8, control characters, nesting deeper than `max_depth`.
//
// Maps keep their keys in file order and keep duplicate keys: the checked
// accessors (yaml_reader.hpp) report a duplicate with both positions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rulebook::detail::yaml {

/// A position in the text: 1-based line, 1-based column counted in code points.
struct mark {
  int line = 0;
  int column = 0;

  friend bool operator==(const mark&, const mark&) = default;
};

enum class node_kind : std::uint8_t { null, scalar, sequence, map };

/// How a scalar was written (`none` for a collection or a null written as
/// nothing). Rulebook parses the text whatever the style (`3000` and `"3000"`
/// are one amount); the style tells where the text starts.
enum class scalar_style : std::uint8_t { none, plain, single_quoted, double_quoted, literal, folded };

/// Collections nested deeper than this are an error, so that no input can
/// exhaust the stack of the recursive reader (rulebook files nest 6 deep).
inline constexpr int max_depth = 64;

namespace impl {

/// One node of the tree. Scalars index their text in the arena; collections
/// index their children in `tree::children` (a map's as key, value, key, …).
struct record {
  std::uint32_t first = 0;
  std::uint32_t count = 0;
  mark where;
  mark content;  // scalars: where the text itself starts
  node_kind kind = node_kind::null;
  scalar_style style = scalar_style::none;
};

struct tree {
  std::vector<record> records;
  std::vector<std::uint32_t> children;
  std::string arena;  // the texts of the scalars, one after the other
};

}  // namespace impl

class node;

/// One key of a map and its value.
struct entry;

template <class Value, std::size_t step>
class child_iterator;

/// A node of a parsed document: a cheap handle, valid while its `document` lives.
class node {
 public:
  [[nodiscard]] node_kind kind() const noexcept { return rec().kind; }
  [[nodiscard]] bool is_null() const noexcept { return kind() == node_kind::null; }
  [[nodiscard]] bool is_scalar() const noexcept { return kind() == node_kind::scalar; }
  [[nodiscard]] bool is_sequence() const noexcept { return kind() == node_kind::sequence; }
  [[nodiscard]] bool is_map() const noexcept { return kind() == node_kind::map; }

  /// The text of a scalar, escapes and folding applied. A null written as
  /// `~` or `null` keeps that text; other nodes have none.
  [[nodiscard]] std::string_view text() const noexcept;
  [[nodiscard]] scalar_style style() const noexcept { return rec().style; }

  /// Where the node starts: a scalar's first character (its quote, its `|`),
  /// a block map's first key, a block list's first `-`, a flow collection's
  /// bracket. A null written as nothing is where its `:` or `-` is.
  [[nodiscard]] mark where() const noexcept { return rec().where; }
  /// Where a scalar's text starts: one past an opening quote, the first
  /// line of a block scalar's content; else `where()`.
  [[nodiscard]] mark content_where() const noexcept { return rec().content; }

  /// The number of elements of a list or entries of a map; 0 for others.
  [[nodiscard]] std::size_t size() const noexcept;

  /// Element `i` of a list (`i < size()`).
  [[nodiscard]] node element(std::size_t i) const noexcept { return child(i); }
  /// Key `i` and value `i` of a map (`i < size()`).
  [[nodiscard]] node key(std::size_t i) const noexcept { return child(2 * i); }
  [[nodiscard]] node value(std::size_t i) const noexcept { return child(2 * i + 1); }

  /// The value of the first entry whose key is the scalar `key`, if any.
  [[nodiscard]] std::optional<node> find(std::string_view key) const noexcept;

  template <class Value, std::size_t step>
  class range;
  /// The elements of a list (nothing for other nodes).
  [[nodiscard]] range<node, 1> elements() const noexcept;
  /// The entries of a map, in file order, duplicates kept (nothing for other nodes).
  [[nodiscard]] range<entry, 2> entries() const noexcept;

 private:
  friend class document;
  friend class parser;
  template <class Value, std::size_t step>
  friend class child_iterator;

  node(const impl::tree* tree, std::uint32_t index) noexcept : tree_(tree), index_(index) {}
  [[nodiscard]] const impl::record& rec() const noexcept { return tree_->records[index_]; }
  [[nodiscard]] node child(std::size_t i) const noexcept { return {tree_, tree_->children[rec().first + i]}; }

  const impl::tree* tree_;
  std::uint32_t index_;
};

struct entry {
  node key;
  node value;
};

/// Walks the children of a collection `step` at a time: 1 for a list's
/// elements, 2 for a map's key and value.
template <class Value, std::size_t step>
class child_iterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = Value;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = Value;

  child_iterator() = default;
  child_iterator(const impl::tree* tree, const std::uint32_t* at) noexcept : tree_(tree), at_(at) {}

  Value operator*() const noexcept {
    if constexpr (step == 1)
      return node(tree_, at_[0]);
    else
      return {node(tree_, at_[0]), node(tree_, at_[1])};
  }
  child_iterator& operator++() noexcept {
    at_ += step;
    return *this;
  }
  child_iterator operator++(int) noexcept {
    child_iterator was = *this;
    at_ += step;
    return was;
  }
  friend bool operator==(const child_iterator& a, const child_iterator& b) noexcept { return a.at_ == b.at_; }

 private:
  const impl::tree* tree_ = nullptr;
  const std::uint32_t* at_ = nullptr;
};

template <class Value, std::size_t step>
class node::range {
 public:
  using iterator = child_iterator<Value, step>;
  range(const impl::tree* tree, const std::uint32_t* first, std::size_t count) noexcept
      : tree_(tree), first_(first), count_(count) {}
  [[nodiscard]] iterator begin() const noexcept { return {tree_, first_}; }
  [[nodiscard]] iterator end() const noexcept { return {tree_, first_ + count_}; }
  [[nodiscard]] std::size_t size() const noexcept { return count_ / step; }

 private:
  const impl::tree* tree_;
  const std::uint32_t* first_;
  std::size_t count_;  // children, not entries
};

inline node::range<node, 1> node::elements() const noexcept {
  const impl::record& r = rec();
  const std::size_t count = r.kind == node_kind::sequence ? r.count : 0;
  return {tree_, tree_->children.data() + (count == 0 ? 0 : r.first), count};
}

inline node::range<entry, 2> node::entries() const noexcept {
  const impl::record& r = rec();
  const std::size_t count = r.kind == node_kind::map ? r.count : 0;
  return {tree_, tree_->children.data() + (count == 0 ? 0 : r.first), count};
}

/// A parsed document: owns the tree its nodes point into. Moving it keeps
/// them valid (the tree stays where it is).
class document {
 public:
  document() = default;

  /// The document's root; nothing when the text holds no document at all
  /// (only comments and blank lines). A document of just `---` is a null root.
  [[nodiscard]] std::optional<node> root() const noexcept;

 private:
  friend class parser;
  friend class json_parser;  // detail/json.cpp: JSON read into the same tree
  std::unique_ptr<impl::tree> tree_;
  std::optional<std::uint32_t> root_;
};

/// A syntax error: where, what was expected there, and a hint when one helps.
struct syntax_error {
  mark where;
  std::string message;
  std::string hint;
};

struct parse_result {
  document doc;                         // empty when `error` is set
  std::optional<syntax_error> error;    // the first error; reading stops there
  std::optional<mark> second_document;  // where a second document starts (its `---`); it is not read
};

/// Parses UTF-8 `text` (a byte-order mark and CRLF line ends accepted).
[[nodiscard]] parse_result parse(std::string_view text);

}  // namespace rulebook::detail::yaml
