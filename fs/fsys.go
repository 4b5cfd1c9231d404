package fs

import (
	"context"
	"log/slog"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/douyinfs/douyinfs/cache"
	"github.com/douyinfs/douyinfs/fetch/media"
	"github.com/douyinfs/douyinfs/fs/tree"
	gofs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// fsys is what the mounted nodes share: the tree they show, the services
// file handles read through, attributes and statistics. Nodes are cheap
// views on it; the kernel may forget and re-create them at will.
type fsys struct {
	cfg    Config
	tree   *tree.Tree
	api    tree.API
	media  tree.Media
	live   *media.Live // nil: live streams cannot be opened
	blocks func() cache.BlockStats
	log    *slog.Logger
	now    func() time.Time
	attrs  attrs
	start  time.Time

	stats struct {
		lookups  atomic.Int64
		errors   atomic.Int64
		liveOpen atomic.Int64
		// liveAgain counts live streams dropped and resolved again.
		liveAgain atomic.Int64
		// operations answered EINTR because the caller was interrupted
		interrupted atomic.Int64
		xattrs      atomic.Int64 // getxattr and listxattr requests
	}
}

func newFS(cfg Config, api tree.API, media tree.Media, blocks func() cache.BlockStats, log *slog.Logger) *fsys {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if blocks == nil {
		blocks = func() cache.BlockStats { return cache.BlockStats{} }
	}
	now := time.Now
	t := &fsys{
		cfg: cfg, api: api, media: media, blocks: blocks, log: log, now: now,
		attrs: attrs{uid: cfg.UID, gid: cfg.GID, umask: cfg.Umask & 0o777, epoch: now().Unix()},
		start: now(),
	}
	t.tree = tree.New(treeConfig(cfg), tree.Services{
		API: api, Media: media, Log: log,
		Stats:      t.statsJSON,
		CountError: func() { t.stats.errors.Add(1) },
	})
	return t
}

// treeConfig is the part of cfg that says what the tree contains.
func treeConfig(cfg Config) tree.Config {
	return tree.Config{
		Users: cfg.Users, LiveRooms: cfg.LiveRooms, Naming: cfg.Naming,
		ListingTTL: cfg.ListingTTL, MetadataTTL: cfg.MetadataTTL, FeedTTL: cfg.FeedTTL, OpTimeout: cfg.OpTimeout,
	}
}

// filler is a node that can describe itself.
type filler interface {
	gofs.InodeEmbedder
	fill(ctx context.Context, out *fuse.Attr) syscall.Errno
}

// nodeOf makes the go-fuse node for what an entry shows: one node type per
// kind of tree.Node.
func (t *fsys) nodeOf(n tree.Node) filler {
	switch n := n.(type) {
	case tree.Folder:
		return &dirNode{node: node{t: t}, f: n}
	case *tree.MediaFile:
		return &mediaFile{node: node{t: t}, f: n}
	case *tree.BytesFile:
		return &bytesFile{node: node{t: t}, f: n}
	case *tree.LiveFile:
		return &liveFile{node: node{t: t}, f: n}
	}
	return nil
}

// child makes the node for a lookup result: attributes first (a node whose
// attributes cannot be known is not shown), then the inode from its key.
func (t *fsys) child(ctx context.Context, parent *gofs.Inode, c tree.Child, out *fuse.EntryOut) (*gofs.Inode, syscall.Errno) {
	t.stats.lookups.Add(1)
	n := t.nodeOf(c.Node)
	if n == nil {
		return nil, syscall.ENOENT
	}
	if errno := n.fill(ctx, &out.Attr); errno != 0 {
		return nil, errno
	}
	mode := uint32(syscall.S_IFREG)
	if c.Dir {
		mode = syscall.S_IFDIR
	}
	ino := parent.NewInode(ctx, n, gofs.StableAttr{Mode: mode, Ino: c.Ino()})
	if c.Shown != nil {
		c.Shown()
	}
	return ino, 0
}

// fail logs and counts a failed operation (see tree.Tree.Fail).
func (t *fsys) fail(op, what string, err error) syscall.Errno { return t.tree.Fail(op, what, err) }

// interrupted answers an operation whose caller was interrupted (a signal):
// EINTR, counted, not an error.
func (t *fsys) interrupted(op, what string) syscall.Errno {
	t.stats.interrupted.Add(1)
	t.log.Debug("operation interrupted", "op", op, "what", what)
	return syscall.EINTR
}
