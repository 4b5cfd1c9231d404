package tree

import (
	"context"
	"strconv"
	"sync"

	"github.com/douyinfs/douyinfs/fetch"
)

// fakeAPI stands in for Douyin: a few users, posts, mixes and rooms held in
// maps, lists served a page at a time, and every call counted.
type fakeAPI struct {
	loggedIn bool
	users    map[string]*fetch.User // sec_user_id ->
	posts    map[string]*fetch.Post // aweme_id ->
	mixes    map[string]*fetch.Mix  // mix id ->
	rooms    map[string]*fetch.Room // web rid ->
	lists    map[string][]fetch.Post
	userMix  map[string][]fetch.Mix
	folders  []fetch.CollectFolder
	comments map[string][]fetch.Comment // aweme_id, or aweme_id/cid for replies ->
	pageSize int
	down     error // every call fails with it when set

	mu    sync.Mutex
	calls map[string]int
}

func newFakeAPI() *fakeAPI {
	return &fakeAPI{
		users: map[string]*fetch.User{}, posts: map[string]*fetch.Post{}, mixes: map[string]*fetch.Mix{},
		rooms: map[string]*fetch.Room{}, lists: map[string][]fetch.Post{}, userMix: map[string][]fetch.Mix{},
		comments: map[string][]fetch.Comment{},
		pageSize: 2, calls: map[string]int{},
	}
}

func (f *fakeAPI) count(what string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[what]++
}

// total is the number of API calls made so far.
func (f *fakeAPI) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

func (f *fakeAPI) n(what string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[what]
}

func notFound(kind fetch.Kind, id string) error { return &fetch.NotFoundError{Kind: kind, ID: id} }

func (f *fakeAPI) LoggedIn() bool           { return f.loggedIn }
func (f *fakeAPI) Stats() fetch.ClientStats { return fetch.ClientStats{} }

func (f *fakeAPI) UserProfile(ctx context.Context, secUID string) (*fetch.User, error) {
	f.count("profile")
	if f.down != nil {
		return nil, f.down
	}
	if u, ok := f.users[secUID]; ok {
		return u, nil
	}
	return nil, notFound(fetch.KindUser, secUID)
}

func (f *fakeAPI) PostDetail(ctx context.Context, id string) (*fetch.Post, error) {
	f.count("detail")
	if p, ok := f.posts[id]; ok {
		return p, nil
	}
	return nil, notFound(fetch.KindPost, id)
}

func (f *fakeAPI) MixDetail(ctx context.Context, id string) (*fetch.Mix, error) {
	f.count("mix")
	if m, ok := f.mixes[id]; ok {
		return m, nil
	}
	return nil, notFound(fetch.KindMix, id)
}

func (f *fakeAPI) HomeFeed(ctx context.Context) ([]fetch.Post, error) {
	f.count("feed")
	return f.lists["feed"], nil
}

func (f *fakeAPI) LiveRoomByWebRID(ctx context.Context, webRID string) (*fetch.Room, error) {
	f.count("room")
	if r, ok := f.rooms[webRID]; ok {
		return r, nil
	}
	return nil, notFound(fetch.KindRoom, webRID)
}

func (f *fakeAPI) LiveRoomByRoomID(ctx context.Context, roomID string) (*fetch.Room, error) {
	f.count("room")
	for _, r := range f.rooms {
		if r.RoomID == roomID {
			return r, nil
		}
	}
	return nil, notFound(fetch.KindRoom, roomID)
}

// pager serves items pageSize at a time, counting each page as a call.
func pager[T any](f *fakeAPI, what string, items []T) *fetch.Pager[T] {
	return fetch.NewPager(func(ctx context.Context, cursor string) (fetch.Page[T], error) {
		f.count(what)
		start, _ := strconv.Atoi(cursor)
		end := min(start+f.pageSize, len(items))
		return fetch.Page[T]{Items: items[start:end], HasMore: end < len(items), Cursor: strconv.Itoa(end)}, nil
	}, 3, 0)
}

func (f *fakeAPI) UserPosts(secUID string) *fetch.Pager[fetch.Post] {
	return pager(f, "posts", f.lists["posts:"+secUID])
}
func (f *fakeAPI) UserLikes(secUID string) *fetch.Pager[fetch.Post] {
	return pager(f, "likes", f.lists["likes:"+secUID])
}
func (f *fakeAPI) UserMixes(secUID string) *fetch.Pager[fetch.Mix] {
	return pager(f, "mixes", f.userMix[secUID])
}
func (f *fakeAPI) MixPosts(mixID string) *fetch.Pager[fetch.Post] {
	return pager(f, "mixposts", f.lists["mix:"+mixID])
}
func (f *fakeAPI) Favorites() *fetch.Pager[fetch.Post] {
	return pager(f, "favorites", f.lists["favorites"])
}
func (f *fakeAPI) CollectFolders() *fetch.Pager[fetch.CollectFolder] {
	return pager(f, "folders", f.folders)
}
func (f *fakeAPI) CollectFolderPosts(id string) *fetch.Pager[fetch.Post] {
	return pager(f, "folderposts", f.lists["folder:"+id])
}

func (f *fakeAPI) Comments(id string) *fetch.Pager[fetch.Comment] {
	return pager(f, "comments", f.comments[id])
}
func (f *fakeAPI) CommentReplies(id, cid string) *fetch.Pager[fetch.Comment] {
	return pager(f, "replies", f.comments[id+"/"+cid])
}
func (f *fakeAPI) Related(id string) *fetch.Pager[fetch.Post] {
	return pager(f, "related", f.lists["related:"+id])
}

var _ API = (*fakeAPI)(nil)
