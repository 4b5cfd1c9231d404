package sign

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestFingerprintBounds(t *testing.T) {
	var asked []int
	low := Fingerprint(func(n int) int { asked = append(asked, n); return 0 })
	if want := "1024|768|1048|843|0|0|0|0|1024|768|1280|800|1024|768|24|24|Win32"; low != want {
		t.Errorf("all-minimum fingerprint %s, want %s", low, want)
	}
	// Inclusive ranges of §3.7, in F2's draw order.
	if want := []int{897, 313, 9, 16, 2, 897, 313, 641, 281}; !slices.Equal(asked, want) {
		t.Errorf("draw bounds %v, want %v", asked, want)
	}
	high := Fingerprint(func(n int) int { return n - 1 })
	if want := "1920|1080|1952|1170|0|30|0|0|1920|1080|1920|1080|1920|1080|24|24|Win32"; high != want {
		t.Errorf("all-maximum fingerprint %s, want %s", high, want)
	}
}

func TestFingerprintShape(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for range 500 {
		fp := Fingerprint(r.IntN)
		f := strings.Split(fp, "|")
		if len(f) != 17 || f[16] != "Win32" {
			t.Fatalf("%q: want 17 fields ending in Win32", fp)
		}
		n := make([]int, 16)
		for i := range n {
			v, err := strconv.Atoi(f[i])
			if err != nil {
				t.Fatalf("%q field %d: %v", fp, i, err)
			}
			n[i] = v
		}
		in := func(v, lo, hi int) bool { return lo <= v && v <= hi }
		if !in(n[0], 1024, 1920) || !in(n[1], 768, 1080) || !in(n[2]-n[0], 24, 32) || !in(n[3]-n[1], 75, 90) ||
			n[4] != 0 || (n[5] != 0 && n[5] != 30) || n[6] != 0 || n[7] != 0 ||
			!in(n[8], 1024, 1920) || !in(n[9], 768, 1080) || !in(n[10], 1280, 1920) || !in(n[11], 800, 1080) ||
			n[12] != n[0] || n[13] != n[1] || n[14] != 24 || n[15] != 24 {
			t.Fatalf("%q is outside the §3.7 ranges", fp)
		}
		if l := len(fp); l < 64 || l > 70 {
			t.Fatalf("%q: length %d, F2's a_bogus lengths assume 64..70", fp, l)
		}
	}
}
