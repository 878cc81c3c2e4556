#!/usr/bin/env bash
# The project's commands, each runnable on a fresh Debian 12 machine:
#   bash cmake/dev.sh demo      install what is missing, build, run rulebook on the Qiyang sample
#   bash cmake/dev.sh test      install what is missing, build with -Werror, run every test
#   bash cmake/dev.sh sanitize  build and run every test under ASan + UBSan
#   bash cmake/dev.sh consumer  install to a temporary prefix, build and run a find_package consumer,
#                               call the installed C interface and Python module
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

bash cmake/install-deps.sh

configure_and_build() {  # dir, extra cmake args...
  local dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

case "${1:-}" in
  demo)
    configure_and_build build -DRULEBOOK_BUILD_TESTS=OFF -DRULEBOOK_BUILD_BENCH=OFF
    ./build/rulebook eval rules/qiyang-2019.yaml examples/qiyang/county.yaml --period 2019
    ;;
  test)
    configure_and_build build-test -DRULEBOOK_WERROR=ON
    ctest --test-dir build-test --output-on-failure -j "$jobs"
    ;;
  sanitize)
    configure_and_build build-sanitize -DCMAKE_BUILD_TYPE=Debug -DRULEBOOK_WERROR=ON \
      -DRULEBOOK_SANITIZE=ON -DRULEBOOK_BUILD_BENCH=OFF
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir build-sanitize --output-on-failure -j "$jobs"
    ;;
  consumer)
    prefix=$(mktemp -d)
    trap 'rm -rf "$prefix"' EXIT
    configure_and_build build-install -DRULEBOOK_BUILD_TESTS=OFF -DRULEBOOK_BUILD_BENCH=OFF \
      -DRULEBOOK_BUILD_EXAMPLES=OFF -DCMAKE_INSTALL_PREFIX="$prefix"
    cmake --install build-install >/dev/null
    cmake -S tests/find-package -B "$prefix/consumer-build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
    cmake --build "$prefix/consumer-build" -j "$jobs"
    "$prefix/consumer-build/consumer" rules/qiyang-2019.yaml examples/qiyang/county.yaml
    # Other languages, on what was installed: C programs linked to rulebook::c; the
    # library loaded by path from ctypes; the Python module imported from its folder.
    "$prefix/consumer-build/consumer_c"
    "$prefix/consumer-build/consumer_example_c" >/dev/null
    python=/usr/bin/python3; [ -x "$python" ] || python=python3
    "$python" tests/capi/ctypes_test.py "$(find "$prefix" -name 'librulebook.so.[0-9]*' -type f | head -n 1)"
    PYTHONPATH="$prefix/lib/python3/dist-packages" "$python" -m unittest discover -s tests/python -p '*_test.py'
    ;;
  *)
    sed -n '2,8p' "$0" >&2
    exit 2
    ;;
esac
