package fetch

import (
	"io"
	"slices"
	"testing"

	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// Against the fake's knobs the client's pager stops early for the right
// reason, and resumed from its cursor it fetches the rest of the list.
func TestPagerStopsEarlyOnFake(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  func(*fakedouyin.Options)
		stop StopReason
	}{
		{"empty page run", func(o *fakedouyin.Options) { o.EmptyPageRun = 4 }, StopEmptyPages},
		{"repeated cursor", func(o *fakedouyin.Options) { o.RepeatCursorRate = 1 }, StopCursorLoop},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := fakedouyin.Options{Seed: 31, Users: 1, PostsPerUser: 100, GuestAllPages: true}
			tc.opt(&o)
			s := startFake(t, o)
			u := s.World().Users[0]
			c := fakeClient(t, s, "")
			p := c.UserPosts(u.SecUID)
			var got []Post
			for {
				items, err := p.Next(testCtx(t))
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, items...)
				if p.Done() {
					break
				}
			}
			if p.Stopped() != tc.stop || len(got) >= len(u.Posts) {
				t.Fatalf("stopped %v after %d of %d posts, want %v before the end", p.Stopped(), len(got), len(u.Posts), tc.stop)
			}
			for i := 0; p.Stopped() != StopEnd && i < 20; i++ {
				p.ResumeFrom(p.Cursor())
				for {
					items, err := p.Next(testCtx(t))
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
					for _, it := range items {
						if !slices.ContainsFunc(got, func(g Post) bool { return g.ID == it.ID }) {
							got = append(got, it)
						}
					}
				}
			}
			if !slices.Equal(shownIDs(got), worldIDs(u.Listed(false))) {
				t.Errorf("resumed: %d posts, want all %d in order", len(got), len(u.Posts))
			}
		})
	}
}
