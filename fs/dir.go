package fs

import (
	"context"
	"sync/atomic"
	"syscall"

	"github.com/douyinfs/douyinfs/fs/tree"
	gofs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// dirNode is every directory: a view on one tree.Folder, whatever its kind.
type dirNode struct {
	node
	f tree.Folder
	// kernelCopy is 1 + the version (tree.VersionedStream) of the entries
	// the kernel read whole from this directory, 0 when none: while the
	// folder stays at that version the kernel may answer readdir from its
	// own copy (FOPEN_CACHE_DIR), the cheapest `ls -l` there is.
	kernelCopy atomic.Uint64
}

func (d *dirNode) fill(ctx context.Context, out *fuse.Attr) syscall.Errno {
	d.t.attrs.dir(out, d.f.Mtime())
	return 0
}

func (d *dirNode) Getattr(ctx context.Context, f gofs.FileHandle, out *fuse.AttrOut) syscall.Errno {
	return d.fill(ctx, &out.Attr)
}

func (d *dirNode) OpendirHandle(ctx context.Context, flags uint32) (gofs.FileHandle, uint32, syscall.Errno) {
	s, errno := d.f.Open(ctx)
	if errno != 0 {
		return nil, 0, errno
	}
	h := &dirHandle{self: d.StableAttr().Ino, src: s, whole: true}
	vs, ok := s.(tree.VersionedStream)
	if !ok {
		return h, 0, 0
	}
	h.dir, h.versioned = d, vs
	if v, _ := vs.Version(); d.kernelCopy.Load() != v+1 {
		// The kernel may hold an older copy, or part of one (a reader that
		// stopped early): drop it before it answers from it. The folder
		// refreshed in Open above, so v is what this open shows.
		d.kernelCopy.Store(0)
		d.NotifyContent(0, 0)
	}
	return h, fuse.FOPEN_CACHE_DIR | fuse.FOPEN_KEEP_CACHE, 0
}

func (d *dirNode) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*gofs.Inode, syscall.Errno) {
	c, errno := d.f.Lookup(ctx, name)
	if errno != 0 {
		return nil, errno
	}
	return d.t.child(ctx, d.EmbeddedInode(), c, out)
}

func (d *dirNode) Getxattr(ctx context.Context, attr string, dest []byte) (uint32, syscall.Errno) {
	return d.t.getxattr(d.f.Xattrs, attr, dest)
}

func (d *dirNode) Listxattr(ctx context.Context, dest []byte) (uint32, syscall.Errno) {
	return d.t.listxattr(d.f.Xattrs, dest)
}
