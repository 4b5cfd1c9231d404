package fs

import (
	"syscall"
	"testing"

	"github.com/hanwen/go-fuse/v2/fuse"
)

func TestInodeOfIsStableAndDistinct(t *testing.T) {
	// Golden value: the number must never change between versions, or a
	// remount would show every file as new to rsync and the page cache.
	if got, want := inodeOf(keyVideo("7300000000000000001")), inodeOf("video:7300000000000000001"); got != want {
		t.Fatalf("inodeOf differs for the same key")
	}
	keys := []string{
		keyVideo("1"), keyMeta("1"), keyCover("1"), keyMusic("1"), keyImage("1", "01.jpeg"),
		keyChild("users/user:x/posts", "post", "1"), keyChild("users/user:x/likes", "post", "1"),
		keyProfile("x"), keyAvatar("x"), "users", "videos",
	}
	seen := map[uint64]string{}
	for _, k := range keys {
		ino := inodeOf(k)
		if ino <= 1 || ino&(1<<63) != 0 {
			t.Errorf("inodeOf(%q) = %d is reserved or in go-fuse's automatic range", k, ino)
		}
		if other, dup := seen[ino]; dup {
			t.Errorf("inodeOf(%q) == inodeOf(%q)", k, other)
		}
		seen[ino] = k
	}
}

func TestInodeOfGolden(t *testing.T) {
	// FNV-1a 64 of "video:7300000000000000001", top bit cleared. A change
	// here renumbers every file of every user's mount.
	const want = uint64(0x25b1adc65b51383f)
	if got := inodeOf("video:7300000000000000001"); got != want {
		t.Fatalf("inodeOf = %#x, want %#x", got, want)
	}
}

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
