package fetch

import (
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
