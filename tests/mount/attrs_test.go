package mount_test

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"testing"

	dfs "github.com/douyinfs/douyinfs/fs"
)

// stat gives the same inode, size and mtime after a remount, for post
// files, pictures, music and folders.
func TestStatStableAcrossRemount(t *testing.T) {
	e := start(t, setup{})
	u := e.world.Users[0]
	posts := e.path("users", u.Name, "posts")
	img := e.postEntry(posts, e.world.RealImagePost())
	paths := []string{
		posts + "/" + e.postEntry(posts, e.world.RealVideoPost()),
		posts + "/" + e.postEntry(posts, e.world.MoovAtEndPost()),
		posts + "/" + img,
		posts + "/" + img + "/01.jpeg",
		posts + "/" + img + "/music.mp3",
		e.path("users", u.Name, "posts"),
		e.path("users", u.Name),
	}
	statAll := func() string {
		return e.run("stat", append([]string{"-c", "%i %s %Y %n"}, paths...)...)
	}
	before := statAll()
	e.remount()
	after := statAll()
	// Directories without a Douyin time carry the mount time: compare
	// inode numbers for them, everything for post entries.
	bl, al := strings.Split(strings.TrimSpace(before), "\n"), strings.Split(strings.TrimSpace(after), "\n")
	if len(bl) != len(paths) || len(al) != len(paths) {
		t.Fatalf("stat output:\n%s\n%s", before, after)
	}
	for i := range paths {
		b, a := bl[i], al[i]
		if i >= 5 {
			b, a = strings.Fields(b)[0], strings.Fields(a)[0]
		}
		if b != a {
			t.Errorf("after remount %q became %q", bl[i], al[i])
		}
	}
}

// Attributes: mode from the umask, owner from the config, mtime is the
// post's create_time, size is exact.
func TestAttributes(t *testing.T) {
	e := start(t, setup{tweak: func(c *dfs.Config) { c.UID, c.GID, c.Umask = 1234, 5678, 0o027 }})
	u := e.world.Users[0]
	posts := e.path("users", u.Name, "posts")
	p := e.world.RealVideoPost()
	img := e.world.RealImagePost()
	out := e.run("stat", "-c", "%f %a %u %g %s %Y", posts+"/"+e.postEntry(posts, p))
	// Before any open the size is data_size, which the fake's real
	// videos get wrong (TestWrongDataSize checks the CDN's after open).
	want := fmt.Sprintf("8120 440 1234 5678 %d %d\n", e.fake.DataSize(p.Video), p.CreateTime)
	if out != want {
		t.Errorf("stat video = %q, want %q", out, want)
	}
	out = e.run("stat", "-c", "%F %a %Y", posts+"/"+e.postEntry(posts, img))
	if want := fmt.Sprintf("directory 550 %d\n", img.CreateTime); out != want {
		t.Errorf("stat image post = %q, want %q", out, want)
	}
	out = e.run("stat", "-c", "%s", posts+"/"+e.postEntry(posts, img)+"/01.jpeg")
	if n, _ := strconv.ParseInt(strings.TrimSpace(out), 10, 64); n != img.Images[0].Size {
		t.Errorf("01.jpeg size = %s, want %d", out, img.Images[0].Size)
	}
}

// Extended attributes (mount.xattrs on) are answered from memory.
func TestXattrs(t *testing.T) {
	e := start(t, setup{tweak: func(c *dfs.Config) { c.Xattrs = true }})
	u := e.world.Users[0]
	posts := e.path("users", u.Name, "posts")
	p := e.world.RealVideoPost()
	file := posts + "/" + e.postEntry(posts, p)
	before := e.apiCalls()

	buf := make([]byte, 4096)
	n, err := syscall.Listxattr(file, buf)
	if err != nil {
		t.Fatalf("listxattr: %v", err)
	}
	names := strings.Split(strings.TrimSuffix(string(buf[:n]), "\x00"), "\x00")
	for _, want := range []string{"user.douyin.id", "user.douyin.desc", "user.douyin.author", "user.douyin.url"} {
		if !strings.Contains(strings.Join(names, ","), want) {
			t.Errorf("listxattr = %v, lacks %s", names, want)
		}
	}
	get := func(name string) string {
		n, err := syscall.Getxattr(file, name, buf)
		if err != nil {
			t.Fatalf("getxattr %s: %v", name, err)
		}
		return string(buf[:n])
	}
	if got := get("user.douyin.id"); got != p.AwemeID {
		t.Errorf("user.douyin.id = %q, want %q", got, p.AwemeID)
	}
	if got := get("user.douyin.desc"); got != p.Desc {
		t.Errorf("user.douyin.desc = %q, want %q", got, p.Desc)
	}
	if got := get("user.douyin.author"); got != u.Nickname {
		t.Errorf("user.douyin.author = %q, want %q", got, u.Nickname)
	}
	if got := get("user.douyin.url"); !strings.Contains(got, p.AwemeID) {
		t.Errorf("user.douyin.url = %q, want a link to %s", got, p.AwemeID)
	}
	if got := e.apiCalls() - before; got != 0 {
		t.Errorf("reading xattrs made %d API calls", got)
	}
}
