// Command player reads a video the way a media player does, for
// tests/scripts/bench.sh: it plays from the start at the video's bit rate,
// then seeks to random points and plays a few seconds after each.
//
//	player -rate 349525 [-play 3s] [-seeks 10] [-seed 1] [-chunk 65536] [-lead 1s] FILE
//	player -rate 349525 ... http://host/path
//
// Playing means reading -chunk bytes at a time, in order, no further ahead
// of the playback clock than -lead (mpv's demuxer reads about a second
// ahead of what it shows); the clock starts when the first bytes after a
// seek arrive. A seek's latency is the time from the seek to the end of the
// first read at the new place: what a user waits for before the picture
// moves. Seek offsets are 4 KiB aligned, from a fixed seed, so every tool
// reads the same bytes. The file's pages are dropped from the page cache
// first (posix_fadvise DONTNEED). Given an http(s) URL each read is a
// ranged GET of that chunk on one keep-alive connection: the ranged-curl
// baseline.
//
// The result is one line of key=value pairs:
//
//	seek_p50_ms=31.2 seek_p95_ms=35.0 seek_max_ms=36.1 read_bytes=12345678 seeks=10 stalls=0 seconds=33.1
//
// stalls counts reads that came back after the playback clock needed
// their bytes (the picture would have frozen).
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/douyinfs/douyinfs/tests/bench/rangesrc"
)

func main() {
	rate := flag.Int64("rate", 0, "bit rate of the video in bytes per second (required)")
	play := flag.Duration("play", 3*time.Second, "playing time from the start and after each seek")
	seeks := flag.Int("seeks", 10, "random seeks")
	seed := flag.Uint64("seed", 1, "random seed (same seed, same offsets)")
	chunk := flag.Int("chunk", 64<<10, "bytes per read")
	lead := flag.Duration("lead", time.Second, "how far reads may run ahead of the playback clock")
	flag.Parse()
	if flag.NArg() != 1 || *rate <= 0 || *chunk <= 0 || *play <= 0 || *seeks < 0 || *lead < 0 {
		fmt.Fprintln(os.Stderr, "usage: player -rate BYTES_PER_SECOND [flags] FILE|URL")
		os.Exit(2)
	}
	target := flag.Arg(0)
	src, err := rangesrc.Open(target)
	if err != nil {
		fatal(err)
	}
	defer src.Close()

	start := time.Now()
	buf := make([]byte, *chunk)
	p := &player{src: src, buf: buf, rate: *rate, play: *play, lead: *lead}
	// The first stretch tells the size (an HTTP source learns it from
	// the first answer) and is not a seek.
	if _, err := p.playFrom(0, 0); err != nil {
		fatal(err)
	}
	total, err := src.Size()
	if err != nil {
		fatal(err)
	}
	span := int64(float64(*rate)*play.Seconds()) + int64(*chunk)
	if total < span {
		fatal(fmt.Errorf("%s is %d bytes, shorter than one stretch of play (%d)", target, total, span))
	}
	rng := rand.New(rand.NewPCG(*seed, *seed^0x9e3779b97f4a7c15))
	var lat []float64
	for range *seeks {
		off := rng.Int64N(total-span+1) &^ 4095
		first, err := p.playFrom(off, total)
		if err != nil {
			fatal(err)
		}
		lat = append(lat, float64(first)/1e6)
	}
	slices.Sort(lat)
	out := fmt.Sprintf("read_bytes=%d seeks=%d stalls=%d seconds=%.1f", p.read, len(lat), p.stalls, time.Since(start).Seconds())
	if len(lat) > 0 {
		out = fmt.Sprintf("seek_p50_ms=%.2f seek_p95_ms=%.2f seek_max_ms=%.2f ", pct(lat, 50), pct(lat, 95), lat[len(lat)-1]) + out
	}
	fmt.Println(out)
}

type player struct {
	src    rangesrc.Source
	buf    []byte
	rate   int64
	play   time.Duration
	lead   time.Duration
	read   int64 // bytes read in all
	stalls int
}

// playFrom plays p.play worth of bytes from off (total 0: unknown yet) and
// returns how long the first read took.
func (p *player) playFrom(off, total int64) (time.Duration, error) {
	want := int64(float64(p.rate) * p.play.Seconds())
	if total > 0 {
		want = min(want, total-off)
	}
	seek := time.Now()
	var first time.Duration
	var clock time.Time // playback of byte off starts here
	for done := int64(0); done < want; {
		n := min(int64(len(p.buf)), want-done)
		if done > 0 {
			// Read no further ahead than lead of the playback clock.
			due := clock.Add(time.Duration(float64(done) / float64(p.rate) * float64(time.Second)))
			if wait := time.Until(due) - p.lead; wait > 0 {
				time.Sleep(wait)
			}
		}
		if err := p.src.ReadAt(p.buf[:n], off+done); err != nil {
			return 0, fmt.Errorf("read at %d: %w", off+done, err)
		}
		now := time.Now()
		if done == 0 {
			first, clock = now.Sub(seek), now
		} else if now.After(clock.Add(time.Duration(float64(done) / float64(p.rate) * float64(time.Second)))) {
			p.stalls++
		}
		done += n
		p.read += n
	}
	return first, nil
}

// pct is the nearest-rank percentile of sorted values.
func pct(sorted []float64, p int) float64 {
	i := (p*len(sorted)+99)/100 - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i]
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "player:", err)
	os.Exit(1)
}
