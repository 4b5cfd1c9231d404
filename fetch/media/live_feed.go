package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Target is where a room's stream is now, as a Resolver finds it.
type Target struct {
	URL   string // the FLV URL or HLS playlist of the chosen quality
	Ended bool   // the room is over: the feed ends with io.EOF
}

// Resolver finds a room's stream again; a feed calls it after every drop.
// It must bound its own wait (it is given the feed's context, which ends
// only at Close).
type Resolver func(ctx context.Context) (Target, error)

// FeedKind is the format a feed follows.
type FeedKind int

const (
	FeedFLV FeedKind = iota // one endless FLV body, spliced across reconnects
	FeedHLS                 // a live playlist polled, its TS segments in order
)

// ErrFeedGaveUp is returned by a feed's Read when the stream could not be
// got back for LiveConfig.Outage while the room was still on air.
var ErrFeedGaveUp = errors.New("the live stream could not be reconnected")

// liveConn is one connection's body: a LiveStream, or a stand-in in tests.
type liveConn interface {
	ReadContext(ctx context.Context, p []byte) (int, error)
	Close() error
}

type dialFunc func(ctx context.Context, url string) (liveConn, error)

// Feed is one room's live stream as one endless body that survives
// dropped and stalled connections: it reconnects (re-resolving the room
// first), and for FLV splices the new connection into the bytes already
// handed out, so a reader sees one valid file. It ends (io.EOF) only when
// the room has ended. Reads are sequential, as on a pipe.
type Feed struct {
	cfg     LiveConfig
	kind    FeedKind
	resolve Resolver
	dial    dialFunc
	log     *slog.Logger

	ctx       context.Context // ends at Close
	cancel    context.CancelFunc
	done      chan struct{} // closed when the pump has returned
	closeOnce sync.Once

	mu    sync.Mutex
	buf   []byte // bytes ready for the reader, from off
	off   int
	end   error         // how the feed ended, once buf is drained
	wake  chan struct{} // a token when buf grew or end was set
	space chan struct{} // a token when the reader took bytes

	reconnects int64 // guarded by mu
}

// Follow opens a live room's stream as a Feed. first is the stream URL the
// caller resolved; ctx bounds only this opening (the first connection, or
// the first playlist). After that the feed lives until Close.
func (l *Live) Follow(ctx context.Context, kind FeedKind, first string, resolve Resolver) (*Feed, error) {
	return l.follow(ctx, kind, first, resolve, func(ctx context.Context, url string) (liveConn, error) {
		return l.Open(ctx, url)
	})
}

func (l *Live) follow(ctx context.Context, kind FeedKind, first string, resolve Resolver, dial dialFunc) (*Feed, error) {
	if resolve == nil {
		return nil, errors.New("media: Follow needs a Resolver")
	}
	fctx, cancel := context.WithCancel(context.Background())
	f := &Feed{
		cfg: l.cfg, kind: kind, resolve: resolve, dial: dial,
		log:    l.log,
		ctx:    fctx,
		cancel: cancel,
		done:   make(chan struct{}),
		wake:   make(chan struct{}, 1),
		space:  make(chan struct{}, 1),
	}
	switch kind {
	case FeedFLV:
		c, err := dial(ctx, first)
		if err != nil {
			cancel()
			return nil, err
		}
		go f.runFLV(c)
	case FeedHLS:
		h, err := f.startHLS(ctx, first)
		if err != nil {
			cancel()
			return nil, err
		}
		go f.runHLS(h)
	default:
		cancel()
		return nil, fmt.Errorf("media: unknown feed kind %d", kind)
	}
	return f, nil
}

// Read reads what has arrived, waiting for at least one byte.
func (f *Feed) Read(p []byte) (int, error) { return f.ReadContext(context.Background(), p) }

// ReadContext is Read, but it returns ctx.Err() as soon as ctx ends; the
// feed stays usable and loses nothing.
func (f *Feed) ReadContext(ctx context.Context, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		if f.ctx.Err() != nil {
			return 0, io.ErrClosedPipe
		}
		f.mu.Lock()
		if f.off < len(f.buf) {
			n := copy(p, f.buf[f.off:])
			f.off += n
			f.mu.Unlock()
			signal(f.space)
			return n, nil
		}
		if f.end != nil {
			err := f.end
			f.mu.Unlock()
			return 0, err
		}
		f.mu.Unlock()
		select {
		case <-f.wake:
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-f.ctx.Done():
			return 0, io.ErrClosedPipe
		}
	}
}

// Reconnects is how many times the feed has connected again after a drop.
func (f *Feed) Reconnects() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reconnects
}

// Close ends the feed at once: it drops the connection and returns when
// nothing of the feed runs any more.
func (f *Feed) Close() error {
	f.closeOnce.Do(func() {
		f.cancel()
		<-f.done
	})
	return nil
}

// signal leaves a token in a one-slot channel (one is enough: the waiter
// looks at the state again).
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// push hands bytes to the reader, waiting while LiveConfig.Buffer bytes
// are already waiting (a reader that stops reading stops the download). It
// reports false when the feed is closed.
func (f *Feed) push(b []byte) bool {
	for len(b) > 0 {
		f.mu.Lock()
		if f.off == len(f.buf) {
			f.buf, f.off = f.buf[:0], 0
		}
		room := f.cfg.Buffer - (len(f.buf) - f.off)
		if room <= 0 {
			f.mu.Unlock()
			select {
			case <-f.space:
				continue
			case <-f.ctx.Done():
				return false
			}
		}
		if f.off > 0 && f.off >= len(f.buf)/2 {
			// Move the unread rest down instead of growing forever.
			f.buf, f.off = append(f.buf[:0], f.buf[f.off:]...), 0
		}
		n := min(room, len(b))
		f.buf = append(f.buf, b[:n]...)
		b = b[n:]
		f.mu.Unlock()
		signal(f.wake)
	}
	return true
}

// finish ends the feed for the reader with err (io.EOF: the room ended).
func (f *Feed) finish(err error) {
	f.mu.Lock()
	if f.end == nil {
		f.end = err
	}
	f.mu.Unlock()
	signal(f.wake)
}

// sleep waits d or until Close; it reports whether the full wait happened.
func (f *Feed) sleep(d time.Duration) bool {
	if d <= 0 {
		return f.ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-f.ctx.Done():
		return false
	}
}

// retry is the reconnect loop's state: how long the stream has been
// gone and how many tries have failed since it last gave bytes.
type retry struct {
	f        *Feed
	failures int
	lastGood time.Time
}

// next waits before another try: RetryFirst after a drop, doubling with
// every failure up to RetryMax. It reports false when the feed is closed
// or has given up (the reader then gets ErrFeedGaveUp).
func (r *retry) next(why error) bool {
	f := r.f
	wait := f.cfg.RetryFirst
	for i := 0; i < r.failures && wait < f.cfg.RetryMax; i++ {
		wait *= 2
	}
	wait = min(wait, f.cfg.RetryMax)
	r.failures++
	if time.Since(r.lastGood)+wait > f.cfg.Outage {
		f.finish(fmt.Errorf("%w for %v: %v", ErrFeedGaveUp, f.cfg.Outage, why))
		return false
	}
	f.log.Debug("live stream reconnecting", "after", why, "try", r.failures, "wait", wait)
	return f.sleep(wait)
}

// good notes that the stream gave bytes again.
func (r *retry) good() { r.failures, r.lastGood = 0, time.Now() }

// target re-resolves the room. ended true means the feed has ended.
func (r *retry) target() (url string, ended bool, err error) {
	f := r.f
	t, err := f.resolve(f.ctx)
	switch {
	case err != nil:
		return "", false, fmt.Errorf("resolving the room again: %w", err)
	case t.Ended:
		f.log.Info("the live room has ended")
		f.finish(io.EOF)
		return "", true, nil
	case t.URL == "":
		return "", false, errors.New("the room offers no stream of this kind now")
	}
	return t.URL, false, nil
}

// runFLV follows an FLV stream: it splices every connection's tags into
// the feed, and after a drop re-resolves the room and connects again.
func (f *Feed) runFLV(c liveConn) {
	defer close(f.done)
	sp := &flvSplicer{}
	r := &retry{f: f, lastGood: time.Now()}
	buf := make([]byte, 64<<10)
	var out []byte
	for {
		if c != nil {
			sp.begin()
			var err error
			for err == nil {
				var n int
				n, err = c.ReadContext(f.ctx, buf)
				if n > 0 {
					out, err = sp.feed(out[:0], buf[:n])
					if len(out) > 0 {
						r.good()
						if !f.push(out) {
							break
						}
					}
				}
			}
			c.Close()
			c = nil
			if f.ctx.Err() != nil {
				return
			}
			if err == io.EOF {
				err = errors.New("the server ended the stream")
			}
			f.log.Info("live stream dropped, reconnecting", "err", err)
			if !r.next(err) {
				return
			}
		}
		url, ended, err := r.target()
		if ended {
			return
		}
		if err == nil {
			c, err = f.dialBounded(url)
		}
		if err != nil {
			if f.ctx.Err() != nil {
				return
			}
			if !r.next(err) {
				return
			}
			continue
		}
		f.mu.Lock()
		f.reconnects++
		f.mu.Unlock()
	}
}

// dialBounded connects within LiveConfig.Timeout.
func (f *Feed) dialBounded(url string) (liveConn, error) {
	ctx, cancel := context.WithTimeout(f.ctx, f.cfg.Timeout)
	defer cancel()
	return f.dial(ctx, url)
}
