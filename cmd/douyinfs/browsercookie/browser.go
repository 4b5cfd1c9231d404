// Package browsercookie reads a site's cookies out of a local browser's
// cookie store: Firefox's cookies.sqlite and the Chromium family's Cookies
// database (Chrome, Chromium, Edge, Brave on Linux), decrypting Chromium's
// v10 values with the fixed key and v11 values with the key the browser
// keeps in the Secret Service.
//
// It lives under cmd/douyinfs because only "douyinfs login --from-browser"
// uses it: it reads files of this machine, not Douyin's API, and keeps
// SQLite and D-Bus out of the packages the daemon is built from.
package browsercookie

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// Cookie is one cookie of a browser's store.
type Cookie struct {
	Host, Name, Value, Path string
	Expires                 time.Time // zero: a session cookie
}

// Options say whose cookies to read.
type Options struct {
	Browser string // firefox, chrome, chromium, edge, brave
	// Profile is a profile's name ("Default", "Profile 1", a Firefox
	// profile's name) or its directory; "" is the browser's default.
	Profile string
	Home    string // the user's home directory
	// Host is the host the cookies are for ("www.douyin.com"): a cookie
	// is read when the browser would send it there.
	Host string
	// Keyring gives the password of Chromium's v11 key; nil means none
	// (v11 values then cannot be read).
	Keyring Keyring
	Now     time.Time // expired cookies are left out
}

// Result is what one store held for the host.
type Result struct {
	Browser, Profile string // the profile as found (its name or directory)
	Store            string // the database file read
	Cookies          []Cookie
	// Undecryptable counts cookies whose value could not be decrypted.
	Undecryptable int
}

// Keyring gives the password a Chromium browser stored under label.
type Keyring interface {
	Password(ctx context.Context, label string) ([]byte, error)
}

// Browsers are the names Options.Browser takes.
func Browsers() []string { return []string{"firefox", "chrome", "chromium", "edge", "brave"} }

// chromium is where a Chromium browser keeps its profiles on Linux and the
// label of its key in the Secret Service.
type chromium struct {
	dir, label string
}

var chromiums = map[string]chromium{
	"chrome":   {".config/google-chrome", "Chrome Safe Storage"},
	"chromium": {".config/chromium", "Chromium Safe Storage"},
	"edge":     {".config/microsoft-edge", "Microsoft Edge Safe Storage"},
	"brave":    {".config/BraveSoftware/Brave-Browser", "Brave Safe Storage"},
}

// Read reads the cookies o.Host would get from the browser's store. Each
// error is one line that names the browser, the profile or the key and
// says what to do.
func Read(ctx context.Context, o Options) (*Result, error) {
	if o.Home == "" {
		return nil, errors.New("no home directory to find the browser's profiles in (set HOME)")
	}
	var r *Result
	var err error
	switch c, ok := chromiums[o.Browser]; {
	case o.Browser == "firefox":
		r, err = readFirefox(ctx, o)
	case ok:
		r, err = readChromium(ctx, o, c)
	default:
		return nil, fmt.Errorf("unknown browser %q: want %s", o.Browser, strings.Join(Browsers(), ", "))
	}
	if err != nil {
		return nil, err
	}
	r.Cookies = pick(r.Cookies, o.Host, o.Now)
	return r, nil
}

// pick keeps the cookies a browser would send to host, not expired, one
// per name: the one of the most specific host, then the longest path.
func pick(all []Cookie, host string, now time.Time) []Cookie {
	var out []Cookie
	for _, c := range all {
		if !domainMatch(host, c.Host) || (!c.Expires.IsZero() && c.Expires.Before(now)) {
			continue
		}
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if la, lb := len(strings.TrimPrefix(a.Host, ".")), len(strings.TrimPrefix(b.Host, ".")); la != lb {
			return la > lb
		}
		return len(a.Path) > len(b.Path)
	})
	return slices.CompactFunc(out, func(a, b Cookie) bool { return a.Name == b.Name })
}

// domainMatch: a cookie stored for ".douyin.com" or "douyin.com" goes to
// www.douyin.com; one for "live.douyin.com" does not.
func domainMatch(host, cookieHost string) bool {
	d := strings.ToLower(strings.TrimPrefix(cookieHost, "."))
	host = strings.ToLower(host)
	return d != "" && (host == d || strings.HasSuffix(host, "."+d))
}

// Header joins cookies as a Cookie header value: "a=1; b=2".
func Header(cookies []Cookie) string {
	parts := make([]string, len(cookies))
	for i, c := range cookies {
		parts[i] = c.Name + "=" + c.Value
	}
	return strings.Join(parts, "; ")
}

// copyStore copies a SQLite database and its write-ahead log (when there
// is one) into a private temporary directory: the browser may be running,
// holding locks and keeping recent writes in the -wal file, and a copy
// read there sees what the browser sees without touching its files.
func copyStore(path string) (dir, copied string, err error) {
	dir, err = os.MkdirTemp("", "douyinfs-cookies-")
	if err != nil {
		return "", "", err
	}
	copied = filepath.Join(dir, filepath.Base(path))
	for _, suffix := range []string{"", "-wal"} {
		err := copyFile(path+suffix, copied+suffix)
		if suffix != "" && errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			os.RemoveAll(dir)
			return "", "", err
		}
	}
	return dir, copied, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}
