package fakedouyin

import (
	"fmt"
	"time"
)

// OnAir reports whether the room is live now: Living at Start, and not
// ended since by Server.EndRoom.
func (r *Room) OnAir() bool { return r.Living && !r.ended.Load() }

// EndRoom ends a live room now, as when its broadcaster stops: the room
// API answers status 4, its FLV streams end after a whole tag, and its
// stream URLs (FLV and HLS) answer 404 from then on.
func (s *Server) EndRoom(webRID string) error {
	r, ok := s.world.Room(webRID)
	if !ok {
		return fmt.Errorf("fakedouyin: no room %q", webRID)
	}
	if !r.Living || !r.ended.CompareAndSwap(false, true) {
		return fmt.Errorf("fakedouyin: room %s is not live", webRID)
	}
	return nil
}

// HLSRoom is the live room that offers only HLS (no flv_pull_url).
func (w *World) HLSRoom() *Room { return w.Rooms[2] }

// hlsRoom adds the HLS-only live room, owned by the second user (the
// first when there is only one; a user keeps a room it has).
func (g *gen) hlsRoom() {
	w := g.w
	owner := w.Users[min(1, len(w.Users)-1)]
	created := int64(worldEnd - 900)
	r := &Room{
		WebRID:     g.digits(12),
		RoomID:     g.snowflake(created),
		Living:     true,
		HLSOnly:    true,
		Title:      "只有 HLS 的直播间",
		Owner:      owner,
		StreamID:   g.digits(18),
		CreateTime: created,
		UserCount:  g.rng.Int64N(5000),
		Cover:      g.register(newGeneratedMedia("tos-cn-i-webcast_"+g.hex(16), "cover", "jpeg", 45000, time.Unix(created, 0))),
	}
	w.Rooms = append(w.Rooms, r)
	w.roomsByWeb[r.WebRID] = r
	w.roomsByID[r.RoomID] = r
	if owner.Room == nil {
		owner.Room = r
	}
}

// LiveSegment is HLS segment n of every live playlist: an MPEG-TS null
// packet (PID 0x1FFF, which players skip) naming n, then the embedded
// 2-second segment. The null packet lets a test tell segments apart.
func (s *Server) LiveSegment(n int64) []byte {
	pkt := make([]byte, 188)
	pkt[0], pkt[1], pkt[2], pkt[3] = 0x47, 0x1f, 0xff, 0x10
	for i := 4; i < len(pkt); i++ {
		pkt[i] = 0xff
	}
	copy(pkt[4:], fmt.Sprintf("fakedouyin segment %d\n", n))
	return append(pkt, liveSegmentTS...)
}

// LiveSegmentNumbers reads the segment numbers LiveSegment put in b, in
// order (for tests of what a client appended).
func LiveSegmentNumbers(b []byte) []int64 {
	var out []int64
	for off := 0; off+188 <= len(b); off += 188 {
		p := b[off : off+188]
		if p[0] != 0x47 || p[1] != 0x1f || p[2] != 0xff {
			continue
		}
		var n int64
		if _, err := fmt.Sscanf(string(p[4:]), "fakedouyin segment %d\n", &n); err == nil {
			out = append(out, n)
		}
	}
	return out
}
