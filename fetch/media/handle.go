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

// View is the answer to one read: its bytes in order, as a slice of a
// cached block (not copied) or slices of the caller's buffer. A block slice
// stays valid until Release.
type View struct {
	Parts  [][]byte
	N      int // bytes in Parts
	blocks []*cache.Block
}

// Release lets go of the blocks the view shows.
func (v *View) Release() {
	for _, b := range v.blocks {
		b.Release()
	}
	v.blocks = nil
}

// add appends the next bytes of the read to p[v.N:], ready to be
// answered: a part in p is kept as it is; a part of block b (referenced)
// is kept without copying only when it alone answers the whole read, else
// copied into p and b released at once. A read never holds one block while
// it waits for the next (that could wait forever on a full budget), and a
// read that a single block answers, the usual case with block-aligned
// reads, is never copied here.
func (v *View) add(p, part []byte, b *cache.Block) {
	if b != nil && (v.N > 0 || len(part) < len(p)) {
		part = p[v.N : v.N+copy(p[v.N:], part)]
		b.Release()
		b = nil
	}
	if len(part) > 0 {
		v.Parts = append(v.Parts, part)
		v.N += len(part)
	}
	if b != nil {
		v.blocks = append(v.blocks, b)
	}
}

func (h *Handle) readAt(ctx context.Context, p []byte, off int64) (int, error) {
	v, err := h.readView(ctx, p, off)
	if v == nil {
		return 0, err
	}
	n := 0
	for _, part := range v.Parts {
		if &part[0] != &p[n] { // parts fetched into p are in place already
			copy(p[n:], part)
		}
		n += len(part)
	}
	v.Release()
	return n, err
}

// readView reads len(p) bytes at off: as slices of the cached blocks that
// hold them, or fetched into p. Like ReadAt it returns fewer bytes only at
// the end of the media, with io.EOF; the view is nil only when err is not
// io.EOF.
func (h *Handle) readView(ctx context.Context, p []byte, off int64) (*View, error) {
	if h.err != nil {
		return nil, h.err
	}
	if off < 0 {
		return nil, errNegativeOffset
	}
	if h.ctx.Err() != nil {
		return nil, errReaderClosed
	}
	if len(p) == 0 {
		return &View{}, nil
	}
	if size, ok := h.st.knownSize(); ok && off >= size {
		return &View{}, io.EOF
	}
	// Below blockFrom a miss of a read smaller than a block is fetched as
	// asked, for this read alone: a read that starts a streak (a seek, a
	// random read) costs what it asks for, not a block. From there on the
	// streak is served in blocks, with read-ahead. Reads of a block or more
	// are served in blocks (the cache keeps them for the next reader), and
	// so are the first block and the last block-size bytes: they go to the
	// cache's head/tail area, where scanners that come back find them.
	blockFrom := h.pf.observe(off, len(p))
	small := int64(len(p)) < h.r.bs
	start := time.Now()
	defer func() { h.pf.waitedFor(time.Since(start)) }()

	bs := h.r.bs
	lastIdx := (off + int64(len(p)) - 1) / bs
	v := &View{}
	for v.N < len(p) {
		pos := off + int64(v.N)
		if size, ok := h.st.knownSize(); ok && pos >= size {
			break
		}
		idx := pos / bs
		in := int(pos - idx*bs)
		need := in + min(len(p)-v.N, int(bs)-in)
		var data []byte
		var b *cache.Block
		var err error
		if small && pos < blockFrom && !h.edge(idx) {
			data, b, err = h.cached(ctx, idx, need)
			if errors.Is(err, cache.ErrMiss) {
				k, err := h.direct(ctx, p[v.N:], pos, min(blockFrom, off+int64(len(p))))
				v.add(p, p[v.N:v.N+k], nil)
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					v.Release()
					return nil, err
				}
				continue
			}
		} else {
			data, b, err = h.block(ctx, idx, need, lastIdx)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			v.Release()
			return nil, err
		}
		if in < len(data) {
			v.add(p, data[in:min(len(data), need)], b)
		} else {
			b.Release()
		}
		if len(data) < need {
			break // a complete block shorter than asked: the media ends in it
		}
	}
	if v.N < len(p) {
		return v, io.EOF
	}
	return v, nil
}

// edge reports whether block idx is the media's first, or holds some of
// its last block-size bytes (where a scanner reads the tail).
func (h *Handle) edge(idx int64) bool {
	size, ok := h.st.knownSize()
	return idx == 0 || (ok && (idx+1)*h.r.bs > size-h.r.bs)
}

// direct fetches bytes from pos into buf for one read: up to end, or up to
// the first block after pos's that the cache has or is filling, or that is
// the media's last, and no more than a fill may claim at once (so one
// request's resumes and retries are counted as a fill's are). It returns
// how many bytes it delivered.
func (h *Handle) direct(ctx context.Context, buf []byte, pos, end int64) (int, error) {
	bs := h.r.bs
	stop := min(end, pos+int64(len(buf)), pos+h.r.blocks.MaxRun())
	for next := (pos/bs + 1) * bs; next < stop; next += bs {
		if h.edge(next/bs) || h.holds.Has(next/bs) || h.r.blocks.Contains(cache.BlockKey{Media: h.st.key, Index: next / bs}) {
			stop = next
			break
		}
	}
	if size, ok := h.st.knownSize(); ok {
		stop = min(stop, size)
	}
	if stop <= pos {
		return 0, io.EOF
	}
	sink := &bufSink{buf: buf[:stop-pos]}
	err := h.r.fetchRange(ctx, h.st, pos, stop, sink)
	if err == nil && sink.n < int(stop-pos) {
		err = fmt.Errorf("media %s: range ended early", h.st.key)
	}
	return sink.n, err
}

// cached returns at least need bytes of block idx (fewer only at the end of
// the media) from this handle's read-ahead, the cache or a fill in flight,
// or cache.ErrMiss.
func (h *Handle) cached(ctx context.Context, idx int64, need int) ([]byte, *cache.Block, error) {
	if b := h.holds.Get(idx); b != nil {
		return b.Bytes(), b, nil
	}
	return h.r.blocks.Await(ctx, cache.BlockKey{Media: h.st.key, Index: idx}, need)
}

// maxClaimTries bounds how often a block may vanish between being
// claimed and read (a fill abandoned by a closing handle, a block evicted
// at once) before a read gives up.
const maxClaimTries = 8

// block returns at least need bytes of block idx (fewer only at the end of
// the media), from this handle's read-ahead, the cache, a fill in flight, or
// a fill of its own (blocks idx..lastIdx in one request).
func (h *Handle) block(ctx context.Context, idx int64, need int, lastIdx int64) ([]byte, *cache.Block, error) {
	for try := 0; ; try++ {
		data, b, err := h.cached(ctx, idx, need)
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
