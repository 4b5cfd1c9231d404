package mount_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/fetch/media"
	dfs "github.com/douyinfs/douyinfs/fs"
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// checkFLV checks that b is one valid FLV as a recorder needs it: one
// header, whole tags with right previous-tag sizes, metadata only before
// the first media tag, and per track timestamps that never go back. It
// returns the number of tags.
func checkFLV(t *testing.T, name string, b []byte) int {
	t.Helper()
	if len(b) < 13 || string(b[:3]) != "FLV" || binary.BigEndian.Uint32(b[5:9]) != 9 || binary.BigEndian.Uint32(b[9:13]) != 0 {
		t.Fatalf("%s: no FLV header: % x", name, b[:min(len(b), 13)])
	}
	last := map[byte]uint32{}
	tags, media := 0, false
	for off := 13; off < len(b); {
		if len(b)-off < 15 {
			t.Fatalf("%s: %d stray bytes at the end", name, len(b)-off)
		}
		h := b[off:]
		typ, n := h[0]&0x1f, int(h[1])<<16|int(h[2])<<8|int(h[3])
		if len(h) < 15+n {
			t.Fatalf("%s: the last tag (at %d) is cut: %d of %d bytes", name, off, len(h), 15+n)
		}
		if p := binary.BigEndian.Uint32(h[11+n:]); p != uint32(11+n) {
			t.Fatalf("%s: tag %d at %d: previous tag size %d, want %d", name, tags, off, p, 11+n)
		}
		ts := uint32(h[4])<<16 | uint32(h[5])<<8 | uint32(h[6]) | uint32(h[7])<<24
		switch typ {
		case 18:
			if media {
				t.Errorf("%s: tag %d: metadata again in the middle", name, tags)
			}
		case 8, 9:
			media = true
			if ts < last[typ] {
				t.Errorf("%s: tag %d: track %d goes back from %d to %d ms", name, tags, typ, last[typ], ts)
			}
			last[typ] = ts
		default:
			t.Fatalf("%s: tag %d at %d has type %d", name, tags, off, typ)
		}
		tags++
		off += 15 + n
	}
	return tags
}

// ffprobeDTS checks with ffprobe that no packet of any stream of file goes
// back in time, and returns the time its packets span (a live FLV's
// metadata has no true duration, so ffprobe's format duration is not it).
func ffprobeDTS(t *testing.T, e *env, file string) time.Duration {
	t.Helper()
	out := e.run("ffprobe", "-v", "error", "-show_entries", "packet=stream_index,dts_time", "-of", "csv=p=0", file)
	last := map[string]float64{}
	packets, first, end := 0, 0.0, 0.0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(line, ",")
		if len(f) < 2 || f[1] == "N/A" {
			continue
		}
		dts, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			t.Fatalf("ffprobe packet line %q", line)
		}
		if prev, ok := last[f[0]]; ok && dts < prev {
			t.Errorf("%s: stream %s goes back from %.3f to %.3f s", file, f[0], prev, dts)
		}
		last[f[0]] = dts
		if packets == 0 || dts < first {
			first = dts
		}
		end = max(end, dts)
		packets++
	}
	if packets < 100 || len(last) != 2 {
		t.Errorf("%s: %d packets in %d streams, want many in 2 (video and audio)", file, packets, len(last))
	}
	return time.Duration((end - first) * float64(time.Second))
}

// waitUntil polls cond until it holds or d has passed.
func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A live stream survives the CDN cutting its connection mid-tag: a
// recorder (ffmpeg -c copy, and cp) reading stream.flv across two cuts
// gets one valid FLV whose timestamps never go back and whose duration is
// the time it read; when the room ends, both readers reach the end of the
// file, and every connection is closed.
func TestLiveStreamSurvivesDrops(t *testing.T) {
	requireTool(t, "ffmpeg")
	requireTool(t, "ffprobe")
	o := defaultOptions()
	o.LiveCutEvery = 3 * time.Second
	e := start(t, setup{opts: o})
	room := e.world.LivingRoom()
	dir := t.TempDir()
	rec, copied := filepath.Join(dir, "rec.flv"), filepath.Join(dir, "cat.flv")

	began := time.Now()
	ffmpeg := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-i", e.path("live", room.WebRID, "stream.flv"), "-c", "copy", "-f", "flv", rec)
	var ffErr bytes.Buffer
	ffmpeg.Stderr = &ffErr
	// cp, as the README tells a user: it copies until the end of the file
	// though stat says the size is 0.
	cat := exec.Command("cp", e.path("users", room.Owner.Name, "live", "stream.flv"), copied)
	for _, c := range []*exec.Cmd{ffmpeg, cat} {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	exited := make(chan error, 2)
	for _, c := range []*exec.Cmd{ffmpeg, cat} {
		go func() { exited <- c.Wait() }()
	}
	defer func() {
		ffmpeg.Process.Kill()
		cat.Process.Kill()
	}()

	// Two cuts of each reader's connection, and the third connections
	// streaming: 2 readers x 3 connections.
	waitUntil(t, 60*time.Second, "two cuts of both streams", func() bool {
		st := e.fake.Stats()
		return st.Faults["reset"] >= 4 && st.Requests["live-flv"] >= 6
	})
	// Then 200 kB (most of a second) more of the third connections.
	st, err := os.Stat(copied)
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 30*time.Second, "200 kB more after the second cut", func() bool {
		now, err := os.Stat(copied)
		return err == nil && now.Size() >= st.Size()+200_000
	})
	if err := e.fake.EndRoom(room.WebRID); err != nil {
		t.Fatal(err)
	}
	read := time.Since(began)
	for range 2 {
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("a reader failed when the room ended: %v (ffmpeg said %q)", err, ffErr.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatal("a reader of stream.flv did not reach the end 30 s after the room ended")
		}
	}

	b, err := os.ReadFile(copied)
	if err != nil {
		t.Fatal(err)
	}
	tags := checkFLV(t, "cp users/"+room.Owner.Name+"/live/stream.flv", b)
	if got := e.fake.Stats().Faults["reset"]; got < 4 {
		t.Errorf("%d cuts, want at least 2 per reader", got)
	}
	// Each cut, and each end, made douyinfs find the room again.
	if cuts, again := e.fake.Stats().Faults["reset"], e.fsStats(t).LiveAgain; again < cuts+2 {
		t.Errorf("stats.json: %d live_reconnects after %d cuts and 2 ends, want at least %d", again, cuts, cuts+2)
	}
	t.Logf("read for %v: cp got %d bytes, %d tags; %d connections cut", read.Round(time.Millisecond), len(b), tags, e.fake.Stats().Faults["reset"])
	for _, f := range []string{rec, copied} {
		d := ffprobeDTS(t, e, f)
		// The stream is paced to real time; a reconnect loses a moment
		// (a back-off of 250 ms and a new connection) and the end comes
		// while the last bytes are on their way.
		if d < read-3*time.Second || d > read+time.Second {
			t.Errorf("%s: duration %v, but it was read for %v", filepath.Base(f), d.Round(time.Millisecond), read.Round(time.Millisecond))
		}
		t.Logf("%s: duration %v", filepath.Base(f), d.Round(time.Millisecond))
	}
	// The room has ended: the folder shows no stream, and nothing is
	// sent any more.
	waitUntil(t, 10*time.Second, "the fake sends no live stream and stats.json counts none open", func() bool {
		return e.fake.Stats().OpenLive == 0 && e.fsStats(t).LiveOpen == 0
	})
}

// A stream that stalls (the connection stays open, silent) is dropped
// after the live timeout and picked up again: the reader's bytes stay one
// valid FLV.
func TestLiveStreamSurvivesStalls(t *testing.T) {
	requireTool(t, "ffprobe")
	o := defaultOptions()
	o.LiveCutAfter, o.LiveCutStall = 300_000, true
	e := start(t, setup{opts: o, live: func(c *media.LiveConfig) { c.Timeout = 2 * time.Second }})
	flv := e.path("live", e.world.LivingRoom().WebRID, "stream.flv")
	out := filepath.Join(t.TempDir(), "out.flv")
	// 800 kB: more than two connections' 300 kB.
	e.sh(fmt.Sprintf("timeout 120 head -c 800000 '%s' > '%s'", flv, out))
	b, err := os.ReadFile(out)
	if err != nil || len(b) != 800_000 {
		t.Fatalf("read %d bytes, %v; want 800000", len(b), err)
	}
	// head stops mid-tag: check the whole tags.
	whole := 13
	for whole+15 <= len(b) {
		n := int(b[whole+1])<<16 | int(b[whole+2])<<8 | int(b[whole+3])
		if whole+15+n > len(b) {
			break
		}
		whole += 15 + n
	}
	checkFLV(t, "head of stream.flv", b[:whole])
	if err := os.WriteFile(out, b[:whole], 0o644); err != nil {
		t.Fatal(err)
	}
	ffprobeDTS(t, e, out)
	if n := e.fake.Stats().Faults["stall"]; n < 2 {
		t.Errorf("%d stalls, want at least 2", n)
	}
	waitUntil(t, 10*time.Second, "the fake's stalled connections are closed", func() bool { return e.fake.Stats().OpenLive == 0 })
}

// A room that offers only HLS has stream.ts: the playlist's segments, each
// once, in order, until the room ends.
func TestLiveHLSStream(t *testing.T) {
	requireTool(t, "ffprobe")
	e := start(t, setup{})
	room := e.world.HLSRoom()
	dir := e.path("live", room.WebRID)
	names, err := readDirNames(dir)
	if err != nil || strings.Join(names, " ") != "room.json stream.ts" {
		t.Fatalf("ls %s: %v, %v; want room.json and stream.ts", dir, names, err)
	}
	out := filepath.Join(t.TempDir(), "out.ts")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cat := exec.Command("cat", dir+"/stream.ts")
	cat.Stdout = f
	if err := cat.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cat.Wait() }()
	defer cat.Process.Kill()
	// Four segments: the three of the first playlist and one that came
	// later (the fake's window moves every 2 s).
	seg := int64(len(e.fake.LiveSegment(0)))
	waitUntil(t, 60*time.Second, "four segments in stream.ts", func() bool {
		st, err := f.Stat()
		return err == nil && st.Size() >= 4*seg
	})
	if err := e.fake.EndRoom(room.WebRID); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("cat stream.ts when the room ended: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("cat stream.ts did not reach the end 30 s after the room ended")
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	nums := fakedouyin.LiveSegmentNumbers(b)
	var want []byte
	for i, n := range nums {
		if i > 0 && n != nums[i-1]+1 {
			t.Errorf("segments %v: not one after the other", nums)
			break
		}
		want = append(want, e.fake.LiveSegment(n)...)
	}
	if len(nums) < 4 || !bytes.Equal(b, want) {
		t.Errorf("stream.ts: %d bytes, segments %v; want whole segments, at least 4, byte for byte", len(b), nums)
	}
	e.run("ffprobe", "-v", "error", out)
	if _, err := os.Stat(dir + "/stream.flv"); !os.IsNotExist(err) {
		t.Errorf("stat stream.flv of an HLS-only room: %v, want ENOENT", err)
	}
}

// pathLog collects the paths the fake was asked for (its debug log).
type pathLog struct {
	mu    sync.Mutex
	paths []string
}

func (l *pathLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *pathLog) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "path" {
			l.mu.Lock()
			l.paths = append(l.paths, a.Value.String())
			l.mu.Unlock()
		}
		return true
	})
	return nil
}
func (l *pathLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *pathLog) WithGroup(string) slog.Handler      { return l }

func (l *pathLog) live() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, p := range l.paths {
		if strings.HasPrefix(p, "/live/") {
			out = append(out, p)
		}
	}
	return out
}

// [live] quality picks the stream: the first preferred quality the room
// offers (an unknown name is skipped), for FLV and for HLS alike.
func TestLiveQuality(t *testing.T) {
	log := &pathLog{}
	o := defaultOptions()
	o.Log = slog.New(log)
	e := start(t, setup{opts: o, tweak: func(c *dfs.Config) { c.LiveQuality = []string{"BLUE_RAY", "SD2", "HD1"} }})
	e.sh(fmt.Sprintf("head -c 1000 '%s' > /dev/null", e.path("live", e.world.LivingRoom().WebRID, "stream.flv")))
	e.sh(fmt.Sprintf("head -c 1000 '%s' > /dev/null", e.path("live", e.world.HLSRoom().WebRID, "stream.ts")))
	var flv, hls int
	for _, p := range log.live() {
		switch {
		case strings.HasSuffix(p, "_sd.flv"):
			flv++
		case strings.Contains(p, "_sd/"):
			hls++
		default:
			t.Errorf("asked for %s; want only the SD2 streams (suffix _sd)", p)
		}
	}
	if flv == 0 || hls == 0 {
		t.Errorf("SD2 asked for %d times (FLV) and %d times (HLS); want both", flv, hls)
	}
}
