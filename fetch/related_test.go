package fetch

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

func TestDecodeRelatedPage(t *testing.T) {
	// The page's cursor (the next filterGids) names every id it carried,
	// the post that cannot be shown (no video, no images) included.
	body := `{"status_code":0,"aweme_list":[
		{"aweme_id":"71","aweme_type":0,"video":{"bit_rate":[{"gear_name":"normal_720_0","play_addr":{"url_list":["https://x/1"],"data_size":10}}]}},
		{"aweme_id":72},
		{"desc":"no id"}
	],"has_more":1}`
	page, _, err := decodeRelatedPage([]byte(body), "related", QualityBest)
	if err != nil {
		t.Fatal(err)
	}
	if page.Cursor != "71,72" || !page.HasMore {
		t.Errorf("cursor %q, has_more %v", page.Cursor, page.HasMore)
	}
	_, _, err = decodeRelatedPage([]byte(`{"status_code":2863,"status_msg":"操作过于频繁"}`), "related", QualityBest)
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 2863 || se.Endpoint != "related" {
		t.Errorf("status 2863: %v", err)
	}
	if _, _, err := decodeRelatedPage([]byte(`{"aweme_list":[`), "related", QualityBest); !errors.Is(err, ErrMalformed) {
		t.Errorf("cut body: %v", err)
	}
}

// The first request excludes the post itself ("<id>,"), each later one the
// previous page's ids; the parameters are the spec's, in its order.
func TestRelatedRequests(t *testing.T) {
	page := func(ids ...string) string {
		var items []string
		for _, id := range ids {
			items = append(items, `{"aweme_id":"`+id+`","aweme_type":68,"images":[{"url_list":["https://x/`+id+`.jpeg"]}]}`)
		}
		return `{"status_code":0,"aweme_list":[` + strings.Join(items, ",") + `],"has_more":1}`
	}
	n := 0
	s := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		n++
		switch n {
		case 1:
			okJSON(w, page("2", "3"))
		case 2:
			okJSON(w, page("4"))
		default:
			okJSON(w, page("5"))
		}
	})
	c := s.client(t, func(cfg *Config) { cfg.RelatedPages = 3 })
	ctx := testCtx(t)
	p := c.Related("1")
	got := postIDs(all(ctx, t, p))
	if strings.Join(got, " ") != "2 3 4 5" || p.Stopped() != StopMaxPages {
		t.Fatalf("related %v, stopped %v", got, p.Stopped())
	}
	reqs := s.requests("/aweme/v1/web/aweme/related/")
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3 (the cap)", len(reqs))
	}
	var filters []string
	for i, r := range reqs {
		q, _, _ := splitSig(t, r.rawQuery)
		_, own, _ := strings.Cut(q, "&msToken="+testMsToken+"&")
		vals, _ := url.ParseQuery(own)
		filters = append(filters, vals.Get("filterGids"))
		if i == 0 {
			if want := "aweme_id=1&count=20&filterGids=1%2C&awemePcRecRawData=%7B%22is_client%22%3A%22false%22%7D&sub_channel_id=3"; own != want {
				t.Errorf("first query\n%s\nwant\n%s", own, want)
			}
		}
	}
	if strings.Join(filters, " ") != "1, 2,3 4" {
		t.Errorf("filterGids %q, want 1, then the previous page's ids", filters)
	}
}

// Against the fake: the related list in its order, one request per page;
// the fake never ends it by default, so the cap does.
func TestFakeRelated(t *testing.T) {
	s := startFake(t, fakedouyin.NewDefault())
	w := s.World()
	c := fakeClient(t, s, w.LoginCookie, func(cfg *Config) { cfg.RelatedPages = 1000 })
	ctx := testCtx(t)
	id := w.AllPosts()[3].AwemeID
	want := w.Related(id)
	if len(want) < 12 {
		t.Fatalf("the fake relates %d posts", len(want))
	}
	var wantIDs []string
	for _, p := range want {
		wantIDs = append(wantIDs, p.AwemeID)
	}
	s.SetOptions(func(o *fakedouyin.Options) { o.RelatedEnds = true })
	s.ResetStats()
	p := c.Related(id)
	got := postIDs(all(ctx, t, p))
	if strings.Join(got, " ") != strings.Join(wantIDs, " ") || p.Stopped() != StopEnd {
		t.Errorf("related (ending)\n%v\nwant\n%v (stopped %v)", got, wantIDs, p.Stopped())
	}
	if n := s.Stats().Requests["/aweme/v1/web/aweme/related/"]; n != int64((len(want)+19)/20) {
		t.Errorf("%d requests for %d posts", n, len(want))
	}

	// Endless (the default): the list starts over, so the pager stops at
	// the cap or at a page that repeats the one before, and never shows
	// the post itself.
	s.SetOptions(func(o *fakedouyin.Options) { o.RelatedEnds = false })
	s.ResetStats()
	capped := fakeClient(t, s, w.LoginCookie, func(cfg *Config) { cfg.RelatedPages = 4 })
	p = capped.Related(id)
	got = postIDs(all(ctx, t, p))
	if n := s.Stats().Requests["/aweme/v1/web/aweme/related/"]; !p.Stopped().Early() || n < 2 || n > 4 {
		t.Errorf("endless list: stopped %v after %v", p.Stopped(), s.Stats().Requests)
	}
	for _, g := range got {
		if g == id {
			t.Errorf("the post is related to itself")
		}
	}
}
