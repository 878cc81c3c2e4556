// Fuzzes the CSV county loader. An input is a table's file name on its first
// line, then that table's text (`months.csv\nmember,month,…`); it replaces the
// table of that name in a copy of the Qiyang sample (examples/qiyang/csv), so
// that what it holds meets real rows of the other tables. A first line that
// is no table name of the form `[a-z_]+.csv` makes the whole input months.csv.
// The loader must load the county or report why, never crash.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "rulebook/diagnostic.hpp"
#include "rulebook/load.hpp"

namespace fs = std::filesystem;

namespace {

bool table_name(std::string_view s) {
  if (!s.ends_with(".csv") || s.size() == 4 || s.size() > 40) return false;
  s.remove_suffix(4);
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

struct fixture {
  rulebook_fuzz::scratch_folder folder{"csv"};
  std::map<std::string, std::string, std::less<>> sample;  // table name → its text

  fixture() {
    for (const fs::directory_entry& e : fs::directory_iterator(rulebook_fuzz::source_dir() / "examples/qiyang/csv")) {
      if (e.path().extension() != ".csv") continue;
      const std::string name = e.path().filename().string();
      sample[name] = rulebook_fuzz::read_file(e.path());
      rulebook_fuzz::write_file(folder.path() / name, sample[name]);
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fixture f;
  std::string_view text = rulebook_fuzz::as_text(data, size);
  std::string name = "months.csv";
  if (const std::size_t eol = text.find('\n'); eol != std::string_view::npos && table_name(text.substr(0, eol))) {
    name = std::string(text.substr(0, eol));
    text.remove_prefix(eol + 1);
  }
  const fs::path table = f.folder.path() / name;
  rulebook_fuzz::write_file(table, text);

  const rulebook::county_load_result loaded = rulebook::load_county_csv(f.folder.path());
  if (!loaded && !rulebook::has_errors(loaded.diagnostics)) std::abort();  // a refusal must say why
  (void)rulebook::format(loaded.diagnostics);

  // Put the sample back as it was for the next input.
  if (const auto it = f.sample.find(name); it != f.sample.end())
    rulebook_fuzz::write_file(table, it->second);
  else
    fs::remove(table);
  return 0;
}
