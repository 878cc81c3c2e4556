// Internal: the CLI's plain text tables.
#pragma once

#include <algorithm>
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "detail/text.hpp"

namespace rulebook::cli {

/// A plain text table whose columns are aligned by terminal width, so that
/// Chinese names line up.
class table {
 public:
  explicit table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostream& out, std::size_t first_numeric) const {
    std::vector<int> widths(rows_.front().size(), 0);
    for (const auto& r : rows_)
      for (std::size_t i = 0; i < r.size(); ++i) widths[i] = std::max(widths[i], detail::display_width(r[i]));
    for (const auto& r : rows_) {
      std::string line;
      for (std::size_t i = 0; i < r.size(); ++i)
        line += (i ? "  " : "") + detail::pad(r[i], widths[i], i >= first_numeric);
      line.erase(line.find_last_not_of(' ') + 1);
      out << line << '\n';
    }
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace rulebook::cli
