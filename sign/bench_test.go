package sign

import (
	"testing"
	"time"
)

var (
	benchString string
	benchInt    int64
)

func BenchmarkXBogus(b *testing.B) {
	v := xbVectors(b)[0]
	b.ReportAllocs()
	for b.Loop() {
		benchString = XBogus(v.Query, v.UserAgent, v.Timestamp)
	}
}

func BenchmarkABogus(b *testing.B) {
	in := abVectors(b)[0].input()
	b.ReportAllocs()
	for b.Loop() {
		benchString = ABogus(in)
	}
}

func BenchmarkDecodeXBogus(b *testing.B) {
	xb := xbVectors(b)[0].ExpectedXBogus
	b.ReportAllocs()
	for b.Loop() {
		f, err := DecodeXBogus(xb)
		if err != nil {
			b.Fatal(err)
		}
		benchInt = f.Timestamp
	}
}

func BenchmarkVerifyXBogus(b *testing.B) {
	v := xbVectors(b)[0]
	b.ReportAllocs()
	for b.Loop() {
		ts, err := VerifyXBogus(v.ExpectedSignedQuery, v.UserAgent)
		if err != nil {
			b.Fatal(err)
		}
		benchInt = ts
	}
}

func BenchmarkDecodeABogus(b *testing.B) {
	ab := abVectors(b)[0].ExpectedABogus
	b.ReportAllocs()
	for b.Loop() {
		f, err := DecodeABogus(ab)
		if err != nil {
			b.Fatal(err)
		}
		benchString = f.Fingerprint
	}
}

func BenchmarkVerifyABogus(b *testing.B) {
	v := abVectors(b)[0]
	b.ReportAllocs()
	for b.Loop() {
		f, err := VerifyABogus(v.ExpectedSignedQuery, v.Body, v.UserAgent)
		if err != nil {
			b.Fatal(err)
		}
		benchString = f.Fingerprint
	}
}

func BenchmarkFingerprint(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		benchString = Fingerprint(cryptoRandInt)
	}
}

func BenchmarkFalseMsToken(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		benchString = FalseMsToken(cryptoRandInt)
	}
}

func BenchmarkVerifyFp(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		benchString = VerifyFp(1718553600123, cryptoRandInt)
	}
}

func BenchmarkParseScheme(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		s, _ := ParseScheme("ab")
		benchInt = int64(s)
	}
}

func BenchmarkSignerSign(b *testing.B) {
	q := abVectors(b)[0].Query
	for _, tt := range []struct {
		name   string
		scheme Scheme
	}{{"a_bogus", SchemeABogus}, {"X-Bogus", SchemeXBogus}} {
		b.Run(tt.name, func(b *testing.B) {
			s := Signer{Scheme: tt.scheme, UserAgent: crossUA}
			b.ReportAllocs()
			for b.Loop() {
				benchString = s.Sign(q, "")
			}
		})
	}
	b.Run("a_bogus/fixed", func(b *testing.B) {
		s := Signer{UserAgent: crossUA, Now: fixedClock(time.UnixMilli(1718553600123)), Rand: func(n int) int { return n / 2 }}
		b.ReportAllocs()
		for b.Loop() {
			benchString = s.Sign(q, "")
		}
	})
}

func BenchmarkSM3(b *testing.B) {
	data := make([]byte, 1024)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		sum := sm3Sum(data)
		benchInt = int64(sum[0])
	}
}
