package cache

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// budget accounts every block buffer against one byte limit: cached blocks,
// blocks being filled, read-ahead held for readers and recycled buffers all
// count, so the limit is the real memory the media path can hold. Buffers of
// the standard block size are recycled instead of left to the garbage
// collector: with a heap of hundreds of MiB a GC cycle only starts after the
// heap doubles, so churned buffers would push RSS far past the budget.
type budget struct {
	limit   int64
	bufSize int
	maxFree int // recycled buffers kept at most

	// reclaim asks readers to give back read-ahead they hold; it returns the
	// bytes it freed. It is called without mu held.
	reclaim func(need int64) int64

	mu      sync.Mutex
	used    int64    // bytes in buffers handed out and not yet released
	peak    int64    // highest used
	free    [][]byte // recycled buffers of bufSize; memory = used + len(free)*bufSize
	allocs  int64    // buffers allocated (not recycled)
	waiters list.List
}

type budgetWaiter struct {
	n     int64
	ready chan struct{} // closed when granted
}

// reclaimEvery is how often a blocked acquire asks readers again for memory:
// read-ahead a reader holds can become reclaimable without any release the
// budget would see (the cache evicts its copy), so waiting purely on releases
// could wait forever.
const reclaimEvery = 20 * time.Millisecond

func newBudget(limit int64, bufSize int) *budget {
	// Recycled buffers may fill whatever the budget has spare: dropping
	// one to the collector only to allocate another soon after is exactly
	// the churn that lets the heap (and RSS) grow to twice the budget.
	return &budget{limit: limit, bufSize: bufSize, maxFree: int(limit / int64(bufSize))}
}

// tryAcquire grants n bytes now or not at all. It never overtakes a waiter,
// so read-ahead (which only tries) cannot starve demand reads (which wait).
func (b *budget) tryAcquire(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.waiters.Len() > 0 || b.used+n > b.limit {
		return false
	}
	b.grantLocked(n)
	return true
}

// acquire waits until n bytes fit, in FIFO order, reclaiming read-ahead
// while it waits.
func (b *budget) acquire(ctx context.Context, n int64) error {
	if n > b.limit {
		return errTooLarge
	}
	if b.tryAcquire(n) {
		return nil
	}
	if b.reclaim != nil {
		b.reclaim(n)
	}
	b.mu.Lock()
	if b.waiters.Len() == 0 && b.used+n <= b.limit {
		b.grantLocked(n)
		b.mu.Unlock()
		return nil
	}
	w := &budgetWaiter{n: n, ready: make(chan struct{})}
	elem := b.waiters.PushBack(w)
	b.mu.Unlock()

	tick := time.NewTicker(reclaimEvery)
	defer tick.Stop()
	for {
		select {
		case <-w.ready:
			return nil
		case <-tick.C:
			if b.reclaim != nil {
				b.mu.Lock()
				short := b.used + n - b.limit
				b.mu.Unlock()
				if short > 0 {
					b.reclaim(short)
				}
			}
		case <-ctx.Done():
			b.mu.Lock()
			select {
			case <-w.ready:
				// Granted just as we gave up: hand it back.
				b.releaseLocked(n)
			default:
				b.waiters.Remove(elem)
				// Leaving the head may let the next waiter in.
				b.grantWaitersLocked()
			}
			b.mu.Unlock()
			return ctx.Err()
		}
	}
}

func (b *budget) grantLocked(n int64) {
	b.used += n
	if b.used > b.peak {
		b.peak = b.used
	}
}

// release returns n bytes (the buffer, if any, is recycled).
func (b *budget) release(n int64, buf []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	// The buffer was memory in use; recycled it is the same memory.
	if buf != nil && cap(buf) == b.bufSize && len(b.free) < b.maxFree {
		b.free = append(b.free, buf[:b.bufSize])
	}
	b.releaseLocked(n)
}

func (b *budget) releaseLocked(n int64) {
	b.used -= n
	if b.used < 0 {
		panic("cache: budget released more than acquired")
	}
	b.grantWaitersLocked()
}

func (b *budget) grantWaitersLocked() {
	for {
		front := b.waiters.Front()
		if front == nil {
			return
		}
		w := front.Value.(*budgetWaiter)
		if b.used+w.n > b.limit {
			return
		}
		b.waiters.Remove(front)
		b.grantLocked(w.n)
		close(w.ready)
	}
}

// buffer returns a buffer of n bytes for memory already granted: a recycled
// one when n is the standard size, else a new one.
//
// Memory is used + recycled: a grant is counted in used before its buffers
// leave the recycled list, so a new allocation is only needed, and only
// made, when nothing recycled fits; then recycled buffers beyond what the
// budget allows are let go first.
func (b *budget) buffer(n int) []byte {
	b.mu.Lock()
	if k := len(b.free); k > 0 && n == b.bufSize {
		buf := b.free[k-1]
		b.free[k-1] = nil
		b.free = b.free[:k-1]
		b.mu.Unlock()
		return buf
	}
	for len(b.free) > 0 && b.used+int64(len(b.free)*b.bufSize) > b.limit {
		b.free[len(b.free)-1] = nil
		b.free = b.free[:len(b.free)-1]
	}
	b.allocs++
	b.mu.Unlock()
	buf := make([]byte, n)
	prefault(buf)
	return buf
}

// shrink gives back the tail of a grant that turned out larger than needed
// (a block shorter than claimed, copied into an exact-size buffer).
func (b *budget) shrink(n int64) {
	b.mu.Lock()
	b.releaseLocked(n)
	b.mu.Unlock()
}

type budgetStats struct {
	used, peak, recycled, allocs int64
	waiting                      int
}

func (b *budget) stats() budgetStats {
	b.mu.Lock()
	defer b.mu.Unlock()
	return budgetStats{used: b.used, peak: b.peak, recycled: int64(len(b.free) * b.bufSize), allocs: b.allocs, waiting: b.waiters.Len()}
}
