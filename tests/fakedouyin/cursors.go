package fakedouyin

import (
	"hash/fnv"
	"strconv"
	"sync"
)

// Knobs that make a posts or likes list stop short in a pager that guards
// against loops (spec §3.4): EmptyPageRun and RepeatCursorRate.

// emptyRun reports whether the page at cursor is one of the list's run of
// EmptyPageRun empty has_more=1 pages, and the cursor it points to. The
// run stands before the page holding one item chosen per list (never the
// first page); each empty page points one millisecond earlier, which
// selects the same items (list times are whole seconds), so the run is
// the same on every walk and a pager resumed inside it gets through.
func (s *Server) emptyRun(key string, n int, cursor int64, start, end, run int) (int64, bool) {
	if run <= 0 || start == 0 || n < 3 {
		return 0, false
	}
	run = min(run, 999)
	h := fnv.New64a()
	h.Write([]byte(key + "|run|" + strconv.FormatInt(s.world.keySeed(), 10)))
	k := n/3 + int(h.Sum64()%uint64(n/3+1))
	if k < start || k >= end {
		return 0, false
	}
	j := int((1000 - cursor%1000) % 1000) // empty pages already served
	if j >= run {
		return 0, false
	}
	return cursor - 1, true
}

// repeatCursor reports whether the page at cursor answers with the cursor
// it was asked for: a RepeatCursorRate share of the pages after the first,
// chosen per list and cursor, and each only the first time it is asked
// (asked again, the page answers right).
func (s *Server) repeatCursor(key string, cursor int64, rate float64) bool {
	if rate <= 0 || cursor == 0 {
		return false
	}
	h := fnv.New64a()
	h.Write([]byte(key + "|repeat|" + strconv.FormatInt(cursor, 10) + "|" + strconv.FormatInt(s.world.keySeed(), 10)))
	if float64(h.Sum64()%10000) >= rate*10000 {
		return false
	}
	return s.repeated.first(key + "|" + strconv.FormatInt(cursor, 10))
}

// onceSet remembers keys; first is true the first time a key is given.
type onceSet struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (o *onceSet) first(k string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.seen[k] {
		return false
	}
	if o.seen == nil {
		o.seen = map[string]bool{}
	}
	o.seen[k] = true
	return true
}
