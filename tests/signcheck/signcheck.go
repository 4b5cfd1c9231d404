// Package signcheck is a second, independent implementation of Douyin's
// X-Bogus and a_bogus signatures, written from sign/docs/signing.md
// without importing package sign. Tests use it to recompute signatures
// that douyinfs sent, so a consistent change to sign (a different salt,
// table or constant) that sign's own verifier would accept still fails.
package signcheck

import (
	"crypto/md5"
	"crypto/rc4"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// Alphabets of §1.3.
const (
	alphaSTD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	alphaXB  = "Dkdpgh4ZKsQB80/Mfvw36XI1R25-WUAlEi7NLboqYTOPuzmFjJnryx9HVGcaStCe"
	alphaAB0 = "Dkdpgh2ZmsQB80/MfvV36XI1R45-WUAlEixNLwoqYTOPuzKFjJnry79HbGcaStCe"
	alphaAB1 = "ckdp1h4ZKsUB80/Mfvw36XIgR25+WQAlEi7NLboqYTOPuzmFjJnryx9HVGDaStCe"
)

// encode is Base64 over values (ints, so a value above 255 spills into
// its neighbour as §3.6 describes) with the given alphabet and '=' padding.
func encode(vals []int, alpha string) string {
	var sb strings.Builder
	for i := 0; i < len(vals); i += 3 {
		n, k := 0, len(vals)-i
		if k > 3 {
			k = 3
		}
		for j := 0; j < 3; j++ {
			n <<= 8
			if j < k {
				n |= vals[i+j]
			}
		}
		for j := 0; j < 4; j++ {
			if j > k {
				sb.WriteByte('=')
				continue
			}
			sb.WriteByte(alpha[(n>>(18-6*j))&63])
		}
	}
	return sb.String()
}

func encodeBytes(b []byte, alpha string) string {
	v := make([]int, len(b))
	for i, c := range b {
		v[i] = int(c)
	}
	return encode(v, alpha)
}

// decode reverses encode for 8-bit values; padding ends the data.
func decode(s, alpha string) ([]byte, error) {
	if len(s)%4 != 0 {
		return nil, fmt.Errorf("length %d is not a multiple of 4", len(s))
	}
	var out []byte
	for i := 0; i < len(s); i += 4 {
		n, k := 0, 0
		for j := 0; j < 4; j++ {
			c := s[i+j]
			n <<= 6
			if c == '=' {
				continue
			}
			x := strings.IndexByte(alpha, c)
			if x < 0 || k != j {
				return nil, fmt.Errorf("bad character %q at %d", c, i+j)
			}
			n |= x
			k++
		}
		if k < 2 || (k < 4 && i+4 != len(s)) {
			return nil, fmt.Errorf("bad padding at %d", i)
		}
		for j := 0; j < k-1; j++ {
			out = append(out, byte(n>>(16-8*j)))
		}
	}
	return out, nil
}

func rc4XOR(key, data []byte) []byte {
	c, err := rc4.NewCipher(key)
	if err != nil {
		panic(err)
	}
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out
}

// XBogus is §2.2: the 28-character X-Bogus of query, userAgent and unix
// seconds.
func XBogus(query, userAgent string, unix int64) string {
	h1 := md5.Sum([]byte(query))
	hq := md5.Sum(h1[:])
	e := md5.Sum(nil)
	hb := md5.Sum(e[:])
	hu := md5.Sum([]byte(encodeBytes(rc4XOR([]byte{0, 1, 12}, []byte(userAgent)), alphaSTD)))
	p := []byte{64, 0, 1, 12, hq[14], hq[15], hb[14], hb[15], hu[14], hu[15]}
	p = binary.BigEndian.AppendUint32(p, uint32(unix))
	p = binary.BigEndian.AppendUint32(p, 536919696)
	var x byte
	for _, c := range p {
		x ^= c
	}
	p = append(p, x)
	g := append([]byte{2, 255}, rc4XOR([]byte{255}, p)...)
	return encodeBytes(g, alphaXB)
}

// ABogusInput holds every input of §3.1.
type ABogusInput struct {
	Query, Body, UserAgent, Fingerprint string
	Options                             [3]int
	StartMs, EndMs                      int64
	Randoms                             [3]int
}

const abSalt = "cus"

func abDoubleHash(s string) [32]byte {
	inner := sm3Sum([]byte(s + abSalt))
	return sm3Sum(inner[:])
}

func abUAHash(ua string) [32]byte {
	return sm3Sum([]byte(encodeBytes(rc4XOR([]byte{0, 1, 14}, []byte(ua)), alphaAB1)))
}

// abTable is §3.5's initial table.
var abTable = [256]int{
	121, 243, 55, 234, 103, 36, 47, 228, 30, 231, 106, 6, 115, 95, 78, 101,
	250, 207, 198, 50, 139, 227, 220, 105, 97, 143, 34, 28, 194, 215, 18, 100,
	159, 160, 43, 8, 169, 217, 180, 120, 247, 45, 90, 11, 27, 197, 46, 3,
	84, 72, 5, 68, 62, 56, 221, 75, 144, 79, 73, 161, 178, 81, 64, 187,
	134, 117, 186, 118, 16, 241, 130, 71, 89, 147, 122, 129, 65, 40, 88, 150,
	110, 219, 199, 255, 181, 254, 48, 4, 195, 248, 208, 32, 116, 167, 69, 201,
	17, 124, 125, 104, 96, 83, 80, 127, 236, 108, 154, 126, 204, 15, 20, 135,
	112, 158, 13, 1, 188, 164, 210, 237, 222, 98, 212, 77, 253, 42, 170, 202,
	26, 22, 29, 182, 251, 10, 173, 152, 58, 138, 54, 141, 185, 33, 157, 31,
	252, 132, 233, 235, 102, 196, 191, 223, 240, 148, 39, 123, 92, 82, 128, 109,
	57, 24, 38, 113, 209, 245, 2, 119, 153, 229, 189, 214, 230, 174, 232, 63,
	52, 205, 86, 140, 66, 175, 111, 171, 246, 133, 238, 193, 99, 60, 74, 91,
	225, 51, 76, 37, 145, 211, 166, 151, 213, 206, 0, 200, 244, 176, 218, 44,
	184, 172, 49, 216, 93, 168, 53, 21, 183, 41, 67, 85, 224, 155, 226, 242,
	87, 177, 146, 70, 190, 12, 162, 19, 137, 114, 25, 165, 163, 192, 23, 59,
	9, 94, 179, 107, 35, 7, 142, 131, 239, 203, 149, 136, 61, 249, 14, 156,
}

// abKeystream returns the first n values of §3.5's keystream, running the
// transform on a fresh copy of the table.
func abKeystream(n int) []int {
	t := abTable
	ks := make([]int, n)
	b := t[1]
	var cur, e int
	for k := 0; k < n; k++ {
		var s int
		if k == 0 {
			iv := t[b]
			s = b + iv
			t[1] = iv
			t[b] = b
		} else {
			s = cur + e
		}
		ks[k] = t[s%256]
		p := (k + 2) % 256
		e = t[p]
		s2 := (b + e) % 256
		cur = t[s2]
		t[s2] = t[p]
		t[p] = cur
		b = s2
	}
	return ks
}

// abHeader is §3.3's 44 values.
func abHeader(in ABogusInput) []int {
	const aid, page = 6383, 0
	hq, hb, hu := abDoubleHash(in.Query), abDoubleHash(in.Body), abUAHash(in.UserAgent)
	s, e := in.StartMs, in.EndMs
	o0, o1, o2 := in.Options[0], in.Options[1], in.Options[2]
	b := func(x int64, sh uint) int { return int(x>>sh) & 255 }
	i := func(x int, sh uint) int { return (x >> sh) & 255 }
	return []int{
		44, b(s, 24), i(page, 16), i(o0, 24), i(o1, 8), i(o2, 24), i(aid, 8), int(hq[21]), int(hb[21]), i(page, 8),
		int(hu[23]), b(s, 16), i(o0, 16), page & 255, page, o1 & 255, i(o2, 16), aid & 255, int(hq[22]), int(hb[22]),
		int(hu[24]), b(s, 8), i(o0, 8), i(o1, 24), i(aid, 24), i(o2, 8), int(s & 255), o0 & 255, i(o1, 16), o2 & 255,
		b(e, 24), b(e, 16), i(aid, 16), b(e, 8), int(e & 255), 3, int(e >> 32), int(e >> 40), int(s >> 32), int(s >> 40),
		len(in.Fingerprint), 0, 0, 0,
	}
}

// ABogus is §3.2–§3.6: the a_bogus value of in.
func ABogus(in ABogusInput) string {
	h := abHeader(in)
	v := append([]int(nil), h...)
	x := 0
	for _, c := range h {
		x ^= c
	}
	for i := 0; i < len(in.Fingerprint); i++ {
		v = append(v, int(in.Fingerprint[i]))
	}
	v = append(v, x)
	z := make([]int, 0, 12+len(v))
	for _, r := range in.Randoms {
		z = append(z, r&0xAA|1, r&0x55|2, (r>>8)&0xAA|5, (r>>8)&0x55|0x28)
	}
	ks := abKeystream(len(v))
	for k, c := range v {
		z = append(z, c^ks[k])
	}
	return encode(z, alphaAB0)
}

// DecodedABogus is what an a_bogus value carries besides its hashes.
type DecodedABogus struct {
	Randoms        [3]int
	Fingerprint    string
	StartMs, EndMs int64
	Options        [3]int
}

// DecodeABogus undoes the encoding, prefix and keystream (§3.9) and reads
// the inputs that are not derived from the request: the randoms, the
// fingerprint, the times (bit 8 of values 36 and 38 is lost in encoding,
// which matters only after 2039) and the options.
func DecodeABogus(value string) (DecodedABogus, error) {
	var d DecodedABogus
	z, err := decode(value, alphaAB0)
	if err != nil {
		return d, fmt.Errorf("a_bogus: %v", err)
	}
	if len(z) < 12+45 {
		return d, fmt.Errorf("a_bogus: %d bytes, too short", len(z))
	}
	for i := range d.Randoms {
		p := z[4*i : 4*i+4]
		d.Randoms[i] = int(p[0]&0xAA|p[1]&0x55) | int(p[2]&0xAA|p[3]&0x55)<<8
	}
	w := z[12:]
	ks := abKeystream(len(w))
	v := make([]int, len(w))
	for k := range w {
		v[k] = int(w[k]) ^ ks[k]
	}
	if n := v[40]; 45+n != len(v) {
		return d, fmt.Errorf("a_bogus: fingerprint length %d does not fit %d values", n, len(v))
	}
	fp := make([]byte, v[40])
	for i := range fp {
		fp[i] = byte(v[44+i])
	}
	d.Fingerprint = string(fp)
	time := func(hi40, hi32, b3, b2, b1, b0 int) int64 {
		return int64(hi40)<<40 | int64(hi32&255)<<32 | int64(b3)<<24 | int64(b2)<<16 | int64(b1)<<8 | int64(b0)
	}
	d.StartMs = time(v[39], v[38], v[1], v[11], v[21], v[26])
	d.EndMs = time(v[37], v[36], v[30], v[31], v[33], v[34])
	d.Options = [3]int{v[3]<<24 | v[12]<<16 | v[22]<<8 | v[27], v[23]<<24 | v[28]<<16 | v[4]<<8 | v[15], v[5]<<24 | v[16]<<16 | v[25]<<8 | v[29]}
	return d, nil
}

// DecodeXBogusTime reverses §2.2 steps 5–7 and returns the signed Unix time.
func DecodeXBogusTime(value string) (int64, error) {
	g, err := decode(value, alphaXB)
	if err != nil || len(g) != 21 || g[0] != 2 || g[1] != 255 {
		return 0, fmt.Errorf("X-Bogus %q: not a 21-byte 02 ff frame (%v)", value, err)
	}
	p := rc4XOR([]byte{255}, g[2:])
	return int64(binary.BigEndian.Uint32(p[10:14])), nil
}

// CheckFingerprint checks fp against F2's generator (§3.7).
func CheckFingerprint(fp string) error {
	f := strings.Split(fp, "|")
	if len(f) != 17 || (f[16] != "Win32" && f[16] != "MacIntel") {
		return fmt.Errorf("fingerprint %q: want 17 fields ending in the platform", fp)
	}
	n := make([]int, 16)
	for i := range n {
		x, err := strconv.Atoi(f[i])
		if err != nil {
			return fmt.Errorf("fingerprint %q: field %d: %v", fp, i, err)
		}
		n[i] = x
	}
	in := func(x, lo, hi int) bool { return x >= lo && x <= hi }
	ok := in(n[0], 1024, 1920) && in(n[1], 768, 1080) && in(n[2]-n[0], 24, 32) && in(n[3]-n[1], 75, 90) &&
		n[4] == 0 && (n[5] == 0 || n[5] == 30) && n[6] == 0 && n[7] == 0 &&
		in(n[8], 1024, 1920) && in(n[9], 768, 1080) && in(n[10], 1280, 1920) && in(n[11], 800, 1080) &&
		n[12] == n[0] && n[13] == n[1] && n[14] == 24 && n[15] == 24
	if !ok {
		return fmt.Errorf("fingerprint %q is outside F2's ranges", fp)
	}
	return nil
}

// Split cuts a raw signed query at the last marker ("&a_bogus=" or
// "&X-Bogus=") into the signed query and the value.
func Split(raw, marker string) (query, value string, ok bool) {
	i := strings.LastIndex(raw, marker)
	if i < 0 {
		return "", "", false
	}
	query, value = raw[:i], raw[i+len(marker):]
	value, _, _ = strings.Cut(value, "&")
	return query, value, true
}
