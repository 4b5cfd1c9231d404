package fs

import (
	"syscall"

	"github.com/douyinfs/douyinfs/fetch"
)

// Extended attributes of a post's entries, answered from memory: `ls -l`
// and file managers ask for them on every entry, so they must cost nothing.
const (
	xattrID     = "user.douyin.id"
	xattrDesc   = "user.douyin.desc"
	xattrAuthor = "user.douyin.author"
	xattrURL    = "user.douyin.url"
)

type xattr struct{ name, value string }

// postXattrs lists the attributes of a post, in a fixed order; empty values
// are left out. nil for entries that are not a post's.
func postXattrs(p *fetch.Post) []xattr {
	if p == nil {
		return nil
	}
	author := p.Author.Nickname
	if author == "" {
		author = p.Author.UniqueID
	}
	if author == "" {
		author = p.Author.SecUID
	}
	var out []xattr
	for _, x := range []xattr{
		{xattrID, p.ID},
		{xattrDesc, p.Desc},
		{xattrAuthor, author},
		{xattrURL, p.ShareURL},
	} {
		if x.value != "" {
			out = append(out, x)
		}
	}
	return out
}

// getxattr answers getxattr(2): ERANGE with the needed size when dest is too
// small (a zero-size dest asks for the size), ENODATA when absent.
func getxattr(attrs []xattr, name string, dest []byte) (uint32, syscall.Errno) {
	for _, x := range attrs {
		if x.name != name {
			continue
		}
		if len(dest) < len(x.value) {
			return uint32(len(x.value)), syscall.ERANGE
		}
		return uint32(copy(dest, x.value)), 0
	}
	return 0, syscall.ENODATA
}

// listxattr answers listxattr(2): NUL-terminated names.
func listxattr(attrs []xattr, dest []byte) (uint32, syscall.Errno) {
	var size int
	for _, x := range attrs {
		size += len(x.name) + 1
	}
	if len(dest) < size {
		return uint32(size), syscall.ERANGE
	}
	n := 0
	for _, x := range attrs {
		n += copy(dest[n:], x.name)
		dest[n] = 0
		n++
	}
	return uint32(n), 0
}
