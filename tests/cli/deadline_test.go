package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// A stalled request costs one network.timeout, and the operation
// (network.op_timeout) has room to retry it: with stalls injected, a user
// folder lists and whole videos read byte-exact. When the operation's
// deadline was the request timeout, the first stall was an EIO.
func TestStallsRetriedWithinOperation(t *testing.T) {
	srv, config := startFake(t, func(o *fakedouyin.Options) {
		o.APILatency = 100 * time.Millisecond
		o.CDNTTFB = 100 * time.Millisecond
		o.FaultStall = 0.1
	})
	p := startMount(t, "--config", config, "--timeout", "1s", "--op-timeout", "10s", "--retries", "6")
	u := srv.World().Users[0]
	if _, err := os.ReadDir(filepath.Join(p.dir, "users", u.Name)); err != nil {
		t.Errorf("ls users/%s: %v", u.Name, err)
	}
	if _, err := os.ReadDir(filepath.Join(p.dir, "users", u.Name, "posts")); err != nil {
		t.Errorf("ls users/%s/posts: %v", u.Name, err)
	}
	videos := 0
	for _, post := range u.Posts {
		if post.Type == 68 || videos == 3 {
			continue
		}
		videos++
		got, err := os.ReadFile(filepath.Join(p.dir, "videos", post.AwemeID+".mp4"))
		if err != nil {
			t.Errorf("cat videos/%s.mp4: %v", post.AwemeID, err)
			continue
		}
		want := make([]byte, post.Video.Size)
		if n, err := post.Video.ReadAt(want, 0); n != len(want) {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("videos/%s.mp4: %d bytes differ from the fake's %d", post.AwemeID, len(got), len(want))
		}
	}
	if st := srv.Stats(); st.Faults["stall"] == 0 {
		t.Errorf("the fake injected no stall (stats %+v): the test proved nothing", st.Faults)
	}
	if t.Failed() {
		t.Logf("douyinfs log:\n%s", p.stderr(t))
	}
}
