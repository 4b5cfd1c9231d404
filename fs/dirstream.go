package fs

import (
	"context"
	"syscall"

	"github.com/hanwen/go-fuse/v2/fuse"
)

// dirent is one directory entry before it becomes a node: enough to answer
// READDIR, with the key that gives its inode number.
type dirent struct {
	name string
	dir  bool
	key  string
}

func (e dirent) fuse(off uint64) fuse.DirEntry {
	mode := uint32(syscall.S_IFREG)
	if e.dir {
		mode = syscall.S_IFDIR
	}
	return fuse.DirEntry{Name: e.name, Mode: mode, Ino: inodeOf(e.key), Off: off}
}

// dirSource yields a directory's entries by offset. next returns the first
// entry at or after off and the offset of the one after it; ok is false at
// the end. Offsets are opaque to the kernel (0 is the start).
type dirSource interface {
	next(ctx context.Context, off uint64) (e dirent, nextOff uint64, ok bool, errno syscall.Errno)
}

// dirHandle is an open directory. Each READDIR(PLUS) pulls entries one by
// one, so a list directory fetches its next page only when the kernel asks
// for entries past what is known: `ls | head` costs one page.
//
// Offsets 0 and 1 are "." and ".." (FUSE leaves them to the file system;
// `ls -a` and some archivers expect them); the source's offsets follow.
type dirHandle struct {
	t    *tree
	self uint64 // inode number of the directory, for "."
	src  dirSource
	off  uint64
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
	e, next, ok, errno := h.src.next(ctx, h.off-dotEntries)
	if errno == syscall.ENOENT {
		// glibc's readdir takes ENOENT from getdents for the end of the
		// directory: a list whose owner is gone would look empty.
		errno = syscall.EIO
	}
	if errno != 0 || !ok {
		return nil, errno
	}
	h.off = next + dotEntries
	de := e.fuse(h.off)
	return &de, 0
}

// Seekdir supports rewinddir and telldir/seekdir: offsets are positions.
func (h *dirHandle) Seekdir(ctx context.Context, off uint64) syscall.Errno {
	h.off = off
	return 0
}

func (h *dirHandle) Releasedir(ctx context.Context, releaseFlags uint32) {}

// sliceSource serves a small directory whose entries are known at opendir.
type sliceSource []dirent

func (s sliceSource) next(ctx context.Context, off uint64) (dirent, uint64, bool, syscall.Errno) {
	if off >= uint64(len(s)) {
		return dirent{}, off, false, 0
	}
	return s[off], off + 1, true, 0
}
