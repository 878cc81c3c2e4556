#!/usr/bin/env bash
# The project's commands, each runnable on a fresh Debian 12 machine:
#   bash cmake/dev.sh demo      install what is missing, build, run rulebook on the Qiyang sample
#   bash cmake/dev.sh test      install what is missing, build with -Werror, run every test
#   bash cmake/dev.sh sanitize  build and run every test under ASan + UBSan
#   bash cmake/dev.sh consumer  install to a temporary prefix, build and run a find_package consumer,
#                               call the installed C interface and Python module
#   bash cmake/dev.sh fuzz      build the libFuzzer targets (clang), run each for FUZZ_SECONDS (60), one per core
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
    # Other languages, on what was installed: C programs linked to rulebook::c; the
    # library loaded by path from ctypes; the Python module imported from its folder.
    "$prefix/consumer-build/consumer_c"
    "$prefix/consumer-build/consumer_example_c" >/dev/null
    python=/usr/bin/python3; [ -x "$python" ] || python=python3
    "$python" tests/capi/ctypes_test.py "$(find "$prefix" -name 'librulebook.so.[0-9]*' -type f | head -n 1)"
    PYTHONPATH="$prefix/lib/python3/dist-packages" "$python" -m unittest discover -s tests/python -p '*_test.py'
    ;;
  fuzz)
    # Its own build folder, compiled by clang with libFuzzer, ASan and UBSan;
    # each target starts from the seeds of fuzz/seeds.sh plus what earlier
    # runs found (build-fuzz/corpus), and stops at the first crash, leak,
    # timeout or out-of-memory, leaving the input in build-fuzz/artifacts.
    configure_and_build build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DRULEBOOK_FUZZ=ON -DRULEBOOK_WERROR=ON \
      -DRULEBOOK_BUILD_TESTS=OFF -DRULEBOOK_BUILD_BENCH=OFF -DRULEBOOK_BUILD_EXAMPLES=OFF \
      -DRULEBOOK_BUILD_CLI=OFF -DRULEBOOK_INSTALL=OFF -DRULEBOOK_BUILD_C_API=OFF -DRULEBOOK_BUILD_PYTHON=OFF
    bash fuzz/seeds.sh build-fuzz/seeds
    mkdir -p build-fuzz/artifacts build-fuzz/logs
    fuzz_one() {  # target: runs it, its log in build-fuzz/logs
      mkdir -p "build-fuzz/corpus/$1"
      ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "build-fuzz/fuzz/fuzz_$1" -max_total_time="${FUZZ_SECONDS:-60}" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$1-" \
        "build-fuzz/corpus/$1" "build-fuzz/seeds/$1" > "build-fuzz/logs/$1.log" 2>&1
    }
    # As many targets at once as there are cores; each log shown when its batch ends.
    targets=(values expression county_yaml county_csv policy)
    failed=()
    for ((i = 0; i < ${#targets[@]}; i += jobs)); do
      batch=("${targets[@]:i:jobs}")
      pids=()
      for t in "${batch[@]}"; do
        echo "fuzz_$t: ${FUZZ_SECONDS:-60} s" >&2
        fuzz_one "$t" &
        pids+=($!)
      done
      for k in "${!batch[@]}"; do
        wait "${pids[k]}" || failed+=("${batch[k]}")
        grep -v -E '^#[0-9]|NEW_FUNC|# Uses: |recommended dictionary|^INFO: (Loaded|Running|Seed)' \
          "build-fuzz/logs/${batch[k]}.log" | sed "s/^/fuzz_${batch[k]}: /" >&2 || true
      done
    done
    if [ ${#failed[@]} -gt 0 ]; then
      echo "fuzzing found a problem in: ${failed[*]} (inputs in build-fuzz/artifacts/)" >&2
      exit 1
    fi
    ;;
  *)
    sed -n '2,8p' "$0" >&2
    exit 2
    ;;
esac
