package fetch

import (
	"context"
	"io"
	"testing"

	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// status.is_delete and is_prohibited of a list item become Post.Deleted
// and Post.Prohibited (booleans or 0/1, as Douyin's types vary); is_top
// becomes IsTop.
func TestDecodeHiddenAndPinnedItems(t *testing.T) {
	body := []byte(`{"status_code":0,"has_more":1,"max_cursor":1630306344000,"aweme_list":[
		{"aweme_id":"7000000000000000001","is_top":1,"status":{"is_delete":false,"is_prohibited":false}},
		{"aweme_id":"7000000000000000002","status":{"is_delete":true,"is_prohibited":false}},
		{"aweme_id":"7000000000000000003","status":{"is_delete":0,"is_prohibited":1}},
		{"aweme_id":"7000000000000000004"}]}`)
	page, skipped, err := decodePostPage(body, "user_posts", cursorMax, QualityBest)
	if err != nil || skipped != 0 || len(page.Items) != 4 {
		t.Fatalf("decodePostPage: %d items, %d skipped, %v", len(page.Items), skipped, err)
	}
	want := []struct{ top, deleted, prohibited bool }{{true, false, false}, {false, true, false}, {false, false, true}, {false, false, false}}
	for i, p := range page.Items {
		w := want[i]
		if p.IsTop != w.top || p.Deleted != w.deleted || p.Prohibited != w.prohibited || p.Hidden() != (w.deleted || w.prohibited) {
			t.Errorf("item %d: top %v deleted %v prohibited %v, want %+v", i, p.IsTop, p.Deleted, p.Prohibited, w)
		}
	}
	if page.Cursor != "1630306344000" {
		t.Errorf("cursor %q: a likes cursor (like time) is taken as it comes", page.Cursor)
	}
}

// shownIDs are the ids of the posts douyinfs shows (Douyin's list less
// the ones marked deleted or prohibited).
func shownIDs(ps []Post) []string {
	var ids []string
	for _, p := range ps {
		if !p.Hidden() {
			ids = append(ids, p.ID)
		}
	}
	return ids
}

// servedPosts is how many items the fake's posts list of u carries by
// default: its posts and the removed ones among them.
func servedPosts(u *fakedouyin.User) int { return len(u.Posts) + len(u.Removed) }

// Douyin shows a guest the first page of a user's posts; the next comes
// back empty saying the end. A guest's pager stops there with
// StopGuestLimit after two requests; a logged-in one reads to the end.
func TestGuestLimitOnFake(t *testing.T) {
	s := startFake(t, fakedouyin.Options{Seed: 43, Users: 1, PostsPerUser: 50})
	u := s.World().Users[0]
	ctx := testCtx(t)
	guest := fakeClient(t, s, "")
	p := guest.UserPosts(u.SecUID)
	got, err := collect(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 20 || p.Stopped() != StopGuestLimit || !p.Stopped().Early() {
		t.Errorf("guest: %d posts, stopped %q; want the first page (20) and the guest limit", len(got), p.Stopped())
	}
	if n := s.Stats().Requests["/aweme/v1/web/aweme/post/"]; n != 2 {
		t.Errorf("guest: %d posts pages asked, want 2", n)
	}
	if _, err := p.Next(ctx); err != io.EOF {
		t.Errorf("Next after the guest limit: %v, want io.EOF without a request", err)
	}
	login := fakeClient(t, s, s.World().LoginCookie)
	p = login.UserPosts(u.SecUID)
	got, err = collect(ctx, p)
	if err != nil || len(got) != servedPosts(u) || p.Stopped() != StopEnd {
		t.Errorf("logged in: %d posts (%v), stopped %q; want all %d and the end", len(got), err, p.Stopped(), servedPosts(u))
	}
}

// A page marked GuestLimit stops the pager even though it says has_more.
func TestPagerStopsAtGuestLimit(t *testing.T) {
	calls := 0
	p := NewPager(func(ctx context.Context, cursor string) (Page[int], error) {
		calls++
		if cursor == "" {
			return Page[int]{Items: []int{1, 2}, Cursor: "2", HasMore: true}, nil
		}
		return Page[int]{Cursor: "3", HasMore: true, GuestLimit: true}, nil
	}, 3, 0)
	ctx := context.Background()
	if items, err := p.Next(ctx); err != nil || len(items) != 2 {
		t.Fatalf("first page: %v %v", items, err)
	}
	if _, err := p.Next(ctx); err != io.EOF || p.Stopped() != StopGuestLimit || calls != 2 {
		t.Errorf("after the limit: %v, stopped %q, %d calls", err, p.Stopped(), calls)
	}
}
