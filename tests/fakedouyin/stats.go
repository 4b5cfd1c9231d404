package fakedouyin

import (
	"maps"
	"sync"
	"sync/atomic"
)

// Stats are the server's counters since Start or the last ResetStats.
type Stats struct {
	// Requests per endpoint: the API path (e.g. "/aweme/v1/web/aweme/post/"),
	// or "cdn" (media bytes), "play" (play-URL hops), "live-flv",
	// "live-hls", "/files/", "/v/" (short links).
	Requests map[string]int64 `json:"requests"`
	// Rejected counts answers refused for a missing or bad signature,
	// parameter, msToken, ttwid or login (RejectReasons says which).
	Rejected      int64            `json:"rejected"`
	RejectReasons map[string]int64 `json:"reject_reasons"`
	// Bytes of media bodies sent by the CDN, /files/ and live streams.
	CDNBytes   int64 `json:"cdn_bytes"`
	FilesBytes int64 `json:"files_bytes"`
	LiveBytes  int64 `json:"live_bytes"`
	// Faults injected, by kind: "5xx", "429", "reset", "stall",
	// "malformed", "dead-mirror".
	Faults map[string]int64 `json:"faults"`
	// Expired counts media requests refused with 403 because the URL had
	// expired.
	Expired int64 `json:"expired"`

	// Gauges, not zeroed by ResetStats: CDN answers being sent now, and
	// live FLV streams being sent now. A client that closed what it no
	// longer reads brings them back to 0.
	OpenMedia int64 `json:"open_media"`
	OpenLive  int64 `json:"open_live"`
}

// counters is the mutable form of Stats.
type counters struct {
	mu sync.Mutex
	s  Stats

	openMedia, openLive atomic.Int64
}

func newCounters() *counters {
	c := &counters{}
	c.reset()
	return c
}

func (c *counters) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.s = Stats{Requests: map[string]int64{}, RejectReasons: map[string]int64{}, Faults: map[string]int64{}}
}

func (c *counters) snapshot() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.s
	s.Requests = maps.Clone(c.s.Requests)
	s.RejectReasons = maps.Clone(c.s.RejectReasons)
	s.Faults = maps.Clone(c.s.Faults)
	s.OpenMedia, s.OpenLive = c.openMedia.Load(), c.openLive.Load()
	return s
}

// open counts one answer of a gauge's kind until the returned func is
// called (when its handler returns, i.e. the client left or got it all).
func (c *counters) open(g *atomic.Int64) func() {
	g.Add(1)
	return func() { g.Add(-1) }
}

func (c *counters) request(key string) {
	c.mu.Lock()
	c.s.Requests[key]++
	c.mu.Unlock()
}

func (c *counters) reject(reason string) {
	c.mu.Lock()
	c.s.Rejected++
	c.s.RejectReasons[reason]++
	c.mu.Unlock()
}

func (c *counters) fault(kind string) {
	c.mu.Lock()
	c.s.Faults[kind]++
	c.mu.Unlock()
}

func (c *counters) expired() {
	c.mu.Lock()
	c.s.Expired++
	c.mu.Unlock()
}

// byteCounter kinds.
const (
	bytesCDN = iota
	bytesFiles
	bytesLive
)

func (c *counters) addBytes(kind int, n int64) {
	c.mu.Lock()
	switch kind {
	case bytesCDN:
		c.s.CDNBytes += n
	case bytesFiles:
		c.s.FilesBytes += n
	case bytesLive:
		c.s.LiveBytes += n
	}
	c.mu.Unlock()
}
