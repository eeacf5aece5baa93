# Sourced by the scripts: puts Go on PATH and lets an older Go fetch the toolchain
# go.mod asks for.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
export PATH="$(go env GOPATH)/bin:$PATH"
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
export CGO_ENABLED=1
