package fs

import (
	"context"
	"syscall"

	"github.com/douyinfs/douyinfs/fs/tree"
	gofs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// dirNode is every directory: a view on one tree.Folder, whatever its kind.
type dirNode struct {
	node
	f tree.Folder
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
	return &dirHandle{self: d.StableAttr().Ino, src: s}, 0, 0
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
