package fakedouyin

import "strings"

// Related returns the posts the fake recommends beside a post, in the
// order it serves them: 12 to 31 other listed posts, derived from the
// world key and the post id (same seed, same list). Nil for a hidden or
// unknown post.
func (w *World) Related(awemeID string) []*Post {
	p, ok := w.Post(awemeID)
	if !ok || p.hidden() {
		return nil
	}
	var pool []*Post
	for _, q := range w.AllPosts() {
		if q.AwemeID != awemeID && !q.hidden() {
			pool = append(pool, q)
		}
	}
	rng := w.rngFor("related", awemeID)
	rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	return pool[:min(len(pool), 12+rng.IntN(20))]
}

// related answers /aweme/v1/web/aweme/related/ (§2.13). There is no
// cursor: a page starts after the last post of the list that filterGids
// names, so a client that sends the previous page's ids walks the list,
// and one that does not gets the same posts again (as the real one, per
// F2's doc). At the end it starts over with has_more still 1, unless
// Options.RelatedEnds: whether the real list ever ends is an open fact
// (§11 fact 17), and the hostile answer is that it does not.
func (c *apiCtx) related() obj {
	n, ok := c.intParam("count")
	if !ok || n < 1 {
		return c.paramError()
	}
	list := c.s.world.Related(c.q["aweme_id"])
	start := 0
	for _, id := range strings.Split(c.q["filterGids"], ",") {
		for i, p := range list {
			if p.AwemeID == id && i+1 > start {
				start = i + 1
			}
		}
	}
	if start >= len(list) && !c.o.RelatedEnds {
		start = 0
	}
	items, _, more := offsetPage(list, int64(start), int(min(n, 20)))
	if !c.o.RelatedEnds && len(list) > 0 {
		more = true
	}
	return envelope(c.now, c.logid, obj{"status_code": 0, "status_msg": "", "aweme_list": c.awemeList(items),
		"has_more": boolInt(more)})
}
