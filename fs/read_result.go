package fs

import (
	"context"

	"github.com/douyinfs/douyinfs/fetch/media"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// viewReader is a media handle that can answer a read without copying the
// bytes out of its cache (media.Handle).
type viewReader interface {
	ReadView(ctx context.Context, p []byte, off int64) (*media.View, error)
}

// readView reads len(dest) bytes at off through h: as the reader's view
// when it offers one, else copied into dest by ReadAt. The view is never
// nil.
func readView(ctx context.Context, h interface {
	ReadAt(ctx context.Context, p []byte, off int64) (int, error)
}, dest []byte, off int64) (*media.View, error) {
	if vr, ok := h.(viewReader); ok {
		v, err := vr.ReadView(ctx, dest, off)
		if v == nil {
			v = &media.View{}
		}
		return v, err
	}
	n, err := h.ReadAt(ctx, dest, off)
	return &media.View{Parts: [][]byte{dest[:n]}, N: n}, err
}

// viewResult answers a FUSE read with a view's slices, which go-fuse writes
// to the kernel with writev (no copy into one buffer first), and lets go of
// the view's blocks once the kernel has them.
type viewResult struct{ v *media.View }

var _ fuse.ReadResult = viewResult{}

func (r viewResult) Size() int { return r.v.N }

func (r viewResult) Done() { r.v.Release() }

// Slices is go-fuse's scatter-gather interface: when a result has it, the
// reply is written straight from these slices.
func (r viewResult) Slices() ([][]byte, fuse.Status) { return r.v.Parts, fuse.OK }

func (r viewResult) Bytes(buf []byte) ([]byte, fuse.Status) {
	if len(r.v.Parts) == 1 {
		return r.v.Parts[0], fuse.OK
	}
	buf = buf[:0]
	for _, p := range r.v.Parts {
		buf = append(buf, p...)
	}
	return buf, fuse.OK
}
