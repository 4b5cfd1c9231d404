package tree

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/douyinfs/douyinfs/fetch"
)

// detailAPI answers PostDetail with a fixed post; nothing else is used.
type detailAPI struct {
	API
	post *fetch.Post
}

func (d detailAPI) PostDetail(ctx context.Context, id string) (*fetch.Post, error) {
	return d.post, nil
}

const (
	tWebP1 = "https://p3.douyinpic.com/i/a~q75.webp?s=1"
	tWebP2 = "https://p9.douyinpic.com/i/a~q75.webp?s=2"
	tJPEG1 = "https://p3.douyinpic.com/i/a~q75.jpeg?s=3"
	tJPEG2 = "https://p6.douyinpic.com/i/a~q75.jpeg?s=4"
)

func imagePost(ims ...fetch.Image) *fetch.Post {
	return &fetch.Post{ID: "7300000000000000001", Type: 68, Images: ims}
}

// A picture's name carries its format, and a URL refresh keeps to that
// format: fresh JPEG mirrors are used, a fresh answer with only WebP fails
// the read (EIO, with a warning) instead of serving WebP as a .jpeg.
func TestImageMediaKeepsItsFormat(t *testing.T) {
	var logs bytes.Buffer
	api := &detailAPI{}
	tr := New(testConfig(), Services{API: api, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	defer tr.Close()
	p := imagePost(
		fetch.Image{Format: fetch.FormatJPEG, URLs: []string{tJPEG1}, All: []string{tWebP1, tWebP2, tJPEG1}},
		fetch.Image{Format: fetch.FormatWebP, URLs: []string{tWebP1}, All: []string{tWebP1}},
	)
	d := tr.imagePostFolder("k", p)
	var names []string
	for _, e := range ls(t, d) {
		names = append(names, e.Name)
	}
	if want := []string{"01.jpeg", "02.webp"}; !slices.Equal(names, want) {
		t.Fatalf("names %v, want %v", names, want)
	}
	m := tr.imageMedia(p, 0, "01.jpeg")
	if !slices.Equal(m.URLs, []string{tJPEG1}) || !strings.Contains(m.Key, "/img/jpeg/") {
		t.Fatalf("media %s %v", m.Key, m.URLs)
	}

	api.post = imagePost(fetch.Image{Format: fetch.FormatJPEG, URLs: []string{tJPEG2}, All: []string{tJPEG2, tWebP2}})
	if urls, err := m.Refresh(context.Background()); err != nil || !slices.Equal(urls, []string{tJPEG2}) {
		t.Fatalf("refresh = %v, %v; want the fresh JPEG", urls, err)
	}

	api.post = imagePost(fetch.Image{Format: fetch.FormatWebP, URLs: []string{tWebP2}, All: []string{tWebP1, tWebP2}})
	urls, err := m.Refresh(context.Background())
	if err == nil || urls != nil {
		t.Fatalf("refresh without a JPEG = %v, %v; want an error", urls, err)
	}
	if Errno(err) != syscall.EIO {
		t.Errorf("errno %v, want EIO", Errno(err))
	}
	if !strings.Contains(logs.String(), "no mirror in the format") {
		t.Errorf("no warning logged: %q", logs.String())
	}
}
