package fakedouyin

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

func TestFilesIndex(t *testing.T) {
	s := startServer(t, Options{Seed: 81, Users: 2, PostsPerUser: 8})
	c := newClient(t, s)
	w := s.World()
	r := c.get(s.URL() + "/files/")
	if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("index: HTTP %d %q", r.StatusCode, r.Header.Get("Content-Type"))
	}
	links := regexp.MustCompile(`href="([^"/]+)"`).FindAllStringSubmatch(string(r.body), -1)
	var names []string
	for _, l := range links {
		names = append(names, l[1])
	}
	var want []string
	for _, p := range w.AllPosts() {
		if p.Video != nil {
			want = append(want, p.AwemeID+".mp4")
		}
		for k := range p.Images {
			want = append(want, fmt.Sprintf("%s_%02d.jpeg", p.AwemeID, k+1))
		}
		if p.Music != nil {
			want = append(want, p.AwemeID+".mp3")
		}
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("index lists %v\nwant %v", names, want)
	}
	for _, e := range w.Files()[:6] {
		u := s.URL() + "/files/" + e.Name
		req, _ := http.NewRequest(http.MethodHead, u, nil)
		h := c.do(req)
		lm, err := http.ParseTime(h.Header.Get("Last-Modified"))
		if h.StatusCode != 200 || h.ContentLength != e.Media.Size || err != nil || !lm.Equal(time.Unix(e.Post.CreateTime, 0)) {
			t.Errorf("HEAD %s: HTTP %d length %d Last-Modified %q", e.Name, h.StatusCode, h.ContentLength, h.Header.Get("Last-Modified"))
		}
		a := e.Media.Size / 3
		g := c.get(u, "Range", fmt.Sprintf("bytes=%d-%d", a, a+999))
		if g.StatusCode != 206 || !bytes.Equal(g.body, e.Media.Bytes()[a:a+1000]) {
			t.Errorf("range of %s: HTTP %d", e.Name, g.StatusCode)
		}
	}
	if st := s.Stats(); st.FilesBytes == 0 || st.Requests["/files/"] == 0 {
		t.Errorf("files not counted: %+v", st)
	}
	// httpdirfs asks for the directory without its slash.
	if r := c.get(s.URL() + "/files"); r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/files/" {
		t.Errorf("/files: HTTP %d Location %q; want a 301 to /files/", r.StatusCode, r.Header.Get("Location"))
	}
	if r := c.get(s.URL() + "/files/nope.mp4"); r.StatusCode != 404 {
		t.Errorf("unknown file: HTTP %d", r.StatusCode)
	}
}

func TestShortLinks(t *testing.T) {
	s := startServer(t, Options{Seed: 82})
	c := newClient(t, s)
	w := s.World()
	// The spec §6.2 patterns applied to the Location give back the id.
	check := func(code, pattern, want string) {
		t.Helper()
		r := c.get(s.URL() + "/v/" + code + "/")
		loc := r.Header.Get("Location")
		m := regexp.MustCompile(pattern).FindStringSubmatch(loc)
		if r.StatusCode != http.StatusFound || m == nil || m[1] != want {
			t.Errorf("/v/%s/: HTTP %d Location %q; want %s by %s", code, r.StatusCode, loc, want, pattern)
		}
	}
	u := w.Users[1]
	check(u.ShortCode, `sec_uid=([^&]*)`, u.SecUID)
	img := w.RealImagePost()
	check(img.ShortCode, `note/([^/?]*)`, img.AwemeID)
	vid := w.RealVideoPost()
	check(vid.ShortCode, `video/([^/?]*)`, vid.AwemeID)
	m := w.Users[0].Mixes[0]
	check(m.ShortCode, `collection/([^/?]*)`, m.ID)
	room := w.LivingRoom()
	check(room.ShortCode, `reflow/([^/?]*)`, room.RoomID)
	if len(w.ShortLinks) < len(w.AllPosts())+len(w.Users) {
		t.Errorf("%d short links", len(w.ShortLinks))
	}
	if r := c.get(s.URL() + "/v/nonexistent/"); r.StatusCode != 404 {
		t.Errorf("unknown code: HTTP %d", r.StatusCode)
	}
}

func TestWriteConfig(t *testing.T) {
	s := startServer(t, Options{Seed: 83})
	dir := t.TempDir()
	var ref map[string]any
	refPath := filepath.Join("..", "..", "config.toml")
	if _, err := toml.DecodeFile(refPath, &ref); err != nil {
		t.Fatalf("reading the reference %s: %v", refPath, err)
	}
	for _, login := range []bool{false, true} {
		p := filepath.Join(dir, fmt.Sprintf("c-%v.toml", login))
		if err := s.WriteConfig(p, login); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("config mode %v %v, want 0600", fi.Mode(), err)
		}
		var got map[string]any
		md, err := toml.DecodeFile(p, &got)
		if err != nil {
			t.Fatalf("config does not parse: %v", err)
		}
		// Every key must exist in config.toml (live_rooms may sit at the
		// top, where douyinfs reads it).
		for _, k := range md.Keys() {
			key := k.String()
			if strings.HasPrefix(key, "users") || key == "live_rooms" {
				continue
			}
			if !hasKey(ref, k) {
				t.Errorf("key %s is not in config.toml", key)
			}
		}
		hosts := got["hosts"].(map[string]any)
		for _, k := range []string{"www", "live", "webcast", "mstoken", "ttwid", "webid", "sso"} {
			if hosts[k] != s.URL() {
				t.Errorf("hosts.%s = %v", k, hosts[k])
			}
		}
		if hosts["short_link"] != s.URL()+"/v" {
			t.Errorf("short_link = %v", hosts["short_link"])
		}
		users := got["users"].([]map[string]any)
		if len(users) != len(s.World().Users) || users[0]["sec_user_id"] != s.World().Users[0].SecUID || users[0]["name"] != s.World().Users[0].Name {
			t.Errorf("users: %v", users)
		}
		rooms := got["live_rooms"].([]any)
		if len(rooms) != len(s.World().Rooms) || rooms[0] != s.World().LivingRoom().WebRID {
			t.Errorf("live_rooms: %v", rooms)
		}
		cookie := got["account"].(map[string]any)["cookie"]
		if want := map[bool]string{false: "", true: s.World().LoginCookie}[login]; cookie != want {
			t.Errorf("login %v: cookie %q", login, cookie)
		}
	}
}

func hasKey(m map[string]any, k toml.Key) bool {
	var v any = m
	for _, part := range k {
		mm, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if v, ok = mm[part]; !ok {
			return false
		}
	}
	return true
}
