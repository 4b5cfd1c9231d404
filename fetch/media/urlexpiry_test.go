package media

import (
	"testing"
	"time"
)

// urlExpiry reads the expiry of both URL shapes Douyin hands out: x-expires
// in the query (pictures) and the hex path segment of douyinvod videos.
func TestURLExpiry(t *testing.T) {
	cases := []struct {
		url  string
		exp  int64
		says bool
	}{
		// The real capture (aweme_detail_video.json), shortened query.
		{"https://v5-coldi.douyinvod.com/fb233b897397b568a466a9aebe834d76/64ba6dea/video/tos/cn/tos-cn-ve-15-alinc2/765ec3b0e54f4da7ab73889be9103fee/?a=1128&mime_type=video_mp4&dy_q=1689935825",
			0x64ba6dea, true},
		// The fake's shape: the same segments after a mirror prefix.
		{"http://127.0.0.1:1/cdn/m0/0123456789abcdef0123456789abcdef/6b0e9161/video/tos/cn/tos-cn-ve-15/v0d00fg10000x_normal_540_0/?l=1",
			0x6b0e9161, true},
		{"https://p3-pc-sign.douyinpic.com/tos-cn-i-0813/abc~tplv-dy-aweme-images:q75.jpeg?x-expires=1684339200&x-signature=Wi6k",
			1684339200, true},
		// x-expires wins over anything in the path.
		{"https://h/0123456789abcdef0123456789abcdef/6b0e9161/video/x/?x-expires=5", 5, true},
		// Not expiry-bearing: no signature segment, upper-case, too long,
		// no "video" after them, a play URL, garbage.
		{"https://h/6b0e9161/video/tos/x/", 0, false},
		{"https://h/0123456789ABCDEF0123456789ABCDEF/6b0e9161/video/x/", 0, false},
		{"https://h/0123456789abcdef0123456789abcdef/6b0e91616b0e91616/video/x/", 0, false},
		{"https://h/0123456789abcdef0123456789abcdef/6b0e9161/audio/x/", 0, false},
		{"https://www.douyin.com/aweme/v1/play/?video_id=v0200fg&line=0", 0, false},
		{"https://h/y?x-expires=soon", 0, false},
		{"https://h/y?x-expires=-3", 0, false},
		{"://bad", 0, false},
	}
	for _, c := range cases {
		exp, ok := urlExpiry(c.url)
		if ok != c.says || (ok && exp != c.exp) {
			t.Errorf("%s: %d %v, want %d %v", c.url, exp, ok, c.exp, c.says)
		}
	}
	real := cases[0].url
	if !urlExpired(real, time.Unix(0x64ba6dea, 0)) || urlExpired(real, time.Unix(0x64ba6dea-1, 0)) {
		t.Error("urlExpired does not follow the path expiry")
	}
}
