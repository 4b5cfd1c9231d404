package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/douyinfs/douyinfs/cmd/douyinfs/browsercookie"
	"github.com/douyinfs/douyinfs/fetch"
)

// douyinHost is the host whose cookies are read: the web API's, where a
// logged-in browser keeps its session (fetch/docs/douyin-web-api.md §5.5).
const douyinHost = "www.douyin.com"

// browserLogin is "douyinfs login --from-browser NAME": it copies the
// douyin.com cookies of a local browser into the cookie file.
func (c *cli) browserLogin(s *settings, o loginOptions) int {
	// Reading files is quick; the bound is for the Secret Service, which
	// may sit behind a slow or stuck session bus.
	ctx, stop := contextFor()
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, s.API.Timeout)
	defer cancel()
	var keyring browsercookie.Keyring
	if bus := c.getenv("DBUS_SESSION_BUS_ADDRESS"); bus != "" {
		keyring = browsercookie.SecretService{Address: bus}
	}
	r, err := browsercookie.Read(ctx, browsercookie.Options{
		Browser: o.browser, Profile: o.profile, Home: c.getenv("HOME"),
		Host: douyinHost, Keyring: keyring, Now: time.Now(),
	})
	if err != nil {
		return c.fail(err)
	}
	where := fmt.Sprintf("%s profile %s (%s)", r.Browser, r.Profile, r.Store)
	if r.Undecryptable > 0 {
		fmt.Fprintf(c.stdout, "%d cookie(s) could not be decrypted and are left out\n", r.Undecryptable)
	}
	if len(r.Cookies) == 0 {
		return c.fail(fmt.Errorf("%s has no cookies for %s: open https://%s in that browser (log in there for me/), then run this again", where, douyinHost, douyinHost))
	}
	cookie := browsercookie.Header(r.Cookies)
	if err := checkCookie(cookie); err != nil {
		return c.fail(fmt.Errorf("the cookies of %s cannot be sent: %w", where, err))
	}
	names := make([]string, len(r.Cookies))
	for i, ck := range r.Cookies {
		names[i] = ck.Name
	}
	// Names only: values are the secret.
	fmt.Fprintf(c.stdout, "found %d cookies for %s in %s:\n  %s\n", len(names), douyinHost, where, strings.Join(names, " "))

	// The client's own notion of "logged in" (a session cookie), without
	// asking Douyin.
	s.setCookie(cookie)
	client, err := fetch.NewClient(s.API)
	if err != nil {
		return c.fail(fmt.Errorf("cannot check the cookie: %w", err))
	}
	client.Close()
	if client.LoggedIn() {
		fmt.Fprintln(c.stdout, "logged in: yes (a session cookie is there; me/ will be shown)")
	} else {
		fmt.Fprintf(c.stdout, "logged in: no, a guest cookie: public profiles and posts work, me/ needs a login (log in at https://%s in %s, then run this again)\n", douyinHost, r.Browser)
	}
	if err := saveCookie(o.cookieFile, cookie); err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(c.stdout, "cookie saved to %s (mode 0600)\n", o.cookieFile)
	fmt.Fprintln(c.stdout, "a running mount takes it within account.cookie_watch, or at once on SIGHUP (kill -HUP <pid>)")
	return 0
}
