// Test helper: runs the rulebook command as a user would, from the source
// folder (so paths are the ones a user types), and captures what it prints and
// its exit code.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace rulebook_test {

struct run_result {
  int exit_code = -1;
  std::string out;  // standard output (and standard error, unless asked apart)
};

inline run_result run(const std::string& args, bool with_stderr = true) {
  const std::string command = std::string("cd '") + RULEBOOK_SOURCE_DIR + "' && " + RULEBOOK_CLI + " " + args +
                              (with_stderr ? " 2>&1" : " 2>/dev/null");
  run_result r;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buffer{};
  while (const std::size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) r.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace rulebook_test
