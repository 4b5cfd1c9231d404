package fakedouyin

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// The JSON builders below follow the key names, nesting and JSON types of
// the real captures in fetch/testdata/real (shapes_test.go compares
// them). Ids Douyin sends as strings are strings; ids it sends as numbers
// (music.id, room.id, collects_id, author_user_id...) are json.Number so
// that 19-digit values stay exact.

type obj = map[string]any

func num(s string) json.Number { return json.Number(s) }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// imageObj is the {uri, url_list, width, height} object of covers and
// avatars.
func (u urlMaker) imageObj(m *Media, mirrors, size int) obj {
	return obj{"uri": m.ID, "url_list": u.mirrors(m, mirrors), "width": size, "height": size}
}

// authorJSON is the author object inside an aweme.
func (u urlMaker) authorJSON(a *User) obj {
	return obj{
		"uid":                      a.UID,
		"sec_uid":                  a.SecUID,
		"nickname":                 a.Nickname,
		"unique_id":                a.UniqueID,
		"short_id":                 "0",
		"signature":                a.Signature,
		"avatar_thumb":             u.imageObj(a.Avatar, 2, 720),
		"follow_status":            0,
		"follower_status":          0,
		"custom_verify":            "",
		"enterprise_verify_reason": "",
		"prevent_download":         false,
		"secret":                   0,
		"is_ad_fake":               false,
		"risk_notice_text":         "",
		"verification_type":        0,
		"share_info":               obj{"share_url": "", "share_desc": "", "share_title": "", "share_desc_info": ""},
		"cover_url":                []any{u.imageObj(a.Avatar, 2, 720)},
	}
}

// playAddr is a rendition's play_addr.
func (u urlMaker) playAddr(p *Post, r *Rendition) obj {
	codec := "h264"
	if r.IsH265 {
		codec = "bytevc1"
	}
	vid := r.Media.ID
	if i := strings.Index(vid, "_"); i > 0 && strings.HasPrefix(vid, videoIDPrefix) {
		vid = vid[:i]
	}
	return obj{
		"uri":       vid,
		"url_list":  u.video(r.Media),
		"width":     r.Width,
		"height":    r.Height,
		"url_key":   vid + "_" + codec + "_" + strconv.Itoa(min(r.Width, r.Height)) + "p_" + strconv.FormatInt(r.BitRate, 10),
		"data_size": u.dataSize(r.Media),
		"file_hash": r.Media.Hash,
		"file_cs":   "c:0-" + strconv.FormatInt(r.Media.Size/337, 10) + "-" + r.Media.Hash[:4],
	}
}

// videoJSON is the "video" object of a video post.
func (u urlMaker) videoJSON(p *Post) obj {
	rs := p.Renditions
	if u.detailGears && len(p.DetailRenditions) > 0 {
		rs = p.DetailRenditions
	}
	var gears []any
	for _, r := range rs {
		gears = append(gears, obj{
			"gear_name":    r.GearName,
			"quality_type": r.QualityType,
			"bit_rate":     r.BitRate,
			"play_addr":    u.playAddr(p, r),
			"is_h265":      boolInt(r.IsH265),
			"is_bytevc1":   boolInt(r.IsH265),
			"HDR_type":     "",
			"HDR_bit":      "",
			"FPS":          30,
			"video_extra":  `{"PktOffsetMap":""}`,
			"format":       "mp4",
		})
	}
	best := bestRendition(rs)
	cover := u.imageObj(p.Cover, 3, 720)
	return obj{
		"play_addr":        u.playAddr(p, best),
		"cover":            cover,
		"origin_cover":     cover,
		"dynamic_cover":    cover,
		"height":           p.Height,
		"width":            p.Width,
		"ratio":            strconv.Itoa(min(best.Width, best.Height)) + "p",
		"duration":         p.DurationMs,
		"bit_rate":         gears,
		"bit_rate_audio":   nil,
		"big_thumbs":       []any{},
		"is_long_video":    boolInt(p.DurationMs > 60000),
		"is_source_HDR":    0,
		"horizontal_type":  boolInt(p.Width > p.Height),
		"use_static_cover": true,
		"meta":             `{"loudness":"-18.2","peak":"0.9"}`,
		"video_model":      "",
	}
}

// imagePostVideoJSON is the "video" object of an image post: duration 0,
// no gears, play_addr pointing at the music (as in the real captures).
func (u urlMaker) imagePostVideoJSON(p *Post) obj {
	addr := obj{"uri": "", "url_list": []string{}, "width": 720, "height": 720, "url_key": ""}
	if p.Music != nil {
		l := u.mirrors(p.Music, 2)
		addr = obj{"uri": l[0], "url_list": l, "width": 720, "height": 720, "url_key": p.MusicID}
	}
	cover := u.imageObj(p.Cover, 3, 720)
	return obj{
		"play_addr":      addr,
		"cover":          cover,
		"origin_cover":   cover,
		"height":         720,
		"width":          720,
		"ratio":          "540p",
		"duration":       0,
		"bit_rate":       []any{},
		"bit_rate_audio": nil,
		"big_thumbs":     nil,
		"is_bytevc1":     0,
		"meta":           "",
	}
}

// imagesJSON is the "images" list of an image post.
func (u urlMaker) imagesJSON(p *Post) []any {
	var l []any
	for k, img := range p.Images {
		webp := p.ImagesWebp[k]
		l = append(l, obj{
			"uri":                  img.ID,
			"url_list":             u.image(img, webp),
			"download_url_list":    u.image(img, webp),
			"width":                p.Width,
			"height":               p.Height,
			"mask_url_list":        nil,
			"interaction_stickers": nil,
		})
	}
	return l
}

// musicJSON is the "music" object, or nil for a post without music.
func (u urlMaker) musicJSON(p *Post) any {
	if p.Music == nil {
		return nil
	}
	a := p.Author
	l := u.mirrors(p.Music, 2)
	avatar := u.imageObj(a.Avatar, 1, 720)
	return obj{
		"id":                  num(p.MusicID),
		"id_str":              p.MusicID,
		"mid":                 p.MusicID,
		"title":               p.MusicTitle,
		"author":              a.Nickname,
		"album":               "",
		"cover_hd":            avatar,
		"cover_large":         avatar,
		"cover_medium":        avatar,
		"cover_thumb":         avatar,
		"avatar_thumb":        avatar,
		"play_url":            obj{"uri": l[0], "url_list": l, "width": 720, "height": 720, "url_key": p.MusicID},
		"duration":            p.MusicDuration,
		"shoot_duration":      p.MusicDuration,
		"audition_duration":   p.MusicDuration,
		"video_duration":      p.MusicDuration,
		"status":              1,
		"music_status":        1,
		"owner_id":            a.UID,
		"owner_nickname":      a.Nickname,
		"owner_handle":        a.UniqueID,
		"sec_uid":             a.SecUID,
		"is_original":         false,
		"is_original_sound":   true,
		"is_commerce_music":   false,
		"is_pgc":              false,
		"author_deleted":      false,
		"prevent_download":    false,
		"schema_url":          "",
		"source_platform":     23,
		"start_time":          0,
		"end_time":            0,
		"collect_stat":        0,
		"offline_desc":        "",
		"binded_challenge_id": 0,
		"extra":               "{}",
	}
}

// mixInfoJSON is "mix_info" of a post (episode > 0) or an entry of the mix
// list (episode 0).
func (u urlMaker) mixInfoJSON(m *Mix, episode int) obj {
	picType := 0
	if len(m.Posts) > 0 && m.Posts[0].Type == 68 {
		picType = 2
	}
	return obj{
		"mix_id":    m.ID,
		"mix_name":  m.Name,
		"desc":      m.Desc,
		"cover_url": obj{"uri": m.Cover.ID, "url_list": u.mirrors(m.Cover, 3), "width": 720, "height": 720},
		"status":    obj{"status": 2, "is_collected": 0},
		"statis": obj{"play_vv": 0, "collect_vv": 0, "current_episode": episode,
			"updated_to_episode": len(m.Posts)},
		"extra":         "{}",
		"share_info":    obj{"share_url": "https://www.iesdouyin.com/share/mix/detail/" + m.ID + "/?schema_type=24&object_id=" + m.ID, "share_title": "", "share_desc": "", "share_desc_info": "", "share_weibo_desc": "", "share_title_myself": "", "share_title_other": ""},
		"mix_type":      0,
		"create_time":   m.CreateTime,
		"update_time":   m.UpdateTime,
		"ids":           nil,
		"watched_item":  "",
		"is_serial_mix": 0,
		"mix_pic_type":  picType,
	}
}

// awemeJSON is one aweme object (aweme_list items, aweme_detail).
func (u urlMaker) awemeJSON(p *Post) obj {
	kind := "video"
	a := obj{
		"aweme_id":       p.AwemeID,
		"desc":           p.Desc,
		"caption":        p.Desc,
		"preview_title":  p.Desc,
		"create_time":    p.CreateTime,
		"aweme_type":     p.Type,
		"media_type":     p.MediaType,
		"duration":       p.DurationMs,
		"group_id":       p.AwemeID,
		"author_user_id": num(p.Author.UID),
		"comment_gid":    num(p.AwemeID),
		"author":         u.authorJSON(p.Author),
		"music":          u.musicJSON(p),
		"images":         nil,
		"image_list":     nil,
		"image_infos":    nil,
		"statistics": obj{"admire_count": 0, "comment_count": p.CommentCount, "digg_count": p.DiggCount,
			"collect_count": p.CollectCount, "play_count": 0, "share_count": p.ShareCount},
		"status": obj{"listen_video_status": 0, "is_delete": p.Deleted, "allow_share": true, "is_prohibited": p.Prohibited,
			"in_reviewing": false, "part_see": 0, "private_status": 0, "review_result": obj{"review_status": 0}},
		"aweme_control":    obj{"can_forward": true, "can_share": true, "can_comment": true, "can_show_comment": true},
		"is_top":           0,
		"is_ads":           false,
		"is_story":         0,
		"region":           "CN",
		"text_extra":       textExtra(p.Desc),
		"video_tag":        []any{},
		"prevent_download": false,
		"collect_stat":     0,
		"user_digged":      0,
		"position":         nil,
		"chapter_list":     nil,
		"long_video":       nil,
	}
	if p.Type == 68 {
		kind = "note"
		a["video"] = u.imagePostVideoJSON(p)
		a["images"] = u.imagesJSON(p)
	} else {
		a["video"] = u.videoJSON(p)
	}
	share := "https://www.iesdouyin.com/share/" + kind + "/" + p.AwemeID + "/?region=CN&mid=" + p.MusicID + "&u_code=0&from_ssr=1"
	a["share_url"] = share
	a["share_info"] = obj{"share_url": share, "share_link_desc": "7.53 复制打开抖音，看看【" + p.Author.Nickname + "的作品】 %s"}
	if p.Mix != nil {
		a["mix_info"] = u.mixInfoJSON(p.Mix, p.Episode)
	}
	return a
}

// textExtra lists the #hashtags of a caption like the real text_extra.
func textExtra(desc string) []any {
	l := []any{}
	for _, f := range strings.Fields(desc) {
		if tag, ok := strings.CutPrefix(f, "#"); ok && tag != "" {
			l = append(l, obj{"type": 1, "hashtag_name": tag, "hashtag_id": "", "is_commerce": false})
		}
	}
	return l
}

// profileJSON is the "user" object of the profile endpoint.
func (u urlMaker) profileJSON(user *User, now time.Time) obj {
	av := func(size int) obj { return u.imageObj(user.Avatar, 1, size) }
	p := obj{
		"uid":                       user.UID,
		"sec_uid":                   user.SecUID,
		"short_id":                  "0",
		"unique_id":                 user.UniqueID,
		"nickname":                  user.Nickname,
		"signature":                 user.Signature,
		"avatar_thumb":              av(720),
		"avatar_medium":             av(720),
		"avatar_larger":             av(720),
		"avatar_168x168":            av(720),
		"avatar_300x300":            av(720),
		"aweme_count":               len(user.Posts) + user.HiddenPosts,
		"favoriting_count":          len(user.Likes),
		"follower_count":            user.FollowerCount,
		"following_count":           user.FollowingCount,
		"mplatform_followers_count": user.FollowerCount,
		"max_follower_count":        user.FollowerCount,
		"total_favorited":           user.TotalFavorited,
		"mix_count":                 len(user.Mixes),
		"is_mix_user":               len(user.Mixes) > 0,
		"show_favorite_list":        !user.LikesPrivate,
		"favorite_permission":       boolInt(user.LikesPrivate),
		"secret":                    boolInt(user.Private),
		"gender":                    0,
		"user_age":                  -1,
		"city":                      "",
		"country":                   "",
		"province":                  "",
		"district":                  "",
		"ip_location":               "IP属地：广东",
		"school_name":               "",
		"is_ban":                    false,
		"is_block":                  false,
		"is_blocked":                false,
		"is_star":                   false,
		"follow_status":             0,
		"follower_status":           0,
		"live_status":               0,
		"room_id":                   0,
		"custom_verify":             "",
		"enterprise_verify_reason":  "",
		"verification_type":         0,
		"cover_url":                 []any{u.imageObj(user.Avatar, 2, 720)},
		"share_info":                obj{"share_url": "https://www.iesdouyin.com/share/user/" + user.SecUID, "share_desc": "", "share_title": ""},
		"public_collects_count":     0,
		"series_count":              0,
	}
	if r := user.Room; r != nil && r.OnAir() {
		p["live_status"] = 1
		p["room_id"] = num(r.RoomID)
		p["room_id_str"] = r.RoomID
		data, _ := json.Marshal(u.profileRoomData(r, now))
		p["room_data"] = string(data)
	}
	return p
}

// profileRoomData is the room object the profile carries (JSON-encoded,
// in user.room_data) while the user is live.
func (u urlMaker) profileRoomData(r *Room, now time.Time) obj {
	su := u.streamURL(r)
	return obj{
		"status":                2,
		"user_count":            r.UserCount,
		"live_room_mode":        0,
		"live_type_third_party": false,
		"room_layout":           0,
		"owner":                 obj{"web_rid": r.WebRID, "sec_uid": r.Owner.SecUID, "nickname": r.Owner.Nickname, "id_str": r.Owner.UID},
		"stream_url": obj{
			"default_resolution":   su["default_resolution"],
			"flv_pull_url":         su["flv_pull_url"],
			"candidate_resolution": []string{"SD1", "SD2", "HD1"},
			"extra":                obj{"height": 720, "width": 1280},
			"live_core_sdk_data":   su["live_core_sdk_data"],
			"flv_pull_url_params":  obj{"SD1": obj{"VCodec": "h264"}},
		},
		"pack_meta": obj{"scene": "pc_profile_struct(prod_all_dc/rpc)", "env": "prod", "dc": "lf", "cluster": "feed"},
	}
}

// liveQualities are the stream quality keys, best first.
func liveQualities() []string { return []string{"FULL_HD1", "HD1", "SD1", "SD2"} }

// liveSuffix maps a quality key to the stream name suffix the real CDN
// uses.
func liveSuffix(q string) string {
	switch q {
	case "FULL_HD1":
		return "or4"
	case "HD1":
		return "hd"
	case "SD1":
		return "ld"
	}
	return "sd"
}

// streamURL is a room's stream_url object. An ended room keeps its URLs,
// which then answer 404, like the real reflow capture.
func (u urlMaker) streamURL(r *Room) obj {
	exp := strconv.FormatInt(u.expires+7*86400, 10)
	flv, hls := obj{}, obj{}
	for _, q := range liveQualities() {
		name := "stream-" + r.StreamID + "_" + liveSuffix(q)
		sig := u.w.mac("live", name, exp)[:32]
		if !r.HLSOnly {
			flv[q] = u.base + "/live/" + name + ".flv?expire=" + exp + "&sign=" + sig
		}
		hls[q] = u.base + "/live/" + name + "/index.m3u8?expire=" + exp + "&sign=" + sig
	}
	sdk, _ := json.Marshal(obj{"common": obj{"session_id": "fake-" + r.RoomID}, "data": obj{
		"origin": obj{"main": obj{"flv": flv["FULL_HD1"], "hls": hls["FULL_HD1"], "sdk_params": obj{"VCodec": "h264", "resolution": "640x360"}}},
	}})
	return obj{
		"id":                   num(r.StreamID),
		"id_str":               r.StreamID,
		"flv_pull_url":         flv,
		"hls_pull_url_map":     hls,
		"hls_pull_url":         hls["HD1"],
		"default_resolution":   "HD1",
		"resolution_name":      obj{"FULL_HD1": "蓝光", "HD1": "超清", "SD1": "标清", "SD2": "高清", "ORIGION": "原画"},
		"candidate_resolution": []string{"SD1", "SD2", "HD1", "FULL_HD1"},
		"stream_orientation":   1,
		"pull_datas":           obj{},
		"extra":                obj{"height": 360, "width": 640, "fps": 25, "max_bitrate": 1900, "min_bitrate": 0, "default_bitrate": 1900},
		"live_core_sdk_data":   obj{"pull_data": obj{"stream_data": string(sdk), "options": obj{"default_quality": obj{"name": "超清", "sdk_key": "hd"}}}},
	}
}

func roomStatus(r *Room) int {
	if r.OnAir() {
		return 2
	}
	return 4
}

// enterRoomJSON is data.data[0] of web/enter.
func (u urlMaker) enterRoomJSON(r *Room) obj {
	st := roomStatus(r)
	o := r.Owner
	count := strconv.FormatInt(r.UserCount, 10)
	return obj{
		"id_str":             r.RoomID,
		"status":             st,
		"status_str":         strconv.Itoa(st),
		"title":              r.Title,
		"user_count_str":     count,
		"cover":              obj{"url_list": u.mirrors(r.Cover, 2)},
		"stream_url":         u.streamURL(r),
		"mosaic_status":      0,
		"mosaic_status_str":  "0",
		"admin_user_ids":     []any{},
		"admin_user_ids_str": []string{},
		"owner": obj{
			"id_str":       o.UID,
			"sec_uid":      o.SecUID,
			"nickname":     o.Nickname,
			"avatar_thumb": obj{"url_list": u.mirrors(o.Avatar, 2)},
			"follow_info":  obj{"follow_status": 0, "follow_status_str": "0"},
			"open_id_str":  "",
		},
		"owner_user_id_str":  o.UID,
		"room_auth":          obj{"Chat": true, "Gift": true, "Digg": true, "Share": true},
		"live_room_mode":     0,
		"stats":              obj{"total_user_desp": "", "like_count": 0, "total_user_str": count, "user_count_str": count},
		"has_commerce_goods": false,
		"like_count":         0,
	}
}

// reflowRoomJSON is data.room of reflow/info.
func (u urlMaker) reflowRoomJSON(r *Room) obj {
	o := r.Owner
	return obj{
		"id":            num(r.RoomID),
		"id_str":        r.RoomID,
		"status":        roomStatus(r),
		"title":         r.Title,
		"user_count":    r.UserCount,
		"create_time":   r.CreateTime,
		"finish_time":   r.FinishTime,
		"stream_id":     num(r.StreamID),
		"stream_id_str": r.StreamID,
		"cover":         obj{"url_list": u.mirrors(r.Cover, 2), "uri": r.Cover.ID},
		"stream_url":    u.streamURL(r),
		"owner": obj{
			"id":           num(o.UID),
			"id_str":       o.UID,
			"web_rid":      r.WebRID,
			"sec_uid":      o.SecUID,
			"nickname":     o.Nickname,
			"gender":       0,
			"signature":    o.Signature,
			"verified":     false,
			"city":         "",
			"avatar_large": obj{"url_list": u.mirrors(o.Avatar, 2), "uri": o.Avatar.ID, "height": 0, "width": 0},
			"follow_info":  obj{"following_count": o.FollowingCount, "follower_count": o.FollowerCount, "follow_status": 0},
		},
		"owner_user_id":    num(o.UID),
		"live_type_normal": true,
	}
}

// liveUserJSON is data.user of web/enter (the viewer; a guest here).
func (u urlMaker) liveUserJSON(r *Room) obj {
	o := r.Owner
	return obj{"id_str": o.UID, "sec_uid": o.SecUID, "nickname": o.Nickname,
		"avatar_thumb": obj{"url_list": u.mirrors(o.Avatar, 2)},
		"follow_info":  obj{"follow_status": 0, "follow_status_str": "0"}, "open_id_str": ""}
}

// folderJSON is one collects_list entry.
func (u urlMaker) folderJSON(f *Folder, me *Account) obj {
	cover := obj{"url_list": []string{}}
	if len(f.Posts) > 0 {
		cover = obj{"uri": f.Cover.ID, "url_list": u.mirrors(f.Cover, 2)}
	}
	last := f.CreateTime
	for _, p := range f.Posts {
		last = max(last, p.CreateTime)
	}
	return obj{
		"collects_id":       num(f.ID),
		"collects_name":     f.Name,
		"collects_cover":    cover,
		"total_number":      len(f.Posts),
		"create_time":       f.CreateTime,
		"last_collect_time": last,
		"app_id":            1128,
		"follow_status":     0,
		"followed_count":    0,
		"is_normal_status":  true,
		"item_type":         2,
		"play_count":        0,
		"states":            0,
		"status":            1,
		"system_type":       0,
		"user_id":           num(me.UID),
		"user_info":         obj{"nickname": me.Nickname, "uid": me.UID},
	}
}

// envelope adds the fields most answers carry: extra and log_pb.
func envelope(now time.Time, logid string, fields obj) obj {
	fields["extra"] = obj{"now": now.UnixMilli(), "logid": logid, "fatal_item_ids": []any{}}
	fields["log_pb"] = obj{"impr_id": logid}
	return fields
}

// logID is a Douyin-style log id (timestamp plus hex).
func (s *Server) logID(now time.Time) string {
	s.mu.Lock()
	n := s.rng.Uint64()
	s.mu.Unlock()
	return now.In(time.FixedZone("CST", 8*3600)).Format("20060102150405") + strings.ToUpper(strconv.FormatUint(n, 16))
}
