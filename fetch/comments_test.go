package fetch

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

func TestDecodeCommentPage(t *testing.T) {
	body := `{"status_code":0,"comments":[
		{"cid":"7300000000000000001","text":"hi \"there\"","create_time":1700000000,"digg_count":"12","reply_comment_total":2,
		 "reply_id":"0","reply_to_reply_id":"0","user":{"uid":123,"sec_uid":"MS4w","unique_id":"u1","nickname":"N"}},
		{"text":"no cid: skipped"},
		{"cid":7300000000000000002,"text":"odd types","create_time":"1700000001","digg_count":null,"user":null}
	],"has_more":true,"cursor":40,"total":99}`
	page, skipped, err := decodeCommentPage([]byte(body), "comments")
	if err != nil {
		t.Fatal(err)
	}
	if skipped != 1 || len(page.Items) != 2 || !page.HasMore || page.Cursor != "40" {
		t.Fatalf("page %+v, skipped %d", page, skipped)
	}
	want := Comment{ID: "7300000000000000001", Text: `hi "there"`, CreateTime: 1700000000, DiggCount: 12, ReplyTotal: 2,
		ReplyID: "0", ReplyToReplyID: "0", User: CommentUser{UID: "123", SecUID: "MS4w", UniqueID: "u1", Nickname: "N"}}
	if page.Items[0] != want {
		t.Errorf("comment\n%+v\nwant\n%+v", page.Items[0], want)
	}
	// A 19-digit number id keeps every digit.
	if c := page.Items[1]; c.ID != "7300000000000000002" || c.CreateTime != 1700000001 || c.User != (CommentUser{}) {
		t.Errorf("second comment %+v", c)
	}

	// Douyin's empty list: comments null, has_more 0.
	page, _, err = decodeCommentPage([]byte(`{"status_code":0,"comments":null,"has_more":0,"cursor":0,"total":0}`), "comments")
	if err != nil || len(page.Items) != 0 || page.HasMore {
		t.Errorf("empty list: %+v %v", page, err)
	}

	// Error shapes: a business error is a *StatusError naming the
	// endpoint; a cut body is ErrMalformed; a top-level type mismatch too.
	_, _, err = decodeCommentPage([]byte(`{"status_code":5,"status_msg":"参数不合法"}`), "comment_replies")
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 5 || se.Endpoint != "comment_replies" {
		t.Errorf("status 5: %v", err)
	}
	for _, bad := range []string{`{"status_code":0,"comments":[{"cid":"1"`, `[]`, `{"comments":{"cid":"1"}}`} {
		if _, _, err := decodeCommentPage([]byte(bad), "comments"); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", bad, err)
		}
	}
}

// The comments and replies requests carry the spec's parameters in its
// order (Appendix A) after the base set, signed.
func TestCommentRequests(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		switch r.URL.Path {
		case "/aweme/v1/web/comment/list/":
			if r.URL.Query().Get("cursor") == "0" {
				okJSON(w, `{"status_code":0,"comments":[{"cid":"11","reply_comment_total":1}],"has_more":1,"cursor":20,"total":2}`)
				return
			}
			okJSON(w, `{"status_code":0,"comments":[{"cid":"12"}],"has_more":0,"cursor":21,"total":2}`)
		case "/aweme/v1/web/comment/list/reply/":
			okJSON(w, `{"status_code":0,"comments":[{"cid":"13","reply_id":"11"}],"has_more":0,"cursor":1,"total":1}`)
		default:
			http.NotFound(w, r)
		}
	})
	c := s.client(t)
	ctx := testCtx(t)
	got := all(ctx, t, c.Comments("7123"))
	if len(got) != 2 || got[0].ID != "11" || got[1].ID != "12" || got[0].ReplyTotal != 1 {
		t.Fatalf("comments %+v", got)
	}
	replies := all(ctx, t, c.CommentReplies("7123", "11"))
	if len(replies) != 1 || replies[0].ReplyID != "11" {
		t.Fatalf("replies %+v", replies)
	}
	own := func(raw string) string {
		q, param, _ := splitSig(t, raw)
		if param != "a_bogus" {
			t.Errorf("signed with %s", param)
		}
		_, after, ok := strings.Cut(q, "&msToken="+testMsToken+"&")
		if !ok || !strings.HasPrefix(q, "device_platform=webapp&aid=6383&") {
			t.Errorf("not the web base set: %s", q)
		}
		return after
	}
	reqs := s.requests("/aweme/v1/web/comment/list/")
	if len(reqs) != 2 {
		t.Fatalf("%d comment pages requested, want 2", len(reqs))
	}
	if got, want := own(reqs[0].rawQuery), "aweme_id=7123&cursor=0&count=20&item_type=0&insert_ids=&whale_cut_token=&cut_version=1&rcFT="; got != want {
		t.Errorf("comments query\n%s\nwant\n%s", got, want)
	}
	if got := own(reqs[1].rawQuery); !strings.HasPrefix(got, "aweme_id=7123&cursor=20&") {
		t.Errorf("second page does not follow the cursor: %s", got)
	}
	rr := s.requests("/aweme/v1/web/comment/list/reply/")
	if len(rr) != 1 {
		t.Fatalf("%d reply pages", len(rr))
	}
	if got, want := own(rr[0].rawQuery), "item_id=7123&comment_id=11&cursor=0&count=20&item_type=0&cut_version=1"; got != want {
		t.Errorf("replies query\n%s\nwant\n%s", got, want)
	}
}

// Against the fake: every comment and reply of a post, in its order, one
// request per page, and the page cap stops a long list early.
func TestFakeComments(t *testing.T) {
	s := startFake(t, fakedouyin.NewDefault())
	w := s.World()
	c := fakeClient(t, s, w.LoginCookie)
	ctx := testCtx(t)
	var post string
	for _, p := range w.AllPosts() {
		cs := w.Comments(p.AwemeID)
		if len(cs) > 20 && slices.ContainsFunc(cs, func(c *fakedouyin.Comment) bool { return len(c.Replies) > 20 }) {
			post = p.AwemeID
			break
		}
	}
	if post == "" {
		t.Fatal("the fake world has no post with over 20 comments and a thread of over 20 replies")
	}
	want := w.Comments(post)
	s.ResetStats()
	p := c.Comments(post)
	got := all(ctx, t, p)
	if p.Stopped() != StopEnd {
		t.Errorf("stopped: %v", p.Stopped())
	}
	if len(got) != len(want) {
		t.Fatalf("%d comments, want %d", len(got), len(want))
	}
	replyPages := int64(0)
	for i, g := range got {
		if g.ID != want[i].CID || g.Text != want[i].Text || g.User.SecUID != want[i].User.SecUID || g.ReplyTotal != int64(len(want[i].Replies)) {
			t.Fatalf("comment %d: %+v, want %+v", i, g, *want[i])
		}
		if g.ReplyTotal == 0 {
			continue
		}
		rs := all(ctx, t, c.CommentReplies(post, g.ID))
		replyPages += int64((len(want[i].Replies) + 19) / 20)
		if len(rs) != len(want[i].Replies) {
			t.Fatalf("comment %s: %d replies, want %d", g.ID, len(rs), len(want[i].Replies))
		}
		for j, r := range rs {
			if r.ID != want[i].Replies[j].CID || r.ReplyID != g.ID {
				t.Errorf("reply %d of %s: %+v", j, g.ID, r)
			}
		}
	}
	st := s.Stats()
	if st.Requests["/aweme/v1/web/comment/list/"] != int64((len(want)+19)/20) || st.Requests["/aweme/v1/web/comment/list/reply/"] != replyPages || st.Rejected != 0 {
		t.Errorf("requests %v (rejected %v), want %d comment pages and %d reply pages", st.Requests, st.RejectReasons, (len(want)+19)/20, replyPages)
	}

	// A cap of one page: the first 20, and the pager says it stopped early.
	capped := fakeClient(t, s, w.LoginCookie, func(cfg *Config) { cfg.CommentPages = 1 })
	p = capped.Comments(post)
	if got := all(ctx, t, p); len(got) != 20 || p.Stopped() != StopMaxPages || !p.Stopped().Early() {
		t.Errorf("capped: %d comments, stopped %v", len(got), p.Stopped())
	}
	if _, err := p.Next(ctx); err != io.EOF {
		t.Errorf("after the cap: %v", err)
	}
}
