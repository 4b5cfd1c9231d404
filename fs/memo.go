package fs

import (
	"context"
	"sync"
	"time"
)

// memo remembers answers of one kind (profiles, post details, rooms, media
// sizes) for a TTL, and lets concurrent askers for the same key share one
// API call: `ls -l` looks up many entries at once, and a page of a list is
// fetched once however many processes walk it.
type memo[V any] struct {
	ttl time.Duration // 0: forever (for immutable facts such as sizes)
	now func() time.Time

	mu       sync.Mutex
	items    map[string]memoItem[V]
	inflight map[string]*memoCall[V]
}

type memoItem[V any] struct {
	v       V
	expires time.Time
}

type memoCall[V any] struct {
	done chan struct{}
	v    V
	err  error
}

func newMemo[V any](ttl time.Duration, now func() time.Time) *memo[V] {
	return &memo[V]{ttl: ttl, now: now, items: map[string]memoItem[V]{}, inflight: map[string]*memoCall[V]{}}
}

// peek returns a remembered answer without asking anyone.
func (m *memo[V]) peek(key string) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.items[key]
	if !ok || (m.ttl > 0 && m.now().After(it.expires)) {
		var zero V
		return zero, false
	}
	return it.v, true
}

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
		m.mu.Lock()
		delete(m.inflight, key)
		if c.err == nil {
			m.items[key] = memoItem[V]{v: c.v, expires: m.now().Add(m.ttl)}
		}
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
func (m *memo[V]) set(key string, v V) {
	m.mu.Lock()
	m.items[key] = memoItem[V]{v: v, expires: m.now().Add(m.ttl)}
	m.mu.Unlock()
}

// clear forgets everything (SIGHUP, DropCaches).
func (m *memo[V]) clear() {
	m.mu.Lock()
	m.items = map[string]memoItem[V]{}
	m.mu.Unlock()
}
