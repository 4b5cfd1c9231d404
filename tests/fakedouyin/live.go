package fakedouyin

import (
	"crypto/hmac"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// flvTag is one tag of the embedded FLV.
type flvTag struct {
	typ  byte
	ts   uint32 // milliseconds
	data []byte
}

// flvLoop is the embedded live FLV split into its header tags (script and
// codec configuration, sent once) and its media tags (looped).
type flvLoop struct {
	head     []flvTag
	media    []flvTag
	duration uint32 // ms; the timestamp step of one loop
}

// parseFLVLoop splits an FLV file into tags.
func parseFLVLoop(b []byte) (flvLoop, error) {
	var l flvLoop
	if len(b) < 13 || string(b[:3]) != "FLV" {
		return l, errors.New("not an FLV file")
	}
	off := int(binary.BigEndian.Uint32(b[5:9])) + 4
	var last uint32
	for off+11 <= len(b) {
		typ := b[off] & 0x1f
		size := int(b[off+1])<<16 | int(b[off+2])<<8 | int(b[off+3])
		ts := uint32(b[off+4])<<16 | uint32(b[off+5])<<8 | uint32(b[off+6]) | uint32(b[off+7])<<24
		if off+11+size+4 > len(b) {
			return l, fmt.Errorf("truncated tag at %d", off)
		}
		t := flvTag{typ: typ, ts: ts, data: b[off+11 : off+11+size]}
		// Script data and the AVC/AAC sequence headers go first, once.
		isConfig := typ == 18 || (typ == 9 && size > 1 && t.data[1] == 0) || (typ == 8 && size > 1 && t.data[1] == 0)
		if isConfig {
			l.head = append(l.head, t)
		} else {
			l.media = append(l.media, t)
			last = max(last, ts)
		}
		off += 11 + size + 4
	}
	if len(l.media) == 0 {
		return l, errors.New("no media tags")
	}
	l.duration = last + 40
	return l, nil
}

// header is what every stream sends first: the FLV header and the codec
// configuration tags.
func (l flvLoop) header() []byte {
	b := []byte{'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0}
	for _, t := range l.head {
		b = appendFLVTag(b, t, 0)
	}
	return b
}

// tagTS is the timestamp media tag t carries in loop number loop.
func (l flvLoop) tagTS(loop uint32, t flvTag) uint32 { return loop*l.duration + t.ts }

// LiveFLV returns the first n bytes every live FLV stream sends (they are
// the same for every room and quality), to compare what a client read with.
func (s *Server) LiveFLV(n int) []byte {
	b := s.flv.header()
	for loop := uint32(0); len(b) < n; loop++ {
		for _, t := range s.flv.media {
			b = appendFLVTag(b, t, s.flv.tagTS(loop, t))
		}
	}
	return b[:n]
}

// appendFLVTag appends a tag and its previous-tag-size field.
func appendFLVTag(dst []byte, t flvTag, ts uint32) []byte {
	n := len(t.data)
	dst = append(dst, t.typ, byte(n>>16), byte(n>>8), byte(n), byte(ts>>16), byte(ts>>8), byte(ts), byte(ts>>24), 0, 0, 0)
	dst = append(dst, t.data...)
	return binary.BigEndian.AppendUint32(dst, uint32(11+n))
}

// serveLive serves /live/stream-<id>_<q>.flv (an endless FLV), and
// /live/stream-<id>_<q>/index.m3u8 and /<n>.ts (a sliding HLS playlist).
// URLs of an ended room, unknown streams or bad signatures answer 404.
func (s *Server) serveLive(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/live/")
	isFLV := strings.HasSuffix(rest, ".flv")
	key := "live-hls"
	if isFLV {
		key = "live-flv"
	}
	s.stats.request(key)
	o := s.options()
	if !s.sleep(r.Context(), o.CDNTTFB) {
		return
	}
	if s.writeStatusFault(w, s.drawFault(o, faultsStatus())) {
		return
	}
	name, file := strings.TrimSuffix(rest, ".flv"), ""
	if !isFLV {
		name, file, _ = strings.Cut(rest, "/")
	}
	q := r.URL.Query()
	exp := q.Get("expire")
	room := s.roomOfStream(name)
	expN, err := strconv.ParseInt(exp, 10, 64)
	if room == nil || !room.OnAir() || err != nil || time.Now().Unix() > expN ||
		!hmac.Equal([]byte(q.Get("sign")), []byte(s.world.mac("live", name, exp)[:32])) {
		http.Error(w, "404 stream not found", http.StatusNotFound)
		return
	}
	switch {
	case isFLV && !room.HLSOnly:
		s.streamFLV(w, r, o, room)
	case file == "index.m3u8":
		s.hlsPlaylist(w, r)
	case strings.HasSuffix(file, ".ts"):
		n, err := strconv.ParseInt(strings.TrimSuffix(file, ".ts"), 10, 64)
		if err != nil || n < 0 {
			http.NotFound(w, r)
			return
		}
		seg := s.LiveSegment(n)
		w.Header().Set("Content-Type", "video/mp2t")
		w.Header().Set("Content-Length", strconv.Itoa(len(seg)))
		bw := s.newBodyWriter(w, r, bytesLive, o.ConnBandwidth, faultNone, 0)
		if r.Method != http.MethodHead {
			bw.Write(seg)
		}
	default:
		http.NotFound(w, r)
	}
}

// roomOfStream maps "stream-<id>_<suffix>" to its room.
func (s *Server) roomOfStream(name string) *Room {
	id, ok := strings.CutPrefix(name, "stream-")
	if !ok {
		return nil
	}
	id, suffix, ok := strings.Cut(id, "_")
	if !ok {
		return nil
	}
	for _, r := range s.world.Rooms {
		if r.StreamID != id {
			continue
		}
		for _, q := range liveQualities() {
			if liveSuffix(q) == suffix {
				return r
			}
		}
	}
	return nil
}

// streamFLV sends the FLV header, the codec configuration, then the media
// tags in a loop with rising timestamps, paced to real time, until the
// client leaves, the server closes, the room ends (the stream then ends
// after a whole tag) or a cut (Options.LiveCut*) drops it mid-tag.
func (s *Server) streamFLV(w http.ResponseWriter, r *http.Request, o Options, room *Room) {
	w.Header().Set("Content-Type", "video/x-flv")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	defer s.stats.open(&s.stats.openLive)()
	cut := faultReset
	if o.LiveCutStall {
		cut = faultStall
	}
	bw := s.newBodyWriter(w, r, bytesLive, o.ConnBandwidth, faultNone, 0)
	if o.LiveCutAfter > 0 {
		bw.fault, bw.faultAt = cut, o.LiveCutAfter
	}
	buf := s.flv.header()
	start := time.Now()
	flush := func() bool {
		if _, err := bw.Write(buf); err != nil {
			return false
		}
		bw.Flush()
		buf = buf[:0]
		return true
	}
	for loop := uint32(0); ; loop++ {
		for _, t := range s.flv.media {
			if room.ended.Load() {
				flush()
				return
			}
			ts := s.flv.tagTS(loop, t)
			if due := start.Add(time.Duration(ts) * time.Millisecond); time.Until(due) > 0 {
				if len(buf) > 0 && !flush() {
					return
				}
				if !s.sleep(r.Context(), time.Until(due)) {
					return
				}
			}
			n := len(buf)
			buf = appendFLVTag(buf, t, ts)
			if o.LiveCutEvery > 0 && time.Since(start) >= o.LiveCutEvery && (bw.fault == faultNone || bw.faultAt > bw.written+int64(len(buf))) {
				// The edge drops the connection halfway through this tag.
				bw.fault, bw.faultAt = cut, bw.written+int64(n+(len(buf)-n)/2)
				flush()
				return
			}
		}
	}
}

// hlsPlaylist answers a live playlist: a sliding window of three
// 2-second segments numbered by wall-clock time.
func (s *Server) hlsPlaylist(w http.ResponseWriter, r *http.Request) {
	seq := time.Now().Unix() / 2
	var b strings.Builder
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:%d\n", seq)
	for n := seq; n < seq+3; n++ {
		fmt.Fprintf(&b, "#EXTINF:2.000,\n%d.ts?%s\n", n, r.URL.RawQuery)
	}
	w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write([]byte(b.String()))
}
