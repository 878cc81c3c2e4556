// Internal: the words every loader's messages are built from — quoting user
// text, listing names, "did you mean", articles and plurals — so that the
// county loaders (YAML and CSV) and the policy loader speak alike.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "rulebook/diagnostic.hpp"

namespace rulebook::detail {

/// Quotes user text in single quotes for a message, escaping control
/// characters and cutting very long text, so that a message stays one line.
[[nodiscard]] std::string in_quotes(std::string_view text);

/// "'a'", "'a' and 'b'", "'a', 'b' and 'c'".
[[nodiscard]] std::string in_quotes_list(std::span<const std::string> words);

/// "a, b, c".
[[nodiscard]] std::string join(std::span<const std::string_view> words);

/// "did you mean 'x'?" when `word` is a plausible typo of a candidate; else a
/// list of what is allowed, introduced by `allowed_intro`.
[[nodiscard]] std::string suggestion(std::string_view word, std::span<const std::string_view> candidates,
                                     std::string_view allowed_intro);

/// "a unit" / "an assessment": `an` before a vowel sound, which for the nouns
/// of rulebook's messages is a vowel letter, except the "you" of `uni…`.
[[nodiscard]] std::string with_article(std::string_view noun);

/// "units", "insurance policies".
[[nodiscard]] std::string plural(std::string_view noun);

/// "teams[3]": a key into a list, as source maps and messages name elements.
[[nodiscard]] std::string indexed(std::string_view name, std::size_t index);

/// `file:line:col` of a position, as diagnostics print it.
[[nodiscard]] std::string describe(const source_location& at);

}  // namespace rulebook::detail
