package fetch

import "encoding/json"

// The models below are what the rest of douyinfs sees of Douyin. Ids are
// strings everywhere (Douyin's 19-digit ids do not survive float64), times
// are Unix seconds, and every URL list holds mirrors in the order to try.

// User is a Douyin account as the profile endpoint describes it.
type User struct {
	UID        string // numeric uid, as a string
	SecUID     string // sec_user_id, the id used in URLs
	UniqueID   string // the handle (抖音号)
	Nickname   string
	Signature  string   // the bio
	AvatarURLs []string // largest avatar first

	AwemeCount      int64
	FollowerCount   int64
	FollowingCount  int64
	FavoritingCount int64
	MixCount        int64

	// LikesPrivate is true when the user hides their likes list
	// (show_favorite_list false).
	LikesPrivate bool
	// Private is true for a private account (user.secret 1): its posts and
	// likes are hidden from others.
	Private bool
	// LiveStatus is the profile's live_status (1 while live); RoomID is set
	// while live.
	LiveStatus int
	RoomID     string

	Raw json.RawMessage // the user object as Douyin sent it (for profile.json)
}

// Post is one aweme: a video, or an image ("slides") post.
type Post struct {
	ID         string // aweme_id
	Type       int    // aweme_type (0 video, 68 images, ...)
	Desc       string
	CreateTime int64 // Unix seconds
	Author     User  // only the fields lists carry: UID, SecUID, UniqueID, Nickname, AvatarURLs
	IsTop      bool  // pinned
	ShareURL   string
	// Deleted and Prohibited are a list item's status.is_delete and
	// status.is_prohibited: Douyin still lists the post but shows nothing
	// of it (its detail answers filter_detail).
	Deleted, Prohibited bool

	Video  *Video  // nil for image posts
	Images []Image // nil for video posts
	Music  *Music  // nil when the post has no usable music
	Cover  []string
	Mix    *MixRef // nil when the post is in no mix

	Stats Statistics

	Raw json.RawMessage // the aweme object as Douyin sent it (for sidecars)
}

// Hidden reports whether Douyin lists the post but will not show it
// (deleted or prohibited).
func (p *Post) Hidden() bool { return p.Deleted || p.Prohibited }

// IsImagePost reports whether the post is shown as a folder of pictures.
func (p *Post) IsImagePost() bool { return p.Video == nil && len(p.Images) > 0 }

// Video holds a video post's renditions, best first (see Renditions order in
// the decoder's doc).
type Video struct {
	DurationMs int64
	Width      int
	Height     int
	Renditions []Rendition // never empty for a playable video
}

// Best is the rendition douyinfs serves.
func (v *Video) Best() *Rendition {
	if v == nil || len(v.Renditions) == 0 {
		return nil
	}
	return &v.Renditions[0]
}

// Rendition is one encoding of a video.
type Rendition struct {
	Key     string // stable name of this rendition (gear_name or uri), part of the cache key
	Bitrate int64
	Codec   string // "h264" or "h265"
	Width   int
	Height  int
	Size    int64    // exact bytes (data_size) when Douyin gives it, else 0
	Hash    string   // play_addr.file_hash when given (one per encoded file)
	URLs    []string // mirrors, in order
}

// Image is one picture of an image post.
type Image struct {
	Width  int
	Height int
	Format string   // FormatJPEG when any mirror offers it, else FormatWebP, ...; "" when no URL names one
	URLs   []string // the mirrors in Format only, in Douyin's order
	All    []string // url_list as sent, every format (see Mirrors)
}

// Music is a post's background music.
type Music struct {
	ID        string
	Title     string
	Author    string
	DurationS int64
	URLs      []string // mp3
}

// MixRef is what a post says about the mix it belongs to.
type MixRef struct {
	ID      string
	Name    string
	Episode int // 1-based position in the mix, 0 when unknown
}

// Statistics are a post's counters.
type Statistics struct {
	Digg, Comment, Share, Collect, Play int64
}

// Mix is a 合集: an ordered series of posts.
type Mix struct {
	ID         string
	Name       string
	Desc       string
	CoverURLs  []string
	Episodes   int64
	CreateTime int64
	UpdateTime int64
	Author     User // may hold only SecUID/Nickname
	Raw        json.RawMessage
}

// CollectFolder is one of the logged-in account's favourite folders (收藏夹).
type CollectFolder struct {
	ID         string // collects_id as a decimal string
	Name       string
	Count      int64
	CreateTime int64
	CoverURLs  []string
}

// Room status values (data.data[0].status / data.room.status).
const (
	RoomLive  = 2
	RoomEnded = 4
)

// Room is a live room.
type Room struct {
	RoomID     string
	WebRID     string // the number in live.douyin.com/<web_rid>
	Status     int    // RoomLive, RoomEnded, ...
	Title      string
	Owner      User
	CreateTime int64
	FinishTime int64
	UserCount  int64
	CoverURLs  []string
	FLV        map[string]string // quality key (FULL_HD1, HD1, SD1, SD2, ...) -> URL
	HLS        map[string]string
	Raw        json.RawMessage
}

// Living reports whether the room is on air.
func (r *Room) Living() bool { return r != nil && r.Status == RoomLive }

// LiveStatus is the answer of the user-live-status endpoint.
type LiveStatus struct {
	Live   bool
	RoomID string
}
