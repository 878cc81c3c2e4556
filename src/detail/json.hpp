// Internal: a strict JSON reader (RFC 8259) that builds the same tree as the
// YAML reader, so that a county given as JSON text goes through the county
// loader's checks unchanged (docs/data-format.md, "JSON").
//
//   yaml::parse_result parsed = json::parse(R"({"county": {"id": "qiyang", "name": "祁阳县"}})");
//   if (parsed.error) report(parsed.error->where, parsed.error->message);
//
// Why not the YAML reader: JSON is nearly YAML 1.2 flow syntax, but a caller
// who sends JSON expects JSON's rules — `{a: 1}`, `'text'`, comments and a
// trailing comma are errors here, as every JSON parser says, not quietly read.
//
// The tree is the YAML reader's (detail/yaml.hpp): a string is a
// double-quoted scalar, a number, `true` and `false` are plain scalars with
// their text as written (never converted to binary floating point), `null` is
// a null node, arrays are sequences, objects are maps with their members in
// text order, duplicate names kept (the checked accessors report them).
// Positions are 1-based lines and code-point columns, as the YAML reader's.
#pragma once

#include <string_view>

#include "detail/yaml.hpp"

namespace rulebook::detail::json {

/// Parses UTF-8 JSON `text`: one value, surrounded by whitespace at most (a
/// byte-order mark accepted). The first error ends the parse and is returned
/// with where it is, what was expected there and, where it helps, a hint.
/// Arrays and objects nested more than `yaml::max_depth` deep are an error.
[[nodiscard]] yaml::parse_result parse(std::string_view text);

}  // namespace rulebook::detail::json
