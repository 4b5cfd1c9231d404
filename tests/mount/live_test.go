package mount_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// stream.flv of a living room starts with an FLV header and keeps producing
// bytes; a user's live/ exists only while the user is live.
func TestLiveStream(t *testing.T) {
	e := start(t, setup{})
	room := e.world.LivingRoom()
	// The first 500 kB (about 2 s of stream) are exactly the fake's FLV.
	const n = 500_000
	sum := sha256.Sum256(e.fake.LiveFLV(n))
	want := hex.EncodeToString(sum[:])
	for _, dir := range []string{e.path("live", room.WebRID), e.path("users", room.Owner.Name, "live")} {
		out := e.sh(fmt.Sprintf("timeout 60 head -c %d '%s/stream.flv' | sha256sum", n, dir))
		if got := strings.Fields(out)[0]; got != want {
			t.Errorf("%s/stream.flv: the first %d bytes have sha256 %s, want the fake's %s", dir, n, got, want)
		}
		if !strings.Contains(e.run("cat", dir+"/room.json"), room.RoomID) {
			t.Errorf("%s/room.json does not name room %s", dir, room.RoomID)
		}
		st, err := os.Stat(dir + "/stream.flv")
		if err != nil || st.Size() != 0 {
			t.Errorf("stat stream.flv: %v, size %d, want 0", err, st.Size())
		}
	}
	// After the streams are closed, none is counted open, and the fake
	// sends none. The kernel releases a closed file asynchronously: poll
	// until a deadline.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(e.run("cat", e.path(".douyinfs", "stats.json")), `"live_streams_open": 0`) || e.fake.Stats().OpenLive != 0 {
		if time.Now().After(deadline) {
			t.Errorf("10 s after all streams were closed: the fake sends %d, stats.json says %s", e.fake.Stats().OpenLive,
				e.run("grep", "live_streams_open", e.path(".douyinfs", "stats.json")))
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	// An ended room has room.json but no stream.
	ended := e.world.EndedRoom()
	if _, err := os.Stat(e.path("live", ended.WebRID, "stream.flv")); !os.IsNotExist(err) {
		t.Errorf("ended room: stat stream.flv: %v, want ENOENT", err)
	}
	e.run("cat", e.path("live", ended.WebRID, "room.json"))
	// A user who is not live has no live/.
	for _, u := range e.world.Users {
		if u.Room != nil && u.Room.Living {
			continue
		}
		if _, err := os.Stat(e.path("users", u.Name, "live")); !os.IsNotExist(err) {
			t.Errorf("users/%s/live: %v, want ENOENT", u.Name, err)
		}
	}
}

// A reader blocked on stream.flv that gets a signal ends at once: the
// daemon answers the interrupted read with EINTR instead of letting it run
// into the stall timeout (10 s here) and EIO. SIGKILL matters most: the
// kernel waits for the daemon's answer before the process can die.
func TestLiveReadInterrupted(t *testing.T) {
	o := defaultOptions()
	// 1 byte/s: the fake sends its first 512-byte chunk at once and the
	// next one 512 s later, so the second read blocks.
	o.ConnBandwidth = 1
	e := start(t, setup{opts: o})
	flv := e.path("live", e.world.LivingRoom().WebRID, "stream.flv")
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			before := e.fsStats(t)
			out, err := os.Create(filepath.Join(t.TempDir(), "out"))
			if err != nil {
				t.Fatal(err)
			}
			defer out.Close()
			cmd := exec.Command("cat", flv)
			cmd.Stdout = out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan struct{})
			go func() { cmd.Wait(); close(exited) }()
			defer func() { cmd.Process.Kill(); <-exited }()
			// Signal only once cat has the whole tags of the first chunk
			// (a cut tag is held back) and is waiting in a read on the
			// mount for more.
			deadline := time.Now().Add(20 * time.Second)
			for {
				st, _ := out.Stat()
				if st != nil && st.Size() >= 13 && waitingOnFUSE(cmd.Process.Pid) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("cat did not block in a read of stream.flv within 20s (%d bytes out, wchan %q)", st.Size(), wchan(cmd.Process.Pid))
				}
				time.Sleep(10 * time.Millisecond)
			}
			start := time.Now()
			cmd.Process.Signal(sig)
			select {
			case <-exited:
			case <-time.After(30 * time.Second):
				t.Fatalf("cat still running 30s after %v", sig)
			}
			if el := time.Since(start); el > 3*time.Second {
				t.Errorf("cat ended %v after %v; want at once (the stall timeout is 10s)", el.Round(time.Millisecond), sig)
			}
			after := e.fsStats(t)
			if after.Interrupted <= before.Interrupted || after.Errors != before.Errors {
				t.Errorf("daemon counted %d interrupts and %d errors, want one more interrupt and no error", after.Interrupted-before.Interrupted, after.Errors-before.Errors)
			}
		})
	}
	// The interrupted streams were closed.
	deadline := time.Now().Add(10 * time.Second)
	for e.fsStats(t).LiveOpen != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("live streams still open 10s after their readers died")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Live streams hold their connections for as long as they are open; they
// do not count against max_connections, so with more streams open than
// that, listings and media reads still work, and every stream opens.
func TestLiveStreamsLeaveConnections(t *testing.T) {
	e := start(t, setup{net: func(c *fetch.Config, r *media.Config) {
		c.MaxConnections, r.MaxConnections, r.Parallel = 2, 2, 2
	}})
	room := e.world.LivingRoom()
	var streams []*os.File
	defer func() {
		for _, f := range streams {
			f.Close()
		}
	}()
	for i := range 4 {
		f, err := os.Open(e.path("live", room.WebRID, "stream.flv"))
		if err != nil {
			t.Fatalf("opening live stream %d of 4 with max_connections 2: %v", i+1, err)
		}
		streams = append(streams, f)
		head := make([]byte, 3)
		if _, err := io.ReadFull(f, head); err != nil || string(head) != "FLV" {
			t.Fatalf("live stream %d: %q, %v", i+1, head, err)
		}
	}
	u := e.world.Users[1]
	if names, err := readDirNames(e.path("users", u.Name, "posts")); err != nil || len(names) != len(u.Posts) {
		t.Errorf("ls users/%s/posts with 4 live streams open: %d entries, %v; want %d", u.Name, len(names), err, len(u.Posts))
	}
	var video *fakedouyin.Post
	for _, p := range u.Posts {
		if p.Type != 68 {
			video = p
			break
		}
	}
	got := strings.Fields(e.sh("cat " + e.path("videos", video.AwemeID+".mp4") + " | sha256sum"))[0]
	if want := mediaSHA256(t, video.Video); got != want {
		t.Errorf("videos/%s.mp4 with 4 live streams open: sha256 %s, want %s", video.AwemeID, got, want)
	}
	for i, f := range streams {
		if _, err := io.ReadFull(f, make([]byte, 1000)); err != nil {
			t.Errorf("live stream %d after the other reads: %v", i+1, err)
		}
	}
}

// fsCounters are the fs section of stats.json.
type fsCounters struct {
	Lookups     int64 `json:"lookups"`
	Errors      int64 `json:"errors"`
	Interrupted int64 `json:"interrupted"`
	LiveOpen    int64 `json:"live_streams_open"`
	LiveAgain   int64 `json:"live_reconnects"`
}

func (e *env) fsStats(t *testing.T) fsCounters {
	t.Helper()
	b, err := os.ReadFile(e.path(".douyinfs", "stats.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		FS fsCounters `json:"fs"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("stats.json: %v", err)
	}
	return s.FS
}

// wchan is where the kernel has process pid waiting.
func wchan(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/wchan", pid))
	return string(b)
}

// waitingOnFUSE reports whether pid is waiting for the FUSE daemon's answer.
func waitingOnFUSE(pid int) bool {
	w := wchan(pid)
	return strings.Contains(w, "fuse") || strings.Contains(w, "request_wait_answer")
}
