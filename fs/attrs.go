package fs

import (
	"syscall"

	"github.com/hanwen/go-fuse/v2/fuse"
)

// attrs builds the attributes every node reports: read-only modes with the
// configured owner and umask, and times from Douyin (a post's create_time)
// or, for synthetic entries, the mount time.
type attrs struct {
	uid, gid uint32
	umask    uint32
	epoch    int64 // mount time, Unix seconds: mtime of synthetic entries
}

const blockSize = 4096

func (a attrs) file(out *fuse.Attr, size, mtime int64) {
	*out = fuse.Attr{}
	out.Mode = syscall.S_IFREG | (0o444 &^ a.umask)
	out.Nlink = 1
	out.Size = uint64(max(size, 0))
	out.Blocks = (out.Size + 511) / 512
	out.Blksize = blockSize
	a.times(out, mtime)
}

func (a attrs) dir(out *fuse.Attr, mtime int64) {
	*out = fuse.Attr{}
	out.Mode = syscall.S_IFDIR | (0o555 &^ a.umask)
	out.Nlink = 2
	out.Blksize = blockSize
	a.times(out, mtime)
}

func (a attrs) times(out *fuse.Attr, mtime int64) {
	if mtime <= 0 {
		mtime = a.epoch
	}
	t := uint64(mtime)
	out.Atime, out.Mtime, out.Ctime = t, t, t
	out.Uid, out.Gid = a.uid, a.gid
}
