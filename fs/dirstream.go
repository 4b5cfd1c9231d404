package fs

import (
	"context"
	"syscall"

	"github.com/douyinfs/douyinfs/fs/tree"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// direntOf is e as READDIR reports it at offset off.
func direntOf(e tree.Entry, off uint64) fuse.DirEntry {
	mode := uint32(syscall.S_IFREG)
	if e.Dir {
		mode = syscall.S_IFDIR
	}
	return fuse.DirEntry{Name: e.Name, Mode: mode, Ino: e.Ino(), Off: off}
}

// dirHandle is an open directory. Each READDIR(PLUS) pulls entries one by
// one, so a list directory fetches its next page only when the kernel asks
// for entries past what is known: `ls | head` costs one page.
//
// Offsets 0 and 1 are "." and ".." (FUSE leaves them to the file system;
// `ls -a` and some archivers expect them); the source's offsets follow.
type dirHandle struct {
	self uint64 // inode number of the directory, for "."
	src  tree.Stream
	off  uint64
	// whole: read from offset 0 with no seek elsewhere, so reaching the
	// end means the kernel saw every entry. dir and versioned are set for
	// folders the kernel may keep a copy of.
	whole     bool
	dir       *dirNode
	versioned tree.VersionedStream
}

const (
	dotEntries = 2
	unknownIno = 0xffffffff
)

func (h *dirHandle) Readdirent(ctx context.Context) (*fuse.DirEntry, syscall.Errno) {
	switch h.off {
	case 0:
		h.off = 1
		return &fuse.DirEntry{Name: ".", Mode: syscall.S_IFDIR, Ino: h.self, Off: 1}, 0
	case 1:
		h.off = dotEntries
		// The parent's number is not known here: say so the way the
		// kernel does (FUSE_UNKNOWN_INO); stat("..") gives the real one.
		return &fuse.DirEntry{Name: "..", Mode: syscall.S_IFDIR, Ino: unknownIno, Off: dotEntries}, 0
	}
	e, next, ok, errno := h.src.Next(ctx, h.off-dotEntries)
	if errno == syscall.ENOENT {
		// glibc's readdir takes ENOENT from getdents for the end of the
		// directory: a list whose owner is gone would look empty.
		errno = syscall.EIO
	}
	if errno != 0 || !ok {
		if errno == 0 {
			h.readWhole()
		}
		return nil, errno
	}
	h.off = next + dotEntries
	de := direntOf(e, h.off)
	return &de, 0
}

// readWhole records, at the end of the folder, that the kernel has read
// all of its entries at their current version, unless this handle skipped
// some or entries moved while it read.
func (h *dirHandle) readWhole() {
	if !h.whole || h.dir == nil {
		return
	}
	if v, inPlace := h.versioned.Version(); inPlace {
		h.dir.kernelCopy.Store(v + 1)
	}
}

// Seekdir supports rewinddir and telldir/seekdir: offsets are positions.
func (h *dirHandle) Seekdir(ctx context.Context, off uint64) syscall.Errno {
	if off == 0 {
		h.whole = true
	} else if off != h.off {
		h.whole = false
	}
	h.off = off
	return 0
}

func (h *dirHandle) Releasedir(ctx context.Context, releaseFlags uint32) {}
