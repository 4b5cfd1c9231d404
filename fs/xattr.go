package fs

import (
	"context"
	"syscall"

	"github.com/douyinfs/douyinfs/fs/tree"
)

// Every node answers getxattr and listxattr here; dirNode and mediaFile
// pass their attributes. With Config.Xattrs off the answer is ENOSYS, which
// the kernel remembers for the whole mount: it fails every later call with
// EOPNOTSUPP itself, without a round trip. Any other answer (even ENODATA)
// leaves it asking, once per ls -l entry and probed name.

func (n *node) Getxattr(ctx context.Context, attr string, dest []byte) (uint32, syscall.Errno) {
	return n.t.getxattr(noXattrs, attr, dest)
}

func (n *node) Listxattr(ctx context.Context, dest []byte) (uint32, syscall.Errno) {
	return n.t.listxattr(noXattrs, dest)
}

func noXattrs() []tree.Xattr { return nil }

// getxattr answers getxattr(2): ERANGE with the needed size when dest is too
// small (a zero-size dest asks for the size), ENODATA when absent. attrs is
// called only with xattrs on (a user folder's may fetch the profile).
func (t *fsys) getxattr(attrs func() []tree.Xattr, name string, dest []byte) (uint32, syscall.Errno) {
	t.stats.xattrs.Add(1)
	if !t.cfg.Xattrs {
		return 0, syscall.ENOSYS
	}
	for _, x := range attrs() {
		if x.Name != name {
			continue
		}
		if len(dest) < len(x.Value) {
			return uint32(len(x.Value)), syscall.ERANGE
		}
		return uint32(copy(dest, x.Value)), 0
	}
	return 0, syscall.ENODATA
}

// listxattr answers listxattr(2): NUL-terminated names.
func (t *fsys) listxattr(attrsFn func() []tree.Xattr, dest []byte) (uint32, syscall.Errno) {
	t.stats.xattrs.Add(1)
	if !t.cfg.Xattrs {
		return 0, syscall.ENOSYS
	}
	attrs := attrsFn()
	var size int
	for _, x := range attrs {
		size += len(x.Name) + 1
	}
	if len(dest) < size {
		return uint32(size), syscall.ERANGE
	}
	n := 0
	for _, x := range attrs {
		n += copy(dest[n:], x.Name)
		dest[n] = 0
		n++
	}
	return uint32(n), 0
}
