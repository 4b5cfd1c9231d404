package signcheck

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"slices"
	"testing"
)

// The reference vectors are sign's (recorded from F2); this package must
// reproduce them without sign's code.

type abVector struct {
	Name         string `json:"name"`
	Query        string `json:"query"`
	Body         string `json:"body"`
	UserAgent    string `json:"user_agent"`
	Fingerprint  string `json:"fingerprint"`
	Options      [3]int `json:"options"`
	StartMs      int64  `json:"start_ms"`
	EndMs        int64  `json:"end_ms"`
	RandomInts   [3]int `json:"random_ints"`
	Expected     string `json:"expected_a_bogus"`
	Intermediate struct {
		QueryHash string `json:"query_sm3sm3_hex"`
		BodyHash  string `json:"body_sm3sm3_hex"`
		UAHash    string `json:"ua_sm3_hex"`
	} `json:"intermediate"`
}

type xbVector struct {
	Name         string `json:"name"`
	Query        string `json:"query"`
	UserAgent    string `json:"user_agent"`
	Timestamp    int64  `json:"timestamp"`
	Expected     string `json:"expected_x_bogus"`
	Intermediate struct {
		UAHash string `json:"ua_hash_hex"`
	} `json:"intermediate"`
}

func load[T any](t *testing.T, name string) []T {
	t.Helper()
	data, err := os.ReadFile("../../sign/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Vectors []T }
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) < 12 {
		t.Fatalf("%s: %d vectors, want 12", name, len(f.Vectors))
	}
	return f.Vectors
}

func TestSM3(t *testing.T) {
	for in, want := range map[string]string{
		"abc": "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
		"abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd": "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732",
	} {
		got := sm3Sum([]byte(in))
		if hex.EncodeToString(got[:]) != want {
			t.Errorf("SM3(%q) = %x, want %s", in, got, want)
		}
	}
}

func TestKeystreamPrefix(t *testing.T) {
	want := []int{69, 132, 164, 66, 132, 231, 73, 53, 233, 160, 170, 115, 55, 196, 129, 61,
		1, 127, 117, 23, 27, 246, 68, 246, 220, 250, 0, 219, 248, 168, 151, 91,
		81, 62, 131, 51, 28, 146, 16, 90, 187, 48, 209, 145, 73, 144, 10, 179}
	if got := abKeystream(48); !slices.Equal(got, want) {
		t.Errorf("keystream %v\nwant %v", got, want)
	}
}

func TestABogusVectors(t *testing.T) {
	for _, v := range load[abVector](t, "abogus.json") {
		hq, hb, hu := abDoubleHash(v.Query), abDoubleHash(v.Body), abUAHash(v.UserAgent)
		if hex.EncodeToString(hq[:]) != v.Intermediate.QueryHash || hex.EncodeToString(hb[:]) != v.Intermediate.BodyHash || hex.EncodeToString(hu[:]) != v.Intermediate.UAHash {
			t.Errorf("%s: hashes %x %x %x", v.Name, hq, hb, hu)
		}
		in := ABogusInput{v.Query, v.Body, v.UserAgent, v.Fingerprint, v.Options, v.StartMs, v.EndMs, v.RandomInts}
		if got := ABogus(in); got != v.Expected {
			t.Errorf("%s: a_bogus\n got %s\nwant %s", v.Name, got, v.Expected)
		}
		d, err := DecodeABogus(v.Expected)
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		want := DecodedABogus{v.RandomInts, v.Fingerprint, v.StartMs, v.EndMs, v.Options}
		if d != want {
			t.Errorf("%s: decoded %+v, want %+v", v.Name, d, want)
		}
		if err := CheckFingerprint(v.Fingerprint); err != nil {
			t.Errorf("%s: %v", v.Name, err)
		}
	}
}

func TestXBogusVectors(t *testing.T) {
	for _, v := range load[xbVector](t, "xbogus.json") {
		if got := XBogus(v.Query, v.UserAgent, v.Timestamp); got != v.Expected {
			t.Errorf("%s: X-Bogus %s, want %s", v.Name, got, v.Expected)
		}
		if ts, err := DecodeXBogusTime(v.Expected); err != nil || ts != v.Timestamp {
			t.Errorf("%s: decoded time %d, %v; want %d", v.Name, ts, err, v.Timestamp)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, s := range []string{"", "abc", "Dk=d", "D===", "!!!!"} {
		if _, err := decode(s, alphaAB0); err == nil && s != "" {
			t.Errorf("decode(%q) accepted", s)
		}
	}
	if _, err := DecodeABogus("DkdpDkdp"); err == nil {
		t.Error("DecodeABogus accepted 6 bytes")
	}
	if _, err := DecodeXBogusTime("DFSzswVY"); err == nil {
		t.Error("DecodeXBogusTime accepted 6 bytes")
	}
}
