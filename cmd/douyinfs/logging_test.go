package main

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func TestLoggerRedactsCookie(t *testing.T) {
	const cookie = "sessionid=S3CRET-4242-abcdef; ttwid=T7W1D-0123456789; n=1"
	for _, format := range []string{"text", "json"} {
		var b bytes.Buffer
		log := newLogger(&b, slog.LevelDebug, format, cookie)
		log.Debug("request", "cookie", "anything at all", "Cookie", "x=y")
		log.Info("sent "+cookie, "err", fmt.Errorf("GET failed with %s: %w", cookie, errors.New("boom")))
		log.With("Set-Cookie", "a=b").Warn("hdr", "headers", http.Header{"Cookie": {cookie}})
		log.WithGroup("req").Info("grouped", "cookie", "z=1", "url", "https://x/?c="+cookie)
		log.Info("kept", "cookie_file", "/etc/douyinfs/cookie")
		log.Debug("one value alone", "sid", "S3CRET-4242-abcdef", "err", errors.New("bad ttwid T7W1D-0123456789"))
		out := b.String()
		for _, leak := range []string{"S3CRET", "T7W1D", "anything at all", "x=y", "a=b", "z=1"} {
			if strings.Contains(out, leak) {
				t.Errorf("%s: %q leaked:\n%s", format, leak, out)
			}
		}
		if strings.Count(out, redacted) < 9 || !strings.Contains(out, "/etc/douyinfs/cookie") || !strings.Contains(out, "boom") {
			t.Errorf("%s: redacted too little or too much:\n%s", format, out)
		}
	}
}

func TestLoggerLevel(t *testing.T) {
	var b bytes.Buffer
	log := newLogger(&b, slog.LevelWarn, "json", "")
	log.Info("hidden")
	log.Warn("shown")
	if out := b.String(); strings.Contains(out, "hidden") || !strings.Contains(out, `"msg":"shown"`) {
		t.Errorf("%s", out)
	}
}
