package main

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/httpx"
	dfs "github.com/douyinfs/douyinfs/fs"
	"github.com/douyinfs/douyinfs/sign"
)

// option is one setting, declared once: its config.toml key, its flag (""
// = config file only), one line of help, and a binding that says how its
// value is read, where it goes and what is valid. Its default is what its
// destination holds in defaultSettings: the owning package's
// DefaultConfig(), or the binding's own default for cmd's settings.
//
// Flags, --help, config.toml's keys and the checks all come from this table;
// config.toml lists the keys in the same order, and checks run in it.
type option struct {
	key, flag, help string
	b               binding
}

// options is every setting douyinfs has.
func options() []option {
	return []option{
		{key: "live_rooms", help: "live rooms shown under live/ by web id",
			b: to(stringList, func(s *settings) *[]string { return &s.FS.LiveRooms }).valid(roomIDs)},

		{key: "account.cookie", help: "the Douyin web cookie (secret); empty = a guest",
			b: to(text, func(s *settings) *string { return &s.API.Cookie }).
				also(func(s *settings, v string) { s.Reader.Cookie = v }).valid(cookieValue)},
		{key: "account.cookie_file", flag: "cookie-file", help: "read the Douyin cookie from `FILE` (mode 0600)",
			b: to(text, func(s *settings) *string { return &s.CookieFile }).valid(oneCookie).
				// A cookie file named on the command line replaces an
				// inline cookie from the config file rather than clash
				// with it.
				onFlag(func(s *settings) { s.setCookie("") })},
		{key: "account.cookie_watch", help: "how often a running mount checks cookie_file for a new cookie (0: only on SIGHUP)",
			b: to(duration, func(s *settings) *time.Duration { return &s.CookieWatch }).byDefault(2 * time.Second).valid(nonNegative)},
		{key: "account.user_agent", help: "User-Agent sent on every request and fed to the signer",
			b: to(text, func(s *settings) *string { return &s.API.UserAgent }).
				also(func(s *settings, v string) { s.Reader.UserAgent = v }).valid(notEmpty)},
		{key: "account.signing", flag: "signing", help: "request signature, `SCHEME` a_bogus or x_bogus",
			b: to(scheme, func(s *settings) *sign.Scheme { return &s.API.Signing })},

		{key: "hosts.www", help: "base URL of the web API, also the media Referer",
			b: to(text, func(s *settings) *string { return &s.API.Hosts.WWW }).valid(baseURL).
				// Media CDNs check the Referer against the site the page
				// came from.
				also(func(s *settings, v string) { s.Reader.Referer = strings.TrimSuffix(v, "/") + "/" })},
		host("hosts.live", "live rooms by web id, user live status", func(h *fetch.Hosts) *string { return &h.Live }),
		host("hosts.webcast", "live rooms by room id", func(h *fetch.Hosts) *string { return &h.Webcast }),
		host("hosts.mstoken", "msToken registration", func(h *fetch.Hosts) *string { return &h.MsToken }),
		host("hosts.ttwid", "ttwid registration", func(h *fetch.Hosts) *string { return &h.TTWID }),
		host("hosts.webid", "webid registration", func(h *fetch.Hosts) *string { return &h.WebID }),
		host("hosts.short_link", "share short links", func(h *fetch.Hosts) *string { return &h.ShortLink }),
		host("hosts.sso", "QR-code login", func(h *fetch.Hosts) *string { return &h.SSO }),

		{key: "users", help: "users shown under users/ by name",
			b: to(userList, func(s *settings) *[]dfs.UserEntry { return &s.FS.Users }).valid(users)},

		{key: "naming.template", help: "name of a post from {create}, {desc}, {aweme_id}, {nickname}, {uid}",
			b: to(text, func(s *settings) *string { return &s.FS.Naming.Template }).valid(nameTemplate)},
		{key: "naming.time_zone", help: "zone {create} is rendered in",
			b: to(zone, func(s *settings) **time.Location { return &s.FS.Naming.Location })},
		{key: "naming.max_desc_bytes", help: "longest {desc} in bytes (0: no caption)",
			b: to(integer, func(s *settings) *int { return &s.FS.Naming.MaxDescBytes }).valid(nonNegative)},
		{key: "naming.sidecar_json", help: "show <name>.json beside each post",
			b: to(boolean, func(s *settings) *bool { return &s.FS.Naming.SidecarJSON })},
		{key: "naming.sidecar_cover", help: "show <name>.cover.jpeg beside each post",
			b: to(boolean, func(s *settings) *bool { return &s.FS.Naming.SidecarCover })},

		{key: "cache.listing_ttl", flag: "listing-ttl", help: "serve a listing for `DURATION` before refreshing it",
			b: to(duration, func(s *settings) *time.Duration { return &s.FS.ListingTTL }).valid(positive)},
		{key: "cache.metadata_ttl", help: "how long profiles, post details and room info are kept",
			b: to(duration, func(s *settings) *time.Duration { return &s.FS.MetadataTTL }).valid(positive)},
		{key: "cache.feed_ttl", help: "how long me/feed/ keeps one snapshot",
			b: to(duration, func(s *settings) *time.Duration { return &s.FS.FeedTTL }).valid(positive)},
		{key: "cache.memory_budget", flag: "cache-budget", help: "memory for cached media and read-ahead, `SIZE` like 512MiB",
			b: to(size, func(s *settings) *int64 { return &s.Blocks.Budget }).valid(fourBlocks)},
		{key: "cache.block_size", flag: "block-size", help: "media is fetched and cached in blocks of `SIZE`",
			b: to(size, func(s *settings) *int64 { return &s.Blocks.BlockSize }).valid(blockSize)},

		{key: "read.prefetch_start", help: "first read-ahead once reads look sequential",
			b: to(size, func(s *settings) *int64 { return &s.Reader.PrefetchStart }).valid(positive)},
		{key: "read.prefetch_max", flag: "prefetch-max", help: "largest read-ahead window, `SIZE`",
			b: to(size, func(s *settings) *int64 { return &s.Reader.PrefetchMax }).valid(prefetchMax)},
		{key: "read.parallel_connections", help: "ranged GETs in flight for one file's read-ahead",
			b: to(integer, func(s *settings) *int { return &s.Reader.Parallel }).valid(positive)},
		{key: "read.video_quality", flag: "video-quality", help: "rendition served, `QUALITY` best, h264 or smallest",
			b: to(text, func(s *settings) *string { return &s.API.VideoQuality }).valid(videoQuality)},

		{key: "network.timeout", flag: "timeout", help: "longest wait for one HTTP request to connect, answer or make progress, `DURATION` like 15s",
			b: to(duration, func(s *settings) *time.Duration { return &s.API.Timeout }).
				also(func(s *settings, v time.Duration) { s.Reader.Timeout = v }).valid(requestTimeout)},
		{key: "network.op_timeout", flag: "op-timeout", help: "longest time for one operation (a listing, a lookup, a read) with its retries, `DURATION` like 60s; at least twice --timeout",
			b: to(duration, func(s *settings) *time.Duration { return &s.FS.OpTimeout }).valid(opTimeout)},
		{key: "network.retries", flag: "retries", help: "retries of a request that failed transiently, `N` (0: one attempt)",
			b: to(integer, func(s *settings) *int { return &s.API.Retries }).
				also(func(s *settings, v int) { s.Reader.Retries = v }).valid(nonNegative)},
		{key: "network.retry_backoff", help: "first back-off between retries, doubling (0: none)",
			b: to(duration, func(s *settings) *time.Duration { return &s.API.RetryBackoff }).
				also(func(s *settings, v time.Duration) { s.Reader.RetryBackoff = v }).valid(nonNegative)},
		{key: "network.risk_pause", help: "how long every API request is held back once Douyin's risk control refuses one (444, empty bodies, a verify page), doubling while it goes on (0: probe again at once)",
			b: to(duration, func(s *settings) *time.Duration { return &s.API.RiskPause }).valid(nonNegative)},
		{key: "network.rate_limit", flag: "rate-limit", help: "API requests per second, all endpoints together, `N`",
			b: to(number, func(s *settings) *float64 { return &s.API.RateLimit }).valid(positive)},
		{key: "network.rate_burst", help: "API requests allowed at once above rate_limit",
			b: to(integer, func(s *settings) *int { return &s.API.RateBurst }).valid(positive)},
		{key: "network.max_connections", help: "connections per host for API and media requests",
			b: to(integer, func(s *settings) *int { return &s.API.MaxConnections }).
				also(func(s *settings, v int) { s.Reader.MaxConnections = v }).valid(positive)},
		{key: "network.proxy", flag: "proxy", help: "send API and media requests through `URL`: http://, https:// or socks5://, optionally user:password@ (empty: HTTPS_PROXY, HTTP_PROXY and NO_PROXY from the environment; direct: no proxy)",
			b: to(text, func(s *settings) *string { return &s.Proxy }).valid(proxyValue)},
		{key: "network.media_proxy", flag: "media-proxy", help: "proxy for media and live streams, `URL` or direct (empty: as network.proxy)",
			b: to(text, func(s *settings) *string { return &s.MediaProxy }).valid(proxyValue)},
		{key: "network.max_body", help: "largest API response body accepted",
			b: to(size, func(s *settings) *int64 { return &s.API.MaxBody }).valid(positive)},
		{key: "network.page_size", help: "items asked for per page of a list",
			b: to(integer, func(s *settings) *int { return &s.API.PageSize }).valid(positive)},
		{key: "network.max_empty_pages", help: "stop a list after this many empty pages in a row",
			b: to(integer, func(s *settings) *int { return &s.API.MaxEmptyPages }).valid(positive)},
		{key: "network.max_pages", help: "stop a listing after this many pages (0: no cap)",
			b: to(integer, func(s *settings) *int { return &s.API.MaxPages }).valid(nonNegative)},
		{key: "network.comment_pages", help: "most pages of a post's comments, and of each comment's replies, read for comments/<id>.json",
			b: to(integer, func(s *settings) *int { return &s.API.CommentPages }).valid(positive)},
		{key: "network.related_pages", help: "most pages of posts read for related/<id>/ (Douyin may never end that list)",
			b: to(integer, func(s *settings) *int { return &s.API.RelatedPages }).valid(positive)},

		{key: "live.quality", help: "preferred live stream qualities, first available wins",
			b: to(stringList, func(s *settings) *[]string { return &s.FS.LiveQuality })},

		{key: "mount.allow_other", flag: "allow-other", help: "let users other than the mounting one see the tree",
			b: to(boolean, func(s *settings) *bool { return &s.FS.AllowOther })},
		{key: "mount.uid", flag: "uid", help: "owner `UID` of every file (-1: the user running douyinfs)",
			b: to(integer, func(s *settings) *int { return &s.UID }).byDefault(-1).valid(ownerID).
				also(func(s *settings, v int) { s.FS.UID = owner(v, os.Getuid()) })},
		{key: "mount.gid", flag: "gid", help: "group `GID` of every file (-1: the group running douyinfs)",
			b: to(integer, func(s *settings) *int { return &s.GID }).byDefault(-1).valid(ownerID).
				also(func(s *settings, v int) { s.FS.GID = owner(v, os.Getgid()) })},
		{key: "mount.umask", flag: "umask", help: "permission bits removed from 0555/0444, `OCTAL` like 0022",
			b: to(umask, func(s *settings) *uint32 { return &s.FS.Umask })},
		{key: "mount.entry_timeout", help: "how long the kernel may trust a name lookup (0: ask every time)",
			b: to(duration, func(s *settings) *time.Duration { return &s.FS.EntryTimeout }).valid(nonNegative)},
		{key: "mount.attr_timeout", help: "how long the kernel may trust file attributes (0: ask every time)",
			b: to(duration, func(s *settings) *time.Duration { return &s.FS.AttrTimeout }).valid(nonNegative)},
		{key: "mount.negative_timeout", help: "how long the kernel may remember a missing name (0: not at all)",
			b: to(duration, func(s *settings) *time.Duration { return &s.FS.NegativeTimeout }).valid(nonNegative)},
		{key: "mount.max_read", help: "largest read request the kernel sends",
			b: to(intSize, func(s *settings) *int { return &s.FS.MaxRead }).valid(maxRead)},
		{key: "mount.xattrs", flag: "xattrs", help: "offer user.douyin.* extended attributes (ls -l then costs two FUSE round trips per entry)",
			b: to(boolean, func(s *settings) *bool { return &s.FS.Xattrs })},
		{key: "mount.debug", flag: "debug", help: "log every FUSE operation (very verbose)",
			b: to(boolean, func(s *settings) *bool { return &s.FS.Debug })},

		{key: "log.level", flag: "log-level", help: "`LEVEL` debug, info, warn or error",
			b: to(level, func(s *settings) *slog.Level { return &s.LogLevel }).byDefault(slog.LevelInfo)},
		{key: "log.format", flag: "log-format", help: "`FORMAT` of log lines, text or json",
			b: to(text, func(s *settings) *string { return &s.LogFormat }).byDefault("text").valid(oneOf("text", "json"))},

		{key: "metrics.addr", flag: "metrics-addr", help: "serve Prometheus metrics at http://`ADDR`/metrics; loopback only, like 127.0.0.1:9101 (empty: off)",
			b: to(text, func(s *settings) *string { return &s.MetricsAddr }).valid(metricsAddr)},
	}
}

// host is the binding of a service's base URL other than www.
func host(key, help string, field func(*fetch.Hosts) *string) option {
	return option{key: key, help: "base URL for " + help,
		b: to(text, func(s *settings) *string { return field(&s.API.Hosts) }).valid(baseURL)}
}

// Limits of values that can work at all.
const (
	minTimeout   = time.Second
	minBlockSize = 64 << 10
	maxBlockSize = 64 << 20
	maxMaxRead   = 1 << 30
)

// The checks. Each says what is wrong in words that fit after
// "invalid setting KEY: ".

func positive[T int | int64 | float64 | time.Duration](v T, _ *settings) error {
	if v <= 0 {
		return errors.New("must be greater than zero")
	}
	return nil
}

func nonNegative[T int | int64 | time.Duration](v T, _ *settings) error {
	if v < 0 {
		return errors.New("must not be negative")
	}
	return nil
}

func notEmpty(v string, _ *settings) error {
	if v == "" {
		return errors.New("must not be empty")
	}
	return nil
}

func oneOf[T cmp.Ordered](allowed ...T) func(T, *settings) error {
	return func(v T, _ *settings) error {
		if slices.Contains(allowed, v) {
			return nil
		}
		words := make([]string, len(allowed))
		for i, a := range allowed {
			words[i] = fmt.Sprint(a)
		}
		return fmt.Errorf("%q is not %s or %s", fmt.Sprint(v), strings.Join(words[:len(words)-1], ", "), words[len(words)-1])
	}
}

func baseURL(v string, _ *settings) error { return fetch.CheckBaseURL(v) }

func videoQuality(v string, _ *settings) error { return fetch.CheckVideoQuality(v) }

func cookieValue(v string, _ *settings) error { return checkCookie(v) }

// proxyValue: empty (the environment decides), "direct", or a proxy URL.
// The message never quotes the value: it may hold a password.
func proxyValue(v string, _ *settings) error {
	if v == "" || v == directProxy {
		return nil
	}
	return httpx.CheckProxy(v)
}

func oneCookie(v string, s *settings) error {
	if v != "" && s.API.Cookie != "" {
		return errors.New("account.cookie and account.cookie_file are both set; keep one")
	}
	return nil
}

func roomIDs(rooms []string, _ *settings) error {
	for _, r := range rooms {
		if r == "" || strings.ContainsAny(r, "/\x00") {
			return fmt.Errorf("%q is not a room id", r)
		}
	}
	return nil
}

func users(list []dfs.UserEntry, _ *settings) error {
	seen := map[string]bool{}
	for i, u := range list {
		key := fmt.Sprintf("users[%d]", i)
		switch {
		case u.Name == "" || u.SecUID == "":
			return &settingError{key, "needs both name and sec_user_id"}
		case u.Name == "." || u.Name == ".." || strings.ContainsAny(u.Name, "/\x00"):
			return &settingError{key + ".name", fmt.Sprintf("%q cannot be a folder name", u.Name)}
		case seen[u.Name]:
			return &settingError{key + ".name", fmt.Sprintf("%q is listed twice", u.Name)}
		case !fetch.IsSecUserID(u.SecUID):
			return &settingError{key + ".sec_user_id", fmt.Sprintf("%q (user %q) is not a sec_user_id: want %s, as in www.douyin.com/user/<sec_user_id>",
				u.SecUID, u.Name, fetch.SecUserIDShape)}
		}
		seen[u.Name] = true
	}
	return nil
}

func nameTemplate(v string, _ *settings) error {
	if !strings.Contains(v, "{aweme_id}") {
		return fmt.Errorf("%q must contain {aweme_id} so that names stay unique", v)
	}
	return nil
}

// fourBlocks: the cache splits the budget between cached blocks and fills;
// any number of readers share it (they wait their turn), but it must hold
// four blocks.
func fourBlocks(v int64, s *settings) error {
	if v < 4*s.Blocks.BlockSize {
		return fmt.Errorf("%s holds fewer than four blocks of cache.block_size (%s): at least %s",
			byteSize(v), byteSize(s.Blocks.BlockSize), byteSize(4*s.Blocks.BlockSize))
	}
	return nil
}

// blockSize: a block must be worth a request, and not hold up a read.
func blockSize(v int64, _ *settings) error {
	switch {
	case v < minBlockSize:
		return fmt.Errorf("%s is too small (%s to %s)", byteSize(v), byteSize(minBlockSize), byteSize(maxBlockSize))
	case v > maxBlockSize:
		return fmt.Errorf("%s is too large (%s to %s)", byteSize(v), byteSize(minBlockSize), byteSize(maxBlockSize))
	}
	return nil
}

func prefetchMax(v int64, s *settings) error {
	if v < s.Reader.PrefetchStart {
		return fmt.Errorf("%s is smaller than read.prefetch_start (%s)", byteSize(v), byteSize(s.Reader.PrefetchStart))
	}
	return nil
}

// requestTimeout: a request needs more than a moment.
func requestTimeout(v time.Duration, _ *settings) error {
	if v < minTimeout {
		return fmt.Errorf("%s is too short (at least %s)", fmtDuration(v), fmtDuration(minTimeout))
	}
	return nil
}

// opTimeout: one operation must have room for a retry after a timed-out
// request.
func opTimeout(v time.Duration, s *settings) error {
	if v < 2*s.API.Timeout {
		return fmt.Errorf("%s is less than twice network.timeout (%s): at least %s, so that a retry fits in one operation",
			fmtDuration(v), fmtDuration(s.API.Timeout), fmtDuration(2*s.API.Timeout))
	}
	return nil
}

func ownerID(v int, _ *settings) error {
	if v < -1 || v > 1<<32-2 {
		return fmt.Errorf("%d is not a user or group id (-1 means the user running douyinfs)", v)
	}
	return nil
}

// owner is the id a file shows: the configured one, or self for -1.
func owner(v, self int) uint32 {
	if v == -1 {
		return uint32(self)
	}
	return uint32(v)
}

func maxRead(v int, s *settings) error {
	if err := positive(v, s); err != nil {
		return err
	}
	if v > maxMaxRead {
		return fmt.Errorf("%s is too large (at most %s)", byteSize(v), byteSize(maxMaxRead))
	}
	return nil
}

func metricsAddr(v string, _ *settings) error {
	if v == "" {
		return nil
	}
	return checkMetricsAddr(v)
}

// settingError names a key more precisely than the option's (users[2].name).
type settingError struct{ key, msg string }

func (e *settingError) Error() string { return "invalid setting " + e.key + ": " + e.msg }
