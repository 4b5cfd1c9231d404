package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/douyinfs/douyinfs/cache"
	"github.com/douyinfs/douyinfs/fetch"
)

type stubStats struct{}

func (stubStats) Stats() fetch.ClientStats {
	return fetch.ClientStats{
		Requests: map[string]int64{"user_posts": 10, "post_detail": 3},
		Errors:   map[string]int64{"user_posts": 2, "user_profile": 1},
		Retries:  4, Rejected: 1,
	}
}

type stubMedia struct{}

func (stubMedia) Stats() fetch.ReaderStats {
	return fetch.ReaderStats{BytesFetched: 1 << 20, Requests: 7, Retries: 1, Refreshes: 2, PrefetchInFlight: 4096, OpenHandles: 3}
}

type stubBlocks struct{}

func (stubBlocks) Stats() cache.BlockStats {
	return cache.BlockStats{Hits: 100, Misses: 9, Evictions: 5, Bytes: 2 << 20, InFlight: 1024}
}

type stubFS struct{}

func (stubFS) Stats() map[string]any { return map[string]any{} }

func TestWriteMetrics(t *testing.T) {
	var b bytes.Buffer
	writeMetrics(&b, statsSource{api: stubStats{}, media: stubMedia{}, blocks: stubBlocks{}, fs: stubFS{}})
	out := b.String()
	for _, want := range []string{
		"# TYPE douyinfs_api_requests_total counter\n",
		`douyinfs_api_requests_total{endpoint="post_detail"} 3` + "\n",
		`douyinfs_api_requests_total{endpoint="user_posts"} 10` + "\n",
		`douyinfs_api_requests_total{endpoint="user_profile"} 0` + "\n",
		`douyinfs_api_errors_total{endpoint="user_posts"} 2` + "\n",
		`douyinfs_api_errors_total{endpoint="user_profile"} 1` + "\n",
		"douyinfs_api_retries_total 4\n",
		"douyinfs_api_rejected_total 1\n",
		"douyinfs_media_bytes_total 1048576\n",
		"douyinfs_prefetch_in_flight_bytes 4096\n",
		"# TYPE douyinfs_open_handles gauge\ndouyinfs_open_handles 3\n",
		"douyinfs_cache_hits_total 100\n",
		"douyinfs_cache_misses_total 9\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	// Every line is a comment or "name{labels} value".
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
