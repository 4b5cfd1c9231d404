package fakedouyin

import (
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/sign"
)

// sso sends an SSO request like F2's historical login: SSO set, X-Bogus,
// Referer, desktop UA, the given cookie.
func sso(t *testing.T, c *client, path, extra, cookie string) *response {
	t.Helper()
	q := ssoBase()
	if extra != "" {
		q += "&" + extra
	}
	q += "&X-Bogus=" + sign.XBogus(q, c.ua, time.Now().Unix())
	req, _ := http.NewRequest(http.MethodGet, c.s.URL()+path+"?"+q, nil)
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Referer", "https://www.douyin.com/")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	return c.do(req)
}

func pairs(cookies []*http.Cookie) string {
	var l []string
	for _, ck := range cookies {
		l = append(l, ck.Name+"="+ck.Value)
	}
	return strings.Join(l, "; ")
}

func TestQRLogin(t *testing.T) {
	s := startServer(t, Options{Seed: 71})
	c := newClient(t, s)
	v := sso(t, c, "/get_qrcode/", "", "").json(t)
	token := str(path(v, "data.token"))
	if token == "" || str(path(v, "data.qrcode")) == "" || i64(v["error_code"]) != 0 {
		t.Fatalf("get_qrcode: %v", v)
	}
	var statuses []string
	var check *response
	for i := 0; i < 3; i++ {
		check = sso(t, c, "/check_qrconnect/", "token="+token, "")
		statuses = append(statuses, str(path(check.json(t), "data.status")))
	}
	if strings.Join(statuses, ",") != "1,2,3" {
		t.Fatalf("statuses %v, want 1,2,3", statuses)
	}
	cv := check.json(t)
	redirect := str(path(cv, "data.redirect_url"))
	if redirect == "" || len(check.Cookies()) == 0 {
		t.Fatalf("status 3 without redirect_url or Set-Cookie: %v %v", cv, check.Cookies())
	}
	// Follow the redirects with the check's cookies, recording each hop.
	cookie := pairs(check.Cookies())
	var history []*response
	next := redirect
	for hop := 0; hop < 5; hop++ {
		req, _ := http.NewRequest(http.MethodGet, next, nil)
		req.Header.Set("Cookie", cookie)
		r := c.do(req)
		if r.StatusCode != http.StatusFound {
			if r.StatusCode != 200 {
				t.Fatalf("hop %d: HTTP %d", hop, r.StatusCode)
			}
			break
		}
		history = append(history, r)
		if p := pairs(r.Cookies()); p != "" {
			cookie += "; " + p
		}
		next = r.Header.Get("Location")
		if !strings.HasPrefix(next, s.URL()) {
			t.Fatalf("hop %d leaves the fake: %s", hop, next)
		}
	}
	if len(history) < 2 {
		t.Fatalf("%d redirect hops, want at least 2", len(history))
	}
	got := strings.Split(pairs(history[1].Cookies()), "; ")
	want := strings.Split(s.World().LoginCookie, "; ")
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("second hop cookies\n%v\nwant the login cookie\n%v", got, want)
	}
	// The cookie logs in.
	li := *c
	li.cookie = strings.Join(got, "; ")
	if v := li.favorites("0", 3).json(t); i64(v["status_code"]) != 0 {
		t.Errorf("QR login cookie does not log in: %v", v)
	}
	// The ticket is single-use, and the token is spent.
	req, _ := http.NewRequest(http.MethodGet, redirect, nil)
	req.Header.Set("Cookie", pairs(check.Cookies()))
	if r := c.do(req); r.StatusCode != http.StatusForbidden {
		t.Errorf("reused ticket: HTTP %d, want 403", r.StatusCode)
	}
	if st := str(path(sso(t, c, "/check_qrconnect/", "token="+token, "").json(t), "data.status")); st != "5" {
		t.Errorf("spent token: status %s, want 5", st)
	}
	// An unknown token is "5" too.
	if st := str(path(sso(t, c, "/check_qrconnect/", "token=unknown", "").json(t), "data.status")); st != "5" {
		t.Errorf("unknown token: status %s, want 5", st)
	}
}

func TestQRLoginNeedsCookie(t *testing.T) {
	s := startServer(t, Options{Seed: 72})
	c := newClient(t, s)
	token := str(path(sso(t, c, "/get_qrcode/", "", "").json(t), "data.token"))
	var r *response
	for i := 0; i < 3; i++ {
		r = sso(t, c, "/check_qrconnect/", "token="+token, "")
	}
	req, _ := http.NewRequest(http.MethodGet, str(path(r.json(t), "data.redirect_url")), nil)
	if resp := c.do(req); resp.StatusCode != http.StatusForbidden {
		t.Errorf("callback without the check's cookies: HTTP %d, want 403", resp.StatusCode)
	}
	// Unsigned SSO requests are refused like any other.
	req, _ = http.NewRequest(http.MethodGet, s.URL()+"/get_qrcode/?"+ssoBase(), nil)
	req.Header.Set("User-Agent", testUA)
	if resp := c.do(req); len(resp.body) != 0 {
		t.Errorf("unsigned get_qrcode answered %d bytes", len(resp.body))
	}
}

func TestQRExpiry(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Seed: 73, QRLifetime: 200 * time.Millisecond, QRPollsPerStep: 2})
	c := newClient(t, s)
	token := str(path(sso(t, c, "/get_qrcode/", "", "").json(t), "data.token"))
	var got []string
	for i := 0; i < 3; i++ {
		got = append(got, str(path(sso(t, c, "/check_qrconnect/", "token="+token, "").json(t), "data.status")))
	}
	if strings.Join(got, ",") != "1,1,2" {
		t.Errorf("with 2 polls per step: %v, want 1,1,2", got)
	}
	time.Sleep(250 * time.Millisecond)
	if st := str(path(sso(t, c, "/check_qrconnect/", "token="+token, "").json(t), "data.status")); st != "5" {
		t.Errorf("after QRLifetime: status %s, want 5", st)
	}
}
