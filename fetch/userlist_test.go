package fetch

import (
	"errors"
	"testing"

	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// Douyin answers the lists of a sec_user_id it does not know with empty
// lists. The client tells that apart from a user with nothing to show: an
// empty first page asks the profile once, and an unknown user is an error.
func TestUnknownUserListsAreNotFound(t *testing.T) {
	s := startFake(t, fakedouyin.Options{Seed: 31, Users: 2, PostsPerUser: 5})
	c := fakeClient(t, s, "")
	ctx := testCtx(t)
	const ghost = "MS4wLjABAAAAnoSuchUserAtAllnoSuchUserAtAllnoSuchUserAtAll0123456789"
	profiles := func() int64 { return s.Stats().Requests["/aweme/v1/web/user/profile/other/"] }

	check := func(what string, err error) {
		t.Helper()
		var nf *NotFoundError
		if !errors.As(err, &nf) || !errors.Is(err, ErrNotFound) || nf.Kind != KindUser || nf.ID != ghost {
			t.Errorf("%s of an unknown user: err = %v, want a user *NotFoundError", what, err)
		}
	}
	_, err := c.UserPosts(ghost).Next(ctx)
	check("posts", err)
	_, err = c.UserLikes(ghost).Next(ctx)
	check("likes", err)
	_, err = c.UserMixes(ghost).Next(ctx)
	check("mixes", err)

	// A user with posts costs no profile call; one with no mixes costs
	// one and lists empty.
	u := s.World().Users[0]
	before := profiles()
	if _, err := collect(ctx, c.UserPosts(u.SecUID)); err != nil {
		t.Fatal(err)
	}
	if n := profiles() - before; n != 0 {
		t.Errorf("%d profile calls for a user with posts", n)
	}
	for _, u := range s.World().Users {
		if len(u.Mixes) > 0 {
			continue
		}
		before = profiles()
		if got, err := collect(ctx, c.UserMixes(u.SecUID)); err != nil || len(got) != 0 {
			t.Errorf("mixes of %s without mixes: %d, %v", u.Name, len(got), err)
		}
		if n := profiles() - before; n != 1 {
			t.Errorf("%d profile calls for an empty list, want 1", n)
		}
	}
}
