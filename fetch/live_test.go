package fetch

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/fetch/media"
)

// testLive is a live stream client for tests that open streams beside
// API requests (streams are fetch/media's; fetch only finds their URLs).
func testLive(t *testing.T) *media.Live {
	t.Helper()
	cfg := media.DefaultLiveConfig()
	cfg.Timeout = 2 * time.Second
	l, err := media.NewLive(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}

// Live streams have their own connections: opening more of them than
// MaxConnections leaves API requests their connections.
func TestLiveStreamConnections(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".flv") {
			w.Write([]byte("FLV"))
			w.(http.Flusher).Flush()
			<-r.Context().Done()
			return
		}
		okJSON(w, `{"status_code":0}`)
	}))
	defer srv.Close()
	u := srv.URL
	cfg := testConfig(Hosts{WWW: u, Live: u, Webcast: u})
	cfg.Timeout, cfg.MaxConnections, cfg.RateLimit, cfg.RateBurst = 2*time.Second, 2, 100, 100
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := testCtx(t)
	live := testLive(t)
	for i := range 4 {
		s, err := live.Open(ctx, u+"/s.flv")
		if err != nil {
			t.Fatalf("live stream %d of 4 with max_connections 2: %v", i+1, err)
		}
		defer s.Close()
	}
	for i := range 3 {
		if _, err := c.send(ctx, &epLiveEnter, func() (httpReq, error) { return httpReq{method: "GET", url: u + "/api"}, nil }); err != nil {
			t.Fatalf("API request %d with 4 streams open: %v", i+1, err)
		}
	}
}

func TestLoginRedirectsStayOnConfiguredHosts(t *testing.T) {
	var away int
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { away++ }))
	defer other.Close()
	var redirect string
	sso := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/check_qrconnect/":
			if r.Header.Get("Cookie") != "" {
				t.Errorf("SSO poll sent a cookie")
			}
			http.SetCookie(w, &http.Cookie{Name: "toutiao_sso_user", Value: "m"})
			okJSON(w, `{"data":{"status":"3","redirect_url":"`+redirect+`"},"error_code":0}`)
		case "/cb":
			if !strings.Contains(r.Header.Get("Cookie"), "toutiao_sso_user=m") {
				t.Errorf("callback without the check cookies: %q", r.Header.Get("Cookie"))
			}
			http.SetCookie(w, &http.Cookie{Name: "sessionid", Value: "fresh"})
			http.Redirect(w, r, "/done", http.StatusFound)
		case "/done":
			w.Write([]byte("ok"))
		case "/get_qrcode/":
			okJSON(w, `{"data":{"token":"tk","qrcode_index_url":"https://x/?token=tk"},"error_code":0}`)
		}
	}))
	defer sso.Close()
	u := sso.URL
	c, err := NewClient(testConfig(Hosts{WWW: u, Live: u, Webcast: u, SSO: u}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := testCtx(t)
	qr, err := c.LoginQRCode(ctx)
	if err != nil || qr.Token != "tk" || qr.URL != "https://x/?token=tk" {
		t.Fatalf("QR %+v %v", qr, err)
	}
	redirect = other.URL + "/cb"
	if _, err := c.LoginPoll(ctx, "tk"); err == nil || away != 0 {
		t.Errorf("redirect to an unconfigured host: %v, %d requests there", err, away)
	}
	redirect = u + "/cb"
	st, err := c.LoginPoll(ctx, "tk")
	if err != nil || st.Status != LoginConfirmed || cookieValue(st.Cookie, "sessionid") != "fresh" || cookieValue(st.Cookie, "toutiao_sso_user") != "m" {
		t.Errorf("login %+v, %v", st, err)
	}
}
