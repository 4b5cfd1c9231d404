package fetch

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// Fuzz targets for every decoder and for ParseURL. Seeds are small real
// fixtures (testdata/real) and hand-made odd shapes. Run one with e.g.
//
//	go test ./fetch/ -run '^$' -fuzz FuzzDecodePost -fuzztime 30s

// addFixtureSeeds adds compact forms of real fixtures: the fuzzer's input
// minimisation crawls on 40 KB seeds, so only the keys the decoders read are
// kept, lists cut to two elements and strings to 48 bytes.
func addFixtureSeeds(f *testing.F, names ...string) {
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(fixturesDir, n))
		if err != nil {
			f.Fatalf("fuzz seed: %v (the real captures are committed in fetch/%s)", err, fixturesDir)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			f.Fatalf("fuzz seed %s: %v", n, err)
		}
		if c, err := json.Marshal(compact(v, false)); err == nil {
			f.Add(c)
		}
	}
}

// decoderKeys are the JSON keys some decoder reads.
var decoderKeys = map[string]bool{}

func init() {
	for k := range strings.FieldsSeq(`aweme_id aweme_type desc create_time author uid id id_str sec_uid unique_id
		short_id nickname signature is_top share_url share_info duration video bit_rate gear_name is_h265 is_bytevc1
		format play_addr url_list uri width height data_size url_key origin_cover cover images music title status
		play_url mix_info mix_id mix_name statis current_episode updated_to_episode statistics digg_count
		aweme_list has_more max_cursor cursor status_code status_msg user data room owner web_rid stream_url
		flv_pull_url hls_pull_url_map user_count user_count_str stats finish_time aweme_detail filter_detail
		filter_reason detail_msg notice show_favorite_list room_id room_id_str live_status user_live
		avatar_larger avatar_large avatar_thumb collects_list collects_id collects_name mix_infos cover_url
		aweme_count follower_count mix_count`) {
		decoderKeys[k] = true
	}
}

func compact(v any, allKeys bool) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if allKeys || decoderKeys[k] {
				// Stream URL maps are keyed by quality: keep those keys.
				out[k] = compact(e, k == "flv_pull_url" || k == "hls_pull_url_map")
			}
		}
		return out
	case []any:
		out := []any{}
		for i, e := range x {
			if i == 2 {
				break
			}
			out = append(out, compact(e, false))
		}
		return out
	case string:
		if len(x) > 48 {
			return x[:48]
		}
	}
	return v
}

var oddShapes = []string{
	``, `null`, `{}`, `[]`, `"x"`, `{"status_code":"0"}`, `{"status_code":8,"status_msg":null}`,
	`{"aweme_id":1234567890123456789,"aweme_type":"68","images":{"url_list":["a.jpeg"]}}`,
	`{"aweme_id":"1","video":{"bit_rate":{"gear_name":"g","bit_rate":"5","play_addr":{"url_list":["u",null,""]}}}}`,
	`{"aweme_id":"1","video":{"bit_rate":[{"gear_name":"g","play_addr":{"url_list":["u"]}},{"gear_name":"g","play_addr":{"url_list":["v"]}}]}}`,
	`{"aweme_id":"1","video":{"bit_rate":[{"format":"dash","play_addr":{"url_list":["u"]}}],"play_addr":{"url_list":["p"],"data_size":1e3}}}`,
	`{"aweme_id":"1","music":{"status":true,"play_url":{"url_list":"x"}},"mix_info":{"mix_id":7,"statis":{"current_episode":"3"}}}`,
	`{"has_more":true,"max_cursor":1.5e12,"aweme_list":[{"aweme_id":"1"},{},null,5]}`,
	`{"has_more":"1","cursor":"x","collects_list":[{"collects_id":123456789012345678901234567890}],"mix_infos":[{"mix_id":"9"}]}`,
	`{"data":{"data":[{"id_str":"1","status":2,"stream_url":{"flv_pull_url":{"A":"u","B":5}}}]}}`,
	`{"data":{"room":{"id":7318296342189919011,"status":4,"stream_url":{"flv_pull_url":{"A":"u"}}}}}`,
	`{"data":[{"user_live":[{"live_status":1,"room_id":1}]}]}`, `{"status_code":5,"data":{"prompts":"bad"}}`,
	`{"aweme_detail":null,"filter_detail":{"filter_reason":"r"}}`, `{"user":{"uid":"1","show_favorite_list":0}}`,
	`{"user":"nope"}`, `{"status_code":0} {"status_code":1}`,
}

func addOddSeeds(f *testing.F) {
	for _, s := range oddShapes {
		f.Add([]byte(s))
	}
}

func FuzzDecodePost(f *testing.F) {
	addFixtureSeeds(f, "aweme_item_images_type68.json", "aweme_item_with_mix_info.json")
	addOddSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, q := range []string{QualityBest, QualityH264, QualitySmallest} {
			p, err := decodePost(data, q)
			if err != nil {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("error %v is not ErrMalformed", err)
				}
				continue
			}
			checkPostInvariants(t, p, q)
		}
	})
}

// checkPostInvariants: what every decoded post promises its users.
func checkPostInvariants(t *testing.T, p Post, quality string) {
	t.Helper()
	if p.ID == "" {
		t.Fatal("post without id")
	}
	if p.Video != nil && p.Images != nil {
		t.Fatal("post is both video and images")
	}
	if p.Video != nil {
		rs := p.Video.Renditions
		if len(rs) == 0 {
			t.Fatal("Video without renditions")
		}
		keys := map[string]bool{}
		for _, r := range rs {
			if r.Key == "" || keys[r.Key] || len(r.URLs) == 0 || slices.Contains(r.URLs, "") {
				t.Fatalf("bad rendition %+v", r)
			}
			keys[r.Key] = true
		}
		if quality == QualityBest {
			for _, r := range rs {
				if r.Bitrate > rs[0].Bitrate {
					t.Fatalf("best is not the highest bitrate: %+v", rs)
				}
			}
		}
		if quality == QualityH264 && rs[0].Codec != CodecH264 && slices.ContainsFunc(rs, func(r Rendition) bool { return r.Codec == CodecH264 }) {
			t.Fatal("h264 available but not first")
		}
	}
	for _, im := range p.Images {
		if len(im.URLs) == 0 || slices.Contains(im.URLs, "") {
			t.Fatalf("image without URLs: %+v", im)
		}
	}
	if p.Music != nil && len(p.Music.URLs) == 0 {
		t.Fatal("music without URLs")
	}
	if p.Mix != nil && p.Mix.ID == "" {
		t.Fatal("mix ref without id")
	}
}

func FuzzDecodeUser(f *testing.F) {
	addFixtureSeeds(f, "user_profile_offline.json")
	addOddSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		u, err := decodeProfile(data, "S")
		if err != nil {
			var se *StatusError
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrNotFound) && !errors.As(err, &se) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if u == nil || u.SecUID == "" || len(u.Raw) == 0 {
			t.Fatalf("profile %+v", u)
		}
	})
}

func FuzzDecodeRoom(f *testing.F) {
	addFixtureSeeds(f, "live_enter_living.json", "live_enter_room_item_living_2024.json", "live_enter_room_item_living_2023.json",
		"reflow_info_ended.json", "user_profile_room_data_living.json")
	addOddSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(r *Room, err error) {
			if err != nil {
				var se *StatusError
				if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrNotFound) && !errors.As(err, &se) {
					t.Fatalf("untyped error %v", err)
				}
				return
			}
			if r == nil {
				t.Fatal("nil room without error")
			}
			if !r.Living() && (r.FLV != nil || r.HLS != nil) {
				t.Fatalf("room not live but with stream URLs: %+v", r)
			}
			for k, v := range r.FLV {
				if v == "" {
					t.Fatalf("empty FLV URL for %q", k)
				}
			}
		}
		check(decodeEnter(data, "1"))
		check(decodeReflow(data, "7318296342189919011"))
		if r, err := decodeRoom(data, ""); err == nil {
			check(&r, nil)
		}
		if st, err := decodeLiveStatus(data); err == nil && !st.Live && st.RoomID != "" {
			t.Fatalf("not live but room %q", st.RoomID)
		}
	})
}

func FuzzDecodePage(f *testing.F) {
	addFixtureSeeds(f, "aweme_post_page_video.json", "aweme_post_page_images.json")
	addOddSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		typed := func(err error) {
			var se *StatusError
			if err != nil && !errors.Is(err, ErrMalformed) && !errors.As(err, &se) {
				t.Fatalf("untyped error %v", err)
			}
		}
		for _, field := range []string{cursorMax, cursorPlain} {
			p, skipped, err := decodePostPage(data, "test", field, QualityBest)
			typed(err)
			if err == nil {
				if skipped < 0 {
					t.Fatal("negative skip count")
				}
				for _, it := range p.Items {
					checkPostInvariants(t, it, QualityBest)
				}
			}
		}
		if p, _, err := decodeMixPage(data, "test"); err == nil {
			for _, m := range p.Items {
				if m.ID == "" {
					t.Fatal("mix without id")
				}
			}
		} else {
			typed(err)
		}
		if p, _, err := decodeFolderPage(data, "test"); err == nil {
			for _, fo := range p.Items {
				if fo.ID == "" {
					t.Fatal("folder without id")
				}
			}
		} else {
			typed(err)
		}
		if m, err := decodeMixDetail(data, "7"); err == nil && (m == nil || m.ID == "") {
			t.Fatal("mix detail without id")
		}
		if ps, _, err := decodeFeed(data, "test", QualitySmallest); err == nil {
			for _, p := range ps {
				checkPostInvariants(t, p, QualitySmallest)
			}
		}
	})
}

func FuzzDecodeDetail(f *testing.F) {
	addFixtureSeeds(f, "aweme_detail_deleted.json", "aweme_detail_video.json")
	addOddSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := decodeDetail(data, "5", QualityBest)
		if err != nil {
			var nf *NotFoundError
			if errors.Is(err, ErrNotFound) && !errors.As(err, &nf) {
				t.Fatalf("ErrNotFound without the reason: %v", err)
			}
			return
		}
		checkPostInvariants(t, *p, QualityBest)
	})
}

func FuzzParseURL(f *testing.F) {
	for _, r := range specOfflineRows {
		f.Add(r.input)
	}
	for _, r := range specShortLinkRows {
		f.Add(r.input)
	}
	f.Add("https://live.douyin.com/123?x")
	f.Add("http://a@live.x/1/video/2")
	f.Add("MS4wLjAB")
	f.Fuzz(func(t *testing.T, input string) {
		r, ok := ParseURL(input)
		if !ok {
			if r != (Resolved{}) {
				t.Fatalf("no match but %+v", r)
			}
			return
		}
		if r.ID == "" || !utf8.ValidString(r.ID) {
			t.Fatalf("empty or invalid id: %+v", r)
		}
		valid := map[Kind]func(string) bool{KindPost: IsAwemeID, KindMix: IsMixID, KindLive: IsWebRID, KindRoom: IsRoomID, KindUser: IsSecUserID}[r.Kind]
		if valid == nil {
			t.Fatalf("unknown kind %q", r.Kind)
		}
		if !valid(r.ID) {
			t.Fatalf("%s id %q breaks the id rules", r.Kind, r.ID)
		}
	})
}
