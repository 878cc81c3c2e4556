#include "cli/huge_pages.hpp"

#include <cstdlib>
#include <fstream>
#include <string>

#if defined(__linux__)
#include <unistd.h>
#endif

namespace rulebook::cli {

bool restart_for_huge_pages(const huge_page_setting& s) noexcept {
  if (s.glibc_tunables != nullptr) return false;
  if (s.opt_out != nullptr && std::string_view(s.opt_out) == "0") return false;
  if (s.preload != nullptr && std::string_view(s.preload).find("vgpreload") != std::string_view::npos) return false;
  return s.transparent_hugepage.find("[madvise]") != std::string_view::npos;
}

void use_huge_pages(char** argv) {
#if defined(__linux__) && defined(__GLIBC__)
  std::string thp;
  std::getline(std::ifstream("/sys/kernel/mm/transparent_hugepage/enabled"), thp);
  const huge_page_setting s{std::getenv("GLIBC_TUNABLES"), std::getenv("RULEBOOK_HUGE_PAGES"), std::getenv("LD_PRELOAD"), thp};
  if (!restart_for_huge_pages(s)) return;
  if (::setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  ::unsetenv("GLIBC_TUNABLES");  // could not: go on as started
#else
  (void)argv;
#endif
}

}  // namespace rulebook::cli
