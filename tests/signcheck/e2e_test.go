package signcheck

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/sign" // only for the client's scheme setting
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// End to end: douyinfs's fetch client talks to the fake Douyin through a
// recorder; every signed query it sent is recomputed here, independently
// of package sign, from the request (query, body, User-Agent) and what the
// signature itself carries (randoms, fingerprint, times).

type sent struct {
	rawQuery, body, ua string
	at                 time.Time
}

// recorder passes every request to the fake and keeps the signed ones.
type recorder struct {
	fake *fakedouyin.Server
	mu   sync.Mutex
	reqs []sent
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	raw := req.URL.RawQuery
	if strings.Contains(raw, "&a_bogus=") || strings.Contains(raw, "&X-Bogus=") {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(strings.NewReader(string(body)))
		r.mu.Lock()
		r.reqs = append(r.reqs, sent{raw, string(body), req.Header.Get("User-Agent"), time.Now()})
		r.mu.Unlock()
	}
	r.fake.ServeHTTP(w, req)
}

// run lists one user's profile and posts (two pages) with the scheme and
// returns the signed requests the client sent.
func run(t *testing.T, scheme sign.Scheme) []sent {
	t.Helper()
	// Every page as a guest: the signatures of later pages are checked too.
	fake, err := fakedouyin.Start(fakedouyin.Options{Seed: 7, Users: 1, PostsPerUser: 25, GuestAllPages: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	rec := &recorder{fake: fake}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	u := srv.URL
	cfg := fetch.DefaultConfig()
	cfg.Hosts = fetch.Hosts{WWW: u, Live: u, Webcast: u, MsToken: u, TTWID: u, WebID: u, SSO: u, ShortLink: u + "/v"}
	cfg.RateLimit, cfg.Signing = 0, scheme
	c, err := fetch.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	user := fake.World().Users[0]
	if _, err := c.UserProfile(ctx, user.SecUID); err != nil {
		t.Fatal(err)
	}
	p := c.UserPosts(user.SecUID)
	n := 0
	for {
		items, err := p.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if !it.Hidden() { // the fake's lists carry deleted and prohibited posts
				n++
			}
		}
	}
	if n != len(user.Posts) {
		t.Fatalf("listed %d posts, want %d", n, len(user.Posts))
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	t.Logf("%d signed requests recorded", len(rec.reqs))
	if len(rec.reqs) < 3 {
		t.Fatalf("recorded %d signed requests, want at least 3 (profile and two pages)", len(rec.reqs))
	}
	return rec.reqs
}

func tail(q string) string { return q[max(0, len(q)-60):] }

func near(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if d := got.Sub(want); d < -time.Minute || d > time.Minute {
		t.Errorf("%s %v is %v away from when the request arrived (%v)", what, got, d, want)
	}
}

func TestEndToEndABogus(t *testing.T) {
	for _, r := range run(t, sign.SchemeABogus) {
		query, value, ok := Split(r.rawQuery, "&a_bogus=")
		if !ok || strings.Contains(r.rawQuery, "&X-Bogus=") {
			t.Fatalf("not a_bogus-signed: %s", r.rawQuery)
		}
		d, err := DecodeABogus(value)
		if err != nil {
			t.Fatalf("%v in %s", err, r.rawQuery)
		}
		if err := CheckFingerprint(d.Fingerprint); err != nil {
			t.Error(err)
		}
		near(t, "start time", time.UnixMilli(d.StartMs), r.at)
		if d.EndMs < d.StartMs || d.EndMs-d.StartMs > 1000 {
			t.Errorf("end time %d is not just after start %d", d.EndMs, d.StartMs)
		}
		// Everything else is recomputed: hashes from the request, F2's fixed
		// options {0, 1, 14}, and this package's salt, table and encoding.
		want := ABogus(ABogusInput{query, r.body, r.ua, d.Fingerprint, [3]int{0, 1, 14}, d.StartMs, d.EndMs, d.Randoms})
		if value != want {
			t.Errorf("a_bogus sent for ...%s\n got %s\nwant %s (recomputed independently)", tail(query), value, want)
		}
	}
}

func TestEndToEndXBogus(t *testing.T) {
	for _, r := range run(t, sign.SchemeXBogus) {
		query, value, ok := Split(r.rawQuery, "&X-Bogus=")
		if !ok || strings.Contains(r.rawQuery, "&a_bogus=") {
			t.Fatalf("not X-Bogus-signed: %s", r.rawQuery)
		}
		ts, err := DecodeXBogusTime(value)
		if err != nil {
			t.Fatal(err)
		}
		near(t, "signed time", time.Unix(ts, 0), r.at)
		if want := XBogus(query, r.ua, ts); value != want {
			t.Errorf("X-Bogus sent for ...%s: %s, want %s (recomputed independently)", tail(query), value, want)
		}
	}
}
