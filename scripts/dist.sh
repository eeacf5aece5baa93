#!/usr/bin/env bash
# Builds the release files under dist/ on a Debian or Ubuntu machine:
#
#   dist/linux-amd64/danvan.tar.xz    the GUI packaged by the Fyne tool: binary,
#                                     .desktop entry, icon and an install Makefile
#   dist/linux-amd64/danvanctl        the command line
#   dist/windows-amd64/danvan.exe     the GUI with icon, version information and
#                                     manifest, no console window (cgo via mingw-w64)
#   dist/windows-amd64/danvanctl.exe  the command line
#   dist/SHA256SUMS
#
# SQLite, the official lists and the fonts are compiled into each binary: there is
# nothing else to install and nothing fetched at run time. The version
# (git describe), commit and build date go into both programs through -ldflags;
# DANVAN_VERSION overrides the version, SOURCE_DATE_EPOCH the date. The work tree
# is left as it was: the Fyne tool's build-number bump of FyneApp.toml and the
# Windows resource file it writes into cmd/danvan are undone even on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dist
source scripts/env.sh

# Taken before anything is built, so the version says whether the tree was dirty.
version="${DANVAN_VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}"
commit="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
  date="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
else
  date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
fi
# No spaces in any of them: they travel through GOFLAGS to the Fyne tool.
version="${version// /_}"
xflags="-X=main.version=$version -X=main.commit=$commit -X=main.date=$date"

# App metadata from FyneApp.toml, handed to the Fyne tool as flags: the tool looks
# for FyneApp.toml only in the main package's folder, and cmd/danvan is not the
# repository root.
meta() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"\{0,1\}\([^\"]*\)\"\{0,1\}[[:space:]]*$/\1/p" FyneApp.toml | head -1; }
app_name="$(meta Name)"
app_id="$(meta ID)"
app_version="$(meta Version)"
app_build="$(meta Build)"
app_icon="$PWD/$(meta Icon)"
for v in app_name app_id app_version app_build; do
  [ -n "${!v}" ] || { echo "dist: FyneApp.toml has no ${v#app_}" >&2; exit 1; }
done
[ -f "$app_icon" ] || { echo "dist: icon $app_icon not found" >&2; exit 1; }
[ -f cmd/danvan/main.go ] || ls cmd/danvan/*.go >/dev/null 2>&1 || {
  echo "dist: cmd/danvan has no Go files yet" >&2; exit 1; }

# Whatever happens, put back what the Fyne tool touches.
saved_toml="$(mktemp)"
cp FyneApp.toml "$saved_toml"
restore() {
  cmp -s "$saved_toml" FyneApp.toml || cp "$saved_toml" FyneApp.toml
  rm -f "$saved_toml" cmd/danvan/fyne.syso cmd/danvan/FyneApp.ico cmd/danvan/fyne_metadata_init.go \
    cmd/danvan/fyne_pprof.go "cmd/danvan/$app_name" "cmd/danvan/$app_name.exe" "cmd/danvan/$app_name.exe.manifest"
}
trap restore EXIT

# Windows cross compiler: the win32-threads flavour needs no libwinpthread DLL.
wincc=x86_64-w64-mingw32-gcc-win32
command -v "$wincc" >/dev/null 2>&1 || wincc=x86_64-w64-mingw32-gcc

rm -rf dist/linux-amd64 dist/windows-amd64 dist/SHA256SUMS
mkdir -p dist/linux-amd64 dist/windows-amd64 dist/.tools
go build -o dist/.tools/fyne fyne.io/tools/cmd/fyne
fyne="$PWD/dist/.tools/fyne"
fyne_flags=(--name "$app_name" --app-id "$app_id" --app-version "$app_version"
  --app-build "$app_build" --icon "$app_icon" --src "$PWD/cmd/danvan" --release)

echo "dist: danvan $version (commit $commit, built $date)"

echo "== linux/amd64: danvan.tar.xz"
(cd dist/linux-amd64 &&
  GOOS=linux GOARCH=amd64 CGO_ENABLED=1 GOFLAGS="${GOFLAGS:+$GOFLAGS }$(printf -- '-ldflags=%s ' $xflags)" \
    "$fyne" package --target linux "${fyne_flags[@]}")
[ "$app_name" = danvan ] || mv "dist/linux-amd64/$app_name.tar.xz" dist/linux-amd64/danvan.tar.xz

echo "== linux/amd64: danvanctl"
GOOS=linux GOARCH=amd64 CGO_ENABLED=1 \
  go build -trimpath -ldflags "-s -w $xflags" -o dist/linux-amd64/danvanctl ./cmd/danvanctl

echo "== windows/amd64: danvan.exe"
# The tool writes fyne.syso (icon, VERSIONINFO, manifest) into cmd/danvan, builds
# with -H=windowsgui and deletes the .syso; the exe lands in cmd/danvan. Handing it
# an existing (empty) --executable skips its first, resource-less build: that build
# would consume the -ldflags in GOFLAGS and leave the real one without a version.
: >"cmd/danvan/$app_name.exe"
GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC="$wincc" \
  GOFLAGS="${GOFLAGS:+$GOFLAGS }$(printf -- '-ldflags=%s ' $xflags)" \
  "$fyne" package --target windows --executable "$PWD/cmd/danvan/$app_name.exe" "${fyne_flags[@]}"
mv "cmd/danvan/$app_name.exe" dist/windows-amd64/danvan.exe

echo "== windows/amd64: danvanctl.exe"
GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC="$wincc" \
  go build -trimpath -ldflags "-s -w $xflags" -o dist/windows-amd64/danvanctl.exe ./cmd/danvanctl

# The Windows binaries must need nothing but DLLs every Windows has.
for exe in dist/windows-amd64/*.exe; do
  extra=$(x86_64-w64-mingw32-objdump -p "$exe" | sed -n 's/^[[:space:]]*DLL Name: //p' |
    grep -viE '^(kernel32|user32|gdi32|shell32|ole32|oleaut32|advapi32|msvcrt|ws2_32|winmm|opengl32|comctl32|comdlg32|imm32|dwmapi|uxtheme|shlwapi|version|setupapi|userenv|bcrypt|crypt32|ntdll|powrprof|secur32|iphlpapi|dnsapi|winspool\.drv|mpr|netapi32|hid|dbghelp|psapi|dinput8|xinput.*|api-ms-win-.*)\.dll$' || true)
  if [ -n "$extra" ]; then
    echo "dist: $exe needs DLLs that are not part of Windows: $extra" >&2; exit 1
  fi
done

(cd dist && sha256sum linux-amd64/* windows-amd64/* >SHA256SUMS)
restore
trap - EXIT
echo "dist: done"
ls -l dist/linux-amd64 dist/windows-amd64
