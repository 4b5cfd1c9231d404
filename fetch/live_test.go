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

func TestLiveStream(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/moved.flv":
			http.Redirect(w, r, "/stream.flv", http.StatusFound)
		case "/stream.flv":
			if r.Header.Get("Cookie") != "" || r.Header.Get("User-Agent") == "" || r.Header.Get("Referer") == "" {
				t.Errorf("stream request headers %v", r.Header)
			}
			w.Header().Set("Content-Type", "video/x-flv")
			w.Write([]byte("FLV\x01\x05"))
			w.(http.Flusher).Flush()
			select { // then nothing: a stall
			case <-release:
			case <-r.Context().Done():
			}
		case "/gone.flv":
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	defer close(release)
	u := srv.URL
	c, err := NewClient(Config{Hosts: Hosts{WWW: u, Live: u, Webcast: u}, Cookie: "sessionid=x", Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := testCtx(t)

	s, err := c.OpenLiveStream(ctx, u+"/moved.flv")
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 5)
	if _, err := io.ReadFull(s, head); err != nil || string(head) != "FLV\x01\x05" {
		t.Fatalf("head %q, %v", head, err)
	}
	start := time.Now()
	_, err = s.Read(make([]byte, 10))
	if !errors.Is(err, ErrStreamStalled) {
		t.Errorf("stalled stream: %v, want ErrStreamStalled", err)
	}
	if el := time.Since(start); el < 250*time.Millisecond || el > 3*time.Second {
		t.Errorf("stall detected after %v, want about the 300ms timeout", el)
	}
	s.Close()

	// Close wakes a blocked Read.
	s, err = c.OpenLiveStream(ctx, u+"/stream.flv")
	if err != nil {
		t.Fatal(err)
	}
	io.ReadFull(s, head)
	done := make(chan error, 1)
	go func() {
		_, err := s.Read(make([]byte, 10))
		done <- err
	}()
	s.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Error("Read after Close returned no error")
		}
	case <-time.After(250 * time.Millisecond): // well under the stall timeout
		t.Error("Close did not end a blocked Read")
	}

	if _, err := c.OpenLiveStream(ctx, u+"/gone.flv"); !errors.Is(err, ErrNotFound) {
		t.Errorf("404 stream: %v", err)
	}
	if _, err := c.OpenLiveStream(ctx, "ftp://x/y.flv"); err == nil || !strings.Contains(err.Error(), "live_stream") {
		t.Errorf("bad URL: %v", err)
	}
	if st := c.Stats(); st.Requests["live_stream"] != 4 || st.Errors["live_stream"] != 2 {
		t.Errorf("stats %+v", st)
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
	c, err := NewClient(Config{Hosts: Hosts{WWW: u, Live: u, Webcast: u, SSO: u}})
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
