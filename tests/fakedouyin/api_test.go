package fakedouyin

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/douyinfs/douyinfs/sign"
)

func TestProfile(t *testing.T) {
	s := startServer(t, Options{Seed: 1})
	c := newClient(t, s)
	w := s.World()
	for _, u := range w.Users {
		v := c.webJSON("/aweme/v1/web/user/profile/other/", "sec_user_id="+u.SecUID)
		if i64(v["status_code"]) != 0 {
			t.Fatalf("status_code %v", v["status_code"])
		}
		for p, want := range map[string]string{"user.sec_uid": u.SecUID, "user.uid": u.UID, "user.nickname": u.Nickname} {
			if got := str(path(v, p)); got != want {
				t.Errorf("%s: %s = %q, want %q", u.Name, p, got, want)
			}
		}
		if got := i64(path(v, "user.aweme_count")); got != int64(len(u.Posts)+u.HiddenPosts) {
			t.Errorf("%s: aweme_count %d, want %d", u.Name, got, len(u.Posts)+u.HiddenPosts)
		}
		if got := i64(path(v, "user.secret")); got != int64(boolInt(u.Private)) {
			t.Errorf("%s: secret %d, private %v", u.Name, got, u.Private)
		}
		if got := i64(path(v, "user.mix_count")); got != int64(len(u.Mixes)) {
			t.Errorf("%s: mix_count %d, want %d", u.Name, got, len(u.Mixes))
		}
		if got := path(v, "user.show_favorite_list"); got != !u.LikesPrivate {
			t.Errorf("%s: show_favorite_list %v with private %v", u.Name, got, u.LikesPrivate)
		}
		avatar := str(path(v, "user.avatar_larger.url_list.0"))
		if r := c.get(avatar); r.StatusCode != http.StatusOK || string(r.body) != string(u.Avatar.Bytes()) {
			t.Errorf("%s: avatar %s: HTTP %d, %d bytes", u.Name, avatar, r.StatusCode, len(r.body))
		}
		living := u.Room != nil && u.Room.Living
		if got := i64(path(v, "user.live_status")); got != int64(boolInt(living)) {
			t.Errorf("%s: live_status %d, living %v", u.Name, got, living)
		}
		if living {
			if got := str(path(v, "user.room_id")); got != u.Room.RoomID {
				t.Errorf("%s: room_id %s, want %s", u.Name, got, u.Room.RoomID)
			}
			var rd map[string]any
			d := json.NewDecoder(strings.NewReader(str(path(v, "user.room_data"))))
			d.UseNumber()
			if err := d.Decode(&rd); err != nil {
				t.Fatalf("room_data: %v", err)
			}
			if str(path(rd, "owner.web_rid")) != u.Room.WebRID || i64(rd["status"]) != 2 {
				t.Errorf("room_data: %v", rd)
			}
		}
	}
	// Unknown user: status 0, user null.
	v := c.webJSON("/aweme/v1/web/user/profile/other/", "sec_user_id=MS4wLjABAAAAnobody")
	if v["user"] != nil || i64(v["status_code"]) != 0 {
		t.Errorf("unknown user: %v", v)
	}
}

func TestDetail(t *testing.T) {
	s := startServer(t, Options{Seed: 2})
	c := newClient(t, s)
	w := s.World()
	for _, p := range []*Post{w.RealVideoPost(), w.RealImagePost(), w.Users[1].Posts[5]} {
		v := c.webJSON("/aweme/v1/web/aweme/detail/", "aweme_id="+p.AwemeID)
		d := path(v, "aweme_detail")
		if str(path(d, "aweme_id")) != p.AwemeID || str(path(d, "desc")) != p.Desc ||
			i64(path(d, "create_time")) != p.CreateTime || i64(path(d, "aweme_type")) != int64(p.Type) ||
			str(path(d, "author.sec_uid")) != p.Author.SecUID {
			t.Errorf("detail of %s: %v", p.AwemeID, d)
		}
		if p.Type == 68 {
			imgs, _ := path(d, "images").([]any)
			if len(imgs) != len(p.Images) {
				t.Fatalf("images: %d, want %d", len(imgs), len(p.Images))
			}
			for k, img := range imgs {
				l, _ := path(img, "url_list").([]any)
				jpeg, webp := splitFormats(l)
				if len(l) != 4 || len(jpeg) != 1 || len(webp) != 3 {
					t.Errorf("image %d url_list %v: want 3 webp and 1 jpeg", k, l)
					continue
				}
				r := c.get(jpeg[0])
				if r.StatusCode != 200 || string(r.body) != string(p.Images[k].Bytes()) {
					t.Errorf("image %d jpeg: HTTP %d, %d bytes", k, r.StatusCode, len(r.body))
				}
				if r := c.get(webp[0]); r.StatusCode != 200 || string(r.body[:4]) != "RIFF" || string(r.body[8:12]) != "WEBP" {
					t.Errorf("image %d webp: HTTP %d, starts %q", k, r.StatusCode, r.body[:12])
				}
			}
			if path(d, "video.bit_rate") == nil || len(path(d, "video.bit_rate").([]any)) != 0 {
				t.Errorf("image post video.bit_rate = %v, want []", path(d, "video.bit_rate"))
			}
		} else {
			if path(d, "images") != nil {
				t.Errorf("video post images = %v, want null", path(d, "images"))
			}
		}
	}
	del := w.DeletedPost()
	v := c.webJSON("/aweme/v1/web/aweme/detail/", "aweme_id="+del.AwemeID)
	if v["aweme_detail"] != nil || str(path(v, "filter_detail.aweme_id")) != del.AwemeID || i64(v["status_code"]) != 0 {
		t.Errorf("deleted post: %v", v)
	}
}

func TestMixEndpoints(t *testing.T) {
	s := startServer(t, Options{Seed: 3})
	c := newClient(t, s)
	u := s.World().Users[0]
	if len(u.Mixes) == 0 {
		t.Fatal("first user has no mix")
	}
	v := c.webJSON("/aweme/v1/web/mix/list/", "sec_user_id="+u.SecUID+"&req_from=channel_pc_web&cursor=0&count=12")
	infos, _ := v["mix_infos"].([]any)
	if len(infos) != len(u.Mixes) {
		t.Fatalf("mix_infos: %d, want %d", len(infos), len(u.Mixes))
	}
	for i, m := range u.Mixes {
		if str(path(infos[i], "mix_id")) != m.ID || str(path(infos[i], "mix_name")) != m.Name ||
			i64(path(infos[i], "statis.updated_to_episode")) != int64(len(m.Posts)) {
			t.Errorf("mix %d: %v", i, infos[i])
		}
		d := c.webJSON("/aweme/v1/web/mix/detail/", "mix_id="+m.ID)
		if str(path(d, "mix_info.mix_id")) != m.ID {
			t.Errorf("mix detail %s: %v", m.ID, d)
		}
		page := c.webJSON("/aweme/v1/web/mix/aweme/", "cursor=0&count=20&mix_id="+m.ID)
		got := ids(page)
		want := postIDs(m.Posts)
		if len(want) > 20 {
			want = want[:20]
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("mix %s videos %v, want %v", m.ID, got, want)
		}
		list := page["aweme_list"].([]any)
		for e, a := range list {
			if i64(path(a, "mix_info.statis.current_episode")) != int64(e+1) || str(path(a, "mix_info.mix_id")) != m.ID {
				t.Errorf("mix %s item %d mix_info %v", m.ID, e, path(a, "mix_info"))
			}
		}
	}
	// The mix list needs a ttwid: without it the answer is empty.
	guest := *c
	guest.cookie = ""
	if r := guest.web("/aweme/v1/web/mix/list/", "sec_user_id="+u.SecUID+"&req_from=channel_pc_web&cursor=0&count=12"); r.StatusCode != 200 || len(r.body) != 0 {
		t.Errorf("mix list without ttwid: HTTP %d, %d bytes; want an empty 200", r.StatusCode, len(r.body))
	}
	// ... and a forged ttwid does not count.
	guest.cookie = "ttwid=1%7Cforged%7C1700000000%7C0123456789abcdef0123456789abcdef"
	if r := guest.web("/aweme/v1/web/mix/list/", "sec_user_id="+u.SecUID+"&req_from=channel_pc_web&cursor=0&count=12"); len(r.body) != 0 {
		t.Errorf("mix list with a forged ttwid: %d bytes; want empty", len(r.body))
	}
}

func TestLoginOnlyEndpoints(t *testing.T) {
	s := startServer(t, Options{Seed: 4})
	c := newClient(t, s)
	me := s.World().Me
	f := me.Folders[0]
	guestAnswers := []*response{
		c.favorites("0", 20),
		c.web("/aweme/v1/web/collects/list/", "cursor=0&count=20"),
		c.web("/aweme/v1/web/collects/video/list/", "cursor=0&count=20&collects_id="+f.ID),
	}
	for _, r := range guestAnswers {
		v := r.json(t)
		if i64(v["status_code"]) != 8 || v["aweme_list"] != nil || v["collects_list"] != nil {
			t.Errorf("%s as a guest: %v; want status_code 8 and no list", r.Request.URL.Path, v)
		}
	}
	if got := s.Stats().RejectReasons["login"]; got != 3 {
		t.Errorf("login rejections counted %d, want 3", got)
	}
	li := c.loggedIn()
	v := li.favorites("0", 20).json(t)
	if got, want := ids(v), postIDs(me.Favorites[:20]); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("favorites %v, want %v", got, want)
	}
	if n := len(str(v["cursor"])); n != 16 {
		t.Errorf("favorites cursor %v has %d digits, want 16", v["cursor"], n)
	}
	v = li.webJSON("/aweme/v1/web/collects/list/", "cursor=0&count=20")
	folders := v["collects_list"].([]any)
	if len(folders) != len(me.Folders) {
		t.Fatalf("collects_list %d, want %d", len(folders), len(me.Folders))
	}
	for i, fo := range folders {
		id, ok := path(fo, "collects_id").(json.Number)
		if !ok || id.String() != me.Folders[i].ID {
			t.Errorf("folder %d collects_id %#v (want the JSON number %s)", i, path(fo, "collects_id"), me.Folders[i].ID)
		}
		if str(path(fo, "collects_name")) != me.Folders[i].Name || i64(path(fo, "total_number")) != int64(len(me.Folders[i].Posts)) {
			t.Errorf("folder %d: %v", i, fo)
		}
	}
	v = li.webJSON("/aweme/v1/web/collects/video/list/", "cursor=0&count=20&collects_id="+me.Folders[1].ID)
	if got, want := ids(v), postIDs(me.Folders[1].Posts); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("folder videos %v, want %v", got, want)
	}
}

func TestTabFeed(t *testing.T) {
	s := startServer(t, Options{Seed: 5})
	c := newClient(t, s)
	feed := s.World().Me.Feed
	q := "count=10&tag_id=&share_aweme_id=&live_insert_type=&refresh_index=%d&video_type_select=1&aweme_pc_rec_raw_data=%7B%22is_client%22%3A%22false%22%7D&globalwid=&pull_type=&min_window=&free_right=&ug_source=&creative_id="
	seen := map[string]bool{}
	for idx := 1; idx <= 3; idx++ {
		v := c.webJSON("/aweme/v1/web/tab/feed/", strings.Replace(q, "%d", itoa(idx), 1))
		got := ids(v)
		if len(got) != 10 || i64(v["has_more"]) != 1 {
			t.Fatalf("feed page %d: %d items has_more %v", idx, len(got), v["has_more"])
		}
		for k, id := range got {
			if want := feed[((idx-1)*10+k)%len(feed)].AwemeID; id != want {
				t.Errorf("feed page %d item %d = %s, want %s", idx, k, id, want)
			}
			seen[id] = true
		}
	}
	if len(seen) != 30 {
		t.Errorf("3 feed pages gave %d distinct posts, want 30", len(seen))
	}
}

func TestLiveEndpoints(t *testing.T) {
	s := startServer(t, Options{Seed: 6})
	c := newClient(t, s)
	w := s.World()
	for _, room := range []*Room{w.LivingRoom(), w.EndedRoom()} {
		v := c.do(c.liveRequest(room.WebRID)).json(t)
		r0 := path(v, "data.data.0")
		wantStatus := int64(roomStatus(room))
		if str(path(r0, "id_str")) != room.RoomID || i64(path(r0, "status")) != wantStatus ||
			str(path(r0, "owner.sec_uid")) != room.Owner.SecUID {
			t.Errorf("enter %s: %v", room.WebRID, r0)
		}
		for _, q := range liveQualities() {
			if str(path(r0, "stream_url.flv_pull_url."+q)) == "" || str(path(r0, "stream_url.hls_pull_url_map."+q)) == "" {
				t.Errorf("enter %s: no %s stream URL", room.WebRID, q)
			}
		}
		v = c.do(c.reflowRequest(room.RoomID)).json(t)
		rr := path(v, "data.room")
		if str(path(rr, "id")) != room.RoomID || i64(path(rr, "status")) != wantStatus || str(path(rr, "owner.web_rid")) != room.WebRID {
			t.Errorf("reflow %s: %v", room.RoomID, rr)
		}
		if !room.Living && i64(path(rr, "finish_time")) == 0 {
			t.Errorf("ended room has no finish_time")
		}
		st := c.webJSON("/webcast/distribution/check_user_live_status/", "user_ids="+room.Owner.UID+"&distribution_scenes=254")
		live := path(st, "data.0.user_live.0")
		wantLive := int64(boolInt(room.Owner.Room.Living))
		if i64(path(live, "live_status")) != wantLive || str(path(live, "user_id_str")) != room.Owner.UID {
			t.Errorf("live status of %s: %v", room.Owner.UID, live)
		}
	}
	// The enter endpoint needs a ttwid cookie.
	guest := *c
	guest.cookie = ""
	if r := guest.do(guest.liveRequest(w.LivingRoom().WebRID)); len(r.body) != 0 {
		t.Errorf("enter without ttwid: %d bytes, want an empty body", len(r.body))
	}
	// reflow/info needs no cookie.
	if v := guest.do(guest.reflowRequest(w.LivingRoom().RoomID)).json(t); path(v, "data.room") == nil {
		t.Errorf("reflow without cookie: %v", v)
	}
}

func (c *client) liveRequest(webRID string) *http.Request {
	req := c.request(http.MethodGet, "/webcast/room/web/enter/", liveBase()+"&web_rid="+webRID+"&room_id_str=", nil)
	return req
}

func (c *client) reflowRequest(roomID string) *http.Request {
	req := c.request(http.MethodGet, "/webcast/room/reflow/info/", reflowBase()+"&room_id="+roomID, nil)
	req.Header.Del("Cookie")
	return req
}

func TestTokens(t *testing.T) {
	s := startServer(t, Options{Seed: 7})
	c := newClient(t, s)
	if len(c.msToken) != 184 {
		t.Errorf("msToken length %d, want 184", len(c.msToken))
	}
	tt, _, _ := strings.Cut(strings.TrimPrefix(c.cookie, "ttwid="), ";")
	if !s.World().validTTWID(tt) {
		t.Errorf("issued ttwid %q does not validate", c.cookie)
	}
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/webid?aid=6383&sdk_version=5.1.18_zip&device_platform=web",
		strings.NewReader(`{"app_id": 6383, "referer": "https://www.douyin.com/", "url": "https://www.douyin.com/", "user_agent": "`+testUA+`", "user_unique_id": ""}`))
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	v := c.do(req).json(t)
	if len(str(v["web_id"])) != 19 {
		t.Errorf("webid: %v", v)
	}
	// A GET or a body without the magic gets no token.
	for _, req := range []*http.Request{
		mustReq(http.MethodGet, s.URL()+"/web/r/token?ms_appid=6383", ""),
		mustReq(http.MethodPost, s.URL()+"/web/r/token?ms_appid=6383", `{"magic": 1}`),
		mustReq(http.MethodPost, s.URL()+"/ttwid/union/register/", `not json`),
	} {
		r := c.do(req)
		if len(r.Cookies()) != 0 || len(r.body) != 0 {
			t.Errorf("%s %s: cookies %v body %q; want nothing", req.Method, req.URL.Path, r.Cookies(), r.body)
		}
	}
}

func mustReq(method, url, body string) *http.Request {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	return req
}

// Only msTokens this server issued pass, by default; LooseMsToken lets any
// well-formed one through.
func TestStrictMsToken(t *testing.T) {
	s := startServer(t, Options{Seed: 8})
	c := newClient(t, s)
	u := s.World().Users[0].SecUID
	if v := c.webJSON("/aweme/v1/web/user/profile/other/", "sec_user_id="+u); path(v, "user") == nil {
		t.Fatalf("issued msToken refused: %v", v)
	}
	c.msToken = strings.Repeat("A", 182) + "=="
	if r := c.web("/aweme/v1/web/user/profile/other/", "sec_user_id="+u); len(r.body) != 0 {
		t.Errorf("unissued msToken accepted by default")
	}
	if n := s.Stats().RejectReasons["mstoken"]; n != 1 {
		t.Errorf("reject reasons %v, want one mstoken", s.Stats().RejectReasons)
	}
	s.SetOptions(func(o *Options) { o.LooseMsToken = true })
	if v := c.webJSON("/aweme/v1/web/user/profile/other/", "sec_user_id="+u); path(v, "user") == nil {
		t.Errorf("well-formed msToken refused with LooseMsToken: %v", v)
	}
}

// aweme/detail wants a_bogus: X-Bogus gets the empty answer, as the real
// endpoint has given since 2024; other endpoints take either. The knob
// DetailAcceptsXBogus lets X-Bogus through.
func TestDetailRefusesXBogus(t *testing.T) {
	s := startServer(t, Options{Seed: 9})
	c := newClient(t, s)
	p := s.World().Users[0].Posts[0]
	if v := c.webJSON("/aweme/v1/web/aweme/detail/", "aweme_id="+p.AwemeID); path(v, "aweme_detail.aweme_id") != p.AwemeID {
		t.Fatalf("a_bogus detail refused: %v", v)
	}
	c.scheme = sign.SchemeXBogus
	if r := c.web("/aweme/v1/web/aweme/detail/", "aweme_id="+p.AwemeID); len(r.body) != 0 {
		t.Errorf("X-Bogus detail answered %d bytes, want the empty refusal", len(r.body))
	}
	if n := s.Stats().RejectReasons["xbogus-refused"]; n != 1 {
		t.Errorf("reject reasons %v, want one xbogus-refused", s.Stats().RejectReasons)
	}
	if v := c.webJSON("/aweme/v1/web/user/profile/other/", "sec_user_id="+p.Author.SecUID); path(v, "user") == nil {
		t.Errorf("X-Bogus profile refused: %v", v)
	}
	s.SetOptions(func(o *Options) { o.DetailAcceptsXBogus = true })
	if v := c.webJSON("/aweme/v1/web/aweme/detail/", "aweme_id="+p.AwemeID); path(v, "aweme_detail.aweme_id") != p.AwemeID {
		t.Errorf("X-Bogus detail refused with DetailAcceptsXBogus: %v", v)
	}
}

// www endpoints answer the empty 200 to a cookie that is not a browser's:
// none, a ttwid alone, a made-up ttwid, a malformed s_v_web_id. A guest
// browser's (issued ttwid and s_v_web_id) and the login cookie work;
// NoCookieCheck answers any.
func TestCookieRequired(t *testing.T) {
	s := startServer(t, Options{Seed: 10})
	c := newClient(t, s)
	u := s.World().Users[0].SecUID
	profile := func(cookie string) int {
		d := *c
		d.cookie = cookie
		return len(d.web("/aweme/v1/web/user/profile/other/", "sec_user_id="+u).body)
	}
	tt, _, _ := strings.Cut(strings.TrimPrefix(c.cookie, "ttwid="), ";")
	for name, ck := range map[string]string{
		"no cookie":         "",
		"ttwid only":        "ttwid=" + tt,
		"made-up ttwid":     "ttwid=1%7Cabc%7C1700000000%7C0123456789abcdef0123456789abcdef; s_v_web_id=" + verifyFp(),
		"bad s_v_web_id":    "ttwid=" + tt + "; s_v_web_id=verify_x",
		"session of nobody": "sessionid=0123; ttwid=" + tt,
	} {
		if n := profile(ck); n != 0 {
			t.Errorf("%s: %d bytes, want the empty refusal", name, n)
		}
	}
	if n := s.Stats().RejectReasons["cookie"]; n != 5 {
		t.Errorf("reject reasons %v, want 5 cookie", s.Stats().RejectReasons)
	}
	if profile(c.cookie) == 0 || profile(s.World().LoginCookie) == 0 {
		t.Error("a guest browser's cookie or the login cookie refused")
	}
	// Only www endpoints: the token services take no cookie.
	if len(c.registerTTWID()) == 0 {
		t.Error("ttwid registration without a cookie refused")
	}
	s.SetOptions(func(o *Options) { o.NoCookieCheck = true })
	if profile("") == 0 {
		t.Error("NoCookieCheck: no cookie refused")
	}
}
