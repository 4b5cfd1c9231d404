package fakedouyin

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// FileEntry is one file of the /files/ directory index.
type FileEntry struct {
	Name  string // "<aweme_id>.mp4", "<aweme_id>_01.jpeg", "<aweme_id>.mp3"
	Media *Media
	Post  *Post
}

// Files lists the /files/ directory: every listed post's video (the
// rendition Post.Video), images (JPEG) and music, in AllPosts order.
func (w *World) Files() []FileEntry {
	return append([]FileEntry(nil), w.files...)
}

// buildFiles computes the /files/ listing once.
func (w *World) buildFiles() {
	var l []FileEntry
	for _, p := range w.AllPosts() {
		if p.Video != nil {
			l = append(l, FileEntry{Name: p.AwemeID + ".mp4", Media: p.Video, Post: p})
		}
		for k, img := range p.Images {
			l = append(l, FileEntry{Name: fmt.Sprintf("%s_%02d.jpeg", p.AwemeID, k+1), Media: img, Post: p})
		}
		if p.Music != nil {
			l = append(l, FileEntry{Name: p.AwemeID + ".mp3", Media: p.Music, Post: p})
		}
	}
	w.files = l
	w.filesByName = map[string]int{}
	for i, e := range l {
		w.filesByName[e.Name] = i
	}
}

// serveFiles serves a plain Apache-style directory index at /files/ and
// the files under it with Range, HEAD, Content-Length and Last-Modified
// (the post's create_time), so rclone's http backend and httpdirfs can
// mount it. The CDN's latency, bandwidth and faults apply.
func (s *Server) serveFiles(w http.ResponseWriter, r *http.Request) {
	s.stats.request("/files/")
	o := s.options()
	if !s.sleep(r.Context(), o.CDNTTFB) {
		return
	}
	name := strings.TrimPrefix(r.URL.Path, "/files/")
	if name == "" {
		if s.writeStatusFault(w, s.drawFault(o, faultsStatus())) {
			return
		}
		s.filesIndex(w, r)
		return
	}
	i, ok := s.world.filesByName[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	entry := s.world.files[i]
	f := s.drawFault(o, faultsAll())
	if s.writeStatusFault(w, f) {
		return
	}
	m := *entry.Media
	m.ModTime = time.Unix(entry.Post.CreateTime, 0)
	s.serveMedia(w, r, &m, bytesFiles, o, f)
}

func (s *Server) filesIndex(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	b.WriteString("<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n<html>\n<head>\n<title>Index of /files/</title>\n</head>\n<body>\n<h1>Index of /files/</h1>\n<pre>Name                                Last modified      Size\n<hr>")
	b.WriteString("<a href=\"/\">Parent Directory</a>\n")
	for _, e := range s.world.files {
		mod := time.Unix(e.Post.CreateTime, 0).UTC().Format("2006-01-02 15:04")
		fmt.Fprintf(&b, "<a href=\"%s\">%s</a>%s %s  %d\n", url.PathEscape(e.Name), html.EscapeString(e.Name),
			strings.Repeat(" ", max(1, 36-len(e.Name))), mod, e.Media.Size)
	}
	b.WriteString("<hr></pre>\n</body>\n</html>\n")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", fmt.Sprint(b.Len()))
	if r.Method != http.MethodHead {
		w.Write([]byte(b.String()))
	}
}
