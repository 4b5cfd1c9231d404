package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// Mounting without a login cookie is allowed and said once, in one line;
// with a login cookie nothing is said.
func TestGuestCookieSaidAtMount(t *testing.T) {
	const line = "no login cookie"
	guest := startMount(t, "--config", offlineConfig(t))
	guest.waitLog(t, `msg=serving`, 1)
	if n := strings.Count(guest.stderr(t), line); n != 1 {
		t.Errorf("a guest mount says %q %d times, want once:\n%s", line, n, guest.stderr(t))
	}

	srv, _ := startFake(t, nil)
	config := filepath.Join(t.TempDir(), "login.toml")
	if err := srv.WriteConfig(config, true); err != nil {
		t.Fatal(err)
	}
	user := startMount(t, "--config", config)
	user.waitLog(t, `msg=serving`, 1)
	if strings.Contains(user.stderr(t), line) {
		t.Errorf("a logged-in mount says %q:\n%s", line, user.stderr(t))
	}
}
