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

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
	"github.com/douyinfs/douyinfs/fs/tree"
	gofs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// liveFile is stream.flv (or stream.ts): opening it starts following the
// room's stream; reads hand out the stream as it arrives, across dropped
// connections, until the room ends (EOF); closing ends it. It has no size
// and no offsets (direct I/O, not seekable), like a pipe.
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

// pickQuality chooses a stream URL: the first preferred quality the room
// offers, else the first offered quality by name (so the choice is stable).
func pickQuality(urls map[string]string, prefs []string) (string, bool) {
	if len(prefs) == 0 {
		prefs = []string{"FULL_HD1", "HD1", "SD1", "SD2"} // config.toml's default
	}
	for _, q := range prefs {
		if u := urls[q]; u != "" {
			return u, true
		}
	}
	keys := make([]string, 0, len(urls))
	for k, u := range urls {
		if u != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return "", false
	}
	slices.Sort(keys)
	return urls[keys[0]], true
}

// streamOf is the URL this file reads in a room now ("" if none).
func (f *liveFile) streamOf(room *fetch.Room) string {
	urls := room.FLV
	if f.f.HLS {
		urls = room.HLS
	}
	u, _ := pickQuality(urls, f.t.cfg.LiveQuality)
	return u
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
	url := f.streamOf(room)
	if !room.Living() || url == "" {
		return nil, 0, t.fail("open", f.f.What, fmt.Errorf("room %s is not live", room.RoomID))
	}
	if t.live == nil {
		return nil, 0, t.fail("open", f.f.What, errors.New("no live stream client"))
	}
	// After a drop the feed finds the room again: ended means the end of
	// the file; otherwise the URL of the preferred quality now.
	again := func(ctx context.Context) (media.Target, error) {
		t.stats.liveAgain.Add(1)
		rctx, cancel := t.tree.APIContext(ctx)
		defer cancel()
		room, err := f.f.Resolve(rctx)
		if err != nil {
			return media.Target{}, err
		}
		if !room.Living() {
			return media.Target{Ended: true}, nil
		}
		return media.Target{URL: f.streamOf(room)}, nil
	}
	kind := media.FeedFLV
	if f.f.HLS {
		kind = media.FeedHLS
	}
	// Only connecting is bounded by OpTimeout, or cut short when the
	// caller is interrupted; the stream then lives until the file is
	// closed.
	octx, stop := context.WithTimeout(ctx, t.cfg.OpTimeout)
	feed, err := t.live.Follow(octx, kind, url, again)
	stop()
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, t.interrupted("open", f.f.What)
		}
		return nil, 0, t.fail("open", f.f.What, err)
	}
	t.stats.liveOpen.Add(1)
	return &liveHandle{t: t, rs: feed, what: f.f.What, turn: make(chan struct{}, 1)}, fuse.FOPEN_DIRECT_IO | fuse.FOPEN_NONSEEKABLE, 0
}

// liveHandle is one open live stream.
type liveHandle struct {
	t    *fsys
	what string
	rs   *media.Feed
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
		return fuse.ReadResultData(nil), 0 // the room has ended
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
