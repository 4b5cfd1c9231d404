package fetch

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

const goodProfile = `{"status_code":0,"user":{"uid":"1","sec_uid":"S","nickname":"n"}}`

// resetBody promises a whole profile, sends half of it and drops the
// connection.
func resetBody(w http.ResponseWriter) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(goodProfile)) + "\r\n\r\n")
	buf.WriteString(goodProfile[:len(goodProfile)/2])
	buf.Flush()
}

// Answers that are wrong only this once (a body cut short, an anti-bot
// empty body, a reset) are retried within Retries; the good answer after
// them is used.
func TestTransientAnswersAreRetried(t *testing.T) {
	var mu sync.Mutex
	var script []func(w http.ResponseWriter) // answers in order; then goodProfile
	s := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		mu.Lock()
		var a func(w http.ResponseWriter)
		if len(script) > 0 {
			a, script = script[0], script[1:]
		}
		mu.Unlock()
		if a == nil {
			okJSON(w, goodProfile)
			return
		}
		a(w)
	})
	play := func(answers ...func(w http.ResponseWriter)) { mu.Lock(); script = answers; mu.Unlock() }
	c := s.client(t, func(cfg *Config) { cfg.Retries = 2 })
	ctx := testCtx(t)
	count := func() int { return len(s.requests("/aweme/v1/web/user/profile/other/")) }
	truncated := func(w http.ResponseWriter) { okJSON(w, goodProfile[:len(goodProfile)*3/5]) }
	empty := func(w http.ResponseWriter) { w.WriteHeader(200) }
	garbage := func(w http.ResponseWriter) { okJSON(w, `{"status_code":0,"user":{"uid":"1"}}}`) }

	for _, tc := range []struct {
		name    string
		answers []func(w http.ResponseWriter)
	}{
		{"truncated JSON", []func(w http.ResponseWriter){truncated}},
		{"truncated twice", []func(w http.ResponseWriter){truncated, truncated}},
		{"data after the value", []func(w http.ResponseWriter){garbage}},
		{"two empty bodies", []func(w http.ResponseWriter){empty, empty}},
		{"empty then truncated", []func(w http.ResponseWriter){empty, truncated}},
		{"reset mid-body", []func(w http.ResponseWriter){resetBody, truncated}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			play(tc.answers...)
			before, retries := count(), c.Stats().Retries
			u, err := c.UserProfile(ctx, "S")
			if err != nil || u.UID != "1" {
				t.Fatalf("UserProfile = %+v, %v", u, err)
			}
			if n := count() - before; n != len(tc.answers)+1 {
				t.Errorf("%d requests, want %d", n, len(tc.answers)+1)
			}
			if got := c.Stats().Retries - retries; got != int64(len(tc.answers)) {
				t.Errorf("%d retries counted, want %d", got, len(tc.answers))
			}
		})
	}

	// Bounded: Retries+1 attempts, then the typed error.
	play(truncated, truncated, truncated, truncated)
	before := count()
	if _, err := c.UserProfile(ctx, "S"); !errors.Is(err, ErrMalformed) {
		t.Errorf("always truncated: %v, want ErrMalformed", err)
	}
	if n := count() - before; n != 3 {
		t.Errorf("%d requests with Retries = 2, want 3", n)
	}
	play(empty, empty, empty, empty)
	before = count()
	if _, err := c.UserProfile(ctx, "S"); !errors.Is(err, ErrRejected) {
		t.Errorf("always empty: %v, want ErrRejected", err)
	}
	if n := count() - before; n != 3 {
		t.Errorf("%d requests with Retries = 2, want 3", n)
	}

	// A definite answer is not retried, even when it comes after a
	// transient one.
	play(truncated, func(w http.ResponseWriter) { okJSON(w, `{"status_code":0,"user":null}`) })
	before = count()
	if _, err := c.UserProfile(ctx, "S"); !errors.Is(err, ErrNotFound) {
		t.Errorf("no such user: %v, want ErrNotFound", err)
	}
	if n := count() - before; n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	play()

	// No retry that would outlast the caller's deadline: the back-off
	// (a second here) does not fit, so the malformed answer is final now.
	slow := s.client(t, func(cfg *Config) { cfg.Retries = 5; cfg.RetryBackoff = 2 * time.Second })
	if _, err := slow.UserProfile(ctx, "S"); err != nil { // tokens first
		t.Fatal(err)
	}
	play(truncated, truncated, truncated, truncated, truncated, truncated)
	short, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	before = count()
	if _, err := slow.UserProfile(short, "S"); !errors.Is(err, ErrMalformed) {
		t.Errorf("short deadline: %v, want ErrMalformed", err)
	}
	if el := time.Since(start); el > 400*time.Millisecond {
		t.Errorf("gave up after %v; the back-off cannot fit in the deadline", el)
	}
	if n := count() - before; n != 1 {
		t.Errorf("%d requests under a short deadline, want 1", n)
	}
	play()
}

// With a fake that cuts API answers short now and then, every lookup
// succeeds: profiles, post details (also what a media URL refresh asks),
// mix details and live rooms. Each cut answer costs exactly one retry.
func TestFakeMalformedLookups(t *testing.T) {
	s := startFake(t, fakedouyin.Options{Seed: 21, Users: 2, PostsPerUser: 15})
	c := fakeClient(t, s, "", func(cfg *Config) { cfg.Retries = 12 })
	ctx := testCtx(t)
	if _, err := c.ensureTokens(ctx); err != nil { // only API answers count below
		t.Fatal(err)
	}
	s.SetOptions(func(o *fakedouyin.Options) { o.MalformedRate = 0.3 })
	s.ResetStats()
	w := s.World()
	calls := 0
	for _, u := range w.Users {
		calls++
		if _, err := c.UserProfile(ctx, u.SecUID); err != nil {
			t.Errorf("profile of %s: %v", u.Name, err)
		}
		for _, p := range u.Posts {
			calls++
			if _, err := c.PostDetail(ctx, p.AwemeID); err != nil {
				t.Errorf("post %s: %v", p.AwemeID, err)
			}
		}
		for _, m := range u.Mixes {
			calls++
			if _, err := c.MixDetail(ctx, m.ID); err != nil {
				t.Errorf("mix %s: %v", m.ID, err)
			}
		}
	}
	for _, r := range w.Rooms {
		calls += 2
		if _, err := c.LiveRoomByWebRID(ctx, r.WebRID); err != nil {
			t.Errorf("room %s: %v", r.WebRID, err)
		}
		if _, err := c.LiveRoomByRoomID(ctx, r.RoomID); err != nil {
			t.Errorf("room id %s: %v", r.RoomID, err)
		}
	}
	st := s.Stats()
	cut := st.Faults["malformed"]
	if cut == 0 {
		t.Fatalf("no answer was cut short: %v", st.Faults)
	}
	if cs := c.Stats(); cs.Retries != cut || len(cs.Errors) != 0 {
		t.Errorf("%d cut answers, client stats %+v", cut, cs)
	}
	t.Logf("%d lookups, %d answers cut short", calls, cut)
}
