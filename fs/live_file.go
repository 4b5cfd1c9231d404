package fs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/douyinfs/douyinfs/fetch/media"
	"github.com/douyinfs/douyinfs/fs/tree"
	gofs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// liveFile is stream.flv: opening it starts one streaming GET of the room's
// FLV; reads hand out the body as it arrives; closing ends it. It has no
// size and no offsets (direct I/O, not seekable), like a pipe.
type liveFile struct {
	node
	f *tree.LiveFile
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
	rctx, cancel := t.tree.APIContext(ctx)
	room, err := f.f.Resolve(rctx)
	cancel()
	if err != nil {
		return nil, 0, t.fail("open", f.f.What, err)
	}
	url, ok := pickFLV(room.FLV, t.cfg.LiveQuality)
	if !room.Living() || !ok {
		return nil, 0, t.fail("open", f.f.What, fmt.Errorf("room %s is not live", room.RoomID))
	}
	// The stream lives until the file is closed, so its context is not the
	// open call's; only connecting is bounded by OpTimeout, or cut short
	// when the caller is interrupted.
	sctx, stop := context.WithCancel(context.Background())
	timer := time.AfterFunc(t.cfg.OpTimeout, stop)
	unhook := context.AfterFunc(ctx, stop)
	if t.live == nil {
		stop()
		timer.Stop()
		unhook()
		return nil, 0, t.fail("open", f.f.What, errors.New("no live stream client"))
	}
	rs, err := t.live.Open(sctx, url)
	unhook()
	if !timer.Stop() || err != nil {
		stop()
		if err == nil {
			rs.Close()
			err = context.DeadlineExceeded
		}
		if ctx.Err() != nil {
			return nil, 0, t.interrupted("open", f.f.What)
		}
		return nil, 0, t.fail("open", f.f.What, err)
	}
	stop()
	t.stats.liveOpen.Add(1)
	return &liveHandle{t: t, rs: rs, what: f.f.What, turn: make(chan struct{}, 1)}, fuse.FOPEN_DIRECT_IO | fuse.FOPEN_NONSEEKABLE, 0
}

// liveHandle is one open live stream.
type liveHandle struct {
	t    *fsys
	what string
	rs   *media.LiveStream
	// turn is held by the read in progress: reads of a stream are
	// sequential by nature, and a read waiting for its turn can still be
	// interrupted.
	turn      chan struct{}
	closed    atomic.Bool
	closeOnce sync.Once
}

func (h *liveHandle) Read(ctx context.Context, dest []byte, off int64) (fuse.ReadResult, syscall.Errno) {
	select {
	case h.turn <- struct{}{}:
		defer func() { <-h.turn }()
	case <-ctx.Done():
		return nil, h.t.interrupted("read", h.what)
	}
	if h.closed.Load() {
		return nil, syscall.EBADF
	}
	// An interrupt (the reader got a signal) cancels ctx: answer EINTR at
	// once; what arrives meanwhile is kept for the next read.
	n, err := h.rs.ReadContext(ctx, dest)
	switch {
	case n > 0:
		return fuse.ReadResultData(dest[:n]), 0
	case errors.Is(err, io.EOF):
		return fuse.ReadResultData(nil), 0 // the broadcast ended
	case ctx.Err() != nil:
		return nil, h.t.interrupted("read", h.what)
	case err != nil:
		return nil, h.t.fail("read", h.what, err)
	}
	return fuse.ReadResultData(nil), 0 // unreachable: a read waits for a byte
}

func (h *liveHandle) Release(ctx context.Context) syscall.Errno {
	// Closing first ends a read still in flight.
	h.closeOnce.Do(func() {
		h.closed.Store(true)
		h.rs.Close()
		h.t.stats.liveOpen.Add(-1)
	})
	return 0
}
