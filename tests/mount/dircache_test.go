package mount_test

import (
	"os"
	"strings"
	"testing"
)

// A folder read whole once is answered from the kernel's own copy the next
// time (FOPEN_CACHE_DIR): a second `ls -l` shows the same entries and
// reaches douyinfs with no lookup at all (READDIRPLUS would look up every
// entry again).
func TestSecondListingFromKernelCopy(t *testing.T) {
	o := defaultOptions()
	o.Users = 2
	o.PostsPerUser = 200
	e := start(t, setup{opts: o})
	dir := e.path("users", e.world.Users[1].Name, "posts")
	first := e.run("ls", "-l", dir)
	// Reading stats.json may itself look names up: take that out.
	l0 := e.fsStats(t).Lookups
	l1 := e.fsStats(t).Lookups
	second := e.run("ls", "-l", dir)
	l2 := e.fsStats(t).Lookups
	if second != first {
		t.Errorf("the second ls -l differs from the first:\n%s\n---\n%s", first, second)
	}
	if again := (l2 - l1) - (l1 - l0); again != 0 {
		t.Errorf("the second ls -l made %d lookups, want 0 (answered from the kernel's copy)", again)
	}
}

// A reader that stopped early leaves the kernel part of a folder; the next
// full listing still shows every entry once, in order, and only then is the
// kernel's copy whole.
func TestPartialListingThenWhole(t *testing.T) {
	o := defaultOptions()
	o.Users = 2
	o.PostsPerUser = 200
	e := start(t, setup{opts: o})
	u := e.world.Users[1]
	dir := e.path("users", u.Name, "posts")
	f, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	head, err := f.Readdirnames(7)
	f.Close()
	if err != nil || len(head) != 7 {
		t.Fatalf("reading 7 entries: %v %v", head, err)
	}
	whole := e.run("ls", "-f", dir) // -f: directory order, all entries
	again := e.run("ls", "-f", dir)
	if whole != again {
		t.Errorf("two whole listings differ:\n%s\n---\n%s", whole, again)
	}
	names := map[string]int{}
	for _, n := range strings.Split(strings.TrimSpace(whole), "\n") {
		if n != "." && n != ".." {
			names[n]++
		}
	}
	for n, c := range names {
		if c != 1 {
			t.Errorf("%q listed %d times", n, c)
		}
	}
	for _, n := range head {
		if names[n] != 1 {
			t.Errorf("%q, read first, is missing from the whole listing", n)
		}
	}
	for _, p := range u.Posts {
		if names[e.postEntry(dir, p)] != 1 {
			t.Errorf("post %s is missing from the whole listing", p.AwemeID)
		}
	}
}
