package tree

import (
	"context"
	"syscall"
)

// The kinds of folder. A new place in the tree is one of these, filled in
// by a constructor on *Tree (see videosFolder, userPostsFolder) and named
// in its parent's entries; fs shows any Folder, so it needs no FUSE code.
// A place none of them fits is a new type implementing Folder here.

// folderMeta holds what every folder reports about itself.
type folderMeta struct {
	mtime  int64
	xattrs []Xattr
}

func (folderMeta) isNode()           {}
func (m folderMeta) Mtime() int64    { return m.mtime }
func (m folderMeta) Xattrs() []Xattr { return m.xattrs }

// Fixed is a folder whose entries are known at once: from the
// configuration, or computed from one remembered answer (a profile, a
// room, a post).
type Fixed struct {
	folderMeta
	// list computes the entries when the folder is opened.
	list func(ctx context.Context) ([]Entry, syscall.Errno)
	// find resolves one name. It need not call list, so a lookup can avoid
	// the API call the listing needs (users/<name>/posts).
	find func(ctx context.Context, name string) (Child, syscall.Errno)
	// xattrsFn, if set, computes the attributes when asked (a user folder's).
	xattrsFn func() []Xattr
}

// Xattrs are the computed attributes, else the fixed ones.
func (f *Fixed) Xattrs() []Xattr {
	if f.xattrsFn != nil {
		return f.xattrsFn()
	}
	return f.folderMeta.xattrs
}

// fixedEntries is a Fixed folder over a list that needs no API call;
// lookups pick from it and make builds the node.
func fixedEntries(mtime int64, list func() []Entry, make func(Entry) Node) *Fixed {
	return &Fixed{
		folderMeta: folderMeta{mtime: mtime},
		list:       func(context.Context) ([]Entry, syscall.Errno) { return list(), 0 },
		find: func(ctx context.Context, name string) (Child, syscall.Errno) {
			e, ok := lookupIn(list(), name)
			if !ok {
				return Child{}, syscall.ENOENT
			}
			return Child{Entry: e, Node: make(e)}, 0
		},
	}
}

func (f *Fixed) Open(ctx context.Context) (Stream, syscall.Errno) {
	es, errno := f.list(ctx)
	if errno != 0 {
		return nil, errno
	}
	return sliceStream(es), 0
}

func (f *Fixed) Lookup(ctx context.Context, name string) (Child, syscall.Errno) {
	return f.find(ctx, name)
}

// ByID is a folder of things reached by their Douyin id (videos/, mixes/,
// live/, users/): it lists what is configured, then what was looked up
// since (when remember is set), and resolves any other valid id.
type ByID struct {
	folderMeta
	key string
	// configured entries are listed without an API call; with known set,
	// listed entries are also found without one.
	configured func() []Entry
	known      func(Entry) Node
	// resolve looks up any other name; ENOENT for what is not an id.
	resolve  func(ctx context.Context, name string) (Child, syscall.Errno)
	remember bool
	t        *Tree
}

func (d *ByID) entries() []Entry {
	var out []Entry
	if d.configured != nil {
		out = d.configured()
	}
	if !d.remember {
		return out
	}
	for _, e := range d.t.usedEntries(d.key) {
		if _, dup := lookupIn(out, e.Name); !dup {
			out = append(out, e)
		}
	}
	return out
}

func (d *ByID) Open(ctx context.Context) (Stream, syscall.Errno) {
	return sliceStream(d.entries()), 0
}

func (d *ByID) Lookup(ctx context.Context, name string) (Child, syscall.Errno) {
	// What is listed is found without an API call; folders without known
	// ask every time (the answer is remembered for MetadataTTL anyway).
	if d.known != nil {
		if e, ok := lookupIn(d.entries(), name); ok {
			return Child{Entry: e, Node: d.known(e)}, 0
		}
	}
	c, errno := d.resolve(ctx, name)
	if errno == 0 && d.remember {
		c.Shown = func() { d.t.use(d.key, c.Entry) }
	}
	return c, errno
}
