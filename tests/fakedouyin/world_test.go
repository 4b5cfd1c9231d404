package fakedouyin

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func worldOf(o Options) *World {
	o.fill()
	return newWorld(o)
}

// fingerprint summarises a world for comparison.
func fingerprint(w *World) string {
	var b strings.Builder
	for _, u := range w.Users {
		b.WriteString(u.SecUID + u.UID + u.Nickname)
		for _, p := range u.Posts {
			b.WriteString(p.AwemeID + p.Desc + strconv.FormatInt(p.CreateTime, 10))
			for _, m := range p.allMedia() {
				b.WriteString(m.ID + strconv.FormatInt(m.Size, 10))
			}
		}
		for _, p := range u.Likes {
			b.WriteString(p.AwemeID)
		}
		for _, m := range u.Mixes {
			b.WriteString(m.ID + m.Name)
		}
	}
	for _, r := range w.Rooms {
		b.WriteString(r.WebRID + r.RoomID)
	}
	for _, p := range w.Me.Favorites {
		b.WriteString(p.AwemeID)
	}
	b.WriteString(w.LoginCookie)
	return b.String()
}

func TestWorldDeterministic(t *testing.T) {
	a, b := worldOf(Options{Seed: 7}), worldOf(Options{Seed: 7})
	if fingerprint(a) != fingerprint(b) {
		t.Error("the same seed gave different worlds")
	}
	if !reflect.DeepEqual(a.ShortLinks, b.ShortLinks) {
		t.Error("the same seed gave different short links")
	}
	if fingerprint(a) == fingerprint(worldOf(Options{Seed: 8})) {
		t.Error("different seeds gave the same world")
	}
}

func TestWorldShape(t *testing.T) {
	w := worldOf(Options{Seed: 9, BigVideoSize: 3 << 30})
	if len(w.Users) != 4 || w.PrivateUser() != w.Users[3] {
		t.Fatalf("%d users, want the default 3 and a private account", len(w.Users))
	}
	ids := map[string]bool{}
	images, music, mixed := 0, 0, 0
	for _, u := range w.Users[:3] {
		want := 30
		if u == w.Users[0] {
			want = 31
		}
		if len(u.Posts) != want {
			t.Errorf("%s: %d posts, want %d", u.Name, len(u.Posts), want)
		}
		for i, p := range u.Posts {
			if ids[p.AwemeID] {
				t.Errorf("duplicate aweme_id %s", p.AwemeID)
			}
			ids[p.AwemeID] = true
			if len(p.AwemeID) != 19 {
				t.Errorf("aweme_id %s is not 19 digits", p.AwemeID)
			}
			if p.CreateTime < 1672502400 || p.CreateTime > 1780243200 {
				t.Errorf("create_time %d outside 2023–2026", p.CreateTime)
			}
			if i > 0 && p.CreateTime >= u.Posts[i-1].CreateTime {
				t.Errorf("%s: create_time not strictly decreasing at %d", u.Name, i)
			}
			if id, _ := strconv.ParseUint(p.AwemeID, 10, 64); int64(id>>32) != p.CreateTime {
				t.Errorf("aweme_id %s does not carry create_time %d", p.AwemeID, p.CreateTime)
			}
			switch p.Type {
			case 68:
				images++
				if len(p.Images) < 2 || len(p.Images) > 4 || p.Video != nil || p.MediaType != 2 {
					t.Errorf("image post %s: %d images, video %v", p.AwemeID, len(p.Images), p.Video)
				}
			case 0:
				if p.Video == nil || len(p.Renditions) == 0 || p.MediaType != 4 {
					t.Errorf("video post %s without renditions", p.AwemeID)
				}
				if best := bestRendition(p.Renditions); best.Media != p.Video {
					t.Errorf("%s: Video is not the best rendition", p.AwemeID)
				}
			default:
				t.Errorf("post type %d", p.Type)
			}
			if p.Music != nil {
				music++
			}
			if p.Mix != nil {
				mixed++
				if p.Mix.Posts[p.Episode-1] != p {
					t.Errorf("%s: episode %d of mix %s is another post", p.AwemeID, p.Episode, p.Mix.ID)
				}
			}
			for _, m := range p.allMedia() {
				if got, ok := w.Media(m.ID); !ok || got != m {
					t.Errorf("media %s not registered", m.ID)
				}
			}
		}
		for i, p := range u.Likes {
			if i > 0 && u.LikeTimes[i] >= u.LikeTimes[i-1] {
				t.Errorf("%s likes not newest like first at %d", u.Name, i)
			}
			if u.LikeTimes[i] <= p.CreateTime {
				t.Errorf("%s liked %s before it was made", u.Name, p.AwemeID)
			}
		}
	}
	if images == 0 || music == 0 || mixed == 0 || music == len(ids) {
		t.Errorf("images %d, with music %d, in mixes %d of %d posts: want some of each", images, music, mixed, len(ids))
	}
	if big := w.BigVideoPost(); big == nil || big != w.Users[0].Posts[0] || big.Video.Size != 3<<30 {
		t.Errorf("big video post: %+v", big)
	}
	if w.PrivateLikesUser() == nil {
		t.Error("no user with private likes")
	}
	if !w.LivingRoom().Living || w.EndedRoom().Living || w.EndedRoom().FinishTime == 0 {
		t.Error("want one living and one ended room")
	}
	if len(w.Me.Favorites) < 21 || len(w.Me.Folders) < 2 {
		t.Errorf("account: %d favourites, %d folders", len(w.Me.Favorites), len(w.Me.Folders))
	}
	for i, f := range w.Me.Folders {
		if n, err := strconv.ParseUint(f.ID, 10, 64); err != nil || uint64(float64(n)) == n {
			t.Errorf("folder %d id %s must be a number a float64 cannot hold exactly", i, f.ID)
		}
	}
	for _, pair := range []string{"sessionid=", "sid_guard=", "ttwid="} {
		if !strings.Contains(w.LoginCookie, pair) {
			t.Errorf("login cookie has no %s", pair)
		}
	}
}

func TestHostileDescs(t *testing.T) {
	w := worldOf(Options{Seed: 10})
	descs := map[string]int{}
	for _, p := range w.Users[0].Posts {
		descs[p.Desc]++
	}
	for _, d := range HostileDescs() {
		if descs[d] == 0 {
			t.Errorf("first user has no post with desc %q", d)
		}
	}
	checks := map[string]func(string) bool{
		"slash":      func(d string) bool { return strings.Contains(d, "/") },
		"NUL":        func(d string) bool { return strings.Contains(d, "\x00") },
		"dotdot":     func(d string) bool { return d == ".." },
		"dot":        func(d string) bool { return d == "." },
		"newline":    func(d string) bool { return strings.Contains(d, "\n") },
		"300B emoji": func(d string) bool { return len(d) == 300 && utf8.RuneCountInString(d) == 75 },
		"RTL":        func(d string) bool { return strings.ContainsRune(d, '\u202e') },
		"duplicate":  func(d string) bool { return descs[d] >= 2 },
	}
	for name, f := range checks {
		found := false
		for d := range descs {
			found = found || f(d)
		}
		if !found {
			t.Errorf("no %s desc among the first user's posts", name)
		}
	}
}

func TestRealFiles(t *testing.T) {
	w := worldOf(Options{Seed: 11, Users: 1, PostsPerUser: 3})
	boxes := func(b []byte) []string {
		var l []string
		for off := 0; off+8 <= len(b); {
			size := int(binary.BigEndian.Uint32(b[off:]))
			l = append(l, string(b[off+4:off+8]))
			if size < 8 {
				break
			}
			off += size
		}
		return l
	}
	fast, moov := w.RealVideoPost(), w.MoovAtEndPost()
	fb := boxes(fast.Video.Bytes())
	mb := boxes(moov.Video.Bytes())
	idx := func(l []string, s string) int {
		for i, x := range l {
			if x == s {
				return i
			}
		}
		return -1
	}
	if idx(fb, "moov") < 0 || idx(fb, "moov") > idx(fb, "mdat") {
		t.Errorf("faststart boxes %v: want moov before mdat", fb)
	}
	if idx(mb, "moov") != len(mb)-1 || idx(mb, "mdat") < 0 {
		t.Errorf("moov-at-end boxes %v: want moov last", mb)
	}
	img := w.RealImagePost()
	if len(img.Images) != 2 || !img.Images[0].Real() || img.Music == nil || !img.Music.Real() {
		t.Fatalf("real image post: %+v", img)
	}
	for _, m := range []*Media{fast.Video, moov.Video, img.Images[0], img.Images[1], img.Music} {
		sum := md5.Sum(m.Bytes())
		if m.Hash != hex.EncodeToString(sum[:]) || m.Size != int64(len(m.Bytes())) {
			t.Errorf("%s: hash or size does not match the bytes", m.ID)
		}
	}
	if !bytes.HasPrefix(img.Images[0].Bytes(), []byte{0xff, 0xd8}) {
		t.Error("real image is not a JPEG")
	}
	var total int
	for _, b := range [][]byte{realFaststartMP4, realMoovAtEndMP4, realImage01, realImage02, realMusicMP3,
		templateVideo, templateImage, templateMusic, liveLoopFLV, liveSegmentTS} {
		total += len(b)
	}
	if total > 5<<20 {
		t.Errorf("embedded test data is %d bytes, over 5 MiB", total)
	}
}

func TestBigWorld(t *testing.T) {
	if testing.Short() {
		t.Skip("big world in -short mode")
	}
	w := worldOf(Options{Seed: 12, Users: 2, PostsPerUser: 2000, BigVideoSize: 2 << 30})
	u := w.Users[0]
	if len(u.Posts) != 2001 {
		t.Fatalf("%d posts", len(u.Posts))
	}
	for i := 1; i < len(u.Posts); i++ {
		if u.Posts[i].CreateTime >= u.Posts[i-1].CreateTime {
			t.Fatalf("create_time not decreasing at %d", i)
		}
	}
	big := w.BigVideoPost().Video
	buf := make([]byte, 4096)
	n, err := big.ReadAt(buf, big.Size-100)
	if n != 100 || err == nil {
		t.Errorf("ReadAt at the end of 2 GiB: %d %v", n, err)
	}
}
