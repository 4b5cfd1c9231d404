package main

import (
	"context"
	"log/slog"
	"os"
	"syscall"
	"time"
)

// cookieReloader takes a changed cookie_file into a running mount: on
// SIGHUP, and when the file watcher saw it change.
type cookieReloader struct {
	s        settings // a copy: readCookie writes into it
	current  string
	apply    func(cookie string) error // hands the cookie to the clients
	loggedIn func() bool               // the client's own test, after apply
	secrets  *secrets                  // the logger's, told first
	log      *slog.Logger
}

// reload re-reads the cookie file. A file that cannot be used now (gone,
// open to others, not a cookie) keeps the cookie in use, and says why.
func (r *cookieReloader) reload(trigger string) {
	s := r.s
	if err := s.readCookie(); err != nil {
		r.log.Warn("cookie file not reloaded; keeping the cookie in use", "trigger", trigger, "err", err)
		return
	}
	cookie := s.API.Cookie
	if cookie == r.current {
		r.log.Debug("cookie file unchanged", "trigger", trigger)
		return
	}
	// Known to the logger before any code path can log it.
	r.secrets.add(cookie)
	if err := r.apply(cookie); err != nil {
		r.log.Warn("cookie file not reloaded; keeping the cookie in use", "trigger", trigger, "err", err)
		return
	}
	r.current = cookie
	r.log.Info("cookie file reloaded: later requests carry the new cookie", "trigger", trigger, "cookie_file", s.CookieFile, "logged_in", r.loggedIn())
}

// fileIdentity is what changes when a file is replaced or rewritten.
type fileIdentity struct {
	size, mtime int64
	ino         uint64
	mode        os.FileMode
	ok          bool
}

func identify(path string) fileIdentity {
	fi, err := os.Stat(path)
	if err != nil {
		return fileIdentity{}
	}
	id := fileIdentity{size: fi.Size(), mtime: fi.ModTime().UnixNano(), mode: fi.Mode(), ok: true}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		id.ino = st.Ino
	}
	return id
}

// watchCookieFile stats path every interval and signals changed once the
// file differs from what was last taken (first: taken, as it was when the
// cookie was read) and has then held still for one interval (an editor writing in place is done by then). A stat poll, not
// inotify: one stat every few seconds costs nothing, needs no
// dependency, and follows the file through the atomic rename that
// "douyinfs login" and editors use, where a watch on the old inode goes
// stale. It stops when ctx ends.
func watchCookieFile(ctx context.Context, path string, taken fileIdentity, every time.Duration, changed chan<- struct{}) {
	pending := taken
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := identify(path)
		switch {
		case now == taken:
			pending = now
		case now != pending:
			pending = now // changed: wait until it holds still
		default:
			taken = now
			select {
			case changed <- struct{}{}:
			case <-ctx.Done():
				return
			}
		}
	}
}
