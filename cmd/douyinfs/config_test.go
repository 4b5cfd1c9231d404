package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/douyinfs/douyinfs/cache"
	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
	dfs "github.com/douyinfs/douyinfs/fs"
)

// config.toml names every key of the table and documents its default:
// loaded over the defaults, it changes nothing.
func TestDefaultsMatchConfigToml(t *testing.T) {
	const path = "../../config.toml"
	var raw map[string]any
	md, err := toml.DecodeFile(path, &raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range options() {
		// [[users]] is documented as a commented-out example.
		if _, ok := lookup(raw, o.key); !ok && o.key != "users" {
			t.Errorf("config.toml lacks %s", o.key)
		}
	}
	// In the table's order, so that config.toml reads like the table.
	var order []string
	for _, k := range md.Keys() {
		if slices.ContainsFunc(options(), func(o option) bool { return o.key == k.String() }) {
			order = append(order, k.String())
		}
	}
	var table []string
	for _, o := range options() {
		if o.key != "users" {
			table = append(table, o.key)
		}
	}
	if !slices.Equal(order, table) {
		t.Errorf("config.toml's keys are in another order than the table's:\n%v\n%v", order, table)
	}
	got, want := defaultSettings(), defaultSettings()
	if err := loadConfig(path, got); err != nil {
		t.Fatal(err)
	}
	for _, o := range options() {
		if g, w := o.b.format(got), o.b.format(want); g != w {
			t.Errorf("%s: config.toml says %s, the default is %s", o.key, g, w)
		}
	}
	if err := want.check(); err != nil {
		t.Fatalf("the defaults do not pass the checks: %v", err)
	}
}

// The defaults are the packages' own: nothing re-types them, and where a
// setting goes to two packages their defaults agree.
func TestDefaultsComeFromPackages(t *testing.T) {
	s := defaultSettings()
	fsWant := dfs.DefaultConfig()
	fsWant.UID, fsWant.GID = uint32(os.Getuid()), uint32(os.Getgid()) // mount.uid = -1
	for name, pair := range map[string][2]any{
		"fetch": {s.API, fetch.DefaultConfig()},
		"media": {s.Reader, media.DefaultConfig()},
		"cache": {s.Blocks, cache.DefaultConfig()},
		"fs":    {s.FS, fsWant},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s: settings %+v, package default %+v", name, pair[0], pair[1])
		}
	}
}

// Each key and flag is declared once, with one line of help.
func TestOptionsTable(t *testing.T) {
	keys, flags := map[string]bool{}, map[string]bool{}
	for _, o := range options() {
		if keys[o.key] || (o.flag != "" && flags[o.flag]) {
			t.Errorf("%s / --%s declared twice", o.key, o.flag)
		}
		keys[o.key], flags[o.flag] = true, true
		if o.help == "" || strings.Contains(o.help, "\n") {
			t.Errorf("%s: help %q is not one line", o.key, o.help)
		}
		if o.flag != "" {
			if _, err := o.b.parseFlag(o.b.format(defaultSettings())); err != nil {
				t.Errorf("--%s cannot take its own default: %v", o.flag, err)
			}
		}
	}
}

// README.md's configuration table lists every key, and its flag list
// every flag.
func TestReadmeListsEveryOption(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	row := func(section string) string {
		for l := range strings.SplitSeq(readme, "\n") {
			if strings.HasPrefix(l, "| `"+section+"` |") {
				return l
			}
		}
		return ""
	}
	for _, o := range options() {
		section, name, ok := strings.Cut(o.key, ".")
		if !ok { // top level: live_rooms and users share the [[users]] row
			section, name = "[[users]]", o.key
		} else {
			section = "[" + section + "]"
		}
		if o.key == "users" {
			continue // the row itself
		}
		if !strings.Contains(row(section), "`"+name+"`") {
			t.Errorf("README's configuration table lacks %s", o.key)
		}
		if o.flag != "" && !strings.Contains(readme, "`--"+o.flag) {
			t.Errorf("README lacks --%s", o.flag)
		}
	}
}

func writeFile(t *testing.T, name, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

// settingsFrom loads content as a config file over the defaults and checks
// the result, as the subcommands do.
func settingsFrom(t *testing.T, content string) (*settings, error) {
	t.Helper()
	s := defaultSettings()
	if err := loadConfig(writeFile(t, "config.toml", content, 0o644), s); err != nil {
		return nil, err
	}
	return s, s.check()
}

func TestLoadConfigErrors(t *testing.T) {
	cases := []struct {
		name, content, want string
	}{
		{"unknown key", "[network]\ntimeot = \"5s\"\n", `unknown key network.timeot`},
		{"unknown table", "[netwrk]\ntimeout = \"5s\"\nretries = 2\n", `unknown key netwrk (see`},
		{"two unknown", "bogus = 1\n[mount]\nuidd = 3\n", `unknown keys bogus, mount.uidd`},
		{"a section as a value", "network = 5\n", `unknown key network`},
		{"unknown user key", "[[users]]\nname = \"a\"\nsecuid = \"x\"\n", `unknown key users.secuid`},
		{"syntax", "[network\n", `line 2`},
		{"bad size", "[cache]\nblock_size = \"1MB\"\n", `invalid size "1MB"`},
		{"bare integer duration", "[network]\ntimeout = 15\n", `invalid duration 15`},
		{"bad duration", "[network]\ntimeout = \"15\"\n", `invalid duration "15"`},
		{"wrong type", "[network]\nretries = \"four\"\n", `invalid setting network.retries: "four" is not a whole number`},
		{"bad umask", "[mount]\numask = \"0999\"\n", `invalid umask "0999"`},
		{"bad zone", "[naming]\ntime_zone = \"Mars/Olympus\"\n", `invalid setting naming.time_zone: unknown time zone "Mars/Olympus"`},
		{"bad signing", "[account]\nsigning = \"md5\"\n", `invalid setting account.signing: "md5" is not a_bogus or x_bogus`},
		{"bad level", "[log]\nlevel = \"loud\"\n", `invalid setting log.level: "loud" is not debug, info, warn or error`},
		{"list of numbers", "[live]\nquality = [1]\n", `invalid setting live.quality: 1 in the list is not a string`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, "config.toml", tc.content, 0o644)
			err := loadConfig(p, defaultSettings())
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || !strings.Contains(msg, p) || strings.Contains(msg, "\n") {
				t.Errorf("error %q: want one line naming %s and containing %q", msg, p, tc.want)
			}
		})
	}
	if err := loadConfig(filepath.Join(t.TempDir(), "nope.toml"), defaultSettings()); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing file: %v", err)
	}
	if err := loadConfig(t.TempDir(), defaultSettings()); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
}

func TestLoadConfigValues(t *testing.T) {
	s, err := settingsFrom(t, `
live_rooms = ["775841227732"]
[[users]]
name = "alice"
sec_user_id = "MS4wLjABAAAAv7iSuuXDJVDvJgmD7T9-pQbfcmpw9T4r-x5rG3YlXyU"
[account]
user_agent = "UA/1"
[hosts]
www = "http://127.0.0.1:8080/"
[cache]
memory_budget = "1GiB"
block_size = 524288
[network]
timeout = "30s"
retries = 2
rate_limit = 2
[live]
quality = ["HD1"]
[mount]
umask = "0027"
uid = 1000
max_read = "128KiB"
`)
	if err != nil {
		t.Fatal(err)
	}
	if s.Blocks.Budget != 1<<30 || s.Blocks.BlockSize != 512<<10 {
		t.Errorf("sizes: %+v", s.Blocks)
	}
	// Settings of two packages reach both.
	if s.API.Timeout != 30*time.Second || s.Reader.Timeout != 30*time.Second || s.API.Retries != 2 || s.Reader.Retries != 2 || s.API.RateLimit != 2 {
		t.Errorf("network: timeout %v/%v retries %d/%d rate %v", s.API.Timeout, s.Reader.Timeout, s.API.Retries, s.Reader.Retries, s.API.RateLimit)
	}
	if s.API.UserAgent != "UA/1" || s.Reader.UserAgent != "UA/1" || s.Reader.Referer != "http://127.0.0.1:8080/" {
		t.Errorf("user agent %q/%q referer %q", s.API.UserAgent, s.Reader.UserAgent, s.Reader.Referer)
	}
	if len(s.FS.Users) != 1 || s.FS.Users[0].Name != "alice" || s.FS.Users[0].SecUID != "MS4wLjABAAAAv7iSuuXDJVDvJgmD7T9-pQbfcmpw9T4r-x5rG3YlXyU" {
		t.Errorf("users: %+v", s.FS.Users)
	}
	if !reflect.DeepEqual(s.FS.LiveQuality, []string{"HD1"}) || !reflect.DeepEqual(s.FS.LiveRooms, []string{"775841227732"}) {
		t.Errorf("live: %v %v", s.FS.LiveQuality, s.FS.LiveRooms)
	}
	if s.FS.Umask != 0o027 || s.FS.UID != 1000 || s.FS.GID != uint32(os.Getgid()) || s.FS.MaxRead != 128<<10 {
		t.Errorf("mount: umask %#o uid %d gid %d max read %d", s.FS.Umask, s.FS.UID, s.FS.GID, s.FS.MaxRead)
	}
	if s.FS.Naming.Location.String() != "Asia/Shanghai" {
		t.Errorf("location %v", s.FS.Naming.Location)
	}
}

// Zero means zero where zero can work: no retries, no back-off, no kernel
// caching, no caption, no page cap.
func TestZeroMeansZero(t *testing.T) {
	s, err := settingsFrom(t, `
[naming]
max_desc_bytes = 0
[network]
retries = 0
retry_backoff = "0s"
max_pages = 0
[mount]
entry_timeout = "0s"
attr_timeout = "0s"
negative_timeout = "0s"
umask = "0"
uid = 0
`)
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]int64{
		"API retries": int64(s.API.Retries), "media retries": int64(s.Reader.Retries),
		"API back-off": int64(s.API.RetryBackoff), "media back-off": int64(s.Reader.RetryBackoff),
		"entry timeout": int64(s.FS.EntryTimeout), "attr timeout": int64(s.FS.AttrTimeout), "negative timeout": int64(s.FS.NegativeTimeout),
		"max desc bytes": int64(s.FS.Naming.MaxDescBytes), "max pages": int64(s.API.MaxPages), "umask": int64(s.FS.Umask), "uid": int64(s.FS.UID),
	} {
		if v != 0 {
			t.Errorf("%s: %d, want 0", name, v)
		}
	}
}

// Where zero cannot work it is refused, naming the key.
func TestZeroRefused(t *testing.T) {
	for _, kv := range []string{
		"[account]\nuser_agent = \"\"",
		"[cache]\nlisting_ttl = \"0s\"", "[cache]\nmetadata_ttl = \"0s\"", "[cache]\nfeed_ttl = \"0s\"",
		"[cache]\nmemory_budget = 0", "[cache]\nblock_size = 0",
		"[read]\nprefetch_start = 0", "[read]\nparallel_connections = 0",
		"[network]\ntimeout = \"0s\"", "[network]\nrate_limit = 0", "[network]\nrate_burst = 0",
		"[network]\nmax_connections = 0", "[network]\nmax_body = 0", "[network]\npage_size = 0",
		"[network]\nmax_empty_pages = 0", "[mount]\nmax_read = 0",
	} {
		section, kv, _ := strings.Cut(kv, "\n")
		key := strings.Trim(section, "[]") + "." + strings.Fields(kv)[0]
		_, err := settingsFrom(t, section+"\n"+kv+"\n")
		if err == nil || !strings.HasPrefix(err.Error(), "invalid setting "+key+": ") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s = 0: %v", key, err)
		}
	}
}

// retries = 0 in config.toml makes exactly one attempt on the API path and
// on the media path (each request counted on a local stand-in that always
// answers 503).
func TestRetriesZeroIsOneAttempt(t *testing.T) {
	var api, cdn atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/aweme/"):
			api.Add(1)
		case strings.HasPrefix(r.URL.Path, "/media/"):
			cdn.Add(1)
		}
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	var hosts strings.Builder
	for _, o := range options() {
		if name, ok := strings.CutPrefix(o.key, "hosts."); ok {
			hosts.WriteString(name + " = \"" + srv.URL + "\"\n")
		}
	}
	s, err := settingsFrom(t, "[hosts]\n"+hosts.String()+"[network]\nretries = 0\nretry_backoff = \"0s\"\n")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	client, err := fetch.NewClient(s.API)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if _, err := client.UserProfile(ctx, goodSecUID); err == nil {
		t.Fatal("a profile from a host that answers 503")
	}
	blocks, err := cache.NewBlocks(s.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	defer blocks.Close()
	reader, err := media.NewReader(s.Reader, blocks)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	h := reader.Open(&media.Item{Key: "k", URLs: []string{srv.URL + "/media/v.mp4"}, Size: 1 << 20})
	defer h.Close()
	if _, err := h.ReadAt(ctx, make([]byte, 10), 0); err == nil || err == io.EOF {
		t.Fatalf("a read from a CDN that answers 503: %v", err)
	}
	if a, c := api.Load(), cdn.Load(); a != 1 || c != 1 {
		t.Errorf("retries = 0: %d API requests and %d media requests, want 1 and 1", a, c)
	}
}

func TestChecksRefuse(t *testing.T) {
	cases := []struct {
		name, content string
		want          []string
	}{
		{"host", "[hosts]\nsso = \"sso.douyin.com\"", []string{"invalid setting hosts.sso", `"sso.douyin.com" is not an http(s) base URL`}},
		{"cookie and file", "[account]\ncookie = \"a=b\"\ncookie_file = \"/x\"", []string{"both set"}},
		{"cookie newline", "[account]\ncookie = \"a=b\\nc=d\"", []string{"invalid setting account.cookie", "several lines"}},
		{"template", "[naming]\ntemplate = \"{desc}\"", []string{"invalid setting naming.template"}},
		{"negative desc", "[naming]\nmax_desc_bytes = -1", []string{"invalid setting naming.max_desc_bytes: must not be negative"}},
		{"budget", "[cache]\nmemory_budget = 1024", []string{"invalid setting cache.memory_budget"}},
		{"budget under four blocks", "[cache]\nmemory_budget = \"3MiB\"", []string{"fewer than four blocks"}},
		{"prefetch", "[read]\nprefetch_max = 1", []string{"invalid setting read.prefetch_max"}},
		{"quality", "[read]\nvideo_quality = \"4k\"", []string{`invalid setting read.video_quality: "4k" is not best, h264 or smallest`}},
		{"retries", "[network]\nretries = -1", []string{"invalid setting network.retries: must not be negative"}},
		{"back-off", "[network]\nretry_backoff = \"-1s\"", []string{"invalid setting network.retry_backoff: must not be negative"}},
		{"entry timeout", "[mount]\nentry_timeout = \"-1s\"", []string{"invalid setting mount.entry_timeout: must not be negative"}},
		{"uid", "[mount]\nuid = -2", []string{"invalid setting mount.uid", "-2 is not a user or group id"}},
		{"max read", "[mount]\nmax_read = \"2GiB\"", []string{"invalid setting mount.max_read: 2GiB is too large"}},
		{"format", "[log]\nformat = \"xml\"", []string{`invalid setting log.format: "xml" is not text or json`}},
		{"metrics", "[metrics]\naddr = \"0.0.0.0:9101\"", []string{"invalid setting metrics.addr", "refusing a non-loopback address"}},
		{"room", "live_rooms = [\"a/b\"]", []string{`invalid setting live_rooms: "a/b" is not a room id`}},
		{"timeout 1ms", "[network]\ntimeout = \"1ms\"", []string{"network.timeout", "1ms", "at least 1s"}},
		{"block 1 byte", "[cache]\nblock_size = 1", []string{"cache.block_size", "1B", "64KiB to 64MiB"}},
		{"block 64KiB-1", "[cache]\nblock_size = 65535", []string{"cache.block_size", "65535B", "64KiB to 64MiB"}},
		{"block 1GiB", "[cache]\nblock_size = \"1GiB\"\nmemory_budget = \"4GiB\"", []string{"cache.block_size", "1GiB", "64KiB to 64MiB"}},
		{"op timeout under twice the timeout", "[network]\nop_timeout = \"29s\"", []string{"network.op_timeout", "29s", "network.timeout (15s)", "at least 30s"}},
		{"op timeout with a long timeout", "[network]\ntimeout = \"45s\"", []string{"network.op_timeout", "1m", "at least 1m30s"}},
		{"user name", "[[users]]\nname = \"..\"\nsec_user_id = \"x\"", []string{"invalid setting users[0].name"}},
		{"user without id", "[[users]]\nname = \"a\"", []string{"invalid setting users[0]: needs both name and sec_user_id"}},
		{"user twice", "[[users]]\nname = \"a\"\nsec_user_id = \"" + goodSecUID + "\"\n[[users]]\nname = \"a\"\nsec_user_id = \"" + goodSecUID + "\"", []string{"listed twice"}},
		{"sec_user_id not base64", "[[users]]\nname = \"alice\"\nsec_user_id = \"" + goodSecUID + "\"\n[[users]]\nname = \"bob\"\nsec_user_id = \"MS4wLjABAAAAv7iSuuXDJVDvJgmD7T9+pQbfcmpw9T4r/x5rG3YlXyU\"",
			[]string{"users[1].sec_user_id", `"bob"`, "MS4wLjABAAAA"}},
		{"sec_user_id a name", "[[users]]\nname = \"alice\"\nsec_user_id = \"alice\"", []string{"users[0].sec_user_id", `"alice" (user "alice")`}},
		{"sec_user_id too short", "[[users]]\nname = \"dave\"\nsec_user_id = \"MS4wLjABAAAAalice\"", []string{"users[0].sec_user_id", `"dave"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := settingsFrom(t, tc.content+"\n")
			if err == nil {
				t.Fatal("accepted")
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error %q is not one line", msg)
			}
		})
	}
	// The edges are allowed, and op_timeout reaches the tree.
	s, err := settingsFrom(t, `
[[users]]
name = "alice"
sec_user_id = "`+goodSecUID+`"
[[users]]
name = "bob"
sec_user_id = "MS4wLjABAAAANXSltcLCzDGmdNFI2Q_QixVTr67NiYzjKOIP5s03CAE5OCaznf4ihGfC65u0imbLzmBOu"
[cache]
block_size = "64KiB"
[network]
timeout = "1s"
op_timeout = "2s"
`)
	if err != nil {
		t.Fatal(err)
	}
	if s.FS.OpTimeout != 2*time.Second || s.API.Timeout != time.Second || s.Reader.Timeout != time.Second || !slices.ContainsFunc(s.FS.Users, func(u dfs.UserEntry) bool { return u.Name == "bob" }) {
		t.Errorf("op timeout %v, request timeouts %v %v, users %v", s.FS.OpTimeout, s.API.Timeout, s.Reader.Timeout, s.FS.Users)
	}
}

const goodSecUID = "MS4wLjABAAAAv7iSuuXDJVDvJgmD7T9-pQbfcmpw9T4r-x5rG3YlXyU"

func TestParseSize(t *testing.T) {
	good := map[string]byteSize{"64MiB": 64 << 20, "512KiB": 512 << 10, "1GiB": 1 << 30, "100B": 100, "4096": 4096, " 2 MiB ": 2 << 20}
	for in, want := range good {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "1.5MiB", "-1", "64MB", "1 TB", "99999999999GiB"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q): no error", in)
		}
	}
	if s := byteSize(64 << 20).String(); s != "64MiB" {
		t.Errorf("String: %s", s)
	}
}

func TestReadCookie(t *testing.T) {
	s := &settings{}
	s.CookieFile = writeFile(t, "cookie", "Cookie: sessionid=abc; ttwid=1\n", 0o600)
	if err := s.readCookie(); err != nil {
		t.Fatal(err)
	}
	if s.API.Cookie != "sessionid=abc; ttwid=1" || s.Reader.Cookie != s.API.Cookie {
		t.Errorf("cookie %q / %q", s.API.Cookie, s.Reader.Cookie)
	}

	cases := []struct {
		name, content string
		mode          os.FileMode
		want          string
	}{
		{"group readable", "sessionid=secret123", 0o640, "mode 0640): run chmod 600"},
		{"world readable", "sessionid=secret123", 0o604, "open to group or others"},
		{"two lines", "sessionid=secret123\nttwid=secret456\n", 0o600, "several lines"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &settings{CookieFile: writeFile(t, "cookie", tc.content, tc.mode)}
			os.Chmod(s.CookieFile, tc.mode) // whatever the umask
			err := s.readCookie()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the error quotes the cookie: %v", err)
			}
		})
	}
	s = &settings{CookieFile: filepath.Join(t.TempDir(), "none")}
	if err := s.readCookie(); err == nil || !strings.Contains(err.Error(), "douyinfs login") {
		t.Errorf("missing: %v", err)
	}
}

func TestFindConfig(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	if got := findConfig("/x/y.toml", env(nil)); got != "/x/y.toml" {
		t.Errorf("explicit: %s", got)
	}
	xdg := t.TempDir()
	p := filepath.Join(xdg, "douyinfs", "config.toml")
	os.MkdirAll(filepath.Dir(p), 0o755)
	os.WriteFile(p, nil, 0o644)
	if got := findConfig("", env(map[string]string{"XDG_CONFIG_HOME": xdg, "HOME": "/nonexistent"})); got != p {
		t.Errorf("xdg: %s", got)
	}
	home := t.TempDir()
	hp := filepath.Join(home, ".config", "douyinfs", "config.toml")
	os.MkdirAll(filepath.Dir(hp), 0o755)
	os.WriteFile(hp, nil, 0o644)
	if got := findConfig("", env(map[string]string{"HOME": home})); got != hp {
		t.Errorf("home: %s", got)
	}
	want := ""
	if _, err := os.Stat("/etc/douyinfs/config.toml"); err == nil {
		want = "/etc/douyinfs/config.toml"
	}
	if got := findConfig("", env(map[string]string{"HOME": t.TempDir()})); got != want {
		t.Errorf("none: %q, want %q", got, want)
	}
}
