package mount_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	dfs "github.com/douyinfs/douyinfs/fs"
)

// listingsIncomplete is stats.json's fs.listings_incomplete.
func (e *env) listingsIncomplete(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile(e.path(".douyinfs", "stats.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		FS struct {
			Incomplete *int64 `json:"listings_incomplete"`
		} `json:"fs"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("stats.json: %v", err)
	}
	if s.FS.Incomplete == nil {
		t.Fatalf("stats.json has no fs.listings_incomplete:\n%s", b)
	}
	return *s.FS.Incomplete
}

// A posts list with a run of empty pages longer than max_empty_pages stops
// the first ls short; stats.json says the listing is incomplete, and the
// next refresh fetches its tail from where it stopped: ls shows every post.
func TestListingStoppedEarlyIsCompletedAtRefresh(t *testing.T) {
	o := defaultOptions()
	o.Users, o.PostsPerUser = 1, 200
	o.EmptyPageRun = 4 // the client's max_empty_pages is 3
	// A TTL of 1ns makes every opendir after the first refresh.
	e := start(t, setup{opts: o, tweak: func(c *dfs.Config) { c.ListingTTL = time.Nanosecond }})
	u := e.world.Users[0]
	dir := e.path("users", u.Name, "posts")
	want := make([]string, 0, len(u.Posts))
	for _, p := range u.Listed(false) { // pinned posts lead, as on Douyin
		want = append(want, p.AwemeID)
	}

	first := e.idsInReaddirOrder(dir)
	if len(first) == 0 || len(first) >= len(want) {
		t.Fatalf("first ls shows %d of %d posts; want the list to stop early at the run of empty pages", len(first), len(want))
	}
	if strings.Join(first, ",") != strings.Join(want[:len(first)], ",") {
		t.Errorf("first ls is not the top of the list")
	}
	if n := e.listingsIncomplete(t); n != 1 {
		t.Errorf("stats.json fs.listings_incomplete = %d after the list stopped early, want 1", n)
	}

	if got := e.idsInReaddirOrder(dir); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("after a refresh ls shows %d posts, want all %d in order", len(got), len(want))
	}
	if n := e.listingsIncomplete(t); n != 0 {
		t.Errorf("stats.json fs.listings_incomplete = %d once the tail was fetched, want 0", n)
	}
}

// Pages that answer with the cursor they were asked for stop a listing
// early; each refresh fetches the tail from there until the list is whole.
func TestListingRepeatedCursorIsCompletedAtRefresh(t *testing.T) {
	o := defaultOptions()
	o.Users, o.PostsPerUser = 1, 200
	o.RepeatCursorRate = 0.3
	e := start(t, setup{opts: o, tweak: func(c *dfs.Config) { c.ListingTTL = time.Nanosecond }})
	u := e.world.Users[0]
	dir := e.path("users", u.Name, "posts")
	want := make([]string, 0, len(u.Posts))
	for _, p := range u.Listed(false) { // pinned posts lead, as on Douyin
		want = append(want, p.AwemeID)
	}
	got := e.idsInReaddirOrder(dir)
	if len(got) >= len(want) {
		t.Fatalf("first ls shows all %d posts; want the list to stop at a repeated cursor", len(got))
	}
	// Each page repeats its cursor once at most: every refresh gets further.
	for i := 0; len(got) < len(want) && i < len(want)/20; i++ {
		if e.listingsIncomplete(t) != 1 {
			t.Fatalf("a listing of %d of %d posts is not counted incomplete", len(got), len(want))
		}
		next := e.idsInReaddirOrder(dir)
		if len(next) <= len(got) {
			t.Fatalf("a refresh went from %d to %d posts", len(got), len(next))
		}
		got = next
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("ls shows %d posts, want all %d in order", len(got), len(want))
	}
	if n := e.listingsIncomplete(t); n != 0 {
		t.Errorf("stats.json fs.listings_incomplete = %d once the list was whole, want 0", n)
	}
}
