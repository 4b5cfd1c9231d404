// Package tree is what the mounted tree contains, without FUSE: the folders
// as data sources (fixed entries, lookups by id, paged lists), the entries
// they list and the files those show, post names, inode keys, cached
// listings and remembered answers. Package fs adapts it to go-fuse; all of
// it is tested here without a mount.
package tree

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/douyinfs/douyinfs/fetch"
)

// Tree is the state behind the folders: configuration, the services it
// reads through, and what it remembers (listings, profiles, post details,
// sizes). Folders and files are cheap views on it.
type Tree struct {
	cfg        Config
	api        API
	media      Media
	log        *slog.Logger
	now        func() time.Time
	names      namer
	countError func()

	profiles *memo[*fetch.User]
	posts    *memo[*fetch.Post]
	mixes    *memo[*fetch.Mix]
	rooms    *memo[*fetch.Room]
	sizes    *memo[int64]  // media key -> exact size; content never changes
	comments *memo[[]byte] // aweme_id -> comments/<id>.json as rendered

	listsMu sync.Mutex
	lists   map[string]any // list key -> *listing[T]

	// Things reached by id (videos/<id>.mp4, mixes/<id>, live/<id>) are
	// listed in their directory once used.
	usedMu sync.Mutex
	used   map[string][]Entry // directory key -> entries in order of use

	missingUsers sync.Map // configured users Douyin does not know, logged once
	privateUsers sync.Map // sec_user_id -> true: profiles that said private account

	root Folder
}

// Services are what a Tree reads through and reports to. API is required;
// the others may be nil.
type Services struct {
	API   API
	Media Media
	Log   *slog.Logger
	// Stats is the daemon's stats.json, served as .douyinfs/stats.json.
	Stats func(context.Context) ([]byte, error)
	// CountError counts an error for the statistics (a failed operation,
	// a refresh that served the last good answer).
	CountError func()
}

// New builds the tree; it makes no API call.
func New(cfg Config, s Services) *Tree {
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	if s.CountError == nil {
		s.CountError = func() {}
	}
	if s.Stats == nil {
		s.Stats = func(context.Context) ([]byte, error) { return []byte("{}\n"), nil }
	}
	t := &Tree{
		cfg: cfg, api: s.API, media: s.Media, log: s.Log, now: time.Now,
		names:      newNamer(cfg.Naming),
		countError: s.CountError,
		lists:      map[string]any{},
		used:       map[string][]Entry{},
	}
	// A user folder needs its profile: keep the last one for when Douyin
	// cannot be reached, as listings do.
	t.profiles = newStaleMemo[*fetch.User](cfg.MetadataTTL, memoItems,
		func() time.Time { return t.now() },
		func(secUID string, err error) {
			t.countError()
			t.log.Warn("refreshing a profile failed; serving the last good one", "sec_user_id", secUID, "err", err)
		})
	t.posts = newMemo[*fetch.Post](cfg.MetadataTTL, memoItems)
	t.mixes = newMemo[*fetch.Mix](cfg.MetadataTTL, memoItems)
	t.rooms = newMemo[*fetch.Room](cfg.MetadataTTL, memoItems)
	t.sizes = newMemo[int64](0, sizeItems)
	// A rendered comments file can be large, and few are read at once.
	t.comments = newMemo[[]byte](cfg.MetadataTTL, 64)
	t.root = t.newRoot(s.Stats)
	return t
}

// How many answers the metadata caches hold: post details are the many
// (one per file looked up by name); sizes are tiny and never change, so
// there is room for every file a long session touches.
const (
	memoItems = 1 << 14
	sizeItems = 1 << 18
)

// Root is the mount point's folder.
func (t *Tree) Root() Folder { return t.root }

// Close stops the caches' goroutines once the tree is no longer served.
func (t *Tree) Close() {
	for _, m := range []interface{ close() }{t.profiles, t.posts, t.mixes, t.rooms, t.sizes, t.comments} {
		m.close()
	}
}

// APIContext bounds one API operation by OpTimeout. The answer is cached and
// shared, so the kernel interrupting one caller (any signal, even the Go
// runtime's preemption signal in the caller) must not cancel it for others.
func (t *Tree) APIContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), t.cfg.OpTimeout)
}

// DropCaches forgets listings and metadata; sizes stay (content of a post
// never changes) and so do the entries reached by id.
func (t *Tree) DropCaches() {
	t.listsMu.Lock()
	t.lists = map[string]any{}
	t.listsMu.Unlock()
	t.profiles.clear()
	t.posts.clear()
	t.mixes.clear()
	t.rooms.clear()
	t.comments.clear()
}

// Listings is how many listings are cached, for stats.json.
func (t *Tree) Listings() int {
	t.listsMu.Lock()
	defer t.listsMu.Unlock()
	return len(t.lists)
}

// IncompleteListings is how many cached listings stopped before the end of
// their list, for stats.json.
func (t *Tree) IncompleteListings() int {
	t.listsMu.Lock()
	defer t.listsMu.Unlock()
	n := 0
	for _, l := range t.lists {
		if l, ok := l.(interface{ incomplete() bool }); ok && l.incomplete() {
			n++
		}
	}
	return n
}

// getListing returns the listing stored under key, creating it with mk.
func getListing[T any](t *Tree, key string, mk func() *listing[T]) *listing[T] {
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
func (t *Tree) use(dirKey string, e Entry) {
	t.usedMu.Lock()
	defer t.usedMu.Unlock()
	for _, old := range t.used[dirKey] {
		if old.Name == e.Name {
			return
		}
	}
	t.used[dirKey] = append(t.used[dirKey], e)
}

func (t *Tree) usedEntries(dirKey string) []Entry {
	t.usedMu.Lock()
	defer t.usedMu.Unlock()
	return append([]Entry(nil), t.used[dirKey]...)
}
