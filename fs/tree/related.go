package tree

import (
	"context"
	"syscall"

	"github.com/douyinfs/douyinfs/fetch"
)

const nameRelated = "related"

// relatedFolder is related/: <aweme_id>/ is a folder of the posts Douyin
// relates to that post, named like any other post. Nothing is listed;
// any post is reached by name. The list is a snapshot kept for
// ListingTTL, at most network.related_pages pages.
func (t *Tree) relatedFolder(key string) *ByID {
	return &ByID{key: key, t: t,
		resolve: func(ctx context.Context, name string) (Child, syscall.Errno) {
			if !fetch.IsAwemeID(name) {
				return Child{}, syscall.ENOENT
			}
			// The post first: an unknown post has no related folder.
			p, err := t.post(ctx, name)
			if err != nil {
				return Child{}, t.Fail("lookup", "related/"+name, err)
			}
			e := Entry{Name: name, Dir: true, Key: keyChild(key, "related", name)}
			return Child{Entry: e, Node: t.postsFolder(e.Key, "related:"+name, "posts related to "+name,
				p.CreateTime, snapshot, t.cfg.ListingTTL,
				func() *fetch.Pager[fetch.Post] { return t.api.Related(name) }, nil)}, 0
		}}
}
