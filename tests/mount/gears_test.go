package mount_test

import (
	"bytes"
	"io"
	"os"
	"syscall"
	"testing"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
)

// A post's detail names its gears otherwise than its list (adapt_* against
// normal_*, as the real service does). A video opened from a listing whose
// URLs expire mid-read is found again in the fresh detail as the same file,
// and the read completes byte-exact.
func TestURLExpiresMidReadDetailGearsDiffer(t *testing.T) {
	o := defaultOptions()
	o.Users = 1
	o.BigVideoSize = 12 << 20
	e := start(t, setup{opts: o, net: func(_ *fetch.Config, r *media.Config) {
		r.PrefetchStart, r.PrefetchMax = 1<<20, 1<<20
	}})
	p := e.world.BigVideoPost()
	if p.DetailRenditions[0].Media != p.Video || p.DetailRenditions[0].GearName == p.Renditions[0].GearName {
		t.Fatalf("the fake's detail does not rename the best gear: %s / %s", p.Renditions[0].GearName, p.DetailRenditions[0].GearName)
	}
	dir := e.path("users", e.world.Users[0].Name, "posts")
	f, err := os.Open(dir + "/" + e.postEntry(dir, p))
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
		t.Fatalf("reading the second half after the URLs expired (detail gears %s...): %v", p.DetailRenditions[0].GearName, err)
	}
	if !bytes.Equal(got, p.Video.Bytes()) {
		t.Errorf("the video read across a URL expiry differs from the fake's")
	}
	if e.fake.Stats().Expired == before {
		t.Fatal("no request met an expired URL: the read did not cross the expiry")
	}
}

// When the fresh detail no longer has the file an open video reads (the
// fake re-encoded its lowest H.264 gear to another size), the read fails
// with EIO instead of going on with bytes of another encoding; a new lookup
// of the post gets the new rendition with its size and bytes.
func TestURLExpiresReencodedFailsRead(t *testing.T) {
	o := defaultOptions()
	o.Users = 1
	o.BigVideoSize = 24 << 20
	o.ExactDataSize = true // stat before any open shows data_size, compared with the lengths here
	e := start(t, setup{opts: o, net: func(a *fetch.Config, r *media.Config) {
		a.VideoQuality = fetch.QualitySmallest
		r.PrefetchStart, r.PrefetchMax = 1<<20, 1<<20
	}})
	p := e.world.BigVideoPost()
	old, fresh := p.Renditions[1].Media, p.DetailRenditions[1].Media
	if old == fresh || old.Size == fresh.Size {
		t.Fatalf("the fake's detail did not re-encode %s", p.Renditions[1].GearName)
	}
	dir := e.path("users", e.world.Users[0].Name, "posts")
	name := dir + "/" + e.postEntry(dir, p)
	if fi, err := os.Stat(name); err != nil || fi.Size() != old.Size {
		t.Fatalf("stat %s: %v, want %d bytes (the smallest listed gear)", name, err, old.Size)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := make([]byte, old.Size)
	const first = 1 << 20
	if _, err := io.ReadFull(f, got[:first]); err != nil {
		t.Fatalf("reading the first MiB: %v", err)
	}
	e.fake.ExpireURLs()
	n, err := io.ReadFull(f, got[first:])
	if errnoOf(err) != syscall.EIO {
		t.Fatalf("reading on after the re-encode: %d bytes, err %v; want EIO", n, err)
	}
	if want := old.Bytes()[:first+n]; !bytes.Equal(got[:first+n], want) {
		t.Errorf("the %d bytes read differ from the encoding the file started with", first+n)
	}
	by := e.path("videos", p.AwemeID+".mp4")
	if fi, err := os.Stat(by); err != nil || fi.Size() != fresh.Size {
		t.Fatalf("stat %s: %v, want the new rendition's %d bytes", by, err, fresh.Size)
	}
	if got, want := e.sha256sum(by), mediaSHA256(t, fresh); got != want {
		t.Errorf("%s: sha256 %s, want the new rendition's %s", by, got, want)
	}
}
