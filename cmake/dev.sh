#!/usr/bin/env bash
# The project's commands, each runnable on a fresh Debian 12 machine:
#   bash cmake/dev.sh demo      install what is missing, build, run rulebook on the Qiyang sample
#   bash cmake/dev.sh test      install what is missing, build with -Werror, run every test
#   bash cmake/dev.sh sanitize  build and run every test under ASan + UBSan
#   bash cmake/dev.sh consumer  install to a temporary prefix, build and run a find_package consumer
#   bash cmake/dev.sh bench-smoke  build as `test` does, run every benchmark once at its small sizes
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
  bench-smoke)
    # A smoke test, not a measurement: each benchmark binary runs briefly, its
    # sizes of four digits or more (1 M members, …) filtered out; a benchmark
    # that reports an error (a total that differs, results that differ between
    # thread counts) fails the run.
    configure_and_build build-test -DRULEBOOK_WERROR=ON
    for bench in build-test/bench/*_bench; do
      echo "== $bench"
      output=$("$bench" --benchmark_min_time=0.01 '--benchmark_filter=-/[0-9]{4,}(/|$)' 2>&1) || {
        echo "$output"; echo "bench-smoke: $bench failed" >&2; exit 1; }
      echo "$output"
      if grep -q 'ERROR OCCURRED' <<<"$output"; then
        echo "bench-smoke: $bench reported an error" >&2
        exit 1
      fi
    done
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
    ;;
  *)
    sed -n '2,8p' "$0" >&2
    exit 2
    ;;
esac
