package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// statsSource gives the figures: fs.Server.Stats, the very map that
// .douyinfs/stats.json shows, so /metrics and stats.json cannot disagree.
type statsSource interface{ Stats() map[string]any }

// checkMetricsAddr refuses anything but a loopback address: the figures
// describe what the account browses, and there is no authentication.
func checkMetricsAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return fmt.Errorf("--metrics-addr %q: want HOST:PORT, like 127.0.0.1:9101", addr)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--metrics-addr %s: refusing a non-loopback address (there is no authentication); use 127.0.0.1:%s", addr, port)
	}
	return nil
}

type metricsServer struct {
	ln     net.Listener
	srv    *http.Server
	logger *slog.Logger
}

func listenMetrics(addr string, logger *slog.Logger) (*metricsServer, error) {
	if err := checkMetricsAddr(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr: %w", err)
	}
	// "localhost" could resolve to something else; check what we got.
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		ln.Close()
		return nil, fmt.Errorf("--metrics-addr %s: listens on %s, which is not loopback", addr, ln.Addr())
	}
	return &metricsServer{ln: ln, logger: logger}, nil
}

// serve answers /metrics in the background until Close.
func (m *metricsServer) serve(src statsSource) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		var b bytes.Buffer
		if err := writeMetrics(&b, src.Stats()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		w.Write(b.Bytes())
	})
	m.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	m.logger.Info("serving metrics", "url", "http://"+m.ln.Addr().String()+"/metrics")
	go func() {
		if err := m.srv.Serve(m.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.logger.Error("metrics server stopped", "err", err)
		}
	}()
}

func (m *metricsServer) Close() {
	if m.srv != nil {
		m.srv.Close()
		return
	}
	m.ln.Close()
}

// metricDef names one figure of the stats map (a dotted path) as a
// Prometheus metric. A figure that is a map of counts (API requests by
// endpoint) becomes one sample per key, under label.
type metricDef struct {
	path, name, kind, label, help string
}

func metricDefs() []metricDef {
	return []metricDef{
		{"api.requests", "douyinfs_api_requests_total", "counter", "endpoint", "Douyin API requests sent, retries included, by endpoint."},
		{"api.errors", "douyinfs_api_errors_total", "counter", "endpoint", "Douyin API calls that failed after their retries, by endpoint."},
		{"api.retries", "douyinfs_api_retries_total", "counter", "", "API requests retried after a transient failure."},
		{"api.rejected", "douyinfs_api_rejected_total", "counter", "", "API responses that came back empty (signature or cookie refused)."},
		{"media.requests", "douyinfs_media_requests_total", "counter", "", "Ranged media GETs."},
		{"media.bytes_fetched", "douyinfs_media_bytes_total", "counter", "", "Media bytes fetched from the CDN."},
		{"media.retries", "douyinfs_media_retries_total", "counter", "", "Media requests retried."},
		{"media.refreshes", "douyinfs_media_url_refreshes_total", "counter", "", "Expired media URLs fetched anew."},
		{"media.prefetch_in_flight", "douyinfs_prefetch_in_flight_bytes", "gauge", "", "Read-ahead bytes being fetched now."},
		{"media.open_handles", "douyinfs_open_handles", "gauge", "", "Open media file handles."},
		{"cache.hits", "douyinfs_cache_hits_total", "counter", "", "Media block cache hits."},
		{"cache.misses", "douyinfs_cache_misses_total", "counter", "", "Media block cache misses."},
		{"cache.evictions", "douyinfs_cache_evictions_total", "counter", "", "Media blocks evicted to stay within the memory budget."},
		{"cache.bytes", "douyinfs_cache_bytes", "gauge", "", "Media bytes held in the block cache."},
		{"cache.in_flight", "douyinfs_cache_in_flight_bytes", "gauge", "", "Budget reserved by block fetches in flight."},
		{"fs.lookups", "douyinfs_fs_lookups_total", "counter", "", "FUSE name lookups."},
		{"fs.errors", "douyinfs_fs_errors_total", "counter", "", "File system operations that failed."},
		{"fs.interrupted", "douyinfs_fs_interrupted_total", "counter", "", "File system operations given up because the caller was interrupted (EINTR)."},
		{"fs.listings_cached", "douyinfs_fs_listings_cached", "gauge", "", "Directory listings held in memory."},
		{"fs.live_streams_open", "douyinfs_live_streams_open", "gauge", "", "Live streams being read now."},
		{"uptime_seconds", "douyinfs_uptime_seconds", "gauge", "", "Seconds since the mount."},
	}
}

// summaryFigures are stats.json's headline figures, totals of the sections
// above; repeating them as metrics would count everything twice in a sum().
func summaryFigure(path string) bool {
	switch path {
	case "api_calls", "api_errors", "bytes_fetched", "cache_hits", "cache_misses", "errors", "live_streams_open":
		return true
	}
	return false
}

// writeMetrics renders the stats map in the Prometheus text format. A
// figure the table does not name yet is still exported, untyped, under its
// path, so nothing stats.json shows goes missing here.
func writeMetrics(w io.Writer, stats map[string]any) error {
	// Through JSON, as stats.json is: the map holds structs and typed
	// integers, JSON gives plain maps and numbers.
	raw, err := json.Marshal(stats)
	if err != nil {
		return err
	}
	var tree map[string]any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return err
	}
	p := promWriter{w}
	done := map[string]bool{}
	for _, d := range metricDefs() {
		v, ok := lookupPath(tree, d.path)
		if !ok {
			continue
		}
		switch x := v.(type) {
		case float64:
			p.family(d.name, d.kind, d.help, sample{value: x})
		case map[string]any:
			var samples []sample
			for _, k := range slices.Sorted(maps.Keys(x)) {
				if n, ok := x[k].(float64); ok {
					samples = append(samples, sample{labels: []string{d.label, k}, value: n})
				}
			}
			p.family(d.name, d.kind, d.help, samples...)
		default:
			continue
		}
		done[d.path] = true
	}
	walkNumbers(tree, "", func(path string, v float64) {
		for prefix := path; prefix != ""; prefix = parentPath(prefix) {
			if done[prefix] {
				return
			}
		}
		if summaryFigure(path) {
			return
		}
		p.family("douyinfs_"+metricName(path), "untyped", "stats.json figure "+path+".", sample{value: v})
	})
	return nil
}

func lookupPath(tree map[string]any, path string) (any, bool) {
	var v any = tree
	for _, key := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[key]; !ok {
			return nil, false
		}
	}
	return v, true
}

func parentPath(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}

// walkNumbers calls fn for every number in tree, in a stable order.
func walkNumbers(tree map[string]any, prefix string, fn func(path string, v float64)) {
	for _, k := range slices.Sorted(maps.Keys(tree)) {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		switch x := tree[k].(type) {
		case float64:
			fn(path, x)
		case map[string]any:
			walkNumbers(x, path, fn)
		}
	}
}

// metricName turns a stats path into a valid metric name.
func metricName(path string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, path)
}

// promWriter writes the Prometheus text exposition format (version 0.0.4).
type promWriter struct{ w io.Writer }

type sample struct {
	labels []string // name, value, name, value...
	value  float64
}

func (p promWriter) family(name, kind, help string, samples ...sample) {
	fmt.Fprintf(p.w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
	for _, s := range samples {
		io.WriteString(p.w, name)
		if len(s.labels) > 0 {
			io.WriteString(p.w, "{")
			for i := 0; i+1 < len(s.labels); i += 2 {
				if i > 0 {
					io.WriteString(p.w, ",")
				}
				fmt.Fprintf(p.w, "%s=\"%s\"", s.labels[i], escapeLabel(s.labels[i+1]))
			}
			io.WriteString(p.w, "}")
		}
		fmt.Fprintf(p.w, " %s\n", strconv.FormatFloat(s.value, 'f', -1, 64))
	}
}

func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}
