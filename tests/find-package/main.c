/* The installed C interface, from C: the README's example (examples/basic.c) is
 * built against rulebook::c by tests/find-package/CMakeLists.txt; this file
 * checks the library is the one the header describes. */
#include <stdio.h>
#include <string.h>

#include <rulebook/rulebook.h>

int main(void) {
  if (rulebook_abi_version() != RULEBOOK_ABI_VERSION) {
    fprintf(stderr, "librulebook.so has ABI %d; rulebook.h describes ABI %d\n", rulebook_abi_version(),
            RULEBOOK_ABI_VERSION);
    return 1;
  }
  printf("librulebook.so %s, ABI %d\n", rulebook_version(), rulebook_abi_version());
  return 0;
}
