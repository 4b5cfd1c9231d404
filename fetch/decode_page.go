package fetch

import "encoding/json"

// listJSON is the envelope of every cursor list (spec §4.4): the items sit
// under one of three keys, the next cursor under max_cursor (posts, likes)
// or cursor (everything else), has_more as 0/1 or a bool.
type listJSON struct {
	envelope
	HasMore      jbool             `json:"has_more"`
	MaxCursor    jstr              `json:"max_cursor"`
	Cursor       jstr              `json:"cursor"`
	AwemeList    []json.RawMessage `json:"aweme_list"`
	CollectsList []json.RawMessage `json:"collects_list"`
	MixInfos     []json.RawMessage `json:"mix_infos"`
}

// Which response field holds the next cursor.
const (
	cursorMax   = "max_cursor"
	cursorPlain = "cursor"
)

func decodeList(body []byte, endpoint string) (listJSON, error) {
	var l listJSON
	if err := decodeJSON(body, &l); err != nil {
		return l, err
	}
	return l, l.check(endpoint)
}

// next returns the next cursor from the field the endpoint uses, falling
// back to the other one.
func (l *listJSON) next(field string) string {
	if field == cursorMax {
		return firstNonEmpty(string(l.MaxCursor), string(l.Cursor))
	}
	return firstNonEmpty(string(l.Cursor), string(l.MaxCursor))
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// decodeItems decodes raw items with fn. An item that cannot be decoded
// (no id) is skipped and counted rather than failing the page: the rest of
// the page is still good, and the caller logs the count.
func decodeItems[T any](raws []json.RawMessage, fn func([]byte) (T, error)) (items []T, skipped int) {
	items = make([]T, 0, len(raws))
	for _, raw := range raws {
		it, err := fn(raw)
		if err != nil {
			skipped++
			continue
		}
		items = append(items, it)
	}
	return items, skipped
}

// decodePostPage decodes a page of posts (posts, likes, favourites, folder
// videos, mix videos).
func decodePostPage(body []byte, endpoint, cursorField, quality string) (Page[Post], int, error) {
	l, err := decodeList(body, endpoint)
	if err != nil {
		return Page[Post]{}, 0, err
	}
	items, skipped := decodeItems(l.AwemeList, func(raw []byte) (Post, error) { return decodePost(raw, quality) })
	return Page[Post]{Items: items, Cursor: l.next(cursorField), HasMore: l.HasMore.v}, skipped, nil
}

// decodeMixPage decodes a page of /aweme/v1/web/mix/list/.
func decodeMixPage(body []byte, endpoint string) (Page[Mix], int, error) {
	l, err := decodeList(body, endpoint)
	if err != nil {
		return Page[Mix]{}, 0, err
	}
	items, skipped := decodeItems(l.MixInfos, decodeMix)
	return Page[Mix]{Items: items, Cursor: l.next(cursorPlain), HasMore: l.HasMore.v}, skipped, nil
}

// decodeFolderPage decodes a page of /aweme/v1/web/collects/list/.
func decodeFolderPage(body []byte, endpoint string) (Page[CollectFolder], int, error) {
	l, err := decodeList(body, endpoint)
	if err != nil {
		return Page[CollectFolder]{}, 0, err
	}
	items, skipped := decodeItems(l.CollectsList, decodeFolder)
	return Page[CollectFolder]{Items: items, Cursor: l.next(cursorPlain), HasMore: l.HasMore.v}, skipped, nil
}

// decodeDetail decodes /aweme/v1/web/aweme/detail/. A null aweme_detail is
// a post Douyin will not show: deleted, private or hidden; filter_detail
// says why, and the error carries it.
func decodeDetail(body []byte, awemeID, quality string) (*Post, error) {
	var resp struct {
		envelope
		AwemeDetail  json.RawMessage `json:"aweme_detail"`
		FilterDetail *struct {
			AwemeID      jstr `json:"aweme_id"`
			FilterReason jstr `json:"filter_reason"`
			DetailMsg    jstr `json:"detail_msg"`
			Notice       jstr `json:"notice"`
		} `json:"filter_detail"`
	}
	if err := decodeJSON(body, &resp); err != nil {
		return nil, err
	}
	if err := resp.check(epPostDetail.name); err != nil {
		return nil, err
	}
	if len(resp.AwemeDetail) == 0 || string(resp.AwemeDetail) == "null" {
		nf := &NotFoundError{Kind: KindPost, ID: awemeID, Reason: "no aweme_detail"}
		if fd := resp.FilterDetail; fd != nil {
			nf.Reason = firstNonEmpty(string(fd.FilterReason), nf.Reason)
			nf.Msg = firstNonEmpty(string(fd.DetailMsg), string(fd.Notice))
		}
		return nil, nf
	}
	p, err := decodePost(resp.AwemeDetail, quality)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// decodeFeed decodes a home feed response (tab/feed, module/feed): a list
// of posts without a usable cursor.
func decodeFeed(body []byte, endpoint, quality string) ([]Post, int, error) {
	l, err := decodeList(body, endpoint)
	if err != nil {
		return nil, 0, err
	}
	items, skipped := decodeItems(l.AwemeList, func(raw []byte) (Post, error) { return decodePost(raw, quality) })
	return items, skipped, nil
}
