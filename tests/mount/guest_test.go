package mount_test

import (
	"os"
	"strings"
	"testing"
	"time"

	dfs "github.com/douyinfs/douyinfs/fs"
)

// Douyin (and the fake by default) shows a guest only the first page of a
// user's posts. Without a login cookie posts/ shows that page, stats.json
// and .douyinfs/status.txt say the listing is cut for a guest, and
// refreshes ask only the top page again (no loop, no hammering). With the
// login cookie the same folder is whole.
func TestGuestSeesFirstPageAndIsTold(t *testing.T) {
	o := defaultOptions()
	o.GuestAllPages = false // the real service's guest limit
	o.PostsPerUser = 45
	e := start(t, setup{opts: o, tweak: func(c *dfs.Config) { c.ListingTTL = time.Nanosecond }})
	u := e.world.Users[0]
	dir := e.path("users", u.Name, "posts")
	want := awemeIDs(u.Listed(false))
	got := e.idsInReaddirOrder(dir)
	if len(got) == 0 || len(got) > 20 || strings.Join(got, ",") != strings.Join(want[:len(got)], ",") {
		t.Fatalf("a guest's posts/: %d entries\n%v\nwant the top of the list, one page (at most 20) of\n%v", len(got), got, want)
	}
	if n := e.statsFS(t, "listings_guest_limited"); n != 1 {
		t.Errorf("stats.json fs.listings_guest_limited = %d, want 1", n)
	}
	status, err := os.ReadFile(e.path(".douyinfs", "status.txt"))
	if err != nil || !strings.Contains(string(status), "posts of "+u.Name+": first page only") {
		t.Errorf("status.txt (%v):\n%s\nwant a line saying posts of %s show the first page only", err, status, u.Name)
	}
	if n := e.requests()["/aweme/v1/web/aweme/post/"]; n != 2 {
		t.Errorf("the first ls asked %d posts pages, want 2 (the page and the empty one after it)", n)
	}
	for range 3 {
		if again := e.idsInReaddirOrder(dir); strings.Join(again, ",") != strings.Join(got, ",") {
			t.Errorf("a refresh changed the guest's posts/: %d entries, then %d", len(got), len(again))
		}
	}
	if n := e.requests()["/aweme/v1/web/aweme/post/"]; n != 5 {
		t.Errorf("three refreshes made %d posts requests in all, want 5 (the top page each time)", n)
	}
	if n := e.statsFS(t, "listings_incomplete"); n != 0 {
		t.Errorf("fs.listings_incomplete = %d: a guest's cut list is not fetched again", n)
	}
}

// With the login cookie the fake serves every page: posts/ is whole and
// nothing says first page only.
func TestLoggedInSeesWholeList(t *testing.T) {
	o := defaultOptions()
	o.GuestAllPages = false
	o.PostsPerUser = 45
	e := start(t, setup{opts: o, login: true})
	u := e.world.Users[0]
	if got := e.idsInReaddirOrder(e.path("users", u.Name, "posts")); strings.Join(got, ",") != strings.Join(awemeIDs(u.Listed(false)), ",") {
		t.Errorf("logged in posts/: %d entries, want all %d", len(got), len(u.Posts))
	}
	if n := e.statsFS(t, "listings_guest_limited"); n != 0 {
		t.Errorf("stats.json fs.listings_guest_limited = %d logged in, want 0", n)
	}
}
