package fetch

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// Spec §6.3: F2's test inputs and expected ids. The rows that are not
// short links are matched offline.
var specOfflineRows = []struct {
	input string
	want  Resolved
}{
	// aweme ids
	{"https://www.iesdouyin.com/share/video/7298145681699622182/?region=CN&mid=7298145762238565171&u_code=l1j9bkbd&did=MS4wLjABAAAAtqpCx0hpOERbdSzQdjRZw-wFPxaqdbAzsKDmbJMUI3KWlMGQHC-n6dXAqa-dM2EP&iid=MS4wLjABAAAANwkJuWIRFOzg5uCpDRpMj4OX-QryoDgn-yYlXQnRwQQ&with_sec_did=1&titleType=title&share_sign=05kGlqGmR4_IwCX.ZGk6xuL0osNA..5ur7b0jbOx6cc-&share_version=170400&ts=1699262937&from_aid=6383&from_ssr=1&from=web_code_link", Resolved{KindPost, "7298145681699622182"}},
	{"https://www.douyin.com/video/7298145681699622182?previous_page=web_code_link", Resolved{KindPost, "7298145681699622182"}},
	{"https://www.douyin.com/video/7298145681699622182", Resolved{KindPost, "7298145681699622182"}},
	{"https://www.douyin.com/note/7330042216045464883", Resolved{KindPost, "7330042216045464883"}},
	// sec_user_ids
	{"https://www.douyin.com/user/MS4wLjABAAAAVsneOf144eGDFf8Xp9QNb1VW6ovXnNT5SqJBhJfe8KQBKWKDTWK5Hh-_i9mJzb8C?vid=7285950278132616463", Resolved{KindUser, "MS4wLjABAAAAVsneOf144eGDFf8Xp9QNb1VW6ovXnNT5SqJBhJfe8KQBKWKDTWK5Hh-_i9mJzb8C"}},
	{"https://www.douyin.com/user/MS4wLjABAAAAVsneOf144eGDFf8Xp9QNb1VW6ovXnNT5SqJBhJfe8KQBKWKDTWK5Hh-_i9mJzb8C", Resolved{KindUser, "MS4wLjABAAAAVsneOf144eGDFf8Xp9QNb1VW6ovXnNT5SqJBhJfe8KQBKWKDTWK5Hh-_i9mJzb8C"}},
	// webcast ids
	{"https://live.douyin.com/775841227732", Resolved{KindLive, "775841227732"}},
	{"https://live.douyin.com/775841227732?room_id=7318296342189919011&enter_from_merge=web_share_link&enter_method=web_share_link&previous_page=app_code_link", Resolved{KindLive, "775841227732"}},
	{`https://webcast.amemv.com/douyin/webcast/reflow/7318296342189919011?u_code=l1j9bkbd&did=MS4wLjABAAAAEs86TBQPNwAo-RGrcxWyCdwKhI66AK3Pqf3ieo6HaxI&iid=MS4wLjABAAAA0ptpM-zzoliLEeyvWOCUt-_dQza4uSjlIvbtIazXnCY&with_sec_did=1&use_link_command=1&ecom_share_track_params=&extra_params={"from_request_id":"20231230162057EC005772A8EAA0199906","im_channel_invite_id":"0"}&user_id=3644207898042206&liveId=7318296342189919011&from=share&style=share&enter_method=click_share&roomId=7318296342189919011&activity_info={}`, Resolved{KindRoom, "7318296342189919011"}},
	// documentation examples
	{"https://www.douyin.com/collection/7360898383181809676", Resolved{KindMix, "7360898383181809676"}},
	{"https://www.douyin.com/collection/7270895771149404160", Resolved{KindMix, "7270895771149404160"}},
	{"https://www.douyin.com/user/MS4wLjABAAAANXSltcLCzDGmdNFI2Q_QixVTr67NiYzjKOIP5s03CAE?vid=7285950278132616463", Resolved{KindUser, "MS4wLjABAAAANXSltcLCzDGmdNFI2Q_QixVTr67NiYzjKOIP5s03CAE"}},
	{"https://webcast.amemv.com/douyin/webcast/reflow/7444223303348144935?x=1", Resolved{KindRoom, "7444223303348144935"}},
}

// The v.douyin.com rows of §6.3: input, the code in it, where the real
// short link redirected (shaped as the real service does), and the answer.
var specShortLinkRows = []struct {
	input, code, location string
	want                  Resolved
}{
	{"0.53 02/26 I@v.sE Fus:/ 你别太帅了郑润泽# 现场版live # 音乐节 # 郑润泽  https://v.douyin.com/iRNBho6u/ 复制此链接，打开Dou音搜索，直接观看视频!", "iRNBho6u",
		"https://www.iesdouyin.com/share/video/7298145681699622182/?region=CN&mid=7298145762238565171&u_code=l1j9bkbd&from_ssr=1&from=web_code_link", Resolved{KindPost, "7298145681699622182"}},
	{"https://v.douyin.com/iRNBho6u/", "iRNBho6u", "", Resolved{KindPost, "7298145681699622182"}},
	{"https://v.douyin.com/iNUBcHxM/", "iNUBcHxM",
		"https://www.iesdouyin.com/share/note/7330042216045464883/?region=CN&mid=7330042275654667030&from_ssr=1", Resolved{KindPost, "7330042216045464883"}},
	{"长按复制此条消息，打开抖音搜索，查看TA的更多作品。 https://v.douyin.com/idFqvUms/", "idFqvUms",
		"https://www.iesdouyin.com/share/user/MS4wLjABAAAAVsneOf144eGDFf8Xp9QNb1VW6ovXnNT5SqJBhJfe8KQBKWKDTWK5Hh-_i9mJzb8C?did=MS4wLjABAAAA&sec_uid=MS4wLjABAAAAVsneOf144eGDFf8Xp9QNb1VW6ovXnNT5SqJBhJfe8KQBKWKDTWK5Hh-_i9mJzb8C&from_ssr=1", Resolved{KindUser, "MS4wLjABAAAAVsneOf144eGDFf8Xp9QNb1VW6ovXnNT5SqJBhJfe8KQBKWKDTWK5Hh-_i9mJzb8C"}},
	{"https://v.douyin.com/idFqvUms/", "idFqvUms", "", Resolved{KindUser, "MS4wLjABAAAAVsneOf144eGDFf8Xp9QNb1VW6ovXnNT5SqJBhJfe8KQBKWKDTWK5Hh-_i9mJzb8C"}},
	{"6i- Q@x.Sl 03/23 【醒子8ke的直播间】  点击打开👉https://v.douyin.com/i8tBR7hX/  或长按复制此条消息，打开抖音，看TA直播", "i8tBR7hX",
		"https://webcast.amemv.com/douyin/webcast/reflow/7318296342189919011?u_code=l1j9bkbd&liveId=7318296342189919011&from=share", Resolved{KindRoom, "7318296342189919011"}},
	{"https://v.douyin.com/i8tBR7hX/", "i8tBR7hX", "", Resolved{KindRoom, "7318296342189919011"}},
}

func TestParseURLSpecRows(t *testing.T) {
	for _, tc := range specOfflineRows {
		got, ok := ParseURL(tc.input)
		if !ok || got != tc.want {
			t.Errorf("ParseURL(%.80s) = %+v %v, want %+v", tc.input, got, ok, tc.want)
		}
	}
	// Short links cannot be read offline.
	for _, tc := range specShortLinkRows {
		if got, ok := ParseURL(tc.input); ok {
			t.Errorf("ParseURL(%.60s) = %+v offline", tc.input, got)
		}
	}
}

// secUIDB is a sec_user_id of the real shape for the tests below.
const secUIDB = "MS4wLjABAAAANXSltcLCzDGmdNFI2Q_QixVTr67NiYzjKOIP5s03CAE"

func TestParseURLMore(t *testing.T) {
	for input, want := range map[string]Resolved{
		"https://www.douyin.com/user/MS4wLjABAAAAx?modal_id=7298145681699622182":           {KindPost, "7298145681699622182"},
		"https://www.douyin.com/discover?modal_id=7298145681699622182":                     {KindPost, "7298145681699622182"},
		"看看https://www.douyin.com/video/7298145681699622182复制链接":                           {KindPost, "7298145681699622182"},
		"HTTPS://WWW.DOUYIN.COM/video/7298145681699622182":                                 {KindPost, "7298145681699622182"},
		"https://www.iesdouyin.com/share/slides/7330042216045464883/":                      {KindPost, "7330042216045464883"},
		"https://www.iesdouyin.com/share/mix/detail/7238089454588528701/?schema_type=24":   {KindMix, "7238089454588528701"},
		"https://www.iesdouyin.com/share/user/" + secUIDB + "?sec_uid=" + secUIDB + "&x=1": {KindUser, secUIDB},
		"https://www.iesdouyin.com/share/user/?sec_uid=" + secUIDB:                         {KindUser, secUIDB},
		"https://live.douyin.com/7318296342189919011":                                      {KindRoom, "7318296342189919011"},
		"https://www.douyin.com/follow/live/775841227732":                                  {KindLive, "775841227732"},
		"MS4wLjABAAAAVsneOf144eGDFf8Xp9QNb1VW6ovXnNT5SqJBhJfe8KQBKWKDTWK5Hh-_i9mJzb8C":     {KindUser, "MS4wLjABAAAAVsneOf144eGDFf8Xp9QNb1VW6ovXnNT5SqJBhJfe8KQBKWKDTWK5Hh-_i9mJzb8C"},
		"  MS4wLjABAAAAVsneOf144eGDFf8Xp9QNb1VW6ovXnNT5SqJBhJfe8KQBKWKDTWK5Hh-_i9mJzb8C\n": {KindUser, "MS4wLjABAAAAVsneOf144eGDFf8Xp9QNb1VW6ovXnNT5SqJBhJfe8KQBKWKDTWK5Hh-_i9mJzb8C"},
	} {
		if got, ok := ParseURL(input); !ok || got != want {
			t.Errorf("ParseURL(%q) = %+v %v, want %+v", input, got, ok, want)
		}
	}
	for _, input := range []string{
		"", "hello", "https://", "https://www.douyin.com/", "https://www.douyin.com/video/abc",
		"https://www.douyin.com/user/self", "7298145681699622182", "https://v.douyin.com/iRNBho6u/",
		"https://www.douyin.com/user/bad%20id",
		// Not Douyin's id shapes (fetch.Is*ID).
		"https://www.douyin.com/user/MS4wLjABAAAAdB", "https://www.douyin.com/user/abc",
		"https://www.douyin.com/video/1234567", "https://www.douyin.com/collection/12",
		"https://live.douyin.com/123", "https://webcast.amemv.com/douyin/webcast/reflow/775841227732",
	} {
		if got, ok := ParseURL(input); ok {
			t.Errorf("ParseURL(%q) = %+v, want no match", input, got)
		}
	}
}

// shortLinkServer answers /v/<code>/ with a 302 to the row's location; it
// stands in for the configured short-link host.
func shortLinkServer(t *testing.T, links map[string]string) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if r.Header.Get("Cookie") != "" || r.Header.Get("Referer") != "" {
			t.Errorf("short link fetched with cookie or referer: %v", r.Header)
		}
		code := strings.Trim(strings.TrimPrefix(r.URL.Path, "/v/"), "/")
		loc, ok := links[code]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Location", loc)
		w.WriteHeader(http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func resolveClient(t *testing.T, shortLink string) *Client {
	t.Helper()
	cfg := testConfig(Hosts{WWW: "http://127.0.0.1:1", Live: "http://127.0.0.1:1", Webcast: "http://127.0.0.1:1", ShortLink: shortLink})
	cfg.Cookie = "sessionid=secret"
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestResolveSpecShortLinks(t *testing.T) {
	links := map[string]string{}
	for _, tc := range specShortLinkRows {
		if tc.location != "" {
			links[tc.code] = tc.location
		}
	}
	srv, n := shortLinkServer(t, links)
	c := resolveClient(t, srv.URL+"/v")
	ctx := testCtx(t)
	for _, tc := range specShortLinkRows {
		// The same input with the short-link host the client is configured
		// with (v.douyin.com in production, the test server here).
		input := strings.Replace(tc.input, "https://v.douyin.com/", srv.URL+"/v/", 1)
		before := n.Load()
		got, err := c.Resolve(ctx, input)
		if err != nil || got != tc.want {
			t.Errorf("Resolve(%.70s) = %+v, %v; want %+v", input, got, err, tc.want)
		}
		if n.Load()-before != 1 {
			t.Errorf("%d short-link requests, want 1", n.Load()-before)
		}
		// v.douyin.com itself is not the configured short-link host here:
		// it must not be fetched, and it names nothing offline.
		if _, err := c.Resolve(ctx, tc.input); !errors.Is(err, ErrNotFound) {
			t.Errorf("Resolve(%.50s) on an unconfigured short-link host: %v", tc.input, err)
		}
	}
	// Offline rows never touch the network.
	before := n.Load()
	for _, tc := range specOfflineRows {
		if got, err := c.Resolve(ctx, tc.input); err != nil || got != tc.want {
			t.Errorf("Resolve(%.60s) = %+v, %v", tc.input, got, err)
		}
	}
	if n.Load() != before {
		t.Errorf("offline rows made %d requests", n.Load()-before)
	}
}

func TestResolveFollowsOnlyConfiguredHosts(t *testing.T) {
	var other atomic.Int64
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.Add(1)
		w.Header().Set("Location", "https://www.douyin.com/video/1")
		w.WriteHeader(http.StatusFound)
	}))
	defer elsewhere.Close()
	var srvURL string
	srv, n := shortLinkServer(t, map[string]string{
		"away":  elsewhere.URL + "/somewhere", // unconfigured host, names nothing
		"hop":   "/v/final/",                  // relative, on the short-link host
		"final": "https://www.douyin.com/collection/7360898383181809676",
		"loop":  "/v/loop/",
	})
	srvURL = srv.URL
	c := resolveClient(t, srvURL+"/v")
	ctx := testCtx(t)
	if _, err := c.Resolve(ctx, srvURL+"/v/away/"); !errors.Is(err, ErrNotFound) || other.Load() != 0 {
		t.Errorf("redirect to an unconfigured host: %v, %d requests there", err, other.Load())
	}
	if got, err := c.Resolve(ctx, srvURL+"/v/hop/"); err != nil || got != (Resolved{KindMix, "7360898383181809676"}) {
		t.Errorf("two hops: %+v, %v", got, err)
	}
	before := n.Load()
	if _, err := c.Resolve(ctx, srvURL+"/v/loop/"); !errors.Is(err, ErrNotFound) || n.Load()-before != maxShortLinkHops {
		t.Errorf("redirect loop: %v after %d requests", err, n.Load()-before)
	}
	if _, err := c.Resolve(ctx, srvURL+"/v/nope/"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown code: %v", err)
	}
	if _, err := c.Resolve(ctx, "no link here"); !errors.Is(err, ErrNotFound) {
		t.Errorf("no URL: %v", err)
	}
}
