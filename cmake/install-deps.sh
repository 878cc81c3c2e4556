#!/usr/bin/env bash
# Installs the Debian packages rulebook builds with, when any is missing.
# As root it runs apt-get; otherwise it prints the exact command and stops.
set -euo pipefail

# pybind11-dev and python3-dev build the Python module; binutils (nm, readelf)
# checks what librulebook.so exports. chromium renders the HTML report in a test
# (headless, no network); the font gives its screenshots Chinese glyphs;
# bsdutils has script(1), which gives the progress-line test a terminal.
packages=(g++ cmake make libboost-dev libboost-date-time-dev libyaml-cpp-dev
          libgtest-dev libgmock-dev libbenchmark-dev pybind11-dev python3-dev binutils
          chromium fonts-wqy-microhei bsdutils
          clang libclang-rt-14-dev)  # the fuzz targets: clang 14 and its libFuzzer runtime

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

command="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "rulebook needs these Debian packages: ${missing[*]}" >&2
  echo "run as root:  $command" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
