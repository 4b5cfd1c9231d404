package fetch

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The real responses captured from Douyin (testdata/real, with their
// provenance in its README.md; tests/fakedouyin's shape test reads them
// too). Expected values are read from the JSON itself with a generic walk
// (jget), by logic independent of the decoders, or stated from the file.
const fixturesDir = "testdata/real"

// fixture returns a real capture. The captures are part of the
// repository, so a missing one fails the test: it never skips.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixturesDir, name))
	if err != nil {
		t.Fatalf("real capture %s: %v (the captures are committed in fetch/%s; restore them with git checkout)", name, err, fixturesDir)
	}
	return b
}

// generic parses JSON into maps and slices with exact numbers.
func generic(t testing.TB, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// jget walks maps (string keys) and slices (int keys); nil when missing.
func jget(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			s, ok := v.([]any)
			if !ok || k >= len(s) {
				return nil
			}
			v = s[k]
		}
	}
	return v
}

// jstring renders a scalar as douyinfs keeps it (numbers as their text).
func jstring(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	return ""
}

func jint64(v any) int64 {
	switch x := v.(type) {
	case json.Number:
		n, _ := x.Int64()
		return n
	case bool:
		if x {
			return 1
		}
	}
	return 0
}

func jstrings(v any) []string {
	s, _ := v.([]any)
	var out []string
	for _, e := range s {
		out = append(out, jstring(e))
	}
	return out
}

func rawOf(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkPost compares a decoded post with its raw aweme object.
func checkPost(t *testing.T, got Post, a any) {
	t.Helper()
	id := jstring(jget(a, "aweme_id"))
	if got.ID != id || id == "" {
		t.Errorf("ID = %q, want %q", got.ID, id)
	}
	if want := jint64(jget(a, "aweme_type")); int64(got.Type) != want {
		t.Errorf("%s: Type = %d, want %d", id, got.Type, want)
	}
	if want := jstring(jget(a, "desc")); got.Desc != want {
		t.Errorf("%s: Desc = %q, want %q", id, got.Desc, want)
	}
	if want := jint64(jget(a, "create_time")); got.CreateTime != want || want == 0 {
		t.Errorf("%s: CreateTime = %d, want %d", id, got.CreateTime, want)
	}
	if want := jstring(jget(a, "author", "sec_uid")); got.Author.SecUID != want {
		t.Errorf("%s: Author.SecUID = %q, want %q", id, got.Author.SecUID, want)
	}
	if want := jstring(jget(a, "author", "uid")); got.Author.UID != want {
		t.Errorf("%s: Author.UID = %q, want %q", id, got.Author.UID, want)
	}
	if want := jstring(jget(a, "author", "nickname")); got.Author.Nickname != want {
		t.Errorf("%s: Author.Nickname = %q, want %q", id, got.Author.Nickname, want)
	}
	if want := jint64(jget(a, "is_top")) == 1; got.IsTop != want {
		t.Errorf("%s: IsTop = %v, want %v", id, got.IsTop, want)
	}
	if want := jint64(jget(a, "statistics", "digg_count")); got.Stats.Digg != want {
		t.Errorf("%s: Stats.Digg = %d, want %d", id, got.Stats.Digg, want)
	}
	if !json.Valid(got.Raw) || jstring(jget(generic(t, got.Raw), "aweme_id")) != id {
		t.Errorf("%s: Raw is not the aweme object", id)
	}

	images, _ := jget(a, "images").([]any)
	if len(images) > 0 {
		if got.Video != nil {
			t.Errorf("%s: image post has a Video", id)
		}
		if len(got.Images) != len(images) {
			t.Fatalf("%s: %d images, want %d", id, len(got.Images), len(images))
		}
		for i, im := range images {
			all := jstrings(jget(im, "url_list"))
			g := got.Images[i]
			// Real url_lists mix WebP and JPEG; a picture is served from
			// its JPEG mirrors only.
			if want := jpegURLs(all); g.Format != FormatJPEG || !slices.Equal(g.URLs, want) || len(want) == 0 {
				t.Errorf("%s: image %d is %q from %v, want jpeg from %v", id, i, g.Format, g.URLs, want)
			}
			if !slices.Equal(g.All, all) {
				t.Errorf("%s: image %d All is not url_list", id, i)
			}
			if len(jpegURLs(all)) == len(all) {
				t.Errorf("%s: image %d: the capture no longer mixes formats", id, i)
			}
			if int64(g.Width) != jint64(jget(im, "width")) || int64(g.Height) != jint64(jget(im, "height")) {
				t.Errorf("%s: image %d size %dx%d", id, i, g.Width, g.Height)
			}
		}
		if !slices.Equal(got.Cover, coverOf(a)) && coverOf(a) != nil {
			t.Errorf("%s: Cover = %v", id, got.Cover)
		}
	} else {
		checkRenditions(t, id, got.Video, a)
		if want := coverOf(a); !slices.Equal(got.Cover, want) || len(want) == 0 {
			t.Errorf("%s: Cover = %v, want %v", id, got.Cover, want)
		}
	}

	m := jget(a, "music")
	musicURLs := jstrings(jget(m, "play_url", "url_list"))
	if jint64(jget(m, "status")) == 1 && len(musicURLs) > 0 {
		if got.Music == nil {
			t.Fatalf("%s: Music missing", id)
		}
		if got.Music.ID != jstring(jget(m, "id_str")) || got.Music.Title != jstring(jget(m, "title")) || !slices.Equal(got.Music.URLs, musicURLs) {
			t.Errorf("%s: Music = %+v", id, got.Music)
		}
		if got.Music.DurationS != jint64(jget(m, "duration")) {
			t.Errorf("%s: Music.DurationS = %d", id, got.Music.DurationS)
		}
	} else if got.Music != nil {
		t.Errorf("%s: Music = %+v, want nil (status %v, %d URLs)", id, got.Music, jget(m, "status"), len(musicURLs))
	}

	if mixID := jstring(jget(a, "mix_info", "mix_id")); mixID != "" {
		want := MixRef{ID: mixID, Name: jstring(jget(a, "mix_info", "mix_name")), Episode: int(jint64(jget(a, "mix_info", "statis", "current_episode")))}
		if got.Mix == nil || *got.Mix != want {
			t.Errorf("%s: Mix = %+v, want %+v", id, got.Mix, want)
		}
	} else if got.Mix != nil {
		t.Errorf("%s: Mix = %+v, want nil", id, got.Mix)
	}
}

// coverOf is the JPEG mirrors of origin_cover, else of cover (real detail
// answers list WebP covers first; douyinfs shows covers as .jpeg).
func coverOf(a any) []string {
	if l := jpegURLs(jstrings(jget(a, "video", "origin_cover", "url_list"))); len(l) > 0 {
		return l
	}
	return jpegURLs(jstrings(jget(a, "video", "cover", "url_list")))
}

// jpegURLs are the URLs whose path ends in .jpeg or .jpg, in order.
func jpegURLs(l []string) []string {
	var out []string
	for _, u := range l {
		p := strings.ToLower(strings.SplitN(u, "?", 2)[0])
		if strings.HasSuffix(p, ".jpeg") || strings.HasSuffix(p, ".jpg") {
			out = append(out, u)
		}
	}
	return out
}

// checkRenditions: one rendition per bit_rate gear with URLs, the first the
// highest bitrate (H.264 on ties), each with its gear's URLs and data_size.
func checkRenditions(t *testing.T, id string, v *Video, a any) {
	t.Helper()
	var gears []any // DASH gears are video-only streams, never renditions
	all, _ := jget(a, "video", "bit_rate").([]any)
	for _, g := range all {
		if jstring(jget(g, "format")) != "dash" {
			gears = append(gears, g)
		}
	}
	if v == nil {
		t.Fatalf("%s: video post has no Video", id)
	}
	if want := jint64(jget(a, "video", "duration")); want != 0 && v.DurationMs != want {
		t.Errorf("%s: DurationMs = %d, want %d", id, v.DurationMs, want)
	}
	if len(gears) == 0 {
		if len(v.Renditions) != 1 || v.Renditions[0].Key != "play_addr" || !slices.Equal(v.Renditions[0].URLs, jstrings(jget(a, "video", "play_addr", "url_list"))) {
			t.Errorf("%s: want the play_addr rendition, got %+v", id, v.Renditions)
		}
		return
	}
	if len(v.Renditions) != len(gears) {
		t.Fatalf("%s: %d renditions, want %d", id, len(v.Renditions), len(gears))
	}
	var top int64
	byKey := map[string]any{}
	for _, g := range gears {
		top = max(top, jint64(jget(g, "bit_rate")))
		byKey[jstring(jget(g, "gear_name"))] = g
	}
	if v.Renditions[0].Bitrate != top {
		t.Errorf("%s: first rendition %s has bitrate %d, want the highest %d", id, v.Renditions[0].Key, v.Renditions[0].Bitrate, top)
	}
	for i, r := range v.Renditions {
		g, ok := byKey[r.Key]
		if !ok {
			t.Fatalf("%s: rendition key %q is no gear_name", id, r.Key)
		}
		if i > 0 && r.Bitrate > v.Renditions[i-1].Bitrate {
			t.Errorf("%s: renditions not in bitrate order at %d", id, i)
		}
		if !slices.Equal(r.URLs, jstrings(jget(g, "play_addr", "url_list"))) {
			t.Errorf("%s: %s URLs differ from play_addr.url_list", id, r.Key)
		}
		if r.Size != jint64(jget(g, "play_addr", "data_size")) {
			t.Errorf("%s: %s Size = %d, want data_size %v", id, r.Key, r.Size, jget(g, "play_addr", "data_size"))
		}
		wantCodec := CodecH264
		if jint64(jget(g, "is_h265")) == 1 || jint64(jget(g, "is_bytevc1")) == 1 {
			wantCodec = CodecH265
		}
		if r.Codec != wantCodec {
			t.Errorf("%s: %s Codec = %s, want %s", id, r.Key, r.Codec, wantCodec)
		}
		if int64(r.Width) != jint64(jget(g, "play_addr", "width")) || int64(r.Height) != jint64(jget(g, "play_addr", "height")) {
			t.Errorf("%s: %s is %dx%d", id, r.Key, r.Width, r.Height)
		}
	}
}

func TestFixturePostPages(t *testing.T) {
	for _, name := range []string{"aweme_post_page_video.json", "aweme_post_page_images.json", "like_list.json"} {
		t.Run(name, func(t *testing.T) {
			body := fixture(t, name)
			g := generic(t, body)
			page, skipped, err := decodePostPage(body, "test", cursorMax, QualityBest)
			if err != nil || skipped != 0 {
				t.Fatalf("decode: %v (skipped %d)", err, skipped)
			}
			if want := jstring(jget(g, "max_cursor")); page.Cursor != want || want == "" {
				t.Errorf("Cursor = %q, want max_cursor %q", page.Cursor, want)
			}
			if want := jint64(jget(g, "has_more")) == 1; page.HasMore != want {
				t.Errorf("HasMore = %v, want %v", page.HasMore, want)
			}
			list := jget(g, "aweme_list").([]any)
			if len(page.Items) != len(list) {
				t.Fatalf("%d items, want %d", len(page.Items), len(list))
			}
			for i := range list {
				checkPost(t, page.Items[i], list[i])
			}
		})
	}
}

// Values stated from the files, so that a decoder and checkPost sharing a
// misreading would still be caught.
func TestFixtureStatedValues(t *testing.T) {
	page, _, err := decodePostPage(fixture(t, "aweme_post_page_video.json"), "test", cursorMax, QualityBest)
	if err != nil {
		t.Fatal(err)
	}
	p := page.Items[0]
	if p.ID != "7253290037918354691" || p.CreateTime != 1688788818 || p.Type != 0 || !p.IsTop || p.Author.UID != "96719499963" || p.Author.Nickname != "燃剪Kevin" {
		t.Errorf("video page item = %s %d %d %v %s %s", p.ID, p.CreateTime, p.Type, p.IsTop, p.Author.UID, p.Author.Nickname)
	}
	if page.Cursor != "1689909551000" || !page.HasMore {
		t.Errorf("cursor %q has_more %v", page.Cursor, page.HasMore)
	}
	keys := []string{}
	for _, r := range p.Video.Renditions {
		keys = append(keys, r.Key)
	}
	if !slices.Equal(keys, []string{"normal_1080_0", "normal_720_0", "normal_540_0", "lower_540_0"}) || p.Video.Renditions[0].Size != 18025814 {
		t.Errorf("renditions %v, size %d", keys, p.Video.Renditions[0].Size)
	}
	if p.Music == nil || p.Music.ID != "7253290130763467557" || p.Music.DurationS != 64 {
		t.Errorf("music %+v", p.Music)
	}

	img, _, err := decodePostPage(fixture(t, "aweme_post_page_images.json"), "test", cursorMax, QualityBest)
	if err != nil {
		t.Fatal(err)
	}
	q := img.Items[0]
	if q.ID != "7232626237586312485" || q.Type != 68 || q.Video != nil || len(q.Images) != 3 || !q.IsImagePost() {
		t.Errorf("image post = %s type %d video %v images %d", q.ID, q.Type, q.Video, len(q.Images))
	}
	if q.Mix == nil || q.Mix.ID != "7238089454588528701" || q.Mix.Episode != 1 {
		t.Errorf("image post mix = %+v", q.Mix)
	}
	if q.Images[0].Width != 1440 || q.Images[0].Height != 1918 || !strings.Contains(q.Images[0].URLs[0], "q75.jpeg") || len(q.Images[0].URLs) != 1 || len(q.Images[0].All) != 4 {
		t.Errorf("first image = %+v", q.Images[0])
	}

	likes, _, err := decodePostPage(fixture(t, "like_list.json"), "test", cursorMax, QualityBest)
	if err != nil {
		t.Fatal(err)
	}
	if len(likes.Items) != 20 || likes.Cursor != "1630306344000" {
		t.Errorf("likes: %d items, cursor %q", len(likes.Items), likes.Cursor)
	}
	for _, p := range likes.Items {
		// These old items say music status 1 but carry no play URL.
		if p.Music != nil {
			t.Errorf("%s: music without a URL decoded as %+v", p.ID, p.Music)
		}
	}
}

func TestFixtureItems(t *testing.T) {
	t.Run("aweme_post_items_2026.json", func(t *testing.T) {
		g := generic(t, fixture(t, "aweme_post_items_2026.json"))
		list := g.([]any)
		pinned := 0
		for _, a := range list {
			p, err := decodePost(rawOf(t, a), QualityBest)
			if err != nil {
				t.Fatal(err)
			}
			checkPost(t, p, a)
			if p.IsTop {
				pinned++
			}
			if len(p.Video.Renditions) < 12 {
				t.Errorf("%s: only %d renditions", p.ID, len(p.Video.Renditions))
			}
		}
		if len(list) != 10 || pinned != 3 {
			t.Errorf("%d items, %d pinned; want 10 and 3", len(list), pinned)
		}
	})
	t.Run("aweme_item_images_type68.json", func(t *testing.T) {
		b := fixture(t, "aweme_item_images_type68.json")
		p, err := decodePost(b, QualityBest)
		if err != nil {
			t.Fatal(err)
		}
		checkPost(t, p, generic(t, b))
		if p.ID != "7130915958767504675" || p.Video != nil || len(p.Images) != 2 || p.Music == nil || p.Music.Title != "@姜姜创作的原声" {
			t.Errorf("type 68 item: %s video %v images %d music %+v", p.ID, p.Video, len(p.Images), p.Music)
		}
	})
	t.Run("aweme_item_with_mix_info.json", func(t *testing.T) {
		b := fixture(t, "aweme_item_with_mix_info.json")
		p, err := decodePost(b, QualityBest)
		if err != nil {
			t.Fatal(err)
		}
		checkPost(t, p, generic(t, b))
		if p.Mix == nil || *p.Mix != (MixRef{ID: "6759059132059224071", Name: "日常", Episode: 33}) || p.Type != 53 {
			t.Errorf("mix item: type %d mix %+v", p.Type, p.Mix)
		}
		if p.Video.Best().Key != "adapt_1080_0" || p.Video.Best().Size != 2329609 {
			t.Errorf("best = %+v", p.Video.Best())
		}
	})
}

func TestFixtureDetail(t *testing.T) {
	b := fixture(t, "aweme_detail_video.json")
	p, err := decodeDetail(b, "7071967230287744267", QualityBest)
	if err != nil {
		t.Fatal(err)
	}
	checkPost(t, *p, jget(generic(t, b), "aweme_detail"))
	if p.ID != "7071967230287744267" || p.Author.UniqueID != "bailitufu8" || p.Video.Best().Key != "adapt_lowest_720_1" {
		t.Errorf("detail = %s %s %s", p.ID, p.Author.UniqueID, p.Video.Best().Key)
	}
	// Its origin_cover is 3 WebP + 1 JPEG: the cover is that one JPEG.
	if len(p.Cover) != 1 || !strings.Contains(p.Cover[0], "~tplv-dy-360p.jpeg?") {
		t.Errorf("detail cover = %v, want its one JPEG mirror", p.Cover)
	}

	_, err = decodeDetail(fixture(t, "aweme_detail_deleted.json"), "7223326284024139065", QualityBest)
	var nf *NotFoundError
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &nf) {
		t.Fatalf("deleted post: err = %v, want a NotFoundError", err)
	}
	if nf.Reason != "status_self_see" || nf.ID != "7223326284024139065" || nf.Kind != KindPost || !strings.Contains(nf.Msg, "无法观看") {
		t.Errorf("deleted post error = %+v", nf)
	}
}

func TestFixtureFeed(t *testing.T) {
	b := fixture(t, "module_feed.json")
	posts, skipped, err := decodeFeed(b, "test", QualityBest)
	if err != nil || skipped != 0 {
		t.Fatalf("decode: %v (skipped %d)", err, skipped)
	}
	list := jget(generic(t, b), "aweme_list").([]any)
	if len(posts) != 9 || len(list) != 9 {
		t.Fatalf("%d posts, want 9", len(posts))
	}
	for i := range list {
		checkPost(t, posts[i], list[i])
	}
}

func TestFixtureProfile(t *testing.T) {
	b := fixture(t, "user_profile_offline.json")
	u, err := decodeProfile(b, "x")
	if err != nil {
		t.Fatal(err)
	}
	g := jget(generic(t, b), "user")
	want := User{
		UID: "101881718376", SecUID: "MS4wLjABAAAA85mPkf3FPVNmf_XTn4xpYrqB7kwPf7N7haPEJrRW8CQ", UniqueID: "danfanlaosiji",
		Nickname: "老司机摄影器材", Signature: jstring(jget(g, "signature")),
		AwemeCount: 509, FollowerCount: 298468, FollowingCount: 45, FavoritingCount: 0, MixCount: 5,
		LikesPrivate: true, LiveStatus: 0, RoomID: "",
		AvatarURLs: jstrings(jget(g, "avatar_larger", "url_list")),
	}
	got := *u
	got.Raw = nil
	if !equalUser(got, want) {
		t.Errorf("profile =\n%+v\nwant\n%+v", got, want)
	}
	if jstring(jget(generic(t, u.Raw), "sec_uid")) != want.SecUID {
		t.Error("Raw is not the user object")
	}
}

func equalUser(a, b User) bool {
	return slices.Equal(a.AvatarURLs, b.AvatarURLs) && a.UID == b.UID && a.SecUID == b.SecUID && a.UniqueID == b.UniqueID &&
		a.Nickname == b.Nickname && a.Signature == b.Signature && a.AwemeCount == b.AwemeCount && a.FollowerCount == b.FollowerCount &&
		a.FollowingCount == b.FollowingCount && a.FavoritingCount == b.FavoritingCount && a.MixCount == b.MixCount &&
		a.LikesPrivate == b.LikesPrivate && a.Private == b.Private && a.LiveStatus == b.LiveStatus && a.RoomID == b.RoomID
}

func mapOf(v any) map[string]string {
	m, _ := v.(map[string]any)
	out := map[string]string{}
	for k, x := range m {
		out[k] = jstring(x)
	}
	return out
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestFixtureRooms(t *testing.T) {
	t.Run("live_enter_living.json", func(t *testing.T) {
		b := fixture(t, "live_enter_living.json")
		r, err := decodeEnter(b, "811111111111")
		if err != nil {
			t.Fatal(err)
		}
		g := jget(generic(t, b), "data", "data", 0)
		if r.RoomID != "7421830738389060362" || r.Status != RoomLive || !r.Living() || r.Title != "副团长来了。。。。。" || r.WebRID != "811111111111" {
			t.Errorf("room = %s %d %q %s", r.RoomID, r.Status, r.Title, r.WebRID)
		}
		if r.Owner.UID != "1154955526801556" || r.Owner.Nickname != "九狸" || r.Owner.SecUID != jstring(jget(g, "owner", "sec_uid")) {
			t.Errorf("owner = %+v", r.Owner)
		}
		if r.UserCount != 1109 {
			t.Errorf("UserCount = %d, want 1109 (stats.user_count_str)", r.UserCount)
		}
		if !equalMaps(r.FLV, mapOf(jget(g, "stream_url", "flv_pull_url"))) || len(r.FLV) != 4 || !strings.Contains(r.FLV["FULL_HD1"], "_or4.flv") {
			t.Errorf("FLV = %v", r.FLV)
		}
		if !equalMaps(r.HLS, mapOf(jget(g, "stream_url", "hls_pull_url_map"))) || len(r.HLS) != 4 {
			t.Errorf("HLS = %v", r.HLS)
		}
		if !slices.Equal(r.CoverURLs, jstrings(jget(g, "cover", "url_list"))) || len(r.CoverURLs) != 2 {
			t.Errorf("cover = %v", r.CoverURLs)
		}
	})
	for _, tc := range []struct {
		name, id, title string
		users           int64
	}{
		{"live_enter_room_item_living_2023.json", "7272893528005479225", "东方甄选，健康生活，快乐相伴。", 6882},
		{"live_enter_room_item_living_2024.json", "7384316978888084233", "S3师徒组队赛晋级赛1阶段", 10000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := fixture(t, tc.name)
			r, err := decodeRoom(b, "")
			if err != nil {
				t.Fatal(err)
			}
			g := generic(t, b)
			if r.RoomID != tc.id || r.Status != RoomLive || r.Title != tc.title || r.UserCount != tc.users {
				t.Errorf("room = %s %d %q users %d", r.RoomID, r.Status, r.Title, r.UserCount)
			}
			if r.Owner.UID != jstring(jget(g, "owner", "id_str")) || r.Owner.UID == "" {
				t.Errorf("owner = %+v", r.Owner)
			}
			for _, k := range []string{"FULL_HD1", "HD1", "SD1", "SD2"} {
				if r.FLV[k] == "" || r.FLV[k] != jstring(jget(g, "stream_url", "flv_pull_url", k)) {
					t.Errorf("FLV[%s] = %q", k, r.FLV[k])
				}
				if r.HLS[k] != jstring(jget(g, "stream_url", "hls_pull_url_map", k)) {
					t.Errorf("HLS[%s] = %q", k, r.HLS[k])
				}
			}
		})
	}
	t.Run("user_profile_room_data_living.json", func(t *testing.T) {
		r, err := decodeRoom(fixture(t, "user_profile_room_data_living.json"), "")
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != RoomLive || r.WebRID != "966063870969" || r.UserCount != 28 || len(r.FLV) != 2 ||
			r.FLV["FULL_HD1"] != "http://pull-flv-f26.douyincdn.com/media/stream-112967753130836652.flv" ||
			r.FLV["SD1"] != "http://pull-flv-f26.douyincdn.com/media/stream-112967753130836652_ld.flv" {
			t.Errorf("room data = %+v", r)
		}
	})
	t.Run("reflow_info_ended.json", func(t *testing.T) {
		r, err := decodeReflow(fixture(t, "reflow_info_ended.json"), "7318296342189919011")
		if err != nil {
			t.Fatal(err)
		}
		if r.RoomID != "7318296342189919011" || r.Status != RoomEnded || r.Living() || r.FinishTime != 1703931645 || r.CreateTime != 1703923686 {
			t.Errorf("ended room = %s status %d finish %d create %d", r.RoomID, r.Status, r.FinishTime, r.CreateTime)
		}
		if r.FLV != nil || r.HLS != nil {
			t.Errorf("ended room keeps stale stream URLs: %v %v", r.FLV, r.HLS)
		}
		if r.Owner.UID != "3644207898042206" || r.Owner.Nickname != "醒子8ke" || r.WebRID != "775841227732" || r.Title != "分析头像" {
			t.Errorf("owner %+v web rid %q title %q", r.Owner, r.WebRID, r.Title)
		}
	})
}

// Every captured file must be exercised by a test above.
func TestFixturesAllCovered(t *testing.T) {
	covered := map[string]bool{
		"aweme_post_page_video.json": true, "aweme_post_page_images.json": true, "like_list.json": true,
		"aweme_post_items_2026.json": true, "aweme_item_images_type68.json": true, "aweme_item_with_mix_info.json": true,
		"aweme_detail_video.json": true, "aweme_detail_deleted.json": true, "module_feed.json": true,
		"user_profile_offline.json": true, "user_profile_room_data_living.json": true, "live_enter_living.json": true,
		"live_enter_room_item_living_2023.json": true, "live_enter_room_item_living_2024.json": true, "reflow_info_ended.json": true,
	}
	fixture(t, "README.md") // fails when the directory is missing
	names, err := filepath.Glob(filepath.Join(fixturesDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != len(covered) {
		t.Errorf("%d captures in %s, want the %d listed here", len(names), fixturesDir, len(covered))
	}
	for _, n := range names {
		if !covered[filepath.Base(n)] {
			t.Errorf("fixture %s has no decoder test", filepath.Base(n))
		}
	}
}

func TestRenditionOrderByQuality(t *testing.T) {
	list := generic(t, fixture(t, "aweme_post_items_2026.json")).([]any)
	raw := rawOf(t, list[0])
	codecs := func(rs []Rendition) (h264, h265 int) {
		for _, r := range rs {
			if r.Codec == CodecH264 {
				h264++
			} else {
				h265++
			}
		}
		return
	}
	best, _ := decodePost(raw, QualityBest)
	h264, _ := decodePost(raw, QualityH264)
	small, _ := decodePost(raw, QualitySmallest)
	n4, n5 := codecs(best.Video.Renditions)
	if n4 == 0 || n5 == 0 {
		t.Fatalf("fixture item should mix codecs: %d h264, %d h265", n4, n5)
	}
	// h264: every H.264 gear first, each group by bitrate.
	rs := h264.Video.Renditions
	for i := range rs {
		if (i < n4) != (rs[i].Codec == CodecH264) {
			t.Fatalf("h264 order: %d is %s", i, rs[i].Codec)
		}
		if i > 0 && i != n4 && rs[i].Bitrate > rs[i-1].Bitrate {
			t.Errorf("h264 order: bitrate rises at %d", i)
		}
	}
	// smallest: data_size ascending; the same set of keys in every order.
	rs = small.Video.Renditions
	for i := 1; i < len(rs); i++ {
		if rs[i].Size < rs[i-1].Size {
			t.Errorf("smallest order: size falls at %d", i)
		}
	}
	if rs[0].Key != "540_4_1" || best.Video.Best().Key != "normal_1080_0" || h264.Video.Best().Key != "normal_1080_0" {
		t.Errorf("firsts: smallest %s, best %s, h264 %s", rs[0].Key, best.Video.Best().Key, h264.Video.Best().Key)
	}
	keys := func(p Post) []string {
		var ks []string
		for _, r := range p.Video.Renditions {
			ks = append(ks, r.Key)
		}
		slices.Sort(ks)
		return ks
	}
	if !slices.Equal(keys(best), keys(h264)) || !slices.Equal(keys(best), keys(small)) {
		t.Error("orders disagree on the set of renditions")
	}
	// Equal bitrate: H.264 wins "best".
	tie := []Rendition{{Key: "b", Bitrate: 5, Codec: CodecH265}, {Key: "a", Bitrate: 5, Codec: CodecH264}, {Key: "c", Bitrate: 9, Codec: CodecH265}}
	orderRenditions(tie, QualityBest)
	if tie[0].Key != "c" || tie[1].Key != "a" {
		t.Errorf("tie order %v", tie)
	}
}
