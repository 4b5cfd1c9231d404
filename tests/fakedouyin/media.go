package fakedouyin

import (
	"crypto/md5"
	"encoding/hex"
	"io"
	"time"
)

// Media is one file the CDN serves: a video rendition, an image (JPEG or
// its WebP variant), a music track, a cover or an avatar.
type Media struct {
	ID      string
	Size    int64
	Kind    string // "video", "image", "music", "avatar", "cover"
	Ext     string // "mp4", "jpeg", "webp", "mp3"
	ModTime time.Time
	// Hash is the file_hash Douyin reports (the MD5 of the bytes for real
	// files, a stable stand-in for generated ones).
	Hash string

	data []byte // the bytes of a real (embedded) file; nil when generated
	// fill writes the bytes at off of a file laid out at start-up (the
	// big moov-at-end MP4); nil for the others.
	fill func(p []byte, off int64)
}

// Real reports whether the media is one of the embedded real files.
func (m *Media) Real() bool { return m.data != nil }

// ReadAt reads the exact bytes the CDN serves for this media.
func (m *Media) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if off >= m.Size {
		return 0, io.EOF
	}
	n := len(p)
	if rest := m.Size - off; int64(n) > rest {
		n = int(rest)
	}
	switch {
	case m.data != nil:
		copy(p[:n], m.data[off:])
	case m.fill != nil:
		m.fill(p[:n], off)
	default:
		Content(m.ID, off, p[:n])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Bytes returns the whole file. Use it only for small media.
func (m *Media) Bytes() []byte {
	b := make([]byte, m.Size)
	m.ReadAt(b, 0)
	return b
}

// ContentType is the Content-Type the CDN sends.
func (m *Media) ContentType() string {
	switch m.Ext {
	case "mp4":
		return "video/mp4"
	case "jpeg":
		return "image/jpeg"
	case "webp":
		return "image/webp"
	case "mp3":
		return "audio/mpeg"
	}
	return "application/octet-stream"
}

func newRealMedia(id, kind, ext string, data []byte, mod time.Time) *Media {
	sum := md5.Sum(data)
	return &Media{ID: id, Size: int64(len(data)), Kind: kind, Ext: ext, ModTime: mod, Hash: hex.EncodeToString(sum[:]), data: data}
}

func newGeneratedMedia(id, kind, ext string, size int64, mod time.Time) *Media {
	if min := GeneratedHeaderLen(id) + 64; size < min {
		size = min
	}
	sum := md5.Sum([]byte(id))
	return &Media{ID: id, Size: size, Kind: kind, Ext: ext, ModTime: mod, Hash: hex.EncodeToString(sum[:])}
}
