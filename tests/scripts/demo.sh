#!/usr/bin/env bash
# demo.sh — start the built-in fake Douyin, mount it at ./mnt, show what to
# try, and on Ctrl-C unmount and stop everything. Run through `make demo`.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -e /dev/fuse ]; then
  echo "demo: /dev/fuse is missing; douyinfs needs FUSE (modprobe fuse, or run in a machine that has it)" >&2
  exit 1
fi
if ! command -v fusermount3 >/dev/null 2>&1 && [ "$(id -u)" -ne 0 ]; then
  echo "demo: fusermount3 is missing; install it with: sudo apt-get install -y fuse3" >&2
  exit 1
fi

mnt=$PWD/mnt
work=$(mktemp -d)
fake_pid=""
fs_pid=""

cleanup() {
  trap - INT TERM EXIT
  echo
  echo "demo: unmounting and stopping the fake Douyin"
  if [ -n "$fs_pid" ] && kill -0 "$fs_pid" 2>/dev/null; then
    kill -INT "$fs_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$fs_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  if grep -qs " $mnt " /proc/mounts; then
    fusermount3 -u -z "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
  fi
  [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup INT TERM EXIT

if grep -qs " $mnt " /proc/mounts; then
  echo "demo: $mnt is still mounted from an earlier run; unmounting it" >&2
  fusermount3 -u -z "$mnt" 2>/dev/null || umount -l "$mnt"
fi
mkdir -p "$mnt"

# The fake writes a douyinfs config pointing every host at itself.
bin/fakedouyin --config-out "$work/fake.toml" --login --users 3 --posts 40 \
  --api-latency 20ms --cdn-ttfb 10ms >"$work/fake.out" 2>"$work/fake.log" &
fake_pid=$!
for _ in $(seq 100); do
  [ -s "$work/fake.out" ] && [ -s "$work/fake.toml" ] && break
  kill -0 "$fake_pid" 2>/dev/null || { cat "$work/fake.log" >&2; exit 1; }
  sleep 0.1
done
base=$(head -n1 "$work/fake.out")

bin/douyinfs mount --config "$work/fake.toml" "$mnt" 2>"$work/douyinfs.log" &
fs_pid=$!
for _ in $(seq 100); do
  grep -qs " $mnt " /proc/mounts && break
  kill -0 "$fs_pid" 2>/dev/null || { cat "$work/douyinfs.log" >&2; exit 1; }
  sleep 0.1
done
grep -qs " $mnt " /proc/mounts || { echo "demo: mount did not appear" >&2; cat "$work/douyinfs.log" >&2; exit 1; }

first_user=$(ls "$mnt/users" | head -n1)
cat <<MSG

douyinfs is mounted at ./mnt, serving a fake Douyin at $base
(config: $work/fake.toml, log: $work/douyinfs.log)

Try, in another terminal:
  ls mnt/users/
  ls -l mnt/users/$first_user/posts/ | head
  cat mnt/users/$first_user/profile.json
  ffprobe -hide_banner "\$(ls -d mnt/users/$first_user/posts/*.mp4 | head -n1)"
  mpv mnt/users/$first_user/posts/   (or any player: seeking works)
  rsync -a --stats mnt/users/$first_user/ /tmp/douyin-copy/
  cat mnt/.douyinfs/stats.json

Press Ctrl-C here to unmount and stop.
MSG
wait "$fs_pid" || true
