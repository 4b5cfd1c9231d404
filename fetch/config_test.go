package fetch

import (
	"net/http"
	"testing"
	"time"
)

// Retries 0 is exactly one request; RetryBackoff 0 retries without
// waiting (no back-off is drawn at all).
func TestRetriesAndBackoffZero(t *testing.T) {
	s := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	})
	const path = "/aweme/v1/web/user/profile/other/"
	for _, tc := range []struct {
		retries int
		backoff time.Duration
	}{{0, DefaultConfig().RetryBackoff}, {2, 0}} {
		c := s.client(t, func(cfg *Config) { cfg.Retries, cfg.RetryBackoff = tc.retries, tc.backoff })
		c.jitter = func(n int64) int64 {
			if tc.backoff == 0 {
				t.Errorf("retry_backoff 0 drew a wait of up to %v", time.Duration(n))
			}
			return 0
		}
		before := len(s.requests(path))
		if _, err := c.UserProfile(testCtx(t), "S"); err == nil {
			t.Fatal("a profile from a host that answers 503")
		}
		if n := len(s.requests(path)) - before; n != tc.retries+1 {
			t.Errorf("retries %d: %d requests, want %d", tc.retries, n, tc.retries+1)
		}
	}
}
