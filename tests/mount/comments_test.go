package mount_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

const (
	pathComments = "/aweme/v1/web/comment/list/"
	pathReplies  = "/aweme/v1/web/comment/list/reply/"
	pathRelated  = "/aweme/v1/web/aweme/related/"
)

// commentsJSON is what the test reads of comments/<id>.json.
type commentsJSON struct {
	AwemeID  string `json:"aweme_id"`
	Complete bool   `json:"complete"`
	Stopped  string `json:"stopped"`
	Count    int    `json:"count"`
	Comments []struct {
		CID        string `json:"cid"`
		Text       string `json:"text"`
		ReplyTotal int    `json:"reply_total"`
		User       struct {
			SecUID string `json:"sec_uid"`
		} `json:"user"`
		Replies []struct {
			CID  string `json:"cid"`
			Text string `json:"text"`
		} `json:"replies"`
	} `json:"comments"`
}

// pages is how many pages of 20 a list of n needs (an empty list one).
func pages(n int) int64 { return int64(max((n+19)/20, 1)) }

// comments/<id>.json: jq reads it whole and it holds the fake's comments
// and replies in order; stat's size is what cat reads and rsync copies;
// one request per page; not listed anywhere.
func TestCommentsFile(t *testing.T) {
	requireTool(t, "jq")
	requireTool(t, "rsync")
	requireTool(t, "cmp")
	e := start(t, setup{})
	w := e.world
	// A post whose comments take several pages, with a thread of several
	// pages of replies.
	var post string
	for _, p := range w.AllPosts() {
		cs := w.Comments(p.AwemeID)
		if len(cs) > 20 && slices.ContainsFunc(cs, func(c *fakedouyin.Comment) bool { return len(c.Replies) > 20 }) {
			post = p.AwemeID
			break
		}
	}
	if post == "" {
		t.Fatal("the fake world has no post with over 20 comments and a long thread")
	}
	want := w.Comments(post)
	var replyPages int64
	for _, c := range want {
		if len(c.Replies) > 0 {
			replyPages += pages(len(c.Replies))
		}
	}
	file := e.path("comments", post+".json")

	e.fake.ResetStats()
	size := e.statSize(file)
	out := e.run("jq", "-c", ".", file)
	var doc commentsJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("jq's output does not parse: %v", err)
	}
	if !doc.Complete || doc.AwemeID != post || doc.Count != len(want) || len(doc.Comments) != len(want) {
		t.Fatalf("document: complete %v (%s), %d comments (count %d), want %d", doc.Complete, doc.Stopped, len(doc.Comments), doc.Count, len(want))
	}
	for i, c := range want {
		g := doc.Comments[i]
		if g.CID != c.CID || g.Text != c.Text || g.User.SecUID != c.User.SecUID || g.ReplyTotal != len(c.Replies) || len(g.Replies) != len(c.Replies) {
			t.Fatalf("comment %d: %s %q (%d replies), want %s %q (%d)", i, g.CID, g.Text, len(g.Replies), c.CID, c.Text, len(c.Replies))
		}
		for j, r := range c.Replies {
			if g.Replies[j].CID != r.CID || g.Replies[j].Text != r.Text {
				t.Errorf("comment %s reply %d: %s, want %s", c.CID, j, g.Replies[j].CID, r.CID)
			}
		}
	}
	req := e.requests()
	if req[pathComments] != pages(len(want)) || req[pathReplies] != replyPages || req[pathDetail] > 1 {
		t.Errorf("requests %v, want %d comment pages, %d reply pages, at most 1 detail", req, pages(len(want)), replyPages)
	}
	if n := int64(len(e.sh("cat " + file))); n != size {
		t.Errorf("stat says %d bytes, cat reads %d", size, n)
	}
	dst := t.TempDir()
	e.run("rsync", "-a", file, dst+"/")
	e.run("cmp", file, filepath.Join(dst, post+".json"))
	if fi, err := os.Stat(filepath.Join(dst, post+".json")); err != nil || fi.Size() != size {
		t.Errorf("rsync copied %v (%v), want %d bytes", fi, err, size)
	}
	if out := e.run("rsync", "-a", "--stats", file, dst+"/"); !strings.Contains(out, "Total transferred file size: 0 bytes") {
		t.Errorf("a second rsync transferred again:\n%s", out)
	}

	// Not listed: neither comments/ in the root nor anything in it.
	if names, err := readDirNames(e.mnt); err != nil || slices.Contains(names, "comments") || slices.Contains(names, "related") {
		t.Errorf("the root lists %v (%v)", names, err)
	}
	if names, err := readDirNames(e.path("comments")); err != nil || len(names) != 0 {
		t.Errorf("comments/ lists %v (%v)", names, err)
	}
	// Not a post: no file.
	if _, err := os.Stat(e.path("comments", "7999999999999999999.json")); !os.IsNotExist(err) {
		t.Errorf("comments of an unknown post: %v", err)
	}
}

// With the page cap at 1 the document says it is not complete.
func TestCommentsFileCapped(t *testing.T) {
	requireTool(t, "jq")
	e := start(t, setup{net: func(c *fetch.Config, _ *media.Config) { c.CommentPages = 1 }})
	var post string
	var n int
	for _, p := range e.world.AllPosts() {
		if n = len(e.world.Comments(p.AwemeID)); n > 20 {
			post = p.AwemeID
			break
		}
	}
	if post == "" {
		t.Fatal("no post has over 20 comments")
	}
	out := strings.TrimSpace(e.run("jq", "-r", `[.complete, .count, (.stopped | length > 0)] | map(tostring) | join(" ")`, e.path("comments", post+".json")))
	if out != "false 20 true" {
		t.Errorf("capped document: %q, want complete false, 20 comments of %d, a reason", out, n)
	}
}

// related/<id>/ lists the fake's related posts, named like posts (the
// post id ends the name), one request per page; ffprobe reads a related
// video.
func TestRelatedFolder(t *testing.T) {
	requireTool(t, "ffprobe")
	o := defaultOptions()
	// The fake's related list never ends by default (open fact 17); ended
	// here so the request count is exact. The endless default is capped by
	// network.related_pages (fetch tests).
	o.RelatedEnds = true
	e := start(t, setup{opts: o})
	w := e.world
	real := w.RealVideoPost()
	var post string
	var want []*fakedouyin.Post
	for _, p := range w.AllPosts() {
		rel := w.Related(p.AwemeID)
		if slices.Contains(rel, real) && len(rel) > 20 {
			post, want = p.AwemeID, rel
			break
		}
	}
	if post == "" {
		t.Fatal("no post has the real video among over 20 related posts")
	}
	dir := e.path("related", post)
	e.fake.ResetStats()
	names, err := readDirNames(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range names {
		if strings.HasSuffix(n, ".json") {
			continue // a post's metadata sidecar
		}
		base := strings.TrimSuffix(n, ".mp4")
		ids = append(ids, base[strings.LastIndexAny(base, "_")+1:])
	}
	var wantIDs []string
	for _, p := range want {
		wantIDs = append(wantIDs, p.AwemeID)
	}
	// ls sorts by name; the folder holds the fake's posts, each once.
	slices.Sort(ids)
	slices.Sort(wantIDs)
	if !slices.Equal(ids, wantIDs) {
		t.Fatalf("related/%s lists ids\n%v\nwant\n%v", post, ids, wantIDs)
	}
	if n := e.requests()[pathRelated]; n != pages(len(want)) {
		t.Errorf("%d related requests for %d posts, want %d", n, len(want), pages(len(want)))
	}
	e.fake.ResetStats()
	e.run("ls", dir)
	if n := e.apiCalls(); n != 0 {
		t.Errorf("a second ls made %d API calls: %v", n, e.requests())
	}
	video := e.findEntry(dir, "_"+real.AwemeID+".mp4")
	out := e.run("ffprobe", "-v", "error", "-show_entries", "format=size,duration", "-of", "default=nw=1", filepath.Join(dir, video))
	if !strings.Contains(out, "size="+strconv.FormatInt(real.Video.Size, 10)) || !strings.Contains(out, "duration=") {
		t.Errorf("ffprobe of the related real video: %q", out)
	}

	// The fake's default, a list that never ends: network.related_pages
	// (3 by default) bounds what a listing costs, and each post shows once.
	e.fake.SetOptions(func(o *fakedouyin.Options) { o.RelatedEnds = false })
	other := w.AllPosts()[len(w.AllPosts())-1].AwemeID
	e.fake.ResetStats()
	names, err = readDirNames(e.path("related", other))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, n := range names {
		if !strings.HasSuffix(n, ".json") {
			seen[n] = true
		}
	}
	if n := e.requests()[pathRelated]; n < pages(len(w.Related(other))) || n > int64(fetch.DefaultConfig().RelatedPages) {
		t.Errorf("an endless related list cost %d requests", n)
	}
	if len(seen) != len(w.Related(other)) {
		t.Errorf("an endless related list shows %d posts, want the %d related", len(seen), len(w.Related(other)))
	}
}
