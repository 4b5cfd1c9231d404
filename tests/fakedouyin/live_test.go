package fakedouyin

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// readFLV reads the header and then tags for d, checking each
// previous-tag-size field; it returns the bytes read and the last
// timestamp.
func readFLV(t *testing.T, r io.Reader, d time.Duration) (n int64, lastTS uint32, tags int) {
	t.Helper()
	br := bufio.NewReader(r)
	var hdr [13]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		t.Fatalf("FLV header: %v", err)
	}
	if string(hdr[:3]) != "FLV" || hdr[3] != 1 || binary.BigEndian.Uint32(hdr[5:9]) != 9 || binary.BigEndian.Uint32(hdr[9:13]) != 0 {
		t.Fatalf("bad FLV header % x", hdr)
	}
	n = 13
	deadline := time.Now().Add(d)
	prevTS := uint32(0)
	for time.Now().Before(deadline) {
		var th [11]byte
		if _, err := io.ReadFull(br, th[:]); err != nil {
			t.Fatalf("tag header after %d bytes: %v", n, err)
		}
		typ := th[0] & 0x1f
		if typ != 8 && typ != 9 && typ != 18 {
			t.Fatalf("tag type %d at %d", typ, n)
		}
		size := int(th[1])<<16 | int(th[2])<<8 | int(th[3])
		ts := uint32(th[4])<<16 | uint32(th[5])<<8 | uint32(th[6]) | uint32(th[7])<<24
		if typ == 9 && ts+100 < prevTS {
			t.Fatalf("video timestamp went back from %d to %d", prevTS, ts)
		}
		if typ == 9 {
			prevTS = ts
		}
		if _, err := io.CopyN(io.Discard, br, int64(size)); err != nil {
			t.Fatalf("tag body: %v", err)
		}
		var pts [4]byte
		if _, err := io.ReadFull(br, pts[:]); err != nil {
			t.Fatalf("previous tag size: %v", err)
		}
		if got := binary.BigEndian.Uint32(pts[:]); got != uint32(11+size) {
			t.Fatalf("previous tag size %d, want %d", got, 11+size)
		}
		n += int64(11 + size + 4)
		lastTS = max(lastTS, ts)
		tags++
	}
	return n, lastTS, tags
}

func TestLiveFLV(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Seed: 61})
	c := newClient(t, s)
	room := s.World().LivingRoom()
	v := c.do(c.liveRequest(room.WebRID)).json(t)
	flvURL := str(path(v, "data.data.0.stream_url.flv_pull_url.FULL_HD1"))
	resp, err := http.Get(flvURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "video/x-flv" {
		t.Fatalf("FLV: HTTP %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// It streams past the 2 s loop of the embedded file, at a steady rate.
	n, lastTS, tags := readFLV(t, resp.Body, 2500*time.Millisecond)
	if lastTS < 2300 || tags < 100 {
		t.Errorf("after 2.5 s: last timestamp %d ms, %d tags", lastTS, tags)
	}
	rate := float64(n) / 2.5
	if rate < 120_000 || rate > 500_000 {
		t.Errorf("stream rate %.0f B/s, want about 240 KB/s", rate)
	}
	if s.Stats().LiveBytes < n {
		t.Errorf("LiveBytes %d < %d read", s.Stats().LiveBytes, n)
	}
}

func TestLiveHLS(t *testing.T) {
	s := startServer(t, Options{Seed: 62})
	c := newClient(t, s)
	room := s.World().LivingRoom()
	v := c.do(c.liveRequest(room.WebRID)).json(t)
	m3u8 := str(path(v, "data.data.0.stream_url.hls_pull_url_map.HD1"))
	r := c.get(m3u8)
	lines := strings.Split(string(r.body), "\n")
	if r.StatusCode != 200 || lines[0] != "#EXTM3U" {
		t.Fatalf("playlist: HTTP %d %q", r.StatusCode, r.body)
	}
	var seg string
	for _, l := range lines {
		if strings.Contains(l, ".ts") {
			seg = l
			break
		}
	}
	base := m3u8[:strings.LastIndex(m3u8, "/")+1]
	r = c.get(base + seg)
	if r.StatusCode != 200 || len(r.body) < 188 || r.body[0] != 0x47 {
		t.Errorf("segment %s: HTTP %d, %d bytes", seg, r.StatusCode, len(r.body))
	}
}

func TestEndedRoomStreamsFail(t *testing.T) {
	s := startServer(t, Options{Seed: 63})
	c := newClient(t, s)
	room := s.World().EndedRoom()
	v := c.do(c.reflowRequest(room.RoomID)).json(t)
	for _, key := range []string{"flv_pull_url", "hls_pull_url_map"} {
		for _, q := range liveQualities() {
			u := str(path(v, "data.room.stream_url."+key+"."+q))
			if u == "" {
				t.Fatalf("ended room has no stale %s %s", key, q)
			}
			if r := c.get(u); r.StatusCode != http.StatusNotFound {
				t.Errorf("stale %s %s: HTTP %d, want 404", key, q, r.StatusCode)
			}
		}
	}
	living := s.World().LivingRoom()
	v = c.do(c.liveRequest(living.WebRID)).json(t)
	u := str(path(v, "data.data.0.stream_url.flv_pull_url.SD1"))
	if r := c.get(strings.Replace(u, "sign=", "sign=x", 1)); r.StatusCode != http.StatusNotFound {
		t.Errorf("forged live sign: HTTP %d, want 404", r.StatusCode)
	}
}

// TestCloseEndsStreams: Close ends a live stream and a stalled answer
// promptly, even for a client without a timeout.
func TestCloseEndsStreams(t *testing.T) {
	s, err := Start(Options{Seed: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := newClient(t, s)
	room := s.World().LivingRoom()
	flvURL := str(path(c.do(c.liveRequest(room.WebRID)).json(t), "data.data.0.stream_url.flv_pull_url.HD1"))
	p := s.World().RealVideoPost()
	cdnURL := gearURL(t, detailOf(t, c, p), p.Video, 1)
	s.SetOptions(func(o *Options) { o.FaultStall = 1 })

	done := make(chan error, 2)
	for _, u := range []string{flvURL, cdnURL} {
		go func() {
			resp, err := http.Get(u)
			if err != nil {
				done <- err
				return
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			done <- err
		}()
	}
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	s.Close()
	for i := 0; i < 2; i++ {
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("a stream outlived Close by 5 s")
		}
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("Close took %v", el)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+"/_fake/stats", nil)
	if _, err := http.DefaultClient.Do(req); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("server still answers after Close: %v", err)
	}
}
