#include "detail/text.hpp"

#include <algorithm>

namespace rulebook::detail {

char32_t next_code_point(std::string_view s, std::size_t& i) noexcept {
  const auto lead = static_cast<unsigned char>(s[i]);
  const int extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
  char32_t cp = extra == 0 ? lead : (lead & (0x3F >> extra));
  std::size_t j = i + 1;
  for (int k = 0; k < extra; ++k, ++j) {
    if (j >= s.size() || (static_cast<unsigned char>(s[j]) & 0xC0) != 0x80) {
      ++i;
      return lead;
    }
    cp = (cp << 6) | (static_cast<unsigned char>(s[j]) & 0x3F);
  }
  i = j;
  return cp;
}

int display_width(char32_t cp) noexcept {
  const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
  return wide ? 2 : 1;
}

int display_width(std::string_view s) noexcept {
  int width = 0;
  for (std::size_t i = 0; i < s.size();) width += display_width(next_code_point(s, i));
  return width;
}

std::string pad(std::string_view s, int width, bool right_align) {
  const int blanks = width - display_width(s);
  std::string out;
  if (right_align && blanks > 0) out.append(static_cast<std::size_t>(blanks), ' ');
  out += s;
  if (!right_align && blanks > 0) out.append(static_cast<std::size_t>(blanks), ' ');
  return out;
}

std::optional<int> whole_number(std::string_view text, std::size_t max_digits) noexcept {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  int value = 0;
  for (const char ch : text) {
    if (ch < '0' || ch > '9') return std::nullopt;
    value = value * 10 + (ch - '0');
  }
  return value;
}

int utf8_length(const char* p, const char* end) noexcept {
  const unsigned b = static_cast<unsigned char>(*p);
  int n = 0;
  unsigned low = 0x80, high = 0xBF;  // the range of the second byte
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) n = 2;
  else if (b == 0xE0) n = 3, low = 0xA0;
  else if (b == 0xED) n = 3, high = 0x9F;
  else if (b >= 0xE1 && b <= 0xEF) n = 3;
  else if (b == 0xF0) n = 4, low = 0x90;
  else if (b == 0xF4) n = 4, high = 0x8F;
  else if (b >= 0xF1 && b <= 0xF3) n = 4;
  else return 0;
  for (int k = 1; k < n; ++k) {
    if (p + k >= end) return -1;
    const unsigned c = static_cast<unsigned char>(p[k]);
    if (c < (k == 1 ? low : 0x80u) || c > (k == 1 ? high : 0xBFu)) return 0;
  }
  return n;
}


}  // namespace rulebook::detail
