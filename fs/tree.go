package fs

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/douyinfs/douyinfs/cache"
	"github.com/douyinfs/douyinfs/fetch"
	gofs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// tree is the state behind the mounted nodes: configuration, the services
// it reads through, and what it remembers (listings, profiles, post
// details, sizes). Nodes are cheap views on it; the kernel may forget and
// re-create them at will.
type tree struct {
	cfg    Config
	api    API
	media  Media
	blocks func() cache.BlockStats
	log    *slog.Logger
	now    func() time.Time
	attrs  attrs
	names  namer
	start  time.Time

	profiles *memo[*fetch.User]
	posts    *memo[*fetch.Post]
	mixes    *memo[*fetch.Mix]
	rooms    *memo[*fetch.Room]
	sizes    *memo[int64] // media key -> exact size; content never changes

	listsMu sync.Mutex
	lists   map[string]any // list key -> *listing[T]

	// Things reached by id (videos/<id>.mp4, mixes/<id>, live/<id>) are
	// listed in their directory once used.
	usedMu sync.Mutex
	used   map[string][]dirent // directory key -> entries in order of use

	missingUsers sync.Map // configured users Douyin does not know, logged once

	stats struct {
		lookups  atomic.Int64
		errors   atomic.Int64
		liveOpen atomic.Int64
		// operations answered EINTR because the caller was interrupted
		interrupted atomic.Int64
	}
}

func newTree(cfg Config, api API, media Media, blocks func() cache.BlockStats, log *slog.Logger) *tree {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if blocks == nil {
		blocks = func() cache.BlockStats { return cache.BlockStats{} }
	}
	now := time.Now
	t := &tree{
		cfg: cfg, api: api, media: media, blocks: blocks, log: log, now: now,
		attrs: attrs{uid: cfg.UID, gid: cfg.GID, umask: cfg.Umask & 0o777, epoch: now().Unix()},
		names: newNamer(cfg.Naming),
		start: now(),
		lists: map[string]any{},
		used:  map[string][]dirent{},
	}
	// A user folder needs its profile: keep the last one for when Douyin
	// cannot be reached, as listings do.
	t.profiles = newStaleMemo[*fetch.User](cfg.MetadataTTL, memoItems,
		func() time.Time { return t.now() },
		func(secUID string, err error) {
			t.stats.errors.Add(1)
			t.log.Warn("refreshing a profile failed; serving the last good one", "sec_user_id", secUID, "err", err)
		})
	t.posts = newMemo[*fetch.Post](cfg.MetadataTTL, memoItems)
	t.mixes = newMemo[*fetch.Mix](cfg.MetadataTTL, memoItems)
	t.rooms = newMemo[*fetch.Room](cfg.MetadataTTL, memoItems)
	t.sizes = newMemo[int64](0, sizeItems)
	return t
}

// How many answers the metadata caches hold: post details are the many
// (one per file looked up by name); sizes are tiny and never change, so
// there is room for every file a long session touches.
const (
	memoItems = 1 << 14
	sizeItems = 1 << 18
)

// close stops the caches' goroutines once the tree is no longer served.
func (t *tree) close() {
	for _, m := range []interface{ close() }{t.profiles, t.posts, t.mixes, t.rooms, t.sizes} {
		m.close()
	}
}

// apiContext bounds one API operation by OpTimeout. The answer is cached and
// shared, so the kernel interrupting one caller (any signal, even the Go
// runtime's preemption signal in the caller) must not cancel it for others.
func (t *tree) apiContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), t.cfg.OpTimeout)
}

// dropCaches forgets listings and metadata; sizes stay (content of a post
// never changes) and so do the entries reached by id.
func (t *tree) dropCaches() {
	t.listsMu.Lock()
	t.lists = map[string]any{}
	t.listsMu.Unlock()
	t.profiles.clear()
	t.posts.clear()
	t.mixes.clear()
	t.rooms.clear()
}

// getListing returns the listing stored under key, creating it with mk.
func getListing[T any](t *tree, key string, mk func() *listing[T]) *listing[T] {
	t.listsMu.Lock()
	defer t.listsMu.Unlock()
	if l, ok := t.lists[key].(*listing[T]); ok {
		return l
	}
	l := mk()
	t.lists[key] = l
	return l
}

// use records that an entry reached by id exists, so its directory lists it.
func (t *tree) use(dirKey string, e dirent) {
	t.usedMu.Lock()
	defer t.usedMu.Unlock()
	for _, old := range t.used[dirKey] {
		if old.name == e.name {
			return
		}
	}
	t.used[dirKey] = append(t.used[dirKey], e)
}

func (t *tree) usedEntries(dirKey string) []dirent {
	t.usedMu.Lock()
	defer t.usedMu.Unlock()
	return append([]dirent(nil), t.used[dirKey]...)
}

// filler is a node that can describe itself.
type filler interface {
	gofs.InodeEmbedder
	fill(ctx context.Context, out *fuse.Attr) syscall.Errno
}

// child makes the node for a lookup result: attributes first (a node whose
// attributes cannot be known is not shown), then the inode from its key.
func (t *tree) child(ctx context.Context, parent *gofs.Inode, e dirent, n filler, out *fuse.EntryOut) (*gofs.Inode, syscall.Errno) {
	t.stats.lookups.Add(1)
	if errno := n.fill(ctx, &out.Attr); errno != 0 {
		return nil, errno
	}
	mode := uint32(syscall.S_IFREG)
	if e.dir {
		mode = syscall.S_IFDIR
	}
	return parent.NewInode(ctx, n, gofs.StableAttr{Mode: mode, Ino: inodeOf(e.key)}), 0
}

// openSlice opens a small directory whose entries list computes.
func (t *tree) openSlice(ctx context.Context, self *gofs.Inode, list func(context.Context) ([]dirent, syscall.Errno)) (gofs.FileHandle, uint32, syscall.Errno) {
	entries, errno := list(ctx)
	if errno != 0 {
		return nil, 0, errno
	}
	return &dirHandle{t: t, self: self.StableAttr().Ino, src: sliceSource(entries)}, 0, 0
}

// lookupIn finds name among a small directory's entries.
func lookupIn(entries []dirent, name string) (dirent, bool) {
	for _, e := range entries {
		if e.name == name {
			return e, true
		}
	}
	return dirent{}, false
}

// Names at the top of the tree.
const (
	nameReadme = "README.txt"
	nameUsers  = "users"
	nameVideos = "videos"
	nameMixes  = "mixes"
	nameLive   = "live"
	nameMe     = "me"
	nameMeta   = ".douyinfs"
	nameStats  = "stats.json"
)

// rootDir is the mount point.
type rootDir struct {
	node
}

func (r *rootDir) entries() []dirent {
	es := []dirent{
		{name: nameReadme, key: "readme"},
		{name: nameUsers, dir: true, key: "users"},
		{name: nameVideos, dir: true, key: "videos"},
		{name: nameMixes, dir: true, key: "mixes"},
		{name: nameLive, dir: true, key: "live"},
	}
	// me/ exists only for a logged-in account: a guest has no favourites.
	if r.t.api.LoggedIn() {
		es = append(es, dirent{name: nameMe, dir: true, key: "me"})
	}
	return append(es, dirent{name: nameMeta, dir: true, key: "meta"})
}

func (r *rootDir) Getattr(ctx context.Context, f gofs.FileHandle, out *fuse.AttrOut) syscall.Errno {
	r.t.attrs.dir(&out.Attr, 0)
	return 0
}

func (r *rootDir) OpendirHandle(ctx context.Context, flags uint32) (gofs.FileHandle, uint32, syscall.Errno) {
	return &dirHandle{t: r.t, self: r.StableAttr().Ino, src: sliceSource(r.entries())}, 0, 0
}

func (r *rootDir) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*gofs.Inode, syscall.Errno) {
	e, ok := lookupIn(r.entries(), name)
	if !ok {
		return nil, syscall.ENOENT
	}
	t := r.t
	var n filler
	switch name {
	case nameReadme:
		n = &bytesFile{node: node{t: t}, content: func(context.Context) ([]byte, error) { return t.readme(), nil }}
	case nameUsers:
		n = &usersDir{plainDir: plainDir{node{t: t}}, key: e.key}
	case nameVideos:
		n = &videosDir{plainDir: plainDir{node{t: t}}, key: e.key}
	case nameMixes:
		n = &mixesDir{plainDir: plainDir{node{t: t}}, key: e.key}
	case nameLive:
		n = &liveDir{plainDir: plainDir{node{t: t}}, key: e.key}
	case nameMe:
		n = &meDir{plainDir: plainDir{node{t: t}}, key: e.key}
	case nameMeta:
		n = &metaDir{plainDir: plainDir{node{t: t}}, key: e.key}
	}
	return t.child(ctx, r.EmbeddedInode(), e, n, out)
}

// metaDir is .douyinfs/, the daemon's own files.
type metaDir struct {
	plainDir
	key string
}

func (d *metaDir) entries() []dirent {
	return []dirent{{name: nameStats, key: d.key + "/stats"}}
}

func (d *metaDir) OpendirHandle(ctx context.Context, flags uint32) (gofs.FileHandle, uint32, syscall.Errno) {
	return &dirHandle{t: d.t, self: d.StableAttr().Ino, src: sliceSource(d.entries())}, 0, 0
}

func (d *metaDir) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*gofs.Inode, syscall.Errno) {
	e, ok := lookupIn(d.entries(), name)
	if !ok {
		return nil, syscall.ENOENT
	}
	return d.t.child(ctx, d.EmbeddedInode(), e, newStatsFile(d.t), out)
}
