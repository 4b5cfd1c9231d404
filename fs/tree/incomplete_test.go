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

// glitchy is a list of n posts, 20 a page, whose page at offset 40 answers
// wrong the first time it is asked: with the cursor it was asked for
// (loop), or with a run of empty pages longer than the pager allows.
type glitchy struct {
	ids     []string
	mode    string // "loop" or "empty"
	mu      sync.Mutex
	glitch  bool // still to come
	cursors []string
}

func (g *glitchy) pager() *fetch.Pager[fetch.Post] {
	return fetch.NewPager(func(ctx context.Context, cursor string) (fetch.Page[fetch.Post], error) {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.cursors = append(g.cursors, cursor)
		start, run := 0, 0
		if cursor != "" {
			fmt.Sscanf(cursor, "%de%d", &start, &run)
		}
		end := min(start+20, len(g.ids))
		var page fetch.Page[fetch.Post]
		for _, id := range g.ids[start:end] {
			page.Items = append(page.Items, fetch.Post{ID: id, Video: &fetch.Video{Renditions: []fetch.Rendition{{Key: "x", Size: 1}}}})
		}
		page.HasMore, page.Cursor = end < len(g.ids), fmt.Sprint(end)
		if start == 40 && g.glitch {
			switch g.mode {
			case "loop":
				page.Cursor = cursor
				g.glitch = false
			case "empty":
				if run == 3 {
					g.glitch = false // the run is one page longer than the pager allows
				}
				page.Items, page.Cursor = nil, fmt.Sprintf("40e%d", run+1)
			}
		}
		return page, nil
	}, 3, 0)
}

func TestListingStoppedEarlyIsResumedAtRefresh(t *testing.T) {
	for _, mode := range []string{"loop", "empty"} {
		t.Run(mode, func(t *testing.T) {
			var logs bytes.Buffer
			cfg := testConfig()
			cfg.OpTimeout = 2 * time.Second
			tr := New(cfg, Services{Log: slog.New(slog.NewTextHandler(&logs, nil))})
			t.Cleanup(tr.Close)
			now := time.Unix(1700000000, 0)
			tr.now = func() time.Time { return now }
			g := &glitchy{mode: mode, glitch: true}
			for i := range 95 {
				g.ids = append(g.ids, fmt.Sprintf("73%017d", 95-i))
			}
			l := getListing(tr, "posts:x", func() *listing[fetch.Post] {
				return newListing(tr, "posts of x", newestFirst, time.Minute, g.pager,
					func(p *fetch.Post) string { return p.ID },
					func(p *fetch.Post, _ *uniqueNamer) string { return tr.names.postBase(p) },
					playable)
			})
			ctx := context.Background()
			count := func() int {
				n := 0
				for ; ; n++ {
					if _, ok, err := l.at(ctx, n); err != nil {
						t.Fatal(err)
					} else if !ok {
						return n
					}
				}
			}
			want := 40
			if mode == "loop" {
				want = 60 // the looping page's items are served
			}
			if n := count(); n != want {
				t.Fatalf("first listing: %d entries, want %d", n, want)
			}
			if !l.incomplete() || tr.IncompleteListings() != 1 {
				t.Fatalf("a listing that stopped early is not marked incomplete")
			}
			if w := strings.Count(logs.String(), "stopped early"); w != 1 {
				t.Fatalf("%d warnings, want 1:\n%s", w, logs.String())
			}
			// Served as it is until the next refresh.
			g.mu.Lock()
			asked := len(g.cursors)
			g.mu.Unlock()
			if n := count(); n != want || len(g.cursors) != asked {
				t.Fatalf("before the refresh: %d entries after %d more pages", n, len(g.cursors)-asked)
			}
			now = now.Add(2 * time.Minute)
			l.begin(ctx)
			if n := count(); n != 95 {
				t.Fatalf("after the refresh: %d entries, want 95", n)
			}
			if l.incomplete() || tr.IncompleteListings() != 0 {
				t.Error("a listing whose tail was fetched is still incomplete")
			}
			g.mu.Lock()
			tail := g.cursors[asked:]
			g.mu.Unlock()
			// The top (one page, its posts known), then the tail from where it stopped.
			if len(tail) < 2 || tail[0] != "" || !strings.HasPrefix(tail[1], "40") {
				t.Errorf("pages asked at the refresh: %q, want the top then the tail from 40", tail)
			}
			if w := strings.Count(logs.String(), "stopped early"); w != 1 {
				t.Errorf("%d warnings after the tail came, want 1", w)
			}
		})
	}
}
