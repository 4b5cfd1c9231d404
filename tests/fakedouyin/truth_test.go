package fakedouyin

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
)

// TestTruthFiles checks that /_fake/files/<name> serves the exact bytes of
// /files/<name> while every fault and a crawling link are on.
func TestTruthFiles(t *testing.T) {
	s := startServer(t, Options{Seed: 82, Users: 2, PostsPerUser: 6})
	c := newClient(t, s)
	s.SetOptions(func(o *Options) { o.Fault5xx, o.ConnBandwidth = 1, 100 })
	before := s.Stats()
	var video, other bool
	for _, e := range s.World().Files() {
		isVideo := e.Media.Kind == "video"
		if (isVideo && video) || (!isVideo && other) {
			continue
		}
		video, other = video || isVideo, other || !isVideo
		u := s.URL() + "/_fake/files/" + e.Name
		want := e.Media.Bytes()
		r := c.get(u)
		if r.StatusCode != 200 || r.ContentLength != e.Media.Size || !bytes.Equal(r.body, want) {
			t.Errorf("GET %s: HTTP %d, %d bytes (equal %v); want 200 and the %d bytes of the media",
				e.Name, r.StatusCode, len(r.body), bytes.Equal(r.body, want), e.Media.Size)
		}
		a := e.Media.Size / 2
		r = c.get(u, "Range", fmt.Sprintf("bytes=%d-%d", a, a+99))
		if r.StatusCode != 206 || !bytes.Equal(r.body, want[a:a+100]) {
			t.Errorf("range of %s: HTTP %d, %d bytes", e.Name, r.StatusCode, len(r.body))
		}
		// The same file on the faulty route fails: the faults are really on.
		if r := c.get(s.URL() + "/files/" + e.Name); r.StatusCode < 500 {
			t.Errorf("GET /files/%s: HTTP %d; the test expects the fault to apply there", e.Name, r.StatusCode)
		}
	}
	if !video || !other {
		t.Fatalf("the world has no video or no other media (video %v, other %v)", video, other)
	}
	if r := c.get(s.URL() + "/_fake/files/nope.mp4"); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown name: HTTP %d; want 404", r.StatusCode)
	}
	if after := s.Stats(); after.FilesBytes != before.FilesBytes {
		t.Errorf("the truth route counted %d media bytes", after.FilesBytes-before.FilesBytes)
	}
}
