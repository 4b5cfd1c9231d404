package media_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/cache"
	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// Tests of the media reader against the fake Douyin: URLs come from the
// API client's post detail, bytes are checked against the fake's world.

const (
	fBS        = 256 << 10
	fakeCookie = "sessionid=SECRET-COOKIE-123"
)

type mediaFakeEnv struct {
	s      *fakedouyin.Server
	c      *fetch.Client
	blocks *cache.Blocks
	r      *media.Reader
}

func newMediaFakeEnv(t *testing.T, opts fakedouyin.Options, budget int64, tweak func(*media.Config)) *mediaFakeEnv {
	t.Helper()
	s, err := fakedouyin.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	u := s.URL()
	apiCfg := fetch.DefaultConfig()
	apiCfg.Hosts = fetch.Hosts{WWW: u, Live: u, Webcast: u, MsToken: u, TTWID: u, WebID: u, SSO: u, ShortLink: u + "/v"}
	apiCfg.Timeout, apiCfg.Retries, apiCfg.RetryBackoff = 5*time.Second, 5, time.Millisecond
	apiCfg.RateLimit, apiCfg.RateBurst = 1000, 1000
	c, err := fetch.NewClient(apiCfg)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := cache.NewBlocks(cache.BlocksConfig{Budget: budget, BlockSize: fBS})
	if err != nil {
		t.Fatal(err)
	}
	cfg := media.DefaultConfig()
	cfg.PrefetchStart, cfg.PrefetchMax = fBS, 16*fBS
	cfg.Timeout, cfg.Retries, cfg.RetryBackoff = 5*time.Second, 6, time.Millisecond
	cfg.Cookie, cfg.IdleConnTimeout = fakeCookie, time.Second
	if tweak != nil {
		tweak(&cfg)
	}
	r, err := media.NewReader(cfg, blocks)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.Close()
		blocks.Close()
		c.Close()
		s.Close()
	})
	return &mediaFakeEnv{s: s, c: c, blocks: blocks, r: r}
}

// media resolves a post's best rendition through the API, with a Refresh
// that asks again, and returns the fake's file to compare with.
func (e *mediaFakeEnv) media(t testing.TB, awemeID string, withSize bool) (*media.Item, *fakedouyin.Media, *atomic.Int32) {
	t.Helper()
	ctx := context.Background()
	p, err := e.c.PostDetail(ctx, awemeID)
	if err != nil {
		t.Fatal(err)
	}
	best := p.Video.Best()
	if best == nil {
		t.Fatalf("post %s has no video", awemeID)
	}
	fm := e.fakeMedia(t, best.URLs)
	var refreshes atomic.Int32
	m := &media.Item{Key: p.ID + "/" + best.Key, URLs: best.URLs}
	if withSize {
		m.Size = best.Size
	}
	m.Refresh = func(ctx context.Context) ([]string, error) {
		refreshes.Add(1)
		p, err := e.c.PostDetail(ctx, awemeID)
		if err != nil {
			return nil, err
		}
		return p.Video.Best().URLs, nil
	}
	return m, fm, &refreshes
}

// fakeMedia finds the fake's file behind a mirror list.
func (e *mediaFakeEnv) fakeMedia(t testing.TB, urls []string) *fakedouyin.Media {
	t.Helper()
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil {
			continue
		}
		id := u.Query().Get("video_id")
		if rest, ok := strings.CutPrefix(u.Path, "/cdn/"); ok {
			_, file, _ := strings.Cut(rest, "/")
			if dot := strings.LastIndexByte(file, '.'); dot > 0 {
				id = file[:dot]
			}
		}
		if m, ok := e.s.World().Media(id); ok {
			return m
		}
	}
	t.Fatalf("no fake media behind %d URLs", len(urls))
	return nil
}

func checkFakeRead(t testing.TB, h *media.Handle, fm *fakedouyin.Media, off int64, n int) {
	t.Helper()
	p := make([]byte, n)
	got, err := h.ReadAt(context.Background(), p, off)
	want := max(min(int64(n), fm.Size-off), 0)
	if int64(got) != want || (want < int64(n) && !errors.Is(err, io.EOF)) || (want == int64(n) && err != nil) {
		t.Fatalf("ReadAt(%d, %d) of %s (%d bytes): %d, %v", off, n, fm.ID, fm.Size, got, err)
	}
	exp := make([]byte, got)
	if _, err := fm.ReadAt(exp, off); err != nil && err != io.EOF {
		t.Fatal(err)
	}
	if !bytes.Equal(p[:got], exp) {
		t.Fatalf("ReadAt(%d, %d) of %s: wrong bytes", off, n, fm.ID)
	}
}

// videoPosts lists n video posts of at least 2 MiB (several blocks).
func videoPosts(w *fakedouyin.World, n int) []string {
	var ids []string
	for _, u := range w.Users {
		for _, p := range u.Posts {
			if p.Video != nil && !p.Deleted && p.Video.Size >= 2<<20 && len(ids) < n {
				ids = append(ids, p.AwemeID)
			}
		}
	}
	return ids
}

func TestMediaFakeRandomReadsByteExact(t *testing.T) {
	e := newMediaFakeEnv(t, fakedouyin.NewDefault(), 32<<20, nil)
	w := e.s.World()
	ids := append(videoPosts(w, 5), w.RealVideoPost().AwemeID, w.MoovAtEndPost().AwemeID)
	rng := rand.New(rand.NewPCG(1, 1))
	for i, id := range ids {
		m, fm, _ := e.media(t, id, i%2 == 0)
		// The fake's data_size is wrong for some of these, both ways: the
		// handle's Size is the CDN's, and reads follow it.
		h := e.r.Open(m)
		if size, err := h.Size(context.Background()); err != nil || size != fm.Size {
			t.Fatalf("Size(%s) = %d, %v; want %d (data_size %d)", id, size, err, fm.Size, m.Size)
		}
		for range 40 {
			checkFakeRead(t, h, fm, rng.Int64N(fm.Size+100), 1+rng.IntN(3*fBS))
		}
		checkFakeRead(t, h, fm, fm.Size-1, 100)
		checkFakeRead(t, h, fm, fm.Size, 100)
		h.Close()
	}
	// One whole file, sequentially, through read-ahead.
	m, fm, _ := e.media(t, ids[0], true)
	h := e.r.Open(m)
	defer h.Close()
	for off := int64(0); off < fm.Size; off += 128 << 10 {
		checkFakeRead(t, h, fm, off, 128<<10)
	}
}

func TestMediaFakeURLExpiryRefreshes(t *testing.T) {
	e := newMediaFakeEnv(t, fakedouyin.NewDefault(), 32<<20, nil)
	id := videoPosts(e.s.World(), 1)[0]

	// URLs that have expired by the time they are used (x-expires says so).
	e.s.SetOptions(func(o *fakedouyin.Options) { o.URLTTL = time.Nanosecond })
	m, fm, refreshes := e.media(t, id, true)
	e.s.SetOptions(func(o *fakedouyin.Options) { o.URLTTL = time.Hour })
	for !media.URLExpired(m.URLs[0], time.Now()) {
		time.Sleep(10 * time.Millisecond) // until the clock passes x-expires
	}
	h := e.r.Open(m)
	checkFakeRead(t, h, fm, 0, 3*fBS)
	h.Close()
	if refreshes.Load() != 1 {
		t.Fatalf("%d refreshes, want 1", refreshes.Load())
	}

	// URLs the CDN refuses (403) though x-expires has not passed.
	m2, fm2, refreshes2 := e.media(t, videoPosts(e.s.World(), 2)[1], true)
	for i, u := range m2.URLs {
		m2.URLs[i] = forgedSignature.ReplaceAllString(u, "${1}00000000000000000000000000000000/")
		m2.URLs[i] = strings.Replace(m2.URLs[i], "sign=", "sign=forged", 1)
	}
	before := e.s.Stats().Rejected
	h2 := e.r.Open(m2)
	defer h2.Close()
	checkFakeRead(t, h2, fm2, fBS/2, 2*fBS)
	checkFakeRead(t, h2, fm2, 0, 10)
	if refreshes2.Load() != 1 || e.s.Stats().Rejected == before {
		t.Fatalf("refreshes %d, rejected %d: the 403 path was not taken", refreshes2.Load(), e.s.Stats().Rejected-before)
	}
}

// forgedSignature finds the signature segment of a video CDN URL
// (/cdn/<mirror>/<signature>/<expiry>/video/...).
var forgedSignature = regexp.MustCompile(`(/cdn/m[0-9]+/)[0-9a-f]{32}/`)

func TestMediaFakeDeadMirror(t *testing.T) {
	opts := fakedouyin.NewDefault()
	opts.DeadMirror = true
	e := newMediaFakeEnv(t, opts, 32<<20, nil)
	for _, id := range videoPosts(e.s.World(), 6) {
		m, fm, _ := e.media(t, id, true)
		h := e.r.Open(m)
		checkFakeRead(t, h, fm, 0, 1000)
		checkFakeRead(t, h, fm, fm.Size-1000, 1000)
		h.Close()
	}
	// One failover in all (fasthttp retries a reset connection once by
	// itself, so the fake may count two requests).
	if dead := e.s.Stats().Faults["dead-mirror"]; dead > 2 || e.r.Stats().Failovers != 1 {
		t.Fatalf("dead mirror asked %d times for 6 files (%d failovers), want once", dead, e.r.Stats().Failovers)
	}
}

func TestMediaFakeFaultsResetsStalls5xx(t *testing.T) {
	opts := fakedouyin.NewDefault()
	opts.Seed = 3
	e := newMediaFakeEnv(t, opts, 32<<20, func(c *media.Config) {
		c.Timeout = 300 * time.Millisecond
		c.Retries = 12
		if testing.Verbose() {
			c.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		}
	})
	ids := videoPosts(e.s.World(), 4)
	type file struct {
		m  *media.Item
		fm *fakedouyin.Media
	}
	var files []file
	for _, id := range ids {
		m, fm, _ := e.media(t, id, true)
		files = append(files, file{m, fm})
	}
	// Faults only for media: the detail calls above are done.
	e.s.SetOptions(func(o *fakedouyin.Options) {
		o.FaultReset, o.FaultStall, o.Fault5xx = 0.25, 0.05, 0.1
	})
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Go(func() {
			h := e.r.Open(f.m)
			defer h.Close()
			rng := rand.New(rand.NewPCG(uint64(i), 5))
			for off := int64(0); off < f.fm.Size; off += 192 << 10 {
				checkFakeRead(t, h, f.fm, off, 192<<10)
				if rng.IntN(4) == 0 {
					checkFakeRead(t, h, f.fm, rng.Int64N(f.fm.Size), 7000)
				}
			}
		})
	}
	wg.Wait()
	st := e.s.Stats().Faults
	rs := e.r.Stats()
	if st["reset"] == 0 || st["5xx"] == 0 || rs.Resumes == 0 || rs.Retries+rs.Failovers == 0 {
		t.Fatalf("faults %v, reader %+v: the test did not exercise them", st, rs)
	}
}

func TestMediaFake429Storm(t *testing.T) {
	if testing.Short() {
		t.Skip("each 429 asks for a 1 s wait")
	}
	e := newMediaFakeEnv(t, fakedouyin.NewDefault(), 32<<20, func(c *media.Config) { c.Retries = 30 })
	m, fm, _ := e.media(t, videoPosts(e.s.World(), 1)[0], true)
	e.s.SetOptions(func(o *fakedouyin.Options) { o.Fault429 = 0.6 })
	h := e.r.Open(m)
	defer h.Close()
	checkFakeRead(t, h, fm, 0, fBS)
	checkFakeRead(t, h, fm, 5*fBS, fBS)
	if e.s.Stats().Faults["429"] == 0 || e.r.Stats().Retries == 0 {
		t.Fatalf("no 429s seen: %v %+v", e.s.Stats().Faults, e.r.Stats())
	}
}

// Many readers on one big file and on many small ones, within a budget
// smaller than the data; afterwards nothing is left running.
func TestMediaFakeManyReadersBudgetAndClose(t *testing.T) {
	opts := fakedouyin.NewDefault()
	opts.BigVideoSize = 24 << 20
	const budget = 12 << 20
	e := newMediaFakeEnv(t, opts, budget, func(c *media.Config) { c.PrefetchMax = 8 << 20 })
	w := e.s.World()
	big, bigFM, _ := e.media(t, w.BigVideoPost().AwemeID, true)
	type file struct {
		m  *media.Item
		fm *fakedouyin.Media
	}
	var small []file
	for _, id := range videoPosts(w, 8) {
		if id == w.BigVideoPost().AwemeID {
			continue
		}
		m, fm, _ := e.media(t, id, false)
		small = append(small, file{m, fm})
	}
	// Warm the connection pool so its goroutines are part of the baseline.
	h := e.r.Open(small[0].m)
	checkFakeRead(t, h, small[0].fm, 0, 10)
	h.Close()
	base := runtime.NumGoroutine()

	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			h := e.r.Open(big)
			defer h.Close()
			step := []int{128 << 10, 1 << 20, 64 << 10, 300000}[g]
			for off := int64(g) * 3 << 20; off < bigFM.Size; off += int64(step) {
				checkFakeRead(t, h, bigFM, off, step)
			}
		})
	}
	for g, f := range small {
		wg.Go(func() {
			h := e.r.Open(f.m)
			defer h.Close()
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			for range 30 {
				checkFakeRead(t, h, f.fm, rng.Int64N(f.fm.Size), 1+rng.IntN(200000))
			}
		})
	}
	wg.Wait()
	if s := e.blocks.Stats(); s.Peak > budget {
		t.Fatalf("peak %d over budget %d: %+v", s.Peak, budget, s)
	}
	if rs := e.r.Stats(); rs.OpenHandles != 0 || rs.PrefetchInFlight != 0 {
		t.Fatalf("after Close of every handle: %+v", rs)
	}
	media.WaitGoroutines(t, base+2)
}
