package tree

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/fetch"
)

// standIn is a cursor list of n posts, newest first, served pageSize at a
// time; it counts the pages asked for and can be told to fail.
type standIn struct {
	ids      []string
	pageSize int
	pages    atomic.Int64
	err      atomic.Value // error to return, if any
}

func newStandIn(n, pageSize int) *standIn {
	s := &standIn{pageSize: pageSize}
	for i := 0; i < n; i++ {
		s.ids = append(s.ids, fmt.Sprintf("73%017d", n-i))
	}
	return s
}

func (s *standIn) pager() *fetch.Pager[fetch.Post] {
	return fetch.NewPager(func(ctx context.Context, cursor string) (fetch.Page[fetch.Post], error) {
		s.pages.Add(1)
		if err, _ := s.err.Load().(error); err != nil {
			return fetch.Page[fetch.Post]{}, err
		}
		start := 0
		if cursor != "" {
			fmt.Sscan(cursor, &start)
		}
		end := min(start+s.pageSize, len(s.ids))
		var page fetch.Page[fetch.Post]
		for _, id := range s.ids[start:end] {
			page.Items = append(page.Items, fetch.Post{ID: id, Desc: "p" + id, Video: &fetch.Video{Renditions: []fetch.Rendition{{Key: "x", Size: 1}}}})
		}
		page.HasMore = end < len(s.ids)
		page.Cursor = fmt.Sprint(end)
		return page, nil
	}, 3, 0)
}

// testConfig is fs.DefaultConfig's part that the tree sees.
func testConfig() Config {
	return Config{
		Naming:     testNaming(),
		ListingTTL: 5 * time.Minute, MetadataTTL: 10 * time.Minute, FeedTTL: 2 * time.Minute,
		OpTimeout: time.Minute,
	}
}

func testNaming() Naming {
	return Naming{Template: "{create}_{desc}_{aweme_id}", Location: time.FixedZone("Asia/Shanghai", 8*3600), MaxDescBytes: 120}
}

func testTree(t *testing.T, cfg Config) *Tree {
	t.Helper()
	cfg.OpTimeout = 2 * time.Second
	tr := New(cfg, Services{})
	t.Cleanup(tr.Close)
	return tr
}

func postListing(t *Tree, s *standIn, ttl time.Duration) *listing[fetch.Post] {
	return newListing(t, "test", newestFirst, ttl, s.pager,
		func(p *fetch.Post) string { return p.ID },
		func(p *fetch.Post, _ *uniqueNamer) string { return t.names.postBase(p) },
		playable)
}

func TestListingPagesOnlyAsFarAsRead(t *testing.T) {
	tr := testTree(t, testConfig())
	s := newStandIn(95, 20)
	l := postListing(tr, s, time.Hour)
	ctx := context.Background()
	if _, ok, err := l.at(ctx, 0); !ok || err != nil {
		t.Fatalf("at(0): %v %v", ok, err)
	}
	if got := s.pages.Load(); got != 1 {
		t.Fatalf("entry 0 fetched %d pages, want 1", got)
	}
	if _, ok, _ := l.at(ctx, 45); !ok || s.pages.Load() != 3 {
		t.Fatalf("entry 45: ok=%v after %d pages, want 3", ok, s.pages.Load())
	}
	if _, ok, _ := l.at(ctx, 95); ok {
		t.Fatal("entry 95 of 95 exists")
	}
	if got := s.pages.Load(); got != 5 {
		t.Fatalf("whole list took %d pages, want 5", got)
	}
	// Lookups come from memory.
	e, _, _ := l.at(ctx, 94)
	if got, ok := l.lookup(e.name); !ok || got.item.ID != e.item.ID {
		t.Fatalf("lookup(%q) = %v %v", e.name, got.item.ID, ok)
	}
	if _, ok := l.lookupID(s.ids[10]); !ok {
		t.Fatal("lookupID of a listed post failed")
	}
	if s.pages.Load() != 5 {
		t.Fatal("lookups fetched pages")
	}
}

func TestListingPrivateIsEmpty(t *testing.T) {
	tr := testTree(t, testConfig())
	s := newStandIn(10, 20)
	s.err.Store(fmt.Errorf("likes: %w", fetch.ErrPrivate))
	l := postListing(tr, s, time.Hour)
	if _, ok, err := l.at(context.Background(), 0); ok || err != nil {
		t.Fatalf("private list: ok=%v err=%v, want empty and no error", ok, err)
	}
}

func TestListingErrorWithNothingCached(t *testing.T) {
	tr := testTree(t, testConfig())
	s := newStandIn(10, 20)
	s.err.Store(errors.New("network down"))
	l := postListing(tr, s, time.Hour)
	_, _, err := l.at(context.Background(), 0)
	if err == nil || Errno(err) != syscall.EIO {
		t.Fatalf("err = %v (errno %v), want an error mapped to EIO", err, Errno(err))
	}
}

func TestListingRefreshPrependsNewAndSurvivesFailure(t *testing.T) {
	tr := testTree(t, testConfig())
	now := time.Unix(1700000000, 0)
	tr.now = func() time.Time { return now }
	s := newStandIn(30, 20)
	l := postListing(tr, s, time.Minute)
	ctx := context.Background()
	for i := 0; ; i++ {
		if _, ok, _ := l.at(ctx, i); !ok {
			break
		}
	}
	// Two new posts appear at the top.
	s.ids = append([]string{"7399999999999999992", "7399999999999999991"}, s.ids...)
	if shift := l.begin(ctx); shift != 0 {
		t.Fatalf("a fresh listing refreshed (shift %d)", shift)
	}
	now = now.Add(2 * time.Minute)
	pages := s.pages.Load()
	if shift := l.begin(ctx); shift != 2 {
		t.Fatalf("shift after refresh = %d, want 2", shift)
	}
	if got := s.pages.Load() - pages; got != 1 {
		t.Errorf("refresh took %d pages, want 1 (stops at a known post)", got)
	}
	e, _, _ := l.at(ctx, 0)
	if e.item.ID != "7399999999999999992" {
		t.Fatalf("newest entry = %s", e.item.ID)
	}
	if e, ok, _ := l.at(ctx, 31); !ok || e.item.ID != s.ids[31] {
		t.Fatalf("entry 31 = %v %v", e.item.ID, ok)
	}
	// A failing refresh keeps the listing.
	now = now.Add(2 * time.Minute)
	s.err.Store(errors.New("network down"))
	l.begin(ctx)
	if e, ok, err := l.at(ctx, 5); !ok || err != nil || e.item.ID != s.ids[5] {
		t.Fatalf("after a failed refresh entry 5 = %v %v %v", e.item.ID, ok, err)
	}
}

func TestPostsStreamOffsetsSurviveRefresh(t *testing.T) {
	tr := testTree(t, testConfig())
	now := time.Unix(1700000000, 0)
	tr.now = func() time.Time { return now }
	s := newStandIn(10, 20)
	d := tr.postsFolder("k", "l", "test", 0, newestFirst, time.Minute, s.pager, nil)
	src, _ := d.Open(context.Background())
	l := d.list()
	var names []string
	off := uint64(0)
	for i := 0; i < 3; i++ {
		e, next, ok, errno := src.Next(context.Background(), off)
		if !ok || errno != 0 {
			t.Fatal(ok, errno)
		}
		names = append(names, e.Name)
		off = next
	}
	// Another opener refreshes and two posts are prepended meanwhile.
	s.ids = append([]string{"7399999999999999992", "7399999999999999991"}, s.ids...)
	now = now.Add(2 * time.Minute)
	l.begin(context.Background())
	e, _, ok, _ := src.Next(context.Background(), off)
	if !ok || !strings.HasSuffix(e.Name, s.ids[5]+suffixVideo) {
		t.Fatalf("the open directory continued at %q, want the post after %v", e.Name, names)
	}
}
