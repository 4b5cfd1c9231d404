package media

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Limits on what an HLS server may send: a playlist is text of a few
// lines, a live segment a few seconds of video.
const (
	hlsMaxPlaylist = 1 << 20
	hlsMaxSegment  = 64 << 20
)

// hlsStaleTargets is how many target durations a live playlist may go
// without a new segment before the feed asks for the room again.
const hlsStaleTargets = 3

// hlsPlaylist is what a feed needs of an HLS playlist (RFC 8216).
type hlsPlaylist struct {
	seq      int64         // EXT-X-MEDIA-SEQUENCE: the number of segs[0]
	target   time.Duration // EXT-X-TARGETDURATION
	segs     []string      // segment URLs, absolute
	ended    bool          // EXT-X-ENDLIST: no segment will be added
	variants []string      // a master playlist's variant playlists, absolute
}

// parseM3U8 reads a media or master playlist; relative URIs are resolved
// against base.
func parseM3U8(base string, b []byte) (hlsPlaylist, error) {
	var pl hlsPlaylist
	bu, err := url.Parse(base)
	if err != nil {
		return pl, fmt.Errorf("bad playlist URL: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), hlsMaxPlaylist)
	first, wantURI := true, false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if first {
			if line != "#EXTM3U" {
				return pl, errors.New("not an HLS playlist (no #EXTM3U)")
			}
			first = false
			continue
		}
		switch {
		case line == "":
		case strings.HasPrefix(line, "#EXT-X-MEDIA-SEQUENCE:"):
			n, err := strconv.ParseInt(strings.TrimPrefix(line, "#EXT-X-MEDIA-SEQUENCE:"), 10, 64)
			if err != nil || n < 0 {
				return pl, fmt.Errorf("bad %q", line)
			}
			pl.seq = n
		case strings.HasPrefix(line, "#EXT-X-TARGETDURATION:"):
			n, err := strconv.ParseFloat(strings.TrimPrefix(line, "#EXT-X-TARGETDURATION:"), 64)
			if err != nil || n <= 0 || n > 3600 {
				return pl, fmt.Errorf("bad %q", line)
			}
			pl.target = time.Duration(n * float64(time.Second))
		case line == "#EXT-X-ENDLIST":
			pl.ended = true
		case strings.HasPrefix(line, "#EXTINF:"), strings.HasPrefix(line, "#EXT-X-STREAM-INF:"):
			wantURI = true
		case strings.HasPrefix(line, "#"):
		default:
			u, err := bu.Parse(line)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
				return pl, fmt.Errorf("bad URI in the playlist")
			}
			if !wantURI {
				continue
			}
			wantURI = false
			if isVariantOf(b) {
				pl.variants = append(pl.variants, u.String())
			} else {
				pl.segs = append(pl.segs, u.String())
			}
		}
	}
	if err := sc.Err(); err != nil {
		return pl, fmt.Errorf("reading the playlist: %w", err)
	}
	if first {
		return pl, errors.New("empty playlist")
	}
	if len(pl.variants) == 0 && pl.target == 0 {
		return pl, errors.New("media playlist without #EXT-X-TARGETDURATION")
	}
	return pl, nil
}

func isVariantOf(b []byte) bool { return bytes.Contains(b, []byte("#EXT-X-STREAM-INF:")) }

// hlsState is where a feed is in a live playlist.
type hlsState struct {
	url  string // the media playlist
	next int64  // media sequence number of the next segment to hand out
	pl   hlsPlaylist
}

// fetchAll reads one whole answer (playlist or segment) of at most limit
// bytes.
func (f *Feed) fetchAll(ctx context.Context, u string, limit int64) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	c, err := f.dial(ctx, u)
	cancel()
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var out []byte
	buf := make([]byte, 64<<10)
	for {
		n, err := c.ReadContext(f.ctx, buf)
		out = append(out, buf[:n]...)
		if int64(len(out)) > limit {
			return nil, fmt.Errorf("answer larger than %d bytes", limit)
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// playlist reads a media playlist; given a master playlist it follows the
// first variant (Douyin's per-quality URLs are media playlists already).
func (f *Feed) playlist(ctx context.Context, u string) (string, hlsPlaylist, error) {
	for hop := 0; ; hop++ {
		b, err := f.fetchAll(ctx, u, hlsMaxPlaylist)
		if err != nil {
			return u, hlsPlaylist{}, err
		}
		pl, err := parseM3U8(u, b)
		if err != nil {
			return u, pl, err
		}
		if len(pl.variants) == 0 {
			return u, pl, nil
		}
		if hop > 0 {
			return u, pl, errors.New("a master playlist names another master playlist")
		}
		u = pl.variants[0]
	}
}

// startHLS reads the first playlist (bounded by ctx): a room whose
// playlist cannot be read does not open.
func (f *Feed) startHLS(ctx context.Context, first string) (*hlsState, error) {
	u, pl, err := f.playlist(ctx, first)
	if err != nil {
		return nil, err
	}
	// Start at the oldest segment the playlist still offers.
	return &hlsState{url: u, next: pl.seq, pl: pl}, nil
}

// runHLS follows a live playlist: every segment once, in order, whole
// (a segment that fails is tried again while the playlist offers it),
// the playlist polled every target duration (half of it when nothing was
// new). A segment that left the playlist before it could be fetched is a
// gap, logged. Failures re-resolve the room and back off like FLV.
func (f *Feed) runHLS(h *hlsState) {
	defer close(f.done)
	r := &retry{f: f, lastGood: time.Now()}
	for {
		got, err := f.hlsSegments(h, r)
		if f.ctx.Err() != nil {
			return
		}
		if err == nil && !got && !h.pl.ended && time.Since(r.lastGood) > hlsStaleTargets*h.pl.target {
			// A live playlist that stops moving may belong to a room
			// that has ended: find the room again.
			err = fmt.Errorf("the playlist has not moved for %v", time.Since(r.lastGood).Round(time.Second))
		}
		if err == nil && h.pl.ended && h.next >= h.pl.seq+int64(len(h.pl.segs)) {
			f.log.Info("the live playlist has ended")
			f.finish(io.EOF)
			return
		}
		if err == nil {
			wait := h.pl.target
			if !got {
				wait /= 2
			}
			if !f.sleep(wait) {
				return
			}
			_, pl, perr := f.playlist(f.ctx, h.url)
			if perr == nil {
				h.pl = pl
				continue
			}
			err = perr
		}
		// Something failed: back off, find the room again, read its
		// (maybe new) playlist.
		for {
			f.log.Info("live playlist failed, reconnecting", "err", err)
			if !r.next(err) {
				return
			}
			url, ended, terr := r.target()
			if ended {
				return
			}
			if terr != nil {
				err = terr
				continue
			}
			var pl hlsPlaylist
			if url, pl, err = f.playlist(f.ctx, url); err == nil {
				if pl.seq+int64(len(pl.segs)) < h.next {
					h.next = pl.seq // the stream restarted its numbering
				}
				h.url, h.pl = url, pl
				f.mu.Lock()
				f.reconnects++
				f.mu.Unlock()
				break
			}
			if f.ctx.Err() != nil {
				return
			}
		}
	}
}

// hlsSegments hands out the playlist's segments from h.next on; it reports
// whether there was any.
func (f *Feed) hlsSegments(h *hlsState, r *retry) (bool, error) {
	got := false
	for i, u := range h.pl.segs {
		seq := h.pl.seq + int64(i)
		if seq < h.next {
			continue
		}
		if seq > h.next {
			f.log.Warn("live playlist moved on before segments could be fetched", "missed", seq-h.next)
		}
		b, err := f.fetchAll(f.ctx, u, hlsMaxSegment)
		if err != nil {
			return got, fmt.Errorf("segment %d: %w", seq, err)
		}
		if !f.push(b) {
			return got, f.ctx.Err()
		}
		h.next, got = seq+1, true
		r.good()
	}
	return got, nil
}
