// Test helper: runs the rulebook command as a user would, from the source
// folder (so paths are the ones a user types), and captures what it prints and
// its exit code.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

namespace rulebook_test {

struct run_result {
  int exit_code = -1;
  std::string out;  // standard output (and standard error, unless asked apart)
};

/// Runs a shell command, with what it writes to standard output and its exit code.
inline run_result run_shell(const std::string& command) {
  run_result r;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buffer{};
  while (const std::size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) r.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline run_result run(const std::string& args, bool with_stderr = true) {
  return run_shell(std::string("cd '") + RULEBOOK_SOURCE_DIR + "' && " + RULEBOOK_CLI + " " + args +
                   (with_stderr ? " 2>&1" : " 2>/dev/null"));
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// The bytes of a file.
inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A path under the system's temporary folder, unique to the test process,
/// removed before and after the test; made as an empty folder unless `make` is false.
struct temp_folder {
  std::filesystem::path path;
  explicit temp_folder(const std::string& name, bool make = true)
      : path(std::filesystem::temp_directory_path() / ("rulebook-cli-test-" + std::to_string(::getpid()) + "-" + name)) {
    std::filesystem::remove_all(path);
    if (make) std::filesystem::create_directories(path);
  }
  temp_folder(const temp_folder&) = delete;
  temp_folder& operator=(const temp_folder&) = delete;
  ~temp_folder() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace rulebook_test
