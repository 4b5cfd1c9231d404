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

func videoPost(rs ...fetch.Rendition) *fetch.Post {
	return &fetch.Post{ID: "7300000000000000002", Video: &fetch.Video{Renditions: rs}}
}

// A video's refresh hook finds its file again in a fresh answer that names
// the gears otherwise (as the real detail does); when the fresh answer has
// no such file, it fails (EIO, one warning naming the post) instead of
// handing out URLs of another encoding. The file's key holds its size.
func TestVideoRefreshFindsTheSameFile(t *testing.T) {
	var logs bytes.Buffer
	api := &detailAPI{}
	tr := New(testConfig(), Services{API: api, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	defer tr.Close()
	listed := fetch.Rendition{Key: "normal_720_0", Codec: fetch.CodecH264, Width: 720, Height: 1280, Bitrate: 1000, Size: 5000, Hash: "h1", URLs: []string{"https://v.invalid/old"}}
	p := videoPost(listed)
	m := tr.videoMedia(p)
	if m.Key != p.ID+"/normal_720_0@5000" || m.Size != 5000 || keyVideoOf(p) != "video:"+p.ID+"@5000" {
		t.Fatalf("media key %s size %d, file key %s", m.Key, m.Size, keyVideoOf(p))
	}

	same := listed
	same.Key, same.URLs = "adapt_720_0", []string{"https://v.invalid/new"}
	api.post = videoPost(fetch.Rendition{Key: "adapt_lowest_720_1", Codec: fetch.CodecH265, Width: 720, Height: 1280, Bitrate: 900, Size: 4000, URLs: []string{"https://v.invalid/h265"}}, same)
	if urls, err := m.Refresh(context.Background()); err != nil || !slices.Equal(urls, same.URLs) {
		t.Fatalf("refresh = %v, %v; want the renamed gear's URLs", urls, err)
	}

	reenc := same
	reenc.Size, reenc.Hash = 4500, "h2"
	api.post = videoPost(reenc)
	for range 2 {
		urls, err := m.Refresh(context.Background())
		if err == nil || urls != nil || Errno(err) != syscall.EIO {
			t.Fatalf("refresh with only a re-encode = %v, %v (errno %v); want EIO", urls, err, Errno(err))
		}
	}
	if n := strings.Count(logs.String(), "no longer has the encoding"); n != 1 || !strings.Contains(logs.String(), p.ID) {
		t.Errorf("%d warnings naming the post, want 1: %q", n, logs.String())
	}
	if k := keyVideoOf(api.post); k == keyVideoOf(p) {
		t.Errorf("a re-encode has the old file key %s", k)
	}
}
