package fakedouyin

import (
	"bytes"
	"net/http"
	"testing"
)

// The CDN refuses a request without the site's Referer (403, counted as
// "cdn-referer"), serves the site's, and serves any with NoRefererCheck.
func TestCDNReferer(t *testing.T) {
	s := startServer(t, Options{Seed: 37})
	c := newClient(t, s)
	p := s.World().RealVideoPost()
	u := gearURL(t, detailOf(t, c, p), p.Video, 0)
	get := func(referer string) int {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Range", "bytes=0-99")
		if referer != "" {
			req.Header.Set("Referer", referer)
		}
		return c.do(req).StatusCode
	}
	for _, ref := range []string{"", "https://evil.example/", "https://www.douyin.com.evil.example/"} {
		if code := get(ref); code != http.StatusForbidden {
			t.Errorf("Referer %q: HTTP %d, want 403", ref, code)
		}
	}
	if got := s.Stats().RejectReasons["cdn-referer"]; got != 3 {
		t.Errorf("cdn-referer rejections %d, want 3", got)
	}
	for _, ref := range []string{"https://www.douyin.com/", s.URL() + "/"} {
		if code := get(ref); code != http.StatusPartialContent {
			t.Errorf("Referer %q: HTTP %d, want 206", ref, code)
		}
	}
	s.SetOptions(func(o *Options) { o.NoRefererCheck = true })
	if code := get(""); code != http.StatusPartialContent {
		t.Errorf("NoRefererCheck, no Referer: HTTP %d, want 206", code)
	}
}

// GoneMirror: m0 answers 404 for videos and 410 for pictures, the other
// mirrors serve; CDNGoneRate 1: every mirror does; off by default.
func TestCDNGone(t *testing.T) {
	s := startServer(t, Options{Seed: 38})
	c := newClient(t, s)
	w := s.World()
	p, img := w.RealVideoPost(), w.RealImagePost()
	dv, di := detailOf(t, c, p), detailOf(t, c, img)
	v0, v1 := gearURL(t, dv, p.Video, 0), gearURL(t, dv, p.Video, 1)
	webp0 := imageURL(t, di, 0, "/cdn/m0/", ".webp")
	jpeg := imageURL(t, di, 0, "/cdn/m", ".jpeg")
	for _, u := range []string{v0, v1, webp0, jpeg} {
		if code := c.get(u).StatusCode; code != 200 {
			t.Fatalf("default: %s HTTP %d", u, code)
		}
	}
	s.SetOptions(func(o *Options) { o.GoneMirror = true })
	if code := c.get(v0).StatusCode; code != http.StatusNotFound {
		t.Errorf("GoneMirror: video on m0 HTTP %d, want 404", code)
	}
	if code := c.get(webp0).StatusCode; code != http.StatusGone {
		t.Errorf("GoneMirror: picture on m0 HTTP %d, want 410", code)
	}
	if r := c.get(v1); r.StatusCode != 200 || !bytes.Equal(r.body, p.Video.Bytes()) {
		t.Errorf("GoneMirror: video on m1 HTTP %d", r.StatusCode)
	}
	s.SetOptions(func(o *Options) { o.GoneMirror, o.CDNGoneRate = false, 1 })
	if code := c.get(v1).StatusCode; code != http.StatusNotFound {
		t.Errorf("CDNGoneRate 1: video on m1 HTTP %d, want 404", code)
	}
	if code := c.get(jpeg).StatusCode; code != http.StatusGone {
		t.Errorf("CDNGoneRate 1: picture HTTP %d, want 410", code)
	}
	if got := s.Stats().Faults["gone"]; got != 4 {
		t.Errorf("gone faults counted %d, want 4", got)
	}
}

// IgnoreRange: a ranged GET gets 200 and the whole file; off by default.
func TestCDNIgnoreRange(t *testing.T) {
	s := startServer(t, Options{Seed: 39})
	c := newClient(t, s)
	p := s.World().RealVideoPost()
	u := gearURL(t, detailOf(t, c, p), p.Video, 1)
	if r := c.get(u, "Range", "bytes=100-199"); r.StatusCode != http.StatusPartialContent || !bytes.Equal(r.body, p.Video.Bytes()[100:200]) {
		t.Fatalf("default: HTTP %d, %d bytes", r.StatusCode, len(r.body))
	}
	s.SetOptions(func(o *Options) { o.IgnoreRange = true })
	r := c.get(u, "Range", "bytes=100-199")
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Range") != "" || !bytes.Equal(r.body, p.Video.Bytes()) {
		t.Errorf("IgnoreRange: HTTP %d Content-Range %q, %d bytes; want 200 and all %d", r.StatusCode, r.Header.Get("Content-Range"), len(r.body), p.Video.Size)
	}
}
