package mount_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// Mounting and listing users/ costs no API call: the names come from the
// configuration.
func TestMountAndListUsersCostNothing(t *testing.T) {
	e := start(t, setup{})
	before := e.apiCalls()
	out := e.run("ls", "-l", e.path("users"))
	for _, u := range e.world.Users {
		if !strings.Contains(out, u.Name) {
			t.Errorf("ls -l users/ does not show %s:\n%s", u.Name, out)
		}
	}
	e.run("ls", "-l", e.mnt)
	if got := e.apiCalls() - before; got != 0 {
		t.Errorf("mount + ls users/ made %d API calls, want 0: %v", got, e.requests())
	}
}

// postEntry finds the entry of post p in dir: "<name>_<id>.mp4" for a video,
// the folder "<name>_<id>" for an image post.
func (e *env) postEntry(dir string, p *fakedouyin.Post) string {
	e.t.Helper()
	if p.Type == 68 {
		return e.findEntry(dir, "_"+p.AwemeID)
	}
	return e.findEntry(dir, "_"+p.AwemeID+".mp4")
}

// Every kind of directory lists with `ls -l` (which stats every entry).
func TestListEveryKindOfDirectory(t *testing.T) {
	e := start(t, setup{login: true})
	w := e.world
	u := w.Users[0]
	real := w.RealImagePost()
	var mix *fakedouyin.Mix
	for _, m := range u.Mixes {
		mix = m
		break
	}
	if mix == nil {
		t.Fatal("the fake's first user has no mix")
	}
	living := w.LivingRoom()
	// Reach the lookup-only directories first, so they list what was used.
	e.run("stat", e.path("videos", w.RealVideoPost().AwemeID+".mp4"))
	e.run("stat", e.path("mixes", mix.ID))

	want := map[string][]string{
		"":                                      {"README.txt", "users", "videos", "mixes", "live", "me", ".douyinfs"},
		"users":                                 {u.Name},
		filepath.Join("users", u.Name):          {"profile.json", "avatar.jpeg", "posts", "likes", "mixes"},
		filepath.Join("users", u.Name, "posts"): {"_" + real.AwemeID},
		filepath.Join("users", u.Name, "likes"): nil,
		filepath.Join("users", u.Name, "mixes"): {fsName(mix.Name)},
		filepath.Join("users", u.Name, "mixes", fsName(mix.Name)): {"_" + mix.Posts[0].AwemeID},
		"videos":                             {w.RealVideoPost().AwemeID + ".mp4"},
		filepath.Join("mixes", mix.ID):       {"_" + mix.Posts[0].AwemeID},
		"mixes":                              {mix.ID},
		"live":                               {living.WebRID},
		filepath.Join("live", living.WebRID): {"room.json", "stream.flv"},
		"me":                                 {"collection", "collects", "feed"},
		filepath.Join("me", "collection"):    {"_" + w.Me.Favorites[0].AwemeID},
		filepath.Join("me", "collects"):      {fsName(w.Me.Folders[0].Name)},
		filepath.Join("me", "feed"):          nil,
		".douyinfs":                          {"stats.json"},
	}
	imageDir := filepath.Join("users", u.Name, "posts", e.postEntry(e.path("users", u.Name, "posts"), real))
	want[imageDir] = []string{"01.jpeg", "02.jpeg", "music.mp3"}
	if len(w.Me.Folders[0].Posts) > 0 {
		want[filepath.Join("me", "collects", fsName(w.Me.Folders[0].Name))] = []string{"_" + w.Me.Folders[0].Posts[0].AwemeID}
	}
	for dir, names := range want {
		out := e.run("ls", "-l", "-a", e.path(dir))
		for _, n := range names {
			if !strings.Contains(out, n) {
				t.Errorf("ls -l %s does not show %q:\n%s", dir, n, out)
			}
		}
		if strings.Contains(out, "?") && !strings.Contains(dir, "users") {
			t.Errorf("ls -l %s shows entries it cannot stat:\n%s", dir, out)
		}
	}
}

// fsName is how a mix or folder title appears as a name (the fake's titles
// are plain; only '/' needs replacing).
func fsName(title string) string { return strings.ReplaceAll(title, "/", "_") }

// Without a login cookie there is no me/.
func TestMeAbsentForGuests(t *testing.T) {
	e := start(t, setup{})
	if _, err := os.Stat(e.path("me")); !os.IsNotExist(err) {
		t.Fatalf("stat me/ as a guest: %v, want not exist", err)
	}
	if out := e.run("ls", e.mnt); strings.Contains(out, "me") {
		t.Fatalf("ls shows me/ for a guest:\n%s", out)
	}
}

// find over a user shows every post once, with the right kind, and the
// private likes list of another user is empty without an error.
func TestFindOverUser(t *testing.T) {
	e := start(t, setup{})
	u := e.world.Users[0]
	out := e.run("find", e.path("users", u.Name), "-printf", "%y %s %P\n")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	byID := map[string][]string{}
	for _, l := range lines {
		f := strings.SplitN(l, " ", 3)
		if len(f) < 3 || !strings.HasPrefix(f[2], "posts/") || strings.Count(f[2], "/") != 1 {
			continue
		}
		name := strings.TrimPrefix(f[2], "posts/")
		id := strings.TrimSuffix(name, ".mp4")
		id = id[strings.LastIndex(id, "_")+1:]
		byID[id] = append(byID[id], f[0]+" "+name)
	}
	for _, p := range u.Posts {
		got := byID[p.AwemeID]
		if len(got) != 1 {
			t.Errorf("post %s appears %d times under posts/: %v", p.AwemeID, len(got), got)
			continue
		}
		kind := "f"
		if p.Type == 68 {
			kind = "d"
		}
		if got[0][:1] != kind {
			t.Errorf("post %s (type %d) is %q", p.AwemeID, p.Type, got[0])
		}
	}
	for _, want := range []string{"profile.json", "avatar.jpeg", "posts", "likes", "mixes"} {
		if !strings.Contains(out, " "+want+"\n") {
			t.Errorf("find does not show %s", want)
		}
	}
	if pu := e.world.PrivateLikesUser(); pu != nil {
		if out := e.run("ls", "-A", e.path("users", pu.Name, "likes")); strings.TrimSpace(out) != "" {
			t.Errorf("private likes of %s list %q, want empty", pu.Name, out)
		}
	}
}

// The first user's hostile captions (slashes, NUL, "..", newlines, 300-byte
// emoji, right-to-left text) give valid, unique names that resolve.
func TestHostileNames(t *testing.T) {
	e := start(t, setup{})
	u := e.world.Users[0]
	dir := e.path("users", u.Name, "posts")
	names, err := readDirNames(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, n := range names {
		switch {
		case badName(n):
			t.Errorf("bad name %q", n)
		case seen[n]:
			t.Errorf("duplicate name %q", n)
		}
		seen[n] = true
	}
	if len(names) != len(u.Posts) {
		t.Errorf("posts/ has %d entries, the user has %d posts", len(names), len(u.Posts))
	}
	hostile := fakedouyin.HostileDescs()
	found := 0
	for _, p := range u.Posts {
		for _, h := range hostile {
			if p.Desc == h {
				found++
				name := e.postEntry(dir, p)
				if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
					t.Errorf("stat of hostile name %q: %v", name, err)
				}
				break
			}
		}
	}
	if found < len(hostile)-1 {
		t.Errorf("found %d posts with hostile captions, want at least %d", found, len(hostile)-1)
	}
	// Every entry anywhere under users/, directories and what is in them
	// (the image posts' folders, likes/, mixes/...), has a valid name and
	// stats; find walks them like any program would.
	out := e.run("find", e.path("users"), "-mindepth", "1", "-print0")
	stated := map[string]bool{}
	for _, p := range strings.Split(strings.TrimSuffix(out, "\x00"), "\x00") {
		rel, _ := filepath.Rel(e.path("users"), p)
		if n := filepath.Base(p); badName(n) {
			t.Errorf("bad name %q under users/", rel)
		}
		st, err := os.Lstat(p)
		if err != nil {
			t.Errorf("stat of users/%s: %v", rel, err)
			continue
		}
		stated[rel] = st.IsDir()
	}
	// The hostile-named image posts were among them, as folders with
	// their pictures and music inside.
	dirs := 0
	for _, p := range u.Posts {
		if p.Type != 68 || !slices.Contains(hostile, p.Desc) {
			continue
		}
		rel := filepath.Join(u.Name, "posts", e.postEntry(dir, p))
		if isDir, ok := stated[rel]; !ok || !isDir {
			t.Errorf("users/%s: reached by find %v, a folder %v; want both", rel, ok, isDir)
			continue
		}
		dirs++
		for f := range e.mediaFiles(dir, p) {
			frel, _ := filepath.Rel(e.path("users"), f)
			if _, ok := stated[frel]; !ok {
				t.Errorf("find did not reach users/%s", frel)
			}
		}
	}
	if dirs == 0 {
		t.Error("no hostile caption is on an image post: no hostile-named folder was checked")
	}
}

// badName reports a name no program should be given: invalid UTF-8, too
// long, a path element of its own, or control and bidi characters.
func badName(n string) bool {
	return !utf8.ValidString(n) || len(n) > 255 || n == "." || n == ".." || n == "" ||
		strings.ContainsAny(n, "/\x00\n\r\t\u202e")
}

// README.txt explains the tree and names the configured users; stats.json
// is valid JSON with the promised counters.
func TestReadmeAndStats(t *testing.T) {
	e := start(t, setup{})
	readme := e.run("cat", e.path("README.txt"))
	for _, want := range []string{"users/", "videos/", "[[users]]", "sec_user_id", e.world.Users[0].Name} {
		if !strings.Contains(readme, want) {
			t.Errorf("README.txt does not mention %q", want)
		}
	}
	e.run("ls", e.path("users", e.world.Users[0].Name, "posts"))
	var stats map[string]any
	if err := json.Unmarshal([]byte(e.run("cat", e.path(".douyinfs", "stats.json"))), &stats); err != nil {
		t.Fatalf("stats.json is not JSON: %v", err)
	}
	for _, k := range []string{"api_calls", "bytes_fetched", "cache_hits", "cache_misses", "errors", "live_streams_open"} {
		if _, ok := stats[k]; !ok {
			t.Errorf("stats.json has no %q", k)
		}
	}
	if n, _ := stats["api_calls"].(float64); n < 1 {
		t.Errorf("stats.json api_calls = %v after listing posts", stats["api_calls"])
	}
}

// videos/, mixes/ and live/ resolve ids that were never listed; unknown ids
// are ENOENT.
func TestLookupsByID(t *testing.T) {
	e := start(t, setup{})
	w := e.world
	img := w.RealImagePost()
	e.run("stat", e.path("videos", w.RealVideoPost().AwemeID+".mp4"))
	e.run("stat", e.path("videos", img.AwemeID, "01.jpeg"))
	for _, m := range w.Users[0].Mixes {
		e.run("ls", e.path("mixes", m.ID))
	}
	e.run("cat", e.path("live", w.LivingRoom().WebRID, "room.json"))
	for _, missing := range []string{
		filepath.Join("videos", "1234567890123456789.mp4"),
		filepath.Join("mixes", "1234567890123456789"),
		filepath.Join("users", "MS4wLjABAAAAnonexistentuser0000000000000000000"),
		filepath.Join("videos", w.DeletedPost().AwemeID+".mp4"),
	} {
		if _, err := os.Stat(e.path(missing)); !os.IsNotExist(err) {
			t.Errorf("stat %s: %v, want ENOENT", missing, err)
		}
	}
	// Any user is reachable by sec_user_id.
	other := w.Users[1]
	if out := e.run("ls", e.path("users", other.SecUID, "posts")); !strings.Contains(out, other.Posts[0].AwemeID) {
		t.Errorf("users/<sec_user_id>/posts does not list the newest post %s", other.Posts[0].AwemeID)
	}
}

// The mount is read-only and named douyinfs in the mount table.
func TestMountTable(t *testing.T) {
	e := start(t, setup{})
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 10 || f[4] != e.mnt {
			continue
		}
		opts := "," + f[5] + ","
		if !strings.Contains(opts, ",ro,") {
			t.Errorf("mount options %q lack ro", f[5])
		}
		rest := strings.Join(f[6:], " ")
		if !strings.Contains(rest, "fuse.douyinfs douyinfs") {
			t.Errorf("mount table entry %q: want type fuse.douyinfs, source douyinfs", rest)
		}
		return
	}
	t.Fatalf("%s is not in the mount table", e.mnt)
}
