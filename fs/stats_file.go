package fs

import (
	"context"
	"encoding/json"
	"time"

	"github.com/douyinfs/douyinfs/fetch"
)

// Stats is one snapshot of every layer's counters. .douyinfs/stats.json is
// its JSON encoding and /metrics reads the same value, so the two cannot
// disagree and a renamed key cannot silently lose a metric.
type Stats struct {
	// Headline figures a person looks for first: totals of the sections
	// below ("errors" adds failed API calls to failed fs operations).
	APICalls        int64 `json:"api_calls"`
	APIErrors       int64 `json:"api_errors"`
	BytesFetched    int64 `json:"bytes_fetched"`
	CacheHits       int64 `json:"cache_hits"`
	CacheMisses     int64 `json:"cache_misses"`
	Errors          int64 `json:"errors"`
	LiveStreamsOpen int64 `json:"live_streams_open"`
	UptimeSeconds   int64 `json:"uptime_seconds"`

	API   APIStats   `json:"api"`
	Media MediaStats `json:"media"`
	Cache CacheStats `json:"cache"`
	FS    TreeStats  `json:"fs"`
}

// APIStats count Douyin API calls (fetch.ClientStats).
type APIStats struct {
	Requests map[string]int64 `json:"requests"` // by endpoint, retries included
	Errors   map[string]int64 `json:"errors"`   // by endpoint, after retries
	Retries  int64            `json:"retries"`
	Rejected int64            `json:"rejected"` // empty bodies: signature or cookie refused

	// Risk control (fetch's circuit): "closed", "half-open" or "open";
	// while it is not closed Douyin refuses requests and douyinfs holds
	// them back.
	Circuit       string           `json:"circuit"`
	CircuitOpened int64            `json:"circuit_opened"` // times it opened
	CircuitHeld   int64            `json:"circuit_held"`   // requests not sent because it was open
	RiskAnswers   map[string]int64 `json:"risk_answers"`   // http_444, empty_body, verify_page, captcha_redirect
	RatePauses    int64            `json:"rate_pauses"`    // 429s that held every request back
	// Cookie is the cookie's health as Douyin's answers show it: "ok",
	// "refused" (the circuit is not closed) or "login expired" (a me/
	// endpoint said the session is over).
	Cookie string `json:"cookie"`
}

// MediaStats count the ranged media reader (media.Stats).
type MediaStats struct {
	BytesFetched     int64 `json:"bytes_fetched"`
	Requests         int64 `json:"requests"`
	Retries          int64 `json:"retries"`
	Refreshes        int64 `json:"refreshes"`          // expired URLs fetched anew
	PrefetchInFlight int64 `json:"prefetch_in_flight"` // bytes
	OpenHandles      int64 `json:"open_handles"`
}

// CacheStats count the media block cache (cache.BlockStats).
type CacheStats struct {
	Hits      int64 `json:"hits"`
	Misses    int64 `json:"misses"`
	Evictions int64 `json:"evictions"`
	Bytes     int64 `json:"bytes"`     // held now
	InFlight  int64 `json:"in_flight"` // bytes reserved by fills in flight
}

// TreeStats count the file system's own operations.
type TreeStats struct {
	Lookups        int64 `json:"lookups"`
	Errors         int64 `json:"errors"`
	Interrupted    int64 `json:"interrupted"` // answered EINTR
	ListingsCached int64 `json:"listings_cached"`
	// ListingsIncomplete are cached listings that stopped before the end
	// of their list; the next refresh fetches their tails.
	ListingsIncomplete int64 `json:"listings_incomplete"`
	// PrivateUsers are users whose profile said private account; they
	// are named in .douyinfs/status.txt.
	PrivateUsers int64 `json:"private_users"`
	// ListingsGuestLimited are cached listings Douyin showed only their
	// first page because douyinfs has no login cookie (.douyinfs/status.txt
	// names them).
	ListingsGuestLimited int64 `json:"listings_guest_limited"`
	// HiddenPosts are posts the cached listings left out because Douyin
	// lists them marked deleted or prohibited.
	HiddenPosts     int64 `json:"hidden_posts"`
	LiveStreamsOpen int64 `json:"live_streams_open"`
	// LiveReconnects are the times a live stream's connection dropped or
	// stalled and douyinfs found the room again to carry on.
	LiveReconnects int64 `json:"live_reconnects"`
	XattrRequests  int64 `json:"xattr_requests"` // getxattr and listxattr that reached douyinfs
}

// statsJSON renders .douyinfs/stats.json: what the daemon has cost so far.
// It is rendered fresh on every open (direct I/O), so `cat` always sees now.
func (t *fsys) statsJSON(context.Context) ([]byte, error) {
	s := t.snapshot()
	b, err := json.MarshalIndent(&s, "", "  ")
	return append(b, '\n'), err
}

// snapshot reads the counters of every layer once.
func (t *fsys) snapshot() Stats {
	var s Stats
	if t.api != nil {
		cs := t.api.Stats()
		s.API = APIStats{Requests: cs.Requests, Errors: cs.Errors, Retries: cs.Retries, Rejected: cs.Rejected,
			Circuit: cs.Risk.Circuit, CircuitOpened: cs.Risk.Opened, CircuitHeld: cs.Risk.Held,
			RiskAnswers: cs.Risk.Answers, RatePauses: cs.Risk.RatePauses, Cookie: cookieHealth(cs.Risk)}
	}
	if s.API.RiskAnswers == nil {
		s.API.RiskAnswers = map[string]int64{}
	}
	// Empty, not null, when there is no client yet or nothing was sent.
	if s.API.Requests == nil {
		s.API.Requests = map[string]int64{}
	}
	// Live stream requests are counted with the API's, as "live_stream".
	if t.live != nil {
		if n := t.live.Requests(); n > 0 {
			s.API.Requests["live_stream"] += n
		}
	}
	if s.API.Errors == nil {
		s.API.Errors = map[string]int64{}
	}
	if t.media != nil {
		ms := t.media.Stats()
		s.Media = MediaStats{
			BytesFetched:     ms.BytesFetched,
			Requests:         ms.Requests,
			Retries:          ms.Retries,
			Refreshes:        ms.Refreshes,
			PrefetchInFlight: ms.PrefetchInFlight,
			OpenHandles:      ms.OpenHandles,
		}
	}
	bs := t.blocks()
	s.Cache = CacheStats{Hits: bs.Hits, Misses: bs.Misses, Evictions: bs.Evictions, Bytes: bs.Bytes, InFlight: bs.InFlight}
	listings := t.tree.Listings()
	s.FS = TreeStats{
		Lookups:              t.stats.lookups.Load(),
		Errors:               t.stats.errors.Load(),
		Interrupted:          t.stats.interrupted.Load(),
		ListingsCached:       int64(listings),
		ListingsIncomplete:   int64(t.tree.IncompleteListings()),
		PrivateUsers:         int64(len(t.tree.PrivateUsers())),
		HiddenPosts:          int64(t.tree.HiddenPosts()),
		ListingsGuestLimited: int64(len(t.tree.GuestLimitedListings())),
		LiveStreamsOpen:      t.stats.liveOpen.Load(),
		LiveReconnects:       t.stats.liveAgain.Load(),
		XattrRequests:        t.stats.xattrs.Load(),
	}

	for _, n := range s.API.Requests {
		s.APICalls += n
	}
	for _, n := range s.API.Errors {
		s.APIErrors += n
	}
	s.BytesFetched = s.Media.BytesFetched
	s.CacheHits, s.CacheMisses = s.Cache.Hits, s.Cache.Misses
	s.Errors = s.APIErrors + s.FS.Errors
	s.LiveStreamsOpen = s.FS.LiveStreamsOpen
	s.UptimeSeconds = int64(t.now().Sub(t.start) / time.Second)
	return s
}

// cookieHealth says what Douyin's answers tell of the cookie.
func cookieHealth(r fetch.RiskStats) string {
	switch {
	case r.Circuit != "" && r.Circuit != fetch.CircuitClosed:
		return "refused"
	case r.LoginExpired:
		return "login expired"
	}
	return "ok"
}
