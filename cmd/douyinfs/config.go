package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/douyinfs/douyinfs/cache"
	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/httpx"
	"github.com/douyinfs/douyinfs/fetch/media"
	dfs "github.com/douyinfs/douyinfs/fs"
	"github.com/douyinfs/douyinfs/sign"
)

// fileConfig mirrors config.toml key for key. It is decoded over
// defaultConfig(), so a key missing from the file keeps its default, and
// flags are applied on top of it before build turns it into the structs each
// package receives.
type fileConfig struct {
	Account struct {
		Cookie     string `toml:"cookie"`
		CookieFile string `toml:"cookie_file"`
		UserAgent  string `toml:"user_agent"`
		Signing    string `toml:"signing"`
	} `toml:"account"`
	Hosts struct {
		WWW       string `toml:"www"`
		Live      string `toml:"live"`
		Webcast   string `toml:"webcast"`
		MsToken   string `toml:"mstoken"`
		TTWID     string `toml:"ttwid"`
		WebID     string `toml:"webid"`
		ShortLink string `toml:"short_link"`
		SSO       string `toml:"sso"`
	} `toml:"hosts"`
	Users     []userConfig `toml:"users"`
	LiveRooms []string     `toml:"live_rooms"`
	Naming    struct {
		Template     string `toml:"template"`
		TimeZone     string `toml:"time_zone"`
		MaxDescBytes int    `toml:"max_desc_bytes"`
		SidecarJSON  bool   `toml:"sidecar_json"`
		SidecarCover bool   `toml:"sidecar_cover"`
	} `toml:"naming"`
	Cache struct {
		ListingTTL   duration `toml:"listing_ttl"`
		MetadataTTL  duration `toml:"metadata_ttl"`
		FeedTTL      duration `toml:"feed_ttl"`
		MemoryBudget byteSize `toml:"memory_budget"`
		BlockSize    byteSize `toml:"block_size"`
	} `toml:"cache"`
	Read struct {
		PrefetchStart       byteSize `toml:"prefetch_start"`
		PrefetchMax         byteSize `toml:"prefetch_max"`
		ParallelConnections int      `toml:"parallel_connections"`
		VideoQuality        string   `toml:"video_quality"`
	} `toml:"read"`
	Network struct {
		Timeout        duration `toml:"timeout"`
		OpTimeout      duration `toml:"op_timeout"`
		Retries        int      `toml:"retries"`
		RetryBackoff   duration `toml:"retry_backoff"`
		RateLimit      float64  `toml:"rate_limit"`
		RateBurst      int      `toml:"rate_burst"`
		MaxConnections int      `toml:"max_connections"`
		MaxBody        byteSize `toml:"max_body"`
		PageSize       int      `toml:"page_size"`
		MaxEmptyPages  int      `toml:"max_empty_pages"`
		MaxPages       int      `toml:"max_pages"`
	} `toml:"network"`
	Live struct {
		Quality []string `toml:"quality"`
	} `toml:"live"`
	Mount struct {
		AllowOther      bool     `toml:"allow_other"`
		UID             int      `toml:"uid"`
		GID             int      `toml:"gid"`
		Umask           octal    `toml:"umask"`
		EntryTimeout    duration `toml:"entry_timeout"`
		AttrTimeout     duration `toml:"attr_timeout"`
		NegativeTimeout duration `toml:"negative_timeout"`
		MaxRead         byteSize `toml:"max_read"`
		Debug           bool     `toml:"debug"`
	} `toml:"mount"`
	Log struct {
		Level  string `toml:"level"`
		Format string `toml:"format"`
	} `toml:"log"`
	Metrics struct {
		Addr string `toml:"addr"`
	} `toml:"metrics"`
}

type userConfig struct {
	Name      string `toml:"name"`
	SecUserID string `toml:"sec_user_id"`
}

// defaultConfig holds the defaults written in config.toml; a test checks the
// two never drift apart.
func defaultConfig() *fileConfig {
	c := &fileConfig{}
	c.Account.UserAgent = httpx.DefaultUserAgent
	c.Account.Signing = "a_bogus"
	c.Hosts.WWW = "https://www.douyin.com"
	c.Hosts.Live = "https://live.douyin.com"
	c.Hosts.Webcast = "https://webcast.amemv.com"
	c.Hosts.MsToken = "https://mssdk.bytedance.com"
	c.Hosts.TTWID = "https://ttwid.bytedance.com"
	c.Hosts.WebID = "https://mcs.zijieapi.com"
	c.Hosts.ShortLink = "https://v.douyin.com"
	c.Hosts.SSO = "https://sso.douyin.com"
	c.LiveRooms = []string{}
	c.Naming.Template = "{create}_{desc}_{aweme_id}"
	c.Naming.TimeZone = "Asia/Shanghai"
	c.Naming.MaxDescBytes = 120
	c.Cache.ListingTTL = duration(5 * time.Minute)
	c.Cache.MetadataTTL = duration(10 * time.Minute)
	c.Cache.FeedTTL = duration(2 * time.Minute)
	c.Cache.MemoryBudget = 512 << 20
	c.Cache.BlockSize = 1 << 20
	c.Read.PrefetchStart = 1 << 20
	c.Read.PrefetchMax = 64 << 20
	c.Read.ParallelConnections = 4
	c.Read.VideoQuality = "best"
	c.Network.Timeout = duration(15 * time.Second)
	c.Network.OpTimeout = duration(time.Minute)
	c.Network.Retries = 4
	c.Network.RetryBackoff = duration(250 * time.Millisecond)
	c.Network.RateLimit = 5
	c.Network.RateBurst = 10
	c.Network.MaxConnections = 16
	c.Network.MaxBody = 16 << 20
	c.Network.PageSize = 20
	c.Network.MaxEmptyPages = 3
	c.Live.Quality = []string{"FULL_HD1", "HD1", "SD1", "SD2"}
	c.Mount.UID = -1
	c.Mount.GID = -1
	c.Mount.Umask = 0o022
	c.Mount.EntryTimeout = duration(time.Minute)
	c.Mount.AttrTimeout = duration(time.Minute)
	c.Mount.NegativeTimeout = duration(5 * time.Second)
	c.Mount.MaxRead = 1 << 20
	c.Log.Level = "info"
	c.Log.Format = "text"
	return c
}

// findConfig picks the config file: --config, else the XDG location, else
// /etc. It returns "" when none exists, meaning the built-in defaults. A file
// that exists but cannot be read is still returned, so that reading it
// reports why instead of silently falling back to defaults.
func findConfig(explicit string, getenv func(string) string) string {
	if explicit != "" {
		return explicit
	}
	var candidates []string
	if xdg := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(xdg) {
		candidates = append(candidates, filepath.Join(xdg, "douyinfs", "config.toml"))
	} else if home := getenv("HOME"); home != "" {
		candidates = append(candidates, filepath.Join(home, ".config", "douyinfs", "config.toml"))
	}
	candidates = append(candidates, "/etc/douyinfs/config.toml")
	for _, p := range candidates {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			return p
		}
	}
	return ""
}

// loadConfig reads the file at path over the defaults ("" = defaults only).
// Every error is one line naming the file.
func loadConfig(path string) (*fileConfig, error) {
	c := defaultConfig()
	if path == "" {
		return c, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("config file %s does not exist", path)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read config file: %w", err)
	}
	md, err := toml.Decode(string(data), c)
	if err != nil {
		return nil, fmt.Errorf("config file %s: %s", path, strings.TrimPrefix(oneLine(err.Error()), "toml: "))
	}
	if unknown := unknownKeys(md.Undecoded()); len(unknown) > 0 {
		word := "key"
		if len(unknown) > 1 {
			word = "keys"
		}
		return nil, fmt.Errorf("config file %s: unknown %s %s (see config.toml for every key)", path, word, strings.Join(unknown, ", "))
	}
	return c, nil
}

// unknownKeys reports each unknown key once: an unknown table is named, not
// every key inside it.
func unknownKeys(keys []toml.Key) []string {
	names := make(map[string]bool, len(keys))
	for _, k := range keys {
		names[k.String()] = true
	}
	var out []string
	for _, k := range keys {
		if len(k) > 1 && names[k[:len(k)-1].String()] {
			continue
		}
		out = append(out, k.String())
	}
	return out
}

// settings is the parsed configuration, split into the structs each package
// receives. Loggers are filled in once logging is set up.
type settings struct {
	API         fetch.Config
	Reader      media.Config
	Blocks      cache.BlocksConfig
	FS          dfs.Config
	CookieFile  string
	LogLevel    slog.Level
	LogFormat   string
	MetricsAddr string // "" = no metrics endpoint
}

// build validates c and converts it. It does not read the cookie file: only
// the subcommands that send requests need it (see readCookie).
func build(c *fileConfig) (*settings, error) {
	bad := func(key, format string, args ...any) error {
		return fmt.Errorf("invalid setting %s: %s", key, fmt.Sprintf(format, args...))
	}
	s := &settings{CookieFile: c.Account.CookieFile}

	if c.Account.Cookie != "" && c.Account.CookieFile != "" {
		return nil, errors.New("invalid settings: account.cookie and account.cookie_file are both set; keep one")
	}
	if err := checkCookie(c.Account.Cookie); err != nil {
		return nil, bad("account.cookie", "%v", err)
	}
	scheme, err := sign.ParseScheme(c.Account.Signing)
	if err != nil {
		return nil, bad("account.signing", "%q is not a_bogus or x_bogus", c.Account.Signing)
	}
	hosts := []struct{ key, val string }{
		{"hosts.www", c.Hosts.WWW}, {"hosts.live", c.Hosts.Live}, {"hosts.webcast", c.Hosts.Webcast},
		{"hosts.mstoken", c.Hosts.MsToken}, {"hosts.ttwid", c.Hosts.TTWID}, {"hosts.webid", c.Hosts.WebID},
		{"hosts.short_link", c.Hosts.ShortLink}, {"hosts.sso", c.Hosts.SSO},
	}
	for _, h := range hosts {
		u, err := url.Parse(h.val)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, bad(h.key, "%q is not an http(s) base URL", h.val)
		}
	}

	seen := map[string]bool{}
	for i, u := range c.Users {
		key := fmt.Sprintf("users[%d]", i)
		switch {
		case u.Name == "" || u.SecUserID == "":
			return nil, bad(key, "needs both name and sec_user_id")
		case u.Name == "." || u.Name == ".." || strings.ContainsAny(u.Name, "/\x00"):
			return nil, bad(key+".name", "%q cannot be a folder name", u.Name)
		case seen[u.Name]:
			return nil, bad(key+".name", "%q is listed twice", u.Name)
		}
		if !fetch.IsSecUserID(u.SecUserID) {
			return nil, bad(key+".sec_user_id", "%q (user %q) is not a sec_user_id: want %s, as in www.douyin.com/user/<sec_user_id>",
				u.SecUserID, u.Name, fetch.SecUserIDShape)
		}
		seen[u.Name] = true
		s.FS.Users = append(s.FS.Users, dfs.UserEntry{Name: u.Name, SecUID: u.SecUserID})
	}
	liveRooms := slices.Clone(c.LiveRooms)
	for _, r := range liveRooms {
		if r == "" || strings.ContainsAny(r, "/\x00") {
			return nil, bad("live_rooms", "%q is not a room id", r)
		}
	}

	if !strings.Contains(c.Naming.Template, "{aweme_id}") {
		return nil, bad("naming.template", "%q must contain {aweme_id} so that names stay unique", c.Naming.Template)
	}
	loc, err := time.LoadLocation(c.Naming.TimeZone)
	if err != nil || c.Naming.TimeZone == "" {
		return nil, bad("naming.time_zone", "unknown time zone %q", c.Naming.TimeZone)
	}
	if c.Naming.MaxDescBytes < 0 {
		return nil, bad("naming.max_desc_bytes", "must not be negative")
	}

	positive := []struct {
		key string
		ok  bool
	}{
		{"cache.listing_ttl", c.Cache.ListingTTL > 0},
		{"cache.metadata_ttl", c.Cache.MetadataTTL > 0},
		{"cache.feed_ttl", c.Cache.FeedTTL > 0},
		{"cache.memory_budget", c.Cache.MemoryBudget > 0},
		{"cache.block_size", c.Cache.BlockSize > 0},
		{"read.prefetch_start", c.Read.PrefetchStart > 0},
		{"read.parallel_connections", c.Read.ParallelConnections > 0},
		{"network.timeout", c.Network.Timeout > 0},
		{"network.rate_limit", c.Network.RateLimit > 0},
		{"network.rate_burst", c.Network.RateBurst > 0},
		{"network.max_connections", c.Network.MaxConnections > 0},
		{"network.max_body", c.Network.MaxBody > 0},
		{"network.page_size", c.Network.PageSize > 0},
		{"network.max_empty_pages", c.Network.MaxEmptyPages > 0},
		{"mount.max_read", c.Mount.MaxRead > 0},
	}
	for _, p := range positive {
		if !p.ok {
			return nil, bad(p.key, "must be greater than zero")
		}
	}
	nonNegative := []struct {
		key string
		ok  bool
	}{
		{"network.retries", c.Network.Retries >= 0},
		{"network.retry_backoff", c.Network.RetryBackoff >= 0},
		{"network.max_pages", c.Network.MaxPages >= 0},
		{"mount.entry_timeout", c.Mount.EntryTimeout >= 0},
		{"mount.attr_timeout", c.Mount.AttrTimeout >= 0},
		{"mount.negative_timeout", c.Mount.NegativeTimeout >= 0},
	}
	for _, p := range nonNegative {
		if !p.ok {
			return nil, bad(p.key, "must not be negative")
		}
	}
	// Values that pass the checks above but cannot work: a request needs
	// more than a moment, a block must be worth a request, and one
	// operation must have room for a retry after a timed-out request.
	if c.Network.Timeout < duration(minTimeout) {
		return nil, bad("network.timeout", "%s is too short (at least %s)", c.Network.Timeout, duration(minTimeout))
	}
	if c.Cache.BlockSize < minBlockSize {
		return nil, bad("cache.block_size", "%s is too small (%s to %s)", c.Cache.BlockSize, byteSize(minBlockSize), byteSize(maxBlockSize))
	}
	if c.Cache.BlockSize > maxBlockSize {
		return nil, bad("cache.block_size", "%s is too large (%s to %s)", c.Cache.BlockSize, byteSize(minBlockSize), byteSize(maxBlockSize))
	}
	if c.Network.OpTimeout < 2*c.Network.Timeout {
		return nil, bad("network.op_timeout", "%s is less than twice network.timeout (%s): at least %s, so that a retry fits in one operation", c.Network.OpTimeout, c.Network.Timeout, 2*c.Network.Timeout)
	}
	// The cache splits the budget between cached blocks and fills; any
	// number of readers share it (they wait their turn), but it must hold
	// four blocks.
	if c.Cache.MemoryBudget < 4*c.Cache.BlockSize {
		return nil, bad("cache.memory_budget", "%s holds fewer than four blocks of cache.block_size (%s): at least %s", c.Cache.MemoryBudget, c.Cache.BlockSize, 4*c.Cache.BlockSize)
	}
	if c.Read.PrefetchMax < c.Read.PrefetchStart {
		return nil, bad("read.prefetch_max", "%s is smaller than read.prefetch_start (%s)", c.Read.PrefetchMax, c.Read.PrefetchStart)
	}
	if !slices.Contains([]string{"best", "h264", "smallest"}, c.Read.VideoQuality) {
		return nil, bad("read.video_quality", "%q is not best, h264 or smallest", c.Read.VideoQuality)
	}
	if c.Mount.MaxRead > 1<<30 {
		return nil, bad("mount.max_read", "%s is too large", c.Mount.MaxRead)
	}
	uid, err := ownerID("mount.uid", c.Mount.UID, os.Getuid())
	if err != nil {
		return nil, err
	}
	gid, err := ownerID("mount.gid", c.Mount.GID, os.Getgid())
	if err != nil {
		return nil, err
	}
	if c.Mount.Umask > 0o777 {
		return nil, bad("mount.umask", "%#o is more than 0777", uint32(c.Mount.Umask))
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Log.Level)); err != nil || !slices.Contains([]string{"debug", "info", "warn", "error"}, strings.ToLower(c.Log.Level)) {
		return nil, bad("log.level", "%q is not debug, info, warn or error", c.Log.Level)
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		return nil, bad("log.format", "%q is not text or json", c.Log.Format)
	}
	s.LogLevel, s.LogFormat = level, c.Log.Format
	s.MetricsAddr = c.Metrics.Addr

	timeout := time.Duration(c.Network.Timeout)
	s.API = fetch.Config{
		Hosts: fetch.Hosts{
			WWW: c.Hosts.WWW, Live: c.Hosts.Live, Webcast: c.Hosts.Webcast, MsToken: c.Hosts.MsToken,
			TTWID: c.Hosts.TTWID, WebID: c.Hosts.WebID, ShortLink: c.Hosts.ShortLink, SSO: c.Hosts.SSO,
		},
		Cookie:         c.Account.Cookie,
		UserAgent:      c.Account.UserAgent,
		Signing:        scheme,
		Timeout:        timeout,
		Retries:        c.Network.Retries,
		RetryBackoff:   time.Duration(c.Network.RetryBackoff),
		RateLimit:      c.Network.RateLimit,
		RateBurst:      c.Network.RateBurst,
		MaxConnections: c.Network.MaxConnections,
		MaxBody:        int64(c.Network.MaxBody),
		PageSize:       c.Network.PageSize,
		MaxEmptyPages:  c.Network.MaxEmptyPages,
		MaxPages:       c.Network.MaxPages,
		VideoQuality:   c.Read.VideoQuality,
	}
	// Settings config.toml has no key for keep the reader's defaults.
	s.Reader = media.DefaultConfig()
	s.Reader.PrefetchStart = int64(c.Read.PrefetchStart)
	s.Reader.PrefetchMax = int64(c.Read.PrefetchMax)
	s.Reader.Parallel = c.Read.ParallelConnections
	s.Reader.MaxConnections = c.Network.MaxConnections
	s.Reader.Timeout = timeout
	s.Reader.Retries = c.Network.Retries
	s.Reader.RetryBackoff = time.Duration(c.Network.RetryBackoff)
	s.Reader.UserAgent = c.Account.UserAgent
	// Media CDNs check the Referer against the site the page came from.
	s.Reader.Referer = strings.TrimSuffix(c.Hosts.WWW, "/") + "/"
	s.Reader.Cookie = c.Account.Cookie
	s.Blocks = cache.BlocksConfig{Budget: int64(c.Cache.MemoryBudget), BlockSize: int64(c.Cache.BlockSize)}
	s.FS.LiveRooms = liveRooms
	s.FS.Naming = dfs.Naming{
		Template:     c.Naming.Template,
		Location:     loc,
		MaxDescBytes: c.Naming.MaxDescBytes,
		SidecarJSON:  c.Naming.SidecarJSON,
		SidecarCover: c.Naming.SidecarCover,
	}
	s.FS.LiveQuality = slices.Clone(c.Live.Quality)
	s.FS.ListingTTL = time.Duration(c.Cache.ListingTTL)
	s.FS.MetadataTTL = time.Duration(c.Cache.MetadataTTL)
	s.FS.FeedTTL = time.Duration(c.Cache.FeedTTL)
	// One operation (a listing, a lookup, a read) with its retries; each
	// request inside it is bounded by network.timeout.
	s.FS.OpTimeout = time.Duration(c.Network.OpTimeout)
	s.FS.UID, s.FS.GID = uid, gid
	s.FS.Umask = uint32(c.Mount.Umask)
	s.FS.EntryTimeout = time.Duration(c.Mount.EntryTimeout)
	s.FS.AttrTimeout = time.Duration(c.Mount.AttrTimeout)
	s.FS.NegativeTimeout = time.Duration(c.Mount.NegativeTimeout)
	s.FS.MaxRead = int(c.Mount.MaxRead)
	s.FS.AllowOther = c.Mount.AllowOther
	s.FS.Debug = c.Mount.Debug
	s.FS.FSName = "douyinfs"
	return s, nil
}

// Limits of values that can work at all.
const (
	minTimeout   = time.Second
	minBlockSize = 64 << 10
	maxBlockSize = 64 << 20
)

func ownerID(key string, v, self int) (uint32, error) {
	switch {
	case v == -1:
		return uint32(self), nil
	case v < 0 || v > 1<<32-2:
		return 0, fmt.Errorf("invalid setting %s: %d is not a user or group id (-1 means the user running douyinfs)", key, v)
	}
	return uint32(v), nil
}

// setCookie puts the cookie wherever a request is made.
func (s *settings) setCookie(cookie string) {
	s.API.Cookie = cookie
	s.Reader.Cookie = cookie
}

// readCookie loads account.cookie_file, if set, into s. The file must be
// private (no group or other permission bits): it holds a login session.
func (s *settings) readCookie() error {
	if s.CookieFile == "" {
		return nil
	}
	f, err := os.Open(s.CookieFile)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cookie file %s does not exist (run douyinfs login, or save a browser cookie there with mode 0600)", s.CookieFile)
	}
	if err != nil {
		return fmt.Errorf("cannot read cookie file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("cannot read cookie file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("cookie file %s is not a regular file", s.CookieFile)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("cookie file %s is open to group or others (mode %04o): run chmod 600 %s", s.CookieFile, perm, s.CookieFile)
	}
	// A cookie is a few KiB; anything much larger is not a cookie file.
	const limit = 256 << 10
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return fmt.Errorf("cannot read cookie file: %w", err)
	}
	if len(data) > limit {
		return fmt.Errorf("cookie file %s is too large to be a cookie", s.CookieFile)
	}
	cookie := parseCookieText(string(data))
	if err := checkCookie(cookie); err != nil {
		return fmt.Errorf("cookie file %s: %w", s.CookieFile, err)
	}
	s.setCookie(cookie)
	return nil
}

// parseCookieText accepts the value of a Cookie header as pasted from a
// browser, with or without the "Cookie:" name and surrounding whitespace.
func parseCookieText(text string) string {
	text = strings.TrimSpace(text)
	if len(text) >= 7 && strings.EqualFold(text[:7], "cookie:") {
		text = strings.TrimSpace(text[7:])
	}
	return text
}

// checkCookie rejects what would break every request (Douyin's own advice:
// no line breaks, no non-ASCII). The message never quotes the cookie.
func checkCookie(cookie string) error {
	for i := 0; i < len(cookie); i++ {
		switch b := cookie[i]; {
		case b == '\n' || b == '\r':
			return errors.New("the cookie spans several lines; put the Cookie header value on one line")
		case b < 0x20 || b >= 0x7f:
			return fmt.Errorf("the cookie has a control or non-ASCII byte at offset %d", i)
		}
	}
	return nil
}

// byteSize is a size in bytes, written "64MiB", "512KiB", "1GiB", "100B" or
// as a plain number of bytes.
type byteSize int64

func parseSize(s string) (byteSize, error) {
	t := strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("invalid size %q: use a byte count or a number with KiB, MiB or GiB, like \"64MiB\"", s)
	}
	return byteSize(n * mult), nil
}

func (b *byteSize) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case int64:
		if x < 0 {
			return fmt.Errorf("invalid size %d: must not be negative", x)
		}
		*b = byteSize(x)
		return nil
	case string:
		n, err := parseSize(x)
		*b = n
		return err
	}
	return fmt.Errorf("invalid size %v: use a byte count or a string like \"64MiB\"", v)
}

func (b byteSize) String() string {
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if int64(b) >= u.mult && int64(b)%u.mult == 0 {
			return fmt.Sprintf("%d%s", int64(b)/u.mult, u.suffix)
		}
	}
	return fmt.Sprintf("%dB", int64(b))
}

// duration is a time.Duration written in Go syntax ("15s"). Unlike
// toml's own time.Duration support it refuses bare integers, which would be
// nanoseconds: `timeout = 15` is a mistake, not 15ns.
type duration time.Duration

func parseDuration(s string) (duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: use Go syntax like \"30s\", \"5m\" or \"1h30m\"", s)
	}
	return duration(d), nil
}

func (d *duration) UnmarshalTOML(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("invalid duration %v: write it as a string like \"30s\"", v)
	}
	n, err := parseDuration(s)
	*d = n
	return err
}

func (d duration) String() string { return time.Duration(d).String() }

// octal is a permission mask written as an octal string ("0022").
type octal uint32

func parseOctal(s string) (octal, error) {
	n, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimSpace(s), "0o"), 8, 32)
	if err != nil || n > 0o777 {
		return 0, fmt.Errorf("invalid umask %q: use octal digits like \"0022\"", s)
	}
	return octal(n), nil
}

func (o *octal) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case string:
		n, err := parseOctal(x)
		*o = n
		return err
	case int64:
		// TOML's 0o022 arrives as an integer.
		if x < 0 || x > 0o777 {
			return fmt.Errorf("invalid umask %#o", x)
		}
		*o = octal(x)
		return nil
	}
	return fmt.Errorf("invalid umask %v: write it as a string like \"0022\"", v)
}

// oneLine folds a multi-line message so every error is one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}
