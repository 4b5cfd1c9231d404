package mount_test

import (
	"os"
	"strings"
	"testing"
	"time"

	dfs "github.com/douyinfs/douyinfs/fs"
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

const (
	pathPosts  = "/aweme/v1/web/aweme/post/"
	pathDetail = "/aweme/v1/web/aweme/detail/"
)

// `ls -l` of a 2,000-entry directory pages the list once and makes no
// request per entry (sizes come with the list); a second `ls -l` makes none.
// Reading only the first entries fetches only the first pages.
func TestLargeDirectoryCost(t *testing.T) {
	o := defaultOptions()
	o.Users = 2
	o.PostsPerUser = 2000
	e := start(t, setup{opts: o})
	u := e.world.Users[1] // the first user carries the special posts
	dir := e.path("users", u.Name, "posts")

	e.fake.ResetStats()
	f, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	first, err := f.Readdirnames(5)
	f.Close()
	if err != nil || len(first) != 5 {
		t.Fatalf("reading 5 entries: %v %v", first, err)
	}
	if n := e.requests()[pathPosts]; n < 1 || n > 3 {
		t.Errorf("reading the first 5 entries fetched %d pages, want 1 to 3 of 100", n)
	}

	e.fake.ResetStats()
	out := e.run("ls", "-l", dir)
	if got := strings.Count(out, "\n") - 1; got != len(u.Posts) {
		t.Errorf("ls -l shows %d entries, want %d", got, len(u.Posts))
	}
	req := e.requests()
	if req[pathDetail] != 0 || req["cdn"] != 0 {
		t.Errorf("ls -l made per-entry requests: %v", req)
	}
	if pages := req[pathPosts]; pages > int64(len(u.Posts)/20+3) {
		t.Errorf("ls -l fetched %d pages for %d posts", pages, len(u.Posts))
	}
	e.fake.ResetStats()
	e.run("ls", "-l", dir)
	if n := e.apiCalls(); n != 0 {
		t.Errorf("a second ls -l made %d API calls: %v", n, e.requests())
	}
}

// Looking up a post name that is not listed yet costs one post detail, not
// a walk through the list.
func TestLookupUnlistedCostsOneDetail(t *testing.T) {
	e := start(t, setup{})
	u := e.world.Users[0]
	dir := e.path("users", u.Name, "posts")
	p := u.Posts[len(u.Posts)-1] // on the last page
	name := e.postEntry(dir, p)
	e.remount() // forget the listing
	e.fake.ResetStats()
	e.run("stat", dir+"/"+name)
	req := e.requests()
	if req[pathDetail] != 1 || req[pathPosts] != 0 {
		t.Errorf("stat of an unlisted post made %v, want exactly one detail call", req)
	}
	// A name with the id of another user's post is not this user's.
	other := e.world.Users[1].Posts[0]
	otherName := e.postEntry(e.path("users", e.world.Users[1].Name, "posts"), other)
	e.remount()
	if _, err := os.Stat(dir + "/" + otherName); !os.IsNotExist(err) {
		t.Errorf("another user's post under %s/posts: %v, want ENOENT", u.Name, err)
	}
}

// With nothing cached, an operation fails with EIO within OpTimeout when
// Douyin does not answer.
func TestEIOWithinTimeout(t *testing.T) {
	o := defaultOptions()
	o.APILatency = 20 * time.Second
	e := start(t, setup{opts: o, tweak: func(c *dfs.Config) { c.OpTimeout = time.Second }})
	u := e.world.Users[0]
	begin := time.Now()
	_, stderr, err := e.try("ls", e.path("users", u.Name, "posts"))
	took := time.Since(begin)
	if err == nil || !strings.Contains(stderr, "Input/output error") {
		t.Errorf("ls with a silent Douyin: %v %q, want Input/output error", err, stderr)
	}
	if took > 5*time.Second {
		t.Errorf("ls took %v to fail, want about OpTimeout (1s)", took)
	}
}

// A listing whose refresh fails keeps serving the last good content.
func TestRefreshFailureKeepsListing(t *testing.T) {
	// A TTL of 1ns makes every opendir refresh.
	e := start(t, setup{tweak: func(c *dfs.Config) { c.ListingTTL = time.Nanosecond; c.OpTimeout = 3 * time.Second }})
	u := e.world.Users[0]
	dir := e.path("users", u.Name, "posts")
	good := e.run("ls", dir)
	e.fake.SetOptions(func(o *fakedouyin.Options) { o.Fault5xx = 1 })
	e.fake.ResetStats()
	again := e.run("ls", dir)
	if again != good {
		t.Errorf("after a failed refresh ls shows\n%s\nwant the last good listing\n%s", again, good)
	}
	if e.requests()[pathPosts] == 0 {
		t.Errorf("no refresh was attempted: %v", e.requests())
	}
}

// Names that cannot be Douyin's (what shells, file managers and git probe
// for) are ENOENT without asking Douyin.
func TestJunkLookupsCostNothing(t *testing.T) {
	e := start(t, setup{})
	u := e.world.Users[0]
	e.fake.ResetStats()
	for _, p := range []string{
		"users/.git", "users/desktop.ini", "users/" + u.Name + "/.hidden",
		"users/" + u.Name + "/posts/.git", "users/" + u.Name + "/posts/folder.jpg",
		"users/" + u.Name + "/posts/2023-01-01_x.mp4", "videos/abc.mp4", "videos/.DS_Store",
		"mixes/autorun.inf", "live/.directory", ".Trash", ".Trash-0",
	} {
		if _, err := os.Lstat(e.path(p)); !os.IsNotExist(err) {
			t.Errorf("lstat %s: %v, want ENOENT", p, err)
		}
	}
	if n := e.apiCalls(); n != 0 {
		t.Errorf("junk lookups made %d API calls: %v", n, e.requests())
	}
}

// DropCaches forgets listings: the next listing asks Douyin again. Until
// then listings are served from memory.
func TestDropCaches(t *testing.T) {
	e := start(t, setup{})
	dir := e.path("users", e.world.Users[0].Name, "posts")
	first := e.run("ls", dir)
	e.fake.ResetStats()
	e.run("ls", dir)
	if n := e.requests()[pathPosts]; n != 0 {
		t.Fatalf("a cached listing fetched %d pages", n)
	}
	e.srv.DropCaches()
	if again := e.run("ls", dir); again != first {
		t.Errorf("listing changed after DropCaches")
	}
	if n := e.requests()[pathPosts]; n == 0 {
		t.Errorf("after DropCaches the listing was not fetched again")
	}
	if s := e.srv.Stats(); s.APICalls == 0 {
		t.Errorf("Server.Stats() = %+v, counts no API calls", s)
	}
}
