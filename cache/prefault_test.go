//go:build linux

package cache

import (
	"context"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A new block buffer is resident before the fill writes it (prefault), so
// the fill does not fault page by page.
func TestNewBufferIsResident(t *testing.T) {
	const bs = 4 << 20 // large: fresh pages from the system, not recycled ones
	c, err := NewBlocks(BlocksConfig{Budget: 64 << 20, BlockSize: bs})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	run, err := c.Claim(context.Background(), ClaimRequest{Media: "m", Sizes: []int{bs}, Last: -1})
	if err != nil || run == nil {
		t.Fatalf("Claim: %v %v", run, err)
	}
	defer run.Finish(nil)
	buf := run.Buf(0)
	page := unix.Getpagesize()
	vec := make([]byte, (len(buf)+page-1)/page+1)
	// mincore wants a page-aligned start: the buffer's first whole page on.
	skip := 0
	if r := uintptrOf(buf) % uintptr(page); r != 0 {
		skip = page - int(r)
	}
	if _, _, e := unix.Syscall(unix.SYS_MINCORE, uintptrOf(buf[skip:]), uintptr(len(buf)-skip), uintptrOf(vec)); e != 0 {
		t.Fatalf("mincore: %v", e)
	}
	var absent int
	for _, v := range vec[:(len(buf)-skip)/page] {
		if v&1 == 0 {
			absent++
		}
	}
	if absent > 0 {
		t.Fatalf("%d of %d pages of a new block buffer are not resident", absent, (len(buf)-skip)/page)
	}
}

func uintptrOf(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }
