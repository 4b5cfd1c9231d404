package mount_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
	dfs "github.com/douyinfs/douyinfs/fs"
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// Answers cut short are transient (issue 11, item 4): with one API answer
// in ten truncated, every listing completes and every lookup succeeds.
// Retries 5 leaves one failure in a million requests; the test makes about
// a hundred.
func TestTransientMalformedJSON(t *testing.T) {
	o := defaultOptions()
	o.PostsPerUser = 200
	o.MalformedRate = 0.1
	e := start(t, setup{opts: o, net: func(c *fetch.Config, _ *media.Config) { c.Retries = 5 }})

	for _, u := range e.world.Users {
		names, err := readDirNames(e.path("users", u.Name, "posts"))
		if err != nil {
			t.Errorf("ls posts of %s: %v", u.Name, err)
			continue
		}
		if len(names) != len(u.Posts) {
			t.Errorf("posts of %s: %d entries, the user has %d posts", u.Name, len(names), len(u.Posts))
		}
	}

	var files []string
	for _, u := range e.world.Users {
		for _, p := range u.Posts {
			if p.Type == 0 && len(files) < 60 {
				files = append(files, e.path("videos", p.AwemeID+".mp4"))
			}
		}
	}
	if len(files) < 60 {
		t.Fatalf("the world has only %d videos", len(files))
	}
	// One stat for all: each file that fails is one line on stderr.
	out, errOut, err := e.try("stat", append([]string{"-c", "%s"}, files...)...)
	if ok := strings.Count(out, "\n"); err != nil || ok != len(files) {
		t.Errorf("stat of %d videos/<id>.mp4: %d succeeded (%v)\n%s", len(files), ok, err, errOut)
	}

	st := e.fake.Stats()
	if st.Faults["malformed"] == 0 {
		t.Fatalf("no answer was cut short: %v", st.Faults)
	}
	t.Logf("%d API answers cut short, %d retries", st.Faults["malformed"], e.client.Stats().Retries)
}

// A user folder is served from what is cached when its profile cannot be
// refreshed (issue 11, item 6), like its listings; with nothing cached it
// fails with EIO within the operation timeout.
func TestTransientUserFolderFromCache(t *testing.T) {
	// TTLs shorter than anything the test does: every later look is past
	// them, with no waiting.
	e := start(t, setup{tweak: func(c *dfs.Config) {
		c.MetadataTTL = time.Nanosecond
		c.ListingTTL = time.Nanosecond
	}})
	u, other := e.world.Users[0], e.world.Users[1]
	folder, err := readDirNames(e.path("users", u.Name))
	if err != nil {
		t.Fatal(err)
	}
	posts, err := readDirNames(e.path("users", u.Name, "posts"))
	if err != nil || len(posts) != len(u.Posts) {
		t.Fatalf("posts of %s: %d entries, %v", u.Name, len(posts), err)
	}

	e.fake.SetOptions(func(o *fakedouyin.Options) { o.Fault5xx = 1 })
	calls := e.apiCalls()
	again, err := readDirNames(e.path("users", u.Name))
	if err != nil || strings.Join(again, "/") != strings.Join(folder, "/") {
		t.Errorf("ls users/%s with the API down: %v, %v; want %v", u.Name, again, err, folder)
	}
	againPosts, err := readDirNames(e.path("users", u.Name, "posts"))
	if err != nil || len(againPosts) != len(posts) {
		t.Errorf("ls users/%s/posts with the API down: %d entries, %v; want %d", u.Name, len(againPosts), err, len(posts))
	}
	profile, errOut, err := e.try("cat", e.path("users", u.Name, "profile.json"))
	var p struct {
		SecUID string `json:"sec_uid"`
	}
	if err != nil || json.Unmarshal([]byte(profile), &p) != nil || p.SecUID != u.SecUID {
		t.Errorf("profile.json with the API down: %v %s\n%.200s", err, errOut, profile)
	}
	// The refreshes were tried (the TTLs had passed) and refused.
	if e.apiCalls() == calls || e.fake.Stats().Faults["5xx"] == 0 {
		t.Errorf("no refresh was tried: %d API calls, faults %v", e.apiCalls()-calls, e.fake.Stats().Faults)
	}

	// Nothing cached: EIO, within the operation timeout.
	begin := time.Now()
	_, err = readDirNames(e.path("users", other.Name))
	if err == nil || !strings.Contains(err.Error(), "Input/output error") {
		t.Errorf("ls users/%s, never seen, with the API down: %v, want EIO", other.Name, err)
	}
	if el := time.Since(begin); el > e.cfg.OpTimeout+5*time.Second {
		t.Errorf("failing took %v, the operation timeout is %v", el, e.cfg.OpTimeout)
	}
}

// A configured user whose sec_user_id Douyin does not know is an error,
// not an empty folder (issue 11, item 6).
func TestConfiguredUserMissing(t *testing.T) {
	const ghost = "MS4wLjABAAAAnoSuchUserAtAllnoSuchUserAtAllnoSuchUserAtAll0123456789"
	e := start(t, setup{tweak: func(c *dfs.Config) {
		c.Users = append(c.Users, dfs.UserEntry{Name: "ghost", SecUID: ghost})
	}})
	users, err := readDirNames(e.path("users"))
	if err != nil || !strings.Contains("/"+strings.Join(users, "/")+"/", "/ghost/") {
		t.Fatalf("users/ = %v, %v; the configured ghost should be listed", users, err)
	}
	// Its folder cannot be opened; its lists fail while being read (EIO:
	// readdir cannot say ENOENT, glibc would take it for the end).
	for dir, want := range map[string]string{
		"ghost":       "No such file or directory",
		"ghost/posts": "Input/output error",
		"ghost/likes": "Input/output error",
		"ghost/mixes": "Input/output error",
	} {
		names, err := readDirNames(e.path("users", dir))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ls users/%s: %v, %v; want %q", dir, names, err, want)
		}
	}
	// The other users are fine.
	u := e.world.Users[0]
	if names, err := readDirNames(e.path("users", u.Name, "posts")); err != nil || len(names) != len(u.Posts) {
		t.Errorf("posts of %s: %d, %v", u.Name, len(names), err)
	}
}
