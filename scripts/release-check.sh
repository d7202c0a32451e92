#!/usr/bin/env bash
# Proves the release configuration works without publishing anything:
#   1. installs a pinned goreleaser from the Go module proxy (cached between runs),
#   2. `goreleaser check` validates .goreleaser.yaml (deprecated keys fail it too),
#   3. builds one snapshot target (linux/amd64) the way a release does,
#   4. runs that binary's `dialin version` and checks the version, commit and date goreleaser
#      injected with -ldflags, and that the build is -trimpath and cgo-free.
# Usage: scripts/release-check.sh [--full]
#   --full  also runs `goreleaser release --snapshot` for every target: archives, checksums,
#           deb/rpm/apk and the Homebrew cask land in dist/ (nothing is published). Slow.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned. v2.15.1 is the newest release that builds here: v2.16.0 and later pull in nfpm's
# msix support (go.digitalxero.dev/go-msix, a host the module proxy mirror we use refuses),
# and v2.18 needs Go 1.27. Bump deliberately, and rerun this script.
GORELEASER_VERSION=v2.15.1
full=false
case "${1:-}" in
  "") ;;
  --full) full=true ;;
  *) echo "usage: $0 [--full]" >&2; exit 64 ;;
esac

cache="${DIALIN_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dialin-ci}"
bindir="$cache/goreleaser-$GORELEASER_VERSION"
goreleaser="$bindir/goreleaser"
if [ ! -x "$goreleaser" ]; then
  echo "== installing goreleaser $GORELEASER_VERSION into $bindir (go install from the module proxy)"
  start=$(date +%s)
  GOBIN="$bindir" go install "github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION"
  echo "   installed in $(( $(date +%s) - start ))s"
fi
"$goreleaser" --version | grep -q "${GORELEASER_VERSION#v}" || {
  echo "release-check: $goreleaser is not goreleaser $GORELEASER_VERSION" >&2; exit 1; }

# goreleaser records the commit (and so injects it) only when it can also read a remote URL;
# a checkout without one gets "none". Give this process a remote, without touching .git/config.
if [ -z "$(git remote)" ]; then
  export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url \
    GIT_CONFIG_VALUE_0=https://github.com/dialin-project/dialin.git
fi

echo "== goreleaser check"
"$goreleaser" check

# The before hooks (go mod tidy, gendocs --dir .) rewrite the work tree; skip them here:
# scripts/check-generated.sh already proves the committed docs match the code.
echo "== goreleaser build --snapshot --single-target (linux/amd64)"
start=$(date +%s)
GOOS=linux GOARCH=amd64 "$goreleaser" build --snapshot --single-target --clean --skip=before
echo "   built in $(( $(date +%s) - start ))s"

bin=$(find dist -type f -name dialin -path '*linux_amd64*' | head -n 1)
if [ -z "$bin" ]; then
  echo "release-check: no linux/amd64 dialin binary under dist/" >&2; exit 1
fi
# metadata.json is goreleaser's record of the version it injected.
want_version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' dist/metadata.json | head -n 1)
want_commit=$(git rev-parse HEAD)
if [ -z "$want_version" ]; then
  echo "release-check: no version in dist/metadata.json" >&2; exit 1
fi

fail() { echo "release-check: $*" >&2; exit 1; }
got_version=$("$bin" version --jq .version)
got_commit=$("$bin" version --jq .commit)
got_date=$("$bin" version --jq .date)
line=$("$bin" version)
echo "   $bin: $line"
[ "$got_version" = "$want_version" ] || fail "dialin version reports $got_version, goreleaser injected $want_version"
[ "$got_commit" = "$want_commit" ] || fail "dialin version reports commit $got_commit, HEAD is $want_commit"
[ -n "$got_date" ] || fail "dialin version reports no build date"
case "$line" in
  "dialin version $want_version (commit ${want_commit:0:12}, built $got_date)") ;;
  *) fail "unexpected version line: $line" ;;
esac
buildinfo=$(go version -m "$bin")
grep -q -- '-trimpath=true' <<<"$buildinfo" || fail "binary was not built with -trimpath"
grep -q 'CGO_ENABLED=0' <<<"$buildinfo" || fail "binary was not built with CGO_ENABLED=0"
echo "   version, commit and date injected; -trimpath, CGO_ENABLED=0"

if $full; then
  echo "== goreleaser release --snapshot (all targets, nothing published)"
  start=$(date +%s)
  "$goreleaser" release --snapshot --clean --skip=before,publish,announce,sign
  echo "   released to dist/ in $(( $(date +%s) - start ))s"
fi
echo "release-check: ok"
