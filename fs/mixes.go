package fs

import (
	"context"
	"syscall"

	"github.com/douyinfs/douyinfs/fetch"
	gofs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// mix returns a mix's header by id (remembered for MetadataTTL).
func (t *tree) mix(ctx context.Context, id string) (*fetch.Mix, error) {
	return t.mixes.get(ctx, id, func(ctx context.Context) (*fetch.Mix, error) {
		ctx, cancel := t.apiContext(ctx)
		defer cancel()
		return t.api.MixDetail(ctx, id)
	})
}

// mixPostsDir is a mix's episodes, in Douyin's (episode) order.
func (t *tree) mixPostsDir(key, mixID, what string, mtime int64) *postsDir {
	return &postsDir{node: node{t: t}, key: key, listKey: "mix:" + mixID, what: what, mtime: mtime,
		order: newestFirst, ttl: t.cfg.ListingTTL,
		open: func() *fetch.Pager[fetch.Post] { return t.api.MixPosts(mixID) },
		belongs: func(p *fetch.Post) bool {
			return p.Mix == nil || p.Mix.ID == mixID
		}}
}

func mixTime(m *fetch.Mix) int64 { return max(m.UpdateTime, m.CreateTime) }

// listSource streams a list that shows one directory entry per item (a
// user's mixes, the favourite folders).
type listSource[T any] struct {
	t     *tree
	what  string
	l     *listing[T]
	shift int
	entry func(*listEntry[T]) dirent
}

func (s *listSource[T]) next(ctx context.Context, off uint64) (dirent, uint64, bool, syscall.Errno) {
	i := int(off) + s.l.currentShift() - s.shift
	e, ok, err := s.l.at(ctx, i)
	if err != nil {
		return dirent{}, off, false, s.t.fail("readdir", s.what, err)
	}
	if !ok {
		return dirent{}, off, false, 0
	}
	return s.entry(&e), off + 1, true, 0
}

// userMixesDir is users/<name>/mixes/: one folder per mix, named by title.
type userMixesDir struct {
	plainDir
	key    string
	secUID string
	what   string
}

func (d *userMixesDir) list() *listing[fetch.Mix] {
	t, secUID := d.t, d.secUID
	return getListing(t, "mixes:"+secUID, func() *listing[fetch.Mix] {
		return newListing(t, d.what, newestFirst, t.cfg.ListingTTL,
			func() *fetch.Pager[fetch.Mix] { return t.api.UserMixes(secUID) },
			func(m *fetch.Mix) string { return m.ID },
			func(m *fetch.Mix, u *uniqueNamer) string { return u.name(m.Name, m.ID) },
			nil)
	})
}

func (d *userMixesDir) entry(e *listEntry[fetch.Mix]) dirent {
	return dirent{name: e.name, dir: true, key: keyChild(d.key, "mix", e.item.ID)}
}

func (d *userMixesDir) OpendirHandle(ctx context.Context, flags uint32) (gofs.FileHandle, uint32, syscall.Errno) {
	l := d.list()
	shift := l.begin(ctx)
	return &dirHandle{t: d.t, self: d.StableAttr().Ino, src: &listSource[fetch.Mix]{t: d.t, what: d.what, l: l, shift: shift, entry: d.entry}}, 0, 0
}

func (d *userMixesDir) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*gofs.Inode, syscall.Errno) {
	// Mix names carry no id: page through the (short) list of mixes.
	e, ok, err := d.list().search(ctx, name)
	if err != nil {
		return nil, d.t.fail("lookup", d.what+"/"+name, err)
	}
	if !ok {
		return nil, syscall.ENOENT
	}
	de := d.entry(&e)
	n := d.t.mixPostsDir(de.key, e.item.ID, "mix "+e.item.Name, mixTime(&e.item))
	return d.t.child(ctx, d.EmbeddedInode(), de, n, out)
}

// mixesDir is mixes/: any mix by id. It lists the mixes used so far.
type mixesDir struct {
	plainDir
	key string
}

func (d *mixesDir) OpendirHandle(ctx context.Context, flags uint32) (gofs.FileHandle, uint32, syscall.Errno) {
	return &dirHandle{t: d.t, self: d.StableAttr().Ino, src: sliceSource(d.t.usedEntries(d.key))}, 0, 0
}

func (d *mixesDir) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*gofs.Inode, syscall.Errno) {
	if !fetch.IsMixID(name) {
		return nil, syscall.ENOENT
	}
	m, err := d.t.mix(ctx, name)
	if err != nil {
		return nil, d.t.fail("lookup", "mixes/"+name, err)
	}
	e := dirent{name: name, dir: true, key: keyChild(d.key, "mix", name)}
	ino, errno := d.t.child(ctx, d.EmbeddedInode(), e, d.t.mixPostsDir(e.key, name, "mix "+m.Name, mixTime(m)), out)
	if errno == 0 {
		d.t.use(d.key, e)
	}
	return ino, errno
}
