package cache

import "golang.org/x/sys/unix"

// prefault maps in the pages of a new buffer with one madvise call. A fill
// writes a new buffer from the socket page by page, and each first touch
// of a page is a fault: 256 per MiB, a third of the daemon's CPU in a
// first sequential read of a big video (on a virtual machine a fault is
// dear). Populating the range in the kernel costs the same page zeroing
// without the faults. Kernels before 5.14 do not know the advice: the
// pages then fault in as before.
func prefault(buf []byte) {
	if len(buf) > 0 {
		_ = unix.Madvise(buf, unix.MADV_POPULATE_WRITE)
	}
}
