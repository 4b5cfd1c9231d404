package fakedouyin

import (
	"encoding/binary"
	"hash/fnv"
	"strings"
)

// Media ID prefixes that decide which header a generated file starts with.
const (
	videoIDPrefix  = "v0200fg10000" // MP4 header, then a size-0 "free" box
	imageIDPrefix  = "tos-cn-"      // JPEG header (images, covers, mix and room covers)
	avatarIDPrefix = "aweme-avatar" // JPEG header
	musicIDPrefix  = "ies-music"    // MP3 header
	webpIDSuffix   = "~webp"        // "RIFF....WEBPVP8 " header
)

// freeBoxHeader starts an MP4 box of size 0, which runs to the end of the
// file; it hides the pseudo-random tail of a generated video from parsers.
var freeBoxHeader = []byte{0, 0, 0, 0, 'f', 'r', 'e', 'e'}

// webpHeader is the start of a RIFF/WebP file (the RIFF size is left at
// 0xFFFFFFFF, "unknown").
var webpHeader = []byte{'R', 'I', 'F', 'F', 0xff, 0xff, 0xff, 0xff, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' '}

// Content fills p with the bytes of the generated media mediaID starting at
// offset off. The bytes are a function of (mediaID, offset) only: a small
// valid header chosen by the ID's prefix (see GeneratedHeaderLen) followed by
// pseudo-random bytes (without 0xFF after a JPEG header). The fake's CDN serves exactly these bytes for every
// generated media; the few real files (World.RealVideoPost and friends) are
// served from their embedded bytes instead, so use Media.ReadAt when in
// doubt.
func Content(mediaID string, off int64, p []byte) {
	if off < 0 {
		panic("fakedouyin: Content at a negative offset")
	}
	n := 0
	pos := off
	for _, piece := range generatedHeader(mediaID) {
		if n == len(p) {
			return
		}
		if pos < int64(len(piece)) {
			c := copy(p[n:], piece[pos:])
			n += c
			pos = 0
			continue
		}
		pos -= int64(len(piece))
	}
	if n == len(p) {
		return
	}
	tail := p[n:]
	fillRandom(contentSeed(mediaID), off+int64(n), tail)
	if isJPEGID(mediaID) {
		// No 0xFF after the JPEG's end: no marker a parser could take
		// for a second image.
		for i, b := range tail {
			if b == 0xff {
				tail[i] = 0xfe
			}
		}
	}
}

// isJPEGID reports whether a generated media is a JPEG (images, covers,
// avatars; not their WebP variants).
func isJPEGID(mediaID string) bool {
	return !strings.HasSuffix(mediaID, webpIDSuffix) &&
		(strings.HasPrefix(mediaID, imageIDPrefix) || strings.HasPrefix(mediaID, avatarIDPrefix))
}

// GeneratedHeaderLen is the length of the valid-file header that Content
// puts before the pseudo-random bytes of mediaID; a generated media is never
// smaller than this.
func GeneratedHeaderLen(mediaID string) int64 {
	var n int64
	for _, piece := range generatedHeader(mediaID) {
		n += int64(len(piece))
	}
	return n
}

// generatedHeader returns the fixed first bytes of a generated media, as
// pieces to be concatenated.
func generatedHeader(mediaID string) [][]byte {
	switch {
	case strings.HasSuffix(mediaID, webpIDSuffix):
		return [][]byte{webpHeader}
	case strings.HasPrefix(mediaID, videoIDPrefix):
		return [][]byte{templateVideo, freeBoxHeader}
	case strings.HasPrefix(mediaID, imageIDPrefix), strings.HasPrefix(mediaID, avatarIDPrefix):
		return [][]byte{templateImage}
	case strings.HasPrefix(mediaID, musicIDPrefix):
		return [][]byte{templateMusic}
	}
	return nil
}

func contentSeed(mediaID string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(mediaID))
	return h.Sum64()
}

// fillRandom writes the pseudo-random stream of seed from byte offset off:
// word i (8 bytes, little-endian) is splitmix64(seed + i*golden).
func fillRandom(seed uint64, off int64, p []byte) {
	word := uint64(off) / 8
	skip := int(uint64(off) % 8)
	var buf [8]byte
	if skip != 0 {
		binary.LittleEndian.PutUint64(buf[:], splitmix64(seed+word*0x9e3779b97f4a7c15))
		n := copy(p, buf[skip:])
		p = p[n:]
		word++
	}
	for len(p) >= 8 {
		binary.LittleEndian.PutUint64(p, splitmix64(seed+word*0x9e3779b97f4a7c15))
		p = p[8:]
		word++
	}
	if len(p) > 0 {
		binary.LittleEndian.PutUint64(buf[:], splitmix64(seed+word*0x9e3779b97f4a7c15))
		copy(p, buf[:])
	}
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
