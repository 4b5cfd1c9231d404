package fs

import (
	"context"
	"encoding/json"
	"time"
)

// newStatsFile is .douyinfs/stats.json: what the daemon has cost so far. It
// is rendered fresh on every open (direct I/O), so `cat` always sees now.
func newStatsFile(t *tree) *bytesFile {
	return &bytesFile{node: node{t: t}, what: "stats.json", direct: true,
		content: func(context.Context) ([]byte, error) {
			b, err := json.MarshalIndent(t.statsMap(), "", "  ")
			return append(b, '\n'), err
		}}
}

// statsMap gathers the counters of every layer. The flat keys at the top are
// the ones a person looks for first; the sections hold the detail.
func (t *tree) statsMap() map[string]any {
	var api struct {
		Requests map[string]int64 `json:"requests"`
		Errors   map[string]int64 `json:"errors"`
		Retries  int64            `json:"retries"`
		Rejected int64            `json:"rejected"`
	}
	if t.api != nil {
		cs := t.api.Stats()
		api.Requests, api.Errors, api.Retries, api.Rejected = cs.Requests, cs.Errors, cs.Retries, cs.Rejected
	}
	var apiCalls, apiErrors int64
	for _, n := range api.Requests {
		apiCalls += n
	}
	for _, n := range api.Errors {
		apiErrors += n
	}
	media := map[string]any{}
	var bytesFetched int64
	if t.media != nil {
		ms := t.media.Stats()
		bytesFetched = ms.BytesFetched
		media = map[string]any{
			"bytes_fetched":      ms.BytesFetched,
			"requests":           ms.Requests,
			"retries":            ms.Retries,
			"refreshes":          ms.Refreshes,
			"prefetch_in_flight": ms.PrefetchInFlight,
			"open_handles":       ms.OpenHandles,
		}
	}
	bs := t.blocks()
	t.listsMu.Lock()
	listings := len(t.lists)
	t.listsMu.Unlock()
	return map[string]any{
		"api_calls":         apiCalls,
		"api_errors":        apiErrors,
		"bytes_fetched":     bytesFetched,
		"cache_hits":        bs.Hits,
		"cache_misses":      bs.Misses,
		"errors":            apiErrors + t.stats.errors.Load(),
		"live_streams_open": t.stats.liveOpen.Load(),
		"uptime_seconds":    int64(t.now().Sub(t.start) / time.Second),
		"api":               api,
		"media":             media,
		"cache": map[string]any{
			"hits":      bs.Hits,
			"misses":    bs.Misses,
			"evictions": bs.Evictions,
			"bytes":     bs.Bytes,
			"in_flight": bs.InFlight,
		},
		"fs": map[string]any{
			"lookups":           t.stats.lookups.Load(),
			"errors":            t.stats.errors.Load(),
			"interrupted":       t.stats.interrupted.Load(),
			"listings_cached":   listings,
			"live_streams_open": t.stats.liveOpen.Load(),
		},
	}
}
