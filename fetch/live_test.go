package fetch

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// OpenLiveStream is the API client's transitional forwarder to
// media.Live (whose tests cover the streams themselves): it counts the
// requests under live_stream, and a status other than 200 is an HTTPError.
func TestLiveStreamThroughClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/moved.flv":
			http.Redirect(w, r, "/stream.flv", http.StatusFound)
		case "/stream.flv":
			if r.Header.Get("Cookie") != "" || r.Header.Get("User-Agent") != "UA" || r.Header.Get("Referer") != "http://"+r.Host+"/" {
				t.Errorf("stream request headers %v", r.Header)
			}
			w.Write([]byte("FLV"))
		case "/gone.flv":
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	u := srv.URL
	cfg := testConfig(Hosts{WWW: u, Live: u, Webcast: u})
	cfg.Cookie, cfg.UserAgent, cfg.Timeout = "sessionid=x", "UA", 2*time.Second
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := testCtx(t)
	s, err := c.OpenLiveStream(ctx, u+"/moved.flv")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(s); err != nil || string(b) != "FLV" {
		t.Errorf("stream %q, %v", b, err)
	}
	s.Close()
	if _, err := c.OpenLiveStream(ctx, u+"/gone.flv"); !errors.Is(err, ErrNotFound) {
		t.Errorf("404 stream: %v", err)
	}
	if _, err := c.OpenLiveStream(ctx, "ftp://x/y.flv"); err == nil || !strings.Contains(err.Error(), "live_stream") {
		t.Errorf("bad URL: %v", err)
	}
	if st := c.Stats(); st.Requests["live_stream"] != 3 || st.Errors["live_stream"] != 2 {
		t.Errorf("stats %+v", st)
	}
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
	for i := range 4 {
		s, err := c.OpenLiveStream(ctx, u+"/s.flv")
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
