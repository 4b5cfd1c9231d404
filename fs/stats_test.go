package fs

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
)

// stats.json keeps the keys scripts and the tests read, section by section.
func TestStatsJSONShape(t *testing.T) {
	tr := newFS(DefaultConfig(), nil, nil, nil, nil)
	defer tr.tree.Close()
	tr.stats.errors.Add(2)
	b, err := tr.statsJSON(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	keys := func(m map[string]any) string { return strings.Join(slices.Sorted(maps.Keys(m)), " ") }
	want := map[string]string{
		"":      "api api_calls api_errors bytes_fetched cache cache_hits cache_misses errors fs live_streams_open media uptime_seconds",
		"api":   "circuit circuit_held circuit_opened cookie errors rate_pauses rejected requests retries risk_answers",
		"media": "bytes_fetched open_handles prefetch_in_flight refreshes requests retries",
		"cache": "bytes evictions hits in_flight misses",
		"fs":    "errors hidden_posts interrupted listings_cached listings_guest_limited listings_incomplete live_reconnects live_streams_open lookups private_users xattr_requests",
	}
	for sec, w := range want {
		m := doc
		if sec != "" {
			m, _ = doc[sec].(map[string]any)
		}
		if got := keys(m); got != w {
			t.Errorf("stats.json %q keys: %s, want %s", sec, got, w)
		}
	}
	if doc["errors"] != 2.0 || doc["fs"].(map[string]any)["errors"] != 2.0 {
		t.Errorf("errors: %s", b)
	}
	if r, ok := doc["api"].(map[string]any)["requests"].(map[string]any); !ok || len(r) != 0 {
		t.Errorf("api.requests without a client: %s", b)
	}
	if r, ok := doc["api"].(map[string]any)["risk_answers"].(map[string]any); !ok || len(r) != 0 {
		t.Errorf("api.risk_answers without a client: %s", b)
	}
}
