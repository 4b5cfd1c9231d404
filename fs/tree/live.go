package tree

import (
	"context"
	"syscall"

	"github.com/douyinfs/douyinfs/fetch"
)

// roomByWebRID returns a live room by the number in live.douyin.com/<id>
// (remembered for MetadataTTL).
func (t *Tree) roomByWebRID(ctx context.Context, webRID string) (*fetch.Room, error) {
	return t.rooms.get(ctx, "web:"+webRID, func(ctx context.Context) (*fetch.Room, error) {
		ctx, cancel := t.APIContext(ctx)
		defer cancel()
		return t.api.LiveRoomByWebRID(ctx, webRID)
	})
}

// roomByID returns a live room by its room id (remembered for MetadataTTL).
func (t *Tree) roomByID(ctx context.Context, roomID string) (*fetch.Room, error) {
	return t.rooms.get(ctx, "room:"+roomID, func(ctx context.Context) (*fetch.Room, error) {
		ctx, cancel := t.APIContext(ctx)
		defer cancel()
		return t.api.LiveRoomByRoomID(ctx, roomID)
	})
}

// liveFolder is live/: the configured rooms (no API call: the ids are the
// names), then the ones looked up since; any room by its webcast id.
func (t *Tree) liveFolder(key string) *ByID {
	room := func(e Entry) Node {
		webRID := e.Name
		return t.roomFolder(e.Key, "live room "+webRID,
			func(ctx context.Context) (*fetch.Room, error) { return t.roomByWebRID(ctx, webRID) },
			func(ctx context.Context) (*fetch.Room, error) { return t.api.LiveRoomByWebRID(ctx, webRID) })
	}
	return &ByID{key: key, t: t, remember: true, known: room,
		configured: func() []Entry {
			var out []Entry
			for _, id := range t.cfg.LiveRooms {
				name := sanitizeName(id, maxNameBytes)
				if _, dup := lookupIn(out, name); !dup {
					out = append(out, Entry{Name: name, Dir: true, Key: keyChild(key, "room", id)})
				}
			}
			return out
		},
		resolve: func(ctx context.Context, name string) (Child, syscall.Errno) {
			if !fetch.IsWebRID(name) {
				return Child{}, syscall.ENOENT
			}
			if _, err := t.roomByWebRID(ctx, name); err != nil {
				return Child{}, t.Fail("lookup", "live/"+name, err)
			}
			e := Entry{Name: name, Dir: true, Key: keyChild(key, "room", name)}
			return Child{Entry: e, Node: room(e)}, 0
		}}
}

// nameStreamTS is a live room's stream when it offers only HLS.
const nameStreamTS = "stream.ts"

// roomFolder is a live room: room.json always, and while on air
// stream.flv, or stream.ts when the room offers only HLS.
// room is remembered; fresh asks Douyin now (opening the stream needs
// current URLs).
func (t *Tree) roomFolder(key, what string, room, fresh func(ctx context.Context) (*fetch.Room, error)) *Fixed {
	list := func(ctx context.Context) ([]Entry, syscall.Errno) {
		r, err := room(ctx)
		if err != nil {
			return nil, t.Fail("readdir", what, err)
		}
		out := []Entry{{Name: nameRoom, Key: keyRoomFile(key, nameRoom)}}
		switch {
		case !r.Living():
		case len(r.FLV) > 0:
			out = append(out, Entry{Name: nameStream, Key: keyRoomFile(key, nameStream)})
		case len(r.HLS) > 0:
			// Only HLS offered: its MPEG-TS segments, appended.
			out = append(out, Entry{Name: nameStreamTS, Key: keyRoomFile(key, nameStreamTS)})
		}
		return out, 0
	}
	find := func(ctx context.Context, name string) (Child, syscall.Errno) {
		entries, errno := list(ctx)
		if errno != 0 {
			return Child{}, errno
		}
		e, ok := lookupIn(entries, name)
		if !ok {
			return Child{}, syscall.ENOENT
		}
		switch name {
		case nameStream:
			return Child{Entry: e, Node: &LiveFile{What: what + " stream", Resolve: fresh}}, 0
		case nameStreamTS:
			return Child{Entry: e, Node: &LiveFile{What: what + " HLS stream", Resolve: fresh, HLS: true}}, 0
		}
		return Child{Entry: e, Node: &BytesFile{What: what + " room.json", Content: func(ctx context.Context) ([]byte, error) {
			r, err := room(ctx)
			if err != nil {
				return nil, err
			}
			return prettyJSON(r.Raw, r)
		}}}, 0
	}
	return &Fixed{list: list, find: find}
}
