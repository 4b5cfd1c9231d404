package fakedouyin

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/sign"
)

// TestRejections sends requests the real service refuses and expects the
// empty 200 answer, and the reason counted.
func TestRejections(t *testing.T) {
	s := startServer(t, Options{Seed: 21})
	c := newClient(t, s)
	sec := s.World().Users[0].SecUID
	path := "/aweme/v1/web/user/profile/other/"
	own := "sec_user_id=" + sec
	base := webBase(c.msToken)
	good := base + "&" + own

	send := func(rawQuery string, header ...string) *response {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+path+"?"+rawQuery, nil)
		req.Header.Set("User-Agent", testUA)
		req.Header.Set("Cookie", c.cookie)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		return c.do(req)
	}
	xb := func(q string, at time.Time) string { return q + "&X-Bogus=" + sign.XBogus(q, testUA, at.Unix()) }
	ab := sign.Signer{Scheme: sign.SchemeABogus, UserAgent: testUA}

	// The good request works both ways, or the cases below prove nothing.
	if v := send(ab.Sign(good, "")).json(t); path0(v, "user.sec_uid") != sec {
		t.Fatalf("a_bogus request refused: %v", v)
	}
	if v := send(xb(good, time.Now())).json(t); path0(v, "user.sec_uid") != sec {
		t.Fatalf("X-Bogus request refused: %v", v)
	}

	reused := ab.Sign(good, "")
	send(reused)
	cases := []struct {
		name, query, reason string
		header              []string
	}{
		{"unsigned", good, "unsigned", nil},
		{"query changed after signing", strings.Replace(ab.Sign(good, ""), "sec_user_id="+sec, "sec_user_id="+sec[:len(sec)-1]+"x", 1), "signature", nil},
		{"X-Bogus of another query", good + "&X-Bogus=" + sign.XBogus(good+"&x=1", testUA, time.Now().Unix()), "signature", nil},
		{"wrong User-Agent", ab.Sign(good, ""), "signature", []string{"User-Agent", "curl/8.0"}},
		{"X-Bogus wrong User-Agent", xb(good, time.Now()), "signature", []string{"User-Agent", testUA + " extra"}},
		{"stale X-Bogus", xb(good, time.Now().Add(-time.Hour)), "signature-stale", nil},
		{"stale a_bogus", sign.Signer{UserAgent: testUA, Now: func() time.Time { return time.Now().Add(-time.Hour) }}.Sign(good, ""), "signature-stale", nil},
		{"reused a_bogus", reused, "signature-reused", nil},
		{"garbage a_bogus", good + "&a_bogus=abc", "signature", nil},
		{"no msToken", ab.Sign(strings.Replace(good, "&msToken="+c.msToken, "", 1), ""), "params", nil},
		{"short msToken", ab.Sign(strings.Replace(good, c.msToken, c.msToken[:100], 1), ""), "mstoken", nil},
		{"no device_platform", ab.Sign(strings.Replace(good, "device_platform=webapp&", "", 1), ""), "params", nil},
		{"wrong aid", ab.Sign(strings.Replace(good, "aid=6383", "aid=1128", 1), ""), "params", nil},
		{"no cpu_core_num", ab.Sign(strings.Replace(good, "&cpu_core_num=12", "", 1), ""), "params", nil},
		{"empty User-Agent", ab.Sign(good, ""), "user-agent", []string{"User-Agent", ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := s.Stats()
			r := send(tc.query, tc.header...)
			if r.StatusCode != http.StatusOK || len(r.body) != 0 {
				t.Fatalf("HTTP %d with %d bytes (%.80q); want an empty 200", r.StatusCode, len(r.body), r.body)
			}
			after := s.Stats()
			if after.Rejected != before.Rejected+1 || after.RejectReasons[tc.reason] != before.RejectReasons[tc.reason]+1 {
				t.Errorf("rejections %d→%d, %q %d→%d", before.Rejected, after.Rejected, tc.reason,
					before.RejectReasons[tc.reason], after.RejectReasons[tc.reason])
			}
		})
	}

	// POST-only listcollection refuses GET; GET endpoints refuse POST.
	li := c.loggedIn()
	if r := li.web("/aweme/v1/web/aweme/listcollection/", "cursor=0&count=20"); len(r.body) != 0 {
		t.Errorf("GET listcollection answered %d bytes", len(r.body))
	}
	if r := li.do(li.request(http.MethodPost, path, base+"&"+own, []byte("{}"))); len(r.body) != 0 {
		t.Errorf("POST profile answered %d bytes", len(r.body))
	}
	// listcollection accepts a_bogus over the body "" (as F2 signs it)...
	if v := li.favorites("0", 5).json(t); i64(v["status_code"]) != 0 {
		t.Errorf("favourites signed over \"\": %v", v)
	}
}

func path0(v map[string]any, p string) string { return str(path(v, p)) }

// TestOtherBaseSets checks the live, reflow and SSO parameter sets.
func TestOtherBaseSets(t *testing.T) {
	s := startServer(t, Options{Seed: 22})
	c := newClient(t, s)
	room := s.World().LivingRoom()
	for _, tc := range []struct {
		name, path, query string
	}{
		{"enter without web_rid's base", "/webcast/room/web/enter/", strings.Replace(liveBase(), "app_name=douyin_web&", "", 1) + "&web_rid=" + room.WebRID + "&room_id_str="},
		{"enter with www base", "/webcast/room/web/enter/", webBase(c.msToken) + "&web_rid=" + room.WebRID + "&room_id_str="},
		{"reflow with a bad verifyFp", "/webcast/room/reflow/info/", strings.Replace(reflowBase(), "verifyFp=verify_", "verifyFp=nope_", 1) + "&room_id=" + room.RoomID},
		{"reflow without msToken", "/webcast/room/reflow/info/", strings.Replace(reflowBase(), "&msToken=", "", 1) + "&room_id=" + room.RoomID},
		{"get_qrcode with the www base", "/get_qrcode/", webBase(c.msToken)},
	} {
		r := c.do(c.request(http.MethodGet, tc.path, tc.query, nil))
		if r.StatusCode != 200 || len(r.body) != 0 {
			t.Errorf("%s: HTTP %d, %d bytes; want an empty 200", tc.name, r.StatusCode, len(r.body))
		}
	}
}
