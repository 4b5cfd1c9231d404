package fakedouyin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Server is a running fake Douyin.
type Server struct {
	world *World
	ln    net.Listener
	srv   *http.Server
	base  string
	log   *slog.Logger
	flv   flvLoop

	mu       sync.Mutex
	opts     Options
	rng      *rand.Rand      // fault decisions and issued tokens; guarded by mu
	msTokens map[string]bool // issued msTokens; guarded by mu
	qr       map[string]*qrSession
	tickets  map[string]*qrSession
	repeated onceSet  // list pages that have answered with a repeated cursor
	throttle throttle // rate-triggered risk control (risk.go)

	stats     *counters
	sigs      sigCache
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
	active    atomic.Int64
	skew      atomic.Int64 // nanoseconds the media URL clock is ahead (ExpireURLs)
}

// Start builds the world of opts and serves it on a loopback address.
func Start(opts Options) (*Server, error) {
	opts.fill()
	if err := checkLoopback(opts.Addr); err != nil {
		return nil, err
	}
	flv, err := parseFLVLoop(liveLoopFLV)
	if err != nil {
		return nil, fmt.Errorf("fakedouyin: embedded live FLV: %w", err)
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("fakedouyin: listen: %w", err)
	}
	logger := opts.Log
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		world:    newWorld(opts),
		ln:       ln,
		base:     "http://" + ln.Addr().String(),
		log:      logger,
		flv:      flv,
		opts:     opts,
		rng:      rand.New(rand.NewPCG(uint64(opts.Seed), 0x6661756c7473)),
		msTokens: map[string]bool{},
		qr:       map[string]*qrSession{},
		tickets:  map[string]*qrSession{},
		stats:    newCounters(),
		done:     make(chan struct{}),
	}
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go s.srv.Serve(ln)
	return s, nil
}

// URL is the base URL of every host, "http://127.0.0.1:PORT".
func (s *Server) URL() string { return s.base }

// World is the data the server serves.
func (s *Server) World() *World { return s.world }

// Close stops the server: it closes every connection, ends live streams
// and stalled answers, and waits (up to 5 s) for handlers to return.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		s.closeErr = s.srv.Close()
		deadline := time.Now().Add(5 * time.Second)
		for s.active.Load() > 0 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
	})
	return s.closeErr
}

// SetOptions changes the run-time knobs (latency, bandwidth, faults, URL
// lifetime, quirks...). Changes to Addr, Seed, Users, PostsPerUser,
// BigVideoSize and BigMoovSize are ignored: the world is fixed at Start.
func (s *Server) SetOptions(f func(*Options)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.opts
	f(&o)
	o.Addr, o.Seed, o.Users, o.PostsPerUser, o.BigVideoSize = s.opts.Addr, s.opts.Seed, s.opts.Users, s.opts.PostsPerUser, s.opts.BigVideoSize
	o.BigMoovSize = s.opts.BigMoovSize
	o.fill()
	if o.Log == nil {
		o.Log = s.opts.Log
	}
	s.opts = o
}

// Options returns the current options.
func (s *Server) Options() Options { return s.options() }

func (s *Server) options() Options {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats { return s.stats.snapshot() }

// ResetStats zeroes the counters.
func (s *Server) ResetStats() { s.stats.reset() }

// ServeHTTP dispatches on the path: every host of Douyin is served here.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.active.Add(1)
	defer s.active.Add(-1)
	s.log.Debug("request", "method", r.Method, "path", r.URL.Path)
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/_fake/"):
		s.serveAdmin(w, r)
	case strings.HasPrefix(p, "/cdn/"):
		s.serveCDN(w, r)
	case strings.HasPrefix(p, "/files/"):
		s.serveFiles(w, r)
	case p == "/files":
		http.Redirect(w, r, "/files/", http.StatusMovedPermanently)
	case strings.HasPrefix(p, "/live/"):
		s.serveLive(w, r)
	case strings.HasPrefix(p, "/v/"):
		s.serveShortLink(w, r)
	case p == verifyPath:
		s.serveVerify(w, r)
	case p == "/aweme/v1/play/":
		s.servePlay(w, r)
	case p == "/web/r/token", p == "/ttwid/union/register/", p == "/webid":
		s.serveToken(w, r)
	case p == "/passport/sso/login/callback/", p == "/passport/sso/login/finish/", p == "/":
		s.serveLoginHop(w, r)
	default:
		if ep, ok := s.endpoint(p); ok {
			s.serveAPI(w, r, ep)
			return
		}
		s.stats.request("other")
		http.NotFound(w, r)
	}
}

// serveAdmin answers GET /_fake/stats, POST /_fake/reset and the
// fault-free copies of the media files at GET /_fake/files/<name>.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/_fake/stats" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(s.Stats())
	case strings.HasPrefix(r.URL.Path, "/_fake/files/") && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		s.serveTruthFile(w, r)
	case r.URL.Path == "/_fake/reset" && r.Method == http.MethodPost:
		s.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	default:
		http.Error(w, "unknown admin request", http.StatusNotFound)
	}
}

// sleep waits d, or less when the request ends or the server closes; it
// reports whether the full wait happened.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

// errAborted is returned by writers once a fault has cut the body.
var errAborted = errors.New("fakedouyin: body aborted by an injected fault")
