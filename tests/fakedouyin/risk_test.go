package fakedouyin

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Past ThrottleRate the fake answers 429 without Retry-After, then 444,
// then empty bodies; off by default.
func TestThrottle(t *testing.T) {
	s := startServer(t, Options{Seed: 43, Users: 1, PostsPerUser: 3})
	c := newClient(t, s)
	profile := "sec_user_id=" + s.World().Users[0].SecUID
	for range 5 { // off by default: as fast as we like
		c.webJSON("/aweme/v1/web/user/profile/other/", profile)
	}
	s.SetOptions(func(o *Options) { o.ThrottleRate, o.ThrottlePeriod = 1, time.Hour })
	// One request a second passes; the next within the second trips it.
	// A slow machine may take a second between two requests, so ask
	// until it trips.
	var r *response
	for range 20 {
		if r = c.web("/aweme/v1/web/user/profile/other/", profile); r.StatusCode != http.StatusOK {
			break
		}
		if len(bytes.TrimSpace(r.body)) == 0 {
			t.Fatal("an empty body before any 429")
		}
	}
	var got []string
	for range 6 {
		status := http.StatusText(r.StatusCode)
		if r.StatusCode == 444 {
			status = "444"
		}
		if r.StatusCode == http.StatusOK && len(r.body) == 0 {
			status = "empty"
		}
		if ra := r.Header.Get("Retry-After"); ra != "" {
			t.Errorf("a throttle answer with Retry-After %q", ra)
		}
		got = append(got, status)
		r = c.web("/aweme/v1/web/user/profile/other/", profile)
	}
	want := []string{"Too Many Requests", "Too Many Requests", "444", "444", "empty", "empty"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("answers %v, want %v", got, want)
	}
	st := s.Stats()
	if st.Faults["throttle-429"] != 2 || st.Faults["throttle-444"] != 2 || st.Faults["throttle-empty"] < 2 {
		t.Errorf("faults %v", st.Faults)
	}
	s.SetOptions(func(o *Options) { o.ThrottleRate = 0 })
	c.webJSON("/aweme/v1/web/user/profile/other/", profile) // off again: JSON
}

// The throttle's clock, step by step: the empty period ends, and a client
// that stays away while refused is forgiven.
func TestThrottleStages(t *testing.T) {
	s := startServer(t, Options{Seed: 43, Users: 1, PostsPerUser: 1})
	o := s.Options()
	o.ThrottleRate, o.ThrottlePeriod = 2, 10*time.Second
	t0 := time.Unix(1_800_000_000, 0)
	at := func(d time.Duration) throttleAnswer { return s.decideThrottle(o, t0.Add(d)) }
	ms := time.Millisecond
	steps := []struct {
		at   time.Duration
		want throttleAnswer
	}{
		{0, throttleNone}, {100 * ms, throttleNone}, // 2 a second pass
		{1100 * ms, throttleNone}, {1200 * ms, throttleNone}, // the window slides
		{1300 * ms, throttle429}, {1400 * ms, throttle429},
		{1500 * ms, throttle444}, {1600 * ms, throttle444},
		{1700 * ms, throttleEmpty}, {5 * time.Second, throttleEmpty}, {11 * time.Second, throttleEmpty},
		{11800 * ms, throttleNone}, // ThrottlePeriod after the first empty body: normal
		{11900 * ms, throttleNone}, {12 * time.Second, throttle429},
		// 10 s without a request while refused: forgiven.
		{22100 * ms, throttleNone},
	}
	for _, st := range steps {
		if got := at(st.at); got != st.want {
			t.Fatalf("at %v: %v, want %v", st.at, got, st.want)
		}
	}
	o.ThrottleRate = 0
	if got := at(22200 * ms); got != throttleNone {
		t.Errorf("off: %v", got)
	}
}

// VerifyPage answers every API request with a captcha page: HTML where
// JSON was asked for, or a redirect to the captcha service.
func TestVerifyPages(t *testing.T) {
	s := startServer(t, Options{Seed: 44, Users: 1, PostsPerUser: 3})
	c := newClient(t, s)
	profile := "sec_user_id=" + s.World().Users[0].SecUID

	s.SetOptions(func(o *Options) { o.VerifyPage = VerifyHTML })
	r := c.web("/aweme/v1/web/user/profile/other/", profile)
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") ||
		!bytes.HasPrefix(r.body, []byte("<!DOCTYPE html>")) {
		t.Errorf("html: %d %q %.40q", r.StatusCode, r.Header.Get("Content-Type"), r.body)
	}

	s.SetOptions(func(o *Options) { o.VerifyPage = VerifyRedirect })
	r = c.web("/aweme/v1/web/aweme/post/", "max_cursor=0&count=20&"+profile)
	loc := r.Header.Get("Location")
	if r.StatusCode != http.StatusFound || !strings.Contains(loc, "/verifycenter/captcha/") {
		t.Fatalf("redirect: %d to %q", r.StatusCode, loc)
	}
	if p := c.get(loc); p.StatusCode != http.StatusOK || !bytes.Contains(p.body, []byte("<html>")) {
		t.Errorf("the captcha page: %d %.40q", p.StatusCode, p.body)
	}
	if st := s.Stats(); st.Faults["verify-html"] != 1 || st.Faults["verify-redirect"] != 1 {
		t.Errorf("faults %v", st.Faults)
	}

	s.SetOptions(func(o *Options) { o.VerifyPage = "" })
	c.webJSON("/aweme/v1/web/user/profile/other/", profile)
}
