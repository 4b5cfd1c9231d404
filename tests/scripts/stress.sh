#!/usr/bin/env bash
# stress.sh — minutes of concurrent random preads on a real douyinfs mount of
# bin/fakedouyin, checked byte for byte by bin/preadcheck, in phases:
#
#   quiet   no faults, a small budget (--cache-budget 16MiB): 16 readers
#           on 16 blocks
#   tiny    no faults, the smallest budget allowed (4 blocks: 4MiB)
#   faults  16MiB with 5xx, resets, stalls and malformed JSON
#   slow    16MiB on a slow link (200 KB/s per connection)
#   cdn     16MiB, a CDN that ignores Range and answers 5 % of requests
#           404/410 (not in the default list: run it with STRESS_PHASES=cdn)
#
# Run through `make stress`. Environment: STRESS_SECONDS (random phase per
# phase, default 120), STRESS_THREADS (16), STRESS_FILES (videos, 10),
# STRESS_SEED (0: from the clock), STRESS_PHASES ("quiet tiny faults slow"),
# STRESS_ALLOW_ERRORS=1 to pass phases whose only problems are errors.
# It prints each phase's report and exits 1 when any phase returned a wrong
# or short read (or an error, unless allowed).
set -euo pipefail
cd "$(dirname "$0")/../.."

secs=${STRESS_SECONDS:-120}
threads=${STRESS_THREADS:-16}
files=${STRESS_FILES:-10}
seed=${STRESS_SEED:-0}
phases=${STRESS_PHASES:-quiet tiny faults slow}
allow_errors=false
[ "${STRESS_ALLOW_ERRORS:-0}" = 1 ] && allow_errors=true
GO=${GO:-go}

if [ ! -e /dev/fuse ]; then
  echo "stress: /dev/fuse is missing; douyinfs needs FUSE" >&2
  exit 1
fi
if ! command -v fusermount3 >/dev/null 2>&1 && [ "$(id -u)" -ne 0 ]; then
  echo "stress: fusermount3 is missing; install it with: sudo apt-get install -y fuse3" >&2
  exit 1
fi

echo "stress: building bin/douyinfs, bin/fakedouyin, bin/preadcheck"
$GO build -o bin/douyinfs ./cmd/douyinfs
$GO build -o bin/fakedouyin ./cmd/fakedouyin
$GO build -o bin/preadcheck ./tests/preadcheck/cmd/preadcheck

work=$(mktemp -d)
mnt=$work/mnt
mkdir -p "$mnt"
fake_pid=""
fs_pid=""

# stop unmounts (lazily if it must) and stops the daemon and the fake.
stop() {
  if [ -n "$fs_pid" ] && kill -0 "$fs_pid" 2>/dev/null; then
    kill -INT "$fs_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$fs_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$fs_pid" 2>/dev/null || true
  fi
  if grep -qs " $mnt " /proc/mounts; then
    fusermount3 -u -z "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
  fi
  if [ -n "$fake_pid" ]; then
    kill "$fake_pid" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
  fs_pid=""
  fake_pid=""
}
cleanup() {
  trap - INT TERM EXIT
  stop
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# phase NAME BUDGET "FAKE FLAGS": one fake, one mount, one checker run.
phase() {
  local name=$1 budget=$2 fake_flags=$3
  echo
  echo "=== stress phase $name: fakedouyin $fake_flags; douyinfs --cache-budget $budget; $threads threads, $files videos, ${secs}s"
  # shellcheck disable=SC2086 # the flags are meant to split
  bin/fakedouyin --config-out "$work/$name.toml" --users 3 --posts 10 $fake_flags \
    >"$work/$name.fake.out" 2>"$work/$name.fake.log" &
  fake_pid=$!
  for _ in $(seq 100); do
    [ -s "$work/$name.fake.out" ] && [ -s "$work/$name.toml" ] && break
    kill -0 "$fake_pid" 2>/dev/null || { cat "$work/$name.fake.log" >&2; return 2; }
    sleep 0.1
  done
  local base
  base=$(head -n1 "$work/$name.fake.out")

  bin/douyinfs mount --config "$work/$name.toml" --cache-budget "$budget" --xattrs "$mnt" 2>"$work/$name.douyinfs.log" &
  fs_pid=$!
  for _ in $(seq 100); do
    grep -qs " $mnt " /proc/mounts && break
    kill -0 "$fs_pid" 2>/dev/null || { cat "$work/$name.douyinfs.log" >&2; return 2; }
    sleep 0.1
  done
  grep -qs " $mnt " /proc/mounts || { echo "stress: the mount did not appear" >&2; cat "$work/$name.douyinfs.log" >&2; return 2; }

  local rc=0
  bin/preadcheck --mount "$mnt" --fake "$base" --threads "$threads" --files "$files" \
    --duration "${secs}s" --seed "$seed" --allow-errors="$allow_errors" || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "--- last lines of the douyinfs log ($name):"
    tail -n 15 "$work/$name.douyinfs.log"
  fi
  stop
  return "$rc"
}

failed=()
for p in $phases; do
  rc=0
  case $p in
    quiet) phase quiet 16MiB "" || rc=$? ;;
    tiny) phase tiny 4MiB "" || rc=$? ;;
    faults) phase faults 16MiB "--fault-5xx 0.05 --fault-reset 0.05 --fault-stall 0.02 --malformed-rate 0.05" || rc=$? ;;
    slow) phase slow 16MiB "--conn-bandwidth 200KB" || rc=$? ;;
    cdn) phase cdn 16MiB "--ignore-range --cdn-gone-rate 0.05" || rc=$? ;;
    *) echo "stress: unknown phase $p (quiet, tiny, faults, slow, cdn)" >&2; rc=2 ;;
  esac
  stop
  [ "$rc" -eq 0 ] || failed+=("$p")
done

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "stress: FAILED phases: ${failed[*]}"
  exit 1
fi
echo "stress: every phase passed"
