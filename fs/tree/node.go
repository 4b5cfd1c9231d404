package tree

import (
	"context"
	"syscall"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
)

// Entry is one directory entry before it becomes a node: enough to answer
// READDIR, with the key that gives its inode number.
type Entry struct {
	Name string
	Dir  bool
	Key  string
}

// Ino is the entry's inode number, derived from its key.
func (e Entry) Ino() uint64 { return InodeOf(e.Key) }

// Node is what an entry shows: a Folder, or a file (*MediaFile, *BytesFile,
// *LiveFile). fs has one go-fuse node type for each.
type Node interface{ isNode() }

// Folder is a directory as a data source. Its kinds are Fixed (entries
// known at once), ByID (anything looked up by id, listing what was used)
// and Posts / Paged (a cursor list read page by page).
type Folder interface {
	Node
	// Mtime is the folder's time; 0 means the mount time.
	Mtime() int64
	// Xattrs are the folder's extended attributes (an image post's).
	Xattrs() []Xattr
	// Open starts a listing. A listing older than its TTL is refreshed
	// first.
	Open(ctx context.Context) (Stream, syscall.Errno)
	// Lookup finds one name without listing the folder.
	Lookup(ctx context.Context, name string) (Child, syscall.Errno)
}

// Stream yields a folder's entries by offset. Next returns the first entry
// at or after off and the offset of the one after it; ok is false at the
// end. Offsets are opaque to the kernel (0 is the start); a paged list
// fetches its next page only when asked for an entry past what it knows.
type Stream interface {
	Next(ctx context.Context, off uint64) (e Entry, next uint64, ok bool, errno syscall.Errno)
}

// VersionedStream is a Stream of a folder that counts the changes of its
// entries. Version is the count now, and whether every entry is still at
// the offset this stream gave it (nothing inserted before it since the
// stream was opened). A kernel that read the whole folder at one count may
// keep its copy of the entries while the count holds.
type VersionedStream interface {
	Stream
	Version() (changes uint64, inPlace bool)
}

// Child is a lookup's answer.
type Child struct {
	Entry
	Node Node
	// Shown, when set, is called once the child's attributes were known
	// and it was handed to the kernel (ByID lists what was used).
	Shown func()
}

// MediaFile is a remote file served through the ranged reader: a video, a
// picture, a music track, a cover, an avatar. Its size is exact.
type MediaFile struct {
	Item  *media.Item
	Mtime int64
	Post  *fetch.Post // for extended attributes; nil when not a post's file
	What  string      // for logs
}

// BytesFile is a small generated file (README.txt, profile.json, room.json,
// a post's .json sidecar, stats.json): its content is rendered from memory,
// so its size is exact before anyone reads it.
type BytesFile struct {
	Mtime   int64 // 0: the mount time
	Content func(ctx context.Context) ([]byte, error)
	What    string // for logs
	// Direct marks content that changes on every open (stats.json): the
	// kernel must not cache it, and the size it saw at stat may be stale.
	Direct bool
}

// LiveFile is stream.flv: opening it resolves the room and streams its FLV
// (with HLS, stream.ts: the room's HLS segments, appended). Resolve asks
// Douyin now; it is called again after every dropped connection.
type LiveFile struct {
	What    string
	Resolve func(ctx context.Context) (*fetch.Room, error)
	HLS     bool
}

func (*MediaFile) isNode() {}
func (*BytesFile) isNode() {}
func (*LiveFile) isNode()  {}

// Xattrs of a file: a post's attributes for a post's media, none else.
func (f *MediaFile) Xattrs() []Xattr { return PostXattrs(f.Post) }

// lookupIn finds name among a small directory's entries.
func lookupIn(entries []Entry, name string) (Entry, bool) {
	for _, e := range entries {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}

// sliceStream serves a small directory whose entries are known at open.
type sliceStream []Entry

func (s sliceStream) Next(ctx context.Context, off uint64) (Entry, uint64, bool, syscall.Errno) {
	if off >= uint64(len(s)) {
		return Entry{}, off, false, 0
	}
	return s[off], off + 1, true, 0
}
