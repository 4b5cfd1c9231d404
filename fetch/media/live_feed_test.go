package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// scriptConn is one scripted connection: it gives body in pieces, then
// ends with end (io.EOF, a reset), or, with stall, waits for the stall
// timeout and fails as a stalled LiveStream does.
type scriptConn struct {
	body    []byte
	piece   int
	end     error
	stall   time.Duration
	closed  chan struct{}
	closeMu sync.Once
}

func (c *scriptConn) ReadContext(ctx context.Context, p []byte) (int, error) {
	if len(c.body) > 0 {
		// Paced like a live source: a piece every 10 ms.
		time.Sleep(10 * time.Millisecond)
		n := copy(p, c.body[:min(len(c.body), c.piece)])
		c.body = c.body[n:]
		return n, nil
	}
	if c.stall > 0 {
		select {
		case <-time.After(c.stall):
			return 0, ErrStreamStalled
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-c.closed:
			return 0, io.ErrClosedPipe
		}
	}
	return 0, c.end
}

func (c *scriptConn) Close() error {
	c.closeMu.Do(func() { close(c.closed) })
	return nil
}

// world is a scripted room: the connections each dial gets, in order,
// and what each resolve answers, in order (the last repeats).
type world struct {
	t        *testing.T
	mu       sync.Mutex
	conns    []func() (liveConn, error)
	targets  []Target
	resolves int
	dials    []time.Time // when each dial came, fake clock
	drops    []time.Time // when each connection ended
	open     []*scriptConn
}

func (w *world) dial(ctx context.Context, url string) (liveConn, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.dials = append(w.dials, time.Now())
	if len(w.conns) == 0 {
		return nil, errors.New("connection refused")
	}
	next := w.conns[0]
	w.conns = w.conns[1:]
	c, err := next()
	if sc, ok := c.(*scriptConn); ok {
		w.open = append(w.open, sc)
	}
	return c, err
}

func (w *world) resolve(ctx context.Context) (Target, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.resolves++
	t := w.targets[min(w.resolves-1, len(w.targets)-1)]
	return t, nil
}

func conn(body []byte, end error) func() (liveConn, error) {
	return func() (liveConn, error) {
		return &scriptConn{body: body, piece: 100, end: end, closed: make(chan struct{})}, nil
	}
}

func stalled(body []byte, after time.Duration) func() (liveConn, error) {
	return func() (liveConn, error) {
		return &scriptConn{body: body, piece: 100, stall: after, closed: make(chan struct{})}, nil
	}
}

func feedLive(t *testing.T) *Live {
	cfg := DefaultLiveConfig()
	cfg.Timeout = 5 * time.Second
	l, err := NewLive(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// media makes n frames and samples from ts on, 40 ms apart.
func mediaTags(ts uint32, n int) []testTag {
	var out []testTag
	for i := range n {
		out = append(out, frame(ts+uint32(i)*40), sample(ts+uint32(i)*40+5))
	}
	return out
}

func stream(tags ...[]testTag) []byte {
	all := []testTag{script(), avcSeq(1), aacSeq()}
	for _, t := range tags {
		all = append(all, t...)
	}
	return flvFile(all...)
}

// A stream that is cut mid-tag, then stalls, then ends with its room
// reads as one FLV that ends (EOF) only when the room has ended; each
// reconnect re-resolved the room and came well within 2 s.
func TestFeedFLVSurvivesDrops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cut := stream(mediaTags(0, 20))
		cut = cut[:len(cut)-7] // mid-tag
		w := &world{t: t,
			conns: []func() (liveConn, error){
				conn(cut, errors.New("connection reset by peer")),
				stalled(stream(mediaTags(0, 10)), 5*time.Second),
				conn(stream(mediaTags(90000, 10)), io.EOF),
			},
			targets: []Target{{URL: "u2"}, {URL: "u3"}, {Ended: true}},
		}
		l := feedLive(t)
		f, err := l.follow(t.Context(), FeedFLV, "u1", w.resolve, w.dial)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		out, err := io.ReadAll(f)
		if err != nil {
			t.Fatalf("reading the feed: %v (want EOF when the room ends)", err)
		}
		tags := readFLVTags(t, out)
		// 3 header tags, 39 whole tags of the cut stream, 20 + 20 more.
		if len(tags) != 3+39+20+20 {
			t.Errorf("%d tags, want %d", len(tags), 3+39+20+20)
		}
		last := map[byte]uint32{}
		for i, g := range tags {
			if g.typ == flvTagScript && i > 0 {
				t.Errorf("tag %d: metadata again", i)
			}
			if flvSeqHeader(g.typ, g.data) && i > 2 {
				t.Errorf("tag %d: the same codec configuration again", i)
			}
			if g.ts < last[g.typ] {
				t.Errorf("tag %d: track %d goes back from %d to %d", i, g.typ, last[g.typ], g.ts)
			}
			last[g.typ] = g.ts
		}
		// 20 frames in the first connection (the 20th audio sample cut),
		// 10 in each of the others, 40 ms apart; each join comes 40 ms
		// after the last tag written (an audio sample 5 ms after its
		// frame, except at the cut): 39*40 + 5.
		if last[flvTagVideo] != 39*40+5 {
			t.Errorf("last frame at %d ms, want %d", last[flvTagVideo], 39*40+5)
		}
		if w.resolves != 3 || f.Reconnects() != 2 {
			t.Errorf("%d resolves, %d reconnects; want 3 and 2", w.resolves, f.Reconnects())
		}
		if len(w.dials) != 3 {
			t.Fatalf("%d dials, want 3", len(w.dials))
		}
		// The first connection gave 40 tags in pieces of 100 bytes every
		// 10 ms; the reconnect came at most 2 s after it ended.
		firstEnd := w.dials[0].Add(time.Duration((len(cut)+99)/100*10) * time.Millisecond)
		if gap := w.dials[1].Sub(firstEnd); gap > 2*time.Second || gap < 0 {
			t.Errorf("first reconnect %v after the drop, want within 2 s", gap)
		}
	})
}

// When every try fails, the waits between tries double up to RetryMax;
// after Outage without a byte the reader gets ErrFeedGaveUp; Close
// afterwards leaves nothing running (synctest fails on a goroutine left).
func TestFeedBacksOffAndGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := &world{t: t,
			conns:   []func() (liveConn, error){conn(stream(mediaTags(0, 3)), io.EOF)},
			targets: []Target{{URL: "u"}},
		}
		l := feedLive(t)
		f, err := l.follow(t.Context(), FeedFLV, "u", w.resolve, w.dial)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = io.ReadAll(f)
		if !errors.Is(err, ErrFeedGaveUp) {
			t.Fatalf("feed ended with %v, want ErrFeedGaveUp", err)
		}
		if el := time.Since(start); el > l.cfg.Outage+l.cfg.RetryMax {
			t.Errorf("gave up after %v, want about Outage %v", el, l.cfg.Outage)
		}
		var gaps []time.Duration
		for i := 2; i < len(w.dials); i++ {
			gaps = append(gaps, w.dials[i].Sub(w.dials[i-1]))
		}
		if first := w.dials[1].Sub(w.dials[0]); first < 250*time.Millisecond || first > 2*time.Second {
			t.Errorf("first try %v after the stream opened, want RetryFirst after its drop", first)
		}
		want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
		if len(gaps) < len(want) {
			t.Fatalf("gaps between tries %v, want at least %v", gaps, want)
		}
		for i, g := range want {
			if gaps[i] != g {
				t.Errorf("gaps between tries %v, want %v...", gaps, want)
				break
			}
		}
		f.Close()
	})
}

// Close ends a feed at once wherever it is: blocked reading a stalled
// connection, or waiting to try again; the reader's Read returns.
func TestFeedCloseStopsEverything(t *testing.T) {
	for _, where := range []string{"stalled", "backing off", "reader behind"} {
		t.Run(where, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				w := &world{t: t, targets: []Target{{URL: "u"}}}
				body := stream(mediaTags(0, 3))
				switch where {
				case "stalled":
					w.conns = []func() (liveConn, error){stalled(body, time.Hour)}
				case "backing off":
					w.conns = []func() (liveConn, error){conn(body, io.EOF)}
				case "reader behind":
					w.conns = []func() (liveConn, error){stalled(stream(mediaTags(0, 2000)), time.Hour)}
				}
				l := feedLive(t)
				l.cfg.Buffer = 1000
				f, err := l.follow(t.Context(), FeedFLV, "u", w.resolve, w.dial)
				if err != nil {
					t.Fatal(err)
				}
				if where == "reader behind" {
					time.Sleep(3 * time.Second)
					synctest.Wait()
					f.mu.Lock()
					n := len(f.buf) - f.off
					f.mu.Unlock()
					if n != f.cfg.Buffer {
						t.Errorf("%d bytes held for a reader that is behind, want Buffer %d", n, f.cfg.Buffer)
					}
				} else if _, err := io.ReadFull(f, make([]byte, len(body))); err != nil {
					t.Fatal(err)
				}
				done := make(chan error)
				go func() {
					_, err := io.ReadAll(f)
					done <- err
				}()
				time.Sleep(3 * time.Second)
				synctest.Wait()
				f.Close()
				if err := <-done; !errors.Is(err, io.ErrClosedPipe) {
					t.Errorf("read at Close: %v, want io.ErrClosedPipe", err)
				}
				for i, c := range w.open {
					select {
					case <-c.closed:
					default:
						t.Errorf("connection %d not closed", i)
					}
				}
			})
		})
	}
}

// hlsWorld serves a live playlist whose 3-segment window moves every 2 s
// (fake clock), like the fake Douyin's; segments say their number.
type hlsWorld struct {
	mu       sync.Mutex
	start    time.Time
	endAt    time.Duration // the playlist ends (ENDLIST) from then on
	freezeAt time.Duration // the playlist stops moving then, without ENDLIST
	gets     map[string]int
	failSeg  int64 // this segment fails once
}

func (h *hlsWorld) dial(ctx context.Context, url string) (liveConn, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.gets[url]++
	el := min(time.Since(h.start), h.endAt, h.freezeAt) // an ended playlist stays
	seq := int64(el / (2 * time.Second))
	var body string
	switch {
	case strings.HasSuffix(url, "/index.m3u8"):
		var b strings.Builder
		fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:%d\n", seq)
		for n := seq; n < seq+3; n++ {
			fmt.Fprintf(&b, "#EXTINF:2.0,\nseg/%d.ts\n", n)
		}
		if el >= h.endAt {
			b.WriteString("#EXT-X-ENDLIST\n")
		}
		body = b.String()
	default:
		var n int64
		fmt.Sscanf(url[strings.LastIndex(url, "/")+1:], "%d.ts", &n)
		if n == h.failSeg && h.gets[url] == 1 {
			return nil, &StatusError{Status: 503}
		}
		body = fmt.Sprintf("[segment %d]", n)
	}
	return &scriptConn{body: []byte(body), piece: 1 << 20, end: io.EOF, closed: make(chan struct{})}, nil
}

// An HLS feed hands out every segment once, in order, with no gap, a
// failed segment tried again, and ends when the playlist ends.
func TestFeedHLS(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &hlsWorld{start: time.Now(), endAt: 21 * time.Second, freezeAt: time.Hour, gets: map[string]int{}, failSeg: 4}
		l := feedLive(t)
		w := &world{t: t, targets: []Target{{URL: "http://cdn/live/x/index.m3u8"}}}
		f, err := l.follow(t.Context(), FeedHLS, "http://cdn/live/x/index.m3u8", w.resolve, h.dial)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		out, err := io.ReadAll(f)
		if err != nil {
			t.Fatalf("HLS feed: %v, want EOF at the playlist's end", err)
		}
		var want bytes.Buffer
		// The window at the end (21 s) is 10..12: every segment 0..12.
		for n := range 13 {
			fmt.Fprintf(&want, "[segment %d]", n)
		}
		if string(out) != want.String() {
			t.Errorf("HLS feed gave\n%s\nwant\n%s", out, want.String())
		}
		for u, n := range h.gets {
			if strings.HasSuffix(u, ".ts") && n != 1 && !strings.HasSuffix(u, "/4.ts") {
				t.Errorf("%s fetched %d times", u, n)
			}
		}
	})
}

func TestParseM3U8(t *testing.T) {
	pl, err := parseM3U8("https://cdn/a/b/index.m3u8?k=1", []byte("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:77\n#EXTINF:4.0,\n77.ts?k=1\n#EXTINF:4.0,\n/c/78.ts\n#EXT-X-ENDLIST\n"))
	if err != nil || pl.seq != 77 || pl.target != 4*time.Second || !pl.ended ||
		len(pl.segs) != 2 || pl.segs[0] != "https://cdn/a/b/77.ts?k=1" || pl.segs[1] != "https://cdn/c/78.ts" {
		t.Errorf("media playlist: %+v, %v", pl, err)
	}
	pl, err = parseM3U8("https://cdn/m.m3u8", []byte("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nhd/index.m3u8\n"))
	if err != nil || len(pl.variants) != 1 || pl.variants[0] != "https://cdn/hd/index.m3u8" || len(pl.segs) != 0 {
		t.Errorf("master playlist: %+v, %v", pl, err)
	}
	for _, bad := range []string{"", "<html>", "#EXTM3U\n#EXTINF:2,\nx.ts\n", "#EXTM3U\n#EXT-X-TARGETDURATION:x\n", "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nftp://x/y.ts\n"} {
		if _, err := parseM3U8("https://cdn/x.m3u8", []byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseM3U8(f *testing.F) {
	f.Add([]byte("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:5\n#EXTINF:2,\n5.ts\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pl, err := parseM3U8("http://h/p/i.m3u8", b)
		if err == nil && len(pl.variants) == 0 && pl.target <= 0 {
			t.Errorf("a media playlist without a target duration accepted")
		}
	})
}

// A live playlist that stops moving without saying it ended makes the feed
// ask for the room again after a few target durations; a room that has
// ended then ends the feed.
func TestFeedHLSStalePlaylist(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &hlsWorld{start: time.Now(), endAt: time.Hour, freezeAt: 5 * time.Second, gets: map[string]int{}, failSeg: -1}
		l := feedLive(t)
		w := &world{t: t, targets: []Target{{Ended: true}}}
		f, err := l.follow(t.Context(), FeedHLS, "http://cdn/live/x/index.m3u8", w.resolve, h.dial)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		start := time.Now()
		out, err := io.ReadAll(f)
		if err != nil {
			t.Fatalf("stale playlist of an ended room: %v, want EOF", err)
		}
		// The window froze at 2..4 (5 s): segments 0..4, then the room
		// was asked for once.
		if n := strings.Count(string(out), "[segment "); n != 5 || w.resolves != 1 {
			t.Errorf("%d segments, %d resolves; want 5 and 1", n, w.resolves)
		}
		if el := time.Since(start); el > 5*time.Second+(hlsStaleTargets+2)*2*time.Second {
			t.Errorf("ended %v after the start, want about %d target durations after the freeze", el, hlsStaleTargets)
		}
	})
}
