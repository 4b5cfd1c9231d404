package media

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"golang.org/x/sync/singleflight"
)

// itemState is what the reader knows about one media key, shared by every
// handle and Size call for it: the size the listing gave and the one the
// CDN told, the current mirror list (replaced by Refresh), which mirror
// worked last, and where redirects led.
type itemState struct {
	key string

	mu sync.Mutex
	// size is the CDN's (Content-Range total, or the length of a 200),
	// once an answer told it. Only it bounds fetches: data_size is not
	// trusted for that (spec §11 open fact 4; the real CDN's length differs
	// now and then), since a block cut at a wrong end would stay cached.
	size      int64
	sizeKnown bool
	listed    int64    // data_size, 0 when the listing gave none
	urls      []string // current mirrors
	passed    []string // the list the caller last gave, to notice fresh ones
	gen       uint64   // bumped whenever urls change
	preferred int      // index of the mirror that worked last
	hops      map[string]string
	refresh   func(ctx context.Context) ([]string, error)
	users     int // Size calls and handles using the state now
	warned    bool

	flight singleflight.Group // Refresh calls, keyed by generation
}

// maxStates bounds the per-key table; unused entries are dropped past
// it (a dropped size is learned again on the next read).
const maxStates = 1 << 16

// state returns the shared state of m, updated with what m says, and marks
// it in use (unuse when done).
func (r *Reader) state(m *Item) (*itemState, error) {
	if m == nil {
		return nil, errors.New("media: nil item")
	}
	key := m.Key
	if key == "" && len(m.URLs) > 0 {
		key = "url:" + m.URLs[0]
	}
	if key == "" {
		return nil, errors.New("media: item without key or URLs")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, errReaderClosed
	}
	st := r.states[key]
	if st == nil {
		if len(r.states) >= maxStates {
			for k, s := range r.states {
				s.mu.Lock()
				idle := s.users == 0
				s.mu.Unlock()
				if idle {
					delete(r.states, k)
				}
				if len(r.states) < maxStates/2 {
					break
				}
			}
		}
		// A new media starts with the mirror that worked last for its
		// family (mirrorFamily), never one learned on another kind or
		// format of media.
		st = &itemState{key: key, preferred: r.lastMirror.get(mirrorFamily(m.URLs))}
		r.states[key] = st
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.users++
	if m.Size > 0 {
		st.listed = m.Size
	}
	// A list that differs from the one the caller gave before is fresher
	// than ours (a new listing); the same list again is not (ours may have
	// been refreshed since).
	if len(m.URLs) > 0 && !slices.Equal(m.URLs, st.passed) {
		st.passed = slices.Clone(m.URLs)
		st.urls = slices.Clone(m.URLs)
		st.gen++
		st.hops = nil
	}
	if st.preferred >= len(st.urls) {
		st.preferred = 0
	}
	if m.Refresh != nil {
		st.refresh = m.Refresh
	}
	return st, nil
}

func (r *Reader) unuse(st *itemState) {
	st.mu.Lock()
	st.users--
	st.mu.Unlock()
}

// knownSize is the CDN's size, once an answer told it.
func (st *itemState) knownSize() (int64, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.size, st.sizeKnown
}

// bestSize is the CDN's size when known, else data_size (0: neither).
func (st *itemState) bestSize() int64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.sizeKnown {
		return st.size
	}
	return st.listed
}

// learnedSize records the size a response reported. The CDN is the
// authority: when it disagrees with data_size, reads follow the CDN (and
// log says so once, at debug level: it is common and handled).
func (st *itemState) learnedSize(n int64, log func(msg string, args ...any)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.listed > 0 && st.listed != n && !st.warned {
		st.warned = true
		log("media size differs from the listing's data_size; using the CDN's", "media", st.key, "listed", st.listed, "cdn", n)
	}
	st.size, st.sizeKnown = n, true
}

// mirrors is a snapshot of the mirror list.
func (st *itemState) mirrors() (urls []string, gen uint64, preferred int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.urls, st.gen, st.preferred
}

func (r *Reader) worked(st *itemState, i int, gen uint64) {
	st.mu.Lock()
	current := st.gen == gen
	var urls []string
	if current {
		st.preferred = i
		urls = st.urls
	}
	st.mu.Unlock()
	if current { // an index into an older list means nothing for a family
		r.lastMirror.set(mirrorFamily(urls), i)
	}
}

// hop is where mirror redirected to last time, or mirror itself.
func (st *itemState) hop(mirror string) string {
	st.mu.Lock()
	defer st.mu.Unlock()
	if t, ok := st.hops[mirror]; ok {
		return t
	}
	return mirror
}

func (st *itemState) setHop(mirror, target string, gen uint64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.gen != gen {
		return
	}
	if target == mirror {
		delete(st.hops, mirror)
		return
	}
	if st.hops == nil {
		st.hops = make(map[string]string)
	}
	st.hops[mirror] = target
}

func (st *itemState) canRefresh() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.refresh != nil
}

var errNoRefresh = errors.New("no way to refresh the media URLs")

// refreshURLs replaces the mirror list through Item.Refresh, once for all
// the fetches that found generation seen expired together: they share one
// call (one flight per generation), each waiting as long as its own ctx
// allows. done is told how the call went, by the fetch that made it.
func (st *itemState) refreshURLs(ctx context.Context, seen uint64, done func(err error)) error {
	st.mu.Lock()
	current, fn := st.gen == seen, st.refresh
	st.mu.Unlock()
	if !current {
		return nil // someone already did
	}
	if fn == nil {
		return errNoRefresh
	}
	ch := st.flight.DoChan(strconv.FormatUint(seen, 10), func() (any, error) {
		st.mu.Lock()
		current := st.gen == seen
		st.mu.Unlock()
		if !current {
			return nil, nil // a flight that ended just now did
		}
		err := st.replaceURLs(fn(ctx))
		done(err)
		return nil, err
	})
	select {
	case res := <-ch:
		return res.Err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// replaceURLs installs what Refresh returned.
func (st *itemState) replaceURLs(urls []string, err error) error {
	if err == nil && len(urls) == 0 {
		err = errors.New("refresh returned no URLs")
	}
	if err != nil {
		return fmt.Errorf("refreshing media URLs: %w", err)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.urls = slices.Clone(urls)
	st.gen++
	st.hops = nil
	if st.preferred >= len(st.urls) {
		st.preferred = 0
	}
	return nil
}
