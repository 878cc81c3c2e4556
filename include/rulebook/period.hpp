// rulebook/period.hpp — calendar dates, months and the periods a policy is
// evaluated over, and how much of a month a term of service covers.
//
// Policies speak of months ("paid monthly"), quarters ("assessed each
// quarter"), half-years and years, and prorate by the days a member served in
// a month. This header gives those notions one canonical text form and one
// arithmetic, built on Boost.Date_Time's proleptic Gregorian `date`:
//
//   auto q3 = rulebook::parse_period("2019-Q3");             // 2019-07-01..2019-09-30
//   for (rulebook::year_month m : q3->months()) { ... }      // 2019-07, 2019-08, 2019-09
//   rulebook::date_range service = rulebook::date_range::from(rulebook::date(2019, 7, 16));
//   rulebook::served_share(service, {2019, 7});               // {.days = 16, .of = 31}
//
//   std::string why;
//   if (!rulebook::parse_date("2019-02-30", &why))
//     std::cerr << why;  // "2019-02-30" is not a date: February 2019 has 28 days
//
// Text is ISO 8601 (`YYYY-MM-DD`, `YYYY-MM`, and `YYYY-Qn`, `YYYY-Hn` for
// quarters and half-years), with years 1900 to 9999. The parsers never throw on
// bad input: they return nothing and say in `*error` what was expected and why
// the text is not it.
//
// Thread safety: every type here is a plain value and every function is pure;
// all may be used from many threads at once.
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <compare>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/date_time/gregorian/gregorian_types.hpp>

namespace rulebook {

/// A calendar day (proleptic Gregorian). Boost's constructor throws
/// `std::out_of_range` on an invalid day; build dates from text with
/// `parse_date`, which does not.
using date = boost::gregorian::date;

/// Bounds from below the years the parsers accept.
inline constexpr int min_year = 1900;
/// Bounds from above the years the parsers accept; also the year of `date_range::open_end()`.
inline constexpr int max_year = 9999;

/// Tells whether `year` has a 29 February: every fourth year, except
/// centuries not divisible by 400 (1900 is not leap, 2000 is).
[[nodiscard]] constexpr bool is_leap_year(int year) noexcept {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/// Returns the number of days in `month` (1..12) of `year`, or 0 when the
/// month is not 1..12.
[[nodiscard]] constexpr int days_in_month(int year, int month) noexcept {
  constexpr std::array<int, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && is_leap_year(year)) return 29;
  return days[static_cast<std::size_t>(month - 1)];
}

namespace detail {

/// Makes a date from `int`s. Boost's fields are `unsigned short`, so a year
/// such as 70000 would wrap to a valid-looking 4464; out-of-range values
/// throw the `std::out_of_range` Boost throws for them instead.
inline date make_date(int y, int m, int d) {
  if (y < 1400 || y > max_year) throw boost::gregorian::bad_year();
  if (m < 1 || m > 12) throw boost::gregorian::bad_month();
  if (d < 1 || d > 31) throw boost::gregorian::bad_day_of_month();
  return date(static_cast<unsigned short>(y), static_cast<unsigned short>(m),
              static_cast<unsigned short>(d));
}

}  // namespace detail

/// Formats a date as ISO 8601 extended text, `2019-07-01`. Boost's special
/// values print as `not-a-date-time`, `+infinity` and `-infinity`.
[[nodiscard]] std::string to_string(date d);

/// A calendar month, the unit most policies pay and prorate by.
/// A default-constructed value is 0000-00, which is no month: set both fields.
struct year_month {
  int year = 0;
  int month = 0;  // 1..12

  friend auto operator<=>(const year_month&, const year_month&) = default;
  friend bool operator==(const year_month&, const year_month&) = default;

  /// Returns the first day of the month. Expects a valid month.
  [[nodiscard]] date first_day() const { return detail::make_date(year, month, 1); }
  /// Returns the last day of the month. Expects a valid month.
  [[nodiscard]] date last_day() const { return detail::make_date(year, month, days_in_month(year, month)); }
  /// Returns the number of days in the month (28 to 31).
  [[nodiscard]] int days() const noexcept { return days_in_month(year, month); }
  /// Returns the month after this one (2019-12 → 2020-01).
  [[nodiscard]] year_month next() const noexcept {
    return month >= 12 ? year_month{year + 1, 1} : year_month{year, month + 1};
  }
  /// Returns the month before this one (2020-01 → 2019-12).
  [[nodiscard]] year_month prev() const noexcept {
    return month <= 1 ? year_month{year - 1, 12} : year_month{year, month - 1};
  }
  /// Formats the month as `YYYY-MM`, e.g. `2019-07`.
  [[nodiscard]] std::string to_string() const;
  /// Returns the month that `d` falls in.
  [[nodiscard]] static year_month of(date d) {
    const auto ymd = d.year_month_day();
    return {static_cast<int>(ymd.year), static_cast<int>(ymd.month)};
  }
};

/// A closed, non-empty run of days `[first, last]`: both ends count.
/// Invariant (kept by the factories and parsers, expected of callers who fill
/// the fields themselves): `first <= last`.
struct date_range {
  date first;
  date last;

  friend bool operator==(const date_range&, const date_range&) = default;

  /// Returns the last day of time as rulebook counts it, 9999-12-31: the end
  /// of a range that has not ended.
  [[nodiscard]] static date open_end() { return detail::make_date(max_year, 12, 31); }
  /// Returns the open-ended range from `first` on (it ends on `open_end()`),
  /// as for a member still serving.
  [[nodiscard]] static date_range from(date first) { return {first, open_end()}; }

  /// Counts the days in the range, both ends included (a one-day range has 1).
  [[nodiscard]] int days() const { return static_cast<int>((last - first).days()) + 1; }
  /// Tells whether `d` lies in the range, ends included.
  [[nodiscard]] bool contains(date d) const { return first <= d && d <= last; }
  /// Tells whether the range runs to the end of time (see `from`).
  [[nodiscard]] bool open_ended() const { return last == open_end(); }
};

/// Returns the days two ranges share, or nothing when they share none.
/// Ranges touching on one day overlap by that day.
[[nodiscard]] inline std::optional<date_range> overlap(const date_range& a, const date_range& b) {
  const date first = std::max(a.first, b.first);
  const date last = std::min(a.last, b.last);
  if (last < first) return std::nullopt;
  return date_range{first, last};
}

/// Counts the days two ranges share; 0 when they are disjoint.
[[nodiscard]] inline int days_overlapping(const date_range& a, const date_range& b) {
  const auto o = overlap(a, b);
  return o ? o->days() : 0;
}

/// What a `period` was made as; it decides the period's label.
enum class period_kind { day, month, quarter, half_year, year, range };

/// A span of days a policy is evaluated over: a day, a calendar month,
/// quarter, half-year or year, or an arbitrary range of days. Two periods are
/// equal only when both kind and days agree, so `of_month(2019, 7)` differs
/// from `of_range(2019-07-01, 2019-07-31)`, as their labels do.
struct period {
  period_kind kind = period_kind::range;
  date_range range;

  friend bool operator==(const period&, const period&) = default;

  /// Makes the period of one day.
  [[nodiscard]] static period of_day(date d) { return {period_kind::day, {d, d}}; }
  /// Makes the period of month `m` (1..12) of `year`. Expects valid values;
  /// Boost throws `std::out_of_range` otherwise. Untrusted text goes through
  /// `parse_period`.
  [[nodiscard]] static period of_month(int year, int m) { return of_month({year, m}); }
  /// Makes the period of the month `m`.
  [[nodiscard]] static period of_month(year_month m) {
    return {period_kind::month, {m.first_day(), m.last_day()}};
  }
  /// Makes the period of quarter `q` (1..4) of `year`: Q1 is January to March.
  [[nodiscard]] static period of_quarter(int year, int q) {
    return {period_kind::quarter,
            {year_month{year, 3 * q - 2}.first_day(), year_month{year, 3 * q}.last_day()}};
  }
  /// Makes the period of half-year `h` (1..2) of `year`: H1 is January to June.
  [[nodiscard]] static period of_half_year(int year, int h) {
    return {period_kind::half_year,
            {year_month{year, 6 * h - 5}.first_day(), year_month{year, 6 * h}.last_day()}};
  }
  /// Makes the period of the calendar year `year`.
  [[nodiscard]] static period of_year(int year) {
    return {period_kind::year, {detail::make_date(year, 1, 1), detail::make_date(year, 12, 31)}};
  }
  /// Makes the period of the days `from` to `to`, both included. Expects
  /// `from <= to`.
  [[nodiscard]] static period of_range(date from, date to) {
    assert(from <= to && "period::of_range: the range ends before it starts");
    return {period_kind::range, {from, to}};
  }

  /// Returns the first day of the period.
  [[nodiscard]] date first() const { return range.first; }
  /// Returns the last day of the period.
  [[nodiscard]] date last() const { return range.last; }
  /// Counts the days in the period.
  [[nodiscard]] int days() const { return range.days(); }
  /// Tells whether `d` lies in the period.
  [[nodiscard]] bool contains(date d) const { return range.contains(d); }

  /// Formats the period canonically, as `parse_period` reads it back:
  /// `2019-07-01`, `2019-07`, `2019-Q3`, `2019-H2`, `2019`, or
  /// `2019-01-01..2019-06-30` for a range.
  [[nodiscard]] std::string label() const;

  /// Lists every month the period touches, in order, including months it
  /// covers only in part.
  [[nodiscard]] std::vector<year_month> months() const;
  /// Lists every calendar quarter the period touches, in order, as quarter
  /// periods; partly covered quarters are included.
  [[nodiscard]] std::vector<period> quarters() const;
  /// Lists every calendar year the period touches, in order.
  [[nodiscard]] std::vector<int> years() const;
};

/// Counts the days of month `m` that fall within `service` (0 when none do).
[[nodiscard]] inline int days_served(const date_range& service, year_month m) {
  return days_overlapping(service, {m.first_day(), m.last_day()});
}

/// The part of a month served, as a fraction `days / of` left unreduced, so
/// that proration can be done exactly (e.g. money × days ÷ of).
struct month_share {
  int days = 0;  // days of the month served
  int of = 0;    // days in the month

  friend bool operator==(const month_share&, const month_share&) = default;
};

/// Returns how much of month `m` falls within `service`: a member joining on
/// 2019-07-16 serves {16, 31} of July 2019.
[[nodiscard]] inline month_share served_share(const date_range& service, year_month m) {
  return {days_served(service, m), m.days()};
}

/// Reads a date written `YYYY-MM-DD` (digits only, no spaces, year 1900 to
/// 9999). On failure returns nothing and, when `error` is given, stores why,
/// e.g. `"2019-02-30" is not a date: February 2019 has 28 days`.
[[nodiscard]] std::optional<date> parse_date(std::string_view text, std::string* error = nullptr);

/// Reads a month written `YYYY-MM`. On failure returns nothing and, when
/// `error` is given, stores why, e.g. `"2019-13" is not a month: months run 01 to 12`.
[[nodiscard]] std::optional<year_month> parse_month(std::string_view text,
                                                    std::string* error = nullptr);

/// Reads a period in one of the forms `period::label` writes: `YYYY`,
/// `YYYY-MM`, `YYYY-Qn` (n = 1..4), `YYYY-Hn` (n = 1..2), `YYYY-MM-DD`, or
/// `FROM..TO` with two dates, FROM not after TO. On failure returns nothing
/// and, when `error` is given, stores why.
[[nodiscard]] std::optional<period> parse_period(std::string_view text,
                                                 std::string* error = nullptr);

// ---- implementation ------------------------------------------------------------

namespace detail {

/// Appends `value` in decimal, zero-padded to `width` digits.
inline void append_padded(std::string& out, int value, int width) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  if (value < 0) out += '-';
  for (int i = static_cast<int>(digits.size()); i < width; ++i) out += '0';
  out += digits;
}

/// Quotes user text for an error message: control characters, quotes and
/// backslashes escaped, very long text cut short, so the message stays one
/// readable line whatever was fed in.
inline std::string quote(std::string_view text) {
  constexpr std::size_t max_shown = 40;
  constexpr std::string_view hex = "0123456789abcdef";
  std::string out = "\"";
  const std::string_view shown = text.substr(0, max_shown);
  for (const char c : shown) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 0xf];
    } else {
      out += c;
    }
  }
  if (text.size() > max_shown) out += "...";
  out += '"';
  return out;
}

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// Tells whether `text[pos, pos + n)` exists and is all ASCII digits.
inline bool digits_at(std::string_view text, std::size_t pos, std::size_t n) noexcept {
  if (pos + n > text.size()) return false;
  for (std::size_t i = pos; i < pos + n; ++i)
    if (!is_digit(text[i])) return false;
  return true;
}

/// Reads `n` digits at `pos`; the caller has checked them with `digits_at`.
inline int number_at(std::string_view text, std::size_t pos, std::size_t n) noexcept {
  int value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) value = value * 10 + (text[i] - '0');
  return value;
}

/// Tells whether `text` has the shape `DDDD-DD`.
inline bool month_shaped(std::string_view text) noexcept {
  return text.size() == 7 && digits_at(text, 0, 4) && text[4] == '-' && digits_at(text, 5, 2);
}

/// Tells whether `text` has the shape `DDDD-DD-DD`.
inline bool date_shaped(std::string_view text) noexcept {
  return text.size() == 10 && month_shaped(text.substr(0, 7)) && text[7] == '-' &&
         digits_at(text, 8, 2);
}

/// Says, for a shape error, that spaces are not allowed when the text has any:
/// the commonest reason a copied value fails to read.
inline std::string space_note(std::string_view text) {
  const bool spaced = text.find_first_of(" \t\r\n\v\f") != std::string_view::npos;
  return spaced ? " (without spaces)" : "";
}

inline constexpr std::array<std::string_view, 12> month_names{
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

/// Why a date-shaped text is not a date, or empty when it is one.
inline std::string date_value_problem(int y, int m, int d) {
  if (y < min_year) return "years run 1900 to 9999";
  if (m < 1 || m > 12) return "months run 01 to 12";
  if (d < 1) return "days of a month run from 01";
  const int n = days_in_month(y, m);
  if (d > n) {
    std::string why(month_names[static_cast<std::size_t>(m - 1)]);
    why += ' ';
    why += std::to_string(y);
    why += " has ";
    why += std::to_string(n);
    why += " days";
    return why;
  }
  return {};
}

/// The outcome of reading one date: the date, or a reason and whether the
/// text failed by its shape (not `YYYY-MM-DD` at all) or by its value.
struct date_reading {
  std::optional<date> value;
  bool bad_shape = false;
  std::string why;
};

inline date_reading read_date(std::string_view text) {
  if (!date_shaped(text)) return {std::nullopt, true, {}};
  const int y = number_at(text, 0, 4);
  const int m = number_at(text, 5, 2);
  const int d = number_at(text, 8, 2);
  std::string why = date_value_problem(y, m, d);
  if (!why.empty()) return {std::nullopt, false, std::move(why)};
  // Pre-validated above, so Boost's constructor cannot throw here.
  return {make_date(y, m, d), false, {}};
}

inline void set_error(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
}

/// Reads `YYYY-Qn` or `YYYY-Hn` (`letter` is 'Q' or 'H'); `text` has length 7
/// and the letter (either case) at index 5.
inline std::optional<period> read_part_of_year(std::string_view text, char letter,
                                               std::string* error) {
  const bool quarter = letter == 'Q';
  const std::string_view noun = quarter ? "quarter" : "half-year";
  const std::string_view form = quarter ? "YYYY-Qn" : "YYYY-Hn";
  const int count = quarter ? 4 : 2;
  if (!digits_at(text, 0, 4) || text[4] != '-') {
    set_error(error, quote(text) + ": expected a " + std::string(noun) + " as " +
                         std::string(form) + space_note(text));
    return std::nullopt;
  }
  if (text[5] != letter) {
    set_error(error, quote(text) + ": expected a " + std::string(noun) + " as " +
                         std::string(form) + ", with a capital " + std::string(1, letter));
    return std::nullopt;
  }
  const int y = number_at(text, 0, 4);
  const char c = text[6];
  const int n = is_digit(c) ? c - '0' : 0;
  if (n < 1 || n > count) {
    set_error(error, quote(text) + " is not a " + std::string(noun) + ": " +
                         (quarter ? "quarters run Q1 to Q4" : "half-years run H1 to H2"));
    return std::nullopt;
  }
  if (y < min_year) {
    set_error(error, quote(text) + " is not a " + std::string(noun) + ": years run 1900 to 9999");
    return std::nullopt;
  }
  return quarter ? period::of_quarter(y, n) : period::of_half_year(y, n);
}

/// Reads `FROM..TO`; `text` contains "..".
inline std::optional<period> read_range(std::string_view text, std::size_t dots,
                                        std::string* error) {
  const std::string_view ends[2] = {text.substr(0, dots), text.substr(dots + 2)};
  const std::string_view names[2] = {"start", "end"};
  date found[2];
  for (int i = 0; i < 2; ++i) {
    date_reading r = read_date(ends[i]);
    if (r.value) {
      found[i] = *r.value;
    } else if (r.bad_shape) {
      set_error(error, quote(text) + ": expected a range as YYYY-MM-DD..YYYY-MM-DD, but its " +
                           std::string(names[i]) + " " + quote(ends[i]) + " is not a YYYY-MM-DD" +
                           space_note(ends[i]));
      return std::nullopt;
    } else {
      set_error(error, quote(text) + ": its " + std::string(names[i]) + " " + quote(ends[i]) +
                           " is not a date: " + r.why);
      return std::nullopt;
    }
  }
  if (found[1] < found[0]) {
    set_error(error, quote(text) + ": the range ends before it starts");
    return std::nullopt;
  }
  return period::of_range(found[0], found[1]);
}

}  // namespace detail

inline std::string to_string(date d) {
  if (d.is_not_a_date()) return "not-a-date-time";
  if (d.is_pos_infinity()) return "+infinity";
  if (d.is_neg_infinity()) return "-infinity";
  const auto ymd = d.year_month_day();
  std::string out;
  out.reserve(10);
  detail::append_padded(out, static_cast<int>(ymd.year), 4);
  out += '-';
  detail::append_padded(out, static_cast<int>(ymd.month), 2);
  out += '-';
  detail::append_padded(out, static_cast<int>(ymd.day), 2);
  return out;
}

inline std::string year_month::to_string() const {
  std::string out;
  out.reserve(7);
  detail::append_padded(out, year, 4);
  out += '-';
  detail::append_padded(out, month, 2);
  return out;
}

inline std::string period::label() const {
  const year_month m = year_month::of(range.first);
  std::string out;
  switch (kind) {
    case period_kind::day:
      return rulebook::to_string(range.first);
    case period_kind::month:
      return m.to_string();
    case period_kind::quarter:
      detail::append_padded(out, m.year, 4);
      out += "-Q";
      out += static_cast<char>('0' + (m.month - 1) / 3 + 1);
      return out;
    case period_kind::half_year:
      detail::append_padded(out, m.year, 4);
      out += "-H";
      out += static_cast<char>('0' + (m.month - 1) / 6 + 1);
      return out;
    case period_kind::year:
      detail::append_padded(out, m.year, 4);
      return out;
    case period_kind::range:
      break;
  }
  return rulebook::to_string(range.first) + ".." + rulebook::to_string(range.last);
}

inline std::vector<year_month> period::months() const {
  std::vector<year_month> out;
  const year_month end = year_month::of(range.last);
  for (year_month m = year_month::of(range.first); m <= end; m = m.next()) out.push_back(m);
  return out;
}

inline std::vector<period> period::quarters() const {
  std::vector<period> out;
  const year_month a = year_month::of(range.first);
  const year_month b = year_month::of(range.last);
  // Number quarters consecutively across years so one loop walks them all.
  const int first = a.year * 4 + (a.month - 1) / 3;
  const int last = b.year * 4 + (b.month - 1) / 3;
  for (int q = first; q <= last; ++q) out.push_back(of_quarter(q / 4, q % 4 + 1));
  return out;
}

inline std::vector<int> period::years() const {
  std::vector<int> out;
  const int last = year_month::of(range.last).year;
  for (int y = year_month::of(range.first).year; y <= last; ++y) out.push_back(y);
  return out;
}

inline std::optional<date> parse_date(std::string_view text, std::string* error) {
  detail::date_reading r = detail::read_date(text);
  if (r.value) return r.value;
  if (r.bad_shape)
    detail::set_error(error,
                      detail::quote(text) + ": expected a date as YYYY-MM-DD" +
                          detail::space_note(text));
  else
    detail::set_error(error, detail::quote(text) + " is not a date: " + r.why);
  return std::nullopt;
}

inline std::optional<year_month> parse_month(std::string_view text, std::string* error) {
  if (!detail::month_shaped(text)) {
    detail::set_error(error,
                      detail::quote(text) + ": expected a month as YYYY-MM" +
                          detail::space_note(text));
    return std::nullopt;
  }
  const int y = detail::number_at(text, 0, 4);
  const int m = detail::number_at(text, 5, 2);
  if (m < 1 || m > 12) {
    detail::set_error(error, detail::quote(text) + " is not a month: months run 01 to 12");
    return std::nullopt;
  }
  if (y < min_year) {
    detail::set_error(error, detail::quote(text) + " is not a month: years run 1900 to 9999");
    return std::nullopt;
  }
  return year_month{y, m};
}

inline std::optional<period> parse_period(std::string_view text, std::string* error) {
  if (const std::size_t dots = text.find(".."); dots != std::string_view::npos)
    return detail::read_range(text, dots, error);

  if (text.size() == 4 && detail::digits_at(text, 0, 4)) {
    const int y = detail::number_at(text, 0, 4);
    if (y < min_year) {
      detail::set_error(error, detail::quote(text) + " is not a year: years run 1900 to 9999");
      return std::nullopt;
    }
    return period::of_year(y);
  }
  if (text.size() == 7 && (text[5] == 'Q' || text[5] == 'q'))
    return detail::read_part_of_year(text, 'Q', error);
  if (text.size() == 7 && (text[5] == 'H' || text[5] == 'h'))
    return detail::read_part_of_year(text, 'H', error);
  if (detail::month_shaped(text)) {
    auto m = parse_month(text, error);
    if (!m) return std::nullopt;
    return period::of_month(*m);
  }
  if (detail::date_shaped(text)) {
    auto d = parse_date(text, error);
    if (!d) return std::nullopt;
    return period::of_day(*d);
  }
  detail::set_error(error, detail::quote(text) +
                               ": expected a period as YYYY, YYYY-MM, YYYY-Qn, YYYY-Hn, "
                               "YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD" +
                               detail::space_note(text));
  return std::nullopt;
}

}  // namespace rulebook
