package fakedouyin

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// detailURLs fetches a post's detail and returns its JSON.
func detailOf(t *testing.T, c *client, p *Post) map[string]any {
	t.Helper()
	v := c.webJSON("/aweme/v1/web/aweme/detail/", "aweme_id="+p.AwemeID)
	d, ok := v["aweme_detail"].(map[string]any)
	if !ok {
		t.Fatalf("no aweme_detail for %s: %v", p.AwemeID, v)
	}
	return d
}

// gearURL returns url_list[k] of the bit_rate gear whose media is m.
func gearURL(t *testing.T, d map[string]any, m *Media, k int) string {
	t.Helper()
	for _, g := range path(d, "video.bit_rate").([]any) {
		if namesMedia(str(path(g, "play_addr.url_list.0")), m) {
			return str(path(g, "play_addr.url_list."+strconv.Itoa(k)))
		}
	}
	t.Fatalf("no gear for media %s", m.ID)
	return ""
}

// namesMedia: a CDN URL of either form names exactly m.
func namesMedia(u string, m *Media) bool {
	p, _, _ := strings.Cut(u, "?")
	return strings.HasSuffix(p, "/"+m.ID+"/") || strings.HasSuffix(p, "/"+m.ID+"."+m.Ext)
}

// urlExpiry is a CDN URL's expiry: the hex path segment of a video URL,
// else x-expires.
func urlExpiry(t *testing.T, raw string) int64 {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if parts := strings.Split(u.Path, "/"); len(parts) == 11 && parts[5] == "video" {
		e, err := strconv.ParseInt(parts[4], 16, 64)
		if err != nil {
			t.Fatalf("expiry %q in %s", parts[4], raw)
		}
		return e
	}
	e, err := strconv.ParseInt(u.Query().Get("x-expires"), 10, 64)
	if err != nil {
		t.Fatalf("no expiry in %s", raw)
	}
	return e
}

// head sends a HEAD as a browser page of the site would.
func (c *client) head(rawURL string) *response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodHead, rawURL, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Referer", "https://www.douyin.com/")
	return c.do(req)
}

// imageURL returns the URL of picture k on a mirror path containing mirror
// whose path ends in ext: url_lists mix formats in no fixed order.
func imageURL(t *testing.T, d map[string]any, k int, mirror, ext string) string {
	t.Helper()
	for _, x := range path(d, "images."+strconv.Itoa(k)+".url_list").([]any) {
		p, _, _ := strings.Cut(str(x), "?")
		if strings.Contains(p, mirror) && strings.HasSuffix(p, ext) {
			return str(x)
		}
	}
	t.Fatalf("picture %d has no %s URL on %s", k, ext, mirror)
	return ""
}

func TestCDNRanges(t *testing.T) {
	s := startServer(t, Options{Seed: 31, BigVideoSize: 64 << 20})
	c := newClient(t, s)
	w := s.World()
	rng := rand.New(rand.NewPCG(31, 32))
	type target struct {
		m   *Media
		url string
	}
	var targets []target
	for _, p := range []*Post{w.RealVideoPost(), w.MoovAtEndPost(), w.BigVideoPost(), w.Users[1].Posts[0]} {
		d := detailOf(t, c, p)
		for _, r := range p.DetailRenditions { // the gears a detail carries
			targets = append(targets, target{r.Media, gearURL(t, d, r.Media, 0)})
		}
	}
	img := w.RealImagePost()
	d := detailOf(t, c, img)
	targets = append(targets, target{img.Images[0], imageURL(t, d, 0, "/cdn/m", ".jpeg")},
		target{img.Music, str(path(d, "music.play_url.url_list.0"))})

	for _, tg := range targets {
		m := tg.m
		// HEAD: size, no body.
		r := c.head(tg.url)
		if r.StatusCode != 200 || r.ContentLength != m.Size || len(r.body) != 0 || r.Header.Get("Accept-Ranges") != "bytes" {
			t.Errorf("%s HEAD: HTTP %d length %d body %d ranges %q; want 200 %d", m.ID, r.StatusCode, r.ContentLength, len(r.body), r.Header.Get("Accept-Ranges"), m.Size)
		}
		if m.Size <= 8<<20 {
			r = c.get(tg.url)
			if r.StatusCode != 200 || !bytes.Equal(r.body, m.Bytes()) {
				t.Errorf("%s full GET: HTTP %d, %d bytes, equal %v", m.ID, r.StatusCode, len(r.body), bytes.Equal(r.body, m.Bytes()))
			}
		}
		for i := 0; i < 8; i++ {
			a := rng.Int64N(m.Size)
			b := min(m.Size-1, a+rng.Int64N(300000))
			rangeHdr := fmt.Sprintf("bytes=%d-%d", a, b)
			if i == 0 {
				a, rangeHdr = m.Size-1234, "bytes=-1234"
				b = m.Size - 1
			}
			if i == 1 {
				b, rangeHdr = m.Size-1, fmt.Sprintf("bytes=%d-", a)
			}
			r := c.get(tg.url, "Range", rangeHdr)
			want := make([]byte, b-a+1)
			Content(m.ID, a, want)
			if m.Real() {
				copy(want, m.Bytes()[a:b+1])
			}
			if r.StatusCode != http.StatusPartialContent || r.Header.Get("Content-Range") != fmt.Sprintf("bytes %d-%d/%d", a, b, m.Size) {
				t.Errorf("%s %s: HTTP %d Content-Range %q", m.ID, rangeHdr, r.StatusCode, r.Header.Get("Content-Range"))
			}
			if !bytes.Equal(r.body, want) {
				t.Errorf("%s %s: %d bytes differ from Content", m.ID, rangeHdr, len(r.body))
			}
		}
		r = c.get(tg.url, "Range", fmt.Sprintf("bytes=%d-", m.Size))
		if r.StatusCode != http.StatusRequestedRangeNotSatisfiable || r.Header.Get("Content-Range") != fmt.Sprintf("bytes */%d", m.Size) {
			t.Errorf("%s range past the end: HTTP %d Content-Range %q; want 416", m.ID, r.StatusCode, r.Header.Get("Content-Range"))
		}
	}
}

// TestDataSize checks data_size of every gear on pages of posts against
// what the CDN serves: by default some are larger and some smaller (and
// Server.DataSize says which), with ExactDataSize every one matches.
func TestDataSize(t *testing.T) {
	s := startServer(t, Options{Seed: 32})
	c := newClient(t, s)
	check := func(exact bool) {
		var larger, smaller, same int
		for _, u := range s.World().Users[:3] {
			v := c.webJSON("/aweme/v1/web/aweme/post/", "max_cursor=0&count=20&sec_user_id="+u.SecUID)
			for _, a := range v["aweme_list"].([]any) {
				gears, _ := path(a, "video.bit_rate").([]any)
				for _, g := range gears {
					u := str(path(g, "play_addr.url_list.0"))
					pu, _ := url.Parse(u)
					cp, _ := parseCDNPath(strings.TrimPrefix(pu.Path, "/cdn/"), pu.Query())
					m, ok := s.World().Media(cp.id)
					if !ok {
						t.Fatalf("gear URL %s names no media", u)
					}
					ds := i64(path(g, "play_addr.data_size"))
					r := c.head(u)
					if r.StatusCode != 200 || r.ContentLength != m.Size {
						t.Fatalf("%s: HEAD HTTP %d length %d, want %d", m.ID, r.StatusCode, r.ContentLength, m.Size)
					}
					if ds != s.DataSize(m) {
						t.Errorf("%s: data_size %d, Server.DataSize %d", m.ID, ds, s.DataSize(m))
					}
					switch {
					case ds > m.Size:
						larger++
					case ds < m.Size:
						smaller++
					default:
						same++
					}
				}
			}
		}
		t.Logf("exact %v: data_size larger %d, smaller %d, equal %d", exact, larger, smaller, same)
		if exact && larger+smaller != 0 {
			t.Errorf("ExactDataSize: %d gears have a data_size other than their length", larger+smaller)
		}
		if !exact && (larger == 0 || smaller == 0 || same == 0) {
			t.Errorf("default: data_size larger %d, smaller %d, equal %d times; want each at least once", larger, smaller, same)
		}
	}
	check(false)
	// The real videos lie one each way (for players and ffprobe).
	a, b := s.World().RealVideoPost().Video, s.World().MoovAtEndPost().Video
	if da, db := s.DataSize(a)-a.Size, s.DataSize(b)-b.Size; da == 0 || db == 0 || (da > 0) == (db > 0) {
		t.Errorf("real videos: data_size off by %d and %d; want one larger, one smaller", da, db)
	}
	s.SetOptions(func(o *Options) { o.ExactDataSize = true })
	check(true)
}

func TestCDNForgedURLs(t *testing.T) {
	s := startServer(t, Options{Seed: 33})
	c := newClient(t, s)
	w := s.World()
	p := w.Users[0].Posts[5]
	if p.Video == nil {
		p = w.RealVideoPost()
	}
	img := w.RealImagePost()
	video := gearURL(t, detailOf(t, c, p), p.Video, 1)
	picture := imageURL(t, detailOf(t, c, img), 0, "/cdn/m", ".jpeg")
	for _, good := range []string{video, picture} {
		if r := c.get(good, "Range", "bytes=0-9"); r.StatusCode != 206 {
			t.Fatalf("good URL %s: HTTP %d", good, r.StatusCode)
		}
	}
	forge := func(raw string, f func(u *url.URL)) string {
		u, _ := url.Parse(raw)
		f(u)
		return u.String()
	}
	segment := func(i int, f func(string) string) func(u *url.URL) {
		return func(u *url.URL) {
			parts := strings.Split(u.Path, "/")
			parts[i] = f(parts[i])
			u.Path = strings.Join(parts, "/")
		}
	}
	query := func(k, v string) func(u *url.URL) {
		return func(u *url.URL) { q := u.Query(); q.Set(k, v); u.RawQuery = q.Encode() }
	}
	later := strconv.FormatInt(4102444800, 16)
	for name, bad := range map[string]string{
		"video signature":    forge(video, segment(3, func(v string) string { return "x" + v[1:] })),
		"video later expiry": forge(video, segment(4, func(string) string { return later })),
		"video other mirror": forge(video, func(u *url.URL) { u.Path = strings.Replace(u.Path, "/m1/", "/m2/", 1) }),
		"video other media": forge(video, func(u *url.URL) {
			u.Path = strings.Replace(u.Path, p.Video.ID, w.Users[1].Posts[0].Cover.ID, 1)
		}),
		"picture signature": forge(picture, func(u *url.URL) {
			q := u.Query()
			q.Set("x-signature", "x"+q.Get("x-signature")[1:])
			u.RawQuery = q.Encode()
		}),
		"picture later expiry": forge(picture, query("x-expires", "4102444800")),
		"picture other media": forge(picture, func(u *url.URL) {
			u.Path = strings.Replace(u.Path, img.Images[0].ID, img.Images[1].ID, 1)
		}),
	} {
		if r := c.get(bad); r.StatusCode != http.StatusForbidden {
			t.Errorf("forged %s: HTTP %d, want 403", name, r.StatusCode)
		}
	}
}

// Video URLs carry their signature and expiry in the path as real
// douyinvod URLs do; QueryExpiry moves them back into the query. Picture
// URLs always use x-expires (as real douyinpic URLs do).
func TestVideoURLExpiryInPath(t *testing.T) {
	s := startServer(t, Options{Seed: 36, NoRefererCheck: true})
	c := newClient(t, s)
	p := s.World().RealVideoPost()
	for _, queryForm := range []bool{false, true} {
		s.SetOptions(func(o *Options) { o.QueryExpiry = queryForm })
		u := gearURL(t, detailOf(t, c, p), p.Video, 0)
		inPath := strings.Contains(u, "/video/tos/cn/") && !strings.Contains(u, "x-expires")
		if inPath == queryForm {
			t.Errorf("QueryExpiry %v: video URL %s", queryForm, u)
		}
		if exp := urlExpiry(t, u); exp < time.Now().Add(50*time.Minute).Unix() || exp > time.Now().Add(70*time.Minute).Unix() {
			t.Errorf("QueryExpiry %v: expiry %d is not about an hour from now", queryForm, exp)
		}
		if r := c.get(u, "Range", "bytes=0-99"); r.StatusCode != 206 || !bytes.Equal(r.body, p.Video.Bytes()[:100]) {
			t.Errorf("QueryExpiry %v: HTTP %d", queryForm, r.StatusCode)
		}
	}
	img := s.World().RealImagePost()
	if u := imageURL(t, detailOf(t, c, img), 0, "/cdn/m", ".jpeg"); !strings.Contains(u, "x-expires=") {
		t.Errorf("picture URL without x-expires: %s", u)
	}
}

func TestCDNExpiry(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Seed: 34, URLTTL: time.Second, PlayHop: true})
	c := newClient(t, s)
	p := s.World().RealVideoPost()
	d := detailOf(t, c, p)
	cdnURL, playURL := gearURL(t, d, p.Video, 0), gearURL(t, d, p.Video, 2)
	if r := c.get(cdnURL, "Range", "bytes=0-99"); r.StatusCode != 206 {
		t.Fatalf("fresh URL: HTTP %d", r.StatusCode)
	}
	exp := urlExpiry(t, cdnURL)
	if ttl := exp - time.Now().Unix(); ttl > 2 {
		t.Fatalf("expiry %d is %d s away with URLTTL 1s", exp, ttl)
	}
	// Wait past the deadline.
	time.Sleep(time.Until(time.Unix(exp+1, 0)) + 10*time.Millisecond)
	before := s.Stats().Expired
	if r := c.get(cdnURL, "Range", "bytes=0-99"); r.StatusCode != http.StatusForbidden {
		t.Errorf("expired CDN URL: HTTP %d, want 403", r.StatusCode)
	}
	if r := c.get(playURL); r.StatusCode != http.StatusForbidden {
		t.Errorf("expired play URL: HTTP %d, want 403", r.StatusCode)
	}
	if got := s.Stats().Expired - before; got != 2 {
		t.Errorf("Expired counted %d, want 2", got)
	}
	// A fresh detail gives fresh URLs that work.
	fresh := gearURL(t, detailOf(t, c, p), p.Video, 0)
	if fresh == cdnURL {
		t.Fatal("detail gave the same URL again")
	}
	if r := c.get(fresh, "Range", "bytes=0-99"); r.StatusCode != 206 || !bytes.Equal(r.body, p.Video.Bytes()[:100]) {
		t.Errorf("fresh URL: HTTP %d", r.StatusCode)
	}
}

func TestPlayHop(t *testing.T) {
	s := startServer(t, NewDefault())
	c := newClient(t, s)
	p := s.World().MoovAtEndPost()
	play := gearURL(t, detailOf(t, c, p), p.Video, 2)
	if !strings.Contains(play, "/aweme/v1/play/?video_id=") {
		t.Fatalf("third mirror %s is not a play URL", play)
	}
	r := c.get(play)
	loc := r.Header.Get("Location")
	if r.StatusCode != http.StatusFound || !strings.HasPrefix(loc, s.URL()+"/cdn/") {
		t.Fatalf("play URL: HTTP %d Location %q; want 302 to the CDN", r.StatusCode, loc)
	}
	if r := c.get(loc); r.StatusCode != 200 || !bytes.Equal(r.body, p.Video.Bytes()) {
		t.Errorf("play target: HTTP %d, %d bytes", r.StatusCode, len(r.body))
	}
	if r := c.get(strings.Replace(play, "sign=", "sign=0", 1)); r.StatusCode != http.StatusForbidden {
		t.Errorf("forged play sign: HTTP %d, want 403", r.StatusCode)
	}
	if got := s.Stats().Requests["play"]; got != 2 {
		t.Errorf("play requests counted %d, want 2", got)
	}
	// Without PlayHop the third mirror is a CDN URL.
	s.SetOptions(func(o *Options) { o.PlayHop = false })
	if u := gearURL(t, detailOf(t, c, p), p.Video, 2); !strings.Contains(u, "/cdn/m2/") {
		t.Errorf("PlayHop off: third mirror %s", u)
	}
}

func TestDeadMirror(t *testing.T) {
	s := startServer(t, Options{Seed: 35, DeadMirror: true})
	c := newClient(t, s)
	w := s.World()
	sawReset, saw503 := false, false
	for _, p := range w.Users[0].Posts[:12] {
		d := detailOf(t, c, p)
		var first, second string
		var m *Media
		if p.Type == 68 {
			first, second, m = imageURL(t, d, 0, "/cdn/m0/", ".webp"), imageURL(t, d, 0, "/cdn/m", ".jpeg"), p.Images[0]
		} else {
			first, second, m = gearURL(t, d, p.Video, 0), gearURL(t, d, p.Video, 1), p.Video
		}
		resp, err := c.hc.Get(first)
		if err == nil {
			body, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("dead mirror %s: HTTP %d (%d bytes, %v)", first, resp.StatusCode, len(body), rerr)
			}
			saw503 = true
		} else {
			sawReset = true
		}
		if r := c.get(second); r.StatusCode != 200 || !bytes.Equal(r.body, m.Bytes()) {
			t.Errorf("second mirror of %s: HTTP %d", p.AwemeID, r.StatusCode)
		}
	}
	if !sawReset || !saw503 {
		t.Errorf("dead mirrors: reset seen %v, 503 seen %v; want both kinds", sawReset, saw503)
	}
	if s.Stats().Faults["dead-mirror"] == 0 {
		t.Error("dead-mirror faults not counted")
	}
}

func TestContentDeterministic(t *testing.T) {
	for _, id := range []string{videoIDPrefix + "abc_normal_1080_0", "tos-cn-i-0813c001_x", "tos-cn-i-0813c001_x" + webpIDSuffix, musicIDPrefix + "_1", "other"} {
		whole := make([]byte, 100000)
		Content(id, 0, whole)
		rng := rand.New(rand.NewPCG(1, 2))
		for i := 0; i < 200; i++ {
			a := rng.IntN(len(whole))
			b := a + rng.IntN(len(whole)-a)
			part := make([]byte, b-a)
			Content(id, int64(a), part)
			if !bytes.Equal(part, whole[a:b]) {
				t.Fatalf("%s: Content at %d (%d bytes) differs from the whole", id, a, b-a)
			}
		}
		other := make([]byte, len(whole))
		Content(id+"x", 0, other)
		h := GeneratedHeaderLen(id)
		if bytes.Equal(other[h:], whole[h:]) {
			t.Errorf("%s: two ids give the same bytes", id)
		}
	}
	v := make([]byte, len(templateVideo)+8)
	Content(videoIDPrefix+"x", 0, v)
	if !bytes.Equal(v[:len(templateVideo)], templateVideo) || string(v[len(v)-4:]) != "free" {
		t.Error("generated video does not start with the MP4 template and a free box")
	}
	m := &Media{ID: "other", Size: 10}
	if _, err := m.ReadAt(make([]byte, 11), 0); !errors.Is(err, io.EOF) {
		t.Errorf("ReadAt past the end: %v, want EOF", err)
	}
}
