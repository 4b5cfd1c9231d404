package tree

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/douyinfs/douyinfs/fetch"
)

// maxNameBytes is the longest file name Linux file systems accept (NAME_MAX).
const maxNameBytes = 255

// createLayout renders {create}.
const createLayout = "2006-01-02_15-04-05"

// namer renders post names. Names depend only on immutable fields of a post
// (create time, caption, id, author ids), so the same post has the same name
// in every listing and after every restart.
type namer struct {
	template string
	loc      *time.Location
	maxDesc  int
}

func newNamer(n Naming) namer {
	tpl := n.Template
	// The id is what makes names unique; a template without it gets it
	// appended rather than risking two posts with one name.
	if !strings.Contains(tpl, "{aweme_id}") {
		tpl += "_{aweme_id}"
	}
	return namer{template: tpl, loc: n.Location, maxDesc: n.MaxDescBytes}
}

// postBase is the post's name without extension: the video file is
// base+".mp4", an image post is the folder base, sidecars add their suffix.
// The longest suffix (".cover.jpeg") is reserved so every variant fits in
// 255 bytes and all variants share one base.
func (n namer) postBase(p *fetch.Post) string {
	return n.render(p, maxNameBytes-len(suffixCover))
}

// render fills the template and fits the result into budget bytes, shrinking
// the caption first, then the nickname, and never the id.
func (n namer) render(p *fetch.Post, budget int) string {
	fields := map[string]string{
		"{create}":   time.Unix(p.CreateTime, 0).In(n.loc).Format(createLayout),
		"{desc}":     cutUTF8(cleanText(strings.TrimSpace(p.Desc)), n.maxDesc),
		"{aweme_id}": cleanText(p.ID),
		"{nickname}": cleanText(p.Author.Nickname),
		"{uid}":      cleanText(p.Author.UID),
	}
	tpl := cleanText(n.template)
	name := fill(tpl, fields)
	for _, shrink := range []string{"{desc}", "{nickname}", "{uid}"} {
		for len(name) > budget && fields[shrink] != "" {
			over := len(name) - budget
			v := fields[shrink]
			fields[shrink] = cutUTF8(v, max(0, len(v)-over))
			if fields[shrink] == v { // cannot shrink further (defensive)
				fields[shrink] = ""
			}
			name = fill(tpl, fields)
		}
	}
	if len(name) > budget {
		// Only literal text of the template is left to blame: fall back to
		// the id, which alone keeps the name unique.
		name = cutUTF8(fields["{aweme_id}"], budget)
	}
	return safeName(name, "_"+fields["{aweme_id}"])
}

func fill(tpl string, fields map[string]string) string {
	pairs := make([]string, 0, 2*len(fields))
	for k, v := range fields {
		pairs = append(pairs, k, v)
	}
	return strings.NewReplacer(pairs...).Replace(tpl)
}

// sanitizeName turns any text (a mix name, a folder name, a configured user
// name) into one valid path component of at most maxBytes bytes.
func sanitizeName(s string, maxBytes int) string {
	return safeName(cutUTF8(cleanText(s), min(maxBytes, maxNameBytes)), "_")
}

// safeName replaces the names the kernel gives special meaning to.
func safeName(s, fallback string) string {
	switch s {
	case "", ".", "..":
		return fallback
	}
	return s
}

// cleanText makes text safe inside a file name: no '/', no NUL, no control
// characters (newlines, tabs, escapes), no bidi controls that would make a
// name display as something else, and valid UTF-8. Each replaced character
// becomes '_', so names stay readable.
func cleanText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size <= 1, r == '/', r == 0, unicode.IsControl(r), isBidiControl(r):
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isBidiControl reports the explicit direction marks and overrides (the
// "right-to-left override" trick that disguises file extensions).
func isBidiControl(r rune) bool {
	return r == 0x200e || r == 0x200f || r == 0x061c ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x2028 || r == 0x2029 // line and paragraph separators break listings
}

// cutUTF8 returns the longest prefix of s that is at most n bytes and ends
// on a rune boundary.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Suffixes of the entries a post shows.
const (
	suffixVideo = ".mp4"
	suffixJSON  = ".json"
	suffixCover = ".cover.jpeg"
)

// idCandidates returns the digit runs of a name that could be an aweme_id,
// last first: with the default template (and whenever the id had to be
// appended) the id ends the name. Douyin ids are 19 digits; shorter runs
// such as the date are skipped.
func idCandidates(name string) []string {
	var out []string
	end := -1
	for i := len(name) - 1; i >= -1; i-- {
		digit := i >= 0 && name[i] >= '0' && name[i] <= '9'
		switch {
		case digit && end < 0:
			end = i + 1
		case !digit && end >= 0:
			if fetch.IsAwemeID(name[i+1 : end]) {
				out = append(out, name[i+1:end])
			}
			end = -1
		}
	}
	return out
}

// imageName is the name of picture i (0-based) of a post with n pictures:
// 01.jpeg, 02.jpeg, ... wide enough that they sort in order. The extension
// is the format the picture is served in (fetch.Image.Format: JPEG
// whenever Douyin offers it), none when its URLs name no format.
func imageName(i, n int, format string) string {
	width := max(2, len(fmt.Sprint(n)))
	name := fmt.Sprintf("%0*d", width, i+1)
	if format != "" {
		name += "." + format
	}
	return name
}

// uniqueNamer hands out sanitized names for a list of things that have no id
// in their name (mixes, favourite folders): a name already taken in the list
// gets the thing's id appended, so both stay reachable.
type uniqueNamer struct {
	taken map[string]bool
}

func (u *uniqueNamer) name(title, id string) string {
	if u.taken == nil {
		u.taken = map[string]bool{}
	}
	name := sanitizeName(title, maxNameBytes)
	if title == "" {
		name = sanitizeName(id, maxNameBytes)
	}
	if u.taken[name] {
		suffix := "_" + cleanText(id)
		name = safeName(cutUTF8(name, maxNameBytes-len(suffix))+suffix, "_")
	}
	u.taken[name] = true
	return name
}
