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

func FuzzVerifyXBogus(f *testing.F) {
	for _, v := range xbVectors(f) {
		f.Add(v.ExpectedSignedQuery, v.UserAgent)
	}
	f.Add("&X-Bogus=%", "")
	f.Fuzz(func(t *testing.T, raw, ua string) {
		VerifyXBogus(raw, ua) // must not panic
	})
}

func FuzzVerifyABogus(f *testing.F) {
	for _, v := range abVectors(f) {
		f.Add(v.ExpectedSignedQuery, v.Body, v.UserAgent)
	}
	f.Add("&a_bogus=%", "", "")
	f.Fuzz(func(t *testing.T, raw, body, ua string) {
		VerifyABogus(raw, body, ua) // must not panic
	})
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
