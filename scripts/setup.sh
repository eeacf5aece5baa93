#!/usr/bin/env bash
# Installs what building and testing danvan needs on Debian or Ubuntu: the C
# toolchain and X11, Wayland and OpenGL headers Fyne compiles against, Xvfb and friends for the
# GUI smoke test, poppler (pdftotext) for the PDF tests, sqlite3 for the import
# benchmark, and Go itself when it is missing; with --dist, the mingw-w64 cross
# compiler, Wine and xz for building and checking the release files (scripts/dist.sh,
# scripts/dist-check.sh). Safe to run again: it installs only what is absent.
set -euo pipefail

packages=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
  libxinerama-dev libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev)
for mode in "$@"; do
  case "$mode" in
    --test) packages+=(xvfb x11-utils xdotool imagemagick poppler-utils sqlite3) ;;
    --dist) packages+=(mingw-w64 wine wine64 xz-utils make git) ;;
    *) echo "setup: unknown option $mode (use --test, --dist)" >&2; exit 2 ;;
  esac
done
command -v go >/dev/null 2>&1 || [ -x /usr/local/go/bin/go ] || packages+=(golang-go)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
