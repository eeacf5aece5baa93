#!/usr/bin/env bash
# Builds danvan and opens it. With no database yet (or --demo), it first creates a
# demo database so there is something to look at. Arguments go to the app
# (e.g. --db FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
mkdir -p bin
go build -o bin/danvan ./cmd/danvan
go build -o bin/danvanctl ./cmd/danvanctl
db="${DANVAN_DB:-$PWD/bin/demo.db}"
if [ "${1:-}" = "--demo" ]; then shift; rm -f "$db" "$db-wal" "$db-shm"; fi
if [ ! -s "$db" ]; then
  ./bin/danvanctl --db "$db" demo
fi
exec ./bin/danvan --db "$db" "$@"
