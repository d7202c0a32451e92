#!/usr/bin/env bash
# Regenerates the reference docs, man pages and shell completions into a temporary directory
# and fails if they differ from the committed ones (docs/reference, docs/man, completions).
# Fix a failure with: go run ./cmd/dialin gendocs --dir .   (then commit the result)
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A scrubbed environment (only Go's settings and proxies pass): the output must depend on the
# code only, never on the profile, config or variables of whoever runs it.
keep=(PATH="$PATH" HOME="$tmp/home")
for v in GOPATH GOCACHE GOMODCACHE GOFLAGS GOTOOLCHAIN GOPROXY GOSUMDB GONOSUMDB GOPRIVATE GONOPROXY GOINSECURE; do
  keep+=("$v=$(go env "$v")")
done
for v in HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy; do
  if [ -n "${!v:-}" ]; then keep+=("$v=${!v}"); fi
done
env -i "${keep[@]}" go run ./cmd/dialin gendocs --dir "$tmp/out"

status=0
for d in docs/reference docs/man completions; do
  if [ ! -d "$d" ]; then
    echo "check-generated: $d is missing; run: go run ./cmd/dialin gendocs --dir ." >&2
    status=1
    continue
  fi
  # Only the files gendocs owns: docs/reference may also hold hand-written pages.
  case "$d" in
    docs/reference) pattern='dialin*.md' ;;
    docs/man)       pattern='dialin*.1' ;;
    completions)    pattern='*' ;;
  esac
  mkdir -p "$tmp/committed/$d"
  find "$d" -maxdepth 1 -type f -name "$pattern" -exec cp {} "$tmp/committed/$d/" \;
  if ! diff -ru "$tmp/committed/$d" "$tmp/out/$d"; then
    status=1
  fi
done

if [ "$status" -ne 0 ]; then
  echo "check-generated: generated docs or completions are out of date (diff above: committed -> generated);" >&2
  echo "  run: go run ./cmd/dialin gendocs --dir .   and commit docs/reference, docs/man and completions" >&2
  exit 1
fi
echo "check-generated: docs/reference, docs/man and completions are up to date"
