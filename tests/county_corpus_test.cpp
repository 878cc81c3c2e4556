// Golden tests of bad county data: every entry X of tests/data/bad-county/ (a
// `*.yaml` file, or a folder of CSV tables) sits beside `X.expected`, which
// holds the header line of every diagnostic that loading X must give, in
// order (see golden.hpp):
//
//   tests/data/bad-county/unknown-key.yaml:9:5: error[unknown-key]: unknown key 'distance_kn' in a team
//
// A case is added by dropping in the two files; nothing here names them.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "golden.hpp"
#include "rulebook/load.hpp"

namespace fs = std::filesystem;
namespace rb = rulebook;

namespace {

using rb::golden::corpus_case;
using rb::golden::enter_repository_root;
using rb::golden::test_name;

/// The corpus, relative to the repository root: diagnostics name files so.
const fs::path corpus = "tests/data/bad-county";

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

class bad_county : public ::testing::TestWithParam<corpus_case> {};

TEST_P(bad_county, gives_exactly_the_expected_diagnostics) {
  enter_repository_root();
  const corpus_case& c = GetParam();
  const rb::county_load_result loaded = rb::load_county(c.input);
  EXPECT_FALSE(loaded.value.has_value()) << c.input << " loaded, but it holds errors";
  rb::golden::expect_headers(loaded.diagnostics, c.expected);
  rb::golden::expect_quoted_lines(loaded.diagnostics);
}

INSTANTIATE_TEST_SUITE_P(corpus, bad_county, ::testing::ValuesIn(find_cases()),
                         [](const ::testing::TestParamInfo<corpus_case>& info) { return test_name(info.param.input); });

TEST(bad_county_corpus, covers_at_least_fifteen_cases) { EXPECT_GE(find_cases().size(), 15u); }

TEST(bad_county_corpus, every_expected_file_has_its_case) {
  enter_repository_root();
  rb::golden::expect_no_stray_expected_file(corpus, find_cases());
}

}  // namespace
