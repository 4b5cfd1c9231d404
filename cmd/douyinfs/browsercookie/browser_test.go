package browsercookie

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
}

func exec(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// Firefox's moz_cookies as Firefox 128 creates it.
const mozCookiesSchema = `CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL DEFAULT '',
	name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER, creationTime INTEGER,
	isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement INTEGER DEFAULT 0, sameSite INTEGER DEFAULT 0,
	rawSameSite INTEGER DEFAULT 0, schemeMap INTEGER DEFAULT 0, isPartitionedAttributeSet INTEGER DEFAULT 0,
	CONSTRAINT moz_uniqueid UNIQUE (name, host, path, originAttributes))`

type mozRow struct {
	origin, name, value, host string
	expiry                    int64
}

// firefoxHome lays out a home with two Firefox profiles; the install's
// default is the second. Its cookies stay in the -wal file while the
// returned database is open, as while Firefox runs.
func firefoxHome(t *testing.T, rows []mozRow) (home string, running *sql.DB) {
	t.Helper()
	home = t.TempDir()
	base := filepath.Join(home, ".mozilla", "firefox")
	mkdir(t, filepath.Join(base, "abcd1234.default"))
	mkdir(t, filepath.Join(base, "wxyz9876.default-release"))
	ini := "[Profile1]\nName=default\nIsRelative=1\nPath=abcd1234.default\nDefault=1\n\n" +
		"[Profile0]\nName=default-release\nIsRelative=1\nPath=wxyz9876.default-release\n\n" +
		"[General]\nStartWithLastProfile=1\nVersion=2\n\n[Install4F96D1932A9F858E]\nDefault=wxyz9876.default-release\nLocked=1\n"
	if err := os.WriteFile(filepath.Join(base, "profiles.ini"), []byte(ini), 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(base, "wxyz9876.default-release", "cookies.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	exec(t, db, "PRAGMA journal_mode=WAL", "PRAGMA wal_autocheckpoint=0", mozCookiesSchema)
	for _, r := range rows {
		if _, err := db.Exec(`INSERT INTO moz_cookies (originAttributes, name, value, host, path, expiry, lastAccessed, creationTime, isSecure, isHttpOnly)
			VALUES (?, ?, ?, ?, '/', ?, 0, 0, 1, 1)`, r.origin, r.name, r.value, r.host, r.expiry); err != nil {
			t.Fatal(err)
		}
	}
	// The rows must still be in the write-ahead log, as while Firefox
	// runs: a reader that ignored it would miss them.
	if fi, err := os.Stat(filepath.Join(base, "wxyz9876.default-release", "cookies.sqlite-wal")); err != nil || fi.Size() == 0 {
		t.Fatalf("no write-ahead log to read: %v", err)
	}
	return home, db
}

func TestFirefox(t *testing.T) {
	future := now.Add(30 * 24 * time.Hour).Unix()
	home, _ := firefoxHome(t, []mozRow{
		{"", "ttwid", "1%7Cabc", ".douyin.com", future},
		{"", "sessionid", "sess-www", "www.douyin.com", future},
		{"", "sessionid", "sess-site", ".douyin.com", future},
		{"", "s_v_web_id", "verify_x", "douyin.com", 0},                      // a session cookie
		{"", "odin_tt", "old", ".douyin.com", now.Add(-time.Hour).Unix()},    // expired
		{"", "msToken", "ms", ".douyin.com", now.Add(time.Hour).UnixMilli()}, // expiry in ms
		{"", "live_only", "x", "live.douyin.com", future},                    // not sent to www
		{"", "other", "x", ".example.com", future},
		{"^userContextId=2", "container", "x", ".douyin.com", future},
		{"^partitionKey=%28https%2Cexample.com%29", "partitioned", "x", ".douyin.com", future},
	})
	r, err := Read(context.Background(), Options{Browser: "firefox", Home: home, Host: "www.douyin.com", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := Header(r.Cookies), "msToken=ms; s_v_web_id=verify_x; sessionid=sess-www; ttwid=1%7Cabc"; got != want {
		t.Errorf("cookies %q, want %q", got, want)
	}
	if r.Profile != "default-release" || !strings.HasSuffix(r.Store, "wxyz9876.default-release/cookies.sqlite") {
		t.Errorf("read profile %q at %s, want the install's default", r.Profile, r.Store)
	}

	// By name, by folder, and a name that is not there.
	for _, p := range []string{"default", "abcd1234.default"} {
		_, err := Read(context.Background(), Options{Browser: "firefox", Profile: p, Home: home, Host: "www.douyin.com", Now: now})
		if err == nil || !strings.Contains(err.Error(), "has no readable cookies.sqlite") {
			t.Errorf("profile %q (no cookies.sqlite): %v", p, err)
		}
	}
	_, err = Read(context.Background(), Options{Browser: "firefox", Profile: "work", Home: home, Host: "www.douyin.com", Now: now})
	if err == nil || !strings.Contains(err.Error(), `no profile "work"`) || !strings.Contains(err.Error(), "default-release") {
		t.Errorf("unknown profile: %v", err)
	}
	_, err = Read(context.Background(), Options{Browser: "firefox", Home: t.TempDir(), Host: "www.douyin.com", Now: now})
	if err == nil || !strings.Contains(err.Error(), "is Firefox installed") {
		t.Errorf("no Firefox: %v", err)
	}
}

// Chromium's cookies and meta tables as Chrome 130 creates them.
const chromeSchema = `CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
CREATE TABLE cookies(creation_utc INTEGER NOT NULL,host_key TEXT NOT NULL,top_frame_site_key TEXT NOT NULL,name TEXT NOT NULL,
value TEXT NOT NULL,encrypted_value BLOB NOT NULL,path TEXT NOT NULL,expires_utc INTEGER NOT NULL,is_secure INTEGER NOT NULL,
is_httponly INTEGER NOT NULL,last_access_utc INTEGER NOT NULL,has_expires INTEGER NOT NULL,is_persistent INTEGER NOT NULL,
priority INTEGER NOT NULL,samesite INTEGER NOT NULL,source_scheme INTEGER NOT NULL,source_port INTEGER NOT NULL,
last_update_utc INTEGER NOT NULL,source_type INTEGER NOT NULL,has_cross_site_ancestor INTEGER NOT NULL);
CREATE UNIQUE INDEX cookies_unique_index ON cookies(host_key, top_frame_site_key, has_cross_site_ancestor, name, path, source_scheme, source_port)`

// encrypt is Chromium's value encryption on Linux (the reference the
// reader is checked against).
func encrypt(t *testing.T, prefix, password, host, value string, version int) []byte {
	t.Helper()
	plain := []byte(value)
	if version >= 24 {
		sum := sha256.Sum256([]byte(host))
		plain = append(sum[:], plain...)
	}
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	plain = append(plain, bytes.Repeat([]byte{byte(pad)}, pad)...)
	block, err := aes.NewCipher(chromiumKey([]byte(password)))
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, bytes.Repeat([]byte{' '}, aes.BlockSize)).CryptBlocks(out, plain)
	return append([]byte(prefix), out...)
}

type chromeRow struct {
	host, name, plain string
	enc               []byte
	expires           time.Time
}

// chromeHome lays out a Chrome (or other Chromium) profile with a Cookies
// database of the given schema version.
func chromeHome(t *testing.T, browser, profile string, newLayout bool, version int, rows []chromeRow) string {
	t.Helper()
	home := t.TempDir()
	dir := filepath.Join(home, chromiums[browser].dir, profile)
	if newLayout {
		dir = filepath.Join(dir, "Network")
	}
	mkdir(t, dir)
	db, err := sql.Open("sqlite", filepath.Join(dir, "Cookies"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec(t, db, chromeSchema)
	for k, v := range map[string]any{"mmap_status": -1, "version": version, "last_compatible_version": version} {
		if _, err := db.Exec(`INSERT INTO meta VALUES (?, ?)`, k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range rows {
		var exp int64
		if !r.expires.IsZero() {
			exp = (r.expires.Unix() + 11644473600) * 1e6
		}
		if r.enc == nil {
			r.enc = []byte{}
		}
		if _, err := db.Exec(`INSERT INTO cookies VALUES (0, ?, '', ?, ?, ?, '/', ?, 1, 1, 0, 1, 1, 1, 0, 2, 443, 0, 0, 0)`,
			r.host, r.name, r.plain, r.enc, exp); err != nil {
			t.Fatal(err)
		}
	}
	return home
}

// keyring is a Secret Service stand-in with one password per label.
type keyring map[string]string

func (k keyring) Password(_ context.Context, label string) ([]byte, error) {
	if pw, ok := k[label]; ok {
		return []byte(pw), nil
	}
	return nil, errors.New("no item labelled " + label)
}

func TestChromium(t *testing.T) {
	future := now.Add(24 * time.Hour)
	for _, version := range []int{23, 24} {
		rows := func(browser string) []chromeRow {
			return []chromeRow{
				{host: ".douyin.com", name: "ttwid", enc: encrypt(t, "v10", "peanuts", ".douyin.com", "1%7Cv10", version), expires: future},
				{host: ".douyin.com", name: "sessionid", enc: encrypt(t, "v11", "k3yring-pw", ".douyin.com", "sess11", version), expires: future},
				{host: "www.douyin.com", name: "s_v_web_id", enc: encrypt(t, "v11", "k3yring-pw", "www.douyin.com", "verify_y", version)},
				{host: ".douyin.com", name: "plain", plain: "unencrypted"},
				{host: ".douyin.com", name: "expired", enc: encrypt(t, "v10", "peanuts", ".douyin.com", "x", version), expires: now.Add(-time.Hour)},
				{host: "live.douyin.com", name: "live_only", enc: encrypt(t, "v10", "peanuts", "live.douyin.com", "x", version), expires: future},
			}
		}
		for browser, b := range chromiums {
			home := chromeHome(t, browser, "Default", version >= 24, version, rows(browser))
			o := Options{Browser: browser, Home: home, Host: "www.douyin.com", Now: now, Keyring: keyring{b.label: "k3yring-pw"}}
			r, err := Read(context.Background(), o)
			if err != nil {
				t.Fatalf("%s v%d: %v", browser, version, err)
			}
			if got, want := Header(r.Cookies), "plain=unencrypted; s_v_web_id=verify_y; sessionid=sess11; ttwid=1%7Cv10"; got != want || r.Undecryptable != 0 {
				t.Errorf("%s schema %d: %q (%d undecryptable), want %q", browser, version, got, r.Undecryptable, want)
			}

			// Without the keyring's password, v10 and plain values are
			// still read; the v11 ones are counted.
			o.Keyring = keyring{}
			r, err = Read(context.Background(), o)
			if err != nil || Header(r.Cookies) != "plain=unencrypted; ttwid=1%7Cv10" || r.Undecryptable != 2 {
				t.Errorf("%s schema %d without the v11 key: %v %+v", browser, version, err, r)
			}
		}
	}
}

// Only v11 values and no key: one error naming the keyring item and what
// to do.
func TestChromiumNoKey(t *testing.T) {
	home := chromeHome(t, "chrome", "Profile 1", true, 24, []chromeRow{
		{host: ".douyin.com", name: "sessionid", enc: encrypt(t, "v11", "k3yring-pw", ".douyin.com", "sess11", 24)},
	})
	for _, kr := range []Keyring{nil, keyring{"Chrome Safe Storage": "another-pw"}} {
		_, err := Read(context.Background(), Options{Browser: "chrome", Profile: "Profile 1", Home: home, Host: "www.douyin.com", Now: now, Keyring: kr})
		if err == nil || !strings.Contains(err.Error(), `"Chrome Safe Storage" key from the Secret Service`) || !strings.Contains(err.Error(), "unlocked") {
			t.Errorf("keyring %v: %v", kr, err)
		}
	}
	_, err := Read(context.Background(), Options{Browser: "chrome", Home: home, Host: "www.douyin.com", Now: now})
	if err == nil || !strings.Contains(err.Error(), `no profile "Default"`) || !strings.Contains(err.Error(), "Profile 1") {
		t.Errorf("missing default profile: %v", err)
	}
	_, err = Read(context.Background(), Options{Browser: "opera", Home: home, Host: "www.douyin.com", Now: now})
	if err == nil || !strings.Contains(err.Error(), "unknown browser") {
		t.Errorf("unknown browser: %v", err)
	}
}
