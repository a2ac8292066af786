#!/usr/bin/env bash
# Prints the path of a FerretDB v1.24.2 binary, building it once and caching it.
# `go install ...@v1.24.2` is tried first; where the Go proxy refuses the module's version
# list (it does on some mirrors), the module is downloaded and built from its source with the
# version file that `go install` would not need to generate.
set -euo pipefail

VERSION=v1.24.2
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/helpdesk-ci"
BINARY="$CACHE_DIR/ferretdb-$VERSION"
mkdir -p "$CACHE_DIR"

works() { [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }

if works "$BINARY"; then
  echo "$BINARY"
  exit 0
fi

GOBIN_DIR="$CACHE_DIR/gobin"
if GOBIN="$GOBIN_DIR" go install "github.com/FerretDB/FerretDB/cmd/ferretdb@$VERSION" >&2 && works "$GOBIN_DIR/ferretdb"; then
  cp "$GOBIN_DIR/ferretdb" "$BINARY"
  echo "$BINARY"
  exit 0
fi

echo "go install failed or the binary does not start; building from the module source" >&2
WORK="$(mktemp -d)"
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
(
  cd "$WORK"
  go mod init ferretdb-build >/dev/null 2>&1
  MODULE_DIR="$(go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$MODULE_DIR" ] || { echo "could not download the FerretDB module" >&2; exit 1; }
  cp -r "$MODULE_DIR" src
  chmod -R u+w src
  echo "$VERSION" > src/build/version/version.txt
  cd src
  go build -o "$BINARY" ./cmd/ferretdb
) >&2
works "$BINARY" || { echo "the FerretDB build does not start" >&2; exit 1; }
echo "$BINARY"
