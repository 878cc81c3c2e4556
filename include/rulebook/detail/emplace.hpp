// Internal: appending an aggregate built in place from its fields.
#pragma once

#include <utility>
#include <vector>

namespace rulebook::detail {

/// Appends a `T` made from `fields`, in order, and returns it. Where the compiler
/// makes aggregates from parentheses (C++20; clang before 16 does not), it is
/// made in place, each field once, and not zeroed first as `emplace_back()` and
/// assignments would; elsewhere it is made beside and moved in.
template <class T, class... Fields>
T& emplace_aggregate(std::vector<T>& list, Fields&&... fields) {
#if defined(__cpp_aggregate_paren_init)
  return list.emplace_back(std::forward<Fields>(fields)...);
#else
  list.push_back(T{std::forward<Fields>(fields)...});
  return list.back();
#endif
}

}  // namespace rulebook::detail
