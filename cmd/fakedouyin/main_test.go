package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"0": 0, "1048576": 1 << 20, "512MiB": 512 << 20, "2GiB": 2 << 30, "40MB": 40_000_000,
		"1.5KiB": 1536, "10k": 10_000, "3 GB": 3_000_000_000, "7B": 7,
	} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "MiB", "12XB", "-3MB", "1.2.3"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
}

func TestRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--addr", "0.0.0.0:0"},
		{"--addr", "192.0.2.1:80"},
		{"--fault-5xx", "1.5"},
		{"--verify-page", "json"},
		{"--throttle-rate", "-1"},
		{"--big-video", "lots"},
		{"--live-cut-after", "lots"},
		{"--end-room-after", "soon"},
		{"extra"},
	} {
		var out, errOut strings.Builder
		if code := run(context.Background(), args, &out, &errOut); code == 0 {
			t.Errorf("%v: exit 0", args)
		}
		if out.Len() != 0 {
			t.Errorf("%v: printed %q on stdout", args, out.String())
		}
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "fake.toml")
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--config-out", conf, "--login", "--users", "2", "--posts", "5",
			"--big-video", "2MiB", "--api-latency", "1ms", "--conn-bandwidth", "40MB", "--empty-pages", "--dead-mirror",
			"--empty-page-run", "4", "--repeat-cursor-rate", "0.1",
			"--no-pinned", "--no-hidden-posts", "--likes-by-create-time", "--loose-mstoken", "--detail-accepts-xbogus",
			"--no-cookie-check", "--guest-all-pages",
			"--live-cut-every", "-1s", "--live-cut-after", "2MB", "--live-cut-stall", "--end-room-after", "1h",
			"--throttle-rate", "100", "--throttle-period", "2s", "--verify-page", "html", "--verify-page", ""}, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the first line: %v", err)
	}
	base := strings.TrimSpace(line)
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("first line %q is not the loopback base URL", base)
	}
	b, err := os.ReadFile(conf)
	if err != nil {
		t.Fatalf("config not written before the URL was printed: %v", err)
	}
	for _, want := range []string{`www = "` + base + `"`, `short_link = "` + base + `/v"`, "[[users]]", "sessionid=", "live_rooms = ["} {
		if !strings.Contains(string(b), want) {
			t.Errorf("config lacks %q:\n%s", want, b)
		}
	}
	resp, err := http.Get(base + "/files/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.Count(string(body), ".mp4\"") < 2 {
		t.Errorf("/files/: HTTP %d, %d bytes", resp.StatusCode, len(body))
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code %d after cancel", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after the context ended")
	}
	if _, err := http.Get(base + "/files/"); err == nil {
		t.Error("still serving after run returned")
	}
}
