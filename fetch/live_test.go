package fetch

import (
	"context"
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

// An interrupted read returns at once; the stream stays usable and loses
// nothing: what arrives meanwhile goes to the next read.
func TestLiveStreamReadContext(t *testing.T) {
	more := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("FLV"))
		w.(http.Flusher).Flush()
		select {
		case <-more:
		case <-r.Context().Done():
			return
		}
		w.Write([]byte("tag1"))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	defer close(more)
	u := srv.URL
	c, err := NewClient(Config{Hosts: Hosts{WWW: u, Live: u, Webcast: u}, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := c.OpenLiveStream(testCtx(t), u+"/s.flv")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	head := make([]byte, 3)
	if _, err := io.ReadFull(s, head); err != nil || string(head) != "FLV" {
		t.Fatalf("head %q, %v", head, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := s.ReadContext(ctx, make([]byte, 64))
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("interrupted read: %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second): // the stall timeout is 20s
		t.Fatal("an interrupted read did not return")
	}
	// A read with a dead context does not consume anything either.
	if n, err := s.ReadContext(ctx, make([]byte, 64)); n != 0 || !errors.Is(err, context.Canceled) {
		t.Errorf("read with a cancelled context: %d, %v", n, err)
	}
	more <- struct{}{}
	got := make([]byte, 4)
	if _, err := io.ReadFull(s, got); err != nil || string(got) != "tag1" {
		t.Errorf("after the interrupt: %q, %v, want tag1", got, err)
	}
}

// Live streams have their own connections: opening more of them than
// MaxConnections leaves API requests their connections, and a stream that
// cannot get one says so instead of "stalled".
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
	c, err := NewClient(Config{Hosts: Hosts{WWW: u, Live: u, Webcast: u}, Timeout: 2 * time.Second, MaxConnections: 2, RateLimit: 100, RateBurst: 100})
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

	// With the streams' own limit reached, the next open waits about
	// Timeout for a connection and then says that it found none.
	c.streamClient = newStreamClient(c.cfg, 1)
	s, err := c.OpenLiveStream(ctx, u+"/s.flv")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	_, err = c.OpenLiveStream(ctx, u+"/s.flv")
	host := strings.TrimPrefix(u, "http://")
	if !errors.Is(err, ErrNoFreeConn) || !strings.Contains(err.Error(), "no free connection to "+host+" within 2s") || errors.Is(err, ErrStreamStalled) {
		t.Errorf("open past the limit: %v, want no free connection to %s within 2s", err, host)
	}
	if el := time.Since(start); el < 1500*time.Millisecond || el > 10*time.Second {
		t.Errorf("gave up after %v, want about the 2s timeout", el)
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
