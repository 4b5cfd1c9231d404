package fetch

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// QRCode is a login QR code: render URL as a QR code for the Douyin app to
// scan, then poll with Token.
type QRCode struct {
	Token string
	URL   string // qrcode_index_url
}

// LoginState is one answer of LoginPoll.
type LoginState struct {
	// Status: "1" waiting for the scan, "2" scanned, "3" confirmed, "4"
	// refused (too frequent or bad parameters), "5" expired (get a new code).
	Status string
	// Cookie is the logged-in cookie, set when Status is "3". Secret.
	Cookie string
}

// Login states (data.status of check_qrconnect, §2.20).
const (
	LoginWaiting   = "1"
	LoginScanned   = "2"
	LoginConfirmed = "3"
	LoginRefused   = "4"
	LoginExpired   = "5"
)

// maxLoginRedirects bounds the redirect chain after a confirmed scan.
const maxLoginRedirects = 6

// ssoJSON is the answer of the SSO endpoints.
type ssoJSON struct {
	ErrorCode   jint `json:"error_code"`
	Description jstr `json:"description"`
	Message     jstr `json:"message"`
	Data        *struct {
		Token          jstr `json:"token"`
		QRCodeIndexURL jstr `json:"qrcode_index_url"`
		Status         jstr `json:"status"`
		RedirectURL    jstr `json:"redirect_url"`
	} `json:"data"`
}

// LoginQRCode asks the SSO service for a login QR code (§2.20, the flow F2
// used until 2025-03; Douyin may refuse it under risk control).
func (c *Client) LoginQRCode(ctx context.Context) (*QRCode, error) {
	ep := &epSSOQRCode
	resp, _, err := c.sso(ctx, ep, nil)
	if err != nil {
		return nil, c.failed(ep, err)
	}
	if resp.Data == nil || resp.Data.Token == "" || resp.Data.QRCodeIndexURL == "" {
		return nil, c.failed(ep, fmt.Errorf("%s: %w: no token or qrcode_index_url", ep.name, ErrMalformed))
	}
	return &QRCode{Token: string(resp.Data.Token), URL: string(resp.Data.QRCodeIndexURL)}, nil
}

// LoginPoll asks once whether the QR code was scanned and confirmed; call
// it every few seconds (F2: 5 s). On "3" it follows the redirect chain the
// SSO service names, on configured hosts only, collecting the cookies a
// browser would keep, and returns them as the login cookie.
func (c *Client) LoginPoll(ctx context.Context, token string) (LoginState, error) {
	ep := &epSSOCheck
	resp, httpResp, err := c.sso(ctx, ep, []param{{"token", escapeValue(token)}})
	if err != nil {
		return LoginState{}, c.failed(ep, err)
	}
	if resp.Data == nil || resp.Data.Status == "" {
		// F2 reads a missing status as 2046: an abnormal scan environment
		// that must be verified in the app.
		return LoginState{}, c.failed(ep, fmt.Errorf("%s: no login status (2046: verify the login in the Douyin app)", ep.name))
	}
	st := LoginState{Status: string(resp.Data.Status)}
	if st.Status != LoginConfirmed {
		return st, nil
	}
	jar := newCookieJar()
	jar.add(httpResp.cookies)
	if err := c.followLoginRedirects(ctx, string(resp.Data.RedirectURL), jar); err != nil {
		return LoginState{}, c.failed(&epSSORedirect, err)
	}
	st.Cookie = jar.String()
	if !hasSession(st.Cookie) {
		return LoginState{}, c.failed(&epSSORedirect, fmt.Errorf("%s: login confirmed but no session cookie was set; log in in a browser and copy its cookie instead", epSSORedirect.name))
	}
	return st, nil
}

// sso performs one signed SSO request: the SSO set, own parameters, then
// verifyFp and fp (one value for both, §2.20). No cookie is sent.
func (c *Client) sso(ctx context.Context, ep *endpoint, own []param) (ssoJSON, httpResp, error) {
	if c.cfg.Hosts.SSO == "" {
		return ssoJSON{}, httpResp{}, fmt.Errorf("%s: no SSO host configured", ep.name)
	}
	ps := append(c.baseParams(setSSO, ""), own...)
	ps = append(ps, param{"verifyFp", c.verifyFp}, param{"fp", c.verifyFp})
	query := joinQuery(ps)
	signer := c.signer()
	resp, err := c.send(ctx, ep, func() (httpReq, error) {
		return httpReq{
			method: http.MethodGet,
			url:    c.cfg.Hosts.SSO + ep.path + "?" + signer.Sign(query, ""),
			headers: []header{
				{"User-Agent", c.cfg.UserAgent},
				{"Referer", c.cfg.Hosts.WWW + "/"},
				{"Accept-Encoding", "gzip, deflate"},
			},
		}, nil
	})
	if err != nil {
		return ssoJSON{}, httpResp{}, fmt.Errorf("%s: %w", ep.name, err)
	}
	if resp.status != http.StatusOK {
		return ssoJSON{}, httpResp{}, &HTTPError{Endpoint: ep.name, Status: resp.status}
	}
	if len(bytes.TrimSpace(resp.body)) == 0 {
		c.stats.reject()
		return ssoJSON{}, httpResp{}, fmt.Errorf("%s: %w", ep.name, ErrRejected)
	}
	var out ssoJSON
	if err := decodeJSON(resp.body, &out); err != nil {
		return ssoJSON{}, httpResp{}, fmt.Errorf("%s: %w", ep.name, err)
	}
	if out.ErrorCode != 0 {
		return ssoJSON{}, httpResp{}, &StatusError{Endpoint: ep.name, Code: int64(out.ErrorCode), Msg: firstNonEmpty(string(out.Description), string(out.Message))}
	}
	return out, resp, nil
}

// followLoginRedirects GETs the redirect chain with the cookies gathered so
// far, adding each hop's Set-Cookie to jar, until a hop does not redirect.
func (c *Client) followLoginRedirects(ctx context.Context, start string, jar *cookieJar) error {
	ep := &epSSORedirect
	if start == "" {
		return fmt.Errorf("%s: login confirmed without a redirect_url", ep.name)
	}
	target, err := url.Parse(start)
	if err != nil {
		return fmt.Errorf("%s: bad redirect_url: %w", ep.name, err)
	}
	for hop := 0; hop < maxLoginRedirects; hop++ {
		if !c.hosts.has(target) {
			return fmt.Errorf("%s: the login redirects to %s, which is not a configured host", ep.name, target.Host)
		}
		cookie := jar.String()
		fetchURL := target.String()
		resp, err := c.send(ctx, ep, func() (httpReq, error) {
			h := []header{{"User-Agent", c.cfg.UserAgent}, {"Referer", c.cfg.Hosts.WWW + "/"}}
			if cookie != "" {
				h = append(h, header{"Cookie", cookie})
			}
			return httpReq{method: http.MethodGet, url: fetchURL, headers: h}, nil
		})
		if err != nil {
			return fmt.Errorf("%s: %w", ep.name, err)
		}
		jar.add(resp.cookies)
		if resp.status < 300 || resp.status > 399 || resp.location == "" {
			if resp.status >= 400 {
				return &HTTPError{Endpoint: ep.name, Status: resp.status}
			}
			return nil
		}
		if target, err = target.Parse(resp.location); err != nil {
			return fmt.Errorf("%s: bad redirect: %w", ep.name, err)
		}
	}
	return fmt.Errorf("%s: more than %d redirects", ep.name, maxLoginRedirects)
}

// cookieJar keeps name=value pairs in the order first seen; a later value
// replaces an earlier one, an empty value (a deletion) drops it.
type cookieJar struct {
	names  []string
	values map[string]string
}

func newCookieJar() *cookieJar { return &cookieJar{values: map[string]string{}} }

func (j *cookieJar) add(cs []setCookie) {
	for _, ck := range cs {
		if _, ok := j.values[ck.name]; !ok {
			j.names = append(j.names, ck.name)
		}
		j.values[ck.name] = ck.value
	}
}

func (j *cookieJar) String() string {
	var parts []string
	for _, n := range j.names {
		if v := j.values[n]; v != "" {
			parts = append(parts, n+"="+v)
		}
	}
	return strings.Join(parts, "; ")
}
