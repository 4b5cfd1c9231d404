package fs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"

	"github.com/douyinfs/douyinfs/fs/tree"
	gofs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// mediaFile is a remote file served through the ranged reader: a video, a
// picture, a music track, a cover, an avatar. Its size is exact, because
// cp, rsync and the page cache all trust it: lookups report data_size from
// the list (else one ranged request, remembered), and the first open makes
// sure of it with the CDN before any read (sizeChanged).
type mediaFile struct {
	node
	f *tree.MediaFile
}

func (f *mediaFile) fill(ctx context.Context, out *fuse.Attr) syscall.Errno {
	size, err := f.t.tree.MediaSize(ctx, f.f.Item)
	if err != nil {
		return f.t.fail("size", f.f.What, err)
	}
	f.t.attrs.file(out, size, f.f.Mtime)
	return 0
}

func (f *mediaFile) Getattr(ctx context.Context, fh gofs.FileHandle, out *fuse.AttrOut) syscall.Errno {
	return f.fill(ctx, &out.Attr)
}

func (f *mediaFile) Open(ctx context.Context, flags uint32) (gofs.FileHandle, uint32, syscall.Errno) {
	if writeFlags(flags) {
		return nil, 0, syscall.EROFS
	}
	if f.t.media == nil {
		return nil, 0, syscall.EIO
	}
	h := f.t.media.Open(f.f.Item)
	if h == nil {
		return nil, 0, f.t.fail("open", f.f.What, errors.New("the media reader gave no handle"))
	}
	// The CDN's size, before the kernel reads anything: data_size may be
	// wrong (spec §11 open fact 4). Usually no extra request: the answer
	// is the first block, which the first read then takes from the cache.
	// Reads are checked against this size.
	sctx, cancel := context.WithTimeout(ctx, f.t.cfg.OpTimeout)
	size, err := h.Size(sctx)
	cancel()
	if err != nil {
		h.Close()
		if ctx.Err() != nil {
			return nil, 0, f.t.interrupted("open", f.f.What)
		}
		return nil, 0, f.t.fail("open", f.f.What, err)
	}
	if listed := f.f.Item.Size; listed > 0 && listed != size {
		f.t.sizeChanged(&f.Inode, f.f.What, listed, size)
	}
	// A post's bytes never change: the kernel may keep its page cache
	// across opens, so a second read never reaches the daemon.
	return &mediaHandle{t: f.t, h: h, what: f.f.What, size: size}, fuse.FOPEN_KEEP_CACHE, 0
}

func (f *mediaFile) Getxattr(ctx context.Context, attr string, dest []byte) (uint32, syscall.Errno) {
	return f.t.getxattr(f.f.Xattrs, attr, dest)
}

func (f *mediaFile) Listxattr(ctx context.Context, dest []byte) (uint32, syscall.Errno) {
	return f.t.listxattr(f.f.Xattrs, dest)
}

// mediaHandle is one open media file; read-ahead state lives in the reader's
// handle, one per open.
type mediaHandle struct {
	t    *fsys
	h    tree.MediaHandle
	what string
	size int64 // the file's size as the kernel knows it
}

func (h *mediaHandle) Read(ctx context.Context, dest []byte, off int64) (fuse.ReadResult, syscall.Errno) {
	// A read is bounded like every operation; it is the caller's own, so
	// an interrupt cancels it.
	rctx, cancel := context.WithTimeout(ctx, h.t.cfg.OpTimeout)
	defer cancel()
	v, err := readView(rctx, h.h, dest, off)
	n := v.N
	// All or nothing: to the kernel a short answer means end of file, and
	// it would fill the rest of the page with zeros and keep them cached.
	// Fewer bytes than asked are right only where the file really ends.
	if err == nil && n < len(dest) {
		err = fmt.Errorf("the reader returned %d of %d bytes at %d", n, len(dest), off)
	}
	if errors.Is(err, io.EOF) {
		err = h.checkEnd(off + int64(n))
	}
	if err != nil {
		v.Release()
		if ctx.Err() != nil {
			return nil, h.t.interrupted("read", h.what)
		}
		return nil, h.t.fail("read", h.what, err)
	}
	return viewResult{v}, 0
}

// checkEnd accepts an end of data at end only where the file's size, as
// the kernel was told it, says the file ends.
func (h *mediaHandle) checkEnd(end int64) error {
	if end >= h.size {
		return nil
	}
	return fmt.Errorf("the media ended at byte %d, before its size %d", end, h.size)
}

func (h *mediaHandle) Release(ctx context.Context) syscall.Errno {
	if err := h.h.Close(); err != nil {
		h.t.log.Debug("closing media handle", "what", h.what, "err", err)
	}
	return 0
}
