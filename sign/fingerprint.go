package sign

import "strconv"

// Fingerprint builds the Edge/Win32 browser fingerprint of sign/docs/signing.md §3.7
// from a random source. rnd(n) must return a uniform int in [0,n); the
// fields are drawn in F2's order: inner width and height, outer width and
// height offsets, screen y (0 or 30), screen width and height, available
// width and height. All ranges are inclusive, as F2's randint.
func Fingerprint(rnd func(n int) int) string {
	iw := 1024 + draw(rnd, 1920-1024+1)
	ih := 768 + draw(rnd, 1080-768+1)
	ow := iw + 24 + draw(rnd, 32-24+1)
	oh := ih + 75 + draw(rnd, 90-75+1)
	sy := 30 * draw(rnd, 2)
	sw := 1024 + draw(rnd, 1920-1024+1)
	sh := 768 + draw(rnd, 1080-768+1)
	aw := 1280 + draw(rnd, 1920-1280+1)
	ah := 800 + draw(rnd, 1080-800+1)

	var buf [96]byte
	b := buf[:0]
	for _, v := range [...]int{iw, ih, ow, oh, 0, sy, 0, 0, sw, sh, aw, ah, iw, ih, 24, 24} {
		b = strconv.AppendInt(b, int64(v), 10)
		b = append(b, '|')
	}
	b = append(b, "Win32"...)
	return string(b)
}

// draw returns rnd(n) forced into [0,n), so a faulty random source yields
// a skewed result instead of an index panic.
func draw(rnd func(n int) int, n int) int {
	v := rnd(n) % n
	if v < 0 {
		v += n
	}
	return v
}
