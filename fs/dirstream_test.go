package fs

import (
	"context"
	"syscall"
	"testing"

	"github.com/douyinfs/douyinfs/fs/tree"
)

// failing is a stream whose first entry fails.
type failing syscall.Errno

func (f failing) Next(ctx context.Context, off uint64) (tree.Entry, uint64, bool, syscall.Errno) {
	return tree.Entry{}, off, false, syscall.Errno(f)
}

// Readdir gives "." and ".." first, and never ENOENT: glibc's readdir takes
// it for the end of the directory, so a failing list would look empty.
func TestDirHandle(t *testing.T) {
	ctx := context.Background()
	h := &dirHandle{self: 42, src: failing(syscall.ENOENT)}
	for _, want := range []string{".", ".."} {
		e, errno := h.Readdirent(ctx)
		if errno != 0 || e.Name != want {
			t.Fatalf("Readdirent = %v %v, want %q", e, errno, want)
		}
	}
	if _, errno := h.Readdirent(ctx); errno != syscall.EIO {
		t.Errorf("a listing failing with ENOENT: %v, want EIO", errno)
	}
	h = &dirHandle{self: 42, src: failing(0), off: dotEntries}
	if e, errno := h.Readdirent(ctx); e != nil || errno != 0 {
		t.Errorf("the end: %v %v", e, errno)
	}
}
