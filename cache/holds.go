package cache

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Holds keeps the blocks one reader fetched ahead until it reads them. The
// ristretto cache cannot be trusted with them: its admission policy may
// reject a block nobody has read yet, and the reader would fetch it again.
// Held bytes count against the global budget like everything else, and
// under memory pressure a demand read elsewhere takes them back (the blocks
// of the reader that has been idle longest go first, farthest ahead first),
// so an idle reader cannot pin memory that other readers need.
type Holds struct {
	c       *Blocks
	lastUse atomic.Int64 // unix nanos of the last Get/Put

	mu     sync.Mutex
	m      map[int64]*Block
	closed bool
}

// NewHolds starts an empty set of held blocks for one reader. Close it when
// the reader goes away.
func (c *Blocks) NewHolds() *Holds {
	h := &Holds{c: c, m: make(map[int64]*Block)}
	h.lastUse.Store(time.Now().UnixNano())
	c.holdsMu.Lock()
	c.holds[h] = struct{}{}
	c.holdsMu.Unlock()
	return h
}

// Put holds b under index i (taking a reference of its own; the caller
// keeps its reference).
func (h *Holds) Put(i int64, b *Block) {
	h.lastUse.Store(time.Now().UnixNano())
	b.ref()
	b.holders.Add(1)
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		unhold(b)
		return
	}
	old := h.m[i]
	h.m[i] = b
	h.mu.Unlock()
	if old != nil {
		unhold(old)
	}
}

// unhold drops a hold's reference.
func unhold(b *Block) {
	b.holders.Add(-1)
	b.Release()
}

// Get returns the held block i, referenced, or nil. The caller releases it.
func (h *Holds) Get(i int64) *Block {
	h.lastUse.Store(time.Now().UnixNano())
	h.mu.Lock()
	defer h.mu.Unlock()
	b := h.m[i]
	if b == nil {
		return nil
	}
	b.ref()
	return b
}

// Has reports whether block i is held.
func (h *Holds) Has(i int64) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, ok := h.m[i]
	return ok
}

// DropOutside releases every held block with an index outside [lo, hi).
func (h *Holds) DropOutside(lo, hi int64) {
	var drop []*Block
	h.mu.Lock()
	for i, b := range h.m {
		if i < lo || i >= hi {
			delete(h.m, i)
			drop = append(drop, b)
		}
	}
	h.mu.Unlock()
	for _, b := range drop {
		unhold(b)
	}
}

// Bytes is the memory the held blocks take (whether or not the cache also
// has them).
func (h *Holds) Bytes() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	var n int64
	for _, b := range h.m {
		n += b.cost()
	}
	return n
}

// Close releases everything and stops holding.
func (h *Holds) Close() {
	h.c.holdsMu.Lock()
	delete(h.c.holds, h)
	h.c.holdsMu.Unlock()
	h.mu.Lock()
	h.closed = true
	all := h.m
	h.m = make(map[int64]*Block)
	h.mu.Unlock()
	for _, b := range all {
		unhold(b)
	}
}

// reclaimable lists the blocks this reader holds that only holds
// reference, farthest ahead first.
func (h *Holds) reclaimable() []*Block {
	h.mu.Lock()
	idx := make([]int64, 0, len(h.m))
	for i, b := range h.m {
		if b.onlyHeld() {
			idx = append(idx, i)
		}
	}
	slices.Sort(idx)
	slices.Reverse(idx)
	out := make([]*Block, len(idx))
	for k, i := range idx {
		out[k] = h.m[i]
	}
	h.mu.Unlock()
	return out
}

// drop lets go of b if this reader holds it.
func (h *Holds) drop(b *Block) {
	h.mu.Lock()
	held := h.m[b.key.Index] == b
	if held {
		delete(h.m, b.key.Index)
	}
	h.mu.Unlock()
	if held {
		unhold(b)
	}
}

// reclaimHolds is the budget's reclaim hook: it takes held read-ahead back
// from every reader that holds it, longest-idle reader first and farthest
// ahead first, until need bytes are free. A block several readers hold is
// dropped by all of them, or no memory would come back.
func (c *Blocks) reclaimHolds(need int64) int64 {
	c.holdsMu.Lock()
	all := make([]*Holds, 0, len(c.holds))
	for h := range c.holds {
		all = append(all, h)
	}
	c.holdsMu.Unlock()
	slices.SortFunc(all, func(a, b *Holds) int {
		return int(min(max(a.lastUse.Load()-b.lastUse.Load(), -1), 1))
	})
	var freed int64
	for _, h := range all {
		for _, b := range h.reclaimable() {
			if freed >= need {
				break
			}
			if !b.onlyHeld() {
				continue // a reader took it meanwhile
			}
			cost := b.cost()
			for _, o := range all {
				o.drop(b)
			}
			freed += cost
		}
	}
	if freed > 0 {
		c.reclaimed.Add(freed)
	}
	return freed
}
