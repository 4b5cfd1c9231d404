package sign

import (
	"strings"
	"testing"
)

// Seeds come from the vectors so the fuzzer starts from realistic inputs.

func FuzzXBogus(f *testing.F) {
	for _, v := range xbVectors(f) {
		f.Add(v.Query, v.UserAgent, v.Timestamp)
	}
	f.Add("", "", int64(0))
	f.Add("a", "\xff", int64(-1))
	f.Fuzz(func(t *testing.T, query, ua string, ts int64) {
		xb := XBogus(query, ua, ts)
		if len(xb) != xbLen || !strings.HasPrefix(xb, xbPrefix) || !inAlphabet(xb, alphabetXB) {
			t.Fatalf("XBogus = %q: want 28 chars of the XB alphabet starting with %s", xb, xbPrefix)
		}
		got, err := VerifyXBogus(query+xbMarker+xb, ua)
		if err != nil {
			t.Fatal(err)
		}
		if got != int64(uint32(ts)) {
			t.Fatalf("verified time %d, want %d", got, uint32(ts))
		}
	})
}

func FuzzABogus(f *testing.F) {
	for _, v := range abVectors(f) {
		f.Add(v.Query, v.Body, v.UserAgent, v.Fingerprint, v.Options[0], v.Options[1], v.Options[2],
			v.StartMs, v.EndMs-v.StartMs, v.RandomInts[0], v.RandomInts[1], v.RandomInts[2])
	}
	f.Add("", "", "", "", 0, 0, 0, int64(0), int64(0), 0, 0, 0)
	f.Add("\xff", "中", "\x00", strings.Repeat("|", 300), -1, 1<<31, -1<<31, int64(-1), int64(-5), -1, 1<<20, 65535)
	f.Fuzz(func(t *testing.T, query, body, ua, fp string, o0, o1, o2 int, start, dur int64, r0, r1, r2 int) {
		in := ABogusInput{
			Query: query, Body: body, UserAgent: ua, Fingerprint: fp,
			Options: [3]int{o0, o1, o2}, StartMs: start, EndMs: start + dur,
			Randoms: [3]int{r0, r1, r2},
		}
		ab := ABogus(in)
		n := 57 + len(fp)
		if len(ab) != 4*((n+2)/3) {
			t.Fatalf("length %d, want %d", len(ab), 4*((n+2)/3))
		}
		pad := (3 - n%3) % 3
		if !inAlphabet(ab[:len(ab)-pad], alphabetAB0) || strings.Count(ab[len(ab)-pad:], "=") != pad {
			t.Fatalf("a_bogus %q: want AB0 characters and %d '='", ab, pad)
		}
		f, err := DecodeABogus(ab)
		if err != nil {
			t.Fatalf("cannot decode own output: %v", err)
		}
		for i, r := range in.Randoms {
			if f.Randoms[i] != r&0xffff {
				t.Fatalf("random %d: decoded %d, want %d", i, f.Randoms[i], r&0xffff)
			}
		}
		// Exact round trip and verification hold in the format's lossless
		// range (see ABogus): both times below 2^40 ms or both in
		// [2^40, 2^41), and a fingerprint under 256 bytes.
		hi := in.StartMs >> 40
		if len(fp) < 256 && (hi == 0 || hi == 1) && in.EndMs>>40 == hi {
			checkABogusFields(t, f, in)
			if _, err := VerifyABogus(query+abMarker+ab, body, ua); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func FuzzDecodeXBogus(f *testing.F) {
	f.Add(XBogus(crossQuery, crossUA, 1700000000))
	f.Add("DFSzswVYslhANJXJt2QjWM9WX7jp")
	f.Add(strings.Repeat("D", 28))
	f.Fuzz(func(t *testing.T, s string) {
		fields, err := DecodeXBogus(s)
		if err != nil {
			return
		}
		// Anything accepted must be exactly what the encoder produces.
		p := xbPlain(fields.QueryHash, fields.UAHash, uint32(fields.Timestamp))
		p[6], p[7] = fields.BodyHash[0], fields.BodyHash[1]
		p[18] = xorBytes(p[:18])
		if again := string(xbEncode(nil, &p)); again != s {
			t.Fatalf("accepted %q, re-encodes as %q", s, again)
		}
	})
}

func FuzzDecodeABogus(f *testing.F) {
	for _, v := range abVectors(f) {
		f.Add(v.ExpectedABogus)
	}
	f.Add("")
	f.Add(strings.Repeat("D", 76))
	f.Fuzz(func(t *testing.T, s string) {
		fields, err := DecodeABogus(s)
		if err != nil {
			return
		}
		if len(fields.Header) != abHeaderLen || fields.Header[0] != 44 || fields.Header[35] != 3 {
			t.Fatalf("accepted %q with header %v", s, fields.Header)
		}
		for _, r := range fields.Randoms {
			if r < 0 || r > 0xffff {
				t.Fatalf("random %d out of range", r)
			}
		}
	})
}

// FuzzVerifyXBogus: whatever it is given, VerifyXBogus does not panic, and
// it accepts exactly what XBogus signs: raw signed as a query verifies with
// its time, and the same signature on another query or User-Agent is
// refused (unless the two-byte hash the format keeps happens to agree).
func FuzzVerifyXBogus(f *testing.F) {
	for _, v := range xbVectors(f) {
		f.Add(v.ExpectedSignedQuery, v.UserAgent, v.Timestamp)
	}
	f.Add("&X-Bogus=%", "", int64(0))
	f.Fuzz(func(t *testing.T, raw, ua string, ts int64) {
		if got, err := VerifyXBogus(raw, ua); err == nil {
			// Accepted: the value is what the signer makes for this
			// query, User-Agent and time.
			query, _, _ := splitSigned(raw, xbMarker)
			if again, err := VerifyXBogus(query+xbMarker+XBogus(query, ua, got), ua); err != nil || again != got {
				t.Fatalf("accepted %.80q (time %d), but its re-signed form gives %d, %v", raw, got, again, err)
			}
		}
		xb := XBogus(raw, ua, ts)
		got, err := VerifyXBogus(raw+xbMarker+xb, ua)
		if err != nil || got != int64(uint32(ts)) {
			t.Fatalf("own signature of %.80q: %d, %v; want time %d", raw, got, err, uint32(ts))
		}
		other := changed(raw, ts)
		if xbQueryHash(other) != xbQueryHash(raw) {
			if _, err := VerifyXBogus(other+xbMarker+xb, ua); err == nil {
				t.Fatalf("the signature of %.80q verified for the query %.80q", raw, other)
			}
		}
		if otherUA := changed(ua, ts); xbUAHash(otherUA) != xbUAHash(ua) {
			if _, err := VerifyXBogus(raw+xbMarker+xb, otherUA); err == nil {
				t.Fatalf("a signature made for User-Agent %.80q verified for %.80q", ua, otherUA)
			}
		}
	})
}

// FuzzVerifyABogus: VerifyABogus does not panic, accepts what ABogus signs
// for the given query, body and User-Agent (times and fingerprint from a
// vector, in the format's lossless range), and refuses that signature for
// another query, body or User-Agent (unless the hash bytes the format
// keeps happen to agree).
func FuzzVerifyABogus(f *testing.F) {
	vs := abVectors(f)
	for _, v := range vs {
		f.Add(v.ExpectedSignedQuery, v.Body, v.UserAgent)
	}
	f.Add("&a_bogus=%", "", "")
	v := vs[0]
	f.Fuzz(func(t *testing.T, raw, body, ua string) {
		VerifyABogus(raw, body, ua) // must not panic
		in := ABogusInput{Query: raw, Body: body, UserAgent: ua, Fingerprint: v.Fingerprint,
			Options: v.Options, StartMs: v.StartMs, EndMs: v.EndMs, Randoms: v.RandomInts}
		ab := ABogus(in)
		fields, err := VerifyABogus(raw+abMarker+ab, body, ua)
		if err != nil {
			t.Fatalf("own signature of %.80q: %v", raw, err)
		}
		checkABogusFields(t, fields, in)
		hashes := func(s string) [2]byte { h := abDoubleHash(s); return [2]byte{h[21], h[22]} }
		if other := changed(raw, int64(len(body))); hashes(other) != hashes(raw) {
			if _, err := VerifyABogus(other+abMarker+ab, body, ua); err == nil {
				t.Fatalf("the signature of %.80q verified for the query %.80q", raw, other)
			}
		}
		if other := changed(body, int64(len(raw))); hashes(other) != hashes(body) {
			if _, err := VerifyABogus(raw+abMarker+ab, other, ua); err == nil {
				t.Fatalf("a signature made for body %.80q verified for body %.80q", body, other)
			}
		}
		uaHash := func(s string) [2]byte { h := abUAHash(s); return [2]byte{h[23], h[24]} }
		if other := changed(ua, int64(len(raw))); uaHash(other) != uaHash(ua) {
			if _, err := VerifyABogus(raw+abMarker+ab, body, other); err == nil {
				t.Fatalf("a signature made for User-Agent %.80q verified for %.80q", ua, other)
			}
		}
	})
}

// changed is s with one byte altered (which one chosen by k), or "x" for an
// empty s: another string the fuzzer's input leads to.
func changed(s string, k int64) string {
	if s == "" {
		return "x"
	}
	b := []byte(s)
	i := int(uint64(k) % uint64(len(b)))
	b[i] ^= 1 << (uint64(k) % 8)
	return string(b)
}

// The generators must keep their shape whatever the random source returns.
func FuzzTokens(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3}, int64(1700000000123))
	f.Add([]byte{255, 128, 7}, int64(-1))
	f.Fuzz(func(t *testing.T, seed []byte, ms int64) {
		i := 0
		rnd := func(n int) int {
			if len(seed) == 0 {
				return 0
			}
			i++
			return int(int8(seed[i%len(seed)])) * (i + 1) // also out of range
		}
		if tok := FalseMsToken(rnd); len(tok) != 184 || !inAlphabet(tok[:182], msTokenAlphabet) {
			t.Fatalf("FalseMsToken = %q", tok)
		}
		fp := VerifyFp(ms, rnd)
		if !strings.HasPrefix(fp, "verify_") || len(fp) != 7+len(strings.Split(fp, "_")[1])+1+36 {
			t.Fatalf("VerifyFp = %q", fp)
		}
		if p := Fingerprint(rnd); strings.Count(p, "|") != 16 {
			t.Fatalf("Fingerprint = %q", p)
		}
	})
}

func inAlphabet(s, alphabet string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(alphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}
