package media

import (
	"context"
	"sync"
	"time"

	"github.com/douyinfs/douyinfs/cache"
)

// prefetcher is one handle's read-ahead. It watches the reads for a
// sequential streak and keeps a window of blocks ahead of the reader in
// flight, split into runs fetched over several connections at once (one
// connection is capped by the CDN; several are not). The window starts at
// PrefetchStart and doubles each time the reader has eaten half of it, up to
// PrefetchMax.
//
// The kernel sends a file's reads several at a time and they arrive out of
// order, so a read a few blocks behind the furthest one, or ahead of it
// inside what is already in flight, continues the streak; anything else is a
// seek and starts over (cancelling the read-ahead that is now useless).
//
// Read-ahead never waits for memory: it claims blocks only while the global
// budget has room, and tries again on the next read or when a run ends.
//
// A reader slower than the network (a player reading at the video's bit
// rate) does not need the window: its reads rarely wait for bytes, and the
// kernel's own read-ahead already asks for the next blocks seconds before
// the player wants them. For such a streak the window is what the reader
// eats in a second, and no read-ahead at all below half a block, so a seek
// does not leave megabytes fetched for nothing.
type prefetcher struct {
	h *Handle

	mu       sync.Mutex
	closed   bool
	started  bool
	start    int64 // where the streak began
	hwm      int64 // end of the furthest read in the streak
	reads    int   // reads in the streak
	window   int64 // bytes to keep in flight ahead of hwm
	growAt   int64 // hwm at which the window doubles next
	frontier int64 // first block index read-ahead has not covered yet
	active   int   // runs of this streak in flight
	gen      int   // streak number, so runs of an old streak do not pump
	// blockFrom is where the streak's reads start being served in blocks:
	// the first block boundary after the read that began it. Before it,
	// what no block has is fetched as the reads ask.
	blockFrom int64
	began     time.Time     // when the streak began
	waited    time.Duration // time the streak's reads spent waiting for bytes
	ctx       context.Context
	cancel    context.CancelFunc
}

func (p *prefetcher) init(h *Handle) {
	p.h = h
	p.window = h.r.cfg.PrefetchStart
	p.ctx, p.cancel = context.WithCancel(h.ctx)
}

// prefetchReorderBlocks is how far (in blocks) a read may fall behind the
// furthest one, or jump past it, and still count as sequential.
const prefetchReorderBlocks = 4

// observe records a read of n bytes at off and starts read-ahead when the
// reads look sequential. It returns the offset from which the read should
// be served in blocks (see blockFrom).
func (p *prefetcher) observe(off int64, n int) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return off + int64(n)
	}
	r := p.h.r
	bs := r.bs
	end := off + int64(n)
	tol := prefetchReorderBlocks * bs
	sequential := p.started && off >= p.hwm-tol && off <= max(p.hwm+tol, p.frontier*bs)
	if !sequential {
		if p.started {
			p.resetLocked()
		}
		p.started = true
		p.start, p.hwm, p.reads = off, end, 0
		p.frontier = (end + bs - 1) / bs // read-ahead starts after this read's blocks
		p.blockFrom = p.frontier * bs
		p.began, p.waited = time.Now(), 0
	}
	p.reads++
	p.hwm = max(p.hwm, end)
	// Keep what a reordered read may still want, and what is ahead.
	cur := p.hwm / bs
	p.h.holds.DropOutside(cur-prefetchReorderBlocks, max(p.frontier, cur+1))

	// Two reads and half a block in a row before any read-ahead: a scanner
	// reading a file's header must cost no more than that header's block.
	if p.reads < 2 || p.hwm-p.start < bs/2 {
		return p.blockFrom
	}
	if p.hwm >= p.growAt {
		if p.growAt != 0 {
			p.window = min(2*p.window, r.cfg.PrefetchMax)
		}
		p.growAt = p.hwm + p.window/2
	}
	p.pumpLocked()
	return p.blockFrom
}

// resetLocked ends the streak: its read-ahead is cancelled and the window
// starts small again.
func (p *prefetcher) resetLocked() {
	p.cancel()
	p.ctx, p.cancel = context.WithCancel(p.h.ctx)
	p.gen++
	p.active = 0
	p.window = p.h.r.cfg.PrefetchStart
	p.growAt = 0
	p.h.holds.DropOutside(0, 0)
}

// waitedFor adds the time a read of the streak spent getting its bytes.
func (p *prefetcher) waitedFor(d time.Duration) {
	p.mu.Lock()
	p.waited += d
	p.mu.Unlock()
}

// readerPaceHorizon: a reader slower than the network gets read-ahead for
// this much of its own pace.
const readerPaceHorizon = time.Second

// windowLocked is the read-ahead to keep in flight now: the growing window,
// or, while the reader spends less than a quarter of its time waiting for
// bytes, what it reads in readerPaceHorizon (0 when that is under half a
// block).
func (p *prefetcher) windowLocked() int64 {
	el := time.Since(p.began)
	if el <= 0 || p.waited*4 >= el {
		return p.window // the reader waits for the network (or no time passed)
	}
	pace := int64(float64(p.hwm-p.start) * readerPaceHorizon.Seconds() / el.Seconds())
	if pace < p.h.r.bs/2 {
		return 0
	}
	return min(p.window, pace)
}

// maxRunBytes caps one read-ahead request: big enough that the time to first
// byte is small against the transfer (30 ms against 32 MiB at 40 MB/s is
// 3.5 %; with 16 MiB runs it was 7 % of a CDN's bandwidth), small enough
// that runs of one window spread over the connections.
const maxRunBytes = 32 << 20

// pumpLocked claims runs of blocks up to the window's end, at most Parallel
// runs in flight.
func (p *prefetcher) pumpLocked() {
	h := p.h
	r := h.r
	bs := r.bs
	size, known := h.st.knownSize()
	win := p.windowLocked()
	if win == 0 {
		return
	}
	target := (p.hwm + win + bs - 1) / bs
	end := int64(-1)
	if known {
		end = (size + bs - 1) / bs
		target = min(target, end)
	}
	runBlocks := min(max(win/int64(r.cfg.Parallel)/bs, 1), maxRunBytes/bs)
	for p.active < r.cfg.Parallel && p.frontier < target {
		idx := p.frontier
		if h.holds.Has(idx) {
			p.frontier++
			continue
		}
		key := cache.BlockKey{Media: h.st.key, Index: idx}
		if b := r.blocks.Get(key); b != nil {
			// Cached already: hold it so eviction cannot take it before
			// the reader gets there.
			h.holds.Put(idx, b)
			b.Release()
			p.frontier++
			continue
		}
		if r.blocks.Contains(key) {
			p.frontier++ // another reader is fetching it; ours will wait for it
			continue
		}
		// A run shorter than a full one pays a whole request's wait for
		// little data: while other runs are in flight, wait until the
		// reader has moved on far enough for a full run (or the media
		// ends there).
		if target-idx < runBlocks && p.active > 0 && target != end {
			return
		}
		req := r.claimRequest(h.st.key, idx, min(runBlocks, target-idx), size, known)
		if len(req.Sizes) == 0 {
			return
		}
		run := r.blocks.TryClaim(req)
		if run == nil {
			if r.blocks.Contains(key) {
				continue // lost a race for the block, not for memory
			}
			return // no memory to spare now
		}
		p.frontier = idx + int64(run.Len())
		p.active++
		ctx, gen := p.ctx, p.gen
		ok := h.spawnLocked(func() {
			r.fill(ctx, h.st, run, true, h.keep)
			p.runDone(gen)
		})
		if !ok {
			run.Finish(errReaderClosed)
			p.active--
			return
		}
	}
}

func (p *prefetcher) runDone(gen int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if gen != p.gen || p.closed {
		return
	}
	p.active--
	p.pumpLocked()
}
