package fakedouyin

import (
	"net/http"
	"strings"
)

// serveShortLink answers /v/<code>/ (the v.douyin.com share links; config
// short_link = "<base>/v") with a 302 to the long, real-shaped URL:
// https://www.douyin.com/video/<id>, /note/<id> for image posts,
// https://www.iesdouyin.com/share/user/<sec_uid>?...&sec_uid=<sec_uid>,
// https://www.douyin.com/collection/<mix_id>, or
// https://webcast.amemv.com/douyin/webcast/reflow/<room_id>?... A client
// must take the id from the Location header: those hosts are not this
// server. Unknown codes answer 404.
func (s *Server) serveShortLink(w http.ResponseWriter, r *http.Request) {
	s.stats.request("/v/")
	o := s.options()
	if !s.sleep(r.Context(), o.APILatency) {
		return
	}
	if s.writeStatusFault(w, s.drawFault(o, faultsStatus())) {
		return
	}
	code := strings.Trim(strings.TrimPrefix(r.URL.Path, "/v/"), "/")
	target, ok := s.world.ShortLinks[code]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Location", target)
	w.WriteHeader(http.StatusFound)
}
