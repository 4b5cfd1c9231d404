package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/douyinfs/douyinfs/cache"
)

func newHandle(r *Reader, st *itemState, err error) *Handle {
	h := &Handle{r: r, st: st, err: err}
	if err != nil {
		return h
	}
	h.ctx, h.stop = context.WithCancel(r.ctx)
	h.holds = r.blocks.NewHolds()
	h.pf.init(h)
	r.st.handles.Add(1)
	return h
}

func (h *Handle) close() {
	if h.err != nil {
		return
	}
	h.pf.mu.Lock()
	h.pf.closed = true
	h.pf.mu.Unlock()
	h.stop()
	h.wg.Wait()
	h.holds.Close()
	h.r.unuse(h.st)
	h.r.st.handles.Add(-1)
}

// spawn runs fn on a goroutine that Close (of the handle and of the reader)
// waits for. It refuses once the handle is closing.
func (h *Handle) spawn(fn func()) bool {
	h.pf.mu.Lock()
	defer h.pf.mu.Unlock()
	return h.spawnLocked(fn)
}

func (h *Handle) spawnLocked(fn func()) bool {
	if h.pf.closed {
		return false
	}
	h.wg.Add(1)
	if !h.r.spawn(func() { defer h.wg.Done(); fn() }) {
		h.wg.Done()
		return false
	}
	return true
}

// spawn runs fn on a goroutine Close waits for, unless the reader is closed.
func (r *Reader) spawn(fn func()) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		fn()
	}()
	return true
}

var errNegativeOffset = errors.New("media: negative read offset")

func (h *Handle) readAt(ctx context.Context, p []byte, off int64) (int, error) {
	if h.err != nil {
		return 0, h.err
	}
	if off < 0 {
		return 0, errNegativeOffset
	}
	if h.ctx.Err() != nil {
		return 0, errReaderClosed
	}
	if len(p) == 0 {
		return 0, nil
	}
	if size, ok := h.st.knownSize(); ok && off >= size {
		return 0, io.EOF
	}
	h.pf.observe(off, len(p))

	bs := h.r.bs
	lastIdx := (off + int64(len(p)) - 1) / bs
	n := 0
	for n < len(p) {
		pos := off + int64(n)
		if size, ok := h.st.knownSize(); ok && pos >= size {
			break
		}
		idx := pos / bs
		in := int(pos - idx*bs)
		need := in + min(len(p)-n, int(bs)-in)
		data, b, err := h.block(ctx, idx, need, lastIdx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return n, err
		}
		if in < len(data) {
			n += copy(p[n:], data[in:])
		}
		b.Release()
		if len(data) < need {
			break // a complete block shorter than asked: the media ends in it
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// maxClaimTries bounds how often a block may vanish between being
// claimed and read (a fill abandoned by a closing handle, a block evicted
// at once) before a read gives up.
const maxClaimTries = 8

// block returns at least need bytes of block idx (fewer only at the end of
// the media), from this handle's read-ahead, the cache, a fill in flight, or
// a fill of its own (blocks idx..lastIdx in one request).
func (h *Handle) block(ctx context.Context, idx int64, need int, lastIdx int64) ([]byte, *cache.Block, error) {
	key := cache.BlockKey{Media: h.st.key, Index: idx}
	for try := 0; ; try++ {
		if b := h.holds.Get(idx); b != nil {
			return b.Bytes(), b, nil
		}
		data, b, err := h.r.blocks.Await(ctx, key, need)
		if err == nil {
			return data, b, nil
		}
		if !errors.Is(err, cache.ErrMiss) {
			return nil, nil, err
		}
		if try >= maxClaimTries {
			return nil, nil, fmt.Errorf("media %s block %d: fills keep being abandoned", h.st.key, idx)
		}
		if err := h.demand(ctx, idx, max(lastIdx, idx)); err != nil {
			return nil, nil, err
		}
	}
}

// demand claims blocks first..last that nobody has and fills them on a
// goroutine of the handle, so the reader can take the first bytes while the
// rest arrive. It waits for memory with the caller's ctx.
func (h *Handle) demand(ctx context.Context, first, last int64) error {
	size, known := h.st.knownSize()
	req := h.r.claimRequest(h.st.key, first, last-first+1, size, known)
	if len(req.Sizes) == 0 {
		return io.EOF
	}
	run, err := h.r.blocks.Claim(ctx, req)
	if err != nil {
		return err
	}
	if run == nil {
		return nil // someone claimed it meanwhile: wait for theirs
	}
	fctx, cancel := fillContext(h.ctx, ctx)
	if !h.spawn(func() {
		defer cancel()
		h.r.fill(fctx, h.st, run, false, h.keep)
	}) {
		cancel()
		run.Finish(errReaderClosed)
		return errReaderClosed
	}
	return nil
}

// fillContext is the context of a fill started for a caller: it lives as
// long as owner (the handle or the reader), not as long as the caller and
// not by the caller's deadline. Other readers may be waiting for the same
// blocks, and on a slow link a block may take longer than one read may
// wait: the fill goes on and keeps its progress for the next read instead
// of being thrown away and started over. It stays bounded: every attempt
// must make progress within the request timeout, and the retries are
// counted. The caller's deadline still decides whether a back-off is worth
// waiting: when nobody could use the answer in time, the fill ends with
// the CDN's error rather than leaving the caller a timeout.
func fillContext(owner, caller context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(owner)
	if dl, ok := caller.Deadline(); ok {
		ctx = context.WithValue(ctx, retryByKey{}, dl)
	}
	return ctx, cancel
}

// retryByKey carries the deadline after which a fill stops retrying.
type retryByKey struct{}

// retryBy is the time after which no back-off should end: ctx's own
// deadline, or the deadline of the reader that started the fill.
func retryBy(ctx context.Context) (time.Time, bool) {
	if dl, ok := ctx.Deadline(); ok {
		return dl, true
	}
	dl, ok := ctx.Value(retryByKey{}).(time.Time)
	return dl, ok
}

// keep holds a block this handle fetched until the reader is past it.
func (h *Handle) keep(idx int64, b *cache.Block) { h.holds.Put(idx, b) }

// claimRequest describes count blocks from first, with exact sizes when
// the media size is known (and none past its end).
func (r *Reader) claimRequest(key string, first, count, size int64, known bool) cache.ClaimRequest {
	req := cache.ClaimRequest{Media: key, First: first, Last: -1}
	if known {
		if size <= 0 {
			return req
		}
		req.Last = (size - 1) / r.bs
		count = min(count, req.Last-first+1)
	}
	count = min(count, r.blocks.MaxRun()/r.bs)
	for i := range count {
		s := r.bs
		if known {
			s = min(r.bs, size-(first+i)*r.bs)
		}
		if s <= 0 {
			break
		}
		req.Sizes = append(req.Sizes, int(s))
	}
	return req
}

// learnSize asks the CDN for the size with a ranged GET of the first block
// (the size comes with the headers; the block stays cached).
func (r *Reader) learnSize(ctx context.Context, st *itemState) (int64, error) {
	key := cache.BlockKey{Media: st.key, Index: 0}
	for try := 0; try < maxClaimTries; try++ {
		_, b, err := r.blocks.Await(ctx, key, 1)
		if err == nil {
			b.Release()
			if n, ok := st.knownSize(); ok {
				return n, nil
			}
			// Block 0 was cached but the size forgotten: ask for one byte.
			return r.probeSize(ctx, st)
		}
		if n, ok := st.knownSize(); ok {
			return n, nil // an empty media (block 0 is past the end) or a race
		}
		if !errors.Is(err, cache.ErrMiss) {
			return 0, err
		}
		run, err := r.blocks.Claim(ctx, cache.ClaimRequest{Media: st.key, Sizes: []int{int(r.bs)}, Last: -1})
		if err != nil {
			return 0, err
		}
		if run == nil {
			continue
		}
		fctx, cancel := fillContext(r.ctx, ctx)
		if !r.spawn(func() {
			defer cancel()
			r.fill(fctx, st, run, false, nil)
		}) {
			cancel()
			run.Finish(errReaderClosed)
			return 0, errReaderClosed
		}
	}
	return 0, fmt.Errorf("media %s: could not learn the size", st.key)
}

// bufSink fills one plain buffer.
type bufSink struct {
	buf []byte
	n   int
}

func (s *bufSink) next() []byte { return s.buf[s.n:] }
func (s *bufSink) wrote(n int)  { s.n += n }

// probeSize learns the size from the Content-Range of a one-byte request.
func (r *Reader) probeSize(ctx context.Context, st *itemState) (int64, error) {
	var one [1]byte
	err := r.fetchRange(ctx, st, 0, 1, &bufSink{buf: one[:]})
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, err
	}
	if n, ok := st.knownSize(); ok {
		return n, nil
	}
	return 0, fmt.Errorf("media %s: the CDN did not tell the size", st.key)
}
