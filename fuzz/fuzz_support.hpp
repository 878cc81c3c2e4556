// Shared by the libFuzzer targets: a scratch folder of this process, holding
// the files a target's input is read beside, and the repository's files.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

namespace rulebook_fuzz {

/// The repository, for the files a target reads beside its input (a policy's
/// base, the sample county).
inline std::filesystem::path source_dir() { return RULEBOOK_SOURCE_DIR; }

/// A folder of this process under the system's temporary folder, removed when
/// the process ends normally (libFuzzer leaves it behind only after a crash).
class scratch_folder {
 public:
  explicit scratch_folder(std::string_view name)
      : path_(std::filesystem::temp_directory_path() /
              ("rulebook-fuzz-" + std::string(name) + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  scratch_folder(const scratch_folder&) = delete;
  scratch_folder& operator=(const scratch_folder&) = delete;
  ~scratch_folder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) std::abort();  // the harness itself failed: not a finding of rulebook's
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) std::abort();
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace rulebook_fuzz
