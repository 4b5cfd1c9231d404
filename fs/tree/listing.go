package tree

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/douyinfs/douyinfs/fetch"
)

// listing is one cached cursor list (a user's posts, a mix's episodes, the
// favourite folders, ...) as a directory sees it: entries in Douyin's order,
// each with its file name, filled page by page only as far as someone reads.
//
// Reading is lock-cheap (lookups and READDIRPLUS are answered from memory);
// network work is serialized by fetchMu so one page is fetched once however
// many readers wait for it.
type listing[T any] struct {
	what  string                        // for logs: "posts of alice"
	open  func() *fetch.Pager[T]        // a pager from the top of the list
	id    func(*T) string               // Douyin id of an item
	name  func(*T, *uniqueNamer) string // entry name of an item
	keep  func(*T) bool                 // items to show (e.g. playable posts)
	order listOrder
	ttl   time.Duration
	t     *Tree

	fetchMu sync.Mutex // held while talking to Douyin for this list

	mu       sync.Mutex
	entries  []listEntry[T]
	byName   map[string]int
	byID     map[string]int
	seen     map[string]bool // every id met, shown or not: where a refresh stops
	names    uniqueNamer
	pager    *fetch.Pager[T]
	complete bool
	private  bool
	// early is why the pager stopped before the end of the list (a
	// repeated cursor, too many empty pages): the listing is served as it
	// is, and the next refresh fetches its tail from the pager's cursor.
	early fetch.StopReason
	// guestOnly: Douyin showed this guest only the list's first page
	// (fetch.StopGuestLimit). Served as it is and not asked again: the
	// rest needs a login cookie.
	guestOnly bool
	// hidden counts the items Douyin lists but marks deleted or
	// prohibited (hider): they are left out, once per id.
	hidden  int
	fetched time.Time // when the top of the list was last confirmed
	shift   int       // entries prepended by refreshes; open handles adjust by it
	// changes counts every change of the entries (a page appended, a
	// refresh prepending, a reset): a directory whose entries the kernel
	// cached at one count may keep them while the count holds. moves
	// counts the changes that move entries to other offsets (prepends and
	// resets).
	changes, moves uint64
}

type listEntry[T any] struct {
	name string
	item T
}

type listOrder int

const (
	// newestFirst lists (posts, likes, favourites) gain items at the top:
	// a refresh walks from the top until it meets a known item.
	newestFirst listOrder = iota
	// snapshot lists (the home feed) are replaced as a whole when stale.
	snapshot
)

func newListing[T any](t *Tree, what string, order listOrder, ttl time.Duration, open func() *fetch.Pager[T],
	id func(*T) string, name func(*T, *uniqueNamer) string, keep func(*T) bool) *listing[T] {
	l := &listing[T]{what: what, open: open, id: id, name: name, keep: keep, order: order, ttl: ttl, t: t}
	l.resetLocked()
	return l
}

func (l *listing[T]) resetLocked() {
	l.changes++
	l.moves++
	l.entries = nil
	l.byName = map[string]int{}
	l.byID = map[string]int{}
	l.seen = map[string]bool{}
	l.names = uniqueNamer{}
	l.pager = nil
	l.complete = false
	l.private = false
	l.early = fetch.NotStopped
	l.guestOnly = false
	l.hidden = 0
	l.fetched = time.Time{}
}

// hider is an item Douyin may list but not show (fetch.Post: deleted or
// prohibited posts inside lists).
type hider interface{ Hidden() bool }

// shownLocked reports whether a newly seen item gets an entry: not hidden
// (counted instead) and kept.
func (l *listing[T]) shownLocked(it *T) bool {
	if h, ok := any(it).(hider); ok && h.Hidden() {
		l.hidden++
		return false
	}
	return l.keep == nil || l.keep(it)
}

// begin is called when a directory is opened: a listing older than its TTL
// is refreshed first. A failed refresh keeps the last good listing. It
// returns the shift the opener's offsets are relative to.
func (l *listing[T]) begin(ctx context.Context) int {
	l.mu.Lock()
	stale := !l.fetched.IsZero() && l.t.now().Sub(l.fetched) > l.ttl
	shift := l.shift
	l.mu.Unlock()
	if !stale || l.t.refusing() {
		// Fresh, or Douyin refuses requests now: serve what is cached at
		// once; the refresh is tried at the next open.
		return shift
	}
	l.fetchMu.Lock()
	defer l.fetchMu.Unlock()
	l.mu.Lock()
	stale = !l.fetched.IsZero() && l.t.now().Sub(l.fetched) > l.ttl
	l.mu.Unlock()
	if stale {
		l.refresh(ctx)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.shift
}

// refresh brings a stale listing up to date; fetchMu is held.
func (l *listing[T]) refresh(ctx context.Context) {
	ctx, cancel := l.t.APIContext(ctx)
	defer cancel()
	// With something to serve, a refresh does not wait out Douyin's
	// refusals (fetch's circuit).
	ctx = fetch.NoRiskWait(ctx)
	l.mu.Lock()
	if l.early != fetch.NotStopped && l.pager != nil {
		// Fetch the tail again, from where the list stopped, as it is read.
		l.pager.ResumeFrom(l.pager.Cursor())
		l.complete = false
		l.changes++ // the kernel's copy ends where the list stopped
	}
	l.mu.Unlock()
	var err error
	switch l.order {
	case newestFirst:
		err = l.refreshTop(ctx)
	case snapshot:
		err = l.refreshAll(ctx)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil && !isPrivate(err) {
		// Serve the last good listing; try again after a tenth of the TTL
		// rather than making every opendir wait for a dead network.
		l.fetched = l.t.now().Add(-l.ttl + l.ttl/10)
		l.t.countError()
		l.t.log.Warn("refreshing a listing failed; serving the last good one", "list", l.what, "err", err)
		return
	}
	l.fetched = l.t.now()
}

func (l *listing[T]) refreshTop(ctx context.Context) error {
	p := l.open()
	if p == nil {
		return errNoPager
	}
	fresh, err := fetch.Refresh(ctx, p, func(it T) string { return l.id(&it) }, func(id string) bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.seen[id]
	})
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var add []listEntry[T]
	for i := range fresh {
		it := &fresh[i]
		id := l.id(it)
		if l.seen[id] {
			continue
		}
		l.seen[id] = true
		if !l.shownLocked(it) {
			continue
		}
		add = append(add, listEntry[T]{name: l.name(it, &l.names), item: *it})
	}
	if len(add) == 0 {
		return nil
	}
	l.entries = append(add, l.entries...)
	l.shift += len(add)
	l.changes++
	l.moves++
	l.reindexLocked()
	return nil
}

func (l *listing[T]) refreshAll(ctx context.Context) error {
	p := l.open()
	if p == nil {
		return errNoPager
	}
	items, err := p.Next(ctx)
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	old := len(l.entries)
	l.resetLocked()
	l.shift += old // offsets of open handles are meaningless now; push them past the end
	l.pager = p
	l.appendLocked(items, err != nil || p.Done())
	l.noteStopLocked(p)
	return nil
}

var errNoPager = errors.New("fs: the API gave no pager for this list")

// at returns entry i, fetching further pages only when i is past what is
// known. ok is false when the list has fewer entries.
func (l *listing[T]) at(ctx context.Context, i int) (e listEntry[T], ok bool, err error) {
	for {
		l.mu.Lock()
		if i < len(l.entries) {
			e = l.entries[i]
			l.mu.Unlock()
			return e, true, nil
		}
		done := l.complete
		l.mu.Unlock()
		if done {
			return e, false, nil
		}
		if err := l.fetchMore(ctx, func() bool { return i < len(l.entries) }); err != nil {
			return e, false, err
		}
	}
}

// lookup finds an entry by name in memory.
func (l *listing[T]) lookup(name string) (listEntry[T], bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	i, ok := l.byName[name]
	if !ok {
		return listEntry[T]{}, false
	}
	return l.entries[i], true
}

// lookupID finds an entry by Douyin id in memory.
func (l *listing[T]) lookupID(id string) (listEntry[T], bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	i, ok := l.byID[id]
	if !ok {
		return listEntry[T]{}, false
	}
	return l.entries[i], true
}

// search pages through the list until name is known; for lists whose names
// carry no id (mixes, folders), which are short.
func (l *listing[T]) search(ctx context.Context, name string) (listEntry[T], bool, error) {
	for {
		if e, ok := l.lookup(name); ok {
			return e, true, nil
		}
		l.mu.Lock()
		done := l.complete
		l.mu.Unlock()
		if done {
			return listEntry[T]{}, false, nil
		}
		if err := l.fetchMore(ctx, func() bool { _, ok := l.byName[name]; return ok }); err != nil {
			return listEntry[T]{}, false, err
		}
	}
}

// fetchMore fetches the next page unless, once it holds fetchMu, satisfied
// (checked under mu) says another reader already fetched what is needed.
func (l *listing[T]) fetchMore(ctx context.Context, satisfied func() bool) error {
	l.fetchMu.Lock()
	defer l.fetchMu.Unlock()
	l.mu.Lock()
	if satisfied() || l.complete {
		l.mu.Unlock()
		return nil
	}
	if l.pager == nil {
		l.pager = l.open()
	}
	p := l.pager
	l.mu.Unlock()
	if p == nil {
		return errNoPager
	}

	ctx, cancel := l.t.APIContext(ctx)
	defer cancel()
	items, err := p.Next(ctx)
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case err == nil:
		l.appendLocked(items, p.Done())
		l.noteStopLocked(p)
	case errors.Is(err, io.EOF):
		l.appendLocked(items, true)
		l.noteStopLocked(p)
	case isPrivate(err):
		// A private list is shown empty: that is what the user chose.
		l.private = true
		l.appendLocked(nil, true)
	default:
		return fmt.Errorf("listing %s: %w", l.what, err)
	}
	return nil
}

func (l *listing[T]) appendLocked(items []T, done bool) {
	l.changes++
	if l.fetched.IsZero() {
		l.fetched = l.t.now()
	}
	for i := range items {
		it := &items[i]
		id := l.id(it)
		if l.seen[id] {
			continue // lists shift while paged; never show an item twice
		}
		l.seen[id] = true
		if !l.shownLocked(it) {
			continue
		}
		name := l.name(it, &l.names)
		l.byName[name] = len(l.entries)
		l.byID[id] = len(l.entries)
		l.entries = append(l.entries, listEntry[T]{name: name, item: *it})
	}
	l.complete = l.complete || done
}

// noteStopLocked records why a pager that is done stopped. A stop before
// the end is said once per stop; the page cap is the user's choice, so it
// leaves the listing complete.
func (l *listing[T]) noteStopLocked(p *fetch.Pager[T]) {
	if !p.Done() {
		return
	}
	r := p.Stopped()
	if r == fetch.StopGuestLimit {
		l.early = fetch.NotStopped
		if !l.guestOnly {
			l.guestOnly = true
			l.t.log.Warn(fmt.Sprintf("listing of %s shows only its first page (%d entries): %s; a login cookie (account.cookie_file) shows the rest",
				l.what, len(l.entries), r), "list", l.what)
		}
		return
	}
	if !r.Early() || r == fetch.StopMaxPages {
		l.early = fetch.NotStopped
		return
	}
	l.early = r
	l.t.log.Warn(fmt.Sprintf("listing of %s stopped early after %d entries: %s; its tail will be fetched again at the next refresh",
		l.what, len(l.entries), r), "list", l.what, "cursor", p.Cursor())
}

// incomplete reports whether the listing stopped before the end of its list
// and its tail has not been fetched since.
func (l *listing[T]) incomplete() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.early != fetch.NotStopped
}

// guestLimited reports whether Douyin showed this guest only the list's
// first page.
func (l *listing[T]) guestLimited() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.guestOnly
}

// hiddenItems is how many listed items were left out as deleted or
// prohibited.
func (l *listing[T]) hiddenItems() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.hidden
}

func (l *listing[T]) reindexLocked() {
	l.byName = make(map[string]int, len(l.entries))
	l.byID = make(map[string]int, len(l.entries))
	for i := range l.entries {
		l.byName[l.entries[i].name] = i
		l.byID[l.id(&l.entries[i].item)] = i
	}
}

// currentShift is the number of entries prepended so far.
// openState is what a directory handle opened now sees: the shift its
// offsets are relative to and the count of moves so far.
func (l *listing[T]) openState() (shift int, moves uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.shift, l.moves
}

// cacheVersion is the count of changes now, and whether every entry is
// still where a handle opened after the given count of moves put it (only
// appends since).
func (l *listing[T]) cacheVersion(moves uint64) (uint64, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.changes, l.moves == moves
}

func (l *listing[T]) currentShift() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.shift
}

// forget drops everything (DropCaches); the next read starts from the top.
func (l *listing[T]) forget() {
	l.fetchMu.Lock()
	defer l.fetchMu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	old := len(l.entries)
	l.resetLocked()
	l.shift += old
}

// GuestLimitedListings names the cached listings Douyin showed only their
// first page because douyinfs has no login cookie, sorted; for stats.json
// and .douyinfs/status.txt.
func (t *Tree) GuestLimitedListings() []string {
	t.listsMu.Lock()
	defer t.listsMu.Unlock()
	var out []string
	for _, l := range t.lists {
		if l, ok := l.(interface {
			guestLimited() bool
			title() string
		}); ok && l.guestLimited() {
			out = append(out, l.title())
		}
	}
	slices.Sort(out)
	return out
}

// title is what the listing shows, for status lines ("posts of alice").
func (l *listing[T]) title() string { return l.what }

// HiddenPosts is how many posts the cached listings left out because
// Douyin lists them marked deleted or prohibited, for stats.json.
func (t *Tree) HiddenPosts() int {
	t.listsMu.Lock()
	defer t.listsMu.Unlock()
	n := 0
	for _, l := range t.lists {
		if l, ok := l.(interface{ hiddenItems() int }); ok {
			n += l.hiddenItems()
		}
	}
	return n
}
