package sign

import (
	"crypto/md5"
	"encoding/binary"
	"fmt"
)

// X-Bogus constants (sign/docs/signing.md §2).
const (
	xbUAKey      = "\x00\x01\x0c" // RC4 key for the User-Agent hash
	xbPayloadKey = "\xff"         // RC4 key for the 19-byte payload
	xbCanvas     = 0x2000BE90     // fixed "canvas" value CT
	xbLen        = 28             // characters in every X-Bogus value
	xbPlainLen   = 19
	xbPrefix     = "DFSzswVY" // first 8 characters, fixed by the 02 ff frame
)

// xbBodyHash is MD5(MD5(""))[14:16]: X-Bogus never hashes the body and uses
// this constant in its place (§2.2 step 2).
var xbBodyHash = [2]byte{0x45, 0x3f}

// XBogus returns the 28-character X-Bogus signature of query (the exact text
// that precedes "&X-Bogus=", without '?') for userAgent at unixSeconds
// (taken modulo 2^32, as the format stores 4 bytes).
//
// Query and User-Agent are hashed as their bytes exactly as given (UTF-8 for
// Go strings). This deliberately differs from F2 on inputs it mishandles
// (§2.3): F2 treats strings of 32 characters or fewer as hexadecimal (so
// queries ≤ 32 bytes and User-Agents ≤ 24 bytes come out differently) and
// fails on characters above U+00FF. Real inputs are longer, percent-encoded
// ASCII, where both agree.
func XBogus(query, userAgent string, unixSeconds int64) string {
	p := xbPlain(xbQueryHash(query), xbUAHash(userAgent), uint32(unixSeconds))
	var buf [xbLen]byte
	return string(xbEncode(buf[:0], &p))
}

// xbQueryHash returns MD5(MD5(query))[14:16]; the outer MD5 hashes the raw
// 16 digest bytes.
func xbQueryHash(query string) [2]byte {
	inner := md5.Sum([]byte(query))
	outer := md5.Sum(inner[:])
	return [2]byte{outer[14], outer[15]}
}

// xbUAHash returns MD5(Base64_STD(RC4(00 01 0c, ua)))[14:16], a single MD5
// over the Base64 text.
func xbUAHash(ua string) [2]byte {
	var buf [256]byte // typical UAs fit; append moves longer ones to the heap
	text := appendRC4Base64(buf[:0], xbUAKey, ua, b64STD)
	sum := md5.Sum(text)
	return [2]byte{sum[14], sum[15]}
}

// xbPlain builds the 19-byte payload P of §2.2 step 4.
func xbPlain(queryHash, uaHash [2]byte, t uint32) [xbPlainLen]byte {
	p := [xbPlainLen]byte{
		0: 64, 1: 0, 2: 1, 3: 12,
		4: queryHash[0], 5: queryHash[1],
		6: xbBodyHash[0], 7: xbBodyHash[1],
		8: uaHash[0], 9: uaHash[1],
	}
	binary.BigEndian.PutUint32(p[10:], t)
	binary.BigEndian.PutUint32(p[14:], xbCanvas)
	p[18] = xorBytes(p[:18])
	return p
}

func xorBytes(b []byte) byte {
	var x byte
	for _, v := range b {
		x ^= v
	}
	return x
}

// xbEncode encrypts P, frames it as 02 ff || C and appends its Base64_XB.
func xbEncode(dst []byte, p *[xbPlainLen]byte) []byte {
	var g [2 + xbPlainLen]byte
	g[0], g[1] = 0x02, 0xff
	c := newRC4(xbPayloadKey)
	c.XORKeyStream(g[2:], p[:])
	return b64XB.AppendEncode(dst, g[:])
}

// XBogusFields is what an X-Bogus value carries (§2.5): the signing time and
// the last two bytes of the query, body and User-Agent hashes.
type XBogusFields struct {
	Timestamp int64 // Unix seconds, 0..2^32-1
	QueryHash [2]byte
	BodyHash  [2]byte // always 45 3f for a well-formed value
	UAHash    [2]byte
}

// DecodeXBogus reverses XBogus: it checks the length, alphabet, frame,
// constant bytes and checksum, and returns the carried fields. It does not
// check anything against a request; see VerifyXBogus.
func DecodeXBogus(xb string) (XBogusFields, error) {
	if len(xb) != xbLen {
		return XBogusFields{}, fmt.Errorf("sign: X-Bogus has %d characters, want %d", len(xb), xbLen)
	}
	var buf [2 + xbPlainLen]byte
	g, err := appendBase64Decode(buf[:0], b64XB, xb)
	if err != nil || len(g) != len(buf) {
		return XBogusFields{}, fmt.Errorf("sign: X-Bogus %q is not Base64 in the X-Bogus alphabet", xb)
	}
	if g[0] != 0x02 || g[1] != 0xff {
		return XBogusFields{}, fmt.Errorf("sign: X-Bogus frame is %02x %02x, want 02 ff", g[0], g[1])
	}
	var p [xbPlainLen]byte
	c := newRC4(xbPayloadKey)
	c.XORKeyStream(p[:], g[2:])
	if p[0] != 64 || p[1] != 0 || p[2] != 1 || p[3] != 12 {
		return XBogusFields{}, fmt.Errorf("sign: X-Bogus header is %02x %02x %02x %02x, want 40 00 01 0c", p[0], p[1], p[2], p[3])
	}
	if ct := binary.BigEndian.Uint32(p[14:]); ct != xbCanvas {
		return XBogusFields{}, fmt.Errorf("sign: X-Bogus canvas value is %#x, want %#x", ct, xbCanvas)
	}
	if x := xorBytes(p[:18]); p[18] != x {
		return XBogusFields{}, fmt.Errorf("sign: X-Bogus checksum is %#02x, want %#02x", p[18], x)
	}
	return XBogusFields{
		Timestamp: int64(binary.BigEndian.Uint32(p[10:])),
		QueryHash: [2]byte{p[4], p[5]},
		BodyHash:  [2]byte{p[6], p[7]},
		UAHash:    [2]byte{p[8], p[9]},
	}, nil
}
