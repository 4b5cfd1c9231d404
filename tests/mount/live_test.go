package mount_test

import (
	"os"
	"strings"
	"testing"
	"time"
)

// stream.flv of a living room starts with an FLV header and keeps producing
// bytes; a user's live/ exists only while the user is live.
func TestLiveStream(t *testing.T) {
	e := start(t, setup{})
	room := e.world.LivingRoom()
	for _, dir := range []string{e.path("live", room.WebRID), e.path("users", room.Owner.Name, "live")} {
		out := e.sh("timeout 60 head -c 1000000 '" + dir + "/stream.flv' | od -A n -c -N 3; timeout 60 head -c 1000000 '" + dir + "/stream.flv' | wc -c")
		f := strings.Fields(out)
		if len(f) < 4 || f[0] != "F" || f[1] != "L" || f[2] != "V" || f[3] != "1000000" {
			t.Errorf("%s/stream.flv: header and length %q, want F L V and 1000000 bytes", dir, out)
		}
		if !strings.Contains(e.run("cat", dir+"/room.json"), room.RoomID) {
			t.Errorf("%s/room.json does not name room %s", dir, room.RoomID)
		}
		st, err := os.Stat(dir + "/stream.flv")
		if err != nil || st.Size() != 0 {
			t.Errorf("stat stream.flv: %v, size %d, want 0", err, st.Size())
		}
	}
	// After the streams are closed, none is counted open. The kernel
	// releases a closed file asynchronously: poll until a deadline.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(e.run("cat", e.path(".douyinfs", "stats.json")), `"live_streams_open": 0`) {
		if time.Now().After(deadline) {
			t.Errorf("stats.json counts live streams open 10 s after all were closed")
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	// An ended room has room.json but no stream.
	ended := e.world.EndedRoom()
	if _, err := os.Stat(e.path("live", ended.WebRID, "stream.flv")); !os.IsNotExist(err) {
		t.Errorf("ended room: stat stream.flv: %v, want ENOENT", err)
	}
	e.run("cat", e.path("live", ended.WebRID, "room.json"))
	// A user who is not live has no live/.
	for _, u := range e.world.Users {
		if u.Room != nil && u.Room.Living {
			continue
		}
		if _, err := os.Stat(e.path("users", u.Name, "live")); !os.IsNotExist(err) {
			t.Errorf("users/%s/live: %v, want ENOENT", u.Name, err)
		}
	}
}
