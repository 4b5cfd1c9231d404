package mount_test

import (
	"os"
	"testing"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
)

// A cookie whose session Douyin no longer accepts: me/ is shown (the
// cookie has a session cookie) but its folders answer status 8. The log
// says so once, with what to do, and stats.json's api.cookie says
// "login expired".
func TestExpiredSessionSaidOnce(t *testing.T) {
	logs := &logTee{t: t}
	e := start(t, setup{net: func(a *fetch.Config, m *media.Config) {
		a.Cookie, a.Logger = "sessionid=0123456789abcdef0123456789abcdef", logs.logger()
	}})
	if a := e.apiState(t); a.Cookie != "ok" {
		t.Fatalf("api.cookie before any answer: %q", a.Cookie)
	}
	for range 2 {
		if _, err := os.ReadDir(e.path("me", "collection")); err == nil {
			t.Error("me/collection listed with an expired session")
		}
	}
	if a := e.apiState(t); a.Cookie != "login expired" {
		t.Errorf("api.cookie = %q, want login expired", a.Cookie)
	}
	if n := logs.count("Douyin says the login session has expired"); n != 1 {
		t.Errorf("%d expiry warnings, want 1", n)
	}
}
