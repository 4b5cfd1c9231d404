package fs

import (
	"context"
	"syscall"

	"github.com/douyinfs/douyinfs/fetch"
	gofs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// roomByWebRID returns a live room by the number in live.douyin.com/<id>
// (remembered for MetadataTTL).
func (t *tree) roomByWebRID(ctx context.Context, webRID string) (*fetch.Room, error) {
	return t.rooms.get(ctx, "web:"+webRID, func(ctx context.Context) (*fetch.Room, error) {
		ctx, cancel := t.apiContext(ctx)
		defer cancel()
		return t.api.LiveRoomByWebRID(ctx, webRID)
	})
}

// roomByID returns a live room by its room id (remembered for MetadataTTL).
func (t *tree) roomByID(ctx context.Context, roomID string) (*fetch.Room, error) {
	return t.rooms.get(ctx, "room:"+roomID, func(ctx context.Context) (*fetch.Room, error) {
		ctx, cancel := t.apiContext(ctx)
		defer cancel()
		return t.api.LiveRoomByRoomID(ctx, roomID)
	})
}

// liveDir is live/: the configured rooms, and any room by its webcast id.
type liveDir struct {
	plainDir
	key string
}

// entries are the configured rooms (no API call: the ids are the names),
// then the ones looked up since.
func (d *liveDir) entries() []dirent {
	var out []dirent
	for _, id := range d.t.cfg.LiveRooms {
		name := sanitizeName(id, maxNameBytes)
		if _, dup := lookupIn(out, name); !dup {
			out = append(out, dirent{name: name, dir: true, key: keyChild(d.key, "room", id)})
		}
	}
	for _, e := range d.t.usedEntries(d.key) {
		if _, dup := lookupIn(out, e.name); !dup {
			out = append(out, e)
		}
	}
	return out
}

func (d *liveDir) OpendirHandle(ctx context.Context, flags uint32) (gofs.FileHandle, uint32, syscall.Errno) {
	return &dirHandle{t: d.t, self: d.StableAttr().Ino, src: sliceSource(d.entries())}, 0, 0
}

func (d *liveDir) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*gofs.Inode, syscall.Errno) {
	t := d.t
	e, configured := lookupIn(d.entries(), name)
	if !configured {
		if !fetch.IsWebRID(name) {
			return nil, syscall.ENOENT
		}
		if _, err := t.roomByWebRID(ctx, name); err != nil {
			return nil, t.fail("lookup", "live/"+name, err)
		}
		e = dirent{name: name, dir: true, key: keyChild(d.key, "room", name)}
	}
	webRID := name
	n := &roomDir{plainDir: plainDir{node{t: t}}, key: e.key, what: "live room " + webRID,
		room:  func(ctx context.Context) (*fetch.Room, error) { return t.roomByWebRID(ctx, webRID) },
		fresh: func(ctx context.Context) (*fetch.Room, error) { return t.api.LiveRoomByWebRID(ctx, webRID) },
	}
	ino, errno := t.child(ctx, d.EmbeddedInode(), e, n, out)
	if errno == 0 && !configured {
		t.use(d.key, e)
	}
	return ino, errno
}

// roomDir is a live room: room.json always, stream.flv while on air.
type roomDir struct {
	plainDir
	key  string
	what string
	room func(ctx context.Context) (*fetch.Room, error) // remembered
	// fresh asks Douyin now (opening the stream needs current URLs); nil
	// means room is good enough.
	fresh func(ctx context.Context) (*fetch.Room, error)
}

func (d *roomDir) entries(ctx context.Context) ([]dirent, syscall.Errno) {
	r, err := d.room(ctx)
	if err != nil {
		return nil, d.t.fail("readdir", d.what, err)
	}
	out := []dirent{{name: nameRoom, key: keyRoomFile(d.key, nameRoom)}}
	if r.Living() && len(r.FLV) > 0 {
		out = append(out, dirent{name: nameStream, key: keyRoomFile(d.key, nameStream)})
	}
	return out, 0
}

func (d *roomDir) OpendirHandle(ctx context.Context, flags uint32) (gofs.FileHandle, uint32, syscall.Errno) {
	return d.t.openSlice(ctx, d.EmbeddedInode(), d.entries)
}

func (d *roomDir) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*gofs.Inode, syscall.Errno) {
	t := d.t
	entries, errno := d.entries(ctx)
	if errno != 0 {
		return nil, errno
	}
	e, ok := lookupIn(entries, name)
	if !ok {
		return nil, syscall.ENOENT
	}
	var n filler
	switch name {
	case nameRoom:
		n = &bytesFile{node: node{t: t}, what: d.what + " room.json", content: func(ctx context.Context) ([]byte, error) {
			r, err := d.room(ctx)
			if err != nil {
				return nil, err
			}
			return prettyJSON(r.Raw, r)
		}}
	case nameStream:
		resolve := d.fresh
		if resolve == nil {
			resolve = d.room
		}
		n = &liveFile{node: node{t: t}, what: d.what + " stream", resolve: resolve}
	}
	return t.child(ctx, d.EmbeddedInode(), e, n, out)
}
