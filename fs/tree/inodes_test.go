package tree

import "testing"

func TestInodeOfIsStableAndDistinct(t *testing.T) {
	// Golden value: the number must never change between versions, or a
	// remount would show every file as new to rsync and the page cache.
	if got, want := InodeOf(keyVideo("7300000000000000001")), InodeOf("video:7300000000000000001"); got != want {
		t.Fatalf("InodeOf differs for the same key")
	}
	keys := []string{
		keyVideo("1"), keyMeta("1"), keyCover("1"), keyMusic("1"), keyImage("1", "01.jpeg"),
		keyChild("users/user:x/posts", "post", "1"), keyChild("users/user:x/likes", "post", "1"),
		keyProfile("x"), keyAvatar("x"), "users", "videos",
	}
	seen := map[uint64]string{}
	for _, k := range keys {
		ino := InodeOf(k)
		if ino <= 1 || ino&(1<<63) != 0 {
			t.Errorf("InodeOf(%q) = %d is reserved or in go-fuse's automatic range", k, ino)
		}
		if other, dup := seen[ino]; dup {
			t.Errorf("InodeOf(%q) == InodeOf(%q)", k, other)
		}
		seen[ino] = k
	}
}

func TestInodeOfGolden(t *testing.T) {
	// FNV-1a 64 of "video:7300000000000000001", top bit cleared. A change
	// here renumbers every file of every user's mount.
	const want = uint64(0x25b1adc65b51383f)
	if got := InodeOf("video:7300000000000000001"); got != want {
		t.Fatalf("InodeOf = %#x, want %#x", got, want)
	}
}
