package media

import (
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
)

// Random reads smaller than a block cost what they ask for, one request
// each on one kept-alive connection; reads that turn sequential are served
// in blocks again (issue 17 item 2).
func TestMediaRandomSmallReadsCostWhatTheyAsk(t *testing.T) {
	e := newTestEnv(t, 8<<20, nil)
	var mu sync.Mutex
	peers := map[string]bool{}
	e.cdn.set(func(c *testCDN) {
		c.onRequest = func(r *http.Request) {
			mu.Lock()
			peers[r.RemoteAddr] = true
			mu.Unlock()
		}
	})
	const size = 200 * tBS
	e.cdn.add("rnd", size)
	h := e.r.Open(e.cdn.media("rnd", true))
	defer h.Close()

	const n, read = 100, 4 << 10
	rng := rand.New(rand.NewPCG(17, 4))
	var last int64
	for range n {
		// Away from the first and last blocks, which are always fetched
		// whole for scanners, and from the last read (nearby reads would
		// count as a streak).
		off := last
		for off > last-8*tBS && off < last+8*tBS {
			off = tBS + rng.Int64N(size-3*tBS)
		}
		checkRead(t, h, "rnd", size, off, read)
		last = off
	}
	asked := int64(n * read)
	if got := e.cdn.bodyBytes.Load(); got > 2*asked {
		t.Errorf("%d random reads of %d bytes made the CDN send %d bytes, want <= %d", n, read, got, 2*asked)
	}
	if reqs := e.cdn.requests.Load(); reqs > n+n/10 {
		t.Errorf("%d random reads took %d requests", n, reqs)
	}
	mu.Lock()
	conns := len(peers)
	mu.Unlock()
	if conns != 1 {
		t.Errorf("%d random reads, one at a time, used %d connections, want one kept alive", n, conns)
	}

	// The same handle turning sequential: from the next block boundary on,
	// whole blocks with read-ahead, each block fetched once.
	before := e.cdn.bodyBytes.Load()
	const from = 50*tBS + 12345
	for off := int64(from); off < from+40*tBS; off += read {
		checkRead(t, h, "rnd", size, off, read)
	}
	// The reads touch 41 blocks (they start mid-block); read-ahead may be
	// up to PrefetchMax (16 blocks here) past the last, depending on how
	// far it got before the reads stopped.
	touched := int64((from+40*tBS-1)/tBS - from/tBS + 1)
	if got := e.cdn.bodyBytes.Load() - before; got > (touched+16)*tBS {
		t.Errorf("reading 40 blocks in order made the CDN send %d bytes (%.1f blocks), want at most %d blocks", got, float64(got)/tBS, touched+16)
	}
	if e.blocks.Stats().Misses < 30 {
		t.Errorf("the sequential reads were not served in blocks: %+v", e.blocks.Stats())
	}
}
