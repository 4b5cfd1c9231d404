package fakedouyin

import (
	"crypto/hmac"
	"io"
	"net/http"
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
}

func (s *Server) urls(now time.Time, o Options) urlMaker {
	return urlMaker{base: s.base, w: s.world, expires: now.Add(s.urlSkew()).Add(o.URLTTL).Unix(), playHop: o.PlayHop}
}

// cdnSignature binds a CDN URL's mirror, media, extension and expiry.
func (w *World) cdnSignature(mirror, id, ext, expires string) string {
	return w.mac("cdn", mirror, id, ext, expires)[:28]
}

func (w *World) playSignature(id, expires string) string {
	return w.mac("play", id, expires)[:32]
}

// cdn is the URL of m on mirror k ("m0", "m1", ...). Mirror m0 is the one
// Options.DeadMirror kills.
func (u urlMaker) cdn(k int, m *Media) string {
	e := strconv.FormatInt(u.expires, 10)
	mirror := "m" + strconv.Itoa(k)
	return u.base + "/cdn/" + mirror + "/" + m.ID + "." + m.Ext + "?x-expires=" + e +
		"&x-signature=" + u.w.cdnSignature(mirror, m.ID, m.Ext, e) + "&from=fakedouyin&l=" + u.w.mac("logid", e)[:16]
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

// serveCDN serves /cdn/<mirror>/<media id>.<ext>?x-expires=..&x-signature=..
// with Range support (206, 416), HEAD, 403 for forged or expired URLs.
func (s *Server) serveCDN(w http.ResponseWriter, r *http.Request) {
	s.stats.request("cdn")
	defer s.stats.open(&s.stats.openMedia)()
	o := s.options()
	if !s.sleep(r.Context(), o.CDNTTFB) {
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, "/cdn/")
	mirror, file, ok := strings.Cut(rest, "/")
	dot := strings.LastIndexByte(file, '.')
	if !ok || dot < 0 {
		http.NotFound(w, r)
		return
	}
	id, ext := file[:dot], file[dot+1:]
	if mirror == "m0" && o.DeadMirror {
		s.stats.fault("dead-mirror")
		if contentSeed(id)%2 == 0 {
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
	m, ok := s.world.Media(id)
	q := r.URL.Query()
	e := q.Get("x-expires")
	if !ok || m.Ext != ext || !hmac.Equal([]byte(q.Get("x-signature")), []byte(s.world.cdnSignature(mirror, id, ext, e))) {
		s.stats.reject("cdn-signature")
		http.Error(w, "403 Forbidden", http.StatusForbidden)
		return
	}
	if exp, err := strconv.ParseInt(e, 10, 64); err != nil || s.urlNow().Unix() > exp {
		s.stats.expired()
		http.Error(w, "403 Forbidden: URL expired", http.StatusForbidden)
		return
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
