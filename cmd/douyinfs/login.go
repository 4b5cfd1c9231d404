package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/douyinfs/douyinfs/cmd/douyinfs/browsercookie"
	"github.com/douyinfs/douyinfs/fetch"
)

const loginAbout = `Save a Douyin cookie to the cookie file (account.cookie_file or
--cookie-file), mode 0600 in a 0700 directory.

With --from-browser, read it from a browser of this user where you are
logged in at www.douyin.com (firefox, chrome, chromium, edge or brave;
--profile picks a profile other than the default). It prints the names of
the cookies found, never their values, and whether they look logged in.

Without it, log in with a QR code (scan it with the Douyin app). Douyin
often blocks that flow with risk control; the command then explains how
to paste a cookie from a browser instead.`

// loginAPI is the part of the client the login flow uses.
type loginAPI interface {
	LoginQRCode(ctx context.Context) (*fetch.QRCode, error)
	LoginPoll(ctx context.Context, token string) (fetch.LoginState, error)
}

func newLoginFlags(opts *loginOptions) *cmdFlags {
	f := newCmdFlags("login", "douyinfs login [flags]", loginAbout)
	f.addConfig("cookie-file", "signing", "timeout", "op-timeout", "log-level", "log-format")
	f.set.DurationVar(&opts.interval, "poll-interval", 3*time.Second, "ask for the scan status every `DURATION` (Douyin's web page asks every 5s)")
	f.set.DurationVar(&opts.wait, "wait", 5*time.Minute, "give up after `DURATION`")
	f.set.StringVar(&opts.browser, "from-browser", "", "read the cookie from `BROWSER`: "+strings.Join(browsercookie.Browsers(), ", "))
	f.set.StringVar(&opts.profile, "profile", "", "with --from-browser: the browser profile's `NAME` or directory (default: the browser's default profile)")
	return f
}

func (c *cli) loginCmd(args []string) int {
	var opts loginOptions
	f := newLoginFlags(&opts)
	pos, done, status := c.parse(f, args)
	if done {
		return status
	}
	if len(pos) > 0 {
		return c.usageError(f, "takes no arguments")
	}
	if opts.interval <= 0 || opts.wait <= 0 {
		return c.usageError(f, "--poll-interval and --wait must be positive")
	}
	s, err := f.load(c.getenv)
	if err != nil {
		return c.fail(err)
	}
	if s.CookieFile == "" {
		return c.fail(errors.New("login: no cookie file to save to: set account.cookie_file in the config or pass --cookie-file FILE"))
	}
	if opts.cookieFile, err = filepath.Abs(s.CookieFile); err != nil {
		return c.fail(err)
	}
	if opts.browser != "" {
		return c.browserLogin(s, opts)
	}
	if opts.profile != "" {
		return c.usageError(f, "--profile needs --from-browser")
	}
	// The SSO endpoints are called without a cookie, as the web page does.
	s.setCookie("")
	s.API.Logger = newLogger(c.stderr, s.LogLevel, s.LogFormat, "")
	client, err := fetch.NewClient(s.API)
	if err != nil {
		return c.fail(fmt.Errorf("cannot start the Douyin client: %w", err))
	}
	defer client.Close()
	opts.color = c.stdoutIsTerminal && c.getenv("NO_COLOR") == "" && c.getenv("TERM") != "dumb"

	ctx, stop := contextFor()
	defer stop()
	if err := login(ctx, client, c.stdout, opts); err != nil {
		return c.fail(fmt.Errorf("login failed: %w", err))
	}
	return 0
}

type loginOptions struct {
	cookieFile     string
	browser        string // --from-browser
	profile        string // --profile
	interval, wait time.Duration
	color          bool // draw the QR code black on white with ANSI colours
}

// loginStatusText is what a check_qrconnect status means to the user.
func loginStatusText(status string) (string, bool) {
	switch status {
	case "1":
		return "waiting for scan", true
	case "2":
		return "scanned, confirm on the phone", true
	case "3":
		return "confirmed", true
	case "4":
		return "refused by Douyin (too frequent or bad parameters): run again later", true
	case "5":
		return "expired: run again", true
	}
	return "", false
}

// login runs the QR flow of fetch/docs/douyin-web-api.md §2.20 and saves the cookie.
func login(ctx context.Context, api loginAPI, out io.Writer, o loginOptions) error {
	fmt.Fprintf(out, `Douyin often blocks QR-code login with risk control ("abnormal scan
environment"). If that happens, use a cookie from a browser instead: log in
at https://www.douyin.com in a browser of this user and run
  douyinfs login --from-browser firefox   (or chrome, chromium, edge, brave)
or copy it by hand:
  1. log in at https://www.douyin.com in a desktop browser;
  2. open DevTools (F12), tab Network, reload, and click any request to www.douyin.com;
  3. under Request Headers, copy the whole value of Cookie;
  4. save it on one line in %s and run: chmod 600 %s

`, o.cookieFile, o.cookieFile)
	// Fail on an unusable cookie location before anyone scans anything.
	if err := os.MkdirAll(filepath.Dir(o.cookieFile), 0o700); err != nil {
		return fmt.Errorf("cannot create the cookie file's directory: %w", err)
	}

	qr, err := api.LoginQRCode(ctx)
	if err != nil {
		return fmt.Errorf("cannot get a QR code: %w", err)
	}
	if qr == nil || qr.URL == "" || qr.Token == "" {
		return errors.New("cannot get a QR code: Douyin sent none (risk control?)")
	}
	fmt.Fprintln(out, "Scan this code with the Douyin app, then confirm on the phone:")
	fmt.Fprintln(out)
	if err := renderQR(out, qr.URL, o.color); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n(if the code does not show properly, it encodes %s)\n\n", qr.URL)

	ticker := time.NewTicker(o.interval)
	defer ticker.Stop()
	deadline := time.NewTimer(o.wait)
	defer deadline.Stop()
	last := ""
	for {
		state, err := api.LoginPoll(ctx, qr.Token)
		if err != nil {
			return fmt.Errorf("cannot check the scan status: %w", err)
		}
		text, known := loginStatusText(state.Status)
		if !known {
			fmt.Fprintln(out, "status: not accepted by Douyin")
			return fmt.Errorf("Douyin did not accept the scan (status %q, usually risk control: verify in the app); paste a browser cookie instead, as described above", state.Status)
		}
		if state.Status != last {
			fmt.Fprintf(out, "status: %s\n", text)
			last = state.Status
		}
		switch state.Status {
		case "3":
			if state.Cookie == "" {
				return errors.New("Douyin confirmed the login but sent no cookie; paste a browser cookie instead, as described above")
			}
			if err := checkCookie(state.Cookie); err != nil {
				return fmt.Errorf("Douyin sent an unusable cookie: %w", err)
			}
			if err := saveCookie(o.cookieFile, state.Cookie); err != nil {
				return err
			}
			fmt.Fprintf(out, "cookie saved to %s (mode 0600)\n", o.cookieFile)
			return nil
		case "4":
			return errors.New("Douyin refused the status check (too frequent or bad parameters)")
		case "5":
			return errors.New("the QR code expired before the login was confirmed")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			fmt.Fprintln(out, "status: gave up waiting: run again")
			return fmt.Errorf("no confirmation within %s", o.wait)
		case <-ticker.C:
		}
	}
}

// saveCookie replaces path with the cookie, mode 0600, atomically: a reader
// (a running mount being restarted) never sees half a cookie.
func saveCookie(path, cookie string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot create the cookie file's directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".cookie-*") // created with mode 0600
	if err != nil {
		return fmt.Errorf("cannot save the cookie: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	_, err = io.WriteString(tmp, cookie+"\n")
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("cannot save the cookie: %w", err)
	}
	return nil
}
