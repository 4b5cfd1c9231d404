package fetch

// CONTRACT STUBS for the ranged media reader. The reader engineer replaces
// the bodies (and may split files), keeping names and signatures.

import (
	"context"
	"log/slog"
	"time"

	"github.com/douyinfs/douyinfs/cache"
)

// Media is one remote file: a video rendition, a picture, a music track.
type Media struct {
	Key  string   // cache identity, stable across restarts: "<aweme_id>/<rendition key>", "<aweme_id>/img/01", ...
	URLs []string // mirrors, tried in order
	Size int64    // exact size when known (data_size), else 0: the reader asks the CDN once
	// Refresh fetches a fresh mirror list when the CDN says the URLs expired
	// (403/404/410); nil when there is no way to refresh.
	Refresh func(ctx context.Context) ([]string, error)
}

// ReaderConfig tunes the ranged reader.
type ReaderConfig struct {
	BlockSize      int64
	PrefetchStart  int64
	PrefetchMax    int64
	Parallel       int // connections for one handle's read-ahead
	MaxConnections int // per host
	Timeout        time.Duration
	Retries        int
	RetryBackoff   time.Duration
	UserAgent      string
	Referer        string
	Cookie         string // secret
	Logger         *slog.Logger
}

// MediaReader serves byte ranges of Media through the block cache.
type MediaReader struct{}

func NewMediaReader(cfg ReaderConfig, blocks *cache.Blocks) *MediaReader { return nil }

// Size returns the exact size of m, asking the CDN once when m.Size is 0.
func (r *MediaReader) Size(ctx context.Context, m *Media) (int64, error) { return 0, errTODO }

// Open starts a handle: sequential detection and read-ahead are per handle.
func (r *MediaReader) Open(m *Media) *MediaHandle { return nil }
func (r *MediaReader) Close()                     {}

// ReaderStats are counters for .douyinfs/stats.json and metrics.
type ReaderStats struct {
	BytesFetched     int64
	Requests         int64
	Retries          int64
	Refreshes        int64
	PrefetchInFlight int64 // bytes
	OpenHandles      int64
}

func (r *MediaReader) Stats() ReaderStats { return ReaderStats{} }

// MediaHandle is one open file.
type MediaHandle struct{}

func (h *MediaHandle) ReadAt(ctx context.Context, p []byte, off int64) (int, error) {
	return 0, errTODO
}
func (h *MediaHandle) Close() error { return nil }
