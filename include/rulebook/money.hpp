// rulebook/money.hpp — exact decimal quantities and yuan amounts, with explicit rounding.
//
// Allowances are computed from rates, distances, days and ratios, then compared with
// what units actually paid, fen for fen. Binary floating point cannot do that (1.1 has
// no exact double), so rulebook keeps every quantity as a 64-bit integer counting
// ten-thousandths: 2878.50 is held as 28785000. Two types share that representation
// and never mix implicitly:
//
//   - `decimal` — a plain quantity: distances in km, ratios, scores, rates per km;
//   - `money`   — an amount in yuan (元).
//
// Arithmetic is exact or it throws: overflow raises `money_overflow` instead of
// wrapping, and a product of two fixed-point values that needs more than 4 decimal
// places raises `money_inexact` unless a rounding mode is given. Rounding is always
// explicit and happens once, at the point the policy says so:
//
//   using namespace rulebook;
//   const money rate = money::parse("1.5");             // 1.5 yuan per km
//   const decimal km = decimal::parse("86.5");          // lead unit → village, one way
//   money trip = rate * km * 2;                         // 259.50, exact
//   money month = trip * 4;                             // 1038
//   money share = money::yuan(100).mul_div(16, 31, rounding::half_up, places::fen);  // 51.61
//   std::cout << share.to_string(2);                    // "51.61"
//
// Valid values lie in [-922337203685477.5807, 922337203685477.5807]; the raw
// INT64_MIN is never produced, so negation is always safe. Values are built from
// strings or integers, never from floating point (those constructors are deleted).
//
// Thread safety: `money` and `decimal` are trivially copyable value types with no
// shared state; any number of threads may use them concurrently. Nothing here
// allocates except building strings (printing and error messages).
#pragma once

#include <boost/multiprecision/cpp_int.hpp>

#include <charconv>
#include <compare>
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace rulebook {

/// How to drop digits when a result has more places than asked for.
enum class rounding {
  half_up,    ///< to nearest; a half goes away from zero (0.525 → 0.53, -0.525 → -0.53)
  half_even,  ///< to nearest; a half goes to the even neighbour (0.525 → 0.52, 0.535 → 0.54)
  down,       ///< toward zero (truncate)
  up,         ///< away from zero
  floor,      ///< toward negative infinity
  ceiling,    ///< toward positive infinity
};

/// Numbers of decimal places by the name of the Chinese unit they stop at.
namespace places {
inline constexpr int yuan = 0;  ///< 元
inline constexpr int jiao = 1;  ///< 角
inline constexpr int fen = 2;   ///< 分
}  // namespace places

/// Base of every error raised by `money` and `decimal` (also: a scale outside 0..4,
/// division by zero).
class money_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A result (or a parsed number) lies outside ±922337203685477.5807.
class money_overflow : public money_error {
 public:
  using money_error::money_error;
};

/// A string is not a decimal number as rulebook accepts them.
class money_parse_error : public money_error {
 public:
  using money_error::money_error;
};

/// An exact operation would need more decimal places than are available or asked for.
class money_inexact : public money_error {
 public:
  using money_error::money_error;
};

class decimal;
class money;

namespace detail {

inline constexpr std::int64_t raw_max = std::numeric_limits<std::int64_t>::max();
inline constexpr std::int64_t raw_min = std::numeric_limits<std::int64_t>::min();  // never valid
inline constexpr std::int64_t pow10[] = {1, 10, 100, 1000, 10000};

/// Room for any raw value's text: a sign, 15 digits, a point and 4 places, with some to spare.
inline constexpr std::size_t max_raw_text = 32;

/// Writes a raw count of ten-thousandths at `p` (room for `max_raw_text`) with
/// exactly `decimals` places (0..4), dropping digits beyond them (callers check
/// that they are zeros), and returns the end.
inline char* format_raw_to(char* p, std::int64_t raw, int decimals) noexcept {
  const std::uint64_t magnitude =
      raw < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(raw) : static_cast<std::uint64_t>(raw);
  if (raw < 0) *p++ = '-';
  p = std::to_chars(p, p + 20, magnitude / 10000).ptr;
  if (decimals > 0) {
    *p++ = '.';
    const auto frac = static_cast<unsigned>(magnitude % 10000);
    const char places[4] = {static_cast<char>('0' + frac / 1000), static_cast<char>('0' + frac / 100 % 10),
                            static_cast<char>('0' + frac / 10 % 10), static_cast<char>('0' + frac % 10)};
    for (int i = 0; i < decimals; ++i) *p++ = places[i];
  }
  return p;
}

/// `format_raw_to` as a string.
inline std::string format_raw(std::int64_t raw, int decimals) {
  char buf[max_raw_text];
  return std::string(buf, format_raw_to(buf, raw, decimals));
}

/// Counts the decimal places a raw value needs (0..4).
constexpr int places_needed(std::int64_t raw) noexcept {
  if (raw % 10 != 0) return 4;
  if (raw % 100 != 0) return 3;
  if (raw % 1000 != 0) return 2;
  return raw % 10000 != 0 ? 1 : 0;
}

/// Formats a raw value with no trailing zeros.
inline std::string format_raw(std::int64_t raw) { return format_raw(raw, places_needed(raw)); }

[[noreturn, gnu::cold]] inline void throw_overflow(std::int64_t a, const char* op, std::int64_t b) {
  throw money_overflow(format_raw(a) + " " + op + " " + format_raw(b) +
                       " is out of range; the range is ±922337203685477.5807");
}

[[noreturn, gnu::cold]] inline void throw_overflow(std::string what) {
  throw money_overflow(what + " is out of range; the range is ±922337203685477.5807");
}

[[noreturn, gnu::cold]] inline void throw_inexact(std::int64_t a, std::int64_t b) {
  throw money_inexact(format_raw(a) + " * " + format_raw(b) +
                      " needs more than 4 decimal places; use mul(…, rounding) to round it");
}

[[noreturn, gnu::cold]] inline void throw_bad_scale(int scale) {
  throw money_error("decimal places must be 0 to 4, not " + std::to_string(scale));
}

[[noreturn, gnu::cold]] inline void throw_division_by_zero(std::int64_t raw) {
  throw money_error("mul_div of " + format_raw(raw) + ": division by zero");
}

/// The raw step of a scale: 10000 for whole yuan, 100 for jiao, 1 for 4 places.
constexpr std::int64_t unit_of(int scale) {
  if (scale < 0 || scale > 4) [[unlikely]] throw_bad_scale(scale);
  return pow10[4 - scale];
}

/// Appends `raw` with `scale` places (0..4), or with as many as it holds when
/// that is more, so that nothing is rounded away: "2878.50", "0.125". How every
/// report writes an amount; without a string of its own, for the files of
/// millions of rows.
inline void append_money_text(std::string& out, std::int64_t raw, int scale) {
  if (scale < 0 || scale > 4) [[unlikely]] throw_bad_scale(scale);
  char buf[max_raw_text];
  // As many places as it holds when more than `scale`: `raw` is not a multiple of scale's step.
  const int held = places_needed(raw);
  out.append(buf, format_raw_to(buf, raw, held > scale ? held : scale));
}

/// `append_money_text` as a string: amounts are rounded to the policy's scale;
/// paid figures from data may carry more places.
inline std::string money_text(std::int64_t raw, int scale) {
  std::string out;
  append_money_text(out, raw, scale);
  return out;
}

/// The body of `div_round`, inlined wherever it is called: into `div_round`
/// itself, and into each caller of `div_round_as`, where the mode and often the
/// divisor are constants (a divisor known when compiling is a multiplication;
/// an out-of-line copy divided with `idiv`).
template <class I>
[[gnu::always_inline]] constexpr I div_round_inline(const I& n, const I& d, rounding mode) {
  I q = n / d;  // truncates toward zero
  const I r = n % d;
  if (r == 0) return q;
  const bool negative = (n < 0) != (d < 0);
  const I rest = r < 0 ? I(-r) : r;             // distance past q, in units of 1/|d|
  const I other = (d < 0 ? I(-d) : d) - rest;  // distance to the next integer away from zero
  bool away = false;
  switch (mode) {
    case rounding::half_up: away = rest >= other; break;
    case rounding::half_even: away = rest > other || (rest == other && q % 2 != 0); break;
    case rounding::down: away = false; break;
    case rounding::up: away = true; break;
    case rounding::floor: away = negative; break;
    case rounding::ceiling: away = !negative; break;
  }
  if (away) q += negative ? -1 : 1;  // |q| ≤ |n| / 2 here, so this cannot overflow
  return q;
}

/// Divides n by d (d ≠ 0) and rounds the quotient to an integer by `mode`.
/// Works on std::int64_t when neither |n| nor |d| is INT64_MIN, and on
/// checked_int128_t.
template <class I>
constexpr I div_round(const I& n, const I& d, rounding mode) {
  return div_round_inline(n, d, mode);
}

/// `div_round` on std::int64_t with the mode known when compiling, its body
/// inlined so that the mode's switch folds away and a constant divisor becomes
/// a multiplication: the batch kernels' products and finishing loops call it
/// once a row. (With `flatten` over a call of `div_round`, GCC 12 kept an
/// out-of-line copy for the kernels' product, an `idiv` a row: a fifth of the
/// Qiyang allowances' time.) Same conditions: d ≠ 0, neither |n| nor |d| INT64_MIN.
template <rounding Mode>
[[gnu::always_inline]] inline std::int64_t div_round_as(std::int64_t n, std::int64_t d) noexcept {
  return div_round_inline<std::int64_t>(n, d, Mode);
}

/// Calls `f(std::integral_constant<rounding, M>{})` for the mode `mode` names:
/// where code made for each mode when compiling (`div_round_as<M>`, the
/// finishing loops) is picked by a mode known only when running.
template <class F>
decltype(auto) with_rounding(rounding mode, F&& f) {
  switch (mode) {
    case rounding::half_up: break;
    case rounding::half_even: return f(std::integral_constant<rounding, rounding::half_even>{});
    case rounding::down: return f(std::integral_constant<rounding, rounding::down>{});
    case rounding::up: return f(std::integral_constant<rounding, rounding::up>{});
    case rounding::floor: return f(std::integral_constant<rounding, rounding::floor>{});
    case rounding::ceiling: return f(std::integral_constant<rounding, rounding::ceiling>{});
  }
  return f(std::integral_constant<rounding, rounding::half_up>{});
}

/// `div_round_as` for a positive divisor and a numerator well inside the range
/// (d > 0, |n| + d < 2^63), in one division of |n| moved by a constant part of d
/// and no branch on the remainder: the finishing loop's divisions, where the
/// remainder's branch in `div_round_as` went wrong on about half the rows of a
/// prorated amount. The same quotient as `div_round` in every mode.
template <rounding Mode>
[[gnu::always_inline]] inline std::int64_t div_round_bounded(std::int64_t n, std::int64_t d) noexcept {
  const bool negative = n < 0;
  const std::int64_t m = negative ? -n : n;
  std::int64_t q = 0;
  if constexpr (Mode == rounding::half_up) {
    q = (m + d / 2) / d;
  } else if constexpr (Mode == rounding::half_even) {
    const std::int64_t t = m + d / 2;
    q = t / d;
    // An exact half (d even, m = k·d + d/2) went up to k + 1: back to k when k + 1 is odd.
    q -= static_cast<std::int64_t>((d % 2 == 0) & (q * d == t) & (q % 2 != 0));
  } else if constexpr (Mode == rounding::down) {
    q = m / d;
  } else if constexpr (Mode == rounding::up) {
    q = (m + d - 1) / d;
  } else if constexpr (Mode == rounding::floor) {
    q = (m + (negative ? d - 1 : 0)) / d;
  } else {
    q = (m + (negative ? 0 : d - 1)) / d;
  }
  return negative ? -q : q;
}

/// Computes round(a × b / d) (d ≠ 0, |d| ≤ 2^63 · 10^4) to a multiple of `unit`,
/// in 128 bits, and returns it as a raw value; the slow path of products and mul_div.
[[gnu::noinline]] inline std::int64_t mul_div_wide(std::int64_t a, std::int64_t b, std::int64_t den,
                                                   std::int64_t unit, rounding mode) {
  using boost::multiprecision::checked_int128_t;
  // |a·b| < 2^126 and |den·unit| < 2^77: far inside checked_int128_t's ±(2^128 − 1).
  const checked_int128_t n = checked_int128_t(a) * b;
  const checked_int128_t d = checked_int128_t(den) * unit;
  const checked_int128_t q = div_round(n, d, mode);
  if ((q < 0 ? checked_int128_t(-q) : q) > raw_max / unit) [[unlikely]] {
    throw_overflow(format_raw(a) + " * " + std::to_string(b) + " / " + std::to_string(den));
  }
  return static_cast<std::int64_t>(q) * unit;
}

/// Computes round(a × b / (den × unit)) × unit as a raw value: raw `a` times the
/// integer ratio b / den, rounded once to a multiple of `unit`.
constexpr std::int64_t mul_div_raw(std::int64_t a, std::int64_t b, std::int64_t den,
                                   std::int64_t unit, rounding mode) {
  if (den == 0) [[unlikely]] throw_division_by_zero(a);
  std::int64_t n = 0;
  std::int64_t d = 0;
  if (!__builtin_mul_overflow(a, b, &n) && !__builtin_mul_overflow(den, unit, &d) && n != raw_min &&
      d != raw_min) [[likely]] {
    const std::int64_t q = div_round(n, d, mode);
    std::int64_t out = 0;
    if (__builtin_mul_overflow(q, unit, &out) || out == raw_min) [[unlikely]] {
      throw_overflow(format_raw(a) + " * " + std::to_string(b) + " / " + std::to_string(den));
    }
    return out;
  }
  return mul_div_wide(a, b, den, unit, mode);
}

/// Multiplies two raw values in 128 bits, exactly; the slow path of `mul_exact_raw`.
[[gnu::noinline]] inline std::int64_t mul_exact_wide(std::int64_t a, std::int64_t b) {
  using boost::multiprecision::checked_int128_t;
  const checked_int128_t p = checked_int128_t(a) * b;  // |a·b| < 2^126
  const checked_int128_t q = p / 10000;
  if ((q < 0 ? checked_int128_t(-q) : q) > raw_max) [[unlikely]] throw_overflow(a, "*", b);
  if (p % 10000 != 0) [[unlikely]] throw_inexact(a, b);
  return static_cast<std::int64_t>(q);
}

/// Multiplies two raw values (each ten-thousandths) into a raw value, exactly.
constexpr std::int64_t mul_exact_raw(std::int64_t a, std::int64_t b) {
  std::int64_t p = 0;
  if (!__builtin_mul_overflow(a, b, &p)) [[likely]] {
    if (p % 10000 != 0) [[unlikely]] throw_inexact(a, b);
    return p / 10000;  // |p / 10000| < INT64_MAX
  }
  return mul_exact_wide(a, b);  // the product has more than 63 bits; the result may still fit
}

/// Why a string failed to parse; `ok` when it did not.
enum class parse_status {
  ok,
  empty,
  sign_only,
  leading_point,
  no_digits_after_point,
  unexpected_character,
  too_many_places,
  out_of_range,
};

struct parse_outcome {
  std::int64_t raw = 0;
  parse_status status = parse_status::ok;
  std::size_t position = 0;  // of the offending character, for unexpected_character
  bool negative = false;
};

/// Reads `[+-]digits[.d{1,4}]` into a raw value. Syntax errors win over too many
/// places, which win over out of range, so the message names the first thing to fix.
constexpr parse_outcome parse_raw(std::string_view s) noexcept {
  parse_outcome out;
  if (s.empty()) return {0, parse_status::empty, 0, false};
  std::size_t i = 0;
  if (s[0] == '-' || s[0] == '+') {
    out.negative = s[0] == '-';
    ++i;
  }
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::uint64_t acc = 0;  // all digits read so far, integer and fraction
  bool too_big = false;
  const auto take = [&](char c) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (acc > (static_cast<std::uint64_t>(raw_max) - digit) / 10) too_big = true;
    else acc = acc * 10 + digit;
  };
  const std::size_t int_begin = i;
  while (i < s.size() && is_digit(s[i])) take(s[i++]);
  if (i == int_begin) {
    if (i == s.size()) return {0, parse_status::sign_only, i, out.negative};
    if (s[i] == '.') return {0, parse_status::leading_point, i, out.negative};
    return {0, parse_status::unexpected_character, i, out.negative};
  }
  std::size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) {
      if (frac_digits < 4) take(s[i]);
      ++frac_digits;
      ++i;
    }
    if (frac_digits == 0) {
      if (i == s.size()) return {0, parse_status::no_digits_after_point, i, out.negative};
      return {0, parse_status::unexpected_character, i, out.negative};
    }
  }
  if (i != s.size()) return {0, parse_status::unexpected_character, i, out.negative};
  if (frac_digits > 4) return {0, parse_status::too_many_places, 0, out.negative};
  for (std::size_t k = frac_digits; k < 4 && !too_big; ++k) {
    if (acc > static_cast<std::uint64_t>(raw_max) / 10) too_big = true;
    else acc *= 10;
  }
  if (too_big) return {0, parse_status::out_of_range, 0, out.negative};
  const auto magnitude = static_cast<std::int64_t>(acc);
  out.raw = out.negative ? -magnitude : magnitude;
  return out;
}

/// Explains a failed parse, quoting the text (shortened when long).
inline std::string parse_message(std::string_view text, const parse_outcome& o, const char* noun) {
  constexpr std::size_t quote_limit = 40;
  std::string m = "\"";
  if (text.size() > quote_limit) {
    m.append(text.substr(0, quote_limit)).append("...");
  } else {
    m.append(text);
  }
  m += "\": ";
  constexpr const char* expected = "expected a decimal number such as 2878.50";
  switch (o.status) {
    case parse_status::ok: break;
    case parse_status::empty: m += "empty; "; m += expected; break;
    case parse_status::sign_only: m += "expected digits after the sign, as in -2878.50"; break;
    case parse_status::leading_point: m += "expected a digit before '.', as in 0.5"; break;
    case parse_status::no_digits_after_point:
      m += "expected 1 to 4 digits after '.', as in 2878.50";
      break;
    case parse_status::unexpected_character: {
      m += expected;
      m += " (no spaces, exponents or thousands separators); found ";
      const auto c = static_cast<unsigned char>(text[o.position]);
      if (c >= 0x21 && c < 0x7f) m.append("'").append(1, static_cast<char>(c)).append("'");
      else if (c == ' ') m += "a space";
      else if (c >= 0x80) m += "a non-ASCII character";
      else m += "a control character";
      m += " at column " + std::to_string(o.position + 1);
      break;
    }
    case parse_status::too_many_places: m += "at most 4 decimal places"; break;
    case parse_status::out_of_range:
      m += "out of range; the ";
      m += o.negative ? "smallest " : "largest ";
      m += noun;
      m += o.negative ? " is -922337203685477.5807" : " is 922337203685477.5807";
      break;
  }
  return m;
}

/// The representation and operations `money` and `decimal` share: a count of
/// ten-thousandths in a std::int64_t, never INT64_MIN. `T` is the derived type;
/// operations take and return `T` only, so the two types never mix.
template <class T>
class fixed_point {
 public:
  /// Decimal places held.
  static constexpr int scale = 4;
  /// The raw value of 1.
  static constexpr std::int64_t one = 10000;

  /// Makes a value from its count of ten-thousandths; throws money_overflow for INT64_MIN.
  [[nodiscard]] static constexpr T from_raw(std::int64_t raw) {
    if (raw == raw_min) [[unlikely]] throw_overflow("raw value INT64_MIN");
    return make(raw);
  }

  /// Makes the whole number `n`; throws money_overflow beyond ±922337203685477.
  [[nodiscard]] static constexpr T from_int(std::int64_t n) {
    std::int64_t raw = 0;
    if (__builtin_mul_overflow(n, one, &raw)) [[unlikely]] throw_overflow(std::to_string(n));
    return make(raw);
  }
  template <std::floating_point F>
  static T from_int(F) = delete;  // floating point is never exact: parse a string instead

  /// Returns the largest value, 922337203685477.5807.
  [[nodiscard]] static constexpr T max() noexcept { return make(raw_max); }
  /// Returns the smallest value, -922337203685477.5807.
  [[nodiscard]] static constexpr T min() noexcept { return make(-raw_max); }

  /// Reads `[+-]digits[.digits]` with at most 4 decimal places, as in "2878.50", "-0.0001"
  /// or "007"; throws money_parse_error saying what was expected, or money_overflow when
  /// the number lies beyond ±922337203685477.5807.
  [[nodiscard]] static T parse(std::string_view text) {
    const parse_outcome o = parse_raw(text);
    if (o.status == parse_status::ok) [[likely]] return make(o.raw);
    if (o.status == parse_status::out_of_range) throw money_overflow(parse_message(text, o, T::noun_));
    throw money_parse_error(parse_message(text, o, T::noun_));
  }

  /// Reads like `parse` but never throws: returns nothing on failure and, when `why` is
  /// given, stores the message `parse` would have thrown.
  [[nodiscard]] static std::optional<T> try_parse(std::string_view text, std::string* why = nullptr) noexcept {
    const parse_outcome o = parse_raw(text);
    if (o.status == parse_status::ok) [[likely]] return make(o.raw);
    if (why != nullptr) {
      try {
        *why = parse_message(text, o, T::noun_);
      } catch (...) {  // out of memory for the message: still report the failure
        why->clear();
      }
    }
    return std::nullopt;
  }

  /// Returns the count of ten-thousandths.
  [[nodiscard]] constexpr std::int64_t raw() const noexcept { return raw_; }

  /// Formats with as few decimal places as the value needs: "129.75", "100", "-0.0001".
  [[nodiscard]] std::string to_string() const { return format_raw(raw_); }

  /// Formats with exactly `decimals` places (0..4), as in "2878.50"; throws money_inexact
  /// when the value has more places than that (round it first).
  [[nodiscard]] std::string to_string(int decimals) const {
    if (raw_ % unit_of(decimals) != 0) [[unlikely]] {
      throw money_inexact(format_raw(raw_) + " has more than " + std::to_string(decimals) +
                          " decimal places; round it before printing");
    }
    return format_raw(raw_, decimals);
  }

  /// Writes `to_string()`.
  friend std::ostream& operator<<(std::ostream& os, const T& x) { return os << x.to_string(); }

  /// Rounds to `decimals` places (0..4) by `mode`; throws money_overflow when the
  /// rounded value leaves the range (922337203685477.5807 up to whole yuan).
  [[nodiscard]] constexpr T round(int decimals, rounding mode) const {
    const std::int64_t unit = unit_of(decimals);
    const std::int64_t q = div_round(raw_, unit, mode);
    std::int64_t out = 0;
    if (__builtin_mul_overflow(q, unit, &out) || out == raw_min) [[unlikely]] {
      throw_overflow("rounding " + format_raw(raw_));
    }
    return make(out);
  }

  /// Computes value × num / den rounded once, by `mode`, to `decimals` places
  /// (0..4), with 128-bit intermediates; throws money_error when den is 0 and
  /// money_overflow when the result leaves the range.
  [[nodiscard]] constexpr T mul_div(std::int64_t num, std::int64_t den, rounding mode,
                                    int decimals = scale) const {
    return make(mul_div_raw(raw_, num, den, unit_of(decimals), mode));
  }
  template <class N, class D>
    requires(std::floating_point<N> || std::floating_point<D>)
  T mul_div(N, D, rounding, int = scale) const = delete;  // floating point is never exact

  /// Computes value × num / den (as exact decimals, e.g. 86.5 / 31) rounded once.
  [[nodiscard]] constexpr T mul_div(const decimal& num, const decimal& den, rounding mode,
                                    int decimals = scale) const;

  /// Adds exactly; throws money_overflow.
  friend constexpr T operator+(const T& a, const T& b) {
    std::int64_t r = 0;
    if (__builtin_add_overflow(a.raw_, b.raw_, &r) || r == raw_min) [[unlikely]] {
      throw_overflow(a.raw_, "+", b.raw_);
    }
    return make(r);
  }
  /// Subtracts exactly; throws money_overflow.
  friend constexpr T operator-(const T& a, const T& b) {
    std::int64_t r = 0;
    if (__builtin_sub_overflow(a.raw_, b.raw_, &r) || r == raw_min) [[unlikely]] {
      throw_overflow(a.raw_, "-", b.raw_);
    }
    return make(r);
  }
  /// Negates; always exact, as the range is symmetric.
  friend constexpr T operator-(const T& a) noexcept { return make(-a.raw_); }

  /// Multiplies by a whole number exactly; throws money_overflow.
  friend constexpr T operator*(const T& a, std::int64_t n) {
    std::int64_t r = 0;
    if (__builtin_mul_overflow(a.raw_, n, &r) || r == raw_min) [[unlikely]] {
      throw_overflow(format_raw(a.raw_) + " * " + std::to_string(n));
    }
    return make(r);
  }
  /// Multiplies by a whole number exactly; throws money_overflow.
  friend constexpr T operator*(std::int64_t n, const T& a) { return a * n; }
  template <std::floating_point F>
  friend T operator*(const T&, F) = delete;  // floating point is never exact
  template <std::floating_point F>
  friend T operator*(F, const T&) = delete;

  /// Adds in place; throws money_overflow (and then leaves the value unchanged).
  constexpr T& operator+=(const T& b) { return self() = self() + b; }
  /// Subtracts in place; throws money_overflow (and then leaves the value unchanged).
  constexpr T& operator-=(const T& b) { return self() = self() - b; }

  /// Compares values.
  friend constexpr bool operator==(const T& a, const T& b) noexcept { return a.raw_ == b.raw_; }
  /// Orders values.
  friend constexpr std::strong_ordering operator<=>(const T& a, const T& b) noexcept {
    return a.raw_ <=> b.raw_;
  }

 protected:
  constexpr fixed_point() noexcept = default;

  /// Wraps a raw value known to be valid.
  static constexpr T make(std::int64_t raw) noexcept {
    T t;
    static_cast<fixed_point&>(t).raw_ = raw;
    return t;
  }

 private:
  constexpr T& self() noexcept { return static_cast<T&>(*this); }

  std::int64_t raw_ = 0;
};

}  // namespace detail

/// An exact quantity with 4 decimal places: a distance in km, a ratio, a score, a rate.
/// Not an amount of money: convert with `money::from_decimal` where a policy says so.
class decimal : public detail::fixed_point<decimal> {
 public:
  /// Makes 0.
  constexpr decimal() noexcept = default;
  decimal(double) = delete;  // floating point is never exact: parse a string instead
  decimal(float) = delete;
  decimal(long double) = delete;

  /// Multiplies exactly (1.5 × 86.5 = 129.75); throws money_inexact when the product
  /// needs more than 4 decimal places, money_overflow when it leaves the range.
  friend constexpr decimal operator*(const decimal& a, const decimal& b) {
    return make(detail::mul_exact_raw(a.raw(), b.raw()));
  }

  /// Multiplies and rounds the product once, by `mode`, to `decimals` (0..4) places.
  [[nodiscard]] constexpr decimal mul(const decimal& b, rounding mode, int decimals = scale) const {
    return make(detail::mul_div_raw(raw(), b.raw(), one, detail::unit_of(decimals), mode));
  }

 private:
  friend class detail::fixed_point<decimal>;
  static constexpr const char* noun_ = "value";
};

/// An amount in yuan with 4 decimal places (down to 0.01 fen).
class money : public detail::fixed_point<money> {
 public:
  /// Makes 0 yuan.
  constexpr money() noexcept = default;
  money(double) = delete;  // floating point is never exact: parse a string instead
  money(float) = delete;
  money(long double) = delete;

  /// Makes `n` whole yuan (same as `from_int`); throws money_overflow.
  [[nodiscard]] static constexpr money yuan(std::int64_t n) { return from_int(n); }
  template <std::floating_point F>
  static money yuan(F) = delete;  // floating point is never exact: parse a string instead

  /// Reads a quantity as an amount of yuan, where a policy turns a number into money.
  [[nodiscard]] static constexpr money from_decimal(const decimal& d) noexcept { return make(d.raw()); }

  /// Multiplies by a quantity exactly (1.5 yuan/km × 86.5 km = 129.75); throws
  /// money_inexact when the product needs more than 4 decimal places, money_overflow
  /// when it leaves the range.
  friend constexpr money operator*(const money& a, const decimal& b) {
    return make(detail::mul_exact_raw(a.raw(), b.raw()));
  }
  /// Multiplies by a quantity exactly, as `money * decimal`.
  friend constexpr money operator*(const decimal& b, const money& a) { return a * b; }

  /// Multiplies by a quantity and rounds the product once, by `mode`, to `decimals`
  /// (0..4) decimal places.
  [[nodiscard]] constexpr money mul(const decimal& b, rounding mode, int decimals = scale) const {
    return make(detail::mul_div_raw(raw(), b.raw(), one, detail::unit_of(decimals), mode));
  }

 private:
  friend class detail::fixed_point<money>;
  static constexpr const char* noun_ = "amount";
};

template <class T>
constexpr T detail::fixed_point<T>::mul_div(const decimal& num, const decimal& den, rounding mode,
                                            int decimals) const {
  // value × (num.raw / 10^4) / (den.raw / 10^4) = value × num.raw / den.raw
  return make(mul_div_raw(raw_, num.raw(), den.raw(), unit_of(decimals), mode));
}

}  // namespace rulebook
