package fakedouyin

import (
	"net/http"
	"net/url"
	"time"
)

// Risk control, as the real service shows it (spec §10.1, §10.2): a client
// that asks too fast is told 429 (without Retry-After), then blocked with
// 444, then answered with empty bodies for a while; a client Douyin
// distrusts gets a verify page instead of JSON. Thresholds and durations
// are the real service's secret (open fact 14), so they are knobs here:
// Options.ThrottleRate, ThrottlePeriod and VerifyPage, all off by default.

// Verify page kinds (Options.VerifyPage).
const (
	VerifyHTML     = "html"     // HTTP 200 with an HTML captcha page where JSON was asked for
	VerifyRedirect = "redirect" // HTTP 302 to the captcha service
)

// The throttle's stages after a client went past ThrottleRate.
const (
	throttle429s = 2 // refused answers that are 429
	throttle444s = 2 // then refused answers that are 444; then empty bodies
)

// throttle is the state of rate-triggered risk control; guarded by
// Server.mu.
type throttle struct {
	recent     []time.Time // API requests let through in the last second
	refusing   bool        // past the rate: answering 429, then 444
	refused    int         // answers refused in this episode
	last       time.Time   // the last request while refusing
	emptyUntil time.Time   // empty bodies until then
}

// throttleAnswer is what the throttle makes of one request.
type throttleAnswer int

const (
	throttleNone throttleAnswer = iota
	throttle429
	throttle444
	throttleEmpty
)

// decideThrottle counts one API request at now and says how it is
// answered. A client that keeps asking while refused goes from 429 to 444
// to empty bodies for ThrottlePeriod; one that stays away for
// ThrottlePeriod while refused is forgiven.
func (s *Server) decideThrottle(o Options, now time.Time) throttleAnswer {
	if o.ThrottleRate <= 0 {
		return throttleNone
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := &s.throttle
	if now.Before(t.emptyUntil) {
		return throttleEmpty
	}
	if t.refusing && now.Sub(t.last) > o.ThrottlePeriod {
		*t = throttle{}
	}
	if !t.emptyUntil.IsZero() { // the empty period is over: a clean slate
		*t = throttle{}
	}
	if t.refusing {
		t.refused++
		t.last = now
		switch {
		case t.refused <= throttle429s:
			return throttle429
		case t.refused <= throttle429s+throttle444s:
			return throttle444
		}
		t.refusing = false
		t.emptyUntil = now.Add(o.ThrottlePeriod)
		return throttleEmpty
	}
	keep := t.recent[:0]
	for _, at := range t.recent {
		if now.Sub(at) < time.Second {
			keep = append(keep, at)
		}
	}
	t.recent = keep
	if float64(len(t.recent)+1) > o.ThrottleRate {
		t.recent = nil
		t.refusing, t.refused, t.last = true, 1, now
		return throttle429
	}
	t.recent = append(t.recent, now)
	return throttleNone
}

// serveRisk answers an API request with risk control when a knob says so,
// and reports whether it did. It runs before any other check: the real
// risk control answers before the request is even looked at.
func (s *Server) serveRisk(w http.ResponseWriter, r *http.Request, o Options) bool {
	switch o.VerifyPage {
	case VerifyHTML:
		s.stats.fault("verify-html")
		writeVerifyPage(w)
		return true
	case VerifyRedirect:
		s.stats.fault("verify-redirect")
		// The real redirect names the page it came from and a
		// fingerprint; the target is the captcha service.
		q := url.Values{"from": {"iframe"}, "fp": {"verify_fake"}, "redirect": {r.URL.Path}}
		w.Header().Set("Location", s.base+verifyPath+"?"+q.Encode())
		w.WriteHeader(http.StatusFound)
		return true
	}
	switch s.decideThrottle(o, time.Now()) {
	case throttle429:
		// No Retry-After: the real service does not say how long.
		s.stats.fault("throttle-429")
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte("Too Many Requests\n"))
		return true
	case throttle444:
		s.stats.fault("throttle-444")
		w.WriteHeader(444)
		return true
	case throttleEmpty:
		s.stats.fault("throttle-empty")
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return true
	}
	return false
}

// verifyPath is the captcha service's page on this server (the real one
// is on another host).
const verifyPath = "/verifycenter/captcha/v2"

// writeVerifyPage writes the HTML page a browser would show to solve the
// captcha; a program can only recognise it.
func writeVerifyPage(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>验证码中间页</title></head>
<body><div id="captcha_container"></div>
<script>/* the captcha widget loads here in a real browser */</script>
</body></html>
`))
}

// serveVerify answers the captcha service's page.
func (s *Server) serveVerify(w http.ResponseWriter, r *http.Request) {
	s.stats.request(verifyPath)
	writeVerifyPage(w)
}
