package httpx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
)

// ErrBodyTooLarge is a response body over the configured limit: asking
// again brings the same body.
var ErrBodyTooLarge = errors.New("the response body is larger than max_body")

// Transient reports whether a transport error is worth another attempt:
// timeouts, resets, refused or dropped connections. A TLS certificate that
// does not verify, a body over the limit, or the caller's own cancellation
// are final. Callers check their context first: a dial that timed out also
// matches context.DeadlineExceeded, and is transient.
func Transient(err error) bool {
	if err == nil {
		return false
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) {
		return false
	}
	if errors.Is(err, ErrBodyTooLarge) || errors.Is(err, fasthttp.ErrBodyTooLarge) {
		return false
	}
	// A proxy that refuses the credentials or the target will refuse again.
	if pe, ok := errors.AsType[*ProxyError](err); ok && pe.final() {
		return false
	}
	// A socket's timeout, not a context's (a dial's matches both).
	if oe, ok := errors.AsType[*net.OpError](err); ok && oe.Timeout() {
		return true
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// Backoff is exponential back-off with jitter: Base doubled per retry, at
// most Max, of which a random part of the upper half is waited, so that
// clients failing together do not come back together.
type Backoff struct {
	Base, Max time.Duration
}

// Delay is the wait before retry number retry (0 for the first). jitter(n)
// is uniform in [0,n); nil means math/rand. A zero Base is no wait.
func (b Backoff) Delay(retry int, jitter func(n int64) int64) time.Duration {
	if b.Base <= 0 {
		return 0
	}
	d := b.Base << min(max(retry, 0), 16)
	if d <= 0 || d > b.Max { // d <= 0: the shift overflowed
		d = b.Max
	}
	if jitter == nil {
		jitter = rand.Int64N
	}
	return d/2 + time.Duration(jitter(int64(d/2)+1))
}

// maxRetryAfter bounds what RetryAfter returns, so that the arithmetic of
// callers (who cap it much lower) cannot overflow.
const maxRetryAfter = 24 * time.Hour

// RetryAfter reads a Retry-After header: delay seconds or an HTTP date (one
// already past is 0). ok is false when the header is absent or unreadable.
func RetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(min(s, int64(maxRetryAfter/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), maxRetryAfter), true
	}
	return 0, false
}

// ErrNoTime is returned by Sleep when the wait would end past the deadline.
var ErrNoTime = errors.New("the deadline leaves no time to retry")

// Sleep waits d unless ctx ends first. When by is set and the wait would
// end after it, Sleep returns ErrNoTime at once: nobody could use what an
// attempt after the wait brings.
func Sleep(ctx context.Context, d time.Duration, by time.Time) error {
	if !by.IsZero() && time.Until(by) < d {
		return ErrNoTime
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
