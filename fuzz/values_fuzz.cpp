// Fuzzes the parsers of single values: money and decimal amounts, dates,
// months and periods. Each must either read the bytes or say why not, never
// crash; and what it reads must print back to text it reads as the same value.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "rulebook/money.hpp"
#include "rulebook/period.hpp"

namespace {

template <class T>
void round_trip_amount(std::string_view text) {
  std::string why;
  const std::optional<T> v = T::try_parse(text, &why);
  if (!v) {
    if (why.empty()) std::abort();  // a refusal must say why
    return;
  }
  const std::optional<T> again = T::try_parse(v->to_string());
  if (!again || *again != *v) std::abort();
  for (int places = 0; places <= 4; ++places) {
    try {
      if (T::parse(v->to_string(places)) != *v) std::abort();
    } catch (const rulebook::money_inexact&) {
      // more places than asked for: the one refusal to_string(places) may give
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = rulebook_fuzz::as_text(data, size);
  round_trip_amount<rulebook::money>(text);
  round_trip_amount<rulebook::decimal>(text);

  std::string why;
  if (const std::optional<rulebook::date> d = rulebook::parse_date(text, &why)) {
    if (rulebook::parse_date(rulebook::to_string(*d)) != d) std::abort();
  } else if (why.empty()) {
    std::abort();
  }
  why.clear();
  if (const std::optional<rulebook::year_month> m = rulebook::parse_month(text, &why)) {
    if (rulebook::parse_month(m->to_string()) != m) std::abort();
  } else if (why.empty()) {
    std::abort();
  }
  why.clear();
  if (const std::optional<rulebook::period> p = rulebook::parse_period(text, &why)) {
    if (rulebook::parse_period(p->label()) != p) std::abort();
    if (p->first() > p->last() || p->days() < 1) std::abort();
  } else if (why.empty()) {
    std::abort();
  }
  return 0;
}
