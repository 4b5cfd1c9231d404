package mount_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	dfs "github.com/douyinfs/douyinfs/fs"
)

// xattrRequests is how many getxattr and listxattr requests reached
// douyinfs (stats.json fs.xattr_requests).
func (e *env) xattrRequests() int64 {
	e.t.Helper()
	b, err := os.ReadFile(e.path(".douyinfs", "stats.json"))
	if err != nil {
		e.t.Fatal(err)
	}
	var s struct {
		FS struct {
			XattrRequests *int64 `json:"xattr_requests"`
		} `json:"fs"`
	}
	if err := json.Unmarshal(b, &s); err != nil || s.FS.XattrRequests == nil {
		e.t.Fatalf("stats.json fs.xattr_requests: %v\n%s", err, b)
	}
	return *s.FS.XattrRequests
}

// With mount.xattrs off (the default) there are no user.douyin.*
// attributes, the kernel stops sending xattr requests after douyinfs's first
// ENOSYS, so ls -l costs no xattr round trips, and the metadata is in the
// .json sidecars.
func TestXattrsOff(t *testing.T) {
	requireTool(t, "getfattr")
	e := start(t, setup{tweak: func(c *dfs.Config) { c.Naming.SidecarJSON = true }})
	u := e.world.Users[0]
	posts := e.path("users", u.Name, "posts")
	p := e.world.RealVideoPost()
	video := filepath.Join(posts, e.postEntry(posts, p))
	img := filepath.Join(posts, e.postEntry(posts, e.world.RealImagePost()))
	if n := e.xattrRequests(); n != 0 {
		t.Fatalf("xattr_requests = %d before any xattr call", n)
	}

	out, errOut, err := e.try("getfattr", "-d", "-m", "-", video)
	if strings.Contains(out, "user.douyin") {
		t.Errorf("getfattr -d shows %q", out)
	}
	if err == nil || !strings.Contains(errOut, "Operation not supported") {
		t.Errorf("getfattr -d: %v, stderr %q; want Operation not supported", err, errOut)
	}

	// Every call fails at once; at most one getxattr and one listxattr
	// ever reach douyinfs. (The kernel may answer a POSIX ACL name
	// ENODATA, "no ACL", instead.)
	entries, err := readDirNames(posts)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 256)
	for _, name := range entries {
		f := filepath.Join(posts, name)
		for _, attr := range []string{"user.douyin.id", "security.selinux", "system.posix_acl_access"} {
			_, err := syscall.Getxattr(f, attr, buf)
			acl := strings.HasPrefix(attr, "system.posix_acl") && errors.Is(err, syscall.ENODATA)
			if !errors.Is(err, syscall.EOPNOTSUPP) && !acl {
				t.Fatalf("getxattr %s %s: %v, want EOPNOTSUPP", name, attr, err)
			}
		}
		if _, err := syscall.Listxattr(f, buf); !errors.Is(err, syscall.EOPNOTSUPP) {
			t.Fatalf("listxattr %s: %v, want EOPNOTSUPP", name, err)
		}
	}
	e.run("ls", "-l", posts, img)
	if n := e.xattrRequests(); n > 2 {
		t.Errorf("%d xattr requests reached douyinfs for %d entries; the kernel should stop after ENOSYS", n, len(entries))
	}

	// The sidecar has what the attributes would have said.
	var meta struct {
		ID   string `json:"aweme_id"`
		Desc string `json:"desc"`
	}
	base := strings.TrimSuffix(video, ".mp4")
	if err := json.Unmarshal([]byte(e.run("cat", base+".json")), &meta); err != nil {
		t.Fatal(err)
	}
	if meta.ID != p.AwemeID || meta.Desc != p.Desc {
		t.Errorf("sidecar id %q desc %q, want %q %q", meta.ID, meta.Desc, p.AwemeID, p.Desc)
	}
}

// With mount.xattrs on, getfattr shows user.douyin.*, and ls -l asks
// douyinfs about every entry: the cost the option is there to avoid.
func TestXattrsOn(t *testing.T) {
	requireTool(t, "getfattr")
	e := start(t, setup{tweak: func(c *dfs.Config) { c.Xattrs = true }})
	u := e.world.Users[0]
	posts := e.path("users", u.Name, "posts")
	p := e.world.RealVideoPost()
	video := filepath.Join(posts, e.postEntry(posts, p))

	out := e.run("getfattr", "-d", "-m", "user.douyin", video)
	if !strings.Contains(out, `user.douyin.id="`+p.AwemeID+`"`) {
		t.Errorf("getfattr -d = %q, lacks user.douyin.id", out)
	}

	entries, err := readDirNames(posts)
	if err != nil {
		t.Fatal(err)
	}
	before := e.xattrRequests()
	e.run("ls", "-l", posts)
	if n := e.xattrRequests() - before; n < int64(len(entries)) {
		t.Errorf("ls -l of %d entries made %d xattr requests; want one or more each", len(entries), n)
	}
}
