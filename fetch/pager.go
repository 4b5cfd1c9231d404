package fetch

import (
	"context"
	"io"
	"sync"
)

// Page is one page of a cursor list.
type Page[T any] struct {
	Items   []T
	Cursor  string // cursor that fetches the next page
	HasMore bool
	// GuestLimit says Douyin ended the list here because the client is a
	// guest, not because the list ends (the pager stops, StopGuestLimit).
	GuestLimit bool
}

// PageFunc fetches the page that starts at cursor ("" = first page).
type PageFunc[T any] func(ctx context.Context, cursor string) (Page[T], error)

// Pager walks a cursor list page by page: one request per page, never
// more. It stops (Done, then io.EOF) when
//
//   - a page says has_more = 0;
//   - MaxPages pages have been fetched (0 = no cap);
//   - MaxEmptyPages pages in a row came back empty while still claiming
//     has_more (a known Douyin quirk, §3.4, which F2 loops on forever);
//   - the next cursor does not advance (empty, or the one just used), which
//     would fetch the same page again;
//   - a page says Douyin will show a guest no more (Page.GuestLimit).
//
// Empty pages are not handed out: Next keeps going until it has items or
// the list ends. An error leaves the pager where it was, so calling Next
// again retries the same page. A Pager is safe for concurrent use, but its
// pages are meant for one reader.
type Pager[T any] struct {
	fn            PageFunc[T]
	maxEmptyPages int
	maxPages      int

	// fetch serialises Next; mu guards the state, so Cursor and Done
	// answer at once even while a page is being fetched.
	fetch    sync.Mutex
	mu       sync.Mutex
	cursor   string
	done     bool
	stopped  StopReason
	pages    int
	emptyRun int
}

// StopReason says why a pager stopped. Only StopEnd means the list is
// complete; after the others Cursor is where its tail starts.
type StopReason int

const (
	NotStopped     StopReason = iota
	StopEnd                   // has_more = 0
	StopCursorLoop            // the next cursor is empty or the one just used
	StopEmptyPages            // MaxEmptyPages empty pages in a row
	StopMaxPages              // the page cap was reached
	StopGuestLimit            // Douyin shows a guest no more (Page.GuestLimit)
)

// Early reports whether the list may go on past where the pager stopped.
func (r StopReason) Early() bool { return r > StopEnd }

func (r StopReason) String() string {
	switch r {
	case NotStopped:
		return "not stopped"
	case StopEnd:
		return "end of list"
	case StopCursorLoop:
		return "the cursor did not advance"
	case StopEmptyPages:
		return "too many empty pages in a row"
	case StopMaxPages:
		return "page cap reached"
	case StopGuestLimit:
		return "Douyin shows a guest only the first page"
	}
	return "unknown"
}

// NewPager builds a pager over any page function (tests use it for
// stand-ins). maxPages 0 means no cap; maxEmptyPages below 1 counts as 1
// (0 would end every list after its first page).
func NewPager[T any](fn PageFunc[T], maxEmptyPages, maxPages int) *Pager[T] {
	return &Pager[T]{fn: fn, maxEmptyPages: max(maxEmptyPages, 1), maxPages: max(maxPages, 0)}
}

// Next returns the next page's items; io.EOF once the list is exhausted.
func (p *Pager[T]) Next(ctx context.Context) ([]T, error) {
	p.fetch.Lock()
	defer p.fetch.Unlock()
	for {
		p.mu.Lock()
		done, cursor := p.done, p.cursor
		p.mu.Unlock()
		if done {
			return nil, io.EOF
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		page, err := p.fn(ctx, cursor)
		if err != nil {
			return nil, err
		}
		p.advance(cursor, page)
		if len(page.Items) > 0 {
			return page.Items, nil
		}
	}
}

// advance records a fetched page and decides whether the list goes on.
func (p *Pager[T]) advance(cursor string, page Page[T]) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cursor != cursor {
		return // ResumeFrom moved the pager meanwhile; its choice wins
	}
	p.pages++
	if len(page.Items) == 0 {
		p.emptyRun++
	} else {
		p.emptyRun = 0
	}
	switch {
	case page.GuestLimit:
		p.done, p.stopped = true, StopGuestLimit
	case !page.HasMore:
		p.done, p.stopped = true, StopEnd
	case !advances(cursor, page.Cursor):
		// The same page again would loop now; asked again later, Douyin
		// may answer right, so the cursor stays for a resume.
		p.done, p.stopped = true, StopCursorLoop
	case p.maxPages > 0 && p.pages >= p.maxPages:
		p.done, p.stopped, p.cursor = true, StopMaxPages, page.Cursor // resumable from here
	case p.emptyRun >= p.maxEmptyPages:
		p.done, p.stopped, p.cursor = true, StopEmptyPages, page.Cursor
	default:
		p.cursor = page.Cursor
	}
}

// advances reports whether next is a usable cursor after cur.
func advances(cur, next string) bool {
	if next == "" || next == cur {
		return false
	}
	// "" asks for the first page, which Douyin knows as cursor 0.
	return !(cur == "" && next == "0")
}

// Done reports whether the list is exhausted.
func (p *Pager[T]) Done() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done
}

// Stopped says why the pager stopped; NotStopped while it goes on.
func (p *Pager[T]) Stopped() StopReason {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stopped
}

// Cursor is the cursor of the next page to fetch; save it to resume later.
func (p *Pager[T]) Cursor() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cursor
}

// ResumeFrom makes the next Next fetch the page at cursor ("" = the top),
// and forgets that the pager had stopped. The page cap counts afresh.
func (p *Pager[T]) ResumeFrom(cursor string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cursor, p.done, p.stopped, p.pages, p.emptyRun = cursor, false, NotStopped, 0, 0
}

// Refresh walks a list from the top until it meets an item whose id is known,
// returning the new items (newest first).
//
// Pinned posts (Post.IsTop) are listed first whatever their age, so they
// never mark the boundary: a known pinned post is skipped, an unknown one
// is returned. The pager is rewound to the top first and left where the
// walk stopped.
func Refresh[T any](ctx context.Context, p *Pager[T], id func(T) string, known func(string) bool) ([]T, error) {
	p.ResumeFrom("")
	var fresh []T
	for {
		items, err := p.Next(ctx)
		if err == io.EOF {
			return fresh, nil
		}
		if err != nil {
			return fresh, err
		}
		for _, it := range items {
			if known(id(it)) {
				if pinned(it) {
					continue
				}
				return fresh, nil
			}
			fresh = append(fresh, it)
		}
	}
}

func pinned(it any) bool {
	switch v := it.(type) {
	case Post:
		return v.IsTop
	case *Post:
		return v != nil && v.IsTop
	}
	return false
}
