package fakedouyin

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestStats(t *testing.T) {
	s := startServer(t, Options{Seed: 51})
	c := newClient(t, s)
	st := s.Stats()
	if st.Requests["/web/r/token"] != 1 || st.Requests["/ttwid/union/register/"] != 1 {
		t.Errorf("token requests: %v", st.Requests)
	}
	s.ResetStats()
	u := s.World().Users[0]
	for i := 0; i < 3; i++ {
		c.webJSON("/aweme/v1/web/aweme/post/", "max_cursor=0&count=20&sec_user_id="+u.SecUID)
	}
	c.webJSON("/aweme/v1/web/user/profile/other/", "sec_user_id="+u.SecUID)
	c.web("/aweme/v1/web/user/profile/other/", "sec_user_id="+u.SecUID+"&X-Bogus=bad") // not the last: still an a_bogus request
	req, _ := http.NewRequest(http.MethodGet, s.URL()+"/aweme/v1/web/user/profile/other/?"+webBase(c.msToken), nil)
	req.Header.Set("User-Agent", testUA)
	c.do(req) // unsigned
	p := s.World().RealVideoPost()
	url := gearURL(t, detailOf(t, c, p), p.Video, 0)
	c.get(url, "Range", "bytes=0-999")
	c.get(url, "Range", "bytes=1000-1499")

	st = s.Stats()
	want := map[string]int64{"/aweme/v1/web/aweme/post/": 3, "/aweme/v1/web/user/profile/other/": 3, "/aweme/v1/web/aweme/detail/": 1, "cdn": 2}
	for k, n := range want {
		if st.Requests[k] != n {
			t.Errorf("Requests[%q] = %d, want %d", k, st.Requests[k], n)
		}
	}
	if len(st.Requests) != len(want) {
		t.Errorf("Requests has extra keys: %v", st.Requests)
	}
	if st.CDNBytes != 1500 {
		t.Errorf("CDNBytes %d, want 1500", st.CDNBytes)
	}
	if st.Rejected != 1 || st.RejectReasons["unsigned"] != 1 {
		t.Errorf("Rejected %d %v, want 1 unsigned", st.Rejected, st.RejectReasons)
	}

	// The same counters as JSON.
	r := c.get(s.URL() + "/_fake/stats")
	var js Stats
	if err := json.Unmarshal(r.body, &js); err != nil {
		t.Fatalf("/_fake/stats: %v: %s", err, r.body)
	}
	if js.CDNBytes != 1500 || js.Requests["cdn"] != 2 || js.Rejected != 1 {
		t.Errorf("/_fake/stats: %+v", js)
	}
	var raw map[string]any
	json.Unmarshal(r.body, &raw)
	for _, k := range []string{"requests", "rejected", "cdn_bytes", "files_bytes", "faults"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("/_fake/stats has no %q key", k)
		}
	}
	resp, err := http.Post(s.URL()+"/_fake/reset", "", nil)
	if err != nil || resp.StatusCode/100 != 2 {
		t.Fatalf("POST /_fake/reset: %v %v", resp, err)
	}
	resp.Body.Close()
	if st := s.Stats(); len(st.Requests) != 0 || st.CDNBytes != 0 || st.Rejected != 0 {
		t.Errorf("after reset: %+v", st)
	}
}
