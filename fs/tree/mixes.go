package tree

import (
	"context"
	"syscall"

	"github.com/douyinfs/douyinfs/fetch"
)

// mix returns a mix's header by id (remembered for MetadataTTL).
func (t *Tree) mix(ctx context.Context, id string) (*fetch.Mix, error) {
	return t.mixes.get(ctx, id, func(ctx context.Context) (*fetch.Mix, error) {
		ctx, cancel := t.APIContext(ctx)
		defer cancel()
		return t.api.MixDetail(ctx, id)
	})
}

// mixPostsFolder is a mix's episodes, in Douyin's (episode) order.
func (t *Tree) mixPostsFolder(key, mixID, what string, mtime int64) *Posts {
	return t.postsFolder(key, "mix:"+mixID, what, mtime, newestFirst, t.cfg.ListingTTL,
		func() *fetch.Pager[fetch.Post] { return t.api.MixPosts(mixID) },
		func(p *fetch.Post) bool { return p.Mix == nil || p.Mix.ID == mixID })
}

func mixTime(m *fetch.Mix) int64 { return max(m.UpdateTime, m.CreateTime) }

// userMixesFolder is users/<name>/mixes/: one folder per mix, named by
// title.
func (t *Tree) userMixesFolder(key, secUID, what string) *Paged[fetch.Mix] {
	return &Paged[fetch.Mix]{t: t, what: what, where: what,
		list: func() *listing[fetch.Mix] {
			return getListing(t, "mixes:"+secUID, func() *listing[fetch.Mix] {
				return newListing(t, what, newestFirst, t.cfg.ListingTTL,
					func() *fetch.Pager[fetch.Mix] { return t.api.UserMixes(secUID) },
					func(m *fetch.Mix) string { return m.ID },
					func(m *fetch.Mix, u *uniqueNamer) string { return u.name(m.Name, m.ID) },
					nil)
			})
		},
		child: func(e *listEntry[fetch.Mix]) Child {
			de := Entry{Name: e.name, Dir: true, Key: keyChild(key, "mix", e.item.ID)}
			return Child{Entry: de, Node: t.mixPostsFolder(de.Key, e.item.ID, "mix "+e.item.Name, mixTime(&e.item))}
		}}
}

// mixesFolder is mixes/: any mix by id. It lists the mixes used so far.
func (t *Tree) mixesFolder(key string) *ByID {
	return &ByID{key: key, t: t, remember: true,
		resolve: func(ctx context.Context, name string) (Child, syscall.Errno) {
			if !fetch.IsMixID(name) {
				return Child{}, syscall.ENOENT
			}
			m, err := t.mix(ctx, name)
			if err != nil {
				return Child{}, t.Fail("lookup", "mixes/"+name, err)
			}
			e := Entry{Name: name, Dir: true, Key: keyChild(key, "mix", name)}
			return Child{Entry: e, Node: t.mixPostsFolder(e.Key, name, "mix "+m.Name, mixTime(m))}, 0
		}}
}
