package fs

import (
	"syscall"

	"github.com/douyinfs/douyinfs/fs/tree"
)

// getxattr answers getxattr(2): ERANGE with the needed size when dest is too
// small (a zero-size dest asks for the size), ENODATA when absent.
func getxattr(attrs []tree.Xattr, name string, dest []byte) (uint32, syscall.Errno) {
	for _, x := range attrs {
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
func listxattr(attrs []tree.Xattr, dest []byte) (uint32, syscall.Errno) {
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
