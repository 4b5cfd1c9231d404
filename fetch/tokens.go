package fetch

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/douyinfs/douyinfs/sign"
)

// msTokenRequest is the fixed part of the msToken registration (§5.1): a
// browser-captured environment report F2 replays. It lives in a data file
// because the opaque blob is 9 KB.
//
//go:embed mstoken_request.json
var msTokenRequestJSON []byte

type msTokenRequest struct {
	Path     string `json:"path"`
	Query    string `json:"query"`
	Magic    int64  `json:"magic"`
	Version  int64  `json:"version"`
	DataType int64  `json:"dataType"`
	StrData  string `json:"strData"`
	ULR      int64  `json:"ulr"`
}

// ttwidBody is the ttwid registration body, byte for byte (§5.2).
const ttwidBody = `{"region":"cn","aid":1768,"needFid":false,"service":"www.ixigua.com","migrate_info":{"ticket":"","source":"node"},"cbUrlProtocol":"https","union":true}`

// tokens holds the process's msToken and (when the configured cookie has
// none) ttwid. They are fetched lazily on the first API call, once, and
// again only when Douyin answers with an empty body.
type tokens struct {
	// flight makes the callers that need tokens at the same time share
	// one fetch.
	flight singleflight.Group

	mu      sync.Mutex
	ready   bool
	gen     int // bumped on every fetch, so concurrent refreshes collapse
	msToken string
	ttwid   string
	csrf    string // a guest browser's passport_csrf_token, made once
}

type tokenSnapshot struct {
	msToken, ttwid, csrf string
	gen                  int
}

func (t *tokens) snapshot() (tokenSnapshot, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return tokenSnapshot{msToken: t.msToken, ttwid: t.ttwid, csrf: t.csrf, gen: t.gen}, t.ready
}

// ensureTokens fetches the tokens unless that has been done.
func (c *Client) ensureTokens(ctx context.Context) (tokenSnapshot, error) {
	return c.sharedTokens(ctx, -1)
}

// refreshTokens fetches new tokens unless another caller already did so
// since seen was taken.
func (c *Client) refreshTokens(ctx context.Context, seen tokenSnapshot) (tokenSnapshot, error) {
	return c.sharedTokens(ctx, seen.gen)
}

// sharedTokens returns ready tokens whose generation differs from stale
// (-1: any ready generation will do), joining or starting the one fetch in
// flight. The fetch runs with the context of the caller that started it;
// when that caller gives up, a caller still waiting starts its own.
func (c *Client) sharedTokens(ctx context.Context, stale int) (tokenSnapshot, error) {
	for {
		if s, ok := c.tokens.snapshot(); ok && (stale < 0 || s.gen != stale) {
			return s, nil
		}
		ch := c.tokens.flight.DoChan("tokens", func() (any, error) { return c.fetchTokens(ctx, stale) })
		select {
		case res := <-ch:
			if err := ctx.Err(); err != nil {
				return tokenSnapshot{}, err
			}
			if res.Err != nil && !errors.Is(res.Err, context.Canceled) && !errors.Is(res.Err, context.DeadlineExceeded) {
				return tokenSnapshot{}, res.Err
			}
			// Fetched (look again: a fetch for an older generation may
			// not be new enough), or the caller that started it gave up.
		case <-ctx.Done():
			return tokenSnapshot{}, ctx.Err()
		}
	}
}

// fetchTokens fetches, unless the tokens are ready and their generation
// differs from stale (a fetch that ended just now).
func (c *Client) fetchTokens(ctx context.Context, stale int) (tokenSnapshot, error) {
	if s, ok := c.tokens.snapshot(); ok && (stale < 0 || s.gen != stale) {
		return s, nil
	}

	ms, err := c.registerMsToken(ctx)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return tokenSnapshot{}, ctxErr
		}
		level := slog.LevelDebug
		if !c.msTokenWarned.Swap(true) {
			level = slog.LevelWarn
		}
		c.log.Log(ctx, level, "could not register an msToken; using a locally generated (false) one, which Douyin may refuse", "err", err)
		ms = sign.FalseMsToken(rand.IntN)
	}
	var tt string
	if cookieValue(c.currentCookie(), "ttwid") == "" && c.cfg.Hosts.TTWID != "" {
		tt, err = c.registerTTWID(ctx)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return tokenSnapshot{}, ctxErr
			}
			c.log.Info("could not register a ttwid; continuing without one", "err", err)
		}
	}
	c.tokens.mu.Lock()
	defer c.tokens.mu.Unlock()
	if c.tokens.csrf == "" {
		c.tokens.csrf = fmt.Sprintf("%016x%016x", rand.Uint64(), rand.Uint64())
	}
	c.tokens.msToken, c.tokens.ttwid, c.tokens.ready = ms, tt, true
	c.tokens.gen++
	return tokenSnapshot{msToken: ms, ttwid: tt, csrf: c.tokens.csrf, gen: c.tokens.gen}, nil
}

// registerMsToken asks the msToken service for a real token (§5.1):
// POST /web/r/token with F2's replayed report; the token comes back as a
// Set-Cookie. No cookie and no Referer are sent.
func (c *Client) registerMsToken(ctx context.Context) (string, error) {
	if c.cfg.Hosts.MsToken == "" {
		return "", fmt.Errorf("no msToken host configured")
	}
	var req msTokenRequest
	if err := json.Unmarshal(msTokenRequestJSON, &req); err != nil {
		return "", fmt.Errorf("embedded msToken request: %w", err)
	}
	build := func() (httpReq, error) {
		// Python json.dumps layout (", " and ": "), as F2 sends it.
		body := fmt.Appendf(nil, `{"magic": %d, "version": %d, "dataType": %d, "strData": `, req.Magic, req.Version, req.DataType)
		body = appendJSONString(body, req.StrData)
		body = fmt.Appendf(body, `, "ulr": %d, "tspFromClient": %d}`, req.ULR, c.now().UnixMilli())
		return httpReq{
			method: http.MethodPost,
			url:    c.cfg.Hosts.MsToken + req.Path + "?" + req.Query,
			headers: []header{
				{"User-Agent", c.cfg.UserAgent},
				{"Content-Type", "application/json; charset=utf-8"},
			},
			body: body,
		}, nil
	}
	resp, err := c.send(ctx, &epMsToken, build)
	if err != nil {
		return "", err
	}
	if resp.status != http.StatusOK {
		return "", &HTTPError{Endpoint: epMsToken.name, Status: resp.status}
	}
	tok := resp.cookie("msToken")
	if tok == "" {
		return "", fmt.Errorf("%s: no msToken cookie in the answer", epMsToken.name)
	}
	// F2 accepts only lengths 164 and 184; other lengths are used anyway
	// (the service decides what it accepts) but noted.
	if len(tok) != 164 && len(tok) != 184 {
		c.log.Debug("msToken has an unusual length", "length", len(tok))
	}
	return tok, nil
}

// registerTTWID asks for a guest ttwid (§5.2); it is added to the Cookie
// of API requests when the configured cookie has none (some endpoints, such
// as the mix list, want one).
func (c *Client) registerTTWID(ctx context.Context) (string, error) {
	build := func() (httpReq, error) {
		return httpReq{
			method: http.MethodPost,
			url:    c.cfg.Hosts.TTWID + "/ttwid/union/register/",
			headers: []header{
				{"User-Agent", c.cfg.UserAgent},
				{"Content-Type", "application/json; charset=utf-8"},
			},
			body: []byte(ttwidBody),
		}, nil
	}
	resp, err := c.send(ctx, &epTTWID, build)
	if err != nil {
		return "", err
	}
	if resp.status != http.StatusOK {
		return "", &HTTPError{Endpoint: epTTWID.name, Status: resp.status}
	}
	tt := resp.cookie("ttwid")
	if tt == "" {
		return "", fmt.Errorf("%s: no ttwid cookie in the answer", epTTWID.name)
	}
	return tt, nil
}

// cookieHeader is the Cookie sent on API requests: the configured cookie
// and what a browser's cookie has that it lacks, since Douyin answers a
// cookie that is not a browser's with empty bodies (§5.5, §10.2). Any
// cookie gets the registered ttwid and an s_v_web_id (the process's
// verifyFp) when it has none; a guest's (no session) also gets the rest of
// a guest browser's identity: passport_csrf_token and the msToken. Which keys
// Douyin checks is an open fact (§11 facts 9, 10); these are the ones the
// spec names for a guest browser (§5.1-5.5).
func (c *Client) cookieHeader(t tokenSnapshot) string {
	ck := c.currentCookie()
	parts := []string{}
	if strings.TrimSpace(ck) != "" {
		parts = append(parts, ck)
	}
	add := func(name, value string) {
		if value != "" && cookieValue(ck, name) == "" {
			parts = append(parts, name+"="+value)
		}
	}
	add("ttwid", t.ttwid)
	add("s_v_web_id", c.verifyFp)
	if !hasSession(ck) {
		add("passport_csrf_token", t.csrf)
		add("msToken", t.msToken)
	}
	return strings.Join(parts, "; ")
}
