#include "detail/messages.hpp"

namespace rulebook::detail {

std::string in_quotes(std::string_view text) {
  constexpr std::size_t max_shown = 60;
  constexpr std::string_view hex = "0123456789abcdef";
  std::string out = "'";
  for (const char ch : text.substr(0, max_shown)) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte < 0x20 || byte == 0x7f) {
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 0xf];
    } else {
      out += ch;
    }
  }
  if (text.size() > max_shown) out += "...";
  out += '\'';
  return out;
}

std::string in_quotes_list(std::span<const std::string> words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " and " : ", ";
    out += in_quotes(words[i]);
  }
  return out;
}

std::string join(std::span<const std::string_view> words) {
  std::string out;
  for (const std::string_view w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

std::string suggestion(std::string_view word, std::span<const std::string_view> candidates,
                       std::string_view allowed_intro) {
  const std::string_view near = closest_match(word, candidates);
  if (!near.empty()) return "did you mean '" + std::string(near) + "'?";
  return std::string(allowed_intro) + ": " + join(candidates);
}

std::string with_article(std::string_view noun) {
  // "an insurance policy", "an assessment", but "a unit" (said "you-nit").
  const bool vowel_sound = !noun.empty() && std::string_view("aeiou").find(noun.front()) != std::string_view::npos &&
                           !noun.starts_with("uni");
  return (vowel_sound ? "an " : "a ") + std::string(noun);
}

std::string plural(std::string_view noun) {
  if (noun.ends_with("y") && !noun.ends_with("ey")) return std::string(noun.substr(0, noun.size() - 1)) + "ies";
  return std::string(noun) + "s";
}

std::string indexed(std::string_view name, std::size_t index) {
  return std::string(name) + "[" + std::to_string(index) + "]";
}

std::string describe(const source_location& at) {
  return at.file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
}

}  // namespace rulebook::detail
