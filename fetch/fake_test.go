package fetch

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/fetch/media"
	"github.com/douyinfs/douyinfs/sign"
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// Tests against the fake Douyin (tests/fakedouyin): every endpoint returns
// the fake world's data, and the fake's counters show what it cost.

func startFake(t *testing.T, opts fakedouyin.Options) *fakedouyin.Server {
	t.Helper()
	// These tests check what the client decodes against the world, data_size
	// against the media's length among it; a wrong data_size is the media
	// reader's business (fetch/media, tests/mount).
	opts.ExactDataSize = true
	s, err := fakedouyin.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func fakeHosts(s *fakedouyin.Server) Hosts {
	u := s.URL()
	return Hosts{WWW: u, Live: u, Webcast: u, MsToken: u, TTWID: u, WebID: u, SSO: u, ShortLink: u + "/v"}
}

func fakeClient(t *testing.T, s *fakedouyin.Server, cookie string, mutate ...func(*Config)) *Client {
	t.Helper()
	cfg := testConfig(fakeHosts(s))
	cfg.Cookie = cookie
	cfg.Timeout, cfg.Retries, cfg.RetryBackoff = 5*time.Second, 3, time.Millisecond
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func all[T any](ctx context.Context, t *testing.T, p *Pager[T]) []T {
	t.Helper()
	var out []T
	for {
		items, err := p.Next(ctx)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("after %d items: %v", len(out), err)
		}
		out = append(out, items...)
	}
}

func postIDs(ps []Post) []string {
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return ids
}

func worldIDs(ps []*fakedouyin.Post) []string {
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.AwemeID)
	}
	return ids
}

func pagesFor(n, size int) int64 {
	if n == 0 {
		return 1
	}
	return int64((n + size - 1) / size)
}

// checkFakePost compares a decoded post with the world's.
func checkFakePost(t *testing.T, got Post, want *fakedouyin.Post) {
	t.Helper()
	if got.ID != want.AwemeID || got.Desc != want.Desc || got.CreateTime != want.CreateTime || got.Type != want.Type {
		t.Errorf("post %s: got id %s desc %q time %d type %d, want %q %d %d", want.AwemeID, got.ID, got.Desc, got.CreateTime, got.Type, want.Desc, want.CreateTime, want.Type)
	}
	if want.Author != nil && (got.Author.SecUID != want.Author.SecUID || got.Author.UID != want.Author.UID || got.Author.Nickname != want.Author.Nickname) {
		t.Errorf("post %s: author %+v", want.AwemeID, got.Author)
	}
	if want.Type == 68 {
		if got.Video != nil || len(got.Images) != len(want.Images) {
			t.Errorf("post %s: image post decoded with video %v and %d images (want %d)", want.AwemeID, got.Video, len(got.Images), len(want.Images))
		}
	} else {
		best := got.Video.Best()
		if best == nil || want.Video == nil || best.Size != want.Video.Size || len(got.Video.Renditions) != len(want.Renditions) {
			t.Errorf("post %s: best rendition %+v, want size %d of %d", want.AwemeID, best, want.Video.Size, len(want.Renditions))
		} else {
			// A list names the best gear as Renditions, a detail as
			// DetailRenditions (the same file under another name).
			var wantKeys []string
			for _, r := range append(slices.Clone(want.Renditions), want.DetailRenditions...) {
				if r.Media == want.Video {
					wantKeys = append(wantKeys, r.GearName)
				}
			}
			if !slices.Contains(wantKeys, best.Key) {
				t.Errorf("post %s: best key %s, want one of %v", want.AwemeID, best.Key, wantKeys)
			}
		}
		if got.Video != nil && got.Video.DurationMs != want.DurationMs {
			t.Errorf("post %s: duration %d, want %d", want.AwemeID, got.Video.DurationMs, want.DurationMs)
		}
	}
	if (want.Music != nil) != (got.Music != nil) {
		t.Errorf("post %s: music %+v, want present=%v", want.AwemeID, got.Music, want.Music != nil)
	}
	if want.Mix != nil && (got.Mix == nil || got.Mix.ID != want.Mix.ID || got.Mix.Episode != want.Episode) {
		t.Errorf("post %s: mix %+v, want %s #%d", want.AwemeID, got.Mix, want.Mix.ID, want.Episode)
	}
}

func TestFakeUserPostsAndProfile(t *testing.T) {
	// Every page as a guest: the guest limit has its own test.
	s := startFake(t, fakedouyin.Options{Seed: 1, Users: 2, PostsPerUser: 45, GuestAllPages: true})
	c := fakeClient(t, s, "")
	ctx := testCtx(t)
	w := s.World()
	var pages int64
	for _, u := range w.Users {
		prof, err := c.UserProfile(ctx, u.SecUID)
		if err != nil {
			t.Fatal(err)
		}
		if prof.SecUID != u.SecUID || prof.UID != u.UID || prof.Nickname != u.Nickname || prof.UniqueID != u.UniqueID ||
			prof.FollowerCount != u.FollowerCount || prof.LikesPrivate != u.LikesPrivate || prof.MixCount != int64(len(u.Mixes)) {
			t.Errorf("profile %s = %+v", u.SecUID, prof)
		}
		if prof.Private != u.Private {
			t.Errorf("profile %s: private %v, want %v", u.Name, prof.Private, u.Private)
		}
		if u.Private {
			if _, err := collect(ctx, c.UserPosts(u.SecUID)); !errors.Is(err, ErrPrivate) {
				t.Errorf("posts of private %s: err = %v, want ErrPrivate", u.Name, err)
			}
			pages++
			continue
		}
		got := all(ctx, t, c.UserPosts(u.SecUID))
		// Pinned posts lead; deleted and prohibited ones come marked.
		listed := u.Listed(false)
		if !slices.Equal(shownIDs(got), worldIDs(listed)) {
			t.Fatalf("posts of %s: got %d ids, want %d\n%v\n%v", u.Name, len(got), len(u.Posts), shownIDs(got), worldIDs(listed))
		}
		if len(got) != servedPosts(u) {
			t.Fatalf("posts of %s: %d items, want %d with the removed ones", u.Name, len(got), servedPosts(u))
		}
		k := 0
		for i := range got {
			if got[i].Hidden() {
				continue
			}
			checkFakePost(t, got[i], listed[k])
			if got[i].IsTop != slices.Contains(u.Pinned, listed[k]) {
				t.Errorf("post %s: IsTop %v", got[i].ID, got[i].IsTop)
			}
			k++
		}
		pages += pagesFor(servedPosts(u), 20)
	}
	st := s.Stats()
	// The private user's empty list asks the profile once more.
	profiles := int64(len(w.Users) + 1)
	if st.Requests["/aweme/v1/web/aweme/post/"] != pages || st.Requests["/aweme/v1/web/user/profile/other/"] != profiles {
		t.Errorf("requests %v, want %d post pages and %d profiles", st.Requests, pages, profiles)
	}
	if st.Requests["/web/r/token"] != 1 || st.Requests["/ttwid/union/register/"] != 1 || st.Rejected != 0 {
		t.Errorf("token requests %v, rejected %d (%v)", st.Requests, st.Rejected, st.RejectReasons)
	}
	cs := c.Stats()
	if cs.Requests["user_posts"] != pages || cs.Retries != 0 || cs.Rejected != 0 || len(cs.Errors) != 0 {
		t.Errorf("client stats %+v", cs)
	}
}

func TestFakeLikes(t *testing.T) {
	s := startFake(t, fakedouyin.Options{Seed: 2, Users: 3, PostsPerUser: 25})
	c := fakeClient(t, s, "")
	ctx := testCtx(t)
	var sawPrivate, sawPublic bool
	for _, u := range s.World().Users {
		got, err := collect(ctx, c.UserLikes(u.SecUID))
		if u.LikesPrivate || u.Private {
			sawPrivate = true
			if !errors.Is(err, ErrPrivate) {
				t.Errorf("private likes of %s: err = %v, want ErrPrivate", u.Name, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		sawPublic = sawPublic || len(u.Likes) > 0
		if !slices.Equal(shownIDs(got), worldIDs(u.Likes)) {
			t.Errorf("likes of %s: %v, want %v", u.Name, shownIDs(got), worldIDs(u.Likes))
		}
	}
	if !sawPrivate || !sawPublic {
		t.Fatalf("the world should have public and private likes (private %v, public %v)", sawPrivate, sawPublic)
	}
}

func collect[T any](ctx context.Context, p *Pager[T]) ([]T, error) {
	var out []T
	for {
		items, err := p.Next(ctx)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, items...)
	}
}

func TestFakeMixes(t *testing.T) {
	s := startFake(t, fakedouyin.Options{Seed: 3, Users: 2, PostsPerUser: 40})
	c := fakeClient(t, s, "")
	ctx := testCtx(t)
	n := 0
	for _, u := range s.World().Users {
		mixes := all(ctx, t, c.UserMixes(u.SecUID))
		if len(mixes) != len(u.Mixes) {
			t.Fatalf("%s: %d mixes, want %d", u.Name, len(mixes), len(u.Mixes))
		}
		for i, m := range u.Mixes {
			n++
			if mixes[i].ID != m.ID || mixes[i].Name != m.Name || mixes[i].Episodes != int64(len(m.Posts)) || mixes[i].Author.SecUID != u.SecUID {
				t.Errorf("mix %d = %+v, want %s %q %d", i, mixes[i], m.ID, m.Name, len(m.Posts))
			}
			d, err := c.MixDetail(ctx, m.ID)
			if err != nil || d.ID != m.ID || d.Name != m.Name || d.CreateTime != m.CreateTime || d.UpdateTime != m.UpdateTime {
				t.Errorf("mix detail %s = %+v, %v", m.ID, d, err)
			}
			posts := all(ctx, t, c.MixPosts(m.ID))
			if !slices.Equal(postIDs(posts), worldIDs(m.Posts)) {
				t.Errorf("mix %s posts %v, want %v", m.ID, postIDs(posts), worldIDs(m.Posts))
			}
			for k := range posts {
				checkFakePost(t, posts[k], m.Posts[k])
			}
		}
	}
	if n == 0 {
		t.Fatal("the world has no mixes")
	}
	if _, err := c.MixDetail(ctx, "7000000000000000001"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown mix: %v", err)
	}
}

func TestFakePostDetail(t *testing.T) {
	s := startFake(t, fakedouyin.Options{Seed: 4, Users: 1, PostsPerUser: 10})
	c := fakeClient(t, s, "")
	ctx := testCtx(t)
	w := s.World()
	for _, p := range []*fakedouyin.Post{w.RealVideoPost(), w.RealImagePost(), w.MoovAtEndPost(), w.Users[0].Posts[5]} {
		got, err := c.PostDetail(ctx, p.AwemeID)
		if err != nil {
			t.Fatal(err)
		}
		checkFakePost(t, *got, p)
	}
	// The detail names its gears otherwise (as the real service does):
	// Closest finds each list rendition there as the same file, except the
	// fake's re-encoded gear, for which it offers one of the same codec.
	listed, err := c.UserPosts(w.Users[0].SecUID).Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, lp := range listed {
		if lp.Video == nil {
			continue
		}
		dp, err := c.PostDetail(ctx, lp.ID)
		if err != nil {
			t.Fatal(err)
		}
		fp, _ := w.Post(lp.ID)
		for _, r := range lp.Video.Renditions {
			k := slices.IndexFunc(fp.Renditions, func(g *fakedouyin.Rendition) bool { return g.GearName == r.Key })
			if k < 0 {
				t.Fatalf("post %s: no fake gear %s", lp.ID, r.Key)
			}
			wantSame := fp.DetailRenditions[k].Media == fp.Renditions[k].Media
			got, same := Closest(r, dp.Video.Renditions)
			if got == nil || same != wantSame || got.Codec != r.Codec || (same && (got.Size != r.Size || got.Key == r.Key)) {
				t.Errorf("post %s rendition %s/%d: closest in detail %+v same=%v, want same=%v", lp.ID, r.Key, r.Size, got, same, wantSame)
			}
		}
	}
	_, err = c.PostDetail(ctx, w.DeletedPost().AwemeID)
	var nf *NotFoundError
	if !errors.As(err, &nf) || !errors.Is(err, ErrNotFound) || nf.Reason != "status_self_see" || nf.ID != w.DeletedPost().AwemeID {
		t.Errorf("deleted post: %v", err)
	}
	if _, err := c.PostDetail(ctx, "7000000000000000009"); !errors.As(err, &nf) || nf.Reason != "item_not_exist" {
		t.Errorf("unknown post: %v", err)
	}
}

func TestFakeLoggedInLists(t *testing.T) {
	s := startFake(t, fakedouyin.Options{Seed: 5, Users: 2, PostsPerUser: 30})
	w := s.World()
	c := fakeClient(t, s, w.LoginCookie)
	ctx := testCtx(t)
	if !c.LoggedIn() {
		t.Fatal("the login cookie is not seen as logged in")
	}
	favs := all(ctx, t, c.Favorites())
	if !slices.Equal(postIDs(favs), worldIDs(w.Me.Favorites)) || len(favs) == 0 {
		t.Errorf("favourites %v, want %v", postIDs(favs), worldIDs(w.Me.Favorites))
	}
	folders := all(ctx, t, c.CollectFolders())
	if len(folders) != len(w.Me.Folders) || len(folders) == 0 {
		t.Fatalf("%d folders, want %d", len(folders), len(w.Me.Folders))
	}
	for i, f := range w.Me.Folders {
		if folders[i].ID != f.ID || folders[i].Name != f.Name || folders[i].Count != int64(len(f.Posts)) {
			t.Errorf("folder %d = %+v, want %s %q %d", i, folders[i], f.ID, f.Name, len(f.Posts))
		}
		posts := all(ctx, t, c.CollectFolderPosts(folders[i].ID))
		if !slices.Equal(postIDs(posts), worldIDs(f.Posts)) {
			t.Errorf("folder %s posts %v, want %v", f.ID, postIDs(posts), worldIDs(f.Posts))
		}
	}
	feed1, err := c.HomeFeed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	feed2, err := c.HomeFeed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := w.Me.Feed
	if len(feed1) != 10 || len(feed2) != 10 || feed1[0].ID != want[0].AwemeID || feed2[0].ID != want[10%len(want)].AwemeID {
		t.Errorf("home feed pages %v / %v", postIDs(feed1), postIDs(feed2))
	}
	st := s.Stats()
	if st.Rejected != 0 || st.Requests["/ttwid/union/register/"] != 0 {
		t.Errorf("rejected %d %v; a cookie with a ttwid needs no ttwid registration (%d)", st.Rejected, st.RejectReasons, st.Requests["/ttwid/union/register/"])
	}
	if st.Requests["/aweme/v1/web/aweme/listcollection/"] != pagesFor(len(w.Me.Favorites), 20) {
		t.Errorf("%d favourites requests for %d items", st.Requests["/aweme/v1/web/aweme/listcollection/"], len(w.Me.Favorites))
	}
}

func TestFakeGuestAndExpiredLogin(t *testing.T) {
	s := startFake(t, fakedouyin.Options{Seed: 6, Users: 1, PostsPerUser: 5})
	ctx := testCtx(t)
	guest := fakeClient(t, s, "")
	for name, p := range map[string]func() error{
		"favorites":    func() error { _, err := guest.Favorites().Next(ctx); return err },
		"folders":      func() error { _, err := guest.CollectFolders().Next(ctx); return err },
		"folder posts": func() error { _, err := guest.CollectFolderPosts("1").Next(ctx); return err },
	} {
		if err := p(); !errors.Is(err, ErrLoginRequired) {
			t.Errorf("guest %s: %v, want ErrLoginRequired", name, err)
		}
	}
	if n := s.Stats().Requests["/aweme/v1/web/aweme/listcollection/"]; n != 0 {
		t.Errorf("a guest sent %d favourites requests; it should fail without asking", n)
	}
	// A session Douyin does not accept: status_code 8.
	expired := fakeClient(t, s, "sessionid=0123456789abcdef; sid_guard=x")
	_, err := expired.Favorites().Next(ctx)
	var se *StatusError
	if !errors.Is(err, ErrLoginRequired) || !errors.As(err, &se) || se.Code != 8 || se.Endpoint != "favorites" {
		t.Errorf("expired login: %v", err)
	}
}

func TestFakeLive(t *testing.T) {
	s := startFake(t, fakedouyin.Options{Seed: 7, Users: 2, PostsPerUser: 5})
	c := fakeClient(t, s, "")
	ctx := testCtx(t)
	w := s.World()
	living, ended := w.LivingRoom(), w.EndedRoom()

	r, err := c.LiveRoomByWebRID(ctx, living.WebRID)
	if err != nil {
		t.Fatal(err)
	}
	if r.RoomID != living.RoomID || !r.Living() || r.Title != living.Title || r.WebRID != living.WebRID || r.Owner.UID != living.Owner.UID || len(r.FLV) == 0 || r.UserCount != living.UserCount {
		t.Errorf("living room = %+v", r)
	}
	e, err := c.LiveRoomByWebRID(ctx, ended.WebRID)
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != RoomEnded || e.Living() || e.FLV != nil {
		t.Errorf("ended room = %+v", e)
	}
	byID, err := c.LiveRoomByRoomID(ctx, living.RoomID)
	if err != nil || byID.RoomID != living.RoomID || byID.WebRID != living.WebRID || !byID.Living() || len(byID.FLV) == 0 {
		t.Errorf("room by id = %+v, %v", byID, err)
	}
	// A 19-digit "web rid" is a room id.
	if viaWeb, err := c.LiveRoomByWebRID(ctx, ended.RoomID); err != nil || viaWeb.RoomID != ended.RoomID || viaWeb.Status != RoomEnded {
		t.Errorf("room id through LiveRoomByWebRID = %+v, %v", viaWeb, err)
	}
	if _, err := c.LiveRoomByWebRID(ctx, "99999999999"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown room: %v", err)
	}
	st, err := c.UserLiveStatus(ctx, living.Owner.UID)
	if err != nil || !st.Live || st.RoomID != living.RoomID {
		t.Errorf("live status of the streamer = %+v, %v", st, err)
	}
	st, err = c.UserLiveStatus(ctx, ended.Owner.UID)
	if err != nil || st.Live || st.RoomID != "" {
		t.Errorf("live status after the live = %+v, %v", st, err)
	}

	live := testLive(t)
	stream, err := live.Open(ctx, r.FLV["FULL_HD1"])
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 3)
	if _, err := io.ReadFull(stream, head); err != nil || string(head) != "FLV" {
		t.Errorf("stream starts %q, %v", head, err)
	}
	buf := make([]byte, 64<<10)
	if n, err := io.ReadAtLeast(stream, buf, 1024); err != nil {
		t.Errorf("read %d bytes: %v", n, err)
	}
	if err := stream.Close(); err != nil {
		t.Error(err)
	}
	if _, err := stream.Read(buf); err == nil {
		t.Error("Read after Close succeeded")
	}
	// The ended room's old URL is gone.
	if _, err := live.Open(ctx, strings.Replace(r.FLV["FULL_HD1"], "sign=", "sign=x", 1)); !isStatus(err, http.StatusNotFound) {
		t.Errorf("bad stream URL: %v", err)
	}
	if got := s.Stats().Requests["live-flv"]; got != 2 {
		t.Errorf("%d FLV requests, want 2", got)
	}
}

func TestFakeResolveShortLinks(t *testing.T) {
	s := startFake(t, fakedouyin.Options{Seed: 8, Users: 2, PostsPerUser: 6})
	c := fakeClient(t, s, "")
	ctx := testCtx(t)
	w := s.World()
	type want struct {
		code string
		r    Resolved
	}
	var cases []want
	for _, u := range w.Users {
		cases = append(cases, want{u.ShortCode, Resolved{KindUser, u.SecUID}})
		for _, p := range u.Posts[:min(3, len(u.Posts))] {
			cases = append(cases, want{p.ShortCode, Resolved{KindPost, p.AwemeID}})
		}
		for _, m := range u.Mixes {
			cases = append(cases, want{m.ShortCode, Resolved{KindMix, m.ID}})
		}
	}
	for _, r := range w.Rooms {
		cases = append(cases, want{r.ShortCode, Resolved{KindRoom, r.RoomID}})
	}
	for _, tc := range cases {
		input := "长按复制此条消息，打开抖音搜索，查看TA的更多作品。 " + s.URL() + "/v/" + tc.code + "/ 复制此链接"
		got, err := c.Resolve(ctx, input)
		if err != nil || got != tc.r {
			t.Errorf("Resolve(%s) = %+v, %v; want %+v", tc.code, got, err, tc.r)
		}
	}
	if n := s.Stats().Requests["/v/"]; n != int64(len(cases)) {
		t.Errorf("%d short-link requests for %d links", n, len(cases))
	}
	if _, err := c.Resolve(ctx, s.URL()+"/v/iNOSUCHCODE/"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown short link: %v", err)
	}
}

func TestFakeLogin(t *testing.T) {
	s := startFake(t, fakedouyin.Options{Seed: 9, Users: 1, PostsPerUser: 3})
	c := fakeClient(t, s, "")
	ctx := testCtx(t)
	qr, err := c.LoginQRCode(ctx)
	if err != nil || qr.Token == "" || !strings.Contains(qr.URL, qr.Token) {
		t.Fatalf("QR code %+v, %v", qr, err)
	}
	var states []string
	var st LoginState
	for i := 0; i < 5 && st.Status != LoginConfirmed; i++ {
		if st, err = c.LoginPoll(ctx, qr.Token); err != nil {
			t.Fatal(err)
		}
		states = append(states, st.Status)
	}
	if !slices.Equal(states, []string{"1", "2", "3"}) {
		t.Errorf("states %v, want 1 2 3", states)
	}
	if cookieValue(st.Cookie, "sessionid") == "" || cookieValue(st.Cookie, "sessionid") != cookieValue(s.World().LoginCookie, "sessionid") {
		t.Fatalf("login cookie lacks the session (%d bytes)", len(st.Cookie))
	}
	me := fakeClient(t, s, st.Cookie)
	if !me.LoggedIn() {
		t.Fatal("the new cookie is not logged in")
	}
	if _, err := me.Favorites().Next(ctx); err != nil {
		t.Errorf("favourites with the new cookie: %v", err)
	}
	// A code that was used is over.
	if st, err := c.LoginPoll(ctx, qr.Token); err != nil || st.Status != LoginExpired {
		t.Errorf("poll after login = %+v, %v", st, err)
	}
}

func TestFakeRejections(t *testing.T) {
	s := startFake(t, fakedouyin.Options{Seed: 10, Users: 1, PostsPerUser: 5})
	ctx := testCtx(t)
	u := s.World().Users[0]

	// A signature over another User-Agent than the one sent: empty body,
	// retried with fresh tokens, then Retries times more (F2 retries
	// empty bodies max_retries times, §1.6), then ErrRejected.
	c := fakeClient(t, s, "")
	c.signUA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"
	before := s.Stats()
	_, err := c.UserProfile(ctx, u.SecUID)
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("mismatched signature: %v, want ErrRejected", err)
	}
	after := s.Stats()
	if d := after.Requests["/aweme/v1/web/user/profile/other/"] - before.Requests["/aweme/v1/web/user/profile/other/"]; d != 4 {
		t.Errorf("%d profile requests, want 4 (Retries = 3)", d)
	}
	if after.RejectReasons["signature"] != 4 || c.Stats().Rejected != 4 || c.Stats().Errors["user_profile"] != 1 {
		t.Errorf("reject reasons %v, client %+v", after.RejectReasons, c.Stats())
	}
	if after.Requests["/web/r/token"] != 2 {
		t.Errorf("%d msToken registrations, want 2 (first call and refresh)", after.Requests["/web/r/token"])
	}

	// X-Bogus is accepted too.
	xb := fakeClient(t, s, "", func(cfg *Config) { cfg.Signing = sign.SchemeXBogus })
	if _, err := xb.UserProfile(ctx, u.SecUID); err != nil {
		t.Errorf("X-Bogus: %v", err)
	}

	// Without a ttwid (no registration host, no cookie) the cookie is not
	// a browser's: www endpoints answer empty bodies.
	nottwid := fakeClient(t, s, "", func(cfg *Config) { cfg.Hosts.TTWID = "" })
	if _, err := nottwid.UserMixes(u.SecUID).Next(ctx); !errors.Is(err, ErrRejected) {
		t.Errorf("mix list without ttwid: %v", err)
	}
	if s.Stats().RejectReasons["cookie"] != 4 {
		t.Errorf("reject reasons %v", s.Stats().RejectReasons)
	}

	// A wrong parameter is a status error, not a rejection.
	if _, err := c.UserLiveStatus(ctx, "not-a-uid"); err == nil {
		t.Error("bad uid accepted")
	}
}

func TestFakeStrictMsTokenFallback(t *testing.T) {
	// The msToken host fails: the false token is used, and the fake, which
	// by default only accepts its own tokens, refuses it.
	s := startFake(t, fakedouyin.Options{Seed: 11, Users: 1, PostsPerUser: 3})
	ctx := testCtx(t)
	good := fakeClient(t, s, "")
	if _, err := good.UserProfile(ctx, s.World().Users[0].SecUID); err != nil {
		t.Fatalf("with a registered msToken: %v", err)
	}
	bad := fakeClient(t, s, "", func(cfg *Config) { cfg.Hosts.MsToken = "" })
	if _, err := bad.UserProfile(ctx, s.World().Users[0].SecUID); !errors.Is(err, ErrRejected) {
		t.Errorf("with a false msToken: %v", err)
	}
	if s.Stats().RejectReasons["mstoken"] != 4 {
		t.Errorf("reject reasons %v", s.Stats().RejectReasons)
	}
}

func TestFakeFaults(t *testing.T) {
	s := startFake(t, fakedouyin.Options{Seed: 12, Users: 1, PostsPerUser: 200, GuestAllPages: true})
	u := s.World().Users[0]
	pages := pagesFor(servedPosts(u), 20)

	run := func(t *testing.T, c *Client) []Post {
		t.Helper()
		s.ResetStats()
		return all(testCtx(t), t, c.UserPosts(u.SecUID))
	}
	for _, tc := range []struct {
		name  string
		set   func(*fakedouyin.Options)
		fault string
	}{
		{"5xx", func(o *fakedouyin.Options) { o.Fault5xx = 0.3 }, "5xx"},
		{"reset", func(o *fakedouyin.Options) { o.FaultReset = 0.3 }, "reset"},
		{"stall", func(o *fakedouyin.Options) { o.FaultStall = 0.3 }, "stall"},
		{"truncated JSON", func(o *fakedouyin.Options) { o.MalformedRate = 0.3 }, "malformed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := fakeClient(t, s, "", func(cfg *Config) { cfg.Retries = 8; cfg.Timeout = 500 * time.Millisecond })
			c.ensureTokens(testCtx(t)) // tokens first, so that only pages count below
			s.SetOptions(tc.set)
			defer s.SetOptions(func(o *fakedouyin.Options) { *o = fakedouyin.Options{GuestAllPages: true} })
			got := run(t, c)
			if !slices.Equal(shownIDs(got), worldIDs(u.Listed(false))) {
				t.Fatalf("got %d posts, want %d", len(got), len(u.Posts))
			}
			st := s.Stats()
			faults := st.Faults[tc.fault]
			if faults == 0 {
				t.Fatalf("no %s fault was injected: %v", tc.fault, st.Faults)
			}
			if n := st.Requests["/aweme/v1/web/aweme/post/"]; n != pages+faults {
				t.Errorf("%d requests for %d pages and %d faults", n, pages, faults)
			}
			if cs := c.Stats(); cs.Retries != faults {
				t.Errorf("client retried %d times for %d faults", cs.Retries, faults)
			}
		})
	}

	t.Run("429 honours Retry-After", func(t *testing.T) {
		c := fakeClient(t, s, "", func(cfg *Config) { cfg.Retries = 1 })
		c.ensureTokens(testCtx(t))
		s.SetOptions(func(o *fakedouyin.Options) { o.Fault429 = 1 })
		defer s.SetOptions(func(o *fakedouyin.Options) { *o = fakedouyin.Options{GuestAllPages: true} })
		s.ResetStats()
		start := time.Now()
		_, err := c.UserPosts(u.SecUID).Next(testCtx(t))
		if !errors.Is(err, ErrRateLimited) {
			t.Fatalf("429 every time: %v, want ErrRateLimited", err)
		}
		if el := time.Since(start); el < time.Second {
			t.Errorf("retried after %v, before Retry-After: 1", el)
		}
		if n := s.Stats().Requests["/aweme/v1/web/aweme/post/"]; n != 2 {
			t.Errorf("%d requests, want 2 (Retries = 1)", n)
		}
		// A deadline shorter than Retry-After: no pointless wait.
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start = time.Now()
		if _, err := c.UserPosts(u.SecUID).Next(ctx); !errors.Is(err, ErrRateLimited) || time.Since(start) > 250*time.Millisecond {
			t.Errorf("with a short deadline: %v after %v", err, time.Since(start))
		}
	})

	t.Run("malformed every time", func(t *testing.T) {
		c := fakeClient(t, s, "")
		c.ensureTokens(testCtx(t))
		s.SetOptions(func(o *fakedouyin.Options) { o.MalformedRate = 1 })
		defer s.SetOptions(func(o *fakedouyin.Options) { *o = fakedouyin.Options{GuestAllPages: true} })
		s.ResetStats()
		_, err := c.UserPosts(u.SecUID).Next(testCtx(t))
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "user_posts") {
			t.Errorf("malformed: %v", err)
		}
		// Retried like any transient failure, and no more (Retries = 3).
		if n := s.Stats().Requests["/aweme/v1/web/aweme/post/"]; n != 4 {
			t.Errorf("%d requests for an answer that is always malformed, want 4", n)
		}
	})

	t.Run("empty page quirk", func(t *testing.T) {
		c := fakeClient(t, s, "")
		c.ensureTokens(testCtx(t))
		s.SetOptions(func(o *fakedouyin.Options) { o.EmptyPageQuirk = true })
		defer s.SetOptions(func(o *fakedouyin.Options) { *o = fakedouyin.Options{GuestAllPages: true} })
		got := run(t, c)
		if !slices.Equal(shownIDs(got), worldIDs(u.Listed(false))) {
			t.Fatalf("got %d posts, want %d", len(got), len(u.Posts))
		}
		if n := s.Stats().Requests["/aweme/v1/web/aweme/post/"]; n <= pages {
			t.Errorf("%d requests: the quirk did not show", n)
		}
	})

	t.Run("latency and cancellation", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// Cancel as soon as the fake has the request (it logs every
		// request, before its 5 s latency).
		slow := startFake(t, fakedouyin.Options{Seed: 12, Users: 1, PostsPerUser: 2,
			Log: slog.New(onRequest{path: "/aweme/v1/web/user/profile/other/", fn: cancel})})
		c := fakeClient(t, slow, "")
		c.ensureTokens(testCtx(t))
		slow.SetOptions(func(o *fakedouyin.Options) { o.APILatency = 5 * time.Second })
		start := time.Now()
		_, err := c.UserProfile(ctx, slow.World().Users[0].SecUID)
		if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
			t.Errorf("cancel: %v after %v", err, time.Since(start))
		}
		if n := slow.Stats().Requests["/aweme/v1/web/user/profile/other/"]; n != 1 {
			t.Errorf("%d profile requests, want 1 (the cancel came while it was in flight)", n)
		}
	})
}

// onRequest is a slog handler that calls fn when the fake logs a request
// for path.
type onRequest struct {
	path string
	fn   func()
}

func (h onRequest) Enabled(context.Context, slog.Level) bool { return true }
func (h onRequest) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h onRequest) WithGroup(string) slog.Handler            { return h }
func (h onRequest) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "path" && a.Value.String() == h.path {
			h.fn()
		}
		return true
	})
	return nil
}

// isStatus reports whether err is the CDN's answer status.
func isStatus(err error, status int) bool {
	se, ok := errors.AsType[*media.StatusError](err)
	return ok && se.Status == status
}
