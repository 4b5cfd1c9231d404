package fetch

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// Related posts (§2.13).
var epRelated = endpoint{name: "related", path: "/aweme/v1/web/aweme/related/", method: http.MethodGet, set: setWeb, cookie: true}

// Related lists posts Douyin recommends beside a post, at most
// Config.RelatedPages pages: whether the list ever ends is an open fact
// (§11 fact 17), so it is always capped.
//
// The list has no cursor: each request names in filterGids the posts not
// to show again, the first one the post itself ("<id>,"), each later one
// the ids of the page before (only that page, as F2 does; §3.4 says
// earlier posts may come back). The pager's cursor is that filterGids
// value, so a page that repeats the previous one stops the pager.
func (c *Client) Related(awemeID string) *Pager[Post] {
	ep := &epRelated
	return NewPager(func(ctx context.Context, cursor string) (Page[Post], error) {
		filter := cursor
		if filter == "" {
			filter = awemeID + ","
		}
		own := []param{{"aweme_id", escapeValue(awemeID)}, c.count(), {"filterGids", escapeValue(filter)},
			{"awemePcRecRawData", "%7B%22is_client%22%3A%22false%22%7D"}, // pre-encoded, as F2 sends it
			{"sub_channel_id", "3"}}
		body, err := c.call(ctx, ep, own, "")
		if err != nil {
			return Page[Post]{}, c.failed(ep, err)
		}
		page, skipped, err := decodeRelatedPage(body, ep.name, c.cfg.VideoQuality)
		if err != nil {
			return Page[Post]{}, c.failed(ep, wrapEndpoint(ep, err))
		}
		c.logSkipped(ep, skipped)
		return page, nil
	}, c.cfg.MaxEmptyPages, c.cfg.RelatedPages)
}

// decodeRelatedPage decodes a page of aweme/related (aweme_list, has_more).
// Its cursor is the next filterGids: every id the page carried, posts that
// could not be shown included, since Douyin must not send those again
// either.
func decodeRelatedPage(body []byte, endpoint, quality string) (Page[Post], int, error) {
	l, err := decodeList(body, endpoint)
	if err != nil {
		return Page[Post]{}, 0, err
	}
	items, skipped := decodeItems(l.AwemeList, func(raw []byte) (Post, error) { return decodePost(raw, quality) })
	var ids []string
	for _, raw := range l.AwemeList {
		var it struct {
			ID jstr `json:"aweme_id"`
		}
		if json.Unmarshal(raw, &it) == nil && it.ID != "" {
			ids = append(ids, string(it.ID))
		}
	}
	return Page[Post]{Items: items, Cursor: strings.Join(ids, ","), HasMore: l.HasMore.v}, skipped, nil
}
