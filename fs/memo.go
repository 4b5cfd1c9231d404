package fs

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/douyinfs/douyinfs/cache"
	"github.com/douyinfs/douyinfs/fetch"
)

// memo remembers answers of one kind (profiles, post details, rooms, media
// sizes) for a TTL, and lets concurrent askers for the same key share one
// API call: `ls -l` looks up many entries at once, and a page of a list is
// fetched once however many processes walk it.
type memo[V any] struct {
	ttl   time.Duration // 0: no expiry (immutable facts such as sizes)
	store *cache.TTL[string, memoEntry[V]]

	// With keepLast set, an answer outlives its TTL so that a failed
	// refresh serves it (failure is visible and bounded);
	// keepLast is told why, once per failed refresh.
	keepLast func(key string, err error)
	now      func() time.Time

	mu       sync.Mutex
	inflight map[string]*memoCall[V]
}

type memoEntry[V any] struct {
	v     V
	fresh time.Time // when the answer was fetched, or is due for a retry
}

type memoCall[V any] struct {
	done chan struct{}
	v    V
	err  error
}

// newMemo remembers up to maxItems answers, each for ttl.
func newMemo[V any](ttl time.Duration, maxItems int) *memo[V] {
	return &memo[V]{ttl: ttl, store: cache.NewTTL[string, memoEntry[V]](maxItems, ttl), now: time.Now, inflight: map[string]*memoCall[V]{}}
}

// newStaleMemo is a memo that keeps answers past their TTL and serves the
// last good one when a refresh fails with anything but a definite "not
// found"; the next refresh is tried after a tenth of the TTL, as listings
// do. Kept answers never expire in the store; maxItems bounds them.
func newStaleMemo[V any](ttl time.Duration, maxItems int, now func() time.Time, log func(key string, err error)) *memo[V] {
	return &memo[V]{ttl: ttl, store: cache.NewTTL[string, memoEntry[V]](maxItems, 0), now: now, keepLast: log, inflight: map[string]*memoCall[V]{}}
}

func (m *memo[V]) isFresh(e memoEntry[V]) bool {
	return m.ttl <= 0 || m.now().Sub(e.fresh) < m.ttl
}

// get returns the remembered answer for key, or calls fetch once for all
// concurrent askers. Errors are not remembered: the next ask tries again.
func (m *memo[V]) get(ctx context.Context, key string, fetch func(context.Context) (V, error)) (V, error) {
	last, have := m.store.Get(key)
	if have && m.isFresh(last) {
		return last.v, nil
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
		switch {
		case c.err == nil:
			m.store.Set(key, memoEntry[V]{v: c.v, fresh: m.now()})
		case have && m.keepLast != nil && !isNotFound(c.err):
			m.keepLast(key, c.err)
			c.v, c.err = last.v, nil
			m.store.Set(key, memoEntry[V]{v: last.v, fresh: m.now().Add(-m.ttl + m.ttl/10)})
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

// isNotFound: Douyin said the thing is gone, a definite answer that must
// not be hidden behind the last good one.
func isNotFound(err error) bool { return errors.Is(err, fetch.ErrNotFound) }

// set remembers v for key (used when a list page already told us).
func (m *memo[V]) set(key string, v V) { m.store.Set(key, memoEntry[V]{v: v, fresh: m.now()}) }

// clear forgets everything (SIGHUP, DropCaches).
func (m *memo[V]) clear() { m.store.Clear() }

// close empties the store (after unmount).
func (m *memo[V]) close() { m.store.Close() }
