package fakedouyin

import (
	"io"
	"net/http"
	"strings"
	"time"
)

// serveTruthFile answers GET/HEAD /_fake/files/<name> with the exact bytes
// of /files/<name>, with Range, but never with latency, bandwidth limits or
// faults: checkers compare what a mount returns with these bytes, so the
// reference itself must not be what the test stresses. It is not counted in
// the stats either, so fetching the truth does not disturb the counters.
func (s *Server) serveTruthFile(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/_fake/files/")
	i, ok := s.world.filesByName[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	e := s.world.files[i]
	w.Header().Set("Content-Type", e.Media.ContentType())
	w.Header().Set("ETag", `"`+e.Media.Hash+`"`)
	http.ServeContent(w, r, "", time.Unix(e.Post.CreateTime, 0), io.NewSectionReader(e.Media, 0, e.Media.Size))
}
