// Golden tests of broken policies: every `X.yaml` of tests/data/bad-policy/
// sits beside `X.yaml.expected`, which holds the header line of every
// diagnostic that loading X must give, in order (see golden.hpp):
//
//   tests/data/bad-policy/money-plus-date.yaml:15:13: error[type-mismatch]: …
//
// A case is added by dropping in the two files; nothing here names them. The
// sub-folders hold files the cases extend (a valid base, the other half of a
// cycle), which are not cases themselves.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "golden.hpp"
#include "rulebook/policy.hpp"

namespace fs = std::filesystem;
namespace rb = rulebook;

namespace {

using rb::golden::corpus_case;
using rb::golden::enter_repository_root;

/// The corpus, relative to the repository root: diagnostics name files so.
const fs::path corpus = "tests/data/bad-policy";

/// Finds every case of the corpus, in name order: the `*.yaml` files of its top folder.
std::vector<corpus_case> find_cases() {
  enter_repository_root();
  std::vector<corpus_case> cases;
  for (const fs::directory_entry& e : fs::directory_iterator(corpus))
    if (e.is_regular_file() && e.path().extension() == ".yaml")
      cases.push_back({e.path(), fs::path(e.path().string() + ".expected")});
  std::sort(cases.begin(), cases.end(), [](const corpus_case& a, const corpus_case& b) { return a.input < b.input; });
  return cases;
}

class bad_policy : public ::testing::TestWithParam<corpus_case> {};

TEST_P(bad_policy, gives_exactly_the_expected_diagnostics) {
  enter_repository_root();
  const corpus_case& c = GetParam();
  const rb::policy_load_result loaded = rb::load_policy(c.input);
  EXPECT_FALSE(loaded) << c.input << " loaded, but it holds errors";
  EXPECT_FALSE(loaded.diagnostics.empty()) << c.input;
  rb::golden::expect_headers(loaded.diagnostics, c.expected);
  rb::golden::expect_quoted_lines(loaded.diagnostics);
}

INSTANTIATE_TEST_SUITE_P(corpus, bad_policy, ::testing::ValuesIn(find_cases()),
                         [](const ::testing::TestParamInfo<corpus_case>& info) {
                           return rb::golden::test_name(info.param.input);
                         });

TEST(bad_policy_corpus, covers_at_least_thirty_cases) { EXPECT_GE(find_cases().size(), 30u); }

TEST(bad_policy_corpus, every_expected_file_has_its_case) {
  enter_repository_root();
  rb::golden::expect_no_stray_expected_file(corpus, find_cases());
}

/// The codes docs/rule-language.md lists that the loader itself reports (the
/// expression checker's are its own corpus's business, but show up here too).
TEST(bad_policy_corpus, shows_every_code_the_policy_loader_reports) {
  enter_repository_root();
  std::set<std::string> seen;
  for (const corpus_case& c : find_cases())
    for (const rb::diagnostic& d : rb::load_policy(c.input).diagnostics) seen.insert(d.code);
  for (const char* code :
       {"yaml-syntax", "unknown-key", "duplicate-key", "missing-key", "wrong-kind", "bad-value", "unknown-name",
        "duplicate-id", "type-mismatch", "no-value-in-force", "unknown-rule", "extends-cycle", "missing-file",
        "expression-syntax", "expression-too-deep", "expression-too-large", "wrong-arity", "bad-unit", "not-available"})
    EXPECT_TRUE(seen.count(code) == 1) << "no case shows " << code;
}

}  // namespace
