package fetch

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// logBuf is a slog sink safe for concurrent writers.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) { l.mu.Lock(); defer l.mu.Unlock(); return l.b.Write(p) }

// count counts the lines at level that contain s.
func (l *logBuf) count(level, s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for line := range strings.SplitSeq(l.b.String(), "\n") {
		if strings.Contains(line, "level="+level) && strings.Contains(line, s) {
			n++
		}
	}
	return n
}

func (l *logBuf) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

const (
	refusingLine  = "Douyin is refusing requests: the cookie may have expired or be flagged; refresh it from a browser"
	recoveredLine = "Douyin answers requests again"
)

// The circuit on its own, on synctest's clock: it opens on a risk answer,
// holds every request for the pause, lets exactly one probe through,
// doubles the pause while probes fail (up to 16 times), closes on a good
// probe, and says so once each way.
func TestCircuit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs logBuf
		b := newCircuit(10*time.Second, logs.logger())
		ctx := context.Background()
		if probe, err := b.admit(ctx); probe || err != nil {
			t.Fatalf("closed: probe %v, %v", probe, err)
		}
		if b.refusing() {
			t.Fatal("closed, refusing")
		}
		b.done(false, outcomeRisk, riskHTTP444, "user_posts")
		start := time.Now()
		if !b.refusing() {
			t.Fatal("open, in the pause, not refusing")
		}

		// A deadline shorter than the pause: refused at once, not sent.
		short, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := b.admit(short)
		cancel()
		var re *RiskError
		if !errors.As(err, &re) || !re.Open || re.Next != 10*time.Second || !errors.Is(err, ErrRefused) || !errors.Is(err, ErrRateLimited) {
			t.Fatalf("open, short deadline: %v", err)
		}
		if time.Since(start) != 0 {
			t.Errorf("the refusal waited %v", time.Since(start))
		}
		// A request with something to fall back on does not wait at all.
		if _, err := b.admit(NoRiskWait(ctx)); !errors.As(err, &re) || !re.Open || time.Since(start) != 0 {
			t.Fatalf("open, NoRiskWait: %v after %v", err, time.Since(start))
		}

		// Three waiters: one becomes the probe after the pause; the
		// others wait for its outcome.
		type got struct {
			probe bool
			err   error
			at    time.Duration
		}
		results := make(chan got, 3)
		for range 3 {
			go func() {
				p, err := b.admit(ctx)
				results <- got{p, err, time.Since(start)}
			}()
		}
		synctest.Wait()
		if len(results) != 0 {
			t.Fatal("a request went out while the circuit was open")
		}
		first := <-results
		if !first.probe || first.err != nil || first.at != 10*time.Second {
			t.Fatalf("first after the pause: %+v", first)
		}
		synctest.Wait()
		if len(results) != 0 || b.snapshot().Circuit != CircuitHalfOpen {
			t.Fatalf("a second request went out beside the probe (%d), state %s", len(results), b.snapshot().Circuit)
		}
		if _, err := b.admit(NoRiskWait(ctx)); !errors.As(err, &re) || time.Since(start) != 10*time.Second {
			t.Fatalf("half-open, NoRiskWait: %v after %v", err, time.Since(start))
		}
		if !b.refusing() {
			t.Fatal("half-open with the probe out, not refusing")
		}

		// The probe is refused: open again for twice the pause.
		b.done(true, outcomeRisk, riskEmpty, "user_posts")
		second := <-results
		if !second.probe || second.at != 30*time.Second {
			t.Fatalf("second probe: %+v, want at 30s (10s + 2×10s)", second)
		}
		// A probe that says nothing (a reset) hands over to the next.
		b.done(true, outcomeNeutral, "", "user_posts")
		third := <-results
		if !third.probe || third.at != 30*time.Second {
			t.Fatalf("after a neutral probe: %+v", third)
		}
		b.done(true, outcomeGood, "", "user_posts")
		if b.refusing() {
			t.Fatal("closed again, refusing")
		}
		if st := b.snapshot(); st.Circuit != CircuitClosed || st.Opened != 1 || st.Held != 3 ||
			st.Answers[riskHTTP444] != 1 || st.Answers[riskEmpty] != 1 {
			t.Errorf("stats %+v", st)
		}
		if w, r := logs.count("WARN", refusingLine), logs.count("WARN", recoveredLine); w != 1 || r != 1 {
			t.Errorf("%d refusing and %d recovered warnings, want 1 each:\n%s", w, r, logs.b.String())
		}

		// Probes that keep failing: the pause doubles up to 16×.
		b.done(false, outcomeRisk, riskVerify, "x")
		time.Sleep(10 * time.Second) // synctest's clock: the pause is over
		if b.refusing() {
			t.Fatal("open, the pause over: refusing, so no refresh would ever probe")
		}
		var pauses []time.Duration
		for range 7 {
			before := time.Now()
			if p, err := b.admit(ctx); !p || err != nil {
				t.Fatalf("probe %v, %v", p, err)
			}
			pauses = append(pauses, time.Since(before))
			b.done(true, outcomeRisk, riskVerify, "x")
		}
		want := []time.Duration{0, 20, 40, 80, 160, 160, 160} // the first pause was slept above
		for i := range want {
			if pauses[i] != want[i]*time.Second {
				t.Fatalf("pauses %v, want %v seconds", pauses, want)
			}
		}
		if w := logs.count("WARN", refusingLine); w != 2 {
			t.Errorf("%d refusing warnings after two episodes, want 2", w)
		}
	})
}

// A 429's pause holds every request, not only the one that got it.
func TestCircuitRatePause(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := newCircuit(time.Minute, slog.New(slog.DiscardHandler))
		b.rateLimited(3 * time.Second)
		start := time.Now()
		short, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if _, err := b.admit(short); !errors.Is(err, ErrRateLimited) || time.Since(start) != 0 {
			t.Fatalf("short deadline: %v after %v", err, time.Since(start))
		}
		if p, err := b.admit(context.Background()); p || err != nil || time.Since(start) != 3*time.Second {
			t.Fatalf("admitted after %v (probe %v, %v), want 3s", time.Since(start), p, err)
		}
		if st := b.snapshot(); st.Circuit != CircuitClosed || st.RatePauses != 1 {
			t.Errorf("stats %+v", st)
		}
	})
}

// Through the client: each risk answer is recognised, stops the request
// after one attempt (no storm of retries), and holds the next requests
// without sending them; 429 is not risk.
func TestRiskAnswers(t *testing.T) {
	profileOK := func(w http.ResponseWriter) { okJSON(w, `{"status_code":0,"user":{"uid":"1","sec_uid":"S"}}`) }
	for _, tc := range []struct {
		name     string
		answer   func(w http.ResponseWriter)
		signal   string
		requests int // profile requests of the first call
		is       error
	}{
		{"444", func(w http.ResponseWriter) { w.WriteHeader(444) }, riskHTTP444, 1, ErrRateLimited},
		{"html verify page", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("\n<!DOCTYPE html><html><title>验证码中间页</title></html>"))
		}, riskVerify, 1, ErrRefused},
		{"captcha redirect", func(w http.ResponseWriter) {
			w.Header().Set("Location", "https://rmc.bytedance.com/verifycenter/captcha/v2?from=iframe")
			w.WriteHeader(http.StatusFound)
		}, riskCaptcha, 1, ErrRefused},
		// Empty bodies: one retry with fresh tokens, then it is risk.
		{"empty bodies", func(w http.ResponseWriter) {}, riskEmpty, 2, ErrRejected},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			answer := tc.answer
			s := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
				mu.Lock()
				a := answer
				mu.Unlock()
				a(w)
			})
			var logs logBuf
			c := s.client(t, func(cfg *Config) { cfg.RiskPause, cfg.Retries, cfg.Logger = time.Hour, 4, logs.logger() })
			ctx := testCtx(t)
			n := func() int { return len(s.requests("/aweme/v1/web/user/profile/other/")) }
			_, err := c.UserProfile(ctx, "S")
			if !errors.Is(err, ErrRefused) || !errors.Is(err, tc.is) {
				t.Fatalf("err %v, want ErrRefused and %v", err, tc.is)
			}
			if got := n(); got != tc.requests {
				t.Errorf("%d requests, want %d (Retries = 4 must not apply)", got, tc.requests)
			}
			// The circuit is open for an hour: the next calls are not sent.
			for range 3 {
				if _, err := c.UserPosts("S").Next(ctx); !errors.Is(err, ErrRefused) {
					t.Errorf("while open: %v", err)
				}
			}
			if got := len(s.requests("/aweme/v1/web/aweme/post/")); got != 0 {
				t.Errorf("%d posts requests sent while the circuit was open", got)
			}
			st := c.Stats().Risk
			if st.Circuit != CircuitOpen || st.Opened != 1 || st.Answers[tc.signal] != 1 || st.Held != 4 {
				t.Errorf("stats %+v (held: the first call's retry and three calls)", st)
			}
			if w := logs.count("WARN", refusingLine); w != 1 {
				t.Errorf("%d refusing warnings, want 1", w)
			}
			if tc.name == "empty bodies" {
				return
			}
			// Another client, a short pause: the probe finds Douyin well
			// again, the call succeeds, and the recovery is said once.
			mu.Lock()
			first := true
			answer = func(w http.ResponseWriter) {
				if first {
					first = false
					tc.answer(w)
					return
				}
				profileOK(w)
			}
			mu.Unlock()
			var logs2 logBuf
			c2 := s.client(t, func(cfg *Config) { cfg.RiskPause, cfg.Logger = 10*time.Millisecond, logs2.logger() })
			before := n()
			if u, err := c2.UserProfile(ctx, "S"); err != nil || u.UID != "1" {
				t.Fatalf("after the pause: %+v, %v", u, err)
			}
			if got := n() - before; got != 2 {
				t.Errorf("%d requests, want 2 (the refused one and the probe)", got)
			}
			if st := c2.Stats().Risk; st.Circuit != CircuitClosed || st.Opened != 1 {
				t.Errorf("stats %+v", st)
			}
			if w, r := logs2.count("WARN", refusingLine), logs2.count("WARN", recoveredLine); w != 1 || r != 1 {
				t.Errorf("%d refusing and %d recovered warnings, want 1 each", w, r)
			}
		})
	}
}

// Answers that look like risk control but are not: a redirect elsewhere,
// 429, JSON after whitespace.
func TestRiskLookalikes(t *testing.T) {
	var mu sync.Mutex
	answer := func(w http.ResponseWriter) {}
	s := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		mu.Lock()
		a := answer
		mu.Unlock()
		a(w)
	})
	set := func(f func(w http.ResponseWriter)) { mu.Lock(); answer = f; mu.Unlock() }
	c := s.client(t, func(cfg *Config) { cfg.RiskPause, cfg.Retries = time.Hour, 1 })
	ctx := testCtx(t)

	set(func(w http.ResponseWriter) {
		w.Header().Set("Location", "https://www.douyin.com/user/S")
		w.WriteHeader(http.StatusFound)
	})
	if _, err := c.UserProfile(ctx, "S"); errors.Is(err, ErrRefused) {
		t.Errorf("a redirect to a profile page: %v", err)
	}
	set(func(w http.ResponseWriter) { w.Header().Set("Retry-After", "0"); w.WriteHeader(429) })
	if _, err := c.UserProfile(ctx, "S"); !errors.Is(err, ErrRateLimited) || errors.Is(err, ErrRefused) {
		t.Errorf("429: %v", err)
	}
	set(func(w http.ResponseWriter) {
		w.Write([]byte("\n  {\"status_code\":0,\"user\":{\"uid\":\"1\",\"sec_uid\":\"S\"}}"))
	})
	if _, err := c.UserProfile(ctx, "S"); err != nil {
		t.Errorf("JSON after whitespace: %v", err)
	}
	if st := c.Stats().Risk; st.Circuit != CircuitClosed || st.Opened != 0 || len(st.Answers) != 0 {
		t.Errorf("stats %+v", st)
	}
}

// A 429 holds every API request: a call that starts while its Retry-After
// runs and cannot wait that long fails at once, without sending.
func TestRetryAfterIsGlobal(t *testing.T) {
	var mu sync.Mutex
	first := true
	s := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		mu.Lock()
		defer mu.Unlock()
		if first {
			first = false
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(429)
			return
		}
		okJSON(w, `{"status_code":0,"user":{"uid":"1","sec_uid":"S"}}`)
	})
	c := s.client(t, func(cfg *Config) { cfg.Retries = 1 })
	short, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// The first call gets the 429 and gives up: 30 s is past its deadline.
	if _, err := c.UserProfile(short, "S"); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("first call: %v", err)
	}
	// Another call, another endpoint: held by the same pause, not sent.
	if _, err := c.UserPosts("S").Next(short); !errors.Is(err, ErrRateLimited) {
		t.Errorf("second call: %v", err)
	}
	if n := len(s.requests("/aweme/v1/web/aweme/post/")); n != 0 {
		t.Errorf("%d posts requests sent during Retry-After", n)
	}
	if st := c.Stats().Risk; st.RatePauses != 1 || st.Circuit != CircuitClosed {
		t.Errorf("stats %+v", st)
	}
}

// Cookie health: a logged-in cookie that a me/ endpoint answers with
// status 8 is said once and shown in Stats until a login endpoint answers
// again.
func TestLoginExpired(t *testing.T) {
	var mu sync.Mutex
	code := 8
	s := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		mu.Lock()
		defer mu.Unlock()
		if code == 8 {
			okJSON(w, `{"status_code":8,"status_msg":"用户未登录"}`)
			return
		}
		okJSON(w, `{"status_code":0,"collects_list":[],"has_more":false,"cursor":0}`)
	})
	var logs logBuf
	c := s.client(t, func(cfg *Config) { cfg.Cookie = "sessionid=abc; ttwid=preset"; cfg.Logger = logs.logger() })
	ctx := testCtx(t)
	for range 2 {
		if _, err := c.CollectFolders().Next(ctx); !errors.Is(err, ErrLoginRequired) {
			t.Fatalf("status 8: %v", err)
		}
	}
	if !c.Stats().Risk.LoginExpired {
		t.Error("not marked expired")
	}
	mu.Lock()
	code = 0
	mu.Unlock()
	c.CollectFolders().Next(ctx)
	if c.Stats().Risk.LoginExpired {
		t.Error("still marked expired after a good answer")
	}
	if w := logs.count("WARN", "login session has expired"); w != 1 {
		t.Errorf("%d expiry warnings, want 1", w)
	}
}
