package fs

import (
	"syscall"

	gofs "github.com/hanwen/go-fuse/v2/fs"
)

// sizeChanged tells the kernel that a media file's size is not the one
// lookups reported (data_size, where the CDN serves another length): it
// drops the inode's cached attributes, so the next stat, fstat or read past
// the old end asks again and gets the CDN's size (rsync fstats after open,
// so even its first copy is whole). Only the attributes: offset -1 leaves
// the page cache alone, which holds nothing read by the old size since
// every open learns the size before its first read. It is called on every
// open of such a file, not only the first, because a lookup answered
// before the size was learned may have re-cached the old one.
func (t *fsys) sizeChanged(in *gofs.Inode, what string, listed, size int64) {
	t.log.Debug("a file's size differs from its data_size; the kernel forgets its attributes", "what", what, "listed", listed, "size", size)
	if errno := in.NotifyContent(-1, 0); errno != 0 && errno != syscall.ENOENT {
		t.log.Warn("could not tell the kernel a file's true size", "what", what, "listed", listed, "size", size, "errno", errno)
	}
}
