package fetch

import (
	"encoding/json"
	"strconv"
	"strings"
)

// roomJSON is a live room: data.data[0] of web/enter, data.room of
// reflow/info, and the room_data a live user's profile carries.
type roomJSON struct {
	ID           jstr         `json:"id"`
	IDStr        jstr         `json:"id_str"`
	Status       jint         `json:"status"`
	Title        jstr         `json:"title"`
	Owner        *userJSON    `json:"owner"`
	UserCount    jint         `json:"user_count"`
	UserCountStr jstr         `json:"user_count_str"`
	CreateTime   jint         `json:"create_time"`
	FinishTime   jint         `json:"finish_time"`
	Cover        *urlListJSON `json:"cover"`
	Stats        *struct {
		UserCountStr jstr `json:"user_count_str"`
	} `json:"stats"`
	StreamURL *struct {
		FLV map[string]jstr `json:"flv_pull_url"`
		HLS map[string]jstr `json:"hls_pull_url_map"`
	} `json:"stream_url"`
}

// decodeRoom turns a room object into a Room. Stream URLs are kept only
// while the room is live (status 2): an ended room still lists its old
// pull URLs (see reflow_info_ended.json), and nothing should try them.
// UserCount is user_count, else the display count ("1109", "1万+" → 10000).
func decodeRoom(raw []byte, webRID string) (Room, error) {
	var r roomJSON
	if err := decodeItem(raw, &r); err != nil {
		return Room{}, err
	}
	out := Room{
		RoomID:     firstID(r.IDStr, r.ID),
		WebRID:     webRID,
		Status:     int(r.Status),
		Title:      string(r.Title),
		CreateTime: int64(r.CreateTime),
		FinishTime: int64(r.FinishTime),
		UserCount:  int64(r.UserCount),
		CoverURLs:  r.Cover.list(),
		Raw:        json.RawMessage(raw),
	}
	if r.Owner != nil {
		o := r.Owner.toUser()
		out.Owner = User{UID: o.UID, SecUID: o.SecUID, UniqueID: o.UniqueID, Nickname: o.Nickname, Signature: o.Signature, AvatarURLs: o.AvatarURLs}
		if w := firstID(r.Owner.WebRID); w != "" {
			out.WebRID = w
		}
	}
	if out.UserCount == 0 {
		s := string(r.UserCountStr)
		if r.Stats != nil && r.Stats.UserCountStr != "" {
			s = string(r.Stats.UserCountStr)
		}
		out.UserCount = parseDisplayCount(s)
	}
	if out.Status == RoomLive && r.StreamURL != nil {
		out.FLV = stringMap(r.StreamURL.FLV)
		out.HLS = stringMap(r.StreamURL.HLS)
	}
	return out, nil
}

func stringMap(m map[string]jstr) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		if v != "" {
			out[k] = string(v)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// parseDisplayCount reads Douyin's display counts: "1109", "1000+",
// "1.5万", "1w+", "2亿". The result is a lower bound.
func parseDisplayCount(s string) int64 {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "+"))
	mult := 1.0
	for suffix, m := range map[string]float64{"万": 1e4, "w": 1e4, "W": 1e4, "亿": 1e8} {
		if strings.HasSuffix(s, suffix) {
			s, mult = strings.TrimSuffix(s, suffix), m
			break
		}
	}
	s = strings.TrimSuffix(strings.TrimSpace(s), "+")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1e15 {
		return 0
	}
	return int64(f * mult)
}

// decodeEnter decodes live.douyin.com/webcast/room/web/enter/. The room is
// data.data[0]; an empty data.data means Douyin knows no such room.
func decodeEnter(body []byte, webRID string) (*Room, error) {
	var resp struct {
		envelope
		Data *struct {
			Data []json.RawMessage `json:"data"`
		} `json:"data"`
	}
	if err := decodeJSON(body, &resp); err != nil {
		return nil, err
	}
	if err := resp.check(epLiveEnter.name); err != nil {
		return nil, err
	}
	if resp.Data == nil || len(resp.Data.Data) == 0 || string(resp.Data.Data[0]) == "null" {
		return nil, &NotFoundError{Kind: KindLive, ID: webRID, Reason: "no room in the response"}
	}
	r, err := decodeRoom(resp.Data.Data[0], webRID)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// decodeReflow decodes webcast.amemv.com/webcast/room/reflow/info/: the
// room is data.room.
func decodeReflow(body []byte, roomID string) (*Room, error) {
	var resp struct {
		envelope
		Data *struct {
			Room json.RawMessage `json:"room"`
		} `json:"data"`
	}
	if err := decodeJSON(body, &resp); err != nil {
		return nil, err
	}
	if err := resp.check(epLiveReflow.name); err != nil {
		return nil, err
	}
	if resp.Data == nil || len(resp.Data.Room) == 0 || string(resp.Data.Room) == "null" {
		return nil, &NotFoundError{Kind: KindRoom, ID: roomID, Reason: "no room in the response"}
	}
	r, err := decodeRoom(resp.Data.Room, "")
	if err != nil {
		return nil, err
	}
	if r.RoomID == "" {
		r.RoomID = roomID
	}
	return &r, nil
}

// decodeLiveStatus decodes check_user_live_status:
// data[0].user_live[0].{live_status, room_id_str}. On failure data is an
// object with the message in data.prompts.
func decodeLiveStatus(body []byte) (LiveStatus, error) {
	var resp struct {
		envelope
		Data json.RawMessage `json:"data"`
	}
	if err := decodeJSON(body, &resp); err != nil {
		return LiveStatus{}, err
	}
	if resp.StatusCode != 0 {
		var d struct {
			Prompts jstr `json:"prompts"`
		}
		_ = json.Unmarshal(resp.Data, &d) // best effort: only for the message
		return LiveStatus{}, &StatusError{Endpoint: epUserLiveStatus.name, Code: int64(resp.StatusCode), Msg: firstNonEmpty(string(d.Prompts), string(resp.StatusMsg))}
	}
	var data jlist[struct {
		UserLive jlist[struct {
			LiveStatus jint `json:"live_status"`
			RoomID     jstr `json:"room_id"`
			RoomIDStr  jstr `json:"room_id_str"`
		}] `json:"user_live"`
	}]
	if len(resp.Data) > 0 {
		if err := decodeItem(resp.Data, &data); err != nil {
			return LiveStatus{}, err
		}
	}
	if len(data) == 0 || len(data[0].UserLive) == 0 {
		return LiveStatus{}, nil
	}
	ul := data[0].UserLive[0]
	st := LiveStatus{Live: ul.LiveStatus == 1}
	if st.Live {
		st.RoomID = firstID(ul.RoomIDStr, ul.RoomID)
	}
	return st, nil
}
