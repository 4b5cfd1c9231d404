package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The built-in defaults are the values config.toml documents.
func TestDefaultsMatchConfigToml(t *testing.T) {
	got, err := loadConfig("../../config.toml")
	if err != nil {
		t.Fatal(err)
	}
	if want := defaultConfig(); !reflect.DeepEqual(got, want) {
		t.Errorf("config.toml and defaultConfig() differ:\nfile:     %+v\ndefaults: %+v", got, want)
	}
	if _, err := build(got); err != nil {
		t.Fatalf("defaults do not build: %v", err)
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

func TestLoadConfigErrors(t *testing.T) {
	cases := []struct {
		name, content, want string
	}{
		{"unknown key", "[network]\ntimeot = \"5s\"\n", `unknown key network.timeot`},
		{"unknown table", "[netwrk]\ntimeout = \"5s\"\nretries = 2\n", `unknown key netwrk (see`},
		{"two unknown", "bogus = 1\n[mount]\nuidd = 3\n", `unknown keys bogus, mount.uidd`},
		{"syntax", "[network\n", `line 2`},
		{"bad size", "[cache]\nblock_size = \"1MB\"\n", `invalid size "1MB"`},
		{"bare integer duration", "[network]\ntimeout = 15\n", `invalid duration 15`},
		{"bad duration", "[network]\ntimeout = \"15\"\n", `invalid duration "15"`},
		{"wrong type", "[network]\nretries = \"four\"\n", `network.retries`},
		{"bad umask", "[mount]\numask = \"0999\"\n", `invalid umask "0999"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, "config.toml", tc.content, 0o644)
			_, err := loadConfig(p)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || !strings.Contains(msg, p) || strings.Contains(msg, "\n") {
				t.Errorf("error %q: want one line naming %s and containing %q", msg, p, tc.want)
			}
		})
	}
	if _, err := loadConfig(filepath.Join(t.TempDir(), "nope.toml")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := loadConfig(t.TempDir()); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
}

func TestLoadConfigValues(t *testing.T) {
	p := writeFile(t, "config.toml", `
live_rooms = ["775841227732"]
[[users]]
name = "alice"
sec_user_id = "MS4wLjABAAAAv7iSuuXDJVDvJgmD7T9-pQbfcmpw9T4r-x5rG3YlXyU"
[cache]
memory_budget = "1GiB"
block_size = 524288
[network]
timeout = "30s"
rate_limit = 2
[live]
quality = ["HD1"]
[mount]
umask = "0027"
uid = 1000
`, 0o644)
	c, err := loadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	s, err := build(c)
	if err != nil {
		t.Fatal(err)
	}
	if s.Blocks.Budget != 1<<30 || s.Blocks.BlockSize != 512<<10 {
		t.Errorf("sizes: %+v", s.Blocks)
	}
	if s.API.Timeout != 30*time.Second || s.Reader.Timeout != 30*time.Second || s.API.RateLimit != 2 {
		t.Errorf("network: timeout %v rate %v", s.API.Timeout, s.API.RateLimit)
	}
	if len(s.FS.Users) != 1 || s.FS.Users[0].Name != "alice" || s.FS.Users[0].SecUID != "MS4wLjABAAAAv7iSuuXDJVDvJgmD7T9-pQbfcmpw9T4r-x5rG3YlXyU" {
		t.Errorf("users: %+v", s.FS.Users)
	}
	if !reflect.DeepEqual(s.FS.LiveQuality, []string{"HD1"}) || !reflect.DeepEqual(s.FS.LiveRooms, []string{"775841227732"}) {
		t.Errorf("live: %v %v", s.FS.LiveQuality, s.FS.LiveRooms)
	}
	if s.FS.Umask != 0o027 || s.FS.UID != 1000 || s.FS.GID != uint32(os.Getgid()) {
		t.Errorf("mount: umask %#o uid %d gid %d", s.FS.Umask, s.FS.UID, s.FS.GID)
	}
	if s.FS.Naming.Location.String() != "Asia/Shanghai" || s.Reader.Referer != "https://www.douyin.com/" {
		t.Errorf("location %v referer %q", s.FS.Naming.Location, s.Reader.Referer)
	}
}

func TestBuildRejects(t *testing.T) {
	cases := []struct {
		name   string
		change func(c *fileConfig)
		want   string
	}{
		{"signing", func(c *fileConfig) { c.Account.Signing = "md5" }, "account.signing"},
		{"host", func(c *fileConfig) { c.Hosts.SSO = "sso.douyin.com" }, "hosts.sso"},
		{"cookie and file", func(c *fileConfig) { c.Account.Cookie, c.Account.CookieFile = "a=b", "/x" }, "both set"},
		{"cookie newline", func(c *fileConfig) { c.Account.Cookie = "a=b\nc=d" }, "several lines"},
		{"template", func(c *fileConfig) { c.Naming.Template = "{desc}" }, "naming.template"},
		{"zone", func(c *fileConfig) { c.Naming.TimeZone = "Mars/Olympus" }, "naming.time_zone"},
		{"block size", func(c *fileConfig) { c.Cache.BlockSize = 0 }, "cache.block_size"},
		{"budget", func(c *fileConfig) { c.Cache.MemoryBudget = 1024 }, "cache.memory_budget"},
		{"budget under four blocks", func(c *fileConfig) { c.Cache.MemoryBudget = 3 * c.Cache.BlockSize }, "fewer than four blocks"},
		{"prefetch", func(c *fileConfig) { c.Read.PrefetchMax = 1 }, "read.prefetch_max"},
		{"quality", func(c *fileConfig) { c.Read.VideoQuality = "4k" }, "read.video_quality"},
		{"timeout", func(c *fileConfig) { c.Network.Timeout = 0 }, "network.timeout"},
		{"retries", func(c *fileConfig) { c.Network.Retries = -1 }, "network.retries"},
		{"uid", func(c *fileConfig) { c.Mount.UID = -2 }, "mount.uid"},
		{"level", func(c *fileConfig) { c.Log.Level = "loud" }, "log.level"},
		{"format", func(c *fileConfig) { c.Log.Format = "xml" }, "log.format"},
		{"user name", func(c *fileConfig) { c.Users = []userConfig{{Name: "..", SecUserID: "x"}} }, "users[0].name"},
		{"user twice", func(c *fileConfig) { c.Users = []userConfig{{"a", goodSecUID}, {"a", goodSecUID}} }, "listed twice"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := defaultConfig()
			tc.change(c)
			_, err := build(c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

const goodSecUID = "MS4wLjABAAAAv7iSuuXDJVDvJgmD7T9-pQbfcmpw9T4r-x5rG3YlXyU"

// Values that parse but cannot work are refused with one line naming the
// key, the value and what is allowed.
func TestBuildRejectsUnworkable(t *testing.T) {
	cases := []struct {
		name   string
		change func(c *fileConfig)
		want   []string
	}{
		{"timeout 1ms", func(c *fileConfig) { c.Network.Timeout = duration(time.Millisecond) }, []string{"network.timeout", "1ms", "at least 1s"}},
		{"block 1 byte", func(c *fileConfig) { c.Cache.BlockSize = 1 }, []string{"cache.block_size", "1B", "64KiB to 64MiB"}},
		{"block 64KiB-1", func(c *fileConfig) { c.Cache.BlockSize = 64<<10 - 1 }, []string{"cache.block_size", "65535B", "64KiB to 64MiB"}},
		{"block 1GiB", func(c *fileConfig) { c.Cache.BlockSize = 1 << 30; c.Cache.MemoryBudget = 4 << 30 }, []string{"cache.block_size", "1GiB", "64KiB to 64MiB"}},
		{"op timeout under twice the timeout", func(c *fileConfig) { c.Network.OpTimeout = duration(29 * time.Second) }, []string{"network.op_timeout", "29s", "network.timeout (15s)", "at least 30s"}},
		{"op timeout with a long timeout", func(c *fileConfig) { c.Network.Timeout = duration(45 * time.Second) }, []string{"network.op_timeout", "1m0s", "at least 1m30s"}},
		{"sec_user_id not base64", func(c *fileConfig) {
			c.Users = []userConfig{{"alice", goodSecUID}, {"bob", "MS4wLjABAAAAv7iSuuXDJVDvJgmD7T9+pQbfcmpw9T4r/x5rG3YlXyU"}}
		}, []string{"users[1].sec_user_id", `"bob"`, "MS4wLjABAAAA"}},
		{"sec_user_id a name", func(c *fileConfig) { c.Users = []userConfig{{"alice", "alice"}} }, []string{"users[0].sec_user_id", `"alice" (user "alice")`}},
		{"sec_user_id without the prefix", func(c *fileConfig) { c.Users = []userConfig{{"carol", goodSecUID[12:] + "AAAAAAAAAAAA"}} }, []string{"users[0].sec_user_id", `"carol"`}},
		{"sec_user_id too short", func(c *fileConfig) { c.Users = []userConfig{{"dave", "MS4wLjABAAAAalice"}} }, []string{"users[0].sec_user_id", `"dave"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := defaultConfig()
			tc.change(c)
			_, err := build(c)
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
	c := defaultConfig()
	c.Network.Timeout, c.Network.OpTimeout, c.Cache.BlockSize = duration(time.Second), duration(2*time.Second), 64<<10
	c.Users = []userConfig{{"alice", goodSecUID}, {"bob", "MS4wLjABAAAANXSltcLCzDGmdNFI2Q_QixVTr67NiYzjKOIP5s03CAE5OCaznf4ihGfC65u0imbLzmBOu"}}
	s, err := build(c)
	if err != nil {
		t.Fatal(err)
	}
	if s.FS.OpTimeout != 2*time.Second || s.API.Timeout != time.Second || s.Reader.Timeout != time.Second {
		t.Errorf("op timeout %v, request timeouts %v %v", s.FS.OpTimeout, s.API.Timeout, s.Reader.Timeout)
	}
}

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
