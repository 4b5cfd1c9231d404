package fakedouyin

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net/http"
	"strconv"
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

// liveStream opens the living room's FLV at quality q.
func liveStream(t *testing.T, s *Server, c *client, q string) *http.Response {
	t.Helper()
	room := s.World().LivingRoom()
	u := str(path(c.do(c.liveRequest(room.WebRID)).json(t), "data.data.0.stream_url.flv_pull_url."+q))
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 {
		t.Fatalf("FLV: HTTP %d", resp.StatusCode)
	}
	return resp
}

// flvWhole reports how b splits into whole FLV tags: the length of the
// whole part (header and tags), and whether bytes of a cut tag follow.
func flvWhole(t *testing.T, b []byte) (whole int, cutTag bool) {
	t.Helper()
	if len(b) < 13 || string(b[:3]) != "FLV" {
		t.Fatalf("no FLV header: %q", b[:min(len(b), 13)])
	}
	off := 13
	for off+11 <= len(b) {
		size := int(b[off+1])<<16 | int(b[off+2])<<8 | int(b[off+3])
		if off+11+size+4 > len(b) {
			break
		}
		if got := binary.BigEndian.Uint32(b[off+11+size:]); got != uint32(11+size) {
			t.Fatalf("tag at %d: previous tag size %d, want %d", off, got, 11+size)
		}
		off += 11 + size + 4
	}
	return off, off < len(b)
}

// The cut knobs drop a live connection in the middle of a tag: after
// LiveCutAfter bytes (exactly), or once LiveCutEvery has passed; a cut is
// a reset, counted as a fault.
func TestLiveCut(t *testing.T) {
	t.Run("after bytes", func(t *testing.T) {
		s := startServer(t, Options{Seed: 65, LiveCutAfter: 100_000})
		b, err := io.ReadAll(liveStream(t, s, newClient(t, s), "HD1").Body)
		if err == nil {
			t.Errorf("a cut stream ended cleanly; want a reset")
		}
		if len(b) != 100_000 {
			t.Errorf("read %d bytes, want the 100000 before the cut", len(b))
		}
		if whole, cut := flvWhole(t, b); !cut || !bytes.Equal(b, s.LiveFLV(len(b))) {
			t.Errorf("cut after %d whole bytes of %d (mid-tag %v); or not the fake's FLV", whole, len(b), cut)
		}
		if f := s.Stats().Faults["reset"]; f != 1 {
			t.Errorf("%d resets counted, want 1", f)
		}
	})
	t.Run("every", func(t *testing.T) {
		s := startServer(t, Options{Seed: 66, LiveCutEvery: 500 * time.Millisecond})
		b, err := io.ReadAll(liveStream(t, s, newClient(t, s), "SD1").Body)
		if err == nil {
			t.Errorf("a cut stream ended cleanly; want a reset")
		}
		// Half a second of a 240 KB/s stream at least, then half a tag.
		if whole, cut := flvWhole(t, b); !cut || whole < 50_000 {
			t.Errorf("cut after %d whole bytes (then a cut tag: %v)", whole, cut)
		}
		if !bytes.Equal(b, s.LiveFLV(len(b))) {
			t.Error("the bytes before the cut are not the fake's FLV")
		}
	})
	t.Run("stall", func(t *testing.T) {
		s := startServer(t, Options{Seed: 67, LiveCutAfter: 30_000, LiveCutStall: true})
		resp := liveStream(t, s, newClient(t, s), "SD2")
		b := make([]byte, 30_000)
		if _, err := io.ReadFull(resp.Body, b); err != nil {
			t.Fatal(err)
		}
		// The stall is counted before the server goes quiet; poll for it.
		deadline := time.Now().Add(10 * time.Second)
		for s.Stats().Faults["stall"] != 1 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if st := s.Stats(); st.Faults["stall"] != 1 || st.OpenLive != 1 || st.Faults["reset"] != 0 {
			t.Errorf("stalled stream: %v faults, %d open, want one stall and the connection kept", st.Faults, st.OpenLive)
		}
		resp.Body.Close()
		for s.Stats().OpenLive != 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if n := s.Stats().OpenLive; n != 0 {
			t.Errorf("%d live streams still sent after the client left", n)
		}
	})
	t.Run("defaults", func(t *testing.T) {
		if o := NewDefault(); o.LiveCutEvery != 30*time.Second || o.LiveCutAfter != 0 || o.LiveCutStall {
			t.Errorf("defaults: cut every %v, after %d, stall %v; want 30s, 0, false", o.LiveCutEvery, o.LiveCutAfter, o.LiveCutStall)
		}
		o := Options{LiveCutEvery: -1}
		o.fill()
		if o.LiveCutEvery != -1 {
			t.Errorf("negative LiveCutEvery became %v", o.LiveCutEvery)
		}
	})
}

// EndRoom ends a living room: its open stream ends cleanly after a whole
// tag, the room API says status 4, and its stream URLs answer 404.
func TestEndRoom(t *testing.T) {
	s := startServer(t, Options{Seed: 68})
	c := newClient(t, s)
	room := s.World().LivingRoom()
	enter := c.do(c.liveRequest(room.WebRID)).json(t)
	flvURL := str(path(enter, "data.data.0.stream_url.flv_pull_url.HD1"))
	hlsURL := str(path(enter, "data.data.0.stream_url.hls_pull_url_map.HD1"))
	resp := liveStream(t, s, c, "HD1")
	head := make([]byte, 20_000)
	if _, err := io.ReadFull(resp.Body, head); err != nil {
		t.Fatal(err)
	}
	if err := s.EndRoom(room.WebRID); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("the stream of an ended room: %v, want a clean end", err)
	}
	if _, cut := flvWhole(t, append(head, rest...)); cut {
		t.Error("the stream ended inside a tag")
	}
	if st := path(c.do(c.liveRequest(room.WebRID)).json(t), "data.data.0.status"); i64(st) != 4 {
		t.Errorf("web/enter status %v after EndRoom, want 4", st)
	}
	if st := path(c.do(c.reflowRequest(room.RoomID)).json(t), "data.room.status"); i64(st) != 4 {
		t.Errorf("reflow status %v after EndRoom, want 4", st)
	}
	for _, u := range []string{flvURL, hlsURL} {
		if r := c.get(u); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s after EndRoom: HTTP %d, want 404", u, r.StatusCode)
		}
	}
	if s.EndRoom(room.WebRID) == nil || s.EndRoom("1") == nil || s.EndRoom(s.World().EndedRoom().WebRID) == nil {
		t.Error("EndRoom of an ended or unknown room did not fail")
	}
	if !room.Living || room.OnAir() {
		t.Errorf("Living %v, OnAir %v; want the world's Living kept and OnAir false", room.Living, room.OnAir())
	}
}

// The HLS-only room offers no FLV; its playlist's segments are the
// embedded segment, each after a null packet naming its number.
func TestHLSOnlyRoom(t *testing.T) {
	s := startServer(t, Options{Seed: 69})
	c := newClient(t, s)
	room := s.World().HLSRoom()
	if !room.HLSOnly || !room.OnAir() || room == s.World().LivingRoom() {
		t.Fatalf("HLSRoom %+v", room)
	}
	v := c.do(c.liveRequest(room.WebRID)).json(t)
	if flv, _ := path(v, "data.data.0.stream_url.flv_pull_url").(map[string]any); len(flv) != 0 {
		t.Errorf("HLS-only room offers FLV %v", flv)
	}
	m3u8 := str(path(v, "data.data.0.stream_url.hls_pull_url_map.FULL_HD1"))
	pl := c.get(m3u8)
	var segs []string
	for _, l := range strings.Split(string(pl.body), "\n") {
		if strings.Contains(l, ".ts") {
			segs = append(segs, l)
		}
	}
	if pl.StatusCode != 200 || len(segs) != 3 {
		t.Fatalf("playlist: HTTP %d %q", pl.StatusCode, pl.body)
	}
	base := m3u8[:strings.LastIndex(m3u8, "/")+1]
	n, err := strconv.ParseInt(strings.Split(segs[0], ".")[0], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	r := c.get(base + segs[0])
	if r.StatusCode != 200 || !bytes.Equal(r.body, s.LiveSegment(n)) {
		t.Errorf("segment %d: HTTP %d, %d bytes, not LiveSegment(%d)", n, r.StatusCode, len(r.body), n)
	}
	if got := LiveSegmentNumbers(append(s.LiveSegment(n), s.LiveSegment(n+1)...)); len(got) != 2 || got[0] != n || got[1] != n+1 {
		t.Errorf("LiveSegmentNumbers = %v, want [%d %d]", got, n, n+1)
	}
}
