package sign

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// Scheme selects the signature parameter a Signer appends.
type Scheme int

const (
	SchemeABogus Scheme = iota // "&a_bogus=", F2's default ("ab")
	SchemeXBogus               // "&X-Bogus=" ("xb")
)

// ParseScheme maps a configuration value to a Scheme. It accepts "a_bogus",
// "ab", "x_bogus" and "xb", ignoring case and surrounding space. Unlike F2,
// which treats every value other than "ab" as X-Bogus, anything else is an
// error so that a typo does not silently switch schemes.
func ParseScheme(s string) (Scheme, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "a_bogus", "ab":
		return SchemeABogus, nil
	case "x_bogus", "xb":
		return SchemeXBogus, nil
	}
	return 0, fmt.Errorf("sign: unknown signature scheme %q (want a_bogus, ab, x_bogus or xb)", s)
}

// Signer appends the configured signature parameter to a query using a real
// clock and crypto/rand randomness (fresh fingerprint and randoms per call;
// never reuse).
type Signer struct {
	Scheme    Scheme
	UserAgent string
	Now       func() time.Time // nil = time.Now
	Rand      func(n int) int  // nil = crypto/rand; rnd(n) is uniform in [0,n)
}

// Sign returns query + "&a_bogus=" + value, or query + "&X-Bogus=" + value
// for SchemeXBogus (any other Scheme value signs with a_bogus). The value
// is appended without percent-encoding, as F2 does. body is signed by
// a_bogus and ignored by X-Bogus, which has no body input.
//
// a_bogus uses F2's options {0, 1, 14}, a new Edge/Win32 fingerprint and
// three new random numbers per call, and one clock reading as both start
// and end time (the spec allows this; the hashing takes microseconds).
func (s Signer) Sign(query, body string) string {
	now := s.Now
	if now == nil {
		now = time.Now
	}
	rnd := s.Rand
	if rnd == nil {
		rnd = cryptoRandInt
	}
	t := now()
	if s.Scheme == SchemeXBogus {
		return query + xbMarker + XBogus(query, s.UserAgent, t.Unix())
	}
	ms := t.UnixMilli()
	in := ABogusInput{
		Query:       query,
		Body:        body,
		UserAgent:   s.UserAgent,
		Fingerprint: Fingerprint(rnd),
		Options:     abDefaultOptions,
		StartMs:     ms,
		EndMs:       ms,
	}
	for i := range in.Randoms {
		in.Randoms[i] = draw(rnd, 10000)
	}
	return query + abMarker + ABogus(in)
}

// cryptoRandInt returns a uniform int in [0,n) from crypto/rand, rejecting
// the few values that would bias a plain modulo.
func cryptoRandInt(n int) int {
	if n <= 1 {
		return 0
	}
	un := uint64(n)
	threshold := -un % un // 2^64 mod n
	var b [8]byte
	for {
		rand.Read(b[:]) // never fails since Go 1.24; it aborts the program instead
		if v := binary.LittleEndian.Uint64(b[:]); v >= threshold {
			return int(v % un)
		}
	}
}
