package media_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/fetch/media"
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// More readers than the smallest budget has blocks, each reading up to four
// blocks at random offsets: every read completes with exactly its bytes
// (slower, never an error, never short), and the budget holds.
func TestMediaFakeOversubscribedBudget(t *testing.T) {
	budget := int64(4 * fBS) // the smallest budget NewBlocks accepts
	e := newMediaFakeEnv(t, fakedouyin.NewDefault(), budget, nil)
	w := e.s.World()
	type file struct {
		m  *media.Item
		fm *fakedouyin.Media
	}
	var files []file
	for i, id := range videoPosts(w, 6) {
		m, fm, _ := e.media(t, id, i%2 == 0)
		files = append(files, file{m, fm})
	}
	const readers, reads = 16, 40
	var handles []*media.Handle
	for _, f := range files {
		h := e.r.Open(f.m)
		defer h.Close()
		handles = append(handles, h)
	}
	var wrong, short, failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for g := range readers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 11))
			f := files[g%len(files)]
			h := handles[g%len(files)]
			var off int64
			for i := range reads {
				n := 1 + rng.IntN(4*fBS)
				if i%4 == 0 {
					off = rng.Int64N(f.fm.Size)
				}
				p := make([]byte, n)
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				got, err := h.ReadAt(ctx, p, off)
				cancel()
				want := int(min(int64(n), f.fm.Size-off))
				switch {
				case err != nil && !(errors.Is(err, io.EOF) && got == want && want < n):
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
					continue
				case got != want:
					short.Add(1)
					continue
				}
				exp := make([]byte, got)
				f.fm.ReadAt(exp, off)
				if !bytes.Equal(p[:got], exp) {
					wrong.Add(1)
				}
				if off += int64(got); off >= f.fm.Size {
					off = 0
				}
			}
		})
	}
	wg.Wait()
	if wrong.Load()+short.Load()+failed.Load() > 0 {
		t.Fatalf("%d readers × %d reads on a %d-byte budget: %d wrong, %d short, %d failed (first error: %v); cache %+v",
			readers, reads, budget, wrong.Load(), short.Load(), failed.Load(), firstErr.Load(), e.blocks.Stats())
	}
	if s := e.blocks.Stats(); s.Peak > budget {
		t.Fatalf("peak %d over budget %d", s.Peak, budget)
	}
}
