package main

import (
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
)

const redacted = "[redacted]"

// newLogger logs to w in the chosen format. Attributes named like a cookie
// are redacted whatever their value, and the cookie (whole, and each of its
// values) is cut out of every other string, so a secret that reaches a log
// line through an error message or a URL is still never written.
func newLogger(w io.Writer, level slog.Level, format, cookie string) *slog.Logger {
	log, _ := newSecretLogger(w, level, format, cookie)
	return log
}

// newSecretLogger is newLogger that can learn more secrets: a cookie
// reloaded from the cookie file is added before anything is logged with it.
func newSecretLogger(w io.Writer, level slog.Level, format, cookie string) (*slog.Logger, *secrets) {
	sec := &secrets{}
	sec.add(cookie)
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: redactFrom(sec.get)}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts)), sec
	}
	return slog.New(slog.NewTextHandler(w, opts)), sec
}

// secrets is the list a logger scrubs; it only grows (an old cookie stays
// a secret after a new one replaced it).
type secrets struct{ list atomic.Pointer[[]string] }

func (s *secrets) get() []string {
	if p := s.list.Load(); p != nil {
		return *p
	}
	return nil
}

func (s *secrets) add(cookie string) {
	more := slices.Concat(s.get(), cookieSecrets(cookie))
	s.list.Store(&more)
}

// cookieSecrets lists what must never be logged: the cookie and each value
// in it long enough to be a token (a session id alone is a login).
func cookieSecrets(cookie string) []string {
	if cookie == "" {
		return nil
	}
	secrets := []string{cookie}
	for _, pair := range strings.Split(cookie, ";") {
		if _, value, ok := strings.Cut(pair, "="); ok && len(strings.TrimSpace(value)) >= 8 {
			secrets = append(secrets, strings.TrimSpace(value))
		}
	}
	return secrets
}

// redactor returns the slog ReplaceAttr function that hides secrets.
func redactor(secrets []string) func(groups []string, a slog.Attr) slog.Attr {
	return redactFrom(func() []string { return secrets })
}

// redactFrom is redactor with the secrets of the moment.
func redactFrom(current func() []string) func(groups []string, a slog.Attr) slog.Attr {
	scrub := func(s string) (string, bool) {
		changed := false
		for _, secret := range current() {
			if secret == "" {
				continue
			}
			if strings.Contains(s, secret) {
				s, changed = strings.ReplaceAll(s, secret, redacted), true
			}
		}
		return s, changed
	}
	return func(_ []string, a slog.Attr) slog.Attr {
		if isSecretKey(a.Key) {
			return slog.String(a.Key, redacted)
		}
		switch a.Value.Kind() {
		case slog.KindString:
			if s, changed := scrub(a.Value.String()); changed {
				return slog.String(a.Key, s)
			}
		case slog.KindAny:
			// Errors, URLs, headers and other values are printed through
			// their String/Error methods; check that text too.
			if len(current()) > 0 {
				if s, changed := scrub(a.Value.String()); changed {
					return slog.String(a.Key, s)
				}
			}
		}
		return a
	}
}

// isSecretKey is true for attribute names that carry a cookie: "cookie",
// "Cookie", "set-cookie", "cookies". "cookie_file" (a path) is not secret.
func isSecretKey(key string) bool {
	switch strings.ToLower(key) {
	case "cookie", "cookies", "set-cookie", "set_cookie":
		return true
	}
	return false
}
