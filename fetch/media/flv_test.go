package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
)

// testTag is one FLV tag as the tests build and read them.
type testTag struct {
	typ  byte
	ts   uint32
	data []byte
}

func (t testTag) String() string {
	return fmt.Sprintf("%d@%d(%x)", t.typ, t.ts, t.data[:min(len(t.data), 3)])
}

// Tags a stream is made of: metadata, codec configuration, media.
func script() testTag       { return testTag{flvTagScript, 0, []byte("\x02\x00\x0aonMetaData")} }
func avcSeq(v byte) testTag { return testTag{flvTagVideo, 0, []byte{0x17, 0, 0, 0, 1, v}} }
func aacSeq() testTag       { return testTag{flvTagAudio, 0, []byte{0xaf, 0, 0x12, 0x10}} }
func frame(ts uint32) testTag {
	return testTag{flvTagVideo, ts, []byte{0x27, 1, 0, 0, 0, byte(ts), byte(ts >> 8)}}
}
func sample(ts uint32) testTag {
	return testTag{flvTagAudio, ts, []byte{0xaf, 1, byte(ts), byte(ts >> 8)}}
}

// flvFile is an FLV header and tags, byte for byte as a server sends them.
func flvFile(tags ...testTag) []byte {
	b := []byte{'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0}
	for _, t := range tags {
		n := len(t.data)
		b = append(b, t.typ, byte(n>>16), byte(n>>8), byte(n), byte(t.ts>>16), byte(t.ts>>8), byte(t.ts), byte(t.ts>>24), 0, 0, 0)
		b = append(b, t.data...)
		b = binary.BigEndian.AppendUint32(b, uint32(11+n))
	}
	return b
}

// readFLVTags checks that b is one whole, valid FLV (one header, whole
// tags, right previous-tag sizes) and returns its tags.
func readFLVTags(t *testing.T, b []byte) []testTag {
	t.Helper()
	if len(b) < 13 || string(b[:3]) != "FLV" || binary.BigEndian.Uint32(b[5:9]) != 9 || binary.BigEndian.Uint32(b[9:13]) != 0 {
		t.Fatalf("no FLV header: % x", b[:min(len(b), 13)])
	}
	var tags []testTag
	for off := 13; off < len(b); {
		if len(b)-off < 15 {
			t.Fatalf("%d stray bytes at the end", len(b)-off)
		}
		h := b[off:]
		n := int(h[1])<<16 | int(h[2])<<8 | int(h[3])
		if len(h) < 15+n {
			t.Fatalf("tag at %d cut: %d of %d bytes", off, len(h), 15+n)
		}
		if p := binary.BigEndian.Uint32(h[11+n:]); p != uint32(11+n) {
			t.Fatalf("tag at %d: previous tag size %d, want %d", off, p, 11+n)
		}
		if bytes.Contains(h[11:11+n], []byte("FLV\x01")) {
			t.Fatalf("tag at %d holds an FLV header", off)
		}
		tags = append(tags, testTag{h[0], flvTS(h), h[11 : 11+n]})
		off += 15 + n
	}
	return tags
}

// splice feeds each connection to a splicer in random-sized pieces.
func splice(t *testing.T, rng *rand.Rand, conns ...[]byte) []byte {
	t.Helper()
	var s flvSplicer
	var out []byte
	for _, c := range conns {
		s.begin()
		for len(c) > 0 {
			n := 1 + rng.IntN(min(len(c), 40))
			var err error
			if out, err = s.feed(out, c[:n]); err != nil {
				t.Fatalf("feed: %v", err)
			}
			c = c[n:]
		}
	}
	return out
}

func TestFLVSpliceOneConnectionPassesUnchanged(t *testing.T) {
	in := flvFile(script(), avcSeq(1), aacSeq(), frame(0), sample(0), frame(40), sample(23), sample(46), frame(80))
	for seed := range uint64(20) {
		if out := splice(t, rand.New(rand.NewPCG(seed, 1)), in); !bytes.Equal(out, in) {
			t.Fatalf("seed %d: one connection came out changed:\n% x\nwant\n% x", seed, out, in)
		}
	}
}

// A dropped connection cut mid-tag, then a new one from timestamp 0 with
// its own header, metadata and the same codec configuration: one FLV
// comes out, the cut tag and the repeats left out, and the new tags
// continue one frame after the last one written.
func TestFLVSpliceReconnect(t *testing.T) {
	c1 := flvFile(script(), avcSeq(1), aacSeq(), frame(0), sample(0), frame(40), sample(46), frame(80), frame(120))
	c1 = c1[:len(c1)-5] // frame(120) is cut
	c2 := flvFile(script(), avcSeq(1), aacSeq(), frame(0), sample(0), frame(40), sample(23))
	c3 := flvFile(script(), avcSeq(1), aacSeq(), sample(5000), frame(5010), frame(5050))
	got := readFLVTags(t, splice(t, rand.New(rand.NewPCG(2, 2)), c1, c2, c3))
	want := []testTag{script(), avcSeq(1), aacSeq(), frame(0), sample(0), frame(40), sample(46), frame(80),
		// c2: shifted by 80+40
		frame(0), sample(0), frame(40), sample(23),
		// c3: its first tag (audio at 5000) lands at 160+40 = 200
		sample(5000), frame(5010), frame(5050)}
	wantTS := []uint32{0, 0, 0, 0, 0, 40, 46, 80, 120, 120, 160, 143, 200, 210, 250}
	if len(got) != len(want) {
		t.Fatalf("%d tags %v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].typ != want[i].typ || !bytes.Equal(got[i].data, want[i].data) || got[i].ts != wantTS[i] {
			t.Errorf("tag %d: %v, want %v at %d", i, got[i], want[i], wantTS[i])
		}
	}
	// Per track, and over all media tags, time never goes back.
	last := map[byte]uint32{}
	for i, g := range got {
		if g.ts < last[g.typ] {
			t.Errorf("tag %d: track %d went back from %d to %d", i, g.typ, last[g.typ], g.ts)
		}
		last[g.typ] = g.ts
	}
}

// A new connection whose codec configuration changed (another resolution)
// keeps it; an audio track that leads the video a little is held at the
// video's time rather than going back.
func TestFLVSpliceChangedConfig(t *testing.T) {
	c1 := flvFile(avcSeq(1), aacSeq(), frame(0), sample(10), frame(40))
	c2 := flvFile(avcSeq(2), aacSeq(), frame(100), sample(30))
	got := readFLVTags(t, splice(t, rand.New(rand.NewPCG(3, 3)), c1, c2))
	var types []string
	for _, g := range got {
		types = append(types, g.String())
	}
	if len(got) != 8 || !bytes.Equal(got[5].data, avcSeq(2).data) {
		t.Fatalf("tags %v: want the new AVC configuration kept", types)
	}
	// c2 starts at 40+40 = 80 with its configuration and its frame; its
	// audio, 70 ms before that frame, would land at 80+(30-100) = 10: it
	// is held at the audio track's last timestamp (10), not before.
	if got[5].ts != 80 || got[6].ts != 80 || got[7].ts != 10 {
		t.Errorf("timestamps %v", types)
	}
}

// Timestamps past 24 bits use the extension byte, both ways.
func TestFLVSpliceExtendedTimestamps(t *testing.T) {
	big := uint32(1<<24 + 500)
	c1 := flvFile(avcSeq(1), frame(big), frame(big+40))
	c2 := flvFile(avcSeq(1), frame(7))
	got := readFLVTags(t, splice(t, rand.New(rand.NewPCG(4, 4)), c1, c2))
	if len(got) != 4 || got[1].ts != big || got[3].ts != big+80 {
		t.Errorf("tags %v, want the last at %d", got, big+80)
	}
}

func TestFLVSpliceRefusesGarbage(t *testing.T) {
	good := flvFile(avcSeq(1), frame(0))
	badPrev := bytes.Clone(good)
	badPrev[len(badPrev)-1]++
	badType := bytes.Clone(good)
	badType[13] = 3
	for name, in := range map[string][]byte{
		"html":          []byte("<html>404</html>"),
		"short garbage": []byte("FX"),
		"version 2":     append([]byte("FLV\x02"), good[4:]...),
		"header size":   append([]byte("FLV\x01\x05\x00\x00\x00\x03"), good[9:]...),
		"previous size": badPrev,
		"tag type":      badType,
	} {
		var s flvSplicer
		s.begin()
		if _, err := s.feed(nil, in); !errors.Is(err, errFLV) {
			t.Errorf("%s: %v, want errFLV", name, err)
		}
	}
}

// FuzzFLVSplice: whatever two connections send, no panic, and what comes
// out is one valid FLV of whole tags (or nothing but the header).
func FuzzFLVSplice(f *testing.F) {
	f.Add(flvFile(script(), avcSeq(1), frame(0)), flvFile(avcSeq(1), frame(9)), uint8(7))
	f.Add([]byte("FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00\x09\x00\x00"), []byte{}, uint8(1))
	f.Fuzz(func(t *testing.T, a, b []byte, cut uint8) {
		var s flvSplicer
		var out []byte
		for _, c := range [][]byte{a, b} {
			s.begin()
			for len(c) > 0 {
				n := min(len(c), int(cut)+1)
				var err error
				if out, err = s.feed(out, c[:n]); err != nil {
					break
				}
				c = c[n:]
			}
		}
		if len(out) > 0 {
			readFLVTags(t, out)
		}
	})
}
