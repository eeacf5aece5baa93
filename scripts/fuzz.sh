#!/usr/bin/env bash
# Fuzzes every Fuzz target for FUZZTIME each (default 60s). The test command fuzzes
# only the file reader and the period parser, for a few seconds; this is the long
# run to do before a release. A crash is a bug to fix; its input is saved under
# testdata/fuzz/, where every later `go test` replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
for target in $(grep -rhoE '^func (Fuzz[A-Za-z0-9_]+)' --include='*_test.go' . | sed 's/func //' | sort -u); do
  pkg=$(dirname "$(grep -rlE "^func $target\(" --include='*_test.go' . | head -1)")
  echo "== $target ($pkg)"
  go test -run='^$' -fuzz="^$target\$" -fuzztime="${FUZZTIME:-60s}" "$pkg"
done
