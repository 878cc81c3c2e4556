// Test helper: a process that can start no thread, as one that has used up its
// threads — for the fallbacks of code that would start one.
#pragma once

#if defined(__linux__) && defined(__x86_64__)
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <system_error>
#include <thread>

// Defined where `refuse_new_threads` works; tests skip elsewhere.
#define RULEBOOK_TEST_NO_THREADS 1

namespace rulebook_test {

/// From here on, this process can start no thread: clone and clone3 fail with
/// EAGAIN. Call it in a child process (a death test's): it cannot be undone.
/// False when the kernel refuses the filter.
inline bool refuse_new_threads() {
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
#if defined(__NR_clone3)
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 2, 0),
#else  // headers before Linux 5.3: clone alone, tested twice
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 2, 0),
#endif
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EAGAIN),
  };
  sock_fprog program{static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
  return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) == 0;
}

/// True when starting a thread fails here.
inline bool no_thread_starts() {
  try {
    std::thread([] {}).join();
    return false;
  } catch (const std::system_error&) {
    return true;
  }
}

/// In a death test's child: makes this process unable to start threads, and
/// checks that it is; else ends it, with 10 when the filter was refused and 11
/// when a thread started all the same (the test would prove nothing). _Exit:
/// no exit handlers (the leak checker would start a thread).
inline void refuse_threads_or_exit() {
  if (!refuse_new_threads()) std::_Exit(10);
  if (!no_thread_starts()) std::_Exit(11);
}

/// True when a child process can be made unable to start threads here (the
/// kernel or an outer sandbox may refuse the filter, or a thread may still
/// start): tried in a child of its own, so that the caller can skip instead.
inline bool threads_can_be_refused() {
  const pid_t child = ::fork();
  if (child < 0) return false;
  if (child == 0) ::_exit(refuse_new_threads() && no_thread_starts() ? 0 : 1);
  int status = 0;
  return ::waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace rulebook_test
#endif
