package fetch

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/douyinfs/douyinfs/fetch/httpx"
)

// Kind is what an input names.
type Kind string

const (
	KindUser Kind = "user"
	KindPost Kind = "post"
	KindMix  Kind = "mix"
	KindLive Kind = "live" // a web rid (live.douyin.com/<id>)
	KindRoom Kind = "room" // a room id (19 digits, reflow links)
)

// Resolved is the result of Resolve.
type Resolved struct {
	Kind Kind
	ID   string
}

// maxShortLinkHops bounds the redirects Resolve follows.
const maxShortLinkHops = 5

// Resolve tells what a user, post, note, mix or live URL, a share text
// containing one, or a short link names. Everything that can be read from
// the URL itself is matched offline (ParseURL). A short link on the
// configured short-link host is fetched without following redirects; its
// Location is matched offline, and followed further (up to 5 hops) only
// while it points at a configured host. No other host is ever contacted.
func (c *Client) Resolve(ctx context.Context, input string) (Resolved, error) {
	raw := extractURL(input)
	if raw != "" && c.isShortLink(raw) {
		return c.followShortLink(ctx, raw)
	}
	if r, ok := ParseURL(input); ok {
		return r, nil
	}
	if raw == "" {
		return Resolved{}, fmt.Errorf("resolve: no Douyin URL or id in the input: %w", ErrNotFound)
	}
	return Resolved{}, fmt.Errorf("resolve: %s names no Douyin user, post, mix or live room: %w", shortForLog(raw), ErrNotFound)
}

// isShortLink reports whether raw is on the configured short-link host
// (and under its path, e.g. /v for a stand-in serving /v/<code>/).
func (c *Client) isShortLink(raw string) bool {
	if c.cfg.Hosts.ShortLink == "" {
		return false
	}
	base, err := url.Parse(c.cfg.Hosts.ShortLink)
	if err != nil {
		return false
	}
	u, err := url.Parse(raw)
	if err != nil || !strings.EqualFold(u.Host, base.Host) {
		return false
	}
	// v.douyin.com is reached over http and https alike.
	if u.Scheme != base.Scheme && !(u.Scheme == "http" || u.Scheme == "https") {
		return false
	}
	prefix := strings.TrimRight(base.Path, "/")
	return prefix == "" || u.Path == prefix || strings.HasPrefix(u.Path, prefix+"/")
}

func (c *Client) followShortLink(ctx context.Context, raw string) (Resolved, error) {
	ep := &epShortLink
	base, _ := url.Parse(c.cfg.Hosts.ShortLink)
	target := raw
	for hop := 0; hop < maxShortLinkHops; hop++ {
		u, err := url.Parse(target)
		if err != nil {
			return Resolved{}, c.failed(ep, fmt.Errorf("%s: bad URL: %w", ep.name, err))
		}
		if c.isShortLink(target) {
			// Always talk to the configured scheme (a pasted http:// link
			// to an https host, or the reverse).
			u.Scheme = base.Scheme
		}
		if !c.hosts.has(u) {
			return Resolved{}, c.failed(ep, fmt.Errorf("%s: %s redirects to %s, which is not a configured host and names nothing: %w", ep.name, shortForLog(raw), u.Host, ErrNotFound))
		}
		fetchURL := u.String()
		resp, err := c.send(ctx, ep, func() (httpReq, error) {
			// As F2: no cookie, no Referer (§5.5).
			return httpReq{method: http.MethodGet, url: fetchURL, headers: []header{{"User-Agent", c.cfg.UserAgent}}}, nil
		})
		if err != nil {
			return Resolved{}, c.failed(ep, fmt.Errorf("%s: %w", ep.name, err))
		}
		if resp.status < 300 || resp.status > 399 || resp.location == "" {
			if resp.status == http.StatusNotFound || resp.status == http.StatusGone {
				return Resolved{}, c.failed(ep, fmt.Errorf("%s: %s: %w", ep.name, shortForLog(raw), &HTTPError{Endpoint: ep.name, Status: resp.status}))
			}
			return Resolved{}, c.failed(ep, fmt.Errorf("%s: %s answered HTTP %d without a redirect: %w", ep.name, shortForLog(raw), resp.status, ErrNotFound))
		}
		next, err := u.Parse(resp.location)
		if err != nil {
			return Resolved{}, c.failed(ep, fmt.Errorf("%s: bad redirect target: %w", ep.name, err))
		}
		if r, ok := parseURL(next.String()); ok {
			return r, nil
		}
		target = next.String()
	}
	return Resolved{}, c.failed(ep, fmt.Errorf("%s: %s: more than %d redirects: %w", ep.name, shortForLog(raw), maxShortLinkHops, ErrNotFound))
}

// ParseURL tells offline what a Douyin URL (or a share text containing one)
// names. It takes the first http(s) URL in the input, as F2 does, and
// matches, in this order:
//
//	/video/<id>, /note/<id>, /slides/<id> (also /share/...)  → post
//	?modal_id=<id> (a post opened over a page)               → post
//	/collection/<id>, /mix/detail/<id>                       → mix
//	/reflow/<id>                                             → room
//	live.<domain>/<digits>, /live/<id>                       → live (room when 19 digits)
//	/user/<sec_uid>, ?sec_uid=<sec_uid>                      → user
//
// An id runs to the next '/', '?', '#' or '&' and must have the shape of
// its kind (IsAwemeID, IsMixID, IsRoomID, IsWebRID, IsSecUserID). A bare
// sec_uid ("MS4wLjABAAAA...") is a user too. Short links cannot be read
// offline; Resolve follows them.
func ParseURL(input string) (Resolved, bool) {
	raw := extractURL(input)
	if raw == "" {
		s := strings.TrimSpace(input)
		if IsSecUserID(s) {
			return Resolved{Kind: KindUser, ID: s}, true
		}
		return Resolved{}, false
	}
	return parseURL(raw)
}

func parseURL(raw string) (Resolved, bool) {
	rest := raw[strings.Index(raw, "://")+3:]
	host, pathQuery := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host, pathQuery = rest[:i], rest[i:]
	}
	host = strings.ToLower(host)
	if i := strings.LastIndexByte(host, '@'); i >= 0 { // userinfo@host
		host = host[i+1:]
	}
	path, query := pathQuery, ""
	if i := strings.IndexAny(pathQuery, "?#"); i >= 0 {
		path = pathQuery[:i]
		if pathQuery[i] == '?' {
			query = pathQuery[i+1:]
		}
	}

	for _, seg := range []string{"video", "note", "slides"} {
		if id := segmentID(path, seg); IsAwemeID(id) {
			return Resolved{Kind: KindPost, ID: id}, true
		}
	}
	if id := queryValue(query, "modal_id"); IsAwemeID(id) {
		return Resolved{Kind: KindPost, ID: id}, true
	}
	if id := segmentID(path, "collection"); IsMixID(id) {
		return Resolved{Kind: KindMix, ID: id}, true
	}
	if id := segmentAfter(path, "mix", "detail"); IsMixID(id) {
		return Resolved{Kind: KindMix, ID: id}, true
	}
	if id := segmentID(path, "reflow"); IsRoomID(id) {
		return Resolved{Kind: KindRoom, ID: id}, true
	}
	liveID := segmentID(path, "live")
	if strings.HasPrefix(host, "live.") {
		if first := firstSegment(path); IsWebRID(first) {
			liveID = first
		}
	}
	if IsWebRID(liveID) {
		if IsRoomID(liveID) {
			return Resolved{Kind: KindRoom, ID: liveID}, true
		}
		return Resolved{Kind: KindLive, ID: liveID}, true
	}
	if id := segmentID(path, "user"); IsSecUserID(id) {
		return Resolved{Kind: KindUser, ID: id}, true
	}
	if id := queryValue(query, "sec_uid"); IsSecUserID(id) {
		return Resolved{Kind: KindUser, ID: id}, true
	}
	return Resolved{}, false
}

// extractURL returns the first http(s) URL in s, up to the first space or
// non-ASCII character (share texts glue Chinese text to the link).
func extractURL(s string) string {
	// ASCII-only case folding: strings.ToLower would change byte offsets
	// on invalid UTF-8.
	i := indexFoldASCII(s, "https://")
	if j := indexFoldASCII(s, "http://"); j >= 0 && (i < 0 || j < i) {
		i = j
	}
	if i < 0 {
		return ""
	}
	s = s[i:]
	end := len(s)
	for k := 0; k < len(s); k++ {
		if b := s[k]; b <= ' ' || b >= 0x7f {
			end = k
			break
		}
	}
	u := s[:end]
	if strings.HasSuffix(u, "://") {
		return ""
	}
	return u
}

// segmentID returns the path segment after the first segment named name.
func segmentID(path, name string) string {
	segs := strings.Split(path, "/")
	for i := 0; i+1 < len(segs); i++ {
		if segs[i] == name {
			return cutID(segs[i+1])
		}
	}
	return ""
}

// segmentAfter returns the segment after the pair a/b.
func segmentAfter(path, a, b string) string {
	segs := strings.Split(path, "/")
	for i := 0; i+2 < len(segs); i++ {
		if segs[i] == a && segs[i+1] == b {
			return cutID(segs[i+2])
		}
	}
	return ""
}

func firstSegment(path string) string {
	path = strings.TrimPrefix(path, "/")
	if i := strings.IndexByte(path, '/'); i >= 0 {
		path = path[:i]
	}
	return cutID(path)
}

// cutID ends an id at '&' (F2 stops only at '/' and '?'; '&' cannot be in
// an id, and share texts sometimes glue parameters on).
func cutID(s string) string {
	if i := strings.IndexAny(s, "&#"); i >= 0 {
		s = s[:i]
	}
	return s
}

// queryValue returns the first value of key in a raw query, unescaped.
func queryValue(query, key string) string {
	for part := range strings.SplitSeq(query, "&") {
		k, v, ok := strings.Cut(part, "=")
		if ok && k == key {
			if u, err := url.QueryUnescape(v); err == nil {
				return u
			}
			return v
		}
	}
	return ""
}

// shortForLog is a URL cut down for messages: scheme, host and path, no
// query (share links carry tracking ids), and not too long.
func shortForLog(raw string) string {
	raw = httpx.RedactURL(raw)
	if len(raw) > 120 {
		raw = raw[:120] + "..."
	}
	return raw
}

// indexFoldASCII is strings.Index ignoring ASCII case; pat is lower case.
func indexFoldASCII(s, pat string) int {
	for i := 0; i+len(pat) <= len(s); i++ {
		match := true
		for k := 0; k < len(pat); k++ {
			b := s[i+k]
			if 'A' <= b && b <= 'Z' {
				b += 'a' - 'A'
			}
			if b != pat[k] {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return -1
}
