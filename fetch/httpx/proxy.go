package httpx

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
	"golang.org/x/net/http/httpproxy"
	"golang.org/x/net/proxy"
)

// Proxy says how connections reach their hosts. The zero value is direct.
type Proxy struct {
	// URL is the proxy every connection goes through: http://, https://
	// or socks5://, with optional user:password@. Secret when it holds a
	// password: never logged or quoted (see RedactProxy).
	URL string
	// When URL is empty, the environment's proxies as the caller read
	// them (HTTPS_PROXY, HTTP_PROXY, NO_PROXY): Go's usual rules, so
	// loopback hosts and NO_PROXY's hosts go direct. All empty: direct.
	HTTPSProxy, HTTPProxy, NoProxy string

	roots *x509.CertPool // an https proxy's CAs [the system's]; for tests
}

// CheckProxy says why raw cannot be a proxy URL, or nil. The message
// never quotes the URL (it may hold a password).
func CheckProxy(raw string) error {
	_, err := parseProxy(raw)
	return err
}

func parseProxy(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("is not a URL like http://host:port, https://host:port or socks5://host:port")
	}
	switch u.Scheme {
	case "http", "https", "socks5", "socks5h":
	default:
		return nil, fmt.Errorf("%s: want an http://, https:// or socks5:// proxy URL", RedactProxy(raw))
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("%s: names no host", RedactProxy(raw))
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%s: a proxy URL has no path or query", RedactProxy(raw))
	}
	return u, nil
}

// RedactProxy is a proxy URL as it may appear in logs and errors: the
// password replaced, the user kept (so one can tell which account).
func RedactProxy(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		// Not a URL with userinfo, but anything before an @ may still be
		// credentials ("user:pass@host" parses as scheme "user").
		if i := strings.LastIndexByte(raw, '@'); i >= 0 {
			if scheme, _, ok := strings.Cut(raw[:i], "://"); ok {
				return scheme + "://***@" + raw[i+1:]
			}
			return "***@" + raw[i+1:]
		}
		if err != nil {
			return "(unparsable proxy URL)"
		}
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "***")
	}
	// url.String would escape the stars.
	return strings.Replace(u.String(), "%2A%2A%2A", "***", 1)
}

// proxyFor is the proxy a connection to addr ("host:port") uses, or nil
// for direct.
func (p Proxy) proxyFor(addr string, isTLS bool) (*url.URL, error) {
	if p.URL != "" {
		return parseProxy(p.URL)
	}
	if p.HTTPSProxy == "" && p.HTTPProxy == "" {
		return nil, nil
	}
	scheme := "http"
	if isTLS {
		scheme = "https"
	}
	cfg := httpproxy.Config{HTTPSProxy: p.HTTPSProxy, HTTPProxy: p.HTTPProxy, NoProxy: p.NoProxy}
	u, err := cfg.ProxyFunc()(&url.URL{Scheme: scheme, Host: addr})
	if err != nil || u == nil {
		// httpproxy's message quotes the variable's value: say it without.
		if err != nil {
			return nil, errors.New("the proxy in HTTPS_PROXY or HTTP_PROXY is not a URL")
		}
		return nil, nil
	}
	return parseProxy(u.String())
}

// dialer is how one host's connections are made: directly or through the
// proxy, within timeout for the whole setup (TCP, TLS to an https proxy,
// CONNECT or the SOCKS handshake).
func (p Proxy) dialer(addr string, isTLS bool, timeout time.Duration) (fasthttp.DialFunc, error) {
	pu, err := p.proxyFor(addr, isTLS)
	if err != nil {
		return nil, err
	}
	direct := func(addr string) (net.Conn, error) { return fasthttp.DialTimeout(addr, timeout) }
	if pu == nil {
		return direct, nil
	}
	name := RedactProxy(pu.String())
	switch pu.Scheme {
	case "socks5", "socks5h":
		var auth *proxy.Auth
		if pu.User != nil {
			pass, _ := pu.User.Password()
			auth = &proxy.Auth{User: pu.User.Username(), Password: pass}
		}
		d, err := proxy.SOCKS5("tcp", hostPort(pu), auth, &net.Dialer{})
		if err != nil {
			return nil, fmt.Errorf("proxy %s: %w", name, err)
		}
		cd := d.(proxy.ContextDialer) // SOCKS5's dialer is one
		return func(target string) (net.Conn, error) {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			conn, err := cd.DialContext(ctx, "tcp", target)
			if err != nil {
				return nil, &ProxyError{Proxy: name, Err: err}
			}
			return conn, nil
		}, nil
	default: // http, https: checked by parseProxy
		return func(target string) (net.Conn, error) {
			return dialConnect(pu, name, target, timeout, p.roots)
		}, nil
	}
}

// ProxyError is a connection the proxy did not make. Status is the
// proxy's answer to CONNECT, 0 when it never answered.
type ProxyError struct {
	Proxy  string // redacted
	Status int
	Err    error
}

func (e *ProxyError) Error() string {
	switch {
	case e.authRefused():
		return fmt.Sprintf("proxy %s refused the credentials (HTTP %d): check user:password in the proxy URL", e.Proxy, e.Status)
	case e.Status != 0:
		return fmt.Sprintf("proxy %s answered CONNECT with HTTP %d", e.Proxy, e.Status)
	}
	return fmt.Sprintf("proxy %s: %v", e.Proxy, e.Err)
}

func (e *ProxyError) Unwrap() error { return e.Err }

// authRefused: 407 is the standard answer, but tinyproxy (and others)
// answer a wrong password with 401.
func (e *ProxyError) authRefused() bool {
	return e.Status == http.StatusProxyAuthRequired || e.Status == http.StatusUnauthorized
}

// final reports whether asking again cannot help: the proxy refused the
// credentials or the target.
func (e *ProxyError) final() bool {
	return e.authRefused() || e.Status == http.StatusForbidden
}

// dialConnect opens a tunnel through an HTTP(S) proxy with CONNECT.
func dialConnect(pu *url.URL, name, target string, timeout time.Duration, roots *x509.CertPool) (net.Conn, error) {
	fail := func(status int, err error) (net.Conn, error) {
		return nil, &ProxyError{Proxy: name, Status: status, Err: err}
	}
	deadline := time.Now().Add(timeout)
	conn, err := net.DialTimeout("tcp", hostPort(pu), timeout)
	if err != nil {
		return fail(0, err)
	}
	// One deadline for TLS, CONNECT and its answer: a proxy that accepts
	// and then says nothing must not hang the dial.
	conn.SetDeadline(deadline)
	if pu.Scheme == "https" {
		tc := tls.Client(conn, &tls.Config{ServerName: pu.Hostname(), MinVersion: tls.VersionTLS12, RootCAs: roots})
		if err := tc.Handshake(); err != nil {
			conn.Close()
			return fail(0, err)
		}
		conn = tc
	}
	req := "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n"
	if pu.User != nil {
		pass, _ := pu.User.Password()
		req += "Proxy-Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(pu.User.Username()+":"+pass)) + "\r\n"
	}
	if _, err := conn.Write([]byte(req + "\r\n")); err != nil {
		conn.Close()
		return fail(0, err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil {
		conn.Close()
		return fail(0, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		conn.Close()
		return fail(resp.StatusCode, nil)
	}
	conn.SetDeadline(time.Time{})
	if br.Buffered() > 0 {
		// The target spoke first and the reader took some of it.
		return &bufferedConn{Conn: conn, r: br}, nil
	}
	return conn, nil
}

// hostPort is the proxy's address with its scheme's default port.
func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	port := map[string]string{"http": "80", "https": "443", "socks5": "1080", "socks5h": "1080"}[u.Scheme]
	return net.JoinHostPort(u.Hostname(), port)
}

type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }
