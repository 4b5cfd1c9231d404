package cache

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Tests written to kill mutants that survived `make mutate` in holds.go,
// budget.go and flight.go.

// heldBlock claims, fills and publishes block i of media m, puts it in
// every one of hs and drops every other reference, so only holds keep it.
func heldBlock(t *testing.T, c *Blocks, m string, i int64, hs ...*Holds) *Block {
	t.Helper()
	run := c.TryClaim(ClaimRequest{Media: m, First: i, Sizes: []int{testBS}, Last: -1})
	if run == nil {
		t.Fatalf("claim %s/%d refused: %+v", m, i, c.Stats())
	}
	fill(m, i, run.Buf(0))
	b := run.Done(0, testBS, true)
	run.Finish(nil)
	for _, h := range hs {
		h.Put(i, b)
	}
	b.Release()
	c.Delete(BlockKey{m, i})
	waitFor(t, "the cache to let go of "+m, b.onlyHeld)
	return b
}

func TestDropOutsideKeepsOnlyTheWindow(t *testing.T) {
	c := newTestBlocks(t, 64*testBS)
	h := c.NewHolds()
	defer h.Close()
	for i := range int64(6) {
		heldBlock(t, c, "w", i, h)
	}
	before := c.Stats().Used
	h.DropOutside(2, 4)
	for i := range int64(6) {
		if want := i == 2 || i == 3; h.Has(i) != want {
			t.Errorf("after DropOutside(2, 4): Has(%d) = %v", i, !want)
		}
	}
	if got := c.Stats().Used; got != before-4*testBS {
		t.Errorf("used %d after dropping 4 blocks, want %d", got, before-4*testBS)
	}
	if h.Bytes() != 2*testBS {
		t.Errorf("held %d bytes, want %d", h.Bytes(), 2*testBS)
	}
}

// A block two readers held, one of which has closed, is still reclaimable:
// the closed reader's hold no longer counts.
func TestReclaimAfterOtherHolderClosed(t *testing.T) {
	c := newTestBlocks(t, 64*testBS)
	a, b := c.NewHolds(), c.NewHolds()
	defer a.Close()
	heldBlock(t, c, "s", 0, a, b)
	b.Close()
	if got := c.reclaimHolds(testBS); got != testBS {
		t.Fatalf("reclaimed %d bytes of a block only one open reader holds, want %d", got, testBS)
	}
	if a.Has(0) {
		t.Error("reclaimed block still held")
	}
}

// Reclaim takes exactly what is needed, from the reader idle longest,
// farthest ahead first, and counts it.
func TestReclaimTakesOnlyNeedLongestIdleFirst(t *testing.T) {
	for round := range 8 {
		c := newTestBlocks(t, 64*testBS)
		hs := make([]*Holds, 5)
		for k := range hs {
			hs[k] = c.NewHolds()
			defer hs[k].Close()
			for i := range int64(3) {
				heldBlock(t, c, string(rune('a'+k)), i, hs[k])
			}
		}
		// hs[3] has been idle longest; the others by age in any order.
		now := time.Now().UnixNano()
		for k, h := range hs {
			h.lastUse.Store(now - int64((k*7)%5+1)*int64(time.Second))
		}
		hs[3].lastUse.Store(now - int64(time.Hour))
		if got := c.reclaimHolds(2 * testBS); got != 2*testBS {
			t.Fatalf("round %d: reclaimed %d bytes, want exactly %d", round, got, 2*testBS)
		}
		for k, h := range hs {
			for i := range int64(3) {
				want := k != 3 || i == 0 // the idlest reader loses blocks 2 and 1
				if h.Has(i) != want {
					t.Fatalf("round %d: reader %d Has(%d) = %v, want %v", round, k, i, !want, want)
				}
			}
		}
		if s := c.Stats(); s.Reclaimed != 2*testBS {
			t.Fatalf("round %d: stats count %d bytes reclaimed, want %d", round, s.Reclaimed, 2*testBS)
		}
	}
}

// Tests for budget.go survivors.

// A request of exactly the limit is granted, not refused as too large.
func TestBudgetAcquireWholeLimit(t *testing.T) {
	b := newBudget(4*testBS, testBS)
	if err := b.acquire(context.Background(), 4*testBS); err != nil {
		t.Fatalf("acquiring the whole limit: %v", err)
	}
	if err := b.acquire(context.Background(), 4*testBS+1); !errors.Is(err, errTooLarge) {
		t.Fatalf("acquiring more than the limit: %v, want errTooLarge", err)
	}
}

// Without a reclaim hook a blocked acquire just waits (several reclaim
// ticks) for a release or its context.
func TestBudgetWaitsWithoutReclaimHook(t *testing.T) {
	b := newBudget(4*testBS, testBS)
	if !b.tryAcquire(4 * testBS) {
		t.Fatal("empty budget refused")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*reclaimEvery)
	defer cancel()
	if err := b.acquire(ctx, testBS); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("acquire on a full budget: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- b.acquire(context.Background(), testBS) }()
	time.Sleep(2 * reclaimEvery)
	b.release(testBS, nil)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// A blocked acquire asks the reclaim hook again every reclaimEvery for
// exactly what it is short of, until memory comes back.
func TestBudgetReclaimsPeriodicallyWhatIsShort(t *testing.T) {
	b := newBudget(4*testBS, testBS)
	var needs []int64
	b.reclaim = func(need int64) int64 {
		needs = append(needs, need) // calls come from the one acquiring goroutine
		if len(needs) == 3 {
			b.release(need, nil)
			return need
		}
		return 0
	}
	if !b.tryAcquire(4 * testBS) {
		t.Fatal("empty budget refused")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.acquire(ctx, testBS); err != nil {
		t.Fatal(err)
	}
	if len(needs) != 3 || needs[0] != testBS || needs[1] != testBS || needs[2] != testBS {
		t.Fatalf("reclaim asked for %v, want %d three times", needs, testBS)
	}
}

// peak is the highest use, not the latest.
func TestBudgetPeak(t *testing.T) {
	b := newBudget(4*testBS, testBS)
	b.tryAcquire(3 * testBS)
	b.release(2*testBS, nil)
	b.tryAcquire(testBS)
	if s := b.stats(); s.peak != 3*testBS || s.used != 2*testBS {
		t.Fatalf("peak %d used %d, want %d and %d", s.peak, s.used, 3*testBS, 2*testBS)
	}
}

// Claims of empty blocks are refused (flight.go).
func TestClaimRefusesZeroSizedBlock(t *testing.T) {
	c := newTestBlocks(t, 64*testBS)
	if _, err := c.Claim(context.Background(), ClaimRequest{Media: "z", First: 0, Sizes: []int{0}, Last: -1}); err == nil {
		t.Fatal("a zero-sized block was claimed")
	}
	if r := c.TryClaim(ClaimRequest{Media: "z", First: 0, Sizes: []int{testBS, 0}, Last: -1}); r != nil {
		t.Fatal("a run with a zero-sized block was claimed")
	}
}

// A waiter is let in only when it fits: a release smaller than its request
// does not let it overshoot the limit.
func TestBudgetWaiterWaitsUntilItFits(t *testing.T) {
	b := newBudget(4*testBS, testBS)
	b.tryAcquire(4 * testBS)
	done := make(chan error, 1)
	go func() { done <- b.acquire(context.Background(), 2*testBS) }()
	waitFor(t, "a waiter", func() bool { return b.stats().waiting == 1 })
	b.release(testBS, nil)
	if s := b.stats(); s.waiting != 1 || s.used != 3*testBS {
		t.Fatalf("after releasing one block of four: %+v, want the 2-block waiter still waiting", s)
	}
	b.release(testBS, nil)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s := b.stats(); s.peak > 4*testBS {
		t.Fatalf("peak %d over the limit", s.peak)
	}
}

// A claim of exactly the room fills may take is allowed; one byte more is
// too large.
func TestClaimOfExactlyTheFillRoom(t *testing.T) {
	c := newTestBlocks(t, 64*testBS)
	room := c.budget.limit - c.mainLimit
	sizes := make([]int, room/testBS)
	for i := range sizes {
		sizes[i] = testBS
	}
	if rest := int(room % testBS); rest > 0 {
		sizes = append(sizes, rest)
	}
	if _, err := c.checkClaim(ClaimRequest{Media: "r", Sizes: sizes, Last: -1}); err != nil {
		t.Fatalf("a claim of the whole fill room (%d bytes): %v", room, err)
	}
	sizes = append(sizes, 1)
	if _, err := c.checkClaim(ClaimRequest{Media: "r", Sizes: sizes, Last: -1}); !errors.Is(err, errTooLarge) {
		t.Fatalf("a claim one byte over the fill room: %v", err)
	}
}
