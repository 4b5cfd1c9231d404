package fetch

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// A new cookie closes an open circuit: the next request goes at once, and
// a refusal after it is a new episode (said again, the base pause).
func TestNewCookieClosesTheCircuit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs logBuf
		b := newCircuit(10*time.Second, logs.logger())
		b.done(false, outcomeRisk, riskHTTP444, "user_posts")
		probe, _ := b.admit(context.Background()) // after the 10 s pause
		b.done(probe, outcomeRisk, riskHTTP444, "user_posts")
		if !b.refusing() || b.pause != 20*time.Second {
			t.Fatalf("after a failed probe: refusing %v, pause %v; want true, 20s", b.refusing(), b.pause)
		}
		start := time.Now()
		b.newCookie()
		if b.refusing() {
			t.Fatal("refusing right after a new cookie")
		}
		probe, err := b.admit(context.Background())
		if probe || err != nil || time.Since(start) != 0 {
			t.Fatalf("after a new cookie: probe %v, %v, after %v; want a plain request at once", probe, err, time.Since(start))
		}
		b.done(probe, outcomeRisk, riskHTTP444, "user_posts")
		if b.pause != 10*time.Second || !b.refusing() {
			t.Errorf("refused with the new cookie: pause %v, refusing %v; want the base 10s, true", b.pause, b.refusing())
		}
		if n := logs.count("WARN", refusingLine); n != 2 {
			t.Errorf("the refusal was said %d times, want 2 (once per cookie)", n)
		}
	})
}

// A session Douyin said had expired is not reported expired once the user
// gives a new cookie; the same cookie set again changes nothing.
func TestNewCookieForgetsExpiredLogin(t *testing.T) {
	var mu sync.Mutex
	requests := 0
	s := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		mu.Lock()
		defer mu.Unlock()
		requests++
		okJSON(w, `{"status_code":8,"status_msg":"用户未登录"}`)
	})
	c := s.client(t, func(cfg *Config) { cfg.Cookie = "sessionid=old; ttwid=preset" })
	if _, err := c.CollectFolders().Next(testCtx(t)); !errors.Is(err, ErrLoginRequired) {
		t.Fatalf("status 8: %v", err)
	}
	if !c.Stats().Risk.LoginExpired {
		t.Fatal("not marked expired")
	}
	if err := c.SetCookie("sessionid=old; ttwid=preset"); err != nil {
		t.Fatal(err)
	}
	if !c.Stats().Risk.LoginExpired {
		t.Error("the same cookie set again forgot the expiry")
	}
	if err := c.SetCookie("sessionid=new; ttwid=preset"); err != nil {
		t.Fatal(err)
	}
	if c.Stats().Risk.LoginExpired {
		t.Error("still marked expired after a new cookie")
	}
}
