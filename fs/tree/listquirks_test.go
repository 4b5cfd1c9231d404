package tree

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/fetch"
)

// quirky is a cursor list of posts served 5 a page, as Douyin's lists
// come: its first page may start with pinned posts, and some items are
// marked deleted or prohibited. The cursor is opaque (an offset here), so
// nothing ties it to create times.
type quirky struct {
	mu    sync.Mutex
	items []fetch.Post
	pages int
}

func (q *quirky) pager() *fetch.Pager[fetch.Post] {
	return fetch.NewPager(func(ctx context.Context, cursor string) (fetch.Page[fetch.Post], error) {
		q.mu.Lock()
		defer q.mu.Unlock()
		q.pages++
		start := 0
		if cursor != "" {
			fmt.Sscan(cursor, &start)
		}
		end := min(start+5, len(q.items))
		return fetch.Page[fetch.Post]{Items: append([]fetch.Post(nil), q.items[start:end]...),
			HasMore: end < len(q.items), Cursor: fmt.Sprint(end)}, nil
	}, 3, 0)
}

func (q *quirky) set(items []fetch.Post) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = items
}

func quirkPost(id int64, created int64) fetch.Post {
	return fetch.Post{ID: fmt.Sprintf("73%017d", id), CreateTime: created, Desc: fmt.Sprint("p", id),
		Video: &fetch.Video{Renditions: []fetch.Rendition{{Key: "x", Size: 1}}}}
}

// readAll reads every entry of l, in order, as ids.
func readAll(t *testing.T, l *listing[fetch.Post]) []string {
	t.Helper()
	var ids []string
	for i := 0; ; i++ {
		e, ok, err := l.at(context.Background(), i)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return ids
		}
		ids = append(ids, e.item.ID)
	}
}

func quirkListing(tr *Tree, q *quirky) *listing[fetch.Post] {
	return getListing(tr, "posts:q", func() *listing[fetch.Post] {
		return newListing(tr, "posts of q", newestFirst, time.Minute, q.pager,
			func(p *fetch.Post) string { return p.ID },
			func(p *fetch.Post, _ *uniqueNamer) string { return tr.names.postBase(p) },
			playable)
	})
}

func ids(ps ...fetch.Post) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

// Posts Douyin lists marked deleted or prohibited get no entry and are
// counted once per listing, refreshes included.
func TestListingLeavesOutHiddenPosts(t *testing.T) {
	tr := testTree(t, testConfig())
	now := time.Unix(1700000000, 0)
	tr.now = func() time.Time { return now }
	var all []fetch.Post
	for i := range 12 {
		all = append(all, quirkPost(int64(100-i), int64(1700000000-i*1000)))
	}
	all[2].Deleted, all[6].Prohibited, all[11].Deleted = true, true, true
	q := &quirky{items: all}
	l := quirkListing(tr, q)
	var want []string
	for _, p := range all {
		if !p.Hidden() {
			want = append(want, p.ID)
		}
	}
	if got := readAll(t, l); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("listing %v, want %v (hidden posts left out)", got, want)
	}
	if n := tr.HiddenPosts(); n != 3 {
		t.Fatalf("HiddenPosts = %d, want 3", n)
	}
	// A new post and a new hidden one at the top; a refresh adds the one
	// and counts the other, and does not count the old ones again.
	fresh, gone := quirkPost(201, 1700001000), quirkPost(200, 1700000500)
	gone.Prohibited = true
	q.set(append([]fetch.Post{fresh, gone}, all...))
	now = now.Add(2 * time.Minute)
	l.begin(context.Background())
	if got := readAll(t, l); strings.Join(got, ",") != strings.Join(append([]string{fresh.ID}, want...), ",") {
		t.Errorf("after the refresh %v", got)
	}
	if n := tr.HiddenPosts(); n != 4 {
		t.Errorf("HiddenPosts after the refresh = %d, want 4", n)
	}
}

// Pinned posts lead the first page whatever their age: the first listing
// keeps Douyin's order, and a refresh walks past known pinned posts to
// the new ones, loses nothing and shows nothing twice.
func TestListingPinnedFirstAndRefresh(t *testing.T) {
	tr := testTree(t, testConfig())
	now := time.Unix(1700000000, 0)
	tr.now = func() time.Time { return now }
	var rest []fetch.Post
	for i := range 12 {
		rest = append(rest, quirkPost(int64(100-i), int64(1700000000-i*1000)))
	}
	pinA, pinB := quirkPost(50, 1600000000), quirkPost(40, 1500000000)
	pinA.IsTop, pinB.IsTop = true, true
	q := &quirky{items: append([]fetch.Post{pinA, pinB}, rest...)}
	l := quirkListing(tr, q)
	first := readAll(t, l)
	if strings.Join(first, ",") != strings.Join(ids(append([]fetch.Post{pinA, pinB}, rest...)...), ",") {
		t.Fatalf("first listing %v, want pinned first then the rest", first)
	}
	// Two new posts after the pinned ones (where Douyin puts them).
	n1, n2 := quirkPost(102, 1700002000), quirkPost(101, 1700001000)
	q.set(append([]fetch.Post{pinA, pinB, n1, n2}, rest...))
	now = now.Add(2 * time.Minute)
	q.mu.Lock()
	before := q.pages
	q.mu.Unlock()
	l.begin(context.Background())
	got := readAll(t, l)
	want := append(ids(n1, n2), first...)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("after the refresh %v, want the new posts added and nothing lost or twice: %v", got, want)
	}
	q.mu.Lock()
	if d := q.pages - before; d != 1 {
		t.Errorf("the refresh asked %d pages, want 1 (it stops at the first known post past the pinned ones)", d)
	}
	q.mu.Unlock()
	// Names stay as they were.
	for _, id := range first {
		if _, ok := l.lookupID(id); !ok {
			t.Errorf("%s lost its entry", id)
		}
	}
}

// Likes come by like time: create times out of order, an opaque cursor.
// A new like of an old post comes at the top; a refresh adds it once.
func TestListingLikesOutOfCreateOrder(t *testing.T) {
	tr := testTree(t, testConfig())
	now := time.Unix(1700000000, 0)
	tr.now = func() time.Time { return now }
	var likes []fetch.Post
	for i := range 13 {
		// Create times jump back and forth.
		likes = append(likes, quirkPost(int64(100+i), int64(1600000000+((i*7919)%13)*86400)))
	}
	q := &quirky{items: likes}
	l := quirkListing(tr, q)
	first := readAll(t, l)
	if strings.Join(first, ",") != strings.Join(ids(likes...), ",") {
		t.Fatalf("likes %v, want Douyin's order %v", first, ids(likes...))
	}
	old := quirkPost(7, 1400000000) // liked now, made long ago
	q.set(append([]fetch.Post{old}, likes...))
	now = now.Add(2 * time.Minute)
	l.begin(context.Background())
	got := readAll(t, l)
	if strings.Join(got, ",") != strings.Join(append(ids(old), first...), ",") {
		t.Errorf("after the refresh %v", got)
	}
}

// A list Douyin cuts for a guest (fetch.StopGuestLimit) shows its first
// page, says so once in the log and in status.txt, counts in
// GuestLimitedListings, and is not asked for its tail again at a refresh.
func TestListingGuestLimited(t *testing.T) {
	var logs bytes.Buffer
	cfg := testConfig()
	cfg.OpTimeout = 2 * time.Second
	tr := New(cfg, Services{Log: slog.New(slog.NewTextHandler(&logs, nil))})
	t.Cleanup(tr.Close)
	now := time.Unix(1700000000, 0)
	tr.now = func() time.Time { return now }
	var pages []string
	open := func() *fetch.Pager[fetch.Post] {
		return fetch.NewPager(func(ctx context.Context, cursor string) (fetch.Page[fetch.Post], error) {
			pages = append(pages, cursor)
			if cursor == "" {
				return fetch.Page[fetch.Post]{Items: []fetch.Post{quirkPost(2, 1700000000), quirkPost(1, 1690000000)}, Cursor: "2", HasMore: true}, nil
			}
			return fetch.Page[fetch.Post]{Cursor: cursor, GuestLimit: true}, nil
		}, 3, 0)
	}
	l := getListing(tr, "posts:g", func() *listing[fetch.Post] {
		return newListing(tr, "posts of g", newestFirst, time.Minute, open,
			func(p *fetch.Post) string { return p.ID },
			func(p *fetch.Post, _ *uniqueNamer) string { return tr.names.postBase(p) },
			playable)
	})
	if got := readAll(t, l); len(got) != 2 {
		t.Fatalf("listing %v, want the first page's 2 posts", got)
	}
	if g := tr.GuestLimitedListings(); len(g) != 1 || g[0] != "posts of g" || tr.IncompleteListings() != 0 {
		t.Errorf("GuestLimitedListings %v, incomplete %d; want [posts of g] and 0", g, tr.IncompleteListings())
	}
	if !strings.Contains(string(tr.statusText()), "posts of g: "+statusGuestLimited) {
		t.Errorf("status.txt:\n%s", tr.statusText())
	}
	asked := len(pages)
	now = now.Add(2 * time.Minute)
	l.begin(context.Background())
	readAll(t, l)
	if extra := pages[asked:]; len(extra) != 1 || extra[0] != "" {
		t.Errorf("a refresh asked pages %q, want only the top", extra)
	}
	if n := strings.Count(logs.String(), "shows only its first page"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, logs.String())
	}
}
