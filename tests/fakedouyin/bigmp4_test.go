package fakedouyin

import (
	"bytes"
	"context"
	"encoding/binary"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// topBoxes walks the top-level boxes of a file read through readAt and
// returns their types and offsets; it stops at the first box that does not
// fit.
func topBoxes(t *testing.T, size int64, readAt func(p []byte, off int64)) (types []string, offs []int64) {
	t.Helper()
	var off int64
	for off < size {
		var h [16]byte
		readAt(h[:min(16, size-off)], off)
		n := int64(binary.BigEndian.Uint32(h[:4]))
		if n == 1 {
			n = int64(binary.BigEndian.Uint64(h[8:]))
		}
		if n < 8 || off+n > size {
			t.Fatalf("box %q at %d has size %d, file %d", h[4:8], off, n, size)
		}
		types, offs = append(types, string(h[4:8])), append(offs, off)
		off += n
	}
	return types, offs
}

func TestBigMoovLayout(t *testing.T) {
	real := realMoovAtEndMP4
	for _, size := range []int64{1, int64(len(real)), 5 << 20, 5 << 30} {
		l, err := newBigMoovLayout(real, size)
		if err != nil {
			t.Fatal(err)
		}
		want := max(size, int64(len(real)))
		if l.size != want {
			t.Errorf("size %d: laid out %d bytes", size, l.size)
		}
		types, offs := topBoxes(t, l.size, l.readAt)
		wantTypes := "ftyp free mdat moov"
		if l.size-int64(len(real)) >= 1<<32-(l.padAt-l.mdatAt) {
			wantTypes = "ftyp mdat moov" // the free box became the long mdat header
		}
		if got := strings.Join(types, " "); got != wantTypes {
			t.Fatalf("size %d: boxes %s, want %s", size, got, wantTypes)
		}
		// The index is the real one, at the very end; the samples keep
		// their offsets, so the index still points at them.
		moov := make([]byte, len(l.moov))
		l.readAt(moov, offs[len(offs)-1])
		if !bytes.Equal(moov, real[len(real)-len(moov):]) || offs[len(offs)-1]+int64(len(moov)) != l.size {
			t.Errorf("size %d: the moov is not the real one at the end", size)
		}
		head := make([]byte, l.padAt)
		l.readAt(head, 0)
		if !bytes.Equal(head[l.mdatAt+8:], real[l.mdatAt+8:l.padAt]) || !bytes.Equal(head[:32], real[:32]) {
			t.Errorf("size %d: ftyp or samples moved", size)
		}
		// Reads across the piece boundaries give the same bytes as reads
		// inside them.
		if l.moovAt > l.padAt {
			whole := make([]byte, 64<<10)
			for _, at := range []int64{l.padAt - 1000, l.moovAt - 1000} {
				l.readAt(whole[:2000], at)
				var parts [2000]byte
				l.readAt(parts[:1000], at)
				l.readAt(parts[1000:], at+1000)
				if !bytes.Equal(whole[:2000], parts[:]) {
					t.Errorf("size %d: bytes at %d differ when read in two parts", size, at)
				}
			}
		}
	}
	if _, err := newBigMoovLayout(realFaststartMP4, 1<<20); err == nil {
		t.Error("a faststart file was accepted as moov-at-end")
	}
}

// TestBigMoovProbes: ffprobe reads the served file as a valid MP4 with its
// index at the end (the 4 s of real audio and video), and the world lists
// it as the first user's newest post after the big video.
func TestBigMoovProbes(t *testing.T) {
	t.Parallel()
	ffprobe := needTool(t, "ffprobe")
	s := startServer(t, Options{Seed: 103, Users: 1, PostsPerUser: 3, BigVideoSize: 2 << 20, BigMoovSize: 40 << 20})
	w := s.World()
	p := w.BigMoovPost()
	if p == nil || w.Users[0].Posts[1] != p || w.Users[0].Posts[0] != w.BigVideoPost() || p.Video.Size != 40<<20 {
		t.Fatalf("big moov post %+v not the first user's second post", p)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, ffprobe, "-v", "error", "-show_entries",
		"format=format_name,duration,size:stream=codec_name", "-of", "default=nw=1",
		s.URL()+"/files/"+p.AwemeID+".mp4").CombinedOutput()
	got := strings.Fields(string(out))
	want := []string{"codec_name=h264", "codec_name=aac", "format_name=mov,mp4,m4a,3gp,3g2,mj2", "duration=4.000000", "size=41943040"}
	if err != nil || strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ffprobe: %v\n%s\nwant %v", err, out, want)
	}
	types, _ := topBoxes(t, p.Video.Size, func(b []byte, off int64) { p.Video.ReadAt(b, off) })
	if types[len(types)-1] != "moov" {
		t.Errorf("boxes %v: the index is not at the end", types)
	}
}
