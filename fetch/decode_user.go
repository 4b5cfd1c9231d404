package fetch

import (
	"encoding/json"
	"fmt"
)

// userJSON covers the user object of the profile endpoint and the shorter
// author objects inside posts, mixes and rooms.
type userJSON struct {
	UID       jstr `json:"uid"`
	IDStr     jstr `json:"id_str"` // live owners carry id_str/id instead of uid
	ID        jstr `json:"id"`
	SecUID    jstr `json:"sec_uid"`
	UniqueID  jstr `json:"unique_id"`
	ShortID   jstr `json:"short_id"`
	Nickname  jstr `json:"nickname"`
	Signature jstr `json:"signature"`

	AvatarLarger *urlListJSON `json:"avatar_larger"`
	AvatarLarge  *urlListJSON `json:"avatar_large"`
	Avatar300    *urlListJSON `json:"avatar_300x300"`
	AvatarMedium *urlListJSON `json:"avatar_medium"`
	Avatar168    *urlListJSON `json:"avatar_168x168"`
	AvatarThumb  *urlListJSON `json:"avatar_thumb"`

	AwemeCount      jint  `json:"aweme_count"`
	FollowerCount   jint  `json:"follower_count"`
	FollowingCount  jint  `json:"following_count"`
	FavoritingCount jint  `json:"favoriting_count"`
	MixCount        jint  `json:"mix_count"`
	ShowFavorite    jbool `json:"show_favorite_list"`
	LiveStatus      jint  `json:"live_status"`
	RoomIDStr       jstr  `json:"room_id_str"`
	RoomID          jstr  `json:"room_id"`
	WebRID          jstr  `json:"web_rid"`
	Secret          jint  `json:"secret"`
}

// toUser converts; raw is kept only for the profile (lists do not need it).
func (u *userJSON) toUser() User {
	if u == nil {
		return User{}
	}
	out := User{
		UID:             firstID(u.UID, u.IDStr, u.ID),
		SecUID:          string(u.SecUID),
		UniqueID:        string(u.UniqueID),
		Nickname:        string(u.Nickname),
		Signature:       string(u.Signature),
		AwemeCount:      int64(u.AwemeCount),
		FollowerCount:   int64(u.FollowerCount),
		FollowingCount:  int64(u.FollowingCount),
		FavoritingCount: int64(u.FavoritingCount),
		MixCount:        int64(u.MixCount),
		// Absent means unknown; only an explicit false hides the list.
		LikesPrivate: u.ShowFavorite.set && !u.ShowFavorite.v,
		LiveStatus:   int(u.LiveStatus),
		RoomID:       firstID(u.RoomIDStr, u.RoomID),
		// Spec §11 open fact 5: secret=1 is assumed to mean a private account.
		Private: u.Secret != 0,
	}
	// The handle shown in the app is unique_id, or short_id when the user
	// never set one ("0" means none).
	if out.UniqueID == "" {
		out.UniqueID = firstID(u.ShortID)
	}
	// One variant only, largest first: the list is a set of mirrors of one
	// picture, so mixing sizes would give mirrors of different lengths.
	for _, v := range []*urlListJSON{u.AvatarLarger, u.AvatarLarge, u.Avatar300, u.AvatarMedium, u.Avatar168, u.AvatarThumb} {
		if l := v.list(); len(l) > 0 {
			out.AvatarURLs = l
			break
		}
	}
	return out
}

// decodeProfile decodes the body of /aweme/v1/web/user/profile/other/.
func decodeProfile(body []byte, secUID string) (*User, error) {
	var resp struct {
		envelope
		User json.RawMessage `json:"user"`
	}
	if err := decodeJSON(body, &resp); err != nil {
		return nil, err
	}
	if err := resp.check(epUserProfile.name); err != nil {
		return nil, err
	}
	if len(resp.User) == 0 || string(resp.User) == "null" {
		return nil, &NotFoundError{Kind: KindUser, ID: secUID, Reason: "no user in the profile response"}
	}
	var u userJSON
	if err := decodeItem(resp.User, &u); err != nil {
		return nil, err
	}
	user := u.toUser()
	if user.SecUID == "" && user.UID == "" {
		return nil, &NotFoundError{Kind: KindUser, ID: secUID, Reason: "empty user object"}
	}
	if user.SecUID == "" {
		user.SecUID = secUID
	}
	user.Raw = resp.User
	return &user, nil
}

// errorf wraps ErrMalformed with endpoint context.
func malformedf(endpoint, format string, args ...any) error {
	return fmt.Errorf("%s: %w: %s", endpoint, ErrMalformed, fmt.Sprintf(format, args...))
}
