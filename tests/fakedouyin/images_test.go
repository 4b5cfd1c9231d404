package fakedouyin

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// splitFormats sorts a url_list into its JPEG and WebP URLs by the path's
// extension.
func splitFormats(l []any) (jpeg, webp []string) {
	for _, x := range l {
		u := str(x)
		p, _, _ := strings.Cut(u, "?")
		switch {
		case strings.HasSuffix(p, ".jpeg"):
			jpeg = append(jpeg, u)
		case strings.HasSuffix(p, ".webp"):
			webp = append(webp, u)
		}
	}
	return jpeg, webp
}

// Every picture's url_list mixes formats as the real ones do (3 WebP +
// 1 JPEG, of different sizes), with the JPEG at varying places (a WebP is
// not always last), and the JPEG URL serves the bytes of /files/, even
// with the dead mirror.
func TestImageURLListsMixFormats(t *testing.T) {
	// The real captures mix formats in every picture's url_list; if they
	// ever stop, this fake behaviour needs another look.
	for _, name := range []string{"aweme_post_page_images.json", "aweme_item_images_type68.json"} {
		v := loadFixture(t, name)
		imgs, _ := path(v, "images").([]any)
		if imgs == nil {
			imgs, _ = path(v, "aweme_list.0.images").([]any)
		}
		for k, img := range imgs {
			if j, w := splitFormats(path(img, "url_list").([]any)); len(j) == 0 || len(w) == 0 {
				t.Errorf("%s image %d: the capture does not mix formats", name, k)
			}
		}
	}

	s := startServer(t, Options{Seed: 7, DeadMirror: true})
	c := newClient(t, s)
	w := s.World()
	places := map[int]int{} // index of the JPEG in url_list -> pictures
	pictures := 0
	for _, p := range w.AllPosts() {
		if p.Type != 68 {
			continue
		}
		d := path(c.webJSON("/aweme/v1/web/aweme/detail/", "aweme_id="+p.AwemeID), "aweme_detail")
		imgs, _ := path(d, "images").([]any)
		if len(imgs) != len(p.Images) {
			t.Fatalf("post %s: %d images, want %d", p.AwemeID, len(imgs), len(p.Images))
		}
		for k, img := range imgs {
			pictures++
			l, _ := path(img, "url_list").([]any)
			jpeg, webp := splitFormats(l)
			if len(l) != 4 || len(jpeg) != 1 || len(webp) != 3 {
				t.Fatalf("post %s image %d: url_list %v, want 3 webp and 1 jpeg", p.AwemeID, k, l)
			}
			for i, x := range l {
				if str(x) == jpeg[0] {
					places[i]++
				}
			}
			files := c.get(fmt.Sprintf("%s/files/%s_%02d.jpeg", s.URL(), p.AwemeID, k+1))
			r := c.get(jpeg[0])
			if r.StatusCode != 200 || files.StatusCode != 200 || !bytes.Equal(r.body, files.body) || !bytes.HasPrefix(r.body, []byte{0xFF, 0xD8, 0xFF}) {
				t.Errorf("post %s image %d: JPEG URL HTTP %d (%d bytes), /files/ HTTP %d (%d bytes)",
					p.AwemeID, k, r.StatusCode, len(r.body), files.StatusCode, len(files.body))
			}
			for _, u := range webp {
				if strings.Contains(u, "/cdn/m0/") {
					continue // the dead mirror
				}
				wr := c.get(u)
				if wr.StatusCode != 200 || !bytes.HasPrefix(wr.body, []byte("RIFF")) || len(wr.body) == len(r.body) {
					t.Errorf("post %s image %d: WebP HTTP %d, %d bytes (JPEG %d)", p.AwemeID, k, wr.StatusCode, len(wr.body), len(r.body))
				}
			}
		}
	}
	if pictures < 10 {
		t.Fatalf("only %d pictures", pictures)
	}
	if places[3] == 0 || places[3] == pictures {
		t.Errorf("the JPEG is last in %d of %d url_lists: want some with a WebP after it, some like the captures", places[3], pictures)
	}
	t.Logf("JPEG places in url_list: %v", places)
}
