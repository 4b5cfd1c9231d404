package fs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/douyinfs/douyinfs/fetch"
	gofs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// liveFile is stream.flv: opening it starts one streaming GET of the room's
// FLV; reads hand out the body as it arrives; closing ends it. It has no
// size and no offsets (direct I/O, not seekable), like a pipe.
type liveFile struct {
	node
	what    string
	resolve func(ctx context.Context) (*fetch.Room, error)
}

func (f *liveFile) fill(ctx context.Context, out *fuse.Attr) syscall.Errno {
	f.t.attrs.file(out, 0, 0)
	return 0
}

func (f *liveFile) Getattr(ctx context.Context, fh gofs.FileHandle, out *fuse.AttrOut) syscall.Errno {
	return f.fill(ctx, &out.Attr)
}

// pickFLV chooses the stream URL: the first preferred quality the room
// offers, else the first offered quality by name (so the choice is stable).
func pickFLV(flv map[string]string, prefs []string) (string, bool) {
	if len(prefs) == 0 {
		prefs = []string{"FULL_HD1", "HD1", "SD1", "SD2"} // config.toml's default
	}
	for _, q := range prefs {
		if u := flv[q]; u != "" {
			return u, true
		}
	}
	keys := make([]string, 0, len(flv))
	for k, u := range flv {
		if u != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return "", false
	}
	slices.Sort(keys)
	return flv[keys[0]], true
}

func (f *liveFile) Open(ctx context.Context, flags uint32) (gofs.FileHandle, uint32, syscall.Errno) {
	if writeFlags(flags) {
		return nil, 0, syscall.EROFS
	}
	t := f.t
	rctx, cancel := t.apiContext(ctx)
	room, err := f.resolve(rctx)
	cancel()
	if err != nil {
		return nil, 0, t.fail("open", f.what, err)
	}
	url, ok := pickFLV(room.FLV, t.cfg.LiveQuality)
	if !room.Living() || !ok {
		return nil, 0, t.fail("open", f.what, fmt.Errorf("room %s is not live", room.RoomID))
	}
	// The stream lives until the file is closed, so its context is not the
	// open call's; only connecting is bounded by OpTimeout.
	sctx, stop := context.WithCancel(context.Background())
	timer := time.AfterFunc(t.cfg.OpTimeout, stop)
	rc, err := t.api.OpenLiveStream(sctx, url)
	if !timer.Stop() || err != nil {
		stop()
		if err == nil {
			rc.Close()
			err = context.DeadlineExceeded
		}
		return nil, 0, t.fail("open", f.what, err)
	}
	t.stats.liveOpen.Add(1)
	return &liveHandle{t: t, rc: rc, stop: stop, what: f.what}, fuse.FOPEN_DIRECT_IO | fuse.FOPEN_NONSEEKABLE, 0
}

// liveHandle is one open live stream.
type liveHandle struct {
	t    *tree
	what string
	stop context.CancelFunc

	mu     sync.Mutex // reads of a stream are sequential by nature
	rc     io.ReadCloser
	closed bool
}

func (h *liveHandle) Read(ctx context.Context, dest []byte, off int64) (fuse.ReadResult, syscall.Errno) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, syscall.EBADF
	}
	for {
		n, err := h.rc.Read(dest)
		if n > 0 {
			return fuse.ReadResultData(dest[:n]), 0
		}
		if errors.Is(err, io.EOF) {
			return fuse.ReadResultData(nil), 0 // the broadcast ended
		}
		if err != nil {
			return nil, h.t.fail("read", h.what, err)
		}
	}
}

func (h *liveHandle) Release(ctx context.Context) syscall.Errno {
	h.stop()
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		h.rc.Close()
		h.t.stats.liveOpen.Add(-1)
	}
	return 0
}
