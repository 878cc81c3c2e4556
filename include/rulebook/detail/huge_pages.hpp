// Internal: asking for huge pages under the evaluation's large buffers.
#pragma once

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rulebook::detail {

/// Asks the kernel to back [data, data + bytes) with huge pages where it can
/// (Linux, `transparent_hugepage` set to `madvise` or `always`); elsewhere, or
/// when refused, nothing changes. The evaluation's large lists — a block's
/// entitlements (some 3.6 MB), a county's roll-up rows (70 MB for 100 k
/// members), a kept list of every entitlement — are written once, front to
/// back, into memory fresh from the system: in 4 KiB pages that is a page fault
/// every 20 entitlements, and on the virtual machines counties run on a fault
/// costs some 6 µs — more than making the entitlements. Two threads faulting at
/// once also wait on each other in the kernel.
inline void prefer_huge_pages([[maybe_unused]] void* data, [[maybe_unused]] std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t huge = std::uintptr_t{1} << 21;
  const std::uintptr_t first = (reinterpret_cast<std::uintptr_t>(data) + huge - 1) & ~(huge - 1);
  const std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(huge - 1);
  if (end > first) (void)::madvise(reinterpret_cast<void*>(first), end - first, MADV_HUGEPAGE);
#endif
}

/// Has the kernel back the whole pages of [data, data + bytes) with memory now,
/// as writing them would (Linux 5.14 and later), so that threads can each take
/// a part of a large list's first touch — a page fault at a time, written by one
/// thread, 68 MB of roll-up rows cost a 100 k-member county some 20 ms. This
/// does part `part` of `parts`, the whole pages cut into parts at page
/// boundaries, so that the parts together do what one call does. Where
/// refused, or elsewhere, nothing happens: the memory is touched when written.
inline void populate_now([[maybe_unused]] void* data, [[maybe_unused]] std::size_t bytes,
                         [[maybe_unused]] std::size_t part = 0, [[maybe_unused]] std::size_t parts = 1) noexcept {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  const long size = ::sysconf(_SC_PAGESIZE);
  if (size <= 0 || part >= parts) return;
  const auto page = static_cast<std::uintptr_t>(size);
  const std::uintptr_t first = (reinterpret_cast<std::uintptr_t>(data) + page - 1) & ~(page - 1);
  const std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(page - 1);
  if (end <= first) return;
  const std::uintptr_t pages = (end - first) / page;
  const std::uintptr_t from = first + page * (pages * part / parts);
  const std::uintptr_t to = first + page * (pages * (part + 1) / parts);
  if (to > from) (void)::madvise(reinterpret_cast<void*>(from), to - from, MADV_POPULATE_WRITE);
#endif
}

/// `v.reserve(n)`, asking for huge pages under the new memory when it moved
/// (memory kept from an earlier reserve was asked for then).
template <class T>
void reserve_huge(std::vector<T>& v, std::size_t n) {
  const T* const before = v.data();
  v.reserve(n);
  if (v.data() != before) prefer_huge_pages(v.data(), v.capacity() * sizeof(T));
}

/// `reserve_huge(v, n + n / 4)` when `v` cannot hold `n`: a list used again for
/// lists of somewhat different sizes grows with a quarter to spare, so that it
/// seldom moves (to memory fresh from the system) again.
template <class T>
void reserve_huge_with_spare(std::vector<T>& v, std::size_t n) {
  if (v.capacity() < n) reserve_huge(v, n + n / 4);
}

/// True for a county of `members` large enough (131,072 members or more) for
/// `release_free_memory` to be worth its cost: the memory its evaluation frees
/// grows with its members. A smaller county's freed memory is kept, for the next
/// evaluation, such as a benchmark's next run, to reuse.
[[nodiscard]] constexpr bool large_county(std::size_t members) noexcept { return members >= 131'072; }

/// Hands the memory freed so far back to the system, where the allocator keeps
/// it otherwise (glibc keeps freed pieces below its mapping threshold for
/// reuse). Called once the blocks of an evaluation are done: at 3 M members
/// they leave some 300 MB of such pieces, which the findings made next would
/// otherwise sit on top of. Elsewhere nothing happens.
inline void release_free_memory() noexcept {
#if defined(__GLIBC__)
  (void)::malloc_trim(0);
#endif
}

}  // namespace rulebook::detail
