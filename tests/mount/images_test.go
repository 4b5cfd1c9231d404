package mount_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

var jpegMagic = []byte{0xFF, 0xD8, 0xFF}

// Every picture of every image post reads as the JPEG its name promises,
// byte for byte, with the JPEG's size, while mirrors fail: the fake's image
// url_lists mix WebP and JPEG URLs, and a reader that fails over (or starts
// at a mirror learned from other media) must still never hand out a WebP.
func TestImagesAreTheirJPEG(t *testing.T) {
	cases := []struct {
		name  string
		tweak func(o *fakedouyin.Options)
		// retries is how often a read that failed with an error is tried
		// again: with random faults an error is possible (it is not a
		// wrong byte); wrong bytes fail at once.
		retries int
	}{
		{name: "dead mirror", tweak: func(o *fakedouyin.Options) { o.DeadMirror = true }},
		{name: "faults", retries: 3, tweak: func(o *fakedouyin.Options) {
			o.Fault5xx, o.FaultReset = 0.1, 0.02
		}},
		{name: "dead mirror and faults", retries: 3, tweak: func(o *fakedouyin.Options) {
			o.DeadMirror, o.Fault5xx, o.FaultReset = true, 0.1, 0.02
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := defaultOptions()
			tc.tweak(&o)
			e := start(t, setup{opts: o})
			checkAllImages(t, e, tc.retries)
		})
	}
}

// checkAllImages reads one video per user first (so the reader has learned
// a working mirror from another kind of media), then stats and reads every
// picture under users/*/posts/.
func checkAllImages(t *testing.T, e *env, retries int) {
	try := func(name string, args ...string) string {
		t.Helper()
		var errOut string
		var err error
		for range retries + 1 {
			var out string
			out, errOut, err = e.try(name, args...)
			if err == nil {
				return out
			}
		}
		t.Fatalf("%s %s: %v\nstderr: %s", name, strings.Join(args, " "), err, errOut)
		return ""
	}
	var images, webp, wrong int
	for _, u := range e.world.Users {
		dir := e.path("users", u.Name, "posts")
		for _, p := range u.Posts {
			if p.Type != 68 {
				try("cat", filepath.Join(dir, e.postEntry(dir, p)))
				break
			}
		}
		for _, p := range u.Posts {
			if p.Type != 68 {
				continue
			}
			post := e.postEntry(dir, p)
			for i, m := range p.Images {
				f := filepath.Join(dir, post, fmt.Sprintf("%02d.jpeg", i+1))
				images++
				size, _ := strconv.ParseInt(strings.TrimSpace(try("stat", "-c", "%s", f)), 10, 64)
				got := []byte(try("cat", f))
				want := make([]byte, m.Size)
				if _, err := m.ReadAt(want, 0); err != nil {
					t.Fatalf("reading fake media %s: %v", m.ID, err)
				}
				isWebP := len(got) >= 12 && string(got[:4]) == "RIFF" && string(got[8:12]) == "WEBP"
				if isWebP {
					webp++
				}
				switch {
				case !bytes.HasPrefix(got, jpegMagic):
					wrong++
					t.Errorf("%s: starts with % x (WebP: %v), not the JPEG magic", f, got[:min(len(got), 16)], isWebP)
				case !bytes.Equal(got, want):
					wrong++
					t.Errorf("%s: %d bytes differ from the fake's JPEG %s (%d bytes)", f, len(got), m.ID, m.Size)
				}
				if size != m.Size {
					t.Errorf("%s: stat size %d, want the JPEG's %d", f, size, m.Size)
				}
			}
		}
	}
	if images < 10 {
		t.Fatalf("only %d pictures in the world; the test needs more", images)
	}
	t.Logf("%d pictures read: %d wrong, %d of them WebP", images, wrong, webp)
}
