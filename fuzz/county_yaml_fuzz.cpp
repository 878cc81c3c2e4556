// Fuzzes the YAML county loader: any bytes as a county file, read by
// rulebook's own YAML reader, walked by the checked accessors and validated
// whole. It must load a county or report why, never crash; every diagnostic
// must format.
#include <cstdint>
#include <cstdlib>

#include "fuzz_support.hpp"
#include "rulebook/diagnostic.hpp"
#include "rulebook/load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const rulebook::county_load_result loaded =
      rulebook::load_county_yaml(rulebook_fuzz::as_text(data, size), "county.yaml");
  if (!loaded && !rulebook::has_errors(loaded.diagnostics)) std::abort();  // a refusal must say why
  (void)rulebook::format(loaded.diagnostics);
  return 0;
}
