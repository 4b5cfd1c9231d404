package cache

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// flight is one block being filled. Readers wait on it for a prefix of its
// bytes, so the first bytes of a block reach a reader while the rest is
// still on the wire.
type flight struct {
	mu      sync.Mutex
	block   *Block // the fill's reference until done
	filled  int
	done    bool
	err     error // set when done without a block
	aborted bool  // the filler gave up (cancelled): waiters should fetch themselves
	waiters int
	notify  chan struct{} // closed and replaced on progress while waiters > 0
}

// await waits until need bytes are filled or the fill ends.
func (f *flight) await(ctx context.Context, need int) ([]byte, *Block, error) {
	f.mu.Lock()
	if f.done {
		defer f.mu.Unlock()
		return f.finishedLocked()
	}
	// Reference the buffer while the fill still owns one, so it cannot be
	// freed under us however the fill ends.
	b := f.block
	b.ref()
	f.waiters++
	for !f.done && f.filled < need {
		ch := f.notify
		f.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			f.mu.Lock()
			f.waiters--
			f.mu.Unlock()
			b.Release()
			return nil, nil, ctx.Err()
		}
		f.mu.Lock()
	}
	f.waiters--
	defer f.mu.Unlock()
	if !f.done {
		return b.data[:f.filled], b, nil
	}
	if f.err != nil || f.aborted {
		b.Release()
		return f.finishedLocked()
	}
	// Complete. Our reference may be to the buffer before a shrink; its
	// bytes are the same.
	return b.data[:f.filled], b, nil
}

func (f *flight) finishedLocked() ([]byte, *Block, error) {
	switch {
	case f.aborted:
		return nil, nil, ErrMiss
	case f.err != nil:
		return nil, nil, f.err
	}
	b := f.block
	if b == nil || !b.tryRef() {
		return nil, nil, ErrMiss
	}
	return b.Bytes(), b, nil
}

func (f *flight) wakeLocked() {
	if f.waiters > 0 {
		close(f.notify)
		f.notify = make(chan struct{})
	}
}

// Run is a claim on consecutive blocks of one media that are neither cached
// nor being filled. The claimer fills them in order (Buf, Progress, Done) and
// ends with Finish; blocks it did not complete fail for their waiters.
type Run struct {
	c       *Blocks
	media   string
	first   int64
	last    int64 // index of the media's last block, or -1 when unknown
	flights []*flight
	next    int // blocks before next are done
}

// ClaimRequest asks for blocks First, First+1, ... of Media with the byte
// sizes in Sizes (a block past the end of the media may be claimed with the
// full block size; Done then records how much there was).
type ClaimRequest struct {
	Media string
	First int64
	Sizes []int
	// Last is the index of the media's last block when the size is known,
	// else -1. The first and last blocks go to the pinned head/tail area.
	Last int64
}

// Claim reserves memory for the request, waiting for it (read-ahead held by
// idle readers is taken back meanwhile), then claims the longest prefix of
// the requested blocks that nobody has. It returns a nil Run when block First
// is already cached or being filled.
func (c *Blocks) Claim(ctx context.Context, req ClaimRequest) (*Run, error) {
	total, err := c.checkClaim(req)
	if err != nil {
		return nil, err
	}
	if err := c.budget.acquire(ctx, total); err != nil {
		return nil, err
	}
	return c.claimReserved(req, total), nil
}

// TryClaim is Claim for read-ahead: it never waits for memory, and returns
// nil when the budget has no room now (or block First is taken).
func (c *Blocks) TryClaim(req ClaimRequest) *Run {
	total, err := c.checkClaim(req)
	if err != nil || !c.budget.tryAcquire(total) {
		return nil
	}
	return c.claimReserved(req, total)
}

func (c *Blocks) checkClaim(req ClaimRequest) (int64, error) {
	if len(req.Sizes) == 0 {
		return 0, errors.New("cache: empty claim")
	}
	var total int64
	for _, s := range req.Sizes {
		if s <= 0 || int64(s) > c.blockSize {
			return 0, fmt.Errorf("cache: block size %d out of range", s)
		}
		total += int64(s)
	}
	if total > c.budget.limit-c.mainLimit {
		return 0, errTooLarge
	}
	return total, nil
}

func (c *Blocks) claimReserved(req ClaimRequest, total int64) *Run {
	r := &Run{c: c, media: req.Media, first: req.First, last: req.Last}
	var used int64
	c.flightsMu.Lock()
	for i, size := range req.Sizes {
		key := BlockKey{req.Media, req.First + int64(i)}
		if _, busy := c.flights[key]; busy {
			break
		}
		if b := c.lookup(key); b != nil {
			b.Release()
			break
		}
		f := &flight{block: newBlock(key, c.budget, size), notify: make(chan struct{})}
		c.flights[key] = f
		r.flights = append(r.flights, f)
		used += int64(size)
	}
	c.flightsMu.Unlock()
	if used < total {
		c.budget.shrink(total - used)
	}
	if len(r.flights) == 0 {
		return nil
	}
	c.misses.Add(int64(len(r.flights)))
	return r
}

// First is the index of the run's first block.
func (r *Run) First() int64 { return r.first }

// Len is the number of blocks claimed.
func (r *Run) Len() int { return len(r.flights) }

// Buf is the buffer to fill for block First()+i; its length is the size
// claimed.
func (r *Run) Buf(i int) []byte { return r.flights[i].block.data }

// Progress records that the first n bytes of block First()+i are written,
// waking readers waiting for them.
func (r *Run) Progress(i, n int) {
	f := r.flights[i]
	f.mu.Lock()
	if n > f.filled {
		f.filled = n
		f.wakeLocked()
	}
	f.mu.Unlock()
}

// Done completes block First()+i with its first n bytes (fewer than claimed
// only for the media's last block) and publishes it. Blocks must be completed
// in order. It returns the block referenced for the caller (Release it), or
// nil when the caller has no use for it (want false).
func (r *Run) Done(i, n int, want bool) *Block {
	if i != r.next {
		panic("cache: run blocks completed out of order")
	}
	r.next++
	f := r.flights[i]
	b := f.block
	b.n = n
	// A block much shorter than its buffer (a small picture fetched before
	// its size was known) moves to an exact-size buffer. The big buffer's
	// grant shrinks by what the copy takes, so the total never goes up.
	if n < len(b.data)/2 {
		small := &Block{key: b.key, data: make([]byte, n), n: n, size: int64(n), budget: r.c.budget}
		small.refs.Store(1)
		copy(small.data, b.data[:n])
		b.size -= int64(n)
		b = small
	}
	pin := b.key.Index == 0 || b.key.Index == r.last || n < int(r.c.blockSize)

	var mine *Block
	if want {
		b.ref()
		mine = b
	}
	b.ref() // the cache's reference
	r.c.publish(b, pin)

	f.mu.Lock()
	old := f.block
	f.block = b
	f.filled = n
	f.done = true
	f.wakeLocked()
	f.mu.Unlock()
	r.c.flightsMu.Lock()
	delete(r.c.flights, b.key)
	r.c.flightsMu.Unlock()
	if old != b {
		old.Release() // the fill's reference to the big buffer
	}
	b.Release() // the fill's reference
	return mine
}

// Finish ends the run. Blocks not completed fail with err for their waiters;
// when err is nil or a context error (the filler gave up, which says nothing
// about the block), waiters get ErrMiss and fetch the block themselves.
func (r *Run) Finish(err error) {
	for i := r.next; i < len(r.flights); i++ {
		f := r.flights[i]
		b := f.block
		// Out of the table before the waiters wake: one that retries must
		// be able to claim the block at once.
		r.c.flightsMu.Lock()
		delete(r.c.flights, b.key)
		r.c.flightsMu.Unlock()
		f.mu.Lock()
		f.done = true
		f.block = nil
		if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			f.aborted = true
		} else {
			f.err = err
		}
		f.wakeLocked()
		f.mu.Unlock()
		b.Release()
	}
	r.next = len(r.flights)
}

// GetOrFetch returns block key, fetching it with fetch on a miss; concurrent
// callers for one key share one fetch. fetch fills buf (size bytes) and
// returns how many bytes the block has (fewer only at the end of the media).
// last is the media's last block index, or -1. Release the block.
func (c *Blocks) GetOrFetch(ctx context.Context, key BlockKey, size int, last int64,
	fetch func(ctx context.Context, buf []byte) (int, error)) (*Block, error) {
	for {
		// Asking for one byte more than the block can hold waits for the
		// fill to finish rather than for a prefix.
		_, b, err := c.Await(ctx, key, size+1)
		if err == nil {
			return b, nil
		}
		if !errors.Is(err, ErrMiss) {
			return nil, err
		}
		run, err := c.Claim(ctx, ClaimRequest{Media: key.Media, First: key.Index, Sizes: []int{size}, Last: last})
		if err != nil {
			return nil, err
		}
		if run == nil {
			continue // someone else got there first
		}
		n, err := fetch(ctx, run.Buf(0))
		if err != nil {
			run.Finish(err)
			return nil, err
		}
		if n <= 0 || n > size {
			err := fmt.Errorf("cache: fetch returned %d bytes for a block of %d", n, size)
			run.Finish(err)
			return nil, err
		}
		b = run.Done(0, n, true)
		run.Finish(nil)
		return b, nil
	}
}
