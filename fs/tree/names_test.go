package tree

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/douyinfs/douyinfs/fetch"
)

func shanghai(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// checkName asserts what every name must be: valid UTF-8, at most 255 bytes,
// no '/', no NUL, not "." or "..".
func checkName(t testing.TB, name string) {
	t.Helper()
	switch {
	case !utf8.ValidString(name):
		t.Fatalf("name %q is not valid UTF-8", name)
	case len(name) > maxNameBytes:
		t.Fatalf("name is %d bytes: %q", len(name), name)
	case strings.ContainsAny(name, "/\x00"):
		t.Fatalf("name %q contains '/' or NUL", name)
	case name == "" || name == "." || name == "..":
		t.Fatalf("name %q is not a usable file name", name)
	}
}

func TestPostBaseDefaultTemplate(t *testing.T) {
	n := newNamer(testNaming())
	p := &fetch.Post{ID: "7300000000000000001", CreateTime: 1697889407, Desc: "hello world"}
	got := n.postBase(p)
	want := "2023-10-21_19-56-47_hello world_7300000000000000001"
	if got != want {
		t.Fatalf("postBase = %q, want %q", got, want)
	}
}

func TestPostBaseZoneDefaultsToShanghai(t *testing.T) {
	n := newNamer(testNaming()) // Asia/Shanghai, not the host's zone
	p := &fetch.Post{ID: "7300000000000000001", CreateTime: 0, Desc: ""}
	if got, want := n.postBase(p), "1970-01-01_08-00-00__7300000000000000001"; got != want {
		t.Fatalf("postBase = %q, want %q", got, want)
	}
}

func TestPostBaseTemplateWithoutIDGetsIDAppended(t *testing.T) {
	n := newNamer(Naming{Template: "{desc}", Location: time.UTC, MaxDescBytes: 120})
	p := &fetch.Post{ID: "123456789012", Desc: "x"}
	if got, want := n.postBase(p), "x_123456789012"; got != want {
		t.Fatalf("postBase = %q, want %q", got, want)
	}
}

func TestPostBaseOtherFields(t *testing.T) {
	n := newNamer(Naming{Template: "{nickname}-{uid}-{aweme_id}", Location: time.UTC})
	p := &fetch.Post{ID: "123456789012", Author: fetch.User{Nickname: "a/b", UID: "42"}}
	if got, want := n.postBase(p), "a_b-42-123456789012"; got != want {
		t.Fatalf("postBase = %q, want %q", got, want)
	}
}

func TestPostBaseHostileDescs(t *testing.T) {
	n := newNamer(Naming{Template: testNaming().Template, Location: shanghai(t), MaxDescBytes: 1000})
	descs := []string{
		"a/b/c", "../../etc/passwd", "..", ".", "nul\x00byte", "line1\nline2\r\n",
		"tab\there", strings.Repeat("😀", 300), "\u202eexe.mp4", "שלום עולם مرحبا",
		"\xff\xfe invalid", "", "   ", strings.Repeat("/", 400),
	}
	seen := map[string]bool{}
	for i, d := range descs {
		p := &fetch.Post{ID: fmt.Sprintf("73000000000000000%02d", i), CreateTime: 1697889407, Desc: d}
		base := n.postBase(p)
		for _, suffix := range []string{"", suffixVideo, suffixJSON, suffixCover} {
			checkName(t, base+suffix)
		}
		if !strings.HasSuffix(base, "_"+p.ID) {
			t.Errorf("desc %q: name %q does not end with the id", d, base)
		}
		if strings.ContainsRune(base, '\u202e') || strings.ContainsAny(base, "\n\r\t") {
			t.Errorf("desc %q: name %q keeps control characters", d, base)
		}
		if seen[base] {
			t.Errorf("duplicate name %q", base)
		}
		seen[base] = true
	}
}

func TestPostBaseLongDescCutOnRuneBoundary(t *testing.T) {
	n := newNamer(Naming{Template: testNaming().Template, Location: time.UTC, MaxDescBytes: 120})
	p := &fetch.Post{ID: "7300000000000000001", Desc: strings.Repeat("中", 100)}
	base := n.postBase(p)
	checkName(t, base)
	desc := strings.TrimSuffix(strings.TrimPrefix(base, "1970-01-01_00-00-00_"), "_7300000000000000001")
	if len(desc) != 120 || desc != strings.Repeat("中", 40) {
		t.Fatalf("desc cut to %d bytes (%q), want 120 bytes of whole runes", len(desc), desc)
	}
}

func TestPostBaseLongNicknameShrinksButKeepsID(t *testing.T) {
	n := newNamer(Naming{Template: "{nickname}_{desc}_{aweme_id}", Location: time.UTC, MaxDescBytes: 500})
	p := &fetch.Post{ID: "7300000000000000001", Desc: strings.Repeat("d", 200), Author: fetch.User{Nickname: strings.Repeat("ñ", 200)}}
	base := n.postBase(p)
	checkName(t, base+suffixCover)
	if !strings.HasSuffix(base, "_7300000000000000001") {
		t.Fatalf("id lost: %q", base)
	}
}

func TestIDCandidates(t *testing.T) {
	cases := []struct {
		name string
		want []string
	}{
		{"2023-10-21_19-56-47_hello_7300000000000000001", []string{"7300000000000000001"}},
		{"2023-10-21_19-56-47_call 13800138000_7300000000000000001", []string{"7300000000000000001", "13800138000"}},
		{"no digits", nil},
		{"12345678", []string{"12345678"}},
	}
	for _, c := range cases {
		got := idCandidates(c.name)
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("idCandidates(%q) = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestSanitizeName(t *testing.T) {
	cases := map[string]string{
		"":                       "_",
		".":                      "_",
		"..":                     "_",
		"a/b":                    "a_b",
		"合集 #1":                  "合集 #1",
		"x\x00y\n":               "x_y_",
		strings.Repeat("é", 200): strings.Repeat("é", 127),
	}
	for in, want := range cases {
		if got := sanitizeName(in, maxNameBytes); got != want {
			t.Errorf("sanitizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUniqueNamer(t *testing.T) {
	var u uniqueNamer
	if got := u.name("合集", "1"); got != "合集" {
		t.Fatalf("first = %q", got)
	}
	if got := u.name("合集", "2"); got != "合集_2" {
		t.Fatalf("duplicate = %q", got)
	}
	if got := u.name("", "3"); got != "3" {
		t.Fatalf("empty title = %q", got)
	}
}

func TestImageName(t *testing.T) {
	for _, c := range []struct {
		i, n   int
		format string
		want   string
	}{
		{0, 3, fetch.FormatJPEG, "01.jpeg"},
		{4, 120, fetch.FormatJPEG, "005.jpeg"},
		{1, 2, fetch.FormatWebP, "02.webp"},
		{0, 2, "", "01"},
	} {
		if got := imageName(c.i, c.n, c.format); got != c.want {
			t.Errorf("imageName(%d, %d, %q) = %q, want %q", c.i, c.n, c.format, got, c.want)
		}
	}
}

// FuzzPostName: any UTF-8 caption, nickname and template give a valid name
// that still ends in (contains) the id.
func FuzzPostName(f *testing.F) {
	f.Add("hello", "nick", "{create}_{desc}_{aweme_id}", int64(1697889407))
	f.Add("../..", "", "{desc}", int64(0))
	f.Add(strings.Repeat("😀", 300), "\u202e", "{nickname}{desc}", int64(-1))
	f.Add("a\x00b\nc", "/", "/{uid}/", int64(1<<40))
	f.Fuzz(func(t *testing.T, desc, nick, tpl string, create int64) {
		if !utf8.ValidString(desc) || !utf8.ValidString(nick) || !utf8.ValidString(tpl) {
			t.Skip()
		}
		n := newNamer(Naming{Template: tpl, Location: time.UTC, MaxDescBytes: 1000})
		p := &fetch.Post{ID: "7300000000000000001", Desc: desc, CreateTime: create, Author: fetch.User{Nickname: nick}}
		base := n.postBase(p)
		for _, s := range []string{"", suffixVideo, suffixJSON, suffixCover} {
			checkName(t, base+s)
		}
		if !strings.Contains(base, p.ID) {
			t.Fatalf("name %q lost the id", base)
		}
	})
}

// FuzzSanitizeName: any UTF-8 text gives a valid path component.
func FuzzSanitizeName(f *testing.F) {
	for _, s := range []string{"", ".", "..", "a/b", "x\x00", strings.Repeat("中", 200), "\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip()
		}
		checkName(t, sanitizeName(s, maxNameBytes))
	})
}

// max_desc_bytes = 0 means no caption in names, not a default length.
func TestPostBaseZeroMaxDescLeavesCaptionOut(t *testing.T) {
	cfg := testNaming()
	cfg.MaxDescBytes = 0
	p := &fetch.Post{ID: "7300000000000000001", CreateTime: 1697889407, Desc: "hello world"}
	if got, want := newNamer(cfg).postBase(p), "2023-10-21_19-56-47__7300000000000000001"; got != want {
		t.Fatalf("postBase = %q, want %q", got, want)
	}
}
