package tree

import (
	"context"
	"errors"
	"time"

	"github.com/douyinfs/douyinfs/cache"
	"github.com/douyinfs/douyinfs/fetch"
	"golang.org/x/sync/singleflight"
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

	flight singleflight.Group
}

type memoEntry[V any] struct {
	v     V
	fresh time.Time // when the answer was fetched, or is due for a retry
}

// newMemo remembers up to maxItems answers, each for ttl.
func newMemo[V any](ttl time.Duration, maxItems int) *memo[V] {
	return &memo[V]{ttl: ttl, store: cache.NewTTL[string, memoEntry[V]](maxItems, ttl), now: time.Now}
}

// newStaleMemo is a memo that keeps answers past their TTL and serves the
// last good one when a refresh fails with anything but a definite "not
// found"; the next refresh is tried after a tenth of the TTL, as listings
// do. Kept answers never expire in the store; maxItems bounds them.
func newStaleMemo[V any](ttl time.Duration, maxItems int, now func() time.Time, log func(key string, err error)) *memo[V] {
	return &memo[V]{ttl: ttl, store: cache.NewTTL[string, memoEntry[V]](maxItems, 0), now: now, keepLast: log}
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
	// The call is shared: fetch functions detach from the asker's
	// cancellation (Tree.APIContext) and keep only a deadline, so an asker
	// giving up, the first one included, does not fail the others.
	ch := m.flight.DoChan(key, func() (any, error) {
		v, err := fetch(ctx)
		// Stored before the call is forgotten, so no asker falls in
		// between and repeats it.
		switch {
		case err == nil:
			m.store.Set(key, memoEntry[V]{v: v, fresh: m.now()})
		case have && m.keepLast != nil && !isNotFound(err):
			m.keepLast(key, err)
			v, err = last.v, nil
			m.store.Set(key, memoEntry[V]{v: v, fresh: m.now().Add(-m.ttl + m.ttl/10)})
		}
		return v, err
	})
	select {
	case r := <-ch:
		v, _ := r.Val.(V)
		return v, r.Err
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
