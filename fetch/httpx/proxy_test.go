package httpx

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

func TestRedactProxy(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"http://proxy:3128", "http://proxy:3128"},
		{"http://bob:s3cret@proxy:3128", "http://bob:***@proxy:3128"},
		{"socks5://bob:p%40ss@10.0.0.1:1080", "socks5://bob:***@10.0.0.1:1080"},
		{"socks5://bob@10.0.0.1:1080", "socks5://bob@10.0.0.1:1080"},
		{"http://bob:s3cret@pro xy:%zz", "http://***@pro xy:%zz"},
		{"bob:s3cret@proxy:3128", "***@proxy:3128"},
		{"%zz", "(unparsable proxy URL)"},
	} {
		if got := RedactProxy(c.in); got != c.want {
			t.Errorf("RedactProxy(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCheckProxy(t *testing.T) {
	for _, ok := range []string{"http://h:1", "https://u:p@h:443", "socks5://h:1080", "socks5h://h"} {
		if err := CheckProxy(ok); err != nil {
			t.Errorf("CheckProxy(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"ftp://u:s3cret@h:21", "h:3128", "http://u:s3cret@:80", "http://u:s3cret@h:1/path", "http://u:s3cret@h:1?q=1", "%zz://u:s3cret@h"} {
		err := CheckProxy(bad)
		if err == nil {
			t.Errorf("CheckProxy(%q) accepted it", bad)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("CheckProxy(%q) quotes the password: %v", bad, err)
		}
	}
}

// The environment's proxies follow Go's rules: per scheme, NO_PROXY's
// hosts and loopback direct; an explicit URL takes every host.
func TestProxyFor(t *testing.T) {
	env := Proxy{HTTPSProxy: "http://s:1", HTTPProxy: "socks5://p:2", NoProxy: "direct.example,.cdn.example"}
	for _, c := range []struct {
		p    Proxy
		addr string
		tls  bool
		want string // "" = direct
	}{
		{Proxy{}, "www.douyin.com:443", true, ""},
		{env, "www.douyin.com:443", true, "http://s:1"},
		{env, "www.douyin.com:80", false, "socks5://p:2"},
		{env, "direct.example:443", true, ""},
		{env, "v3.cdn.example:443", true, ""},
		{env, "127.0.0.1:8080", false, ""},
		{Proxy{URL: "http://u:pw@x:3", HTTPSProxy: "http://s:1"}, "127.0.0.1:8080", false, "http://u:pw@x:3"},
	} {
		u, err := c.p.proxyFor(c.addr, c.tls)
		if err != nil {
			t.Fatalf("proxyFor(%s): %v", c.addr, err)
		}
		got := ""
		if u != nil {
			got = u.String()
		}
		if got != c.want {
			t.Errorf("%+v: proxyFor(%s, tls=%v) = %q, want %q", c.p, c.addr, c.tls, got, c.want)
		}
	}
}

// connectProxy is a minimal HTTP CONNECT proxy that wants user:pass and
// remembers what it was asked.
type connectProxy struct {
	mu      sync.Mutex
	targets []string
	auths   []string
}

func (p *connectProxy) serve(t *testing.T, ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			br := bufio.NewReader(c)
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			p.mu.Lock()
			p.targets = append(p.targets, req.Host)
			p.auths = append(p.auths, req.Header.Get("Proxy-Authorization"))
			p.mu.Unlock()
			if req.Header.Get("Proxy-Authorization") != "Basic "+base64.StdEncoding.EncodeToString([]byte("bob:s3cret")) {
				io.WriteString(c, "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
				return
			}
			up, err := net.Dial("tcp", req.Host)
			if err != nil {
				io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
				return
			}
			defer up.Close()
			io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
			go io.Copy(up, br)
			io.Copy(c, up)
		}()
	}
}

func TestClientThroughConnectProxy(t *testing.T) {
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello from the origin")
	}))
	defer origin.Close()

	for _, useTLS := range []bool{false, true} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		px := Proxy{URL: "http://bob:s3cret@" + ln.Addr().String()}
		if useTLS {
			// An https:// proxy: TLS to the proxy, then CONNECT inside it.
			srv := httptest.NewUnstartedServer(nil)
			srv.StartTLS()
			cfg := srv.TLS.Clone()
			srv.Close()
			px.roots = srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
			ln = tls.NewListener(ln, cfg)
			// httptest's certificate names 127.0.0.1 and example.com.
			px.URL = "https://bob:s3cret@" + ln.Addr().String()
		}
		cp := &connectProxy{}
		go cp.serve(t, ln)

		for _, pass := range []string{"s3cret", "wrong"} {
			p := px
			p.URL = strings.Replace(px.URL, "s3cret", pass, 1)
			c := NewClient(ClientConfig{Timeout: 5 * time.Second, ReadTimeout: 5 * time.Second, Progress: time.Second, Proxy: p})
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			req.SetRequestURI(origin.URL + "/x")
			err := c.Do(req, resp)
			if pass == "s3cret" {
				if err != nil || string(resp.Body()) != "hello from the origin" {
					t.Errorf("tls=%v: through the proxy: %v %q", useTLS, err, resp.Body())
				}
			} else {
				var pe *ProxyError
				if !errors.As(err, &pe) || pe.Status != 407 {
					t.Errorf("tls=%v: wrong password: err %v, want a ProxyError with 407", useTLS, err)
				}
				if err != nil && strings.Contains(err.Error(), pass) {
					t.Errorf("the error quotes the password: %v", err)
				}
				if Transient(err) {
					t.Errorf("a 407 is transient: %v", err)
				}
			}
			fasthttp.ReleaseRequest(req)
			fasthttp.ReleaseResponse(resp)
		}
		ln.Close()
		cp.mu.Lock()
		if len(cp.targets) != 2 || cp.targets[0] != strings.TrimPrefix(origin.URL, "http://") {
			t.Errorf("tls=%v: the proxy was asked for %q, want the origin twice", useTLS, cp.targets)
		}
		cp.mu.Unlock()
	}
}

// A proxy that accepts and then says nothing fails the dial within the
// timeout instead of hanging.
func TestSilentProxy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	held := make(chan net.Conn, 8)
	defer func() {
		for len(held) > 0 {
			(<-held).Close()
		}
	}()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held <- c // kept open, never answered
		}
	}()
	for _, scheme := range []string{"http", "socks5"} {
		c := NewClient(ClientConfig{Timeout: 300 * time.Millisecond, Proxy: Proxy{URL: scheme + "://u:s3cret@" + ln.Addr().String()}})
		_, _, err := c.Get(nil, "http://127.0.0.1:9/")
		var pe *ProxyError
		if !errors.As(err, &pe) {
			t.Fatalf("%s: err %v, want a ProxyError", scheme, err)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: the error quotes the password: %v", scheme, err)
		}
	}
}

// A proxy's refusal of the credentials (407, or 401 as tinyproxy answers)
// or of the target (403) is final; a gateway error is worth a retry.
func TestProxyErrorTransient(t *testing.T) {
	for status, transient := range map[int]bool{401: false, 403: false, 407: false, 502: true, 503: true} {
		err := &ProxyError{Proxy: "http://u:***@h:1", Status: status}
		if Transient(err) != transient {
			t.Errorf("HTTP %d from the proxy: Transient = %v", status, !transient)
		}
	}
}
