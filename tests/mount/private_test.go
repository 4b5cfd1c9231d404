package mount_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	dfs "github.com/douyinfs/douyinfs/fs"
)

// A private account (profile secret 1): its posts/, likes/ and mixes/ are
// empty, not an error; .douyinfs/status.txt names it, stats.json counts it
// and, with xattrs on, its folder has user.douyin.status. Other users are
// unaffected.
func TestPrivateAccount(t *testing.T) {
	requireTool(t, "getfattr")
	e := start(t, setup{tweak: func(c *dfs.Config) { c.Xattrs = true }})
	pu := e.world.PrivateUser()
	if pu == nil {
		t.Fatal("the fake's world has no private account")
	}
	pub := e.world.Users[0]

	// Listing the folder reads the profile.
	if out := e.run("ls", e.path("users", pu.Name)); !strings.Contains(out, "posts") {
		t.Fatalf("ls users/%s:\n%s", pu.Name, out)
	}
	for _, dir := range []string{"posts", "likes", "mixes"} {
		if out := e.run("ls", "-A", e.path("users", pu.Name, dir)); out != "" {
			t.Errorf("users/%s/%s of a private account lists:\n%s", pu.Name, dir, out)
		}
	}
	if out := e.run("ls", e.path("users", pub.Name, "posts")); len(strings.Fields(out)) < len(pub.Posts) {
		t.Errorf("users/%s/posts lists %d entries, want %d", pub.Name, len(strings.Fields(out)), len(pub.Posts))
	}
	e.run("ls", e.path("users", pub.Name))

	status := e.run("cat", e.path(".douyinfs", "status.txt"))
	if want := "users/" + pu.Name + ": private account\n"; status != want {
		t.Errorf(".douyinfs/status.txt = %q, want %q", status, want)
	}

	if got := e.run("getfattr", "--only-values", "-n", "user.douyin.status", e.path("users", pu.Name)); got != "private account" {
		t.Errorf("user.douyin.status of users/%s = %q, want %q", pu.Name, got, "private account")
	}
	if out, _, _ := e.try("getfattr", "-d", "-m", "user.douyin", e.path("users", pub.Name)); strings.Contains(out, "status") {
		t.Errorf("public users/%s has a status:\n%s", pub.Name, out)
	}

	b, err := os.ReadFile(e.path(".douyinfs", "stats.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		FS struct {
			PrivateUsers *int64 `json:"private_users"`
		} `json:"fs"`
	}
	if err := json.Unmarshal(b, &s); err != nil || s.FS.PrivateUsers == nil || *s.FS.PrivateUsers != 1 {
		t.Errorf("stats.json fs.private_users: %v\n%s", err, b)
	}
}
