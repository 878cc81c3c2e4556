// Internal: the CLI asks glibc's allocator for transparent huge pages before it
// loads a county. A county of millions of members is gigabytes of small
// allocations; faulted in 4 KiB at a time they cost a third of a large run on
// a virtual machine (3 M members: 130 s, 93 s with huge pages). glibc reads
// that setting (the `glibc.malloc.hugetlb` tunable) only as a program starts,
// so the CLI starts itself again, once, with it set.
#pragma once

#include <string_view>

namespace rulebook::cli {

/// What the decision reads from the environment and the kernel.
struct huge_page_setting {
  const char* glibc_tunables = nullptr;  // GLIBC_TUNABLES: set by the user, left alone (and set after a restart)
  const char* opt_out = nullptr;         // RULEBOOK_HUGE_PAGES: "0" to not restart (and set for the restarted program)
  const char* preload = nullptr;         // LD_PRELOAD: valgrind's tools preload theirs; a restart would leave the tool
  std::string_view transparent_hugepage; // /sys/kernel/mm/transparent_hugepage/enabled, e.g. "always [madvise] never"
  std::string_view glibc_version;        // "2.36": the tunable is glibc 2.35's
  std::string_view program;              // /proc/self/exe's file name: the dynamic loader's when run through it
  bool secure = false;                   // set-user-id or with capabilities: the loader drops tunables
};

/// True when a restart would give huge pages: the kernel gives them to memory
/// that asks (`[madvise]`; with `[always]` every program has them already),
/// glibc has the tunable, GLIBC_TUNABLES is unset, RULEBOOK_HUGE_PAGES is not
/// "0", no valgrind tool is preloaded, the program was not started through the
/// dynamic loader (`ld-linux-x86-64.so.2 rulebook …`) and is not secure.
[[nodiscard]] bool restart_for_huge_pages(const huge_page_setting& s) noexcept;

/// Restarts the program (/proc/self/exe, same arguments and environment) with
/// GLIBC_TUNABLES=glibc.malloc.hugetlb=1 when `restart_for_huge_pages` says
/// so, on Linux with glibc; returns when it does not or cannot.
void use_huge_pages(char** argv);

}  // namespace rulebook::cli
