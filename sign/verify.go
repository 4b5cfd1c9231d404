package sign

import (
	"fmt"
	"net/url"
	"strings"
)

// Markers that separate the signed query from its signature (§2.2 step 8,
// §3.6 step 5).
const (
	xbMarker = "&X-Bogus="
	abMarker = "&a_bogus="
)

// VerifyXBogus checks an X-Bogus-signed request the way a server can
// (§2.5). rawQuery is the query string exactly as received, before any
// percent-decoding, including "&X-Bogus=..."; the signed query is
// everything before the last "&X-Bogus=". It checks the value's structure,
// the constant body hash and the query and User-Agent hash bytes, and
// returns the signed Unix time. It applies no freshness window: compare the
// result with the clock yourself.
func VerifyXBogus(rawQuery, userAgent string) (unixSeconds int64, err error) {
	query, xb, err := splitSigned(rawQuery, xbMarker)
	if err != nil {
		return 0, err
	}
	f, err := DecodeXBogus(xb)
	if err != nil {
		return 0, err
	}
	if f.BodyHash != xbBodyHash {
		return 0, fmt.Errorf("sign: X-Bogus body hash is % x, want % x", f.BodyHash, xbBodyHash)
	}
	if want := xbQueryHash(query); f.QueryHash != want {
		return 0, fmt.Errorf("sign: X-Bogus query hash is % x, want % x: query differs from the signed one", f.QueryHash, want)
	}
	if want := xbUAHash(userAgent); f.UAHash != want {
		return 0, fmt.Errorf("sign: X-Bogus User-Agent hash is % x, want % x: User-Agent differs from the signed one", f.UAHash, want)
	}
	return f.Timestamp, nil
}

// VerifyABogus checks an a_bogus-signed request (§3.9). rawQuery is the
// query string exactly as received, including "&a_bogus=..."; the signed
// query is everything before the last "&a_bogus=". It checks the query,
// body and User-Agent hash bytes, the fingerprint length and the checksum,
// and returns the decoded fields. Times are not checked: compare
// StartMsLow32 with the clock modulo 2^32 yourself.
//
// Signatures ABogus makes from timestamps after 2039 or fingerprints of 256
// bytes or more lose bits in encoding (see ABogus) and may be rejected.
func VerifyABogus(rawQuery, body, userAgent string) (ABogusFields, error) {
	query, ab, err := splitSigned(rawQuery, abMarker)
	if err != nil {
		return ABogusFields{}, err
	}
	f, checksum, err := decodeABogus(ab)
	if err != nil {
		return ABogusFields{}, err
	}
	h := f.Header
	hq := abDoubleHash(query)
	if h[7] != int(hq[21]) || h[18] != int(hq[22]) {
		return ABogusFields{}, fmt.Errorf("sign: a_bogus query hash is %d %d, want %d %d: query differs from the signed one", h[7], h[18], hq[21], hq[22])
	}
	hb := abDoubleHash(body)
	if h[8] != int(hb[21]) || h[19] != int(hb[22]) {
		return ABogusFields{}, fmt.Errorf("sign: a_bogus body hash is %d %d, want %d %d: body differs from the signed one", h[8], h[19], hb[21], hb[22])
	}
	hu := abUAHash(userAgent)
	if h[10] != int(hu[23]) || h[20] != int(hu[24]) {
		return ABogusFields{}, fmt.Errorf("sign: a_bogus User-Agent hash is %d %d, want %d %d: User-Agent differs from the signed one", h[10], h[20], hu[23], hu[24])
	}
	if want := len(f.Fingerprint) & 255; h[40] != want {
		return ABogusFields{}, fmt.Errorf("sign: a_bogus fingerprint length value is %d, want %d", h[40], want)
	}
	// Bit 8 of values 36 and 38 is lost in encoding but cancels in the
	// checksum, so the low 8 bits must agree.
	x := 0
	for _, v := range h {
		x ^= v
	}
	if x&255 != checksum {
		return ABogusFields{}, fmt.Errorf("sign: a_bogus checksum is %d, want %d", checksum, x&255)
	}
	return f, nil
}

// splitSigned cuts rawQuery at the last marker into the signed query and
// the signature value, which ends at the next '&'. Only the value is
// percent-decoded, in case a client encoded its '/' or '='; the query must
// stay byte-exact because its hash is checked.
func splitSigned(rawQuery, marker string) (query, value string, err error) {
	i := strings.LastIndex(rawQuery, marker)
	if i < 0 {
		return "", "", fmt.Errorf("sign: query has no %q parameter", marker[1:len(marker)-1])
	}
	query, value = rawQuery[:i], rawQuery[i+len(marker):]
	if j := strings.IndexByte(value, '&'); j >= 0 {
		value = value[:j]
	}
	if strings.IndexByte(value, '%') >= 0 {
		value, err = url.PathUnescape(value)
		if err != nil {
			return "", "", fmt.Errorf("sign: %s value: %v", marker[1:len(marker)-1], err)
		}
	}
	return query, value, nil
}
