#!/usr/bin/env bash
# Checks the release files the way a user meets them (CI calls this after the tests):
#
#   Linux    the package installs with its Makefile into a temporary PREFIX (and
#            with user-install into a temporary HOME), the installed danvan opens
#            a window under Xvfb, danvanctl runs.
#   Windows  under Wine (Debian's wine64, throwaway prefix): danvanctl.exe gives
#            byte for byte the output of the Linux danvanctl (CRLF aside) for
#            version, demo, list, chart (SVG) and export; danvan.exe opens a window.
#
# Builds dist/ first with scripts/dist.sh; --no-build checks the dist/ already
# there. Work files (databases, outputs, logs, screenshots, Wine prefix) go to
# dist/check/ (DIST_CHECK_OUT overrides). Debian's Wine 8 lacks
# bcryptprimitives.dll, which Go programs need at start-up: a small stand-in built
# from scripts/wine/ goes into the prefix's system32 (never into the release).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
build=1
[ "${1:-}" = "--no-build" ] && build=0
bash scripts/setup.sh --test --dist
source scripts/env.sh
source scripts/lib-x11.sh

t0=$SECONDS
step() { echo "== $* ($((SECONDS - t0)) s)"; }
fail() { echo "dist-check: $*" >&2; exit 1; }

if [ "$build" = 1 ]; then
  step "make dist"
  bash scripts/dist.sh
fi
lin="$root/dist/linux-amd64" win="$root/dist/windows-amd64"
for f in "$lin/danvan.tar.xz" "$lin/danvanctl" "$win/danvan.exe" "$win/danvanctl.exe"; do
  [ -s "$f" ] || fail "$f missing: run make dist"
done
(cd dist && sha256sum --quiet -c SHA256SUMS) || fail "dist/SHA256SUMS does not match"

out="${DIST_CHECK_OUT:-$root/dist/check}"
rm -rf "$out"
mkdir -p "$out/linux" "$out/windows"

export WINEPREFIX="$out/wine" WINEDEBUG=-all WINEARCH=win64
# No Mono or Gecko: nothing to download, no dialog asking for them.
export WINEDLLOVERRIDES="mscoree,mshtml="
app="" wine_started=0
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null || true
  [ "$wine_started" = 1 ] && wineserver -k 2>/dev/null || true
  x11_stop
}
trap cleanup EXIT

step "Linux package: make install PREFIX=... and make user-install"
tar -xJf "$lin/danvan.tar.xz" -C "$out/linux"
pkg="$out/linux/danvan"
prefix="$out/linux/prefix"
make -s -C "$pkg" install PREFIX="$prefix"
for f in bin/danvan share/applications/vn.danvan.app.desktop share/pixmaps/vn.danvan.app.png; do
  [ -s "$prefix/$f" ] || fail "make install PREFIX=$prefix did not install $f"
done
make -s -C "$pkg" user-install HOME="$out/linux/home"
[ -x "$out/linux/home/.local/bin/danvan" ] || fail "make user-install did not install bin/danvan"
grep -q "^Exec=$out/linux/home/.local/bin/danvan" "$out/linux/home/.local/share/applications/vn.danvan.app.desktop" ||
  fail "make user-install left the .desktop Exec line unchanged"

step "version strings in every binary"
version="$("$lin/danvanctl" version | sed -n 's/^danvanctl \([^ ]*\) .*/\1/p')"
[ -n "$version" ] && [ "$version" != dev ] || fail "danvanctl has no version: $("$lin/danvanctl" version)"
for f in "$prefix/bin/danvan" "$lin/danvanctl" "$win/danvan.exe" "$win/danvanctl.exe"; do
  grep -aqF "$version" "$f" || fail "$f does not carry version $version"
done
echo "version $version"

# The same commands on both sides; each writes out/<side>/<name>.out.
# chart and export are checked when this danvanctl has them.
has_cmd() { { "$lin/danvanctl" help 2>&1 || true; } | grep -qE "^  $1( |\$)"; }
# The database path is absolute (a Windows path under Wine): a relative --db is
# refused ("invalid uri authority") by data.dsn at the time of writing.
ctl_run() { # SIDE CMD...   (CMD runs in out/SIDE)
  local side="$1"; shift
  (cd "$out/$side" && "$@")
}
ctl_all() { # SIDE DB PROGRAM...
  local side="$1" db="$2"; shift 2
  ctl_run "$side" "$@" version >"$out/$side/version.out"
  ctl_run "$side" "$@" --db "$db" demo >"$out/$side/demo.out"
  ctl_run "$side" "$@" --db "$db" check >"$out/$side/check.out"
  for what in localities units programs indicators; do
    ctl_run "$side" "$@" --db "$db" list "$what" --csv >"$out/$side/list-$what.csv"
  done
  local program
  program="$(sed -n '2s/,.*//p' "$out/$side/list-programs.csv" | tr -d '\r')"
  [ -n "$program" ] || fail "$side: the demo has no program"
  if has_cmd chart; then
    ctl_run "$side" "$@" --db "$db" chart --kind progress --program "$program" -o chart.svg >"$out/$side/chart.out"
  fi
  if has_cmd export; then
    ctl_run "$side" "$@" --db "$db" export --program "$program" -o export.csv >"$out/$side/export.out"
  fi
  local f text # messages may name the database: compare them without its path
  for f in "$out/$side"/*.out; do
    text="$(tr -d '\r' <"$f")"
    printf '%s\n' "${text//"$db"/DB}" >"$f"
  done
}

step "Linux danvanctl"
ctl_all linux "$out/linux/demo.db" "$lin/danvanctl"

step "Wine prefix (wineboot --init) and the ProcessPrng stand-in"
command -v wine >/dev/null || fail "wine not installed"
wine --version
x86_64-w64-mingw32-gcc -O2 -s -shared -static-libgcc -o "$out/bcryptprimitives.dll" \
  scripts/wine/bcryptprimitives.c scripts/wine/bcryptprimitives.def -ladvapi32
wine_started=1
wineboot --init >"$out/wineboot.log" 2>&1 || { cat "$out/wineboot.log"; fail "wineboot failed"; }
wineserver -w
cp "$out/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
# One wineserver for every wine call that follows: each call starting its own, just
# as the last one's server shuts down, failed now and then with "wine client error:
# recvmsg: Connection reset by peer". The cleanup kills it.
wineserver -p

step "Windows danvanctl.exe under Wine"
ctl_all windows "$(winepath -w "$out/windows/demo.db")" wine "$win/danvanctl.exe"

step "compare Linux and Windows outputs"
for f in "$out"/linux/*.out "$out"/linux/*.csv "$out"/linux/*.svg; do
  [ -e "$f" ] || continue
  name="$(basename "$f")"
  [ -s "$f" ] || [ "${f##*.}" = out ] || fail "linux/$name is empty"
  if ! diff <(tr -d '\r' <"$f") <(tr -d '\r' <"$out/windows/$name") >"$out/diff-$name.txt"; then
    head -20 "$out/diff-$name.txt"
    fail "$name differs between Linux and Windows (full diff in $out/diff-$name.txt)"
  fi
  rm -f "$out/diff-$name.txt"
  echo "same: $name ($(wc -l <"$f") lines)"
done

step "GUI windows under Xvfb"
x11_start "$out/xvfb.log"

"$prefix/bin/danvan" --db "$out/linux/demo.db" >"$out/linux/app.log" 2>&1 &
app=$!
x11_wait_window danvan "$app" "$out/linux/app.log" 60 || fail "installed Linux danvan: no window"
sleep 3
kill -0 "$app" 2>/dev/null || { cat "$out/linux/app.log"; fail "Linux danvan exited after opening its window"; }
import -window root "$out/linux/screenshot.png" 2>/dev/null || true
kill "$app"; wait "$app" 2>/dev/null || true; app=""
echo "Linux danvan: window up"

(cd "$out/windows" && exec wine "$win/danvan.exe" --db "$(winepath -w "$out/windows/demo.db")") >"$out/windows/app.log" 2>&1 &
app=$!
x11_wait_window danvan "$app" "$out/windows/app.log" 120 || fail "danvan.exe under Wine: no window"
sleep 5
kill -0 "$app" 2>/dev/null || { cat "$out/windows/app.log"; fail "danvan.exe exited after opening its window"; }
import -window root "$out/windows/screenshot.png" 2>/dev/null || true
kill "$app"; wait "$app" 2>/dev/null || true; app=""
echo "danvan.exe under Wine: window up"

wineserver -k 2>/dev/null || true
wineserver -w 2>/dev/null || true
wine_started=0
rm -rf "$WINEPREFIX" # 700 MB; kept when a check fails
step "dist-check passed"
echo "screenshots: $out/linux/screenshot.png $out/windows/screenshot.png"
