package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/douyinfs/douyinfs/fetch/httpx"
)

// LiveConfig tunes the live stream client; start from DefaultLiveConfig.
type LiveConfig struct {
	UserAgent string
	Referer   string
	// Timeout bounds connecting and each wait for bytes: a stream that
	// sends nothing for this long has stalled.
	Timeout time.Duration
	// MaxConnsPerHost bounds the streams open at once to one host.
	MaxConnsPerHost int
	// A feed (Follow) that lost its stream tries again after RetryFirst,
	// doubling the wait after each failed try up to RetryMax, and gives
	// up (the reader gets an error) once it has had no byte for Outage.
	RetryFirst time.Duration
	RetryMax   time.Duration
	Outage     time.Duration
	// Buffer is how many bytes a feed holds for a reader that is behind;
	// then it stops reading the stream.
	Buffer int
	Logger *slog.Logger // nil: no log
	// Proxy is how connections reach the stream hosts [direct].
	Proxy httpx.Proxy
}

// DefaultLiveConfig is the live stream client as douyinfs runs it.
func DefaultLiveConfig() LiveConfig {
	return LiveConfig{
		UserAgent:       httpx.DefaultUserAgent,
		Referer:         "https://www.douyin.com/",
		Timeout:         15 * time.Second,
		MaxConnsPerHost: 64,
		RetryFirst:      250 * time.Millisecond,
		RetryMax:        8 * time.Second,
		Outage:          2 * time.Minute,
		Buffer:          4 << 20,
	}
}

// Live opens live streams. A stream holds its connection for as long as it
// is open, so streams have their own client and limit: they never take the
// connections API and media requests need.
type Live struct {
	cfg      LiveConfig
	client   *fasthttp.Client
	log      *slog.Logger
	requests atomic.Int64
}

// maxStreamRedirects bounds the redirects followed when opening a stream.
const maxStreamRedirects = 3

// ErrStreamStalled is returned by a live stream's Read when no byte arrived
// for LiveConfig.Timeout.
var ErrStreamStalled = errors.New("the live stream stalled")

// ErrNoFreeConn is returned when a stream could not get a connection to
// its host in time because too many streams are open there.
var ErrNoFreeConn = errors.New("no free connection")

// NewLive makes a live stream client.
func NewLive(cfg LiveConfig) (*Live, error) {
	switch {
	case cfg.Timeout <= 0:
		return nil, fmt.Errorf("media: live Timeout %v is not positive", cfg.Timeout)
	case cfg.MaxConnsPerHost <= 0:
		return nil, fmt.Errorf("media: live MaxConnsPerHost %d is not positive", cfg.MaxConnsPerHost)
	case cfg.RetryFirst <= 0 || cfg.RetryMax < cfg.RetryFirst:
		return nil, fmt.Errorf("media: live RetryFirst %v must be positive and at most RetryMax %v", cfg.RetryFirst, cfg.RetryMax)
	case cfg.Outage <= 0:
		return nil, fmt.Errorf("media: live Outage %v is not positive", cfg.Outage)
	case cfg.Buffer <= 0:
		return nil, fmt.Errorf("media: live Buffer %d is not positive", cfg.Buffer)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// A whole-response deadline would cut an endless stream, so the
	// timeout is a progress deadline: no byte for this long.
	client := httpx.NewClient(httpx.ClientConfig{
		MaxConnsPerHost: cfg.MaxConnsPerHost,
		Timeout:         cfg.Timeout,
		Progress:        cfg.Timeout,
		Stream:          true,
		Proxy:           cfg.Proxy,
	})
	return &Live{cfg: cfg, client: client, log: log}, nil
}

// Requests is how many requests opening streams has sent, redirects
// included.
func (l *Live) Requests() int64 { return l.requests.Load() }

// Close releases idle connections. Open streams are not affected (close
// them yourself).
func (l *Live) Close() { l.client.CloseIdleConnections() }

// Open starts one streaming GET of a live FLV URL; reading gives the body
// as it arrives; Close ends it.
//
// ctx bounds only the opening (connect, redirects, response headers); the
// stream then lives until Close, the server ending it (io.EOF), or a stall:
// a Read that gets no byte for LiveConfig.Timeout fails with
// ErrStreamStalled. The request carries the User-Agent and Referer but no
// cookie, which belongs to Douyin's own hosts, not to the CDN. A status
// other than 200 (after redirects) is a *StatusError.
func (l *Live) Open(ctx context.Context, streamURL string) (*LiveStream, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	type result struct {
		s   *LiveStream
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := l.open(streamURL)
		done <- result{s, err}
	}()
	select {
	case res := <-done:
		return res.s, res.err
	case <-ctx.Done():
		// Nobody will read what the opener makes: close it when it comes.
		go func() {
			if res := <-done; res.s != nil {
				res.s.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

func (l *Live) open(streamURL string) (*LiveStream, error) {
	target := streamURL
	for hop := 0; ; hop++ {
		u, err := url.Parse(target)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("not an http(s) stream URL")
		}
		// Not pooled: Close may run while a Read is still unwinding.
		req, resp := &fasthttp.Request{}, &fasthttp.Response{}
		req.SetRequestURI(target)
		req.Header.SetMethod(fasthttp.MethodGet)
		req.Header.Set("User-Agent", l.cfg.UserAgent)
		req.Header.Set("Referer", l.cfg.Referer)
		l.requests.Add(1)
		start := time.Now()
		// No request timeout: with one, fasthttp reports a wait for a free
		// connection as a timeout. Connecting, writing and every read are
		// bounded by the client's dialer, write timeout and progress
		// deadline.
		if err := l.client.Do(req, resp); err != nil {
			if errors.Is(err, fasthttp.ErrNoFreeConns) {
				return nil, fmt.Errorf("%w to %s within %v (%d live streams are open there)", ErrNoFreeConn, u.Host, l.cfg.Timeout, l.cfg.MaxConnsPerHost)
			}
			return nil, streamErr(err, l.cfg.Timeout)
		}
		status := resp.StatusCode()
		l.log.Debug("live stream opened", "host", u.Host, "status", status, "elapsed", time.Since(start).Round(time.Millisecond))
		if status >= 300 && status < 400 {
			loc := string(resp.Header.Peek(fasthttp.HeaderLocation))
			_ = resp.CloseBodyStream()
			if loc == "" || hop >= maxStreamRedirects {
				return nil, &StatusError{Status: status, URL: httpx.RedactURL(target)}
			}
			next, err := u.Parse(loc)
			if err != nil {
				return nil, fmt.Errorf("bad redirect from the stream host")
			}
			target = next.String()
			continue
		}
		if status != fasthttp.StatusOK {
			_ = resp.CloseBodyStream()
			return nil, &StatusError{Status: status, URL: httpx.RedactURL(target)}
		}
		return &LiveStream{resp: resp, body: resp.BodyStream(), stall: l.cfg.Timeout, closed: make(chan struct{})}, nil
	}
}

// LiveStream is an open FLV body. Reads are meant to be sequential (one at
// a time), as on a pipe.
type LiveStream struct {
	resp      *fasthttp.Response
	body      io.Reader
	stall     time.Duration
	closeOnce sync.Once
	closed    chan struct{}

	// One read of the body runs at a time, in its own goroutine, so that
	// a caller can give up waiting without losing what it then brings.
	mu      sync.Mutex
	buf     []byte        // the body read's buffer; pending points into it
	pending []byte        // read from the body, not handed out yet
	err     error         // how the body ended, once pending is drained
	reading chan struct{} // closed when the body read in flight ends; nil if none
}

// Read reads what has arrived, waiting for at least one byte.
func (s *LiveStream) Read(p []byte) (int, error) { return s.ReadContext(context.Background(), p) }

// ReadContext is Read, but it returns ctx.Err() as soon as ctx ends (an
// interrupted caller). The stream stays usable: bytes that arrive after
// that are kept for the next read.
func (s *LiveStream) ReadContext(ctx context.Context, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		select {
		case <-s.closed:
			return 0, io.ErrClosedPipe
		default:
		}
		s.mu.Lock()
		if len(s.pending) > 0 {
			n := copy(p, s.pending)
			s.pending = s.pending[n:]
			s.mu.Unlock()
			return n, nil
		}
		if s.err != nil {
			err := s.err
			s.mu.Unlock()
			return 0, err
		}
		if s.reading == nil {
			if cap(s.buf) < len(p) {
				s.buf = make([]byte, len(p))
			}
			s.reading = make(chan struct{})
			go s.fill(s.buf[:len(p)], s.reading)
		}
		wait := s.reading
		s.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-s.closed:
			return 0, io.ErrClosedPipe
		}
	}
}

// fill does one read of the body into buf (nobody else touches buf until
// it has handed the bytes over).
func (s *LiveStream) fill(buf []byte, done chan struct{}) {
	var n int
	var err error
	if s.body == nil {
		err = io.EOF
	} else {
		n, err = s.body.Read(buf)
	}
	if err != nil && err != io.EOF {
		select {
		case <-s.closed:
			err = io.ErrClosedPipe
		default:
			err = streamErr(err, s.stall)
		}
	}
	s.mu.Lock()
	s.pending, s.err, s.reading = buf[:n], err, nil
	s.mu.Unlock()
	close(done)
}

// Close ends the stream: it drops the connection, which also ends a body
// read in flight.
func (s *LiveStream) Close() error {
	s.closeOnce.Do(func() {
		close(s.closed)
		_ = s.resp.CloseBodyStream()
	})
	return nil
}

func streamErr(err error, stall time.Duration) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, fasthttp.ErrTimeout) {
		return fmt.Errorf("%w: no data for %v", ErrStreamStalled, stall)
	}
	return err
}
