package tree

import (
	"context"

	"github.com/douyinfs/douyinfs/fetch"
)

const (
	nameCollection = "collection"
	nameCollects   = "collects"
	nameFeed       = "feed"
)

// meFolder is me/: the logged-in account's favourites, favourite folders
// and home feed. The root shows it only with a login cookie.
func (t *Tree) meFolder(key string) *Fixed {
	nodes := map[string]Node{
		nameCollection: t.postsFolder(key+"/collection", "favorites", "favourites", 0, newestFirst, t.cfg.ListingTTL,
			func() *fetch.Pager[fetch.Post] { return t.api.Favorites() }, nil),
		nameCollects: t.collectsFolder(key + "/collects"),
		nameFeed: t.postsFolder(key+"/feed", "feed", "home feed", 0, snapshot, t.cfg.FeedTTL,
			t.feedPager, nil),
	}
	entries := []Entry{
		{Name: nameCollection, Dir: true, Key: key + "/collection"},
		{Name: nameCollects, Dir: true, Key: key + "/collects"},
		{Name: nameFeed, Dir: true, Key: key + "/feed"},
	}
	return fixedEntries(0, func() []Entry { return entries }, func(e Entry) Node { return nodes[e.Name] })
}

// feedPager shows the home feed (one call, no cursor) as a one-page list.
func (t *Tree) feedPager() *fetch.Pager[fetch.Post] {
	return fetch.NewPager(func(ctx context.Context, cursor string) (fetch.Page[fetch.Post], error) {
		posts, err := t.api.HomeFeed(ctx)
		return fetch.Page[fetch.Post]{Items: posts}, err
	}, 1, 1)
}

// collectsFolder is me/collects/: one folder per favourite folder, by name.
func (t *Tree) collectsFolder(key string) *Paged[fetch.CollectFolder] {
	const what = "favourite folders"
	return &Paged[fetch.CollectFolder]{t: t, what: what, where: "me/collects",
		list: func() *listing[fetch.CollectFolder] {
			return getListing(t, "collects", func() *listing[fetch.CollectFolder] {
				return newListing(t, what, newestFirst, t.cfg.ListingTTL,
					func() *fetch.Pager[fetch.CollectFolder] { return t.api.CollectFolders() },
					func(f *fetch.CollectFolder) string { return f.ID },
					func(f *fetch.CollectFolder, u *uniqueNamer) string { return u.name(f.Name, f.ID) },
					nil)
			})
		},
		child: func(e *listEntry[fetch.CollectFolder]) Child {
			de := Entry{Name: e.name, Dir: true, Key: keyChild(key, "folder", e.item.ID)}
			id := e.item.ID
			return Child{Entry: de, Node: t.postsFolder(de.Key, "folder:"+id, "favourite folder "+e.item.Name,
				e.item.CreateTime, newestFirst, t.cfg.ListingTTL,
				func() *fetch.Pager[fetch.Post] { return t.api.CollectFolderPosts(id) }, nil)}
		}}
}
