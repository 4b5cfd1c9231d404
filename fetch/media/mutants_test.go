package media

import (
	"context"
	"strings"
	"testing"
)

// Tests written to kill mutants that survived `make mutate` in ranged.go.

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
