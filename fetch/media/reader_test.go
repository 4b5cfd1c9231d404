package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/cache"
)

const (
	tBS     = 64 << 10 // block size in tests: many blocks, fast
	tCookie = "sessionid=SECRET-COOKIE-123"
)

type testEnv struct {
	cdn    *testCDN
	blocks *cache.Blocks
	r      *Reader
	logs   *bytes.Buffer
}

func newTestEnv(t *testing.T, budget int64, tweak func(*Config)) *testEnv {
	t.Helper()
	cdn := newTestCDN(t)
	blocks, err := cache.NewBlocks(cache.BlocksConfig{Budget: budget, BlockSize: tBS})
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	cfg := DefaultConfig()
	cfg.PrefetchStart, cfg.PrefetchMax = tBS, 16*tBS
	cfg.Timeout, cfg.RetryBackoff, cfg.IdleConnTimeout = 2*time.Second, time.Millisecond, time.Second
	cfg.Cookie = tCookie
	cfg.Logger = slog.New(slog.NewTextHandler(&lockedWriter{w: logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if tweak != nil {
		tweak(&cfg)
	}
	r, err := NewReader(cfg, blocks)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.Close()
		blocks.Close()
		if strings.Contains(logs.String(), "SECRET-COOKIE") {
			t.Error("the cookie appeared in the log")
		}
	})
	return &testEnv{cdn: cdn, blocks: blocks, r: r, logs: logs}
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// checkRead reads [off, off+n) through h and compares with the content.
func checkRead(t testing.TB, h *Handle, id string, size, off int64, n int) {
	t.Helper()
	p := make([]byte, n)
	got, err := h.ReadAt(context.Background(), p, off)
	want := max(min(int64(n), size-off), 0)
	if int64(got) != want {
		t.Fatalf("ReadAt(%d, %d) of %d bytes: got %d bytes (%v), want %d", off, n, size, got, err, want)
	}
	if want < int64(n) && !errors.Is(err, io.EOF) {
		t.Fatalf("short read at %d without EOF: %v", off, err)
	}
	if want == int64(n) && err != nil {
		t.Fatalf("ReadAt(%d, %d): %v", off, n, err)
	}
	exp := make([]byte, got)
	testContent(id, off, exp)
	if !bytes.Equal(p[:got], exp) {
		t.Fatalf("ReadAt(%d, %d): wrong bytes", off, n)
	}
}

func TestMediaRandomReadsByteExact(t *testing.T) {
	for _, known := range []bool{true, false} {
		t.Run(fmt.Sprintf("sizeKnown=%v", known), func(t *testing.T) {
			e := newTestEnv(t, 8<<20, nil)
			sizes := map[string]int64{"tiny": 10, "small": 3*tBS + 17, "exact": 4 * tBS, "big": 40*tBS + 5}
			rng := rand.New(rand.NewPCG(7, 8))
			for id, size := range sizes {
				e.cdn.add(id, size)
				h := e.r.Open(e.cdn.media(id, known))
				for range 60 {
					off := rng.Int64N(size + 10)
					n := 1 + rng.IntN(3*tBS)
					checkRead(t, h, id, size, off, n)
				}
				// Around the end.
				checkRead(t, h, id, size, size-1, 1)
				checkRead(t, h, id, size, size-1, 10)
				checkRead(t, h, id, size, size, 10)
				checkRead(t, h, id, size, size+tBS, 10)
				checkRead(t, h, id, size, 0, int(size))
				h.Close()
				got, err := e.r.Size(context.Background(), e.cdn.media(id, known))
				if err != nil || got != size {
					t.Fatalf("Size(%s) = %d, %v; want %d", id, got, err, size)
				}
			}
			if s := e.blocks.Stats(); s.Peak > s.Budget {
				t.Fatalf("peak %d over budget %d", s.Peak, s.Budget)
			}
		})
	}
}

func TestMediaEmptyFile(t *testing.T) {
	e := newTestEnv(t, 8<<20, nil)
	e.cdn.add("empty", 0)
	m := e.cdn.media("empty", false)
	if n, err := e.r.Size(context.Background(), m); err != nil || n != 0 {
		t.Fatalf("Size of an empty file: %d, %v", n, err)
	}
	h := e.r.Open(m)
	defer h.Close()
	if n, err := h.ReadAt(context.Background(), make([]byte, 10), 0); n != 0 || err != io.EOF {
		t.Fatalf("read of an empty file: %d, %v", n, err)
	}
}

// A scanner stats a file of unknown size, reads its head, then its tail,
// then the head again: two requests, no more.
func TestMediaScannerCostsTwoRequestsPerFile(t *testing.T) {
	e := newTestEnv(t, 16<<20, nil)
	const files = 20
	for i := range files {
		id := fmt.Sprintf("scan%d", i)
		size := int64(10*tBS + 1000*i)
		e.cdn.add(id, size)
		m := e.cdn.media(id, false)
		n, err := e.r.Size(context.Background(), m)
		if err != nil || n != size {
			t.Fatalf("Size: %d %v", n, err)
		}
		h := e.r.Open(m)
		checkRead(t, h, id, size, 0, 4096)
		checkRead(t, h, id, size, 4096, 8192)
		checkRead(t, h, id, size, size-5000, 5000)
		checkRead(t, h, id, size, 0, 4096)
		h.Close()
	}
	// Every file again, as a second scanner pass would: the recent ones
	// are still pinned.
	before := e.r.Stats().Requests
	for i := files - 5; i < files; i++ {
		id := fmt.Sprintf("scan%d", i)
		size := int64(10*tBS + 1000*i)
		h := e.r.Open(e.cdn.media(id, true))
		checkRead(t, h, id, size, 0, 4096)
		checkRead(t, h, id, size, size-100, 100)
		h.Close()
	}
	s := e.r.Stats()
	// Each file: the first block (which told the size) and the last one.
	// The play hop adds a redirect request the first time.
	if reqs := s.Requests - s.Redirects; reqs > 2*files {
		t.Fatalf("%d media requests (+%d redirects) for %d files, want <= 2 per file", reqs, s.Redirects, files)
	}
	if s.Requests != before {
		t.Fatalf("second pass over recent files cost %d requests", s.Requests-before)
	}
}

func TestMediaURLExpiryRefreshes(t *testing.T) {
	e := newTestEnv(t, 8<<20, nil)
	const size = 30 * tBS
	e.cdn.add("exp", size)
	var refreshes atomic.Int32
	m := e.cdn.media("exp", true)
	m.Refresh = func(ctx context.Context) ([]string, error) {
		refreshes.Add(1)
		return e.cdn.urls("exp"), nil
	}
	h := e.r.Open(m)
	defer h.Close()
	checkRead(t, h, "exp", size, 0, tBS)
	// The URLs expire; concurrent readers must refresh once, not each.
	e.cdn.set(func(c *testCDN) { c.minGen++ })
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			h2 := e.r.Open(m)
			defer h2.Close()
			checkRead(t, h2, "exp", size, int64(2+3*i)*tBS, tBS)
		})
	}
	wg.Wait()
	if got := refreshes.Load(); got != 1 {
		t.Fatalf("Refresh called %d times, want 1", got)
	}
	checkRead(t, h, "exp", size, 28*tBS, 2*tBS)
	if e.r.Stats().Refreshes != 1 {
		t.Fatalf("stats: %+v", e.r.Stats())
	}
}

func TestMediaExpiredURLRefreshedBeforeAsking(t *testing.T) {
	e := newTestEnv(t, 8<<20, nil)
	e.cdn.add("old", 3*tBS)
	m := &Item{Key: "old", Size: 3 * tBS, URLs: []string{e.cdn.srv.URL + "/cdn/m1/old?gen=0&x-expires=1000&x-signature=x"}}
	m.Refresh = func(ctx context.Context) ([]string, error) { return e.cdn.urls("old"), nil }
	h := e.r.Open(m)
	defer h.Close()
	checkRead(t, h, "old", 3*tBS, 0, 100)
	if got := e.cdn.requests.Load(); got != 2 { // the hop and the GET, nothing for the stale URL
		t.Fatalf("%d requests; the stale URL was sent", got)
	}
}

func TestMediaExpiredWithoutRefreshFails(t *testing.T) {
	e := newTestEnv(t, 8<<20, nil)
	e.cdn.add("x", 3*tBS)
	m := e.cdn.media("x", true)
	e.cdn.set(func(c *testCDN) { c.minGen++ })
	h := e.r.Open(m)
	defer h.Close()
	_, err := h.ReadAt(context.Background(), make([]byte, 10), 0)
	if !errors.Is(err, errExpired) {
		t.Fatalf("err %v, want expired", err)
	}
	if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "x-signature") {
		t.Fatalf("error leaks secrets: %v", err)
	}
}

func TestMediaDeadFirstMirror(t *testing.T) {
	e := newTestEnv(t, 8<<20, nil)
	e.cdn.set(func(c *testCDN) { c.deadFirst = true })
	const size = 20 * tBS
	e.cdn.add("dm", size)
	h := e.r.Open(e.cdn.media("dm", true))
	defer h.Close()
	for i := range int64(10) {
		checkRead(t, h, "dm", size, (i*7919)%size, 1000)
	}
	// The dead mirror is tried once; the reader then remembers the next,
	// for other media too.
	e.cdn.add("dm2", size)
	h2 := e.r.Open(e.cdn.media("dm2", false))
	defer h2.Close()
	checkRead(t, h2, "dm2", size, 0, 1000)
	if d := e.cdn.dead.Load(); d != 1 {
		t.Fatalf("dead mirror asked %d times, want 1", d)
	}
	if e.r.Stats().Failovers == 0 {
		t.Fatal("no failover counted")
	}
	// The play hop's target is remembered: one redirect per media.
	if hops := e.cdn.hops.Load(); hops != 2 {
		t.Fatalf("%d play hops, want 2", hops)
	}
}

func TestMediaResetsMidBodyResume(t *testing.T) {
	e := newTestEnv(t, 8<<20, nil)
	e.cdn.set(func(c *testCDN) { c.resetAt = 20000 })
	const size = 12*tBS + 3
	e.cdn.add("rs", size)
	h := e.r.Open(e.cdn.media("rs", false))
	defer h.Close()
	checkRead(t, h, "rs", size, 0, size)
	checkRead(t, h, "rs", size, 5*tBS+77, 3*tBS)
	s := e.r.Stats()
	if s.Resumes == 0 {
		t.Fatal("no resumes counted")
	}
	// Resuming does not fetch bytes twice.
	if s.BytesFetched != size {
		t.Fatalf("fetched %d bytes for a %d-byte file", s.BytesFetched, size)
	}
}

func TestMediaCDNCappingRangesIsFollowed(t *testing.T) {
	e := newTestEnv(t, 8<<20, nil)
	e.cdn.set(func(c *testCDN) { c.maxRange = 10000 })
	const size = 6*tBS + 99
	e.cdn.add("cap", size)
	h := e.r.Open(e.cdn.media("cap", false))
	defer h.Close()
	checkRead(t, h, "cap", size, 0, size)
	checkRead(t, h, "cap", size, size-20000, 30000)
}

func TestMediaStallTimesOutAndResumes(t *testing.T) {
	e := newTestEnv(t, 8<<20, func(c *Config) { c.Timeout = 200 * time.Millisecond })
	e.cdn.set(func(c *testCDN) { c.stallAt, c.stallFor = 40000, time.Minute })
	const size = 2 * tBS
	e.cdn.add("st", size)
	h := e.r.Open(e.cdn.media("st", true))
	defer h.Close()
	start := time.Now()
	checkRead(t, h, "st", size, 0, size)
	if e.r.Stats().Resumes == 0 {
		t.Fatal("no resume after stalls")
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Fatalf("took %v", d)
	}
}

func TestMedia429StormBacksOff(t *testing.T) {
	e := newTestEnv(t, 8<<20, func(c *Config) { c.Retries = 20 })
	e.cdn.set(func(c *testCDN) { c.n429 = 15 })
	const size = 8 * tBS
	e.cdn.add("rl", size)
	h := e.r.Open(e.cdn.media("rl", true))
	defer h.Close()
	checkRead(t, h, "rl", size, 0, size)
	if r := e.r.Stats().Retries; r < 15 {
		t.Fatalf("%d retries for 15 429s", r)
	}
}

// Retries counts retries after the first attempt: 0 is exactly one
// request to a failing mirror, 2 is three.
func TestMediaRetriesZeroIsOneAttempt(t *testing.T) {
	for _, retries := range []int{0, 2} {
		e := newTestEnv(t, 8<<20, func(c *Config) { c.Retries = retries })
		e.cdn.set(func(c *testCDN) { c.n503 = 1000 })
		e.cdn.add("down", 4*tBS)
		item := e.cdn.media("down", true)
		item.URLs = item.URLs[len(item.URLs)-1:] // the direct mirror only
		h := e.r.Open(item)
		_, err := h.ReadAt(context.Background(), make([]byte, 10), 0)
		h.Close()
		if err == nil {
			t.Fatalf("retries %d: read succeeded against a failing mirror", retries)
		}
		if got := e.cdn.requests.Load(); got != int64(retries+1) {
			t.Errorf("retries %d: %d requests, want %d", retries, got, retries+1)
		}
	}
}

func TestMediaRetriesAreBounded(t *testing.T) {
	e := newTestEnv(t, 8<<20, func(c *Config) { c.Retries = 2 })
	e.cdn.set(func(c *testCDN) { c.n503 = 1000 })
	e.cdn.add("down", 4*tBS)
	h := e.r.Open(e.cdn.media("down", true))
	defer h.Close()
	_, err := h.ReadAt(context.Background(), make([]byte, 10), 0)
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 503 {
		t.Fatalf("err %v, want HTTP 503", err)
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Fatal("cookie in error")
	}
	// 3 rounds of: the play hop (a redirect, then the 503 target) and the
	// direct mirror.
	if got := e.cdn.requests.Load(); got > 3*3 {
		t.Fatalf("%d requests with Retries=2", got)
	}
	// A deadline too short for the back-off ends the read early.
	e2 := newTestEnv(t, 8<<20, func(c *Config) { c.RetryBackoff = time.Minute })
	e2.cdn.set(func(c *testCDN) { c.n503 = 1000 })
	e2.cdn.add("down", 4*tBS)
	h2 := e2.r.Open(e2.cdn.media("down", true))
	defer h2.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	if _, err := h2.ReadAt(ctx, make([]byte, 10), 0); err == nil {
		t.Fatal("read succeeded against a dead CDN")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("read took %v with a 2s deadline", d)
	}
}

func TestMediaConcurrentReadersOneFileFetchOnce(t *testing.T) {
	e := newTestEnv(t, 16<<20, nil)
	const size = 64 * tBS
	e.cdn.add("shared", size)
	m := e.cdn.media("shared", true)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			h := e.r.Open(m)
			defer h.Close()
			rng := rand.New(rand.NewPCG(uint64(g), 3))
			for range 40 {
				off := rng.Int64N(size)
				checkRead(t, h, "shared", size, off, 1+rng.IntN(2*tBS))
			}
			// and one sequential pass
			for off := int64(0); off < size; off += 128 << 10 {
				checkRead(t, h, "shared", size, off, 128<<10)
			}
		})
	}
	wg.Wait()
	// The budget holds the whole file, so each byte crosses the wire about
	// once (cancelled read-ahead may waste a little).
	if got := e.r.Stats().BytesFetched; got > size*3/2 {
		t.Fatalf("fetched %d bytes of a %d-byte file", got, size)
	}
}

func TestMediaManyReadersManyFilesWithinBudget(t *testing.T) {
	const budget = 4 << 20 // smaller than the data: evictions, reclaims, back-pressure
	e := newTestEnv(t, budget, nil)
	var wg sync.WaitGroup
	for g := range 12 {
		id := fmt.Sprintf("f%d", g%6)
		size := int64(40*tBS + g%6*999)
		e.cdn.add(id, size)
		wg.Go(func() {
			h := e.r.Open(e.cdn.media(id, g%2 == 0))
			defer h.Close()
			rng := rand.New(rand.NewPCG(uint64(g), 9))
			for off := int64(0); off < size; off += 100 << 10 {
				checkRead(t, h, id, size, off, 100<<10)
				if rng.IntN(10) == 0 {
					checkRead(t, h, id, size, rng.Int64N(size), 5000)
				}
			}
		})
	}
	wg.Wait()
	s := e.blocks.Stats()
	if s.Peak > budget {
		t.Fatalf("peak %d over budget %d", s.Peak, budget)
	}
	t.Logf("blocks %+v reader %+v", s, e.r.Stats())
}

func TestMediaSequentialReadPrefetchesInParallel(t *testing.T) {
	e := newTestEnv(t, 32<<20, func(c *Config) { c.PrefetchMax = 64 * tBS })
	e.cdn.set(func(c *testCDN) { c.bandwidth = 8 << 20; c.ttfb = 5 * time.Millisecond })
	const size = 256 * tBS
	e.cdn.add("seq", size)
	h := e.r.Open(e.cdn.media("seq", true))
	defer h.Close()
	for off := int64(0); off < size; off += 128 << 10 {
		checkRead(t, h, "seq", size, off, 128<<10)
	}
	ranges := e.cdn.rangesOf("seq")
	if len(ranges) >= int(size/tBS)/2 {
		t.Fatalf("%d requests for %d blocks: read-ahead is not batching", len(ranges), size/tBS)
	}
	if m := e.cdn.maxInflight.Load(); m < 2 {
		t.Fatalf("at most %d request in flight: read-ahead is not parallel", m)
	}
	// The window grew: the largest request is bigger than the first.
	var maxLen int64
	for _, r := range ranges {
		var a, b int64
		var id string
		fmt.Sscanf(strings.Replace(r, "-", " ", 1), "%s %d %d", &id, &a, &b)
		maxLen = max(maxLen, b-a+1)
	}
	if maxLen < 8*tBS {
		t.Fatalf("largest request %d bytes: the window did not grow", maxLen)
	}
	if e.r.Stats().BytesFetched != size {
		t.Fatalf("fetched %d for %d", e.r.Stats().BytesFetched, size)
	}
	if h.pf.gen != 0 {
		t.Fatalf("a sequential read was taken for %d seeks", h.pf.gen)
	}
}

// The kernel's async reads arrive a little out of order; that is no seek.
func TestMediaReorderedReadsStaySequential(t *testing.T) {
	e := newTestEnv(t, 32<<20, nil)
	const size = 128 * tBS
	e.cdn.add("ro", size)
	h := e.r.Open(e.cdn.media("ro", true))
	defer h.Close()
	const rs = 32 << 10
	for base := int64(0); base+4*rs <= size; base += 4 * rs {
		for _, k := range []int64{1, 0, 3, 2} {
			checkRead(t, h, "ro", size, base+k*rs, rs)
		}
	}
	if h.pf.gen != 0 {
		t.Fatalf("reordered reads reset the streak %d times", h.pf.gen)
	}
	// Going back to the start is a seek.
	checkRead(t, h, "ro", size, 0, 1)
	if h.pf.gen != 1 {
		t.Fatalf("a jump back to the start was not a seek (gen %d)", h.pf.gen)
	}
}

func TestMediaForwardSkipInsideWindowReusesInFlight(t *testing.T) {
	e := newTestEnv(t, 32<<20, func(c *Config) { c.PrefetchMax = 32 * tBS })
	e.cdn.set(func(c *testCDN) { c.bandwidth = 16 << 20 })
	const size = 200 * tBS
	e.cdn.add("fw", size)
	h := e.r.Open(e.cdn.media("fw", true))
	defer h.Close()
	var off int64
	for ; off < 40*tBS; off += 64 << 10 {
		checkRead(t, h, "fw", size, off, 64<<10)
	}
	h.pf.mu.Lock()
	frontier := h.pf.frontier
	h.pf.mu.Unlock()
	skip := (frontier - 2) * tBS
	if skip <= off+prefetchReorderBlocks*tBS {
		t.Fatalf("window too small to test a skip (frontier block %d, at %d)", frontier, off/tBS)
	}
	checkRead(t, h, "fw", size, skip, 64<<10)
	if h.pf.gen != 0 {
		t.Fatal("a skip inside the window was taken for a seek")
	}
	// Every block was requested once.
	seen := map[int64]int{}
	for _, r := range e.cdn.rangesOf("fw") {
		var id string
		var a, b int64
		fmt.Sscanf(strings.Replace(r, "-", " ", 1), "%s %d %d", &id, &a, &b)
		for i := a / tBS; i <= b/tBS; i++ {
			seen[i]++
			if seen[i] > 1 {
				t.Fatalf("block %d requested twice", i)
			}
		}
	}
}

// countGoroutines waits (bounded) for the goroutine count to fall to want.
func waitGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= want {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines, want <= %d:\n%s", n, want, buf)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestMediaHandleCloseStopsReadAhead(t *testing.T) {
	e := newTestEnv(t, 32<<20, func(c *Config) { c.PrefetchMax = 64 * tBS })
	e.cdn.set(func(c *testCDN) { c.bandwidth = 1 << 20 }) // slow: read-ahead is in flight at Close
	const size = 400 * tBS
	e.cdn.add("cl", size)
	// Warm up the client (fasthttp starts per-host cleaner goroutines).
	warm := e.r.Open(e.cdn.media("cl", true))
	checkRead(t, warm, "cl", size, size-10, 10)
	warm.Close()
	base := runtime.NumGoroutine()

	for i := range 3 {
		id := fmt.Sprintf("cl%d", i) // a fresh file each time: nothing cached
		e.cdn.add(id, size)
		h := e.r.Open(e.cdn.media(id, true))
		for off := int64(0); off < 8*tBS; off += 32 << 10 {
			checkRead(t, h, id, size, off, 32<<10)
		}
		if e.r.Stats().PrefetchInFlight == 0 {
			t.Fatal("no read-ahead in flight before Close")
		}
		start := time.Now()
		h.Close()
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("Close took %v", d)
		}
		if _, err := h.ReadAt(context.Background(), make([]byte, 1), 0); err == nil {
			t.Fatal("read after Close succeeded")
		}
	}
	if e.r.Stats().OpenHandles != 0 || e.r.Stats().PrefetchInFlight != 0 {
		t.Fatalf("after Close: %+v", e.r.Stats())
	}
	// Server-side handler goroutines end when their connections close.
	waitGoroutines(t, base+4)
	if s := e.blocks.Stats(); s.Held != 0 {
		t.Fatalf("closed handles still hold %d bytes", s.Held)
	}
}

func TestMediaReaderCloseLeavesNoGoroutines(t *testing.T) {
	base := runtime.NumGoroutine()
	func() {
		cdn := newTestCDN(t)
		blocks, _ := cache.NewBlocks(cache.BlocksConfig{Budget: 8 << 20, BlockSize: tBS})
		cfg := DefaultConfig()
		cfg.PrefetchStart, cfg.IdleConnTimeout, cfg.Timeout = tBS, 100*time.Millisecond, time.Second
		r, err := NewReader(cfg, blocks)
		if err != nil {
			t.Fatal(err)
		}
		cdn.set(func(c *testCDN) { c.bandwidth = 2 << 20 })
		cdn.add("g", 100*tBS)
		h := r.Open(cdn.media("g", true))
		for off := int64(0); off < 10*tBS; off += tBS {
			checkRead(t, h, "g", 100*tBS, off, tBS)
		}
		// Close the reader with the handle still open and reading ahead.
		r.Close()
		blocks.Close()
		cdn.srv.CloseClientConnections()
		if _, err := h.ReadAt(context.Background(), make([]byte, 1), 50*tBS); err == nil {
			t.Fatal("read after reader Close succeeded")
		}
		h.Close()
	}()
	// ristretto, fasthttp's cleaners and the test server wind down.
	waitGoroutines(t, base+2)
}

func TestMediaCookieAndHeadersSent(t *testing.T) {
	e := newTestEnv(t, 8<<20, func(c *Config) { c.UserAgent = "UA-test"; c.Referer = "https://ref.example/" })
	seen := make(chan [3]string, 4)
	e.cdn.set(func(c *testCDN) {
		c.onRequest = func(r *http.Request) {
			select {
			case seen <- [3]string{r.Header.Get("User-Agent"), r.Header.Get("Referer"), r.Header.Get("Cookie")}:
			default:
			}
		}
	})
	e.cdn.add("hd", 100)
	h := e.r.Open(e.cdn.media("hd", true))
	defer h.Close()
	checkRead(t, h, "hd", 100, 0, 100)
	got := <-seen
	if got != [3]string{"UA-test", "https://ref.example/", tCookie} {
		t.Fatalf("headers %q", got)
	}
}

func TestMediaContentRangeParse(t *testing.T) {
	cases := []struct {
		in       string
		a, b, tt int64
		ok       bool
	}{
		{"bytes 0-0/100", 0, 0, 100, true},
		{"bytes 5-9/10", 5, 9, 10, true},
		{"bytes 5-9/*", 5, 9, -1, true},
		{"bytes */42", -1, -1, 42, true},
		{"bytes 5-10/10", 0, 0, 0, false},
		{"bytes 9-5/10", 0, 0, 0, false},
		{"items 0-1/2", 0, 0, 0, false},
		{"bytes 0-1", 0, 0, 0, false},
	}
	for _, c := range cases {
		a, b, tt, ok := contentRange([]byte(c.in))
		if ok != c.ok || (ok && (a != c.a || b != c.b || tt != c.tt)) {
			t.Errorf("%q: %d %d %d %v", c.in, a, b, tt, ok)
		}
	}
	now := time.Unix(2000, 0)
	if !urlExpired("https://x/y?x-expires=1999&x-signature=s", now) || urlExpired("https://x/y?x-expires=2001", now) ||
		urlExpired("https://x/y?a=b", now) {
		t.Error("x-expires check")
	}
}

// A CDN whose certificate does not verify is a final answer, as on the API
// path: no back-off rounds (a minute each here) before the read fails, and
// neither the cookie nor the signed query in the error.
func TestMediaCertificateErrorIsFinal(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("a request got through an unverified certificate")
	}))
	defer srv.Close()
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	e := newTestEnv(t, 8<<20, func(c *Config) { c.RetryBackoff = time.Minute })
	h := e.r.Open(&Item{Key: "tls", URLs: []string{srv.URL + "/a.mp4?x-signature=SECRET"}, Size: 4 * tBS})
	defer h.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	_, err := h.ReadAt(ctx, make([]byte, 10), 0)
	if err == nil || errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 10*time.Second {
		t.Fatalf("read from a CDN with a bad certificate: %v after %v, want its error at once", err, time.Since(start))
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Errorf("a secret in the error: %v", err)
	}
	if n := e.r.Stats().Retries; n != 0 {
		t.Errorf("%d retries of a certificate error", n)
	}
}
