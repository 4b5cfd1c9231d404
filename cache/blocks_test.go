package cache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testBS = 64 << 10

func newTestBlocks(t *testing.T, budget int64) *Blocks {
	t.Helper()
	c, err := NewBlocks(BlocksConfig{Budget: budget, BlockSize: testBS})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// content is the deterministic byte at offset off of media m.
func content(m string, off int64) byte { return byte(int64(len(m))*31 + off*7 + off>>11) }

func fill(m string, idx int64, buf []byte) {
	for i := range buf {
		buf[i] = content(m, idx*testBS+int64(i))
	}
}

func checkBlock(t *testing.T, m string, idx int64, got []byte) {
	t.Helper()
	want := make([]byte, len(got))
	fill(m, idx, want)
	if !bytes.Equal(got, want) {
		t.Fatalf("block %s/%d: wrong bytes", m, idx)
	}
}

// waitFor polls cond until it holds or the deadline passes; it is for
// observing another goroutine's progress, not for ordering.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestNewBlocksRejectsTinyBudget(t *testing.T) {
	if _, err := NewBlocks(BlocksConfig{Budget: 2 * testBS, BlockSize: testBS}); err == nil {
		t.Fatal("a budget of two blocks was accepted")
	}
	// A zero block size is refused, not replaced by a default.
	if _, err := NewBlocks(BlocksConfig{Budget: 64 << 20}); err == nil {
		t.Fatal("block size 0 was accepted")
	}
	c, err := NewBlocks(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.BlockSize() != DefaultConfig().BlockSize {
		t.Fatalf("default block size %d", c.BlockSize())
	}
}

func TestGetOrFetchSingleFlight(t *testing.T) {
	c := newTestBlocks(t, 4<<20)
	key := BlockKey{"v1", 3}
	var calls atomic.Int32
	release := make(chan struct{})
	fetch := func(ctx context.Context, buf []byte) (int, error) {
		calls.Add(1)
		<-release
		fill("v1", 3, buf)
		return len(buf), nil
	}
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			b, err := c.GetOrFetch(context.Background(), key, testBS, -1, fetch)
			if err != nil {
				errs <- err
				return
			}
			defer b.Release()
			if len(b.Bytes()) != testBS {
				errs <- fmt.Errorf("got %d bytes", len(b.Bytes()))
				return
			}
			want := make([]byte, testBS)
			fill("v1", 3, want)
			if !bytes.Equal(b.Bytes(), want) {
				errs <- errors.New("wrong bytes")
			}
		})
	}
	// Every caller but the fetcher must be waiting on the flight before the
	// fetch completes, or the test proves nothing.
	waitFor(t, "15 waiters", func() bool {
		c.flightsMu.Lock()
		defer c.flightsMu.Unlock()
		f := c.flights[key]
		if f == nil {
			return false
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.waiters == n-1
	})
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := calls.Load(); got != 1 {
		t.Fatalf("fetch ran %d times, want 1", got)
	}
	s := c.Stats()
	if s.Misses != 1 || s.Hits != n-1 {
		t.Fatalf("stats %+v: want 1 miss and %d hits", s, n-1)
	}
	// Now cached: a later call fetches nothing.
	b, err := c.GetOrFetch(context.Background(), key, testBS, -1, fetch)
	if err != nil {
		t.Fatal(err)
	}
	b.Release()
	if calls.Load() != 1 {
		t.Fatal("cached block fetched again")
	}
}

func TestFetchErrorReachesWaitersAndIsNotCached(t *testing.T) {
	c := newTestBlocks(t, 4<<20)
	key := BlockKey{"v", 0}
	boom := errors.New("boom")
	_, err := c.GetOrFetch(context.Background(), key, testBS, -1, func(ctx context.Context, buf []byte) (int, error) {
		return 0, boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if c.Contains(key) {
		t.Fatal("failed block is cached")
	}
	if u := c.Stats().Used; u != 0 {
		t.Fatalf("failed fetch leaked %d bytes", u)
	}
}

func TestAwaitPrefixWhileFilling(t *testing.T) {
	c := newTestBlocks(t, 4<<20)
	run, err := c.Claim(context.Background(), ClaimRequest{Media: "m", First: 0, Sizes: []int{testBS, testBS}, Last: -1})
	if err != nil || run == nil || run.Len() != 2 {
		t.Fatalf("claim: %v %v", run, err)
	}
	// A second claim of the same blocks gets nothing.
	if r2 := c.TryClaim(ClaimRequest{Media: "m", First: 0, Sizes: []int{testBS}, Last: -1}); r2 != nil {
		t.Fatal("block claimed twice")
	}
	fill("m", 0, run.Buf(0))
	run.Progress(0, 1000)
	data, b, err := c.Await(context.Background(), BlockKey{"m", 0}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != 1000 {
		t.Fatalf("prefix of %d bytes, want 1000", len(data))
	}
	checkBlock(t, "m", 0, data)
	b.Release()

	// A waiter for more bytes wakes when they arrive.
	got := make(chan []byte, 1)
	go func() {
		data, b, err := c.Await(context.Background(), BlockKey{"m", 1}, testBS)
		if err != nil {
			got <- nil
			return
		}
		got <- bytes.Clone(data)
		b.Release()
	}()
	if d := run.Done(0, testBS, false); d != nil {
		t.Fatal("Done returned a block nobody asked for")
	}
	fill("m", 1, run.Buf(1))
	run.Progress(1, testBS/2)
	run.Done(1, testBS/3, false) // the media ends early
	run.Finish(nil)
	d := <-got
	if len(d) != testBS/3 {
		t.Fatalf("waiter got %d bytes, want %d", len(d), testBS/3)
	}
	checkBlock(t, "m", 1, d)
}

func TestAbandonedFillLetsWaitersFetch(t *testing.T) {
	c := newTestBlocks(t, 4<<20)
	key := BlockKey{"m", 5}
	// An abandoned fill tells its waiters to fetch themselves (ErrMiss); a
	// real failure is passed on.
	for _, tc := range []struct{ finish, want error }{
		{context.Canceled, ErrMiss},
		{io.EOF, io.EOF},
	} {
		run, _ := c.Claim(context.Background(), ClaimRequest{Media: "m", First: 5, Sizes: []int{testBS}, Last: -1})
		res := make(chan error, 1)
		go func() {
			_, _, err := c.Await(context.Background(), key, testBS)
			res <- err
		}()
		waitFor(t, "a waiter", func() bool {
			c.flightsMu.Lock()
			f := c.flights[key]
			c.flightsMu.Unlock()
			f.mu.Lock()
			defer f.mu.Unlock()
			return f.waiters == 1
		})
		run.Finish(tc.finish)
		if err := <-res; !errors.Is(err, tc.want) {
			t.Fatalf("fill finished with %v: waiter got %v, want %v", tc.finish, err, tc.want)
		}
	}
}

func TestBudgetRespectedAndNothingLeaks(t *testing.T) {
	const budget = 2 << 20 // 32 blocks
	c, err := NewBlocks(BlocksConfig{Budget: budget, BlockSize: testBS})
	if err != nil {
		t.Fatal(err)
	}
	var fetches atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			for range 400 {
				m := fmt.Sprintf("m%d", rng.IntN(4))
				idx := rng.Int64N(40)
				b, err := c.GetOrFetch(context.Background(), BlockKey{m, idx}, testBS, 39,
					func(ctx context.Context, buf []byte) (int, error) {
						fetches.Add(1)
						fill(m, idx, buf)
						return len(buf), nil
					})
				if err != nil {
					t.Error(err)
					return
				}
				checkBlock(t, m, idx, b.Bytes())
				b.Release()
			}
		})
	}
	wg.Wait()
	s := c.Stats()
	if s.Peak > budget || s.Used > budget {
		t.Fatalf("budget %d exceeded: %+v", budget, s)
	}
	if s.Bytes > budget*3/4 {
		t.Fatalf("cached %d bytes: the cache took the room for fills", s.Bytes)
	}
	if s.Evictions == 0 || fetches.Load() <= 160 {
		t.Fatalf("expected evictions and refetches with 160 blocks in 32: %+v, %d fetches", s, fetches.Load())
	}
	if s.Misses != fetches.Load() {
		t.Fatalf("misses %d != fetches %d", s.Misses, fetches.Load())
	}
	// Buffers are recycled, not left to the collector: the heap would
	// otherwise grow to twice the budget between collections.
	if s.Allocated > budget/testBS {
		t.Fatalf("%d buffers allocated for %d fills in a budget of %d buffers", s.Allocated, s.Misses, budget/testBS)
	}
	c.Close()
	if u := c.Stats().Used; u != 0 {
		t.Fatalf("%d bytes still accounted after Close: a reference leaked", u)
	}
}

func TestHeadAndTailSurviveStreaming(t *testing.T) {
	c := newTestBlocks(t, 4<<20) // pinned area 512 KiB = 8 blocks
	fetch := func(ctx context.Context, buf []byte) (int, error) { return len(buf), nil }
	get := func(m string, idx, last int64) {
		b, err := c.GetOrFetch(context.Background(), BlockKey{m, idx}, testBS, last, fetch)
		if err != nil {
			t.Fatal(err)
		}
		b.Release()
	}
	// A scanner touches head and tail of three files...
	for _, m := range []string{"a", "b", "c"} {
		get(m, 0, 99)
		get(m, 99, 99)
	}
	// ...then something streams far more than the whole budget.
	for i := range int64(200) {
		get("big", i, 1000)
	}
	for _, m := range []string{"a", "b", "c"} {
		for _, idx := range []int64{0, 99} {
			if !c.Contains(BlockKey{m, idx}) {
				t.Fatalf("%s/%d evicted by streaming", m, idx)
			}
		}
	}
	if s := c.Stats(); s.Pinned == 0 || s.Pinned > 512<<10 {
		t.Fatalf("pinned %d", s.Pinned)
	}
}

func TestHoldsKeepReadAheadAndYieldUnderPressure(t *testing.T) {
	const budget = 2 << 20 // main 1 MiB, pinned 256 KiB, fills 512 KiB
	c := newTestBlocks(t, budget)
	idle := c.NewHolds()
	defer idle.Close()
	// An idle reader holds read-ahead it fetched.
	for i := int64(1); i <= 6; i++ {
		run := c.TryClaim(ClaimRequest{Media: "idle", First: i, Sizes: []int{testBS}, Last: -1})
		if run == nil {
			t.Fatalf("claim %d refused", i)
		}
		b := run.Done(0, testBS, true)
		idle.Put(i, b)
		b.Release()
		run.Finish(nil)
	}
	if h := idle.Get(3); h == nil {
		t.Fatal("held block missing")
	} else {
		h.Release()
	}
	// Fill the cache with other blocks until only the holds keep memory.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := int64(1); i < 60; i++ {
		b, err := c.GetOrFetch(ctx, BlockKey{"busy", i}, testBS, -1, func(ctx context.Context, buf []byte) (int, error) {
			return len(buf), nil
		})
		if err != nil {
			t.Fatalf("demand fetch %d blocked by idle holds: %v", i, err)
		}
		b.Release()
	}
	// Big demand claims need the held memory back.
	for range 3 {
		run, err := c.Claim(ctx, ClaimRequest{Media: "busy", First: 100, Sizes: []int{testBS, testBS, testBS, testBS, testBS, testBS, testBS, testBS, testBS}, Last: -1})
		if err != nil {
			t.Fatal(err)
		}
		run.Finish(nil)
	}
	s := c.Stats()
	if s.Peak > budget {
		t.Fatalf("peak %d over budget", s.Peak)
	}
	// Whether those claims had to take held memory back depends on how
	// soon ristretto evicted the busy blocks (its sets are asynchronous),
	// so the hook the budget calls when it runs short is also asked
	// directly: idle read-ahead that nobody else references is given back.
	// (A held block the main cache also keeps costs nothing extra and
	// stays.)
	c.reclaimHolds(budget)
	idle.mu.Lock()
	defer idle.mu.Unlock()
	for i, b := range idle.m {
		if b.onlyHeld() {
			t.Fatalf("idle read-ahead block %d not taken back: %+v", i, c.Stats())
		}
	}
}

func TestClaimWaitsForMemoryAndHonoursContext(t *testing.T) {
	const budget = 1 << 20 // fills get 256 KiB = 4 blocks
	c := newTestBlocks(t, budget)
	held := c.NewHolds()
	defer held.Close()
	var runs []*Run
	for i := range int64(4) {
		r := c.TryClaim(ClaimRequest{Media: "x", First: i, Sizes: []int{testBS}, Last: -1})
		if r == nil {
			t.Fatalf("claim %d refused", i)
		}
		runs = append(runs, r)
	}
	// Fill room is used up by fills in flight (nothing reclaimable):
	// read-ahead is refused and a demand claim waits.
	for i := int64(4); c.budget.stats().used+testBS <= budget; i++ {
		r := c.TryClaim(ClaimRequest{Media: "y", First: i, Sizes: []int{testBS}, Last: -1})
		if r == nil {
			t.Fatal("refused while there was room")
		}
		runs = append(runs, r)
	}
	if r := c.TryClaim(ClaimRequest{Media: "z", First: 0, Sizes: []int{testBS}, Last: -1}); r != nil {
		t.Fatal("read-ahead claim granted over budget")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Claim(ctx, ClaimRequest{Media: "z", First: 0, Sizes: []int{testBS}, Last: -1}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("claim over budget: %v", err)
	}
	got := make(chan *Run)
	go func() {
		r, err := c.Claim(context.Background(), ClaimRequest{Media: "z", First: 0, Sizes: []int{testBS}, Last: -1})
		if err != nil {
			t.Error(err)
		}
		got <- r
	}()
	waitFor(t, "a waiting claim", func() bool { return c.budget.stats().waiting == 1 })
	runs[0].Finish(context.Canceled) // frees one block
	r := <-got
	if r == nil {
		t.Fatal("no run")
	}
	r.Finish(nil)
	for _, r := range runs[1:] {
		r.Finish(nil)
	}
	if s := c.Stats(); s.Used != 0 || s.Peak > budget {
		t.Fatalf("after all fills: %+v", s)
	}
}

func TestSmallBlockMovesToExactBuffer(t *testing.T) {
	c := newTestBlocks(t, 4<<20)
	b, err := c.GetOrFetch(context.Background(), BlockKey{"pic", 0}, testBS, -1, func(ctx context.Context, buf []byte) (int, error) {
		fill("pic", 0, buf[:100])
		return 100, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkBlock(t, "pic", 0, b.Bytes())
	b.Release()
	if s := c.Stats(); s.Used != 100 || s.Bytes != 100 {
		t.Fatalf("a 100-byte picture costs %+v", s)
	}
}

// Blocks that several readers hold (and the cache has let go of) are
// given back when a demand claim runs short: no one reader's hold could
// free them, and with nothing in flight no release would ever come.
func TestClaimReclaimsBlocksSharedByReaders(t *testing.T) {
	const budget = 8 * testBS
	c := newTestBlocks(t, budget)
	a, b := c.NewHolds(), c.NewHolds()
	defer a.Close()
	defer b.Close()
	// Fill as much of the budget as claims may take with blocks both
	// readers hold and the cache does not keep.
	var held int
	for i := int64(0); ; i++ {
		run := c.TryClaim(ClaimRequest{Media: "shared", First: i, Sizes: []int{testBS}, Last: -1})
		if run == nil {
			break
		}
		fill("shared", i, run.Buf(0))
		blk := run.Done(0, testBS, true)
		run.Finish(nil)
		a.Put(i, blk)
		b.Put(i, blk)
		blk.Release()
		c.Delete(BlockKey{"shared", i})
		held++
	}
	if held == 0 {
		t.Fatal("no block could be claimed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i := range int64(budget / testBS) {
		run, err := c.Claim(ctx, ClaimRequest{Media: "demand", First: i, Sizes: []int{testBS}, Last: -1})
		if err != nil {
			t.Fatalf("demand claim %d with %d blocks held by two readers: %v (%+v)", i, held, err, c.Stats())
		}
		run.Finish(nil)
	}
	if s := c.Stats(); s.Peak > budget {
		t.Fatalf("peak %d over budget %d", s.Peak, budget)
	}
}
