package fetch

import "encoding/json"

// awemeJSON is the post object (spec §4.2) as it appears in aweme_list[i],
// aweme_detail and feeds. Only the fields douyinfs uses are declared; the
// whole object is kept in Post.Raw.
type awemeJSON struct {
	AwemeID    jstr             `json:"aweme_id"`
	AwemeType  jint             `json:"aweme_type"`
	Desc       jstr             `json:"desc"`
	CreateTime jint             `json:"create_time"`
	Author     *userJSON        `json:"author"`
	IsTop      jbool            `json:"is_top"`
	ShareURL   jstr             `json:"share_url"`
	Duration   jint             `json:"duration"`
	Video      *videoJSON       `json:"video"`
	Images     jlist[imageJSON] `json:"images"`
	Music      *musicJSON       `json:"music"`
	MixInfo    *mixJSON         `json:"mix_info"`
	Statistics statsJSON        `json:"statistics"`
	ShareInfo  *shareJSON       `json:"share_info"`
	Status     *postStatus      `json:"status"`
}

type videoJSON struct {
	Duration    jint               `json:"duration"`
	Width       jint               `json:"width"`
	Height      jint               `json:"height"`
	BitRate     jlist[bitRateJSON] `json:"bit_rate"`
	PlayAddr    *urlListJSON       `json:"play_addr"`
	OriginCover *urlListJSON       `json:"origin_cover"`
	Cover       *urlListJSON       `json:"cover"`
}

type bitRateJSON struct {
	GearName  jstr         `json:"gear_name"`
	BitRate   jint         `json:"bit_rate"`
	IsH265    jint         `json:"is_h265"`
	IsByteVC1 jint         `json:"is_bytevc1"`
	Format    jstr         `json:"format"` // "mp4", or "dash" (video only)
	PlayAddr  *urlListJSON `json:"play_addr"`
}

type imageJSON struct {
	URLList urls `json:"url_list"`
	Width   jint `json:"width"`
	Height  jint `json:"height"`
}

type musicJSON struct {
	ID       jstr         `json:"id"`
	IDStr    jstr         `json:"id_str"`
	Title    jstr         `json:"title"`
	Author   jstr         `json:"author"`
	Duration jint         `json:"duration"`
	Status   jint         `json:"status"`
	PlayURL  *urlListJSON `json:"play_url"`
}

type statsJSON struct {
	Digg    jint `json:"digg_count"`
	Comment jint `json:"comment_count"`
	Share   jint `json:"share_count"`
	Collect jint `json:"collect_count"`
	Play    jint `json:"play_count"`
}

type shareJSON struct {
	ShareURL jstr `json:"share_url"`
}

type postStatus struct {
	IsDelete     jbool `json:"is_delete"`
	IsProhibited jbool `json:"is_prohibited"`
}

// aweme_type 68 is an image album; its "video" is only the background
// music, so it must not become a rendition.
const awemeTypeImages = 68

// decodePost turns one aweme object into a Post. The rules:
//
//   - ids are strings; the author's uid/sec_uid come from author.
//   - A post with pictures (images non-empty) or of type 68 is an image post:
//     Images set, Video nil. A url_list mixes formats (real lists hold
//     3 WebP + 1 JPEG, of different sizes); each picture is served in one
//     format (pickImageFormat: JPEG when offered) and its URLs are the
//     mirrors of that format only, so no failover can change its bytes.
//     download_url_list is not used: it is watermarked.
//   - Otherwise Video holds the renditions, ordered by quality (see
//     orderRenditions).
//   - Music only when music.status == 1 and it has a play URL.
//   - Cover is the JPEG mirrors of video.origin_cover, else of video.cover,
//     else (image posts) of the first picture; nil when none offers a JPEG
//     (covers are shown as .jpeg; real detail answers list WebP first).
//   - Mix is set from mix_info when it names a mix_id; Episode is
//     statis.current_episode.
func decodePost(raw []byte, quality string) (Post, error) {
	var a awemeJSON
	if err := decodeItem(raw, &a); err != nil {
		return Post{}, err
	}
	if a.AwemeID == "" {
		return Post{}, malformedf("aweme", "item without aweme_id")
	}
	p := Post{
		ID:         string(a.AwemeID),
		Type:       int(a.AwemeType),
		Desc:       string(a.Desc),
		CreateTime: int64(a.CreateTime),
		IsTop:      a.IsTop.v,
		ShareURL:   string(a.ShareURL),
		Stats: Statistics{
			Digg:    int64(a.Statistics.Digg),
			Comment: int64(a.Statistics.Comment),
			Share:   int64(a.Statistics.Share),
			Collect: int64(a.Statistics.Collect),
			Play:    int64(a.Statistics.Play),
		},
		Raw: json.RawMessage(raw),
	}
	if st := a.Status; st != nil {
		p.Deleted, p.Prohibited = st.IsDelete.v, st.IsProhibited.v
	}
	if p.ShareURL == "" && a.ShareInfo != nil {
		p.ShareURL = string(a.ShareInfo.ShareURL)
	}
	if a.Author != nil {
		au := a.Author.toUser()
		// Lists carry only identity fields; counters there are not the
		// author's profile and would mislead.
		p.Author = User{UID: au.UID, SecUID: au.SecUID, UniqueID: au.UniqueID, Nickname: au.Nickname, AvatarURLs: au.AvatarURLs}
	}

	for _, im := range a.Images {
		if len(im.URLList) == 0 {
			continue
		}
		all := []string(im.URLList)
		format := pickImageFormat(all)
		p.Images = append(p.Images, Image{Width: int(im.Width), Height: int(im.Height),
			Format: format, URLs: urlsOfFormat(all, format), All: all})
	}
	if len(p.Images) == 0 && int(a.AwemeType) != awemeTypeImages && a.Video != nil {
		p.Video = decodeVideo(a.Video, int64(a.Duration), quality)
	}

	var covers [][]string
	if v := a.Video; v != nil {
		covers = append(covers, v.OriginCover.list(), v.Cover.list())
	}
	if len(p.Images) > 0 {
		covers = append(covers, p.Images[0].All)
	}
	p.Cover = jpegCover(covers...)

	if m := a.Music; m != nil && m.Status == 1 && len(m.PlayURL.list()) > 0 {
		p.Music = &Music{
			ID:        firstID(m.IDStr, m.ID),
			Title:     string(m.Title),
			Author:    string(m.Author),
			DurationS: int64(m.Duration),
			URLs:      m.PlayURL.list(),
		}
	}
	if mi := a.MixInfo; mi != nil && mi.MixID != "" {
		p.Mix = &MixRef{ID: string(mi.MixID), Name: string(mi.MixName), Episode: int(mi.Statis.CurrentEpisode)}
	}
	return p, nil
}

// decodeVideo builds the Video of a video post; nil when it has no
// playable rendition.
func decodeVideo(v *videoJSON, topDuration int64, quality string) *Video {
	out := &Video{DurationMs: int64(v.Duration), Width: int(v.Width), Height: int(v.Height)}
	if out.DurationMs == 0 {
		out.DurationMs = topDuration
	}
	out.Renditions = renditions(v, quality)
	if len(out.Renditions) == 0 {
		return nil
	}
	return out
}
