package tree

import (
	"context"
	"strings"
	"syscall"
	"time"

	"github.com/douyinfs/douyinfs/fetch"
)

// Posts is a folder of posts read page by page from a cursor list: a
// user's posts or likes, a mix's episodes, favourites, a favourite folder,
// the home feed. A new list of posts is one postsFolder call with its pager.
type Posts struct {
	folderMeta
	t       *Tree
	key     string
	listKey string // where the listing is kept; folders showing one list share it
	what    string
	order   listOrder
	ttl     time.Duration
	open    func() *fetch.Pager[fetch.Post]
	// belongs says whether a post found by id (a name not listed yet)
	// belongs in this folder. nil accepts any: whether a user liked or
	// collected a post cannot be asked for one post, only by paging.
	belongs func(*fetch.Post) bool
}

// postsFolder: mtime is the folder's time (a mix's update time), 0 the
// mount time.
func (t *Tree) postsFolder(key, listKey, what string, mtime int64, order listOrder, ttl time.Duration,
	open func() *fetch.Pager[fetch.Post], belongs func(*fetch.Post) bool) *Posts {
	return &Posts{folderMeta: folderMeta{mtime: mtime}, t: t, key: key, listKey: listKey, what: what,
		order: order, ttl: ttl, open: open, belongs: belongs}
}

func (d *Posts) list() *listing[fetch.Post] {
	t := d.t
	return getListing(t, d.listKey, func() *listing[fetch.Post] {
		return newListing(t, d.what, d.order, d.ttl, d.open,
			func(p *fetch.Post) string { return p.ID },
			func(p *fetch.Post, _ *uniqueNamer) string { return t.names.postBase(p) },
			playable)
	})
}

func (d *Posts) Open(ctx context.Context) (Stream, syscall.Errno) {
	l := d.list()
	l.begin(ctx)
	shift, moves := l.openState()
	return &postsStream{d: d, l: l, shift: shift, moves: moves}, 0
}

// postsStream streams a post list. A post shows up to four entries (the
// media and the sidecars), so offset = 4*position + entry.
type postsStream struct {
	d     *Posts
	l     *listing[fetch.Post]
	shift int    // the listing's shift when the directory was opened
	moves uint64 // and its count of moves
}

const entriesPerPost = 4

func (s *postsStream) Version() (uint64, bool) { return s.l.cacheVersion(s.moves) }

func (s *postsStream) Next(ctx context.Context, off uint64) (Entry, uint64, bool, syscall.Errno) {
	idx, sub := int(off/entriesPerPost), int(off%entriesPerPost)
	// Posts prepended by a refresh since opendir move everything down.
	delta := s.l.currentShift() - s.shift
	for {
		e, ok, err := s.l.at(ctx, idx+delta)
		if err != nil {
			return Entry{}, off, false, s.d.t.Fail("readdir", s.d.what, err)
		}
		if !ok {
			return Entry{}, off, false, 0
		}
		ents := s.d.t.postEntries(s.d.key, e.name, &e.item)
		if sub < len(ents) {
			return ents[sub], uint64(idx*entriesPerPost + sub + 1), true, 0
		}
		idx, sub = idx+1, 0
	}
}

// splitPostName lists the ways name could be one of a post's entries.
func splitPostName(name string) []struct {
	base string
	kind postKind
} {
	type c = struct {
		base string
		kind postKind
	}
	out := []c{{name, kindImages}}
	for _, s := range []struct {
		suffix string
		kind   postKind
	}{{suffixVideo, kindVideo}, {suffixCover, kindCover}, {suffixJSON, kindMeta}} {
		if base, ok := strings.CutSuffix(name, s.suffix); ok && base != "" {
			out = append(out, c{base, s.kind})
		}
	}
	return out
}

func (d *Posts) Lookup(ctx context.Context, name string) (Child, syscall.Errno) {
	t := d.t
	l := d.list()
	cands := splitPostName(name)
	// Listed already: answered from memory (READDIRPLUS, ls -l, find).
	for _, c := range cands {
		if e, ok := l.lookup(c.base); ok {
			return d.postChild(name, &e.item, c.kind)
		}
	}
	// Not listed yet: the id is in the name, so ask for that one post
	// instead of paging the whole list.
	for _, c := range cands {
		for _, id := range idCandidates(c.base) {
			if _, listed := l.lookupID(id); listed {
				return Child{}, syscall.ENOENT // listed under another name
			}
			p, err := t.post(ctx, id)
			if err != nil {
				if Errno(err) == syscall.ENOENT {
					continue
				}
				return Child{}, t.Fail("lookup", d.what+"/"+name, err)
			}
			if t.names.postBase(p) != c.base || (d.belongs != nil && !d.belongs(p)) {
				continue
			}
			return d.postChild(name, p, c.kind)
		}
	}
	return Child{}, syscall.ENOENT
}

func (d *Posts) postChild(name string, p *fetch.Post, kind postKind) (Child, syscall.Errno) {
	base := d.t.names.postBase(p)
	for _, e := range d.t.postEntries(d.key, base, p) {
		if e.Name != name {
			continue
		}
		if n := d.t.postNode(e, p, kind); n != nil {
			return Child{Entry: e, Node: n}, 0
		}
	}
	return Child{}, syscall.ENOENT
}

// Paged is a folder read page by page from a cursor list that shows one
// folder per item (a user's mixes, the favourite folders). Their names
// carry no id, so a lookup pages through the (short) list.
type Paged[T any] struct {
	folderMeta
	t     *Tree
	what  string // for logs: "mixes of alice"
	where string // for logs of lookups: where names are looked up
	list  func() *listing[T]
	// child is what an item shows: its entry and folder.
	child func(*listEntry[T]) Child
}

func (d *Paged[T]) Open(ctx context.Context) (Stream, syscall.Errno) {
	l := d.list()
	l.begin(ctx)
	shift, moves := l.openState()
	return &pagedStream[T]{d: d, l: l, shift: shift, moves: moves}, 0
}

func (d *Paged[T]) Lookup(ctx context.Context, name string) (Child, syscall.Errno) {
	e, ok, err := d.list().search(ctx, name)
	if err != nil {
		return Child{}, d.t.Fail("lookup", d.where+"/"+name, err)
	}
	if !ok {
		return Child{}, syscall.ENOENT
	}
	return d.child(&e), 0
}

// pagedStream streams a list that shows one entry per item.
type pagedStream[T any] struct {
	d     *Paged[T]
	l     *listing[T]
	shift int
	moves uint64
}

func (s *pagedStream[T]) Version() (uint64, bool) { return s.l.cacheVersion(s.moves) }

func (s *pagedStream[T]) Next(ctx context.Context, off uint64) (Entry, uint64, bool, syscall.Errno) {
	i := int(off) + s.l.currentShift() - s.shift
	e, ok, err := s.l.at(ctx, i)
	if err != nil {
		return Entry{}, off, false, s.d.t.Fail("readdir", s.d.what, err)
	}
	if !ok {
		return Entry{}, off, false, 0
	}
	return s.d.child(&e).Entry, off + 1, true, 0
}
