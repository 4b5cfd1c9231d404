package mount_test

import (
	"cmp"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// Tests of douyinfs against the fake's CDN hostility (issue 13): wrong
// data_size both ways, expiry in the URL path, the Referer check, mirrors
// answering 404/410, a CDN that ignores Range.

// truthFile downloads the fake's exact bytes of a /files/ name (the
// /_fake/files/ route: no faults, not counted) into a temporary file.
func (e *env) truthFile(name string) string {
	e.t.Helper()
	resp, err := http.Get(e.fake.URL() + "/_fake/files/" + name)
	if err != nil {
		e.t.Fatalf("truth of %s: %v", name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("truth of %s: HTTP %d", name, resp.StatusCode)
	}
	f, err := os.Create(filepath.Join(e.t.TempDir(), name))
	if err != nil {
		e.t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(f, resp.Body); err != nil {
		e.t.Fatalf("truth of %s: %v", name, err)
	}
	return f.Name()
}

// statSize is the size `stat` shows.
func (e *env) statSize(file string) int64 {
	e.t.Helper()
	n, err := strconv.ParseInt(strings.TrimSpace(e.run("stat", "-c", "%s", file)), 10, 64)
	if err != nil {
		e.t.Fatalf("stat %s: %v", file, err)
	}
	return n
}

// lyingVideo is a video post whose data_size is not its length.
type lyingVideo struct {
	p      *fakedouyin.Post
	file   string // its path in the mount
	listed int64  // data_size
}

// lyingVideos lists the video posts of u whose data_size is larger
// (larger) or smaller than the bytes the CDN serves.
func (e *env) lyingVideos(u *fakedouyin.User) (larger, smaller []lyingVideo) {
	dir := e.path("users", u.Name, "posts")
	for _, p := range u.Posts {
		if p.Type == 68 || p.Video == nil || p.Deleted {
			continue
		}
		ds := e.fake.DataSize(p.Video)
		if ds == p.Video.Size {
			continue
		}
		l := lyingVideo{p: p, file: filepath.Join(dir, e.postEntry(dir, p)), listed: ds}
		if ds > p.Video.Size {
			larger = append(larger, l)
		} else {
			smaller = append(smaller, l)
		}
	}
	return larger, smaller
}

// A video whose data_size is wrong reads as exactly the CDN's bytes,
// whichever way data_size is wrong: the kernel is first told data_size (a
// lookup), and once the file is open `stat` shows the CDN's length; a
// reader that trusts the first stat gets the real end, never zeros after
// it; ffprobe reads both real videos (one listed too large with its moov
// atom at the end, one listed too small).
func TestWrongDataSize(t *testing.T) {
	requireTool(t, "cmp")
	requireTool(t, "ffprobe")
	e := start(t, setup{})
	w := e.world

	// The real videos first, each opened first by ffprobe.
	for _, p := range []*fakedouyin.Post{w.RealVideoPost(), w.MoovAtEndPost()} {
		f := e.path("videos", p.AwemeID+".mp4")
		listed := e.fake.DataSize(p.Video)
		if listed == p.Video.Size {
			t.Fatalf("the fake's real video %s tells its size (data_size %d)", p.Video.ID, listed)
		}
		if got := e.statSize(f); got != listed {
			t.Fatalf("%s before any open: stat %d, want data_size %d (the test needs the kernel told the wrong size)", p.Video.ID, got, listed)
		}
		out := e.run("ffprobe", "-v", "error", "-show_entries", "format=size,duration", "-of", "default=nw=1", f)
		if !strings.Contains(out, "size="+strconv.FormatInt(p.Video.Size, 10)) || !strings.Contains(out, "duration=") {
			t.Errorf("ffprobe %s (data_size %d, length %d): %q", p.Video.ID, listed, p.Video.Size, out)
		}
		if got := e.statSize(f); got != p.Video.Size {
			t.Errorf("%s after ffprobe: stat %d, want %d", p.Video.ID, got, p.Video.Size)
		}
		e.run("cmp", f, e.truthFile(p.AwemeID+".mp4"))
	}

	var larger, smaller []lyingVideo
	for _, u := range w.Users {
		l, s := e.lyingVideos(u)
		larger, smaller = append(larger, l...), append(smaller, s...)
	}
	if len(larger) < 3 || len(smaller) < 3 {
		t.Fatalf("the fake lies about data_size %d times larger, %d smaller; want 3 each", len(larger), len(smaller))
	}
	// The biggest lies of each way: some by more than a cache block.
	byGap := func(a, b lyingVideo) int {
		return cmp.Compare(abs(b.listed-b.p.Video.Size), abs(a.listed-a.p.Video.Size))
	}
	slices.SortFunc(larger, byGap)
	slices.SortFunc(smaller, byGap)
	bigGap := false // a lie of more than a cache block (1 MiB)
	for _, l := range append(larger[:3], smaller[:3]...) {
		gap := l.listed - l.p.Video.Size
		bigGap = bigGap || gap > 1<<20 || gap < -(1<<20)
		name := filepath.Base(l.file)
		truth := e.truthFile(l.p.AwemeID + ".mp4")
		if got := e.statSize(l.file); got != l.listed {
			t.Fatalf("%s before any open: stat %d, want data_size %d", name, got, l.listed)
		}
		// A reader that trusts the size stat gave it first: head -c
		// data_size gives the real bytes up to there, and where data_size
		// is too large, no zeros after the real end.
		got := e.sh(fmt.Sprintf("cmp <(head -c %d %q) <(head -c %d %q) && echo same", l.listed, l.file, l.listed, truth))
		if strings.TrimSpace(got) != "same" {
			t.Errorf("%s: head -c %d differs from the CDN's %d bytes", name, l.listed, l.p.Video.Size)
		}
		if got := e.statSize(l.file); got != l.p.Video.Size {
			t.Errorf("%s after a read: stat %d, want the CDN's %d (data_size %d)", name, got, l.p.Video.Size, l.listed)
		}
		// The bytes around the listed end, from a fresh read of the tail.
		from := min(l.listed, l.p.Video.Size) - 1000
		e.sh(fmt.Sprintf("cmp <(tail -c +%d %q) <(tail -c +%d %q)", from, l.file, from, truth))
		e.run("cmp", l.file, truth)
	}
	if !bigGap {
		t.Error("no data_size checked was off by more than a block")
	}
}

func abs(n int64) int64 { return max(n, -n) }

// rsync -a of posts with wrong data_sizes copies every file byte-exact at
// the CDN's length (rsync fstats after open), and a second rsync sends
// nothing (the mount's sizes are the copies' now).
func TestWrongDataSizeRsync(t *testing.T) {
	requireTool(t, "rsync")
	o := defaultOptions()
	o.PostsPerUser = 12
	e := start(t, setup{opts: o})
	u := e.world.Users[1]
	larger, smaller := e.lyingVideos(u)
	if len(larger) == 0 || len(smaller) == 0 {
		t.Fatalf("%s has %d videos listed too large, %d too small; want some of each", u.Name, len(larger), len(smaller))
	}
	src, dst := e.path("users", u.Name, "posts")+"/", t.TempDir()
	first := e.run("rsync", "-a", "--stats", src, dst)
	if !strings.Contains(first, "Number of regular files transferred") {
		t.Fatalf("first rsync:\n%s", first)
	}
	for _, l := range append(larger, smaller...) {
		name := filepath.Base(l.file)
		got, err := os.ReadFile(filepath.Join(dst, name))
		if err != nil {
			t.Errorf("copy of %s: %v", name, err)
			continue
		}
		if want := l.p.Video.Bytes(); int64(len(got)) != l.p.Video.Size || string(got) != string(want) {
			t.Errorf("copy of %s: %d bytes, want the CDN's %d (data_size %d), equal %v", name, len(got), l.p.Video.Size, l.listed, string(got) == string(want))
		}
	}
	second := e.run("rsync", "-a", "--stats", src, dst)
	if !strings.Contains(second, "Total transferred file size: 0 bytes") {
		t.Errorf("second rsync transferred data:\n%s", second)
	}
}

// Video URLs carry their expiry in the path (as real douyinvod URLs do);
// douyinfs reads it there and refreshes URLs that have expired before
// sending them, so the CDN never sees an expired one.
func TestPathExpiryRefreshedBeforeSending(t *testing.T) {
	o := defaultOptions()
	o.URLTTL = 1 // ns: the listing's URLs expire within their second
	e := start(t, setup{opts: o})
	u := e.world.Users[0]
	dir := e.path("users", u.Name, "posts")
	var videos []*fakedouyin.Post
	for _, p := range u.Posts {
		if p.Type != 68 && p.Video != nil && len(videos) < 3 {
			videos = append(videos, p)
		}
	}
	names := map[*fakedouyin.Post]string{}
	for _, p := range videos {
		names[p] = e.postEntry(dir, p) // the listing, with URLs expiring now
	}
	// Make the fake see them as expired now (without waiting for the
	// clock); URLs issued from here on live an hour.
	e.fake.ExpireURLs()
	e.fake.SetOptions(func(o *fakedouyin.Options) { o.URLTTL = time.Hour })
	before := e.fake.Stats()
	for _, p := range videos {
		f := filepath.Join(dir, names[p])
		if got, want := e.sha256sum(f), mediaSHA256(t, p.Video); got != want {
			t.Errorf("%s: sha256 %s, want %s", names[p], got, want)
		}
	}
	after := e.fake.Stats()
	if n := after.Expired - before.Expired; n != 0 {
		t.Errorf("the CDN refused %d expired URLs: douyinfs sent URLs whose path said they had expired", n)
	}
	if after.Requests[pathDetail] == before.Requests[pathDetail] {
		t.Error("no post detail asked for: the URLs were not refreshed")
	}
}

// The CDN checks the Referer: douyinfs sends the site's on every media
// request, so nothing is refused; a reader configured with a foreign one
// gets EIO, not bytes.
func TestCDNReferer(t *testing.T) {
	e := start(t, setup{})
	w := e.world
	img := w.RealImagePost()
	dir := e.path("users", img.Author.Name, "posts")
	files := map[string]*fakedouyin.Media{
		e.path("videos", w.RealVideoPost().AwemeID+".mp4"):   w.RealVideoPost().Video,
		filepath.Join(dir, e.postEntry(dir, img), "01.jpeg"): img.Images[0],
	}
	for f, m := range files {
		if got, want := e.sha256sum(f), mediaSHA256(t, m); got != want {
			t.Errorf("%s: sha256 %s, want %s", f, got, want)
		}
	}
	if n := e.fake.Stats().RejectReasons["cdn-referer"]; n != 0 {
		t.Errorf("the CDN refused %d requests for their Referer", n)
	}

	bad := start(t, setup{net: func(_ *fetch.Config, r *media.Config) { r.Referer = "https://elsewhere.example/" }})
	_, _, err := bad.try("cat", bad.path("videos", bad.world.RealVideoPost().AwemeID+".mp4"))
	if err == nil {
		t.Error("a foreign Referer read the video")
	}
	if n := bad.fake.Stats().RejectReasons["cdn-referer"]; n == 0 {
		t.Error("the foreign Referer was not refused by the CDN")
	}
}

// checkMedia compares the first n posts' files of the first user with the
// fake's bytes.
func (e *env) checkMedia(what string, n int) {
	e.t.Helper()
	u := e.world.Users[0]
	dir := e.path("users", u.Name, "posts")
	for _, p := range u.Posts[:n] {
		for f, m := range e.mediaFiles(dir, p) {
			if got, want := e.sha256sum(f), mediaSHA256(e.t, m); got != want {
				e.t.Errorf("%s: %s: sha256 %s, want %s", what, filepath.Base(f), got, want)
			}
		}
	}
}

// A mirror that answers 404 (videos) or 410 (pictures) for every file:
// douyinfs fails over to the next mirror instead of refreshing the same
// list again, and every byte is right. Then a CDN where a share of all
// requests gets 404/410.
func TestCDNGone(t *testing.T) {
	o := defaultOptions()
	o.GoneMirror = true
	e := start(t, setup{opts: o})
	e.postEntry(e.path("users", e.world.Users[0].Name, "posts"), e.world.Users[0].Posts[0]) // list first
	before := e.fake.Stats()
	e.checkMedia("gone mirror", 10)
	after := e.fake.Stats()
	if after.Faults["gone"] == before.Faults["gone"] {
		t.Fatal("no request met the gone mirror")
	}
	if n := after.Requests[pathDetail] - before.Requests[pathDetail]; n != 0 {
		t.Errorf("%d post details asked for: a gone mirror made douyinfs refresh instead of trying the next", n)
	}

	o = defaultOptions()
	o.CDNGoneRate = 0.1
	e = start(t, setup{opts: o})
	e.checkMedia("gone rate 0.1", 10)
	if e.fake.Stats().Faults["gone"] == 0 {
		t.Error("CDNGoneRate: no request was answered 404/410")
	}
}

// A CDN that ignores Range (200 with the whole body for every ranged GET):
// every byte is still right, and a sequential read of a video costs the
// CDN at most a few times the file, not a whole file per block.
func TestCDNIgnoresRange(t *testing.T) {
	o := defaultOptions()
	o.IgnoreRange = true
	e := start(t, setup{opts: o})
	e.checkMedia("ignore range", 6)
	var size int64
	for _, p := range e.world.Users[0].Posts[:6] {
		for _, m := range e.mediaFiles(e.path("users", e.world.Users[0].Name, "posts"), p) {
			size += m.Size
		}
	}
	st := e.fake.Stats()
	t.Logf("files %d bytes, the CDN sent %d bytes (%.1fx) in %d requests", size, st.CDNBytes, float64(st.CDNBytes)/float64(size), st.Requests["cdn"])
	if st.Faults["ignore-range"] == 0 {
		t.Fatal("no ranged request met the CDN that ignores Range")
	}
}
