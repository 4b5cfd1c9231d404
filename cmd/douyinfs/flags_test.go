package main

import (
	"bytes"
	"flag"
	"strings"
	"testing"
	"time"
)

func noEnv(string) string { return "" }

// parseMount parses mount arguments the way the mount command does and
// loads the result over an empty config file.
func parseMount(t *testing.T, args ...string) (*mountArgs, []string, *settings, error) {
	t.Helper()
	m := newMountArgs("mount", "")
	pos, err := m.parse(args)
	if err != nil {
		return m, pos, nil, err
	}
	if m.configPath == "" {
		m.configPath = writeFile(t, "config.toml", "", 0o644)
	}
	s, err := m.load(noEnv)
	return m, pos, s, err
}

func TestFstabOptions(t *testing.T) {
	cfg := writeFile(t, "config.toml", "[network]\ntimeout = \"30s\"\n", 0o644)
	// What mount(8) and mount.fuse3 pass for an fstab line with
	// "config=...,allow_other,ro,defaults,nofail,_netdev,x-systemd.automount,noauto,user".
	m, pos, s, err := parseMount(t, "douyin", "/mnt/douyin", "-o",
		"ro,noexec,nosuid,nodev,config="+cfg+",allow_other,uid=1000,gid=100,umask=027,x-systemd.automount,dev,suid",
		"-o", "defaults,nofail,_netdev,noauto,user,comment=x,fsname=dy,cache_budget=1GiB,metrics_addr=127.0.0.1:9101")
	if err != nil {
		t.Fatal(err)
	}
	if len(pos) != 2 || pos[0] != "douyin" || pos[1] != "/mnt/douyin" {
		t.Errorf("positional: %q", pos)
	}
	if m.configPath != cfg || m.fsName != "dy" || s.MetricsAddr != "127.0.0.1:9101" {
		t.Errorf("config %q fsname %q metrics %q", m.configPath, m.fsName, s.MetricsAddr)
	}
	if !s.FS.AllowOther || s.FS.UID != 1000 || s.FS.GID != 100 || s.FS.Umask != 0o027 || s.Blocks.Budget != 1<<30 {
		t.Errorf("settings: allow_other %v uid %d gid %d umask %#o budget %d", s.FS.AllowOther, s.FS.UID, s.FS.GID, s.FS.Umask, s.Blocks.Budget)
	}
	if s.API.Timeout != 30*time.Second {
		t.Errorf("the file's timeout was lost: %v", s.API.Timeout)
	}

	bad := []struct{ opts, want string }{
		{"rw", "douyinfs is read-only"},
		{"ro,bogus", `unknown mount option "bogus"`},
		{"uid", "needs a value"},
		{"uid=abc", `"abc" is not a whole number`},
		{"umask=99", "invalid umask"},
		{"allow_other=maybe", "not true or false"},
		{"o=ro", "unknown mount option"},
	}
	for _, b := range bad {
		_, _, _, err := parseMount(t, "/mnt", "-o", b.opts)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("-o %s: got %v, want %q", b.opts, err, b.want)
		}
	}
}

// Flags override the file, in command-line order, wherever they appear.
func TestFlagsOverrideFile(t *testing.T) {
	cfg := writeFile(t, "config.toml", "[network]\ntimeout = \"30s\"\nretries = 2\n[cache]\nblock_size = \"2MiB\"\n[log]\nlevel = \"warn\"\n", 0o644)
	_, pos, s, err := parseMount(t, "--config", cfg, "--timeout", "5s", "/mnt/x", "--block-size=512KiB", "-o", "uid=7", "--uid", "8", "--log-level", "debug")
	if err != nil {
		t.Fatal(err)
	}
	if len(pos) != 1 || pos[0] != "/mnt/x" {
		t.Errorf("positional %q", pos)
	}
	if s.API.Timeout != 5*time.Second || s.API.Retries != 2 || s.Blocks.BlockSize != 512<<10 || s.FS.UID != 8 || s.LogLevel.String() != "DEBUG" {
		t.Errorf("timeout %v retries %d block %d uid %d level %v", s.API.Timeout, s.API.Retries, s.Blocks.BlockSize, s.FS.UID, s.LogLevel)
	}
	// --op-timeout and -o op_timeout reach the tree; too short is refused.
	if _, _, s, err := parseMount(t, "--timeout", "2s", "--op-timeout", "10s", "/mnt"); err != nil || s.FS.OpTimeout != 10*time.Second || s.API.Timeout != 2*time.Second {
		t.Errorf("--op-timeout: %v %+v", err, s)
	}
	if _, _, s, err := parseMount(t, "-o", "timeout=2s,op_timeout=20s", "/mnt"); err != nil || s.FS.OpTimeout != 20*time.Second {
		t.Errorf("-o op_timeout: %v %+v", err, s)
	}
	if _, _, _, err := parseMount(t, "--op-timeout", "20s", "/mnt"); err == nil || !strings.Contains(err.Error(), "network.op_timeout") {
		t.Errorf("--op-timeout under twice the timeout: %v", err)
	}
	_, pos, _, err = parseMount(t, "--", "-weird-dir")
	if err != nil || len(pos) != 1 || pos[0] != "-weird-dir" {
		t.Errorf("after --: %q %v", pos, err)
	}
	if _, _, _, err := parseMount(t, "--timeout", "soon", "/mnt"); err == nil || !strings.Contains(err.Error(), `invalid duration "soon"`) {
		t.Errorf("bad flag value: %v", err)
	}
	// A cookie file on the command line replaces an inline cookie.
	cfg = writeFile(t, "config.toml", "[account]\ncookie = \"a=b\"\n", 0o644)
	if _, _, s, err := parseMount(t, "--config", cfg, "--cookie-file", "/x/cookie", "/mnt"); err != nil || s.CookieFile != "/x/cookie" || s.API.Cookie != "" {
		t.Errorf("cookie-file: %v %+v", err, s)
	}
}

// --help of every subcommand lists every flag it accepts.
func TestHelpListsEveryFlag(t *testing.T) {
	var lo loginOptions
	commands := map[string]*cmdFlags{
		"mount":   newMountArgs("mount", "").cmdFlags,
		"login":   newLoginFlags(&lo),
		"resolve": newResolveFlags(),
		"version": newVersionFlags(),
	}
	for name, f := range commands {
		var out, errOut bytes.Buffer
		c := &cli{stdout: &out, stderr: &errOut, getenv: noEnv}
		if status := c.run([]string{name, "--help"}); status != 0 {
			t.Errorf("%s --help: status %d, stderr %q", name, status, errOut.String())
		}
		if !strings.HasPrefix(out.String(), "usage: douyinfs") {
			t.Errorf("%s --help: %q", name, out.String())
		}
		f.set.VisitAll(func(fl *flag.Flag) {
			if !strings.Contains(out.String(), "  -"+fl.Name+" ") && !strings.Contains(out.String(), "  -"+fl.Name+"\n") {
				t.Errorf("%s --help does not list -%s", name, fl.Name)
			}
		})
	}
}

// A flag's --help line shows the option's help, key and default, from the
// table.
func TestHelpShowsKeysAndDefaults(t *testing.T) {
	var out bytes.Buffer
	c := &cli{stdout: &out, stderr: &out, getenv: noEnv}
	c.run([]string{"mount", "--help"})
	for _, want := range []string{
		"retries of a request that failed transiently, N (0: one attempt) (config: network.retries; default 4)",
		"(config: cache.memory_budget; default 512MiB)",
		"(config: network.op_timeout; default 1m)",
		"(config: mount.uid; default -1)",
		"(config: mount.umask; default 0022)",
		"(config: account.signing; default a_bogus)",
		"(config: metrics.addr)",
		"(config: mount.allow_other)",
	} {
		if !strings.Contains(strings.Join(strings.Fields(out.String()), " "), want) {
			t.Errorf("mount --help lacks %q", want)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	cases := []struct {
		args   []string
		status int
		want   string
	}{
		{nil, 2, "usage:"},
		{[]string{"--bogus"}, 2, "unknown flag --bogus"},
		{[]string{"mount"}, 2, "give exactly one MOUNTPOINT"},
		{[]string{"mount", "--nope", "/mnt"}, 2, "flag provided but not defined: -nope"},
		{[]string{"resolve"}, 2, "give at least one URL"},
		{[]string{"version", "x"}, 2, "takes no arguments"},
		{[]string{"onlyone"}, 2, `unknown command "onlyone"`},
		{[]string{"mount", "--metrics-addr", "0.0.0.0:9101", "--config", "/nonexistent/douyinfs.toml", "/mnt"}, 1, "config file /nonexistent/douyinfs.toml does not exist"},
	}
	for _, tc := range cases {
		var out, errOut bytes.Buffer
		c := &cli{stdout: &out, stderr: &errOut, getenv: noEnv}
		status := c.run(tc.args)
		if status != tc.status || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%q: status %d stderr %q; want %d and %q", tc.args, status, errOut.String(), tc.status, tc.want)
		}
		if tc.args != nil && strings.Count(errOut.String(), "\n") != 1 {
			t.Errorf("%q: want one line on stderr, got %q", tc.args, errOut.String())
		}
	}
}
