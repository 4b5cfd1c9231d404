package fakedouyin

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
)

// serveToken answers the three token registrations of spec §5: msToken
// (POST /web/r/token, Set-Cookie msToken of 184 characters), ttwid (POST
// /ttwid/union/register/, Set-Cookie ttwid) and webid (POST /webid, JSON
// web_id). They take no signature and no cookie. A request without the
// expected method or body gets an empty 200 and no token.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	s.stats.request(r.URL.Path)
	o := s.options()
	if !s.sleep(r.Context(), o.APILatency) {
		return
	}
	if s.writeStatusFault(w, s.drawFault(o, faultsStatus())) {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	var fields map[string]any
	if r.Method != http.MethodPost || json.Unmarshal(body, &fields) != nil {
		s.emptyToken(w, "token-request")
		return
	}
	q := parseRawQuery(r.URL.RawQuery)
	switch r.URL.Path {
	case "/web/r/token":
		magic, _ := fields["magic"].(float64)
		str, _ := fields["strData"].(string)
		if q["ms_appid"] != "6383" || magic != 538969122 || str == "" {
			s.emptyToken(w, "token-request")
			return
		}
		tok := s.newMsToken()
		w.Header().Add("Set-Cookie", "msToken="+tok+"; Path=/; Max-Age=864000")
		s.writeJSON(w, r, o, obj{"code": 0, "message": "success"}, faultNone)
	case "/ttwid/union/register/":
		if _, ok := fields["aid"]; !ok {
			s.emptyToken(w, "token-request")
			return
		}
		s.mu.Lock()
		id := hexOf(s.rng.Uint64())
		s.mu.Unlock()
		now := time.Now().Unix()
		w.Header().Add("Set-Cookie", "ttwid="+s.world.makeTTWID(id, now)+"; Path=/; Max-Age=31536000; HttpOnly")
		s.writeJSON(w, r, o, obj{"status_code": 0, "message": "success", "redirect_url": ""}, faultNone)
	case "/webid":
		if q["aid"] != "6383" || fields["app_id"] == nil {
			s.emptyToken(w, "token-request")
			return
		}
		s.mu.Lock()
		id := strconv.FormatUint(7_300_000_000_000_000_000+s.rng.Uint64N(1e18), 10)
		s.mu.Unlock()
		s.writeJSON(w, r, o, obj{"e": 0, "web_id": id}, faultNone)
	}
}

func (s *Server) emptyToken(w http.ResponseWriter, reason string) {
	s.stats.reject(reason)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

// newMsToken issues a 184-character msToken (182 characters of the
// msToken alphabet and "==") and remembers it (only issued tokens pass, unless LooseMsToken).
func (s *Server) newMsToken() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-"
	b := make([]byte, 184)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < 182; i++ {
		b[i] = alphabet[s.rng.IntN(len(alphabet))]
	}
	b[182], b[183] = '=', '='
	t := string(b)
	s.msTokens[t] = true
	return t
}
