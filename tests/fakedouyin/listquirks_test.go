package fakedouyin

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

const (
	postsPath = "/aweme/v1/web/aweme/post/"
	likesPath = "/aweme/v1/web/aweme/favorite/"
)

// By default the first page of a posts list starts with the user's pinned
// posts (is_top 1), older than the newest posts after them, and they come
// nowhere else; NoPinned lists them in their place.
func TestPinnedPostsLeadTheFirstPage(t *testing.T) {
	s := startServer(t, Options{Seed: 31, PostsPerUser: 40})
	c := newClient(t, s).loggedIn() // whole posts lists: a guest gets the first page only
	for _, u := range s.World().Users {
		if u.Private {
			continue
		}
		if len(u.Pinned) != 2 {
			t.Fatalf("%s has %d pinned posts, want 2", u.Name, len(u.Pinned))
		}
		w := walkTime(t, c, postsPath, u.SecUID, 20)
		if strings.Join(w.pinned, ",") != strings.Join(postIDs(u.Pinned), ",") {
			t.Errorf("%s: pinned %v, want %v first", u.Name, w.pinned, postIDs(u.Pinned))
		}
		if u.Pinned[0].CreateTime >= u.Posts[0].CreateTime {
			t.Errorf("%s: a pinned post is the newest; want older ones, as in the real capture", u.Name)
		}
		if strings.Join(w.ids, ",") != strings.Join(postIDs(u.Listed(false)), ",") {
			t.Errorf("%s: walked %d posts, want each of %d once, pinned first", u.Name, len(w.ids), len(u.Posts))
		}
	}
	s.SetOptions(func(o *Options) { o.NoPinned = true })
	u := s.World().Users[0]
	w := walkTime(t, c, postsPath, u.SecUID, 20)
	if len(w.pinned) != 0 || strings.Join(w.ids, ",") != strings.Join(postIDs(u.Posts), ",") {
		t.Errorf("NoPinned: pinned %v, %d posts; want none pinned and the posts newest first", w.pinned, len(w.ids))
	}
}

// By default posts and likes lists carry posts marked deleted or
// prohibited, whose detail Douyin refuses; NoHiddenPosts leaves them out.
func TestHiddenPostsInLists(t *testing.T) {
	s := startServer(t, Options{Seed: 32})
	c := newClient(t, s).loggedIn() // whole posts lists: a guest gets the first page only
	likesHidden := 0
	for _, u := range s.World().Users {
		if u.Private {
			continue
		}
		w := walkTime(t, c, postsPath, u.SecUID, 20)
		if len(u.Removed) != 2 || strings.Join(sorted(w.hidden), ",") != strings.Join(sorted(postIDs(u.Removed)), ",") {
			t.Errorf("%s: hidden in the posts list %v, want the removed posts %v", u.Name, w.hidden, postIDs(u.Removed))
		}
		for _, p := range u.Removed {
			if slices.Contains(u.Posts, p) || !(p.Deleted != p.Prohibited) {
				t.Errorf("%s: removed post %s is listed in Posts or not exactly one of deleted/prohibited", u.Name, p.AwemeID)
			}
			v := c.webJSON("/aweme/v1/web/aweme/detail/", "aweme_id="+p.AwemeID)
			if v["aweme_detail"] != nil || path(v, "filter_detail.aweme_id") != p.AwemeID {
				t.Errorf("detail of removed post %s: %v; want aweme_detail null and a filter_detail", p.AwemeID, v)
			}
		}
		if !u.LikesPrivate {
			lw := walkTime(t, c, likesPath, u.SecUID, 20)
			likesHidden += len(lw.hidden)
			if strings.Join(lw.ids, ",") != strings.Join(postIDs(u.Likes), ",") {
				t.Errorf("%s: likes %d shown, want %d", u.Name, len(lw.ids), len(u.Likes))
			}
		}
	}
	if likesHidden == 0 {
		t.Error("no likes list carries a hidden post")
	}
	s.SetOptions(func(o *Options) { o.NoHiddenPosts = true })
	for _, u := range s.World().Users[:1] {
		if w := walkTime(t, c, postsPath, u.SecUID, 20); len(w.hidden) != 0 {
			t.Errorf("NoHiddenPosts: %d hidden posts in the list", len(w.hidden))
		}
		if w := walkTime(t, c, likesPath, u.SecUID, 20); len(w.hidden) != 0 {
			t.Errorf("NoHiddenPosts: %d hidden likes in the list", len(w.hidden))
		}
	}
}

// Likes are paged by like time: items out of create-time order, and no
// cursor is a listed item's create_time (as in the real like_list
// capture). LikesByCreateTime pages them by create time.
func TestLikesPagedByLikeTime(t *testing.T) {
	s := startServer(t, Options{Seed: 33})
	c := newClient(t, s)
	outOfOrder := false
	for _, u := range s.World().Users {
		if u.Private || u.LikesPrivate || len(u.Likes) == 0 {
			continue
		}
		creates := map[string]bool{}
		for _, e := range u.likeSeq {
			creates[strconv.FormatInt(e.p.CreateTime*1000, 10)] = true
		}
		cursor := "0"
		for page := 0; ; page++ {
			v := c.webJSON(likesPath, "max_cursor="+cursor+"&count=10&sec_user_id="+u.SecUID)
			list, _ := v["aweme_list"].([]any)
			for i := 1; i < len(list); i++ {
				if i64(path(list[i], "create_time")) > i64(path(list[i-1], "create_time")) {
					outOfOrder = true
				}
			}
			next := str(v["max_cursor"])
			if creates[next] {
				t.Errorf("%s page %d: max_cursor %s is an item's create_time", u.Name, page, next)
			}
			if i64(v["has_more"]) == 0 {
				break
			}
			cursor = next
		}
		if w := walkTime(t, c, likesPath, u.SecUID, 7); strings.Join(w.ids, ",") != strings.Join(postIDs(u.Likes), ",") {
			t.Errorf("%s: walked %d likes, want each of %d once in like order", u.Name, len(w.ids), len(u.Likes))
		}
	}
	if !outOfOrder {
		t.Error("every likes page is in create-time order; want like-time order")
	}

	s2 := startServer(t, Options{Seed: 33, LikesByCreateTime: true})
	c2 := newClient(t, s2)
	for _, u := range s2.World().Users {
		for i := 1; i < len(u.Likes); i++ {
			if u.Likes[i].CreateTime >= u.Likes[i-1].CreateTime || u.LikeTimes[i] != u.Likes[i].CreateTime {
				t.Fatalf("LikesByCreateTime: %s likes not by create time at %d", u.Name, i)
			}
		}
		if !u.LikesPrivate && !u.Private {
			if w := walkTime(t, c2, likesPath, u.SecUID, 7); strings.Join(w.ids, ",") != strings.Join(postIDs(u.Likes), ",") {
				t.Errorf("LikesByCreateTime: %s walked %d likes, want %d", u.Name, len(w.ids), len(u.Likes))
			}
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
