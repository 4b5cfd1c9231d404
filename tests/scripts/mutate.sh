#!/usr/bin/env bash
# mutate.sh — mutation testing with gremlins (github.com/go-gremlins/gremlins)
# on the committed tree (HEAD, in a temporary git worktree; the working tree
# is never touched). Each target file gets MUTATE_TIME seconds (default 120);
# gremlins tries a file's mutants in line order, runs the package's tests on
# each with a timeout, and a mutant the tests do not fail "survived".
# Prints every mutant, then a score per package: detected / tested
# (detected = tests failed or timed out); mutants gremlins finds no coverage
# for are listed but not scored.
# A mutant still running when a file's time is up is left out, not scored.
#
#   MUTATE_TARGETS="cache/flight.go fetch/pager.go" tests/scripts/mutate.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
per=${MUTATE_TIME:-120}
mutant_timeout=${MUTATE_MUTANT_TIMEOUT:-60} # seconds, for a mutant that hangs the tests
version=v0.6.0
targets=${MUTATE_TARGETS:-"fetch/media/handle.go fetch/media/ranged.go fetch/media/prefetch.go fetch/media/state.go fetch/pager.go cache/budget.go cache/holds.go cache/flight.go fs/tree/posts.go fs/tree/listing.go"}

gremlins=$(command -v gremlins || echo "$(go env GOPATH)/bin/gremlins")
if [ ! -x "$gremlins" ]; then
  go install "github.com/go-gremlins/gremlins/cmd/gremlins@$version"
fi

tmp=$(mktemp -d /tmp/mut-XXXXXX)
wt=$tmp/tree
git worktree add -q --detach "$wt" HEAD
cleanup() { git worktree remove --force "$wt" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
mkdir "$tmp/gotmp"
results=$tmp/results
: >"$results"

declare -A coef
for f in $targets; do
  dir=$(dirname "$f")
  [ -f "$wt/$f" ] || { echo "mutate: no $f at HEAD" >&2; exit 1; }
  # gremlins times out a mutant at coefficient × its own coverage run of
  # ./dir/...; time that run here to aim at mutant_timeout.
  if [ -z "${coef[$dir]:-}" ]; then
    t0=$(date +%s%N)
    (cd "$wt" && go test -count=1 -cover "./$dir/..." >/dev/null 2>&1) || true
    ms=$(( ($(date +%s%N) - t0) / 1000000 + 1 ))
    coef[$dir]=$(( mutant_timeout * 1000 / ms ))
    [ "${coef[$dir]}" -ge 2 ] || coef[$dir]=2
  fi
  # Exclude every other non-test file under the package directory.
  excl=()
  while IFS= read -r g; do
    rel=${g#"$wt/$dir/"}
    [ "$rel" = "$(basename "$f")" ] && continue
    excl+=(-E "(^|/)${rel//./\\.}\$")
  done < <(find "$wt/$dir" -name '*.go' ! -name '*_test.go')
  echo "== $f (up to ${per}s; timeout coefficient ${coef[$dir]})"
  # -count=1: a cached coverage run would make every mutant time out.
  # --foreground: only gremlins is stopped when time is up; a signal to the
  # running test would make gremlins report that mutant as LIVED.
  (cd "$wt" && TMPDIR=$tmp/gotmp GOFLAGS="${GOFLAGS:-} -count=1" timeout --foreground -k $((mutant_timeout + 10)) "$per" \
    "$gremlins" unleash --workers 1 --timeout-coefficient "${coef[$dir]}" \
      --arithmetic-base --conditionals-boundary --conditionals-negation \
      --increment-decrement --invert-loopctrl --invert-negatives=false \
      "${excl[@]}" "./$dir" 2>&1 || true) |
    grep --line-buffered -E '^ *(KILLED|LIVED|TIMED OUT|NOT COVERED|NOT VIABLE) ' |
    sed -u "s|\([a-z_]*\.go:\)|$dir/\1|" | tee -a "$results" || true
done

echo
echo "== score per package: detected / tested (+ not covered, not scored)"
awk '
  { pos = $NF; sub(/:.*/, "", pos); n = split(pos, p, "/"); pkg = p[1]; for (i = 2; i < n; i++) pkg = pkg "/" p[i]
    if ($1 == "KILLED" || $1 == "TIMED") det[pkg]++
    if ($1 == "LIVED") lived[pkg]++
    if ($1 == "NOT" && $2 == "COVERED") nc[pkg]++
    if (!(pkg in seen)) { seen[pkg] = 1; order[++k] = pkg } }
  END { for (i = 1; i <= k; i++) { q = order[i]; t = det[q] + lived[q]
          printf "%-14s %3d/%-3d %5.1f%%  (%d lived, +%d not covered)\n", q, det[q], t, t ? 100 * det[q] / t : 0, lived[q], nc[q] } }' "$results"
echo
echo "== survivors (gremlins also calls switch-case expressions and constants not covered)"
grep -E '^ *(LIVED|NOT COVERED) ' "$results" || echo "none"
