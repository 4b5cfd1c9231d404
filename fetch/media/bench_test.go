package media_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/cache"
	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
	"github.com/valyala/fasthttp"
)

// Benchmarks against the fake Douyin over loopback. The ratios asked for
// (reader vs one curl) are measured by tests/bench/reader; these give the
// reader's own numbers under `go test -bench Media -run '^$' ./fetch/media/`.
//
//	-bench MediaSequentialRead      unthrottled, 1 MiB reads (FUSE max_read)
//	-bench MediaSequentialThrottled 40 MB/s per connection, 30 ms TTFB
//	-bench MediaOneConnection       the same file through one plain GET
//	-bench MediaFirst64K            cold reader, first 64 KiB

func benchFake(b *testing.B, opts fakedouyin.Options) (*fakedouyin.Server, *media.Item) {
	b.Helper()
	opts.BigVideoSize = 128 << 20
	s, err := fakedouyin.Start(opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	u := s.URL()
	cfg := fetch.DefaultConfig()
	cfg.Hosts = fetch.Hosts{WWW: u, Live: u, Webcast: u, MsToken: u, TTWID: u, WebID: u, SSO: u, ShortLink: u + "/v"}
	cfg.RateLimit, cfg.RateBurst = 1000, 1000
	c, err := fetch.NewClient(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	p, err := c.PostDetail(context.Background(), s.World().BigVideoPost().AwemeID)
	if err != nil {
		b.Fatal(err)
	}
	r := p.Video.Best()
	return s, &media.Item{Key: p.ID + "/" + r.Key, URLs: r.URLs, Size: r.Size}
}

func benchSequential(b *testing.B, opts fakedouyin.Options) {
	_, m := benchFake(b, opts)
	buf := make([]byte, 1<<20)
	b.SetBytes(m.Size)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		blocks, err := cache.NewBlocks(cache.DefaultConfig())
		if err != nil {
			b.Fatal(err)
		}
		r, err := media.NewReader(media.DefaultConfig(), blocks)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		h := r.Open(m)
		for off := int64(0); ; off += int64(len(buf)) {
			_, err := h.ReadAt(context.Background(), buf, off)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		h.Close()
		b.StopTimer()
		r.Close()
		blocks.Close()
		b.StartTimer()
	}
}

func BenchmarkMediaSequentialRead(b *testing.B) { benchSequential(b, fakedouyin.NewDefault()) }

func BenchmarkMediaSequentialThrottled(b *testing.B) {
	o := fakedouyin.NewDefault()
	o.ConnBandwidth, o.CDNTTFB = 40_000_000, 30*time.Millisecond
	benchSequential(b, o)
}

// BenchmarkMediaOneConnection is the baseline: one streamed GET of the
// whole file, as curl would do it.
func BenchmarkMediaOneConnection(b *testing.B) {
	_, m := benchFake(b, fakedouyin.NewDefault())
	c := &fasthttp.Client{StreamResponseBody: true, ReadBufferSize: 64 << 10}
	buf := make([]byte, 1<<20)
	b.SetBytes(m.Size)
	for range b.N {
		req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		req.SetRequestURI(m.URLs[0])
		if err := c.Do(req, resp); err != nil {
			b.Fatal(err)
		}
		n, err := io.CopyBuffer(io.Discard, resp.BodyStream(), buf)
		if err != nil || n != m.Size {
			b.Fatalf("%d bytes, %v", n, err)
		}
		resp.CloseBodyStream()
		fasthttp.ReleaseRequest(req)
		fasthttp.ReleaseResponse(resp)
	}
}

func BenchmarkMediaFirst64K(b *testing.B) {
	o := fakedouyin.NewDefault()
	o.ConnBandwidth, o.CDNTTFB = 40_000_000, 30*time.Millisecond
	_, m := benchFake(b, o)
	buf := make([]byte, 64<<10)
	for range b.N {
		b.StopTimer()
		bc := cache.DefaultConfig()
		bc.Budget = 64 << 20
		blocks, _ := cache.NewBlocks(bc)
		r, err := media.NewReader(media.DefaultConfig(), blocks)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		h := r.Open(m)
		if _, err := h.ReadAt(context.Background(), buf, 0); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		h.Close()
		r.Close()
		blocks.Close()
		b.StartTimer()
	}
}
