package fs

import (
	"context"
	"syscall"

	gofs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// bytesFile is a small generated file (README.txt, profile.json, room.json,
// a post's .json sidecar): its content is rendered from memory, so its size
// is exact before anyone reads it.
type bytesFile struct {
	node
	mtime   int64 // 0: the mount time
	content func(ctx context.Context) ([]byte, error)
	what    string // for logs
	// direct marks content that changes on every open (stats.json): the
	// kernel must not cache it, and the size it saw at stat may be stale.
	direct bool
}

func (f *bytesFile) fill(ctx context.Context, out *fuse.Attr) syscall.Errno {
	b, err := f.content(ctx)
	if err != nil {
		return f.t.fail("getattr", f.what, err)
	}
	f.t.attrs.file(out, int64(len(b)), f.mtime)
	return 0
}

func (f *bytesFile) Getattr(ctx context.Context, fh gofs.FileHandle, out *fuse.AttrOut) syscall.Errno {
	return f.fill(ctx, &out.Attr)
}

func (f *bytesFile) Open(ctx context.Context, flags uint32) (gofs.FileHandle, uint32, syscall.Errno) {
	if writeFlags(flags) {
		return nil, 0, syscall.EROFS
	}
	b, err := f.content(ctx)
	if err != nil {
		return nil, 0, f.t.fail("open", f.what, err)
	}
	var fuseFlags uint32
	if f.direct {
		fuseFlags = fuse.FOPEN_DIRECT_IO
	}
	// The handle keeps the bytes it opened with, so a read never sees a
	// mix of two versions.
	return bytesHandle(b), fuseFlags, 0
}

// bytesHandle is an open generated file.
type bytesHandle []byte

func (h bytesHandle) Read(ctx context.Context, dest []byte, off int64) (fuse.ReadResult, syscall.Errno) {
	if off >= int64(len(h)) {
		return fuse.ReadResultData(nil), 0
	}
	end := min(int64(len(h)), off+int64(len(dest)))
	return fuse.ReadResultData(h[off:end]), 0
}
