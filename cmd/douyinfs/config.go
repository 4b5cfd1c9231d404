package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
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

// settings is the configuration, in the structs each package receives,
// plus cmd's own. The options table says which key goes where. Loggers are
// filled in once logging is set up.
type settings struct {
	API    fetch.Config
	Reader media.Config
	Blocks cache.BlocksConfig
	FS     dfs.Config

	CookieFile  string
	CookieWatch time.Duration // how often a mount stats CookieFile; 0 = SIGHUP only
	Proxy       string        // network.proxy: a URL, "direct", or "" for the environment's
	MediaProxy  string        // network.media_proxy: the same, "" = as Proxy
	LogLevel    slog.Level
	LogFormat   string
	MetricsAddr string // "" = no metrics endpoint
	UID, GID    int    // as configured: -1 = the user running douyinfs
}

// defaultSettings starts from each package's DefaultConfig() and cmd's own
// defaults in the table; a setting that goes to several places takes its
// first destination's default everywhere (a test checks the packages agree).
func defaultSettings() *settings {
	s := &settings{
		API:    fetch.DefaultConfig(),
		Reader: media.DefaultConfig(),
		Blocks: cache.DefaultConfig(),
		FS:     dfs.DefaultConfig(),
	}
	for _, o := range options() {
		o.b.init(s)
	}
	return s
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

// loadConfig reads the file at path into s ("" = nothing to read): a key
// missing from the file keeps what s has. Every error is one line naming
// the file.
func loadConfig(path string, s *settings) error {
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("config file %s does not exist", path)
	}
	if err != nil {
		return fmt.Errorf("cannot read config file: %w", err)
	}
	var raw map[string]any
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		return fmt.Errorf("config file %s: %s", path, strings.TrimPrefix(oneLine(err.Error()), "toml: "))
	}
	opts := options()
	if unknown := unknownKeys(md, opts); len(unknown) > 0 {
		word := "key"
		if len(unknown) > 1 {
			word = "keys"
		}
		return fmt.Errorf("config file %s: unknown %s %s (see config.toml for every key)", path, word, strings.Join(unknown, ", "))
	}
	for _, o := range opts {
		v, ok := lookup(raw, o.key)
		if !ok {
			continue
		}
		if err := o.b.decode(s, v); err != nil {
			return fmt.Errorf("config file %s: invalid setting %s: %v", path, o.key, err)
		}
	}
	return nil
}

// lookup finds a dotted key in decoded TOML.
func lookup(raw map[string]any, key string) (any, bool) {
	section, name, nested := strings.Cut(key, ".")
	if !nested {
		v, ok := raw[key]
		return v, ok
	}
	t, ok := raw[section].(map[string]any)
	if !ok {
		return nil, false
	}
	v, ok := t[name]
	return v, ok
}

// unknownKeys reports each key that no option knows, once: an unknown
// table is named, not every key inside it.
func unknownKeys(md toml.MetaData, opts []option) []string {
	known := func(k toml.Key) bool {
		name := k.String()
		for _, o := range opts {
			// A section is known as a table only: "network = 5" is not.
			if name == o.key || strings.HasPrefix(o.key, name+".") && md.Type(k...) == "Hash" {
				return true
			}
			if sub, ok := strings.CutPrefix(name, o.key+"."); ok && slices.Contains(o.b.subkeys(), sub) {
				return true
			}
		}
		return false
	}
	unknown := map[string]bool{}
	var out []string
	for _, k := range md.Keys() {
		name := k.String()
		if known(k) {
			continue
		}
		unknown[name] = true
		if len(k) > 1 && unknown[k[:len(k)-1].String()] {
			continue
		}
		out = append(out, name)
	}
	return out
}

// check runs every option's check, in the table's order, and returns the
// first complaint as one line naming the key.
func (s *settings) check() error {
	for _, o := range options() {
		err := o.b.validate(s)
		if err == nil {
			continue
		}
		if se, ok := errors.AsType[*settingError](err); ok {
			return se
		}
		return &settingError{o.key, err.Error()}
	}
	return nil
}

// directProxy is the proxy setting that means none, whatever the
// environment says.
const directProxy = "direct"

// setProxies puts the proxy settings wherever a connection is made: an
// explicit URL, none for "direct", else the environment's HTTPS_PROXY,
// HTTP_PROXY and NO_PROXY (or their lower-case forms), as curl and Go
// programs read them.
func (s *settings) setProxies(getenv func(string) string) {
	env := func(name string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return getenv(strings.ToLower(name))
	}
	choose := func(setting string) httpx.Proxy {
		switch setting {
		case directProxy:
			return httpx.Proxy{}
		case "":
			return httpx.Proxy{HTTPSProxy: env("HTTPS_PROXY"), HTTPProxy: env("HTTP_PROXY"), NoProxy: env("NO_PROXY")}
		}
		return httpx.Proxy{URL: setting}
	}
	s.API.Proxy = choose(s.Proxy)
	s.Reader.Proxy = s.API.Proxy
	if s.MediaProxy != "" {
		s.Reader.Proxy = choose(s.MediaProxy)
	}
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

// binding is how an option's value is read, checked and stored.
type binding interface {
	decode(s *settings, v any) error                // from decoded TOML
	parseFlag(text string) (func(*settings), error) // from a flag, applied after the file
	isBool() bool
	format(s *settings) string // as config.toml writes it
	validate(s *settings) error
	init(s *settings) // put the default in place, in every destination
	subkeys() []string
}

// field binds a value of type T: read as kind k, stored at *at(s) and
// handed to also for any other place it goes.
type field[T any] struct {
	k       kind[T]
	at      func(*settings) *T
	alsoFn  func(*settings, T)
	checkFn func(T, *settings) error
	def     *T              // cmd's own default; nil = the package's
	flagFn  func(*settings) // what setting it by flag also does
}

func to[T any](k kind[T], at func(*settings) *T) field[T] { return field[T]{k: k, at: at} }

func (f field[T]) also(fn func(*settings, T)) field[T]        { f.alsoFn = fn; return f }
func (f field[T]) valid(fn func(T, *settings) error) field[T] { f.checkFn = fn; return f }
func (f field[T]) byDefault(v T) field[T]                     { f.def = &v; return f }
func (f field[T]) onFlag(fn func(*settings)) field[T]         { f.flagFn = fn; return f }

func (f field[T]) set(s *settings, v T) {
	*f.at(s) = v
	if f.alsoFn != nil {
		f.alsoFn(s, v)
	}
}

func (f field[T]) decode(s *settings, raw any) error {
	v, err := f.k.fromTOML(raw)
	if err != nil {
		return err
	}
	f.set(s, v)
	return nil
}

func (f field[T]) parseFlag(text string) (func(*settings), error) {
	if f.k.parse == nil {
		return nil, errors.New("cannot be set by a flag")
	}
	v, err := f.k.parse(text)
	if err != nil {
		return nil, err
	}
	return func(s *settings) {
		f.set(s, v)
		if f.flagFn != nil {
			f.flagFn(s)
		}
	}, nil
}

func (f field[T]) isBool() bool              { return f.k.boolean }
func (f field[T]) format(s *settings) string { return f.k.format(*f.at(s)) }
func (f field[T]) subkeys() []string         { return f.k.subkeys }

func (f field[T]) validate(s *settings) error {
	if f.checkFn == nil {
		return nil
	}
	return f.checkFn(*f.at(s), s)
}

func (f field[T]) init(s *settings) {
	v := *f.at(s)
	if f.def != nil {
		v = *f.def
	}
	f.set(s, v)
}

// kind is how values of type T are written: in TOML, on the command line
// (parse nil: no flag may set it) and back as text.
type kind[T any] struct {
	fromTOML func(v any) (T, error)
	parse    func(text string) (T, error)
	format   func(T) string
	boolean  bool     // a flag that needs no value
	subkeys  []string // the keys of each table in an array of tables
}

var (
	text = kind[string]{
		fromTOML: tomlString,
		parse:    func(s string) (string, error) { return s, nil },
		format:   func(v string) string { return v },
	}
	integer = kind[int]{fromTOML: tomlInt, parse: parseInt, format: strconv.Itoa}
	number  = kind[float64]{
		fromTOML: tomlFloat,
		parse:    parseFloat,
		format:   func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) },
	}
	boolean = kind[bool]{fromTOML: tomlBool, parse: parseBool, format: strconv.FormatBool, boolean: true}
	size    = kind[int64]{
		fromTOML: tomlSize,
		parse:    func(s string) (int64, error) { n, err := parseSize(s); return int64(n), err },
		format:   func(v int64) string { return byteSize(v).String() },
	}
	intSize = kind[int]{
		fromTOML: func(v any) (int, error) { n, err := tomlSize(v); return int(n), err },
		parse:    func(s string) (int, error) { n, err := parseSize(s); return int(n), err },
		format:   func(v int) string { return byteSize(v).String() },
	}
	duration = kind[time.Duration]{
		fromTOML: func(v any) (time.Duration, error) {
			s, ok := v.(string)
			if !ok {
				// A bare number would be nanoseconds: `timeout = 15` is a
				// mistake, not 15ns.
				return 0, fmt.Errorf("invalid duration %v: write it as a string like \"30s\"", v)
			}
			return parseDuration(s)
		},
		parse:  parseDuration,
		format: fmtDuration,
	}
	umask = kind[uint32]{
		fromTOML: func(v any) (uint32, error) {
			switch x := v.(type) {
			case string:
				return parseOctal(x)
			case int64: // TOML's 0o022
				if x >= 0 && x <= 0o777 {
					return uint32(x), nil
				}
			}
			return 0, fmt.Errorf("invalid umask %v: write it as a string like \"0022\"", v)
		},
		parse:  parseOctal,
		format: func(v uint32) string { return fmt.Sprintf("%04o", v) },
	}
	stringList = kind[[]string]{fromTOML: tomlStrings, format: func(v []string) string { return fmt.Sprintf("%q", v) }}
	userList   = kind[[]dfs.UserEntry]{
		fromTOML: tomlUsers,
		format:   func(v []dfs.UserEntry) string { return fmt.Sprint(v) },
		subkeys:  []string{"name", "sec_user_id"},
	}
	zone = kind[*time.Location]{
		fromTOML: func(v any) (*time.Location, error) {
			s, err := tomlString(v)
			if err != nil {
				return nil, err
			}
			return parseZone(s)
		},
		parse:  parseZone,
		format: func(v *time.Location) string { return v.String() },
	}
	scheme = kind[sign.Scheme]{
		fromTOML: func(v any) (sign.Scheme, error) {
			s, err := tomlString(v)
			if err != nil {
				return 0, err
			}
			return parseScheme(s)
		},
		parse: parseScheme,
		format: func(v sign.Scheme) string {
			if v == sign.SchemeXBogus {
				return "x_bogus"
			}
			return "a_bogus"
		},
	}
	level = kind[slog.Level]{
		fromTOML: func(v any) (slog.Level, error) {
			s, err := tomlString(v)
			if err != nil {
				return 0, err
			}
			return parseLevel(s)
		},
		parse:  parseLevel,
		format: func(v slog.Level) string { return strings.ToLower(v.String()) },
	}
)

// tomlText shows a TOML value in a message.
func tomlText(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

func tomlString(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	return "", fmt.Errorf("%s is not a string", tomlText(v))
}

func tomlInt(v any) (int, error) {
	if n, ok := v.(int64); ok && int64(int(n)) == n {
		return int(n), nil
	}
	return 0, fmt.Errorf("%s is not a whole number", tomlText(v))
}

func tomlFloat(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case int64:
		return float64(x), nil
	}
	return 0, fmt.Errorf("%s is not a number", tomlText(v))
}

func tomlBool(v any) (bool, error) {
	if b, ok := v.(bool); ok {
		return b, nil
	}
	return false, fmt.Errorf("%s is not true or false", tomlText(v))
}

func tomlSize(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		if x < 0 {
			return 0, fmt.Errorf("invalid size %d: must not be negative", x)
		}
		return x, nil
	case string:
		n, err := parseSize(x)
		return int64(n), err
	}
	return 0, fmt.Errorf("invalid size %v: use a byte count or a string like \"64MiB\"", v)
}

func tomlStrings(v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s is not a list of strings", tomlText(v))
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("%s in the list is not a string", tomlText(e))
		}
		out = append(out, s)
	}
	return out, nil
}

// tomlUsers reads [[users]] tables; a missing field stays empty for the
// check to name.
func tomlUsers(v any) ([]dfs.UserEntry, error) {
	var tables []map[string]any
	switch x := v.(type) {
	case []map[string]any:
		tables = x
	case []any: // users = [] or inline tables
		for _, e := range x {
			t, ok := e.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s is not a table with name and sec_user_id", tomlText(e))
			}
			tables = append(tables, t)
		}
	default:
		return nil, fmt.Errorf("%s is not a list of [[users]] tables", tomlText(v))
	}
	out := make([]dfs.UserEntry, 0, len(tables))
	for i, t := range tables {
		var u dfs.UserEntry
		for key, dst := range map[string]*string{"name": &u.Name, "sec_user_id": &u.SecUID} {
			if raw, ok := t[key]; ok {
				s, err := tomlString(raw)
				if err != nil {
					return nil, fmt.Errorf("users[%d].%s: %v", i, key, err)
				}
				*dst = s
			}
		}
		out = append(out, u)
	}
	return out, nil
}

func parseInt(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number", s)
	}
	return n, nil
}

func parseFloat(s string) (float64, error) {
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return n, nil
}

func parseBool(s string) (bool, error) {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("%q is not true or false", s)
	}
	return b, nil
}

func parseZone(s string) (*time.Location, error) {
	loc, err := time.LoadLocation(s)
	if err != nil || s == "" {
		return nil, fmt.Errorf("unknown time zone %q", s)
	}
	return loc, nil
}

func parseScheme(s string) (sign.Scheme, error) {
	v, err := sign.ParseScheme(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a_bogus or x_bogus", s)
	}
	return v, nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil || !slices.Contains([]string{"debug", "info", "warn", "error"}, strings.ToLower(s)) {
		return 0, fmt.Errorf("%q is not debug, info, warn or error", s)
	}
	return l, nil
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

// parseDuration reads Go syntax ("15s", "1h30m").
func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: use Go syntax like \"30s\", \"5m\" or \"1h30m\"", s)
	}
	return d, nil
}

// fmtDuration writes d as config.toml does: "1m", not "1m0s".
func fmtDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// parseOctal reads a permission mask written in octal ("0022").
func parseOctal(s string) (uint32, error) {
	n, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimSpace(s), "0o"), 8, 32)
	if err != nil || n > 0o777 {
		return 0, fmt.Errorf("invalid umask %q: use octal digits like \"0022\"", s)
	}
	return uint32(n), nil
}

// oneLine folds a multi-line message so every error is one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}
