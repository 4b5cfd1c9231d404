package tree

import "github.com/douyinfs/douyinfs/fetch"

// Extended attributes of a post's entries, answered from memory: `ls -l`
// and file managers ask for them on every entry, so they must cost nothing.
const (
	xattrID     = "user.douyin.id"
	xattrDesc   = "user.douyin.desc"
	xattrAuthor = "user.douyin.author"
	xattrURL    = "user.douyin.url"
	// xattrStatus is on a user folder: "private account".
	xattrStatus = "user.douyin.status"
)

// Xattr is one extended attribute.
type Xattr struct{ Name, Value string }

// PostXattrs lists the attributes of a post, in a fixed order; empty values
// are left out. nil for entries that are not a post's.
func PostXattrs(p *fetch.Post) []Xattr {
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
	var out []Xattr
	for _, x := range []Xattr{
		{xattrID, p.ID},
		{xattrDesc, p.Desc},
		{xattrAuthor, author},
		{xattrURL, p.ShareURL},
	} {
		if x.Value != "" {
			out = append(out, x)
		}
	}
	return out
}
