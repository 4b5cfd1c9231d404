package fetch

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// A failed msToken registration is said once as a warning; the token
// refreshes after it (one per empty body) only log at debug level.
func TestMsTokenFailureWarnsOnce(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer down.Close()
	var calls atomic.Int32
	s := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if calls.Add(1)%2 == 1 {
			return // an empty body: the client fetches tokens again
		}
		okJSON(w, `{"status_code":0,"user":{"uid":"1","sec_uid":"S"}}`)
	})
	var logs bytes.Buffer
	c := s.client(t, func(cfg *Config) {
		cfg.Hosts.MsToken = down.URL
		cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	for range 3 {
		if _, err := c.UserProfile(testCtx(t), "S"); err != nil {
			t.Fatal(err)
		}
	}
	var warn, debug int
	for line := range strings.SplitSeq(logs.String(), "\n") {
		if !strings.Contains(line, "could not register an msToken") {
			continue
		}
		switch {
		case strings.Contains(line, "level=WARN"):
			warn++
		case strings.Contains(line, "level=DEBUG"):
			debug++
		}
	}
	if warn != 1 || debug < 2 {
		t.Fatalf("msToken failures logged %d times as warnings and %d as debug; want 1 and at least 2:\n%s", warn, debug, logs.String())
	}
}
