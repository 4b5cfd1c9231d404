package cli

import (
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// homeOf is the HOME of a test environment.
func homeOf(env []string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "HOME="); ok {
			return v
		}
	}
	return ""
}

// firefoxWithCookie lays out a Firefox profile under home whose
// cookies.sqlite (moz_cookies as Firefox creates it, in WAL mode, the rows
// still in the -wal file as while Firefox runs) holds cookie's pairs for
// .douyin.com, plus cookies of other hosts that must not be taken.
func firefoxWithCookie(t *testing.T, home, cookie string) {
	t.Helper()
	base := filepath.Join(home, ".mozilla", "firefox")
	profile := filepath.Join(base, "x1y2z3.default-release")
	if err := os.MkdirAll(profile, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, base, "profiles.ini", "[Profile0]\nName=default-release\nIsRelative=1\nPath=x1y2z3.default-release\nDefault=1\n", 0o644)
	db, err := sql.Open("sqlite", filepath.Join(profile, "cookies.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	for _, s := range []string{"PRAGMA journal_mode=WAL", "PRAGMA wal_autocheckpoint=0",
		`CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL DEFAULT '', name TEXT, value TEXT,
		host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER, creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER,
		inBrowserElement INTEGER DEFAULT 0, sameSite INTEGER DEFAULT 0, rawSameSite INTEGER DEFAULT 0, schemeMap INTEGER DEFAULT 0,
		isPartitionedAttributeSet INTEGER DEFAULT 0, CONSTRAINT moz_uniqueid UNIQUE (name, host, path, originAttributes))`} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	insert := func(host, name, value string) {
		if _, err := db.Exec(`INSERT INTO moz_cookies (name, value, host, path, expiry, lastAccessed, creationTime, isSecure, isHttpOnly)
			VALUES (?, ?, ?, '/', ?, 0, 0, 1, 1)`, name, value, host, time.Now().Add(30*24*time.Hour).Unix()); err != nil {
			t.Fatal(err)
		}
	}
	for _, pair := range cookiePairs(cookie) {
		name, value, _ := strings.Cut(pair, "=")
		insert(".douyin.com", name, value)
	}
	insert("live.douyin.com", "live_only_cookie", "not-for-www")
	insert(".example.com", "elsewhere_cookie", "not-douyin")
}

// "douyinfs login --from-browser firefox" takes the douyin.com cookies of
// the Firefox profile (while "Firefox" holds it open), prints their names
// and not their values, says they are logged in, saves them 0600 in a 0700
// directory, and a mount with that file is logged in.
func TestLoginFromBrowser(t *testing.T) {
	srv, config := startFake(t, nil)
	login := srv.World().LoginCookie
	env := testEnv(t)
	home := homeOf(env)
	firefoxWithCookie(t, home, login)
	cookieFile := filepath.Join(home, ".config", "douyinfs", "cookie")

	cmd := exec.Command(douyinfsBin, "login", "--config", config, "--cookie-file", cookieFile, "--from-browser", "firefox")
	cmd.Env = env
	r := runCmd(t, cmd)
	if r.code != 0 {
		t.Fatalf("status %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"in firefox profile default-release", "logged in: yes", "cookie saved to " + cookieFile + " (mode 0600)", "a running mount takes it"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, pair := range cookiePairs(login) {
		name, _, _ := strings.Cut(pair, "=")
		if !strings.Contains(r.stdout, name) {
			t.Errorf("stdout does not name cookie %s", name)
		}
	}
	if strings.Contains(r.stdout, "live_only_cookie") || strings.Contains(r.stdout, "elsewhere_cookie") {
		t.Errorf("cookies of other hosts were taken:\n%s", r.stdout)
	}
	assertNoSecret(t, login, r.stdout, r.stderr)
	data, err := os.ReadFile(cookieFile)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cookiePairs(string(data)), cookiePairs(login); !slices.Equal(got, want) {
		t.Errorf("cookie file holds %q, want the browser's %q", got, want)
	}
	for path, mode := range map[string]os.FileMode{cookieFile: 0o600, filepath.Dir(cookieFile): 0o700} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != mode {
			t.Errorf("%s: %v, want mode %o", path, err, mode)
		}
	}

	p := startMount(t, "--config", config, "--cookie-file", cookieFile)
	if _, err := os.ReadDir(filepath.Join(p.dir, "me", "collection")); err != nil {
		t.Errorf("me/collection with the imported cookie: %v\n%s", err, p.stderr(t))
	}
}

// A browser or profile that is not there, or none named right, is one
// line saying which and what to do; nothing is written.
func TestLoginFromBrowserErrors(t *testing.T) {
	_, config := startFake(t, nil)
	cookieFile := filepath.Join(t.TempDir(), "cookie")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--from-browser", "opera"}, 1, `unknown browser "opera": want firefox, chrome, chromium, edge, brave`},
		{[]string{"--from-browser", "chrome"}, 1, "chrome: no "},
		{[]string{"--from-browser", "firefox"}, 1, "firefox: no profiles.ini in "},
		{[]string{"--from-browser", "firefox", "--profile", "/nonexistent/profile"}, 1, "firefox profile /nonexistent/profile has no readable cookies.sqlite"},
		{[]string{"--profile", "work"}, 2, "--profile needs --from-browser"},
	} {
		r := run(t, append([]string{"login", "--config", config, "--cookie-file", cookieFile}, c.args...)...)
		r.oneLineError(t, c.code, c.want)
	}
	if _, err := os.Stat(cookieFile); err == nil {
		t.Error("a cookie file was written")
	}
}
