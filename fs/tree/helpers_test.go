package tree

import (
	"context"
	"testing"
)

// ls lists a folder as a readdir would, entry by entry.
func ls(t *testing.T, f Folder) []Entry {
	t.Helper()
	s, errno := f.Open(context.Background())
	if errno != 0 {
		t.Fatalf("open: %v", errno)
	}
	var out []Entry
	for off := uint64(0); ; {
		e, next, ok, errno := s.Next(context.Background(), off)
		if errno != 0 {
			t.Fatalf("next(%d): %v", off, errno)
		}
		if !ok {
			return out
		}
		out = append(out, e)
		off = next
	}
}
