package fakedouyin

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"
)

// ExpireURLs turns every URL issued so far (CDN and play hop) into a 403
// and leaves the URLs of the next answer working.
func TestExpireURLs(t *testing.T) {
	s := startServer(t, Options{Seed: 71, PlayHop: true})
	c := newClient(t, s)
	p := s.World().RealVideoPost()
	d := detailOf(t, c, p)
	cdn, play := gearURL(t, d, p.Video, 0), gearURL(t, d, p.Video, 2)
	if r := c.get(cdn, "Range", "bytes=0-9"); r.StatusCode != http.StatusPartialContent {
		t.Fatalf("fresh URL: HTTP %d", r.StatusCode)
	}
	s.ExpireURLs()
	for _, u := range []string{cdn, play} {
		if r := c.get(u, "Range", "bytes=0-9"); r.StatusCode != http.StatusForbidden {
			t.Errorf("URL issued before ExpireURLs: HTTP %d, want 403", r.StatusCode)
		}
	}
	if n := s.Stats().Expired; n != 2 {
		t.Errorf("Expired %d, want 2", n)
	}
	d = detailOf(t, c, p)
	if r := c.get(gearURL(t, d, p.Video, 0), "Range", "bytes=0-9"); r.StatusCode != http.StatusPartialContent ||
		!bytes.Equal(r.body, p.Video.Bytes()[:10]) {
		t.Errorf("URL issued after ExpireURLs: HTTP %d", r.StatusCode)
	}
	if r := c.get(gearURL(t, d, p.Video, 2)); r.StatusCode != http.StatusFound {
		t.Errorf("play URL issued after ExpireURLs: HTTP %d, want 302", r.StatusCode)
	}
}

// waitGauge polls a gauge of Stats until it is want (the server notices a
// client leaving asynchronously).
func waitGauge(t *testing.T, s *Server, name string, get func(Stats) int64, want int64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for get(s.Stats()) != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s is %d 5 s on, want %d", name, get(s.Stats()), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// OpenLive counts live streams being sent; what they send is LiveFLV.
func TestOpenLiveAndLiveFLV(t *testing.T) {
	s := startServer(t, Options{Seed: 72})
	c := newClient(t, s)
	room := s.World().LivingRoom()
	u := str(path(c.do(c.liveRequest(room.WebRID)).json(t), "data.data.0.stream_url.flv_pull_url.HD1"))
	openLive := func(st Stats) int64 { return st.OpenLive }
	var bodies []io.ReadCloser
	for range 2 {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, resp.Body)
	}
	waitGauge(t, s, "OpenLive", openLive, 2)
	const n = 100_000
	got := make([]byte, n)
	if _, err := io.ReadFull(bodies[0], got); err != nil {
		t.Fatal(err)
	}
	if want := s.LiveFLV(n); !bytes.Equal(got, want) {
		t.Errorf("the stream's first %d bytes differ from LiveFLV", n)
	}
	bodies[0].Close()
	waitGauge(t, s, "OpenLive", openLive, 1)
	s.ResetStats() // a gauge, not a counter
	if st := s.Stats(); st.OpenLive != 1 {
		t.Errorf("OpenLive %d after ResetStats, want 1", st.OpenLive)
	}
	bodies[1].Close()
	waitGauge(t, s, "OpenLive", openLive, 0)
}

// OpenMedia counts CDN answers in progress: a slow body is one until the
// client leaves.
func TestOpenMedia(t *testing.T) {
	// NoRefererCheck: http.Get sends none, and the gauge is not about it.
	s := startServer(t, Options{Seed: 73, ConnBandwidth: 1024, NoRefererCheck: true})
	c := newClient(t, s)
	p := s.World().RealVideoPost()
	resp, err := http.Get(gearURL(t, detailOf(t, c, p), p.Video, 1))
	if err != nil {
		t.Fatal(err)
	}
	openMedia := func(st Stats) int64 { return st.OpenMedia }
	waitGauge(t, s, "OpenMedia", openMedia, 1)
	resp.Body.Close()
	waitGauge(t, s, "OpenMedia", openMedia, 0)
}
