package mount_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
	dfs "github.com/douyinfs/douyinfs/fs"
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// A video's URLs expire halfway through a read on the mount: the reader
// gets 403s, fs's refresh hook fetches the post afresh, and the read goes
// on; every byte equals the fake's.
func TestURLExpiresMidRead(t *testing.T) {
	o := defaultOptions()
	o.Users = 1
	o.BigVideoSize = 12 << 20
	e := start(t, setup{opts: o, net: func(_ *fetch.Config, r *media.Config) {
		// A short read-ahead, so the second half is still on the CDN
		// when the URLs expire.
		r.PrefetchStart, r.PrefetchMax = 1<<20, 1<<20
	}})
	p := e.world.BigVideoPost()
	f, err := os.Open(e.path("videos", p.AwemeID+".mp4"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := make([]byte, p.Video.Size)
	half := p.Video.Size / 2
	if _, err := io.ReadFull(f, got[:half]); err != nil {
		t.Fatalf("reading the first half: %v", err)
	}
	before := e.fake.Stats().Expired
	e.fake.ExpireURLs()
	if _, err := io.ReadFull(f, got[half:]); err != nil {
		t.Fatalf("reading the second half after the URLs expired: %v", err)
	}
	if !bytes.Equal(got, p.Video.Bytes()) {
		t.Errorf("the video read across a URL expiry differs from the fake's")
	}
	if e.fake.Stats().Expired == before {
		t.Fatal("no request met an expired URL: the read did not cross the expiry")
	}
	if n := e.deps.Media.Stats().Refreshes; n < 1 {
		t.Errorf("the reader counted %d URL refreshes, want at least 1", n)
	}
}

// Every kind of media file (video, picture, music) whose URLs expired after
// fs learnt them, but before its first read, reads right: each refresh hook
// fs hands the reader works.
func TestURLsExpiredBeforeFirstRead(t *testing.T) {
	o := defaultOptions()
	o.Users = 1
	e := start(t, setup{opts: o})
	var video, images *fakedouyin.Post
	for _, p := range e.world.Users[0].Posts {
		switch {
		case p.Type == 68 && p.Music != nil && images == nil:
			images = p
		case p.Type != 68 && video == nil:
			video = p
		}
	}
	if video == nil || images == nil {
		t.Fatal("the fake's first user lacks a video or an image post with music")
	}
	// Learn the posts (and their URLs) without reading or sizing a file:
	// the video's size comes with the post, the pictures' are asked of the
	// CDN at their first lookup.
	e.run("stat", e.path("videos", video.AwemeID+".mp4"), e.path("videos", images.AwemeID))
	before := e.fake.Stats().Expired
	e.fake.ExpireURLs()
	files := map[string]*fakedouyin.Media{e.path("videos", video.AwemeID+".mp4"): video.Video}
	for i, m := range images.Images {
		files[e.path("videos", images.AwemeID, fmt.Sprintf("%02d.jpeg", i+1))] = m
	}
	files[e.path("videos", images.AwemeID, "music.mp3")] = images.Music
	for f, m := range files {
		if got, want := e.sha256sum(f), mediaSHA256(t, m); got != want {
			t.Errorf("%s after its URLs expired: sha256 %s, want %s", filepath.Base(f), got, want)
		}
	}
	if e.fake.Stats().Expired == before {
		t.Error("no request met an expired URL: the reads did not cross the expiry")
	}
}

// With the first mirror of every media dead (503 or a reset), videos,
// covers, pictures and music still read right from the other mirrors fs
// passes on.
func TestDeadFirstMirror(t *testing.T) {
	o := defaultOptions()
	o.Users = 1
	o.PostsPerUser = 12
	o.DeadMirror = true
	e := start(t, setup{opts: o, tweak: func(c *dfs.Config) { c.Naming.SidecarCover = true }})
	u := e.world.Users[0]
	dir := e.path("users", u.Name, "posts")
	files := map[string]*fakedouyin.Media{}
	videos, imagePosts := 0, 0
	for _, p := range u.Posts {
		if p.Type == 68 {
			if imagePosts++; imagePosts > 2 {
				continue
			}
		} else if videos++; videos > 3 {
			continue
		}
		for f, m := range e.mediaFiles(dir, p) {
			files[f] = m
		}
		if p.Cover != nil {
			files[filepath.Join(dir, strings.TrimSuffix(e.postEntry(dir, p), ".mp4")+".cover.jpeg")] = p.Cover
		}
	}
	if videos == 0 || imagePosts == 0 {
		t.Fatalf("%d videos and %d image posts, want both", videos, imagePosts)
	}
	for f, m := range files {
		if got, want := e.sha256sum(f), mediaSHA256(t, m); got != want {
			t.Errorf("%s with the first mirror dead: sha256 %s, want %s", filepath.Base(f), got, want)
		}
	}
	if e.fake.Stats().Faults["dead-mirror"] == 0 {
		t.Error("no request reached the dead mirror: the test proves nothing")
	}
}

// sha256sum is the hash sha256sum computes of file, or the reason it
// could not (which then differs from every hash).
func (e *env) sha256sum(file string) string {
	out, errOut, err := e.try("sha256sum", file)
	if err != nil {
		return fmt.Sprintf("(sha256sum failed: %v: %s)", err, strings.TrimSpace(errOut))
	}
	return strings.Fields(out)[0]
}
