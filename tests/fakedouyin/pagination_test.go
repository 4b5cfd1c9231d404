package fakedouyin

import (
	"strconv"
	"strings"
	"testing"
)

// walkTimeList pages posts or likes by max_cursor until has_more is 0 and
// returns the ids of the items shown (those marked deleted or prohibited
// left out), the number of empty pages, and checks spec §3 on every page:
// max_cursor and min_cursor are the list times (create time for posts,
// like time for likes, s.listTime) of the page's last and first items in
// ms, pinned items (is_top) aside, which lead the first page only.
func walkTimeList(t *testing.T, c *client, endpoint, secUID string, count int) (all []string, empties int) {
	t.Helper()
	w := walkTime(t, c, endpoint, secUID, count)
	return w.ids, w.empties
}

// walked is what walkTime saw: shown ids in order, hidden ids (marked
// deleted or prohibited), pinned ids (is_top), empty pages.
type walked struct {
	ids, hidden, pinned []string
	empties             int
}

func walkTime(t *testing.T, c *client, endpoint, secUID string, count int) walked {
	t.Helper()
	times := c.s.listTimes(endpoint, secUID)
	var out walked
	cursor := "0"
	for page := 0; page < 1000; page++ {
		v := c.webJSON(endpoint, "max_cursor="+cursor+"&count="+strconv.Itoa(count)+"&sec_user_id="+secUID)
		if i64(v["status_code"]) != 0 {
			t.Fatalf("page %d: status_code %v", page, v["status_code"])
		}
		list, _ := v["aweme_list"].([]any)
		if len(list) > min(count, 20) {
			t.Fatalf("page %d: %d items for count %d", page, len(list), count)
		}
		next := str(v["max_cursor"])
		var timed []string
		for k, a := range list {
			id := str(path(a, "aweme_id"))
			if i64(path(a, "is_top")) == 1 {
				if page != 0 || k != len(out.pinned) {
					t.Fatalf("page %d: pinned %s at %d, want pinned posts only at the top of the first page", page, id, k)
				}
				out.pinned = append(out.pinned, id)
			} else {
				timed = append(timed, id)
			}
			if path(a, "status.is_delete") == true || path(a, "status.is_prohibited") == true {
				out.hidden = append(out.hidden, id)
			} else {
				out.ids = append(out.ids, id)
			}
		}
		if len(list) == 0 {
			if i64(v["has_more"]) == 1 {
				out.empties++
				if next == cursor {
					t.Fatalf("empty page with has_more=1 repeats cursor %s", cursor)
				}
			}
		} else if len(timed) > 0 {
			if want := strconv.FormatInt(times[timed[len(timed)-1]]*1000, 10); next != want {
				t.Fatalf("page %d: max_cursor %s, want the last item's list time*1000 = %s", page, next, want)
			}
			if want := strconv.FormatInt(times[timed[0]]*1000, 10); str(v["min_cursor"]) != want {
				t.Fatalf("page %d: min_cursor %v, want %s", page, v["min_cursor"], want)
			}
		}
		switch i64(v["has_more"]) {
		case 0:
			return out
		case 1:
		default:
			t.Fatalf("has_more %v", v["has_more"])
		}
		cursor = next
	}
	t.Fatal("no end after 1000 pages")
	return out
}

// listTimes maps every id a posts or likes list may carry to the time its
// cursor counts by, in Unix seconds.
func (s *Server) listTimes(endpoint, secUID string) map[string]int64 {
	u, _ := s.world.User(secUID)
	m := map[string]int64{}
	if u == nil {
		return m
	}
	if strings.Contains(endpoint, "favorite") {
		for _, e := range u.likeSeq {
			m[e.p.AwemeID] = e.t
		}
		return m
	}
	for _, p := range append(append([]*Post(nil), u.Posts...), u.Removed...) {
		m[p.AwemeID] = p.CreateTime
	}
	return m
}

func TestPostsPagination(t *testing.T) {
	s := startServer(t, Options{Seed: 11, PostsPerUser: 47})
	c := newClient(t, s).loggedIn() // whole posts lists: a guest gets the first page only
	for _, u := range s.World().Users {
		for _, count := range []int{20, 7, 50} {
			got, empties := walkTimeList(t, c, "/aweme/v1/web/aweme/post/", u.SecUID, count)
			if empties != 0 {
				t.Errorf("%d empty pages without the quirk", empties)
			}
			if strings.Join(got, ",") != strings.Join(postIDs(u.Listed(false)), ",") {
				t.Errorf("%s count %d: walked %d posts, want the %d in order", u.Name, count, len(got), len(u.Posts))
			}
		}
	}
}

func TestLikesPagination(t *testing.T) {
	s := startServer(t, Options{Seed: 12})
	c := newClient(t, s)
	for _, u := range s.World().Users {
		got, _ := walkTimeList(t, c, "/aweme/v1/web/aweme/favorite/", u.SecUID, 20)
		want := postIDs(u.Likes)
		if u.LikesPrivate {
			want = nil
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s likes: %d ids, want %d", u.Name, len(got), len(want))
		}
	}
	priv := s.World().PrivateLikesUser()
	if priv == nil || len(priv.Likes) == 0 {
		t.Fatal("no user with private (non-empty) likes")
	}
	v := c.webJSON("/aweme/v1/web/aweme/favorite/", "max_cursor=0&count=20&sec_user_id="+priv.SecUID)
	if i64(v["status_code"]) != 0 || len(v["aweme_list"].([]any)) != 0 || i64(v["has_more"]) != 0 {
		t.Errorf("private likes: %v; want status 0, empty list, has_more 0", v)
	}
}

func TestEmptyPageQuirk(t *testing.T) {
	s := startServer(t, Options{Seed: 13, PostsPerUser: 200, EmptyPageQuirk: true})
	c := newClient(t, s).loggedIn() // whole posts lists: a guest gets the first page only
	total := 0
	for _, u := range s.World().Users {
		got, empties := walkTimeList(t, c, "/aweme/v1/web/aweme/post/", u.SecUID, 20)
		total += empties
		if strings.Join(got, ",") != strings.Join(postIDs(u.Listed(false)), ",") {
			t.Errorf("%s: walked %d posts through the quirk, want %d", u.Name, len(got), len(u.Posts))
		}
		got, _ = walkTimeList(t, c, "/aweme/v1/web/aweme/favorite/", u.SecUID, 5)
		if !u.LikesPrivate && strings.Join(got, ",") != strings.Join(postIDs(u.Likes), ",") {
			t.Errorf("%s likes through the quirk differ", u.Name)
		}
	}
	if total == 0 {
		t.Error("EmptyPageQuirk produced no empty page")
	}
	// Turning it off at run time takes effect at once.
	s.SetOptions(func(o *Options) { o.EmptyPageQuirk = false })
	if _, empties := walkTimeList(t, c, "/aweme/v1/web/aweme/post/", s.World().Users[0].SecUID, 20); empties != 0 {
		t.Errorf("%d empty pages after switching the quirk off", empties)
	}
}

// A guest gets the first page of a user's posts: it says has_more 1, the
// next is empty with has_more 0. Logged in, or with GuestAllPages, every
// page comes.
func TestGuestFirstPageOnly(t *testing.T) {
	s := startServer(t, Options{Seed: 14})
	c := newClient(t, s)
	u := s.World().Users[0]
	if w := walkTime(t, c, "/aweme/v1/web/aweme/post/", u.SecUID, 20); len(w.ids)+len(w.hidden) != 20 {
		t.Errorf("guest walked %d posts, want only the first page (20)", len(w.ids)+len(w.hidden))
	}
	v := c.webJSON("/aweme/v1/web/aweme/post/", "max_cursor=0&count=20&sec_user_id="+u.SecUID)
	if i64(v["has_more"]) != 1 {
		t.Errorf("a guest's first page says has_more %v, want 1", v["has_more"])
	}
	if got, _ := walkTimeList(t, c.loggedIn(), "/aweme/v1/web/aweme/post/", u.SecUID, 20); strings.Join(got, ",") != strings.Join(postIDs(u.Listed(false)), ",") {
		t.Errorf("logged in walked %d posts, want %d", len(got), len(u.Posts))
	}
	s.SetOptions(func(o *Options) { o.GuestAllPages = true })
	if got, _ := walkTimeList(t, c, "/aweme/v1/web/aweme/post/", u.SecUID, 20); strings.Join(got, ",") != strings.Join(postIDs(u.Listed(false)), ",") {
		t.Errorf("GuestAllPages: a guest walked %d posts, want %d", len(got), len(u.Posts))
	}
}

// walkCursorList pages a cursor/has_more list and returns the items'
// values at key.
func walkCursorList(t *testing.T, fetch func(cursor string) map[string]any, listKey, idKey string) []string {
	t.Helper()
	var all []string
	cursor := "0"
	for page := 0; page < 100; page++ {
		v := fetch(cursor)
		list, ok := v[listKey].([]any)
		if !ok {
			t.Fatalf("no %s in %v", listKey, v)
		}
		for _, x := range list {
			all = append(all, str(path(x, idKey)))
		}
		more := false
		switch h := v["has_more"].(type) {
		case bool:
			more = h
		default:
			more = i64(h) == 1
		}
		if !more {
			return all
		}
		next := str(v["cursor"])
		if next == cursor {
			t.Fatalf("cursor did not move from %s", cursor)
		}
		cursor = next
	}
	t.Fatal("no end after 100 pages")
	return nil
}

func TestCursorListsPagination(t *testing.T) {
	s := startServer(t, Options{Seed: 15})
	c := newClient(t, s).loggedIn()
	w := s.World()
	me := w.Me

	got := walkCursorList(t, func(cur string) map[string]any {
		v := c.favorites(cur, 7).json(t)
		if cur != "0" && len(cur) != 16 {
			t.Fatalf("favourites cursor %s is not 16 digits", cur)
		}
		return v
	}, "aweme_list", "aweme_id")
	if strings.Join(got, ",") != strings.Join(postIDs(me.Favorites), ",") {
		t.Errorf("favourites: %d ids, want %d in order", len(got), len(me.Favorites))
	}

	got = walkCursorList(t, func(cur string) map[string]any {
		return c.webJSON("/aweme/v1/web/collects/list/", "cursor="+cur+"&count=2")
	}, "collects_list", "collects_id")
	var fids []string
	for _, f := range me.Folders {
		fids = append(fids, f.ID)
	}
	if strings.Join(got, ",") != strings.Join(fids, ",") {
		t.Errorf("folders %v, want %v", got, fids)
	}

	for _, f := range me.Folders {
		got = walkCursorList(t, func(cur string) map[string]any {
			return c.webJSON("/aweme/v1/web/collects/video/list/", "cursor="+cur+"&count=20&collects_id="+f.ID)
		}, "aweme_list", "aweme_id")
		if strings.Join(got, ",") != strings.Join(postIDs(f.Posts), ",") {
			t.Errorf("folder %s: %d ids, want %d", f.Name, len(got), len(f.Posts))
		}
	}

	for _, u := range w.Users {
		got = walkCursorList(t, func(cur string) map[string]any {
			return c.webJSON("/aweme/v1/web/mix/list/", "sec_user_id="+u.SecUID+"&req_from=channel_pc_web&cursor="+cur+"&count=1")
		}, "mix_infos", "mix_id")
		var mids []string
		for _, m := range u.Mixes {
			mids = append(mids, m.ID)
			vids := walkCursorList(t, func(cur string) map[string]any {
				return c.webJSON("/aweme/v1/web/mix/aweme/", "cursor="+cur+"&count=4&mix_id="+m.ID)
			}, "aweme_list", "aweme_id")
			if strings.Join(vids, ",") != strings.Join(postIDs(m.Posts), ",") {
				t.Errorf("mix %s: %d videos, want %d in episode order", m.Name, len(vids), len(m.Posts))
			}
		}
		if strings.Join(got, ",") != strings.Join(mids, ",") {
			t.Errorf("%s mixes %v, want %v", u.Name, got, mids)
		}
	}
}

func TestCountCap(t *testing.T) {
	s := startServer(t, Options{Seed: 16})
	c := newClient(t, s)
	u := s.World().Users[0]
	v := c.webJSON("/aweme/v1/web/aweme/post/", "max_cursor=0&count=100&sec_user_id="+u.SecUID)
	if n := len(v["aweme_list"].([]any)); n != 20 {
		t.Errorf("count=100 gave %d items, want 20", n)
	}
	for _, bad := range []string{"max_cursor=x&count=20", "max_cursor=0&count=0", "count=20", "max_cursor=0"} {
		v := c.webJSON("/aweme/v1/web/aweme/post/", bad+"&sec_user_id="+u.SecUID)
		if i64(v["status_code"]) != 5 {
			t.Errorf("%s: status_code %v, want 5", bad, v["status_code"])
		}
	}
}
