package browsercookie

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite", pure Go
)

// firefoxDirs are where Firefox keeps its profiles: its own package, the
// snap and the flatpak.
var firefoxDirs = []string{".mozilla/firefox", "snap/firefox/common/.mozilla/firefox", ".var/app/org.mozilla.firefox/.mozilla/firefox"}

// firefoxProfile is one profile of profiles.ini.
type firefoxProfile struct {
	name, dir string
	isDefault bool
}

// readFirefox reads moz_cookies from a copy of the profile's
// cookies.sqlite (and its -wal): Firefox may be running.
func readFirefox(ctx context.Context, o Options) (*Result, error) {
	dir, name, err := firefoxProfileDir(o)
	if err != nil {
		return nil, err
	}
	store := filepath.Join(dir, "cookies.sqlite")
	if _, err := os.Stat(store); err != nil {
		return nil, fmt.Errorf("firefox profile %s has no readable cookies.sqlite (%v): open Firefox once with that profile, or name another with --profile", name, errors.Unwrap(err))
	}
	cookies, err := queryFirefox(ctx, store, o.Host)
	if err != nil {
		return nil, fmt.Errorf("firefox: cannot read the cookie store %s: %v", store, err)
	}
	return &Result{Browser: "firefox", Profile: name, Store: store, Cookies: cookies}, nil
}

func queryFirefox(ctx context.Context, store, host string) ([]Cookie, error) {
	tmp, copied, err := copyStore(store)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	db, err := sql.Open("sqlite", copied)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	// Container tabs and partitioned (third-party) cookies carry
	// originAttributes; the browser's own session has none.
	rows, err := db.QueryContext(ctx, `SELECT host, name, value, path, expiry FROM moz_cookies
		WHERE originAttributes = '' AND host LIKE ?`, "%"+siteOf(host))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Cookie
	for rows.Next() {
		var c Cookie
		var expiry int64
		if err := rows.Scan(&c.Host, &c.Name, &c.Value, &c.Path, &expiry); err != nil {
			return nil, err
		}
		c.Expires = firefoxExpiry(expiry)
		out = append(out, c)
	}
	return out, rows.Err()
}

// firefoxExpiry: seconds since 1970 in moz_cookies for most versions,
// milliseconds in newer ones; no cookie expires before 1973 or after 5138.
func firefoxExpiry(v int64) time.Time {
	switch {
	case v <= 0:
		return time.Time{}
	case v > 1e11:
		return time.UnixMilli(v)
	}
	return time.Unix(v, 0)
}

// siteOf is the last two labels of host ("www.douyin.com" -> "douyin.com"),
// a cheap first filter in SQL; pick then applies the real rule.
func siteOf(host string) string {
	labels := strings.Split(host, ".")
	if len(labels) <= 2 {
		return host
	}
	return strings.Join(labels[len(labels)-2:], ".")
}

// firefoxProfileDir finds the profile: a directory given as --profile, a
// profile named in profiles.ini, or the default one.
func firefoxProfileDir(o Options) (dir, name string, err error) {
	if looksLikeDir(o.Profile) {
		return o.Profile, o.Profile, nil
	}
	var base string
	for _, d := range firefoxDirs {
		p := filepath.Join(o.Home, d)
		if _, err := os.Stat(filepath.Join(p, "profiles.ini")); err == nil {
			base = p
			break
		}
	}
	if base == "" {
		return "", "", fmt.Errorf("firefox: no profiles.ini in %s: is Firefox installed for this user? Or give the profile's directory with --profile DIR", filepath.Join(o.Home, firefoxDirs[0]))
	}
	profiles, installDefault, err := readProfilesIni(filepath.Join(base, "profiles.ini"))
	if err != nil {
		return "", "", fmt.Errorf("firefox: cannot read %s: %v", filepath.Join(base, "profiles.ini"), err)
	}
	abs := func(p firefoxProfile) string {
		if filepath.IsAbs(p.dir) {
			return p.dir
		}
		return filepath.Join(base, p.dir)
	}
	var names []string
	for _, p := range profiles {
		names = append(names, p.name)
		if o.Profile != "" && (p.name == o.Profile || filepath.Base(p.dir) == o.Profile) {
			return abs(p), p.name, nil
		}
	}
	if o.Profile != "" {
		return "", "", fmt.Errorf("firefox: no profile %q in %s (profiles: %s)", o.Profile, base, strings.Join(names, ", "))
	}
	// The profile this installation starts with, else the one marked
	// default, else the only one.
	for _, p := range profiles {
		if installDefault != "" && p.dir == installDefault {
			return abs(p), p.name, nil
		}
	}
	for _, p := range profiles {
		if p.isDefault {
			return abs(p), p.name, nil
		}
	}
	if len(profiles) == 1 {
		return abs(profiles[0]), profiles[0].name, nil
	}
	return "", "", fmt.Errorf("firefox: no default profile in %s: pick one with --profile (profiles: %s)", base, strings.Join(names, ", "))
}

// readProfilesIni reads the [ProfileN] sections and the default of the
// first [Install...] section.
func readProfilesIni(path string) (profiles []firefoxProfile, installDefault string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	var cur *firefoxProfile
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = line[1 : len(line)-1]
			cur = nil
			if strings.HasPrefix(section, "Profile") {
				profiles = append(profiles, firefoxProfile{})
				cur = &profiles[len(profiles)-1]
			}
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		switch {
		case cur != nil && k == "Name":
			cur.name = v
		case cur != nil && k == "Path":
			cur.dir = v
		case cur != nil && k == "Default" && v == "1":
			cur.isDefault = true
		case strings.HasPrefix(section, "Install") && k == "Default" && installDefault == "":
			installDefault = v
		}
	}
	return profiles, installDefault, sc.Err()
}

// looksLikeDir: a --profile with a slash is a directory, not a name.
func looksLikeDir(p string) bool { return strings.Contains(p, "/") }
