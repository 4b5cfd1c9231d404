package cache

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/ristretto/v2"
)

// Blocks caches media blocks under one global byte budget. The budget is
// split three ways, and every buffer is accounted once whatever holds it:
//
//   - the main area, a ristretto cache (cost = bytes);
//   - a pinned area for the first and last block of each media (1/8), so
//     scanners that touch head and tail stay cheap;
//   - room for fills in flight and read-ahead readers hold (the rest, at
//     least 1/4), which the main and pinned areas can never take.
//
// Concurrent misses for one block fetch it once: the first claims it, the
// others wait for its bytes (even partially filled ones).
type Blocks struct {
	blockSize int64
	budget    *budget
	main      *ristretto.Cache[uint64, *Block]
	mainLimit int64
	pin       *pinned
	seed      maphash.Seed

	flightsMu sync.Mutex
	flights   map[BlockKey]*flight

	holdsMu sync.Mutex
	holds   map[*Holds]struct{}

	hits, misses, evictions, rejected atomic.Int64
	mainBytes, reclaimed              atomic.Int64
	closed                            atomic.Bool
}

// BlocksConfig sizes the block cache.
type BlocksConfig struct {
	Budget    int64 // bytes for cached blocks plus in-flight read-ahead
	BlockSize int64
}

// DefaultConfig is the block cache as config.toml documents it.
func DefaultConfig() BlocksConfig {
	return BlocksConfig{Budget: 512 << 20, BlockSize: 1 << 20}
}

// NewBlocks makes a block cache. The budget must hold at least four blocks.
func NewBlocks(cfg BlocksConfig) (*Blocks, error) {
	bs := cfg.BlockSize
	if bs <= 0 || bs > 1<<30 {
		return nil, fmt.Errorf("cache: block size %d out of range", bs)
	}
	if cfg.Budget < 4*bs {
		return nil, fmt.Errorf("cache: budget %d bytes holds fewer than four blocks of %d", cfg.Budget, bs)
	}
	pinLimit := cfg.Budget / 8
	if pinLimit < 2*bs {
		pinLimit = 0 // too small to be worth it: heads and tails go to the main area
	}
	inflight := max(cfg.Budget/4, 2*bs)
	mainLimit := cfg.Budget - pinLimit - inflight

	c := &Blocks{
		blockSize: bs,
		budget:    newBudget(cfg.Budget, int(bs)),
		mainLimit: mainLimit,
		seed:      maphash.MakeSeed(),
		flights:   make(map[BlockKey]*flight),
		holds:     make(map[*Holds]struct{}),
	}
	if pinLimit > 0 {
		c.pin = newPinned(pinLimit)
	}
	c.budget.reclaim = c.reclaimHolds
	items := max(mainLimit/bs, 16)
	main, err := ristretto.NewCache(&ristretto.Config[uint64, *Block]{
		NumCounters:        10 * items,
		MaxCost:            mainLimit,
		BufferItems:        64,
		IgnoreInternalCost: true,
		// Our own hash of BlockKey is the ristretto key; the key stored in
		// the block settles collisions.
		KeyToHash: func(k uint64) (uint64, uint64) { return k, 0 },
		OnEvict:   func(*ristretto.Item[*Block]) { c.evictions.Add(1) },
		OnReject:  func(*ristretto.Item[*Block]) { c.rejected.Add(1) },
		// OnExit runs for every value leaving the cache: evicted, rejected,
		// replaced or deleted. It can see nil for deletions of absent keys.
		OnExit: func(b *Block) {
			if b != nil {
				c.mainBytes.Add(-b.cost())
				b.Release()
			}
		},
	})
	if err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	c.main = main
	return c, nil
}

// BlockSize is the size of every block but the last of a media.
func (c *Blocks) BlockSize() int64 { return c.blockSize }

// Budget is the configured byte budget.
func (c *Blocks) Budget() int64 { return c.budget.limit }

// MaxRun is the most bytes one fill should claim at once: a claim waits until
// its whole size fits, so it must stay well inside the room for fills.
func (c *Blocks) MaxRun() int64 {
	room := c.budget.limit - c.mainLimit
	if c.pin != nil {
		room -= c.pin.limit
	}
	return max(room/4/c.blockSize, 1) * c.blockSize
}

func (c *Blocks) hash(k BlockKey) uint64 { return maphash.Comparable(c.seed, k) }

// Get returns the cached block for key, referenced (Release it), or nil.
func (c *Blocks) Get(key BlockKey) *Block {
	if b := c.lookup(key); b != nil {
		c.hits.Add(1)
		return b
	}
	return nil
}

func (c *Blocks) lookup(key BlockKey) *Block {
	if c.pin != nil {
		if b := c.pin.get(key); b != nil {
			return b
		}
	}
	b, ok := c.main.Get(c.hash(key))
	if !ok || b == nil || b.key != key || !b.tryRef() {
		return nil
	}
	return b
}

// Contains reports whether key is cached or being filled, without counting a
// hit or miss.
func (c *Blocks) Contains(key BlockKey) bool {
	c.flightsMu.Lock()
	_, ok := c.flights[key]
	c.flightsMu.Unlock()
	if ok {
		return true
	}
	if b := c.lookup(key); b != nil {
		b.Release()
		return true
	}
	return false
}

// publish stores a complete block, taking over the caller's reference.
// pin selects the head/tail area.
func (c *Blocks) publish(b *Block, pin bool) {
	if c.closed.Load() {
		b.Release()
		return
	}
	if pin && c.pin != nil {
		c.evictions.Add(int64(c.pin.put(b)))
		return
	}
	cost := b.cost()
	c.mainBytes.Add(cost)
	if !c.main.Set(c.hash(b.key), b, cost) {
		// Dropped under contention: ristretto never calls back for it.
		c.mainBytes.Add(-cost)
		b.Release()
		return
	}
	// Make the block visible before the fill stops answering for it, so a
	// reader never finds neither and fetches it twice.
	c.main.Wait()
}

// Delete forgets a cached block.
func (c *Blocks) Delete(key BlockKey) {
	if c.pin != nil {
		c.pin.del(key)
	}
	c.main.Del(c.hash(key))
}

// BlockStats are counters for .douyinfs/stats.json and metrics.
type BlockStats struct {
	Hits, Misses, Evictions int64
	Bytes                   int64 // held now (cached blocks, main and pinned areas)
	InFlight                int64 // bytes reserved by fetches in flight

	Budget    int64 // the configured limit
	Used      int64 // every block buffer now: Bytes + InFlight (+ read-ahead held)
	Peak      int64 // highest Used seen: stays <= Budget
	Pinned    int64 // part of Bytes in the head/tail area
	Held      int64 // read-ahead readers hold (much of it also in Bytes)
	Recycled  int64 // spare buffers kept for reuse (within the budget)
	Allocated int64 // buffers allocated so far; the rest of the fills reused one
	Rejected  int64 // blocks ristretto's admission policy turned away
	Reclaimed int64 // held read-ahead bytes taken back under memory pressure
	Waiting   int   // fills waiting for memory now
}

// Stats reports counters.
func (c *Blocks) Stats() BlockStats {
	bs := c.budget.stats()
	s := BlockStats{
		Hits:      c.hits.Load(),
		Misses:    c.misses.Load(),
		Evictions: c.evictions.Load(),
		Budget:    c.budget.limit,
		Used:      bs.used,
		Peak:      bs.peak,
		Recycled:  bs.recycled,
		Allocated: bs.allocs,
		Rejected:  c.rejected.Load(),
		Reclaimed: c.reclaimed.Load(),
		Waiting:   bs.waiting,
	}
	if c.pin != nil {
		s.Pinned = c.pin.size()
	}
	s.Bytes = c.mainBytes.Load() + s.Pinned
	s.InFlight = max(s.Used-s.Bytes, 0)
	c.holdsMu.Lock()
	for h := range c.holds {
		s.Held += h.Bytes()
	}
	c.holdsMu.Unlock()
	return s
}

// Clear drops every cached block (fills in flight and held read-ahead
// stay). The memory goes back to the budget's recycled buffers, so a warm
// process keeps its pages: what a benchmark of cold data in a running
// daemon needs, or an operator's "drop caches". Not for use while blocks are
// being stored (ristretto's Clear is not atomic).
func (c *Blocks) Clear() {
	c.main.Clear()
	if c.pin != nil {
		c.pin.clear()
	}
}

// Close drops every cached block. Close the readers that use the cache
// first: ristretto does not survive a store racing with its Close.
func (c *Blocks) Close() {
	if c.closed.Swap(true) {
		return
	}
	c.main.Close()
	if c.pin != nil {
		c.pin.clear()
	}
}

// ErrMiss is returned by Await when a block is neither cached nor being
// filled (or its fill was abandoned): the caller should claim and fill it.
var ErrMiss = errors.New("cache: block not cached")

// Await returns the first need bytes of block key (or all of it when it is
// shorter): at once when cached, else as soon as a fill in flight has
// written them. data is valid until the returned block is released. It
// returns ErrMiss when nobody has the block, and the fill's error when the
// fill failed.
func (c *Blocks) Await(ctx context.Context, key BlockKey, need int) (data []byte, b *Block, err error) {
	if b := c.lookup(key); b != nil {
		c.hits.Add(1)
		return b.Bytes(), b, nil
	}
	c.flightsMu.Lock()
	f := c.flights[key]
	if f == nil {
		c.flightsMu.Unlock()
		// A fill may have completed between the lookup and now.
		if b := c.lookup(key); b != nil {
			c.hits.Add(1)
			return b.Bytes(), b, nil
		}
		return nil, nil, ErrMiss
	}
	c.flightsMu.Unlock()
	c.hits.Add(1) // served without a fetch of its own
	return f.await(ctx, need)
}
