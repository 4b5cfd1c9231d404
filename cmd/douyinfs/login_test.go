package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/fetch"
)

// stubLogin answers LoginPoll with the given statuses in turn.
type stubLogin struct {
	statuses []string
	cookie   string
	polls    int
}

func (s *stubLogin) LoginQRCode(ctx context.Context) (*fetch.QRCode, error) {
	return &fetch.QRCode{Token: "tok", URL: "https://sso.example/qr?token=tok"}, nil
}

func (s *stubLogin) LoginPoll(ctx context.Context, token string) (fetch.LoginState, error) {
	st := s.statuses[min(s.polls, len(s.statuses)-1)]
	s.polls++
	state := fetch.LoginState{Status: st}
	if st == "3" {
		state.Cookie = s.cookie
	}
	return state, nil
}

func TestLoginSavesCookie(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "conf", "douyinfs")
	path := filepath.Join(dir, "cookie")
	api := &stubLogin{statuses: []string{"1", "1", "2", "2", "3"}, cookie: "sessionid=abc; sid_tt=def"}
	var out bytes.Buffer
	err := login(context.Background(), api, &out, loginOptions{cookieFile: path, interval: time.Millisecond, wait: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	text := out.String()
	order := []string{"DevTools", "chmod 600 " + path, "Scan this code", "█", "status: waiting for scan", "status: scanned, confirm on the phone", "status: confirmed", "cookie saved to " + path}
	pos := 0
	for _, w := range order {
		i := strings.Index(text[pos:], w)
		if i < 0 {
			t.Fatalf("output lacks %q after offset %d:\n%s", w, pos, text)
		}
		pos += i + len(w)
	}
	if strings.Count(text, "waiting for scan") != 1 {
		t.Errorf("a status is shown once, when it changes:\n%s", text)
	}
	data, err := os.ReadFile(path)
	if err != nil || string(data) != "sessionid=abc; sid_tt=def\n" {
		t.Errorf("cookie file: %q %v", data, err)
	}
	for p, mode := range map[string]os.FileMode{path: 0o600, dir: 0o700} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != mode {
			t.Errorf("%s: mode %v %v, want %o", p, fi.Mode().Perm(), err, mode)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left-over files: %v", entries)
	}
}

func TestLoginFailures(t *testing.T) {
	cases := []struct {
		statuses []string
		cookie   string
		shown    string
		err      string
	}{
		{[]string{"1", "5"}, "", "status: expired: run again", "expired"},
		{[]string{"4"}, "", "too frequent", "refused"},
		{[]string{"1", "2", ""}, "", "not accepted", "risk control"},
		{[]string{"3"}, "", "confirmed", "sent no cookie"},
	}
	for _, tc := range cases {
		path := filepath.Join(t.TempDir(), "cookie")
		var out bytes.Buffer
		err := login(context.Background(), &stubLogin{statuses: tc.statuses, cookie: tc.cookie}, &out, loginOptions{cookieFile: path, interval: time.Millisecond, wait: time.Minute})
		if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(out.String(), tc.shown) {
			t.Errorf("%v: err %v, output %q", tc.statuses, err, out.String())
		}
		if _, err := os.Stat(path); err == nil {
			t.Errorf("%v: cookie file written", tc.statuses)
		}
	}
	// Waiting forever is bounded by --wait.
	var out bytes.Buffer
	err := login(context.Background(), &stubLogin{statuses: []string{"1"}}, &out, loginOptions{cookieFile: filepath.Join(t.TempDir(), "c"), interval: time.Millisecond, wait: 20 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "no confirmation within") {
		t.Errorf("wait: %v", err)
	}
}

func TestLoginNeedsCookieFile(t *testing.T) {
	var out, errOut bytes.Buffer
	c := &cli{stdout: &out, stderr: &errOut, getenv: noEnv}
	cfg := writeFile(t, "config.toml", "", 0o644)
	if status := c.run([]string{"login", "--config", cfg}); status != 1 || !strings.Contains(errOut.String(), "--cookie-file") {
		t.Errorf("status %d: %q", status, errOut.String())
	}
}
