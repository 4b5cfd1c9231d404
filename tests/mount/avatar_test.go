package mount_test

import (
	"bytes"
	"testing"
)

// An avatar's URL expires like any media URL: a read after that fetches a
// fresh profile for a new URL instead of failing (the storm test found
// rsync failing on avatar.jpeg).
func TestAvatarAfterURLExpiry(t *testing.T) {
	e := start(t, setup{})
	u := e.world.Users[0]
	// The profile, with the avatar's URL, and nothing read of the avatar.
	e.run("cat", e.path("users", u.Name, "profile.json"))
	e.fake.ExpireURLs()
	got := e.run("cat", e.path("users", u.Name, "avatar.jpeg"))
	if !bytes.Equal([]byte(got), u.Avatar.Bytes()) {
		t.Errorf("avatar.jpeg after its URL expired: %d bytes that differ from the fake's %d", len(got), u.Avatar.Size)
	}
	if n := e.fake.Stats().Expired; n == 0 {
		t.Error("the CDN refused no expired URL: the test tested nothing")
	}
}
