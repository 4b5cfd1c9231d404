package fakedouyin

import (
	"bytes"
	"encoding/json"
	"hash/fnv"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// endpoint describes one JSON API path: its method, base parameter set,
// own required parameters, cookie needs and handler.
type endpoint struct {
	method   string
	base     baseSet
	required []string
	ttwid    bool // needs a ttwid cookie this server issued
	aBogus   bool // refuses X-Bogus (unless Options.DetailAcceptsXBogus)
	login    bool // answers a guest with status_code 8
	handle   func(c *apiCtx) obj
}

// apiCtx is one API request being answered.
type apiCtx struct {
	s        *Server
	w        http.ResponseWriter
	r        *http.Request
	q        params
	body     []byte
	o        Options
	now      time.Time
	loggedIn bool
	u        urlMaker
	logid    string
}

func (s *Server) endpoint(path string) (endpoint, bool) {
	get := http.MethodGet
	page := []string{"cursor", "count"}
	switch path {
	case "/aweme/v1/web/user/profile/other/":
		return endpoint{method: get, base: baseWeb, required: []string{"sec_user_id"}, handle: (*apiCtx).profile}, true
	case "/aweme/v1/web/aweme/post/":
		return endpoint{method: get, base: baseWeb, required: []string{"max_cursor", "count", "sec_user_id"}, handle: (*apiCtx).posts}, true
	case "/aweme/v1/web/aweme/favorite/":
		return endpoint{method: get, base: baseWeb, required: []string{"max_cursor", "count", "sec_user_id"}, handle: (*apiCtx).likes}, true
	case "/aweme/v1/web/aweme/listcollection/":
		return endpoint{method: http.MethodPost, base: baseWeb, required: page, login: true, handle: (*apiCtx).favorites}, true
	case "/aweme/v1/web/collects/list/":
		return endpoint{method: get, base: baseWeb, required: page, login: true, handle: (*apiCtx).folders}, true
	case "/aweme/v1/web/collects/video/list/":
		return endpoint{method: get, base: baseWeb, required: append(page, "collects_id"), login: true, handle: (*apiCtx).folderVideos}, true
	case "/aweme/v1/web/mix/list/":
		return endpoint{method: get, base: baseWeb, required: []string{"sec_user_id", "cursor", "count"}, ttwid: true, handle: (*apiCtx).mixList}, true
	case "/aweme/v1/web/mix/aweme/":
		return endpoint{method: get, base: baseWeb, required: append(page, "mix_id"), handle: (*apiCtx).mixVideos}, true
	case "/aweme/v1/web/mix/detail/":
		return endpoint{method: get, base: baseWeb, required: []string{"mix_id"}, handle: (*apiCtx).mixDetail}, true
	case "/aweme/v1/web/aweme/detail/":
		return endpoint{method: get, base: baseWeb, required: []string{"aweme_id"}, aBogus: true, handle: (*apiCtx).detail}, true
	case "/aweme/v1/web/tab/feed/":
		return endpoint{method: get, base: baseWeb, required: []string{"count", "refresh_index"}, handle: (*apiCtx).tabFeed}, true
	case "/aweme/v1/web/comment/list/":
		return endpoint{method: get, base: baseWeb, required: append(page, "aweme_id"), handle: (*apiCtx).comments}, true
	case "/aweme/v1/web/comment/list/reply/":
		return endpoint{method: get, base: baseWeb, required: append(page, "item_id", "comment_id"), handle: (*apiCtx).commentReplies}, true
	case "/aweme/v1/web/aweme/related/":
		return endpoint{method: get, base: baseWeb, required: []string{"aweme_id", "count"}, handle: (*apiCtx).related}, true
	case "/webcast/room/web/enter/":
		return endpoint{method: get, base: baseLive, required: []string{"web_rid", "room_id_str"}, ttwid: true, handle: (*apiCtx).liveEnter}, true
	case "/webcast/room/reflow/info/":
		return endpoint{method: get, base: baseReflow, required: []string{"room_id"}, handle: (*apiCtx).reflow}, true
	case "/webcast/distribution/check_user_live_status/":
		return endpoint{method: get, base: baseWeb, required: []string{"user_ids", "distribution_scenes"}, handle: (*apiCtx).liveStatus}, true
	case "/get_qrcode/":
		return endpoint{method: get, base: baseSSO, handle: (*apiCtx).getQRCode}, true
	case "/check_qrconnect/", "/check_login/":
		return endpoint{method: get, base: baseSSO, required: []string{"token"}, handle: (*apiCtx).checkQRConnect}, true
	}
	return endpoint{}, false
}

// serveAPI runs the checks every API answer goes through, then the
// handler, then writes the JSON with the body faults drawn for it.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, ep endpoint) {
	s.stats.request(r.URL.Path)
	o := s.options()
	if !s.sleep(r.Context(), o.APILatency) {
		return
	}
	if s.serveRisk(w, r, o) {
		return
	}
	f := s.drawFault(o, faultsAll())
	if s.writeStatusFault(w, f) {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	now := time.Now()
	c := &apiCtx{s: s, w: w, r: r, q: parseRawQuery(r.URL.RawQuery), body: body, o: o, now: now,
		loggedIn: s.loggedIn(r), u: s.urls(now, o), logid: s.logID(now)}
	reason := ""
	switch {
	case r.Method != ep.method:
		reason = "method"
	case s.checkBase(ep.base, c.q) != "":
		reason = s.checkBase(ep.base, c.q)
	default:
		reason = s.checkSignature(r.URL.RawQuery, string(body), r.Header.Get("User-Agent"), now, o.SignatureWindow)
	}
	if reason == "" && ep.aBogus && !o.DetailAcceptsXBogus && !strings.Contains(r.URL.RawQuery, "&a_bogus=") {
		reason = "xbogus-refused"
	}
	if reason == "" && ep.base == baseWeb && !o.NoCookieCheck && !s.browserCookie(r) {
		reason = "cookie"
	}
	if reason == "" && ep.ttwid && !s.hasTTWID(r) {
		reason = "ttwid"
	}
	if reason != "" {
		// The real service answers a refused request with an empty 200.
		s.stats.reject(reason)
		s.log.Debug("rejected", "path", r.URL.Path, "reason", reason)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return
	}
	var answer obj
	for _, name := range ep.required {
		if !c.q.has(name) {
			answer = c.paramError()
			break
		}
	}
	if answer == nil && ep.login && !c.loggedIn {
		s.stats.reject("login")
		answer = obj{"status_code": 8, "status_msg": "用户未登录", "log_pb": obj{"impr_id": c.logid}}
	}
	if answer == nil {
		answer = ep.handle(c)
	}
	s.writeJSON(w, r, o, answer, f)
}

// writeJSON encodes v like Douyin (no HTML escaping) and applies the
// malformed, reset and stall faults to the body.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, o Options, v any, f fault) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if f == faultNone && s.drawMalformed(o) {
		s.stats.fault("malformed")
		body = body[:len(body)*3/5]
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	bw := s.newBodyWriter(w, r, -1, 0, f, int64(max(len(body)/2, 1)))
	bw.Write(body)
}

// paramError is the answer to a missing or malformed endpoint parameter.
func (c *apiCtx) paramError() obj {
	c.s.stats.reject("params")
	return obj{"status_code": 5, "status_msg": "参数不合法", "log_pb": obj{"impr_id": c.logid}}
}

// intParam parses a required integer parameter.
func (c *apiCtx) intParam(name string) (int64, bool) {
	n, err := strconv.ParseInt(c.q[name], 10, 64)
	return n, err == nil && n >= 0
}

// pageArgs parses cursor and count; count is capped at 20.
func (c *apiCtx) pageArgs(cursorName string) (cursor int64, count int, ok bool) {
	cursor, ok1 := c.intParam(cursorName)
	n, ok2 := c.intParam("count")
	if !ok1 || !ok2 || n < 1 {
		return 0, 0, false
	}
	return cursor, int(min(n, 20)), true
}

func (c *apiCtx) awemeList(ps []*Post) []any {
	l := make([]any, 0, len(ps))
	for _, p := range ps {
		l = append(l, c.u.awemeJSON(p))
	}
	return l
}

func (c *apiCtx) profile() obj {
	u, ok := c.s.world.User(c.q["sec_user_id"])
	if !ok {
		return envelope(c.now, c.logid, obj{"status_code": 0, "status_msg": nil, "user": nil})
	}
	return envelope(c.now, c.logid, obj{"status_code": 0, "status_msg": nil, "user": c.u.profileJSON(u, c.now)})
}

func (c *apiCtx) posts() obj {
	u, _ := c.s.world.User(c.q["sec_user_id"])
	var seq []listed
	var lead []*Post
	// A private account's posts are nil: an empty page, status_code 0,
	// has_more 0. The spec leaves open (§11 fact 5) what Douyin answers.
	if u != nil {
		seq = u.postSeq(!c.o.NoPinned, !c.o.NoHiddenPosts)
		if !c.o.NoPinned {
			lead = u.Pinned
		}
	}
	cursor, count, ok := c.pageArgs("max_cursor")
	if !ok {
		return c.paramError()
	}
	if !c.o.GuestAllPages && !c.loggedIn && cursor != 0 {
		seq = nil
	}
	return c.timePage("post:"+c.q["sec_user_id"], seq, lead, cursor, count)
}

func (c *apiCtx) likes() obj {
	u, _ := c.s.world.User(c.q["sec_user_id"])
	var seq []listed
	if u != nil && !u.LikesPrivate {
		for _, e := range u.likeSeq {
			if !c.o.NoHiddenPosts || !e.p.hidden() {
				seq = append(seq, e)
			}
		}
	}
	cursor, count, ok := c.pageArgs("max_cursor")
	if !ok {
		return c.paramError()
	}
	return c.timePage("like:"+c.q["sec_user_id"], seq, nil, cursor, count)
}

// timePage pages a newest-first list by millisecond cursor (spec §3):
// cursor 0 is the top; otherwise the items whose list time (create or like
// time) is before cursor. The answer's max_cursor is the last item's list
// time in ms, min_cursor the first's. lead (pinned posts) comes first on
// the first page only, counts towards its size and sets no cursor. With
// EmptyPageQuirk some pages come back empty with has_more 1 and a cursor
// that leads on to the same items.
func (c *apiCtx) timePage(key string, seq []listed, lead []*Post, cursor int64, count int) obj {
	start := 0
	if cursor != 0 {
		start = sort.Search(len(seq), func(i int) bool { return seq[i].t*1000 < cursor })
		lead = nil
	}
	end := min(start+max(count-len(lead), 1), len(seq))
	items := seq[start:end]
	if next, ok := c.s.emptyRun(key, len(seq), cursor, start, end, c.o.EmptyPageRun); ok {
		return envelope(c.now, c.logid, obj{"status_code": 0, "aweme_list": []any{}, "has_more": 1,
			"max_cursor": next, "min_cursor": next, "time_list": nil})
	}
	// No quirk on a first page with pinned posts: they come only there.
	if c.o.EmptyPageQuirk && c.o.EmptyPageRun <= 0 && len(items) > 0 && len(lead) == 0 {
		if next, ok := c.s.quirkEmpty(key, cursor, seq[0].t); ok {
			return envelope(c.now, c.logid, obj{"status_code": 0, "aweme_list": []any{}, "has_more": 1,
				"max_cursor": next, "min_cursor": next, "time_list": nil})
		}
	}
	maxC, minC := cursor, cursor
	if len(items) > 0 {
		maxC, minC = items[len(items)-1].t*1000, items[0].t*1000
	}
	if end < len(seq) && c.s.repeatCursor(key, cursor, c.o.RepeatCursorRate) {
		maxC = cursor
	}
	l := make([]any, 0, len(lead)+len(items))
	for _, p := range lead {
		a := c.u.awemeJSON(p)
		a["is_top"] = 1
		l = append(l, a)
	}
	for _, e := range items {
		l = append(l, c.u.awemeJSON(e.p))
	}
	return envelope(c.now, c.logid, obj{"status_code": 0, "aweme_list": l,
		"has_more": boolInt(end < len(seq)), "max_cursor": maxC, "min_cursor": minC, "time_list": nil})
}

// quirkEmpty decides, deterministically per list and cursor, whether the
// page at cursor is one of the real service's empty has_more=1 pages, and
// gives the cursor it points to: one millisecond earlier, which selects
// the same items (create times are whole seconds). At most two empty pages
// come in a row.
func (s *Server) quirkEmpty(key string, cursor, newest int64) (int64, bool) {
	top := (newest + 1) * 1000
	if cursor == 0 {
		cursor = top
	}
	step := 1000 - cursor%1000 // 1000 for a real cursor, 1 after one empty page
	base := cursor + step%1000
	h := fnv.New64a()
	h.Write([]byte(key + "|" + strconv.FormatInt(base, 10) + "|" + strconv.FormatInt(s.world.keySeed(), 10)))
	v := h.Sum64()
	switch step {
	case 1000:
		if v%3 == 0 {
			return cursor - 1, true
		}
	case 1:
		if v%7 < 3 {
			return cursor - 1, true
		}
	}
	return 0, false
}

// offsetPage pages a list by an opaque cursor that is in fact an offset.
func offsetPage[T any](list []T, cursor int64, count int) (items []T, next int64, more bool) {
	start := int(min(cursor, int64(len(list))))
	end := min(start+count, len(list))
	return list[start:end], int64(end), end < len(list)
}

func (c *apiCtx) favorites() obj {
	cursor, count, ok := c.pageArgs("cursor")
	if !ok {
		return c.paramError()
	}
	if len(c.body) > 0 && !json.Valid(c.body) {
		return c.paramError()
	}
	me := c.s.world.Me
	start := 0
	if cursor != 0 {
		start = sort.Search(len(me.FavoriteTimes), func(i int) bool { return me.FavoriteTimes[i] < cursor })
	}
	end := min(start+count, len(me.Favorites))
	next := cursor
	if end > start {
		next = me.FavoriteTimes[end-1]
	}
	return envelope(c.now, c.logid, obj{"status_code": 0, "status_msg": "", "aweme_list": c.awemeList(me.Favorites[start:end]),
		"has_more": boolInt(end < len(me.Favorites)), "cursor": next})
}

func (c *apiCtx) folders() obj {
	cursor, count, ok := c.pageArgs("cursor")
	if !ok {
		return c.paramError()
	}
	me := c.s.world.Me
	items, next, more := offsetPage(me.Folders, cursor, count)
	l := []any{}
	for _, f := range items {
		l = append(l, c.u.folderJSON(f, me))
	}
	return envelope(c.now, c.logid, obj{"status_code": 0, "status_msg": "", "collects_list": l,
		"has_more": more, "cursor": next, "total_number": len(me.Folders)})
}

func (c *apiCtx) folderVideos() obj {
	cursor, count, ok := c.pageArgs("cursor")
	if _, err := strconv.ParseUint(c.q["collects_id"], 10, 64); !ok || err != nil {
		return c.paramError()
	}
	var list []*Post
	if f, ok := c.s.world.Folder(c.q["collects_id"]); ok {
		list = f.Posts
	}
	return c.offsetPostPage(list, cursor, count)
}

// offsetPostPage is a page of posts for the lists whose cursor is an offset
// (folder videos, mix videos): aweme_list, has_more as 0/1, cursor.
func (c *apiCtx) offsetPostPage(list []*Post, cursor int64, count int) obj {
	items, next, more := offsetPage(list, cursor, count)
	return envelope(c.now, c.logid, obj{"status_code": 0, "status_msg": "", "aweme_list": c.awemeList(items),
		"has_more": boolInt(more), "cursor": next})
}

func (c *apiCtx) mixList() obj {
	cursor, count, ok := c.pageArgs("cursor")
	if !ok {
		return c.paramError()
	}
	var mixes []*Mix
	if u, ok := c.s.world.User(c.q["sec_user_id"]); ok {
		mixes = u.Mixes
	}
	items, next, more := offsetPage(mixes, cursor, count)
	l := []any{}
	for _, m := range items {
		mi := c.u.mixInfoJSON(m, 0)
		mi["author"] = c.u.authorJSON(m.Author)
		l = append(l, mi)
	}
	return envelope(c.now, c.logid, obj{"status_code": 0, "status_msg": "", "mix_infos": l, "has_more": more, "cursor": next})
}

func (c *apiCtx) mixVideos() obj {
	cursor, count, ok := c.pageArgs("cursor")
	if !ok {
		return c.paramError()
	}
	var list []*Post
	if m, ok := c.s.world.Mix(c.q["mix_id"]); ok {
		list = m.Posts
	}
	return c.offsetPostPage(list, cursor, count)
}

func (c *apiCtx) mixDetail() obj {
	m, ok := c.s.world.Mix(c.q["mix_id"])
	if !ok {
		return envelope(c.now, c.logid, obj{"status_code": 0, "status_msg": "", "mix_info": nil})
	}
	mi := c.u.mixInfoJSON(m, 0)
	mi["author"] = c.u.authorJSON(m.Author)
	return envelope(c.now, c.logid, obj{"status_code": 0, "status_msg": "", "mix_info": mi})
}

func (c *apiCtx) detail() obj {
	id := c.q["aweme_id"]
	p, ok := c.s.world.Post(id)
	if !ok || p.hidden() {
		reason, notice := "status_self_see", "因作品权限或已被删除，无法观看，去看看其他作品吧"
		if !ok {
			reason = "item_not_exist"
		}
		return obj{"status_code": 0, "aweme_detail": nil, "log_pb": obj{"impr_id": c.logid},
			"filter_detail": obj{"aweme_id": id, "filter_reason": reason, "detail_msg": notice,
				"notice": "抱歉，作品不见了", "icon": ""}}
	}
	u := c.u
	u.detailGears = !c.o.SameDetailGears
	return obj{"status_code": 0, "aweme_detail": u.awemeJSON(p), "log_pb": obj{"impr_id": c.logid}}
}

// tabFeed pages the home feed in a circle by refresh_index; it always has
// more, like the real recommendation feed.
func (c *apiCtx) tabFeed() obj {
	n, ok1 := c.intParam("count")
	idx, ok2 := c.intParam("refresh_index")
	if !ok1 || !ok2 || n < 1 || idx < 1 {
		return c.paramError()
	}
	feed := c.s.world.Me.Feed
	var items []*Post
	for k := 0; k < int(min(n, 20)) && len(feed) > 0; k++ {
		items = append(items, feed[(int(idx-1)*int(min(n, 20))+k)%len(feed)])
	}
	return envelope(c.now, c.logid, obj{"status_code": 0, "status_msg": "", "aweme_list": c.awemeList(items),
		"has_more": 1, "max_cursor": 0, "min_cursor": 0, "home_model": 1, "refresh_clear": 1})
}

func (c *apiCtx) liveEnter() obj {
	r, ok := c.s.world.Room(c.q["web_rid"])
	data := obj{"data": []any{}, "enter_room_id": "", "user": nil, "qrcode_url": "", "enter_mode": 0,
		"room_status": 2, "partition_road_map": obj{}, "similar_rooms": []any{}, "shark_decision_conf": "",
		"web_stream_url": obj{"flv_pull_url": obj{}, "default_resolution": "", "hls_pull_url_map": obj{},
			"hls_pull_url": "", "stream_orientation": 0, "pull_datas": obj{}},
		"login_lead": obj{"is_login": c.loggedIn, "level": 0, "items": obj{}}}
	if ok {
		data["data"] = []any{c.u.enterRoomJSON(r)}
		data["enter_room_id"] = r.RoomID
		data["user"] = c.u.liveUserJSON(r)
		if r.OnAir() {
			data["room_status"] = 0
		}
	}
	return obj{"data": data, "extra": obj{"now": c.now.UnixMilli()}, "status_code": 0}
}

func (c *apiCtx) reflow() obj {
	r, ok := c.s.world.RoomByID(c.q["room_id"])
	if !ok {
		return obj{"data": obj{"room": nil, "user": nil}, "extra": obj{"now": c.now.UnixMilli()}, "status_code": 0}
	}
	o := r.Owner
	user := obj{"id": num(o.UID), "id_str": o.UID, "sec_uid": o.SecUID, "nickname": o.Nickname, "web_rid": r.WebRID,
		"avatar_thumb": obj{"url_list": c.u.mirrors(o.Avatar, 2)}}
	return obj{"data": obj{"room": c.u.reflowRoomJSON(r), "user": user}, "extra": obj{"now": c.now.UnixMilli()}, "status_code": 0}
}

func (c *apiCtx) liveStatus() obj {
	var lives []any
	for _, uid := range strings.Split(c.q["user_ids"], ",") {
		if uid == "" {
			continue
		}
		if _, err := strconv.ParseUint(uid, 10, 64); err != nil {
			return obj{"status_code": 5, "data": obj{"prompts": "参数不合法"}}
		}
		e := obj{"live_status": 0, "room_id": 0, "room_id_str": "", "user_id": num(uid), "user_id_str": uid}
		if u, ok := c.s.world.UserByUID(uid); ok && u.Room != nil && u.Room.OnAir() {
			e["live_status"], e["room_id"], e["room_id_str"] = 1, num(u.Room.RoomID), u.Room.RoomID
		}
		lives = append(lives, e)
	}
	if len(lives) == 0 {
		return obj{"status_code": 5, "data": obj{"prompts": "参数不合法"}}
	}
	scene, _ := strconv.Atoi(c.q["distribution_scenes"])
	return obj{"data": []any{obj{"scene_id": scene, "user_live": lives}}, "extra": obj{"now": c.now.UnixMilli()}, "status_code": 0}
}

// keySeed is a number derived from the world key (for deterministic
// per-world choices outside the generator).
func (w *World) keySeed() int64 {
	var n int64
	for _, b := range w.key[:8] {
		n = n<<8 | int64(b)
	}
	return n
}
