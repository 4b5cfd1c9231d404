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
	Template     string         // must contain {aweme_id}, else it is appended
	Location     *time.Location // for {create}
	MaxDescBytes int            // longest {desc}; 0 = no caption in names
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
	FSName          string // shown in /proc/mounts
}

// DefaultConfig is the configuration douyinfs documents in config.toml;
// callers change what they need. Zero durations mean zero: no kernel
// caching for the mount timeouts. UID and GID are 0 here: cmd puts the
// running user's.
func DefaultConfig() Config {
	return Config{
		Naming: Naming{
			Template: "{create}_{desc}_{aweme_id}",
			// Shanghai has had no DST since 1991, so a fixed +08:00 under
			// its name renders Douyin's times exactly without reading the
			// host's zoneinfo.
			Location:     time.FixedZone("Asia/Shanghai", 8*3600),
			MaxDescBytes: 120,
		},
		LiveQuality:     []string{"FULL_HD1", "HD1", "SD1", "SD2"},
		ListingTTL:      5 * time.Minute,
		MetadataTTL:     10 * time.Minute,
		FeedTTL:         2 * time.Minute,
		OpTimeout:       time.Minute,
		Umask:           0o022,
		EntryTimeout:    time.Minute,
		AttrTimeout:     time.Minute,
		NegativeTimeout: 5 * time.Second,
		MaxRead:         1 << 20,
		FSName:          "douyinfs",
	}
}

// Deps are the services the tree reads through.
type Deps struct {
	API    *fetch.Client
	Media  *media.Reader
	Blocks *cache.Blocks
	Logger *slog.Logger
}
