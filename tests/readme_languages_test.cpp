// The README's "Other languages" examples are the files CTest builds and runs
// (example.c, example.python), byte for byte.
#include <gtest/gtest.h>

#include <algorithm>
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

/// The README's code block that starts with `first_line`, up to its closing fence.
std::string block_starting(const std::string& readme, const std::string& first_line) {
  const auto start = readme.find(first_line);
  if (start == std::string::npos) return "(no block starting with " + first_line + ")";
  const auto end = readme.find("```", start);
  return readme.substr(start, end - start);
}

}  // namespace

TEST(readme, c_example_is_the_compiled_example) {
  const std::string example = read("examples/basic.c");
  ASSERT_FALSE(example.empty());
  EXPECT_EQ(block_starting(read("README.md"), "// examples/basic.c —"), example);
}

TEST(readme, python_example_is_the_tested_example) {
  const std::string example = read("examples/basic.py");
  ASSERT_FALSE(example.empty());
  EXPECT_EQ(block_starting(read("README.md"), "# examples/basic.py"), example);
  // "A ten-line Python example": the code itself, without its title comment.
  EXPECT_LE(std::count(example.begin(), example.end(), '\n'), 11);
}
