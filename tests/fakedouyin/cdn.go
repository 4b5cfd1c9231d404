package fakedouyin

import (
	"crypto/hmac"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// urlMaker builds the signed media URLs of one API answer; they all
// expire at the same time.
type urlMaker struct {
	base    string
	w       *World
	expires int64
	playHop bool
	// detailGears: videos carry Post.DetailRenditions (aweme/detail).
	detailGears bool
	queryExpiry bool // Options.QueryExpiry
	exactSizes  bool // Options.ExactDataSize
}

func (s *Server) urls(now time.Time, o Options) urlMaker {
	return urlMaker{base: s.base, w: s.world, expires: now.Add(s.urlSkew()).Add(o.URLTTL).Unix(), playHop: o.PlayHop,
		queryExpiry: o.QueryExpiry, exactSizes: o.ExactDataSize}
}

// DataSize is the data_size the API reports for m under the server's
// current options.
func (s *Server) DataSize(m *Media) int64 {
	return s.world.dataSize(m, s.options().ExactDataSize)
}

// dataSize is m's data_size: its length, or, unless exact, for a third of
// the videos a larger and for another third a smaller one (by up to a
// quarter of the file, so often by more than a block of a reader); the
// embedded real videos always lie, one each way, so that players and
// ffprobe meet both. Whether the real data_size can be trusted is spec §11
// open fact 4; a client must take the CDN's length (Content-Range) over
// it. The lie is a function of the media, so lists and detail tell the
// same one.
func (w *World) dataSize(m *Media, exact bool) int64 {
	if exact || m.Kind != "video" {
		return m.Size
	}
	seed := contentSeed(m.ID + "#data_size")
	d := 1 + int64(seed>>8%uint64(max(1, m.Size/4)))
	way := seed % 3
	if m.Real() {
		way = seed % 2
	}
	switch way {
	case 0:
		return m.Size + d
	case 1:
		return max(1, m.Size-d)
	}
	return m.Size
}

func (u urlMaker) dataSize(m *Media) int64 { return u.w.dataSize(m, u.exactSizes) }

// cdnSignature binds a CDN URL's mirror, media, extension and expiry.
func (w *World) cdnSignature(mirror, id, ext, expires string) string {
	return w.mac("cdn", mirror, id, ext, expires)[:28]
}

func (w *World) playSignature(id, expires string) string {
	return w.mac("play", id, expires)[:32]
}

// cdn is the URL of m on mirror k ("m0", "m1", ...). Mirror m0 is the one
// Options.DeadMirror and GoneMirror kill.
func (u urlMaker) cdn(k int, m *Media) string {
	if m.Kind == "video" && !u.queryExpiry {
		return u.vod(k, m)
	}
	e := strconv.FormatInt(u.expires, 10)
	mirror := "m" + strconv.Itoa(k)
	return u.base + "/cdn/" + mirror + "/" + m.ID + "." + m.Ext + "?x-expires=" + e +
		"&x-signature=" + u.w.cdnSignature(mirror, m.ID, m.Ext, e) + "&from=fakedouyin&l=" + u.w.mac("logid", e)[:16]
}

// vod is a video's URL on mirror k shaped like a real douyinvod URL: the
// signature and the expiry (hex unix seconds) are path segments, and the
// query has no x-expires:
// /cdn/<mirror>/<signature>/<expiry>/video/tos/cn/tos-cn-ve-15/<media id>/?...
func (u urlMaker) vod(k int, m *Media) string {
	e := strconv.FormatInt(u.expires, 16)
	mirror := "m" + strconv.Itoa(k)
	return u.base + "/cdn/" + mirror + "/" + u.w.vodSignature(mirror, m.ID, e) + "/" + e + "/video/tos/cn/tos-cn-ve-15/" + m.ID +
		"/?a=1128&ch=26&cr=3&dr=0&cd=0%7C0%7C0%7C3&cv=1&mime_type=video_" + m.Ext + "&qs=0&l=" + u.w.mac("logid", e)[:16] + "&btag=e00088000"
}

func (w *World) vodSignature(mirror, id, expires string) string {
	return w.mac("vod", mirror, id, expires)[:32]
}

// mirrors lists m on mirrors 0..n-1.
func (u urlMaker) mirrors(m *Media, n int) []string {
	l := make([]string, n)
	for k := range l {
		l[k] = u.cdn(k, m)
	}
	return l
}

// video lists a rendition's mirrors: two CDN mirrors and, like the real
// service, a www-style play URL (or a third mirror without PlayHop).
func (u urlMaker) video(m *Media) []string {
	third := u.cdn(2, m)
	if u.playHop {
		third = u.play(m)
	}
	return []string{u.cdn(0, m), u.cdn(1, m), third}
}

// play is the /aweme/v1/play/ URL of a rendition; it answers 302 to a
// fresh CDN URL.
func (u urlMaker) play(m *Media) string {
	e := strconv.FormatInt(u.expires, 10)
	return u.base + "/aweme/v1/play/?video_id=" + m.ID + "&line=0&file_id=" + m.Hash +
		"&sign=" + u.w.playSignature(m.ID, e) + "&is_play_url=1&source=PackSourceEnum_PUBLISH&x-expires=" + e
}

// image lists a picture like the real service: three WebP URLs and one
// JPEG URL, of different sizes. Real captures put the JPEG last; the fake
// moves it (by the picture's id: first, between the WebPs, or last) so a
// client can rely neither on its place nor on a WebP coming last. The JPEG
// is on mirror m1 or m2, never m0, so DeadMirror leaves every picture a
// JPEG to read.
func (u urlMaker) image(jpeg, webp *Media) []string {
	seed := contentSeed(jpeg.ID)
	return slices.Insert(u.mirrors(webp, 3), int(seed%4), u.cdn(1+int(seed/4%2), jpeg))
}

// cdnPath is what a CDN URL names: the mirror, the media, and the
// signature and expiry from the path (video URLs, like douyinvod's) or from
// the query (x-signature, x-expires).
type cdnPath struct {
	mirror, id, ext string // ext is empty in the path form
	sig, expires    string
	hexExpiry       bool
}

// parseCDNPath reads rest (the path after /cdn/) in either form:
// <mirror>/<media id>.<ext>?x-expires=..&x-signature=.. or
// <mirror>/<signature>/<expiry hex>/video/tos/cn/tos-cn-ve-15/<media id>/.
func parseCDNPath(rest string, q url.Values) (cdnPath, bool) {
	parts := strings.Split(rest, "/")
	switch {
	case len(parts) == 2:
		dot := strings.LastIndexByte(parts[1], '.')
		if dot < 0 {
			return cdnPath{}, false
		}
		return cdnPath{mirror: parts[0], id: parts[1][:dot], ext: parts[1][dot+1:],
			sig: q.Get("x-signature"), expires: q.Get("x-expires")}, true
	case len(parts) == 9 && parts[3] == "video" && parts[8] == "" && strings.Join(parts[4:7], "/") == "tos/cn/tos-cn-ve-15":
		return cdnPath{mirror: parts[0], id: parts[7], sig: parts[1], expires: parts[2], hexExpiry: true}, true
	}
	return cdnPath{}, false
}

// refererOK: the CDN serves only pages of the site (spec §7.5: F2 sends
// Referer: https://www.douyin.com/ to the CDN; whether the CDN insists is
// §11 open fact 7, and the fake assumes it does). The fake's own base
// stands for www.douyin.com.
func (s *Server) refererOK(r *http.Request) bool {
	ref := r.Header.Get("Referer")
	return strings.HasPrefix(ref, s.base+"/") || strings.HasPrefix(ref, "https://www.douyin.com/")
}

// drawGone decides whether a CDN request is answered 404/410.
func (s *Server) drawGone(o Options) bool {
	if o.CDNGoneRate <= 0 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.Float64() < o.CDNGoneRate
}

// serveCDN serves the media URLs cdn and vod make, with Range support
// (206, 416) and HEAD; 403 for forged or expired URLs and (unless
// NoRefererCheck) for a request without the site's Referer; 404/410 by
// GoneMirror and CDNGoneRate; 200 with the whole body with IgnoreRange.
func (s *Server) serveCDN(w http.ResponseWriter, r *http.Request) {
	s.stats.request("cdn")
	defer s.stats.open(&s.stats.openMedia)()
	o := s.options()
	if !s.sleep(r.Context(), o.CDNTTFB) {
		return
	}
	c, ok := parseCDNPath(strings.TrimPrefix(r.URL.Path, "/cdn/"), r.URL.Query())
	if !ok {
		http.NotFound(w, r)
		return
	}
	if c.mirror == "m0" && o.DeadMirror {
		s.stats.fault("dead-mirror")
		if contentSeed(c.id)%2 == 0 {
			http.Error(w, "503 Service Unavailable", http.StatusServiceUnavailable)
		} else {
			resetConn(w)
		}
		return
	}
	f := s.drawFault(o, faultsAll())
	if s.writeStatusFault(w, f) {
		return
	}
	if !o.NoRefererCheck && !s.refererOK(r) {
		s.stats.reject("cdn-referer")
		http.Error(w, "403 Forbidden", http.StatusForbidden)
		return
	}
	m, ok := s.world.Media(c.id)
	var want string
	if ok && c.hexExpiry {
		want = s.world.vodSignature(c.mirror, c.id, c.expires)
	} else if ok && m.Ext == c.ext {
		want = s.world.cdnSignature(c.mirror, c.id, c.ext, c.expires)
	}
	if want == "" || !hmac.Equal([]byte(c.sig), []byte(want)) {
		s.stats.reject("cdn-signature")
		http.Error(w, "403 Forbidden", http.StatusForbidden)
		return
	}
	base := 10
	if c.hexExpiry {
		base = 16
	}
	if exp, err := strconv.ParseInt(c.expires, base, 64); err != nil || s.urlNow().Unix() > exp {
		s.stats.expired()
		http.Error(w, "403 Forbidden: URL expired", http.StatusForbidden)
		return
	}
	if (c.mirror == "m0" && o.GoneMirror) || s.drawGone(o) {
		s.stats.fault("gone")
		if m.Kind == "video" {
			http.Error(w, "404 Not Found", http.StatusNotFound)
		} else {
			http.Error(w, "410 Gone", http.StatusGone)
		}
		return
	}
	if o.IgnoreRange && r.Header.Get("Range") != "" {
		// Like a CDN that does not do ranges: the whole file, 200.
		s.stats.fault("ignore-range")
		r = r.Clone(r.Context())
		r.Header.Del("Range")
	}
	s.serveMedia(w, r, m, bytesCDN, o, f)
}

// serveMedia sends m with Range support through the bandwidth and fault
// writer.
func (s *Server) serveMedia(w http.ResponseWriter, r *http.Request, m *Media, byteKind int, o Options, f fault) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "405 Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	length := expectedLength(r.Header.Get("Range"), m.Size)
	if r.Method == http.MethodHead || length == 0 {
		if s.injectBeforeBody(w, r, f) {
			return
		}
	}
	h := w.Header()
	h.Set("Content-Type", m.ContentType())
	h.Set("ETag", `"`+m.Hash+`"`)
	h.Set("Cache-Control", "max-age=31536000")
	h.Set("Access-Control-Allow-Origin", "*")
	bw := s.newBodyWriter(w, r, byteKind, o.ConnBandwidth, f, max(length/2, 1))
	http.ServeContent(bw, r, "", m.ModTime, io.NewSectionReader(m, 0, m.Size))
}

// expectedLength is the body length of a GET with this Range header (a
// single range; anything else counts as the whole file).
func expectedLength(rng string, size int64) int64 {
	spec, ok := strings.CutPrefix(rng, "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return size
	}
	a, b, ok := strings.Cut(strings.TrimSpace(spec), "-")
	if !ok {
		return size
	}
	if a == "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil {
			return size
		}
		return min(n, size)
	}
	start, err := strconv.ParseInt(a, 10, 64)
	if err != nil || start >= size {
		return size
	}
	end := size - 1
	if b != "" {
		if e, err := strconv.ParseInt(b, 10, 64); err == nil && e < end {
			end = e
		}
	}
	if end < start {
		return size
	}
	return end - start + 1
}

// servePlay answers a www-style /aweme/v1/play/?video_id=... URL with a
// 302 to a fresh CDN URL of the rendition.
func (s *Server) servePlay(w http.ResponseWriter, r *http.Request) {
	s.stats.request("play")
	o := s.options()
	if !s.sleep(r.Context(), o.APILatency) {
		return
	}
	if s.writeStatusFault(w, s.drawFault(o, faultsStatus())) {
		return
	}
	q := r.URL.Query()
	id, e := q.Get("video_id"), q.Get("x-expires")
	m, ok := s.world.Media(id)
	if !ok || m.Kind != "video" || !hmac.Equal([]byte(q.Get("sign")), []byte(s.world.playSignature(id, e))) {
		s.stats.reject("play-signature")
		http.Error(w, "403 Forbidden", http.StatusForbidden)
		return
	}
	if exp, err := strconv.ParseInt(e, 10, 64); err != nil || s.urlNow().Unix() > exp {
		s.stats.expired()
		http.Error(w, "403 Forbidden: URL expired", http.StatusForbidden)
		return
	}
	now := time.Now()
	target := s.urls(now, o).cdn(1, m)
	w.Header().Set("Location", target)
	w.WriteHeader(http.StatusFound)
}
