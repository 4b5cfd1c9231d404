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

// retryableStatus: 5xx and 429. A 444 is risk control (§10.1): it is not
// retried on its own but goes through the circuit (risk.go).
func retryableStatus(status int) bool {
	return status >= 500 || status == http.StatusTooManyRequests
}

// send performs one logical request: rate limit, attempt, and retries with
// exponential backoff and jitter on transport errors and 5xx, at most
// Config.Retries times and never past ctx's deadline. A 429 pauses every
// API request (Retry-After when given), not only this one. Requests to
// Douyin's API hosts go through the circuit (risk.go). Any other response
// is returned for the caller to judge. build makes each attempt's request.
func (c *Client) send(ctx context.Context, ep *endpoint, build func() (httpReq, error)) (httpResp, error) {
	return c.sendChecked(ctx, ep, build, nil)
}

// verdict is check's judgement of a response that is not an HTTP failure:
// retry names why it is worth another attempt, risk names a risk answer
// (riskEmpty); both "" means it is the answer. refused marks a retry that
// counts against the risk budget (the first empty body, retried with fresh
// tokens before it is taken for risk control).
type verdict struct {
	retry, risk string
	refused     bool
}

// sendChecked is send with one more kind of transient failure: check looks
// at every other response and says whether it is worth another attempt or
// a risk answer, or returns an error that ends the request. Its retries
// share send's budget and back-off, so a request makes at most Retries+1
// attempts that fail transiently; after the last one the response is
// returned as it is. Risk answers have a budget of their own, Retries+1
// (after which the request fails with a *RiskError): their retries wait
// for the circuit, which lets one request at a time through, and the
// waits, not the attempts, are what a long refusal costs.
func (c *Client) sendChecked(ctx context.Context, ep *endpoint, build func() (httpReq, error), check func(httpResp) (verdict, error)) (httpResp, error) {
	guarded := ep.guarded()
	risky := 0
	for attempt := 0; ; attempt++ {
		if c.closed.Load() {
			return httpResp{}, ErrClosed
		}
		probe := false
		if guarded {
			var err error
			if probe, err = c.risk.admit(ctx); err != nil {
				return httpResp{}, err
			}
		}
		resp, v, err := c.attempt(ctx, ep, build, check, attempt)
		if guarded {
			o := outcomeGood
			switch {
			case v.risk != "":
				o = outcomeRisk
			case err != nil || v.retry != "":
				o = outcomeNeutral
			}
			c.risk.done(probe, o, v.risk, ep.name)
		}
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return httpResp{}, ctxErr
			}
			if !httpx.Transient(err) || attempt >= c.cfg.Retries {
				return httpResp{}, err
			}
			if berr := c.backoff(ctx, ep, attempt, err.Error()); berr != nil {
				if ctxErr := ctx.Err(); ctxErr != nil {
					return httpResp{}, ctxErr
				}
				return httpResp{}, err // no time left to retry: the real cause
			}
			continue
		}
		var pause time.Duration
		if resp.status == http.StatusTooManyRequests {
			// Every request waits, this one included: at least
			// Retry-After, else the back-off this attempt would have had.
			pause = c.backoffDelay(attempt)
			if ra, ok := httpx.RetryAfter(resp.retryAfter, time.Now()); ok && ra > pause {
				pause = min(ra, maxRetryAfter)
			}
			if guarded {
				c.risk.rateLimited(pause)
			}
		}
		switch {
		case v.risk != "" || v.refused:
			attempt-- // the transient budget is not spent
			if risky++; risky > c.cfg.Retries {
				if v.risk == "" {
					return resp, nil
				}
				return httpResp{}, &RiskError{Signal: v.risk}
			}
			if v.risk == "" {
				if berr := c.backoff(ctx, ep, 0, v.retry); berr != nil {
					if ctxErr := ctx.Err(); ctxErr != nil {
						return httpResp{}, ctxErr
					}
					return resp, nil
				}
				continue
			}
			// No back-off of its own: the next attempt waits for the
			// circuit's probe (or fails at once when that is too late).
			c.stats.retry()
			continue
		case v.retry == "" || attempt >= c.cfg.Retries:
			return resp, nil
		case resp.status == http.StatusTooManyRequests:
			if by, ok := ctx.Deadline(); ok && time.Until(by) < pause {
				return resp, nil // no time left to retry: report the status we have
			}
			c.stats.retry()
			c.log.Info("douyin asks to slow down; every request waits", "endpoint", ep.name, "attempt", attempt+2, "after", pause.Round(time.Millisecond))
			if !guarded { // the circuit's admit waits for a guarded request
				if err := httpx.Sleep(ctx, pause, time.Time{}); err != nil {
					return httpResp{}, err
				}
			}
		default:
			if berr := c.backoff(ctx, ep, attempt, v.retry); berr != nil {
				if ctxErr := ctx.Err(); ctxErr != nil {
					return httpResp{}, ctxErr
				}
				return resp, nil // no time left to retry: report the status we have
			}
		}
	}
}

// attempt sends one attempt and judges its answer.
func (c *Client) attempt(ctx context.Context, ep *endpoint, build func() (httpReq, error), check func(httpResp) (verdict, error), attempt int) (httpResp, verdict, error) {
	if err := waitRateLimit(ctx, c.limiter); err != nil {
		return httpResp{}, verdict{}, err
	}
	r, err := build()
	if err != nil {
		return httpResp{}, verdict{}, err
	}
	start := time.Now()
	c.stats.request(ep.name)
	resp, err := c.exchange(ctx, r)
	if err != nil {
		c.log.Debug("douyin request failed", "endpoint", ep.name, "attempt", attempt+1, "elapsed", time.Since(start).Round(time.Millisecond), "err", err)
		return httpResp{}, verdict{}, err
	}
	c.log.Debug("douyin request", "endpoint", ep.name, "method", r.method, "path", ep.path, "status", resp.status, "bytes", len(resp.body), "attempt", attempt+1, "elapsed", time.Since(start).Round(time.Millisecond))
	if ep.guarded() {
		if risk := riskAnswer(resp); risk != "" {
			return resp, verdict{risk: risk}, nil
		}
	}
	if retryableStatus(resp.status) {
		return resp, verdict{retry: "HTTP " + strconv.Itoa(resp.status)}, nil
	}
	if check == nil {
		return resp, verdict{}, nil
	}
	v, err := check(resp)
	return resp, v, err
}

// backoffDelay is the wait before retry number attempt+1: RetryBackoff
// doubled per attempt, with jitter over its upper half.
func (c *Client) backoffDelay(attempt int) time.Duration {
	return httpx.Backoff{Base: c.cfg.RetryBackoff, Max: maxRetryAfter}.Delay(attempt, c.jitter)
}

// backoff sleeps backoffDelay before retry number attempt+1. It fails at
// once when the sleep would outlast ctx's deadline.
func (c *Client) backoff(ctx context.Context, ep *endpoint, attempt int, reason string) error {
	d := c.backoffDelay(attempt)
	if by, ok := ctx.Deadline(); ok && time.Until(by) < d {
		return httpx.ErrNoTime // decided before counting a retry that never comes
	}
	c.stats.retry()
	c.log.Info("retrying douyin request", "endpoint", ep.name, "attempt", attempt+2, "after", d.Round(time.Millisecond), "reason", reason)
	return httpx.Sleep(ctx, d, time.Time{})
}
