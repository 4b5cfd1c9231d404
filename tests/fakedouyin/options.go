package fakedouyin

import (
	"fmt"
	"log/slog"
	"net"
	"time"
)

// Options shape the world (fixed at Start) and the server's behaviour
// (changeable at run time with Server.SetOptions).
type Options struct {
	// Addr is the listen address; it must be a loopback address.
	// Default "127.0.0.1:0" (a random port).
	Addr string

	// World shape. Changing these with SetOptions has no effect.
	Seed         int64
	Users        int   // default 3
	PostsPerUser int   // default 30
	BigVideoSize int64 // 0 = none; adds one video of that size as the newest post of the first user
	// BigMoovSize > 0 adds a real moov-at-end MP4 of that size (the
	// embedded one, its mdat padded) as the first user's newest post
	// after the big video (World.BigMoovPost).
	BigMoovSize int64

	// Timing.
	APILatency    time.Duration // added before every API answer
	CDNTTFB       time.Duration // added before the first byte of media, play hops and live streams
	ConnBandwidth int64         // bytes/s per response body on media and live, 0 = unlimited

	// Faults, as fractions 0..1. 5xx, 429, reset and stall are drawn once
	// per request in that order (their sum should stay <= 1); malformed
	// JSON is drawn separately for API answers that are otherwise fine.
	Fault5xx      float64
	Fault429      float64
	FaultReset    float64
	FaultStall    float64
	MalformedRate float64

	URLTTL         time.Duration // media URL lifetime, default 1h
	EmptyPageQuirk bool          // posts/likes lists insert empty pages with has_more=1
	DeadMirror     bool          // the first url_list mirror of every media answers 503 or resets
	PlayHop        bool          // one mirror of every video is a /aweme/v1/play/ URL that answers 302 (on in NewDefault)

	// CDN behaviour. The zero values are the real service's (spec §7.5,
	// §10.5, §11 open facts 4 and 7); each field switches one off, or
	// turns on a fault the real CDN shows only now and then.
	//
	// ExactDataSize makes every video's data_size the length the CDN
	// serves. Off (the default), about a third of the videos report a
	// data_size larger and another third a smaller one (Server.DataSize).
	ExactDataSize bool
	// QueryExpiry gives video CDN URLs their expiry as an x-expires query
	// parameter. Off (the default), it is in the path as in real douyinvod
	// URLs: /<signature>/<expiry, hex unix seconds>/video/tos/cn/...
	QueryExpiry bool
	// NoRefererCheck makes the CDN serve any Referer. Off (the default), a
	// request without the site's Referer gets 403.
	NoRefererCheck bool
	// CDNGoneRate is the share (0..1) of CDN requests answered 404 or 410
	// as if the mirror had dropped the file. GoneMirror makes mirror m0
	// answer every request so (404 for videos, 410 for the rest).
	CDNGoneRate float64
	GoneMirror  bool
	// IgnoreRange makes the CDN answer every GET 200 with the whole body,
	// whatever its Range header.
	IgnoreRange bool

	// SameDetailGears makes aweme/detail list the same bit_rate gears as
	// the lists. Off (the default), detail answers with its own gear set,
	// as the real service does (Post.DetailRenditions).
	SameDetailGears bool

	// NoPrivateUser leaves out the private account (World.PrivateUser)
	// that every world otherwise gets after its Users.
	NoPrivateUser bool

	// NoPinned leaves pinned posts in their place; otherwise the first
	// page of a posts list starts with the user's pinned posts (older
	// ones, is_top 1, User.Pinned), as the real service's does.
	NoPinned bool
	// NoHiddenPosts leaves deleted and prohibited posts out of the posts
	// and likes lists; otherwise lists carry them (User.Removed), marked
	// status.is_delete or is_prohibited, as the real service's do.
	NoHiddenPosts bool
	// LikesByCreateTime (world shape) pages likes by the liked posts'
	// create time; otherwise by like time (User.LikeTimes), so items come
	// out of create-time order and cursors match no item's create_time,
	// as in the real like_list capture.
	LikesByCreateTime bool

	// EmptyPageRun N > 0 puts one run of N empty has_more=1 pages in every
	// posts or likes list (somewhere past the first page, the same on every
	// walk); a run longer than the client's max_empty_pages stops its pager
	// early. It replaces EmptyPageQuirk.
	EmptyPageRun int
	// RepeatCursorRate is the share (0..1) of posts and likes pages past
	// the first that, the first time they are asked for, answer has_more=1
	// with the cursor they were asked for.
	RepeatCursorRate float64

	// GuestAllPages serves a guest (no login cookie) every page of a
	// user's posts. Otherwise a guest gets the first page only: it says
	// has_more 1, and the next page is empty with has_more 0 (reported for
	// the real service in 2026, spec §3.4, F2 issue #435; open fact 10).
	GuestAllPages bool
	// RelatedEnds ends a post's related list (has_more 0 after its last
	// post). Otherwise the list starts over with has_more 1, never ending
	// (spec §11 fact 17).
	RelatedEnds bool
	// LooseMsToken accepts any 164- or 184-character msToken of the right
	// alphabet; otherwise only tokens this server issued at /web/r/token
	// pass (the real service checks its tokens, F2 FAQ; spec §11 fact 9).
	LooseMsToken bool
	// DetailAcceptsXBogus accepts X-Bogus on aweme/detail; otherwise it
	// wants a_bogus, as the real endpoint has since 2024 (spec §1.4).
	DetailAcceptsXBogus bool
	// NoCookieCheck answers www API requests whatever their cookie.
	// Otherwise a request without a browser's cookie gets the empty 200
	// (spec §5.5, §10.2: short or guest-less cookies get empty bodies): the
	// login cookie's session, or a guest browser's identity, a ttwid this
	// server issued and an s_v_web_id of the verifyFp shape.
	NoCookieCheck bool
	// SignatureWindow is how far a signature's timestamp may be from the
	// server clock. Default 10m.
	SignatureWindow time.Duration
	// QRLifetime is how long a login QR code may take to be confirmed
	// before check_qrconnect answers "5". Default 2m.
	QRLifetime time.Duration
	// QRPollsPerStep is the number of check_qrconnect polls per status
	// step. Default 1.
	QRPollsPerStep int

	// ThrottleRate > 0 turns on rate-triggered risk control (risk.go):
	// past this many API requests in a second, 429 without Retry-After,
	// then 444, then empty bodies for ThrottlePeriod (default 5s), then
	// normal again.
	ThrottleRate   float64
	ThrottlePeriod time.Duration
	// VerifyPage answers every API request with a verify page: VerifyHTML
	// (an HTML 200) or VerifyRedirect (a 302 to the captcha service); ""
	// is off.
	VerifyPage string

	// Live FLV connections are cut in the middle of a tag after
	// LiveCutEvery of streaming (default 30s, as CDN edges drop long
	// pulls; negative: never) and after LiveCutAfter bytes (0: never).
	// A cut resets the connection, or with LiveCutStall leaves it open
	// and silent.
	LiveCutEvery time.Duration
	LiveCutAfter int64
	LiveCutStall bool

	// Log receives one line per request at debug level; nil discards.
	Log *slog.Logger
}

// NewDefault returns the options a plain demo uses: the defaults below plus
// PlayHop on.
func NewDefault() Options {
	o := Options{PlayHop: true}
	o.fill()
	return o
}

// fill replaces zero values with defaults.
func (o *Options) fill() {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.Users <= 0 {
		o.Users = 3
	}
	if o.PostsPerUser <= 0 {
		o.PostsPerUser = 30
	}
	if o.URLTTL <= 0 {
		o.URLTTL = time.Hour
	}
	if o.SignatureWindow <= 0 {
		o.SignatureWindow = 10 * time.Minute
	}
	if o.QRLifetime <= 0 {
		o.QRLifetime = 2 * time.Minute
	}
	if o.ThrottlePeriod <= 0 {
		o.ThrottlePeriod = 5 * time.Second
	}
	if o.QRPollsPerStep <= 0 {
		o.QRPollsPerStep = 1
	}
	if o.LiveCutEvery == 0 {
		o.LiveCutEvery = 30 * time.Second
	}
}

// checkLoopback refuses any listen address that is not on a loopback
// interface: the fake must never be reachable from elsewhere.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("fakedouyin: listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("fakedouyin: listen address %q is not a loopback address", addr)
	}
	return nil
}
