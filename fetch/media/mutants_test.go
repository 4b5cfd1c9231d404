package media

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// Tests written to kill mutants that survived `make mutate` in ranged.go
// and handle.go.

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
