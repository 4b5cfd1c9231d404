package fs

import (
	"syscall"
	"testing"

	"github.com/hanwen/go-fuse/v2/fuse"
)

func TestAttrs(t *testing.T) {
	a := attrs{uid: 1000, gid: 100, umask: 0o027, epoch: 1700000000}
	var f fuse.Attr
	a.file(&f, 12345, 1697889407)
	if f.Mode != syscall.S_IFREG|0o440 {
		t.Errorf("file mode = %o, want %o", f.Mode, syscall.S_IFREG|0o440)
	}
	if f.Size != 12345 || f.Blocks != (12345+511)/512 || f.Uid != 1000 || f.Gid != 100 {
		t.Errorf("file attr = %+v", f)
	}
	if f.Mtime != 1697889407 || f.Ctime != 1697889407 {
		t.Errorf("mtime = %d, want the create time", f.Mtime)
	}
	var d fuse.Attr
	a.dir(&d, 0)
	if d.Mode != syscall.S_IFDIR|0o550 {
		t.Errorf("dir mode = %o", d.Mode)
	}
	if d.Mtime != 1700000000 {
		t.Errorf("synthetic dir mtime = %d, want the mount time", d.Mtime)
	}
}

func TestWriteFlags(t *testing.T) {
	for _, c := range []struct {
		flags uint32
		write bool
	}{
		{syscall.O_RDONLY, false},
		{syscall.O_RDONLY | syscall.O_NOFOLLOW, false},
		{syscall.O_WRONLY, true},
		{syscall.O_RDWR, true},
		{syscall.O_RDONLY | syscall.O_TRUNC, true},
		{syscall.O_WRONLY | syscall.O_APPEND, true},
	} {
		if got := writeFlags(c.flags); got != c.write {
			t.Errorf("writeFlags(%#o) = %v, want %v", c.flags, got, c.write)
		}
	}
}
