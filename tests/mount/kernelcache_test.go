package mount_test

import (
	"testing"
	"time"

	dfs "github.com/douyinfs/douyinfs/fs"
)

// entry_timeout reaches the kernel as configured: at 0 every stat of a path
// looks its names up again; at the default the kernel answers a second stat
// from its cache.
func TestEntryTimeoutReachesTheKernel(t *testing.T) {
	for _, tc := range []struct {
		name    string
		entry   time.Duration
		lookups bool // does a second stat look up again?
	}{
		{"zero", 0, true},
		{"default", dfs.DefaultConfig().EntryTimeout, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := start(t, setup{tweak: func(c *dfs.Config) { c.EntryTimeout = tc.entry }})
			p := e.path("users", e.world.Users[0].Name, "profile.json")
			e.run("stat", p)
			// Reading stats.json may itself look names up: take that
			// out of the count.
			l0 := e.fsStats(t).Lookups
			l1 := e.fsStats(t).Lookups
			e.run("stat", p)
			l2 := e.fsStats(t).Lookups
			again := (l2 - l1) - (l1 - l0)
			if got := again > 0; got != tc.lookups {
				t.Errorf("entry timeout %v: the second stat made %d lookups", tc.entry, again)
			}
		})
	}
}
