package tree

import (
	"context"
	"encoding/json"
	"slices"
	"syscall"
	"testing"

	"github.com/douyinfs/douyinfs/fetch"
)

// comments/<id>.json is reached by name only: one document with every
// comment and its replies, one call per page; the root lists neither
// comments/ nor related/.
func TestCommentsFile(t *testing.T) {
	api := world()
	api.comments[videoID] = []fetch.Comment{
		{ID: "1", Text: `a "quoted" <b>`, ReplyTotal: 3, User: fetch.CommentUser{Nickname: "x"}},
		{ID: "2", Text: "line\nbreak"},
		{ID: "3", Text: "三"},
	}
	api.comments[videoID+"/1"] = []fetch.Comment{{ID: "11", ReplyID: "1", ReplyToReplyID: "0"}, {ID: "12", ReplyID: "1", ReplyToReplyID: "11"}, {ID: "13", ReplyID: "1"}}
	tr := worldTree(t, api, nil)
	ctx := context.Background()
	for _, e := range ls(t, tr.Root()) {
		if e.Name == nameComments || e.Name == nameRelated {
			t.Errorf("the root lists %s", e.Name)
		}
	}
	c, errno := tr.Root().Lookup(ctx, nameComments)
	if errno != 0 {
		t.Fatal(errno)
	}
	dir := c.Node.(Folder)
	if es := ls(t, dir); len(es) != 0 {
		t.Errorf("comments/ lists %v", es)
	}
	for _, bad := range []string{videoID, "7399999999999999999.json", "x.json"} {
		if _, errno := dir.Lookup(ctx, bad); errno != syscall.ENOENT {
			t.Errorf("%s: %v, want ENOENT", bad, errno)
		}
	}
	f, errno := dir.Lookup(ctx, videoID+".json")
	if errno != 0 {
		t.Fatal(errno)
	}
	bf := f.Node.(*BytesFile)
	b, err := bf.Content(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var doc commentsDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if !doc.Complete || doc.Count != 3 || doc.AwemeID != videoID || doc.Comments[0].Text != `a "quoted" <b>` {
		t.Fatalf("document %s", b)
	}
	var replies []string
	for _, r := range doc.Comments[0].Replies {
		replies = append(replies, r.CID)
	}
	if !slices.Equal(replies, []string{"11", "12", "13"}) || doc.Comments[0].Replies[1].ReplyToReplyID != "11" ||
		doc.Comments[0].RepliesComplete == nil || !*doc.Comments[0].RepliesComplete || doc.Comments[1].Replies != nil {
		t.Errorf("replies in %s", b)
	}
	// Pages of 2: comments 2 pages, replies 2 pages; reading again costs
	// nothing (stat then read see the same bytes).
	if api.n("comments") != 2 || api.n("replies") != 2 {
		t.Errorf("calls %v", api.calls)
	}
	again, _ := bf.Content(ctx)
	if string(again) != string(b) || api.n("comments") != 2 {
		t.Errorf("a second read rendered again (%d comment calls)", api.n("comments"))
	}
}

// related/<id>/ lists the related posts named like posts.
func TestRelatedFolder(t *testing.T) {
	api := world()
	api.lists["related:"+videoID] = []fetch.Post{*api.posts[slideID], video("7300000000000000009", bobID, 1697880000)}
	tr := worldTree(t, api, nil)
	ctx := context.Background()
	c, errno := tr.Root().Lookup(ctx, nameRelated)
	if errno != 0 {
		t.Fatal(errno)
	}
	dir := c.Node.(Folder)
	if _, errno := dir.Lookup(ctx, "7399999999999999999"); errno != syscall.ENOENT {
		t.Errorf("unknown post: %v, want ENOENT", errno)
	}
	r, errno := dir.Lookup(ctx, videoID)
	if errno != 0 || !r.Dir {
		t.Fatalf("related/%s: %v", videoID, errno)
	}
	var names []string
	for _, e := range ls(t, r.Node.(Folder)) {
		names = append(names, e.Name)
	}
	want := []string{tr.names.postBase(api.posts[slideID])}
	v9 := video("7300000000000000009", bobID, 1697880000)
	want = append(want, tr.names.postBase(&v9)+suffixVideo)
	if !slices.Equal(names, want) {
		t.Errorf("related lists %v, want %v", names, want)
	}
}
