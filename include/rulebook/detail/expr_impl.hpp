// rulebook/detail/expr_impl.hpp — how rulebook/expr.hpp works. Included at the end
// of expr.hpp; include that header, not this one.
//
// Four stages, each depending only on the one before it:
//
//   lex      text → tokens (byte offsets into the text)
//   parse    tokens → an abstract syntax tree in one vector (`ast`), with depth and
//            size bounded while it is built
//   check    the tree's types, against the `scope`; every independent problem is
//            reported, none twice (a sub-expression with an error has no type, and
//            what contains it says nothing more)
//   plan     the checked tree → `expr_program`: flat register code over `value`s,
//            with operations on constants folded
//
// and `run`, which executes a program: one `switch` per instruction over a
// register file on the stack, no allocation, no virtual calls, no lookups.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rulebook/expr.hpp"

namespace rulebook {

// ---- values -------------------------------------------------------------------------

inline std::string_view to_string(value_type t) noexcept {
  switch (t) {
    case value_type::boolean: return "bool";
    case value_type::number: return "number";
    case value_type::money: return "money";
    case value_type::date: return "date";
    case value_type::text: return "text";
  }
  return "number";
}

namespace detail {

/// Reads and builds values by their representation: the evaluator works on the
/// raw count (ten-thousandths, 0/1, or a day number) and knows each result's type.
struct value_access {
  [[nodiscard]] static std::int64_t raw(const value& v) noexcept { return v.raw_; }
  [[nodiscard]] static value make(value_type type, std::int64_t raw) noexcept {
    value v;
    v.type_ = type;
    v.raw_ = raw;
    return v;
  }
};

/// Day numbers of the first and last dates a value may hold: Boost's range,
/// 1400-01-01 to 9999-12-31.
inline constexpr std::int64_t first_day_number = 2232400;
inline constexpr std::int64_t last_day_number = 5373484;

[[noreturn, gnu::cold]] inline void throw_wrong_type(value_type wanted, value_type found) {
  throw evaluation_error("expected a " + std::string(to_string(wanted)) + " value, found " +
                         std::string(to_string(found)));
}

}  // namespace detail

inline value value::of(bool b) noexcept { return detail::value_access::make(value_type::boolean, b ? 1 : 0); }
inline value value::of(decimal d) noexcept { return detail::value_access::make(value_type::number, d.raw()); }
inline value value::of(money m) noexcept { return detail::value_access::make(value_type::money, m.raw()); }
inline value value::of(date d) noexcept {
  return detail::value_access::make(value_type::date, static_cast<std::int64_t>(d.day_number()));
}
inline value value::of_text(std::string_view t) noexcept {
  value v;
  v.type_ = value_type::text;
  v.text_ = t;
  return v;
}

inline bool value::as_bool() const {
  if (type_ != value_type::boolean) [[unlikely]] detail::throw_wrong_type(value_type::boolean, type_);
  return raw_ != 0;
}
inline decimal value::as_number() const {
  if (type_ != value_type::number) [[unlikely]] detail::throw_wrong_type(value_type::number, type_);
  return decimal::from_raw(raw_);
}
inline money value::as_money() const {
  if (type_ != value_type::money) [[unlikely]] detail::throw_wrong_type(value_type::money, type_);
  return money::from_raw(raw_);
}
inline date value::as_date() const {
  if (type_ != value_type::date) [[unlikely]] detail::throw_wrong_type(value_type::date, type_);
  return date(static_cast<date::date_int_type>(raw_));
}
inline std::string_view value::as_text() const {
  if (type_ != value_type::text) [[unlikely]] detail::throw_wrong_type(value_type::text, type_);
  return text_;
}

inline std::string value::to_string() const {
  switch (type_) {
    case value_type::boolean: return raw_ != 0 ? "true" : "false";
    case value_type::number:
    case value_type::money: return detail::format_raw(raw_);
    case value_type::date: return rulebook::to_string(date(static_cast<date::date_int_type>(raw_)));
    case value_type::text: return "'" + std::string(text_) + "'";
  }
  return {};
}

// ---- scope --------------------------------------------------------------------------

inline std::size_t scope::declare(std::string name, value_type type, std::string description) {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].name == name) return i;
  }
  entries_.push_back({std::move(name), type, std::move(description)});
  return entries_.size() - 1;
}

inline const scope::entry* scope::find(std::string_view name) const noexcept {
  for (const entry& e : entries_) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

inline std::size_t scope::slot_of(std::string_view name) const {
  return static_cast<std::size_t>(find(name) - entries_.data());
}

namespace detail {

// ---- the compiled program --------------------------------------------------------------

/// Where an instruction reads an operand from.
enum class operand_source : std::uint8_t {
  none,      ///< no operand
  reg,       ///< a register of the running program
  constant,  ///< `expr_program::constants`
  slot,      ///< the caller's slots (the scope's names)
  list,      ///< `expr_program::lists[index, index + count)`: min/max of 3 or more
};

struct operand {
  std::uint32_t index = 0;
  operand_source source = operand_source::none;
};

enum class opcode : std::uint8_t {
  copy,             // dst = a
  negate,           // number, money
  logical_not,      // bool
  add,              // number + number, money + money
  subtract,         // number - number, money - money
  add_days,         // date + number
  subtract_days,    // date - number
  days_difference,  // date - date → number
  multiply,         // number × number, money × number, number × money; half-even at 4 places
  divide,           // number ÷ number, money ÷ number, money ÷ money; half-even at 4 places
  equal,            // bool, number, money, date
  not_equal,
  equal_text,
  not_equal_text,
  less,  // number, money, date
  less_equal,
  greater,
  greater_equal,
  min,       // two operands
  max,
  min_list,  // a = {offset, list}, b.index = count
  max_list,
  clamp,  // a, lo = b, hi = c
  abs,
  round,  // by `mode` to `places`
  days_between,
  days_in_month,
  // Control flow, last, so that one comparison tells it from the rest.
  jump,           // to `target`
  jump_if_false,  // when a is false; a is left in dst for `and`
  jump_if_true,   // when a is true; a is left in dst for `or`
};

/// One operation: reads a, b, c, writes register `dst`, or jumps.
struct instruction {
  opcode op = opcode::copy;
  value_type type = value_type::number;  // of the result
  rounding mode = rounding::half_even;   // `round` only
  std::uint8_t places = 4;               // `round` only
  std::uint32_t dst = 0;
  operand a, b, c;
  std::uint32_t target = 0;  // jumps: the instruction to continue at
  std::uint32_t info = 0;    // its entry in `expr_program::steps`
};

/// How `evaluate_explained` describes an instruction.
enum class step_form : std::uint8_t {
  infix,          // `8 × distance_km = 8 × 38.6 = 308.8`
  prefix,         // `-(distance_km = 38.6) = -38.6`
  call,           // `min(round_trips = 5, 4) = 4`
  condition,      // `if role == 'leader': true → then`
  short_circuit,  // `days_in_village > 0: false → and = false, the rest is skipped`
  silent,         // copies and jumps past an else branch
};

struct step_info {
  std::string_view symbol;  // a static string: "×", "min", "and", …
  step_form form = step_form::silent;
  std::uint32_t begin = 0;  // the source text of the operation (or of the condition):
  std::uint32_t end = 0;    // `source[begin, end)`
};

/// The checked, compiled form of an expression: immutable once built, shared by
/// the copies of its `expression`, safe to run from many threads at once.
struct expr_program {
  std::string source;  // the expression's text; text constants view into it
  std::vector<instruction> code;
  std::vector<value> constants;
  std::vector<operand> lists;
  std::vector<step_info> steps;  // one per instruction, for explanations and error messages
  operand result;
  std::uint32_t register_count = 0;
  struct input {
    std::size_t slot = 0;
    value_type type = value_type::number;
    std::string name;
  };
  std::vector<input> inputs;  // the slots named, each once, in order of first appearance

  [[nodiscard]] std::string_view text_of(const step_info& s) const noexcept {
    return std::string_view(source).substr(s.begin, s.end - s.begin);
  }
  [[nodiscard]] std::string_view name_of_slot(std::size_t slot) const noexcept {
    for (const input& i : inputs) {
      if (i.slot == slot) return i.name;
    }
    return {};
  }
};

// ---- executing one instruction ----------------------------------------------------------

[[noreturn, gnu::cold]] inline void throw_division_by_zero(const expr_program& p, const instruction& in) {
  throw evaluation_error("division by zero in '" + std::string(p.text_of(p.steps[in.info])) + "'");
}

[[noreturn, gnu::cold]] inline void throw_bad_days(const expr_program& p, const instruction& in, std::int64_t days) {
  throw evaluation_error("'" + std::string(p.text_of(p.steps[in.info])) + "': " + format_raw(days) +
                         " is not a whole number of days");
}

[[noreturn, gnu::cold]] inline void throw_date_out_of_range(const expr_program& p, const instruction& in) {
  throw evaluation_error("'" + std::string(p.text_of(p.steps[in.info])) +
                         "': the date falls outside the years 1400 to 9999");
}

[[noreturn, gnu::cold]] inline void throw_empty_clamp(const expr_program& p, const instruction& in,
                                                      const value& lo, const value& hi) {
  throw evaluation_error("'" + std::string(p.text_of(p.steps[in.info])) + "': the lower bound " + lo.to_string() +
                         " is above the upper bound " + hi.to_string());
}

/// Moves a day number by a number of days (a raw decimal), staying in Boost's range.
inline std::int64_t shift_days(const expr_program& p, const instruction& in, std::int64_t day, std::int64_t days) {
  if (days % decimal::one != 0) [[unlikely]] throw_bad_days(p, in, days);
  const std::int64_t moved = day + days / decimal::one;  // |days / one| < 2^50: no overflow
  if (moved < first_day_number || moved > last_day_number) [[unlikely]] throw_date_out_of_range(p, in);
  return moved;
}

/// Multiplies two raw values, exactly or rounded half-even at the 4th place: the
/// fast path of `mul_div_raw` with its divisor a constant the compiler divides by
/// with a multiplication.
inline std::int64_t multiply_raw(std::int64_t a, std::int64_t b) {
  std::int64_t product = 0;
  if (!__builtin_mul_overflow(a, b, &product) && product != raw_min) [[likely]] {
    return div_round_as<rounding::half_even>(product, decimal::one);  // |quotient| < 2^63 / 10^4
  }
  return mul_div_wide(a, b, decimal::one, 1, rounding::half_even);  // 128 bits; throws on overflow
}

/// Computes what a non-jump instruction writes. `read(operand)` returns the
/// operand's value; the planner passes one that reads constants, to fold them.
template <class Read>
[[gnu::always_inline]] inline value apply(const expr_program& p, const instruction& in, Read&& read) {
  using access = value_access;
  const auto raw = [&](const operand& o) { return access::raw(read(o)); };
  const auto result = [&](std::int64_t r) { return access::make(in.type, r); };
  switch (in.op) {
    case opcode::copy: return read(in.a);
    case opcode::negate: return result(-raw(in.a));  // the range is symmetric: always exact
    case opcode::logical_not: return value::of(raw(in.a) == 0);
    case opcode::add: {
      const std::int64_t x = raw(in.a), y = raw(in.b);
      std::int64_t r = 0;
      if (__builtin_add_overflow(x, y, &r) || r == raw_min) [[unlikely]] throw_overflow(x, "+", y);
      return result(r);
    }
    case opcode::subtract: {
      const std::int64_t x = raw(in.a), y = raw(in.b);
      std::int64_t r = 0;
      if (__builtin_sub_overflow(x, y, &r) || r == raw_min) [[unlikely]] throw_overflow(x, "-", y);
      return result(r);
    }
    case opcode::add_days: return result(shift_days(p, in, raw(in.a), raw(in.b)));
    case opcode::subtract_days: return result(shift_days(p, in, raw(in.a), -raw(in.b)));
    case opcode::days_difference: return result((raw(in.a) - raw(in.b)) * decimal::one);
    case opcode::multiply:
      // Exact when the product has at most 4 places, else rounded half-even at the 4th.
      return result(multiply_raw(raw(in.a), raw(in.b)));
    case opcode::divide: {
      const std::int64_t divisor = raw(in.b);
      if (divisor == 0) [[unlikely]] throw_division_by_zero(p, in);
      return result(mul_div_raw(raw(in.a), decimal::one, divisor, 1, rounding::half_even));
    }
    case opcode::equal: return value::of(raw(in.a) == raw(in.b));
    case opcode::not_equal: return value::of(raw(in.a) != raw(in.b));
    case opcode::equal_text: return value::of(read(in.a).as_text() == read(in.b).as_text());
    case opcode::not_equal_text: return value::of(read(in.a).as_text() != read(in.b).as_text());
    case opcode::less: return value::of(raw(in.a) < raw(in.b));
    case opcode::less_equal: return value::of(raw(in.a) <= raw(in.b));
    case opcode::greater: return value::of(raw(in.a) > raw(in.b));
    case opcode::greater_equal: return value::of(raw(in.a) >= raw(in.b));
    case opcode::min: return raw(in.b) < raw(in.a) ? read(in.b) : read(in.a);
    case opcode::max: return raw(in.b) > raw(in.a) ? read(in.b) : read(in.a);
    case opcode::min_list:
    case opcode::max_list: {
      const bool is_min = in.op == opcode::min_list;
      std::int64_t best = raw(p.lists[in.a.index]);
      for (std::uint32_t i = 1; i < in.b.index; ++i) {
        const std::int64_t x = raw(p.lists[in.a.index + i]);
        if (is_min ? x < best : x > best) best = x;
      }
      return result(best);
    }
    case opcode::clamp: {
      const std::int64_t x = raw(in.a), lo = raw(in.b), hi = raw(in.c);
      if (lo > hi) [[unlikely]] throw_empty_clamp(p, in, read(in.b), read(in.c));
      return result(x < lo ? lo : x > hi ? hi : x);
    }
    case opcode::abs: {
      const std::int64_t x = raw(in.a);
      return result(x < 0 ? -x : x);
    }
    case opcode::round: return result(decimal::from_raw(raw(in.a)).round(in.places, in.mode).raw());
    case opcode::days_between: return result((raw(in.b) - raw(in.a)) * decimal::one);
    case opcode::days_in_month: {
      const auto ymd = boost::gregorian::gregorian_calendar::from_day_number(
          static_cast<boost::gregorian::gregorian_calendar::date_int_type>(raw(in.a)));
      return result(rulebook::days_in_month(ymd.year, ymd.month) * decimal::one);
    }
    case opcode::jump:
    case opcode::jump_if_false:
    case opcode::jump_if_true: break;  // `run` handles these
  }
  return {};
}

// ---- explaining one instruction ---------------------------------------------------------

/// The operands an instruction reads, in order (a list's members for min/max of 3+).
inline std::vector<operand> operands_of(const expr_program& p, const instruction& in) {
  if (in.a.source == operand_source::list) {
    const auto first = p.lists.begin() + in.a.index;
    return {first, first + in.b.index};
  }
  std::vector<operand> out;
  for (const operand* o : {&in.a, &in.b, &in.c}) {
    if (o->source != operand_source::none) out.push_back(*o);
  }
  return out;
}

inline std::string_view rounding_name(rounding mode) noexcept {
  switch (mode) {
    case rounding::half_up: return "half_up";
    case rounding::half_even: return "half_even";
    case rounding::down: return "down";
    case rounding::up: return "up";
    case rounding::floor: return "floor";
    case rounding::ceiling: return "ceiling";
  }
  return "half_even";
}

/// Describes an executed instruction: `a` are its operands, `v` their values
/// before it ran, `r` what it wrote.
inline std::string describe_step(const expr_program& p, const instruction& in, std::span<const operand> a,
                                 std::span<const value> v, const value& r) {
  const step_info& s = p.steps[in.info];
  const auto is_name = [&](std::size_t i) { return a[i].source == operand_source::slot; };
  const auto name = [&](std::size_t i) { return std::string(p.name_of_slot(a[i].index)); };
  // A name with the value read for it, or just the value.
  const auto shown = [&](std::size_t i) { return is_name(i) ? name(i) + " = " + v[i].to_string() : v[i].to_string(); };
  std::string out;
  switch (s.form) {
    case step_form::infix: {
      const std::string op = " " + std::string(s.symbol) + " ";
      if (is_name(0) || is_name(1)) {
        out += (is_name(0) ? name(0) : v[0].to_string()) + op + (is_name(1) ? name(1) : v[1].to_string()) + " = ";
      }
      out += v[0].to_string() + op + v[1].to_string();
      break;
    }
    case step_form::prefix: out = std::string(s.symbol) + "(" + shown(0) + ")"; break;
    case step_form::call: {
      out = std::string(s.symbol) + "(";
      for (std::size_t i = 0; i < a.size(); ++i) out += (i > 0 ? ", " : "") + shown(i);
      if (in.op == opcode::round) {
        out += ", '" + std::string(rounding_name(in.mode)) + "', " + std::to_string(in.places);
      }
      out += ")";
      break;
    }
    case step_form::silent:
      // A join of `if`, `and`, `or` taking a name's value: show what was read.
      if (in.op == opcode::copy && is_name(0)) return shown(0);
      return {};
    case step_form::condition:
    case step_form::short_circuit: return {};  // described by `execute`
  }
  return out + " = " + r.to_string();
}

// ---- running a program ------------------------------------------------------------------

/// Registers on the stack, left uninitialized: a register is always written
/// before it is read, and a `value` is trivially copyable, so assigning to a
/// cell's member starts its lifetime.
template <std::size_t N>
struct stack_registers {
  union cell {
    value v;
    cell() noexcept {}
  };
  std::array<cell, N> cells;
  value& operator[](std::size_t i) noexcept { return cells[i].v; }
};

/// Registers on the heap, for programs larger than the default limits allow.
struct heap_registers {
  std::vector<value> cells;
  value& operator[](std::size_t i) noexcept { return cells[i]; }
};

inline constexpr std::size_t stack_register_count = 64;

/// Explains why slot input `in` cannot be read from `slots`.
[[noreturn, gnu::cold]] inline void throw_bad_input(const expr_program::input& in, std::span<const value> slots) {
  const std::string which = "slot " + std::to_string(in.slot) + " ('" + in.name + "')";
  if (in.slot >= slots.size()) {
    throw evaluation_error(which + " is missing: only " + std::to_string(slots.size()) + " slots were given");
  }
  const value& v = slots[in.slot];
  if (v.type() != in.type) {
    throw evaluation_error(which + " holds " + std::string(to_string(v.type())) + ", expected " +
                           std::string(to_string(in.type)));
  }
  throw evaluation_error(which + " holds " + v.to_string() + ", not a date of the years 1400 to 9999");
}

/// Checks once, before running, that every slot the program reads holds its type
/// (and, for dates, a real date), so that instructions read slots unchecked.
inline void check_inputs(const expr_program& p, std::span<const value> slots) {
  for (const expr_program::input& in : p.inputs) {
    if (in.slot >= slots.size() || slots[in.slot].type() != in.type) [[unlikely]] throw_bad_input(in, slots);
    if (in.type == value_type::date) {
      const std::int64_t day = value_access::raw(slots[in.slot]);
      if (day < first_day_number || day > last_day_number) [[unlikely]] throw_bad_input(in, slots);
    }
  }
}

/// Reads an operand from where it lives: a register, the constants or the slots.
template <class Registers>
struct operand_reader {
  Registers& regs;
  const value* constants;
  const value* slots;
  [[gnu::always_inline]] const value& operator()(const operand& o) const noexcept {
    switch (o.source) {
      case operand_source::reg: return regs[o.index];
      case operand_source::constant: return constants[o.index];
      default: return slots[o.index];
    }
  }
};

template <bool explain, class Registers>
value execute(const expr_program& p, std::span<const value> slots, Registers& regs, std::vector<std::string>* steps) {
  const operand_reader<Registers> read{regs, p.constants.data(), slots.data()};
  const instruction* const code = p.code.data();
  const std::size_t size = p.code.size();
  std::size_t pc = 0;
  while (pc < size) {
    const instruction& in = code[pc];
    if (in.op >= opcode::jump) [[unlikely]] {
      bool taken = true;
      if (in.op != opcode::jump) taken = (value_access::raw(read(in.a)) != 0) == (in.op == opcode::jump_if_true);
      if constexpr (explain) {
        const step_info& s = p.steps[in.info];
        if (s.form == step_form::condition) {
          steps->push_back("if " + std::string(p.text_of(s)) + ": " + read(in.a).to_string() +
                           (taken ? " → else" : " → then"));
        } else if (s.form == step_form::short_circuit && taken) {
          const std::string left = read(in.a).to_string();
          steps->push_back(std::string(p.text_of(s)) + ": " + left + " → " + std::string(s.symbol) + " = " + left +
                           ", the rest is skipped");
        }
      }
      pc = taken ? in.target : pc + 1;
      continue;
    }
    if constexpr (explain) {
      const std::vector<operand> used = operands_of(p, in);
      std::vector<value> before;
      for (const operand& o : used) before.push_back(read(o));
      regs[in.dst] = apply(p, in, read);
      std::string step = describe_step(p, in, used, before, regs[in.dst]);
      if (!step.empty()) steps->push_back(std::move(step));
    } else {
      regs[in.dst] = apply(p, in, read);
    }
    ++pc;
  }
  if constexpr (explain) {
    if (p.code.empty() && p.result.source == operand_source::slot) {
      steps->push_back(std::string(p.name_of_slot(p.result.index)) + " = " + read(p.result).to_string());
    }
  }
  return read(p.result);
}

/// Runs a program over `slots`; appends steps when `explain`.
template <bool explain>
value run(const expr_program& p, std::span<const value> slots, std::vector<std::string>* steps) {
  check_inputs(p, slots);
  if (p.register_count <= stack_register_count) {
    stack_registers<stack_register_count> regs;
    return execute<explain>(p, slots, regs, steps);
  }
  heap_registers regs{std::vector<value>(p.register_count)};
  return execute<explain>(p, slots, regs, steps);
}

// ---- reporting problems -----------------------------------------------------------------

/// Turns byte offsets of the expression into diagnostics at file positions.
class reporter {
 public:
  reporter(std::string_view text, const source_location& at, std::vector<diagnostic>& problems)
      : text_(text), at_(at), problems_(problems) {}

  /// Returns the position of byte `offset` of the text: the same line as `at` and
  /// `at.column` + the code points before it, or, past a line break (a YAML block
  /// scalar), the following line and a column counted from 1.
  [[nodiscard]] source_location locate(std::size_t offset) const {
    source_location where = at_;
    for (std::size_t i = 0; i < offset && i < text_.size(); ++i) {
      const auto byte = static_cast<unsigned char>(text_[i]);
      if (byte == '\n') {
        if (where.line > 0) ++where.line;
        where.column = 1;
      } else if ((byte & 0xC0) != 0x80 && byte != '\r' && where.column > 0) {
        ++where.column;  // the first byte of a code point
      }
    }
    return where;
  }

  /// Says where byte `offset` is, for a message: "column 5", or "line 13, column 5"
  /// when the expression spans lines.
  [[nodiscard]] std::string position_of(std::size_t offset) const {
    const source_location w = locate(offset);
    std::string out = "column " + std::to_string(w.column);
    if (text_.find('\n') != std::string_view::npos) out = "line " + std::to_string(w.line) + ", " + out;
    return out;
  }

  void report(std::string_view code, std::size_t offset, std::string message, std::string hint = {}) {
    diagnostic d;
    d.level = severity::error;
    d.code = std::string(code);
    d.where = locate(offset);
    d.message = std::move(message);
    d.hint = std::move(hint);
    problems_.push_back(std::move(d));
  }

  [[nodiscard]] std::string_view text() const noexcept { return text_; }

 private:
  std::string_view text_;
  const source_location& at_;
  std::vector<diagnostic>& problems_;
};

inline constexpr std::string_view code_syntax = "expression-syntax";
inline constexpr std::string_view code_unknown_name = "unknown-name";
inline constexpr std::string_view code_type_mismatch = "type-mismatch";
inline constexpr std::string_view code_wrong_arity = "wrong-arity";
inline constexpr std::string_view code_too_deep = "expression-too-deep";
inline constexpr std::string_view code_too_large = "expression-too-large";
inline constexpr std::string_view code_bad_value = "bad-value";

/// Thrown inside the lexer and parser after the one syntax error they report: the
/// rest of the text cannot be read reliably.
struct stop_parsing {};

inline std::string type_name(value_type t) { return std::string(to_string(t)); }

// ---- lexing -------------------------------------------------------------------------------

enum class token_kind : std::uint8_t {
  end, number, text, name,
  kw_if, kw_then, kw_else, kw_and, kw_or, kw_not, kw_true, kw_false,
  open, close, comma, plus, minus, star, slash,
  equal, not_equal, less, less_equal, greater, greater_equal,
};

struct token {
  token_kind kind = token_kind::end;
  std::uint32_t begin = 0;  // byte offsets into the text
  std::uint32_t end = 0;
};

inline constexpr std::pair<std::string_view, token_kind> keywords[] = {
    {"if", token_kind::kw_if},   {"then", token_kind::kw_then}, {"else", token_kind::kw_else},
    {"and", token_kind::kw_and}, {"or", token_kind::kw_or},     {"not", token_kind::kw_not},
    {"true", token_kind::kw_true}, {"false", token_kind::kw_false},
};

inline bool is_name_start(char c) noexcept { return (c >= 'a' && c <= 'z') || c == '_'; }
inline bool is_name_char(char c) noexcept { return is_name_start(c) || (c >= '0' && c <= '9'); }

/// Shows the character at byte `i` for a message: `'$'`, `'（'`, or `\x07`.
inline std::string quote_character(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  if (lead < 0x20 || lead == 0x7f) {
    constexpr std::string_view hex = "0123456789abcdef";
    return std::string("a control character (\\x") + hex[lead >> 4] + hex[lead & 0xf] + ")";
  }
  std::size_t n = 1;
  while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80 && n < 4) ++n;
  return "'" + std::string(text.substr(i, n)) + "'";
}

/// Splits the text into tokens, ending with an `end` token placed just after the
/// last one. Reports the first malformed token and throws `stop_parsing`.
[[noreturn]] inline void syntax_error(reporter& r, std::size_t at, std::string message) {
  r.report(code_syntax, at, std::move(message));
  throw stop_parsing{};
}

inline std::vector<token> lex(reporter& r) {
  const std::string_view s = r.text();
  std::vector<token> out;
  const auto add = [&](token_kind k, std::size_t b, std::size_t e) {
    out.push_back({k, static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(e)});
  };
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    const char next = i + 1 < s.size() ? s[i + 1] : '\0';
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (c >= '0' && c <= '9') {
      std::size_t e = i;
      while (e < s.size() && ((s[e] >= '0' && s[e] <= '9') || s[e] == '.')) ++e;
      add(token_kind::number, i, e);
      i = e;
    } else if (is_name_start(c)) {
      std::size_t e = i;
      while (e < s.size() && is_name_char(s[e])) ++e;
      token_kind k = token_kind::name;
      for (const auto& [word, kind] : keywords) {
        if (s.substr(i, e - i) == word) k = kind;
      }
      add(k, i, e);
      i = e;
    } else if (c == '\'') {
      const std::size_t close = s.find('\'', i + 1);
      if (close == std::string_view::npos) syntax_error(r, i, "this text has no closing quote (')");
      add(token_kind::text, i, close + 1);
      i = close + 1;
    } else {
      token_kind k = token_kind::end;
      std::size_t width = 1;
      switch (c) {
        case '(': k = token_kind::open; break;
        case ')': k = token_kind::close; break;
        case ',': k = token_kind::comma; break;
        case '+': k = token_kind::plus; break;
        case '-': k = token_kind::minus; break;
        case '*': k = token_kind::star; break;
        case '/': k = token_kind::slash; break;
        case '<': k = next == '=' ? token_kind::less_equal : token_kind::less; break;
        case '>': k = next == '=' ? token_kind::greater_equal : token_kind::greater; break;
        case '=':
          if (next != '=') syntax_error(r, i, "'=' is not an operator: compare with '=='");
          k = token_kind::equal;
          break;
        case '!':
          if (next != '=') syntax_error(r, i, "'!' is not an operator: write 'not' to negate, '!=' to compare");
          k = token_kind::not_equal;
          break;
        case '&': syntax_error(r, i, "'&' is not an operator: write 'and'");
        case '|': syntax_error(r, i, "'|' is not an operator: write 'or'");
        case '"': syntax_error(r, i, "text is written in single quotes, as in 'leader'");
        case '.': syntax_error(r, i, "a number starts with a digit, as in 0.5");
        default:
          if (c >= 'A' && c <= 'Z') {
            syntax_error(r, i, "unexpected character " + quote_character(s, i) + ": names are lower case, as in distance_km");
          }
          syntax_error(r, i, "unexpected character " + quote_character(s, i));
      }
      if (k == token_kind::less_equal || k == token_kind::greater_equal || k == token_kind::equal ||
          k == token_kind::not_equal) {
        width = 2;
      }
      add(k, i, i + width);
      i += width;
    }
  }
  const std::uint32_t last = out.empty() ? 0 : out.back().end;
  add(token_kind::end, last, last);
  return out;
}

// ---- the syntax tree ----------------------------------------------------------------------

enum class node_kind : std::uint8_t {
  number, text, boolean, name, negate, logical_not, logical_and, logical_or, binary, conditional, call,
};

enum class binary_op : std::uint8_t {
  add, subtract, multiply, divide, equal, not_equal, less, less_equal, greater, greater_equal,
};

enum class function_id : std::uint8_t { min, max, clamp, abs, round, days_between, days_in_month, date };

struct function_spec {
  std::string_view name;
  function_id id;
  std::size_t min_args;
  std::size_t max_args;
  std::string_view usage;
};

inline constexpr std::size_t any_number = SIZE_MAX;
inline constexpr function_spec functions[] = {
    {"min", function_id::min, 2, any_number, "min(a, b, …)"},
    {"max", function_id::max, 2, any_number, "max(a, b, …)"},
    {"clamp", function_id::clamp, 3, 3, "clamp(x, lo, hi)"},
    {"abs", function_id::abs, 1, 1, "abs(x)"},
    {"round", function_id::round, 3, 3, "round(x, 'half_up', 2)"},
    {"days_between", function_id::days_between, 2, 2, "days_between(a, b)"},
    {"days_in_month", function_id::days_in_month, 1, 1, "days_in_month(d)"},
    {"date", function_id::date, 1, 1, "date('2019-07-01')"},
};

inline constexpr std::pair<std::string_view, rounding> rounding_modes[] = {
    {"half_up", rounding::half_up}, {"half_even", rounding::half_even}, {"down", rounding::down},
    {"up", rounding::up},           {"floor", rounding::floor},         {"ceiling", rounding::ceiling},
};

struct ast_node {
  node_kind kind = node_kind::number;
  binary_op op = binary_op::add;
  std::uint32_t token = 0;      // the token a problem with this node points at
  std::uint32_t token_end = 0;  // its end: a name's or a called function's end
  std::uint32_t begin = 0;      // the node's text, `text[begin, end)`
  std::uint32_t end = 0;
  std::uint32_t first_child = 0;
  std::uint32_t child_count = 0;
  std::size_t depth = 1;      // levels, counting parentheses around it
  value literal;              // numbers and booleans; date('…') once checked
  const function_spec* function = nullptr;  // calls, once checked
  rounding mode = rounding::half_even;      // round(), once checked
  std::uint8_t places = 0;
  std::optional<value_type> type;  // once checked; empty when it has a problem
};

struct ast {
  std::string_view text;
  std::vector<ast_node> nodes;
  std::vector<std::uint32_t> children;

  [[nodiscard]] std::span<const std::uint32_t> kids(const ast_node& n) const {
    return std::span<const std::uint32_t>(children).subspan(n.first_child, n.child_count);
  }
  [[nodiscard]] std::string_view word(const ast_node& n) const { return text.substr(n.token, n.token_end - n.token); }
};

// ---- parsing --------------------------------------------------------------------------------

/// Builds the tree by recursive descent, one function per level of the grammar in
/// docs/rule-language.md. Each recursion into a nested expression passes a
/// `nesting` guard first, so the depth limit holds before the stack grows.
class parser {
 public:
  parser(reporter& r, const limits& bounds, ast& tree) : r_(r), bounds_(bounds), tree_(tree) {}

  /// Parses the whole text into `tree`; returns its root, or nothing after
  /// reporting the (one) syntax or limit error.
  std::optional<std::uint32_t> parse() {
    try {
      if (r_.text().size() > bounds_.max_text) {
        r_.report(code_too_large, 0,
                  "the expression is " + std::to_string(r_.text().size()) + " bytes long; at most " +
                      std::to_string(bounds_.max_text) + " are allowed",
                  "split it: give a part its own parameter or rule");
        return std::nullopt;
      }
      tokens_ = lex(r_);
      const std::uint32_t root = expression();
      if (peek().kind == token_kind::close) fail(code_syntax, peek().begin, "this ')' closes no '('");
      if (peek().kind != token_kind::end) {
        fail(code_syntax, peek().begin, "expected an operator or the end of the expression, found " + describe(peek()));
      }
      return root;
    } catch (const stop_parsing&) {
      return std::nullopt;
    }
  }

 private:
  class nesting {
   public:
    nesting(parser& p, std::uint32_t at) : p_(p) {
      if (++p_.nesting_ > p_.bounds_.max_depth) p_.too_deep(at);
    }
    ~nesting() { --p_.nesting_; }
    nesting(const nesting&) = delete;
    nesting& operator=(const nesting&) = delete;

   private:
    parser& p_;
  };

  [[noreturn]] void fail(std::string_view code, std::size_t at, std::string message, std::string hint = {}) {
    r_.report(code, at, std::move(message), std::move(hint));
    throw stop_parsing{};
  }

  [[noreturn]] void too_deep(std::uint32_t at) {
    fail(code_too_deep, at, "the expression nests more than " + std::to_string(bounds_.max_depth) + " levels deep",
         "simplify it: each operator, call, 'if' and pair of parentheses is a level");
  }

  [[nodiscard]] const token& peek() const { return tokens_[pos_]; }
  const token& take() { return tokens_[pos_++]; }  // never past `end`: the parser stops there

  [[nodiscard]] std::string_view text_of(const token& t) const { return r_.text().substr(t.begin, t.end - t.begin); }

  [[nodiscard]] std::string describe(const token& t) const {
    switch (t.kind) {
      case token_kind::end: return "the end of the expression";
      case token_kind::number: return "the number " + std::string(text_of(t));
      case token_kind::text: return "the text " + std::string(text_of(t));
      case token_kind::name: return "the name '" + std::string(text_of(t)) + "'";
      default: return "'" + std::string(text_of(t)) + "'";
    }
  }

  void expect(token_kind kind, std::string_view what, std::string hint = {}) {
    if (peek().kind != kind) fail(code_syntax, peek().begin, std::string(what) + ", found " + describe(peek()), hint);
    take();
  }

  /// Adds a node over `children` (already in the tree), enforcing the limits.
  std::uint32_t add(ast_node n, std::initializer_list<std::uint32_t> children = {}) {
    return add(n, std::span<const std::uint32_t>(children.begin(), children.size()));
  }
  std::uint32_t add(ast_node n, std::span<const std::uint32_t> children) {
    if (tree_.nodes.size() >= bounds_.max_nodes) {
      fail(code_too_large, n.token,
           "the expression has more than " + std::to_string(bounds_.max_nodes) +
               " parts (names, numbers, operators and calls)",
           "split it: give a part its own parameter or rule");
    }
    n.first_child = static_cast<std::uint32_t>(tree_.children.size());
    n.child_count = static_cast<std::uint32_t>(children.size());
    for (const std::uint32_t c : children) {
      tree_.children.push_back(c);
      n.depth = std::max(n.depth, tree_.nodes[c].depth + 1);
    }
    if (n.depth > bounds_.max_depth) too_deep(n.token);
    tree_.nodes.push_back(n);
    return static_cast<std::uint32_t>(tree_.nodes.size() - 1);
  }

  static ast_node node_at(node_kind kind, const token& t) {
    ast_node n;
    n.kind = kind;
    n.token = t.begin;
    n.token_end = t.end;
    n.begin = t.begin;
    n.end = t.end;
    return n;
  }

  /// An operator node spanning its operands.
  std::uint32_t add_operator(node_kind kind, const token& op, std::uint32_t first, std::uint32_t last,
                             std::initializer_list<std::uint32_t> children) {
    ast_node n = node_at(kind, op);
    n.begin = std::min(op.begin, tree_.nodes[first].begin);
    n.end = tree_.nodes[last].end;
    return add(n, children);
  }

  // expr := 'if' expr 'then' expr 'else' expr | or
  std::uint32_t expression() {
    if (peek().kind != token_kind::kw_if) return disjunction();
    const token if_token = take();
    const nesting guard(*this, if_token.begin);
    const std::uint32_t condition = expression();
    expect(token_kind::kw_then, "expected 'then' after the condition of 'if'", "write if … then … else …");
    const std::uint32_t then_branch = expression();
    expect(token_kind::kw_else, "expected 'else' after the 'then' branch of 'if'",
           "an 'if' has both branches: if … then … else …");
    const std::uint32_t else_branch = expression();
    return add_operator(node_kind::conditional, if_token, condition, else_branch,
                        {condition, then_branch, else_branch});
  }

  // or := and ('or' and)*
  std::uint32_t disjunction() {
    std::uint32_t left = conjunction();
    while (peek().kind == token_kind::kw_or) {
      const token op = take();
      const std::uint32_t right = conjunction();
      left = add_operator(node_kind::logical_or, op, left, right, {left, right});
    }
    return left;
  }

  // and := not ('and' not)*
  std::uint32_t conjunction() {
    std::uint32_t left = negation();
    while (peek().kind == token_kind::kw_and) {
      const token op = take();
      const std::uint32_t right = negation();
      left = add_operator(node_kind::logical_and, op, left, right, {left, right});
    }
    return left;
  }

  // not := 'not' not | compare
  std::uint32_t negation() {
    if (peek().kind != token_kind::kw_not) return comparison();
    const token op = take();
    const nesting guard(*this, op.begin);
    const std::uint32_t operand = negation();
    return add_operator(node_kind::logical_not, op, operand, operand, {operand});
  }

  static std::optional<binary_op> comparison_of(token_kind k) {
    switch (k) {
      case token_kind::equal: return binary_op::equal;
      case token_kind::not_equal: return binary_op::not_equal;
      case token_kind::less: return binary_op::less;
      case token_kind::less_equal: return binary_op::less_equal;
      case token_kind::greater: return binary_op::greater;
      case token_kind::greater_equal: return binary_op::greater_equal;
      default: return std::nullopt;
    }
  }

  // compare := sum (('==' | '!=' | '<' | '<=' | '>' | '>=') sum)?
  std::uint32_t comparison() {
    const std::uint32_t left = sum();
    const auto op_kind = comparison_of(peek().kind);
    if (!op_kind) return left;
    const token op = take();
    const std::uint32_t right = sum();
    if (comparison_of(peek().kind)) {
      fail(code_syntax, peek().begin, "comparisons do not chain: " + describe(peek()) + " follows a comparison",
           "write a < b and b < c");
    }
    return binary(*op_kind, op, left, right);
  }

  std::uint32_t binary(binary_op o, const token& op, std::uint32_t left, std::uint32_t right) {
    ast_node n = node_at(node_kind::binary, op);
    n.op = o;
    n.begin = tree_.nodes[left].begin;
    n.end = tree_.nodes[right].end;
    return add(n, {left, right});
  }

  // sum := product (('+' | '-') product)*
  std::uint32_t sum() {
    std::uint32_t left = product();
    while (peek().kind == token_kind::plus || peek().kind == token_kind::minus) {
      const token op = take();
      const std::uint32_t right = product();
      left = binary(op.kind == token_kind::plus ? binary_op::add : binary_op::subtract, op, left, right);
    }
    return left;
  }

  // product := unary (('*' | '/') unary)*
  std::uint32_t product() {
    std::uint32_t left = unary();
    while (peek().kind == token_kind::star || peek().kind == token_kind::slash) {
      const token op = take();
      const std::uint32_t right = unary();
      left = binary(op.kind == token_kind::star ? binary_op::multiply : binary_op::divide, op, left, right);
    }
    return left;
  }

  // unary := '-' unary | primary
  std::uint32_t unary() {
    if (peek().kind != token_kind::minus) return primary();
    const token op = take();
    const nesting guard(*this, op.begin);
    const std::uint32_t operand = unary();
    return add_operator(node_kind::negate, op, operand, operand, {operand});
  }

  // primary := NUMBER | STRING | 'true' | 'false' | NAME | NAME '(' [expr (',' expr)*] ')' | '(' expr ')'
  std::uint32_t primary() {
    const token t = peek();
    switch (t.kind) {
      case token_kind::number: {
        take();
        ast_node n = node_at(node_kind::number, t);
        n.literal = value::of(read_number(t));
        return add(n);
      }
      case token_kind::text: take(); return add(node_at(node_kind::text, t));
      case token_kind::kw_true:
      case token_kind::kw_false: {
        take();
        ast_node n = node_at(node_kind::boolean, t);
        n.literal = value::of(t.kind == token_kind::kw_true);
        return add(n);
      }
      case token_kind::name:
        take();
        if (peek().kind == token_kind::open) return call(t);
        return add(node_at(node_kind::name, t));
      case token_kind::open: {
        take();
        const nesting guard(*this, t.begin);
        const std::uint32_t inner = expression();
        if (peek().kind != token_kind::close) {
          fail(code_syntax, peek().begin,
               "expected ')' to close the '(' at " + r_.position_of(t.begin) + ", found " + describe(peek()));
        }
        take();
        // Parentheses are a level of nesting too, so that `((((…` is bounded.
        if (++tree_.nodes[inner].depth > bounds_.max_depth) too_deep(t.begin);
        return inner;
      }
      case token_kind::kw_if:
        fail(code_syntax, t.begin, "an 'if' inside an operation needs parentheses",
             "write (if … then … else …)");
      default: fail(code_syntax, t.begin, "expected an expression, found " + describe(t));
    }
  }

  std::uint32_t call(const token& name) {
    const token open = take();
    const nesting guard(*this, open.begin);
    const std::string fn(text_of(name));
    std::vector<std::uint32_t> args;
    if (peek().kind != token_kind::close) {
      for (;;) {
        args.push_back(expression());
        if (peek().kind == token_kind::comma) {
          take();
          continue;
        }
        if (peek().kind == token_kind::close) break;
        fail(code_syntax, peek().begin, "expected ',' or ')' in the arguments of " + fn + "(), found " + describe(peek()));
      }
    }
    const token close = take();
    ast_node n = node_at(node_kind::call, name);
    n.end = close.end;
    return add(n, args);
  }

  /// Reads a number literal: digits, at most one '.', at most 4 decimal places.
  decimal read_number(const token& t) {
    const std::string_view digits = text_of(t);
    const std::size_t point = digits.find('.');
    if (point != std::string_view::npos && digits.find('.', point + 1) != std::string_view::npos) {
      fail(code_syntax, t.begin, "the number " + std::string(digits) + " has more than one '.'");
    }
    if (point == digits.size() - 1) {
      fail(code_syntax, t.begin, "expected digits after '.' in the number " + std::string(digits));
    }
    if (point != std::string_view::npos && digits.size() - point - 1 > 4) {
      fail(code_syntax, t.begin, "the number " + std::string(digits) + " has more than 4 decimal places",
           "numbers in rules have at most 4 decimal places");
    }
    std::string why;
    const std::optional<decimal> d = decimal::try_parse(digits, &why);
    if (!d) fail(code_syntax, t.begin, "bad number " + why);
    return *d;
  }

  reporter& r_;
  const limits& bounds_;
  ast& tree_;
  std::vector<token> tokens_;
  std::size_t pos_ = 0;
  std::size_t nesting_ = 0;
};

// ---- checking types -------------------------------------------------------------------------

/// The type of `left op right`, or nothing when the language has no such operation.
inline std::optional<value_type> binary_result(binary_op op, value_type l, value_type r) {
  using t = value_type;
  switch (op) {
    case binary_op::add:
      if (l == r && (l == t::number || l == t::money)) return l;
      if (l == t::date && r == t::number) return t::date;
      return std::nullopt;
    case binary_op::subtract:
      if (l == r && (l == t::number || l == t::money)) return l;
      if (l == t::date && r == t::date) return t::number;
      if (l == t::date && r == t::number) return t::date;
      return std::nullopt;
    case binary_op::multiply:
      if (l == t::number && r == t::number) return t::number;
      if ((l == t::money && r == t::number) || (l == t::number && r == t::money)) return t::money;
      return std::nullopt;
    case binary_op::divide:
      if (l == t::number && r == t::number) return t::number;
      if (l == t::money && r == t::number) return t::money;
      if (l == t::money && r == t::money) return t::number;
      return std::nullopt;
    case binary_op::equal:
    case binary_op::not_equal:
      if (l == r) return t::boolean;
      return std::nullopt;
    case binary_op::less:
    case binary_op::less_equal:
    case binary_op::greater:
    case binary_op::greater_equal:
      if (l == r && (l == t::number || l == t::money || l == t::date)) return t::boolean;
      return std::nullopt;
  }
  return std::nullopt;
}

inline std::string_view symbol_of(binary_op op) noexcept {
  switch (op) {
    case binary_op::add: return "+";
    case binary_op::subtract: return "-";
    case binary_op::multiply: return "×";
    case binary_op::divide: return "÷";
    case binary_op::equal: return "==";
    case binary_op::not_equal: return "!=";
    case binary_op::less: return "<";
    case binary_op::less_equal: return "<=";
    case binary_op::greater: return ">";
    case binary_op::greater_equal: return ">=";
  }
  return "?";
}

inline constexpr std::string_view amount_in_yuan = "an amount must be in yuan — multiply a number by a yuan parameter";

/// Checks a parsed tree against the scope, setting each node's type; reports
/// every problem that does not follow from another.
class checker {
 public:
  checker(reporter& r, const scope& names, ast& tree) : r_(r), names_(names), tree_(tree) {}

  /// Checks the tree under `root` and that it has the type `expected` (if given).
  std::optional<value_type> check_root(std::uint32_t root, std::optional<value_type> expected) {
    const std::optional<value_type> t = check(root);
    if (t && expected && *t != *expected) {
      std::string message = "expected " + type_name(*expected) + ", found " + type_name(*t);
      if (*expected == value_type::money && *t == value_type::number) {
        message += ": " + std::string(amount_in_yuan);
      } else if (*expected == value_type::boolean) {
        message += ": a condition is true or false — compare, as in days_in_village > 0";
      }
      r_.report(code_type_mismatch, tree_.nodes[root].begin, std::move(message));
      return std::nullopt;
    }
    return t;
  }

 private:
  std::optional<value_type> check(std::uint32_t id) {
    const std::optional<value_type> t = check_node(id);
    tree_.nodes[id].type = t;
    return t;
  }

  void mismatch(std::size_t at, std::string message, std::string hint = {}) {
    r_.report(code_type_mismatch, at, std::move(message), std::move(hint));
  }

  /// Reports `what` unless `t` is bool; tells whether it is.
  bool require_bool(std::uint32_t id, std::optional<value_type> t, std::string_view what) {
    if (!t || *t == value_type::boolean) return t.has_value();
    mismatch(tree_.nodes[id].begin, std::string(what) + " must be bool, found " + type_name(*t));
    return false;
  }

  std::optional<value_type> check_node(std::uint32_t id) {
    const ast_node& n = tree_.nodes[id];
    const auto kids = tree_.kids(n);
    switch (n.kind) {
      case node_kind::number: return value_type::number;
      case node_kind::text: return value_type::text;
      case node_kind::boolean: return value_type::boolean;
      case node_kind::name: return check_name(n);
      case node_kind::negate: {
        const auto t = check(kids[0]);
        if (!t) return std::nullopt;
        if (*t == value_type::number || *t == value_type::money) return t;
        mismatch(n.token, "cannot negate " + type_name(*t), "only numbers and amounts have a sign");
        return std::nullopt;
      }
      case node_kind::logical_not: {
        const auto t = check(kids[0]);
        if (!require_bool(kids[0], t, "the operand of 'not'")) return std::nullopt;
        return value_type::boolean;
      }
      case node_kind::logical_and:
      case node_kind::logical_or: {
        const std::string what = n.kind == node_kind::logical_and ? "the operands of 'and'" : "the operands of 'or'";
        const auto l = check(kids[0]);
        const auto r = check(kids[1]);
        const bool left_ok = require_bool(kids[0], l, what);
        const bool right_ok = require_bool(kids[1], r, what);
        if (!left_ok || !right_ok) return std::nullopt;
        return value_type::boolean;
      }
      case node_kind::binary: {
        const auto l = check(kids[0]);
        const auto r = check(kids[1]);
        if (!l || !r) return std::nullopt;
        if (const auto t = binary_result(n.op, *l, *r)) return t;
        report_binary(n, *l, *r);
        return std::nullopt;
      }
      case node_kind::conditional: {
        const auto c = check(kids[0]);
        const auto t = check(kids[1]);
        const auto e = check(kids[2]);
        const bool condition_ok = require_bool(kids[0], c, "the condition of 'if'");
        if (t && e && *t != *e) {
          mismatch(tree_.nodes[kids[2]].begin,
                   "the branches of 'if' must have one type: 'then' gives " + type_name(*t) + ", 'else' gives " +
                       type_name(*e));
          return std::nullopt;
        }
        if (!condition_ok || !t || !e) return std::nullopt;
        return t;
      }
      case node_kind::call: return check_call(id);
    }
    return std::nullopt;
  }

  [[nodiscard]] std::vector<std::string_view> scope_names() const {
    std::vector<std::string_view> out;
    for (const scope::entry& e : names_.entries()) out.push_back(e.name);
    return out;
  }

  static std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
    const std::string_view near = closest_match(word, candidates);
    return near.empty() ? std::string() : "did you mean '" + std::string(near) + "'?";
  }

  std::optional<value_type> check_name(const ast_node& n) {
    const std::string_view name = tree_.word(n);
    if (const scope::entry* e = names_.find(name)) return e->type;
    std::string hint;
    for (const function_spec& f : functions) {
      if (f.name == name) hint = "'" + std::string(name) + "' is a function: call it as " + std::string(f.usage);
    }
    if (hint.empty()) hint = did_you_mean(name, scope_names());
    r_.report(code_unknown_name, n.token, "unknown name '" + std::string(name) + "'", std::move(hint));
    return std::nullopt;
  }

  void report_binary(const ast_node& n, value_type l, value_type r) {
    using t = value_type;
    const std::string ls = type_name(l), rs = type_name(r);
    std::string message, hint;
    const bool money_and_number = (l == t::money && r == t::number) || (l == t::number && r == t::money);
    switch (n.op) {
      case binary_op::add:
        message = "cannot add " + ls + " and " + rs;
        if (money_and_number) hint = std::string(amount_in_yuan);
        if (r == t::date) hint = "add a number of days to a date: date + days";
        break;
      case binary_op::subtract:
        message = "cannot subtract " + rs + " from " + ls;
        if (money_and_number) hint = std::string(amount_in_yuan);
        break;
      case binary_op::multiply:
        message = "cannot multiply " + ls + " by " + rs;
        if (l == t::money && r == t::money) hint = "yuan times yuan is not an amount: multiply an amount by a number";
        break;
      case binary_op::divide:
        message = "cannot divide " + ls + " by " + rs;
        if (l == t::number && r == t::money) hint = "divide an amount by a number, or an amount by an amount";
        break;
      default:
        if (l != r) {
          message = "cannot compare " + ls + " with " + rs;
          if (money_and_number) hint = "compare an amount with an amount: " + std::string(amount_in_yuan);
        } else {
          message = "cannot order " + ls + " values with '" + std::string(symbol_of(n.op)) + "'";
          hint = ls + " is only compared with == and !=";
        }
        break;
    }
    mismatch(n.token, std::move(message), std::move(hint));
  }

  std::optional<value_type> check_call(std::uint32_t id) {
    ast_node& n = tree_.nodes[id];
    const std::string_view name = tree_.word(n);
    const auto kids = tree_.kids(n);
    std::vector<std::optional<value_type>> args;
    for (const std::uint32_t k : kids) args.push_back(check(k));

    const function_spec* f = nullptr;
    for (const function_spec& s : functions) {
      if (s.name == name) f = &s;
    }
    if (f == nullptr) {
      std::vector<std::string_view> names;
      for (const function_spec& s : functions) names.push_back(s.name);
      if (names_.find(name) != nullptr) {
        r_.report(code_unknown_name, n.token, "'" + std::string(name) + "' is a name, not a function",
                  did_you_mean(name, names));
      } else {
        r_.report(code_unknown_name, n.token, "unknown function '" + std::string(name) + "'", did_you_mean(name, names));
      }
      return std::nullopt;
    }
    n.function = f;
    if (args.size() < f->min_args || args.size() > f->max_args) {
      std::string message = std::string(f->name) + "() takes ";
      if (f->max_args == any_number) message += "at least ";
      message += std::to_string(f->min_args) + (f->min_args == 1 ? " argument" : " arguments");
      message += ", found " + std::to_string(args.size());
      r_.report(code_wrong_arity, n.token, std::move(message), "write " + std::string(f->usage));
      return std::nullopt;
    }
    switch (f->id) {
      case function_id::min:
      case function_id::max:
      case function_id::clamp: return check_same_orderable(n, args);
      case function_id::abs: return check_quantity(n, 0, args[0], "abs()");
      case function_id::round: {
        const auto t = check_quantity(n, 0, args[0], "round()");
        const bool mode_ok = check_rounding_mode(n, args[1]);
        const bool places_ok = check_places(n, args[2]);
        if (!t || !mode_ok || !places_ok) return std::nullopt;
        return t;
      }
      case function_id::days_between: {
        const bool a = check_date_arg(n, 0, args[0]);
        const bool b = check_date_arg(n, 1, args[1]);
        if (!a || !b) return std::nullopt;
        return value_type::number;
      }
      case function_id::days_in_month:
        if (!check_date_arg(n, 0, args[0])) return std::nullopt;
        return value_type::number;
      case function_id::date: return check_date_literal(n, args[0]);
    }
    return std::nullopt;
  }

  const ast_node& arg(const ast_node& call, std::size_t i) const { return tree_.nodes[tree_.kids(call)[i]]; }

  /// min, max, clamp: arguments of one type, which has an order.
  std::optional<value_type> check_same_orderable(const ast_node& n, std::span<const std::optional<value_type>> args) {
    const std::string fn = std::string(n.function->name) + "()";
    std::optional<value_type> first;
    std::size_t first_index = 0;
    bool ok = true;
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (!args[i]) {
        ok = false;
        continue;
      }
      const value_type t = *args[i];
      if (t != value_type::number && t != value_type::money && t != value_type::date) {
        mismatch(arg(n, i).begin, fn + " takes numbers, amounts or dates, found " + type_name(t));
        ok = false;
      } else if (!first) {
        first = t;
        first_index = i;
      } else if (t != *first) {
        mismatch(arg(n, i).begin,
                 "the arguments of " + fn + " must have one type: argument " + std::to_string(first_index + 1) +
                     " is " + type_name(*first) + ", argument " + std::to_string(i + 1) + " is " + type_name(t));
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return first;
  }

  std::optional<value_type> check_quantity(const ast_node& n, std::size_t i, std::optional<value_type> t,
                                           std::string_view fn) {
    if (!t) return std::nullopt;
    if (*t == value_type::number || *t == value_type::money) return t;
    mismatch(arg(n, i).begin, std::string(fn) + " takes a number or an amount, found " + type_name(*t));
    return std::nullopt;
  }

  bool check_date_arg(const ast_node& n, std::size_t i, std::optional<value_type> t) {
    if (!t) return false;
    if (*t == value_type::date) return true;
    mismatch(arg(n, i).begin, std::string(n.function->name) + "() takes dates, found " + type_name(*t),
             "write a date as date('2019-07-01')");
    return false;
  }

  /// The contents of a text literal, or nothing when the node is not one.
  std::optional<std::string_view> literal_text(const ast_node& n) const {
    if (n.kind != node_kind::text) return std::nullopt;
    return tree_.text.substr(n.begin + 1, n.end - n.begin - 2);
  }

  bool check_rounding_mode(ast_node& n, std::optional<value_type> t) {
    const ast_node& a = arg(n, 1);
    const auto text = literal_text(a);
    if (!text) {
      if (t) {
        r_.report(code_bad_value, a.begin, "the rounding mode of round() must be written in quotes",
                  "write one of 'half_up', 'half_even', 'down', 'up', 'floor', 'ceiling'");
      }
      return false;
    }
    for (const auto& [mode_name, mode] : rounding_modes) {
      if (*text == mode_name) {
        n.mode = mode;
        return true;
      }
    }
    std::vector<std::string_view> names;
    for (const auto& m : rounding_modes) names.push_back(m.first);
    std::string hint = did_you_mean(*text, names);
    if (hint.empty()) hint = "write one of 'half_up', 'half_even', 'down', 'up', 'floor', 'ceiling'";
    r_.report(code_bad_value, a.begin, "unknown rounding mode '" + std::string(*text) + "'", std::move(hint));
    return false;
  }

  bool check_places(ast_node& n, std::optional<value_type> t) {
    const ast_node& a = arg(n, 2);
    if (a.kind == node_kind::number) {
      const std::int64_t raw = value_access::raw(a.literal);
      if (raw % decimal::one == 0 && raw >= 0 && raw <= 4 * decimal::one) {
        n.places = static_cast<std::uint8_t>(raw / decimal::one);
        return true;
      }
    } else if (!t) {
      return false;
    }
    r_.report(code_bad_value, a.begin, "the places of round() must be a whole number from 0 to 4, written as is",
              "write round(x, 'half_up', 2) for fen, 1 for jiao, 0 for yuan");
    return false;
  }

  std::optional<value_type> check_date_literal(ast_node& n, std::optional<value_type> t) {
    const ast_node& a = arg(n, 0);
    const auto text = literal_text(a);
    if (!text) {
      if (t) r_.report(code_bad_value, a.begin, "date() takes a date in quotes", "write date('2019-07-01')");
      return std::nullopt;
    }
    std::string why;
    const std::optional<date> d = parse_date(*text, &why);
    if (!d) {
      r_.report(code_bad_value, a.begin, std::move(why));
      return std::nullopt;
    }
    n.literal = value::of(*d);
    return value_type::date;
  }

  reporter& r_;
  const scope& names_;
  ast& tree_;
};

// ---- planning: the checked tree → flat register code -------------------------------------

/// Compiles a checked tree into a program. Registers are allocated as a stack: an
/// operation on node N writes register `free` (the first not holding a pending
/// operand), so a program needs about as many registers as the tree is deep.
/// Names and literals are not copied into registers: instructions read them where
/// they are. Operations whose operands are all constants are computed now.
class planner {
 public:
  planner(const ast& tree, const scope& names, expr_program& p) : tree_(tree), names_(names), p_(p) {}

  void plan(std::uint32_t root) {
    declare_inputs();
    p_.result = emit(root, 0);
  }

 private:
  operand constant(const value& v) {
    p_.constants.push_back(v);
    return {static_cast<std::uint32_t>(p_.constants.size() - 1), operand_source::constant};
  }

  /// Lists every name the text uses, once, in order of first appearance, including
  /// names in a branch that folding removes: the loader checks each is available,
  /// and every run checks each slot's type.
  void declare_inputs() {
    std::vector<const ast_node*> uses;
    for (const ast_node& n : tree_.nodes) {
      if (n.kind == node_kind::name) uses.push_back(&n);
    }
    std::sort(uses.begin(), uses.end(), [](const ast_node* a, const ast_node* b) { return a->begin < b->begin; });
    for (const ast_node* n : uses) {
      const std::string_view name = tree_.word(*n);
      const std::size_t s = names_.slot_of(name);
      const bool seen = std::any_of(p_.inputs.begin(), p_.inputs.end(),
                                    [&](const expr_program::input& i) { return i.slot == s; });
      if (!seen) p_.inputs.push_back({s, names_.entries()[s].type, std::string(name)});
    }
  }

  operand slot(const ast_node& n) {
    return {static_cast<std::uint32_t>(names_.slot_of(tree_.word(n))), operand_source::slot};
  }

  std::uint32_t add_step(std::string_view symbol, step_form form, const ast_node& n) {
    p_.steps.push_back({symbol, form, n.begin, n.end});
    return static_cast<std::uint32_t>(p_.steps.size() - 1);
  }

  [[nodiscard]] bool all_constant(const instruction& in) const {
    if (in.a.source == operand_source::list) {
      for (std::uint32_t i = 0; i < in.b.index; ++i) {
        if (p_.lists[in.a.index + i].source != operand_source::constant) return false;
      }
      return true;
    }
    for (const operand* o : {&in.a, &in.b, &in.c}) {
      if (o->source != operand_source::none && o->source != operand_source::constant) return false;
    }
    return true;
  }

  /// Adds an operation writing register `free`, or folds it into a constant.
  operand operation(instruction in, std::uint32_t free) {
    if (all_constant(in)) {
      try {
        const value v = apply(p_, in, [&](const operand& o) -> const value& { return p_.constants[o.index]; });
        return constant(v);
      } catch (const std::exception&) {
        // It fails on every run (a division by zero, say): leave that to run time,
        // where it happens only if this branch is taken.
      }
    }
    in.dst = free;
    p_.register_count = std::max(p_.register_count, free + 1);
    p_.code.push_back(in);
    return {free, operand_source::reg};
  }

  static instruction make(opcode op, value_type type, std::uint32_t info, operand a, operand b = {}, operand c = {}) {
    instruction in;
    in.op = op;
    in.type = type;
    in.info = info;
    in.a = a;
    in.b = b;
    in.c = c;
    return in;
  }

  /// Puts `o` in register `free`, for the joins of `and`, `or` and `if`.
  void move_to(operand o, std::uint32_t free, const ast_node& n) {
    if (o.source == operand_source::reg && o.index == free) return;
    const instruction in = make(opcode::copy, *n.type, add_step("", step_form::silent, n), o);
    p_.register_count = std::max(p_.register_count, free + 1);
    p_.code.push_back(in);
    p_.code.back().dst = free;
  }

  std::size_t add_jump(opcode op, operand condition, std::uint32_t info) {
    instruction in = make(op, value_type::boolean, info, condition);
    p_.code.push_back(in);
    return p_.code.size() - 1;
  }

  void land(std::size_t jump) { p_.code[jump].target = static_cast<std::uint32_t>(p_.code.size()); }

  /// The first register free once `o` is held.
  static std::uint32_t after(operand o, std::uint32_t free) {
    return o.source == operand_source::reg ? o.index + 1 : free;
  }

  operand emit(std::uint32_t id, std::uint32_t free) {
    const ast_node& n = tree_.nodes[id];
    const auto kids = tree_.kids(n);
    switch (n.kind) {
      case node_kind::number:
      case node_kind::boolean: return constant(n.literal);
      case node_kind::text:
        // A view into the program's own copy of the text, which never moves.
        return constant(value::of_text(std::string_view(p_.source).substr(n.begin + 1, n.end - n.begin - 2)));
      case node_kind::name: return slot(n);
      case node_kind::negate: {
        const operand a = emit(kids[0], free);
        return operation(make(opcode::negate, *n.type, add_step("-", step_form::prefix, n), a), free);
      }
      case node_kind::logical_not: {
        const operand a = emit(kids[0], free);
        return operation(make(opcode::logical_not, *n.type, add_step("not ", step_form::prefix, n), a), free);
      }
      case node_kind::binary: return emit_binary(n, free);
      case node_kind::logical_and:
      case node_kind::logical_or: return emit_logical(n, free);
      case node_kind::conditional: return emit_conditional(n, free);
      case node_kind::call: return emit_call(n, free);
    }
    return {};
  }

  operand emit_binary(const ast_node& n, std::uint32_t free) {
    const auto kids = tree_.kids(n);
    const value_type l = *tree_.nodes[kids[0]].type;
    const value_type r = *tree_.nodes[kids[1]].type;
    const operand a = emit(kids[0], free);
    const operand b = emit(kids[1], after(a, free));
    const bool text = l == value_type::text;
    opcode op = opcode::add;
    switch (n.op) {
      case binary_op::add: op = l == value_type::date ? opcode::add_days : opcode::add; break;
      case binary_op::subtract:
        op = l != value_type::date ? opcode::subtract
             : r == value_type::date ? opcode::days_difference
                                     : opcode::subtract_days;
        break;
      case binary_op::multiply: op = opcode::multiply; break;
      case binary_op::divide: op = opcode::divide; break;
      case binary_op::equal: op = text ? opcode::equal_text : opcode::equal; break;
      case binary_op::not_equal: op = text ? opcode::not_equal_text : opcode::not_equal; break;
      case binary_op::less: op = opcode::less; break;
      case binary_op::less_equal: op = opcode::less_equal; break;
      case binary_op::greater: op = opcode::greater; break;
      case binary_op::greater_equal: op = opcode::greater_equal; break;
    }
    return operation(make(op, *n.type, add_step(symbol_of(n.op), step_form::infix, n), a, b), free);
  }

  // `a and b`: b only when a is true; `a or b`: b only when a is false.
  operand emit_logical(const ast_node& n, std::uint32_t free) {
    const auto kids = tree_.kids(n);
    const bool is_and = n.kind == node_kind::logical_and;
    const operand a = emit(kids[0], free);
    if (a.source == operand_source::constant) {
      const bool left = value_access::raw(p_.constants[a.index]) != 0;
      if (left != is_and) return a;  // false and …, true or …
      return emit(kids[1], free);
    }
    move_to(a, free, n);
    const std::uint32_t info = add_step(is_and ? "and" : "or", step_form::short_circuit, tree_.nodes[kids[0]]);
    const std::size_t skip =
        add_jump(is_and ? opcode::jump_if_false : opcode::jump_if_true, {free, operand_source::reg}, info);
    move_to(emit(kids[1], free), free, n);
    land(skip);
    return {free, operand_source::reg};
  }

  operand emit_conditional(const ast_node& n, std::uint32_t free) {
    const auto kids = tree_.kids(n);
    const operand c = emit(kids[0], free);
    if (c.source == operand_source::constant) {
      return emit(value_access::raw(p_.constants[c.index]) != 0 ? kids[1] : kids[2], free);
    }
    const std::size_t to_else = add_jump(opcode::jump_if_false, c, add_step("if", step_form::condition, tree_.nodes[kids[0]]));
    move_to(emit(kids[1], free), free, n);
    const std::size_t to_end = add_jump(opcode::jump, {}, add_step("", step_form::silent, n));
    land(to_else);
    move_to(emit(kids[2], free), free, n);
    land(to_end);
    return {free, operand_source::reg};
  }

  operand emit_call(const ast_node& n, std::uint32_t free) {
    const function_spec& f = *n.function;
    if (f.id == function_id::date) return constant(n.literal);
    std::vector<operand> args;
    std::uint32_t next = free;
    for (const std::uint32_t k : tree_.kids(n)) {
      args.push_back(emit(k, next));
      next = after(args.back(), next);
      if (f.id == function_id::round) break;  // its mode and places are literals the instruction holds
    }
    const std::uint32_t info = add_step(f.name, step_form::call, n);
    const value_type t = *n.type;
    switch (f.id) {
      case function_id::min:
      case function_id::max: {
        const bool is_min = f.id == function_id::min;
        if (args.size() == 2) return operation(make(is_min ? opcode::min : opcode::max, t, info, args[0], args[1]), free);
        const operand list{static_cast<std::uint32_t>(p_.lists.size()), operand_source::list};
        p_.lists.insert(p_.lists.end(), args.begin(), args.end());
        const operand count{static_cast<std::uint32_t>(args.size()), operand_source::none};
        return operation(make(is_min ? opcode::min_list : opcode::max_list, t, info, list, count), free);
      }
      case function_id::clamp: return operation(make(opcode::clamp, t, info, args[0], args[1], args[2]), free);
      case function_id::abs: return operation(make(opcode::abs, t, info, args[0]), free);
      case function_id::round: {
        // The mode and places are literals, held by the instruction, not operands.
        instruction in = make(opcode::round, t, info, args[0]);
        in.mode = n.mode;
        in.places = n.places;
        return operation(in, free);
      }
      case function_id::days_between: return operation(make(opcode::days_between, t, info, args[0], args[1]), free);
      case function_id::days_in_month: return operation(make(opcode::days_in_month, t, info, args[0]), free);
      case function_id::date: break;
    }
    return {};
  }

  const ast& tree_;
  const scope& names_;
  expr_program& p_;
};

}  // namespace detail

// ---- the public entry points ------------------------------------------------------------------

inline value expression::evaluate(std::span<const value> slots) const {
  if (!program_) throw evaluation_error("this expression is empty: make it with compile_expression");
  return detail::run<false>(*program_, slots, nullptr);
}

inline value expression::evaluate_explained(std::span<const value> slots, std::vector<std::string>& steps) const {
  if (!program_) throw evaluation_error("this expression is empty: make it with compile_expression");
  return detail::run<true>(*program_, slots, &steps);
}

inline std::optional<expression> compile_expression(std::string_view text, source_location at, const scope& names,
                                                    std::optional<value_type> expected,
                                                    std::vector<diagnostic>& problems, const limits& bounds) {
  detail::reporter r(text, at, problems);
  detail::ast tree;
  tree.text = text;
  const std::optional<std::uint32_t> root = detail::parser(r, bounds, tree).parse();
  if (!root) return std::nullopt;
  const std::size_t before = problems.size();
  const std::optional<value_type> type = detail::checker(r, names, tree).check_root(*root, expected);
  if (!type || problems.size() != before) return std::nullopt;

  // Built in place and never moved: text constants view `source`.
  auto program = std::make_shared<detail::expr_program>();
  program->source = std::string(text);
  detail::planner(tree, names, *program).plan(*root);

  expression e;
  e.text_ = std::string(text);
  e.type_ = *type;
  e.where_ = std::move(at);
  for (const auto& in : program->inputs) e.slots_used_.push_back(in.slot);
  e.program_ = std::move(program);
  return e;
}

}  // namespace rulebook
