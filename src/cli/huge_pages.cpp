#include "cli/huge_pages.hpp"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#if defined(__linux__) && defined(__GLIBC__)
#include <gnu/libc-version.h>
#include <sys/auxv.h>
#include <unistd.h>
#endif

namespace rulebook::cli {

namespace {

/// True for glibc 2.35 or later, which has `glibc.malloc.hugetlb`.
bool has_hugetlb_tunable(std::string_view version) noexcept {
  int major = 0, minor = 0;
  const char* end = version.data() + version.size();
  auto [p, ec] = std::from_chars(version.data(), end, major);
  if (ec != std::errc() || p == end || *p != '.') return false;
  if (std::from_chars(p + 1, end, minor).ec != std::errc()) return false;
  return major > 2 || (major == 2 && minor >= 35);
}

}  // namespace

bool restart_for_huge_pages(const huge_page_setting& s) noexcept {
  if (s.secure || !has_hugetlb_tunable(s.glibc_version)) return false;
  if (s.program.starts_with("ld-") || s.program.starts_with("ld.so")) return false;
  if (s.glibc_tunables != nullptr) return false;
  if (s.opt_out != nullptr && std::string_view(s.opt_out) == "0") return false;
  if (s.preload != nullptr && std::string_view(s.preload).find("vgpreload") != std::string_view::npos) return false;
  return s.transparent_hugepage.find("[madvise]") != std::string_view::npos;
}

void use_huge_pages(char** argv) {
#if defined(__linux__) && defined(__GLIBC__)
  std::string thp;
  std::getline(std::ifstream("/sys/kernel/mm/transparent_hugepage/enabled"), thp);
  std::error_code ec;
  const std::string program = std::filesystem::read_symlink("/proc/self/exe", ec).filename().string();
  if (ec) return;
  const huge_page_setting s{std::getenv("GLIBC_TUNABLES"), std::getenv("RULEBOOK_HUGE_PAGES"), std::getenv("LD_PRELOAD"),
                            thp, gnu_get_libc_version(), program, ::getauxval(AT_SECURE) != 0};
  if (!restart_for_huge_pages(s)) return;
  // RULEBOOK_HUGE_PAGES=0 too, so that the restarted program does not restart
  // whatever its loader makes of GLIBC_TUNABLES.
  const bool had_opt_out = s.opt_out != nullptr;
  const std::string opt_out = had_opt_out ? s.opt_out : "";
  if (::setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 1) != 0) return;
  if (::setenv("RULEBOOK_HUGE_PAGES", "0", 1) != 0) {
    ::unsetenv("GLIBC_TUNABLES");
    return;
  }
  ::execv("/proc/self/exe", argv);
  // Could not: go on as started.
  ::unsetenv("GLIBC_TUNABLES");
  if (had_opt_out)
    ::setenv("RULEBOOK_HUGE_PAGES", opt_out.c_str(), 1);
  else
    ::unsetenv("RULEBOOK_HUGE_PAGES");
#else
  (void)argv;
#endif
}

}  // namespace rulebook::cli
