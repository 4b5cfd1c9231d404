package main

import (
	"bytes"
	"strings"
	"testing"
)

// statsLike has the shape of fs.Server.Stats: typed values, a struct for
// the API section, nested maps.
func statsLike() map[string]any {
	api := struct {
		Requests map[string]int64 `json:"requests"`
		Errors   map[string]int64 `json:"errors"`
		Retries  int64            `json:"retries"`
		Rejected int64            `json:"rejected"`
	}{map[string]int64{"user_posts": 10, "post_detail": 3}, map[string]int64{"user_posts": 2}, 4, 1}
	return map[string]any{
		"api_calls":      int64(13),
		"cache_hits":     int64(100),
		"uptime_seconds": int64(42),
		"api":            api,
		"media":          map[string]any{"bytes_fetched": int64(1 << 30), "open_handles": int64(3), "prefetch_in_flight": int64(4096)},
		"cache":          map[string]any{"hits": int64(100), "misses": int64(9)},
		"fs":             map[string]any{"lookups": int64(7), "new_figure": int64(5)},
	}
}

func TestWriteMetrics(t *testing.T) {
	var b bytes.Buffer
	if err := writeMetrics(&b, statsLike()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"# TYPE douyinfs_api_requests_total counter\n" +
			`douyinfs_api_requests_total{endpoint="post_detail"} 3` + "\n" +
			`douyinfs_api_requests_total{endpoint="user_posts"} 10` + "\n",
		`douyinfs_api_errors_total{endpoint="user_posts"} 2` + "\n",
		"douyinfs_api_retries_total 4\n",
		"douyinfs_api_rejected_total 1\n",
		"douyinfs_media_bytes_total 1073741824\n",
		"# TYPE douyinfs_prefetch_in_flight_bytes gauge\ndouyinfs_prefetch_in_flight_bytes 4096\n",
		"# TYPE douyinfs_open_handles gauge\ndouyinfs_open_handles 3\n",
		"douyinfs_cache_hits_total 100\n",
		"douyinfs_cache_misses_total 9\n",
		"douyinfs_fs_lookups_total 7\n",
		"douyinfs_uptime_seconds 42\n",
		// Not in the table: still exported.
		"# TYPE douyinfs_fs_new_figure untyped\ndouyinfs_fs_new_figure 5\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	// Headline totals are not repeated; absent figures are not invented.
	for _, absent := range []string{"douyinfs_api_calls", "douyinfs_cache_hits ", "douyinfs_cache_evictions_total"} {
		if strings.Contains(out, absent) {
			t.Errorf("%q in:\n%s", absent, out)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(line, "# HELP ") && !strings.HasPrefix(line, "# TYPE ") && len(strings.Fields(line)) != 2 {
			t.Errorf("bad line %q", line)
		}
	}
	if got := escapeLabel("a\"b\\c\nd"); got != `a\"b\\c\nd` {
		t.Errorf("escape: %s", got)
	}
}

func TestCheckMetricsAddr(t *testing.T) {
	for _, ok := range []string{"127.0.0.1:9101", "[::1]:9101", "localhost:0", "127.0.0.2:80"} {
		if err := checkMetricsAddr(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{":9101", "0.0.0.0:9101", "192.168.1.2:9101", "[::]:9101", "example.com:80", "127.0.0.1"} {
		if err := checkMetricsAddr(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
