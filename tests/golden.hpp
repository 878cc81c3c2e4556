// Shared by the golden tests of bad inputs (county_corpus_test, policy_corpus_test):
// each case X sits beside `X.expected`, the header line of every diagnostic that
// loading X must give, in order:
//
//   tests/data/bad-county/unknown-key.yaml:9:5: error[unknown-key]: unknown key 'distance_kn' in a team
//
// Run with RULEBOOK_REGENERATE_GOLDEN=1 to (re)write the `.expected` files from
// what the loader says now, then read the diff before committing it.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "rulebook/diagnostic.hpp"

namespace rulebook::golden {

/// A case: what to load, and the file of its expected diagnostics.
struct corpus_case {
  std::filesystem::path input;
  std::filesystem::path expected;
};

/// Works from the repository root whatever directory the test was started
/// in, so that paths in diagnostics are the repo-relative ones in `.expected`.
inline void enter_repository_root() {
  static const bool entered = [] {
    std::filesystem::current_path(RULEBOOK_SOURCE_DIR);
    return true;
  }();
  (void)entered;
}

/// The lines of a text file, without their ends; nothing when it cannot be read.
inline std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path, std::ios::binary);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

/// The first line of a formatted diagnostic: `file:line:col: error[code]: message`.
inline std::string header(const diagnostic& d) {
  const std::string text = format(d);
  return text.substr(0, text.find('\n'));
}

/// Makes a test name from a file name: letters, digits and '_' only.
inline std::string test_name(const std::filesystem::path& input) {
  std::string name = input.filename().string();
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

/// Expects the headers of `ds` to be the lines of `expected`, in order (first
/// writing them there when RULEBOOK_REGENERATE_GOLDEN is set).
inline void expect_headers(const std::vector<diagnostic>& ds, const std::filesystem::path& expected) {
  std::vector<std::string> actual;
  for (const diagnostic& d : ds) actual.push_back(header(d));
  if (std::getenv("RULEBOOK_REGENERATE_GOLDEN") != nullptr) {
    std::ofstream out(expected, std::ios::binary);
    for (const std::string& line : actual) out << line << '\n';
  }
  ASSERT_TRUE(std::filesystem::exists(expected)) << "missing " << expected << "; the loader says:\n" << format(ds);
  std::vector<std::string> lines = read_lines(expected);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  EXPECT_EQ(actual, lines) << "the loader says:\n" << format(ds);
}

/// Expects each diagnostic to quote the very line of the file it points at.
inline void expect_quoted_lines(const std::vector<diagnostic>& ds) {
  for (const diagnostic& d : ds) {
    if (d.where.line <= 0) {
      EXPECT_EQ(d.source_line, "") << header(d);
      continue;
    }
    const std::vector<std::string> lines = read_lines(d.where.file);
    ASSERT_LE(static_cast<std::size_t>(d.where.line), std::max<std::size_t>(lines.size(), 1)) << header(d);
    const std::string real = lines.empty() ? "" : lines[static_cast<std::size_t>(d.where.line - 1)];
    EXPECT_EQ(d.source_line, real) << header(d);
  }
}

/// Expects every `.expected` file of `corpus` to belong to one of `cases`.
inline void expect_no_stray_expected_file(const std::filesystem::path& corpus, const std::vector<corpus_case>& cases) {
  for (const std::filesystem::directory_entry& e : std::filesystem::directory_iterator(corpus)) {
    if (e.path().extension() != ".expected") continue;
    const bool used =
        std::any_of(cases.begin(), cases.end(), [&](const corpus_case& c) { return c.expected == e.path(); });
    EXPECT_TRUE(used) << e.path() << " belongs to no case: a case was renamed or removed";
  }
}

}  // namespace rulebook::golden
