package sign

import (
	"encoding/binary"
	"math/bits"
)

// SM3 (GB/T 32905-2016), written here so the module needs no dependency.
// The digest lives on the caller's stack; a_bogus hashes about 20 blocks per
// signature, so avoiding allocations matters more than assembly speed.

const (
	sm3Size      = 32
	sm3BlockSize = 64
)

var sm3IV = [8]uint32{
	0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600,
	0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
}

// sm3T holds the round constants already rotated left by j, as the
// compression function uses them; it is never written after initialisation.
var sm3T = func() (t [64]uint32) {
	for j := range t {
		c := uint32(0x79cc4519)
		if j >= 16 {
			c = 0x7a879d8a
		}
		t[j] = bits.RotateLeft32(c, j%32)
	}
	return t
}()

type sm3Digest struct {
	h   [8]uint32
	x   [sm3BlockSize]byte // pending partial block
	nx  int                // bytes used in x
	len uint64             // total bytes written
}

func newSM3() sm3Digest {
	return sm3Digest{h: sm3IV}
}

// sm3Write feeds p into d. It is generic so strings are hashed without a
// []byte conversion (which would copy and allocate a long query).
func sm3Write[S string | []byte](d *sm3Digest, p S) {
	d.len += uint64(len(p))
	for len(p) > 0 {
		n := copy(d.x[d.nx:], p)
		d.nx += n
		p = p[n:]
		if d.nx == sm3BlockSize {
			sm3Block(&d.h, &d.x)
			d.nx = 0
		}
	}
}

// sum pads a copy of the state and returns the digest; d is left usable.
func (d sm3Digest) sum() [sm3Size]byte {
	bitLen := d.len * 8
	var pad [sm3BlockSize + 8]byte
	pad[0] = 0x80
	n := sm3BlockSize - 8 - d.nx // pad so that 8 length bytes end the block
	if n <= 0 {
		n += sm3BlockSize
	}
	binary.BigEndian.PutUint64(pad[n:], bitLen)
	sm3Write(&d, pad[:n+8])
	var out [sm3Size]byte
	for i, v := range d.h {
		binary.BigEndian.PutUint32(out[4*i:], v)
	}
	return out
}

func sm3Sum[S string | []byte](p S) [sm3Size]byte {
	d := newSM3()
	sm3Write(&d, p)
	return d.sum()
}

func sm3P0(x uint32) uint32 { return x ^ bits.RotateLeft32(x, 9) ^ bits.RotateLeft32(x, 17) }
func sm3P1(x uint32) uint32 { return x ^ bits.RotateLeft32(x, 15) ^ bits.RotateLeft32(x, 23) }

// sm3Block runs the compression function on one 64-byte block.
func sm3Block(hs *[8]uint32, p *[sm3BlockSize]byte) {
	var w [68]uint32
	for i := 0; i < 16; i++ {
		w[i] = binary.BigEndian.Uint32(p[4*i:])
	}
	for i := 16; i < 68; i++ {
		w[i] = sm3P1(w[i-16]^w[i-9]^bits.RotateLeft32(w[i-3], 15)) ^
			bits.RotateLeft32(w[i-13], 7) ^ w[i-6]
	}

	a, b, c, d, e, f, g, h := hs[0], hs[1], hs[2], hs[3], hs[4], hs[5], hs[6], hs[7]
	// Rounds 0-15 and 16-63 differ only in the boolean functions; two loops
	// keep the branch out of the hot path.
	for j := 0; j < 16; j++ {
		a12 := bits.RotateLeft32(a, 12)
		ss1 := bits.RotateLeft32(a12+e+sm3T[j], 7)
		ss2 := ss1 ^ a12
		tt1 := (a ^ b ^ c) + d + ss2 + (w[j] ^ w[j+4])
		tt2 := (e ^ f ^ g) + h + ss1 + w[j]
		d, c, b, a = c, bits.RotateLeft32(b, 9), a, tt1
		h, g, f, e = g, bits.RotateLeft32(f, 19), e, sm3P0(tt2)
	}
	for j := 16; j < 64; j++ {
		a12 := bits.RotateLeft32(a, 12)
		ss1 := bits.RotateLeft32(a12+e+sm3T[j], 7)
		ss2 := ss1 ^ a12
		tt1 := ((a & b) | (a & c) | (b & c)) + d + ss2 + (w[j] ^ w[j+4])
		tt2 := ((e & f) | (^e & g)) + h + ss1 + w[j]
		d, c, b, a = c, bits.RotateLeft32(b, 9), a, tt1
		h, g, f, e = g, bits.RotateLeft32(f, 19), e, sm3P0(tt2)
	}
	hs[0] ^= a
	hs[1] ^= b
	hs[2] ^= c
	hs[3] ^= d
	hs[4] ^= e
	hs[5] ^= f
	hs[6] ^= g
	hs[7] ^= h
}
