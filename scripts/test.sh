#!/usr/bin/env bash
# Runs every check danvan has: formatting, go vet, staticcheck, the whole test suite
# with the race detector (which replays every fuzz target's saved corpus), a few seconds of
# fuzzing of every fuzz target, a smoke test of the real
# GUI binary under Xvfb, and the release files built and run on Linux and under Wine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test --dist
source scripts/env.sh

echo "== gofmt"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then echo "not gofmt-formatted: $unformatted"; exit 1; fi
echo "== go vet"
go vet ./...
echo "== staticcheck"
go tool staticcheck ./...
echo "== go test -race"
# The race detector slows the chart edge cases tenfold on two cores: the default
# ten minutes a package is not enough on a busy machine.
go test -race -count=1 -timeout 40m ./...
echo "== fuzz every target briefly: CSV and workbooks, numbers, periods, tone marks (make fuzz runs them longer)"
go test -run '^$' -fuzz '^FuzzReader$' -fuzztime "${FUZZTIME:-5s}" ./data/tabular/
go test -run '^$' -fuzz '^FuzzParseNumber$' -fuzztime "${FUZZTIME:-5s}" ./data/tabular/
go test -run '^$' -fuzz '^FuzzParse$' -fuzztime "${FUZZTIME:-5s}" ./data/period/
go test -run '^$' -fuzz '^FuzzNormalizeTone$' -fuzztime "${FUZZTIME:-5s}" ./data/vntext/
echo "== GUI smoke test"
bash scripts/smoke-gui.sh
echo "== release files: Linux package and Windows binaries, checked under Xvfb and Wine"
bash scripts/dist-check.sh
echo "all checks passed"
