package fakedouyin

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/sign"
)

// testUA is F2's (and douyinfs's default) User-Agent.
const testUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0"

// startServer starts a fake with opts and closes it when the test ends.
func startServer(t *testing.T, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// client builds requests the way douyinfs (and F2) does: base parameter
// sets in order, a fresh signature per request, UA and Referer headers,
// the cookie.
type client struct {
	t       *testing.T
	s       *Server
	hc      *http.Client
	scheme  sign.Scheme
	ua      string
	msToken string
	cookie  string // sent on every API request
}

// newClient registers an msToken and a ttwid like a guest douyinfs does,
// and sends a guest browser's cookie: the ttwid and an s_v_web_id.
func newClient(t *testing.T, s *Server) *client {
	t.Helper()
	c := &client{t: t, s: s, scheme: sign.SchemeABogus, ua: testUA,
		hc: &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}}
	c.msToken = c.registerMsToken()
	c.cookie = "ttwid=" + c.registerTTWID() + "; s_v_web_id=" + verifyFp()
	return c
}

// loggedIn returns a copy of c that sends the login cookie.
func (c *client) loggedIn() *client {
	d := *c
	d.cookie = c.s.World().LoginCookie
	return &d
}

func (c *client) registerMsToken() string {
	c.t.Helper()
	body := `{"magic": 538969122, "version": 1, "dataType": 8, "strData": "opaque", "ulr": 0, "tspFromClient": 1700000000000}`
	req, _ := http.NewRequest(http.MethodPost, c.s.URL()+"/web/r/token?ms_appid=6383&msToken=T4bNG9W2rKF7hBNw%3D", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", c.ua)
	resp := c.do(req)
	for _, ck := range resp.Cookies() {
		if ck.Name == "msToken" {
			return ck.Value
		}
	}
	c.t.Fatalf("no msToken cookie (status %d)", resp.StatusCode)
	return ""
}

func (c *client) registerTTWID() string {
	c.t.Helper()
	body := `{"region":"cn","aid":1768,"needFid":false,"service":"www.ixigua.com","migrate_info":{"ticket":"","source":"node"},"cbUrlProtocol":"https","union":true}`
	req, _ := http.NewRequest(http.MethodPost, c.s.URL()+"/ttwid/union/register/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", c.ua)
	resp := c.do(req)
	for _, ck := range resp.Cookies() {
		if ck.Name == "ttwid" {
			return ck.Value
		}
	}
	c.t.Fatalf("no ttwid cookie (status %d)", resp.StatusCode)
	return ""
}

// do sends req and reads the body into resp (closed).
func (c *client) do(req *http.Request) *response {
	c.t.Helper()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading body: %v", req.Method, req.URL.Path, err)
	}
	return &response{Response: resp, body: b}
}

type response struct {
	*http.Response
	body []byte
}

// json decodes the body (numbers as json.Number) or fails the test.
func (r *response) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	d := json.NewDecoder(bytes.NewReader(r.body))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%s: not JSON (%v): %.200q", r.Request.URL.Path, err, r.body)
	}
	return v
}

// webBase is the §1.2.1 base parameter set with msToken.
func webBase(msToken string) string {
	return "device_platform=webapp&aid=6383&channel=channel_pc_web&pc_client_type=1&publish_video_strategy_type=2" +
		"&pc_libra_divert=Windows&version_code=290100&version_name=29.1.0&cookie_enabled=true&screen_width=1920" +
		"&screen_height=1080&browser_language=zh-CN&browser_platform=Win32&browser_name=Edge&browser_version=130.0.0.0" +
		"&browser_online=true&engine_name=Blink&engine_version=130.0.0.0&os_name=Windows&os_version=10&cpu_core_num=12" +
		"&device_memory=8&platform=PC&downlink=10&effective_type=4g&round_trip_time=100&msToken=" + msToken
}

// liveBase is the §1.2.2 set.
func liveBase() string {
	return "aid=6383&app_name=douyin_web&live_id=1&device_platform=web&language=zh-CN&cookie_enabled=true" +
		"&screen_width=1920&screen_height=1080&browser_language=zh-CN&browser_platform=Win32&browser_name=Edge" +
		"&browser_version=130.0.0.0&enter_source=&is_need_double_stream=false&insert_task_id=&live_reason="
}

// verifyFp makes a verifyFp value.
func verifyFp() string {
	n := 0
	return sign.VerifyFp(time.Now().UnixMilli(), func(k int) int { n++; return n * 7 % k })
}

// reflowBase is the §1.2.3 set.
func reflowBase() string {
	return "verifyFp=" + verifyFp() + "&type_id=0&live_id=1&sec_user_id=&version_code=99.99.99&app_id=1128&msToken="
}

// ssoBase is the §2.20 set.
func ssoBase() string {
	fp := verifyFp()
	return "service=https://www.douyin.com&need_logo=false&need_short_url=true&device_platform=web_app&aid=6383" +
		"&account_sdk_source=sso&sdk_version=2.2.7-beta.6&language=zh&verifyFp=" + fp + "&fp=" + fp
}

// signed returns query plus a fresh signature.
func (c *client) signed(query, body string) string {
	return sign.Signer{Scheme: c.scheme, UserAgent: c.ua}.Sign(query, body)
}

// request builds a signed API request of the www base set plus own.
func (c *client) request(method, path, query string, body []byte) *http.Request {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, c.s.URL()+path+"?"+c.signed(query, ""), rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Referer", "https://www.douyin.com/")
	if c.cookie != "" {
		req.Header.Set("Cookie", c.cookie)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// web GETs a www endpoint: base set, then own parameters.
func (c *client) web(path, own string) *response {
	c.t.Helper()
	return c.do(c.request(http.MethodGet, path, webBase(c.msToken)+"&"+own, nil))
}

// webJSON GETs a www endpoint and decodes the answer.
func (c *client) webJSON(path, own string) map[string]any {
	c.t.Helper()
	r := c.web(path, own)
	if r.StatusCode != http.StatusOK {
		c.t.Fatalf("%s: HTTP %d", path, r.StatusCode)
	}
	return r.json(c.t)
}

// favorites POSTs listcollection like F2: parameters in the query and, as
// JSON, in the body; signed with body "".
func (c *client) favorites(cursor string, count int) *response {
	c.t.Helper()
	q := webBase(c.msToken) + "&cursor=" + cursor + "&count=" + itoa(count)
	vals, _ := url.ParseQuery(q)
	m := map[string]any{}
	for k, v := range vals {
		m[k] = v[0]
	}
	m["cursor"] = json.Number(cursor)
	m["count"] = count
	body, _ := json.Marshal(m)
	return c.do(c.request(http.MethodPost, "/aweme/v1/web/aweme/listcollection/", q, body))
}

func itoa(n int) string { return strconv.Itoa(n) }

// get fetches an absolute URL with the client's UA, Referer and cookie.
func (c *client) get(rawURL string, header ...string) *response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Referer", "https://www.douyin.com/")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.do(req)
}

// path walks a decoded JSON value: "a.b.0.c".
func path(v any, p string) any {
	for _, k := range strings.Split(p, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i := 0
			for _, ch := range k {
				i = i*10 + int(ch-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return ""
}

func i64(v any) int64 {
	n, _ := v.(json.Number).Int64()
	return n
}

// ids lists aweme_list[*].aweme_id.
func ids(page map[string]any) []string {
	var l []string
	list, _ := page["aweme_list"].([]any)
	for _, a := range list {
		l = append(l, str(path(a, "aweme_id")))
	}
	return l
}

func postIDs(ps []*Post) []string {
	var l []string
	for _, p := range ps {
		l = append(l, p.AwemeID)
	}
	return l
}
