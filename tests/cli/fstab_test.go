package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// newMountPoint makes an empty directory to mount on, unmounted again when
// t ends, and waits then for the background douyinfs to exit.
func newMountPoint(t *testing.T) string {
	t.Helper()
	requireFUSE(t)
	dir := filepath.Join(t.TempDir(), "mnt")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cleanupMount(t, dir)
	return dir
}

// umountAndWaitDaemon unmounts dir as a user would and checks that the
// background douyinfs serving it exits.
func umountAndWaitDaemon(t *testing.T, dir string) {
	t.Helper()
	if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
		t.Fatalf("umount: %v %s", err, out)
	}
	eventually(t, 15*time.Second, "the background douyinfs exits after umount", func() bool {
		return len(processesOf(t, douyinfsBin)) == 0
	})
}

// mount.fuse3 (what mount(8) runs for type fuse.douyinfs) starts
// "douyinfs SOURCE MOUNTPOINT -o OPTIONS" from PATH and waits for it: the
// mount must be up the moment it returns.
func TestMountFuse3TypeLine(t *testing.T) {
	mnt := newMountPoint(t)
	cmd := exec.Command("mount.fuse3", "douyin", mnt, "-t", "fuse.douyinfs",
		"-o", "config="+offlineConfig(t)+",ro,allow_other,nofail,_netdev,x-systemd.automount,x-systemd.mount-timeout=30")
	r := runCmd(t, cmd)
	if r.code != 0 {
		t.Fatalf("mount.fuse3: %d %q %q", r.code, r.stdout, r.stderr)
	}
	line := mountLine(t, mnt) // no polling: mounted before mount.fuse3 returned
	if !strings.Contains(line, " - fuse.douyinfs douyin ") || !strings.Contains(line, "allow_other") {
		t.Errorf("mountinfo: %s", line)
	}
	readReadme(t, mnt)
	umountAndWaitDaemon(t, mnt)
}

// An fstab line through mount(8) itself. mount(8) runs helpers with a
// fixed PATH, so the test uses the "fuse" type whose source names the
// program by absolute path ("/path/douyinfs#douyin"); the fuse.douyinfs
// type line needs douyinfs installed in /usr/local/bin, /usr/bin or /bin.
func TestMountFstabLine(t *testing.T) {
	mnt := newMountPoint(t)
	fstab := writeFile(t, t.TempDir(), "fstab",
		douyinfsBin+"#douyin "+mnt+" fuse config="+offlineConfig(t)+",ro,allow_other,defaults,nofail,_netdev,noauto,x-systemd.automount 0 0\n", 0o644)
	r := runCmd(t, exec.Command("mount", "--fstab", fstab, mnt))
	if r.code != 0 {
		t.Fatalf("mount --fstab: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if line := mountLine(t, mnt); !strings.Contains(line, " ro,") || !strings.Contains(line, "fuse.douyinfs douyin") {
		t.Errorf("mountinfo: %s", line)
	}
	readReadme(t, mnt)
	umountAndWaitDaemon(t, mnt)
}

// A failure in the background process reaches mount(8)'s caller as one
// line, with a non-zero status, and nothing stays mounted or running.
func TestMountFstabErrors(t *testing.T) {
	mnt := newMountPoint(t)
	dir := t.TempDir()
	badCookie := writeFile(t, dir, "cookie", "sessionid=NOT-THIS-ONE", 0o644)
	cases := []struct {
		name, opts, want string
	}{
		// mount(8) passes rw when the options do not say ro.
		{"rw", "config=" + offlineConfig(t), "douyinfs is read-only; use ro"},
		{"bad cookie file", "config=" + offlineConfig(t) + ",ro,cookie_file=" + badCookie, "is open to group or others (mode 0644)"},
		{"unknown option", "config=" + offlineConfig(t) + ",ro,fast", `unknown mount option "fast"`},
		{"missing config", "config=" + filepath.Join(dir, "none.toml") + ",ro", "does not exist"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, exec.Command("mount", "-t", "fuse", "-o", tc.opts, douyinfsBin+"#douyin", mnt))
			if r.code == 0 || !strings.Contains(r.stderr, tc.want) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("status %d, stderr %q; want non-zero and one line with %q", r.code, r.stderr, tc.want)
			}
			if mounted(t, mnt) {
				t.Error("mounted anyway")
			}
			if pids := processesOf(t, douyinfsBin); len(pids) > 0 {
				t.Errorf("douyinfs still running: %v", pids)
			}
		})
	}
	// The same failure directly, with a busy mount point.
	p := startMount(t, "--config", offlineConfig(t))
	runCmd(t, exec.Command(douyinfsBin, "douyin", p.dir, "-o", "ro,config="+offlineConfig(t))).oneLineError(t, 1, "is busy")
}
