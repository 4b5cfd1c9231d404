package fs

import (
	"bytes"
	"syscall"
	"testing"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fs/tree"
)

func TestXattrs(t *testing.T) {
	p := &fetch.Post{ID: "7300000000000000001", Desc: "hi", Author: fetch.User{Nickname: "alice"}, ShareURL: "https://example.invalid/v"}
	xs := func() []tree.Xattr { return tree.PostXattrs(p) }
	cfg := DefaultConfig()
	cfg.Xattrs = true
	tr := newFS(cfg, nil, nil, nil, nil)
	defer tr.tree.Close()
	listxattr, getxattr := tr.listxattr, tr.getxattr

	n, errno := listxattr(xs, nil)
	if errno != syscall.ERANGE {
		t.Fatalf("listxattr with no buffer: errno %v, want ERANGE with the size", errno)
	}
	buf := make([]byte, n)
	if _, errno := listxattr(xs, buf); errno != 0 {
		t.Fatal(errno)
	}
	want := "user.douyin.id\x00user.douyin.desc\x00user.douyin.author\x00user.douyin.url\x00"
	if string(buf) != want {
		t.Fatalf("listxattr = %q, want %q", buf, want)
	}

	for name, value := range map[string]string{"user.douyin.id": p.ID, "user.douyin.desc": "hi", "user.douyin.author": "alice", "user.douyin.url": p.ShareURL} {
		size, errno := getxattr(xs, name, nil)
		if errno != syscall.ERANGE || int(size) != len(value) {
			t.Errorf("getxattr(%s) size probe = %d, %v", name, size, errno)
		}
		b := make([]byte, 64)
		got, errno := getxattr(xs, name, b)
		if errno != 0 || !bytes.Equal(b[:got], []byte(value)) {
			t.Errorf("getxattr(%s) = %q, %v", name, b[:got], errno)
		}
	}
	if _, errno := getxattr(xs, "user.other", make([]byte, 10)); errno != syscall.ENODATA {
		t.Errorf("missing attribute: errno %v, want ENODATA", errno)
	}
	if xs := tree.PostXattrs(nil); len(xs) != 0 {
		t.Errorf("a non-post entry has attributes %v", xs)
	}
}

// Off, every request is answered ENOSYS (the kernel then stops sending
// them) and counted; the attributes are not computed.
func TestXattrsOff(t *testing.T) {
	tr := newFS(DefaultConfig(), nil, nil, nil, nil)
	defer tr.tree.Close()
	xs := func() []tree.Xattr {
		t.Error("attributes computed with xattrs off")
		return tree.PostXattrs(&fetch.Post{ID: "7300000000000000001"})
	}
	if _, errno := tr.getxattr(xs, "user.douyin.id", make([]byte, 64)); errno != syscall.ENOSYS {
		t.Errorf("getxattr: errno %v, want ENOSYS", errno)
	}
	if _, errno := tr.listxattr(xs, make([]byte, 64)); errno != syscall.ENOSYS {
		t.Errorf("listxattr: errno %v, want ENOSYS", errno)
	}
	if n := tr.snapshot().FS.XattrRequests; n != 2 {
		t.Errorf("xattr_requests = %d, want 2", n)
	}
}
