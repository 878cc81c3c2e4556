// Fuzzes the policy loader and checker. An input is a policy file, written
// into a folder that also holds the bundled policies (rules/*.yaml) and the
// bases of the bad-policy corpus, so that its `extends:` can name a real base
// (`extends: national-2017.yaml`) and the whole chain is checked. The loader
// must accept the policy or report why — every diagnostic formatted with its
// quoted line — and never crash.
//
// (Evaluating what it accepts would fuzz the engine too, but the engine's
// headers do not compile with clang 14, the Debian 12 clang that provides
// libFuzzer: they build aggregates with parentheses, which clang accepts from
// version 16.)
#include <cstdint>
#include <cstdlib>
#include <filesystem>

#include "fuzz_support.hpp"
#include "rulebook/diagnostic.hpp"
#include "rulebook/policy.hpp"

namespace fs = std::filesystem;
namespace rb = rulebook;

namespace {

struct fixture {
  rulebook_fuzz::scratch_folder folder{"policy"};

  fixture() {
    const fs::path src = rulebook_fuzz::source_dir();
    for (const fs::directory_entry& e : fs::directory_iterator(src / "rules"))
      fs::copy_file(e.path(), folder.path() / e.path().filename());
    for (const char* sub : {"base", "cycle"})
      fs::copy(src / "tests/data/bad-policy" / sub, folder.path() / sub, fs::copy_options::recursive);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fixture f;
  const fs::path file = f.folder.path() / "policy.yaml";
  rulebook_fuzz::write_file(file, rulebook_fuzz::as_text(data, size));

  const rb::policy_load_result loaded = rb::load_policy(file);
  if (!loaded && !rb::has_errors(loaded.diagnostics)) std::abort();  // a refusal must say why
  (void)rb::format(loaded.diagnostics);
  if (loaded && loaded.value->id.empty()) std::abort();  // a policy that loads has its header
  return 0;
}
