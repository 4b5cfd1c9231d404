package fs

import (
	"context"
	"syscall"

	"github.com/douyinfs/douyinfs/fetch"
	gofs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// meDir is me/: the logged-in account's favourites, favourite folders and
// home feed. The root shows it only with a login cookie.
type meDir struct {
	plainDir
	key string
}

const (
	nameCollection = "collection"
	nameCollects   = "collects"
	nameFeed       = "feed"
)

func (d *meDir) entries() []dirent {
	return []dirent{
		{name: nameCollection, dir: true, key: d.key + "/collection"},
		{name: nameCollects, dir: true, key: d.key + "/collects"},
		{name: nameFeed, dir: true, key: d.key + "/feed"},
	}
}

func (d *meDir) OpendirHandle(ctx context.Context, flags uint32) (gofs.FileHandle, uint32, syscall.Errno) {
	return &dirHandle{t: d.t, self: d.StableAttr().Ino, src: sliceSource(d.entries())}, 0, 0
}

func (d *meDir) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*gofs.Inode, syscall.Errno) {
	t := d.t
	e, ok := lookupIn(d.entries(), name)
	if !ok {
		return nil, syscall.ENOENT
	}
	var n filler
	switch name {
	case nameCollection:
		n = &postsDir{node: node{t: t}, key: e.key, listKey: "favorites", what: "favourites",
			order: newestFirst, ttl: t.cfg.ListingTTL, open: t.api.Favorites}
	case nameCollects:
		n = &collectsDir{plainDir: plainDir{node{t: t}}, key: e.key}
	case nameFeed:
		n = &postsDir{node: node{t: t}, key: e.key, listKey: "feed", what: "home feed",
			order: snapshot, ttl: t.cfg.FeedTTL, open: t.feedPager}
	}
	return t.child(ctx, d.EmbeddedInode(), e, n, out)
}

// feedPager shows the home feed (one call, no cursor) as a one-page list.
func (t *tree) feedPager() *fetch.Pager[fetch.Post] {
	return fetch.NewPager(func(ctx context.Context, cursor string) (fetch.Page[fetch.Post], error) {
		posts, err := t.api.HomeFeed(ctx)
		return fetch.Page[fetch.Post]{Items: posts}, err
	}, 1, 1)
}

// collectsDir is me/collects/: one folder per favourite folder, by name.
type collectsDir struct {
	plainDir
	key string
}

func (d *collectsDir) list() *listing[fetch.CollectFolder] {
	t := d.t
	return getListing(t, "collects", func() *listing[fetch.CollectFolder] {
		return newListing(t, "favourite folders", newestFirst, t.cfg.ListingTTL, t.api.CollectFolders,
			func(f *fetch.CollectFolder) string { return f.ID },
			func(f *fetch.CollectFolder, u *uniqueNamer) string { return u.name(f.Name, f.ID) },
			nil)
	})
}

func (d *collectsDir) entry(e *listEntry[fetch.CollectFolder]) dirent {
	return dirent{name: e.name, dir: true, key: keyChild(d.key, "folder", e.item.ID)}
}

func (d *collectsDir) OpendirHandle(ctx context.Context, flags uint32) (gofs.FileHandle, uint32, syscall.Errno) {
	l := d.list()
	shift := l.begin(ctx)
	return &dirHandle{t: d.t, self: d.StableAttr().Ino, src: &listSource[fetch.CollectFolder]{t: d.t, what: "favourite folders", l: l, shift: shift, entry: d.entry}}, 0, 0
}

func (d *collectsDir) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*gofs.Inode, syscall.Errno) {
	t := d.t
	e, ok, err := d.list().search(ctx, name)
	if err != nil {
		return nil, t.fail("lookup", "me/collects/"+name, err)
	}
	if !ok {
		return nil, syscall.ENOENT
	}
	de := d.entry(&e)
	id := e.item.ID
	n := &postsDir{node: node{t: t}, key: de.key, listKey: "folder:" + id, what: "favourite folder " + e.item.Name,
		mtime: e.item.CreateTime, order: newestFirst, ttl: t.cfg.ListingTTL,
		open: func() *fetch.Pager[fetch.Post] { return t.api.CollectFolderPosts(id) }}
	return t.child(ctx, d.EmbeddedInode(), de, n, out)
}
