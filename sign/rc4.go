package sign

// rc4Cipher is plain RC4 (signing.md §1.1). It is written here instead of
// using crypto/rc4 so the state stays on the stack and the keys can be
// string constants; the test checks it against crypto/rc4.
type rc4Cipher struct {
	s    [256]byte
	i, j uint8
}

func newRC4(key string) rc4Cipher {
	var c rc4Cipher
	for i := range c.s {
		c.s[i] = byte(i)
	}
	var j uint8
	for i := range c.s {
		j += c.s[i] + key[i%len(key)]
		c.s[i], c.s[j] = c.s[j], c.s[i]
	}
	return c
}

// next returns the next keystream byte.
func (c *rc4Cipher) next() byte {
	c.i++
	c.j += c.s[c.i]
	c.s[c.i], c.s[c.j] = c.s[c.j], c.s[c.i]
	return c.s[c.s[c.i]+c.s[c.j]]
}

// xorKeyStream XORs the keystream onto src, writing dst (may alias src).
func (c *rc4Cipher) xorKeyStream(dst, src []byte) {
	for k, v := range src {
		dst[k] = v ^ c.next()
	}
}

// appendRC4Base64 appends Base64_alphabet(RC4(key, text)) to dst, streaming
// three bytes at a time so no intermediate buffer is needed. Both signatures
// hash the User-Agent this way (§2.2 step 3, §3.2).
func appendRC4Base64(dst []byte, key, text, alphabet string) []byte {
	c := newRC4(key)
	var g [3]byte
	for len(text) > 0 {
		n := copy(g[:], text)
		c.xorKeyStream(g[:n], g[:n])
		dst = appendBase64(dst, alphabet, g[:n])
		text = text[n:]
	}
	return dst
}
