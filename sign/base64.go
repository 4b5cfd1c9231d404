package sign

import (
	"encoding/base64"
	"errors"
	"strings"
)

// Base64 alphabets of sign/docs/signing.md §1.3. Each is 64 characters; the padding
// character is always '='.
const (
	alphabetSTD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	alphabetXB  = "Dkdpgh4ZKsQB80/Mfvw36XI1R25-WUAlEi7NLboqYTOPuzmFjJnryx9HVGcaStCe"
	alphabetAB0 = "Dkdpgh2ZmsQB80/MfvV36XI1R45-WUAlEixNLwoqYTOPuzKFjJnry79HbGcaStCe"
	alphabetAB1 = "ckdp1h4ZKsUB80/Mfvw36XIgR25+WQAlEi7NLboqYTOPuzmFjJnryx9HVGDaStCe"
)

// The alphabets as encoding/base64 encodings: padded with '=', and strict,
// so decoding rejects non-zero unused bits.
var (
	b64STD = base64.NewEncoding(alphabetSTD).Strict()
	b64XB  = base64.NewEncoding(alphabetXB).Strict()
	b64AB0 = base64.NewEncoding(alphabetAB0).Strict()
	b64AB1 = base64.NewEncoding(alphabetAB1).Strict()
)

// appendWideBase64 is a_bogus's encoder (§3.6 step 3): padded Base64 of
// ints, which may exceed 255, so encoding/base64 cannot do it. Each group is
// combined with full-width shifts and ORs, so a large value spills into its
// neighbour's bits and anything above bit 23 is dropped, exactly as F2 does.
func appendWideBase64(dst []byte, alphabet string, z []int) []byte {
	for len(z) > 0 {
		n := min(len(z), 3)
		var g [3]int // missing values are zero
		copy(g[:], z[:n])
		v := g[0]<<16 | g[1]<<8 | g[2]
		dst = append(dst, alphabet[v>>18&63], alphabet[v>>12&63], alphabet[v>>6&63], alphabet[v&63])
		for k := n + 1; k < 4; k++ {
			dst[len(dst)-4+k] = '='
		}
		z = z[n:]
	}
	return dst
}

var errBase64 = errors.New("malformed base64")

// appendBase64Decode decodes padded Base64 text s with enc, one of the strict
// encodings above, and appends the bytes to dst. encoding/base64 skips CR
// and LF; refusing them too means every accepted text is exactly the one
// the encoder produces.
func appendBase64Decode(dst []byte, enc *base64.Encoding, s string) ([]byte, error) {
	if strings.ContainsAny(s, "\r\n") {
		return dst, errBase64
	}
	return enc.AppendDecode(dst, []byte(s))
}
