#!/usr/bin/env bash
# fuzz.sh DURATION — run every Fuzz* target in the module for DURATION each.
set -euo pipefail
dur=${1:-10s}
cd "$(dirname "$0")/../.."
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  targets=$(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u || true)
  for t in $targets; do
    echo "== $pkg $t ($dur)"
    go test -run='^$' -fuzz="^${t}\$" -fuzztime="$dur" "$pkg"
  done
done
