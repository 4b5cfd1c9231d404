package mount_test

import (
	"os"
	"strings"
	"syscall"
	"testing"
)

// Every write fails with EROFS: through the shell tools people use, and
// through the system calls themselves.
func TestWritesFailReadOnly(t *testing.T) {
	e := start(t, setup{})
	u := e.world.Users[0]
	posts := e.path("users", u.Name, "posts")
	video := posts + "/" + e.postEntry(posts, e.world.RealVideoPost())
	profile := e.path("users", u.Name, "profile.json")

	for _, script := range []string{
		"echo x > '" + profile + "'",
		"echo x >> '" + video + "'",
		"mkdir '" + posts + "/new'",
		"rm -f '" + video + "'",
		"touch '" + video + "'",
		"touch '" + posts + "/new-file'",
		"mv '" + video + "' '" + posts + "/renamed.mp4'",
		"ln -s x '" + posts + "/link'",
		"ln '" + video + "' '" + posts + "/hard'",
		"chmod 777 '" + video + "'",
		"rmdir '" + posts + "'",
		"truncate -s 0 '" + video + "'",
	} {
		_, stderr, err := e.try("bash", "-c", script)
		if err == nil {
			t.Errorf("%s: succeeded on a read-only mount", script)
			continue
		}
		if !strings.Contains(stderr, "Read-only file system") {
			t.Errorf("%s: %q, want \"Read-only file system\"", script, strings.TrimSpace(stderr))
		}
	}

	for name, op := range map[string]func() error{
		"open O_WRONLY": func() error {
			f, err := os.OpenFile(video, os.O_WRONLY, 0)
			if err == nil {
				f.Close()
			}
			return err
		},
		"open O_RDWR": func() error {
			f, err := os.OpenFile(profile, os.O_RDWR, 0)
			if err == nil {
				f.Close()
			}
			return err
		},
		"create":   func() error { return syscall.Mknod(posts+"/node", syscall.S_IFREG|0o644, 0) },
		"mkdir":    func() error { return syscall.Mkdir(posts+"/d", 0o755) },
		"unlink":   func() error { return syscall.Unlink(video) },
		"rmdir":    func() error { return syscall.Rmdir(posts) },
		"rename":   func() error { return syscall.Rename(video, posts+"/x.mp4") },
		"link":     func() error { return syscall.Link(video, posts+"/l.mp4") },
		"symlink":  func() error { return syscall.Symlink("x", posts+"/s") },
		"setxattr": func() error { return syscall.Setxattr(video, "user.x", []byte("1"), 0) },
		"removexattr": func() error {
			return syscall.Removexattr(video, "user.douyin.id")
		},
		"truncate": func() error { return syscall.Truncate(video, 0) },
		"utimes":   func() error { return syscall.UtimesNano(video, make([]syscall.Timespec, 2)) },
	} {
		if err := op(); errnoOf(err) != syscall.EROFS {
			t.Errorf("%s: %v, want EROFS", name, err)
		}
	}
}
