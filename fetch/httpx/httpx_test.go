package httpx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"3", 3 * time.Second, true},
		{" 3 ", 3 * time.Second, true},
		{"-1", 0, false},
		{"86400", 24 * time.Hour, true},
		{"99999999999999999", maxRetryAfter, true},
		{"Thu, 01 Jan 2026 00:00:05 GMT", 5 * time.Second, true},
		{"Wed, 31 Dec 2025 00:00:05 GMT", 0, true},
		{"soon", 0, false},
	} {
		if got, ok := RetryAfter(c.in, now); got != c.want || ok != c.ok {
			t.Errorf("RetryAfter(%q) = %v %v, want %v %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestBackoff(t *testing.T) {
	b := Backoff{Base: 100 * time.Millisecond, Max: time.Second}
	low := func(int64) int64 { return 0 }
	high := func(n int64) int64 { return n - 1 }
	for retry, want := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		want *= time.Millisecond
		if lo, hi := b.Delay(retry, low), b.Delay(retry, high); lo != want/2 || hi != want {
			t.Errorf("retry %d: [%v, %v], want [%v, %v]", retry, lo, hi, want/2, want)
		}
	}
	if d := b.Delay(1000, nil); d < b.Max/2 || d > b.Max {
		t.Errorf("retry 1000: %v", d)
	}
	// retry_backoff = 0 means no wait, not the longest.
	for retry := range 20 {
		if d := (Backoff{Max: time.Minute}).Delay(retry, high); d != 0 {
			t.Errorf("base 0, retry %d: %v", retry, d)
		}
	}
}

func TestSleep(t *testing.T) {
	ctx := context.Background()
	if err := Sleep(ctx, time.Millisecond, time.Time{}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := Sleep(ctx, time.Minute, time.Now().Add(time.Second)); !errors.Is(err, ErrNoTime) || time.Since(start) > 100*time.Millisecond {
		t.Errorf("a wait past the deadline: %v after %v", err, time.Since(start))
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := Sleep(cctx, time.Minute, time.Time{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://h.example/p/a.mp4?x-signature=SECRET":  "https://h.example/p/a.mp4",
		"https://user:pw@h.example/p#frag":              "https://h.example/p",
		"https://v.douyin.com/iRNBho6u/":                "https://v.douyin.com/iRNBho6u/",
		"https://u:pw@h.example/bad%zz?sig=SECRET":      "https://h.example/bad%zz",
		"http://h.example/%zz/x?token=SECRET#f":         "http://h.example/%zz/x",
		"/relative/path?sig=SECRET":                     "/relative/path",
		"https://h.example:8443/a/b?x-expires=1&sig=ab": "https://h.example:8443/a/b",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestURLFormat(t *testing.T) {
	for _, c := range []struct{ url, want string }{
		{"https://p3-pc-sign.douyinpic.com/tos-cn-i-0813/abc~tplv-dy-aweme-images:q75.webp?x-expires=1&x-signature=a.jpeg", "webp"},
		{"https://p3-pc-sign.douyinpic.com/tos-cn-i-0813/abc~tplv-dy-aweme-images:q75.jpeg?x-expires=1", "jpeg"},
		{"https://p9.douyinpic.com/tos/abc~q75.JPG", "jpeg"},
		{"https://p9.douyinpic.com/tos/abc.png#frag.webp", "png"},
		{"https://p3.douyinpic.com/obj/tos-cn-p-0015/abc?x-expires=1", ""},
		{"https://p3.douyinpic.com", ""},
		{"http://127.0.0.1:1/cdn/m1/tos-cn-i-0813c001_ab~webp.webp?x-expires=1", "webp"},
		{"https://p3.douyinpic.com/a/b.tplv-very-long-thing", ""},
		{"://bad", ""},
	} {
		if got := URLFormat(c.url); got != c.want {
			t.Errorf("URLFormat(%q) = %q, want %q", c.url, got, c.want)
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }
func (timeoutErr) Is(target error) bool {
	return target == context.DeadlineExceeded // as net's dial timeouts do
}

func TestTransient(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("connection reset by peer"), true},
		{fasthttp.ErrTimeout, true},
		{fmt.Errorf("dial: %w", &net.OpError{Op: "dial", Err: timeoutErr{}}), true},
		{context.Canceled, false},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), false},
		{fmt.Errorf("x: %w", ErrBodyTooLarge), false},
		{fasthttp.ErrBodyTooLarge, false},
	} {
		if got := Transient(c.err); got != c.want {
			t.Errorf("Transient(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// A server whose certificate does not verify is a final answer, on every
// client NewClient builds.
func TestCertificateErrorIsFinal(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	for name, cfg := range map[string]ClientConfig{
		"api":    {Timeout: 5 * time.Second, ReadTimeout: 5 * time.Second},
		"stream": {Timeout: 5 * time.Second, Progress: 5 * time.Second, Stream: true, Attempts: 2},
	} {
		c := NewClient(cfg)
		req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		req.SetRequestURI(srv.URL + "/secret?sig=SECRET")
		req.Header.Set("Cookie", "sessionid=SECRET")
		err := c.Do(req, resp)
		fasthttp.ReleaseRequest(req)
		fasthttp.ReleaseResponse(resp)
		if err == nil || Transient(err) {
			t.Errorf("%s: %v, want a final certificate error", name, err)
		}
		if err != nil && strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: a secret in the error: %v", name, err)
		}
	}
}

// A progress deadline bounds each wait for bytes, not the whole body: a
// slow body gets through, a stopped one fails after about the deadline.
func TestProgressDeadline(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		for i := range 10 {
			if i == 5 && r.URL.Path == "/stall" {
				select {
				case <-stop:
				case <-r.Context().Done():
				}
				return
			}
			w.Write([]byte{'x'})
			w.(http.Flusher).Flush()
			time.Sleep(60 * time.Millisecond)
		}
	}))
	defer srv.Close()
	c := NewClient(ClientConfig{Timeout: time.Second, Progress: 200 * time.Millisecond, Stream: true})
	get := func(path string) (time.Duration, error) {
		req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		defer fasthttp.ReleaseRequest(req)
		defer fasthttp.ReleaseResponse(resp)
		req.SetRequestURI(srv.URL + path)
		start := time.Now()
		if err := c.Do(req, resp); err != nil {
			return 0, err
		}
		buf := make([]byte, 16)
		n := 0
		for {
			k, err := resp.BodyStream().Read(buf[n:])
			n += k
			if err != nil {
				if n == 10 {
					return time.Since(start), nil
				}
				return time.Since(start), err
			}
		}
	}
	if el, err := get("/slow"); err != nil || el < 500*time.Millisecond {
		t.Errorf("slow body (600ms, never 200ms without a byte): %v after %v", err, el)
	}
	if el, err := get("/stall"); err == nil || el > 3*time.Second {
		t.Errorf("stalled body: %v after %v", err, el)
	}
}
