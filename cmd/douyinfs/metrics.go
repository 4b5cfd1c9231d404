package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/douyinfs/douyinfs/fetch"
	dfs "github.com/douyinfs/douyinfs/fs"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// statsSource gives the figures: fs.Server.Stats, the very snapshot that
// .douyinfs/stats.json encodes, so /metrics and stats.json cannot disagree.
type statsSource interface{ Stats() dfs.Stats }

// checkMetricsAddr refuses anything but a loopback address: the figures
// describe what the account browses, and there is no authentication.
func checkMetricsAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return fmt.Errorf("%q: want HOST:PORT, like 127.0.0.1:9101", addr)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%s: refusing a non-loopback address (there is no authentication); use 127.0.0.1:%s", addr, port)
	}
	return nil
}

type metricsServer struct {
	ln     net.Listener
	srv    *http.Server
	logger *slog.Logger
}

// listenMetrics listens at addr, which the metrics.addr check has passed.
func listenMetrics(addr string, logger *slog.Logger) (*metricsServer, error) {
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

// newRegistry holds the daemon's figures and the Go runtime's and the
// process's standard ones (memory, threads, open files, start time).
func newRegistry(src statsSource) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		statsCollector{src},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return reg
}

// serve answers /metrics in the background until Close.
func (m *metricsServer) serve(src statsSource) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(newRegistry(src), promhttp.HandlerOpts{
		ErrorLog: slog.NewLogLogger(m.logger.Handler(), slog.LevelError),
	}))
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

// statsCollector renders one fs.Stats snapshot per scrape, so a scrape is
// as consistent as a read of stats.json. The headline totals at the top of
// stats.json are left out: repeating them would count everything twice in
// a sum().
type statsCollector struct{ src statsSource }

var (
	apiRequestsDesc = prometheus.NewDesc("douyinfs_api_requests_total",
		"Douyin API requests sent, retries included, by endpoint.", []string{"endpoint"}, nil)
	apiErrorsDesc = prometheus.NewDesc("douyinfs_api_errors_total",
		"Douyin API calls that failed after their retries, by endpoint.", []string{"endpoint"}, nil)
	riskAnswersDesc = prometheus.NewDesc("douyinfs_api_risk_answers_total",
		"Risk-control answers from Douyin (HTTP 444, empty bodies, verify pages, captcha redirects), by kind.", []string{"kind"}, nil)
)

// circuitStates are the values of douyinfs_api_circuit_state.
var circuitStates = map[string]int64{fetch.CircuitClosed: 0, fetch.CircuitHalfOpen: 1, fetch.CircuitOpen: 2}

// figure is one number of the snapshot as a metric without labels.
type figure struct {
	desc  *prometheus.Desc
	kind  prometheus.ValueType
	value func(*dfs.Stats) int64
}

func counter(name, help string, value func(*dfs.Stats) int64) figure {
	return figure{prometheus.NewDesc(name, help, nil, nil), prometheus.CounterValue, value}
}

func gauge(name, help string, value func(*dfs.Stats) int64) figure {
	return figure{prometheus.NewDesc(name, help, nil, nil), prometheus.GaugeValue, value}
}

var figures = []figure{
	counter("douyinfs_api_retries_total", "API requests retried after a transient failure.",
		func(s *dfs.Stats) int64 { return s.API.Retries }),
	counter("douyinfs_api_rejected_total", "API responses that came back empty (signature or cookie refused).",
		func(s *dfs.Stats) int64 { return s.API.Rejected }),
	gauge("douyinfs_api_circuit_state", "Risk-control circuit: 0 closed, 1 half-open (one probe), 2 open (Douyin refuses requests; they are held back).",
		func(s *dfs.Stats) int64 { return circuitStates[s.API.Circuit] }),
	counter("douyinfs_api_circuit_opened_total", "Times Douyin's refusals opened the circuit.",
		func(s *dfs.Stats) int64 { return s.API.CircuitOpened }),
	counter("douyinfs_api_circuit_held_total", "API requests not sent because the circuit was open.",
		func(s *dfs.Stats) int64 { return s.API.CircuitHeld }),
	counter("douyinfs_api_rate_pauses_total", "HTTP 429 answers that held every API request back.",
		func(s *dfs.Stats) int64 { return s.API.RatePauses }),
	gauge("douyinfs_cookie_login_expired", "1 when Douyin said the login cookie's session has expired (me/ needs a fresh cookie).",
		func(s *dfs.Stats) int64 {
			if s.API.Cookie == "login expired" {
				return 1
			}
			return 0
		}),

	counter("douyinfs_media_requests_total", "Ranged media GETs.",
		func(s *dfs.Stats) int64 { return s.Media.Requests }),
	counter("douyinfs_media_bytes_total", "Media bytes fetched from the CDN.",
		func(s *dfs.Stats) int64 { return s.Media.BytesFetched }),
	counter("douyinfs_media_retries_total", "Media requests retried.",
		func(s *dfs.Stats) int64 { return s.Media.Retries }),
	counter("douyinfs_media_url_refreshes_total", "Expired media URLs fetched anew.",
		func(s *dfs.Stats) int64 { return s.Media.Refreshes }),
	gauge("douyinfs_prefetch_in_flight_bytes", "Read-ahead bytes being fetched now.",
		func(s *dfs.Stats) int64 { return s.Media.PrefetchInFlight }),
	gauge("douyinfs_open_handles", "Open media file handles.",
		func(s *dfs.Stats) int64 { return s.Media.OpenHandles }),

	counter("douyinfs_cache_hits_total", "Media block cache hits.",
		func(s *dfs.Stats) int64 { return s.Cache.Hits }),
	counter("douyinfs_cache_misses_total", "Media block cache misses.",
		func(s *dfs.Stats) int64 { return s.Cache.Misses }),
	counter("douyinfs_cache_evictions_total", "Media blocks evicted to stay within the memory budget.",
		func(s *dfs.Stats) int64 { return s.Cache.Evictions }),
	gauge("douyinfs_cache_bytes", "Media bytes held in the block cache.",
		func(s *dfs.Stats) int64 { return s.Cache.Bytes }),
	gauge("douyinfs_cache_in_flight_bytes", "Budget reserved by block fetches in flight.",
		func(s *dfs.Stats) int64 { return s.Cache.InFlight }),

	counter("douyinfs_fs_lookups_total", "FUSE name lookups.",
		func(s *dfs.Stats) int64 { return s.FS.Lookups }),
	counter("douyinfs_fs_errors_total", "File system operations that failed.",
		func(s *dfs.Stats) int64 { return s.FS.Errors }),
	counter("douyinfs_fs_interrupted_total", "File system operations given up because the caller was interrupted (EINTR).",
		func(s *dfs.Stats) int64 { return s.FS.Interrupted }),
	counter("douyinfs_fs_xattr_requests_total", "getxattr and listxattr requests that reached douyinfs.",
		func(s *dfs.Stats) int64 { return s.FS.XattrRequests }),
	gauge("douyinfs_fs_listings_cached", "Directory listings held in memory.",
		func(s *dfs.Stats) int64 { return s.FS.ListingsCached }),
	gauge("douyinfs_fs_listings_incomplete", "Cached listings that stopped before the end of their list; the next refresh fetches their tails.",
		func(s *dfs.Stats) int64 { return s.FS.ListingsIncomplete }),
	gauge("douyinfs_fs_private_users", "Users whose profile says private account (their folders are empty).",
		func(s *dfs.Stats) int64 { return s.FS.PrivateUsers }),
	gauge("douyinfs_fs_listings_guest_limited", "Cached listings Douyin showed only their first page because douyinfs has no login cookie.",
		func(s *dfs.Stats) int64 { return s.FS.ListingsGuestLimited }),
	gauge("douyinfs_fs_hidden_posts", "Posts left out of cached listings because Douyin lists them marked deleted or prohibited.",
		func(s *dfs.Stats) int64 { return s.FS.HiddenPosts }),
	gauge("douyinfs_live_streams_open", "Live streams being read now.",
		func(s *dfs.Stats) int64 { return s.FS.LiveStreamsOpen }),
	counter("douyinfs_live_reconnects_total", "Times a live stream's connection dropped or stalled and the room was found again.",
		func(s *dfs.Stats) int64 { return s.FS.LiveReconnects }),

	gauge("douyinfs_uptime_seconds", "Seconds since the mount.",
		func(s *dfs.Stats) int64 { return s.UptimeSeconds }),
}

func (statsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- apiRequestsDesc
	ch <- apiErrorsDesc
	ch <- riskAnswersDesc
	for _, f := range figures {
		ch <- f.desc
	}
}

func (c statsCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.src.Stats()
	for ep, n := range s.API.Requests {
		ch <- prometheus.MustNewConstMetric(apiRequestsDesc, prometheus.CounterValue, float64(n), ep)
	}
	for ep, n := range s.API.Errors {
		ch <- prometheus.MustNewConstMetric(apiErrorsDesc, prometheus.CounterValue, float64(n), ep)
	}
	for kind, n := range s.API.RiskAnswers {
		ch <- prometheus.MustNewConstMetric(riskAnswersDesc, prometheus.CounterValue, float64(n), kind)
	}
	for _, f := range figures {
		ch <- prometheus.MustNewConstMetric(f.desc, f.kind, float64(f.value(&s)))
	}
}
