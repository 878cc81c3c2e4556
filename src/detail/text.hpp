// Internal: UTF-8 text measured as a terminal shows it, for diagnostics' carets
// and the CLI's tables.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rulebook::detail {

/// Decodes the code point at byte `i` of `s` and advances `i` past it. A
/// malformed byte is returned as itself and skipped, so bad text still prints.
char32_t next_code_point(std::string_view s, std::size_t& i) noexcept;

/// Terminal columns a code point takes: 2 for East Asian wide characters.
int display_width(char32_t cp) noexcept;

/// Terminal columns `s` takes.
int display_width(std::string_view s) noexcept;

/// `s` padded with blanks to `width` terminal columns, on the right (left
/// aligned) or on the left (right aligned, for numbers).
std::string pad(std::string_view s, int width, bool right_align = false);

/// Reads 1 to `max_digits` ASCII digits (and nothing else) as a whole number.
[[nodiscard]] std::optional<int> whole_number(std::string_view text, std::size_t max_digits) noexcept;

/// The length of the UTF-8 sequence at `p` (RFC 3629: no overlong forms, no
/// surrogates, nothing past U+10FFFF); 0 when it is malformed; -1 when it is a
/// valid beginning cut off by `end`.
int utf8_length(const char* p, const char* end) noexcept;

}  // namespace rulebook::detail
