package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/fetch/httpx"
	"github.com/douyinfs/douyinfs/sign"
)

// recorded is one request a test server saw.
type recorded struct {
	method, path, rawQuery string
	header                 http.Header
	body                   []byte
}

// stub is an httptest server standing in for every Douyin host. handle
// answers API paths; the token paths answer like the real services unless
// overridden.
type stub struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	reqs   []recorded
	handle func(w http.ResponseWriter, r *http.Request, body []byte)
}

const testMsToken = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+-Zz09=="

func newStub(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, body []byte)) *stub {
	s := &stub{t: t, handle: handle}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body})
		s.mu.Unlock()
		switch r.URL.Path {
		case "/web/r/token":
			w.Header().Add("Set-Cookie", "msToken="+testMsToken+"; Path=/; Secure")
			w.Write([]byte(`{"code":0}`))
			return
		case "/ttwid/union/register/":
			w.Header().Add("Set-Cookie", "ttwid=1%7Cfreshttwid%7C1700000000%7Cabc; Path=/; HttpOnly")
			w.Write([]byte(`{"status_code":0}`))
			return
		}
		s.handle(w, r, body)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *stub) requests(path string) []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []recorded
	for _, r := range s.reqs {
		if path == "" || r.path == path {
			out = append(out, r)
		}
	}
	return out
}

// testConfig is DefaultConfig on exactly these hosts (an empty one is
// off) and without a rate limit.
func testConfig(h Hosts) Config {
	cfg := DefaultConfig()
	// RiskPause 0: after a risk answer the circuit half-opens at once, so
	// retry counts stay what they were before the circuit.
	cfg.Hosts, cfg.RateLimit, cfg.RiskPause = h, 0, 0
	return cfg
}

func (s *stub) client(t *testing.T, mutate ...func(*Config)) *Client {
	t.Helper()
	u := s.srv.URL
	cfg := testConfig(Hosts{WWW: u, Live: u, Webcast: u, MsToken: u, TTWID: u, WebID: u, SSO: u, ShortLink: u + "/v"})
	cfg.Cookie = "sid_tt=abc; ttwid=preset"
	cfg.Timeout, cfg.Retries, cfg.RetryBackoff = 2*time.Second, 2, time.Millisecond
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

func okJSON(w http.ResponseWriter, v string) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(v))
}

const emptyPage = `{"status_code":0,"aweme_list":[],"has_more":0,"max_cursor":0,"cursor":0}`

// splitSig cuts "&a_bogus=..." or "&X-Bogus=..." off a raw query.
func splitSig(t *testing.T, raw string) (query, param, value string) {
	t.Helper()
	for _, p := range []string{"&a_bogus=", "&X-Bogus="} {
		if i := strings.LastIndex(raw, p); i >= 0 {
			return raw[:i], p[1 : len(p)-1], raw[i+len(p):]
		}
	}
	t.Fatalf("unsigned query %q", raw)
	return
}

// The spec's rendered user-posts query (§1.3), with <T> and <SEC_UID>.
const specUserPostsQuery = "device_platform=webapp&aid=6383&channel=channel_pc_web&pc_client_type=1&publish_video_strategy_type=2&pc_libra_divert=Windows&version_code=290100&version_name=29.1.0&cookie_enabled=true&screen_width=1920&screen_height=1080&browser_language=zh-CN&browser_platform=Win32&browser_name=Edge&browser_version=130.0.0.0&browser_online=true&engine_name=Blink&engine_version=130.0.0.0&os_name=Windows&os_version=10&cpu_core_num=12&device_memory=8&platform=PC&downlink=10&effective_type=4g&round_trip_time=100&msToken=<T>&max_cursor=0&count=20&sec_user_id=<SEC_UID>"

func TestRequestConstruction(t *testing.T) {
	const sec = "MS4wLjABAAAA5OCaznf4ihGfC65u0imbLzmBOuWDpUMo58CdnVTcX_R8bD9HZQknOJ4ZX9FdZnIq"
	s := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		// The user exists (an empty list asks), every list is empty.
		if r.URL.Path == "/aweme/v1/web/user/profile/other/" && r.URL.Query().Get("sec_user_id") == sec {
			okJSON(w, `{"status_code":0,"user":{"uid":"1","sec_uid":"`+sec+`"}}`)
			return
		}
		okJSON(w, emptyPage)
	})
	c := s.client(t)
	if n := len(s.requests("")); n != 0 {
		t.Fatalf("NewClient made %d requests; tokens must be fetched lazily", n)
	}
	ctx := testCtx(t)
	if _, err := c.UserPosts(sec).Next(ctx); err != io.EOF {
		t.Fatal(err)
	}
	posts := s.requests("/aweme/v1/web/aweme/post/")
	if len(posts) != 1 {
		t.Fatalf("%d post requests", len(posts))
	}
	r := posts[0]
	query, param, _ := splitSig(t, r.rawQuery)
	want := strings.NewReplacer("<T>", testMsToken, "<SEC_UID>", sec).Replace(specUserPostsQuery)
	if query != want || param != "a_bogus" {
		t.Errorf("query\n%s\nwant\n%s (signature %s)", query, want, param)
	}
	if _, err := sign.VerifyABogus(r.rawQuery, "", httpx.DefaultUserAgent); err != nil {
		t.Errorf("a_bogus does not verify against the sent User-Agent: %v", err)
	}
	// The configured cookie has no session: it gets what else a guest
	// browser's has (s_v_web_id, passport_csrf_token, msToken).
	ts, _ := c.tokens.snapshot()
	guest := "sid_tt=abc; ttwid=preset; s_v_web_id=" + c.verifyFp + "; passport_csrf_token=" + ts.csrf + "; msToken=" + testMsToken
	if r.method != http.MethodGet || r.header.Get("User-Agent") != httpx.DefaultUserAgent || r.header.Get("Referer") != s.srv.URL+"/" ||
		r.header.Get("Cookie") != guest || len(ts.csrf) != 32 || !strings.Contains(r.header.Get("Accept-Encoding"), "gzip") {
		t.Errorf("headers %v", r.header)
	}

	// msToken registration: once, lazily, exactly as §5.1.
	if _, err := c.UserProfile(ctx, sec[:len(sec)-1]+"x"); err == nil {
		t.Error("empty profile accepted")
	}
	toks := s.requests("/web/r/token")
	if len(toks) != 1 {
		t.Fatalf("%d msToken registrations, want 1", len(toks))
	}
	spec := readSpecMsToken(t)
	tok := toks[0]
	if tok.method != http.MethodPost || "/web/r/token?"+tok.rawQuery != spec.url[strings.Index(spec.url, "/web/r/token"):] {
		t.Errorf("msToken request %s %s?%s", tok.method, tok.path, tok.rawQuery)
	}
	if tok.header.Get("Content-Type") != "application/json; charset=utf-8" || tok.header.Get("User-Agent") != httpx.DefaultUserAgent || tok.header.Get("Cookie") != "" || tok.header.Get("Referer") != "" {
		t.Errorf("msToken headers %v", tok.header)
	}
	wantPrefix := `{"magic": 538969122, "version": 1, "dataType": 8, "strData": "` + spec.strData + `", "ulr": 0, "tspFromClient": `
	if !bytes.HasPrefix(tok.body, []byte(wantPrefix)) || !json.Valid(tok.body) {
		t.Errorf("msToken body %.120s...", tok.body)
	}
	if n := len(s.requests("/ttwid/union/register/")); n != 0 {
		t.Errorf("%d ttwid registrations with a cookie that has a ttwid", n)
	}
}

type specMsToken struct{ url, strData string }

func readSpecMsToken(t *testing.T) specMsToken {
	t.Helper()
	// The spec's copy of F2's request, kept apart from the embedded
	// mstoken_request.json so that the two are checked against each other.
	b, err := os.ReadFile("docs/douyin-mstoken-request.json")
	if err != nil {
		t.Fatalf("the spec's msToken request: %v (it is committed in fetch/docs)", err)
	}
	var v struct {
		URL  string `json:"url"`
		Body struct {
			StrData string `json:"strData"`
		} `json:"body"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return specMsToken{v.URL, v.Body.StrData}
}

func TestEndpointQueries(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		switch r.URL.Path {
		case "/aweme/v1/web/user/profile/other/":
			okJSON(w, `{"status_code":0,"user":{"uid":"1","sec_uid":"S"}}`)
		case "/aweme/v1/web/aweme/detail/":
			okJSON(w, `{"status_code":0,"aweme_detail":{"aweme_id":"5","video":{"play_addr":{"url_list":["http://x/v.mp4"]}}}}`)
		case "/aweme/v1/web/mix/detail/":
			okJSON(w, `{"status_code":0,"mix_info":{"mix_id":"7"}}`)
		case "/webcast/room/web/enter/":
			okJSON(w, `{"status_code":0,"data":{"data":[{"id_str":"8","status":4}]}}`)
		case "/webcast/room/reflow/info/":
			okJSON(w, `{"status_code":0,"data":{"room":{"id":7318296342189919011,"status":4}}}`)
		case "/webcast/distribution/check_user_live_status/":
			okJSON(w, `{"status_code":0,"data":[{"user_live":[{"live_status":1,"room_id":7318296342189919011,"room_id_str":"7318296342189919011"}]}]}`)
		default:
			okJSON(w, emptyPage)
		}
	})
	c := s.client(t, func(cfg *Config) { cfg.Cookie = "sessionid=s1; ttwid=t" })
	ctx := testCtx(t)
	web := func(tail string) string {
		return strings.Replace(specUserPostsQuery, "&max_cursor=0&count=20&sec_user_id=<SEC_UID>", "", 1) + tail
	}
	webT := func(tail string) string {
		return strings.Replace(web(tail), "channel=channel_pc_web", "channel=test", 1)
	}
	for _, tc := range []struct {
		name, path, query string
		call              func() error
		cookie            bool
	}{
		{"profile", "/aweme/v1/web/user/profile/other/", web("&sec_user_id=S"), func() error { _, err := c.UserProfile(ctx, "S"); return err }, true},
		{"likes", "/aweme/v1/web/aweme/favorite/", web("&max_cursor=0&count=20&sec_user_id=S"), func() error { _, err := c.UserLikes("S").Next(ctx); return eof(err) }, true},
		{"mix posts", "/aweme/v1/web/mix/aweme/", web("&cursor=0&count=20&mix_id=7"), func() error { _, err := c.MixPosts("7").Next(ctx); return eof(err) }, true},
		{"user mixes", "/aweme/v1/web/mix/list/", web("&sec_user_id=S&req_from=channel_pc_web&cursor=0&count=20"), func() error { _, err := c.UserMixes("S").Next(ctx); return eof(err) }, true},
		{"mix detail", "/aweme/v1/web/mix/detail/", web("&mix_id=7"), func() error { _, err := c.MixDetail(ctx, "7"); return err }, true},
		{"detail", "/aweme/v1/web/aweme/detail/", web("&aweme_id=5"), func() error { _, err := c.PostDetail(ctx, "5"); return err }, true},
		{"folders", "/aweme/v1/web/collects/list/", web("&cursor=0&count=20"), func() error { _, err := c.CollectFolders().Next(ctx); return eof(err) }, true},
		{"folder posts", "/aweme/v1/web/collects/video/list/", web("&cursor=0&count=20&collects_id=42"), func() error { _, err := c.CollectFolderPosts("42").Next(ctx); return eof(err) }, true},
		{"tab feed", "/aweme/v1/web/tab/feed/", web("&count=10&tag_id=&share_aweme_id=&live_insert_type=&refresh_index=1&video_type_select=1&aweme_pc_rec_raw_data=%7B%22is_client%22%3A%22false%22%7D&globalwid=&pull_type=&min_window=&free_right=&ug_source=&creative_id="), func() error { _, err := c.HomeFeed(ctx); return err }, true},
		{"live enter", "/webcast/room/web/enter/", "aid=6383&app_name=douyin_web&live_id=1&device_platform=web&language=zh-CN&cookie_enabled=true&screen_width=1920&screen_height=1080&browser_language=zh-CN&browser_platform=Win32&browser_name=Edge&browser_version=130.0.0.0&enter_source=&is_need_double_stream=false&insert_task_id=&live_reason=&web_rid=775841227732&room_id_str=", func() error { _, err := c.LiveRoomByWebRID(ctx, "775841227732"); return err }, true},
		{"reflow", "/webcast/room/reflow/info/", "verifyFp=" + c.verifyFp + "&type_id=0&live_id=1&sec_user_id=&version_code=99.99.99&app_id=1128&msToken=&room_id=7318296342189919011", func() error { _, err := c.LiveRoomByRoomID(ctx, "7318296342189919011"); return err }, false},
		{"live status", "/webcast/distribution/check_user_live_status/", webT("&user_ids=92908021676&distribution_scenes=254"), func() error { _, err := c.UserLiveStatus(ctx, "92908021676"); return err }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); err != nil {
				t.Fatal(err)
			}
			reqs := s.requests(tc.path)
			if len(reqs) != 1 {
				t.Fatalf("%d requests to %s", len(reqs), tc.path)
			}
			r := reqs[len(reqs)-1]
			q, _, _ := splitSig(t, r.rawQuery)
			if want := strings.ReplaceAll(tc.query, "<T>", testMsToken); q != want {
				t.Errorf("query\n%s\nwant\n%s", q, want)
			}
			if _, err := sign.VerifyABogus(r.rawQuery, "", httpx.DefaultUserAgent); err != nil {
				t.Errorf("signature: %v", err)
			}
			if got := r.header.Get("Cookie") != ""; got != tc.cookie {
				t.Errorf("cookie sent = %v, want %v", got, tc.cookie)
			}
			if tc.name == "user mixes" && r.header.Get("Referer") != s.srv.URL+"/user/S" {
				t.Errorf("mix list Referer %q", r.header.Get("Referer"))
			}
		})
	}

	// Favourites: a POST whose JSON body repeats every parameter, numbers
	// as numbers; the signature is over body "".
	if _, err := c.Favorites().Next(ctx); err != io.EOF {
		t.Fatal(err)
	}
	f := s.requests("/aweme/v1/web/aweme/listcollection/")[0]
	q, _, _ := splitSig(t, f.rawQuery)
	if q != strings.ReplaceAll(web("&cursor=0&count=20"), "<T>", testMsToken) || f.method != http.MethodPost || f.header.Get("Content-Type") != "application/json" {
		t.Errorf("favourites %s %s %v", f.method, q, f.header)
	}
	wantBody := `{"device_platform":"webapp","aid":6383,"channel":"channel_pc_web","pc_client_type":1,"publish_video_strategy_type":2,"pc_libra_divert":"Windows","version_code":290100,"version_name":"29.1.0","cookie_enabled":"true","screen_width":1920,"screen_height":1080,"browser_language":"zh-CN","browser_platform":"Win32","browser_name":"Edge","browser_version":"130.0.0.0","browser_online":"true","engine_name":"Blink","engine_version":"130.0.0.0","os_name":"Windows","os_version":10,"cpu_core_num":12,"device_memory":8,"platform":"PC","downlink":10,"effective_type":"4g","round_trip_time":100,"msToken":"` + testMsToken + `","cursor":0,"count":20}`
	if string(f.body) != wantBody {
		t.Errorf("favourites body\n%s\nwant\n%s", f.body, wantBody)
	}
	if _, err := sign.VerifyABogus(f.rawQuery, "", httpx.DefaultUserAgent); err != nil {
		t.Errorf("favourites signature (body \"\"): %v", err)
	}
}

func eof(err error) error {
	if err == io.EOF {
		return nil
	}
	return err
}

func TestXBogusAndTTWID(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		okJSON(w, `{"status_code":0,"user":{"uid":"1","sec_uid":"S"}}`)
	})
	c := s.client(t, func(cfg *Config) { cfg.Signing = sign.SchemeXBogus; cfg.Cookie = "passport_csrf_token=p" })
	ctx := testCtx(t)
	for range 3 {
		if _, err := c.UserProfile(ctx, "S"); err != nil {
			t.Fatal(err)
		}
	}
	reqs := s.requests("/aweme/v1/web/user/profile/other/")
	_, param, value := splitSig(t, reqs[0].rawQuery)
	if param != "X-Bogus" || len(value) != 28 || !strings.HasPrefix(value, "DFSzswVY") {
		t.Errorf("X-Bogus %s=%s", param, value)
	}
	if _, err := sign.VerifyXBogus(reqs[0].rawQuery, httpx.DefaultUserAgent); err != nil {
		t.Errorf("X-Bogus does not verify: %v", err)
	}
	tt := s.requests("/ttwid/union/register/")
	if len(tt) != 1 || string(tt[0].body) != ttwidBody || tt[0].method != http.MethodPost || tt[0].header.Get("Cookie") != "" {
		t.Fatalf("ttwid registrations %+v", tt)
	}
	if got := reqs[2].header.Get("Cookie"); got != "passport_csrf_token=p; ttwid=1%7Cfreshttwid%7C1700000000%7Cabc; s_v_web_id="+c.verifyFp+"; msToken="+testMsToken {
		t.Errorf("Cookie with the registered ttwid = %q", got)
	}
	if n := len(s.requests("/web/r/token")); n != 1 {
		t.Errorf("%d msToken registrations for 3 calls", n)
	}
}

func TestFalseMsTokenFallback(t *testing.T) {
	var logs bytes.Buffer
	s := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		okJSON(w, `{"status_code":0,"user":{"uid":"1","sec_uid":"S"}}`)
	})
	// An msToken host that fails every time.
	dead := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
	defer dead.Close()
	c := s.client(t, func(cfg *Config) {
		cfg.Hosts.MsToken = dead.URL
		cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	})
	if _, err := c.UserProfile(testCtx(t), "S"); err != nil {
		t.Fatal(err)
	}
	r := s.requests("/aweme/v1/web/user/profile/other/")[0]
	q, _, _ := splitSig(t, r.rawQuery)
	tok := queryValue(q, "msToken")
	if len(tok) != 184 || !strings.HasSuffix(tok, "==") || tok == testMsToken {
		t.Errorf("fallback msToken %q", tok)
	}
	if !strings.Contains(logs.String(), "level=INFO") || !strings.Contains(logs.String(), "false") {
		t.Errorf("fallback not logged at info:\n%s", logs.String())
	}
}

func TestGzipAndMaxBody(t *testing.T) {
	big := `{"status_code":0,"user":{"uid":"1","sec_uid":"S","signature":"` + strings.Repeat("x", 4000) + `"}}`
	s := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("Content-Encoding", "gzip")
		gz := gzip.NewWriter(w)
		gz.Write([]byte(big))
		gz.Close()
	})
	u, err := s.client(t).UserProfile(testCtx(t), "S")
	if err != nil || len(u.Signature) != 4000 {
		t.Fatalf("gzip body: %v", err)
	}
	// The same answer is over a 1 KiB limit once decompressed (the
	// compressed form is not): refused, and not retried.
	small := s.client(t, func(cfg *Config) { cfg.MaxBody = 1024 })
	before := len(s.requests("/aweme/v1/web/user/profile/other/"))
	_, err = small.UserProfile(testCtx(t), "S")
	if err == nil || !strings.Contains(err.Error(), "max_body") {
		t.Errorf("over MaxBody: %v", err)
	}
	if n := len(s.requests("/aweme/v1/web/user/profile/other/")) - before; n != 1 {
		t.Errorf("%d requests for a too large body, want 1", n)
	}
}

func TestErrorMapping(t *testing.T) {
	var mu sync.Mutex
	answer := func(w http.ResponseWriter) {}
	s := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		mu.Lock()
		a := answer
		mu.Unlock()
		a(w)
	})
	set := func(f func(w http.ResponseWriter)) { mu.Lock(); answer = f; mu.Unlock() }
	c := s.client(t, func(cfg *Config) { cfg.Retries = 2 })
	ctx := testCtx(t)
	count := func() int { return len(s.requests("/aweme/v1/web/user/profile/other/")) }

	for _, tc := range []struct {
		name     string
		answer   func(w http.ResponseWriter)
		is       error
		requests int
		check    func(error) bool
	}{
		{"status 8", func(w http.ResponseWriter) { okJSON(w, `{"status_code":8,"status_msg":"用户未登录"}`) }, ErrLoginRequired, 1,
			func(err error) bool {
				var se *StatusError
				return errors.As(err, &se) && se.Code == 8 && se.Msg == "用户未登录"
			}},
		{"status 2096", func(w http.ResponseWriter) { okJSON(w, `{"status_code":2096}`) }, ErrPrivate, 1, nil},
		{"other status", func(w http.ResponseWriter) { okJSON(w, `{"status_code":5,"status_msg":"参数不合法"}`) }, nil, 1,
			func(err error) bool {
				var se *StatusError
				return errors.As(err, &se) && se.Code == 5 && se.Endpoint == "user_profile"
			}},
		{"malformed", func(w http.ResponseWriter) { okJSON(w, `{"status_code":0,"user":{"uid":`) }, ErrMalformed, 3, nil},
		{"not an object", func(w http.ResponseWriter) { okJSON(w, `[1,2]`) }, ErrMalformed, 1, nil},
		{"empty body", func(w http.ResponseWriter) { w.WriteHeader(200) }, ErrRejected, 3, nil},
		{"whitespace body", func(w http.ResponseWriter) { w.Write([]byte(" \n")) }, ErrRejected, 3, nil},
		{"404", func(w http.ResponseWriter) { w.WriteHeader(404) }, ErrNotFound, 1, nil},
		{"503", func(w http.ResponseWriter) { w.WriteHeader(503) }, nil, 3,
			func(err error) bool { var he *HTTPError; return errors.As(err, &he) && he.Status == 503 }},
		{"444", func(w http.ResponseWriter) { w.WriteHeader(444) }, ErrRateLimited, 3, nil},
		{"429", func(w http.ResponseWriter) { w.Header().Set("Retry-After", "0"); w.WriteHeader(429) }, ErrRateLimited, 3, nil},
		{"no user", func(w http.ResponseWriter) { okJSON(w, `{"status_code":0,"user":null}`) }, ErrNotFound, 1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set(tc.answer)
			before := count()
			_, err := c.UserProfile(ctx, "S")
			if err == nil || (tc.is != nil && !errors.Is(err, tc.is)) || (tc.check != nil && !tc.check(err)) {
				t.Errorf("err = %v, want %v", err, tc.is)
			}
			if err != nil && !strings.Contains(err.Error(), "user_profile") {
				t.Errorf("error %q does not name the endpoint", err)
			}
			if n := count() - before; n != tc.requests {
				t.Errorf("%d requests, want %d", n, tc.requests)
			}
		})
	}
	// A transient failure then success: one retry, counted.
	var n int
	set(func(w http.ResponseWriter) {
		n++
		if n == 1 {
			w.WriteHeader(502)
			return
		}
		okJSON(w, `{"status_code":0,"user":{"uid":"1","sec_uid":"S"}}`)
	})
	before := c.Stats().Retries
	if _, err := c.UserProfile(ctx, "S"); err != nil {
		t.Fatal(err)
	}
	if got := c.Stats().Retries - before; got != 1 {
		t.Errorf("%d retries counted", got)
	}
	// An empty body then success: fresh tokens, one retry.
	n = 0
	set(func(w http.ResponseWriter) {
		n++
		if n == 1 {
			return
		}
		okJSON(w, `{"status_code":0,"user":{"uid":"1","sec_uid":"S"}}`)
	})
	toks := len(s.requests("/web/r/token"))
	if _, err := c.UserProfile(ctx, "S"); err != nil {
		t.Fatal(err)
	}
	if got := len(s.requests("/web/r/token")) - toks; got != 1 {
		t.Errorf("%d msToken registrations after an empty body, want 1", got)
	}
}

// The limiter is golang.org/x/time/rate's; what is ours is the mapping of
// the settings and of a slot past the deadline.
func TestRateLimiter(t *testing.T) {
	l := newRateLimiter(1, 0) // burst 0 means 1
	if err := waitRateLimit(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	// The next slot is a second away: past a 500ms deadline, so the wait
	// fails at once and gives the slot back.
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := waitRateLimit(ctx, l); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 250*time.Millisecond {
		t.Errorf("wait past the deadline: %v after %v", err, time.Since(start))
	}
	if d := l.Reserve().Delay(); d < 900*time.Millisecond || d > time.Second {
		t.Errorf("slot not given back: next wait %v, want about 1s", d)
	}
	// Unlimited.
	u := newRateLimiter(0, 0)
	for range 1000 {
		if err := waitRateLimit(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRateLimitApplied(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		okJSON(w, `{"status_code":0,"user":{"uid":"1","sec_uid":"S"}}`)
	})
	// 1 request per second, burst 2: the msToken registration and one call
	// go at once, the next call must wait about a second.
	c := s.client(t, func(cfg *Config) { cfg.RateLimit = 1; cfg.RateBurst = 2 })
	ctx := testCtx(t)
	start := time.Now()
	if _, err := c.UserProfile(ctx, "S"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UserProfile(ctx, "S"); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 800*time.Millisecond {
		t.Errorf("3 requests at 1/s with burst 2 took %v", el)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := c.UserProfile(short, "S"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("over the rate with a short deadline: %v", err)
	}
}

// The cookie is a secret: no log line (at debug) and no error may hold it.
func TestCookieNeverLeaks(t *testing.T) {
	const secret = "S3CR3T-c00kie-VALUE-7e1f"
	var mu sync.Mutex
	mode := "ok"
	s := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		mu.Lock()
		m := mode
		mu.Unlock()
		switch m {
		case "ok":
			okJSON(w, `{"status_code":0,"user":{"uid":"1","sec_uid":"S"},"aweme_list":[],"has_more":0}`)
		case "empty":
		case "500":
			w.WriteHeader(500)
		case "status":
			okJSON(w, `{"status_code":8,"status_msg":"expired"}`)
		case "bad":
			okJSON(w, `{"status_code":0,"user":`)
		case "redirect":
			w.Header().Set("Location", "/elsewhere")
			w.WriteHeader(302)
		}
	})
	var logs bytes.Buffer
	c := s.client(t, func(cfg *Config) {
		cfg.Cookie = "sessionid=" + secret + "; sid_guard=" + secret + "; ttwid=" + secret
		cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	ctx := testCtx(t)
	live := testLive(t)
	var errs []error
	for _, m := range []string{"ok", "empty", "500", "status", "bad", "redirect"} {
		mu.Lock()
		mode = m
		mu.Unlock()
		_, err := c.UserProfile(ctx, "S")
		errs = append(errs, err)
		_, err = c.Favorites().Next(ctx)
		errs = append(errs, err)
		stream, err := live.Open(ctx, s.srv.URL+"/stream.flv")
		if err == nil {
			stream.Close()
		}
		errs = append(errs, err)
		_, err = c.LoginPoll(ctx, "tok")
		errs = append(errs, err)
	}
	s.srv.Close() // transport errors too
	_, err := c.UserProfile(ctx, "S")
	errs = append(errs, err)
	if logs.Len() == 0 {
		t.Fatal("nothing was logged; the test would prove nothing")
	}
	if strings.Contains(logs.String(), secret) {
		t.Errorf("the cookie is in the log:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "msToken=") {
		t.Errorf("a query string is in the log:\n%s", logs.String())
	}
	failed := 0
	for _, err := range errs {
		if err != nil && err != io.EOF {
			failed++
			if strings.Contains(err.Error(), secret) || strings.Contains(fmtErrorChain(err), secret) {
				t.Errorf("the cookie is in an error: %v", err)
			}
		}
	}
	if failed < 10 {
		t.Errorf("only %d calls failed; the test needs failures to look at", failed)
	}
}

// fmtErrorChain renders every error in a chain, %+v style.
func fmtErrorChain(err error) string {
	var b strings.Builder
	for err != nil {
		b.WriteString(err.Error())
		b.WriteByte('\n')
		err = errors.Unwrap(err)
	}
	return b.String()
}

func TestNewClientValidates(t *testing.T) {
	ok := Hosts{WWW: "https://www.douyin.com", Live: "https://live.douyin.com", Webcast: "https://webcast.amemv.com"}
	for name, change := range map[string]func(c *Config){
		"no www":           func(c *Config) { c.Hosts.WWW = "" },
		"bad scheme":       func(c *Config) { c.Hosts.WWW = "ftp://x" },
		"cookie with LF":   func(c *Config) { c.Cookie = "a=b\r\nX-Evil: 1" },
		"quality":          func(c *Config) { c.VideoQuality = "4k" },
		"no quality":       func(c *Config) { c.VideoQuality = "" },
		"no user agent":    func(c *Config) { c.UserAgent = "" },
		"no timeout":       func(c *Config) { c.Timeout = 0 },
		"negative retries": func(c *Config) { c.Retries = -1 },
		"no page size":     func(c *Config) { c.PageSize = 0 },
		"no empty pages":   func(c *Config) { c.MaxEmptyPages = 0 },
	} {
		cfg := testConfig(ok)
		change(&cfg)
		if _, err := NewClient(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	cfg := testConfig(ok)
	cfg.Cookie = "a=1; sessionid_ss=x"
	c, err := NewClient(cfg)
	if err != nil || !c.LoggedIn() {
		t.Errorf("minimal config: %v, logged in %v", err, c != nil && c.LoggedIn())
	}
	for cookie, want := range map[string]bool{"": false, "sessionid=": false, "ttwid=1; sid_guard=abc": true, "xsessionid=1": false, "sessionid=1": true} {
		if hasSession(cookie) != want {
			t.Errorf("hasSession(%q) != %v", cookie, want)
		}
	}
}

func TestClosedClient(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) { okJSON(w, emptyPage) })
	c := s.client(t)
	c.Close()
	c.Close() // twice is fine
	if _, err := c.UserProfile(testCtx(t), "S"); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
	if n := len(s.requests("")); n != 0 {
		t.Errorf("%d requests after Close", n)
	}
}

// Calls that need the tokens at the same time share one registration; when
// the caller that started it gives up, a caller still waiting starts
// another instead of failing with the first one's cancellation.
func TestTokensSharedByConcurrentCalls(t *testing.T) {
	var regs atomic.Int32
	gate := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/web/r/token" {
			regs.Add(1)
			select {
			case <-gate:
			case <-r.Context().Done():
			}
			w.Header().Add("Set-Cookie", "msToken="+testMsToken+"; Path=/")
			w.Write([]byte(`{"code":0}`))
			return
		}
		okJSON(w, `{"status_code":0,"user":{"uid":"1","sec_uid":"S"}}`)
	}))
	defer srv.Close()
	u := srv.URL
	cfg := testConfig(Hosts{WWW: u, Live: u, Webcast: u, MsToken: u})
	cfg.Cookie, cfg.Timeout = "ttwid=x", 5*time.Second
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := testCtx(t)

	first, cancel := context.WithCancel(ctx)
	firstErr := make(chan error, 1)
	go func() {
		_, err := c.UserProfile(first, "S")
		firstErr <- err
	}()
	for regs.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := c.UserProfile(ctx, "S")
			errs <- err
		})
	}
	time.Sleep(50 * time.Millisecond) // let them join the registration in flight
	cancel()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Errorf("the caller that gave up: %v, want context.Canceled", err)
	}
	close(gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a waiting caller: %v", err)
		}
	}
	if n := regs.Load(); n != 2 {
		t.Errorf("%d msToken registrations, want 2 (the abandoned one, then one for all)", n)
	}
}
