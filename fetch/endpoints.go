package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/douyinfs/douyinfs/sign"
)

// hostKey names one of the configured hosts.
type hostKey int

const (
	hostWWW hostKey = iota
	hostLive
	hostWebcast
	hostMsToken
	hostTTWID
	hostShortLink
	hostSSO
)

func (c *Client) base(h hostKey) string {
	switch h {
	case hostLive:
		return c.cfg.Hosts.Live
	case hostWebcast:
		return c.cfg.Hosts.Webcast
	case hostMsToken:
		return c.cfg.Hosts.MsToken
	case hostTTWID:
		return c.cfg.Hosts.TTWID
	case hostShortLink:
		return c.cfg.Hosts.ShortLink
	case hostSSO:
		return c.cfg.Hosts.SSO
	}
	return c.cfg.Hosts.WWW
}

// endpoint describes one API call: where it goes, which base parameter set
// leads its query, and whether it carries the cookie.
type endpoint struct {
	name     string // stats and error key
	host     hostKey
	path     string
	method   string
	set      paramSet
	cookie   bool // send the configured cookie (reflow/info is meant to go without, §2.16)
	login    bool // needs a logged-in cookie: fail early as a guest
	jsonBody bool // POST the parameters again as a JSON body (favourites, §2.4)
	aBogus   bool // a_bogus whatever Config.Signing says (detail refuses X-Bogus since 2024, §1.4)
}

// The endpoint table (§2, addendum for mix list).
var (
	epUserProfile        = endpoint{name: "user_profile", path: "/aweme/v1/web/user/profile/other/", method: http.MethodGet, set: setWeb, cookie: true}
	epUserPosts          = endpoint{name: "user_posts", path: "/aweme/v1/web/aweme/post/", method: http.MethodGet, set: setWeb, cookie: true}
	epUserLikes          = endpoint{name: "user_likes", path: "/aweme/v1/web/aweme/favorite/", method: http.MethodGet, set: setWeb, cookie: true}
	epUserMixes          = endpoint{name: "user_mixes", path: "/aweme/v1/web/mix/list/", method: http.MethodGet, set: setWeb, cookie: true}
	epMixPosts           = endpoint{name: "mix_posts", path: "/aweme/v1/web/mix/aweme/", method: http.MethodGet, set: setWeb, cookie: true}
	epMixDetail          = endpoint{name: "mix_detail", path: "/aweme/v1/web/mix/detail/", method: http.MethodGet, set: setWeb, cookie: true}
	epPostDetail         = endpoint{name: "post_detail", path: "/aweme/v1/web/aweme/detail/", method: http.MethodGet, set: setWeb, cookie: true, aBogus: true}
	epFavorites          = endpoint{name: "favorites", path: "/aweme/v1/web/aweme/listcollection/", method: http.MethodPost, set: setWeb, cookie: true, login: true, jsonBody: true}
	epCollectFolders     = endpoint{name: "collect_folders", path: "/aweme/v1/web/collects/list/", method: http.MethodGet, set: setWeb, cookie: true, login: true}
	epCollectFolderPosts = endpoint{name: "collect_folder_posts", path: "/aweme/v1/web/collects/video/list/", method: http.MethodGet, set: setWeb, cookie: true, login: true}
	epHomeFeed           = endpoint{name: "home_feed", path: "/aweme/v1/web/tab/feed/", method: http.MethodGet, set: setWeb, cookie: true}
	epLiveEnter          = endpoint{name: "live_enter", host: hostLive, path: "/webcast/room/web/enter/", method: http.MethodGet, set: setLiveEnter, cookie: true}
	epLiveReflow         = endpoint{name: "live_reflow", host: hostWebcast, path: "/webcast/room/reflow/info/", method: http.MethodGet, set: setReflow}
	epUserLiveStatus     = endpoint{name: "user_live_status", host: hostLive, path: "/webcast/distribution/check_user_live_status/", method: http.MethodGet, set: setWebChannelT, cookie: true}

	epMsToken     = endpoint{name: "mstoken", host: hostMsToken, path: "/web/r/token", method: http.MethodPost}
	epTTWID       = endpoint{name: "ttwid", host: hostTTWID, path: "/ttwid/union/register/", method: http.MethodPost}
	epShortLink   = endpoint{name: "short_link", host: hostShortLink, path: "/", method: http.MethodGet}
	epSSOQRCode   = endpoint{name: "sso_qrcode", host: hostSSO, path: "/get_qrcode/", method: http.MethodGet, set: setSSO}
	epSSOCheck    = endpoint{name: "sso_check", host: hostSSO, path: "/check_qrconnect/", method: http.MethodGet, set: setSSO}
	epSSORedirect = endpoint{name: "sso_redirect", host: hostSSO, path: "/", method: http.MethodGet}
)

// call performs an API request and returns its JSON body. It fetches the
// tokens first when needed, signs every attempt afresh, and turns the
// answers that are not JSON into typed errors: 429 is ErrRateLimited, risk
// answers (444, verify pages) *RiskError, other statuses *HTTPError. A body
// that is not JSON (cut short, §10.2) is transient: retried within
// Config.Retries and ctx's deadline, then the decoder says ErrMalformed.
// An empty body (the anti-bot answer, §4.1) is retried once with fresh
// tokens; another one is a risk answer (risk.go), and the last one is
// ErrRejected.
// referer "" means the www base + "/".
func (c *Client) call(ctx context.Context, ep *endpoint, own []param, referer string) ([]byte, error) {
	if ep.login && !c.LoggedIn() {
		return nil, fmt.Errorf("%s: %w (the configured cookie has no session)", ep.name, ErrLoginRequired)
	}
	tok, err := c.ensureTokens(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ep.name, err)
	}
	refreshed := false
	check := func(resp httpResp) (verdict, error) {
		if resp.status < 200 || resp.status > 299 {
			return verdict{}, nil // a definite answer
		}
		if len(bytes.TrimSpace(resp.body)) == 0 {
			c.stats.reject()
			if refreshed {
				// Signed right, with fresh tokens, and still empty: risk
				// control or a refused cookie (§10.2).
				return verdict{risk: riskEmpty}, nil
			}
			// The tokens may be stale: the next attempts get new ones.
			refreshed = true
			fresh, err := c.refreshTokens(ctx, tok)
			if err != nil {
				return verdict{}, err
			}
			tok = fresh
			return verdict{retry: "empty body (anti-bot answer)", refused: true}, nil
		}
		if !json.Valid(resp.body) {
			return verdict{retry: "malformed JSON"}, nil
		}
		return verdict{}, nil
	}
	resp, err := c.sendChecked(ctx, ep, func() (httpReq, error) { return c.buildAPI(ep, own, referer, tok), nil }, check)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ep.name, err)
	}
	if resp.status < 200 || resp.status > 299 {
		return nil, &HTTPError{Endpoint: ep.name, Status: resp.status}
	}
	if len(bytes.TrimSpace(resp.body)) == 0 {
		return nil, fmt.Errorf("%s: %w", ep.name, ErrRejected)
	}
	if ep.login {
		// A session Douyin no longer accepts shows as status 8 here; a
		// good answer says it is accepted again (cookie health).
		var env envelope
		if json.Unmarshal(resp.body, &env) == nil {
			c.login.set(env.StatusCode == statusLoginExpired, c.log, ep.name)
		}
	}
	return resp.body, nil
}

// buildAPI renders one attempt: base set, the endpoint's own parameters,
// then the signature over that exact query (a POST body is signed as "",
// as F2 does for listcollection).
func (c *Client) buildAPI(ep *endpoint, own []param, referer string, tok tokenSnapshot) httpReq {
	base := c.baseParams(ep.set, tok.msToken)
	query := joinQuery(base, own)
	signer := c.signer()
	if ep.aBogus {
		signer.Scheme = sign.SchemeABogus
	}
	if referer == "" {
		referer = c.cfg.Hosts.WWW + "/"
	}
	r := httpReq{
		method: ep.method,
		url:    c.base(ep.host) + ep.path + "?" + signer.Sign(query, ""),
		headers: []header{
			{"User-Agent", c.cfg.UserAgent},
			{"Referer", referer},
			{"Accept", "application/json, text/plain, */*"},
			{"Accept-Encoding", "gzip, deflate"},
		},
	}
	if ep.cookie {
		if ck := c.cookieHeader(tok); ck != "" {
			r.headers = append(r.headers, header{"Cookie", ck})
		}
	}
	if ep.jsonBody {
		r.body = jsonParams(base, own)
		r.headers = append(r.headers, header{"Content-Type", "application/json"})
	}
	return r
}

// failed counts an endpoint's final error and passes it on.
func (c *Client) failed(ep *endpoint, err error) error {
	if err != nil {
		c.stats.error(ep.name)
	}
	return err
}

// logSkipped notes list items that could not be decoded.
func (c *Client) logSkipped(ep *endpoint, skipped int) {
	if skipped > 0 {
		c.log.Warn("skipped list items without an id", "endpoint", ep.name, "count", skipped)
	}
}

// signer signs with the configured scheme and the User-Agent that is sent.
func (c *Client) signer() sign.Signer {
	ua := c.cfg.UserAgent
	if c.signUA != "" {
		ua = c.signUA
	}
	return sign.Signer{Scheme: c.cfg.Signing, UserAgent: ua}
}
