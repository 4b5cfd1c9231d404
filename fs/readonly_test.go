package fs

import (
	"context"
	"syscall"
	"testing"

	"github.com/douyinfs/douyinfs/fetch/media"
	"github.com/douyinfs/douyinfs/fs/tree"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// Every write operation answers EROFS at the FUSE level too (not only
// through the kernel's read-only mount flag).
func TestNodesAreReadOnly(t *testing.T) {
	tr := testFS(t, DefaultConfig())
	n := &node{t: tr}
	ctx := context.Background()
	var out fuse.EntryOut
	checks := map[string]syscall.Errno{
		"setattr":     n.Setattr(ctx, nil, &fuse.SetAttrIn{}, &fuse.AttrOut{}),
		"unlink":      n.Unlink(ctx, "x"),
		"rmdir":       n.Rmdir(ctx, "x"),
		"rename":      n.Rename(ctx, "x", nil, "y", 0),
		"setxattr":    n.Setxattr(ctx, "user.x", nil, 0),
		"removexattr": n.Removexattr(ctx, "user.x"),
	}
	_, checks["mkdir"] = n.Mkdir(ctx, "x", 0o755, &out)
	_, checks["mknod"] = n.Mknod(ctx, "x", 0o644, 0, &out)
	_, checks["link"] = n.Link(ctx, nil, "x", &out)
	_, checks["symlink"] = n.Symlink(ctx, "t", "x", &out)
	_, _, _, checks["create"] = n.Create(ctx, "x", 0, 0o644, &out)
	_, _, _, checks["tmpfile"] = n.Tmpfile(ctx, 0, 0o644, &out)
	m := &mediaFile{node: node{t: tr}, f: &tree.MediaFile{Item: &media.Item{Key: "k"}}}
	_, _, checks["open media O_WRONLY"] = m.Open(ctx, syscall.O_WRONLY)
	b := &bytesFile{node: node{t: tr}, f: &tree.BytesFile{Content: func(context.Context) ([]byte, error) { return nil, nil }}}
	_, _, checks["open bytes O_RDWR"] = b.Open(ctx, syscall.O_RDWR)
	lf := &liveFile{node: node{t: tr}, f: &tree.LiveFile{}}
	_, _, checks["open stream O_WRONLY"] = lf.Open(ctx, syscall.O_WRONLY|syscall.O_TRUNC)
	for op, got := range checks {
		if got != syscall.EROFS {
			t.Errorf("%s = %v, want EROFS", op, got)
		}
	}
}

func testFS(t *testing.T, cfg Config) *fsys {
	t.Helper()
	f := newFS(cfg, nil, nil, nil, nil)
	t.Cleanup(f.tree.Close)
	return f
}
