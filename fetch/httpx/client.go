// Package httpx is the HTTP layer that the Douyin API client (fetch) and the
// media reader (fetch/media) share: how fasthttp clients are built, the
// progress deadline on their connections, back-off with jitter,
// Retry-After, which errors are worth another attempt, waiting within a
// deadline, and what of a URL may appear in logs and errors. It knows
// nothing about Douyin's API or the media it serves.
package httpx

import (
	"crypto/tls"
	"net"
	"time"

	"github.com/valyala/fasthttp"
)

// DefaultUserAgent is sent when the configuration names none (the one
// config.toml ships): a desktop browser's, which the signatures and the
// CDNs expect.
const DefaultUserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0"

// ClientConfig is how one fasthttp client differs from the others. Zero
// fields mean "none" or fasthttp's default, as noted.
type ClientConfig struct {
	MaxConnsPerHost int
	// Timeout bounds connecting, writing a request, and waiting for a free
	// connection.
	Timeout time.Duration
	// ReadTimeout bounds reading a whole response [none].
	ReadTimeout time.Duration
	// Progress, when set, is the longest one read may wait for bytes: a
	// slow body is fine, one that stops is not. For streamed bodies, whose
	// length has no bound that a whole-response deadline could know.
	Progress time.Duration
	MaxBody  int // largest body read into memory [fasthttp's: no limit]
	// Stream hands bodies out as they arrive instead of reading them whole.
	Stream          bool
	IdleConnTimeout time.Duration // close keep-alive connections idle this long [fasthttp's]
	ReadBufferSize  int           // [fasthttp's]
	// Attempts is how often fasthttp itself may send an idempotent request
	// [1]: retrying is the caller's decision, counted and backed off.
	Attempts int
	// Proxy is how connections reach their hosts [direct]; Timeout bounds
	// setting one up through a proxy as well.
	Proxy Proxy
}

// NewClient builds a fasthttp client the one way douyinfs builds them:
// requests go out byte for byte as written (signed paths and queries),
// the caller sets the User-Agent, TLS is at least 1.2 with certificates
// checked, and errors never quote request or response buffers (they may
// hold the cookie).
func NewClient(cfg ClientConfig) *fasthttp.Client {
	c := &fasthttp.Client{
		NoDefaultUserAgentHeader:  true,
		MaxConnsPerHost:           cfg.MaxConnsPerHost,
		MaxConnWaitTimeout:        cfg.Timeout,
		WriteTimeout:              cfg.Timeout,
		ReadTimeout:               cfg.ReadTimeout,
		MaxResponseBodySize:       cfg.MaxBody,
		StreamResponseBody:        cfg.Stream,
		MaxIdleConnDuration:       cfg.IdleConnTimeout,
		ReadBufferSize:            cfg.ReadBufferSize,
		DisablePathNormalizing:    true,
		MaxIdemponentCallAttempts: max(cfg.Attempts, 1),
		TLSConfig:                 &tls.Config{MinVersion: tls.VersionTLS12},
	}
	timeout, progress, px := cfg.Timeout, cfg.Progress, cfg.Proxy
	// Each host gets its own dial function: whether a proxy applies (and
	// which, from the environment's rules) depends on the host and on
	// whether it speaks TLS.
	c.ConfigureClient = func(hc *fasthttp.HostClient) error {
		secureErrors(hc)
		if progress <= 0 && px == (Proxy{}) {
			return nil
		}
		dial, err := px.dialer(hc.Addr, hc.IsTLS, timeout)
		if err != nil {
			return err
		}
		if progress <= 0 {
			hc.Dial = dial
			return nil
		}
		hc.Dial = func(addr string) (net.Conn, error) {
			conn, err := dial(addr)
			if err != nil {
				return nil, err
			}
			return &progressConn{Conn: conn, idle: progress}, nil
		}
		return nil
	}
	return c
}

// secureErrors keeps fasthttp from quoting request and response buffers
// in its errors.
func secureErrors(hc *fasthttp.HostClient) error {
	hc.SecureErrorLogMessage = true
	return nil
}
