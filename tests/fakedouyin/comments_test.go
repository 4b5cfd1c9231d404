package fakedouyin

import (
	"strings"
	"testing"
)

// Comments are the same for the same seed, served by page with replies on
// their own list, and refused like every www endpoint without a browser's
// cookie.
func TestComments(t *testing.T) {
	s := startServer(t, Options{Seed: 7})
	w := s.World()
	var post string
	var comments []*Comment
	for _, p := range w.AllPosts() {
		if cs := w.Comments(p.AwemeID); len(cs) > 20 {
			post, comments = p.AwemeID, cs
			break
		}
	}
	if post == "" {
		t.Fatal("no post has over 20 comments")
	}
	again := startServer(t, Options{Seed: 7}).World().Comments(post)
	if len(again) != len(comments) || again[0].CID != comments[0].CID || again[len(again)-1].Text != comments[len(comments)-1].Text {
		t.Error("the same seed gave other comments")
	}

	c := newClient(t, s)
	own := "aweme_id=" + post + "&cursor=%d&count=20&item_type=0&insert_ids=&whale_cut_token=&cut_version=1&rcFT="
	var got []string
	cursor := 0
	for page := 0; ; page++ {
		v := c.webJSON("/aweme/v1/web/comment/list/", strings.Replace(own, "%d", itoa(cursor), 1))
		if i64(v["total"]) != int64(len(comments)) {
			t.Fatalf("total %v, want %d", v["total"], len(comments))
		}
		list, _ := v["comments"].([]any)
		for _, cm := range list {
			got = append(got, str(path(cm, "cid")))
		}
		cursor = int(i64(v["cursor"]))
		if i64(v["has_more"]) == 0 {
			break
		}
		if page > 10 {
			t.Fatal("the list does not end")
		}
	}
	if len(got) != len(comments) {
		t.Fatalf("%d comments served, want %d", len(got), len(comments))
	}
	for i, cm := range comments {
		if got[i] != cm.CID {
			t.Fatalf("comment %d is %s, want %s", i, got[i], cm.CID)
		}
	}
	for _, cm := range comments {
		if len(cm.Replies) == 0 {
			continue
		}
		v := c.webJSON("/aweme/v1/web/comment/list/reply/", "item_id="+post+"&comment_id="+cm.CID+"&cursor=0&count=20&item_type=0&cut_version=1")
		list, _ := v["comments"].([]any)
		if want := min(len(cm.Replies), 20); len(list) != want || str(path(list[0], "reply_id")) != cm.CID {
			t.Errorf("replies of %s: %d, want %d", cm.CID, len(list), want)
		}
		break
	}
	// A post without comments: comments null, as Douyin sends it.
	for _, p := range w.AllPosts() {
		if len(w.Comments(p.AwemeID)) == 0 {
			v := c.webJSON("/aweme/v1/web/comment/list/", "aweme_id="+p.AwemeID+"&cursor=0&count=20&item_type=0&insert_ids=&whale_cut_token=&cut_version=1&rcFT=")
			if v["comments"] != nil || i64(v["has_more"]) != 0 {
				t.Errorf("empty list: %v", v)
			}
			break
		}
	}
	d := *c
	d.cookie = ""
	if r := d.web("/aweme/v1/web/comment/list/", "aweme_id="+post+"&cursor=0&count=20"); len(r.body) != 0 {
		t.Errorf("no cookie: %d bytes, want the empty refusal", len(r.body))
	}
}

// Related posts walk by filterGids, repeat without it, and never end unless
// Options.RelatedEnds.
func TestRelated(t *testing.T) {
	s := startServer(t, Options{Seed: 8})
	w := s.World()
	id := w.AllPosts()[2].AwemeID
	want := w.Related(id)
	c := newClient(t, s)
	q := func(filter string) map[string]any {
		return c.webJSON("/aweme/v1/web/aweme/related/", "aweme_id="+id+"&count=5&filterGids="+filter+"&awemePcRecRawData=%7B%22is_client%22%3A%22false%22%7D&sub_channel_id=3")
	}
	first := ids(q(id + "%2C"))
	if len(first) != 5 || first[0] != want[0].AwemeID {
		t.Fatalf("first page %v", first)
	}
	if again := ids(q("")); strings.Join(again, ",") != strings.Join(first, ",") {
		t.Errorf("without filterGids: %v, want the first page again", again)
	}
	second := ids(q(strings.Join(first, "%2C")))
	if second[0] != want[5].AwemeID {
		t.Errorf("second page %v, want it to start at %s", second, want[5].AwemeID)
	}
	var last []string
	for _, p := range want[len(want)-3:] {
		last = append(last, p.AwemeID)
	}
	end := q(strings.Join(last, "%2C"))
	if i64(end["has_more"]) != 1 || ids(end)[0] != want[0].AwemeID {
		t.Errorf("past the end: has_more %v, %v; want it to start over", end["has_more"], ids(end))
	}
	s.SetOptions(func(o *Options) { o.RelatedEnds = true })
	if end := q(strings.Join(last, "%2C")); i64(end["has_more"]) != 0 || len(ids(end)) != 0 {
		t.Errorf("RelatedEnds past the end: %v", end)
	}
	for _, p := range want {
		if p.AwemeID == id {
			t.Error("a post is related to itself")
		}
	}
}
