package fs

import (
	"context"
	"syscall"

	"github.com/douyinfs/douyinfs/fs/tree"
	gofs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// bytesFile is a small generated file (README.txt, profile.json, room.json,
// a post's .json sidecar, stats.json): its content is rendered from memory,
// so its size is exact before anyone reads it.
type bytesFile struct {
	node
	f *tree.BytesFile
}

func (f *bytesFile) fill(ctx context.Context, out *fuse.Attr) syscall.Errno {
	b, err := f.f.Content(ctx)
	if err != nil {
		return f.t.fail("getattr", f.f.What, err)
	}
	f.t.attrs.file(out, int64(len(b)), f.f.Mtime)
	return 0
}

func (f *bytesFile) Getattr(ctx context.Context, fh gofs.FileHandle, out *fuse.AttrOut) syscall.Errno {
	return f.fill(ctx, &out.Attr)
}

func (f *bytesFile) Open(ctx context.Context, flags uint32) (gofs.FileHandle, uint32, syscall.Errno) {
	if writeFlags(flags) {
		return nil, 0, syscall.EROFS
	}
	b, err := f.f.Content(ctx)
	if err != nil {
		return nil, 0, f.t.fail("open", f.f.What, err)
	}
	var fuseFlags uint32
	if f.f.Direct {
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
