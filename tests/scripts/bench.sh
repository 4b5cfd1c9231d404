#!/usr/bin/env bash
# bench.sh — side-by-side benchmarks of douyinfs against curl, rclone mount
# (--vfs-cache-mode off and full) and httpdirfs, all reading the same bytes
# from bin/fakedouyin on 127.0.0.1. Prints a table and writes BENCHMARKS.md.
# Run through `make bench` (which builds and installs the tools first).
#
# Knobs (environment):
#   BENCH_RUNS=3         runs per measurement (the table shows the median and
#                        the min–max spread)
#   BENCH_CAP=20         seconds after which a slow sequential read stops and
#                        its throughput is taken over what it read
#   BENCH_ONLY="seq ..." run only these sections: seq cdn ffprobe player ls
#                        rsync rss
#   BENCH_TOOLS="..."    tools to run (default: douyinfs direct rclone-off
#                        rclone-full httpdirfs, and douyinfs-old when
#                        DOUYINFS_OLD is set)
#   BENCH_OUT=FILE       where to write the report (default BENCHMARKS.md;
#                        a partial run writes BENCHMARKS.partial.md instead)
#   BENCH_KEEP=1         keep the work directory (logs, raw results)
#   DOUYINFS=... FAKEDOUYIN=...  other binaries than bin/douyinfs, bin/fakedouyin
#   DOUYINFS_OLD=BINARY  also run this douyinfs (say, built from an older
#                        commit) as the tool douyinfs-old: before and after
#                        in the same run, on the same fake
#   BENCH_FAKE_FLAGS="..." more flags for every fake started (say, the knobs
#                        that let an older douyinfs talk to today's fake)
#   BENCH_BEFORE=FILE    results.tsv of an earlier run (kept with BENCH_KEEP=1),
#                        when an older douyinfs needs its own older fake: its
#                        douyinfs and curl figures become two more columns,
#                        "before", each to be compared with its own curl
#
# Every figure comes from one run of this script: compare ratios inside a
# run, not absolute numbers across machines.
set -uo pipefail
cd "$(dirname "$0")/../.."

RUNS=${BENCH_RUNS:-3}
CAP=${BENCH_CAP:-20}
ONLY=${BENCH_ONLY:-seq cdn ffprobe player ls rsync rss}
DOUYINFS_OLD=${DOUYINFS_OLD:-}
TOOLS=${BENCH_TOOLS:-douyinfs${DOUYINFS_OLD:+ douyinfs-old} direct rclone-off rclone-full httpdirfs}
OUT=${BENCH_OUT:-}
if [ -z "$OUT" ]; then
  if [ -z "${BENCH_ONLY:-}${BENCH_TOOLS:-}" ]; then OUT=BENCHMARKS.md; else OUT=BENCHMARKS.partial.md; fi
fi

# The workload (issue 8).
SEQ_SIZE=512MiB                   # the big video read end to end
CDN_FLAGS=(--conn-bandwidth 40MB --cdn-ttfb 30ms)
CDN_DESC="40 MB/s per connection, 30 ms to first byte"
RAND_N=200                        # random 64 KiB reads
LS_POSTS=2000 LS_LATENCY=20ms     # the big listing
RSYNC_POSTS=200
PAR_READERS=8 PAR_SIZE=1GiB PAR_BUDGET=256MiB
MOOV_BIG=128MiB                   # the big moov-at-end MP4 ffprobe reads
PLAY_SIZE=200MiB PLAY_SECS=${BENCH_PLAY_SECS:-3} PLAY_SEEKS=10
PLAY_RATE=$(($(numfmt --from=iec-i "${PLAY_SIZE%B}") / 600)) # the fake's big video lasts 10 minutes
PAR_CAP=$((CAP + 5))
REREAD_CAP=$(((CAP + 1) / 2))     # a re-read without a cache is just another read
RSYNC_CAP=$((CAP * 3))

DOUYINFS=${DOUYINFS:-bin/douyinfs}
FAKEDOUYIN=${FAKEDOUYIN:-bin/fakedouyin}

die() { echo "bench: $*" >&2; exit 1; }
log() { printf 'bench %02d:%02d %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*" >&2; }
[ -z "$DOUYINFS_OLD" ] || [ -x "$DOUYINFS_OLD" ] || die "DOUYINFS_OLD=$DOUYINFS_OLD is not an executable"
[ -x "$DOUYINFS" ] && [ -x "$FAKEDOUYIN" ] || die "$DOUYINFS or $FAKEDOUYIN is missing: run make build (or make bench)"
[ -e /dev/fuse ] || die "/dev/fuse is missing; FUSE is needed"
[ "$(id -u)" -eq 0 ] || die "run as root: the benchmark drops the page cache and mounts with httpdirfs"
for t in fusermount3 curl rsync ffprobe rclone httpdirfs; do
  command -v "$t" >/dev/null || die "$t is missing: run make deps-bench"
done

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if awk -v l="${LOAD_BEFORE%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
  log "warning: the machine is busy (load average $LOAD_BEFORE): timings will be noisy"
fi

work=$(mktemp -d /tmp/douyinfs-bench.XXXXXX)
results=$work/results.tsv
: >"$results"
mkdir -p "$work/bin"
fake_pid="" tool_pid="" tool_mnt=""
status=1

# ---------------------------------------------------------------- helpers

# kv KEY LINE: the value of KEY in a "k=v k=v" line.
kv() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p" | head -n1; }

now_ns() { date +%s%N; }
# secs_since START_NS: seconds since START_NS (from now_ns).
secs_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }

# cpu_ticks PID: user+system CPU time of the process so far, in clock
# ticks (/proc/PID/stat fields 14 and 15; the command name may hold spaces).
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
CLK_TCK=$(getconf CLK_TCK)
# per_gib TICKS BYTES: CPU seconds per GiB.
per_gib() { awk -v t="$1" -v b="$2" -v hz="$CLK_TCK" 'BEGIN { if (b > 0) printf "%.3f", t / hz / (b / 1073741824); else print "ERR" }'; }

record() { printf 'R\t%s\t%s\t%s\n' "$1" "$2" "$3" >>"$results"; }
row() { printf 'D\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$results"; }
note() { printf 'N\t%s\n' "$*" >>"$results"; }
# late_note: a note about one section, printed after the general ones.
late_notes=()
late_note() { late_notes+=("$*"); }
capped=()
# mark_capped ROW TOOL: that figure was stopped at a time cap.
mark_capped() { capped+=("$2 (${SHORT[$1]:-$1})"); }
declare -A SHORT=([seq_u]="sequential, unthrottled" [seq_t]="sequential, CDN model" [reread]="re-read" [reread2]="second re-read"
  [rs1]="rsync" [par]="parallel readers")

drop_caches() {
  sync
  echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || log "cannot drop the page cache"
}

want() { [[ " $ONLY " == *" $1 "* ]]; }
has_tool() { [[ " $TOOLS " == *" $1 "* ]]; }

# start_fake NAME FLAGS...: start bin/fakedouyin; sets FAKE_URL FAKE_CONF.
start_fake() {
  local name=$1; shift
  stop_fake
  FAKE_CONF=$work/$name.toml
  # shellcheck disable=SC2086 # BENCH_FAKE_FLAGS is a list of flags
  "$FAKEDOUYIN" --config-out "$FAKE_CONF" "$@" ${BENCH_FAKE_FLAGS:-} >"$work/$name.out" 2>"$work/$name.log" &
  fake_pid=$!
  for _ in $(seq 200); do
    [ -s "$work/$name.out" ] && [ -s "$FAKE_CONF" ] && break
    kill -0 "$fake_pid" 2>/dev/null || { cat "$work/$name.log" >&2; die "fakedouyin $name exited"; }
    sleep 0.05
  done
  FAKE_URL=$(head -n1 "$work/$name.out")
  [[ $FAKE_URL == http://127.* ]] || die "fakedouyin printed no loopback URL (got '$FAKE_URL')"
  log "fake '$name' at $FAKE_URL ($*)"
}

stop_fake() {
  if [ -n "$fake_pid" ]; then
    kill "$fake_pid" 2>/dev/null
    wait "$fake_pid" 2>/dev/null
    fake_pid=""
  fi
}

# mount_tool TOOL MNT [douyinfs flags...]: mount TOOL over the current fake
# at a fresh mountpoint; sets tool_pid and tool_mnt. Returns 1 on failure.
mount_tool() {
  local tool=$1 mnt=$2; shift 2
  mkdir -p "$mnt"
  local logf=$work/$tool.$(basename "$mnt").log
  case $tool in
  douyinfs)
    "$DOUYINFS" mount --config "$FAKE_CONF" "$@" "$mnt" >"$logf" 2>&1 &
    ;;
  douyinfs-old)
    "$DOUYINFS_OLD" mount --config "$FAKE_CONF" "$@" "$mnt" >"$logf" 2>&1 &
    ;;
  rclone-off | rclone-full)
    local mode=${tool#rclone-}
    local extra=()
    [ "$mode" = full ] && extra=(--cache-dir "$mnt.rclone-cache")
    RCLONE_CONFIG=/dev/null rclone mount :http: "$mnt" --http-url "$FAKE_URL/files/" \
      --read-only --vfs-cache-mode "$mode" "${extra[@]}" >"$logf" 2>&1 &
    ;;
  httpdirfs)
    # httpdirfs drops one trailing slash and then needs a redirect from
    # /files to /files/; given "files//" it asks for /files/ directly.
    httpdirfs -f "$FAKE_URL/files//" "$mnt" >"$logf" 2>&1 &
    ;;
  *) die "unknown tool $tool" ;;
  esac
  tool_pid=$! tool_mnt=$mnt
  for _ in $(seq 300); do
    grep -qs " $mnt " /proc/mounts && return 0
    kill -0 "$tool_pid" 2>/dev/null || break
    sleep 0.05
  done
  log "$tool did not mount at $mnt; its log:"
  tail -n 20 "$logf" >&2
  unmount_tool
  return 1
}

unmount_tool() {
  local mnt=$tool_mnt pid=$tool_pid
  tool_mnt="" tool_pid=""
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 100); do
    grep -qs " $mnt " /proc/mounts || break
    sleep 0.05
  done
  if grep -qs " $mnt " /proc/mounts; then
    fusermount3 -u -z "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
  fi
  if [ -n "$pid" ]; then
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  rm -rf "$mnt.rclone-cache"
}

# files_index: "name size" of every .mp4 in the current fake's /files/ index.
files_index() {
  local name size
  for name in $(curl -fsS "$FAKE_URL/files/" | grep -o 'href="[^"]*\.mp4"' | sed 's/^href="//; s/"$//; s|.*/||' | sort -u); do
    size=$(curl -fsSI "$FAKE_URL/files/$name" | tr -d '\r' | awk 'tolower($1) == "content-length:" {print $2}')
    echo "$name $size"
  done
}

# path_of TOOL MNT AWEME_ID: where the tool shows that post's video.
path_of() {
  case $1 in
  douyinfs*) ls -d "$2"/users/*/posts/*_"$3".mp4 2>/dev/null | head -n1 ;;
  *) echo "$2/$3.mp4" ;;
  esac
}

fmt_size() { numfmt --to=iec-i --suffix=B "$1"; }

cleanup() {
  trap - INT TERM EXIT
  [ -n "$tool_mnt" ] && unmount_tool
  stop_fake
  # Anything left mounted under the work directory (an interrupted run).
  for m in $(awk -v w="$work/" 'index($2, w) == 1 {print $2}' /proc/mounts); do
    fusermount3 -u -z "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ] || [ -n "${BENCH_KEEP:-}" ]; then
    log "work directory kept: $work"
  else
    rm -rf "$work"
  fi
}
trap 'status=130; exit 130' INT TERM
trap cleanup EXIT

log "building the helpers (tests/bench)"
go build -o "$work/bin/" ./tests/bench/seqread ./tests/bench/randread ./tests/bench/fakestat ./tests/bench/report ./tests/bench/player ||
  die "building tests/bench failed"
SEQREAD=$work/bin/seqread RANDREAD=$work/bin/randread FAKESTAT=$work/bin/fakestat REPORT=$work/bin/report PLAYER=$work/bin/player

# ---------------------------------------------------------------- machine

machine() {
  local cpu mem
  cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)
  mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
  cat <<EOF
- date: $(date -u '+%Y-%m-%d %H:%M UTC')
- machine: $(nproc) cores (${cpu:-unknown CPU}), $mem memory, kernel $(uname -r); load average (1, 5, 15 min) $LOAD_BEFORE before the run, $(cut -d' ' -f1-3 /proc/loadavg) after it (other work on the machine shows as spread)
- $(go version)
- douyinfs $("$DOUYINFS" version 2>/dev/null | head -n1 | sed 's/^douyinfs //') (the build's git describe; HEAD was $COMMIT when the run began)
- $(curl --version | head -n1 | cut -d' ' -f1-2), $(rclone version 2>/dev/null | head -n1), $(httpdirfs --version 2>&1 | head -n1), $(rsync --version | head -n1 | awk '{print $1, $3}'), $(ffprobe -version | head -n1 | cut -d' ' -f1-3), fusermount3 $(fusermount3 --version 2>&1 | awk '{print $NF}')
EOF
}

# ---------------------------------------------------------------- rows

printf 'T\tdouyinfs\tdouyinfs\n' >>"$results"
[ -n "$DOUYINFS_OLD" ] && printf 'T\tdouyinfs-old\tdouyinfs before (%s)\n' "$("$DOUYINFS_OLD" version 2>/dev/null | head -n1 | sed 's/^douyinfs //')" >>"$results"
if [ -n "${BENCH_BEFORE:-}" ]; then
  [ -s "$BENCH_BEFORE" ] || die "BENCH_BEFORE=$BENCH_BEFORE is not a results file"
  printf 'T\tdouyinfs-before\tdouyinfs before (%s)\nT\tdirect-before\tcurl, in that run\n' \
    "$(sed -n 's/^V\t//p' "$BENCH_BEFORE" | head -n1)" >>"$results"
fi
printf 'T\tdirect\tcurl (direct HTTP)\nT\trclone-off\trclone off\nT\trclone-full\trclone full\nT\thttpdirfs\thttpdirfs\n' >>"$results"
row seq_u "Sequential read, $SEQ_SIZE video, unthrottled" "MB/s" hi 0
row seq_t "Sequential read, $SEQ_SIZE video, CDN model" "MB/s" hi 1
row reread "Re-read of that file right after (page cache), CDN model" "MB/s" hi 0
row reread2 "Re-read once more" "MB/s" hi 0
row first64 "Time to the first 64 KiB (open + read), CDN model" "ms" lo 1
row rand50 "Random 64 KiB reads ($RAND_N, fixed seed), p50, CDN model" "ms" lo 1
row rand95 "Random 64 KiB reads, p95, CDN model" "ms" lo 1
row cpu_seq "Daemon CPU (user+system) per GiB read, sequential unthrottled" "s/GiB" lo 2
row fake_cpu "The fake's own CPU per GiB it served in that read" "s/GiB" lo 2
row rand_mb "Bytes the server sent for those $RAND_N reads ($(awk -v n="$RAND_N" 'BEGIN { printf "%.1f", n * 64 / 1024 }') MiB asked)" "MiB" lo 1
row cpu_rand "Daemon CPU per GiB asked, those random reads" "s/GiB" lo 2
row ffp_bytes "ffprobe of a $MOOV_BIG moov-at-end MP4: bytes sent, % of the file" "%" lo 2
row ffp_time "ffprobe of that MP4: time, CDN model" "ms" lo 0
row play50 "Player: seek to first bytes, p50 ($PLAY_SIZE video at its bit rate, $PLAY_SEEKS seeks, $PLAY_SECS s played after each), CDN model" "ms" lo 1
row play95 "Player: seek to first bytes, p95" "ms" lo 1
row play_sent "Player: bytes the server sent ÷ bytes played" "×" lo 2
row ls1 "ls -l of a user with $LS_POSTS posts ($LS_LATENCY API latency), first" "s" lo 2
row ls2 "ls -l of the same user, second" "s" lo 3
row ls2x "ls -l of the same user, second, mount.xattrs on" "s" lo 3
row ls_api1 "API requests made by the first ls -l" "requests" lo 0
row ls_api2 "API requests made by the second ls -l" "requests" lo 0
row rs1 "rsync -a of a $RSYNC_POSTS-post user's videos, first run" "s" lo 2
row rs2 "rsync -a again: time" "s" lo 3
row rs2_data "rsync -a again: data sent (--stats literal data)" "bytes" lo 0
row rs2_req "rsync -a again: HTTP requests to the server" "requests" lo 0
row rs_api "rsync -a, both runs: API requests (douyinfs only)" "requests" lo 0
row rss "Peak RSS, $PAR_READERS parallel $PAR_SIZE reads (douyinfs budget $PAR_BUDGET)" "MiB" lo 0
row par "Aggregate throughput of those $PAR_READERS readers" "MB/s" hi 0

# ---------------------------------------------------------------- sequential

# curl_read ROW CAP: download the big video with curl; record MB/s.
curl_read() {
  local rowid=$1 cap=$2 out
  out=$(curl -fsS -o /dev/null -w '%{size_download} %{time_total}' --max-time "$cap" "$FAKE_URL/files/$BIG_NAME")
  LAST_BYTES=${out%% *}
  case $? in
  0) ;;
  28) mark_capped "$rowid" direct ;;
  *) record "$rowid" direct ERR; return ;;
  esac
  out=$(awk -v b="${out%% *}" -v s="${out##* }" 'BEGIN { printf "%.1f", b / s / 1e6 }')
  record "$rowid" direct "$out"
  log "  $rowid direct: $out MB/s"
}

# fs_read ROW TOOL CAP FILE: read FILE through a mount with seqread; record MB/s.
fs_read() {
  local rowid=$1 tool=$2 cap=$3 file=$4 out
  LAST_BYTES=0
  if out=$("$SEQREAD" -max-time "${cap}s" "$file"); then
    LAST_BYTES=$(kv bytes "$out")
    record "$rowid" "$tool" "$(kv mbps "$out")"
    [ "$(kv partial "$out")" = 1 ] && mark_capped "$rowid" "$tool"
    log "  $rowid $tool: $out"
  else
    record "$rowid" "$tool" ERR
  fi
}

# seq_one TOOL ROW [REREAD_ROWS...]: read the big video on a fresh mount
# with a cold page cache, then read it again once per REREAD_ROW.
seq_one() {
  local tool=$1 rowid=$2 path="" r
  shift 2
  local f0 c0
  if [ "$tool" = direct ]; then
    drop_caches
    f0=$(cpu_ticks "$fake_pid")
    curl_read "$rowid" "$CAP"
    [ "$rowid" = seq_u ] && record fake_cpu direct "$(per_gib $(($(cpu_ticks "$fake_pid") - f0)) "$LAST_BYTES")"
    for r in "$@"; do curl_read "$r" "$REREAD_CAP"; done
    return
  fi
  local mnt=$work/mnt-$tool-$rowid-$RANDOM
  if mount_tool "$tool" "$mnt"; then
    path=$(path_of "$tool" "$mnt" "$BIG_ID")
  fi
  if [ -z "$tool_mnt" ] || [ -z "$path" ] || ! stat "$path" >/dev/null; then
    log "  $tool: no file for post $BIG_ID"
    for r in "$rowid" "$@"; do record "$r" "$tool" ERR; done
    [ -z "$tool_mnt" ] || unmount_tool
    return
  fi
  drop_caches
  f0=$(cpu_ticks "$fake_pid") c0=$(cpu_ticks "$tool_pid")
  fs_read "$rowid" "$tool" "$CAP" "$path"
  if [ "$rowid" = seq_u ]; then
    record cpu_seq "$tool" "$(per_gib $(($(cpu_ticks "$tool_pid") - c0)) "$LAST_BYTES")"
    record fake_cpu "$tool" "$(per_gib $(($(cpu_ticks "$fake_pid") - f0)) "$LAST_BYTES")"
  fi
  for r in "$@"; do fs_read "$r" "$tool" "$REREAD_CAP" "$path"; done
  unmount_tool
}

# find_videos: the biggest and the moov-at-end video of the current fake.
find_videos() {
  files_index >"$work/index.txt"
  read -r BIG_NAME BIG_SIZE < <(sort -k2,2n "$work/index.txt" | tail -n1)
  BIG_ID=${BIG_NAME%.mp4}
  MOOV_NAME=$(awk -v s="$(numfmt --from=iec-i "${MOOV_BIG%B}")" '$2 == s {print $1; exit}' "$work/index.txt")
  MOOV_ID=${MOOV_NAME%.mp4}
  [ -n "$BIG_ID" ] || die "no video in $FAKE_URL/files/"
  log "big video $BIG_NAME ($(fmt_size "$BIG_SIZE")), moov-at-end video ${MOOV_NAME:-none}"
}

if want seq; then
  log "== sequential read, unthrottled"
  start_fake seq --users 1 --posts 3 --big-video "$SEQ_SIZE"
  find_videos
  for run in $(seq "$RUNS"); do
    for tool in $TOOLS; do seq_one "$tool" seq_u; done
  done
fi

# ---------------------------------------------------------------- CDN model

# rand_one TOOL: time to first 64 KiB and random reads on a fresh mount.
rand_one() {
  local tool=$1 out target
  if [ "$tool" = direct ]; then
    target=$FAKE_URL/files/$BIG_NAME
  else
    local mnt=$work/mnt-$tool-rand-$RANDOM
    mount_tool "$tool" "$mnt" || { record first64 "$tool" ERR; return; }
    target=$(path_of "$tool" "$mnt" "$BIG_ID")
    [ -n "$target" ] && stat "$target" >/dev/null # metadata warm: time the data path
  fi
  drop_caches
  "$FAKESTAT" -reset "$FAKE_URL"
  local c0=0
  [ "$tool" = direct ] || c0=$(cpu_ticks "$tool_pid")
  if out=$(timeout 300 "$RANDREAD" -n "$RAND_N" "$target"); then
    local sent
    [ "$tool" = direct ] || record cpu_rand "$tool" "$(per_gib $(($(cpu_ticks "$tool_pid") - c0)) $((RAND_N * 65536)))"
    sent=$(kv media_bytes "$("$FAKESTAT" "$FAKE_URL")")
    record first64 "$tool" "$(kv first_ms "$out")"
    record rand50 "$tool" "$(kv p50_ms "$out")"
    record rand95 "$tool" "$(kv p95_ms "$out")"
    record rand_mb "$tool" "$(awk -v b="$sent" 'BEGIN { printf "%.2f", b / 1048576 }')"
    log "  random $tool: $out sent=$sent"
  else
    record first64 "$tool" ERR
  fi
  [ "$tool" = direct ] || unmount_tool
}

if want cdn; then
  log "== CDN model ($CDN_DESC): sequential, re-read, first bytes, random reads"
  start_fake cdn --users 1 --posts 3 --big-video "$SEQ_SIZE" "${CDN_FLAGS[@]}"
  find_videos
  for run in $(seq "$RUNS"); do
    for tool in $TOOLS; do seq_one "$tool" seq_t reread reread2; done
    for tool in $TOOLS; do rand_one "$tool"; done
  done
fi

# ---------------------------------------------------------------- ffprobe

ffprobe_one() {
  local tool=$1 target t0 out
  if [ "$tool" = direct ]; then
    target=$FAKE_URL/files/$MOOV_NAME
  else
    local mnt=$work/mnt-$tool-ffprobe-$RANDOM
    mount_tool "$tool" "$mnt" || { record ffp_bytes "$tool" ERR; return; }
  fi
  drop_caches
  ffprobe -version >/dev/null # its libraries back in memory: time the probe, not the disk
  # Count every media byte from the lookup on (a tool may fetch on open).
  "$FAKESTAT" -reset "$FAKE_URL"
  if [ "$tool" != direct ]; then
    target=$(path_of "$tool" "$mnt" "$MOOV_ID")
    [ -n "$target" ] && stat "$target" >/dev/null
  fi
  t0=$(now_ns)
  if ffprobe -v error -show_format -show_streams "$target" >"$work/ffprobe.out" 2>&1 &&
    grep -q codec_type=video "$work/ffprobe.out"; then
    local secs
    secs=$(secs_since "$t0")
    out=$("$FAKESTAT" "$FAKE_URL")
    record ffp_time "$tool" "$(awk -v s="$secs" 'BEGIN { printf "%.1f", s * 1000 }')"
    record ffp_bytes "$tool" "$(awk -v b="$(kv media_bytes "$out")" -v s="$MOOV_SIZE" 'BEGIN { printf "%.3f", 100 * b / s }')"
    log "  ffprobe $tool: ${secs}s, $out"
  else
    log "  ffprobe $tool failed: $(head -n3 "$work/ffprobe.out")"
    record ffp_bytes "$tool" ERR
  fi
  [ "$tool" = direct ] || unmount_tool
}

if want ffprobe; then
  log "== ffprobe of a $MOOV_BIG moov-at-end MP4 (CDN model)"
  start_fake ffprobe --users 1 --posts 3 --big-moov "$MOOV_BIG" "${CDN_FLAGS[@]}"
  find_videos
  MOOV_SIZE=$(awk -v n="$MOOV_NAME" '$1 == n {print $2}' "$work/index.txt")
  if [ -z "$MOOV_NAME" ]; then
    log "no moov-at-end video found in the index; skipping"
  else
    for run in $(seq "$RUNS"); do
      for tool in $TOOLS; do ffprobe_one "$tool"; done
    done
  fi
fi

# ---------------------------------------------------------------- player

# player_one TOOL: play the video, seek, play again (tests/bench/player) on
# a fresh mount; record the seek latencies and the bytes the server sent
# per byte played.
player_one() {
  local tool=$1 target out sent
  if [ "$tool" = direct ]; then
    target=$FAKE_URL/files/$BIG_NAME
  else
    local mnt=$work/mnt-$tool-player-$RANDOM
    mount_tool "$tool" "$mnt" || { record play50 "$tool" ERR; return; }
    target=$(path_of "$tool" "$mnt" "$BIG_ID")
    [ -n "$target" ] && stat "$target" >/dev/null # metadata warm: time the data path
  fi
  drop_caches
  "$FAKESTAT" -reset "$FAKE_URL"
  if out=$(timeout 300 "$PLAYER" -rate "$PLAY_RATE" -play "${PLAY_SECS}s" -seeks "$PLAY_SEEKS" "$target"); then
    sent=$(kv media_bytes "$("$FAKESTAT" "$FAKE_URL")")
    record play50 "$tool" "$(kv seek_p50_ms "$out")"
    record play95 "$tool" "$(kv seek_p95_ms "$out")"
    record play_sent "$tool" "$(awk -v b="$sent" -v r="$(kv read_bytes "$out")" 'BEGIN { printf "%.3f", b / r }')"
    log "  player $tool: $out sent=$sent"
  else
    record play50 "$tool" ERR
  fi
  [ "$tool" = direct ] || unmount_tool
}

if want player; then
  log "== player: $PLAY_SIZE video at $PLAY_RATE B/s, $PLAY_SEEKS seeks, ${PLAY_SECS}s played after each (CDN model)"
  start_fake player --users 1 --posts 3 --big-video "$PLAY_SIZE" "${CDN_FLAGS[@]}"
  find_videos
  for run in $(seq "$RUNS"); do
    for tool in $TOOLS; do player_one "$tool"; done
  done
fi

# ---------------------------------------------------------------- listing

if want ls && has_tool douyinfs; then
  log "== ls -l of a user with $LS_POSTS posts, $LS_LATENCY API latency (douyinfs only)"
  # The mounts here have no login cookie; the row measures listing cost,
  # not Douyin's first-page-only answer to guests.
  start_fake ls --users 1 --posts "$LS_POSTS" --api-latency "$LS_LATENCY" --guest-all-pages
  for run in $(seq "$RUNS"); do
    mnt=$work/mnt-douyinfs-ls-$run
    if ! mount_tool douyinfs "$mnt"; then record ls1 douyinfs ERR; continue; fi
    user=$(ls "$mnt/users" | head -n1)
    "$FAKESTAT" -reset "$FAKE_URL"
    t0=$(now_ns)
    if n=$(ls -l "$mnt/users/$user/posts/" | wc -l); then
      s1=$(secs_since "$t0")
      a1=$(kv api "$("$FAKESTAT" "$FAKE_URL")")
      t0=$(now_ns)
      ls -l "$mnt/users/$user/posts/" >/dev/null
      s2=$(secs_since "$t0")
      a2=$(kv api "$("$FAKESTAT" "$FAKE_URL")")
      record ls1 douyinfs "$s1"
      record ls2 douyinfs "$s2"
      record ls_api1 douyinfs "$a1"
      record ls_api2 douyinfs "$((a2 - a1))"
      log "  ls -l: $n lines, first ${s1}s ($a1 API requests), second ${s2}s ($((a2 - a1)))"
    else
      record ls1 douyinfs ERR
    fi
    unmount_tool
    # The second listing again with mount.xattrs on; only it is timed, so
    # the first may page without the rate limit.
    if mount_tool douyinfs "$mnt-xattrs" --xattrs --rate-limit 1000; then
      ls -l "$mnt-xattrs/users/$user/posts/" >/dev/null
      t0=$(now_ns)
      ls -l "$mnt-xattrs/users/$user/posts/" >/dev/null
      record ls2x douyinfs "$(secs_since "$t0")"
      unmount_tool
    else
      record ls2x douyinfs ERR
    fi
  done
fi

# ---------------------------------------------------------------- rsync

# The others see the fake's /files/ index, which holds the same video files
# (the best rendition of each video post) beside images and music; douyinfs's
# posts/ holds image posts as directories. So every tool copies only the .mp4
# files at the top: the same files, the same bytes.
rsync_one() {
  local tool=$1 src mnt=$work/mnt-$tool-rsync-$RANDOM dst=$work/rsync-dst
  local filter=(--exclude='*/' --include='*.mp4' --exclude='*')
  rm -rf "$dst"
  mount_tool "$tool" "$mnt" || { record rs1 "$tool" ERR; return; }
  if [[ $tool == douyinfs* ]]; then
    src=$(ls -d "$mnt"/users/*/posts | head -n1)/
  else
    src=$mnt/
  fi
  sync
  "$FAKESTAT" -reset "$FAKE_URL"
  local t0 s1 s2 out1 out2 rc
  t0=$(now_ns)
  timeout "$RSYNC_CAP" rsync -a --stats "${filter[@]}" "$src" "$dst/" >"$work/rsync1.out" 2>&1
  rc=$?
  s1=$(secs_since "$t0")
  if [ "$rc" -eq 124 ]; then
    record rs1 "$tool" ">$RSYNC_CAP"
    mark_capped rs1 "$tool"
    log "  rsync $tool: first run stopped after ${RSYNC_CAP}s"
    unmount_tool
    return
  elif [ "$rc" -ne 0 ]; then
    log "  rsync $tool failed: $(tail -n3 "$work/rsync1.out")"
    record rs1 "$tool" ERR
    unmount_tool
    return
  fi
  out1=$("$FAKESTAT" "$FAKE_URL")
  sync # the first run's writes are not the second run's business
  "$FAKESTAT" -reset "$FAKE_URL"
  t0=$(now_ns)
  rsync -a --stats "${filter[@]}" "$src" "$dst/" >"$work/rsync2.out" 2>&1
  s2=$(secs_since "$t0")
  out2=$("$FAKESTAT" "$FAKE_URL")
  local lit files
  lit=$(sed -n 's/^Literal data: \([0-9,]*\).*/\1/p' "$work/rsync2.out" | tr -d ,)
  files="$(sed -n 's/^Number of files: .*reg: \([0-9,]*\).*/\1/p' "$work/rsync1.out" | tr -d ,) files, $(fmt_size "$(sed -n 's/^Total file size: \([0-9,]*\).*/\1/p' "$work/rsync1.out" | tr -d ,)")"
  record rs1 "$tool" "$s1"
  record rs2 "$tool" "$s2"
  record rs2_data "$tool" "${lit:-ERR}"
  record rs2_req "$tool" "$(($(kv api "$out2") + $(kv tokens "$out2") + $(kv cdn_reqs "$out2") + $(kv files_reqs "$out2") + $(kv play_reqs "$out2")))"
  [[ $tool == douyinfs* ]] && record rs_api "$tool" "$(($(kv api "$out1") + $(kv api "$out2")))"
  RSYNC_TOTAL[$tool]=$files
  log "  rsync $tool: ${s1}s then ${s2}s; $files copied; second run literal data ${lit:-?}; $out2"
  unmount_tool
}

if want rsync; then
  log "== rsync -a of a $RSYNC_POSTS-post user, twice"
  declare -A RSYNC_TOTAL=()
  start_fake rsync --users 1 --posts "$RSYNC_POSTS" --guest-all-pages # as for ls
  for run in $(seq "$RUNS"); do
    for tool in $TOOLS; do
      [ "$tool" = direct ] && continue
      # A tool that could not finish within the cap is not tried again.
      grep -q "^R	rs1	$tool	>" "$results" && continue
      rsync_one "$tool"
    done
  done
  # Every tool must have copied the same files; say so, or show the difference.
  if [ ${#RSYNC_TOTAL[@]} -gt 0 ]; then
    if [ "$(printf '%s\n' "${RSYNC_TOTAL[@]}" | sort -u | wc -l)" -eq 1 ]; then
      late_note "rsync: every tool copied the same $(printf '%s\n' "${RSYNC_TOTAL[@]}" | head -n1) (the $RSYNC_POSTS posts' videos, --include='*.mp4'); a second run that sends no data and makes no request is the goal."
    else
      late_note "rsync: the tools did not copy the same files: $(for t in "${!RSYNC_TOTAL[@]}"; do printf '%s %s; ' "$t" "${RSYNC_TOTAL[$t]}"; done)"
    fi
  fi
fi

# ---------------------------------------------------------------- memory

if want rss; then
  log "== peak RSS: $PAR_READERS parallel $PAR_SIZE reads"
  start_fake rss --users 1 --posts 1 --big-video "$PAR_SIZE"
  find_videos
  for run in $(seq "$RUNS"); do
    for tool in $TOOLS; do
      [ "$tool" = direct ] && continue
      mnt=$work/mnt-$tool-rss-$run
      flags=()
      [[ $tool == douyinfs* ]] && flags=(--cache-budget "$PAR_BUDGET")
      mount_tool "$tool" "$mnt" "${flags[@]}" || { record rss "$tool" ERR; continue; }
      path=$(path_of "$tool" "$mnt" "$BIG_ID")
      drop_caches
      if out=$("$SEQREAD" -parallel "$PAR_READERS" -max-time "${PAR_CAP}s" -rss-pid "$tool_pid" "$path"); then
        peak=$(kv peak_rss_kib "$out") hwm=$(kv hwm_kib "$out")
        [ "${hwm:-0}" -gt "${peak:-0}" ] && peak=$hwm
        record rss "$tool" "$(awk -v k="$peak" 'BEGIN { printf "%.1f", k / 1024 }')"
        record par "$tool" "$(kv mbps "$out")"
        [ "$(kv partial "$out")" = 1 ] && mark_capped par "$tool"
        log "  $tool: $out"
      else
        record rss "$tool" ERR
      fi
      unmount_tool
    done
  done
fi
stop_fake

# ---------------------------------------------------------------- report

note "Median of $RUNS runs, (min–max) when they differ; ↑ higher is better, ↓ lower is better; the last column divides douyinfs's median by the best other tool's. Every run mounts afresh, and the page cache is dropped before each measurement (the re-reads excepted: they follow the first read on the same mount; douyinfs opens videos with FOPEN_KEEP_CACHE, so its re-reads are served by the kernel page cache)."
note "CDN model: the fake serves media at $CDN_DESC, like a CDN edge. \"Unthrottled\" is loopback speed, bounded by the $(nproc) cores that run the fake, the file system and the reader together."
note "curl (direct HTTP) is the no-file-system baseline: curl downloading the file; for the random rows, ranged GETs on one keep-alive connection (tests/bench/randread); ffprobe given the URL. rclone (http backend, --read-only) and httpdirfs (no --cache) mount the fake's /files/ index, which serves the same bytes with the same CDN model; douyinfs reads the signed CDN URLs its API answers give, with its defaults except where a row says otherwise."
want seq && note "CPU: user+system seconds of the tool's process (/proc/PID/stat) over the read, per GiB read (random rows: per GiB asked); the fake's own row is its CPU over the same read, per GiB it served: on $(nproc) cores, what the fake burns is not available to the file system and the reader."
want cdn && note "Time to the first 64 KiB and random reads: the file is stat'ed before timing, so the figure is the data path (open + first read), not the directory lookup. \"Bytes the server sent\" shows what each tool fetched for the random reads: read-ahead in blocks or a background download of the whole file buys later hits with bandwidth."
want ffprobe && note "ffprobe: the fake's --big-moov video, a real 4 s H.264+AAC MP4 with its index (moov) at the end whose mdat is padded to $MOOV_BIG, so a prober must read the head, skip the mdat to the index and come back for the first samples. Bytes sent count everything the server sent from the lookup on; ffprobe given the URL lets ffmpeg's HTTP reader stream open-ended ranges, so the server sends until ffprobe hangs up."
want player && note "Player: tests/bench/player plays the $PLAY_SIZE video from the start at its bit rate ($PLAY_RATE B/s, 10 minutes long) in 64 KiB reads, at most 1 s ahead of the playback clock (as mpv's demuxer reads), then seeks $PLAY_SEEKS times to fixed random points and plays $PLAY_SECS s after each. A seek's latency is the time to its first 64 KiB; bytes sent count everything the server sent (read-ahead and background downloads included) against the bytes played. curl (direct HTTP) makes one ranged GET per read on a keep-alive connection."
if want ls; then
  note "ls -l: douyinfs only (rclone and httpdirfs have no Douyin API). The first listing pages through the API 20 posts at a time, paced by douyinfs's default rate limit (network.rate_limit = 5 requests/s, burst 10, which keeps a scan below Douyin's anti-abuse threshold): 100 pages cannot take less than about 18 s, whatever the latency. With mount.xattrs on, ls asks every entry for security.selinux and an ACL, one FUSE round trip each; off (the default) douyinfs answers ENOSYS once and the kernel stops asking."
fi
if [ ${#capped[@]} -gt 0 ]; then
  note "Stopped at a time cap (reads ${CAP} s, re-reads ${REREAD_CAP} s, parallel readers ${PAR_CAP} s: throughput over the bytes read; rsync ${RSYNC_CAP} s: not repeated): $(printf '%s\n' "${capped[@]}" | sort | uniq -c | sed 's/^ *\([0-9]*\) \(.*\)/\2 ×\1/' | paste -sd';' - | sed 's/;/; /g')."
fi
if has_tool httpdirfs; then
  note "httpdirfs $(httpdirfs --version 2>&1 | awk 'NR == 1 {print $NF}') (Debian) makes one blocking ranged GET per FUSE read of at most 128 KiB and spends about 100 ms on each here even unthrottled (random reads: about 130 ms each with the 30 ms TTFB), hence its ~1–2 MB/s. Its --cache mode (which with this fake also needs --no-range-check) crashes when a file is closed while its background download runs (\"Cache_free: could not destroy bgt_lock\"), which every capped or partial read here does, so it runs without."
fi
want rss && note "Peak RSS is the highest VmRSS polled every 20 ms or the process's VmHWM, whichever is larger. The $PAR_READERS readers share the one $PAR_SIZE video: they start at evenly spaced offsets, wrap around, and drop what they have read from the page cache (POSIX_FADV_DONTNEED) so that no reader is served by another's pages; a tool's own cache may still serve them."
[ -n "${BENCH_FAKE_FLAGS:-}" ] && note "Every fake of this run had $BENCH_FAKE_FLAGS: the knobs that switch off hostile behaviour an older douyinfs does not know (the media path of today's douyinfs reads the same either way)."
for n in "${late_notes[@]}"; do note "$n"; done
printf 'V\t%s\n' "$("$DOUYINFS" version 2>/dev/null | head -n1 | sed 's/^douyinfs //')" >>"$results"
if [ -n "${BENCH_BEFORE:-}" ]; then
  awk -F'\t' -v OFS='\t' '$1 == "R" && ($3 == "douyinfs" || $3 == "direct") { $3 = $3 "-before"; print }' "$BENCH_BEFORE" >>"$results"
  note "Before: the douyinfs and curl columns marked before come from an earlier run of this script ($(sed -n 's/^V\t//p' "$BENCH_BEFORE" | head -n1)) against the fake of its own time (the fake has since become more hostile and the old douyinfs cannot talk to the new one); compare each douyinfs column with the curl of its own run."
fi
{
  echo "# Benchmarks"
  echo
  echo "Made by \`make bench\` (tests/scripts/bench.sh): douyinfs against curl, rclone mount and httpdirfs over the same bytes from bin/fakedouyin on 127.0.0.1."
  echo
  machine
  echo
  "$REPORT" "$results"
} >"$work/report.md" || die "report failed"
cp "$results" "$work/results.keep.tsv"
cp "$work/report.md" "$OUT"
echo
cat "$work/report.md"
echo
log "written to $OUT"
status=0
