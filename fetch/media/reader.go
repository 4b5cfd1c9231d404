// Package media reads Douyin's media bytes: the ranged reader serves byte
// ranges of videos, pictures and music through the block cache, fetched
// with Range GETs, with read-ahead, mirror failover, redirects, resumes,
// and fresh URLs from the caller's Refresh when the CDN says they expired;
// Live opens live streams. It knows nothing of the API that lists the
// media: fs gives each Item its URLs and a Refresh.
//
// Files: reader.go (the reader's API), state.go (what is known per item:
// size, mirrors, URL generation), http.go (one HTTP exchange), ranged.go
// (retries, mirrors, refresh, resume; filling cache blocks), prefetch.go
// (sequential detection and read-ahead), handle.go (ReadAt),
// mirror_family.go (which mirror to try first), live.go (live streams).
package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/douyinfs/douyinfs/cache"
	"github.com/douyinfs/douyinfs/fetch/httpx"
)

// Item is one remote file: a video rendition, a picture, a music track.
type Item struct {
	Key  string   // cache identity, stable across restarts: "<aweme_id>/<rendition key>", "<aweme_id>/img/01", ...
	URLs []string // mirrors, tried in order
	Size int64    // exact size when known (data_size), else 0: the reader asks the CDN once
	// Refresh fetches a fresh mirror list when the CDN says the URLs expired
	// (403/404/410); nil when there is no way to refresh.
	Refresh func(ctx context.Context) ([]string, error)
}

// Config tunes the ranged reader; start from DefaultConfig. Zero means
// zero: Retries 0 is one attempt, RetryBackoff 0 retries at once. The
// block size is the cache's.
type Config struct {
	PrefetchStart  int64         // first read-ahead window
	PrefetchMax    int64         // the window doubles up to this
	Parallel       int           // connections for one handle's read-ahead
	MaxConnections int           // per host
	Timeout        time.Duration // connect, headers, and body progress
	Retries        int           // rounds after the first for transient errors
	RetryBackoff   time.Duration // first back-off, doubling, with jitter
	UserAgent      string
	Referer        string
	Cookie         string       // secret: never logged, never in an error
	Logger         *slog.Logger // nil: no log

	// IdleConnTimeout closes keep-alive connections idle this long.
	IdleConnTimeout time.Duration
	// Proxy is how connections reach the CDNs [direct].
	Proxy httpx.Proxy
}

// DefaultConfig is the reader's configuration as config.toml documents it.
func DefaultConfig() Config {
	return Config{
		PrefetchStart:   1 << 20,
		PrefetchMax:     128 << 20,
		Parallel:        4,
		MaxConnections:  16,
		Timeout:         15 * time.Second,
		Retries:         4,
		RetryBackoff:    250 * time.Millisecond,
		UserAgent:       httpx.DefaultUserAgent,
		Referer:         "https://www.douyin.com/",
		IdleConnTimeout: 30 * time.Second,
	}
}

// check refuses what cannot work, naming the field.
func (c Config) check() error {
	switch {
	case c.PrefetchStart <= 0:
		return fmt.Errorf("media: PrefetchStart %d is not positive", c.PrefetchStart)
	case c.PrefetchMax < c.PrefetchStart:
		return fmt.Errorf("media: PrefetchMax %d is below PrefetchStart %d", c.PrefetchMax, c.PrefetchStart)
	case c.Parallel <= 0:
		return fmt.Errorf("media: Parallel %d is not positive", c.Parallel)
	case c.MaxConnections <= 0:
		return fmt.Errorf("media: MaxConnections %d is not positive", c.MaxConnections)
	case c.Timeout <= 0:
		return fmt.Errorf("media: Timeout %v is not positive", c.Timeout)
	case c.Retries < 0:
		return fmt.Errorf("media: Retries %d is negative", c.Retries)
	case c.RetryBackoff < 0:
		return fmt.Errorf("media: RetryBackoff %v is negative", c.RetryBackoff)
	case c.IdleConnTimeout <= 0:
		return fmt.Errorf("media: IdleConnTimeout %v is not positive", c.IdleConnTimeout)
	}
	return nil
}

// Reader serves byte ranges of Item through the block cache.
type Reader struct {
	cfg    Config
	blocks *cache.Blocks
	bs     int64
	client *fasthttp.Client
	log    *slog.Logger

	ctx    context.Context // cancelled by Close; parent of every fetch
	cancel context.CancelFunc
	wg     sync.WaitGroup // every goroutine the reader starts

	mu     sync.Mutex
	states map[string]*itemState
	closed bool

	lastMirror mirrorMemory // per mirror-list family, the index that worked last

	cookie atomic.Pointer[string] // cfg.Cookie until SetCookie; never nil

	st readerCounters
}

type readerCounters struct {
	bytes, requests, retries, refreshes, resumes, failovers, redirects atomic.Int64
	prefetchInFlight, handles                                          atomic.Int64
}

// NewReader makes a reader on blocks, whose block size it uses.
func NewReader(cfg Config, blocks *cache.Blocks) (*Reader, error) {
	if blocks == nil {
		return nil, errors.New("media: no block cache")
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Reader{
		cfg:    cfg,
		blocks: blocks,
		bs:     blocks.BlockSize(),
		log:    log,
		states: make(map[string]*itemState),
	}
	r.client = newClient(cfg)
	r.cookie.Store(&cfg.Cookie)
	r.ctx, r.cancel = context.WithCancel(context.Background())
	return r, nil
}

// SetCookie replaces the cookie of every later media request, as when the
// cookie file changed.
func (r *Reader) SetCookie(cookie string) { r.cookie.Store(&cookie) }

// Size returns the exact size of m, asking the CDN once when m.Size is 0.
// The question is a ranged GET of the first block, which then sits in the
// cache for the read that usually follows (a scanner's head read costs no
// second request).
func (r *Reader) Size(ctx context.Context, m *Item) (int64, error) {
	st, err := r.state(m)
	if err != nil {
		return 0, err
	}
	defer r.unuse(st)
	if n, ok := st.knownSize(); ok {
		return n, nil
	}
	if n := st.bestSize(); n > 0 {
		return n, nil // data_size until an answer tells the CDN's (Handle.Size)
	}
	return r.learnSize(ctx, st)
}

// Open starts a handle: sequential detection and read-ahead are per handle.
func (r *Reader) Open(m *Item) *Handle {
	st, err := r.state(m)
	return newHandle(r, st, err)
}

// Close stops every fetch and read-ahead, waits for them, and closes idle
// connections. Handles still open fail their reads afterwards.
func (r *Reader) Close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	r.mu.Unlock()
	r.cancel()
	r.wg.Wait()
	r.client.CloseIdleConnections()
}

// Stats are counters for .douyinfs/stats.json and metrics.
type Stats struct {
	BytesFetched     int64
	Requests         int64
	Retries          int64
	Refreshes        int64
	PrefetchInFlight int64 // bytes
	OpenHandles      int64

	Resumes   int64 // ranges resumed after a connection broke mid-body
	Failovers int64 // switches to another mirror
	Redirects int64 // redirect hops followed
}

// Stats reports counters.
func (r *Reader) Stats() Stats {
	return Stats{
		BytesFetched:     r.st.bytes.Load(),
		Requests:         r.st.requests.Load(),
		Retries:          r.st.retries.Load(),
		Refreshes:        r.st.refreshes.Load(),
		PrefetchInFlight: r.st.prefetchInFlight.Load(),
		OpenHandles:      r.st.handles.Load(),
		Resumes:          r.st.resumes.Load(),
		Failovers:        r.st.failovers.Load(),
		Redirects:        r.st.redirects.Load(),
	}
}

// Blocks is the block cache the reader uses.
func (r *Reader) Blocks() *cache.Blocks { return r.blocks }

// errReaderClosed is returned for work asked of a closed reader or handle.
var errReaderClosed = errors.New("media: reader closed")

// Handle is one open file. ReadAt may be called concurrently (the
// kernel sends several reads of one file at once).
type Handle struct {
	r    *Reader
	st   *itemState
	err  error // set when the media could not be opened
	ctx  context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup // fills this handle started

	holds *cache.Holds
	pf    prefetcher

	closeOnce sync.Once
}

// ReadAt reads len(p) bytes at off. It returns fewer only at the end of the
// media, with io.EOF.
func (h *Handle) ReadAt(ctx context.Context, p []byte, off int64) (int, error) {
	return h.readAt(ctx, p, off)
}

// Close stops the handle's read-ahead and waits until its goroutines are
// gone.
func (h *Handle) Close() error {
	h.closeOnce.Do(h.close)
	return nil
}

var _ io.Closer = (*Handle)(nil)

// ReadView is ReadAt without a copy where it can be done without one: the
// bytes come back as a slice of a cached block (when one block answers the
// whole read) or in p. Release the view once its bytes are used.
func (h *Handle) ReadView(ctx context.Context, p []byte, off int64) (*View, error) {
	return h.readView(ctx, p, off)
}
