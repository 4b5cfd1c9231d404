// Package mount_test mounts douyinfs on the fake Douyin in-process and checks
// the tree with real programs (ls, stat, find, cat, dd, ffprobe, rsync, cp).
// It needs root and /dev/fuse; without them every test is skipped.
package mount_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/cache"
	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
	dfs "github.com/douyinfs/douyinfs/fs"
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// missing skips a test whose prerequisite this machine lacks, saying what
// and how to get it; under CI (CI set, as .ci/run sets it) it fails instead,
// so that coverage cannot vanish silently.
func missing(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("CI: "+format, args...)
	}
	t.Skipf(format, args...)
}

// requireFUSE skips the test, saying why, when this machine cannot mount.
func requireFUSE(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		missing(t, "mount tests need root (FUSE mounts with allow_other and rsync/ffprobe as any user)")
	}
	if _, err := os.Stat("/dev/fuse"); err != nil {
		missing(t, "mount tests need /dev/fuse: %v", err)
	}
	if _, err := exec.LookPath("fusermount3"); err != nil {
		if _, err := exec.LookPath("fusermount"); err != nil {
			missing(t, "mount tests need fusermount3 (apt-get install fuse3)")
		}
	}
}

// requireTool skips when a program the test drives is missing.
func requireTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		missing(t, "%s is not installed (apt-get install %s)", name, name)
	}
}

// env is one fake world mounted in a temporary directory.
type env struct {
	t      *testing.T
	fake   *fakedouyin.Server
	world  *fakedouyin.World
	client *fetch.Client
	srv    *dfs.Server
	cfg    dfs.Config
	deps   dfs.Deps
	mnt    string
}

type setup struct {
	opts  fakedouyin.Options
	login bool
	tweak func(*dfs.Config)
	// net, when set, changes the API client's and media reader's settings.
	net func(*fetch.Config, *media.Config)
	// budget is the media cache's byte budget; 0 = 64 MiB.
	budget int64
	// live, when set, changes the live stream client's settings.
	live func(*media.LiveConfig)
}

func defaultOptions() fakedouyin.Options {
	o := fakedouyin.NewDefault()
	o.Users = 3
	o.PostsPerUser = 30
	// Most tests read whole posts lists without a login cookie; Douyin
	// (and the fake by default) shows a guest only the first page, which
	// guest_test.go tests.
	o.GuestAllPages = true
	return o
}

// start starts a fake Douyin and mounts douyinfs on it. Everything is
// undone in t.Cleanup, the unmount first, even when the test fails.
func start(t *testing.T, s setup) *env {
	t.Helper()
	requireFUSE(t)
	if s.opts.Users == 0 {
		s.opts = defaultOptions()
	}
	fake, err := fakedouyin.Start(s.opts)
	if err != nil {
		t.Fatalf("starting the fake Douyin: %v", err)
	}
	t.Cleanup(func() { fake.Close() })
	e := &env{t: t, fake: fake, world: fake.World()}

	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	url := fake.URL()
	cookie := ""
	if s.login {
		cookie = e.world.LoginCookie
	}
	// The defaults, on the fake, with quicker retries, no real rate limit
	// and a smaller read-ahead.
	apiCfg := fetch.DefaultConfig()
	apiCfg.Hosts = fetch.Hosts{WWW: url, Live: url, Webcast: url, MsToken: url, TTWID: url, WebID: url, ShortLink: url + "/v", SSO: url}
	apiCfg.Cookie, apiCfg.Logger = cookie, logger
	apiCfg.Timeout, apiCfg.Retries, apiCfg.RetryBackoff = 10*time.Second, 2, 20*time.Millisecond
	apiCfg.RateLimit, apiCfg.RateBurst = 1000, 1000
	readerCfg := media.DefaultConfig()
	readerCfg.PrefetchMax = 8 << 20
	readerCfg.Timeout, readerCfg.Retries, readerCfg.RetryBackoff = 10*time.Second, 2, 20*time.Millisecond
	readerCfg.Referer, readerCfg.Cookie, readerCfg.Logger = url+"/", cookie, logger
	if s.net != nil {
		s.net(&apiCfg, &readerCfg)
	}
	e.client, err = fetch.NewClient(apiCfg)
	if err != nil {
		t.Fatalf("fetch.NewClient: %v", err)
	}
	t.Cleanup(e.client.Close)
	if s.budget == 0 {
		s.budget = 64 << 20
	}
	blocksCfg := cache.DefaultConfig()
	blocksCfg.Budget = s.budget
	blocks, err := cache.NewBlocks(blocksCfg)
	if err != nil {
		t.Fatalf("cache.NewBlocks: %v", err)
	}
	t.Cleanup(blocks.Close)
	reader, err := media.NewReader(readerCfg, blocks)
	if err != nil {
		t.Fatalf("media.NewReader: %v", err)
	}
	t.Cleanup(reader.Close)
	liveCfg := media.DefaultLiveConfig()
	liveCfg.UserAgent, liveCfg.Referer, liveCfg.Timeout, liveCfg.Logger = apiCfg.UserAgent, url+"/", apiCfg.Timeout, logger
	if s.live != nil {
		s.live(&liveCfg)
	}
	live, err := media.NewLive(liveCfg)
	if err != nil {
		t.Fatalf("media.NewLive: %v", err)
	}
	t.Cleanup(live.Close)

	e.cfg = dfs.DefaultConfig()
	e.cfg.OpTimeout = 15 * time.Second
	for _, u := range e.world.Users {
		e.cfg.Users = append(e.cfg.Users, dfs.UserEntry{Name: u.Name, SecUID: u.SecUID})
	}
	for _, r := range e.world.Rooms {
		e.cfg.LiveRooms = append(e.cfg.LiveRooms, r.WebRID)
	}
	if s.tweak != nil {
		s.tweak(&e.cfg)
	}
	e.deps = dfs.Deps{API: e.client, Media: reader, Live: live, Blocks: blocks, Logger: logger}
	e.mnt = t.TempDir()
	e.mount()
	return e
}

// mount mounts (again) at e.mnt and registers the unmount.
func (e *env) mount() {
	t := e.t
	t.Helper()
	srv, err := dfs.Mount(e.mnt, e.cfg, e.deps)
	if err != nil {
		t.Fatalf("fs.Mount: %v", err)
	}
	e.srv = srv
	mnt := e.mnt
	t.Cleanup(func() { unmount(t, srv, mnt) })
}

// unmount unmounts, falling back to a lazy fusermount3 so that a failed
// test never leaves a mount behind.
func unmount(t *testing.T, srv *dfs.Server, mnt string) {
	if !mounted(mnt) {
		return
	}
	if err := srv.Unmount(); err != nil {
		t.Logf("unmount %s: %v; trying fusermount3 -u -z", mnt, err)
	}
	if mounted(mnt) {
		if out, err := exec.Command("fusermount3", "-u", "-z", mnt).CombinedOutput(); err != nil {
			t.Errorf("fusermount3 -u -z %s: %v: %s", mnt, err, out)
		}
	}
}

// remount unmounts and mounts the same tree again, as after a restart.
func (e *env) remount() {
	e.t.Helper()
	if err := e.srv.Unmount(); err != nil {
		e.t.Fatalf("unmount: %v", err)
	}
	e.mount()
}

func mounted(mnt string) bool {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && f[4] == mnt {
			return true
		}
	}
	return false
}

func (e *env) path(rel ...string) string {
	return filepath.Join(append([]string{e.mnt}, rel...)...)
}

// run runs a program with a deadline and returns its stdout; it fails the
// test on a non-zero exit.
func (e *env) run(name string, args ...string) string {
	e.t.Helper()
	out, errOut, err := e.try(name, args...)
	if err != nil {
		e.t.Fatalf("%s %s: %v\nstderr: %s", name, strings.Join(args, " "), err, errOut)
	}
	return out
}

// try runs a program with a deadline and returns stdout, stderr and the error.
func (e *env) try(name string, args ...string) (string, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

// sh runs a shell pipeline (for `cat x | sha256sum`).
func (e *env) sh(script string) string {
	e.t.Helper()
	return e.run("bash", "-o", "pipefail", "-c", script)
}

// apiCalls is the number of API requests the fake has answered (media bytes,
// live streams and the token hosts not counted).
func (e *env) apiCalls() int64 {
	var n int64
	for path, c := range e.fake.Stats().Requests {
		if strings.HasPrefix(path, "/aweme/") || strings.HasPrefix(path, "/webcast/") {
			n += c
		}
	}
	return n
}

func (e *env) requests() map[string]int64 { return e.fake.Stats().Requests }

// mediaSHA256 is the hash of the exact bytes the fake's CDN serves.
func mediaSHA256(t *testing.T, m *fakedouyin.Media) string {
	t.Helper()
	h := sha256.New()
	buf := make([]byte, 1<<20)
	for off := int64(0); off < m.Size; {
		n, err := m.ReadAt(buf[:min(int64(len(buf)), m.Size-off)], off)
		h.Write(buf[:n])
		off += int64(n)
		if err != nil && off < m.Size {
			t.Fatalf("reading fake media %s: %v", m.ID, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// findEntry returns the one name in dir ending with suffix.
func (e *env) findEntry(dir, suffix string) string {
	e.t.Helper()
	names, err := readDirNames(dir)
	if err != nil {
		e.t.Fatalf("listing %s: %v", dir, err)
	}
	var found []string
	for _, n := range names {
		if strings.HasSuffix(n, suffix) {
			found = append(found, n)
		}
	}
	if len(found) != 1 {
		e.t.Fatalf("%s: %d entries end with %q: %v", dir, len(found), suffix, found)
	}
	return found[0]
}

// readDirNames lists a directory through `ls -1a` so the reading happens in
// another process (the kernel then talks to this process's FUSE server).
func readDirNames(dir string) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ls", "-1", "-A", "--quoting-style=literal", dir).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("ls %s: %v: %s", dir, err, ee.Stderr)
		}
		return nil, err
	}
	s := strings.TrimSuffix(string(out), "\n")
	if s == "" {
		return nil, nil
	}
	return strings.Split(s, "\n"), nil
}

// errnoOf extracts the errno of a failed syscall.
func errnoOf(err error) syscall.Errno {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno
	}
	return 0
}

// testWriter sends log lines to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}
