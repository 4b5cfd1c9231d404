package main

import (
	"bufio"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// The CDN flags (issue 13) parse and start a server; a share out of 0..1
// is refused.
func TestCDNFlags(t *testing.T) {
	var out, errOut strings.Builder
	if code := run(context.Background(), []string{"--cdn-gone-rate", "1.5"}, &out, &errOut); code == 0 || out.Len() != 0 {
		t.Errorf("--cdn-gone-rate 1.5: exit %d, stdout %q", code, out.String())
	}
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--users", "1", "--posts", "3", "--exact-data-size", "--query-expiry",
			"--no-referer-check", "--cdn-gone-rate", "0.01", "--gone-mirror", "--ignore-range"}, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "http://127.0.0.1:") {
		t.Fatalf("first line %q, %v", line, err)
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
}
