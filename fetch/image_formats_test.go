package fetch

import (
	"slices"
	"strings"
	"testing"

	"github.com/douyinfs/douyinfs/fetch/httpx"
)

// A picture is served in one format: JPEG when any mirror offers it, from
// those mirrors only, whatever their place in url_list.
func TestPickImageFormat(t *testing.T) {
	const (
		w1 = "https://p3.douyinpic.com/i/a~q75.webp?s=1"
		w2 = "https://p9.douyinpic.com/i/a~q75.webp?s=2"
		j1 = "https://p3.douyinpic.com/i/a~q75.jpeg?s=3"
		j2 = "https://p6.douyinpic.com/i/a~q75.jpg?s=4"
		p1 = "https://p6.douyinpic.com/i/a.png"
		o1 = "https://p6.douyinpic.com/obj/a"
		o2 = "https://p9.douyinpic.com/obj/a"
	)
	for _, c := range []struct {
		list   []string
		format string
		urls   []string
	}{
		{[]string{w1, w2, w1, j1}, FormatJPEG, []string{j1}}, // the real shape
		{[]string{j1, w1, w2}, FormatJPEG, []string{j1}},
		{[]string{w1, j2, w2, j1}, FormatJPEG, []string{j2, j1}},
		{[]string{o1, w1, w2}, FormatWebP, []string{w1, w2}},
		{[]string{o1, p1, w1}, FormatWebP, []string{w1}},
		{[]string{o1, p1}, "png", []string{p1}},
		{[]string{o1, o2}, "", []string{o1, o2}},
	} {
		f := pickImageFormat(c.list)
		if got := urlsOfFormat(c.list, f); f != c.format || !slices.Equal(got, c.urls) {
			t.Errorf("%v: %q %v, want %q %v", c.list, f, got, c.format, c.urls)
		}
	}
	if got := jpegCover([]string{w1, w2}, nil, []string{w1, j1, j2}); !slices.Equal(got, []string{j1, j2}) {
		t.Errorf("jpegCover = %v", got)
	}
	if got := jpegCover([]string{w1, o1}); got != nil {
		t.Errorf("jpegCover without a JPEG = %v, want nil", got)
	}
}

// On the real captures, whose url_lists are 3 WebP + 1 JPEG, every picture
// is its one JPEG mirror, and the WebP mirrors stay known (Mirrors).
func TestImageFormatsOfRealCaptures(t *testing.T) {
	var posts []Post
	p, err := decodePost(fixture(t, "aweme_item_images_type68.json"), QualityBest)
	if err != nil {
		t.Fatal(err)
	}
	posts = append(posts, p)
	page, _, err := decodePostPage(fixture(t, "aweme_post_page_images.json"), "test", cursorMax, QualityBest)
	if err != nil {
		t.Fatal(err)
	}
	posts = append(posts, page.Items...)
	n := 0
	for _, p := range posts {
		for i, im := range p.Images {
			n++
			if im.Format != FormatJPEG || len(im.URLs) != 1 || !strings.Contains(im.URLs[0], "q75.jpeg?") {
				t.Errorf("%s image %d: %q %v", p.ID, i, im.Format, im.URLs)
			}
			if len(im.All) != 4 || len(im.Mirrors(FormatWebP)) != 3 || !slices.Equal(im.Mirrors(FormatJPEG), im.URLs) {
				t.Errorf("%s image %d: all %d, webp %d", p.ID, i, len(im.All), len(im.Mirrors(FormatWebP)))
			}
		}
		if len(p.Cover) == 0 || slices.ContainsFunc(p.Cover, func(u string) bool { return httpx.URLFormat(u) != FormatJPEG }) {
			t.Errorf("%s cover %v is not JPEG only", p.ID, p.Cover)
		}
	}
	if n != 5 {
		t.Fatalf("%d pictures in the captures, want 5", n)
	}
}
