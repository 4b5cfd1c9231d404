package mount_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// mediaFiles lists the files of post p in dir with the fake media they must
// equal: the video, or each picture and the music.
func (e *env) mediaFiles(dir string, p *fakedouyin.Post) map[string]*fakedouyin.Media {
	name := e.postEntry(dir, p)
	out := map[string]*fakedouyin.Media{}
	if p.Type != 68 {
		out[filepath.Join(dir, name)] = p.Video
		return out
	}
	for i, m := range p.Images {
		out[filepath.Join(dir, name, fmt.Sprintf("%02d.jpeg", i+1))] = m
	}
	if p.Music != nil {
		out[filepath.Join(dir, name, "music.mp3")] = p.Music
	}
	return out
}

// `cat | sha256sum` of many files (videos, pictures, music) equals the
// fake CDN's bytes.
func TestCatMatchesCDN(t *testing.T) {
	e := start(t, setup{})
	u := e.world.Users[0]
	dir := e.path("users", u.Name, "posts")
	files := map[string]*fakedouyin.Media{}
	for i, p := range u.Posts {
		if i >= 12 && p.Type != 68 {
			continue // every image post, the first dozen videos
		}
		for f, m := range e.mediaFiles(dir, p) {
			files[f] = m
		}
	}
	if len(files) < 15 {
		t.Fatalf("only %d files to check", len(files))
	}
	for f, m := range files {
		got := strings.Fields(e.sh(fmt.Sprintf("cat %q | sha256sum", f)))[0]
		if want := mediaSHA256(t, m); got != want {
			t.Errorf("%s: sha256 %s, want %s (media %s, %d bytes)", filepath.Base(f), got, want, m.ID, m.Size)
		}
	}
}

// dd with skip reads from the middle of a file (a seek), and the bytes are
// the CDN's at that offset.
func TestDDSkip(t *testing.T) {
	e := start(t, setup{})
	u := e.world.Users[0]
	dir := e.path("users", u.Name, "posts")
	var p *fakedouyin.Post
	for _, q := range u.Posts {
		if q.Type != 68 && q.Video.Size > 3<<20 {
			p = q
			break
		}
	}
	if p == nil {
		t.Fatal("no video over 3 MiB")
	}
	file := filepath.Join(dir, e.postEntry(dir, p))
	for _, c := range []struct{ bs, skip, count int64 }{
		{4096, 0, 4},
		{4096, 513, 3},               // 2 MiB + 4 KiB
		{1, p.Video.Size - 100, 100}, // the tail
		{65536, 17, 1},
		{4096, 100, 1}, // backwards after reading further on
	} {
		out := filepath.Join(t.TempDir(), "part")
		e.run("dd", "if="+file, "of="+out, "bs="+strconv.FormatInt(c.bs, 10),
			"skip="+strconv.FormatInt(c.skip, 10), "count="+strconv.FormatInt(c.count, 10), "status=none")
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]byte, c.bs*c.count)
		n, _ := p.Video.ReadAt(want, c.bs*c.skip)
		if !bytes.Equal(got, want[:n]) {
			t.Errorf("dd bs=%d skip=%d count=%d: %d bytes differ from the CDN's %d", c.bs, c.skip, c.count, len(got), n)
		}
	}
}

// ffprobe reads the duration and codec of the real MP4s, including the one
// whose moov atom is at the end (read the tail first, then the head).
func TestFFprobe(t *testing.T) {
	requireTool(t, "ffprobe")
	e := start(t, setup{})
	u := e.world.Users[0]
	dir := e.path("users", u.Name, "posts")
	for _, p := range []*fakedouyin.Post{e.world.RealVideoPost(), e.world.MoovAtEndPost()} {
		file := filepath.Join(dir, e.postEntry(dir, p))
		out := e.run("ffprobe", "-v", "error", "-show_entries", "format=duration:stream=codec_name,codec_type", "-of", "default=nw=1", file)
		if !strings.Contains(out, "codec_name=h264") {
			t.Errorf("%s: ffprobe found no h264 stream:\n%s", p.AwemeID, out)
		}
		var dur float64
		for _, l := range strings.Split(out, "\n") {
			if v, ok := strings.CutPrefix(l, "duration="); ok {
				dur, _ = strconv.ParseFloat(v, 64)
			}
		}
		if dur <= 0 || (p.DurationMs > 0 && (dur*1000 < float64(p.DurationMs)-500 || dur*1000 > float64(p.DurationMs)+500)) {
			t.Errorf("%s: ffprobe duration %v s, the post says %d ms", p.AwemeID, dur, p.DurationMs)
		}
	}
}

// cp -r of an image post copies every picture and the music exactly.
func TestCopyImagePost(t *testing.T) {
	e := start(t, setup{})
	u := e.world.Users[0]
	dir := e.path("users", u.Name, "posts")
	p := e.world.RealImagePost()
	name := e.postEntry(dir, p)
	dst := t.TempDir()
	e.run("cp", "-r", filepath.Join(dir, name), dst)
	for f, m := range e.mediaFiles(dir, p) {
		got, err := os.ReadFile(filepath.Join(dst, name, filepath.Base(f)))
		if err != nil {
			t.Errorf("copy of %s: %v", filepath.Base(f), err)
			continue
		}
		if !bytes.Equal(got, m.Bytes()) {
			t.Errorf("copy of %s differs from the CDN's %d bytes (got %d)", filepath.Base(f), m.Size, len(got))
		}
	}
}

// rsync -a of a user's tree, twice: the second run transfers no file data,
// because names, sizes and mtimes are stable.
func TestRsyncTwice(t *testing.T) {
	requireTool(t, "rsync")
	o := defaultOptions()
	o.PostsPerUser = 8
	e := start(t, setup{opts: o})
	var u *fakedouyin.User
	for _, c := range e.world.Users {
		if c.Room == nil || !c.Room.Living {
			u = c // a user who is not live: stream.flv never ends
			break
		}
	}
	if u == nil {
		t.Fatal("every fake user is live")
	}
	dst := t.TempDir()
	src := e.path("users", u.Name) + "/"
	first := e.run("rsync", "-a", "--stats", src, dst)
	if !strings.Contains(first, "Number of regular files transferred") || strings.Contains(first, "Total transferred file size: 0 bytes") {
		t.Fatalf("first rsync copied nothing:\n%s", first)
	}
	second := e.run("rsync", "-a", "--stats", src, dst)
	if !strings.Contains(second, "Total transferred file size: 0 bytes") {
		t.Errorf("second rsync transferred data:\n%s", second)
	}
	// The copy is right, not just consistent: every media file's bytes
	// are the fake's.
	copied := 0
	for _, p := range u.Posts {
		for f, m := range e.mediaFiles(e.path("users", u.Name, "posts"), p) {
			rel, _ := filepath.Rel(e.path("users", u.Name), f)
			got, err := os.ReadFile(filepath.Join(dst, rel))
			if err != nil {
				t.Errorf("rsync copy of %s: %v", rel, err)
				continue
			}
			if !bytes.Equal(got, m.Bytes()) {
				t.Errorf("rsync copy of %s: %d bytes that differ from the fake's %d", rel, len(got), m.Size)
			}
			copied++
		}
	}
	if copied == 0 {
		t.Error("no media file of the user was checked")
	}
}
