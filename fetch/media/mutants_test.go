package media

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Tests written to kill mutants that survived `make mutate` in ranged.go
// handle.go and prefetch.go.

// A CDN that answers one byte per range is followed for exactly
// maxPartials shorter answers to one range, and not one more.
func TestMediaPartialAnswersAreCapped(t *testing.T) {
	e := newTestEnv(t, 8<<20, nil)
	e.cdn.set(func(c *testCDN) { c.maxRange = 1 })
	const ok = maxPartials + 1 // the first answer and maxPartials partial ones
	e.cdn.add("ok", ok)
	e.cdn.add("over", ok+1)
	h := e.r.Open(e.cdn.media("ok", false))
	defer h.Close()
	checkRead(t, h, "ok", ok, 0, ok)

	h2 := e.r.Open(e.cdn.media("over", false))
	defer h2.Close()
	p := make([]byte, ok+1)
	n, err := h2.ReadAt(context.Background(), p, 0)
	if err == nil || !strings.Contains(err.Error(), "partial answers") {
		t.Fatalf("a range answered in %d one-byte parts: read %d bytes, err %v; want the partial-answer cap", ok+1, n, err)
	}
}

// A read of exactly one aligned block fetches that block and no more.
func TestMediaAlignedBlockReadFetchesOneBlock(t *testing.T) {
	e := newTestEnv(t, 8<<20, nil)
	const size = 10 * tBS
	e.cdn.add("one", size)
	h := e.r.Open(e.cdn.media("one", true))
	defer h.Close()
	checkRead(t, h, "one", size, 2*tBS, tBS)
	want := fmt.Sprintf("one %d-%d", 2*tBS, 3*tBS-1)
	if got := e.cdn.rangesOf("one"); len(got) != 1 || got[0] != want {
		t.Fatalf("ranges %q, want [%s]", got, want)
	}
	if n := e.r.Stats().BytesFetched; n != tBS {
		t.Fatalf("fetched %d bytes for one block of %d", n, tBS)
	}
}

// The reorder tolerance is inclusive at both ends: a read exactly
// prefetchReorderBlocks behind the furthest read, or that far past it,
// continues the streak; one byte further is a seek.
func TestMediaReorderToleranceEdges(t *testing.T) {
	e := newTestEnv(t, 16<<20, nil)
	const size = 64 * tBS
	e.cdn.add("tol", size)
	h := e.r.Open(e.cdn.media("tol", true))
	defer h.Close()
	gen := func() int {
		h.pf.mu.Lock()
		defer h.pf.mu.Unlock()
		return h.pf.gen
	}
	const tol = prefetchReorderBlocks * tBS
	checkRead(t, h, "tol", size, 0, tBS)       // streak starts; furthest end tBS
	checkRead(t, h, "tol", size, tBS+tol, tBS) // exactly tol past it
	if g := gen(); g != 0 {
		t.Fatalf("a read %d bytes past the furthest one was taken for a seek", tol)
	}
	checkRead(t, h, "tol", size, 6*tBS-tol, tBS) // exactly tol behind the new end, 6*tBS
	if g := gen(); g != 0 {
		t.Fatalf("a read %d bytes behind the furthest one was taken for a seek", tol)
	}
	checkRead(t, h, "tol", size, 40*tBS, tBS) // far past anything in flight
	if g := gen(); g != 1 {
		t.Fatalf("a jump of 34 blocks: streak number %d, want 1 (a seek)", g)
	}
}

// A body that breaks after every byte is resumed exactly maxResumes times
// for one range, and not once more.
func TestMediaResumesAreCapped(t *testing.T) {
	e := newTestEnv(t, 8<<20, nil)
	e.cdn.set(func(c *testCDN) { c.resetAt = 1 })
	const ok = maxResumes + 1 // one byte per body: the first and maxResumes resumed ones
	e.cdn.add("ok", ok)
	e.cdn.add("over", ok+1)
	h := e.r.Open(e.cdn.media("ok", false))
	defer h.Close()
	checkRead(t, h, "ok", ok, 0, ok)

	h2 := e.r.Open(e.cdn.media("over", false))
	defer h2.Close()
	p := make([]byte, ok+1)
	n, err := h2.ReadAt(context.Background(), p, 0)
	if err == nil || !strings.Contains(err.Error(), "resumes") {
		t.Fatalf("a body broken after each of %d bytes: read %d bytes, err %v; want the resume cap", ok+1, n, err)
	}
}

// An item without a key is keyed by its first URL; one with neither is an
// error (not a panic).
func TestMediaItemKeyedByURL(t *testing.T) {
	e := newTestEnv(t, 8<<20, nil)
	const size = 3*tBS + 5
	e.cdn.add("nokey", size)
	m := e.cdn.media("nokey", false)
	m.Key = ""
	if n, err := e.r.Size(context.Background(), m); err != nil || n != size {
		t.Fatalf("Size of an item keyed by URL: %d, %v", n, err)
	}
	if _, err := e.r.Size(context.Background(), &Item{}); err == nil {
		t.Fatal("an item with neither key nor URLs was accepted")
	}
}

// Past maxStates the table drops idle states down to half, and never one
// in use.
func TestMediaStateTableBounded(t *testing.T) {
	e := newTestEnv(t, 8<<20, nil)
	busy, err := e.r.state(&Item{Key: "busy"})
	if err != nil {
		t.Fatal(err)
	}
	defer e.r.unuse(busy)
	for i := 1; i < maxStates; i++ {
		st, err := e.r.state(&Item{Key: fmt.Sprint(i)})
		if err != nil {
			t.Fatal(err)
		}
		e.r.unuse(st)
	}
	count := func() int {
		e.r.mu.Lock()
		defer e.r.mu.Unlock()
		return len(e.r.states)
	}
	if n := count(); n != maxStates {
		t.Fatalf("%d states before the table was full, want %d", n, maxStates)
	}
	st, err := e.r.state(&Item{Key: "one more"})
	if err != nil {
		t.Fatal(err)
	}
	e.r.unuse(st)
	// Idle states go until fewer than half are left; then the new one.
	if n := count(); n != maxStates/2 {
		t.Fatalf("%d states after passing %d, want %d", n, maxStates, maxStates/2)
	}
	e.r.mu.Lock()
	kept := e.r.states["busy"] == busy
	e.r.mu.Unlock()
	if !kept {
		t.Fatal("a state in use was dropped")
	}
}

// An item that names a known key without URLs uses the URLs already known.
func TestMediaItemWithoutURLsKeepsKnownOnes(t *testing.T) {
	e := newTestEnv(t, 8<<20, nil)
	const size = 8 * tBS
	e.cdn.add("known", size)
	m := e.cdn.media("known", true)
	h := e.r.Open(m)
	checkRead(t, h, "known", size, 0, 100)
	h.Close()
	h2 := e.r.Open(&Item{Key: m.Key, Size: size})
	defer h2.Close()
	checkRead(t, h2, "known", size, 5*tBS, 100)
}

// Two reads that together cover exactly half a block start read-ahead.
func TestMediaReadAheadStartsAfterTwoReadsAndHalfABlock(t *testing.T) {
	e := newTestEnv(t, 16<<20, nil)
	const size = 16 * tBS
	e.cdn.add("ra", size)
	h := e.r.Open(e.cdn.media("ra", true))
	defer h.Close()
	checkRead(t, h, "ra", size, 0, tBS/4)
	checkRead(t, h, "ra", size, tBS/4, tBS/4)
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, r := range e.cdn.rangesOf("ra") {
			if !strings.HasPrefix(r, "ra 0-") {
				return // a request past the first block: read-ahead
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no read-ahead after two sequential reads of half a block: ranges %q", e.cdn.rangesOf("ra"))
		}
		time.Sleep(time.Millisecond)
	}
}
