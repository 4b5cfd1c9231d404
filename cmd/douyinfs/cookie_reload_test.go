package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The watcher signals a file replaced by rename, and one rewritten in
// place, each once; nothing while the file stays as it is.
func TestWatchCookieFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cookie")
	if err := os.WriteFile(path, []byte("a=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changed := make(chan struct{})
	go watchCookieFile(ctx, path, identify(path), 10*time.Millisecond, changed)

	expect := func(what string) {
		t.Helper()
		select {
		case <-changed:
		case <-time.After(10 * time.Second):
			t.Fatalf("no change signalled after %s", what)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "new"), []byte("a=2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "new"), path); err != nil {
		t.Fatal(err)
	}
	expect("a rename")
	if err := os.WriteFile(path, []byte("a=3; b=4\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	expect("a rewrite")

	// A change before the watcher's first look still counts: it compares
	// with the file as it was when the cookie was read.
	before := identify(path)
	if err := os.WriteFile(path, []byte("a=5; b=6; c=7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	late := make(chan struct{})
	go watchCookieFile(ctx, path, before, 10*time.Millisecond, late)
	select {
	case <-late:
	case <-time.After(10 * time.Second):
		t.Fatal("a change made before the watcher started was missed")
	}
}

// A reloaded cookie is redacted from the log from then on, and so is the
// old one; a cookie the clients refuse is not taken.
func TestCookieReloaderRedacts(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cookie")
	const first, second = "sessionid=FIRST-secret-0001", "sessionid=SECOND-secret-0002"
	var out bytes.Buffer
	log, sec := newSecretLogger(&out, slog.LevelDebug, "text", first)
	s := defaultSettings()
	s.CookieFile = path
	var applied []string
	r := &cookieReloader{s: *s, current: first, secrets: sec, log: log, loggedIn: func() bool { return true },
		apply: func(c string) error { applied = append(applied, c); return nil }}
	if err := os.WriteFile(path, []byte(second+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r.reload("test")
	r.reload("test again") // unchanged: not applied twice
	log.Info("leak both " + first + " " + second)
	if len(applied) != 1 || applied[0] != second {
		t.Errorf("applied %q, want the second cookie once", applied)
	}
	if o := out.String(); strings.Contains(o, "FIRST-secret") || strings.Contains(o, "SECOND-secret") || !strings.Contains(o, "cookie file reloaded") {
		t.Errorf("log:\n%s", o)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	r.reload("open to others")
	if len(applied) != 1 || !strings.Contains(out.String(), "cookie file not reloaded") {
		t.Errorf("a file open to others was taken (%d applied):\n%s", len(applied), out.String())
	}
}
