// Fuzzes the expression language: any bytes as the text of a rule's
// expression, parsed and type-checked against the names a member-month
// allowance may read (docs/rule-language.md) and a few parameters. A text that
// compiles is evaluated over two rows — an ordinary member-month and one of
// zeros — with and without a trace; the two must agree. Division by zero and
// overflow are the errors evaluation may raise; anything else is a finding.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "rulebook/expr.hpp"

namespace rb = rulebook;

namespace {

struct fixture {
  rb::scope names;
  std::vector<rb::value> ordinary;
  std::vector<rb::value> zeros;

  fixture() {
    const auto number = [&](const char* name, const char* v, const char* zero = "0") {
      names.declare(name, rb::value_type::number);
      ordinary.push_back(rb::value::of(rb::decimal::parse(v)));
      zeros.push_back(rb::value::of(rb::decimal::parse(zero)));
    };
    const auto amount = [&](const char* name, const char* v) {
      names.declare(name, rb::value_type::money);
      ordinary.push_back(rb::value::of(rb::money::parse(v)));
      zeros.push_back(rb::value::of(rb::money{}));
    };
    const auto day = [&](const char* name, rb::date d) {
      names.declare(name, rb::value_type::date);
      ordinary.push_back(rb::value::of(d));
      zeros.push_back(rb::value::of(d));
    };
    number("days_in_village", "22");
    number("round_trips", "5");
    number("days_away_on_duty", "2");
    number("days_in_month", "31", "28");
    number("days_served", "31");
    number("days_in_period", "365", "1");
    number("distance_km", "86.5");
    names.declare("role", rb::value_type::text);
    ordinary.push_back(rb::value::of_text("leader"));
    zeros.push_back(rb::value::of_text(""));
    day("period_start", rb::date(2019, 1, 1));
    day("period_end", rb::date(2019, 12, 31));
    amount("living_per_day", "100");
    amount("transport_per_km", "1.5");
    amount("accident_cover_minimum", "200000");
    number("max_round_trips_per_month", "4");
    number("legs_per_round_trip", "2");
    number("excellent_share", "0.2");
  }
};

void run(const rb::expression& e, const std::vector<rb::value>& slots) {
  std::optional<rb::value> plain;
  try {
    plain = e.evaluate(slots);
    if (plain->type() != e.type()) std::abort();
  } catch (const rb::evaluation_error&) {
  } catch (const rb::money_error&) {
  }
  std::vector<std::string> steps;
  std::optional<rb::value> traced;
  try {
    traced = e.evaluate_explained(slots, steps);
  } catch (const rb::evaluation_error&) {
  } catch (const rb::money_error&) {
  }
  if (plain != traced) std::abort();  // a trace must not change the result
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fixture f;
  const std::string_view text = rulebook_fuzz::as_text(data, size);
  std::vector<rb::diagnostic> problems;
  const std::optional<rb::expression> e =
      rb::compile_expression(text, {"fuzz.yaml", 1, 1, {}}, f.names, std::nullopt, problems);
  if (!e) {
    if (problems.empty()) std::abort();  // a refusal must say why
    (void)rb::format(problems);
    return 0;
  }
  if (!problems.empty() && rb::has_errors(problems)) std::abort();
  run(*e, f.ordinary);
  run(*e, f.zeros);
  return 0;
}
