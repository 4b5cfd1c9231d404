package tree

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"syscall"

	"github.com/douyinfs/douyinfs/fetch"
)

const (
	nameComments   = "comments"
	suffixComments = ".json"
)

// commentsFolder is comments/: <aweme_id>.json is that post's comments
// with their replies, one JSON document. Nothing is listed (there is no
// list of posts to show); any post is reached by name.
//
// The document is rendered when it is looked up and kept for
// MetadataTTL, so the size a program stats is the size it reads (rsync
// -a copies it byte-exact); the kernel keeps no copy past that either.
func (t *Tree) commentsFolder(key string) *ByID {
	return &ByID{key: key, t: t,
		resolve: func(ctx context.Context, name string) (Child, syscall.Errno) {
			id, ok := strings.CutSuffix(name, suffixComments)
			if !ok || !fetch.IsAwemeID(id) {
				return Child{}, syscall.ENOENT
			}
			// The post first: a post Douyin does not know has no
			// comments file, rather than an empty one.
			p, err := t.post(ctx, id)
			if err != nil {
				return Child{}, t.Fail("lookup", "comments/"+name, err)
			}
			doc := func(ctx context.Context) ([]byte, error) {
				return t.comments.get(ctx, id, func(ctx context.Context) ([]byte, error) {
					ctx, cancel := t.APIContext(ctx)
					defer cancel()
					return t.renderComments(ctx, id)
				})
			}
			if _, err := doc(ctx); err != nil {
				return Child{}, t.Fail("lookup", "comments/"+name, err)
			}
			return Child{Entry: Entry{Name: name, Key: keyChild(key, "comments", id)},
				Node: &BytesFile{Mtime: p.CreateTime, What: "comments of " + id, Content: doc}}, 0
		}}
}

// commentsDoc is comments/<aweme_id>.json. Complete is false when a page
// cap (network.comment_pages) or a misbehaving list cut the comments or
// any thread of replies short; Stopped then says why.
type commentsDoc struct {
	AwemeID  string       `json:"aweme_id"`
	Complete bool         `json:"complete"`
	Stopped  string       `json:"stopped,omitempty"`
	Count    int          `json:"count"`
	Comments []commentDoc `json:"comments"`
}

type commentDoc struct {
	CID             string         `json:"cid"`
	Text            string         `json:"text"`
	CreateTime      int64          `json:"create_time"`
	DiggCount       int64          `json:"digg_count"`
	User            commentUserDoc `json:"user"`
	ReplyToReplyID  string         `json:"reply_to_reply_id,omitempty"`
	ReplyTotal      int64          `json:"reply_total"`
	RepliesComplete *bool          `json:"replies_complete,omitempty"`
	Replies         []commentDoc   `json:"replies,omitempty"`
}

type commentUserDoc struct {
	UID      string `json:"uid"`
	SecUID   string `json:"sec_uid"`
	UniqueID string `json:"unique_id"`
	Nickname string `json:"nickname"`
}

func toCommentDoc(c fetch.Comment) commentDoc {
	d := commentDoc{CID: c.ID, Text: c.Text, CreateTime: c.CreateTime, DiggCount: c.DiggCount, ReplyTotal: c.ReplyTotal,
		User: commentUserDoc{UID: c.User.UID, SecUID: c.User.SecUID, UniqueID: c.User.UniqueID, Nickname: c.User.Nickname}}
	if c.ReplyToReplyID != "0" {
		d.ReplyToReplyID = c.ReplyToReplyID
	}
	return d
}

// renderComments fetches a post's comments, then the replies of each
// comment that has some, one request per page, and renders the document.
func (t *Tree) renderComments(ctx context.Context, id string) ([]byte, error) {
	doc := commentsDoc{AwemeID: id, Complete: true, Comments: []commentDoc{}}
	stop := func(what string, r fetch.StopReason) {
		if r.Early() && doc.Complete {
			doc.Complete, doc.Stopped = false, what+": "+r.String()
		}
	}
	cs, reason, err := drain(ctx, t.api.Comments(id))
	if err != nil {
		return nil, err
	}
	stop("comments", reason)
	for _, c := range cs {
		d := toCommentDoc(c)
		if c.ReplyTotal > 0 {
			rs, reason, err := drain(ctx, t.api.CommentReplies(id, c.ID))
			if err != nil {
				return nil, err
			}
			stop("replies of "+c.ID, reason)
			whole := !reason.Early()
			d.RepliesComplete = &whole
			for _, r := range rs {
				d.Replies = append(d.Replies, toCommentDoc(r))
			}
		}
		doc.Comments = append(doc.Comments, d)
	}
	doc.Count = len(doc.Comments)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // comments are text, not HTML
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// drain reads a pager to its end and says why it stopped.
func drain[T any](ctx context.Context, p *fetch.Pager[T]) ([]T, fetch.StopReason, error) {
	var out []T
	for {
		items, err := p.Next(ctx)
		if err == io.EOF {
			return out, p.Stopped(), nil
		}
		if err != nil {
			return nil, 0, err
		}
		out = append(out, items...)
	}
}
