package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// FLV layout (Adobe FLV file format, v10): a 9-byte header ("FLV", version,
// flags, header size), a 4-byte previous-tag-size of 0, then tags: an
// 11-byte tag header (type, 24-bit data size, 24-bit timestamp plus an
// 8-bit high byte, 24-bit stream id), the data, and a 4-byte size of the
// tag just ended (11 + data size).
const (
	flvHeaderLen  = 9
	flvTagHdrLen  = 11
	flvPrevLen    = 4
	flvTagAudio   = 8
	flvTagVideo   = 9
	flvTagScript  = 18
	flvMaxTagData = 16 << 20 // the 24-bit size field's limit
)

// flvJoinStep is the timestamp gap (ms) put between the last tag written
// and the first tag of a new connection: one frame at 25 fps, so a player
// sees the next frame, not two frames at one instant.
const flvJoinStep = 40

// errFLV marks a connection whose bytes are not a valid FLV stream.
var errFLV = errors.New("not a valid FLV stream")

// flvSplicer turns the bodies of successive connections to one live FLV
// stream into one continuous FLV: the first connection's header and
// metadata pass; later connections lose their header, their script tags
// and any codec configuration (sequence header) equal to the one already
// sent, and their timestamps are moved to continue after the last tag
// written. Only whole tags come out; a tag cut by a dropped connection is
// discarded with the connection.
type flvSplicer struct {
	started bool   // the file header has been written
	joining bool   // this connection continues what others wrote
	hdrDone bool   // this connection's header has been read
	pending []byte // this connection's bytes not yet a whole tag
	wrote   bool   // a tag has been written (lastTS means something)
	lastTS  uint32 // highest timestamp written
	shift   int64  // added to this connection's timestamps
	shifted bool   // shift is set for this connection
	// lastTrack is the last timestamp written per tag type: the join
	// keeps each track non-decreasing even when audio and video are
	// interleaved a little out of order.
	lastTrack map[byte]uint32
	// seq is the last sequence header written per tag type.
	seq map[byte][]byte
}

// begin starts a new connection: what is left of the previous one (a cut
// tag) is dropped.
func (s *flvSplicer) begin() {
	s.hdrDone, s.joining, s.pending, s.shift, s.shifted = false, false, s.pending[:0], 0, false
	if s.lastTrack == nil {
		s.lastTrack, s.seq = map[byte]uint32{}, map[byte][]byte{}
	}
}

// feed takes the next bytes of the current connection and appends to dst
// what can be written: whole, rewritten tags (and the file header, once).
// An error means the connection's bytes are not FLV; the caller drops it.
func (s *flvSplicer) feed(dst, p []byte) ([]byte, error) {
	s.pending = append(s.pending, p...)
	b := s.pending
	if !s.hdrDone {
		if len(b) < flvHeaderLen {
			if !bytes.HasPrefix([]byte("FLV"), b[:min(len(b), 3)]) {
				return dst, fmt.Errorf("%w: it starts with % x", errFLV, b)
			}
			return dst, nil
		}
		if string(b[:3]) != "FLV" || b[3] != 1 {
			return dst, fmt.Errorf("%w: bad header % x", errFLV, b[:flvHeaderLen])
		}
		hl := int(binary.BigEndian.Uint32(b[5:9]))
		if hl < flvHeaderLen || hl > 1024 {
			return dst, fmt.Errorf("%w: header size %d", errFLV, hl)
		}
		if len(b) < hl+flvPrevLen {
			return dst, nil
		}
		if !s.started {
			// The one header of the whole stream; an extended header
			// is cut to the standard 9 bytes.
			dst = append(dst, b[:5]...)
			dst = append(dst, 0, 0, 0, flvHeaderLen, 0, 0, 0, 0)
			s.started = true
		} else {
			s.joining = true
		}
		b = b[hl+flvPrevLen:]
		s.hdrDone = true
	}
	for len(b) >= flvTagHdrLen {
		typ := b[0] & 0x1f
		size := int(b[1])<<16 | int(b[2])<<8 | int(b[3])
		if typ != flvTagAudio && typ != flvTagVideo && typ != flvTagScript {
			return dst, fmt.Errorf("%w: tag type %d", errFLV, b[0])
		}
		end := flvTagHdrLen + size + flvPrevLen
		if len(b) < end {
			break
		}
		if prev := binary.BigEndian.Uint32(b[end-flvPrevLen : end]); prev != uint32(flvTagHdrLen+size) {
			return dst, fmt.Errorf("%w: previous tag size %d after a tag of %d bytes", errFLV, prev, flvTagHdrLen+size)
		}
		dst = s.tag(dst, b[:end], typ, b[flvTagHdrLen:flvTagHdrLen+size])
		b = b[end:]
	}
	// Keep the rest at the start of pending, so it does not grow.
	s.pending = append(s.pending[:0], b...)
	return dst, nil
}

// tag appends one whole tag (with its previous-tag-size) unless it is a
// repeat a later connection sends; its timestamp is moved.
func (s *flvSplicer) tag(dst, raw []byte, typ byte, data []byte) []byte {
	later := s.joining
	if typ == flvTagScript && later {
		return dst // onMetaData again: once is enough
	}
	isSeq := flvSeqHeader(typ, data)
	if isSeq && later && bytes.Equal(s.seq[typ], data) {
		return dst
	}
	ts := flvTS(raw)
	out := int64(ts) + s.shift
	if later && !s.shifted {
		// The new connection continues one step after the last tag
		// written, whatever clock it has. Its first media frame sets
		// the shift; configuration before it goes at the join.
		start := int64(s.lastTS)
		if s.wrote {
			start += flvJoinStep
		}
		out = start
		if !isSeq {
			s.shift, s.shifted = start-int64(ts), true
		}
	}
	if typ != flvTagScript {
		if last, ok := s.lastTrack[typ]; ok && later && out < int64(last) {
			out = int64(last)
		}
	}
	out = max(0, min(out, 1<<32-1))
	n := len(dst)
	dst = append(dst, raw...)
	putFLVTS(dst[n:], uint32(out))
	if typ != flvTagScript && !isSeq {
		s.lastTrack[typ] = uint32(out)
		s.lastTS = max(s.lastTS, uint32(out))
		s.wrote = true
	}
	if isSeq {
		s.seq[typ] = append(s.seq[typ][:0], data...)
	}
	return dst
}

// flvSeqHeader reports whether a tag is codec configuration: an AVC or
// HEVC sequence header (video, packet type 0), an AAC sequence header
// (audio, packet type 0), or an enhanced-FLV video SequenceStart.
func flvSeqHeader(typ byte, data []byte) bool {
	if len(data) < 2 {
		return false
	}
	switch typ {
	case flvTagVideo:
		if data[0]&0x80 != 0 { // enhanced FLV: the packet type is the low nibble
			return data[0]&0x0f == 0
		}
		codec := data[0] & 0x0f
		return (codec == 7 || codec == 12) && data[1] == 0
	case flvTagAudio:
		return data[0]>>4 == 10 && data[1] == 0
	}
	return false
}

// flvTS reads a tag's timestamp (24 bits, then the high 8).
func flvTS(tag []byte) uint32 {
	return uint32(tag[4])<<16 | uint32(tag[5])<<8 | uint32(tag[6]) | uint32(tag[7])<<24
}

func putFLVTS(tag []byte, ts uint32) {
	tag[4], tag[5], tag[6], tag[7] = byte(ts>>16), byte(ts>>8), byte(ts), byte(ts>>24)
}
