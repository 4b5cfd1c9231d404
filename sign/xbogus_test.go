package sign

import (
	"crypto/md5"
	"crypto/rc4"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

func TestXBogusVectors(t *testing.T) {
	for _, v := range xbVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			if got := XBogus(v.Query, v.UserAgent, v.Timestamp); got != v.ExpectedXBogus {
				t.Errorf("XBogus = %s, want %s", got, v.ExpectedXBogus)
			}
			s := Signer{Scheme: SchemeXBogus, UserAgent: v.UserAgent, Now: fixedClock(time.Unix(v.Timestamp, 0))}
			if got := s.Sign(v.Query, "ignored body"); got != v.ExpectedSignedQuery {
				t.Errorf("Sign = …%s, want …%s", tail(got), tail(v.ExpectedSignedQuery))
			}

			hq, hu := xbQueryHash(v.Query), xbUAHash(v.UserAgent)
			checkHexBytes(t, "query hash", hq[:], v.Intermediate.QueryMD5MD5Hex, 14)
			checkHexBytes(t, "ua hash", hu[:], v.Intermediate.UAHashHex, 14)
			checkHexBytes(t, "body hash", xbBodyHash[:], v.Intermediate.EmptyMD5MD5Hex, 14)
			p := xbPlain(hq, hu, uint32(v.Timestamp))
			if got := hex.EncodeToString(p[:]); got != v.Intermediate.PlainHex {
				t.Errorf("plain = %s, want %s", got, v.Intermediate.PlainHex)
			}

			f, err := DecodeXBogus(v.ExpectedXBogus)
			if err != nil {
				t.Fatal(err)
			}
			want := XBogusFields{Timestamp: v.Timestamp, QueryHash: hq, BodyHash: xbBodyHash, UAHash: hu}
			if f != want {
				t.Errorf("DecodeXBogus = %+v, want %+v", f, want)
			}
			ts, err := VerifyXBogus(v.ExpectedSignedQuery, v.UserAgent)
			if err != nil || ts != v.Timestamp {
				t.Errorf("VerifyXBogus = %d, %v; want %d", ts, err, v.Timestamp)
			}
		})
	}
}

// checkHexBytes compares got with the bytes of hexText starting at offset.
func checkHexBytes(t *testing.T, what string, got []byte, hexText string, offset int) {
	t.Helper()
	full, err := hex.DecodeString(hexText)
	if err != nil || len(full) < offset+len(got) {
		t.Fatalf("%s: bad intermediate %q", what, hexText)
	}
	if want := full[offset : offset+len(got)]; string(got) != string(want) {
		t.Errorf("%s = %x, want %x", what, got, want)
	}
}

func tail(s string) string { return s[max(0, len(s)-40):] }

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// sign/docs/signing.md §2.4 and fetch/docs/douyin-web-api.md §1.4.
func TestXBogusWorkedExamples(t *testing.T) {
	ua := "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0"
	if got, want := XBogus(crossQuery, ua, 1700000000), "DFSzswVY4XbANJXJtmWx-e9WX7Ja"; got != want {
		t.Errorf("§1.4 cross-check: %s, want %s", got, want)
	}
	v := xbVectors(t)[0]
	p := xbPlain(xbQueryHash(v.Query), xbUAHash(v.UserAgent), 1713796127)
	if got, want := hex.EncodeToString(p[:]), "4000010c55a2453f2c3a6626741f2000be90f3"; got != want {
		t.Errorf("§2.4 plaintext %s, want %s", got, want)
	}
}

// xbReferenceHashes computes the query and UA hash bytes independently with
// the standard library, over the strings' bytes as given.
func xbReferenceHashes(query, ua string) (hq, hu [2]byte) {
	inner := md5.Sum([]byte(query))
	outer := md5.Sum(inner[:])
	c, _ := rc4.NewCipher([]byte(xbUAKey))
	k := make([]byte, len(ua))
	c.XORKeyStream(k, []byte(ua))
	u := md5.Sum([]byte(base64.StdEncoding.EncodeToString(k)))
	return [2]byte{outer[14], outer[15]}, [2]byte{u[14], u[15]}
}

// Inputs F2 mishandles (§2.3): short strings it would read as hex, and text
// above U+00FF. We hash the UTF-8 bytes as they are.
func TestXBogusQuirkInputs(t *testing.T) {
	tests := []struct{ name, query, ua string }{
		{"empty", "", ""},
		{"short query", "aweme_id=1", crossUA},
		{"32-byte query", strings.Repeat("a", 32), crossUA},
		{"hex-looking query", "0123456789abcdef", crossUA},
		{"24-byte UA", crossQuery, strings.Repeat("M", 24)},
		{"short UA", crossQuery, "curl/8"},
		{"non-Latin-1 query", "keyword=猫咪日常&count=10", crossUA},
		{"non-Latin-1 UA", crossQuery, "Mozilla/5.0 浏览器 ☃"},
		{"invalid UTF-8", "a=\xff\xfe", "\x80"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const ts = 1718553600
			xb := XBogus(tt.query, tt.ua, ts)
			f, err := DecodeXBogus(xb)
			if err != nil {
				t.Fatal(err)
			}
			hq, hu := xbReferenceHashes(tt.query, tt.ua)
			if f.QueryHash != hq || f.UAHash != hu || f.Timestamp != ts {
				t.Errorf("decoded %+v, want query hash %x, UA hash %x, time %d", f, hq, hu, ts)
			}
			if _, err := VerifyXBogus(tt.query+"&X-Bogus="+xb, tt.ua); err != nil {
				t.Error(err)
			}
		})
	}
}

// The 4-byte timestamp field holds T modulo 2^32.
func TestXBogusTimestampWraps(t *testing.T) {
	for _, ts := range []int64{0, 1<<32 - 1, 1 << 32, -1, 1<<32 + 1700000000} {
		f, err := DecodeXBogus(XBogus(crossQuery, crossUA, ts))
		if err != nil {
			t.Fatal(err)
		}
		if f.Timestamp != int64(uint32(ts)) {
			t.Errorf("T=%d decoded as %d, want %d", ts, f.Timestamp, uint32(ts))
		}
	}
}

func TestDecodeXBogusRejects(t *testing.T) {
	good := XBogus(crossQuery, crossUA, 1700000000)
	frame := func(g [21]byte) string { return b64XB.EncodeToString(g[:]) }
	// A payload with a bad checksum, correctly framed and encrypted.
	p := xbPlain([2]byte{1, 2}, [2]byte{3, 4}, 5)
	p[18] ^= 1
	badSum := string(xbEncode(nil, &p))
	var g [21]byte
	g[0], g[1] = 0x02, 0xff

	for name, s := range map[string]string{
		"empty":         "",
		"short":         good[:27],
		"long":          good + "D",
		"foreign char":  good[:27] + "=",
		"padding":       good[:26] + "==",
		"plus":          "+" + good[1:],
		"bad frame":     frame([21]byte{0x03, 0xff}),
		"zero payload":  frame(g), // decrypts to garbage constants
		"bad checksum":  badSum,
		"not signature": strings.Repeat("D", 28),
	} {
		if f, err := DecodeXBogus(s); err == nil {
			t.Errorf("%s: DecodeXBogus(%q) = %+v, want error", name, s, f)
		}
	}
}

func TestVerifyXBogus(t *testing.T) {
	xb := XBogus(crossQuery, crossUA, 1700000000)
	signed := crossQuery + "&X-Bogus=" + xb
	if ts, err := VerifyXBogus(signed, crossUA); err != nil || ts != 1700000000 {
		t.Fatalf("VerifyXBogus = %d, %v", ts, err)
	}
	// A percent-encoded value and trailing parameters are accepted; the
	// query before the marker stays byte-exact.
	escaped := strings.NewReplacer("/", "%2F", "-", "%2D").Replace(xb)
	if _, err := VerifyXBogus(crossQuery+"&X-Bogus="+escaped+"&extra=1", crossUA); err != nil {
		t.Errorf("escaped value: %v", err)
	}
	for name, tt := range map[string]struct{ raw, ua string }{
		"other UA":         {signed, crossUA + " x"},
		"other query":      {strings.Replace(signed, "aweme_id=7", "aweme_id=8", 1), crossUA},
		"no parameter":     {crossQuery, crossUA},
		"lowercase name":   {crossQuery + "&x-bogus=" + xb, crossUA},
		"bad escape":       {crossQuery + "&X-Bogus=%zz" + xb[3:], crossUA},
		"truncated value":  {signed[:len(signed)-1], crossUA},
		"decoded query":    {strings.Replace(signed, "device_platform", "device%5Fplatform", 1), crossUA},
		"tampered value":   {signed[:len(signed)-3] + "DDD", crossUA},
		"empty raw query":  {"", crossUA},
		"marker, no value": {crossQuery + "&X-Bogus=", crossUA},
	} {
		if ts, err := VerifyXBogus(tt.raw, tt.ua); err == nil {
			t.Errorf("%s: accepted (T=%d)", name, ts)
		}
	}
}
