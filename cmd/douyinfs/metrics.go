package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/douyinfs/douyinfs/cache"
	"github.com/douyinfs/douyinfs/fetch"
)

// statsSource is where the figures come from: the same Stats methods that
// .douyinfs/stats.json is built from, so the two cannot disagree.
type statsSource struct {
	api    interface{ Stats() fetch.ClientStats }
	media  interface{ Stats() fetch.ReaderStats }
	blocks interface{ Stats() cache.BlockStats }
	fs     interface{ Stats() map[string]any }
}

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
		writeMetrics(&b, src)
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

// promWriter writes the Prometheus text exposition format (version 0.0.4).
type promWriter struct{ w io.Writer }

type sample struct {
	labels []string // name, value, name, value...
	value  int64    // every figure is a count of events or bytes
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
		fmt.Fprintf(p.w, " %d\n", s.value)
	}
}

func (p promWriter) single(name, kind, help string, v int64) {
	p.family(name, kind, help, sample{value: v})
}

func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

// writeMetrics renders every figure of src.
func writeMetrics(w io.Writer, src statsSource) {
	p := promWriter{w}
	api := src.api.Stats()
	// The client counts HTTP requests sent (retries included) and calls
	// that failed for good; both by endpoint, as stats.json shows them.
	var requests, failures []sample
	for _, ep := range sortedKeys(api.Requests, api.Errors) {
		requests = append(requests, sample{labels: []string{"endpoint", ep}, value: api.Requests[ep]})
		failures = append(failures, sample{labels: []string{"endpoint", ep}, value: api.Errors[ep]})
	}
	p.family("douyinfs_api_requests_total", "counter", "Douyin API requests sent, retries included, by endpoint.", requests...)
	p.family("douyinfs_api_errors_total", "counter", "Douyin API calls that failed after their retries, by endpoint.", failures...)
	p.single("douyinfs_api_retries_total", "counter", "API requests retried after a transient failure.", api.Retries)
	p.single("douyinfs_api_rejected_total", "counter", "API responses that came back empty (signature or cookie refused).", api.Rejected)

	media := src.media.Stats()
	p.single("douyinfs_media_requests_total", "counter", "Ranged media GETs.", media.Requests)
	p.single("douyinfs_media_bytes_total", "counter", "Media bytes fetched from the CDN.", media.BytesFetched)
	p.single("douyinfs_media_retries_total", "counter", "Media requests retried.", media.Retries)
	p.single("douyinfs_media_url_refreshes_total", "counter", "Expired media URLs fetched anew.", media.Refreshes)
	p.single("douyinfs_prefetch_in_flight_bytes", "gauge", "Read-ahead bytes being fetched now.", media.PrefetchInFlight)
	p.single("douyinfs_open_handles", "gauge", "Open media file handles.", media.OpenHandles)

	blocks := src.blocks.Stats()
	p.single("douyinfs_cache_hits_total", "counter", "Media block cache hits.", blocks.Hits)
	p.single("douyinfs_cache_misses_total", "counter", "Media block cache misses.", blocks.Misses)
	p.single("douyinfs_cache_evictions_total", "counter", "Media blocks evicted to stay within the budget.", blocks.Evictions)
	p.single("douyinfs_cache_bytes", "gauge", "Media bytes held in the block cache.", blocks.Bytes)
	p.single("douyinfs_cache_in_flight_bytes", "gauge", "Budget reserved by block fetches in flight.", blocks.InFlight)
}

// sortedKeys is the union of the maps' keys, sorted for a stable output.
func sortedKeys(maps ...map[string]int64) []string {
	var keys []string
	for _, m := range maps {
		for k := range m {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	return keys
}
