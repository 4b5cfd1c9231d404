package mount_test

import (
	"strings"
	"testing"
)

// Mounting and listing users/ costs no API call: the names come from the
// configuration.
func TestMountAndListUsersCostNothing(t *testing.T) {
	e := start(t, setup{})
	before := e.apiCalls()
	out := e.run("ls", "-l", e.path("users"))
	for _, u := range e.world.Users {
		if !strings.Contains(out, u.Name) {
			t.Errorf("ls -l users/ does not show %s:\n%s", u.Name, out)
		}
	}
	e.run("ls", e.mnt)
	if got := e.apiCalls() - before; got != 0 {
		t.Errorf("mount + ls users/ made %d API calls, want 0: %v", got, e.requests())
	}
}
