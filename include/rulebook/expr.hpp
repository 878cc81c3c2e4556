// rulebook/expr.hpp — the small typed expression language of rule files.
//
// Conditions (`when: days_in_village > 0`), amounts (`amount: living_per_day *
// days_in_village`) and every figure a rule names (`at_least:
// accident_cover_minimum`, `times: 1`) are expressions. They are parsed and
// type-checked once, when the policy loads — against a `scope` that gives each
// name a type and a slot — and then evaluated many times, each time with the
// slots' values for one member-month, team or period:
//
//   rulebook::scope s;
//   const auto days = s.declare("days_in_village", rulebook::value_type::number, "days spent in the village");
//   const auto rate = s.declare("living_per_day", rulebook::value_type::money, "parameter, yuan/day");
//   std::vector<rulebook::diagnostic> problems;
//   auto e = rulebook::compile_expression("living_per_day * days_in_village", {"p.yaml", 12, 13, {}}, s,
//                                         rulebook::value_type::money, problems);
//   std::vector<rulebook::value> slots(s.size());
//   slots[days] = rulebook::value::of(rulebook::decimal::from_int(22));
//   slots[rate] = rulebook::value::of(rulebook::money::yuan(100));
//   e->evaluate(slots).as_money();  // 2200
//
// The language cannot loop, recurse, or reach files, the clock or the
// environment: every expression terminates, and its nesting depth and node
// count are bounded (`limits`). Types: bool, number (exact decimal), money
// (yuan), date, text. Arithmetic is exact fixed point (4 places inside); a
// product or quotient that needs more places is rounded half-even at the 4th
// place, the one rounding the language does on its own; `round(x, mode, places)`
// rounds explicitly. Overflow raises `money_overflow`; division by zero raises
// `evaluation_error`.
//
// Thread safety: a compiled `expression` is immutable; `evaluate` is const and
// may run on many threads at once.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "rulebook/diagnostic.hpp"
#include "rulebook/money.hpp"
#include "rulebook/period.hpp"

namespace rulebook {

namespace detail {
struct expr_program;  // the checked, compiled form (detail/expr_impl.hpp)
struct value_access;  // the evaluator's view of a value's representation
}  // namespace detail

/// The types of the language. Every name and every sub-expression has one, known at load.
enum class value_type { boolean, number, money, date, text };

/// The name of a type as messages print it: "bool", "number", "money", "date", "text".
[[nodiscard]] std::string_view to_string(value_type t) noexcept;

/// One value of an expression. Plain data; `text` views storage the caller owns
/// (a text value is only ever a literal of the expression or an input such as a role).
class value {
 public:
  value() = default;
  [[nodiscard]] static value of(bool b) noexcept;
  [[nodiscard]] static value of(decimal d) noexcept;
  [[nodiscard]] static value of(money m) noexcept;
  [[nodiscard]] static value of(date d) noexcept;
  [[nodiscard]] static value of_text(std::string_view t) noexcept;
  /// Not a number: `value::of(22)` would otherwise silently become `true`. Use
  /// `value::of(decimal::from_int(22))`.
  template <std::integral I>
    requires(!std::same_as<I, bool>)
  static value of(I) = delete;
  /// Not text: `value::of("leader")` would otherwise silently become `true`. Use `of_text`.
  static value of(const char*) = delete;

  [[nodiscard]] value_type type() const noexcept { return type_; }
  [[nodiscard]] bool as_bool() const;
  [[nodiscard]] decimal as_number() const;
  [[nodiscard]] money as_money() const;
  [[nodiscard]] date as_date() const;
  [[nodiscard]] std::string_view as_text() const;
  /// Prints the value as it would be written in a rule file (`2200`, `true`, `'leader'`).
  [[nodiscard]] std::string to_string() const;

  friend bool operator==(const value&, const value&) = default;

 private:
  friend struct detail::value_access;
  value_type type_ = value_type::number;
  std::int64_t raw_ = 0;  // number/money: fixed point; bool: 0/1; date: day number
  std::string_view text_;
};

/// Raised by `evaluate` for what no type check can rule out: division by zero, a
/// value of the wrong type in a slot. (Overflow raises `money_overflow`.)
class evaluation_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The names an expression may use: each has a type, a slot index and a line of
/// description (used in hints and `--explain`). Built by the policy checker for
/// each kind of rule: its inputs, then the policy's parameters.
class scope {
 public:
  /// Declares `name` and returns its slot. Declaring a name twice returns the first slot.
  std::size_t declare(std::string name, value_type type, std::string description = {});

  struct entry {
    std::string name;
    value_type type;
    std::string description;
  };
  [[nodiscard]] const entry* find(std::string_view name) const noexcept;
  [[nodiscard]] std::size_t slot_of(std::string_view name) const;  // precondition: find(name)
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] std::span<const entry> entries() const noexcept { return entries_; }

 private:
  std::vector<entry> entries_;
};

/// Bounds that keep every expression small and its evaluation short. Depth counts
/// levels of the expression's tree: each operator, call, `if` and pair of
/// parentheses is one level above what it contains (`a + b + c` is 3 deep:
/// `(a + b) + c`). Nodes are names, literals, operators, calls and `if`s. Text is
/// counted in bytes. The parser checks depth before it recurses, so no input
/// can exhaust the stack.
struct limits {
  std::size_t max_depth = 32;
  std::size_t max_nodes = 256;
  std::size_t max_text = 4096;
};

/// A parsed, type-checked, compiled expression.
class expression {
 public:
  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  [[nodiscard]] value_type type() const noexcept { return type_; }
  [[nodiscard]] const source_location& where() const noexcept { return where_; }
  /// The slots the expression names, each once, in order of first appearance in
  /// the text — also a name in a branch that can never run (`false and x > 0`),
  /// so that a loader can check every name; `evaluate` checks each slot's type.
  [[nodiscard]] std::span<const std::size_t> slots_used() const noexcept { return slots_used_; }

  /// Evaluates the expression with `slots[i]` the value of the scope's name i.
  [[nodiscard]] value evaluate(std::span<const value> slots) const;

  /// Evaluates and records each step, one line per operation, for explanations:
  /// `living_per_day × days_in_village = 100 × 22 = 2200` (a name shows the value
  /// read for it), `min(round_trips = 5, 4) = 4`, `if role == 'leader': true → then`.
  /// Returns what `evaluate` returns.
  [[nodiscard]] value evaluate_explained(std::span<const value> slots, std::vector<std::string>& steps) const;

  /// The compiled program, for the engine's batch evaluator. Precondition: the
  /// expression came from `compile_expression` (a default-constructed one has none).
  [[nodiscard]] const detail::expr_program& program() const noexcept { return *program_; }

 private:
  friend std::optional<expression> compile_expression(std::string_view, source_location, const scope&,
                                                      std::optional<value_type>, std::vector<diagnostic>&,
                                                      const limits&);
  std::string text_;
  value_type type_ = value_type::number;
  source_location where_;
  std::vector<std::size_t> slots_used_;
  std::shared_ptr<const detail::expr_program> program_;
};

/// Parses and type-checks `text` against `names`. `at` is the position of the
/// text's first character in its file: diagnostics point inside the expression
/// (`file:line:column+offset`). When `expected` is given, a result of another
/// type is a `type-mismatch`. Appends every problem to `problems` and returns
/// nothing when there is any. Text literals of the result view storage the
/// expression owns: a text value it returns lives as long as the expression.
[[nodiscard]] std::optional<expression> compile_expression(std::string_view text, source_location at,
                                                           const scope& names, std::optional<value_type> expected,
                                                           std::vector<diagnostic>& problems,
                                                           const limits& bounds = {});

}  // namespace rulebook

#include "rulebook/detail/expr_impl.hpp"
