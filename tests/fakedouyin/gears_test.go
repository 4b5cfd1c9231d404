package fakedouyin

import (
	"bytes"
	"strings"
	"testing"
)

// gearInfo is what a gear says about its encoding.
type gearInfo struct {
	name, hash, url string
	size, br        int64
	h265            bool
}

func gearsOf(t *testing.T, aweme any) []gearInfo {
	t.Helper()
	var out []gearInfo
	for _, g := range path(aweme, "video.bit_rate").([]any) {
		out = append(out, gearInfo{name: str(path(g, "gear_name")), hash: str(path(g, "play_addr.file_hash")),
			url: str(path(g, "play_addr.url_list.0")), size: i64(path(g, "play_addr.data_size")),
			br: i64(path(g, "bit_rate")), h265: i64(path(g, "is_h265")) == 1})
	}
	return out
}

// By default a post's detail lists other gear names than its list entry
// (adapt_* as in the real detail capture); every encoding but one is the
// same file (same size and file_hash, same bytes on the CDN), and one is
// a re-encode of another size. SameDetailGears turns this off.
func TestDetailGearsDiffer(t *testing.T) {
	for _, same := range []bool{false, true} {
		// ExactDataSize: the test compares data_size with the bytes served.
		s := startServer(t, Options{Seed: 5, SameDetailGears: same, ExactDataSize: true})
		c := newClient(t, s)
		u := s.World().Users[1]
		v := c.webJSON("/aweme/v1/web/aweme/post/", "max_cursor=0&count=20&sec_user_id="+u.SecUID)
		var item any
		for _, it := range v["aweme_list"].([]any) {
			if p, _ := s.World().Post(str(path(it, "aweme_id"))); p != nil && len(p.Renditions) == 4 {
				item = it
				break
			}
		}
		if item == nil {
			t.Fatal("no generated video on the first page")
		}
		p, _ := s.World().Post(str(path(item, "aweme_id")))
		list, detail := gearsOf(t, item), gearsOf(t, detailOf(t, c, p))
		if len(list) != len(detail) {
			t.Fatalf("same=%v: %d list gears, %d detail gears", same, len(list), len(detail))
		}
		renamed, resized := 0, 0
		for i, l := range list {
			d := detail[i]
			if strings.HasPrefix(l.name, "adapt_") || (!same && !strings.HasPrefix(d.name, "adapt_")) {
				t.Errorf("same=%v: list gear %q, detail gear %q", same, l.name, d.name)
			}
			if l.name != d.name {
				renamed++
			}
			if l.h265 != d.h265 {
				t.Errorf("gear %d: codec differs", i)
			}
			lb, db := c.get(l.url).body, c.get(d.url).body
			switch {
			case l.size == d.size && l.hash == d.hash:
				if !bytes.Equal(lb, db) || int64(len(lb)) != l.size {
					t.Errorf("gear %s/%s: same size and hash but different bytes", l.name, d.name)
				}
			default:
				resized++
				if l.size == d.size || l.hash == d.hash || int64(len(db)) != d.size || bytes.Equal(lb[:len(db)], db) {
					t.Errorf("gear %s/%s: re-encode is not another file (%d/%d bytes)", l.name, d.name, l.size, d.size)
				}
			}
		}
		want := map[bool][2]int{false: {4, 1}, true: {0, 0}}[same]
		if renamed != want[0] || resized != want[1] {
			t.Errorf("same=%v: %d gears renamed, %d resized; want %v", same, renamed, resized, want)
		}
	}
}
