// Golden tests of bad county data: every entry X of tests/data/bad-county/ (a
// `*.yaml` file, or a folder of CSV tables) sits beside `X.expected`, which
// holds the header line of every diagnostic that loading X must give, in
// order:
//
//   tests/data/bad-county/unknown-key.yaml:9:5: error[unknown-key]: unknown key 'distance_kn' in a team
//
// A case is added by dropping in the two files; nothing here names them. Run
// with RULEBOOK_REGENERATE_GOLDEN=1 to (re)write the `.expected` files from
// what the loader says now, then read the diff before committing it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "rulebook/load.hpp"

namespace fs = std::filesystem;
namespace rb = rulebook;

namespace {

/// The corpus, relative to the repository root: diagnostics name files so.
const fs::path corpus = "tests/data/bad-county";

/// Works from the repository root whatever directory the test was started
/// in, so that paths in diagnostics are the repo-relative ones in `.expected`.
void enter_repository_root() {
  static const bool entered = [] {
    fs::current_path(RULEBOOK_SOURCE_DIR);
    return true;
  }();
  (void)entered;
}

/// A case: what to load, and the file of its expected diagnostics.
struct corpus_case {
  fs::path input;
  fs::path expected;
};

/// Finds every case of the corpus, in name order. `x.yaml` expects
/// `x.yaml.expected`; a folder `x/` expects `x.expected` beside it.
std::vector<corpus_case> find_cases() {
  enter_repository_root();
  std::vector<corpus_case> cases;
  for (const fs::directory_entry& e : fs::directory_iterator(corpus)) {
    const fs::path& p = e.path();
    if (e.is_directory())
      cases.push_back({p, fs::path(p.string() + ".expected")});
    else if (p.extension() == ".yaml" || p.extension() == ".yml")
      cases.push_back({p, fs::path(p.string() + ".expected")});
  }
  std::sort(cases.begin(), cases.end(), [](const corpus_case& a, const corpus_case& b) { return a.input < b.input; });
  return cases;
}

/// The lines of a text file, without their ends; nothing when it cannot be read.
std::vector<std::string> read_lines(const fs::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path, std::ios::binary);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

/// The first line of a formatted diagnostic: `file:line:col: error[code]: message`.
std::string header(const rb::diagnostic& d) {
  const std::string text = rb::format(d);
  return text.substr(0, text.find('\n'));
}

/// Makes a test name from a file name: letters, digits and '_' only.
std::string test_name(const fs::path& input) {
  std::string name = input.filename().string();
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

class bad_county : public ::testing::TestWithParam<corpus_case> {};

TEST_P(bad_county, gives_exactly_the_expected_diagnostics) {
  enter_repository_root();
  const corpus_case& c = GetParam();
  const rb::county_load_result loaded = rb::load_county(c.input);
  EXPECT_FALSE(loaded.value.has_value()) << c.input << " loaded, but it holds errors";

  std::vector<std::string> actual;
  for (const rb::diagnostic& d : loaded.diagnostics) actual.push_back(header(d));
  if (std::getenv("RULEBOOK_REGENERATE_GOLDEN") != nullptr) {
    std::ofstream out(c.expected, std::ios::binary);
    for (const std::string& line : actual) out << line << '\n';
  }
  ASSERT_TRUE(fs::exists(c.expected)) << "missing " << c.expected << "; the loader says:\n" << rb::format(loaded.diagnostics);
  std::vector<std::string> expected = read_lines(c.expected);
  while (!expected.empty() && expected.back().empty()) expected.pop_back();
  EXPECT_EQ(actual, expected) << "the loader says:\n" << rb::format(loaded.diagnostics);

  // Each diagnostic quotes the very line of the file it points at.
  for (const rb::diagnostic& d : loaded.diagnostics) {
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

INSTANTIATE_TEST_SUITE_P(corpus, bad_county, ::testing::ValuesIn(find_cases()),
                         [](const ::testing::TestParamInfo<corpus_case>& info) { return test_name(info.param.input); });

TEST(bad_county_corpus, covers_at_least_fifteen_cases) { EXPECT_GE(find_cases().size(), 15u); }

TEST(bad_county_corpus, every_expected_file_has_its_case) {
  enter_repository_root();
  const std::vector<corpus_case> cases = find_cases();
  for (const fs::directory_entry& e : fs::directory_iterator(corpus)) {
    if (e.path().extension() != ".expected") continue;
    const bool used = std::any_of(cases.begin(), cases.end(), [&](const corpus_case& c) { return c.expected == e.path(); });
    EXPECT_TRUE(used) << e.path() << " belongs to no case: a case was renamed or removed";
  }
}

}  // namespace
