package fetch

import (
	"context"
	"errors"
	"io"
	"slices"
	"strconv"
	"testing"
)

// scripted is a stand-in list: pages[cursor] answers the request at cursor.
type scripted struct {
	pages map[string]Page[int]
	calls []string
	fail  map[string]error
}

func (s *scripted) fn(_ context.Context, cursor string) (Page[int], error) {
	s.calls = append(s.calls, cursor)
	if err := s.fail[cursor]; err != nil {
		delete(s.fail, cursor) // fails once
		return Page[int]{}, err
	}
	p, ok := s.pages[cursor]
	if !ok {
		return Page[int]{}, errors.New("unexpected cursor " + cursor)
	}
	return p, nil
}

func walk(t *testing.T, p *Pager[int]) []int {
	t.Helper()
	var out []int
	for i := 0; i < 100; i++ {
		items, err := p.Next(context.Background())
		if err == io.EOF {
			if !p.Done() {
				t.Error("EOF but not Done")
			}
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(items) == 0 {
			t.Fatal("Next handed out an empty page")
		}
		out = append(out, items...)
	}
	t.Fatal("pager did not stop")
	return nil
}

func TestPagerStops(t *testing.T) {
	for _, tc := range []struct {
		name     string
		pages    map[string]Page[int]
		maxEmpty int
		maxPages int
		want     []int
		calls    []string
	}{
		{"has_more 0", map[string]Page[int]{
			"":   {Items: []int{1, 2}, Cursor: "c1", HasMore: true},
			"c1": {Items: []int{3}, Cursor: "c2", HasMore: false},
		}, 3, 0, []int{1, 2, 3}, []string{"", "c1"}},
		{"empty last page", map[string]Page[int]{
			"":   {Items: []int{1}, Cursor: "c1", HasMore: true},
			"c1": {Cursor: "c1", HasMore: false},
		}, 3, 0, []int{1}, []string{"", "c1"}},
		{"empty pages with has_more are skipped", map[string]Page[int]{
			"":   {Items: []int{1}, Cursor: "c1", HasMore: true},
			"c1": {Cursor: "c2", HasMore: true},
			"c2": {Cursor: "c3", HasMore: true},
			"c3": {Items: []int{2}, Cursor: "c4", HasMore: false},
		}, 3, 0, []int{1, 2}, []string{"", "c1", "c2", "c3"}},
		{"too many empty pages", map[string]Page[int]{
			"":   {Items: []int{1}, Cursor: "c1", HasMore: true},
			"c1": {Cursor: "c2", HasMore: true},
			"c2": {Cursor: "c3", HasMore: true},
			"c3": {Cursor: "c4", HasMore: true},
		}, 3, 0, []int{1}, []string{"", "c1", "c2", "c3"}},
		{"cursor does not advance", map[string]Page[int]{
			"":   {Items: []int{1}, Cursor: "c1", HasMore: true},
			"c1": {Items: []int{2}, Cursor: "c1", HasMore: true},
		}, 3, 0, []int{1, 2}, []string{"", "c1"}},
		{"first page says cursor 0", map[string]Page[int]{
			"": {Items: []int{1}, Cursor: "0", HasMore: true},
		}, 3, 0, []int{1}, []string{""}},
		{"no cursor", map[string]Page[int]{
			"": {Items: []int{1}, HasMore: true},
		}, 3, 0, []int{1}, []string{""}},
		{"max pages", map[string]Page[int]{
			"":   {Items: []int{1}, Cursor: "c1", HasMore: true},
			"c1": {Items: []int{2}, Cursor: "c2", HasMore: true},
		}, 3, 2, []int{1, 2}, []string{"", "c1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &scripted{pages: tc.pages}
			got := walk(t, NewPager(s.fn, tc.maxEmpty, tc.maxPages))
			if !slices.Equal(got, tc.want) || !slices.Equal(s.calls, tc.calls) {
				t.Errorf("items %v calls %q, want %v %q", got, s.calls, tc.want, tc.calls)
			}
		})
	}
}

func TestPagerErrorsAndResume(t *testing.T) {
	s := &scripted{
		pages: map[string]Page[int]{
			"":   {Items: []int{1}, Cursor: "c1", HasMore: true},
			"c1": {Items: []int{2}, Cursor: "c2", HasMore: true},
			"c2": {Items: []int{3}, Cursor: "c3", HasMore: false},
		},
		fail: map[string]error{"c1": ErrRateLimited},
	}
	p := NewPager(s.fn, 3, 0)
	ctx := context.Background()
	if items, err := p.Next(ctx); err != nil || !slices.Equal(items, []int{1}) {
		t.Fatal(items, err)
	}
	if p.Cursor() != "c1" {
		t.Errorf("Cursor() = %q", p.Cursor())
	}
	if _, err := p.Next(ctx); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("want the page error, got %v", err)
	}
	if p.Cursor() != "c1" || p.Done() {
		t.Error("an error moved the pager")
	}
	if items, err := p.Next(ctx); err != nil || !slices.Equal(items, []int{2}) {
		t.Fatalf("retry of the same page: %v %v", items, err)
	}
	// A saved cursor resumes in a fresh pager.
	saved := p.Cursor()
	q := NewPager(s.fn, 3, 0)
	q.ResumeFrom(saved)
	if got := walk(t, q); !slices.Equal(got, []int{3}) {
		t.Errorf("resumed: %v", got)
	}
	// ResumeFrom after the end starts again.
	q.ResumeFrom("")
	if got := walk(t, q); !slices.Equal(got, []int{1, 2, 3}) {
		t.Errorf("rewound: %v", got)
	}
	// A cancelled context stops before asking.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	n := len(s.calls)
	if _, err := NewPager(s.fn, 3, 0).Next(cctx); !errors.Is(err, context.Canceled) || len(s.calls) != n {
		t.Errorf("cancelled: %v, %d calls", err, len(s.calls)-n)
	}
}

func TestRefresh(t *testing.T) {
	post := func(id int, top bool) Post { return Post{ID: strconv.Itoa(id), IsTop: top} }
	pages := map[string]Page[Post]{
		// Two pinned posts (one known, one not), then new posts, then known ones.
		"":  {Items: []Post{post(1, true), post(2, true), post(10, false), post(9, false)}, Cursor: "a", HasMore: true},
		"a": {Items: []Post{post(8, false), post(7, false), post(6, false)}, Cursor: "b", HasMore: true},
		"b": {Items: []Post{post(5, false)}, Cursor: "c", HasMore: false},
	}
	var calls []string
	fn := func(_ context.Context, cursor string) (Page[Post], error) {
		calls = append(calls, cursor)
		return pages[cursor], nil
	}
	known := map[string]bool{"1": true, "7": true, "6": true, "5": true}
	p := NewPager(fn, 3, 0)
	p.ResumeFrom("b") // Refresh starts from the top whatever the pager's state
	fresh, err := Refresh(context.Background(), p, func(p Post) string { return p.ID }, func(id string) bool { return known[id] })
	if err != nil {
		t.Fatal(err)
	}
	if got := postIDs(fresh); !slices.Equal(got, []string{"2", "10", "9", "8"}) {
		t.Errorf("fresh = %v, want the unknown pinned post and 10 9 8", got)
	}
	if !slices.Equal(calls, []string{"", "a"}) {
		t.Errorf("calls %q: Refresh must stop at the page with the first known post", calls)
	}
	// Nothing known: the whole list.
	calls = nil
	fresh, err = Refresh(context.Background(), NewPager(fn, 3, 0), func(p Post) string { return p.ID }, func(string) bool { return false })
	if err != nil || len(fresh) != 8 {
		t.Errorf("all new: %v, %v", postIDs(fresh), err)
	}
}

// Cursor and Done answer while a page is being fetched.
func TestPagerStateDuringFetch(t *testing.T) {
	inFetch, release := make(chan struct{}), make(chan struct{})
	p := NewPager(func(ctx context.Context, cursor string) (Page[int], error) {
		close(inFetch)
		<-release
		return Page[int]{Items: []int{1}, Cursor: "c1", HasMore: false}, nil
	}, 3, 0)
	done := make(chan error, 1)
	go func() {
		_, err := p.Next(context.Background())
		done <- err
	}()
	<-inFetch
	if p.Cursor() != "" || p.Done() {
		t.Error("state changed before the page arrived")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !p.Done() {
		t.Error("has_more 0 did not finish the pager")
	}
}

// The pager says why it stopped, and after an early stop its cursor is
// where the tail starts: a resume from it fetches the rest.
func TestPagerStopReasons(t *testing.T) {
	for _, tc := range []struct {
		name     string
		pages    map[string]Page[int]
		maxPages int
		stop     StopReason
		cursor   string
	}{
		{"end", map[string]Page[int]{
			"": {Items: []int{1}, Cursor: "c1", HasMore: false},
		}, 0, StopEnd, ""},
		{"repeated cursor", map[string]Page[int]{
			"":   {Items: []int{1}, Cursor: "c1", HasMore: true},
			"c1": {Items: []int{2}, Cursor: "c1", HasMore: true},
		}, 0, StopCursorLoop, "c1"},
		{"empty cursor", map[string]Page[int]{
			"": {Items: []int{1}, HasMore: true},
		}, 0, StopCursorLoop, ""},
		{"empty pages", map[string]Page[int]{
			"":   {Items: []int{1}, Cursor: "c1", HasMore: true},
			"c1": {Cursor: "c2", HasMore: true},
			"c2": {Cursor: "c3", HasMore: true},
			"c3": {Cursor: "c4", HasMore: true},
		}, 0, StopEmptyPages, "c4"},
		{"max pages", map[string]Page[int]{
			"":   {Items: []int{1}, Cursor: "c1", HasMore: true},
			"c1": {Items: []int{2}, Cursor: "c2", HasMore: true},
		}, 2, StopMaxPages, "c2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := NewPager((&scripted{pages: tc.pages}).fn, 3, tc.maxPages)
			if p.Stopped() != NotStopped {
				t.Fatalf("a new pager says %v", p.Stopped())
			}
			walk(t, p)
			if p.Stopped() != tc.stop || p.Cursor() != tc.cursor {
				t.Errorf("stopped %v at %q, want %v at %q", p.Stopped(), p.Cursor(), tc.stop, tc.cursor)
			}
			if p.Stopped().Early() != (tc.stop != StopEnd) {
				t.Errorf("%v: Early() = %v", tc.stop, p.Stopped().Early())
			}
			p.ResumeFrom(p.Cursor())
			if p.Stopped() != NotStopped || p.Done() {
				t.Errorf("after ResumeFrom: stopped %v, done %v", p.Stopped(), p.Done())
			}
		})
	}
	// A repeated cursor is resumed from: asked again, the page answers right.
	s := &scripted{pages: map[string]Page[int]{
		"":   {Items: []int{1}, Cursor: "c1", HasMore: true},
		"c1": {Items: []int{2}, Cursor: "c1", HasMore: true},
	}}
	p := NewPager(s.fn, 3, 0)
	walk(t, p)
	s.pages["c1"] = Page[int]{Items: []int{2, 3}, Cursor: "c2", HasMore: false}
	p.ResumeFrom(p.Cursor())
	if got := walk(t, p); !slices.Equal(got, []int{2, 3}) || p.Stopped() != StopEnd {
		t.Errorf("resumed tail %v, stopped %v", got, p.Stopped())
	}
}
