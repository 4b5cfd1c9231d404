package fakedouyin

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/douyinfs/douyinfs/sign"
)

// params is a query string parsed the way the fake needs it: the first
// occurrence of a name wins and values are percent-decoded without turning
// '+' into a space (F2 sends msTokens containing '+' unencoded).
type params map[string]string

func parseRawQuery(raw string) params {
	p := params{}
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		if n, err := url.PathUnescape(name); err == nil {
			name = n
		}
		if v, err := url.PathUnescape(value); err == nil {
			value = v
		}
		if _, dup := p[name]; !dup {
			p[name] = value
		}
	}
	return p
}

func (p params) has(name string) bool {
	_, ok := p[name]
	return ok
}

// baseSet names a common parameter set of spec §1.2.
type baseSet int

const (
	baseWeb    baseSet = iota // §1.2.1, every www endpoint and user live status
	baseLive                  // §1.2.2, live.douyin.com/webcast/room/web/enter/
	baseReflow                // §1.2.3, webcast.amemv.com/webcast/room/reflow/info/
	baseSSO                   // §2.20, the QR login endpoints
)

// baseParams returns the names a base set must contain and the values some
// of them must have.
func baseParams(b baseSet) (names []string, fixed map[string]string) {
	switch b {
	case baseWeb:
		return []string{"device_platform", "aid", "channel", "pc_client_type", "publish_video_strategy_type",
				"pc_libra_divert", "version_code", "version_name", "cookie_enabled", "screen_width", "screen_height",
				"browser_language", "browser_platform", "browser_name", "browser_version", "browser_online",
				"engine_name", "engine_version", "os_name", "os_version", "cpu_core_num", "device_memory",
				"platform", "downlink", "effective_type", "round_trip_time", "msToken"},
			map[string]string{"device_platform": "webapp", "aid": "6383"}
	case baseLive:
		return []string{"aid", "app_name", "live_id", "device_platform", "language", "cookie_enabled",
				"screen_width", "screen_height", "browser_language", "browser_platform", "browser_name",
				"browser_version", "enter_source", "is_need_double_stream", "insert_task_id", "live_reason"},
			map[string]string{"aid": "6383", "app_name": "douyin_web", "device_platform": "web", "live_id": "1"}
	case baseReflow:
		return []string{"verifyFp", "type_id", "live_id", "sec_user_id", "version_code", "app_id", "msToken"},
			map[string]string{"app_id": "1128", "live_id": "1"}
	case baseSSO:
		return []string{"service", "need_logo", "need_short_url", "device_platform", "aid", "account_sdk_source",
				"sdk_version", "language", "verifyFp", "fp"},
			map[string]string{"device_platform": "web_app", "aid": "6383", "account_sdk_source": "sso"}
	}
	return nil, nil
}

// checkBase returns "" when q carries base set b, else the reason to
// reject.
func (s *Server) checkBase(b baseSet, q params) string {
	names, fixed := baseParams(b)
	for _, n := range names {
		if !q.has(n) {
			return "params"
		}
	}
	for n, v := range fixed {
		if q[n] != v {
			return "params"
		}
	}
	switch b {
	case baseWeb:
		if !s.validMsToken(q["msToken"]) {
			return "mstoken"
		}
	case baseReflow:
		if !validVerifyFp(q["verifyFp"]) {
			return "params"
		}
	case baseSSO:
		if !validVerifyFp(q["verifyFp"]) || !validVerifyFp(q["fp"]) {
			return "params"
		}
	}
	return ""
}

// validMsToken accepts an msToken this server issued; with LooseMsToken any
// 164- or 184-character token of the msToken alphabet (base64 with '+'/'-'
// or '/'/'_', '=' padding).
func (s *Server) validMsToken(t string) bool {
	if len(t) != 164 && len(t) != 184 {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		ok := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == '+' || c == '-' || c == '/' || c == '_' || c == '='
		if !ok {
			return false
		}
	}
	if !s.options().LooseMsToken {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.msTokens[t]
	}
	return true
}

// validVerifyFp checks the verifyFp / fp / s_v_web_id shape of
// sign/docs/signing.md §4.2.
func validVerifyFp(v string) bool {
	rest, ok := strings.CutPrefix(v, "verify_")
	if !ok {
		return false
	}
	ts, u, ok := strings.Cut(rest, "_")
	if !ok || len(ts) < 6 || len(ts) > 10 || len(u) != 36 {
		return false
	}
	for i := 0; i < len(ts); i++ {
		if c := ts[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '_' {
				return false
			}
		case 14:
			if c != '4' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return false
			}
		}
	}
	return true
}

// checkSignature verifies the request's X-Bogus or a_bogus against its raw
// query, body and User-Agent, and its freshness. It returns "" or the
// reason to reject.
func (s *Server) checkSignature(raw, body, ua string, now time.Time, window time.Duration) string {
	if ua == "" {
		return "user-agent"
	}
	switch {
	case strings.Contains(raw, "&a_bogus="):
		f, err := sign.VerifyABogus(raw, "", ua)
		if err != nil && body != "" {
			f, err = sign.VerifyABogus(raw, body, ua)
		}
		if err != nil {
			return "signature"
		}
		diff := int64(int32(uint32(now.UnixMilli()) - f.StartMsLow32))
		if diff < 0 {
			diff = -diff
		}
		if diff > window.Milliseconds() {
			return "signature-stale"
		}
		value := raw[strings.LastIndex(raw, "&a_bogus=")+len("&a_bogus="):]
		value, _, _ = strings.Cut(value, "&")
		if !s.sigs.firstUse(value, now, window) {
			return "signature-reused"
		}
	case strings.Contains(raw, "&X-Bogus="):
		t, err := sign.VerifyXBogus(raw, ua)
		if err != nil {
			return "signature"
		}
		if d := now.Unix() - t; d > int64(window/time.Second) || -d > int64(window/time.Second) {
			return "signature-stale"
		}
	default:
		return "unsigned"
	}
	return ""
}

// sigCache remembers a_bogus values seen within the freshness window: the
// real service refuses a reused signature.
type sigCache struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

func (c *sigCache) firstUse(v string, now time.Time, window time.Duration) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[string]time.Time{}
	}
	if len(c.seen) > 4096 {
		for k, t := range c.seen {
			if now.Sub(t) > 2*window {
				delete(c.seen, k)
			}
		}
	}
	if _, ok := c.seen[v]; ok {
		return false
	}
	c.seen[v] = now
	return true
}

// cookieValue returns the value of the named cookie in the request's
// Cookie headers (parsed leniently: Douyin cookies hold '%', '|' and '+').
func cookieValue(r *http.Request, name string) string {
	for _, line := range r.Header.Values("Cookie") {
		for _, part := range strings.Split(line, ";") {
			n, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			if ok && n == name {
				return v
			}
		}
	}
	return ""
}

// loggedIn reports whether the request carries the login cookie's session.
func (s *Server) loggedIn(r *http.Request) bool {
	v := cookieValue(r, "sessionid")
	return v != "" && v == s.world.sessionID
}

// browserCookie reports whether the request's cookie looks like a
// browser's: logged in, or a guest's ttwid (issued here) and s_v_web_id.
// Which keys the real service checks is not known (spec §11 facts 9, 10);
// these two are the guest identity the spec names (§5.2, §5.4).
func (s *Server) browserCookie(r *http.Request) bool {
	return s.loggedIn(r) || (s.hasTTWID(r) && validVerifyFp(cookieValue(r, "s_v_web_id")))
}

// hasTTWID reports whether the request carries a ttwid this server issued
// (the login cookie has one too).
func (s *Server) hasTTWID(r *http.Request) bool {
	return s.world.validTTWID(cookieValue(r, "ttwid"))
}
