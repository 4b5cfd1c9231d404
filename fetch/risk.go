package fetch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Douyin's risk control (spec §10.1, §10.2) answers a client it distrusts
// with HTTP 444, with empty 200 bodies on requests that are signed right,
// or with a verify page (an HTML page where JSON was asked for, or a
// redirect to a captcha host). Retrying each such request on its own only
// makes the storm that got the client flagged worse, so the client backs
// off as a whole: a circuit breaker over every API request to Douyin's own
// hosts.
//
//   - closed: requests go out (paced by the rate limiter).
//   - open: nothing goes out. A request waits for the pause to end when its
//     deadline allows, otherwise it fails at once (a listing with content
//     serves it; one without fails with EIO).
//   - half-open: after the pause exactly one request goes out as a probe;
//     the others wait for its outcome. A good answer closes the circuit; a
//     risk answer opens it again for twice the pause (up to maxPauseFactor
//     times Config.RiskPause); a failure that says nothing (a reset, a 5xx)
//     hands the probe to the next request.
//
// A 429 is a rate answer, not a refusal: it pauses every API request
// (Retry-After when given, else the retry back-off), not only its own.
//
// The thresholds and ban durations of the real service are unknown (open
// fact 14); RiskPause is the user's guess, 30 s by default.

// ErrRefused matches every error of a request that Douyin's risk control
// refused or that the open circuit kept from being sent.
var ErrRefused = errors.New("douyin is refusing requests: the cookie may have expired or be flagged; refresh it from a browser")

// The risk answers, as named in logs, errors and stats.
const (
	riskHTTP444   = "http_444"
	riskEmpty     = "empty_body"
	riskVerify    = "verify_page"
	riskCaptcha   = "captcha_redirect"
	maxPauseScale = 16 // the longest pause is this many times RiskPause
)

// RiskError is a request refused by risk control, or not sent because the
// circuit was open. It matches ErrRefused; a 444 also ErrRateLimited and
// an empty body also ErrRejected, as they did before the circuit existed.
type RiskError struct {
	Signal string        // riskHTTP444, riskEmpty, riskVerify, riskCaptcha
	Open   bool          // not sent: the circuit was open
	Next   time.Duration // when Open: how long until the next probe
}

func (e *RiskError) Error() string {
	what := e.Signal
	switch e.Signal {
	case riskHTTP444:
		what = "HTTP 444"
	case riskEmpty:
		what = "empty bodies"
	case riskVerify:
		what = "a verify page"
	case riskCaptcha:
		what = "a redirect to a captcha"
	}
	if e.Open {
		return fmt.Sprintf("not sent: douyin answered %s, next try in %v: %v", what, e.Next.Round(time.Second), ErrRefused)
	}
	return fmt.Sprintf("douyin answered %s: %v", what, ErrRefused)
}

func (e *RiskError) Is(target error) bool {
	switch target {
	case ErrRefused:
		return true
	case ErrRateLimited:
		return e.Signal == riskHTTP444
	case ErrRejected:
		return e.Signal == riskEmpty
	}
	return false
}

// Circuit states, as stats.json and /metrics show them.
const (
	CircuitClosed   = "closed"
	CircuitHalfOpen = "half-open"
	CircuitOpen     = "open"
)

// outcome is what one attempt says about Douyin's mood.
type outcome int

const (
	outcomeNeutral outcome = iota // a transport error, 5xx, 429, malformed JSON, a cancelled request
	outcomeGood                   // an answer: JSON, or a definite status like 404
	outcomeRisk                   // a risk answer
)

// circuit is the client's back-off as a whole. Safe for concurrent use.
type circuit struct {
	base time.Duration // Config.RiskPause
	log  *slog.Logger

	mu         sync.Mutex
	state      string
	reopen     time.Time     // open: when the probe may go
	pause      time.Duration // the current open pause
	probing    bool          // half-open: the probe is out
	openedAt   time.Time
	lastSignal string
	changed    chan struct{} // closed and replaced on every change waiters care about
	pauseUntil time.Time     // every request waits until then (429)

	opened  int64            // times the circuit opened
	held    int64            // requests not sent because it was open
	signals map[string]int64 // risk answers by kind
	paused  int64            // 429 answers that paused every request
}

func newCircuit(base time.Duration, log *slog.Logger) *circuit {
	return &circuit{base: base, log: log, state: CircuitClosed, changed: make(chan struct{}), signals: map[string]int64{}}
}

// wakeLocked wakes every waiter to look again.
func (b *circuit) wakeLocked() {
	close(b.changed)
	b.changed = make(chan struct{})
}

// noRiskWait is the context key of NoRiskWait.
type noRiskWait struct{}

// NoRiskWait marks ctx's requests as ones with an answer to fall back on
// (a listing's refresh, which can serve what it has): while the circuit is
// open they fail at once instead of waiting for its probe.
func NoRiskWait(ctx context.Context) context.Context {
	return context.WithValue(ctx, noRiskWait{}, true)
}

// admit lets one attempt go, waiting for a global pause or the circuit's
// probe when ctx's deadline leaves time for it. probe reports that this
// attempt is the half-open probe: its caller must report its outcome with
// done (every attempt's caller must).
func (b *circuit) admit(ctx context.Context) (probe bool, err error) {
	for {
		b.mu.Lock()
		now := time.Now()
		var wait time.Duration
		var ch chan struct{}
		switch {
		case now.Before(b.pauseUntil):
			wait, ch = b.pauseUntil.Sub(now), b.changed
			if !fits(ctx, wait) {
				b.mu.Unlock()
				return false, fmt.Errorf("%w: douyin asked to wait %v, past the deadline", ErrRateLimited, wait.Round(time.Millisecond))
			}
		case b.state == CircuitClosed:
			b.mu.Unlock()
			return false, nil
		case b.state == CircuitOpen && now.Before(b.reopen):
			wait, ch = b.reopen.Sub(now), b.changed
			if !fits(ctx, wait) || ctx.Value(noRiskWait{}) != nil {
				b.held++
				err := &RiskError{Signal: b.lastSignal, Open: true, Next: wait}
				b.mu.Unlock()
				return false, err
			}
		case b.state == CircuitOpen || !b.probing:
			b.state, b.probing = CircuitHalfOpen, true
			b.mu.Unlock()
			return true, nil
		default: // half-open, the probe is out: wait for its outcome
			if ctx.Value(noRiskWait{}) != nil {
				b.held++
				err := &RiskError{Signal: b.lastSignal, Open: true}
				b.mu.Unlock()
				return false, err
			}
			ch = b.changed
		}
		b.mu.Unlock()
		if err := waitFor(ctx, wait, ch); err != nil {
			return false, err
		}
	}
}

// fits reports whether waiting d leaves ctx time to send afterwards.
func fits(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) > d
}

// waitFor waits d (0: until ch), or until ch is closed or ctx ends.
func waitFor(ctx context.Context, d time.Duration, ch <-chan struct{}) error {
	var timer <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-timer:
	case <-ch:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// done records the outcome of an admitted attempt; signal names a risk
// answer.
func (b *circuit) done(probe bool, o outcome, signal, endpoint string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	switch o {
	case outcomeRisk:
		b.signals[signal]++
		b.lastSignal = signal
		switch {
		case b.state == CircuitClosed:
			b.state, b.pause, b.openedAt = CircuitOpen, b.base, now
			b.reopen = now.Add(b.pause)
			b.opened++
			// Said once per episode, with what to do; probes that fail
			// after this are only debug lines.
			b.log.Warn("Douyin is refusing requests: the cookie may have expired or be flagged; refresh it from a browser",
				"answer", signal, "endpoint", endpoint, "next_try", b.pause)
		case probe:
			b.state, b.probing = CircuitOpen, false
			b.pause = min(2*b.pause, maxPauseScale*b.base)
			b.reopen = now.Add(b.pause)
			b.log.Debug("douyin still refuses requests", "answer", signal, "endpoint", endpoint, "next_try", b.pause)
		}
		b.wakeLocked()
	case outcomeGood:
		if probe {
			if b.state != CircuitClosed {
				b.log.Warn("Douyin answers requests again", "after", now.Sub(b.openedAt).Round(time.Second))
			}
			b.state, b.probing = CircuitClosed, false
			b.wakeLocked()
		}
	default:
		if probe && b.state == CircuitHalfOpen {
			b.probing = false // the next request probes
			b.wakeLocked()
		}
	}
}

// newCookie closes the circuit: a fresh cookie is the cure the refusal
// message asks for, so requests go at once with it; if Douyin still
// refuses, that is a new episode (said again, the pause from its base).
func (b *circuit) newCookie() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state != CircuitClosed {
		b.state, b.probing = CircuitClosed, false
		b.wakeLocked()
	}
}

// rateLimited pauses every request for d (a 429's Retry-After or back-off).
func (b *circuit) rateLimited(d time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.paused++
	if until := time.Now().Add(d); until.After(b.pauseUntil) {
		b.pauseUntil = until
	}
}

// Refusing reports whether a request now would have to wait for the
// circuit (open and in its pause, or half-open with the probe out): a
// listing that has content serves it rather than wait. Once the pause is
// over it is false, so that a refresh may be the probe.
func (c *Client) Refusing() bool { return c.risk.refusing() }

func (b *circuit) refusing() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case CircuitOpen:
		return time.Now().Before(b.reopen)
	case CircuitHalfOpen:
		return b.probing
	}
	return false
}

// RiskStats are the circuit's figures for .douyinfs/stats.json and
// /metrics.
type RiskStats struct {
	Circuit      string           // CircuitClosed, CircuitHalfOpen or CircuitOpen
	Opened       int64            // times the circuit opened
	Held         int64            // requests not sent because it was open
	Answers      map[string]int64 // risk answers by kind
	RatePauses   int64            // 429 answers that paused every request
	LoginExpired bool             // a me/ endpoint said the session has expired
}

func (b *circuit) snapshot() RiskStats {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := RiskStats{Circuit: b.state, Opened: b.opened, Held: b.held, Answers: make(map[string]int64, len(b.signals)), RatePauses: b.paused}
	for k, v := range b.signals {
		s.Answers[k] = v
	}
	return s
}

// guarded: requests to Douyin's own API hosts go through the circuit; the
// token, short-link and login hosts are other services.
func (ep *endpoint) guarded() bool {
	return ep.host == hostWWW || ep.host == hostLive || ep.host == hostWebcast
}

// riskAnswer names the risk answer resp is, or "". Verify pages are
// recognised by their shape, since their exact form is not documented
// (spec §10.2 names "risk control that needs a captcha solved in a real
// browser"): HTML where JSON was asked for, or a redirect whose target
// names a captcha or verify service.
func riskAnswer(resp httpResp) string {
	switch {
	case resp.status == 444:
		return riskHTTP444
	case resp.status >= 300 && resp.status < 400:
		if captchaTarget(resp.location) {
			return riskCaptcha
		}
	case resp.status >= 200 && resp.status < 300:
		if b := strings.TrimSpace(string(resp.body[:min(len(resp.body), 512)])); strings.HasPrefix(b, "<") {
			return riskVerify
		}
	}
	return ""
}

func captchaTarget(loc string) bool {
	u, err := url.Parse(loc)
	if err != nil {
		return false
	}
	s := strings.ToLower(u.Host + u.Path)
	return strings.Contains(s, "captcha") || strings.Contains(s, "verify")
}

// loginState remembers whether Douyin said the cookie's session expired
// (status 8 on an endpoint that needs a login), said once in the log.
type loginState struct {
	mu      sync.Mutex
	expired bool
}

// set records what a login endpoint answered; it logs on a change.
func (l *loginState) set(expired bool, log *slog.Logger, endpoint string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if expired == l.expired {
		return
	}
	l.expired = expired
	if expired {
		log.Warn("Douyin says the login session has expired: me/ is unavailable; refresh the cookie from a browser", "endpoint", endpoint)
	} else {
		log.Warn("Douyin accepts the login cookie again", "endpoint", endpoint)
	}
}

// forget: a new cookie's session is not known to have expired.
func (l *loginState) forget() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.expired = false
}

func (l *loginState) get() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.expired
}
