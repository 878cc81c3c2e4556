#!/usr/bin/env bash
# Makes the seed corpora of the fuzz targets from the repository's own inputs:
#   bash fuzz/seeds.sh OUT    writes OUT/values, OUT/expression, OUT/county_yaml,
#                             OUT/county_csv and OUT/policy
# Policies from rules/ and the bad-policy corpus; counties from examples/ and
# the bad-county corpus; each CSV table of those as `NAME.csv` + newline + text
# (the county_csv target's input form); every expression of the bundled and
# bad policies; and values (amounts, dates, months, periods) from the samples.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$1
rm -rf "$out"
mkdir -p "$out"/{values,expression,county_yaml,county_csv,policy}

seed() {  # target, then the seed's text on standard input (also inside a pipeline)
  cat > "$(mktemp "$out/$1/seed-XXXXXX")"
}

for f in rules/*.yaml tests/data/bad-policy/*.yaml tests/data/bad-policy/*/*.yaml; do
  seed policy < "$f"
done
for f in examples/qiyang/county.yaml tests/data/bad-county/*.yaml tests/data/county-folder/*; do
  seed county_yaml < "$f"
done
for f in examples/qiyang/csv/*.csv tests/data/bad-county/csv-*/*.csv; do
  { basename "$f"; cat "$f"; } | seed county_csv
done
# The text of every expression-valued key, one seed each.
grep -h -E '^\s*-?\s*(when|amount|at_least|times|share|cap|points|notice|each):\s*\S' \
    rules/*.yaml tests/data/bad-policy/*.yaml |
  sed -E 's/^\s*-?\s*[a-z_]+:\s*//; s/\s+#.*$//' | sort -u |
  while IFS= read -r expr; do printf '%s' "$expr" | seed expression; done
# Values as the data files write them, and their edges.
{
  grep -ohE '[0-9]{4}-[0-9]{2}(-[0-9]{2})?' examples/qiyang/county.yaml | sort -u | head -40
  grep -ohE '\b[0-9]+\.[0-9]+\b' examples/qiyang/county.yaml | sort -u | head -20
  printf '%s\n' 2019 2019-Q3 2019-H2 2019-02-29 2020-02-29 2019-01-01..2019-06-30 \
    922337203685477.5807 -922337203685477.5807 922337203685477.5808 0.0001 -0 +1 007 1e5 '' 9999-12-31
} | while IFS= read -r v; do printf '%s' "$v" | seed values; done
echo "seeds: $(find "$out" -type f | wc -l) files in $out" >&2
