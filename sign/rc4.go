package sign

import (
	"crypto/rc4"
	"encoding/base64"
)

// newRC4 returns plain RC4 (sign/docs/signing.md §1.1) from the standard library. Our
// keys are constants of 1 to 3 bytes, so NewCipher can only fail under
// GODEBUG=fips140=only, which also refuses the MD5 that X-Bogus needs:
// signing cannot work there at all.
func newRC4(key string) *rc4.Cipher {
	c, err := rc4.NewCipher([]byte(key))
	if err != nil {
		panic("sign: " + err.Error())
	}
	return c
}

// appendRC4Base64 appends enc(RC4(key, text)) to dst through a small buffer
// on the stack. Both signatures hash the User-Agent this way (§2.2 step 3,
// §3.2).
func appendRC4Base64(dst []byte, key, text string, enc *base64.Encoding) []byte {
	c := newRC4(key)
	var g [96]byte // a multiple of 3, so only the last chunk is padded
	for len(text) > 0 {
		n := copy(g[:], text)
		c.XORKeyStream(g[:n], g[:n])
		dst = enc.AppendEncode(dst, g[:n])
		text = text[n:]
	}
	return dst
}
