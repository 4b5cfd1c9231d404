package fakedouyin

import (
	"encoding/binary"
	"fmt"
	"time"
)

// bigMoovLayout is a large MP4 with its index (moov) at the end, built at
// start-up from the embedded real_moov_at_end.mp4 without holding it in
// memory: the real file's ftyp and free boxes, an mdat that holds the real
// samples followed by pseudo-random padding up to the size asked for, and
// the real moov last. The sample offsets in the moov stay valid because the
// samples keep their place; the padding is media data no track refers to,
// which the format allows. A prober has to read the head, skip the whole
// mdat to find the index at the end, and come back for the first samples,
// as with any moov-at-end video; nothing big is committed or generated on
// disk.
type bigMoovLayout struct {
	size    int64
	mdatAt  int64  // offset of the mdat box header in the real file and here
	header  []byte // bytes [0, samples): ftyp, free (or the long mdat header) and the mdat header
	samples []byte // the real mdat payload, from offset len(header)
	padAt   int64  // where the padding starts: len(header)+len(samples)
	moovAt  int64  // where the moov starts: size-len(moov)
	moov    []byte
	seed    uint64
}

// newBigMoovLayout lays out a moov-at-end MP4 of exactly size bytes.
func newBigMoovLayout(real []byte, size int64) (*bigMoovLayout, error) {
	// The real file is ftyp, free (8 bytes, room for a 64-bit mdat size),
	// mdat, moov: the boxes ffmpeg writes without +faststart.
	var at [4]int64
	var sizes [4]int64
	want := []string{"ftyp", "free", "mdat", "moov"}
	var off int64
	for i, name := range want {
		if off+8 > int64(len(real)) {
			return nil, fmt.Errorf("fakedouyin: real_moov_at_end.mp4 ends before its %s box", name)
		}
		n := int64(binary.BigEndian.Uint32(real[off:]))
		if typ := string(real[off+4 : off+8]); typ != name || n < 8 || off+n > int64(len(real)) {
			return nil, fmt.Errorf("fakedouyin: real_moov_at_end.mp4: box %d is %q of %d bytes, want %s", i, typ, n, name)
		}
		at[i], sizes[i] = off, n
		off += n
	}
	if off != int64(len(real)) || sizes[1] != 8 {
		return nil, fmt.Errorf("fakedouyin: real_moov_at_end.mp4 is not ftyp, an 8-byte free, mdat, moov")
	}
	if size < int64(len(real)) {
		size = int64(len(real))
	}
	l := &bigMoovLayout{
		size:    size,
		mdatAt:  at[2],
		samples: real[at[2]+8 : at[3]],
		moov:    real[at[3]:],
		seed:    contentSeed("big_moov_at_end_mp4"),
	}
	pad := size - int64(len(real))
	l.padAt = at[3]
	l.moovAt = l.padAt + pad
	mdatSize := sizes[2] + pad
	l.header = append([]byte(nil), real[:at[2]+8]...)
	if mdatSize < 1<<32 {
		binary.BigEndian.PutUint32(l.header[at[2]:], uint32(mdatSize))
	} else {
		// Too big for a 32-bit size: the free box before the mdat becomes
		// the first half of a 16-byte mdat header (size 1, then a 64-bit
		// size), as ffmpeg does, so no sample moves.
		h := l.header[at[1]:]
		binary.BigEndian.PutUint32(h, 1)
		copy(h[4:], "mdat")
		binary.BigEndian.PutUint64(h[8:], uint64(mdatSize+8))
	}
	return l, nil
}

// readAt fills p with the file's bytes at off (off+len(p) <= size).
func (l *bigMoovLayout) readAt(p []byte, off int64) {
	for len(p) > 0 {
		var n int
		switch {
		case off < int64(len(l.header)):
			n = copy(p, l.header[off:])
		case off < l.padAt:
			n = copy(p, l.samples[off-int64(len(l.header)):])
		case off < l.moovAt:
			n = int(min(int64(len(p)), l.moovAt-off))
			fillRandom(l.seed, off, p[:n])
		default:
			n = copy(p, l.moov[off-l.moovAt:])
			if n == 0 {
				panic("fakedouyin: big moov-at-end MP4 read past its end")
			}
		}
		p, off = p[n:], off+int64(n)
	}
}

// bigMoovPost is the Options.BigMoovSize video: the real moov-at-end video
// (4 s, 480x270) grown to size bytes, as the first user's newest post.
func (g *gen) bigMoovPost(user *User, t, size int64) *Post {
	l, err := newBigMoovLayout(realMoovAtEndMP4, size)
	if err != nil {
		panic(err) // the embedded file is fixed: a test of this file catches it
	}
	p := &Post{AwemeID: g.snowflake(t), CreateTime: t, Author: user, Type: 0, MediaType: 4, DurationMs: 4000,
		Width: 480, Height: 270, Desc: "大视频 moov 在文件末尾 big moov at end #测试", DiggCount: 1, ShareCount: 1}
	mod := time.Unix(t, 0)
	p.Cover = g.register(newGeneratedMedia("tos-cn-p-0015_"+g.hex(16), "cover", "jpeg", 50000, mod))
	m := newGeneratedMedia("big_moov_at_end_mp4", "video", "mp4", l.size, mod)
	m.Size, m.fill = l.size, l.readAt
	g.register(m)
	p.Renditions = []*Rendition{{GearName: "normal_540_0", QualityType: 20, BitRate: l.size * 8 * 1000 / p.DurationMs,
		Width: 480, Height: 270, Media: m}}
	p.Video = m
	g.genMusic(p)
	g.detailGears(p)
	g.w.posts[p.AwemeID] = p
	for _, m := range p.allMedia() {
		g.w.mediaPosts[m.ID] = p
	}
	return p
}

// BigMoovPost is the Options.BigMoovSize video (the first user's newest
// post, before BigVideoPost), or nil.
func (w *World) BigMoovPost() *Post { return w.bigMoov }
