#!/bin/sh
# Builds a Go interop program offline against the Debian packages
# golang-go and golang-golang-x-mod-dev, and prints the binary's path.
#
#   sh test/interop/build.sh [OUT] [PROGRAM]
#
# PROGRAM is checker (the default: what a live node serves), tilecheck (a
# published tile tree), bundlecheck (an offline proof bundle) or forkcheck (a
# mirror's evidence of a split view); OUT defaults
# to test/interop/PROGRAM.bin (git-ignored).
#
# Exit 2 (with a message on stderr) when Go or golang.org/x/mod is missing,
# so a caller can skip rather than fail; exit 1 when the build itself fails.
set -eu

GOPATH_DIR=/usr/share/gocode
XMOD="$GOPATH_DIR/src/golang.org/x/mod"

if ! command -v go >/dev/null 2>&1; then
  echo "test/interop/build.sh: 'go' not found; install the Debian package golang-go" >&2
  exit 2
fi
if [ ! -d "$XMOD/sumdb/note" ] || [ ! -d "$XMOD/sumdb/tlog" ]; then
  echo "test/interop/build.sh: $XMOD/sumdb/{note,tlog} not found; install the Debian package golang-golang-x-mod-dev" >&2
  exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

program=${2:-checker}
case "$program" in checker|tilecheck|bundlecheck|forkcheck) ;; *) echo "test/interop/build.sh: no program $program (checker, tilecheck, bundlecheck or forkcheck)" >&2; exit 1 ;; esac
out=${1:-"$here/$program.bin"}
case "$out" in /*) ;; *) out="$(pwd)/$out" ;; esac

# A writable build cache even when HOME is unset or read-only.
cache=$(go env GOCACHE 2>/dev/null || true)
if [ -z "$cache" ] || [ "$cache" = off ] || ! { mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ]; }; then
  GOCACHE="${TMPDIR:-/tmp}/tracechain-interop-gocache"
  export GOCACHE
fi

cd "$root"
# GOPATH mode: imports resolve to the Debian sources, never to the network.
GO111MODULE=off GOPATH="$GOPATH_DIR" GOFLAGS= GOPROXY=off CGO_ENABLED=0 \
  go build -o "$out" "./test/interop/$program" >&2 || {
  echo "test/interop/build.sh: go build failed" >&2
  exit 1
}
echo "$out"
