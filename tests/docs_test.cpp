// The README promises what examples/ proves: its code block must be the file
// CTest builds and runs, byte for byte.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string read(const std::string& path) {
  std::ifstream in(std::string(RULEBOOK_SOURCE_DIR) + "/" + path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST(readme, api_example_is_the_compiled_example) {
  const std::string readme = read("README.md");
  const std::string example = read("examples/basic.cpp");
  ASSERT_FALSE(example.empty());
  const auto start = readme.find("// examples/basic.cpp");
  ASSERT_NE(start, std::string::npos) << "the README no longer shows examples/basic.cpp";
  const auto end = readme.find("```", start);
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(readme.substr(start, end - start), example);
}

TEST(readme, set_up_is_the_two_commands_ci_runs) {
  const std::string readme = read("README.md");
  const std::string ci = read(".ci/run");
  EXPECT_NE(readme.find("bash cmake/dev.sh demo"), std::string::npos);
  EXPECT_NE(readme.find("bash cmake/dev.sh test"), std::string::npos);
  EXPECT_NE(ci.find("bash cmake/dev.sh test"), std::string::npos) << ".ci/run must run the README's test command";
}
