package media

import (
	"bytes"
	"context"
	"testing"

	"github.com/douyinfs/douyinfs/cache"
)

// keepBlocks stores the blocks of an unranged body that nobody has, reads
// past the ones cached already (without replacing them), and consumes
// exactly its blocks, the short last one included.
func TestKeepBlocksOfUnrangedBody(t *testing.T) {
	e := newTestEnv(t, 64*tBS, nil)
	st := &itemState{key: "k/unranged"}
	const total = 5*tBS + 100
	want := make([]byte, total)
	testContent("unranged", 0, want)
	key := func(i int64) cache.BlockKey { return cache.BlockKey{Media: st.key, Index: i} }

	// Block 3 is cached already, with other bytes: they must stay.
	run := e.blocks.TryClaim(cache.ClaimRequest{Media: st.key, First: 3, Sizes: []int{tBS}, Last: 5})
	if run == nil {
		t.Fatal("could not claim block 3")
	}
	copy(run.Buf(0), bytes.Repeat([]byte{0xEE}, tBS))
	run.Done(0, tBS, false)
	run.Finish(nil)

	body := bytes.NewReader(append(want[2*tBS:], "trailing"...))
	if err := e.r.keepBlocks(context.Background(), st, body, 2, 5, total, false); err != nil {
		t.Fatal(err)
	}
	if body.Len() != len("trailing") {
		t.Errorf("%d bytes of the body left, want %d", body.Len(), len("trailing"))
	}
	for i := int64(2); i <= 5; i++ {
		b := e.blocks.Get(key(i))
		if b == nil {
			t.Fatalf("block %d not cached", i)
		}
		w := want[i*tBS : min(total, (i+1)*tBS)]
		if i == 3 {
			w = bytes.Repeat([]byte{0xEE}, tBS)
		}
		if !bytes.Equal(b.Bytes(), w) {
			t.Errorf("block %d: %d bytes, not the body's", i, len(b.Bytes()))
		}
		b.Release()
	}
	if e.blocks.Contains(key(0)) || e.blocks.Contains(key(1)) {
		t.Error("blocks outside first..last were stored")
	}

	// A body that ends early: the block being filled is not published.
	st2 := &itemState{key: "k/short"}
	err := e.r.keepBlocks(context.Background(), st2, bytes.NewReader(want[:tBS+10]), 0, 2, total, true)
	if err == nil {
		t.Error("a body cut in block 1: no error")
	}
	if !e.blocks.Contains(cache.BlockKey{Media: st2.key, Index: 0}) || e.blocks.Contains(cache.BlockKey{Media: st2.key, Index: 1}) {
		t.Error("want block 0 kept and the cut block 1 not")
	}
}
