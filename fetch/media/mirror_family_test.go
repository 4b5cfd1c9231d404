package media

import (
	"testing"
)

func TestMirrorFamily(t *testing.T) {
	video := func(sig string) []string {
		return []string{
			"https://v95-web.douyinvod.com/" + sig + "/video/tos/cn/x/?a=6383",
			"https://v13-web.douyinvod.com/" + sig + "/video/tos/cn/x/?a=6383",
			"https://www.douyin.com/aweme/v1/play/?video_id=" + sig,
		}
	}
	jpeg := []string{"https://p3-pc-sign.douyinpic.com/tos-cn-i-0813/a~tplv-dy-aweme-images:q75.jpeg?x-expires=1"}
	jpeg2 := []string{"https://p3-pc-sign.douyinpic.com/tos-cn-i-0813/b~tplv-dy-aweme-images:q75.jpeg?x-expires=2"}
	webp := []string{"https://p3-pc-sign.douyinpic.com/tos-cn-i-0813/a~tplv-dy-aweme-images:q75.webp?x-expires=1"}
	if mirrorFamily(video("a")) != mirrorFamily(video("b")) {
		t.Error("two videos on the same hosts are not one family")
	}
	if mirrorFamily(jpeg) != mirrorFamily(jpeg2) {
		t.Error("two JPEG pictures on the same host are not one family")
	}
	for _, pair := range [][2][]string{{video("a"), jpeg}, {jpeg, webp}, {video("a"), video("a")[:2]}} {
		if mirrorFamily(pair[0]) == mirrorFamily(pair[1]) {
			t.Errorf("%v and %v are one family", pair[0], pair[1])
		}
	}
}

// The mirror a video learned to use (after its first mirror died) is not
// where a new picture starts: pictures are their own family. Here the
// picture's second mirror serves other bytes, so starting there would read
// wrong bytes.
func TestMediaFailoverMemoryIsPerFamily(t *testing.T) {
	e := newTestEnv(t, 8<<20, nil)
	e.cdn.set(func(c *testCDN) { c.deadFirst = true })
	const size = 3 * tBS
	e.cdn.add("vid", size)
	v := e.r.Open(e.cdn.media("vid", true))
	defer v.Close()
	checkRead(t, v, "vid", size, 0, 1000) // the video now prefers its mirror 1

	e.cdn.add("pic.jpeg", size)
	e.cdn.add("other.jpeg", size)
	base := e.cdn.srv.URL + "/cdn/m1/"
	pic := e.r.Open(&Item{Key: "p/img/01.jpeg", Size: size, URLs: []string{
		base + "pic.jpeg?x-expires=9999999999", base + "other.jpeg?x-expires=9999999999"}})
	defer pic.Close()
	checkRead(t, pic, "pic.jpeg", size, 0, 1000)

	// Within a family the memory still works: a second video skips the
	// dead mirror.
	e.cdn.add("vid2", size)
	v2 := e.r.Open(e.cdn.media("vid2", true))
	defer v2.Close()
	checkRead(t, v2, "vid2", size, 0, 1000)
	if d := e.cdn.dead.Load(); d != 1 {
		t.Fatalf("dead mirror asked %d times, want 1", d)
	}
}
