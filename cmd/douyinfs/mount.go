package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/douyinfs/douyinfs/cache"
	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
	dfs "github.com/douyinfs/douyinfs/fs"
	"github.com/moby/sys/mountinfo"
)

const mountAbout = `Mount Douyin at MOUNTPOINT and serve it in the foreground until SIGINT or
SIGTERM, which unmount (lazily when files are still open) and exit 0.
SIGHUP drops the cached listings and metadata and re-reads the cookie file,
which is also checked every account.cookie_watch. Flags override the config
file.`

// mountArgs are the flags of "douyinfs mount" and of the mount.fuse3 form.
type mountArgs struct {
	*cmdFlags
	logFile string
	fsName  string
}

func newMountArgs(name, usage string) *mountArgs {
	f := newCmdFlags(name, usage, mountAbout)
	f.addConfig("cookie-file", "signing", "cache-budget", "block-size", "prefetch-max", "video-quality",
		"listing-ttl", "timeout", "op-timeout", "retries", "rate-limit", "proxy", "media-proxy", "allow-other", "uid", "gid", "umask", "xattrs", "debug",
		"log-level", "log-format", "metrics-addr")
	m := &mountArgs{cmdFlags: f}
	f.set.StringVar(&m.logFile, "log-file", "", "append log lines to `FILE` instead of stderr")
	f.set.Var(mountOptions{set: f.set, fsName: &m.fsName}, "o",
		"mount `OPTIONS`, comma-separated: ro, allow_other, uid=N, gid=N, umask=M, config=FILE, fsname=NAME, "+
			"or any flag above as name=value (metrics_addr=..., log_file=...); "+
			"fstab options (defaults, nofail, _netdev, noauto, user, x-systemd.*) and generic mount flags are ignored; rw is refused")
	return m
}

// mountCmd is "douyinfs mount": foreground, for a terminal or systemd.
func (c *cli) mountCmd(args []string) int {
	m := newMountArgs("mount", "douyinfs mount [flags] MOUNTPOINT")
	pos, done, status := c.parse(m.cmdFlags, args)
	if done {
		return status
	}
	if len(pos) != 1 {
		return c.usageError(m.cmdFlags, "give exactly one MOUNTPOINT")
	}
	if m.fsName == "" {
		m.fsName = "douyinfs"
	}
	if err := c.serve(m, pos[0], nil); err != nil {
		return c.fail(err)
	}
	return 0
}

// readyFDEnv names the descriptor on which a background mount process
// reports to its parent: "ok" once mounted, else the error.
const readyFDEnv = "DOUYINFS_READY_FD"

// helperName names the flag set of the mount.fuse3 form.
const helperName = "douyinfs"

// helperCmd is the form mount.fuse3 runs for an fstab line of type
// fuse.douyinfs: "douyinfs SOURCE MOUNTPOINT -o OPTIONS". mount(8) waits for
// it, so it mounts in a background copy of itself and returns once the
// mount is up (or with that copy's error).
func (c *cli) helperCmd(args []string) int {
	m := newMountArgs(helperName, "douyinfs SOURCE MOUNTPOINT [-o OPTIONS] [flags]")
	pos, done, status := c.parse(m.cmdFlags, args)
	if done {
		return status
	}
	if len(pos) != 2 {
		return c.usageError(m.cmdFlags, fmt.Sprintf("unknown command %q (want mount, login, resolve, version, or SOURCE MOUNTPOINT -o OPTIONS)", args[0]))
	}
	if m.fsName == "" {
		m.fsName = pos[0] // the fstab source shows in /proc/mounts, as with any file system
	}
	if fd := c.getenv(readyFDEnv); fd != "" {
		return c.backgroundChild(m, pos[1], fd)
	}
	if err := c.daemonize(args); err != nil {
		return c.fail(err)
	}
	return 0
}

// daemonize starts this program again in its own session with the same
// arguments and waits until it reports the mount up or failed.
func (c *cli) daemonize(args []string) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("cannot find own executable to start the background mount: %w", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("cannot start the background mount: %w", err)
	}
	defer r.Close()
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), readyFDEnv+"=3")
	cmd.ExtraFiles = []*os.File{w} // fd 3 in the child
	// Its own session: the terminal's hangup or Ctrl-C must not reach the
	// daemon. Stdin, stdout and stderr are /dev/null (use -o log_file=).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		return fmt.Errorf("cannot start the background mount: %w", err)
	}
	w.Close() // only the child holds the write end now: EOF means it is gone

	// fs.Mount is bounded by its own timeouts; this only keeps a broken
	// child from hanging mount(8) (and a boot) forever.
	r.SetReadDeadline(time.Now().Add(2 * time.Minute))
	msg, readErr := io.ReadAll(io.LimitReader(r, 4096))
	report := strings.TrimSpace(string(msg))
	if report == "ok" {
		return cmd.Process.Release()
	}
	if readErr != nil {
		cmd.Process.Kill()
	}
	waitErr := cmd.Wait()
	if report != "" {
		return errors.New(report)
	}
	if readErr != nil {
		return fmt.Errorf("the background mount did not report within 2 minutes: %w", readErr)
	}
	return fmt.Errorf("the background mount exited before mounting (%v)", waitErr)
}

// backgroundChild is the daemonized copy: it mounts and serves, reporting
// to the parent through the inherited descriptor.
func (c *cli) backgroundChild(m *mountArgs, mountpoint, fdText string) int {
	fd, err := strconv.Atoi(fdText)
	if err != nil || fd < 3 {
		return c.fail(fmt.Errorf("bad %s=%q", readyFDEnv, fdText))
	}
	// Not inherited by anything we run (fusermount3 may stay behind as a
	// watcher): the parent must see EOF when we are done reporting.
	syscall.CloseOnExec(fd)
	ready := os.NewFile(uintptr(fd), "ready")
	defer ready.Close()
	err = c.serve(m, mountpoint, func() {
		io.WriteString(ready, "ok\n")
		ready.Close()
	})
	if err != nil {
		// Before the mount: the parent prints it. After: nobody reads the
		// pipe any more; the log has it.
		io.WriteString(ready, oneLine(err.Error())+"\n")
		return c.fail(err)
	}
	return 0
}

// serve mounts, calls mounted (if not nil) once the kernel serves the tree,
// and returns when the tree is unmounted: by a signal or from outside.
func (c *cli) serve(m *mountArgs, mountpoint string, mounted func()) error {
	// Signals are caught from the start: a SIGTERM during start-up must
	// still end in a clean unmount, not a dead mount point.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)

	s, err := m.load(c.getenv)
	if err != nil {
		return err
	}
	s.FS.FSName = m.fsName
	mnt, err := checkMountpoint(mountpoint)
	if err != nil {
		return err
	}
	// Taken before the read: a change after it is a change the watcher
	// must see, however late the watcher starts.
	cookieID := identify(s.CookieFile)
	if err := s.readCookie(); err != nil {
		return err
	}
	logOut := c.stderr
	if m.logFile != "" {
		f, err := os.OpenFile(m.logFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("cannot open log file: %w", err)
		}
		defer f.Close()
		logOut = f
	}
	logger, logSecrets := newSecretLogger(logOut, s.LogLevel, s.LogFormat, s.API.Cookie)
	var metrics *metricsServer
	if s.MetricsAddr != "" {
		// Listen before mounting so a taken port fails the start, not later.
		if metrics, err = listenMetrics(s.MetricsAddr, logger); err != nil {
			return err
		}
		defer metrics.Close()
	}

	s.API.Logger = logger.With("part", "fetch")
	s.Reader.Logger = logger.With("part", "media")
	client, err := fetch.NewClient(s.API)
	if err != nil {
		return fmt.Errorf("cannot start the Douyin client: %w", err)
	}
	defer client.Close()
	// Media buffers are most of the heap and all live inside the budget;
	// a soft limit just above it makes the Go runtime collect and return
	// the rest to the OS instead of letting the heap double (GOGC) past
	// what the user asked for. A GOMEMLIMIT set by the user wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(s.Blocks.Budget + memoryHeadroom)
	}
	blocks, err := cache.NewBlocks(s.Blocks)
	if err != nil {
		return fmt.Errorf("cannot set up the block cache: %w", err)
	}
	defer blocks.Close()
	reader, err := media.NewReader(s.Reader, blocks)
	if err != nil {
		return fmt.Errorf("cannot set up the media reader: %w", err)
	}
	defer reader.Close()
	// Live streams have their own connections and limit, never the ones
	// API and media requests (network.max_connections) need.
	liveCfg := media.DefaultLiveConfig()
	liveCfg.UserAgent, liveCfg.Referer, liveCfg.Timeout = s.Reader.UserAgent, s.Reader.Referer, s.API.Timeout
	liveCfg.Logger = logger.With("part", "live")
	liveCfg.Proxy = s.Reader.Proxy
	live, err := media.NewLive(liveCfg)
	if err != nil {
		return fmt.Errorf("cannot set up the live stream client: %w", err)
	}
	defer live.Close()

	srv, err := dfs.Mount(mnt, s.FS, dfs.Deps{API: client, Media: reader, Live: live, Blocks: blocks, Logger: logger.With("part", "fs")})
	if err != nil {
		return fmt.Errorf("cannot mount %s: %w", mnt, err)
	}
	// Said before "serving", so that whoever waits for that line has it.
	if !client.LoggedIn() {
		logger.Warn("no login cookie: me/ is absent, and Douyin may show a guest only the first page of a user's posts (set account.cookie_file)")
	}
	logger.Info("serving", "mountpoint", mnt, "users", len(s.FS.Users), "logged_in", client.LoggedIn())
	if metrics != nil {
		metrics.serve(srv)
	}
	if mounted != nil {
		mounted()
	}

	unmounted := make(chan struct{})
	go func() {
		srv.Wait()
		close(unmounted)
	}()
	cookies := &cookieReloader{s: *s, current: s.API.Cookie, secrets: logSecrets, log: logger, loggedIn: client.LoggedIn,
		apply: func(cookie string) error {
			if err := client.SetCookie(cookie); err != nil {
				return err
			}
			reader.SetCookie(cookie)
			return nil
		}}
	cookieChanged := make(chan struct{})
	if s.CookieFile != "" && s.CookieWatch > 0 {
		ctx, stopWatch := context.WithCancel(context.Background())
		defer stopWatch()
		go watchCookieFile(ctx, s.CookieFile, cookieID, s.CookieWatch, cookieChanged)
		logger.Debug("watching the cookie file", "cookie_file", s.CookieFile, "every", s.CookieWatch)
	}
	for {
		select {
		case <-unmounted:
			logger.Info("unmounted from outside", "mountpoint", mnt)
			return nil
		case <-cookieChanged:
			cookies.reload("cookie file changed")
		case sig := <-sigs:
			if sig == syscall.SIGHUP {
				srv.DropCaches()
				logger.Info("dropped cached listings and metadata", "signal", "SIGHUP")
				if s.CookieFile != "" {
					cookies.reload("SIGHUP")
				}
				continue
			}
			logger.Info("unmounting", "mountpoint", mnt, "signal", sig.String())
			return unmount(srv, mnt, unmounted, sigs, logger)
		}
	}
}

// unmountGrace bounds how long a clean unmount may take before the mount
// point is detached lazily; settleGrace how long a finished unmount may
// take to let the last operations end.
const (
	unmountGrace = 5 * time.Second
	settleGrace  = time.Second
)

// unmount unmounts cleanly if it can; with files still open it detaches the
// mount point lazily, so that the process can exit 0 and the mount point is
// gone for everybody (open files then fail, as after any lazy unmount).
func unmount(srv *dfs.Server, mnt string, unmounted <-chan struct{}, sigs <-chan os.Signal, logger *slog.Logger) error {
	result := make(chan error, 1)
	go func() { result <- srv.Unmount() }()
	timer := time.NewTimer(unmountGrace)
	defer timer.Stop()
	select {
	case err := <-result:
		if err != nil {
			logger.Warn("unmount failed, detaching the mount point lazily", "mountpoint", mnt, "err", err)
			break
		}
		// Unmount detaches lazily itself when busy; then the kernel keeps
		// the connection until the open files close, and Wait with it.
		select {
		case <-unmounted:
			logger.Info("unmounted", "mountpoint", mnt)
		case <-time.After(settleGrace):
			logger.Info("unmounted lazily: files were still open; they stop working as douyinfs exits", "mountpoint", mnt)
		}
		return nil
	case <-timer.C:
		logger.Warn("unmount is slow, detaching the mount point lazily", "mountpoint", mnt)
	case sig := <-sigs:
		logger.Warn("second signal, detaching the mount point lazily", "signal", sig.String())
	}
	if _, mounted, _ := mountedAt(mnt); !mounted {
		return nil
	}
	if err := detach(mnt); err != nil {
		return fmt.Errorf("cannot unmount %s: %v (try fusermount3 -u -z %s)", mnt, err, mnt)
	}
	logger.Info("detached lazily", "mountpoint", mnt)
	return nil
}

// detach is a lazy unmount (umount -l): directly as root, else through the
// setuid fusermount3 helper.
func detach(mnt string) error {
	if os.Geteuid() == 0 {
		return syscall.Unmount(mnt, syscall.MNT_DETACH)
	}
	for _, bin := range []string{"fusermount3", "fusermount"} {
		path, err := exec.LookPath(bin)
		if err != nil {
			continue
		}
		out, err := exec.Command(path, "-u", "-z", mnt).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %s", bin, oneLine(string(out)))
		}
		return nil
	}
	return errors.New("fusermount3 not found")
}

// checkMountpoint returns the absolute, symlink-free path of dir if a mount
// can go there, else an error that says what is wrong and what to do.
func checkMountpoint(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("mount point %s: %w", dir, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("mount point %s does not exist (create it with mkdir -p %s)", abs, abs)
	case errors.Is(err, syscall.ENOTCONN):
		return "", fmt.Errorf("mount point %s is a dead FUSE mount (transport endpoint is not connected): run fusermount3 -u %s", abs, abs)
	case err != nil:
		return "", fmt.Errorf("mount point: %w", err)
	case !fi.IsDir():
		return "", fmt.Errorf("mount point %s is not a directory", abs)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("mount point: %w", err)
	}
	fsType, mounted, err := mountedAt(real)
	if err != nil {
		return "", err
	}
	if mounted {
		return "", fmt.Errorf("mount point %s is busy: a %s file system is already mounted there (unmount it first: fusermount3 -u %s)", real, fsType, real)
	}
	return real, nil
}

// mountedAt reports whether something is mounted exactly at dir, and the
// file system type of the last mount there (the visible one).
func mountedAt(dir string) (fsType string, mounted bool, err error) {
	mounts, err := mountinfo.GetMounts(func(m *mountinfo.Info) (skip, stop bool) {
		return m.Mountpoint != dir, false
	})
	if err != nil {
		return "", false, fmt.Errorf("cannot list mounts: %w", err)
	}
	if len(mounts) == 0 {
		return "", false, nil
	}
	return mounts[len(mounts)-1].FSType, true, nil
}

// memoryHeadroom is what the process may use beyond the media budget:
// FUSE request buffers, HTTP buffers, listings and metadata.
const memoryHeadroom = 48 << 20
