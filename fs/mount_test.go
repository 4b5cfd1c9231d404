package fs

import (
	"testing"
	"time"
)

// Zero kernel cache timeouts reach go-fuse as zero (no caching: every
// path step is a LOOKUP), not as a default.
func TestMountOptionsZeroTimeoutsStayZero(t *testing.T) {
	cfg := DefaultConfig()
	cfg.EntryTimeout, cfg.AttrTimeout, cfg.NegativeTimeout = 0, 0, 0
	o := mountOptions(cfg)
	for name, got := range map[string]*time.Duration{"entry": o.EntryTimeout, "attr": o.AttrTimeout, "negative": o.NegativeTimeout} {
		if got == nil || *got != 0 {
			t.Errorf("%s timeout %v, want 0", name, got)
		}
	}
	d := DefaultConfig()
	o = mountOptions(d)
	if *o.EntryTimeout != d.EntryTimeout || *o.AttrTimeout != d.AttrTimeout || *o.NegativeTimeout != d.NegativeTimeout || o.MaxWrite != d.MaxRead {
		t.Errorf("defaults: entry %v attr %v negative %v max write %d", *o.EntryTimeout, *o.AttrTimeout, *o.NegativeTimeout, o.MaxWrite)
	}
}
