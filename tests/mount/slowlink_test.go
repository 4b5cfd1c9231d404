package mount_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	dfs "github.com/douyinfs/douyinfs/fs"
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// On a link so slow that one block takes longer than one read may wait,
// every byte still arrives: a fill keeps its progress past the deadline of
// the read that started it, so the next read finds the rest on the wire
// instead of starting the block over (which would never finish).
func TestSlowLinkCopyCompletes(t *testing.T) {
	requireTool(t, "cp")
	opts := defaultOptions()
	opts.Users = 1
	opts.ConnBandwidth = 256 << 10 // a 1 MiB block takes 4 s per connection
	e := start(t, setup{opts: opts, tweak: func(c *dfs.Config) { c.OpTimeout = 2 * time.Second }})
	var post *fakedouyin.Post
	for _, p := range e.world.Users[0].Posts {
		if p.Video != nil && p.Type != 68 && p.Video.Size > 3<<20/2 && p.Video.Size < 3<<20 {
			post = p
			break
		}
	}
	if post == nil {
		t.Fatal("the fake world has no video between 1.5 and 3 MiB")
	}
	dir := e.path("users", e.world.Users[0].Name, "posts")
	src := dir + "/" + e.postEntry(dir, post)
	dst := t.TempDir() + "/copy.mp4"
	if _, errOut, err := e.try("cp", src, dst); err != nil {
		t.Fatalf("cp of a %d-byte video over a slow link: %v: %s", post.Video.Size, err, errOut)
	}
	got := strings.Fields(e.sh(fmt.Sprintf("sha256sum < %q", dst)))[0]
	if want := mediaSHA256(t, post.Video); got != want {
		t.Fatalf("the copy's sha256 is %s, want %s", got, want)
	}
}
