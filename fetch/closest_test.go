package fetch

import (
	"strings"
	"testing"
)

func TestClosestRule(t *testing.T) {
	r := Rendition{Key: "normal_720_0", Codec: CodecH264, Width: 720, Height: 1280, Bitrate: 1_500_000, Size: 5000, Hash: "aa"}
	renamed := r
	renamed.Key, renamed.URLs = "adapt_720_0", []string{"u"}
	for _, tc := range []struct {
		name     string
		rs       []Rendition
		wantKey  string
		wantSame bool
	}{
		{"renamed", []Rendition{{Key: "x", Codec: CodecH265, Width: 720, Height: 1280, Size: 5000}, renamed}, "adapt_720_0", true},
		{"same name, other size", []Rendition{{Key: "normal_720_0", Codec: CodecH264, Width: 720, Height: 1280, Bitrate: 1_500_000, Size: 5001}}, "normal_720_0", false},
		{"same size, other hash", []Rendition{{Key: "a", Codec: CodecH264, Width: 720, Height: 1280, Size: 5000, Hash: "bb"}}, "a", false},
		{"same size, other codec", []Rendition{{Key: "a", Codec: CodecH265, Width: 720, Height: 1280, Size: 5000}}, "a", false},
		{"codec before resolution", []Rendition{
			{Key: "h265_720", Codec: CodecH265, Width: 720, Height: 1280, Bitrate: 1_500_000, Size: 1},
			{Key: "h264_1080", Codec: CodecH264, Width: 1080, Height: 1920, Bitrate: 2_000_000, Size: 2},
		}, "h264_1080", false},
		{"resolution before bit rate", []Rendition{
			{Key: "540", Codec: CodecH264, Width: 576, Height: 1024, Bitrate: 1_500_000, Size: 1},
			{Key: "720", Codec: CodecH264, Width: 720, Height: 1280, Bitrate: 900_000, Size: 2},
		}, "720", false},
		{"nearest bit rate", []Rendition{
			{Key: "far", Codec: CodecH264, Width: 720, Height: 1280, Bitrate: 2_500_000, Size: 1},
			{Key: "near", Codec: CodecH264, Width: 720, Height: 1280, Bitrate: 1_400_000, Size: 2},
		}, "near", false},
		{"other codec when nothing else", []Rendition{{Key: "h265", Codec: CodecH265, Width: 576, Height: 1024, Size: 3}}, "h265", false},
	} {
		c, same := Closest(r, tc.rs)
		if c == nil || c.Key != tc.wantKey || same != tc.wantSame {
			t.Errorf("%s: %+v same=%v, want %s same=%v", tc.name, c, same, tc.wantKey, tc.wantSame)
		}
	}
	if c, same := Closest(r, nil); c != nil || same {
		t.Errorf("no renditions: %+v %v", c, same)
	}
	// Without a size on both sides only the same key counts.
	noSize := Rendition{Key: "k", Codec: CodecH264, Width: 1, Height: 2}
	if !SameFile(noSize, Rendition{Key: "k", Codec: CodecH264, Width: 1, Height: 2, Size: 9}) ||
		SameFile(noSize, Rendition{Key: "j", Codec: CodecH264, Width: 1, Height: 2}) {
		t.Error("sizeless identity is not key, codec and resolution")
	}
}

// On the real captures: a rendition is found again under another gear
// name (as a detail answer names it), no two gears of one real answer pass
// for the same file (even those of equal codec and resolution), and a
// list's best H.264 gear, looked up in the real detail's adapt_* H.265
// gears, gets the nearest resolution.
func TestClosestRealCaptures(t *testing.T) {
	list := generic(t, fixture(t, "aweme_post_items_2026.json")).([]any)
	for _, item := range list {
		p, err := decodePost(rawOf(t, item), QualityBest)
		if err != nil || p.Video == nil {
			t.Fatalf("decode: %v", err)
		}
		rs := p.Video.Renditions
		var renamed []Rendition
		for _, r := range rs {
			r.Key, r.URLs = "adapt_"+r.Key, nil
			renamed = append(renamed, r)
		}
		for i, r := range rs {
			if r.Hash == "" || r.Size == 0 {
				t.Fatalf("%s %s: no file_hash or data_size", p.ID, r.Key)
			}
			if c, same := Closest(r, renamed); !same || c.Key != "adapt_"+r.Key {
				t.Errorf("%s %s: found %+v same=%v", p.ID, r.Key, c, same)
			}
			for j := range rs {
				if i != j && SameFile(r, rs[j]) {
					t.Errorf("%s: %s and %s pass for one file", p.ID, r.Key, rs[j].Key)
				}
			}
		}
	}

	page, _, err := decodePostPage(fixture(t, "aweme_post_page_video.json"), "test", cursorMax, QualityBest)
	if err != nil {
		t.Fatal(err)
	}
	d, err := decodeDetail(fixture(t, "aweme_detail_video.json"), "7071967230287744267", QualityBest)
	if err != nil {
		t.Fatal(err)
	}
	best := *page.Items[0].Video.Best()
	for _, r := range d.Video.Renditions {
		if !strings.HasPrefix(r.Key, "adapt_") {
			t.Fatalf("detail gear %s", r.Key)
		}
	}
	c, same := Closest(best, d.Video.Renditions)
	if best.Key != "normal_1080_0" || same || c == nil || c.Key != "adapt_lowest_720_1" {
		t.Errorf("list %s in the detail's gears: %+v same=%v, want adapt_lowest_720_1", best.Key, c, same)
	}
}
