package sign

import "fmt"

// a_bogus constants (sign/docs/signing.md §3).
const (
	abSalt      = "cus"          // appended to query and body before hashing
	abUAKey     = "\x00\x01\x0e" // RC4 key for the User-Agent hash
	abAID       = 6383
	abPageID    = 0
	abHeaderLen = 44
	abPrefixLen = 12 // 4 clear-text values per random number
	abMinValues = abPrefixLen + abHeaderLen + 1
)

// abDefaultOptions is what F2 always sends (header_cfg, method, flags).
var abDefaultOptions = [3]int{0, 1, 14}

// abTable is the initial state of the stream transform (§3.5). Every
// signature starts from a fresh copy; F2's signer object mutates its copy,
// which we deliberately do not reproduce.
var abTable = [256]byte{
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

// ABogusInput holds every input a_bogus depends on (§3.1).
type ABogusInput struct {
	Query, Body, UserAgent, Fingerprint string
	Options                             [3]int // header_cfg, method, flags (the reference default is {0, 1, 14})
	StartMs, EndMs                      int64
	Randoms                             [3]int // each 0..9999, in call order
}

// ABogus returns the a_bogus signature for in (§3). Its length is
// 4*ceil((57+len(in.Fingerprint))/3) characters of the AB0 alphabet, the
// last one or two possibly '='.
//
// Deliberate choices where F2 is undefined or fragile:
//   - Query, Body and UserAgent are hashed as their bytes exactly as given
//     (UTF-8 for Go strings). F2 agrees for Query and Body; for the
//     User-Agent it fails on characters above U+00FF.
//   - The fingerprint enters as its bytes, F2 uses code points; they agree
//     for the ASCII fingerprints that exist. Bytes keep every fingerprint
//     value below 256, so DecodeABogus recovers it exactly.
//   - Header values are ints, not bytes: S_ms>>32, E_ms>>32, the >>40 parts
//     and len(Fingerprint) are not masked, and the encoder lets their high
//     bits spill as F2's does (§3.6). For timestamps in [2^40, 2^41) ms
//     (2004-2039) and fingerprints under 256 bytes this equals byte
//     arithmetic; outside that range the output matches F2 but can no
//     longer be decoded exactly.
//   - Only the low 16 bits of each random number are used (that is all the
//     prefix can carry). Options are split into bytes with arithmetic
//     shifts; F2's int(o1/256) differs only for negative values.
func ABogus(in ABogusInput) string {
	hq := abDoubleHash(in.Query)
	hb := abDoubleHash(in.Body)
	hu := abUAHash(in.UserAgent)
	h := abHeader(&in, &hq, &hb, &hu)

	var zbuf [192]int // fits any realistic fingerprint; append grows beyond
	z := appendABPrefix(zbuf[:0], in.Randoms)
	ks := newABStream()
	x := 0
	for _, v := range h {
		x ^= v
		z = append(z, v^ks.next())
	}
	for i := 0; i < len(in.Fingerprint); i++ {
		z = append(z, int(in.Fingerprint[i])^ks.next())
	}
	z = append(z, x^ks.next())

	var out [256]byte
	return string(appendWideBase64(out[:0], alphabetAB0, z))
}

// abDoubleHash returns SM3(SM3(s || "cus")), the query and body hash (§3.2).
func abDoubleHash(s string) [sm3Size]byte {
	d := newSM3()
	sm3Write(&d, s)
	sm3Write(&d, abSalt)
	inner := d.sum()
	return sm3Sum(inner[:])
}

// abUAHash returns SM3(Base64_AB1(RC4(00 01 0e, ua))), a single SM3 (§3.2).
func abUAHash(ua string) [sm3Size]byte {
	var buf [256]byte
	return sm3Sum(appendRC4Base64(buf[:0], abUAKey, ua, b64AB1))
}

// abHeader builds the 44 header values in output order (§3.3); the comment
// on each line gives F2's slot numbers for comparison with other code.
func abHeader(in *ABogusInput, hq, hb, hu *[sm3Size]byte) [abHeaderLen]int {
	s, e := in.StartMs, in.EndMs
	o0, o1, o2 := in.Options[0], in.Options[1], in.Options[2]
	return [abHeaderLen]int{
		44, int(s >> 24 & 255), abPageID >> 16 & 255, o0 >> 24 & 255, o1 >> 8 & 255, // 18 20 52 26 30
		o2 >> 24 & 255, abAID >> 8 & 255, int(hq[21]), int(hb[21]), abPageID >> 8 & 255, // 34 58 38 40 53
		int(hu[23]), int(s >> 16 & 255), o0 >> 16 & 255, abPageID & 255, abPageID, // 42 21 27 54 55
		o1 & 255, o2 >> 16 & 255, abAID & 255, int(hq[22]), int(hb[22]), // 31 35 57 39 41
		int(hu[24]), int(s >> 8 & 255), o0 >> 8 & 255, o1 >> 24 & 255, abAID >> 24 & 255, // 43 22 28 32 60
		o2 >> 8 & 255, int(s & 255), o0 & 255, o1 >> 16 & 255, o2 & 255, // 36 23 29 33 37
		int(e >> 24 & 255), int(e >> 16 & 255), abAID >> 16 & 255, int(e >> 8 & 255), int(e & 255), // 44 45 59 46 47
		3, int(e >> 32), int(e >> 40), int(s >> 32), int(s >> 40), // 48 49 50 24 25 (not masked)
		len(in.Fingerprint), 0, 0, 0, // 65 66 70 71
	}
}

// appendABPrefix appends the 12 clear-text values derived from the three
// random numbers (§3.6 step 1).
func appendABPrefix(dst []int, randoms [3]int) []int {
	for _, r := range randoms {
		dst = append(dst, r&0xAA|0x01, r&0x55|0x02, r>>8&0xAA|0x05, r>>8&0x55|0x28)
	}
	return dst
}

// abStream is the fixed-key keystream of §3.5. The keystream never depends
// on the data, so the same generator encrypts and decrypts.
type abStream struct {
	t            [256]byte
	b, cur, e, p byte // p is (k+2) mod 256
	started      bool
}

func newABStream() abStream {
	return abStream{t: abTable, b: abTable[1], p: 2}
}

// next returns the keystream value for the next position.
func (s *abStream) next() int {
	var i byte
	if !s.started {
		s.started = true
		iv := s.t[s.b]
		i = s.b + iv
		s.t[1] = iv
		s.t[s.b] = s.b
	} else {
		i = s.cur + s.e
	}
	out := s.t[i]
	s.e = s.t[s.p]
	s2 := s.b + s.e
	s.cur = s.t[s2]
	s.t[s2] = s.t[s.p]
	s.t[s.p] = s.cur
	s.b = s2
	s.p++
	return int(out)
}

// ABogusFields is what an a_bogus value carries (§3.9).
type ABogusFields struct {
	Randoms      [3]int
	Header       []int // 44 values, 36 and 38 without bit 8
	Fingerprint  string
	StartMsLow32 uint32
	EndMsLow32   uint32
	Options      [3]int
}

// DecodeABogus reverses ABogus. It rejects text that is not strict padded
// Base64 in the AB0 alphabet, is shorter than an empty-fingerprint value,
// has a malformed random prefix, or whose fixed header values (44, 3, aid
// 6383, pageId 0, trailing zeros) are wrong. It does not check the
// checksum or the fingerprint length, which the format can lose for
// out-of-range inputs (see ABogus); VerifyABogus does.
//
// Header values 36 and 38 come back as their low 8 bits; the other values,
// the fingerprint and the randoms come back exactly for every signature
// with timestamps in [2^40, 2^41) ms and a fingerprint under 256 bytes.
func DecodeABogus(ab string) (ABogusFields, error) {
	f, _, err := decodeABogus(ab)
	return f, err
}

// decodeABogus also returns the checksum value for VerifyABogus.
func decodeABogus(ab string) (ABogusFields, int, error) {
	var buf [192]byte
	z, err := appendBase64Decode(buf[:0], b64AB0, ab)
	if err != nil {
		return ABogusFields{}, 0, fmt.Errorf("sign: a_bogus is not padded Base64 in the AB0 alphabet: %v", err)
	}
	if len(z) < abMinValues {
		return ABogusFields{}, 0, fmt.Errorf("sign: a_bogus carries %d values, want at least %d", len(z), abMinValues)
	}

	var f ABogusFields
	for i := range f.Randoms {
		p := z[4*i : 4*i+4]
		if p[0]&0x55 != 0x01 || p[1]&0xAA != 0x02 || p[2]&0x55 != 0x05 || p[3]&0xAA != 0x28 {
			return ABogusFields{}, 0, fmt.Errorf("sign: a_bogus random prefix %d is malformed (%02x %02x %02x %02x)", i, p[0], p[1], p[2], p[3])
		}
		f.Randoms[i] = int(p[0]&0xAA|p[1]&0x55) | int(p[2]&0xAA|p[3]&0x55)<<8
	}

	v := z[abPrefixLen:]
	ks := newABStream()
	for k := range v {
		v[k] ^= byte(ks.next())
	}
	h := make([]int, abHeaderLen)
	for i := range h {
		h[i] = int(v[i])
	}
	fixed := [...]struct{ i, want int }{
		{0, 44}, {35, 3},
		{6, abAID >> 8 & 255}, {17, abAID & 255}, {24, abAID >> 24 & 255}, {32, abAID >> 16 & 255},
		{2, 0}, {9, 0}, {13, 0}, {14, 0}, // pageId
		{41, 0}, {42, 0}, {43, 0},
	}
	for _, c := range fixed {
		if h[c.i] != c.want {
			return ABogusFields{}, 0, fmt.Errorf("sign: a_bogus header value %d is %d, want %d", c.i, h[c.i], c.want)
		}
	}
	f.Header = h
	f.Fingerprint = string(v[abHeaderLen : len(v)-1])
	f.StartMsLow32 = be32(h[1], h[11], h[21], h[26])
	f.EndMsLow32 = be32(h[30], h[31], h[33], h[34])
	f.Options = [3]int{
		int(int32(be32(h[3], h[12], h[22], h[27]))),
		int(int32(be32(h[23], h[28], h[4], h[15]))),
		int(int32(be32(h[5], h[16], h[25], h[29]))),
	}
	return f, int(v[len(v)-1]), nil
}

// be32 joins four byte values, most significant first.
func be32(b3, b2, b1, b0 int) uint32 {
	return uint32(b3&255)<<24 | uint32(b2&255)<<16 | uint32(b1&255)<<8 | uint32(b0&255)
}
