// Package fs is the mounted tree: go-fuse nodes for users, posts, mixes,
// favourites and live rooms, their names, attributes and file handles.
package fs

// The exported API (cmd codes against it): the configuration, the services
// the tree reads through, and Mount in mount.go.

import (
	"log/slog"
	"time"

	"github.com/douyinfs/douyinfs/cache"
	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
)

// UserEntry is one configured user shown under users/<Name>.
type UserEntry struct {
	Name   string
	SecUID string
}

// Naming controls post names.
type Naming struct {
	Template     string         // default "{create}_{desc}_{aweme_id}"
	Location     *time.Location // for {create}; default Asia/Shanghai
	MaxDescBytes int
	SidecarJSON  bool
	SidecarCover bool
}

// Config is the tree's configuration, parsed by cmd.
type Config struct {
	Users       []UserEntry
	LiveRooms   []string // web rids
	Naming      Naming
	LiveQuality []string

	ListingTTL  time.Duration
	MetadataTTL time.Duration
	FeedTTL     time.Duration
	OpTimeout   time.Duration // an operation with nothing cached fails with EIO after this

	UID, GID        uint32
	Umask           uint32
	EntryTimeout    time.Duration
	AttrTimeout     time.Duration
	NegativeTimeout time.Duration
	MaxRead         int
	AllowOther      bool
	Debug           bool
	FSName          string // shown in /proc/mounts, default "douyinfs"
}

// Deps are the services the tree reads through.
type Deps struct {
	API    *fetch.Client
	Media  *media.Reader
	Blocks *cache.Blocks
	Logger *slog.Logger
}
