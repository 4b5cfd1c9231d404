package fs

import (
	"context"
	"sync"
	"time"

	"github.com/douyinfs/douyinfs/cache"
)

// memo remembers answers of one kind (profiles, post details, rooms, media
// sizes) for a TTL, and lets concurrent askers for the same key share one
// API call: `ls -l` looks up many entries at once, and a page of a list is
// fetched once however many processes walk it.
type memo[V any] struct {
	ttl   time.Duration // 0: no expiry (immutable facts such as sizes)
	store *cache.TTL[string, V]

	mu       sync.Mutex
	inflight map[string]*memoCall[V]
}

type memoCall[V any] struct {
	done chan struct{}
	v    V
	err  error
}

// newMemo remembers up to maxItems answers, each for ttl.
func newMemo[V any](ttl time.Duration, maxItems int) *memo[V] {
	return &memo[V]{ttl: ttl, store: cache.NewTTL[string, V](maxItems), inflight: map[string]*memoCall[V]{}}
}

// peek returns a remembered answer without asking anyone.
func (m *memo[V]) peek(key string) (V, bool) { return m.store.Get(key) }

// get returns the remembered answer for key, or calls fetch once for all
// concurrent askers. Errors are not remembered: the next ask tries again.
func (m *memo[V]) get(ctx context.Context, key string, fetch func(context.Context) (V, error)) (V, error) {
	if v, ok := m.peek(key); ok {
		return v, nil
	}
	m.mu.Lock()
	c, ok := m.inflight[key]
	if !ok {
		c = &memoCall[V]{done: make(chan struct{})}
		m.inflight[key] = c
		m.mu.Unlock()
		// The call is shared: fetch functions detach from the asker's
		// cancellation (tree.apiContext) and keep only a deadline, so one
		// asker giving up does not fail the others.
		c.v, c.err = fetch(ctx)
		// Stored before the call leaves the table, so no asker falls in
		// between and repeats it.
		if c.err == nil {
			m.store.Set(key, c.v, m.ttl)
		}
		m.mu.Lock()
		delete(m.inflight, key)
		m.mu.Unlock()
		close(c.done)
		return c.v, c.err
	}
	m.mu.Unlock()
	select {
	case <-c.done:
		return c.v, c.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// set remembers v for key (used when a list page already told us).
func (m *memo[V]) set(key string, v V) { m.store.Set(key, v, m.ttl) }

// clear forgets everything (SIGHUP, DropCaches).
func (m *memo[V]) clear() { m.store.Clear() }

// close stops the store's goroutines (after unmount).
func (m *memo[V]) close() { m.store.Close() }
