#!/usr/bin/env bash
# Runs the benchmarks that hold danvan's speed and memory targets, at national scale
# (about 6 million values; DANVAN_BENCH_VALUES changes it), and prints the figures
# beside their targets.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
source scripts/env.sh
out=$(mktemp)
trap 'rm -f "$out"' EXIT

echo "== charts at national scale (target: each chart < 100 ms, a 10-chart pack < 2 s)"
go test -run '^$' -bench 'Chart|Pack' -benchtime "${BENCHTIME:-10x}" ./data/briefing/ | tee "$out" | grep -E '^Benchmark' |
  awk '{ ms = $3 / 1e6; target = ($1 ~ /Pack/) ? 2000 : 100;
         printf "%-44s %9.1f ms   %5.2f of target\n", $1, ms, ms / target }'

echo "== queries and opening at national scale"
go test -run '^$' -bench 'Open|Aggregate' -benchtime "${BENCHTIME:-10x}" ./data/ | grep -E '^Benchmark' |
  awk '{ printf "%-56s %9.2f ms\n", $1, $3 / 1e6 }'

echo "== workspace at national scale: locality tree and search, data entry grid (target: each < 100 ms)"
go test -run '^$' -bench 'LocalitiesNational|EntryGridNational' -benchtime "${BENCHTIME:-10x}" ./data/ | grep -E '^Benchmark' |
  awk '{ ms = $3 / 1e6; printf "%-56s %9.1f ms   %5.2f of target\n", $1, ms, ms / 100 }'

echo "== chart drawing alone"
go test -run '^$' -bench . -benchtime "${BENCHTIME:-10x}" ./charts/ | grep -E '^Benchmark' |
  awk '{ printf "%-44s %9.1f ms\n", $1, $3 / 1e6 }'

echo "== import of a long CSV over the national commune list, beside the sqlite3 shell's .import (target ratio >= 0.5; memory flat)"
go test -run '^$' -bench ImportNational -benchtime 1x ./data/importer/ | grep -E '^Benchmark' |
  awk '{ for (i = 3; i < NF; i++) if ($(i+1) ~ /rows\/s|ratio|MiB/) v[$(i+1)] = $i;
         printf "%-40s %8.0f rows/s  sqlite3 %8.0f rows/s  ratio %.2f  peak RSS %5.0f MiB\n",
           $1, v["rows/s"], v["sqlite3-rows/s"], v["ratio"], v["peak-RSS-MiB"] }'
