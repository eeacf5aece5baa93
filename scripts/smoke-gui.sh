#!/usr/bin/env bash
# Starts the real GUI binary under Xvfb on a fresh demo database, waits for its
# window, takes a screenshot, and fails if no window appears or the app exits.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
out="${SMOKE_OUT:-$PWD/bin/smoke}"
mkdir -p "$out"
go build -o bin/danvan ./cmd/danvan
go build -o bin/danvanctl ./cmd/danvanctl
db="$out/demo.db"
rm -f "$db" "$db-wal" "$db-shm"
./bin/danvanctl --db "$db" demo

source scripts/lib-x11.sh
app=""
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null || true
  x11_stop
}
trap cleanup EXIT
x11_start "$out/xvfb.log"

LANG=vi_VN.UTF-8 ./bin/danvan --db "$db" >"$out/app.log" 2>&1 &
app=$!
x11_wait_window danvan "$app" "$out/app.log" 60 || { echo "smoke: failed"; exit 1; }
sleep 3 # let the first frame and the first query land
import -window root "$out/screenshot.png"
if ! kill -0 "$app" 2>/dev/null; then
  echo "smoke: danvan exited after opening its window:"; cat "$out/app.log"; exit 1
fi
if grep -q "should have been called in fyne.Do" "$out/app.log"; then
  echo "smoke: widgets touched off the UI goroutine:"; grep "fyne.Do" "$out/app.log"; exit 1
fi
echo "smoke: window up, screenshot in $out/screenshot.png"
