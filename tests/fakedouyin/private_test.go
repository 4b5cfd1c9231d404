package fakedouyin

import "testing"

// The default world has one private account, after the other users: its
// profile says secret 1 and its posts and likes lists answer one empty
// page. NoPrivateUser leaves it out.
func TestPrivateUser(t *testing.T) {
	s := startServer(t, Options{Seed: 41})
	c := newClient(t, s)
	w := s.World()
	u := w.PrivateUser()
	if u == nil || u == w.Users[0] || u.HiddenPosts == 0 {
		t.Fatalf("private user %+v", u)
	}
	v := c.webJSON("/aweme/v1/web/user/profile/other/", "sec_user_id="+u.SecUID)
	if i64(path(v, "user.secret")) != 1 || i64(path(v, "user.aweme_count")) != int64(u.HiddenPosts) {
		t.Errorf("profile secret %v, aweme_count %v", path(v, "user.secret"), path(v, "user.aweme_count"))
	}
	for _, ep := range []string{"/aweme/v1/web/aweme/post/", "/aweme/v1/web/aweme/favorite/"} {
		v := c.webJSON(ep, "max_cursor=0&count=20&sec_user_id="+u.SecUID)
		items, _ := v["aweme_list"].([]any)
		if i64(v["status_code"]) != 0 || i64(v["has_more"]) != 0 || len(items) != 0 {
			t.Errorf("%s: status_code %v has_more %v, %d items", ep, v["status_code"], v["has_more"], len(items))
		}
	}
	for _, o := range w.Users[:len(w.Users)-1] {
		if o.Private {
			t.Errorf("%s is private too", o.Name)
		}
	}
	if p := worldOf(Options{Seed: 41, NoPrivateUser: true}).PrivateUser(); p != nil {
		t.Errorf("NoPrivateUser: private user %s", p.Name)
	}
}
