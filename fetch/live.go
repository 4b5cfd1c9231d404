package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/douyinfs/douyinfs/fetch/httpx"
)

// LiveRoomByWebRID fetches a room by its web id (the number in
// live.douyin.com/<web_rid>, §2.15). A 19-digit id is a room id, not a web
// rid (F2's rule), so it is looked up with LiveRoomByRoomID instead.
// An ended room is not an error: it comes back with Status RoomEnded and no
// stream URLs.
func (c *Client) LiveRoomByWebRID(ctx context.Context, webRID string) (*Room, error) {
	if isRoomID(webRID) {
		return c.LiveRoomByRoomID(ctx, webRID)
	}
	ep := &epLiveEnter
	body, err := c.call(ctx, ep, []param{{"web_rid", escapeValue(webRID)}, {"room_id_str", ""}}, "")
	if err != nil {
		return nil, c.failed(ep, err)
	}
	r, err := decodeEnter(body, webRID)
	return r, c.failed(ep, wrapEndpoint(ep, err))
}

// LiveRoomByRoomID fetches a room by room id (reflow/info, §2.16), sent
// without the cookie, as F2 means to.
func (c *Client) LiveRoomByRoomID(ctx context.Context, roomID string) (*Room, error) {
	ep := &epLiveReflow
	body, err := c.call(ctx, ep, []param{{"room_id", escapeValue(roomID)}}, "")
	if err != nil {
		return nil, c.failed(ep, err)
	}
	r, err := decodeReflow(body, roomID)
	return r, c.failed(ep, wrapEndpoint(ep, err))
}

// UserLiveStatus asks whether a user (numeric uid, not sec_uid) is live
// now (§2.17).
func (c *Client) UserLiveStatus(ctx context.Context, uid string) (LiveStatus, error) {
	ep := &epUserLiveStatus
	body, err := c.call(ctx, ep, []param{{"user_ids", escapeValue(uid)}, {"distribution_scenes", "254"}}, "")
	if err != nil {
		return LiveStatus{}, c.failed(ep, err)
	}
	st, err := decodeLiveStatus(body)
	return st, c.failed(ep, wrapEndpoint(ep, err))
}

// isRoomID: room ids are 19 digits; web rids are shorter (§6.2).
func isRoomID(id string) bool {
	if len(id) != 19 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

// maxStreamRedirects bounds the redirects followed when opening a stream.
const maxStreamRedirects = 3

// liveConnsPerHost bounds the live streams open at once to one host. A
// stream holds its connection for as long as it is open, so streams have
// their own client and limit: they never take the connections API and
// media requests (network.max_connections) need.
const liveConnsPerHost = 64

// ErrStreamStalled is returned by a live stream's Read when no byte arrived
// for Config.Timeout.
var ErrStreamStalled = errors.New("the live stream stalled")

// ErrNoFreeConn is returned when a stream could not get a connection to
// its host in time because too many streams are open there.
var ErrNoFreeConn = errors.New("no free connection")

// OpenLiveStream starts one streaming GET of a live FLV URL; reading gives
// the body as it arrives; Close ends it.
//
// ctx bounds only the opening (connect, redirects, response headers); the
// stream then lives until Close, the server ending it (io.EOF), or a stall:
// a Read that gets no byte for Config.Timeout fails with ErrStreamStalled.
// The request carries the User-Agent and Referer but not the cookie, which
// belongs to Douyin's own hosts, not to the CDN.
func (c *Client) OpenLiveStream(ctx context.Context, streamURL string) (*LiveStream, error) {
	ep := &epLiveStream
	if c.closed.Load() {
		return nil, c.failed(ep, fmt.Errorf("%s: %w", ep.name, ErrClosed))
	}
	type result struct {
		s   *LiveStream
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := c.openStream(streamURL)
		done <- result{s, err}
	}()
	select {
	case res := <-done:
		if res.err != nil {
			return nil, c.failed(ep, fmt.Errorf("%s: %w", ep.name, res.err))
		}
		return res.s, nil
	case <-ctx.Done():
		// Nobody will read what the opener makes: close it when it comes.
		go func() {
			if res := <-done; res.s != nil {
				res.s.Close()
			}
		}()
		return nil, c.failed(ep, fmt.Errorf("%s: %w", ep.name, ctx.Err()))
	}
}

func (c *Client) openStream(streamURL string) (*LiveStream, error) {
	ep := &epLiveStream
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
		req.Header.Set("User-Agent", c.cfg.UserAgent)
		req.Header.Set("Referer", c.cfg.Hosts.WWW+"/")
		c.stats.request(ep.name)
		start := time.Now()
		// No request timeout: with one, fasthttp reports a wait for a free
		// connection as a timeout. Connecting, writing and every read are
		// bounded by the client's dialer, WriteTimeout and stallConn.
		if err := c.streamClient.Do(req, resp); err != nil {
			if errors.Is(err, fasthttp.ErrNoFreeConns) {
				return nil, fmt.Errorf("%w to %s within %v (%d live streams are open there)", ErrNoFreeConn, u.Host, c.cfg.Timeout, c.streamClient.MaxConnsPerHost)
			}
			return nil, streamErr(err, c.cfg.Timeout)
		}
		status := resp.StatusCode()
		c.log.Debug("live stream opened", "host", u.Host, "status", status, "elapsed", time.Since(start).Round(time.Millisecond))
		if status >= 300 && status < 400 {
			loc := string(resp.Header.Peek(fasthttp.HeaderLocation))
			_ = resp.CloseBodyStream()
			if loc == "" || hop >= maxStreamRedirects {
				return nil, &HTTPError{Endpoint: ep.name, Status: status}
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
			return nil, &HTTPError{Endpoint: ep.name, Status: status}
		}
		return &LiveStream{resp: resp, body: resp.BodyStream(), stall: c.cfg.Timeout, closed: make(chan struct{})}, nil
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

// newStreamClient builds the client for live streams, at most maxConns
// per host. A whole-response deadline would cut an endless stream, so the
// timeout is a progress deadline: no byte for this long.
func newStreamClient(cfg Config, maxConns int) *fasthttp.Client {
	return httpx.NewClient(httpx.ClientConfig{
		MaxConnsPerHost: maxConns,
		Timeout:         cfg.Timeout,
		Progress:        cfg.Timeout,
		Stream:          true,
	})
}
