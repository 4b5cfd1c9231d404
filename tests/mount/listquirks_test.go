package mount_test

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	dfs "github.com/douyinfs/douyinfs/fs"
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// statsFS reads one number of stats.json's "fs" section.
func (e *env) statsFS(t *testing.T, key string) int64 {
	t.Helper()
	b, err := os.ReadFile(e.path(".douyinfs", "stats.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		FS map[string]json.Number `json:"fs"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("stats.json: %v", err)
	}
	v, ok := s.FS[key]
	if !ok {
		t.Fatalf("stats.json has no fs.%s:\n%s", key, b)
	}
	n, err := v.Int64()
	if err != nil {
		t.Fatalf("stats.json fs.%s = %s: %v", key, v, err)
	}
	return n
}

func awemeIDs(ps []*fakedouyin.Post) []string {
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.AwemeID)
	}
	return ids
}

// The fake's lists carry deleted and prohibited posts (as Douyin's do):
// posts/ and likes/ show every other post exactly once, in Douyin's order
// (pinned posts first), leave the hidden ones out, and stats.json counts
// them; videos/<id>.mp4 of a hidden post does not exist.
func TestHiddenPostsAbsentAndCounted(t *testing.T) {
	e := start(t, setup{})
	wantHidden := int64(0)
	for _, u := range e.world.Users {
		if u.Private {
			continue
		}
		got := e.idsInReaddirOrder(e.path("users", u.Name, "posts"))
		if want := awemeIDs(u.Listed(false)); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s posts/: %d entries\n%v\nwant each post once, pinned first\n%v", u.Name, len(got), got, want)
		}
		for _, p := range u.Removed {
			wantHidden++
			if slices.Contains(got, p.AwemeID) {
				t.Errorf("%s posts/ shows %s, which Douyin marks deleted or prohibited", u.Name, p.AwemeID)
			}
			_, err := os.Stat(e.path("videos", p.AwemeID+".mp4"))
			if !errors.Is(err, syscall.ENOENT) {
				t.Errorf("stat videos/%s.mp4 of a hidden post: %v, want ENOENT", p.AwemeID, err)
			}
		}
		if u.LikesPrivate {
			continue
		}
		likes := e.idsInReaddirOrder(e.path("users", u.Name, "likes"))
		if want := awemeIDs(u.Likes); strings.Join(likes, ",") != strings.Join(want, ",") {
			t.Errorf("%s likes/: %d entries, want the %d shown likes in like order", u.Name, len(likes), len(want))
		}
		for _, id := range likes {
			if p, ok := e.world.Post(id); !ok || p.Deleted || p.Prohibited {
				t.Errorf("%s likes/ shows hidden or unknown post %s", u.Name, id)
			}
		}
	}
	// Each public likes list carries one removed post as well.
	for _, u := range e.world.Users {
		if !u.Private && !u.LikesPrivate && len(u.Likes) > 0 {
			wantHidden++
		}
	}
	if wantHidden == 0 {
		t.Fatal("the fake's lists carry no hidden post; the test tests nothing")
	}
	if n := e.statsFS(t, "hidden_posts"); n != wantHidden {
		t.Errorf("stats.json fs.hidden_posts = %d, want %d", n, wantHidden)
	}
}

// Pinned posts (older ones) lead the first page. posts/ lists them first,
// and a refresh (every opendir with a 1 ns TTL) walks past them to the
// first known post that is not pinned: one page, the same entries in the
// same order, none twice.
func TestPinnedPostsFirstAndStable(t *testing.T) {
	e := start(t, setup{tweak: func(c *dfs.Config) { c.ListingTTL = time.Nanosecond }})
	u := e.world.Users[0]
	if len(u.Pinned) == 0 || u.Pinned[0].CreateTime >= u.Posts[0].CreateTime {
		t.Fatal("the fake's first user has no older pinned posts")
	}
	dir := e.path("users", u.Name, "posts")
	want := awemeIDs(u.Listed(false))
	first := e.idsInReaddirOrder(dir)
	if strings.Join(first, ",") != strings.Join(want, ",") {
		t.Fatalf("posts/ order\n%v\nwant the pinned posts first, then newest first\n%v", first, want)
	}
	names := e.run("ls", "-U", "-1", "--quoting-style=literal", dir)
	before := e.requests()["/aweme/v1/web/aweme/post/"]
	again := e.run("ls", "-U", "-1", "--quoting-style=literal", dir)
	if again != names {
		t.Errorf("a refresh changed posts/:\n%s\nthen\n%s", names, again)
	}
	if n := e.requests()["/aweme/v1/web/aweme/post/"] - before; n != 1 {
		t.Errorf("the refresh asked %d posts pages, want 1 (it stops at the first known post past the pinned ones)", n)
	}
	for _, p := range u.Pinned {
		if c := strings.Count(again, p.AwemeID); c != 1 {
			t.Errorf("pinned post %s shown %d times", p.AwemeID, c)
		}
	}
}

// Likes come by like time (out of create-time order, cursors that are no
// item's create_time): likes/ shows every like once, in Douyin's order,
// across several pages and a refresh.
func TestLikesByLikeTimeComplete(t *testing.T) {
	o := defaultOptions()
	o.PostsPerUser = 40
	e := start(t, setup{opts: o, tweak: func(c *dfs.Config) { c.ListingTTL = time.Nanosecond }})
	checked := 0
	for _, u := range e.world.Users {
		if u.Private || u.LikesPrivate || len(u.Likes) <= 20 {
			continue
		}
		outOfOrder := false
		for i := 1; i < len(u.Likes); i++ {
			outOfOrder = outOfOrder || u.Likes[i].CreateTime > u.Likes[i-1].CreateTime
		}
		if !outOfOrder {
			t.Fatalf("%s's likes are in create-time order; the fake should page by like time", u.Name)
		}
		want := strings.Join(awemeIDs(u.Likes), ",")
		dir := e.path("users", u.Name, "likes")
		for round := range 2 {
			if got := e.idsInReaddirOrder(dir); strings.Join(got, ",") != want {
				t.Errorf("%s likes/ (round %d): %d entries, want each of the %d likes once, in like order", u.Name, round, len(got), len(u.Likes))
			}
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no user with more than a page of public likes")
	}
}
