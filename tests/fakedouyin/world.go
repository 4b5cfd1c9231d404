package fakedouyin

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// World is the fake's data: users with their posts, likes and mixes, the
// logged-in account, live rooms and short links. It is built once from the
// seed and size options and never changes while the server runs.
type World struct {
	Users []*User
	// Me is the owner of the login cookie: favourites, collect folders and
	// the home feed.
	Me    *Account
	Rooms []*Room
	// LoginCookie is the cookie string of a logged-in browser
	// ("sessionid=...; sid_guard=...; ttwid=..."); the QR login hands out
	// exactly these pairs.
	LoginCookie string
	// ShortLinks maps a short-link code (served at /v/<code>/) to the long
	// URL it redirects to.
	ShortLinks map[string]string

	key       []byte // signs media URLs, ttwids and msTokens
	sessionID string

	posts      map[string]*Post
	usersBySec map[string]*User
	usersByUID map[string]*User
	mixes      map[string]*Mix
	folders    map[string]*Folder
	roomsByWeb map[string]*Room
	roomsByID  map[string]*Room
	media      map[string]*Media
	mediaPosts map[string]*Post

	files       []FileEntry
	filesByName map[string]int

	realVideo, moovAtEnd, realImage, bigVideo, deleted *Post
	bigMoov                                            *Post // Options.BigMoovSize
}

// User is a Douyin account shown under users/.
type User struct {
	Name     string // folder name for the douyinfs config
	SecUID   string
	UID      string
	Nickname string
	// Posts are newest first, create_time strictly decreasing.
	Posts []*Post
	// Pinned are older posts of Posts that the posts list shows first, on
	// its first page only, with is_top 1 (as in the real posts capture);
	// nil for users with fewer than 6 posts. Options.NoPinned leaves
	// them in their place.
	Pinned []*Post
	// Removed are posts the posts list still carries among Posts (by
	// create time) but marks status.is_delete or is_prohibited; they are
	// not in Posts. Options.NoHiddenPosts leaves them out.
	Removed []*Post
	// Likes are ordered by like time, newest like first (LikeTimes[i],
	// Unix seconds, is when Likes[i] was liked; no like time equals a
	// liked post's create_time), so create times come out of order, as
	// in the real like_list capture. Options.LikesByCreateTime makes the
	// like times the create times.
	Likes        []*Post
	LikeTimes    []int64
	LikesPrivate bool
	// likeSeq is the likes list as served: Likes plus removed posts.
	likeSeq []listed
	// Private marks a private account (profile secret 1): it has
	// HiddenPosts posts, and its posts and likes lists answer empty, so
	// Posts, Likes and Mixes are nil (what another user sees).
	Private     bool
	HiddenPosts int
	Mixes       []*Mix
	Room        *Room // nil if never live

	UniqueID       string
	Signature      string
	Avatar         *Media
	FollowerCount  int64
	FollowingCount int64
	TotalFavorited int64
	ShortCode      string
}

// Post is one aweme: a video (Type 0) or an image post (Type 68).
type Post struct {
	AwemeID    string
	Desc       string
	CreateTime int64
	Type       int // 0 video, 68 images
	// Video is the rendition douyinfs's "best" quality picks: the highest
	// bit rate, H.264 on ties. Nil for image posts.
	Video   *Media
	Images  []*Media // JPEGs of an image post
	Music   *Media   // nil when the post has no music
	Mix     *Mix
	Episode int // 1-based position in Mix
	Author  *User
	Deleted bool
	// Prohibited posts are taken down by Douyin: lists mark them
	// status.is_prohibited and detail answers with a filter_detail.
	Prohibited bool

	MediaType  int   // 4 video, 2 images
	DurationMs int64 // 0 for image posts
	Width      int
	Height     int
	// Renditions are the bit_rate gears in the order the API lists them
	// (highest bit rate first; on a tie the H.265 gear comes first).
	Renditions []*Rendition
	// DetailRenditions are the gears aweme/detail lists unless
	// Options.SameDetailGears: as in the real captures, other gear names
	// (adapt_*) for the same encodings (same Media), except that the
	// lowest H.264 gear of a generated video is a re-encode of another
	// size.
	DetailRenditions []*Rendition
	// ImagesWebp are the WebP variants of Images (smaller; three of each
	// picture's four url_list entries, see urlMaker.image).
	ImagesWebp []*Media
	Cover      *Media

	MusicID       string
	MusicTitle    string
	MusicDuration int // seconds

	DiggCount, CommentCount, ShareCount, CollectCount int64
	ShortCode                                         string
}

// Rendition is one entry of video.bit_rate.
type Rendition struct {
	GearName    string
	QualityType int
	BitRate     int64
	IsH265      bool
	Width       int
	Height      int
	Media       *Media
}

// Mix is a 合集: posts in episode order.
type Mix struct {
	ID         string
	Name       string
	Desc       string
	Posts      []*Post
	Author     *User
	CreateTime int64
	UpdateTime int64
	Cover      *Media
	ShortCode  string
}

// Folder is a collect folder (收藏夹) of the logged-in account.
type Folder struct {
	ID         string // a big number, sent as a JSON number
	Name       string
	Posts      []*Post
	CreateTime int64
	Cover      *Media
}

// Room is a live room.
type Room struct {
	WebRID     string
	RoomID     string
	Living     bool
	Title      string
	Owner      *User
	StreamID   string
	CreateTime int64
	FinishTime int64 // 0 while living
	UserCount  int64
	Cover      *Media
	ShortCode  string
	// HLSOnly rooms offer no FLV stream, only HLS playlists (HLSRoom).
	HLSOnly bool
	ended   atomic.Bool // Server.EndRoom ended it (see OnAir)
}

// Account is the logged-in user (owner of World.LoginCookie).
type Account struct {
	UID      string
	SecUID   string
	Nickname string
	// Favorites (收藏) newest first; FavoriteTimes[i] is when Favorites[i]
	// was collected, in microseconds (the list's 16-digit cursor).
	Favorites     []*Post
	FavoriteTimes []int64
	Folders       []*Folder
	// Feed is the home feed; the tab feed pages through it in a circle.
	Feed []*Post
}

// Time range of generated posts: 2023-01-01 to 2026-05-31 (UTC+8).
const (
	worldStart = 1672502400
	worldEnd   = 1780156800
)

// HostileDescs are the captions the first user's posts carry (after the
// three real-file posts), one each, in this order. Two are equal on
// purpose.
func HostileDescs() []string {
	return []string{
		"slash/in/the/desc #斜杠",
		"nul\x00byte in the middle",
		"..",
		".",
		"line one\nline two\r\nline three\tand a tab",
		strings.Repeat("😀", 75), // 300 bytes
		"\u202eright-to-left override שלום עולם مرحبا بالعالم",
		"duplicate desc 重复的标题",
		"duplicate desc 重复的标题",
		"",
		"  leading and trailing spaces  ",
		"bell\a and escape\x1b[31m and DEL\x7f",
	}
}

// newWorld builds the deterministic world of opts (after fill).
func newWorld(opts Options) *World {
	g := &gen{
		rng: rand.New(rand.NewPCG(uint64(opts.Seed), 0x66616b65646f7579)),
		w: &World{
			ShortLinks: map[string]string{},
			posts:      map[string]*Post{},
			usersBySec: map[string]*User{},
			usersByUID: map[string]*User{},
			mixes:      map[string]*Mix{},
			folders:    map[string]*Folder{},
			roomsByWeb: map[string]*Room{},
			roomsByID:  map[string]*Room{},
			media:      map[string]*Media{},
			mediaPosts: map[string]*Post{},
		},
		codes: map[string]bool{},
	}
	w := g.w
	k := sha256.Sum256([]byte("fakedouyin key " + strconv.FormatInt(opts.Seed, 10)))
	w.key = k[:]

	nUsers, nPosts := opts.Users, opts.PostsPerUser
	gap := int64(worldEnd-worldStart) / int64(nUsers*nPosts+2)
	if gap < 1 {
		gap = 1
	}
	for u := 0; u < nUsers; u++ {
		w.Users = append(w.Users, g.user(u))
	}
	for u, user := range w.Users {
		for i := 0; i < nPosts; i++ {
			t := worldEnd - int64(i*nUsers+u+1)*gap + g.rng.Int64N(gap/2+1)
			user.Posts = append(user.Posts, g.post(user, u, i, t))
		}
	}
	if opts.BigMoovSize > 0 {
		first := w.Users[0]
		w.bigMoov = g.bigMoovPost(first, worldEnd-1, opts.BigMoovSize)
		first.Posts = append([]*Post{w.bigMoov}, first.Posts...)
	}
	if opts.BigVideoSize > 0 {
		first := w.Users[0]
		w.bigVideo = g.bigPost(first, worldEnd, opts.BigVideoSize)
		first.Posts = append([]*Post{w.bigVideo}, first.Posts...)
	}
	// A deleted post of the first user: not in any list, detail answers
	// with filter_detail.
	w.deleted = g.post(w.Users[0], 0, nPosts+1, worldStart+int64(g.rng.IntN(86400)))
	w.deleted.Deleted = true

	for u, user := range w.Users {
		g.mixes(user, u)
	}
	g.likes(opts.Users)
	g.rooms()
	g.account()
	g.login()
	if !opts.NoPrivateUser {
		// Made after the others, so their posts and media do not change.
		p := g.user(len(w.Users))
		p.Private, p.HiddenPosts = true, 1+g.rng.IntN(50)
		w.Users = append(w.Users, p)
	}
	// Pinned and removed posts and like times draw from their own
	// generator, so the rest of the world stays as it was before them.
	h := &gen{rng: rand.New(rand.NewPCG(uint64(opts.Seed), 0x686f7374696c6521)), w: w, codes: g.codes}
	h.listQuirks(opts)
	g.hlsRoom() // made last, so nothing made before changes
	for _, u := range w.Users {
		w.usersBySec[u.SecUID] = u
		w.usersByUID[u.UID] = u
		for _, m := range u.Mixes {
			w.mixes[m.ID] = m
		}
		u.TotalFavorited = 0
		for _, p := range u.Posts {
			u.TotalFavorited += p.DiggCount
		}
	}
	g.shortLinks()
	w.buildFiles()
	return w
}

// gen carries the generator's state.
type gen struct {
	rng   *rand.Rand
	w     *World
	codes map[string]bool
}

func (g *gen) hex(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.rng.UintN(256))
	}
	return hex.EncodeToString(b)
}

func (g *gen) digits(n int) string {
	b := make([]byte, n)
	b[0] = byte('1' + g.rng.IntN(9))
	for i := 1; i < n; i++ {
		b[i] = byte('0' + g.rng.IntN(10))
	}
	return string(b)
}

// snowflake makes a Douyin-style 19-digit id: the Unix time in the high 32
// bits, random low bits.
func (g *gen) snowflake(t int64) string {
	return strconv.FormatUint(uint64(t)<<32|uint64(g.rng.Uint32()), 10)
}

func (g *gen) register(m *Media) *Media {
	g.w.media[m.ID] = m
	return m
}

func (g *gen) user(u int) *User {
	names := []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"}
	nicks := []string{"爱丽丝的日常", "Bob 🎮 游戏", "卡罗尔/Carol", "大卫 David", "艾琳 Erin ✨", "弗兰克", "格蕾丝", "海蒂", "伊万", "朱迪"}
	name := fmt.Sprintf("user%02d", u+1)
	nick := fmt.Sprintf("用户%02d", u+1)
	if u < len(names) {
		name, nick = names[u], nicks[u]
	}
	secBytes := make([]byte, 32)
	for i := range secBytes {
		secBytes[i] = byte(g.rng.UintN(256))
	}
	mod := time.Unix(worldStart, 0)
	return &User{
		Name:           name,
		SecUID:         "MS4wLjABAAAA" + base64.RawURLEncoding.EncodeToString(secBytes)[:43],
		UID:            g.digits(11),
		Nickname:       nick,
		UniqueID:       "dy" + g.digits(9),
		Signature:      "这是 " + nick + " 的简介\n商务合作请私信",
		Avatar:         g.register(newGeneratedMedia("aweme-avatar_"+g.hex(16), "avatar", "jpeg", 20000+g.rng.Int64N(40000), mod)),
		FollowerCount:  g.rng.Int64N(5_000_000),
		FollowingCount: g.rng.Int64N(500),
	}
}

// post builds post i of user u (index in the user's list before a big
// video is prepended), created at t.
func (g *gen) post(user *User, u, i int, t int64) *Post {
	w := g.w
	mod := time.Unix(t, 0)
	p := &Post{
		AwemeID:      g.snowflake(t),
		CreateTime:   t,
		Author:       user,
		DiggCount:    g.rng.Int64N(200000),
		CommentCount: g.rng.Int64N(5000),
		ShareCount:   g.rng.Int64N(3000),
		CollectCount: g.rng.Int64N(8000),
	}
	p.Desc = g.desc()
	if u == 0 {
		if h := HostileDescs(); i >= 3 && i-3 < len(h) {
			p.Desc = h[i-3]
		}
	}
	p.Cover = g.register(newGeneratedMedia("tos-cn-p-0015_"+g.hex(16), "cover", "jpeg", 30000+g.rng.Int64N(60000), mod))

	realMusic := func() *Media {
		m, ok := w.media["real_music_mp3"]
		if !ok {
			m = g.register(newRealMedia("real_music_mp3", "music", "mp3", realMusicMP3, time.Unix(worldStart, 0)))
		}
		return m
	}
	switch {
	case u == 0 && i == 0:
		g.realVideo(p, "real_faststart_mp4", realFaststartMP4)
		p.Desc = "真实的视频 real faststart mp4 #测试"
		g.setMusic(p, realMusic(), 5)
		w.realVideo = p
	case u == 0 && i == 1:
		g.realVideo(p, "real_moov_at_end_mp4", realMoovAtEndMP4)
		p.Desc = "moov 在文件末尾 moov at end #测试"
		w.moovAtEnd = p
	case u == 0 && i == 2:
		p.Type, p.MediaType = 68, 2
		p.Width, p.Height = 540, 720
		for k, data := range [][]byte{realImage01, realImage02} {
			img := g.register(newRealMedia(fmt.Sprintf("real_image_%02d_jpeg", k+1), "image", "jpeg", data, mod))
			p.Images = append(p.Images, img)
			p.ImagesWebp = append(p.ImagesWebp, g.register(newGeneratedMedia(img.ID+webpIDSuffix, "image", "webp", int64(len(data))*7/10, mod)))
		}
		p.Desc = "真实的图片 real images #图文"
		g.setMusic(p, realMusic(), 5)
		w.realImage = p
	case g.rng.IntN(6) == 0:
		p.Type, p.MediaType = 68, 2
		p.Width, p.Height = 1080, 1440
		n := 2 + g.rng.IntN(3)
		for k := 0; k < n; k++ {
			id := "tos-cn-i-0813c001_" + g.hex(16)
			size := 60000 + g.rng.Int64N(340000)
			p.Images = append(p.Images, g.register(newGeneratedMedia(id, "image", "jpeg", size, mod)))
			p.ImagesWebp = append(p.ImagesWebp, g.register(newGeneratedMedia(id+webpIDSuffix, "image", "webp", size*7/10, mod)))
		}
		if g.rng.IntN(3) != 0 {
			g.genMusic(p)
		}
	default:
		g.genVideo(p, i%5 == 2)
		if g.rng.IntN(4) != 0 {
			g.genMusic(p)
		}
	}
	g.detailGears(p)
	w.posts[p.AwemeID] = p
	for _, m := range p.allMedia() {
		if _, ok := w.mediaPosts[m.ID]; !ok {
			w.mediaPosts[m.ID] = p
		}
	}
	return p
}

func (g *gen) desc() string {
	a := []string{"今天的晚霞好美", "周末去爬山", "教你做一碗面", "猫咪又在捣乱", "城市夜景", "第一次尝试滑板", "雨天的咖啡馆", "旅行日记", "健身打卡", "新买的相机试拍"}
	b := []string{"#日常 #vlog", "#美食", "#旅行", "#萌宠", "#摄影", "", "#运动 #健身", "✨", "🍜🍜", "#记录生活"}
	return a[g.rng.IntN(len(a))] + " " + b[g.rng.IntN(len(b))]
}

func (g *gen) realVideo(p *Post, id string, data []byte) {
	p.Type, p.MediaType = 0, 4
	p.DurationMs = 4000
	p.Width, p.Height = 480, 270
	m := g.register(newRealMedia(id, "video", "mp4", data, time.Unix(p.CreateTime, 0)))
	r := &Rendition{GearName: "normal_540_0", QualityType: 20, BitRate: int64(len(data)) * 8 * 1000 / p.DurationMs, Width: 480, Height: 270, Media: m}
	p.Renditions = []*Rendition{r}
	p.Video = m
}

// genVideo gives p four generated gears. With tie, the H.265 gear has the
// same bit rate as the best H.264 gear and is listed first.
func (g *gen) genVideo(p *Post, tie bool) {
	p.Type, p.MediaType = 0, 4
	p.DurationMs = 4000 + g.rng.Int64N(36000)
	vertical := g.rng.IntN(2) == 0
	dims := func(long, short int) (int, int) {
		if vertical {
			return short, long
		}
		return long, short
	}
	p.Width, p.Height = dims(1920, 1080)
	base := 1_200_000 + g.rng.Int64N(1_300_000)
	vid := videoIDPrefix + g.hex(10)
	mod := time.Unix(p.CreateTime, 0)
	gear := func(name string, q int, br int64, h265 bool, long, short int) *Rendition {
		wd, ht := dims(long, short)
		m := g.register(newGeneratedMedia(vid+"_"+name, "video", "mp4", p.DurationMs*br/8000, mod))
		return &Rendition{GearName: name, QualityType: q, BitRate: br, IsH265: h265, Width: wd, Height: ht, Media: m}
	}
	h265 := base * 8 / 10
	if tie {
		h265 = base
	}
	p.Renditions = []*Rendition{
		gear("normal_1080_0", 1, base, false, 1920, 1080),
		gear("1080_1_1", 3, h265, true, 1920, 1080),
		gear("normal_720_0", 10, base*65/100, false, 1280, 720),
		gear("normal_540_0", 20, base*55/100, false, 960, 540),
	}
	slices.SortStableFunc(p.Renditions, func(a, b *Rendition) int {
		if a.BitRate != b.BitRate {
			return int(b.BitRate - a.BitRate)
		}
		if a.IsH265 != b.IsH265 {
			if a.IsH265 {
				return -1
			}
			return 1
		}
		return 0
	})
	p.Video = bestRendition(p.Renditions).Media
}

// bestRendition is the highest bit rate, H.264 preferred on ties.
func bestRendition(rs []*Rendition) *Rendition {
	var best *Rendition
	for _, r := range rs {
		if best == nil || r.BitRate > best.BitRate || (r.BitRate == best.BitRate && best.IsH265 && !r.IsH265) {
			best = r
		}
	}
	return best
}

// bigPost is the Options.BigVideoSize video: a 10-minute post whose best
// gear has exactly size bytes, plus a smaller 540p gear.
func (g *gen) bigPost(user *User, t, size int64) *Post {
	p := &Post{AwemeID: g.snowflake(t), CreateTime: t, Author: user, Type: 0, MediaType: 4, DurationMs: 600_000,
		Width: 1920, Height: 1080, Desc: "大视频 big video #测试", DiggCount: 1, ShareCount: 1}
	mod := time.Unix(t, 0)
	p.Cover = g.register(newGeneratedMedia("tos-cn-p-0015_"+g.hex(16), "cover", "jpeg", 50000, mod))
	vid := videoIDPrefix + g.hex(10)
	big := g.register(newGeneratedMedia(vid+"_normal_1080_0", "video", "mp4", size, mod))
	small := g.register(newGeneratedMedia(vid+"_normal_540_0", "video", "mp4", big.Size/4, mod))
	p.Renditions = []*Rendition{
		{GearName: "normal_1080_0", QualityType: 1, BitRate: big.Size * 8 * 1000 / p.DurationMs, Width: 1920, Height: 1080, Media: big},
		{GearName: "normal_540_0", QualityType: 20, BitRate: small.Size * 8 * 1000 / p.DurationMs, Width: 960, Height: 540, Media: small},
	}
	p.Video = big
	g.genMusic(p)
	g.detailGears(p)
	g.w.posts[p.AwemeID] = p
	for _, m := range p.allMedia() {
		g.w.mediaPosts[m.ID] = p
	}
	return p
}

func (g *gen) genMusic(p *Post) {
	dur := 10 + g.rng.IntN(50)
	id := g.snowflake(p.CreateTime)
	m := g.register(newGeneratedMedia(musicIDPrefix+"_"+id, "music", "mp3", int64(dur)*16000, time.Unix(p.CreateTime, 0)))
	p.Music, p.MusicID, p.MusicDuration = m, id, dur
	p.MusicTitle = "@" + p.Author.Nickname + "创作的原声"
}

func (g *gen) setMusic(p *Post, m *Media, dur int) {
	p.Music, p.MusicID, p.MusicDuration = m, g.snowflake(p.CreateTime), dur
	p.MusicTitle = "真实的音乐 real music"
}

// detailGears fills p.DetailRenditions from p.Renditions (see Post).
func (g *gen) detailGears(p *Post) {
	var low *Rendition // the lowest H.264 gear, re-encoded when generated
	for _, r := range p.Renditions {
		if !r.IsH265 && (low == nil || r.BitRate < low.BitRate) {
			low = r
		}
	}
	for _, r := range p.Renditions {
		d := *r
		res := strconv.Itoa(min(r.Width, r.Height))
		if r.IsH265 {
			d.GearName = "adapt_lowest_" + res + "_1"
		} else {
			d.GearName = "adapt_" + res + "_0"
		}
		if r == low && len(p.Renditions) > 1 && !r.Media.Real() {
			m := *r.Media
			m.ID += "_adapt"
			m.Size -= m.Size / 10
			sum := md5.Sum([]byte(m.ID))
			m.Hash = hex.EncodeToString(sum[:])
			d.Media = g.register(&m)
			d.BitRate -= d.BitRate / 10
		}
		p.DetailRenditions = append(p.DetailRenditions, &d)
	}
}

// allMedia lists every media the post's JSON refers to.
func (p *Post) allMedia() []*Media {
	var ms []*Media
	for _, r := range p.Renditions {
		ms = append(ms, r.Media)
	}
	for _, r := range p.DetailRenditions {
		if !slices.ContainsFunc(ms, func(m *Media) bool { return m == r.Media }) {
			ms = append(ms, r.Media)
		}
	}
	ms = append(ms, p.Images...)
	ms = append(ms, p.ImagesWebp...)
	if p.Music != nil {
		ms = append(ms, p.Music)
	}
	if p.Cover != nil {
		ms = append(ms, p.Cover)
	}
	return ms
}

// listed is one entry of a time-paged list: a post and the time, in Unix
// seconds, the list's cursor counts by (create time, or like time).
type listed struct {
	p *Post
	t int64
}

// hidden reports whether lists mark the post deleted or prohibited.
func (p *Post) hidden() bool { return p.Deleted || p.Prohibited }

// listQuirks gives every public user two pinned posts, one deleted and one
// prohibited post inside the posts list, and like times (with one removed
// post inside the likes list).
func (g *gen) listQuirks(opts Options) {
	w := g.w
	var removed []*Post
	for ui, u := range w.Users {
		n := len(u.Posts)
		if u.Private || n < 6 {
			continue
		}
		// Two older posts pinned, from the older half (never the newest).
		a := n/2 + g.rng.IntN(n/4)
		b := n*3/4 + g.rng.IntN(n-n*3/4)
		if a == b {
			b = n - 1
		}
		u.Pinned = []*Post{u.Posts[min(a, b)], u.Posts[max(a, b)]}
		for k := range 2 {
			// Between two neighbours at least 3 s apart, so its time is
			// unique and its cursor selects no other post.
			var t int64
			for range 100 {
				j := g.rng.IntN(n - 1)
				if hi, lo := u.Posts[j].CreateTime, u.Posts[j+1].CreateTime; hi-lo >= 3 {
					t = lo + 1 + g.rng.Int64N(hi-lo-1)
					break
				}
			}
			if t == 0 {
				continue
			}
			p := g.post(u, ui, 1000+k, t)
			if k == 0 {
				p.Deleted = true
			} else {
				p.Prohibited = true
			}
			u.Removed = append(u.Removed, p)
			removed = append(removed, p)
		}
	}
	for ui, u := range w.Users {
		var seq []listed
		taken := map[int64]bool{}
		for _, p := range u.Likes {
			taken[p.CreateTime] = true
		}
		add := func(p *Post) {
			t := p.CreateTime
			if !opts.LikesByCreateTime {
				// Liked some time after it was made, never at a second
				// some liked post was made or another like happened.
				t += 1 + g.rng.Int64N(max(worldEnd-p.CreateTime, 1))
				for taken[t] {
					t++
				}
			}
			taken[t] = true
			seq = append(seq, listed{p, t})
		}
		for _, p := range u.Likes {
			add(p)
		}
		if len(u.Likes) > 0 && len(removed) > 0 {
			add(removed[ui%len(removed)])
		}
		slices.SortFunc(seq, func(x, y listed) int {
			if x.t != y.t {
				return int(y.t - x.t)
			}
			return strings.Compare(x.p.AwemeID, y.p.AwemeID)
		})
		u.likeSeq, u.Likes, u.LikeTimes = seq, nil, nil
		for _, e := range seq {
			if !e.p.hidden() {
				u.Likes = append(u.Likes, e.p)
				u.LikeTimes = append(u.LikeTimes, e.t)
			}
		}
	}
}

// postSeq is the posts list as served, after the pinned posts: Posts (less
// the pinned ones when pinned) and, with hidden, Removed, newest first.
func (u *User) postSeq(pinned, hidden bool) []listed {
	var seq []listed
	for _, p := range u.Posts {
		if !(pinned && slices.Contains(u.Pinned, p)) {
			seq = append(seq, listed{p, p.CreateTime})
		}
	}
	if hidden {
		for _, p := range u.Removed {
			seq = append(seq, listed{p, p.CreateTime})
		}
		slices.SortStableFunc(seq, func(x, y listed) int { return int(y.t - x.t) })
	}
	return seq
}

// Listed is the user's posts in the order the posts list shows them: the
// pinned ones first (unless Options.NoPinned), then the others newest
// first. Removed posts are not in it.
func (u *User) Listed(noPinned bool) []*Post {
	if noPinned || len(u.Pinned) == 0 {
		return u.Posts
	}
	out := append([]*Post(nil), u.Pinned...)
	for _, p := range u.Posts {
		if !slices.Contains(u.Pinned, p) {
			out = append(out, p)
		}
	}
	return out
}

// mixes gives user u up to two mixes: one of every second post from index
// 3 (up to 22 posts), one of every fourth post from index 4 (up to 6).
func (g *gen) mixes(user *User, u int) {
	posts := user.Posts
	if g.w.bigVideo != nil && u == 0 {
		posts = posts[1:]
	}
	pick := func(start, step, max int) []*Post {
		var ps []*Post
		for i := start; i < len(posts) && len(ps) < max; i += step {
			ps = append(ps, posts[i])
		}
		slices.Reverse(ps) // episode 1 is the oldest
		return ps
	}
	names := []string{"日常合集 " + user.Nickname, "合集/第一季"}
	for k, ps := range [][]*Post{pick(3, 2, 22), pick(4, 4, 6)} {
		if len(ps) < 2 {
			continue
		}
		mod := time.Unix(ps[0].CreateTime, 0)
		m := &Mix{
			ID:         g.snowflake(ps[0].CreateTime),
			Name:       names[k],
			Desc:       "合集简介 " + strconv.Itoa(k+1),
			Posts:      ps,
			Author:     user,
			CreateTime: ps[0].CreateTime,
			UpdateTime: ps[len(ps)-1].CreateTime,
			Cover:      g.register(newGeneratedMedia("tos-cn-i-0813_"+g.hex(16), "cover", "jpeg", 40000, mod)),
		}
		for e, p := range ps {
			p.Mix, p.Episode = m, e+1
		}
		user.Mixes = append(user.Mixes, m)
	}
}

// likes gives every user a public liked list of other users' posts, except
// the second user, whose likes are private.
func (g *gen) likes(nUsers int) {
	for u, user := range g.w.Users {
		var pool []*Post
		for v, other := range g.w.Users {
			if v != u || nUsers == 1 {
				pool = append(pool, other.Posts...)
			}
		}
		n := min(25+3*u, len(pool))
		perm := g.rng.Perm(len(pool))[:n]
		for _, k := range perm {
			user.Likes = append(user.Likes, pool[k])
		}
		sortNewestFirst(user.Likes)
		user.LikesPrivate = u == 1
	}
}

func sortNewestFirst(ps []*Post) {
	slices.SortFunc(ps, func(a, b *Post) int {
		switch {
		case a.CreateTime > b.CreateTime:
			return -1
		case a.CreateTime < b.CreateTime:
			return 1
		}
		return strings.Compare(a.AwemeID, b.AwemeID)
	})
}

// rooms: the first user is live now; the last user (the first when there
// is only one) had a live that ended.
func (g *gen) rooms() {
	w := g.w
	mk := func(owner *User, living bool, title string, created int64) *Room {
		r := &Room{
			WebRID:     g.digits(12),
			RoomID:     g.snowflake(created),
			Living:     living,
			Title:      title,
			Owner:      owner,
			StreamID:   g.digits(18),
			CreateTime: created,
			UserCount:  g.rng.Int64N(20000),
			Cover:      g.register(newGeneratedMedia("tos-cn-i-webcast_"+g.hex(16), "cover", "jpeg", 45000, time.Unix(created, 0))),
		}
		if !living {
			r.FinishTime = created + 3*3600
			r.UserCount = 0
		}
		w.Rooms = append(w.Rooms, r)
		w.roomsByWeb[r.WebRID] = r
		w.roomsByID[r.RoomID] = r
		if owner.Room == nil || living {
			owner.Room = r
		}
		return r
	}
	mk(w.Users[0], true, "正在直播：一起聊聊天 🎤", worldEnd-1800)
	mk(w.Users[len(w.Users)-1], false, "昨晚的直播（已结束）", worldEnd-86400)
}

// account builds the logged-in account: favourites, three collect folders
// (one over 20 posts, one small, one empty) and a home feed.
func (g *gen) account() {
	w := g.w
	var all []*Post
	for _, u := range w.Users {
		all = append(all, u.Posts...)
	}
	pick := func(n int) []*Post {
		n = min(n, len(all))
		var ps []*Post
		for _, k := range g.rng.Perm(len(all))[:n] {
			ps = append(ps, all[k])
		}
		return ps
	}
	me := &Account{UID: g.digits(11), SecUID: "MS4wLjABAAAA" + g.hex(22)[:43], Nickname: "我自己 (登录账号)"}
	me.Favorites = pick(25)
	us := int64(worldEnd+3600) * 1_000_000
	for range me.Favorites {
		us -= 1_000_000 + g.rng.Int64N(1_000_000_000)
		me.FavoriteTimes = append(me.FavoriteTimes, us)
	}
	for k, spec := range []struct {
		name string
		n    int
	}{{"想去的地方", 23}, {"菜谱/Recipes", 5}, {"空的收藏夹", 0}} {
		// Ids above 2^53 that a float64 cannot hold (odd, so never
		// rounded to themselves).
		id := strconv.FormatUint(7_100_000_000_000_000_000+uint64(g.rng.Int64N(1e17))|1, 10)
		created := int64(worldStart + 86400*(30+k))
		f := &Folder{ID: id, Name: spec.name, Posts: pick(spec.n), CreateTime: created,
			Cover: g.register(newGeneratedMedia("tos-cn-i-collect_"+g.hex(16), "cover", "jpeg", 30000, time.Unix(created, 0)))}
		me.Folders = append(me.Folders, f)
		w.folders[f.ID] = f
	}
	me.Feed = pick(30)
	w.Me = me
}

// login makes the login cookie: session cookies plus a ttwid this server
// accepts.
func (g *gen) login() {
	w := g.w
	w.sessionID = g.hex(16)
	uidTT := g.hex(16)
	csrf := g.hex(16)
	w.LoginCookie = strings.Join([]string{
		"sessionid=" + w.sessionID,
		"sessionid_ss=" + w.sessionID,
		"sid_tt=" + w.sessionID,
		"sid_guard=" + w.sessionID + "%7C" + strconv.Itoa(worldEnd) + "%7C5183999%7CSat%2C+30-May-2026+16%3A00%3A00+GMT",
		"uid_tt=" + uidTT,
		"uid_tt_ss=" + uidTT,
		"passport_csrf_token=" + csrf,
		"ttwid=" + w.makeTTWID(g.hex(12), worldEnd),
	}, "; ")
}

// makeTTWID returns a ttwid cookie value ("1%7C<id>%7C<unix>%7C<mac>")
// that validTTWID accepts.
func (w *World) makeTTWID(id string, unix int64) string {
	body := "1%7C" + id + "%7C" + strconv.FormatInt(unix, 10)
	return body + "%7C" + w.mac("ttwid", body)[:32]
}

func (w *World) validTTWID(v string) bool {
	i := strings.LastIndex(v, "%7C")
	if i < 0 || !strings.HasPrefix(v, "1%7C") {
		return false
	}
	return hmac.Equal([]byte(v[i+3:]), []byte(w.mac("ttwid", v[:i])[:32]))
}

// mac is a hex HMAC-SHA256 over the parts, keyed by the world key and a
// purpose label.
func (w *World) mac(purpose string, parts ...string) string {
	h := hmac.New(sha256.New, w.key)
	h.Write([]byte(purpose))
	for _, p := range parts {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// shortLinks gives every user, listed post, mix and room a short code.
func (g *gen) shortLinks() {
	w := g.w
	add := func(target string) string {
		for {
			b := make([]byte, 7)
			const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
			for i := range b {
				b[i] = alnum[g.rng.IntN(len(alnum))]
			}
			code := "i" + string(b)
			if !g.codes[code] {
				g.codes[code] = true
				w.ShortLinks[code] = target
				return code
			}
		}
	}
	did := "MS4wLjABAAAA" + g.hex(20)
	for _, u := range w.Users {
		u.ShortCode = add("https://www.iesdouyin.com/share/user/" + u.SecUID + "?did=" + did + "&iid=" + did +
			"&sec_uid=" + u.SecUID + "&from_ssr=1&timestamp=" + strconv.Itoa(worldEnd) +
			"&utm_source=copy&utm_campaign=client_share&utm_medium=android&app=aweme")
	}
	for _, u := range w.Users {
		for _, p := range u.Posts {
			if p.ShortCode != "" {
				continue
			}
			if p.Type == 68 {
				p.ShortCode = add("https://www.douyin.com/note/" + p.AwemeID)
			} else {
				p.ShortCode = add("https://www.douyin.com/video/" + p.AwemeID)
			}
		}
		for _, m := range u.Mixes {
			m.ShortCode = add("https://www.douyin.com/collection/" + m.ID)
		}
	}
	for _, r := range w.Rooms {
		r.ShortCode = add("https://webcast.amemv.com/douyin/webcast/reflow/" + r.RoomID + "?u_code=l1j9bkbd&did=" + did +
			"&iid=" + did + "&with_sec_did=1&use_link_command=1&ecom_share_track_params=&user_id=" + r.Owner.UID +
			"&liveId=" + r.RoomID + "&from=share&style=share&enter_method=click_share&roomId=" + r.RoomID)
	}
}

// Media returns the media with that id (any rendition, image, WebP
// variant, music, cover or avatar).
func (w *World) Media(id string) (*Media, bool) {
	m, ok := w.media[id]
	return m, ok
}

// Post returns any post by aweme id, deleted ones included.
func (w *World) Post(awemeID string) (*Post, bool) {
	p, ok := w.posts[awemeID]
	return p, ok
}

// User returns a user by sec_uid.
func (w *World) User(secUID string) (*User, bool) {
	u, ok := w.usersBySec[secUID]
	return u, ok
}

// UserByUID returns a user by numeric uid.
func (w *World) UserByUID(uid string) (*User, bool) {
	u, ok := w.usersByUID[uid]
	return u, ok
}

// Mix returns a mix by id.
func (w *World) Mix(id string) (*Mix, bool) {
	m, ok := w.mixes[id]
	return m, ok
}

// Folder returns a collect folder of Me by id.
func (w *World) Folder(id string) (*Folder, bool) {
	f, ok := w.folders[id]
	return f, ok
}

// Room returns a live room by web id (the number in live.douyin.com/<id>).
func (w *World) Room(webRID string) (*Room, bool) {
	r, ok := w.roomsByWeb[webRID]
	return r, ok
}

// RoomByID returns a live room by its 19-digit room id.
func (w *World) RoomByID(roomID string) (*Room, bool) {
	r, ok := w.roomsByID[roomID]
	return r, ok
}

// PostOfMedia returns the post a media belongs to (the first one, for the
// shared real music).
func (w *World) PostOfMedia(mediaID string) (*Post, bool) {
	p, ok := w.mediaPosts[mediaID]
	return p, ok
}

// AllPosts returns every listed post once (users in order, newest first
// within a user); the deleted post is not included.
func (w *World) AllPosts() []*Post {
	var ps []*Post
	for _, u := range w.Users {
		ps = append(ps, u.Posts...)
	}
	return ps
}

// RealVideoPost is the first user's video whose bytes are a real H.264+AAC
// MP4 with the moov atom first (faststart). Nil when PostsPerUser < 1.
func (w *World) RealVideoPost() *Post { return w.realVideo }

// MoovAtEndPost is the first user's video whose bytes are a real MP4 with
// the moov atom at the end. Nil when PostsPerUser < 2.
func (w *World) MoovAtEndPost() *Post { return w.moovAtEnd }

// RealImagePost is the first user's image post with two real JPEGs and a
// real MP3. Nil when PostsPerUser < 3.
func (w *World) RealImagePost() *Post { return w.realImage }

// BigVideoPost is the newest post of the first user when
// Options.BigVideoSize > 0, else nil.
func (w *World) BigVideoPost() *Post { return w.bigVideo }

// DeletedPost is a post of the first user that was deleted: no list shows
// it and its detail answers aweme_detail null with a filter_detail.
func (w *World) DeletedPost() *Post { return w.deleted }

// LivingRoom is the room that is live now.
func (w *World) LivingRoom() *Room { return w.Rooms[0] }

// EndedRoom is the room whose live has ended (status 4).
func (w *World) EndedRoom() *Room { return w.Rooms[1] }

// PrivateUser is the private account (nil with Options.NoPrivateUser).
func (w *World) PrivateUser() *User {
	for _, u := range w.Users {
		if u.Private {
			return u
		}
	}
	return nil
}

// PrivateLikesUser is the user whose likes list is private (nil with a
// single user).
func (w *World) PrivateLikesUser() *User {
	for _, u := range w.Users {
		if u.LikesPrivate {
			return u
		}
	}
	return nil
}
