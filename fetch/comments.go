package fetch

import (
	"context"
	"encoding/json"
	"net/http"
)

// Comments and their replies (§2.14, §4.9).
var (
	epComments       = endpoint{name: "comments", path: "/aweme/v1/web/comment/list/", method: http.MethodGet, set: setWeb, cookie: true}
	epCommentReplies = endpoint{name: "comment_replies", path: "/aweme/v1/web/comment/list/reply/", method: http.MethodGet, set: setWeb, cookie: true}
)

// Comment is one comment on a post, or one reply to a comment.
type Comment struct {
	ID         string // cid
	Text       string
	CreateTime int64 // Unix seconds
	DiggCount  int64
	// ReplyTotal is how many replies Douyin says the comment has
	// (reply_comment_total); 0 for a reply.
	ReplyTotal int64
	// ReplyID is the comment a reply answers ("0" or "" for a comment);
	// ReplyToReplyID the reply it answers within that thread.
	ReplyID, ReplyToReplyID string
	User                    CommentUser
}

// CommentUser is the author of a comment as the comment list carries it.
type CommentUser struct {
	UID, SecUID, UniqueID, Nickname string
}

// Comments lists a post's comments in Douyin's order, at most
// Config.CommentPages pages (a popular post has far more comments than
// anyone reads in a file). Pager.Stopped says whether the list is whole.
func (c *Client) Comments(awemeID string) *Pager[Comment] {
	ep := &epComments
	return NewPager(c.commentPages(ep, func(cursor string) []param {
		return []param{{"aweme_id", escapeValue(awemeID)}, {"cursor", cursor}, c.count(),
			{"item_type", "0"}, {"insert_ids", ""}, {"whale_cut_token", ""}, {"cut_version", "1"}, {"rcFT", ""}}
	}), c.cfg.MaxEmptyPages, c.cfg.CommentPages)
}

// CommentReplies lists the replies to one comment of a post, at most
// Config.CommentPages pages. F2 asks 3 at a time, as the web page does when
// a thread is first opened; the configured page size is used instead, so a
// long thread costs fewer requests.
func (c *Client) CommentReplies(awemeID, commentID string) *Pager[Comment] {
	ep := &epCommentReplies
	return NewPager(c.commentPages(ep, func(cursor string) []param {
		return []param{{"item_id", escapeValue(awemeID)}, {"comment_id", escapeValue(commentID)}, {"cursor", cursor}, c.count(),
			{"item_type", "0"}, {"cut_version", "1"}}
	}), c.cfg.MaxEmptyPages, c.cfg.CommentPages)
}

func (c *Client) commentPages(ep *endpoint, own func(cursor string) []param) PageFunc[Comment] {
	return func(ctx context.Context, cursor string) (Page[Comment], error) {
		body, err := c.call(ctx, ep, own(escapeValue(firstCursor(cursor))), "")
		if err != nil {
			return Page[Comment]{}, c.failed(ep, err)
		}
		page, skipped, err := decodeCommentPage(body, ep.name)
		if err != nil {
			return Page[Comment]{}, c.failed(ep, wrapEndpoint(ep, err))
		}
		c.logSkipped(ep, skipped)
		return page, nil
	}
}

// commentJSON is §4.9's comment object, the fields douyinfs shows.
type commentJSON struct {
	CID            jstr `json:"cid"`
	Text           jstr `json:"text"`
	CreateTime     jint `json:"create_time"`
	DiggCount      jint `json:"digg_count"`
	ReplyTotal     jint `json:"reply_comment_total"`
	ReplyID        jstr `json:"reply_id"`
	ReplyToReplyID jstr `json:"reply_to_reply_id"`
	User           *struct {
		UID      jstr `json:"uid"`
		SecUID   jstr `json:"sec_uid"`
		UniqueID jstr `json:"unique_id"`
		Nickname jstr `json:"nickname"`
	} `json:"user"`
}

// decodeCommentPage decodes a page of comment/list or comment/list/reply
// (§4.4: status_code, comments, has_more, cursor, total). A comment
// without a cid is skipped and counted.
func decodeCommentPage(body []byte, endpoint string) (Page[Comment], int, error) {
	var l struct {
		envelope
		Comments []json.RawMessage `json:"comments"`
		HasMore  jbool             `json:"has_more"`
		Cursor   jstr              `json:"cursor"`
	}
	if err := decodeJSON(body, &l); err != nil {
		return Page[Comment]{}, 0, err
	}
	if err := l.check(endpoint); err != nil {
		return Page[Comment]{}, 0, err
	}
	items, skipped := decodeItems(l.Comments, decodeComment)
	return Page[Comment]{Items: items, Cursor: string(l.Cursor), HasMore: l.HasMore.v}, skipped, nil
}

func decodeComment(raw []byte) (Comment, error) {
	var j commentJSON
	if err := decodeItem(raw, &j); err != nil {
		return Comment{}, err
	}
	if j.CID == "" {
		return Comment{}, ErrMalformed
	}
	cm := Comment{ID: string(j.CID), Text: string(j.Text), CreateTime: int64(j.CreateTime), DiggCount: int64(j.DiggCount),
		ReplyTotal: int64(j.ReplyTotal), ReplyID: string(j.ReplyID), ReplyToReplyID: string(j.ReplyToReplyID)}
	if u := j.User; u != nil {
		cm.User = CommentUser{UID: string(u.UID), SecUID: string(u.SecUID), UniqueID: string(u.UniqueID), Nickname: string(u.Nickname)}
	}
	return cm, nil
}
