package fakedouyin

import (
	"strings"
	"testing"
)

// Every posts list has one run of EmptyPageRun empty pages in a row, past
// the first page and the same on every walk; the walk still gets every post.
func TestEmptyPageRun(t *testing.T) {
	s := startServer(t, Options{Seed: 21, PostsPerUser: 200, EmptyPageRun: 5})
	c := newClient(t, s).loggedIn() // whole posts lists: a guest gets the first page only
	for _, u := range s.World().Users {
		if u.Private {
			continue // no posts to walk
		}
		for range 2 {
			got, empties := walkTimeList(t, c, "/aweme/v1/web/aweme/post/", u.SecUID, 20)
			if empties != 5 {
				t.Errorf("%s: %d empty pages, want one run of 5", u.Name, empties)
			}
			if strings.Join(got, ",") != strings.Join(postIDs(u.Listed(false)), ",") {
				t.Errorf("%s: walked %d posts through the run, want %d", u.Name, len(got), len(u.Posts))
			}
		}
	}
	// The first page is never empty, and off is off.
	u := s.World().Users[0]
	v := c.webJSON("/aweme/v1/web/aweme/post/", "max_cursor=0&count=20&sec_user_id="+u.SecUID)
	if len(v["aweme_list"].([]any)) != 20 {
		t.Error("the first page is empty")
	}
	s.SetOptions(func(o *Options) { o.EmptyPageRun = 0 })
	if _, empties := walkTimeList(t, c, "/aweme/v1/web/aweme/post/", u.SecUID, 20); empties != 0 {
		t.Errorf("%d empty pages with the run off", empties)
	}
}

// With RepeatCursorRate some pages answer has_more=1 with the cursor they
// were asked for, once each: asked again they answer right.
func TestRepeatCursor(t *testing.T) {
	s := startServer(t, Options{Seed: 22, PostsPerUser: 200, RepeatCursorRate: 0.5})
	c := newClient(t, s).loggedIn() // whole posts lists: a guest gets the first page only
	u := s.World().Users[0]
	walk := func() (ids []string, repeats int) {
		cursor := "0"
		for range 100 {
			v := c.webJSON("/aweme/v1/web/aweme/post/", "max_cursor="+cursor+"&count=20&sec_user_id="+u.SecUID)
			list, _ := v["aweme_list"].([]any)
			next := str(v["max_cursor"])
			if next == cursor && i64(v["has_more"]) == 1 {
				if cursor == "0" {
					t.Fatal("the first page repeats its cursor")
				}
				repeats++
				continue // a pager would stop here; ask again
			}
			for _, a := range list {
				if path(a, "status.is_delete") != true && path(a, "status.is_prohibited") != true {
					ids = append(ids, str(path(a, "aweme_id")))
				}
			}
			if i64(v["has_more"]) == 0 {
				return ids, repeats
			}
			cursor = next
		}
		t.Fatal("no end after 100 pages")
		return nil, 0
	}
	ids, repeats := walk()
	if repeats == 0 {
		t.Error("no page repeated its cursor at rate 0.5")
	}
	if strings.Join(ids, ",") != strings.Join(postIDs(u.Listed(false)), ",") {
		t.Errorf("walked %d posts, want %d", len(ids), len(u.Posts))
	}
	if _, again := walk(); again != 0 {
		t.Errorf("%d pages repeated their cursor a second time", again)
	}
	// Off by default.
	s2 := startServer(t, Options{Seed: 22, PostsPerUser: 200})
	if _, empties := walkTimeList(t, newClient(t, s2).loggedIn(), "/aweme/v1/web/aweme/post/", s2.World().Users[0].SecUID, 20); empties != 0 {
		t.Errorf("%d empty pages by default", empties)
	}
}
