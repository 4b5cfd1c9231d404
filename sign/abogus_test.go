package sign

import (
	"crypto/rc4"
	"encoding/base64"
	"encoding/hex"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestABogusVectors(t *testing.T) {
	for _, v := range abVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			in := v.input()
			got := ABogus(in)
			if got != v.ExpectedABogus {
				t.Errorf("ABogus = %s\nwant     %s", got, v.ExpectedABogus)
			}
			if v.Query+"&a_bogus="+got != v.ExpectedSignedQuery {
				t.Errorf("signed query differs")
			}
			if want := 4 * ((57 + len(v.Fingerprint) + 2) / 3); len(got) != want {
				t.Errorf("length %d, want %d", len(got), want)
			}
			for i, f := range v.RandomFloats {
				if int(math.Floor(f*10000)) != v.RandomInts[i] {
					t.Errorf("vector's random_floats[%d] does not give random_ints", i)
				}
			}

			hq, hb, hu := abDoubleHash(v.Query), abDoubleHash(v.Body), abUAHash(v.UserAgent)
			checkHex(t, "query hash", hq[:], v.Intermediate.QuerySM3SM3Hex)
			checkHex(t, "body hash", hb[:], v.Intermediate.BodySM3SM3Hex)
			checkHex(t, "UA hash", hu[:], v.Intermediate.UASM3Hex)
			var prefix []byte
			for _, p := range appendABPrefix(nil, v.RandomInts) {
				prefix = append(prefix, byte(p))
			}
			checkHex(t, "random prefix", prefix, v.Intermediate.RandomPrefixHex)
			if plain := abPlain(in); !slices.Equal(plain, v.Intermediate.PlainValues) {
				t.Errorf("plain values\n%v\nwant\n%v", plain, v.Intermediate.PlainValues)
			}

			f, err := DecodeABogus(v.ExpectedABogus)
			if err != nil {
				t.Fatal(err)
			}
			checkABogusFields(t, f, in)
			vf, err := VerifyABogus(v.ExpectedSignedQuery, v.Body, v.UserAgent)
			if err != nil {
				t.Fatal(err)
			}
			checkABogusFields(t, vf, in)
		})
	}
}

// abPlain returns the plain sequence V (§3.4) that ABogus encrypts.
func abPlain(in ABogusInput) []int {
	hq, hb, hu := abDoubleHash(in.Query), abDoubleHash(in.Body), abUAHash(in.UserAgent)
	h := abHeader(&in, &hq, &hb, &hu)
	v := h[:]
	x := 0
	for _, e := range h {
		x ^= e
	}
	for i := 0; i < len(in.Fingerprint); i++ {
		v = append(v, int(in.Fingerprint[i]))
	}
	return append(v, x)
}

// checkABogusFields checks that decoding recovered what in put in.
func checkABogusFields(t *testing.T, f ABogusFields, in ABogusInput) {
	t.Helper()
	hq, hb, hu := abDoubleHash(in.Query), abDoubleHash(in.Body), abUAHash(in.UserAgent)
	h := abHeader(&in, &hq, &hb, &hu)
	h[36] &= 255
	h[38] &= 255
	if !slices.Equal(f.Header, h[:]) {
		t.Errorf("decoded header\n%v\nwant\n%v", f.Header, h)
	}
	want := ABogusFields{
		Randoms: in.Randoms, Header: f.Header, Fingerprint: in.Fingerprint,
		StartMsLow32: uint32(in.StartMs), EndMsLow32: uint32(in.EndMs), Options: in.Options,
	}
	for i := range want.Randoms {
		want.Randoms[i] &= 0xffff
	}
	for i := range want.Options {
		want.Options[i] = int(int32(want.Options[i]))
	}
	if f.Randoms != want.Randoms || f.Fingerprint != want.Fingerprint || f.StartMsLow32 != want.StartMsLow32 ||
		f.EndMsLow32 != want.EndMsLow32 || f.Options != want.Options {
		t.Errorf("decoded %+v\nwant    %+v", f, want)
	}
}

func checkHex(t *testing.T, what string, got []byte, want string) {
	t.Helper()
	if hex.EncodeToString(got) != want {
		t.Errorf("%s = %x, want %s", what, got, want)
	}
}

// fetch/docs/douyin-web-api.md §1.4 cross-check vectors (random() = 0.5 → R = 5000).
func TestABogusCrossCheck(t *testing.T) {
	tests := []struct{ body, want string }{
		{"", "xfmZ/RLdkrosDEWG56KLfY3q6X-3YQxI0SVkMD2fndfPqL39HMTa9exoIBGvXFEjwG/-IeYjy4hbT3ohrQ2y8qwf9W4x/25gsfSkKl12so0j53inCLf/E0Uq57sAtFH8svM-iAi8owVtSYyhldAJ5kIlO62-zo0/9fS="},
		{"aweme_type=0&item_id=1", "xfmZ/RLdkrosDEWG56KLfY3q6XRoYQxI0SVkMD2fn2RPqL39HMTa9exoIBGvXFEjwG/-IeYjy4hbT3ohrQ2y8qwf9W4x/25gsfSkKl12so0j53inCLf/E0Uq57sAtFH8svM-iAi8owVtSYyhldAJ5kIlO62-zo0/9-E="},
	}
	for _, tt := range tests {
		in := crossABogus(tt.body)
		if got := ABogus(in); got != tt.want {
			t.Errorf("body %q: %s\nwant %s", tt.body, got, tt.want)
		}
		f, err := VerifyABogus(crossQuery+"&a_bogus="+tt.want, tt.body, crossUA)
		if err != nil {
			t.Fatal(err)
		}
		checkABogusFields(t, f, in)
	}
}

// §3.5: the keystream of the fixed table, i.e. the encryption of zeros.
func TestABogusKeystream(t *testing.T) {
	want := []int{
		69, 132, 164, 66, 132, 231, 73, 53, 233, 160, 170, 115, 55, 196, 129, 61,
		1, 127, 117, 23, 27, 246, 68, 246, 220, 250, 0, 219, 248, 168, 151, 91,
		81, 62, 131, 51, 28, 146, 16, 90, 187, 48, 209, 145, 73, 144, 10, 179,
	}
	ks := newABStream()
	for i, w := range want {
		if got := 0 ^ ks.next(); got != w {
			t.Fatalf("keystream[%d] = %d, want %d", i, got, w)
		}
	}
	// The table is copied per stream: a second stream starts over.
	if again := newABStream(); again.next() != want[0] {
		t.Error("a new stream does not start from the fixed table")
	}
}

// ABogus must not keep state between calls (F2's signer object does).
func TestABogusIsPure(t *testing.T) {
	in := crossABogus("")
	first := ABogus(in)
	for range 3 {
		if got := ABogus(in); got != first {
			t.Fatalf("repeated call gave %s, first %s", got, first)
		}
	}
}

// abReferenceUAHash computes HU (§3.2) with the standard library's RC4 and
// Base64 over the UA's bytes as given.
func abReferenceUAHash(ua string) [32]byte {
	c, _ := rc4.NewCipher([]byte(abUAKey))
	k := make([]byte, len(ua))
	c.XORKeyStream(k, []byte(ua))
	return sm3Sum(base64.NewEncoding(alphabetAB1).EncodeToString(k))
}

// Inputs F2 mishandles or never sees (§3.8): non-Latin-1 text is hashed as
// its UTF-8 bytes, the fingerprint enters as bytes, and short strings are
// not special.
func TestABogusQuirkInputs(t *testing.T) {
	tests := []struct{ name, query, body, ua, fp string }{
		{"all empty", "", "", "", ""},
		{"short", "a=1", "b", "UA", "fp"},
		{"non-Latin-1 query and body", "keyword=猫咪", "内容=✓", crossUA, crossFP},
		{"non-Latin-1 UA", crossQuery, "", "Mozilla/5.0 浏览器 ☃", crossFP},
		{"non-ASCII fingerprint", crossQuery, "", crossUA, "1920|1080|Win32|中文"},
		{"invalid UTF-8", "q=\xff", "\xfe", "\x80\x81", "\xc0"},
		{"fingerprint of 255 bytes", crossQuery, "", crossUA, strings.Repeat("9", 255)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := crossABogus(tt.body)
			in.Query, in.UserAgent, in.Fingerprint = tt.query, tt.ua, tt.fp
			ab := ABogus(in)
			if want := 4 * ((57 + len(tt.fp) + 2) / 3); len(ab) != want {
				t.Errorf("length %d, want %d (fingerprint counted in bytes)", len(ab), want)
			}
			if hu := abReferenceUAHash(tt.ua); hu != abUAHash(tt.ua) {
				t.Errorf("UA hash %x, want %x", abUAHash(tt.ua), hu)
			}
			f, err := VerifyABogus(tt.query+"&a_bogus="+ab, tt.body, tt.ua)
			if err != nil {
				t.Fatal(err)
			}
			checkABogusFields(t, f, in)
		})
	}
}

// Header values stay ints (§3.3, §3.8): values 36-39 are the unmasked high
// parts of the timestamps, and 40 is the unmasked fingerprint length.
func TestABogusWideHeaderValues(t *testing.T) {
	in := crossABogus("")
	in.StartMs = 1<<42 + 5<<32 + 7 // year 2109: S_ms>>32 = 1029, S_ms>>40 = 4
	in.EndMs = in.StartMs + 1
	in.Fingerprint = strings.Repeat("x", 300)
	hq, hb, hu := abDoubleHash(in.Query), abDoubleHash(in.Body), abUAHash(in.UserAgent)
	h := abHeader(&in, &hq, &hb, &hu)
	if h[36] != 1029 || h[37] != 4 || h[38] != 1029 || h[39] != 4 || h[40] != 300 {
		t.Errorf("wide values %v, want [1029 4 1029 4 300]", h[36:41])
	}
	ab := ABogus(in)
	if want := 4 * ((57 + 300 + 2) / 3); len(ab) != want {
		t.Errorf("length %d, want %d", len(ab), want)
	}
	// The value still decodes and the randoms survive. The checksum is
	// above 255 (300 has bit 8) and spills into the fingerprint's last
	// byte, which is why such values do not verify.
	f, err := DecodeABogus(ab)
	if err != nil {
		t.Fatal(err)
	}
	if f.Randoms != in.Randoms || f.Fingerprint[:299] != in.Fingerprint[:299] {
		t.Errorf("decoded randoms or fingerprint differ")
	}
}

// abogusMasked is a byte-based a_bogus: header values 36-39 masked to 8
// bits before encryption. §3.6 says it equals ABogus for timestamps in
// [2^40, 2^41) ms.
func abogusMasked(in ABogusInput) string {
	hq, hb, hu := abDoubleHash(in.Query), abDoubleHash(in.Body), abUAHash(in.UserAgent)
	h := abHeader(&in, &hq, &hb, &hu)
	for i := 36; i <= 39; i++ {
		h[i] &= 255
	}
	v := h[:]
	x := 0
	for _, e := range h {
		x ^= e
	}
	v = append(v, abPlain(in)[abHeaderLen:abHeaderLen+len(in.Fingerprint)]...)
	v = append(v, x)
	z := appendABPrefix(nil, in.Randoms)
	ks := newABStream()
	for _, e := range v {
		z = append(z, e^ks.next())
	}
	return string(appendWideBase64(nil, alphabetAB0, z))
}

func TestABogusWideVersusBytes(t *testing.T) {
	in := crossABogus("")
	for _, start := range []int64{1 << 40, 1<<40 + 0xff<<32 + 5, 1<<41 - 10, 1718553600123} {
		in.StartMs, in.EndMs = start, start+9
		if got, want := ABogus(in), abogusMasked(in); got != want {
			t.Errorf("start %d: wide %s differs from byte-based %s", start, got, want)
		}
	}
	// From 2039 S_ms>>40 = 2: value 38 (S_ms>>32 = 512) keeps bit 9, which
	// the encoder ORs onto value 37's bit 1 (clear there), as in F2.
	in.StartMs = 1<<41 + 12345
	in.EndMs = in.StartMs + 3
	if ABogus(in) == abogusMasked(in) {
		t.Error("wide and byte-based a_bogus agree where the header has values above 255")
	}
}

func TestDecodeABogusRejects(t *testing.T) {
	good := ABogus(crossABogus(""))
	// Re-encode a decoded value after changing one plain value.
	withPlain := func(k, val int) string {
		z, err := appendBase64Decode(nil, b64AB0, good)
		if err != nil {
			t.Fatal(err)
		}
		ks := newABStream()
		for i := 0; i < k; i++ {
			ks.next()
		}
		z[abPrefixLen+k] = byte(val ^ ks.next())
		return b64AB0.EncodeToString(z)
	}
	for name, s := range map[string]string{
		"empty":         "",
		"too short":     good[:72],
		"not Base64":    good[:len(good)-1],
		"foreign char":  "+" + good[1:],
		"bad prefix":    "A" + good[1:],
		"first value":   withPlain(0, 45),
		"aid":           withPlain(6, 0),
		"constant 3":    withPlain(35, 4),
		"page id":       withPlain(13, 1),
		"trailing zero": withPlain(43, 1),
		"all D":         strings.Repeat("D", len(good)),
	} {
		if f, err := DecodeABogus(s); err == nil {
			t.Errorf("%s: DecodeABogus accepted %q: %+v", name, s, f)
		}
	}
}

func TestVerifyABogus(t *testing.T) {
	in := crossABogus("aweme_type=0&item_id=1")
	ab := ABogus(in)
	signed := crossQuery + "&a_bogus=" + ab
	if _, err := VerifyABogus(signed, in.Body, crossUA); err != nil {
		t.Fatal(err)
	}
	escaped := strings.NewReplacer("/", "%2F", "=", "%3D").Replace(ab)
	if _, err := VerifyABogus(crossQuery+"&a_bogus="+escaped+"&x=1", in.Body, crossUA); err != nil {
		t.Errorf("escaped value: %v", err)
	}
	// Build values whose hashes are right but whose length value or
	// checksum is wrong. (The fingerprint's content is not covered by any
	// check; the format has nothing that binds it.)
	tamper := func(k, delta int) string {
		z, _ := appendBase64Decode(nil, b64AB0, ab)
		z[abPrefixLen+k] ^= byte(delta)
		return crossQuery + "&a_bogus=" + b64AB0.EncodeToString(z)
	}
	last := abHeaderLen + len(crossFP)
	for name, tt := range map[string]struct{ raw, body, ua string }{
		"other body":     {signed, "", crossUA},
		"other UA":       {signed, in.Body, crossUA + " "},
		"other query":    {strings.Replace(signed, "aweme_id=7", "aweme_id=8", 1), in.Body, crossUA},
		"no parameter":   {crossQuery, in.Body, crossUA},
		"X-Bogus given":  {crossQuery + "&X-Bogus=" + ab, in.Body, crossUA},
		"bad escape":     {crossQuery + "&a_bogus=%" + ab, in.Body, crossUA},
		"length value":   {tamper(40, 1), in.Body, crossUA},
		"checksum":       {tamper(last, 1), in.Body, crossUA},
		"start time":     {tamper(1, 4), in.Body, crossUA},
		"value dropped":  {signed[:len(signed)-4], in.Body, crossUA},
		"value appended": {signed + "DDDD", in.Body, crossUA},
	} {
		if f, err := VerifyABogus(tt.raw, tt.body, tt.ua); err == nil {
			t.Errorf("%s: accepted %+v", name, f)
		}
	}
}
