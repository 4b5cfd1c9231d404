package tree

import (
	"context"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
)

// API is the part of fetch.Client the tree reads through. It is an interface
// so unit tests can stand in for Douyin; *fetch.Client satisfies it.
type API interface {
	LoggedIn() bool
	Stats() fetch.ClientStats

	UserProfile(ctx context.Context, secUID string) (*fetch.User, error)
	PostDetail(ctx context.Context, awemeID string) (*fetch.Post, error)
	MixDetail(ctx context.Context, mixID string) (*fetch.Mix, error)
	HomeFeed(ctx context.Context) ([]fetch.Post, error)
	LiveRoomByWebRID(ctx context.Context, webRID string) (*fetch.Room, error)
	LiveRoomByRoomID(ctx context.Context, roomID string) (*fetch.Room, error)

	UserPosts(secUID string) *fetch.Pager[fetch.Post]
	UserLikes(secUID string) *fetch.Pager[fetch.Post]
	UserMixes(secUID string) *fetch.Pager[fetch.Mix]
	MixPosts(mixID string) *fetch.Pager[fetch.Post]
	Favorites() *fetch.Pager[fetch.Post]
	CollectFolders() *fetch.Pager[fetch.CollectFolder]
	CollectFolderPosts(folderID string) *fetch.Pager[fetch.Post]
	Comments(awemeID string) *fetch.Pager[fetch.Comment]
	CommentReplies(awemeID, commentID string) *fetch.Pager[fetch.Comment]
	Related(awemeID string) *fetch.Pager[fetch.Post]
}

var _ API = (*fetch.Client)(nil)

// Media is the ranged reader as the tree uses it; *media.Reader is
// adapted by ReaderMedia.
type Media interface {
	Size(ctx context.Context, m *media.Item) (int64, error)
	Open(m *media.Item) MediaHandle
	Stats() media.Stats
}

// MediaHandle is one open media file.
type MediaHandle interface {
	// Size is the size the CDN reports, asked of it when no answer has
	// told it yet (data_size may be wrong).
	Size(ctx context.Context) (int64, error)
	ReadAt(ctx context.Context, p []byte, off int64) (int, error)
	Close() error
}

// ReaderMedia adapts *media.Reader (whose Open returns a concrete type)
// to Media.
func ReaderMedia(r *media.Reader) Media { return readerMedia{r} }

type readerMedia struct{ r *media.Reader }

func (m readerMedia) Size(ctx context.Context, md *media.Item) (int64, error) {
	return m.r.Size(ctx, md)
}
func (m readerMedia) Open(md *media.Item) MediaHandle { return m.r.Open(md) }
func (m readerMedia) Stats() media.Stats              { return m.r.Stats() }
