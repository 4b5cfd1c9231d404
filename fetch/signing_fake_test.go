package fetch

import (
	"testing"

	"github.com/douyinfs/douyinfs/sign"
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// aweme/detail refuses X-Bogus (the fake does by default, as Douyin has
// since 2024): a client configured for X-Bogus still signs detail with
// a_bogus, and other endpoints with X-Bogus.
func TestDetailSignedWithABogus(t *testing.T) {
	s := startFake(t, fakedouyin.Options{Seed: 41, Users: 1, PostsPerUser: 3})
	ctx := testCtx(t)
	c := fakeClient(t, s, "", func(cfg *Config) { cfg.Signing = sign.SchemeXBogus })
	u := s.World().Users[0]
	if _, err := c.UserProfile(ctx, u.SecUID); err != nil {
		t.Fatalf("profile with X-Bogus: %v", err)
	}
	p := u.Posts[0]
	got, err := c.PostDetail(ctx, p.AwemeID)
	if err != nil || got.ID != p.AwemeID {
		t.Fatalf("detail with Signing X-Bogus: %v", err)
	}
	st := s.Stats()
	if n := st.RejectReasons["xbogus-refused"] + st.RejectReasons["signature"]; n != 0 {
		t.Errorf("the fake refused %d signatures: %v", n, st.RejectReasons)
	}
}

// The fake answers www endpoints only for a browser's cookie (login
// session, or a guest's issued ttwid and s_v_web_id). A client without a
// login cookie sends a guest browser's set and gets answers; one with the
// login cookie too. Neither is refused for its cookie.
func TestGuestCookieLooksLikeABrowser(t *testing.T) {
	s := startFake(t, fakedouyin.Options{Seed: 42, Users: 1, PostsPerUser: 3})
	ctx := testCtx(t)
	u := s.World().Users[0]
	for name, cookie := range map[string]string{"guest": "", "pasted guest": "passport_csrf_token=abc", "login": s.World().LoginCookie} {
		c := fakeClient(t, s, cookie)
		if _, err := c.UserProfile(ctx, u.SecUID); err != nil {
			t.Errorf("%s: profile: %v", name, err)
		}
		if _, err := c.UserPosts(u.SecUID).Next(ctx); err != nil {
			t.Errorf("%s: posts: %v", name, err)
		}
	}
	if n := s.Stats().RejectReasons["cookie"]; n != 0 {
		t.Errorf("the fake refused %d requests for their cookie", n)
	}
}
