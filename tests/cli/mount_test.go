package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// offlineConfig points every host at a closed local port: tests that need
// no Douyin data can never send traffic anywhere.
func offlineConfig(t *testing.T) string {
	t.Helper()
	const host = "http://127.0.0.1:9"
	return writeFile(t, t.TempDir(), "config.toml", `[hosts]
www = "`+host+`"
live = "`+host+`"
webcast = "`+host+`"
mstoken = "`+host+`"
ttwid = "`+host+`"
webid = "`+host+`"
short_link = "`+host+`"
sso = "`+host+`"
`, 0o644)
}

func readReadme(t *testing.T, mnt string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(mnt, "README.txt"))
	if err != nil || !strings.Contains(string(data), "douyinfs") {
		t.Fatalf("README.txt: %v %.80q", err, data)
	}
}

func TestMountStopsOnSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			p := startMount(t, "--config", offlineConfig(t))
			readReadme(t, p.dir)
			p.signal(t, sig)
			if status := p.wait(t, 15*time.Second); status != 0 {
				t.Errorf("exit status %d:\n%s", status, p.stderr(t))
			}
			if mounted(t, p.dir) {
				t.Error("still mounted after exit")
			}
		})
	}
}

// With a file open, the unmount is busy: douyinfs detaches lazily and still
// exits 0, and the mount point is gone for everybody at once.
func TestUnmountWithOpenFile(t *testing.T) {
	p := startMount(t, "--config", offlineConfig(t))
	f, err := os.Open(filepath.Join(p.dir, "README.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dir, err := os.Open(filepath.Join(p.dir, "users"))
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	p.signal(t, syscall.SIGTERM)
	if status := p.wait(t, 20*time.Second); status != 0 {
		t.Errorf("exit status %d:\n%s", status, p.stderr(t))
	}
	if mounted(t, p.dir) {
		t.Error("still mounted")
	}
	if !strings.Contains(p.stderr(t), "lazily") {
		t.Errorf("expected a lazy unmount with a file open:\n%s", p.stderr(t))
	}
}

func TestUnmountFromOutside(t *testing.T) {
	p := startMount(t, "--config", offlineConfig(t))
	if out, err := exec.Command("fusermount3", "-u", p.dir).CombinedOutput(); err != nil {
		t.Fatalf("fusermount3 -u: %v %s", err, out)
	}
	if status := p.wait(t, 15*time.Second); status != 0 {
		t.Errorf("exit status %d:\n%s", status, p.stderr(t))
	}
}

func TestSIGHUPKeepsServing(t *testing.T) {
	p := startMount(t, "--config", offlineConfig(t))
	// One at a time: the kernel merges a signal sent while the same one
	// is still pending.
	for n := 1; n <= 2; n++ {
		p.signal(t, syscall.SIGHUP)
		p.waitLog(t, "dropped cached listings and metadata", n)
	}
	select {
	case <-p.done:
		t.Fatalf("exited on SIGHUP:\n%s", p.stderr(t))
	default:
	}
	readReadme(t, p.dir)
	p.signal(t, syscall.SIGTERM)
	if status := p.wait(t, 15*time.Second); status != 0 {
		t.Errorf("exit status %d", status)
	}
}

func TestBusyMountPoint(t *testing.T) {
	cfg := offlineConfig(t)
	p := startMount(t, "--config", cfg)
	run(t, "mount", "--config", cfg, p.dir).oneLineError(t, 1,
		"mount point "+p.dir+" is busy: a fuse.douyinfs file system is already mounted there")
	readReadme(t, p.dir) // the first mount is untouched
}

// The mount options and flags reach the mount: read-only, owner, modes.
func TestMountOptionsApplied(t *testing.T) {
	p := startMount(t, "--config", offlineConfig(t), "-o", "ro,uid=1234,gid=4321,umask=027,allow_other,fsname=dytest,nofail,x-systemd.automount")
	fi, err := os.Stat(filepath.Join(p.dir, "README.txt"))
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if st.Uid != 1234 || st.Gid != 4321 || fi.Mode().Perm() != 0o440 {
		t.Errorf("README.txt: uid %d gid %d mode %v", st.Uid, st.Gid, fi.Mode().Perm())
	}
	line := mountLine(t, p.dir)
	for _, want := range []string{" ro,", "fuse.douyinfs dytest ", "allow_other"} {
		if !strings.Contains(line, want) {
			t.Errorf("mountinfo %q lacks %q", line, want)
		}
	}
	if err := os.WriteFile(filepath.Join(p.dir, "new.txt"), nil, 0o644); err == nil {
		t.Error("created a file on a read-only mount")
	}
}

// mountLine is the mountinfo line of the mount at dir.
func mountLine(t *testing.T, dir string) string {
	t.Helper()
	if line := findMountLine(t, dir); line != "" {
		return line
	}
	t.Fatalf("%s is not mounted", dir)
	return ""
}
