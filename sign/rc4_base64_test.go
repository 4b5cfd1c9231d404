package sign

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"math/rand/v2"
	"testing"
)

// TestRC4KnownAnswers checks newRC4's keying with the published RC4 test
// vectors; the signing vectors check it with our keys.
func TestRC4KnownAnswers(t *testing.T) {
	for _, v := range []struct{ key, text, want string }{
		{"Key", "Plaintext", "bbf316e8d940af0ad3"},
		{"Wiki", "pedia", "1021bf0420"},
		{"Secret", "Attack at dawn", "45a01f645fc35b383552544b9bf5"},
	} {
		got := make([]byte, len(v.text))
		newRC4(v.key).XORKeyStream(got, []byte(v.text))
		if hex.EncodeToString(got) != v.want {
			t.Errorf("RC4(%q, %q) = %x, want %s", v.key, v.text, got, v.want)
		}
	}
}

// The wide encoder, the decoder and appendRC4Base64 agree with plain
// encoding/base64 over the alphabet; lengths pass appendRC4Base64's chunk.
func TestBase64MatchesStdlib(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, alphabet := range []string{alphabetSTD, alphabetXB, alphabetAB0, alphabetAB1} {
		enc := base64.NewEncoding(alphabet)
		strict := enc.Strict()
		for _, n := range []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 19, 21, 40, 95, 96, 97, 98, 200, 301} {
			src := make([]byte, n)
			for i := range src {
				src[i] = byte(r.IntN(256))
			}
			want := enc.EncodeToString(src)
			ints := make([]int, n)
			for i, b := range src {
				ints[i] = int(b)
			}
			if wide := string(appendWideBase64(nil, alphabet, ints)); wide != want {
				t.Fatalf("alphabet %.8s… len %d: wide encoder gives %q, want %q", alphabet, n, wide, want)
			}
			back, err := appendBase64Decode(nil, strict, want)
			if err != nil || !bytes.Equal(back, src) {
				t.Fatalf("decode(%q) = %x, %v; want %x", want, back, err, src)
			}
			text := string(appendRC4Base64(nil, "k", string(src), strict))
			enciphered := make([]byte, n)
			newRC4("k").XORKeyStream(enciphered, src)
			if text != enc.EncodeToString(enciphered) {
				t.Fatalf("len %d: appendRC4Base64 differs from RC4 then Base64", n)
			}
		}
	}
}

func TestBase64DecodeRejects(t *testing.T) {
	for _, s := range []string{
		"A", "AB", "ABC", // not a multiple of 4
		"A===", "====", // too much padding
		"AB==ABCD", // padding before the end
		"AB=C",     // padding inside a group
		"AB*D",     // foreign character
		"AF==",     // non-zero unused bits: 'F' = 5
		"ABC=AB==", // padding in a middle group

		"ABCD\n", "AB\r\nCD==", // line breaks, which encoding/base64 skips
	} {
		if got, err := appendBase64Decode(nil, b64STD, s); err == nil {
			t.Errorf("decode(%q) = %x, want error", s, got)
		}
	}
}

// Values above 255 keep their full width: bits above 23 are dropped and a
// high byte spills into the previous value (§3.6 step 3). Group
// (256, 1, 256) gives 0x1000100: bit 24 is dropped and 256's bit 8 ORs
// onto the middle value's bit 0, which is already set, so the text equals
// the byte group (0, 1, 0).
func TestWideBase64Spill(t *testing.T) {
	got := string(appendWideBase64(nil, alphabetAB0, []int{256, 1, 256}))
	want := b64AB0.EncodeToString([]byte{0, 1, 0})
	if got != want {
		t.Errorf("wide (256,1,256) = %q, want %q", got, want)
	}
	got = string(appendWideBase64(nil, alphabetAB0, []int{0, 0, 256}))
	want = b64AB0.EncodeToString([]byte{0, 1, 0})
	if got != want {
		t.Errorf("wide (0,0,256) = %q, want spill into middle: %q", got, want)
	}
}
