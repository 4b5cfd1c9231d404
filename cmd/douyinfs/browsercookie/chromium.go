package browsercookie

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// readChromium reads a Chromium browser's Cookies database (a copy, with
// its -wal) and decrypts the values.
func readChromium(ctx context.Context, o Options, b chromium) (*Result, error) {
	dir, name, err := chromiumProfileDir(o, b)
	if err != nil {
		return nil, err
	}
	var store string
	for _, p := range []string{filepath.Join(dir, "Network", "Cookies"), filepath.Join(dir, "Cookies")} {
		if _, err := os.Stat(p); err == nil {
			store = p
			break
		}
	}
	if store == "" {
		return nil, fmt.Errorf("%s profile %q has no Cookies database in %s: open the browser once with that profile, or name another with --profile", o.Browser, name, dir)
	}
	rows, version, err := queryChromium(ctx, store, o.Host)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read the cookie store %s: %v", o.Browser, store, err)
	}
	d := &decrypter{version: version, label: b.label, keyring: o.Keyring}
	r := &Result{Browser: o.Browser, Profile: name, Store: store}
	var keyErr error
	for _, row := range rows {
		c := row.Cookie
		if len(row.encrypted) > 0 {
			v, err := d.decrypt(ctx, row.encrypted, c.Host)
			if err != nil {
				if errors.Is(err, errNoKey) && keyErr == nil {
					keyErr = err
				}
				r.Undecryptable++
				continue
			}
			c.Value = v
		}
		r.Cookies = append(r.Cookies, c)
	}
	// Nothing readable because the v11 key is missing: that is the error.
	if len(r.Cookies) == 0 && keyErr != nil {
		return nil, fmt.Errorf("%s: %w", o.Browser, keyErr)
	}
	return r, nil
}

type chromiumRow struct {
	Cookie
	encrypted []byte
}

func queryChromium(ctx context.Context, store, host string) ([]chromiumRow, int, error) {
	tmp, copied, err := copyStore(store)
	if err != nil {
		return nil, 0, err
	}
	defer os.RemoveAll(tmp)
	db, err := sql.Open("sqlite", copied)
	if err != nil {
		return nil, 0, err
	}
	defer db.Close()
	// The database's version says how values are laid out: from 24 on,
	// a decrypted value starts with the SHA-256 of its host_key.
	var versionText string
	if err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'version'`).Scan(&versionText); err != nil {
		return nil, 0, fmt.Errorf("no schema version in its meta table: %w", err)
	}
	version, err := strconv.Atoi(versionText)
	if err != nil {
		return nil, 0, fmt.Errorf("schema version %q is not a number", versionText)
	}
	rows, err := db.QueryContext(ctx, `SELECT host_key, name, value, encrypted_value, path, expires_utc FROM cookies WHERE host_key LIKE ?`, "%"+siteOf(host))
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []chromiumRow
	for rows.Next() {
		var r chromiumRow
		var expires int64
		if err := rows.Scan(&r.Host, &r.Name, &r.Value, &r.encrypted, &r.Path, &expires); err != nil {
			return nil, 0, err
		}
		r.Expires = chromeTime(expires)
		out = append(out, r)
	}
	return out, version, rows.Err()
}

// chromeTime: microseconds since 1601-01-01 UTC; 0 for a session cookie.
func chromeTime(us int64) time.Time {
	if us <= 0 {
		return time.Time{}
	}
	const epochDelta = 11644473600 // seconds from 1601 to 1970
	return time.Unix(us/1e6-epochDelta, (us%1e6)*1e3)
}

// chromiumProfileDir finds the profile: a directory given as --profile,
// a profile folder's name ("Default", "Profile 1"), or "Default".
func chromiumProfileDir(o Options, b chromium) (dir, name string, err error) {
	if looksLikeDir(o.Profile) {
		return o.Profile, o.Profile, nil
	}
	base := filepath.Join(o.Home, b.dir)
	if _, err := os.Stat(base); err != nil {
		return "", "", fmt.Errorf("%s: no %s: is it installed for this user? Or give the profile's directory with --profile DIR", o.Browser, base)
	}
	name = o.Profile
	if name == "" {
		name = "Default"
	}
	dir = filepath.Join(base, name)
	if _, err := os.Stat(dir); err != nil {
		var names []string
		entries, _ := os.ReadDir(base)
		for _, e := range entries {
			if e.IsDir() && (e.Name() == "Default" || strings.HasPrefix(e.Name(), "Profile ")) {
				names = append(names, e.Name())
			}
		}
		return "", "", fmt.Errorf("%s: no profile %q in %s (profiles: %s): name one with --profile", o.Browser, name, base, strings.Join(names, ", "))
	}
	return dir, name, nil
}

// errNoKey: a v11 value and no key from the Secret Service.
var errNoKey = errors.New("no key to decrypt v11 values")

// decrypter holds the keys, derived once; the keyring is asked only when
// a v11 value is met.
type decrypter struct {
	version int
	label   string
	keyring Keyring

	asked     bool
	v11       []byte
	keyringEr error
}

// chromiumKey derives an AES-128 key from a password as Chromium does on
// Linux: PBKDF2-HMAC-SHA1, salt "saltysalt", one iteration.
func chromiumKey(password []byte) []byte {
	k, err := pbkdf2.Key(sha1.New, string(password), []byte("saltysalt"), 1, 16)
	if err != nil {
		panic(err) // only for lengths and iterations out of range
	}
	return k
}

var (
	peanutsKey = chromiumKey([]byte("peanuts")) // v10: the fixed password
	emptyKey   = chromiumKey(nil)               // what some builds use when the keyring gave nothing
)

func (d *decrypter) decrypt(ctx context.Context, enc []byte, host string) (string, error) {
	if len(enc) < 3 {
		return "", errors.New("value too short")
	}
	var keys [][]byte
	switch string(enc[:3]) {
	case "v10":
		keys = [][]byte{peanutsKey, emptyKey}
	case "v11":
		if !d.asked {
			d.asked = true
			if d.keyring == nil {
				d.keyringEr = errors.New("no Secret Service session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
			} else if pw, err := d.keyring.Password(ctx, d.label); err != nil {
				d.keyringEr = err
			} else {
				d.v11 = chromiumKey(pw)
			}
		}
		if d.v11 != nil {
			keys = append(keys, d.v11)
		}
		keys = append(keys, emptyKey)
	default:
		return "", fmt.Errorf("unknown value format %q", enc[:3])
	}
	for _, k := range keys {
		if v, ok := decryptValue(k, enc[3:], host, d.version); ok {
			return v, nil
		}
	}
	if string(enc[:3]) == "v11" {
		why := "the key from the Secret Service does not decrypt them"
		if d.keyringEr != nil {
			why = d.keyringEr.Error()
		}
		return "", fmt.Errorf("%w: the cookies are encrypted with the %q key from the Secret Service and it could not be read (%s): log in to the desktop session so the keyring is unlocked, and run again; or copy the Cookie header from DevTools", errNoKey, d.label, why)
	}
	return "", errors.New("no key decrypts this v10 value")
}

// decryptValue is AES-128-CBC with an IV of 16 spaces and PKCS#7 padding;
// from schema version 24 on the plaintext starts with SHA-256(host_key).
// A wrong key shows as bad padding, a wrong hash or a non-cookie byte.
func decryptValue(key, data []byte, host string, version int) (string, bool) {
	if len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return "", false
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", false
	}
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, bytes.Repeat([]byte{' '}, aes.BlockSize)).CryptBlocks(plain, data)
	pad := int(plain[len(plain)-1])
	if pad == 0 || pad > aes.BlockSize || !bytes.Equal(plain[len(plain)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return "", false
	}
	plain = plain[:len(plain)-pad]
	if version >= 24 {
		sum := sha256.Sum256([]byte(host))
		if len(plain) < len(sum) || !bytes.Equal(plain[:len(sum)], sum[:]) {
			return "", false
		}
		plain = plain[len(sum):]
	}
	for _, c := range plain {
		if c < 0x20 || c >= 0x7f {
			return "", false
		}
	}
	return string(plain), true
}
