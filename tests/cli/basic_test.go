package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	r := run(t, "version")
	if r.code != 0 || r.stdout != "douyinfs dev\n"+runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH+"\n" {
		t.Errorf("version: %d %q %q", r.code, r.stdout, r.stderr)
	}
	stamped := filepath.Join(t.TempDir(), "douyinfs")
	if out, err := goBuild(stamped, "./cmd/douyinfs", "-ldflags", "-X main.version=v1.2.3-test"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	r = runCmd(t, exec.Command(stamped, "--version"))
	if r.code != 0 || !strings.HasPrefix(r.stdout, "douyinfs v1.2.3-test\n") {
		t.Errorf("stamped: %d %q", r.code, r.stdout)
	}
}

func TestHelp(t *testing.T) {
	flags := map[string][]string{
		"mount": {"-config", "-o", "-cookie-file", "-signing", "-cache-budget", "-block-size", "-timeout", "-rate-limit",
			"-allow-other", "-uid", "-gid", "-umask", "-debug", "-log-level", "-log-format", "-metrics-addr", "-log-file"},
		"login":   {"-config", "-cookie-file", "-poll-interval", "-wait", "-log-level", "-log-format"},
		"resolve": {"-config", "-timeout", "-log-level", "-log-format"},
		"version": {},
	}
	for cmd, want := range flags {
		r := run(t, cmd, "--help")
		if r.code != 0 || !strings.HasPrefix(r.stdout, "usage: douyinfs "+cmd) {
			t.Errorf("%s --help: %d %q %q", cmd, r.code, r.stdout, r.stderr)
		}
		for _, f := range want {
			if !strings.Contains(r.stdout, "\n  "+f+" ") && !strings.Contains(r.stdout, "\n  "+f+"\n") {
				t.Errorf("%s --help lacks %s", cmd, f)
			}
		}
	}
	if r := run(t, "--help"); r.code != 0 || !strings.Contains(r.stdout, "douyinfs SOURCE MOUNTPOINT -o OPTIONS") {
		t.Errorf("top-level help: %d %q", r.code, r.stdout)
	}
}

// Each bad input to mount gets one line naming the problem and a non-zero
// exit, before anything is mounted.
func TestMountBadInputs(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.toml", "[network]\ntimeout = \"5s\"\n", 0o644)
	mnt := filepath.Join(dir, "mnt")
	os.Mkdir(mnt, 0o755)
	openCookie := writeFile(t, dir, "cookie-open", "sessionid=NOT-THIS-ONE", 0o644)
	groupCookie := writeFile(t, dir, "cookie-group", "sessionid=NOT-THIS-ONE", 0o640)

	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"missing mount point", []string{"--config", good, filepath.Join(dir, "nope")}, 1,
			"mount point " + filepath.Join(dir, "nope") + " does not exist"},
		{"mount point is a file", []string{"--config", good, good}, 1, "is not a directory"},
		{"missing config", []string{"--config", filepath.Join(dir, "none.toml"), mnt}, 1,
			"config file " + filepath.Join(dir, "none.toml") + " does not exist"},
		{"config is a directory", []string{"--config", dir, mnt}, 1, "cannot read config file: read " + dir + ": is a directory"},
		{"unknown key", []string{"--config", writeFile(t, dir, "typo.toml", "[cache]\nblock_sise = \"1MiB\"\n", 0o644), mnt}, 1,
			"unknown key cache.block_sise"},
		{"syntax error", []string{"--config", writeFile(t, dir, "syntax.toml", "[cache\n", 0o644), mnt}, 1, "syntax.toml: line"},
		{"bad value", []string{"--config", writeFile(t, dir, "value.toml", "[read]\nvideo_quality = \"8k\"\n", 0o644), mnt}, 1,
			`invalid setting read.video_quality: "8k"`},
		{"cookie file readable by others", []string{"--config", good, "--cookie-file", openCookie, mnt}, 1,
			"cookie file " + openCookie + " is open to group or others (mode 0644): run chmod 600"},
		{"cookie file readable by group", []string{"--config", good, "-o", "cookie_file=" + groupCookie, mnt}, 1, "(mode 0640)"},
		{"missing cookie file", []string{"--config", good, "--cookie-file", filepath.Join(dir, "nocookie"), mnt}, 1, "run douyinfs login"},
		{"rw", []string{"--config", good, "-o", "rw", mnt}, 2, "douyinfs is read-only"},
		{"unknown option", []string{"--config", good, "-o", "ro,turbo", mnt}, 2, `unknown mount option "turbo"`},
		{"bad flag value", []string{"--config", good, "--cache-budget", "lots", mnt}, 2, `invalid size "lots"`},
		{"non-loopback metrics", []string{"--config", good, "--metrics-addr", "0.0.0.0:9101", mnt}, 1, "refusing a non-loopback address"},
		{"two mount points", []string{"--config", good, mnt, mnt}, 2, "give exactly one MOUNTPOINT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, append([]string{"mount"}, tc.args...)...)
			r.oneLineError(t, tc.code, tc.want)
			if strings.Contains(r.stderr, "NOT-THIS-ONE") {
				t.Errorf("the cookie is in the message: %q", r.stderr)
			}
		})
	}
}

// A config file the user running douyinfs may not read: as root every file
// is readable, so run as nobody.
func TestMountUnreadableConfig(t *testing.T) {
	if os.Geteuid() != 0 {
		missing(t, "SKIP: needs root to run douyinfs as another user")
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	cfg := writeFile(t, dir, "secret.toml", "", 0o600)
	cmd := exec.Command(douyinfsBin, "mount", "--config", cfg, dir)
	cmd.SysProcAttr = nobody()
	runCmd(t, cmd).oneLineError(t, 1, "cannot read config file: open "+cfg+": permission denied")
}

// Without --config, the file under $XDG_CONFIG_HOME is read (its error
// names it), then ~/.config.
func TestConfigDiscovery(t *testing.T) {
	for _, useXDG := range []bool{true, false} {
		home := t.TempDir()
		base := filepath.Join(home, ".config")
		env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
		if useXDG {
			base = filepath.Join(t.TempDir(), "xdg")
			env = append(env, "XDG_CONFIG_HOME="+base)
		}
		os.MkdirAll(filepath.Join(base, "douyinfs"), 0o755)
		cfg := writeFile(t, filepath.Join(base, "douyinfs"), "config.toml", "[mount]\nallow_others = true\n", 0o644)
		cmd := exec.Command(douyinfsBin, "mount", t.TempDir())
		cmd.Env = env
		runCmd(t, cmd).oneLineError(t, 1, "config file "+cfg+": unknown key mount.allow_others")
	}
}

func TestUnknownCommand(t *testing.T) {
	run(t, "frobnicate").oneLineError(t, 2, `unknown command "frobnicate"`)
	run(t, "--frobnicate").oneLineError(t, 2, "unknown flag --frobnicate")
}

func TestResolveNeedsInput(t *testing.T) {
	run(t, "resolve").oneLineError(t, 2, "give at least one URL")
}
