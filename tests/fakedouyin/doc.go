// Package fakedouyin is a local stand-in for Douyin: one HTTP server on
// 127.0.0.1 that answers every host douyinfs talks to (www, live, webcast,
// the token hosts, the short-link host and the SSO host) the way
// fetch/docs/douyin-web-api.md describes the real service, so that no test
// or benchmark ever touches the internet.
//
// The server owns a deterministic World (users, posts, likes, mixes,
// favourites, collect folders, live rooms) built from Options.Seed and the
// size knobs. It is strict where the real service is strict:
//
//   - API requests must carry the spec's base parameters (§1.2) and a
//     signature that verifies against the request's User-Agent (X-Bogus or
//     a_bogus, fresh within Options.SignatureWindow; an a_bogus value is
//     accepted once). A request that fails answers HTTP 200 with an empty
//     body, as the real service does. So do the mix list and the live
//     "enter" endpoint without a ttwid cookie this server issued (or the
//     login cookie, which carries one).
//   - www API requests need a browser's cookie: the login cookie's session,
//     or a guest's ttwid issued here and an s_v_web_id of the verifyFp
//     shape (Options.NoCookieCheck). The msToken parameter must be one
//     this server issued (Options.LooseMsToken), and aweme/detail refuses
//     X-Bogus, as the real one has since 2024 (Options.DetailAcceptsXBogus).
//     Each refusal is the empty 200.
//   - A guest gets only the first page of a user's posts: the next page is
//     empty with has_more 0 (Options.GuestAllPages).
//   - A posts list's first page starts with older pinned posts, is_top 1
//     (User.Pinned; Options.NoPinned). Posts and likes lists carry posts
//     marked status.is_delete or is_prohibited (User.Removed;
//     Options.NoHiddenPosts).
//   - A missing or malformed endpoint parameter answers
//     {"status_code": 5, "status_msg": "参数不合法"}.
//   - Login-only endpoints (favourites, collect folders, folder videos)
//     answer a guest with {"status_code": 8, "status_msg": "用户未登录"},
//     the code F2 documents for an expired login.
//   - Media URLs are signed, expire after Options.URLTTL (403 afterwards),
//     and serve byte ranges (206, 416, HEAD). A fresh list or detail gives
//     fresh URLs. Video URLs carry the signature and expiry (hex) in the
//     path as real douyinvod URLs do (Options.QueryExpiry: x-expires);
//     pictures, music, covers and avatars use x-expires.
//   - The CDN answers 403 to a request without the site's Referer
//     (Options.NoRefererCheck turns it off; an assumption, spec §11 open
//     fact 7).
//   - A video's data_size is larger than its bytes for about a third of
//     the videos and smaller for another third, the two embedded real
//     videos one each way (Server.DataSize; Options.ExactDataSize turns
//     it off; spec §11 open fact 4).
//   - Off by default: 404/410 from the CDN (Options.CDNGoneRate for a
//     share of requests, Options.GoneMirror for mirror m0) and a CDN that
//     ignores Range (Options.IgnoreRange: 200 with the whole body).
//   - Off by default: risk control (risk.go). Past Options.ThrottleRate
//     API requests a second: 429 without Retry-After, then 444, then empty
//     bodies for Options.ThrottlePeriod, then normal (a client that stays
//     away while refused is forgiven). Options.VerifyPage answers every
//     API request with a captcha page: VerifyHTML (an HTML 200) or
//     VerifyRedirect (a 302 to /verifycenter/captcha/v2, served here).
//     Thresholds and durations are unknown for the real service (spec §11
//     open fact 14).
//   - aweme/detail names a video's gears otherwise than the lists (adapt_*
//     against normal_*, as in the real detail capture): the same files,
//     except one re-encode of another size (Post.DetailRenditions;
//     Options.SameDetailGears turns it off).
//   - After the Options.Users users comes one private account (profile
//     secret 1; World.PrivateUser): its posts and likes lists answer an
//     empty page with has_more 0, an assumption (spec §11, open fact 5).
//     Options.NoPrivateUser leaves it out.
//   - Pagination follows spec §3: posts and likes page by max_cursor, the
//     last item's create_time in ms for posts, its like time for likes
//     (User.LikeTimes: out of create-time order, a cursor that is no
//     item's create_time, as in the real capture;
//     Options.LikesByCreateTime); favourites by a 16-digit cursor (the
//     collect time in µs); collect folders, folder videos, mixes and the
//     mix list by an opaque cursor (an offset). count is capped at 20.
//     has_more is 0/1, except on the collect-folder and mix lists, where it
//     is a JSON bool (the spec says clients must accept both). Ids Douyin
//     sends as numbers (music.id, room ids, collects_id) are 19-digit JSON
//     numbers that a float64 cannot hold.
//   - Comments (World.Comments) and their replies page by an offset cursor;
//     an empty list carries comments null. Related posts (World.Related)
//     page by filterGids: without it the same posts come again, and at
//     the end the list starts over with has_more 1, never ending (spec §11
//     open fact 17; Options.RelatedEnds ends it).
//   - Live FLV connections are cut mid-tag (a reset) after
//     Options.LiveCutEvery of streaming, 30 s by default (negative: never),
//     and after Options.LiveCutAfter bytes; Options.LiveCutStall makes a
//     cut a silent, open connection instead. Server.EndRoom ends a living
//     room: its streams end after a whole tag, the room API says status 4,
//     its stream URLs answer 404. World.HLSRoom offers HLS only (no
//     flv_pull_url); every playlist's segment n is LiveSegment(n).
//
// URL layout (every path lives on the one server):
//
//	/aweme/v1/web/...                    www API (profile, posts, likes, mixes,
//	                                     detail, favourites, folders, tab feed)
//	/aweme/v1/play/?video_id=...         www-style play URL: 302 to the CDN
//	/webcast/room/web/enter/             live room by web id (live host)
//	/webcast/distribution/check_user_live_status/
//	/webcast/room/reflow/info/           live room by room id (webcast host)
//	/web/r/token                         msToken registration (POST)
//	/ttwid/union/register/               ttwid registration (POST)
//	/webid                               webid registration (POST)
//	/get_qrcode/, /check_qrconnect/      QR login (sso host); redirect hops at
//	/passport/sso/login/callback/, /passport/sso/login/finish/, /
//	/v/<code>/                           share short links: 302 to the long URL
//	/cdn/<mirror>/<media id>.<ext>?x-expires=..&x-signature=..   pictures, music...
//	/cdn/<mirror>/<signature>/<expiry hex>/video/tos/cn/tos-cn-ve-15/<media id>/?...   videos
//	/live/stream-<id>_<quality>.flv      endless FLV of a living room
//	/live/stream-<id>_<quality>/index.m3u8 and /<n>.ts   live HLS
//	/verifycenter/captcha/v2             the captcha page VerifyRedirect sends to
//	/files/                              plain HTML index of every media file
//	/_fake/stats (GET), /_fake/reset (POST)   counters
//
// QR login test hook: every poll of /check_qrconnect/ advances the token's
// status by one step ("1" waiting → "2" scanned → "3" confirmed), after
// Options.QRPollsPerStep polls per step (default 1). A token that has not
// reached "3" within Options.QRLifetime answers "5" (expired).
//
// World helpers name the special posts: RealVideoPost (an embedded H.264+AAC
// MP4 with faststart), MoovAtEndPost (the same with the moov atom at the end),
// RealImagePost (two embedded JPEGs and an embedded MP3), BigVideoPost (the
// Options.BigVideoSize video) and DeletedPost. Every other media file is
// generated: its bytes are Content(id, off, p), a small valid header (MP4,
// JPEG, MP3 or WebP) followed by deterministic pseudo-random bytes, so a
// file of any size (2 GiB) is served without being stored.
package fakedouyin
