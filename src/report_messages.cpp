// The message catalogue (report_messages.hpp) and the translation of the
// engine's explanations into a Chinese report's words.
#include "report_messages.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace rulebook::report {
namespace {

constexpr catalogue_entry entries[] = {
#define RULEBOOK_REPORT_MESSAGE_ENTRY(id, zh, en) {#id, zh, en},
    RULEBOOK_REPORT_MESSAGES(RULEBOOK_REPORT_MESSAGE_ENTRY)
#undef RULEBOOK_REPORT_MESSAGE_ENTRY
};

// Phrases that open a line of an explanation (after its indentation), and
// phrases that may appear anywhere in one. Labels are only matched where they
// open a line, so that "team " inside a rule's English title stays as written.
constexpr msg line_openers[] = {
    msg::ex_weighted,   msg::ex_paid_not_recorded, msg::ex_responsible_unit, msg::ex_responsible, msg::ex_rule_colon,
    msg::ex_rule,       msg::ex_source,            msg::ex_choice,           msg::ex_per,         msg::ex_team,
    msg::ex_input,      msg::ex_when,              msg::ex_piece,            msg::ex_parameter,   msg::ex_amount,
    msg::ex_prorate,    msg::ex_divided,           msg::ex_rounding,         msg::ex_paid,        msg::ex_note,
    msg::ex_finding,    msg::ex_expected,          msg::ex_found,            msg::ex_item,        msg::ex_at_least,
    msg::ex_times,      msg::ex_share,
};
constexpr msg anywhere[] = {
    msg::ex_nothing_owed,   msg::ex_advised,         msg::ex_no_unit,         msg::ex_days_in_period,
    msg::ex_in_force_since, msg::ex_in_force_from,   msg::ex_decimal_places,  msg::ex_days_served,
    msg::ex_days_served_plain, msg::ex_prorate_infix, msg::ex_source_infix,   msg::ex_at_each_item,
    msg::ex_county_choice,  msg::ex_level,           msg::ex_violation_tag,   msg::ex_advisory_tag,
    msg::ex_for_member,     msg::ex_for_team,
};

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

std::string translate_line(std::string_view line) {
  const std::size_t indent = line.find_first_not_of(' ');
  if (indent == std::string_view::npos) return std::string(line);
  std::string out(line.substr(0, indent));
  std::string_view rest = line.substr(indent);
  for (const msg m : line_openers) {
    const std::string_view en = text(language::en, m);
    if (rest.starts_with(en)) {
      out += text(language::zh, m);
      rest.remove_prefix(en.size());
      break;
    }
  }
  std::string tail(rest);
  for (const msg m : anywhere) replace_all(tail, text(language::en, m), text(language::zh, m));
  return out + tail;
}

}  // namespace

static_assert(std::size(entries) > 0);

std::optional<language> parse_language(std::string_view name) noexcept {
  if (name == "zh") return language::zh;
  if (name == "en") return language::en;
  return std::nullopt;
}

std::optional<language> language_of_locale(std::string_view locale) noexcept {
  // language[_territory][.codeset][@modifier]
  const std::size_t end = locale.find_first_of("_.@");
  const std::string_view lang = locale.substr(0, end);
  if (lang == "zh") return language::zh;
  if (lang == "en") return language::en;
  return std::nullopt;
}

language language_from_environment(const char* lc_all, const char* lc_messages, const char* lang) noexcept {
  for (const char* v : {lc_all, lc_messages, lang}) {
    if (v == nullptr || *v == '\0') continue;
    // The first variable set decides, whatever it names (POSIX precedence).
    return language_of_locale(v).value_or(language::zh);
  }
  return language::zh;
}

std::string_view language_code(language l) noexcept { return l == language::zh ? "zh" : "en"; }

std::span<const catalogue_entry> catalogue() noexcept { return entries; }

std::string_view text(language l, msg m) noexcept {
  const catalogue_entry& e = entries[static_cast<std::size_t>(m)];
  return l == language::zh ? e.zh : e.en;
}

std::string say(language l, msg m, std::initializer_list<std::string_view> args) {
  const std::string_view t = text(l, m);
  std::string out;
  out.reserve(t.size() + 32);
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '{') {
      const std::size_t close = t.find('}', i);
      if (close != std::string_view::npos && close > i + 1 && close - i <= 3) {
        std::size_t n = 0;
        bool digits = true;
        for (std::size_t k = i + 1; k < close; ++k) {
          if (!std::isdigit(static_cast<unsigned char>(t[k]))) digits = false;
          else n = n * 10 + static_cast<std::size_t>(t[k] - '0');
        }
        if (digits && n < args.size()) {
          out += *(args.begin() + n);
          i = close;
          continue;
        }
      }
    }
    out += t[i];
  }
  return out;
}

std::string translate_explanation(language l, std::string_view english) {
  if (l == language::en) return std::string(english);
  std::string out;
  out.reserve(english.size() + english.size() / 4);
  while (!english.empty()) {
    const std::size_t nl = english.find('\n');
    out += translate_line(english.substr(0, nl));
    if (nl == std::string_view::npos) break;
    out += '\n';
    english.remove_prefix(nl + 1);
  }
  return out;
}

}  // namespace rulebook::report
