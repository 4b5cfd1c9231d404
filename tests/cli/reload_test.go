package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// rootNames lists the mount's top level (a readdir: no lookup of a name
// that is not there, which the kernel could remember).
func rootNames(t *testing.T, mnt string) []string {
	t.Helper()
	entries, err := os.ReadDir(mnt)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// A running mount takes a new cookie from cookie_file without a remount:
// found by the watcher, or on SIGHUP when the watcher is off. Requests
// then carry it: me/ appears and me/collection lists, which the fake
// answers for its login cookie only. A file it cannot use (open to
// others) keeps the cookie in use. No cookie reaches the log.
func TestCookieReload(t *testing.T) {
	for _, c := range []struct {
		name, watch string
		sighup      bool
	}{
		{"watched", "200ms", false},
		{"SIGHUP", "0s", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, config := startFake(t, nil)
			data, err := os.ReadFile(config)
			if err != nil {
				t.Fatal(err)
			}
			withWatch := strings.Replace(string(data), "[account]\n", "[account]\ncookie_watch = \""+c.watch+"\"\n", 1)
			if withWatch == string(data) {
				t.Fatal("the fake's config has no [account] table")
			}
			writeFile(t, filepath.Dir(config), filepath.Base(config), withWatch, 0o644)

			login := srv.World().LoginCookie
			dir := t.TempDir()
			cookieFile := writeFile(t, dir, "cookie", "ttwid=guest-ttwid-0123456789; s_v_web_id=verify_guest\n", 0o600)
			p := startMount(t, "--config", config, "--cookie-file", cookieFile, "--log-level", "debug")
			if slices.Contains(rootNames(t, p.dir), "me") {
				t.Fatal("me/ shown for a guest cookie")
			}

			// Replaced atomically, as douyinfs login and editors do.
			writeFile(t, dir, "cookie.new", login+"\n", 0o600)
			if err := os.Rename(filepath.Join(dir, "cookie.new"), cookieFile); err != nil {
				t.Fatal(err)
			}
			if c.sighup {
				p.signal(t, syscall.SIGHUP)
			}
			p.waitLog(t, "cookie file reloaded", 1)
			if !slices.Contains(rootNames(t, p.dir), "me") {
				t.Errorf("me/ missing after the login cookie was reloaded")
			}
			if _, err := os.ReadDir(filepath.Join(p.dir, "me", "collection")); err != nil {
				t.Errorf("me/collection with the reloaded login cookie: %v", err)
			}

			// Open to others: refused, the login cookie stays in use.
			if err := os.Chmod(cookieFile, 0o644); err != nil {
				t.Fatal(err)
			}
			if c.sighup {
				p.signal(t, syscall.SIGHUP)
			} else {
				// The watcher sees a change of mode as a change.
				if err := os.Chtimes(cookieFile, time.Now(), time.Now().Add(time.Minute)); err != nil {
					t.Fatal(err)
				}
			}
			p.waitLog(t, "cookie file not reloaded", 1)
			if !strings.Contains(p.stderr(t), "open to group or others") {
				t.Errorf("the warning does not say why")
			}
			if _, err := os.ReadDir(filepath.Join(p.dir, "me", "feed")); err != nil {
				t.Errorf("me/feed after a refused reload: %v", err)
			}
			p.signal(t, os.Interrupt)
			p.wait(t, 15*time.Second)
			logs := p.stderr(t)
			assertNoSecret(t, login, logs)
			if t.Failed() {
				t.Logf("douyinfs log:\n%.6000s", logs)
			}
		})
	}
}
