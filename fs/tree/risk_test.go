package tree

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// refuser is an API whose only working method is Refusing.
type refuser struct {
	API
	on atomic.Bool
}

func (r *refuser) Refusing() bool { return r.on.Load() }

// While Douyin refuses requests, a stale listing is served as it is,
// without asking; once it answers again, the next open refreshes.
func TestListingStaleWhileRefusing(t *testing.T) {
	api := &refuser{}
	cfg := testConfig()
	cfg.OpTimeout = 2 * time.Second
	tr := New(cfg, Services{API: api})
	t.Cleanup(tr.Close)
	now := time.Unix(1700000000, 0)
	tr.now = func() time.Time { return now }
	s := newStandIn(30, 20)
	l := postListing(tr, s, time.Minute)
	ctx := context.Background()
	if _, ok, err := l.at(ctx, 25); !ok || err != nil {
		t.Fatalf("entry 25: %v %v", ok, err)
	}
	s.ids = append([]string{"7399999999999999992"}, s.ids...)
	now = now.Add(2 * time.Minute)
	api.on.Store(true)
	pages := s.pages.Load()
	if shift := l.begin(ctx); shift != 0 || s.pages.Load() != pages {
		t.Fatalf("refusing: shift %d, %d pages asked", shift, s.pages.Load()-pages)
	}
	if e, ok, err := l.at(ctx, 0); !ok || err != nil || e.item.ID != s.ids[1] {
		t.Fatalf("stale entry 0 = %v %v %v", e.item.ID, ok, err)
	}
	api.on.Store(false)
	if shift := l.begin(ctx); shift != 1 || s.pages.Load() != pages+1 {
		t.Fatalf("answering again: shift %d, %d pages asked", shift, s.pages.Load()-pages)
	}
}
