package sign

import (
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestSM3KnownAnswers(t *testing.T) {
	tests := []struct{ in, want string }{
		// sign/docs/signing.md §1.2 check value (also GB/T 32905-2016 example 1).
		{"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"},
		// GB/T 32905-2016 example 2: one full 512-bit block.
		{strings.Repeat("abcd", 16), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"},
	}
	for _, tt := range tests {
		got := sm3Sum(tt.in)
		if hex.EncodeToString(got[:]) != tt.want {
			t.Errorf("SM3(%q) = %x, want %s", tt.in, got, tt.want)
		}
		gotBytes := sm3Sum([]byte(tt.in))
		if gotBytes != got {
			t.Errorf("SM3 of []byte and string disagree for %q", tt.in)
		}
	}
}

// Feeding data in arbitrary pieces must equal hashing it at once, across
// every padding boundary (55, 56, 63, 64 bytes ...).
func TestSM3Chunking(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 300)
	for i := range data {
		data[i] = byte(r.IntN(256))
	}
	for n := 0; n <= len(data); n++ {
		want := sm3Sum(data[:n])
		d := newSM3()
		for rest := data[:n]; len(rest) > 0; {
			k := min(1+r.IntN(70), len(rest))
			sm3Write(&d, string(rest[:k]))
			rest = rest[k:]
		}
		if got := d.sum(); got != want {
			t.Fatalf("len %d: chunked %x, one-shot %x", n, got, want)
		}
		if d.sum() != want {
			t.Fatalf("len %d: sum changed the digest state", n)
		}
	}
}

// The §3.2 constant: SM3(SM3("" || "cus")).
func TestSM3EmptyBodyHash(t *testing.T) {
	got := abDoubleHash("")
	if want := "886572933a4dcfc9d7a29a5df80d8ea06949d7f1533a332bff26a88dd8c223ec"; hex.EncodeToString(got[:]) != want {
		t.Errorf("empty body hash %x, want %s", got, want)
	}
}
