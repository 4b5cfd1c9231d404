package sign

import (
	"errors"
	"strings"
)

// Base64 alphabets of signing.md §1.3. Each is 64 characters; the padding
// character is always '='.
const (
	alphabetSTD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	alphabetXB  = "Dkdpgh4ZKsQB80/Mfvw36XI1R25-WUAlEi7NLboqYTOPuzmFjJnryx9HVGcaStCe"
	alphabetAB0 = "Dkdpgh2ZmsQB80/MfvV36XI1R45-WUAlEixNLwoqYTOPuzKFjJnry79HbGcaStCe"
	alphabetAB1 = "ckdp1h4ZKsUB80/Mfvw36XIgR25+WQAlEi7NLboqYTOPuzmFjJnryx9HVGDaStCe"
)

// appendBase64 appends standard padded Base64 of src using alphabet.
func appendBase64(dst []byte, alphabet string, src []byte) []byte {
	for len(src) > 0 {
		var z0, z1, z2 int
		z0 = int(src[0])
		if len(src) > 1 {
			z1 = int(src[1])
		}
		if len(src) > 2 {
			z2 = int(src[2])
		}
		dst = appendBase64Group(dst, alphabet, z0, z1, z2, min(len(src), 3))
		src = src[min(len(src), 3):]
	}
	return dst
}

// appendWideBase64 is a_bogus's encoder (§3.6 step 3): like appendBase64, but
// the inputs are ints that may exceed 255. They are combined with full-width
// shifts and ORs, so a large value spills into its neighbour's bits and
// anything above bit 23 is dropped, exactly as F2 does.
func appendWideBase64(dst []byte, alphabet string, z []int) []byte {
	for len(z) > 0 {
		var z0, z1, z2 int
		z0 = z[0]
		if len(z) > 1 {
			z1 = z[1]
		}
		if len(z) > 2 {
			z2 = z[2]
		}
		dst = appendBase64Group(dst, alphabet, z0, z1, z2, min(len(z), 3))
		z = z[min(len(z), 3):]
	}
	return dst
}

// appendBase64Group encodes one group of n (1..3) values; missing values are
// zero and the group is padded with '='.
func appendBase64Group(dst []byte, alphabet string, z0, z1, z2, n int) []byte {
	v := z0<<16 | z1<<8 | z2
	dst = append(dst, alphabet[v>>18&63], alphabet[v>>12&63])
	if n > 1 {
		dst = append(dst, alphabet[v>>6&63])
	} else {
		dst = append(dst, '=')
	}
	if n > 2 {
		dst = append(dst, alphabet[v&63])
	} else {
		dst = append(dst, '=')
	}
	return dst
}

var errBase64 = errors.New("malformed base64")

// appendBase64Decode strictly decodes padded Base64 text s in alphabet and
// appends the bytes to dst. It rejects foreign characters, misplaced
// padding and non-zero unused bits, so every accepted text has exactly one
// encoding: the one our encoder produces.
func appendBase64Decode(dst []byte, alphabet, s string) ([]byte, error) {
	if len(s)%4 != 0 {
		return dst, errBase64
	}
	for len(s) > 0 {
		g := s[:4]
		s = s[4:]
		n := 3 // bytes in this group
		switch {
		case g[2] == '=' && g[3] == '=':
			n = 1
		case g[3] == '=':
			n = 2
		}
		if n < 3 && len(s) > 0 {
			return dst, errBase64
		}
		var v int
		for k := 0; k < 4; k++ {
			i := 0
			if k <= n {
				i = strings.IndexByte(alphabet, g[k])
				if i < 0 {
					return dst, errBase64
				}
			}
			v = v<<6 | i
		}
		if v&(1<<(8*(3-n))-1) != 0 {
			return dst, errBase64
		}
		group := [3]byte{byte(v >> 16), byte(v >> 8), byte(v)}
		dst = append(dst, group[:n]...)
	}
	return dst, nil
}
