// Package fetch is the Douyin web API client: request construction,
// signing, tokens, retries, rate limiting, the models it decodes into,
// cursor pagination, ID extraction from URLs and share texts, login, and
// live rooms. Its HTTP plumbing is fetch/httpx's; the bytes of videos,
// pictures, music and live streams are read by fetch/media, given the URLs
// this package decodes.
//
// The facts about Douyin come from fetch/docs/douyin-web-api.md; section
// numbers in comments (§1.3, §5.1, ...) refer to it.
package fetch

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
	"golang.org/x/time/rate"

	"github.com/douyinfs/douyinfs/fetch/httpx"
	"github.com/douyinfs/douyinfs/sign"
)

// Hosts are the base URLs of every service, each configurable.
type Hosts struct {
	WWW, Live, Webcast, MsToken, TTWID, WebID, ShortLink, SSO string
}

// Config is everything the API client needs, parsed by cmd; start from
// DefaultConfig. Zero means zero: Retries 0 is one attempt, RetryBackoff 0
// retries at once, MaxPages 0 is no cap, RateLimit 0 no limit.
type Config struct {
	Hosts          Hosts
	Cookie         string // secret: never logged
	UserAgent      string
	Signing        sign.Scheme
	Timeout        time.Duration // one request
	Retries        int           // retries after the first attempt of a request
	RetryBackoff   time.Duration // first back-off, doubling, with jitter
	RateLimit      float64       // API requests per second, all endpoints
	RateBurst      int
	MaxConnections int
	MaxBody        int64
	PageSize       int
	MaxEmptyPages  int // at least 1
	MaxPages       int // 0 = no cap
	// CommentPages caps the pages of one post's comments, and of each
	// comment's replies; RelatedPages the pages of a post's related posts
	// (a list that may never end). Both at least 1.
	CommentPages int
	RelatedPages int
	VideoQuality string // "best", "h264", "smallest"
	// RiskPause is how long every API request is held back once Douyin's
	// risk control refuses one (risk.go); it doubles while refusals go on.
	RiskPause time.Duration
	Logger    *slog.Logger
	// Proxy is how API connections reach their hosts [direct].
	Proxy httpx.Proxy
}

// DefaultConfig is the client's configuration as config.toml documents it:
// Douyin's own hosts, a guest (no cookie).
func DefaultConfig() Config {
	return Config{
		Hosts: Hosts{
			WWW:       "https://www.douyin.com",
			Live:      "https://live.douyin.com",
			Webcast:   "https://webcast.amemv.com",
			MsToken:   "https://mssdk.bytedance.com",
			TTWID:     "https://ttwid.bytedance.com",
			WebID:     "https://mcs.zijieapi.com",
			ShortLink: "https://v.douyin.com",
			SSO:       "https://sso.douyin.com",
		},
		UserAgent:      httpx.DefaultUserAgent,
		Signing:        sign.SchemeABogus,
		Timeout:        15 * time.Second,
		Retries:        4,
		RetryBackoff:   250 * time.Millisecond,
		RateLimit:      5,
		RateBurst:      10,
		MaxConnections: 16,
		MaxBody:        16 << 20,
		PageSize:       20,
		MaxEmptyPages:  3,
		CommentPages:   5,
		RelatedPages:   3,
		VideoQuality:   QualityBest,
		RiskPause:      30 * time.Second,
	}
}

// CheckBaseURL says why s cannot be a host's base URL, or nil. cmd checks
// the configured hosts with it too.
func CheckBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) base URL", s)
	}
	return nil
}

// CheckVideoQuality says why q is not a video quality, or nil.
func CheckVideoQuality(q string) error {
	switch q {
	case QualityBest, QualityH264, QualitySmallest:
		return nil
	}
	return fmt.Errorf("%q is not %s, %s or %s", q, QualityBest, QualityH264, QualitySmallest)
}

// check refuses what cannot work, naming the field.
func (c Config) check() error {
	for _, h := range []struct{ name, v string }{{"www", c.Hosts.WWW}, {"live", c.Hosts.Live}, {"webcast", c.Hosts.Webcast}} {
		if h.v == "" {
			return fmt.Errorf("fetch: host %s is not configured", h.name)
		}
	}
	for _, h := range []struct{ name, v string }{
		{"www", c.Hosts.WWW}, {"live", c.Hosts.Live}, {"webcast", c.Hosts.Webcast},
		{"mstoken", c.Hosts.MsToken}, {"ttwid", c.Hosts.TTWID}, {"webid", c.Hosts.WebID},
		{"short_link", c.Hosts.ShortLink}, {"sso", c.Hosts.SSO},
	} {
		if h.v == "" {
			continue
		}
		if err := CheckBaseURL(h.v); err != nil {
			return fmt.Errorf("fetch: host %s: %w", h.name, err)
		}
	}
	if err := CheckVideoQuality(c.VideoQuality); err != nil {
		return fmt.Errorf("fetch: video quality: %w", err)
	}
	switch {
	case strings.ContainsAny(c.Cookie, "\r\n"):
		return errors.New("fetch: the cookie contains a line break")
	case c.UserAgent == "":
		return errors.New("fetch: no User-Agent")
	case c.Timeout <= 0:
		return fmt.Errorf("fetch: Timeout %v is not positive", c.Timeout)
	case c.Retries < 0 || c.RetryBackoff < 0 || c.RiskPause < 0:
		return fmt.Errorf("fetch: Retries %d, RetryBackoff %v or RiskPause %v is negative", c.Retries, c.RetryBackoff, c.RiskPause)
	case c.MaxConnections <= 0 || c.MaxBody <= 0 || c.PageSize <= 0:
		return fmt.Errorf("fetch: MaxConnections %d, MaxBody %d and PageSize %d must be positive", c.MaxConnections, c.MaxBody, c.PageSize)
	case c.MaxEmptyPages < 1 || c.MaxPages < 0:
		return fmt.Errorf("fetch: MaxEmptyPages %d is below 1 or MaxPages %d negative", c.MaxEmptyPages, c.MaxPages)
	case c.CommentPages < 1 || c.RelatedPages < 1:
		return fmt.Errorf("fetch: CommentPages %d and RelatedPages %d must be at least 1", c.CommentPages, c.RelatedPages)
	}
	return nil
}

// maxRetryAfter caps a server's Retry-After so one answer cannot park a
// request for hours; the ctx deadline usually cuts it shorter.
const maxRetryAfter = time.Minute

// Client speaks Douyin's web API. It is safe for concurrent use.
type Client struct {
	cfg     Config
	log     *slog.Logger
	hc      *fasthttp.Client // API, token, short-link and SSO requests
	limiter *rate.Limiter
	hosts   hostSet // configured hosts, the only ones Resolve and login follow
	// verifyFp is generated once per process, as F2 does (§1.2.3).
	verifyFp string
	tokens   tokens
	// msTokenWarned: a failed msToken registration is worth one warning;
	// later failures (every token refresh) only a debug line.
	msTokenWarned atomic.Bool
	stats         statsCounter
	risk          *circuit     // back-off as a whole from risk control (risk.go)
	login         loginState   // whether Douyin said the session expired
	feedIndex     atomic.Int64 // refresh_index of the next home feed call

	// now and jitter are replaceable in tests; jitter(n) is uniform in [0,n).
	now    func() time.Time
	jitter func(n int64) int64
	// signUA, when set, is the User-Agent fed to the signer instead of the
	// one sent: only tests set it, to see a mismatched signature refused.
	signUA string

	closeOnce sync.Once
	closed    atomic.Bool

	// cookie is cfg.Cookie until SetCookie replaces it (a reloaded
	// cookie_file); never nil.
	cookie atomic.Pointer[string]
}

// NewClient checks cfg and builds a client. No request is made until the
// first API call: tokens are fetched lazily.
//
// Hosts WWW, Live and Webcast are required. An empty MsToken host means
// "use the false msToken"; an empty TTWID host means no ttwid is fetched;
// an empty ShortLink host disables short links; an empty SSO host disables
// login. WebID is accepted but unused: F2 sends no webid (§5.3).
func NewClient(cfg Config) (*Client, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	cfg.Hosts = trimHosts(cfg.Hosts)
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Client{
		cfg:     cfg,
		log:     log,
		limiter: newRateLimiter(cfg.RateLimit, cfg.RateBurst),
		hosts:   newHostSet(cfg.Hosts),
		now:     time.Now,
		jitter:  func(n int64) int64 { return rand.Int64N(n) },
		stats:   newStatsCounter(),
		risk:    newCircuit(cfg.RiskPause, log),
	}
	c.cookie.Store(&cfg.Cookie)
	c.verifyFp = sign.VerifyFp(time.Now().UnixMilli(), rand.IntN)
	// A request waits for a free connection instead of failing at once;
	// its deadline still bounds the wait.
	c.hc = httpx.NewClient(httpx.ClientConfig{
		MaxConnsPerHost: cfg.MaxConnections,
		Timeout:         cfg.Timeout,
		ReadTimeout:     cfg.Timeout,
		MaxBody:         int(cfg.MaxBody),
		Proxy:           cfg.Proxy,
	})
	return c, nil
}

func trimHosts(h Hosts) Hosts {
	t := func(s string) string { return strings.TrimRight(s, "/") }
	return Hosts{WWW: t(h.WWW), Live: t(h.Live), Webcast: t(h.Webcast), MsToken: t(h.MsToken), TTWID: t(h.TTWID), WebID: t(h.WebID), ShortLink: t(h.ShortLink), SSO: t(h.SSO)}
}

// ErrClosed is returned by calls on a closed Client.
var ErrClosed = errors.New("fetch: the client is closed")

// Close releases idle connections; later calls fail with ErrClosed.
func (c *Client) Close() {
	c.closeOnce.Do(func() {
		c.closed.Store(true)
		c.hc.CloseIdleConnections()
	})
}

// Session cookies that only a logged-in browser has (spec §5.5).
var sessionCookies = []string{"sessionid", "sessionid_ss", "sid_guard"}

// LoggedIn reports whether the configured cookie holds a session cookie
// (sessionid, sessionid_ss or sid_guard with a value). It does not ask
// Douyin; an expired session shows up as ErrLoginRequired later.
func (c *Client) LoggedIn() bool { return hasSession(c.currentCookie()) }

// currentCookie is the cookie requests carry now.
func (c *Client) currentCookie() string { return *c.cookie.Load() }

// SetCookie replaces the cookie of every later request, as when the
// cookie file changed. It refuses what Config refuses.
func (c *Client) SetCookie(cookie string) error {
	if strings.ContainsAny(cookie, "\r\n") {
		return errors.New("fetch: the cookie contains a line break")
	}
	if old := c.cookie.Swap(&cookie); old == nil || *old != cookie {
		c.risk.newCookie()
		c.login.forget()
	}
	return nil
}

func hasSession(cookie string) bool {
	for _, name := range sessionCookies {
		if cookieValue(cookie, name) != "" {
			return true
		}
	}
	return false
}

// cookieValue returns the value of name in a "k=v; k=v" cookie string.
func cookieValue(cookie, name string) string {
	for part := range strings.SplitSeq(cookie, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && k == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// Stats returns a snapshot of the client's counters.
func (c *Client) Stats() ClientStats {
	s := c.stats.snapshot()
	s.Risk = c.risk.snapshot()
	s.Risk.LoginExpired = c.login.get()
	return s
}

// ClientStats are counters for .douyinfs/stats.json and metrics.
type ClientStats struct {
	Requests map[string]int64 // by endpoint name ("user_posts", ...)
	Errors   map[string]int64 // by endpoint name
	Retries  int64
	Rejected int64 // empty bodies
	Risk     RiskStats
}

type statsCounter struct {
	mu       sync.Mutex
	requests map[string]int64
	errors   map[string]int64
	retries  int64
	rejected int64
}

func newStatsCounter() statsCounter {
	return statsCounter{requests: map[string]int64{}, errors: map[string]int64{}}
}

func (s *statsCounter) request(ep string) { s.mu.Lock(); s.requests[ep]++; s.mu.Unlock() }
func (s *statsCounter) error(ep string)   { s.mu.Lock(); s.errors[ep]++; s.mu.Unlock() }
func (s *statsCounter) retry()            { s.mu.Lock(); s.retries++; s.mu.Unlock() }
func (s *statsCounter) reject()           { s.mu.Lock(); s.rejected++; s.mu.Unlock() }

func (s *statsCounter) snapshot() ClientStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := ClientStats{Requests: make(map[string]int64, len(s.requests)), Errors: make(map[string]int64, len(s.errors)), Retries: s.retries, Rejected: s.rejected}
	for k, v := range s.requests {
		out.Requests[k] = v
	}
	for k, v := range s.errors {
		out.Errors[k] = v
	}
	return out
}

// hostSet is the set of configured hosts (scheme://host[:port]), the only
// places Resolve and the login flow will send a request to.
type hostSet map[string]bool

func newHostSet(h Hosts) hostSet {
	s := hostSet{}
	for _, b := range []string{h.WWW, h.Live, h.Webcast, h.MsToken, h.TTWID, h.WebID, h.ShortLink, h.SSO} {
		if u, err := url.Parse(b); err == nil && u.Host != "" {
			s[u.Scheme+"://"+strings.ToLower(u.Host)] = true
		}
	}
	return s
}

func (s hostSet) has(u *url.URL) bool {
	return u != nil && s[u.Scheme+"://"+strings.ToLower(u.Host)]
}
