package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/douyinfs/douyinfs/fetch/httpx"
)

// httpReq is one HTTP attempt, built afresh for every attempt so that each
// carries a new signature (a signature must never be reused, §1.4).
type httpReq struct {
	method  string
	url     string
	headers []header // in order; values may be secret (Cookie): never logged
	body    []byte
}

type header struct{ k, v string }

// httpResp is what douyinfs needs of a response, copied out of fasthttp's
// pooled objects.
type httpResp struct {
	status     int
	body       []byte // decompressed, at most MaxBody
	location   string
	retryAfter string
	cookies    []setCookie
}

// setCookie is one Set-Cookie: name and value only.
type setCookie struct{ name, value string }

func (r httpResp) cookie(name string) string {
	for _, c := range r.cookies {
		if c.name == name {
			return c.value
		}
	}
	return ""
}

// exchange performs one HTTP request. fasthttp has no context, so the
// request runs in a goroutine that owns the pooled request and response;
// the caller returns as soon as ctx ends, and the abandoned exchange still
// ends by its deadline (the earlier of ctx's deadline and Config.Timeout)
// and cleans up after itself.
func (c *Client) exchange(ctx context.Context, r httpReq) (httpResp, error) {
	if err := ctx.Err(); err != nil {
		return httpResp{}, err
	}
	deadline := time.Now().Add(c.cfg.Timeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	type result struct {
		resp httpResp
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := c.doOnce(r, deadline)
		done <- result{resp, err}
	}()
	select {
	case res := <-done:
		return res.resp, res.err
	case <-ctx.Done():
		return httpResp{}, ctx.Err()
	}
}

func (c *Client) doOnce(r httpReq, deadline time.Time) (httpResp, error) {
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)

	req.SetRequestURI(r.url)
	req.Header.SetMethod(r.method)
	for _, h := range r.headers {
		req.Header.Set(h.k, h.v)
	}
	if r.body != nil {
		req.SetBodyRaw(r.body)
	}
	if err := c.hc.DoDeadline(req, resp, deadline); err != nil {
		return httpResp{}, err
	}
	out := httpResp{
		status:     resp.StatusCode(),
		location:   string(resp.Header.Peek(fasthttp.HeaderLocation)),
		retryAfter: string(resp.Header.Peek(fasthttp.HeaderRetryAfter)),
	}
	for k, v := range resp.Header.Cookies() {
		var ck fasthttp.Cookie
		if ck.ParseBytes(v) == nil {
			out.cookies = append(out.cookies, setCookie{name: string(k), value: string(ck.Value())})
		}
	}
	body, err := resp.BodyUncompressedWithLimit(int(c.cfg.MaxBody))
	if err != nil {
		if errors.Is(err, fasthttp.ErrBodyTooLarge) {
			return httpResp{}, httpx.ErrBodyTooLarge
		}
		return httpResp{}, fmt.Errorf("decoding the response body: %w", err)
	}
	out.body = bytes.Clone(body)
	return out, nil
}

// retryableStatus: 5xx, and 429/444 (rate limited or blocked, §10.1).
func retryableStatus(status int) bool {
	return status >= 500 || status == http.StatusTooManyRequests || status == 444
}

// send performs one logical request: rate limit, attempt, and retries with
// exponential backoff and jitter on transport errors, 5xx, 429 and 444
// (honouring Retry-After), at most Config.Retries times and never past
// ctx's deadline. Any other response is returned for the caller to judge.
// build makes each attempt's request.
func (c *Client) send(ctx context.Context, ep *endpoint, build func() (httpReq, error)) (httpResp, error) {
	return c.sendChecked(ctx, ep, build, nil)
}

// sendChecked is send with one more kind of transient failure: check looks
// at every other response and returns why it is worth another attempt ("":
// it is the answer), or an error that ends the request. Its retries share
// send's budget and back-off, so a request is still at most Retries+1
// attempts; after the last one the response is returned as it is.
func (c *Client) sendChecked(ctx context.Context, ep *endpoint, build func() (httpReq, error), check func(httpResp) (string, error)) (httpResp, error) {
	for attempt := 0; ; attempt++ {
		if c.closed.Load() {
			return httpResp{}, ErrClosed
		}
		if err := waitRateLimit(ctx, c.limiter); err != nil {
			return httpResp{}, err
		}
		r, err := build()
		if err != nil {
			return httpResp{}, err
		}
		start := time.Now()
		c.stats.request(ep.name)
		resp, err := c.exchange(ctx, r)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return httpResp{}, ctxErr
			}
			c.log.Debug("douyin request failed", "endpoint", ep.name, "attempt", attempt+1, "elapsed", time.Since(start).Round(time.Millisecond), "err", err)
			if !httpx.Transient(err) || attempt >= c.cfg.Retries {
				return httpResp{}, err
			}
			if berr := c.backoff(ctx, ep, attempt, 0, err.Error()); berr != nil {
				if ctxErr := ctx.Err(); ctxErr != nil {
					return httpResp{}, ctxErr
				}
				return httpResp{}, err // no time left to retry: the real cause
			}
			continue
		}
		c.log.Debug("douyin request", "endpoint", ep.name, "method", r.method, "path", ep.path, "status", resp.status, "bytes", len(resp.body), "attempt", attempt+1, "elapsed", time.Since(start).Round(time.Millisecond))
		var retryAfter time.Duration
		reason := ""
		if retryableStatus(resp.status) {
			retryAfter, _ = httpx.RetryAfter(resp.retryAfter, time.Now())
			reason = "HTTP " + strconv.Itoa(resp.status)
		} else if check != nil {
			if reason, err = check(resp); err != nil {
				return httpResp{}, err
			}
		}
		if reason == "" || attempt >= c.cfg.Retries {
			return resp, nil
		}
		if berr := c.backoff(ctx, ep, attempt, retryAfter, reason); berr != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return httpResp{}, ctxErr
			}
			return resp, nil // no time left to retry: report the status we have
		}
	}
}

// backoff sleeps before retry number attempt+1: RetryBackoff doubled per
// attempt, with jitter over its upper half, and at least retryAfter. It
// fails at once when the sleep would outlast ctx's deadline.
func (c *Client) backoff(ctx context.Context, ep *endpoint, attempt int, retryAfter time.Duration, reason string) error {
	d := httpx.Backoff{Base: c.cfg.RetryBackoff, Max: maxRetryAfter}.Delay(attempt, c.jitter)
	if retryAfter > d {
		d = min(retryAfter, maxRetryAfter)
	}
	if by, ok := ctx.Deadline(); ok && time.Until(by) < d {
		return httpx.ErrNoTime // decided before counting a retry that never comes
	}
	c.stats.retry()
	c.log.Info("retrying douyin request", "endpoint", ep.name, "attempt", attempt+2, "after", d.Round(time.Millisecond), "reason", reason)
	return httpx.Sleep(ctx, d, time.Time{})
}
