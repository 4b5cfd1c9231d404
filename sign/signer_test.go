package sign

import (
	"strings"
	"testing"
	"time"
)

func TestParseScheme(t *testing.T) {
	for in, want := range map[string]Scheme{
		"a_bogus": SchemeABogus, "ab": SchemeABogus, "AB": SchemeABogus, " ab ": SchemeABogus,
		"x_bogus": SchemeXBogus, "xb": SchemeXBogus, "X_Bogus": SchemeXBogus,
	} {
		if got, err := ParseScheme(in); err != nil || got != want {
			t.Errorf("ParseScheme(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "x-bogus", "abogus", "none", "a"} {
		if got, err := ParseScheme(in); err == nil {
			t.Errorf("ParseScheme(%q) = %v, want error", in, got)
		}
	}
}

// With a fixed clock and a scripted random source Sign is exactly ABogus
// over a fresh fingerprint and three randoms.
func TestSignerABogusDeterministic(t *testing.T) {
	now := time.UnixMilli(1718553600123)
	vals := []int{5, 6, 7, 8, 1, 9, 10, 11, 12, 1234, 5678, 9012}
	var asked []int
	s := Signer{UserAgent: crossUA, Now: fixedClock(now), Rand: seqRand(t, vals, &asked)}
	got := s.Sign(crossQuery, "b=1")

	var again []int
	in := ABogusInput{
		Query: crossQuery, Body: "b=1", UserAgent: crossUA,
		Fingerprint: Fingerprint(seqRand(t, vals[:9], &again)),
		Options:     [3]int{0, 1, 14}, StartMs: now.UnixMilli(), EndMs: now.UnixMilli(),
		Randoms: [3]int{1234, 5678, 9012},
	}
	if want := crossQuery + "&a_bogus=" + ABogus(in); got != want {
		t.Errorf("Sign = …%s, want …%s", tail(got), tail(want))
	}
	if asked[9] != 10000 || asked[10] != 10000 || asked[11] != 10000 {
		t.Errorf("random numbers drawn with bounds %v, want 10000", asked[9:])
	}
}

// The default clock and crypto/rand give fresh, verifiable signatures.
func TestSignerDefaults(t *testing.T) {
	s := Signer{UserAgent: crossUA}
	before := time.Now()
	a, b := s.Sign(crossQuery, ""), s.Sign(crossQuery, "")
	after := time.Now()
	if a == b {
		t.Error("two signatures are identical; randomness is reused")
	}
	for _, signed := range []string{a, b} {
		f, err := VerifyABogus(signed, "", crossUA)
		if err != nil {
			t.Fatal(err)
		}
		start := f.StartMsLow32
		if start < uint32(before.UnixMilli()) || start > uint32(after.UnixMilli()) {
			t.Errorf("signed at %d, outside [%d, %d]", start, uint32(before.UnixMilli()), uint32(after.UnixMilli()))
		}
		if f.Options != abDefaultOptions || !strings.HasSuffix(f.Fingerprint, "|Win32") {
			t.Errorf("options %v, fingerprint %q", f.Options, f.Fingerprint)
		}
		for _, r := range f.Randoms {
			if r < 0 || r > 9999 {
				t.Errorf("random %d outside 0..9999", r)
			}
		}
	}

	x := Signer{Scheme: SchemeXBogus, UserAgent: crossUA}
	signed := x.Sign(crossQuery, "body is not signed")
	if !strings.HasPrefix(signed, crossQuery+"&X-Bogus=DFSzswVY") {
		t.Fatalf("X-Bogus Sign = %q", signed)
	}
	ts, err := VerifyXBogus(signed, crossUA)
	if err != nil {
		t.Fatal(err)
	}
	if ts < before.Unix() || ts > after.Unix() {
		t.Errorf("X-Bogus time %d outside [%d, %d]", ts, before.Unix(), after.Unix())
	}
}

func TestCryptoRandInt(t *testing.T) {
	var seen [7]int
	for range 7000 {
		v := cryptoRandInt(7)
		if v < 0 || v >= 7 {
			t.Fatalf("cryptoRandInt(7) = %d", v)
		}
		seen[v]++
	}
	for v, c := range seen {
		if c < 800 || c > 1200 { // expected 1000, sd ≈ 29
			t.Errorf("value %d drawn %d times of 7000", v, c)
		}
	}
	if cryptoRandInt(1) != 0 || cryptoRandInt(0) != 0 {
		t.Error("degenerate bounds must give 0")
	}
}
