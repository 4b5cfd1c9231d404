package cache

import (
	"hash/maphash"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/ristretto/v2"
)

// TTL is a small metadata cache (profiles, listings, post details) where
// every entry lives for its own TTL, at most maxItems entries. It is on
// ristretto, so a full cache may refuse a new entry that is colder than what
// it holds; a Set is visible to the next Get when it is admitted.
type TTL[K comparable, V any] struct {
	c    *ristretto.Cache[uint64, *ttlEntry[K, V]]
	seed maphash.Seed

	hits, misses, evictions atomic.Int64
}

type ttlEntry[K comparable, V any] struct {
	key K
	val V
}

// NewTTL makes a TTL cache holding at most maxItems entries (default 1024
// when maxItems <= 0).
func NewTTL[K comparable, V any](maxItems int) *TTL[K, V] {
	if maxItems <= 0 {
		maxItems = 1024
	}
	t := &TTL[K, V]{seed: maphash.MakeSeed()}
	c, err := ristretto.NewCache(&ristretto.Config[uint64, *ttlEntry[K, V]]{
		NumCounters:        int64(10 * maxItems),
		MaxCost:            int64(maxItems),
		BufferItems:        64,
		IgnoreInternalCost: true,
		// Our own hash is the key; the key stored in the entry settles
		// collisions.
		KeyToHash: func(k uint64) (uint64, uint64) { return k, 0 },
		OnEvict:   func(*ristretto.Item[*ttlEntry[K, V]]) { t.evictions.Add(1) },
		// Expired entries are swept about once a second.
		TtlTickerDurationInSec: 1,
	})
	if err != nil {
		// Only reachable with an invalid config, which the values above are not.
		panic("cache: " + err.Error())
	}
	t.c = c
	return t
}

func (t *TTL[K, V]) hash(k K) uint64 { return maphash.Comparable(t.seed, k) }

// Get returns the value for k if present and not expired.
func (t *TTL[K, V]) Get(k K) (V, bool) {
	e, ok := t.c.Get(t.hash(k))
	if !ok || e == nil || e.key != k {
		t.misses.Add(1)
		var zero V
		return zero, false
	}
	t.hits.Add(1)
	return e.val, true
}

// Set stores v under k for ttl (ttl <= 0: until evicted). It waits until
// the entry is applied, so a Get right after sees it (if it was admitted).
func (t *TTL[K, V]) Set(k K, v V, ttl time.Duration) {
	if ttl < 0 {
		ttl = 0
	}
	if t.c.SetWithTTL(t.hash(k), &ttlEntry[K, V]{key: k, val: v}, 1, ttl) {
		t.c.Wait()
	}
}

// Delete removes k.
func (t *TTL[K, V]) Delete(k K) {
	t.c.Del(t.hash(k))
	t.c.Wait()
}

// Clear removes everything.
func (t *TTL[K, V]) Clear() { t.c.Clear() }

// Close stops the cache's goroutines; the cache must not be used after.
func (t *TTL[K, V]) Close() { t.c.Close() }

// TTLStats are counters for .douyinfs/stats.json.
type TTLStats struct {
	Hits, Misses, Evictions int64
}

// Stats reports counters.
func (t *TTL[K, V]) Stats() TTLStats {
	return TTLStats{Hits: t.hits.Load(), Misses: t.misses.Load(), Evictions: t.evictions.Load()}
}
