package sign

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// seqRand returns a random source that yields vals in order and records
// every n it was asked for.
func seqRand(t *testing.T, vals []int, asked *[]int) func(int) int {
	i := 0
	return func(n int) int {
		*asked = append(*asked, n)
		if i >= len(vals) {
			t.Fatalf("random source called %d times, only %d values given", i+1, len(vals))
		}
		i++
		return vals[i-1]
	}
}

func constRand(v int) func(int) int { return func(int) int { return v } }

func TestVerifyFpWorkedExamples(t *testing.T) {
	// sign/docs/signing.md §4.2.
	draws := []int{0, 7, 14, 21, 28, 35, 42, 49, 56, 1, 8, 15, 22, 29, 36, 43, 50, 57, 2, 9, 16, 23, 30, 37, 44, 51, 58, 3, 10, 17, 24}
	var asked []int
	got := VerifyFp(1718553600123, seqRand(t, draws, &asked))
	if want := "verify_lxhqfwjf_07ELSZgn_u18F_4MTa_Bov2_9GNUbipw3AHO"; got != want {
		t.Errorf("§4.2 example: %s, want %s", got, want)
	}
	if len(asked) != 31 {
		t.Errorf("asked %v, want 31 draws", asked)
	}
	for _, n := range asked {
		if n != 62 {
			t.Errorf("draw bound %d, want 62", n)
		}
	}
	// fetch/docs/douyin-web-api.md §5.4: random() always 0.5 → floor(0.5*62) = 31.
	if got, want := VerifyFp(1700000000123, constRand(31)), "verify_loyw3v5n_VVVVVVVV_VVVV_4VVV_BVVV_VVVVVVVVVVVV"; got != want {
		t.Errorf("§5.4 example: %s, want %s", got, want)
	}
}

var verifyFpPattern = regexp.MustCompile(`^verify_[0-9a-z]{8}_[0-9A-Za-z]{8}_[0-9A-Za-z]{4}_4[0-9A-Za-z]{3}_[89AB][0-9A-Za-z]{3}_[0-9A-Za-z]{12}$`)

func TestVerifyFpShape(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 200 {
		ms := 1500000000000 + r.Int64N(1e12)
		got := VerifyFp(ms, r.IntN)
		if len(got) != 52 || !verifyFpPattern.MatchString(got) {
			t.Fatalf("VerifyFp = %q, not the §4.2 shape", got)
		}
		if want := strconv.FormatInt(ms, 36); got[7:15] != want {
			t.Fatalf("time part %s, want %s", got[7:15], want)
		}
	}
	for n := range 62 {
		if c := VerifyFp(0, constRand(n))[9+19]; !strings.ContainsRune("89AB", rune(c)) {
			t.Fatalf("draw %d gave %q at position 19", n, c)
		}
	}
}

func TestFalseMsToken(t *testing.T) {
	i := 0
	var asked []int
	counter := func(n int) int { asked = append(asked, n); i++; return (i - 1) % n }
	got := FalseMsToken(counter)
	if len(got) != 184 || !strings.HasSuffix(got, "==") {
		t.Fatalf("FalseMsToken = %q (%d chars), want 182 + \"==\"", got, len(got))
	}
	for k := range 182 {
		if want := msTokenAlphabet[k%64]; got[k] != want {
			t.Fatalf("char %d = %q, want %q", k, got[k], want)
		}
	}
	if len(asked) != 182 || asked[0] != 64 {
		t.Errorf("asked %d draws with bound %v, want 182 of 64", len(asked), asked[:1])
	}
	if strings.ContainsAny(got[:182], "/=_") {
		t.Error("token uses characters outside A-Z a-z 0-9 + -")
	}
}

// A source that ignores its contract must not make the generators panic.
func TestTokensToleratesBadRand(t *testing.T) {
	for _, v := range []int{-1, -1000, 62, 64, 1 << 30} {
		rnd := constRand(v)
		if len(FalseMsToken(rnd)) != 184 || len(VerifyFp(1700000000123, rnd)) != 52 || Fingerprint(rnd) == "" {
			t.Errorf("bad source %d changed the output shape", v)
		}
	}
}
