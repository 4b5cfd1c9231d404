package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/douyinfs/douyinfs/fetch/httpx"
)

// newClient is the media path's own fasthttp client: CDN transfers
// must not queue behind (or starve) API calls, and a range of many
// megabytes needs a progress deadline, not one for the whole body.
func newClient(cfg Config) *fasthttp.Client {
	return httpx.NewClient(httpx.ClientConfig{
		MaxConnsPerHost: cfg.MaxConnections,
		Timeout:         cfg.Timeout,
		Progress:        cfg.Timeout,
		Stream:          true,
		IdleConnTimeout: cfg.IdleConnTimeout,
		ReadBufferSize:  16 << 10,
		// One transparent retry covers a keep-alive connection the server
		// closed while idle; everything else is the reader's decision.
		Attempts: 2,
		Proxy:    cfg.Proxy,
	})
}

// StatusError is an HTTP status a CDN or stream host answered with.
type StatusError struct {
	Status        int
	URL           string // redacted
	RetryAfter    time.Duration
	HasRetryAfter bool
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("media %s: HTTP %d", e.URL, e.Status)
}

// expiredStatus: the URL's signature expired or the mirror dropped
// the file; a fresh URL list is the cure (fetch/docs/douyin-web-api.md §10.5).
func expiredStatus(code int) bool {
	return code == fasthttp.StatusForbidden || code == fasthttp.StatusNotFound || code == fasthttp.StatusGone
}

var (
	errExpired  = errors.New("media URL expired")
	errBadRange = errors.New("CDN answered with a range other than the one asked for")
)

// urlExpired reports whether a signed URL's expiry (urlExpiry) has
// passed, so a request that would only earn a 403 is not sent.
func urlExpired(raw string, now time.Time) bool {
	exp, ok := urlExpiry(raw)
	return ok && now.Unix() >= exp
}

// urlExpiry is the unix time a signed media URL expires at, when it says:
// the x-expires query parameter (picture URLs, decimal), or in the path of
// douyinvod video URLs, /<32 hex signature>/<hex unix seconds>/video/...
// (fetch/testdata/real/aweme_detail_video.json: 64ba6dea is an hour after
// the capture's dy_q). Both readings are inferred from captures: the URL
// lifetime is spec §11 open fact 7. A URL that says neither never counts as
// expired; the CDN's 403 still triggers a refresh.
func urlExpiry(raw string) (int64, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return 0, false
	}
	if v := u.Query().Get("x-expires"); v != "" {
		sec, err := strconv.ParseInt(v, 10, 64)
		return sec, err == nil && sec > 0
	}
	parts := strings.Split(u.Path, "/")
	for i := 2; i < len(parts); i++ {
		if parts[i] == "video" && isHex(parts[i-2], 32, 32) && isHex(parts[i-1], 1, 15) {
			sec, err := strconv.ParseInt(parts[i-1], 16, 64)
			return sec, err == nil && sec > 0
		}
	}
	return 0, false
}

// isHex: s is min..max lower-case hex digits.
func isHex(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && (s[i] < 'a' || s[i] > 'f') {
			return false
		}
	}
	return true
}

// resolveLocation resolves a Location header against the URL that sent it.
func resolveLocation(base, loc string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	l, err := url.Parse(loc)
	if err != nil {
		return "", fmt.Errorf("bad redirect location: %w", err)
	}
	return b.ResolveReference(l).String(), nil
}

// contentRange parses "bytes a-b/total" (total may be "*", then -1)
// and "bytes */total" (a = b = -1).
func contentRange(v []byte) (a, b, total int64, ok bool) {
	s := string(bytes.TrimSpace(v))
	const unit = "bytes "
	if len(s) < len(unit) || s[:len(unit)] != unit {
		return 0, 0, 0, false
	}
	s = s[len(unit):]
	slash := bytes.IndexByte([]byte(s), '/')
	if slash < 0 {
		return 0, 0, 0, false
	}
	rng, tot := s[:slash], s[slash+1:]
	total = -1
	if tot != "*" {
		n, err := strconv.ParseInt(tot, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, 0, false
		}
		total = n
	}
	if rng == "*" {
		return -1, -1, total, total >= 0
	}
	dash := bytes.IndexByte([]byte(rng), '-')
	if dash < 0 {
		return 0, 0, 0, false
	}
	a, err1 := strconv.ParseInt(rng[:dash], 10, 64)
	b, err2 := strconv.ParseInt(rng[dash+1:], 10, 64)
	if err1 != nil || err2 != nil || a < 0 || b < a || (total >= 0 && b >= total) {
		return 0, 0, 0, false
	}
	return a, b, total, true
}

// exchange sends one GET of bytes [off, end) to target and returns the
// response with its body not yet read (release with release).
func (r *Reader) exchange(ctx context.Context, target string, off, end int64) (*fasthttp.Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI(target)
	req.Header.SetMethod(fasthttp.MethodGet)
	req.Header.SetUserAgent(r.cfg.UserAgent)
	req.Header.Set("Referer", r.cfg.Referer)
	if ck := *r.cookie.Load(); ck != "" {
		req.Header.Set("Cookie", ck)
	}
	rng := make([]byte, 0, 48)
	rng = append(rng, "bytes="...)
	rng = strconv.AppendInt(rng, off, 10)
	rng = append(rng, '-')
	rng = strconv.AppendInt(rng, end-1, 10)
	req.Header.SetBytesV("Range", rng)

	resp := fasthttp.AcquireResponse()
	r.st.requests.Add(1)
	if err := r.client.Do(req, resp); err != nil {
		fasthttp.ReleaseResponse(resp)
		// fasthttp's errors name the dial address at most: no header, no
		// query string, so the cookie cannot leak through them.
		return nil, fmt.Errorf("media %s: %w", httpx.RedactURL(target), err)
	}
	return resp, nil
}

// release closes the body (the connection goes back to the pool only if
// the body was read to the end) and recycles the response.
func release(resp *fasthttp.Response) {
	_ = resp.CloseBodyStream()
	fasthttp.ReleaseResponse(resp)
}

// drainSmall reads a short error or redirect body to its end so the
// connection can be reused; a long one is not worth it.
func drainSmall(resp *fasthttp.Response) {
	if s := resp.BodyStream(); s != nil && resp.Header.ContentLength() >= 0 && resp.Header.ContentLength() <= 16<<10 {
		_, _ = io.Copy(io.Discard, io.LimitReader(s, 16<<10+1))
	}
}
