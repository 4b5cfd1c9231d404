// Command seqread reads files sequentially and reports throughput, for
// tests/scripts/bench.sh.
//
//	seqread [flags] FILE...
//
// Each FILE is read by its own goroutine, all at once, from -offset for
// -limit bytes (0: to the end) in -bs sized reads. With -parallel N and a
// single FILE, N readers share that file: reader i starts at i/N of the
// length and wraps around, and each drops the pages it has read from the
// page cache (posix_fadvise DONTNEED) so that no reader is served by
// another's pages. With -rss-pid the resident set of that process is polled
// while reading and its peak reported.
//
// The result is one line of key=value pairs:
//
//	bytes=536870912 seconds=1.234 mbps=435.1 ttfb_ms=12.3 peak_rss_kib=123456 hwm_kib=130000 partial=0
//
// mbps is 10^6 bytes per second. ttfb_ms is the time from open to the end of
// the first read of the first reader. partial=1 means -max-time stopped the
// read early (the throughput is over the bytes read).
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	bs := flag.Int("bs", 1<<20, "bytes per read call")
	limit := flag.Int64("limit", 0, "bytes to read per reader (0: the whole file)")
	offset := flag.Int64("offset", 0, "start offset")
	parallel := flag.Int("parallel", 1, "readers sharing a single FILE (staggered, see doc)")
	maxTime := flag.Duration("max-time", 0, "stop after this long and report what was read (0: no limit)")
	dropFirst := flag.Bool("drop", false, "posix_fadvise(DONTNEED) each file before reading")
	rssPid := flag.Int("rss-pid", 0, "poll /proc/PID/status VmRSS while reading and report the peak")
	flag.Parse()
	files := flag.Args()
	if len(files) == 0 {
		fmt.Fprintln(os.Stderr, "usage: seqread [flags] FILE...")
		os.Exit(2)
	}
	if *parallel > 1 && len(files) != 1 {
		fmt.Fprintln(os.Stderr, "seqread: -parallel needs exactly one FILE")
		os.Exit(2)
	}

	type job struct {
		path         string
		start, count int64
		wrap         bool
	}
	var jobs []job
	if *parallel > 1 {
		st, err := os.Stat(files[0])
		if err != nil {
			fatal(err)
		}
		n := *limit
		if n == 0 {
			n = st.Size()
		}
		for i := 0; i < *parallel; i++ {
			jobs = append(jobs, job{files[0], st.Size() * int64(i) / int64(*parallel), n, true})
		}
	} else {
		for _, f := range files {
			jobs = append(jobs, job{f, *offset, *limit, false})
		}
	}

	var deadline time.Time
	if *maxTime > 0 {
		deadline = time.Now().Add(*maxTime)
	}

	stopRSS := make(chan struct{})
	var peakRSS atomic.Int64
	var rssWG sync.WaitGroup
	if *rssPid > 0 {
		rssWG.Add(1)
		go func() {
			defer rssWG.Done()
			t := time.NewTicker(20 * time.Millisecond)
			defer t.Stop()
			for {
				if v := procStatusKiB(*rssPid, "VmRSS"); v > peakRSS.Load() {
					peakRSS.Store(v)
				}
				select {
				case <-stopRSS:
					return
				case <-t.C:
				}
			}
		}()
	}

	var total atomic.Int64
	var partial atomic.Bool
	var ttfb atomic.Int64 // nanoseconds, first reader to finish its first read
	ttfb.Store(-1)
	errs := make(chan error, len(jobs))
	var wg sync.WaitGroup
	begin := time.Now()
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, cut, err := readOne(j.path, j.start, j.count, j.wrap, *bs, *dropFirst, j.wrap, deadline, func() {
				ttfb.CompareAndSwap(-1, int64(time.Since(begin)))
			})
			total.Add(n)
			if cut {
				partial.Store(true)
			}
			if err != nil {
				errs <- fmt.Errorf("%s: %w", j.path, err)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(begin)
	close(stopRSS)
	rssWG.Wait()
	close(errs)
	for err := range errs {
		fatal(err)
	}

	secs := elapsed.Seconds()
	out := []string{
		"bytes=" + strconv.FormatInt(total.Load(), 10),
		fmt.Sprintf("seconds=%.4f", secs),
		fmt.Sprintf("mbps=%.1f", float64(total.Load())/secs/1e6),
		fmt.Sprintf("ttfb_ms=%.2f", float64(ttfb.Load())/1e6),
	}
	if *rssPid > 0 {
		out = append(out,
			"peak_rss_kib="+strconv.FormatInt(peakRSS.Load(), 10),
			"hwm_kib="+strconv.FormatInt(procStatusKiB(*rssPid, "VmHWM"), 10))
	}
	p := 0
	if partial.Load() {
		p = 1
	}
	out = append(out, "partial="+strconv.Itoa(p))
	fmt.Println(strings.Join(out, " "))
}

// readOne reads count bytes (0: to EOF) of path from start. With wrap it
// continues from 0 at EOF until count bytes were read, and with dropBehind
// it drops what it has read from the page cache every few MiB.
func readOne(path string, start, count int64, wrap bool, bs int, dropFirst, dropBehind bool,
	deadline time.Time, first func()) (n int64, cut bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false, err
	}
	defer f.Close()
	fd := int(f.Fd())
	if dropFirst {
		_ = fadviseDontNeed(fd, 0, 0)
	}
	var size int64
	if wrap {
		st, err := f.Stat()
		if err != nil {
			return 0, false, err
		}
		size = st.Size()
	}
	buf := make([]byte, bs)
	off := start
	dropFrom := off
	firstDone := false
	for count == 0 || n < count {
		want := len(buf)
		if count > 0 && count-n < int64(want) {
			want = int(count - n)
		}
		if wrap && size-off < int64(want) {
			want = int(size - off)
		}
		m, rerr := f.ReadAt(buf[:want], off)
		if m > 0 && !firstDone {
			firstDone = true
			first()
		}
		n += int64(m)
		off += int64(m)
		if dropBehind && off-dropFrom >= 8<<20 {
			_ = fadviseDontNeed(fd, dropFrom, off-dropFrom)
			dropFrom = off
		}
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			return n, false, rerr
		}
		if wrap && off >= size {
			if dropBehind {
				_ = fadviseDontNeed(fd, dropFrom, off-dropFrom)
			}
			off, dropFrom = 0, 0
		} else if m == 0 || errors.Is(rerr, io.EOF) {
			if count > 0 && n < count {
				return n, false, fmt.Errorf("short file: read %d of %d bytes", n, count)
			}
			break
		}
		if !deadline.IsZero() && time.Now().After(deadline) {
			return n, true, nil
		}
	}
	return n, false, nil
}

func fadviseDontNeed(fd int, off, length int64) error {
	const posixFadvDontneed = 4
	_, _, e := syscall.Syscall6(syscall.SYS_FADVISE64, uintptr(fd), uintptr(off), uintptr(length), posixFadvDontneed, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// procStatusKiB returns a "Vm..." field of /proc/PID/status in KiB, or 0.
func procStatusKiB(pid int, field string) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, field+":") {
			continue
		}
		fields := strings.Fields(line[len(field)+1:])
		if len(fields) == 0 {
			return 0
		}
		v, _ := strconv.ParseInt(fields[0], 10, 64)
		return v
	}
	return 0
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "seqread:", err)
	os.Exit(1)
}
