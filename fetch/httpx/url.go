package httpx

import (
	"net/url"
	"strings"
)

// RedactURL cuts a URL down to what may appear in logs and errors: scheme,
// host and path. The query carries signatures and tracking ids, userinfo a
// password.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err == nil {
		if u.Scheme == "" && u.Host == "" {
			return u.EscapedPath()
		}
		return u.Scheme + "://" + u.Host + u.EscapedPath()
	}
	// Unparsable (a share text's URL may be): cut the same parts by hand.
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	host, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		host, path = rest[:i], rest[i:]
	}
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	return scheme + "://" + host + path
}

// URLFormat is the file format a media URL names by its path's extension
// ("…~tplv-dy-aweme-images:q75.webp?x-expires=…" is "webp", ".jpg" is
// "jpeg"), or "" when the path names none (".../obj/tos-cn-p-0015/<id>").
// Douyin's image CDN converts by that extension, so it is the format of
// the bytes; the query (signatures) is ignored.
func URLFormat(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	seg := u.Path[strings.LastIndexByte(u.Path, '/')+1:]
	dot := strings.LastIndexByte(seg, '.')
	if dot < 0 {
		return ""
	}
	ext := strings.ToLower(seg[dot+1:])
	if ext == "jpg" {
		return "jpeg"
	}
	if ext == "" || len(ext) > 5 {
		return ""
	}
	for _, c := range ext {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return ""
		}
	}
	return ext
}
