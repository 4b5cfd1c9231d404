package tree

import "time"

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

// Config is the part of fs.Config that decides what the tree contains and
// how long answers are kept.
type Config struct {
	Users     []UserEntry
	LiveRooms []string // web rids
	Naming    Naming

	ListingTTL  time.Duration
	MetadataTTL time.Duration
	FeedTTL     time.Duration
	OpTimeout   time.Duration // an operation with nothing cached fails with EIO after this
}
