// Package cli tests the built douyinfs binary as a user runs it: as a
// subprocess, against the fake Douyin, on real FUSE mounts.
package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// Built once by TestMain.
var (
	binDir      string // holds douyinfs, first on PATH
	douyinfsBin string
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "douyinfs-cli-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	// Mount tests run helpers as other programs (mount.fuse3 through sh):
	// the directory must be reachable by them.
	os.Chmod(dir, 0o755)
	binDir = dir
	douyinfsBin = filepath.Join(dir, "douyinfs")
	if out, err := goBuild(douyinfsBin, "./cmd/douyinfs"); err != nil {
		fmt.Fprintf(os.Stderr, "building douyinfs: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

func goBuild(out, pkg string, flags ...string) ([]byte, error) {
	args := append([]string{"build", "-o", out}, flags...)
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Dir = "../.." // the module root
	return cmd.CombinedOutput()
}

// result is one finished run of the binary.
type result struct {
	stdout, stderr string
	code           int
}

// run runs douyinfs with args and a private environment (HOME and
// XDG_CONFIG_HOME point at an empty directory, so no user config is read).
func run(t *testing.T, args ...string) result {
	t.Helper()
	return runCmd(t, exec.Command(douyinfsBin, args...))
}

func runCmd(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if cmd.Env == nil {
		cmd.Env = testEnv(t)
	}
	// Nothing here may hang a test run: each command gets a minute.
	cmd.WaitDelay = time.Second
	timer := time.AfterFunc(time.Minute, func() {
		if cmd.Process != nil {
			cmd.Process.Kill()
		}
	})
	defer timer.Stop()
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%s: %v", cmd.Args, err)
	}
	return result{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

// testEnv is the environment of every douyinfs run: no user config, the
// built binaries first on PATH.
func testEnv(t *testing.T) []string {
	home := t.TempDir()
	return []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"PATH=" + binDir + ":" + os.Getenv("PATH"),
		"LANG=C.UTF-8",
	}
}

// oneLineError checks that a failed run printed exactly one line on stderr
// containing want and exited with code.
func (r result) oneLineError(t *testing.T, code int, want string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit status %d, want %d (stderr %q)", r.code, code, r.stderr)
	}
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q does not contain %q", r.stderr, want)
	}
	if n := strings.Count(r.stderr, "\n"); n != 1 {
		t.Errorf("stderr has %d lines, want one: %q", n, r.stderr)
	}
}

func writeFile(t *testing.T, dir, name, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil { // whatever the umask
		t.Fatal(err)
	}
	return p
}

// startFake runs the fake Douyin in this process (douyinfs subprocesses
// reach it on 127.0.0.1) and writes a douyinfs config pointing at it.
func startFake(t *testing.T, change func(*fakedouyin.Options)) (*fakedouyin.Server, string) {
	t.Helper()
	opts := fakedouyin.NewDefault()
	opts.PostsPerUser = 12
	if change != nil {
		change(&opts)
	}
	srv, err := fakedouyin.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	config := filepath.Join(t.TempDir(), "config.toml")
	if err := srv.WriteConfig(config, false); err != nil {
		t.Fatal(err)
	}
	return srv, config
}

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

// requireFUSE skips mount tests where they cannot run.
func requireFUSE(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		missing(t, "SKIP: mount tests need root (run go test as root)")
	}
	if _, err := os.Stat("/dev/fuse"); err != nil {
		missing(t, "SKIP: mount tests need /dev/fuse: %v", err)
	}
	if _, err := exec.LookPath("fusermount3"); err != nil {
		missing(t, "SKIP: mount tests need fusermount3 (apt-get install fuse3)")
	}
}

// mounted reports whether something is mounted exactly at dir.
func mounted(t *testing.T, dir string) bool {
	t.Helper()
	return findMountLine(t, dir) != ""
}

// findMountLine is the mountinfo line of the mount at dir, "" when none.
func findMountLine(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 4 && f[4] == dir {
			return line
		}
	}
	return ""
}

// eventually polls cond every 20ms until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cleanupMount unmounts dir when t ends, however the test ended.
func cleanupMount(t *testing.T, dir string) {
	t.Cleanup(func() {
		if mounted(t, dir) {
			exec.Command("fusermount3", "-u", "-z", dir).Run()
		}
	})
}

// mountProc is a "douyinfs mount" running in the foreground.
type mountProc struct {
	cmd    *exec.Cmd
	dir    string // the mount point
	logs   string // its stderr
	done   chan struct{}
	status int
}

// startMount runs "douyinfs mount ARGS... MOUNTPOINT" and waits until the
// mount is up. Cleanup unmounts and ends the process even if t failed.
func startMount(t *testing.T, args ...string) *mountProc {
	t.Helper()
	requireFUSE(t)
	work := t.TempDir()
	p := &mountProc{dir: filepath.Join(work, "mnt"), logs: filepath.Join(work, "stderr.log"), done: make(chan struct{})}
	if err := os.Mkdir(p.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	logFile, err := os.Create(p.logs)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	p.cmd = exec.Command(douyinfsBin, append(append([]string{"mount"}, args...), p.dir)...)
	p.cmd.Env = testEnv(t)
	p.cmd.Stdout, p.cmd.Stderr = logFile, logFile
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.cmd.Wait()
		p.status = p.cmd.ProcessState.ExitCode()
		close(p.done)
	}()
	cleanupMount(t, p.dir)
	t.Cleanup(func() {
		select {
		case <-p.done:
			return
		default:
		}
		p.cmd.Process.Kill()
		// A daemon killed while one of its own threads waits on its mount
		// (go-fuse checks the fresh mount with a stat) cannot exit until
		// the mount is gone: detach it rather than wait forever.
		for _, detach := range []bool{false, true} {
			if detach {
				exec.Command("fusermount3", "-u", "-z", p.dir).Run()
			}
			select {
			case <-p.done:
				return
			case <-time.After(10 * time.Second):
			}
		}
		t.Errorf("douyinfs mount (pid %d) did not exit after SIGKILL and a lazy unmount", p.cmd.Process.Pid)
	})
	// Ready means in mountinfo and "serving": the mount shows in mountinfo
	// before the daemon has finished its own first look at it (go-fuse
	// opens a file there, douyinfs stats it); an unmount from outside in
	// that window finds it busy, and a kill leaves a thread waiting on the
	// mount. "serving" comes after both.
	serving := func() bool {
		log := p.stderr(t)
		return strings.Contains(log, "msg=serving ") || strings.Contains(log, `"msg":"serving"`)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !mounted(t, p.dir) || !serving() {
		select {
		case <-p.done:
			t.Fatalf("douyinfs mount exited with %d before serving:\n%s", p.status, p.stderr(t))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("not mounted and serving after 30s:\n%s", p.stderr(t))
		}
		time.Sleep(20 * time.Millisecond)
	}
	return p
}

func (p *mountProc) stderr(t *testing.T) string {
	data, err := os.ReadFile(p.logs)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// waitLog waits until the log holds n lines containing text.
func (p *mountProc) waitLog(t *testing.T, text string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(p.stderr(t), text) < n {
		if time.Now().After(deadline) {
			t.Fatalf("log has not %d× %q after 10s:\n%s", n, text, p.stderr(t))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// wait waits for the process to exit and returns its status.
func (p *mountProc) wait(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
		return p.status
	case <-time.After(within):
		t.Fatalf("douyinfs still running %v after the signal:\n%s", within, p.stderr(t))
	}
	return -1
}

func (p *mountProc) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// processesOf lists the pids running the executable at path.
func processesOf(t *testing.T, path string) []int {
	t.Helper()
	want, err := filepath.EvalSymlinks(path)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && exe == want {
			pids = append(pids, pid)
		}
	}
	return pids
}

// nobody runs a command as user and group nobody.
func nobody() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
}
