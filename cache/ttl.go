package cache

import (
	"sync/atomic"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// TTL is a small metadata cache (profiles, listings, post details): at most
// maxItems entries, the least recently used going first, each kept for the
// cache's TTL from its last Set. Every Set is kept, so the next Get sees it.
type TTL[K comparable, V any] struct {
	c *expirable.LRU[K, V]

	hits, misses, evictions atomic.Int64
}

// NewTTL makes a TTL cache holding at most maxItems entries (default 1024
// when maxItems <= 0), each for ttl (ttl <= 0: until pushed out).
func NewTTL[K comparable, V any](maxItems int, ttl time.Duration) *TTL[K, V] {
	if maxItems <= 0 {
		maxItems = 1024
	}
	if ttl < 0 {
		ttl = 0
	}
	// expirable sweeps every ttl/100 and panics when that is zero; entries
	// that short are expired by the time anyone asks anyway.
	if ttl > 0 && ttl < 100 {
		ttl = 100
	}
	return &TTL[K, V]{c: expirable.NewLRU[K, V](maxItems, nil, ttl)}
}

// Get returns the value for k if present and not expired.
func (t *TTL[K, V]) Get(k K) (V, bool) {
	v, ok := t.c.Get(k)
	if ok {
		t.hits.Add(1)
	} else {
		t.misses.Add(1)
	}
	return v, ok
}

// Set stores v under k, pushing out the least recently used entry when full.
func (t *TTL[K, V]) Set(k K, v V) {
	if t.c.Add(k, v) {
		t.evictions.Add(1)
	}
}

// Delete removes k.
func (t *TTL[K, V]) Delete(k K) { t.c.Remove(k) }

// Clear removes everything.
func (t *TTL[K, V]) Clear() { t.c.Purge() }

// Close empties the cache for good. (golang-lru v2 cannot stop the goroutine
// that sweeps expired entries; with nothing left it only ticks.)
func (t *TTL[K, V]) Close() { t.c.Purge() }

// TTLStats are counters for .douyinfs/stats.json.
type TTLStats struct {
	Hits, Misses int64
	Evictions    int64 // entries pushed out to make room
}

// Stats reports counters.
func (t *TTL[K, V]) Stats() TTLStats {
	return TTLStats{Hits: t.hits.Load(), Misses: t.misses.Load(), Evictions: t.evictions.Load()}
}
