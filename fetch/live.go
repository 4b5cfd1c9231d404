package fetch

import (
	"context"
)

// LiveRoomByWebRID fetches a room by its web id (the number in
// live.douyin.com/<web_rid>, §2.15). A 19-digit id is a room id, not a web
// rid (F2's rule), so it is looked up with LiveRoomByRoomID instead.
// An ended room is not an error: it comes back with Status RoomEnded and no
// stream URLs.
func (c *Client) LiveRoomByWebRID(ctx context.Context, webRID string) (*Room, error) {
	if IsRoomID(webRID) {
		return c.LiveRoomByRoomID(ctx, webRID)
	}
	ep := &epLiveEnter
	body, err := c.call(ctx, ep, []param{{"web_rid", escapeValue(webRID)}, {"room_id_str", ""}}, "")
	if err != nil {
		return nil, c.failed(ep, err)
	}
	r, err := decodeEnter(body, webRID)
	return r, c.failed(ep, wrapEndpoint(ep, err))
}

// LiveRoomByRoomID fetches a room by room id (reflow/info, §2.16), sent
// without the cookie, as F2 means to.
func (c *Client) LiveRoomByRoomID(ctx context.Context, roomID string) (*Room, error) {
	ep := &epLiveReflow
	body, err := c.call(ctx, ep, []param{{"room_id", escapeValue(roomID)}}, "")
	if err != nil {
		return nil, c.failed(ep, err)
	}
	r, err := decodeReflow(body, roomID)
	return r, c.failed(ep, wrapEndpoint(ep, err))
}

// UserLiveStatus asks whether a user (numeric uid, not sec_uid) is live
// now (§2.17).
func (c *Client) UserLiveStatus(ctx context.Context, uid string) (LiveStatus, error) {
	ep := &epUserLiveStatus
	body, err := c.call(ctx, ep, []param{{"user_ids", escapeValue(uid)}, {"distribution_scenes", "254"}}, "")
	if err != nil {
		return LiveStatus{}, c.failed(ep, err)
	}
	st, err := decodeLiveStatus(body)
	return st, c.failed(ep, wrapEndpoint(ep, err))
}
