package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	dfs "github.com/douyinfs/douyinfs/fs"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

type fixedStats dfs.Stats

func (f fixedStats) Stats() dfs.Stats { return dfs.Stats(f) }

// distinctStats sets every figure of the snapshot to a different number, so
// a metric that reads the wrong field shows.
func distinctStats() dfs.Stats {
	var s dfs.Stats
	n := int64(0)
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				fill(v.Field(i))
			}
		case reflect.String:
			// States ("closed", "ok"): their metrics map them to numbers
			// (TestRiskMetrics); left empty here.
		case reflect.Int64:
			n++
			v.SetInt(n * 1000)
		case reflect.Map:
			n++
			v.Set(reflect.ValueOf(map[string]int64{"user_posts": n * 1000, "post_detail": n*1000 + 1}))
		default:
			panic("distinctStats: a figure of kind " + v.Kind().String())
		}
	}
	fill(reflect.ValueOf(&s).Elem())
	return s
}

// scrape serves /metrics as the daemon does and parses the answer with
// Prometheus's own text parser.
func scrape(t *testing.T, src statsSource) map[string]*dto.MetricFamily {
	t.Helper()
	ms, err := listenMetrics("127.0.0.1:0", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ms.serve(src)
	defer ms.Close()
	resp, err := http.Get("http://" + ms.ln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Fatalf("%s, Content-Type %q", resp.Status, ct)
	}
	body, _ := io.ReadAll(resp.Body)
	p := expfmt.NewTextParser(model.LegacyValidation)
	mfs, err := p.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("/metrics is not Prometheus text: %v\n%s", err, body)
	}
	return mfs
}

// Every figure of stats.json, but the headline totals, is a metric with
// the same value; a new figure without a metric fails here.
func TestMetricsFromStats(t *testing.T) {
	s := distinctStats()
	mfs := scrape(t, fixedStats(s))

	// stats.json path -> metric. Headline totals repeat the sections.
	want := map[string]string{
		"api.requests":              "douyinfs_api_requests_total",
		"api.errors":                "douyinfs_api_errors_total",
		"api.retries":               "douyinfs_api_retries_total",
		"api.rejected":              "douyinfs_api_rejected_total",
		"api.circuit":               "douyinfs_api_circuit_state",
		"api.circuit_opened":        "douyinfs_api_circuit_opened_total",
		"api.circuit_held":          "douyinfs_api_circuit_held_total",
		"api.risk_answers":          "douyinfs_api_risk_answers_total",
		"api.rate_pauses":           "douyinfs_api_rate_pauses_total",
		"api.cookie":                "douyinfs_cookie_login_expired",
		"media.requests":            "douyinfs_media_requests_total",
		"media.bytes_fetched":       "douyinfs_media_bytes_total",
		"media.retries":             "douyinfs_media_retries_total",
		"media.refreshes":           "douyinfs_media_url_refreshes_total",
		"media.prefetch_in_flight":  "douyinfs_prefetch_in_flight_bytes",
		"media.open_handles":        "douyinfs_open_handles",
		"cache.hits":                "douyinfs_cache_hits_total",
		"cache.misses":              "douyinfs_cache_misses_total",
		"cache.evictions":           "douyinfs_cache_evictions_total",
		"cache.bytes":               "douyinfs_cache_bytes",
		"cache.in_flight":           "douyinfs_cache_in_flight_bytes",
		"fs.lookups":                "douyinfs_fs_lookups_total",
		"fs.errors":                 "douyinfs_fs_errors_total",
		"fs.interrupted":            "douyinfs_fs_interrupted_total",
		"fs.listings_cached":        "douyinfs_fs_listings_cached",
		"fs.listings_incomplete":    "douyinfs_fs_listings_incomplete",
		"fs.private_users":          "douyinfs_fs_private_users",
		"fs.hidden_posts":           "douyinfs_fs_hidden_posts",
		"fs.listings_guest_limited": "douyinfs_fs_listings_guest_limited",
		"fs.live_streams_open":      "douyinfs_live_streams_open",
		"fs.live_reconnects":        "douyinfs_live_reconnects_total",
		"fs.xattr_requests":         "douyinfs_fs_xattr_requests_total",
		"uptime_seconds":            "douyinfs_uptime_seconds",
	}
	headline := []string{"api_calls", "api_errors", "bytes_fetched", "cache_hits", "cache_misses", "errors", "live_streams_open"}

	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	leaves := map[string]any{}
	for k, v := range doc {
		if sec, ok := v.(map[string]any); ok {
			for k2, v2 := range sec {
				leaves[k+"."+k2] = v2
			}
		} else if !slices.Contains(headline, k) {
			leaves[k] = v
		}
	}
	for _, path := range slices.Sorted(maps.Keys(leaves)) {
		name, ok := want[path]
		if !ok {
			t.Errorf("stats.json figure %s has no metric", path)
			continue
		}
		delete(want, path)
		mf := mfs[name]
		if mf == nil {
			t.Errorf("%s: no %s in /metrics", path, name)
			continue
		}
		switch v := leaves[path].(type) {
		case float64:
			if len(mf.Metric) != 1 || value(mf.Metric[0]) != v {
				t.Errorf("%s = %v, %s = %v", path, v, name, mf.Metric)
			}
		case map[string]any:
			got := map[string]float64{}
			for _, m := range mf.Metric {
				if len(m.Label) != 1 || (m.Label[0].GetName() != "endpoint" && m.Label[0].GetName() != "kind") {
					t.Errorf("%s: labels %v", name, m.Label)
					continue
				}
				got[m.Label[0].GetValue()] = value(m)
			}
			for ep, n := range v {
				if got[ep] != n.(float64) {
					t.Errorf("%s[%s] = %v, %s{endpoint=%q} = %v", path, ep, n, name, ep, got[ep])
				}
			}
			if len(got) != len(v) {
				t.Errorf("%s has %d endpoints, %s %d", path, len(v), name, len(got))
			}
		}
	}
	for path, name := range want {
		t.Errorf("%s: stats.json has no %s", name, path)
	}

	// Names follow Prometheus's conventions: counters end in _total, units
	// are in names.
	var ours []*dto.MetricFamily
	for name, mf := range mfs {
		if strings.HasPrefix(name, "douyinfs_") {
			ours = append(ours, mf)
		}
	}
	problems, err := promlint.NewWithMetricFamilies(ours).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
	// The runtime's and process's standard figures come along.
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes"} {
		if mfs[name] == nil {
			t.Errorf("no %s", name)
		}
	}
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	}
	return m.Untyped.GetValue()
}

// The collector describes exactly what it collects (checked by a pedantic
// registry), with no endpoints yet as well.
func TestStatsCollectorConsistent(t *testing.T) {
	for _, s := range []dfs.Stats{distinctStats(), {}} {
		reg := prometheus.NewPedanticRegistry()
		reg.MustRegister(statsCollector{fixedStats(s)})
		if _, err := reg.Gather(); err != nil {
			t.Error(err)
		}
	}
}

// The parser the tests rely on refuses what is not the text format, so a
// broken /metrics fails them.
func TestTextParserRejects(t *testing.T) {
	for _, bad := range []string{
		"douyinfs_cache_hits_total\n",                       // no value
		"douyinfs_cache_hits_total 1 2 3\n",                 // trailing junk
		"douyinfs-cache-hits 1\n",                           // invalid name
		`douyinfs_api_requests_total{endpoint="a} 1` + "\n", // unterminated label
		"# TYPE x counter\n# TYPE x gauge\nx 1\n",           // typed twice
	} {
		p := expfmt.NewTextParser(model.LegacyValidation)
		if _, err := p.TextToMetricFamilies(strings.NewReader(bad)); err == nil {
			t.Errorf("parser accepted %q", bad)
		}
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

// The circuit's state and the cookie's health are words in stats.json and
// numbers in /metrics.
func TestRiskMetrics(t *testing.T) {
	for _, tc := range []struct {
		circuit, cookie string
		state, expired  float64
	}{
		{"closed", "ok", 0, 0},
		{"half-open", "refused", 1, 0},
		{"open", "refused", 2, 0},
		{"closed", "login expired", 0, 1},
	} {
		var s dfs.Stats
		s.API.Circuit, s.API.Cookie = tc.circuit, tc.cookie
		s.API.RiskAnswers = map[string]int64{"http_444": 3, "empty_body": 5}
		mfs := scrape(t, fixedStats(s))
		if got := value(mfs["douyinfs_api_circuit_state"].Metric[0]); got != tc.state {
			t.Errorf("%s: circuit state %v, want %v", tc.circuit, got, tc.state)
		}
		if got := value(mfs["douyinfs_cookie_login_expired"].Metric[0]); got != tc.expired {
			t.Errorf("%s: login expired %v, want %v", tc.cookie, got, tc.expired)
		}
		answers := map[string]float64{}
		for _, m := range mfs["douyinfs_api_risk_answers_total"].Metric {
			answers[m.Label[0].GetValue()] = value(m)
		}
		if answers["http_444"] != 3 || answers["empty_body"] != 5 || len(answers) != 2 {
			t.Errorf("risk answers %v", answers)
		}
	}
}
