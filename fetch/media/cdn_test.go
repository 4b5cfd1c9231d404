package media

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testContent is the byte at off of media id: a cheap deterministic
// function that differs between media and between nearby offsets.
func testContent(id string, off int64, p []byte) {
	seed := uint64(len(id)) * 0x9e3779b97f4a7c15
	for _, c := range []byte(id) {
		seed = seed*31 + uint64(c)
	}
	for i := range p {
		x := seed + uint64(off+int64(i))*0xbf58476d1ce4e5b9
		x ^= x >> 29
		p[i] = byte(x)
	}
}

// testCDN is a small CDN for the reader's unit tests: ranged GETs of
// generated files, signed-looking URLs that expire by generation, mirrors
// (one of which can be dead), a 302 play hop, and faults.
type testCDN struct {
	t   *testing.T
	srv *httptest.Server

	mu        sync.Mutex
	files     map[string]int64
	minGen    int   // URLs of older generations answer 403
	deadFirst bool  // mirror "dead" answers 503 / resets
	n429      int   // the next n429 media requests answer 429
	n503      int   // the next n503 media requests answer 503
	resetAt   int64 // reset each body after this many bytes (0: never)
	stallAt   int64 // stall each body after this many bytes (0: never)
	stallFor  time.Duration
	bandwidth int64 // bytes/s per response, 0 unlimited
	maxRange  int64 // answer at most this many bytes per range (0: all)
	ttfb      time.Duration
	rng       *rand.Rand
	ranges    []string // "id a-b" of each 206 served
	onRequest func(*http.Request)

	requests, dead, hops, bodyBytes atomic.Int64
	inflight, maxInflight           atomic.Int64
	stallRelease                    chan struct{}
}

func newTestCDN(t *testing.T) *testCDN {
	c := &testCDN{t: t, files: make(map[string]int64), rng: rand.New(rand.NewPCG(1, 2)), stallRelease: make(chan struct{})}
	c.srv = httptest.NewServer(http.HandlerFunc(c.serve))
	t.Cleanup(func() {
		close(c.stallRelease)
		c.srv.Close()
	})
	return c
}

func (c *testCDN) add(id string, size int64) {
	c.mu.Lock()
	c.files[id] = size
	c.mu.Unlock()
}

func (c *testCDN) set(f func(c *testCDN)) {
	c.mu.Lock()
	f(c)
	c.mu.Unlock()
}

// urls is the mirror list of id at the current generation: an optional dead
// mirror, the play hop, and a direct mirror.
func (c *testCDN) urls(id string) []string {
	c.mu.Lock()
	gen := c.minGen
	dead := c.deadFirst
	c.mu.Unlock()
	exp := time.Now().Add(time.Hour).Unix()
	q := fmt.Sprintf("?gen=%d&x-expires=%d&x-signature=sig", gen, exp)
	var u []string
	if dead {
		u = append(u, c.srv.URL+"/cdn/dead/"+id+q)
	}
	return append(u, c.srv.URL+"/play/"+id+q, c.srv.URL+"/cdn/m1/"+id+q)
}

func (c *testCDN) media(id string, sizeKnown bool) *Item {
	m := &Item{Key: "k/" + id, URLs: c.urls(id)}
	if sizeKnown {
		c.mu.Lock()
		m.Size = c.files[id]
		c.mu.Unlock()
	}
	return m
}

func (c *testCDN) serve(w http.ResponseWriter, req *http.Request) {
	c.requests.Add(1)
	c.mu.Lock()
	hook := c.onRequest
	c.mu.Unlock()
	if hook != nil {
		hook(req)
	}
	parts := strings.Split(strings.TrimPrefix(req.URL.Path, "/"), "/")
	gen, _ := strconv.Atoi(req.URL.Query().Get("gen"))
	c.mu.Lock()
	expired := gen < c.minGen
	c.mu.Unlock()
	switch {
	case len(parts) == 2 && parts[0] == "play":
		c.hops.Add(1)
		if expired {
			http.Error(w, "expired", http.StatusForbidden)
			return
		}
		http.Redirect(w, req, "/cdn/m2/"+parts[1]+"?"+req.URL.RawQuery, http.StatusFound)
		return
	case len(parts) == 3 && parts[0] == "cdn":
	default:
		http.NotFound(w, req)
		return
	}
	mirror, id := parts[1], parts[2]
	if mirror == "dead" {
		c.dead.Add(1)
		http.Error(w, "dead mirror", http.StatusServiceUnavailable)
		return
	}
	c.mu.Lock()
	size, ok := c.files[id]
	var fault int
	switch {
	case c.n429 > 0:
		c.n429--
		fault = 429
	case c.n503 > 0:
		c.n503--
		fault = 503
	}
	resetAt, stallAt, stallFor, bw, ttfb, maxRange := c.resetAt, c.stallAt, c.stallFor, c.bandwidth, c.ttfb, c.maxRange
	c.mu.Unlock()
	if expired {
		http.Error(w, "expired", http.StatusForbidden)
		return
	}
	if !ok {
		http.NotFound(w, req)
		return
	}
	if fault == 429 {
		w.Header().Set("Retry-After", "0")
		http.Error(w, "slow down", http.StatusTooManyRequests)
		return
	}
	if fault == 503 {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	a, b := int64(0), size-1
	status := http.StatusOK
	if rng := req.Header.Get("Range"); rng != "" {
		spec := strings.TrimPrefix(rng, "bytes=")
		lo, hi, _ := strings.Cut(spec, "-")
		a, _ = strconv.ParseInt(lo, 10, 64)
		if hi != "" {
			b, _ = strconv.ParseInt(hi, 10, 64)
		}
		if a >= size {
			w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", size))
			w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
			return
		}
		b = min(b, size-1)
		if maxRange > 0 {
			b = min(b, a+maxRange-1)
		}
		status = http.StatusPartialContent
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", a, b, size))
		c.mu.Lock()
		c.ranges = append(c.ranges, fmt.Sprintf("%s %d-%d", id, a, b))
		c.mu.Unlock()
	}
	w.Header().Set("Content-Length", strconv.FormatInt(b-a+1, 10))
	if ttfb > 0 {
		time.Sleep(ttfb)
	}
	n := c.inflight.Add(1)
	defer c.inflight.Add(-1)
	for {
		m := c.maxInflight.Load()
		if n <= m || c.maxInflight.CompareAndSwap(m, n) {
			break
		}
	}
	w.WriteHeader(status)
	buf := make([]byte, 32<<10)
	start := time.Now()
	var sent int64
	for off := a; off <= b; {
		k := min(int64(len(buf)), b-off+1)
		if resetAt > 0 && sent < resetAt && sent+k > resetAt {
			k = resetAt - sent
		}
		if stallAt > 0 && sent < stallAt && sent+k > stallAt {
			k = stallAt - sent
		}
		testContent(id, off, buf[:k])
		if _, err := w.Write(buf[:k]); err != nil {
			return
		}
		sent += k
		off += k
		c.bodyBytes.Add(k)
		if resetAt > 0 && sent == resetAt && off <= b {
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler) // the connection drops mid-body
		}
		if stallAt > 0 && sent == stallAt && off <= b {
			w.(http.Flusher).Flush()
			select {
			case <-time.After(stallFor):
			case <-c.stallRelease:
			case <-req.Context().Done():
			}
			return
		}
		if bw > 0 {
			if ahead := time.Duration(float64(sent)/float64(bw)*float64(time.Second)) - time.Since(start); ahead > 0 {
				time.Sleep(ahead)
			}
		}
	}
}

// rangesOf returns the ranges served for id.
func (c *testCDN) rangesOf(id string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, r := range c.ranges {
		if strings.HasPrefix(r, id+" ") {
			out = append(out, r)
		}
	}
	return out
}

var _ = io.EOF
