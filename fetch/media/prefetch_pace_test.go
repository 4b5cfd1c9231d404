package media

import (
	"sync"
	"testing"
	"time"
)

// A reader slower than the network gets read-ahead for its own pace, none
// below half a block; a reader that waits for the network gets the window.
func TestPrefetchWindowFollowsReaderPace(t *testing.T) {
	e := newTestEnv(t, 8<<20, nil)
	e.cdn.add("pace", 100*tBS)
	h := e.r.Open(e.cdn.media("pace", true))
	defer h.Close()
	p := &h.pf
	cases := []struct {
		name   string
		read   int64         // bytes the streak read
		el     time.Duration // since it began
		waited time.Duration // of which waiting for bytes
		want   int64
	}{
		{"waits for the network", 2 * tBS, 2 * time.Second, time.Second, 16 * tBS},
		{"slow player", tBS / 4, 2 * time.Second, 10 * time.Millisecond, 0},
		{"a few blocks a second", 6 * tBS, 2 * time.Second, 10 * time.Millisecond, 3 * tBS},
		{"fast reader", 1000 * tBS, time.Second, 0, 16 * tBS},
	}
	for _, c := range cases {
		p.mu.Lock()
		p.window = 16 * tBS
		p.start, p.hwm = 5*tBS, 5*tBS+c.read
		p.began, p.waited = time.Now().Add(-c.el), c.waited
		got := p.windowLocked()
		p.mu.Unlock()
		// The pace is measured against the clock: allow for the time the
		// test itself takes.
		if got != c.want && (c.want == 0 || c.want == 16*tBS || got < c.want*9/10 || got > c.want) {
			t.Errorf("%s: window %d, want %d", c.name, got, c.want)
		}
	}
}

// However many readers and read-ahead runs want bytes at once, no more than
// MaxConnections requests are in flight (issue 17 item 3).
func TestMediaConnectionCap(t *testing.T) {
	const maxConns = 3
	e := newTestEnv(t, 32<<20, func(c *Config) { c.MaxConnections, c.Parallel, c.PrefetchMax = maxConns, 8, 64*tBS })
	e.cdn.set(func(c *testCDN) { c.bandwidth = 16 << 20; c.ttfb = 2 * time.Millisecond })
	const size = 128 * tBS
	e.cdn.add("cap", size)
	m := e.cdn.media("cap", true)
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Go(func() {
			h := e.r.Open(m)
			defer h.Close()
			for off := int64(g) * 16 * tBS; off < size; off += 128 << 10 {
				checkRead(t, h, "cap", size, off, 128<<10)
			}
		})
	}
	wg.Wait()
	if n := e.cdn.maxInflight.Load(); n > maxConns || n < 2 {
		t.Fatalf("%d requests in flight at most, want 2..%d", n, maxConns)
	}
}
