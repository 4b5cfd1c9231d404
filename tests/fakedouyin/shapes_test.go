package fakedouyin

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The shape test walks each real capture in fetch/testdata/real and the
// fake's answer for the same endpoint, and fails when a field douyinfs
// reads differs in path or JSON type (string, number, bool, null, object,
// array). Paths use "." between keys and "[]" for every element of an
// array. A path starting with "?" is compared only when the capture has
// it (captures from different years carry different fields); any other
// path must be in the capture, so a typo here fails too.

// fixtureDir holds the real captures (fetch/testdata/real, where fetch's
// decoder tests read them too) as seen from this package. They are part of
// the repository, so a missing capture fails the test: it never skips.
const fixtureDir = "../../fetch/testdata/real"

// awemePaths are the aweme fields douyinfs reads from a video item.
func awemePaths() []string {
	return []string{
		"aweme_id", "desc", "create_time", "aweme_type", "?media_type", "duration", "is_top", "share_url",
		"author.uid", "author.sec_uid", "author.nickname", "?author.unique_id", "author.avatar_thumb.url_list[]",
		"video.duration", "video.width", "video.height",
		"video.play_addr.uri", "video.play_addr.url_list[]", "video.play_addr.data_size", "video.play_addr.width", "video.play_addr.height",
		"video.bit_rate[].gear_name", "video.bit_rate[].quality_type", "video.bit_rate[].bit_rate", "video.bit_rate[].is_h265",
		"?video.bit_rate[].format",
		"video.bit_rate[].play_addr.uri", "video.bit_rate[].play_addr.url_list[]", "video.bit_rate[].play_addr.width",
		"video.bit_rate[].play_addr.height", "video.bit_rate[].play_addr.data_size", "video.bit_rate[].play_addr.file_hash",
		"video.origin_cover.url_list[]", "video.cover.url_list[]",
		"images",
		"music.id", "music.id_str", "music.title", "music.author", "music.duration", "music.status",
		"music.play_url.uri", "music.play_url.url_list[]",
		"statistics.digg_count", "statistics.comment_count", "statistics.share_count", "statistics.collect_count",
		"status.is_delete", "status.private_status",
	}
}

// imagePaths are the fields douyinfs reads from an image (type 68) item.
func imagePaths() []string {
	return []string{
		"aweme_id", "desc", "create_time", "aweme_type", "?media_type", "?duration", "share_url",
		"author.uid", "author.sec_uid", "author.nickname", "author.avatar_thumb.url_list[]",
		"images[].uri", "images[].url_list[]", "images[].download_url_list[]", "images[].width", "images[].height",
		"video.duration", "video.bit_rate", "video.play_addr.url_list[]", "video.origin_cover.url_list[]",
		"music.id", "music.id_str", "music.title", "music.status", "music.play_url.url_list[]",
		"statistics.digg_count", "status.is_delete", "status.private_status",
	}
}

// mixPaths are the mix_info fields douyinfs reads.
func mixPaths() []string {
	return []string{"aweme_id", "create_time", "mix_info.mix_id", "mix_info.mix_name", "mix_info.desc",
		"mix_info.cover_url.url_list[]", "mix_info.statis.current_episode", "mix_info.statis.updated_to_episode",
		"mix_info.create_time", "mix_info.update_time"}
}

func prefixed(prefix string, paths []string) []string {
	var l []string
	for _, p := range paths {
		opt := strings.HasPrefix(p, "?")
		p = strings.TrimPrefix(p, "?")
		if opt {
			l = append(l, "?"+prefix+p)
		} else {
			l = append(l, prefix+p)
		}
	}
	return l
}

// jsonKind is the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number, float64:
		return "number"
	case bool:
		return "bool"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return "?"
}

// kindsAt collects the JSON types found at path (with [] expanding
// arrays); "missing" marks a path that is absent somewhere.
func kindsAt(v any, path string) map[string]bool {
	out := map[string]bool{}
	var walk func(v any, parts []string)
	walk = func(v any, parts []string) {
		if len(parts) == 0 {
			out[jsonKind(v)] = true
			return
		}
		part := parts[0]
		if key, ok := strings.CutSuffix(part, "[]"); ok {
			if key != "" {
				m, ok := v.(map[string]any)
				if !ok {
					out["missing"] = true
					return
				}
				if v, ok = m[key]; !ok {
					out["missing"] = true
					return
				}
			}
			arr, ok := v.([]any)
			if !ok {
				out["not-array:"+jsonKind(v)] = true
				return
			}
			for _, e := range arr {
				walk(e, parts[1:])
			}
			return
		}
		m, ok := v.(map[string]any)
		if !ok {
			out["missing"] = true
			return
		}
		x, ok := m[part]
		if !ok {
			out["missing"] = true
			return
		}
		walk(x, parts[1:])
	}
	walk(v, strings.Split(path, "."))
	return out
}

func kindList(m map[string]bool) string {
	var l []string
	for k := range m {
		l = append(l, k)
	}
	sort.Strings(l)
	return strings.Join(l, "|")
}

// compareShapes compares every path between a capture and the fake.
func compareShapes(t *testing.T, name string, fixture, fake any, paths []string) {
	t.Helper()
	for _, p := range paths {
		optional := strings.HasPrefix(p, "?")
		p = strings.TrimPrefix(p, "?")
		want := kindsAt(fixture, p)
		if want["missing"] {
			if !optional {
				t.Errorf("%s: the capture has no %s (fix the path list)", name, p)
			}
			continue
		}
		if len(want) == 0 {
			continue // an empty array in the capture says nothing about its elements
		}
		got := kindsAt(fake, p)
		if kindList(got) != kindList(want) {
			t.Errorf("%s: %s is %s in the capture but %s in the fake", name, p, kindList(want), kindList(got))
		}
	}
}

func loadFixture(t *testing.T, name string) any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatalf("real capture: %v (the captures are committed in fetch/testdata/real)", err)
	}
	var v any
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

// pickItem returns the first aweme of list matching f.
func pickItem(t *testing.T, list any, what string, f func(a map[string]any) bool) map[string]any {
	t.Helper()
	l, _ := list.([]any)
	for _, x := range l {
		if a, ok := x.(map[string]any); ok && f(a) {
			return a
		}
	}
	t.Fatalf("the fake has no %s item", what)
	return nil
}

// plainVideo: a generated video with music, four gears and no mix.
func plainVideo(a map[string]any) bool {
	gears, _ := path(a, "video.bit_rate").([]any)
	return i64(a["aweme_type"]) == 0 && a["music"] != nil && a["mix_info"] == nil && len(gears) == 4
}

func TestShapesMatchRealCaptures(t *testing.T) {
	if _, err := os.Stat(fixtureDir); err != nil {
		t.Fatalf("real captures: %v (they are committed in fetch/testdata/real)", err)
	}
	s := startServer(t, Options{Seed: 91})
	c := newClient(t, s)
	li := c.loggedIn()
	w := s.World()
	var offline *User
	for _, u := range w.Users {
		if u.Room == nil || !u.Room.Living {
			offline = u
			break
		}
	}

	posts := c.webJSON("/aweme/v1/web/aweme/post/", "max_cursor=0&count=20&sec_user_id="+w.Users[2].SecUID)
	fakeVideo := pickItem(t, posts["aweme_list"], "plain video", plainVideo)
	fakeImage := c.webJSON("/aweme/v1/web/aweme/detail/", "aweme_id="+w.RealImagePost().AwemeID)["aweme_detail"]
	var mixPost *Post
	for _, p := range w.AllPosts() {
		if p.Mix != nil {
			mixPost = p
			break
		}
	}
	fakeMixItem := c.webJSON("/aweme/v1/web/aweme/detail/", "aweme_id="+mixPost.AwemeID)["aweme_detail"]
	var likesOf *User
	for _, u := range w.Users {
		if !u.LikesPrivate {
			likesOf = u
			break
		}
	}
	likes := c.webJSON("/aweme/v1/web/aweme/favorite/", "max_cursor=0&count=20&sec_user_id="+likesOf.SecUID)
	feed := c.webJSON("/aweme/v1/web/tab/feed/", "count=10&tag_id=&share_aweme_id=&live_insert_type=&refresh_index=1&video_type_select=1&aweme_pc_rec_raw_data=%7B%22is_client%22%3A%22false%22%7D&globalwid=&pull_type=&min_window=&free_right=&ug_source=&creative_id=")
	detailPost := w.Users[2].Posts[0]
	for _, p := range w.Users[2].Posts {
		if p.Type == 0 && p.Music != nil && len(p.Renditions) == 4 {
			detailPost = p
			break
		}
	}
	detail := c.webJSON("/aweme/v1/web/aweme/detail/", "aweme_id="+detailPost.AwemeID)
	deleted := c.webJSON("/aweme/v1/web/aweme/detail/", "aweme_id="+w.DeletedPost().AwemeID)
	profile := c.webJSON("/aweme/v1/web/user/profile/other/", "sec_user_id="+offline.SecUID)
	livingProfile := c.webJSON("/aweme/v1/web/user/profile/other/", "sec_user_id="+w.LivingRoom().Owner.SecUID)
	var roomData any
	d := json.NewDecoder(strings.NewReader(str(path(livingProfile, "user.room_data"))))
	d.UseNumber()
	if err := d.Decode(&roomData); err != nil {
		t.Fatalf("fake room_data: %v", err)
	}
	enter := li.do(li.liveRequest(w.LivingRoom().WebRID)).json(t)
	reflow := c.do(c.reflowRequest(w.EndedRoom().RoomID)).json(t)

	pagePaths := []string{"status_code", "has_more", "max_cursor", "min_cursor", "aweme_list"}
	roomPaths := []string{"id_str", "status", "title", "owner.id_str", "owner.sec_uid", "owner.nickname",
		"owner.avatar_thumb.url_list[]", "stream_url.default_resolution",
		"stream_url.flv_pull_url", "stream_url.flv_pull_url.FULL_HD1", "stream_url.flv_pull_url.HD1",
		"stream_url.flv_pull_url.SD1", "stream_url.flv_pull_url.SD2",
		"stream_url.hls_pull_url_map", "stream_url.hls_pull_url_map.FULL_HD1", "stream_url.hls_pull_url_map.HD1",
		"stream_url.hls_pull_url_map.SD1", "stream_url.hls_pull_url_map.SD2",
		"?stream_url.live_core_sdk_data.pull_data.stream_data", "?status_str", "?stats.user_count_str"}

	cases := []struct {
		fixture     string
		fixtureRoot string
		fake        any
		paths       []string
	}{
		{"aweme_post_page_video.json", "", posts, pagePaths},
		{"aweme_post_page_video.json", "aweme_list.0", fakeVideo, awemePaths()},
		{"aweme_post_items_2026.json", "0", fakeVideo, awemePaths()},
		{"aweme_post_page_images.json", "", posts, pagePaths},
		{"aweme_post_page_images.json", "aweme_list.0", fakeImage, imagePaths()},
		{"aweme_item_images_type68.json", "", fakeImage, imagePaths()},
		{"aweme_item_with_mix_info.json", "", fakeMixItem, mixPaths()},
		{"aweme_post_page_images.json", "aweme_list.0", fakeMixItem, mixPaths()},
		{"like_list.json", "", likes, []string{"status_code", "has_more", "max_cursor", "aweme_list"}},
		{"like_list.json", "aweme_list.0", pickItem(t, likes["aweme_list"], "liked plain video", plainVideo), awemePaths()},
		{"module_feed.json", "", feed, []string{"status_code", "status_msg", "has_more", "max_cursor", "min_cursor", "aweme_list"}},
		{"module_feed.json", "aweme_list.0", pickItem(t, feed["aweme_list"], "feed plain video", plainVideo), awemePaths()},
		{"aweme_detail_video.json", "", detail, append([]string{"status_code", "aweme_detail"}, prefixed("aweme_detail.", awemePaths())...)},
		{"aweme_detail_deleted.json", "", deleted, []string{"status_code", "aweme_detail", "filter_detail.aweme_id", "filter_detail.filter_reason", "filter_detail.detail_msg"}},
		{"user_profile_offline.json", "", profile, append([]string{"status_code", "status_msg"}, prefixed("user.", []string{
			"uid", "sec_uid", "nickname", "unique_id", "short_id", "signature", "avatar_larger.url_list[]", "avatar_thumb.url_list[]",
			"avatar_medium.url_list[]", "aweme_count", "favoriting_count", "follower_count", "following_count", "total_favorited",
			"mix_count", "room_id", "live_status", "show_favorite_list", "secret", "ip_location"})...)},
		{"user_profile_room_data_living.json", "", roomData, []string{"status", "owner.web_rid", "stream_url.flv_pull_url",
			"stream_url.flv_pull_url.FULL_HD1", "stream_url.default_resolution", "user_count"}},
		{"live_enter_living.json", "", enter, append([]string{"status_code", "extra.now", "data.room_status", "data.enter_room_id",
			"data.user.id_str", "data.user.sec_uid", "data.user.nickname", "data.data"}, prefixed("data.data[].", roomPaths)...)},
		{"live_enter_room_item_living_2023.json", "", path(enter, "data.data.0"), roomPaths},
		{"live_enter_room_item_living_2024.json", "", path(enter, "data.data.0"), roomPaths},
		{"reflow_info_ended.json", "", reflow, append([]string{"status_code", "extra.now", "data.user.id_str", "data.user.sec_uid",
			"data.user.nickname"}, prefixed("data.room.", []string{"id", "id_str", "status", "title", "user_count", "create_time",
			"finish_time", "owner.id", "owner.id_str", "owner.web_rid", "owner.sec_uid", "owner.nickname",
			"owner.avatar_large.url_list[]", "stream_url.resolution_name", "stream_url.resolution_name.FULL_HD1",
			"stream_url.flv_pull_url.FULL_HD1", "stream_url.flv_pull_url.HD1", "stream_url.flv_pull_url.SD1", "stream_url.flv_pull_url.SD2",
			"stream_url.hls_pull_url_map.FULL_HD1", "stream_url.hls_pull_url_map.HD1", "stream_url.hls_pull_url_map.SD1",
			"stream_url.hls_pull_url_map.SD2"})...)},
	}
	covered := map[string]bool{}
	for _, tc := range cases {
		fix := loadFixture(t, tc.fixture)
		if tc.fixtureRoot != "" {
			fix = path(fix, tc.fixtureRoot)
		}
		if fix == nil || tc.fake == nil {
			t.Fatalf("%s %s: nothing to compare", tc.fixture, tc.fixtureRoot)
		}
		compareShapes(t, tc.fixture+" "+tc.fixtureRoot, fix, tc.fake, tc.paths)
		covered[tc.fixture] = true
	}
	// Every capture in the directory is compared.
	entries, err := os.ReadDir(fixtureDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") && !covered[e.Name()] {
			t.Errorf("capture %s is not compared", e.Name())
		}
	}
	// The fake keeps the big ids exact: numbers where the capture has
	// numbers that a float64 cannot hold.
	if id := str(path(reflow, "data.room.id")); id != w.EndedRoom().RoomID {
		t.Errorf("reflow room.id %s, want exactly %s", id, w.EndedRoom().RoomID)
	}
	if !slices.Contains([]string{"string"}, jsonKind(path(fakeVideo, "aweme_id"))) {
		t.Error("aweme_id must be a string")
	}
}

// TestShapeCompareCanFail makes sure the comparison notices a changed type
// and a missing field.
func TestShapeCompareCanFail(t *testing.T) {
	fix := map[string]any{"a": json.Number("1"), "b": []any{map[string]any{"c": "x"}}, "n": nil}
	for _, fake := range []map[string]any{
		{"a": "1", "b": []any{map[string]any{"c": "x"}}, "n": nil},
		{"a": json.Number("1"), "b": []any{map[string]any{"d": "x"}}, "n": nil},
		{"a": json.Number("1"), "b": []any{map[string]any{"c": "x"}}, "n": "x"},
	} {
		var got []string
		for _, p := range []string{"a", "b[].c", "n"} {
			if kindList(kindsAt(fix, p)) != kindList(kindsAt(fake, p)) {
				got = append(got, p)
			}
		}
		if len(got) != 1 {
			t.Errorf("fake %v: %d differences found, want 1", fake, len(got))
		}
	}
}
