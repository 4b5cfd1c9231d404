package mount_test

import (
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
	dfs "github.com/douyinfs/douyinfs/fs"
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

const (
	refusingLine  = "Douyin is refusing requests: the cookie may have expired or be flagged; refresh it from a browser"
	recoveredLine = "Douyin answers requests again"
)

// logTee keeps the daemon's log lines for counting and passes them to t.Log.
type logTee struct {
	t  *testing.T
	mu sync.Mutex
	b  strings.Builder
}

func (l *logTee) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.b.Write(p)
	l.mu.Unlock()
	l.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

func (l *logTee) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// count is the number of lines that contain s.
func (l *logTee) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.b.String(), s)
}

// apiState is stats.json's risk-control part.
type apiState struct {
	Circuit       string           `json:"circuit"`
	CircuitOpened int64            `json:"circuit_opened"`
	CircuitHeld   int64            `json:"circuit_held"`
	RiskAnswers   map[string]int64 `json:"risk_answers"`
	Cookie        string           `json:"cookie"`
}

func (e *env) apiState(t *testing.T) apiState {
	t.Helper()
	b, err := os.ReadFile(e.path(".douyinfs", "stats.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		API apiState `json:"api"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("stats.json: %v", err)
	}
	return s.API
}

// Past the fake's request rate Douyin answers 429, then 444, then empty
// bodies for a while. Listing a user of several pages without douyinfs's
// own rate limit trips it; the listing still completes, the requests
// spent on the refusals stay few (one probe at a time, no storm), and the
// log says once that Douyin refuses and once that it answers again.
func TestThrottledListingCompletes(t *testing.T) {
	o := defaultOptions()
	o.Users, o.PostsPerUser = 1, 100
	o.ThrottleRate, o.ThrottlePeriod = 3, time.Second
	logs := &logTee{t: t}
	e := start(t, setup{opts: o, net: func(a *fetch.Config, _ *media.Config) {
		// Retries 6: a long refusal costs waits, and the budget of risk
		// answers must outlast one throttle period at this pause.
		a.RiskPause, a.Retries, a.Logger = 300*time.Millisecond, 6, logs.logger()
	}})
	u := e.world.Users[0]
	dir := e.path("users", u.Name, "posts")
	e.run("ls", dir)
	// Walked to the end: the oldest post is listed.
	e.postEntry(dir, u.Posts[len(u.Posts)-1])

	st := e.fake.Stats()
	tripped := st.Faults["throttle-429"]
	if tripped == 0 {
		t.Fatalf("the throttle never tripped (faults %v): the test tested nothing", st.Faults)
	}
	episodes := (tripped + 1) / 2 // each trip answers two 429s (the last may be cut short)
	refused := st.Faults["throttle-429"] + st.Faults["throttle-444"] + st.Faults["throttle-empty"]
	pages := int64(len(u.Posts)/20 + 2)
	// Per episode: two 429s, one 444 and then one probe at a time (the
	// pause doubles: 0.3, 0.6, 1.2 s against a 1 s period), one of them
	// an empty body retried once with fresh tokens.
	if refused > 8*episodes || st.Faults["throttle-empty"] > 3*episodes {
		t.Errorf("%d refused answers (%d empty) in %d throttle episodes: a request storm (faults %v)", refused, st.Faults["throttle-empty"], episodes, st.Faults)
	}
	if n := st.Requests[pathPosts]; n > pages+8*episodes {
		t.Errorf("%d posts requests for about %d pages and %d episodes", n, pages, episodes)
	}
	a := e.apiState(t)
	if a.Circuit != "closed" || a.Cookie != "ok" || a.CircuitOpened < 1 || a.RiskAnswers["http_444"] < 1 {
		t.Errorf("stats.json api after recovery: %+v", a)
	}
	if w, r := logs.count(refusingLine), logs.count(recoveredLine); int64(w) != a.CircuitOpened || int64(r) != a.CircuitOpened {
		t.Errorf("%d refusing and %d recovered lines for %d openings, want one each per opening", w, r, a.CircuitOpened)
	}
}

// Verify pages (an HTML page, or a redirect to a captcha): a listing that
// has content keeps serving it, one that has none fails with EIO, the log
// says so once, stats.json shows it, and everything works again once
// Douyin answers (the knob switched off at run time).
func TestVerifyPagesServeStale(t *testing.T) {
	for _, kind := range []string{fakedouyin.VerifyHTML, fakedouyin.VerifyRedirect} {
		t.Run(kind, func(t *testing.T) {
			o := defaultOptions()
			o.Users, o.PostsPerUser = 2, 30
			logs := &logTee{t: t}
			e := start(t, setup{opts: o,
				// A TTL of 1ns makes every opendir refresh.
				tweak: func(c *dfs.Config) { c.ListingTTL = time.Nanosecond },
				net: func(a *fetch.Config, _ *media.Config) {
					a.RiskPause, a.Logger = 500*time.Millisecond, logs.logger()
				}})
			listed := e.path("users", e.world.Users[0].Name, "posts")
			never := e.path("users", e.world.Users[1].Name, "posts")
			good := e.run("ls", listed)

			e.fake.SetOptions(func(o *fakedouyin.Options) { o.VerifyPage = kind })
			e.fake.ResetStats()
			if again := e.run("ls", listed); again != good {
				t.Errorf("while refused ls shows\n%s\nwant the last good listing\n%s", again, good)
			}
			if e.requests()[pathPosts] != 1 {
				t.Errorf("the refresh sent %d posts requests, want 1 (no waiting, no retry storm)", e.requests()[pathPosts])
			}
			if _, err := os.ReadDir(never); errnoOf(err) != syscall.EIO {
				t.Errorf("a folder never listed, while refused: %v, want EIO", err)
			}
			a := e.apiState(t)
			signal := map[string]string{fakedouyin.VerifyHTML: "verify_page", fakedouyin.VerifyRedirect: "captcha_redirect"}[kind]
			if a.Circuit == "closed" || a.Cookie != "refused" || a.CircuitOpened != 1 || a.RiskAnswers[signal] < 1 {
				t.Errorf("stats.json api while refused: %+v", a)
			}
			if w := logs.count(refusingLine); w != 1 {
				t.Errorf("%d refusing lines, want 1", w)
			}

			e.fake.SetOptions(func(o *fakedouyin.Options) { o.VerifyPage = "" })
			// The folder never listed waits for the circuit's probe, which
			// finds Douyin answering again.
			if out := e.run("ls", never); !strings.Contains(out, e.world.Users[1].Posts[0].AwemeID) {
				t.Errorf("after recovery %s lacks the newest post:\n%s", never, out)
			}
			before := e.requests()[pathPosts]
			if again := e.run("ls", listed); again != good {
				t.Errorf("after recovery ls shows\n%s\nwant\n%s", again, good)
			}
			if e.requests()[pathPosts] == before {
				t.Error("no refresh after recovery")
			}
			if a := e.apiState(t); a.Circuit != "closed" || a.Cookie != "ok" {
				t.Errorf("stats.json api after recovery: %+v", a)
			}
			if w, r := logs.count(refusingLine), logs.count(recoveredLine); w != 1 || r != 1 {
				t.Errorf("%d refusing and %d recovered lines, want 1 each", w, r)
			}
		})
	}
}
