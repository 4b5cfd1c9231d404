package fakedouyin

import (
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"strconv"
)

// Comment is one comment on a post, or one reply to a comment.
type Comment struct {
	CID        string
	Text       string
	CreateTime int64
	DiggCount  int64
	User       *User
	// Replies are a comment's replies in the order the reply list serves
	// them; nil for a reply.
	Replies []*Comment
	// ReplyID is the comment a reply belongs to ("0" for a comment);
	// ReplyToReplyID the reply it answers within that thread ("0": the
	// comment itself).
	ReplyID, ReplyToReplyID string
}

// Comments returns a post's comments, hottest first, with their replies.
// They are not stored: each call derives them from the world key and the
// post id, so the same seed gives the same comments and a world of
// thousands of posts costs nothing until one is asked for. Up to 44 per
// post, so some posts need several pages of 20; about a quarter of the
// comments have replies, up to 30, so some threads need several pages
// too. Texts carry what JSON must escape (quotes, backslashes, line
// breaks) and non-ASCII text. A hidden or unknown post has none.
func (w *World) Comments(awemeID string) []*Comment {
	p, ok := w.Post(awemeID)
	if !ok || p.hidden() || len(w.Users) == 0 {
		return nil
	}
	rng := w.rngFor("comments", awemeID)
	n := rng.IntN(45)
	cs := make([]*Comment, n)
	digg := int64(n*50 + rng.IntN(100))
	t := p.CreateTime
	for i := range cs {
		digg -= int64(1 + rng.IntN(50))
		t += int64(1 + rng.IntN(3600))
		c := w.comment(rng, i, t, max(digg, 0), "0", "0")
		if rng.IntN(4) == 0 {
			k := 1 + rng.IntN(30)
			rt := t
			for j := 0; j < k; j++ {
				rt += int64(1 + rng.IntN(600))
				to := "0"
				if j > 0 && rng.IntN(3) == 0 {
					to = c.Replies[rng.IntN(j)].CID
				}
				c.Replies = append(c.Replies, w.comment(rng, j, rt, int64(rng.IntN(20)), c.CID, to))
			}
		}
		cs[i] = c
	}
	return cs
}

var commentTexts = []string{
	"拍得真好 👍",
	"第一！",
	`他说 "再来一遍" \ 好的`,
	"line one\nline two",
	"<b>not html</b> & more",
	"tab\there",
	"太好看了吧😂😂",
	"plain ascii comment",
}

func (w *World) comment(rng *rand.Rand, i int, t, digg int64, replyID, toReply string) *Comment {
	u := w.Users[rng.IntN(len(w.Users))]
	return &Comment{
		CID:        strconv.FormatUint(7e18+rng.Uint64N(1e18), 10), // 19 digits, as Douyin's
		Text:       commentTexts[rng.IntN(len(commentTexts))] + " #" + strconv.Itoa(i+1),
		CreateTime: t, DiggCount: digg, User: u,
		ReplyID: replyID, ReplyToReplyID: toReply,
	}
}

// rngFor is a random source derived from the world key and the parts, for
// data made on demand.
func (w *World) rngFor(purpose string, parts ...string) *rand.Rand {
	b, _ := hex.DecodeString(w.mac(purpose, parts...))
	return rand.New(rand.NewPCG(binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:16])))
}

// commentByID finds one of a post's comments (not a reply).
func (w *World) commentByID(awemeID, cid string) (*Comment, bool) {
	for _, c := range w.Comments(awemeID) {
		if c.CID == cid {
			return c, true
		}
	}
	return nil, false
}

// comments answers /aweme/v1/web/comment/list/ (§2.14): pages of 20 at
// most by an offset cursor, hottest first. Like the real list, an empty
// one carries comments null.
func (c *apiCtx) comments() obj {
	cursor, count, ok := c.pageArgs("cursor")
	if !ok {
		return c.paramError()
	}
	id := c.q["aweme_id"]
	all := c.s.world.Comments(id)
	items, next, more := offsetPage(all, cursor, count)
	return c.commentPage(id, len(all), items, len(all), next, more)
}

// commentReplies answers /aweme/v1/web/comment/list/reply/.
func (c *apiCtx) commentReplies() obj {
	cursor, count, ok := c.pageArgs("cursor")
	if !ok {
		return c.paramError()
	}
	id := c.q["item_id"]
	var all []*Comment
	if cm, ok := c.s.world.commentByID(id, c.q["comment_id"]); ok {
		all = cm.Replies
	}
	items, next, more := offsetPage(all, cursor, count)
	return c.commentPage(id, len(c.s.world.Comments(id)), items, len(all), next, more)
}

// commentPage is one page of comments or replies; postTotal is the
// post's number of comments, total the list's.
func (c *apiCtx) commentPage(awemeID string, postTotal int, items []*Comment, total int, next int64, more bool) obj {
	var list any // null when empty, as Douyin sends it
	if len(items) > 0 {
		l := make([]any, len(items))
		for i, cm := range items {
			l[i] = c.commentJSON(awemeID, postTotal, cm)
		}
		list = l
	}
	return envelope(c.now, c.logid, obj{"status_code": 0, "status_msg": "", "comments": list,
		"has_more": boolInt(more), "cursor": next, "total": total,
		"reply_style": 2, "fast_response_comment": obj{}, "comment_config": obj{}})
}

// commentJSON is a comment as §4.9 describes it.
func (c *apiCtx) commentJSON(awemeID string, postTotal int, cm *Comment) obj {
	var first any
	if len(cm.Replies) > 0 {
		r := cm.Replies[0]
		first = []any{obj{"cid": r.CID, "text": r.Text, "create_time": r.CreateTime, "reply_id": r.ReplyID,
			"user": obj{"uid": r.User.UID, "nickname": r.User.Nickname}}}
	}
	return obj{
		"cid":         cm.CID,
		"text":        cm.Text,
		"aweme_id":    awemeID,
		"create_time": cm.CreateTime,
		"digg_count":  cm.DiggCount,
		"status":      1,
		"user": obj{"uid": cm.User.UID, "sec_uid": cm.User.SecUID, "unique_id": cm.User.UniqueID,
			"nickname": cm.User.Nickname, "avatar_thumb": c.u.imageObj(cm.User.Avatar, 2, 100)},
		"reply_id":            cm.ReplyID,
		"reply_to_reply_id":   cm.ReplyToReplyID,
		"reply_comment":       first,
		"reply_comment_total": len(cm.Replies),
		"is_hot":              cm.DiggCount > 1000,
		"item_comment_total":  postTotal,
		"can_share":           true,
		"label_list":          nil,
		"ip_label":            "广东",
	}
}
