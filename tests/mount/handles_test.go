package mount_test

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// waitFor polls cond until it holds or 10 s pass. The kernel sends RELEASE
// after close(2) returns, and the fake notices a client leaving when its
// next write or wait fails: both come later, so the test polls for them.
func waitFor(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not so 10 s on (%s)", what, state)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Every open of a media file takes a reader handle and every close gives it
// back: after many open/read/close cycles by real programs, the reader has
// no handle open and the fake no media answer in progress.
func TestMediaHandlesReleased(t *testing.T) {
	o := defaultOptions()
	o.Users = 1
	e := start(t, setup{opts: o})
	var files []string
	var first *fakedouyin.Post
	for _, p := range e.world.Users[0].Posts {
		if p.Type != 68 && len(files) < 5 {
			files = append(files, e.path("videos", p.AwemeID+".mp4"))
			if first == nil {
				first = p
			}
		}
	}
	handles := func() int64 { return e.deps.Media.Stats().OpenHandles }
	// The counter counts fs's opens: one file held open is one handle.
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(f, make([]byte, 1000)); err != nil {
		t.Fatal(err)
	}
	if n := handles(); n != 1 {
		t.Errorf("one media file open: the reader has %d handles open, want 1", n)
	}
	f.Close()

	const rounds = 4
	script := fmt.Sprintf("for i in $(seq %d); do for f in \"$@\"; do head -c 300000 \"$f\" > /dev/null; done; done", rounds)
	e.run("bash", append([]string{"-e", "-c", script, "cycles"}, files...)...)
	if got, want := e.sha256sum(files[0]), mediaSHA256(t, first.Video); got != want {
		t.Errorf("after the cycles: sha256 %s, want %s", got, want)
	}
	waitFor(t, fmt.Sprintf("after %d open/read/close cycles every reader handle is closed and the fake sends no media", rounds*len(files)+2),
		func() (bool, string) {
			h, m := handles(), e.fake.Stats().OpenMedia
			return h == 0 && m == 0, fmt.Sprintf("%d reader handles open, %d media answers in progress at the fake", h, m)
		})
}

// Closing stream.flv ends its connection: the fake sees every stream it
// sent end, whether a reader closed it after a read or a program stopped
// reading (head).
func TestLiveStreamConnectionsClosed(t *testing.T) {
	e := start(t, setup{})
	flv := e.path("live", e.world.LivingRoom().WebRID, "stream.flv")
	openLive := func(want int64) func() (bool, string) {
		return func() (bool, string) {
			n := e.fake.Stats().OpenLive
			return n == want, fmt.Sprintf("the fake is sending %d live streams", n)
		}
	}
	for i := range 3 {
		f, err := os.Open(flv)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(f, make([]byte, 10000)); err != nil {
			t.Fatalf("reading stream.flv: %v", err)
		}
		waitFor(t, "one stream.flv open", openLive(1))
		f.Close()
		waitFor(t, fmt.Sprintf("stream.flv closed (%d of 3): the fake's connection ends", i+1), openLive(0))
	}
	if out := e.sh("head -c 100000 '" + flv + "' | wc -c"); strings.TrimSpace(out) != "100000" {
		t.Errorf("head -c 100000 stream.flv: %q bytes", out)
	}
	waitFor(t, "head closed stream.flv: the fake's connection ends", openLive(0))
}
