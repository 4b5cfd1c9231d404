package mount_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	dfs "github.com/douyinfs/douyinfs/fs"
)

// idsInReaddirOrder lists dir unsorted (ls -U: the order readdir gives) and
// returns the aweme id at the end of each entry.
func (e *env) idsInReaddirOrder(dir string) []string {
	e.t.Helper()
	var ids []string
	for _, n := range strings.Split(strings.TrimSpace(e.run("ls", "-U", "-1", "--quoting-style=literal", dir)), "\n") {
		n = strings.TrimSuffix(n, ".mp4")
		ids = append(ids, n[strings.LastIndex(n, "_")+1:])
	}
	return ids
}

// posts/ keeps Douyin's order (pinned posts, then newest first); a mix
// keeps episode order.
func TestReaddirOrder(t *testing.T) {
	e := start(t, setup{})
	u := e.world.Users[0]
	var want []string
	for _, p := range u.Listed(false) { // pinned posts lead, as on Douyin
		want = append(want, p.AwemeID)
	}
	if got := e.idsInReaddirOrder(e.path("users", u.Name, "posts")); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("posts/ readdir order\n%v\nwant newest first\n%v", got, want)
	}
	for _, m := range u.Mixes {
		want = want[:0]
		for _, p := range m.Posts {
			want = append(want, p.AwemeID)
		}
		if got := e.idsInReaddirOrder(e.path("mixes", m.ID)); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("mix %s readdir order\n%v\nwant episode order\n%v", m.ID, got, want)
		}
	}
}

// With sidecars on, each post has <name>.json (its metadata) and
// <name>.cover.jpeg (its cover) beside it.
func TestSidecars(t *testing.T) {
	e := start(t, setup{tweak: func(c *dfs.Config) { c.Naming.SidecarJSON, c.Naming.SidecarCover = true, true }})
	u := e.world.Users[0]
	dir := e.path("users", u.Name, "posts")
	p := e.world.RealVideoPost()
	base := strings.TrimSuffix(e.postEntry(dir, p), ".mp4")
	var meta map[string]any
	if err := json.Unmarshal([]byte(e.run("cat", filepath.Join(dir, base+".json"))), &meta); err != nil {
		t.Fatalf("%s.json is not JSON: %v", base, err)
	}
	if fmt.Sprint(meta["aweme_id"]) != p.AwemeID {
		t.Errorf("%s.json aweme_id = %v, want %s", base, meta["aweme_id"], p.AwemeID)
	}
	if p.Cover != nil {
		got := strings.Fields(e.sh(fmt.Sprintf("cat %q | sha256sum", filepath.Join(dir, base+".cover.jpeg"))))[0]
		if want := mediaSHA256(t, p.Cover); got != want {
			t.Errorf("cover sha256 %s, want %s", got, want)
		}
	}
	// Every post has its sidecars, and ls -l stats them all.
	out := e.run("ls", "-l", dir)
	if n := strings.Count(out, ".json\n"); n != len(u.Posts) {
		t.Errorf("%d .json sidecars for %d posts", n, len(u.Posts))
	}
}
