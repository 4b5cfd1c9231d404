package sign

import "strconv"

const (
	msTokenAlphabet  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-"
	msTokenRandomLen = 182
	verifyFpAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	verifyFpUUIDLen  = 36
)

// FalseMsToken returns F2's locally made msToken (§4.1): 182 characters
// drawn uniformly with rnd(64) from A-Z a-z 0-9 + -, then "==" (184 in all).
// It has no structure; servers that validate msToken will not accept it.
func FalseMsToken(rnd func(n int) int) string {
	var buf [msTokenRandomLen + 2]byte
	for i := 0; i < msTokenRandomLen; i++ {
		buf[i] = msTokenAlphabet[draw(rnd, len(msTokenAlphabet))]
	}
	buf[msTokenRandomLen], buf[msTokenRandomLen+1] = '=', '='
	return string(buf[:])
}

// VerifyFp returns "verify_" + base36(unixMs) + "_" + a 36-character
// UUID-like string (§4.2), the format of verifyFp, fp and the s_v_web_id
// cookie. Positions 8, 13, 18, 23 are '_', 14 is '4'; every other position,
// in order, takes one draw rnd(62) (31 draws), and position 19 keeps only
// the draw's low 2 bits plus 8, giving one of 8 9 A B.
func VerifyFp(unixMs int64, rnd func(n int) int) string {
	var buf [64]byte
	b := append(buf[:0], "verify_"...)
	b = strconv.AppendInt(b, unixMs, 36)
	b = append(b, '_')
	for i := 0; i < verifyFpUUIDLen; i++ {
		switch i {
		case 8, 13, 18, 23:
			b = append(b, '_')
		case 14:
			b = append(b, '4')
		default:
			n := draw(rnd, len(verifyFpAlphabet))
			if i == 19 {
				n = n&3 | 8
			}
			b = append(b, verifyFpAlphabet[n])
		}
	}
	return string(b)
}
