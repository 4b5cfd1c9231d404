// Command reader benchmarks the ranged media reader (media.Reader, no
// FUSE) against one curl of the same URL, on cmd/fakedouyin over loopback,
// and prints the ratios measured in the same run:
//
//	go run ./tests/bench/reader [-fake bin/fakedouyin] [-runs 3] [-size 512MiB]
//
//	A  unthrottled sequential read of -size: reader MB/s / curl MB/s (>= 0.8)
//	B  40 MB/s per connection, 30 ms TTFB:   reader MB/s / curl MB/s (>= 3)
//	C  time to the first 64 KiB (B's server): reader / curl -r 0-65535 (<= 1.3)
//	   (C' the same on A's unthrottled server, for information)
//	D  peak RSS of 8 readers streaming 1 GiB each with a 256 MiB budget
//	   (<= budget + 64 MiB), in a child process so nothing else counts
//
// The reader reads like FUSE does with max_read = 1 MiB: ReadAt of 1 MiB,
// in order. It gets its URLs the way douyinfs does (post detail through
// fetch.Client), and curl gets the reader's first mirror. Every reader run
// starts with an empty cache and new connections, as curl does; the reader
// lives in this process like in the daemon, so its memory pool is warm
// after a first run, which is left out of the medians (A' reports it).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/douyinfs/douyinfs/cache"
	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
)

func main() {
	fake := flag.String("fake", "", "fakedouyin binary (default: build ./cmd/fakedouyin)")
	runs := flag.Int("runs", 3, "runs per measurement (the median is reported)")
	size := flag.String("size", "512MiB", "video size for A and B")
	rssSize := flag.String("rss-size", "1GiB", "video size (and bytes per reader) for D")
	readers := flag.Int("readers", 8, "readers for D")
	budget := flag.Int64("budget", 256<<20, "cache budget for D, bytes")
	only := flag.String("only", "ABCD", "scenarios to run")
	child := flag.String("rss-child", "", "internal: run D's readers on this media (JSON) and print VmHWM")
	flag.Parse()

	if *child != "" {
		if err := rssChild(*child, *readers, *budget); err != nil {
			fmt.Fprintln(os.Stderr, "rss child:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*fake, *runs, *size, *rssSize, *readers, *budget, *only); err != nil {
		fmt.Fprintln(os.Stderr, "reader bench:", err)
		os.Exit(1)
	}
}

func run(fakeBin string, runs int, size, rssSize string, readers int, budget int64, only string) error {
	if _, err := exec.LookPath("curl"); err != nil {
		return errors.New("curl is needed")
	}
	tmp, err := os.MkdirTemp("", "reader-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if fakeBin == "" {
		fakeBin = filepath.Join(tmp, "fakedouyin")
		build := exec.Command("go", "build", "-o", fakeBin, "./cmd/fakedouyin")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building fakedouyin (run from the module root): %w", err)
		}
	}
	fmt.Printf("reader benchmark: %d CPUs, %s, runs=%d (median)\n\n", runtime.NumCPU(), runtime.Version(), runs)
	fmt.Printf("%-46s %14s %14s %8s  %s\n", "scenario", "reader", "curl", "ratio", "target")

	if strings.ContainsAny(only, "A") {
		f, err := startFake(fakeBin, tmp, "--big-video", size)
		if err != nil {
			return err
		}
		rd, cu, first, err := seqPair(f, runs)
		if err != nil {
			f.stop()
			return err
		}
		report("A unthrottled sequential "+size, mbps(f.media.Size, rd), mbps(f.media.Size, cu), "MB/s", ">= 0.8")
		report("A' the same, first run of a new process", mbps(f.media.Size, first), mbps(f.media.Size, cu), "MB/s", "(info: memory pool still empty)")
		if err := ttfbPair(f, runs, "C' first 64 KiB (A's server)"); err != nil {
			f.stop()
			return err
		}
		f.stop()
	}
	if strings.ContainsAny(only, "BC") {
		f, err := startFake(fakeBin, tmp, "--big-video", size, "--conn-bandwidth", "40MB", "--cdn-ttfb", "30ms")
		if err != nil {
			return err
		}
		if strings.Contains(only, "B") {
			rd, cu, _, err := seqPair(f, runs)
			if err != nil {
				f.stop()
				return err
			}
			report("B 40 MB/s per conn, 30 ms TTFB, "+size, mbps(f.media.Size, rd), mbps(f.media.Size, cu), "MB/s", ">= 3")
		}
		if strings.Contains(only, "C") {
			if err := ttfbPair(f, runs, "C first 64 KiB (B's server)"); err != nil {
				f.stop()
				return err
			}
		}
		f.stop()
	}
	if strings.Contains(only, "D") {
		f, err := startFake(fakeBin, tmp, "--big-video", rssSize)
		if err != nil {
			return err
		}
		// Only the plain fields cross to the child: Media.Refresh is a func
		// and would make json.Marshal fail.
		mj, err := json.Marshal(mediaArg{Key: f.media.Key, URLs: f.media.URLs, Size: f.media.Size})
		if err != nil {
			f.stop()
			return err
		}
		self, _ := os.Executable()
		start := time.Now()
		out, err := exec.Command(self, "-rss-child", string(mj), "-readers", strconv.Itoa(readers),
			"-budget", strconv.FormatInt(budget, 10)).Output()
		f.stop()
		if err != nil {
			return fmt.Errorf("rss child: %w", err)
		}
		var hwm, total int64
		var peak int64
		fmt.Sscanf(string(out), "hwm_kib=%d bytes=%d peak_used=%d", &hwm, &total, &peak)
		el := time.Since(start).Seconds()
		limit := budget + 64<<20
		fmt.Printf("%-46s %11.0f MiB %14s %8.2f  %s (%d MiB); cache peak %d MiB; %.0f MB/s total\n",
			fmt.Sprintf("D peak RSS, %d readers x %s, budget %d MiB", readers, rssSize, budget>>20),
			float64(hwm)/1024, "-", float64(hwm*1024)/float64(limit), "<= 1 of budget+64MiB", limit>>20, peak>>20, float64(total)/el/1e6)
	}
	return nil
}

// ttfbPair times the first 64 KiB: a cold reader (new connection) against
// curl -r 0-65535 (curl's own time_total, connection included).
func ttfbPair(f *fakeServer, runs int, name string) error {
	var rds, cus []float64
	blocks, err := cache.NewBlocks(blocksConfig(64 << 20))
	if err != nil {
		return err
	}
	defer blocks.Close()
	if _, err := firstBytes(f.media, blocks); err != nil { // warms the pool
		return err
	}
	for range max(runs, 5) {
		blocks.Clear()
		// Sub-millisecond timings: let no collection of an earlier
		// scenario's garbage run across them.
		runtime.GC()
		rd, err := firstBytes(f.media, blocks)
		if err != nil {
			return err
		}
		cu, _, err := curl(f.media.URLs[0], "0-65535")
		if err != nil {
			return err
		}
		rds, cus = append(rds, rd), append(cus, cu)
	}
	rd, cu := median(rds), median(cus)
	fmt.Printf("%-46s %11.1f ms %11.1f ms %8.2f  %s\n", name, rd*1000, cu*1000, rd/cu, "<= 1.3")
	return nil
}

func report(name string, reader, curl float64, unit, target string) {
	fmt.Printf("%-46s %9.1f %s %9.1f %s %8.2f  %s\n", name, reader, unit, curl, unit, reader/curl, target)
}

func mbps(n int64, sec float64) float64 { return float64(n) / sec / 1e6 }

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

type fakeServer struct {
	cmd   *exec.Cmd
	base  string
	media *media.Item
}

func (f *fakeServer) stop() {
	_ = f.cmd.Process.Signal(os.Interrupt)
	_ = f.cmd.Wait()
}

// startFake runs cmd/fakedouyin and resolves its big video through the API.
func startFake(bin, dir string, args ...string) (*fakeServer, error) {
	cfg := filepath.Join(dir, "fake.toml")
	// The reader is told each video's size from the API, as douyinfs is,
	// and the bench compares the bytes with that size: data_size must be
	// the length served (the fake's default of wrong sizes is tested by
	// the mount tests, not measured here).
	cmd := exec.Command(bin, append([]string{"--addr", "127.0.0.1:0", "--config-out", cfg, "--exact-data-size"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	f := &fakeServer{cmd: cmd}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		f.stop()
		return nil, fmt.Errorf("fakedouyin printed no URL: %w", err)
	}
	f.base = strings.TrimSpace(line)
	if f.media, err = bigVideo(f.base, cfg); err != nil {
		f.stop()
		return nil, err
	}
	return f, nil
}

// bigVideo finds the largest video of the first configured user.
func bigVideo(base, cfgPath string) (*media.Item, error) {
	cfg, err := os.ReadFile(cfgPath)
	if err != nil {
		return nil, err
	}
	var secUID string
	for l := range strings.SplitSeq(string(cfg), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "sec_user_id = "); ok {
			secUID, _ = strconv.Unquote(v)
			break
		}
	}
	api := fetch.DefaultConfig()
	api.Hosts = fetch.Hosts{WWW: base, Live: base, Webcast: base, MsToken: base, TTWID: base, WebID: base, SSO: base, ShortLink: base + "/v"}
	api.RateLimit, api.RateBurst = 100, 100
	c, err := fetch.NewClient(api)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	posts, err := c.UserPosts(secUID).Next(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing posts: %w", err)
	}
	var best *media.Item
	for _, p := range posts {
		if r := p.Video.Best(); r != nil && (best == nil || r.Size > best.Size) {
			best = &media.Item{Key: p.ID + "/" + r.Key, URLs: r.URLs, Size: r.Size}
		}
	}
	if best == nil {
		return nil, errors.New("no video found")
	}
	return best, nil
}

// seqPair measures the reader and curl alternately, runs times each. The
// reader runs in this long-lived process like the daemon: its cache is
// emptied before each run (cold data), its memory pool is not (warm
// process), except in the first run.
func seqPair(f *fakeServer, runs int) (reader, curlSec, first float64, err error) {
	var rds, cus []float64
	blocks, err := cache.NewBlocks(blocksConfig(512 << 20))
	if err != nil {
		return 0, 0, 0, err
	}
	defer blocks.Close()
	for i := range runs + 1 {
		blocks.Clear()
		rd, err := sequential(f.media, blocks)
		if err != nil {
			return 0, 0, 0, err
		}
		if i == 0 {
			first = rd // not in the median: the pool was empty
			continue
		}
		cu, n, err := curl(f.media.URLs[0], "")
		if err != nil {
			return 0, 0, 0, err
		}
		if n != f.media.Size {
			return 0, 0, 0, fmt.Errorf("curl got %d bytes of %d", n, f.media.Size)
		}
		rds, cus = append(rds, rd), append(cus, cu)
	}
	return median(rds), median(cus), first, nil
}

func newReader(budget int64) (*media.Reader, *cache.Blocks, error) {
	blocks, err := cache.NewBlocks(blocksConfig(budget))
	if err != nil {
		return nil, nil, err
	}
	r, err := media.NewReader(media.DefaultConfig(), blocks)
	return r, blocks, err
}

// blocksConfig is the default block cache with another budget.
func blocksConfig(budget int64) cache.BlocksConfig {
	c := cache.DefaultConfig()
	c.Budget = budget
	return c
}

// sequential reads the whole media in 1 MiB reads with a new reader (new
// connections) as config.toml sets it up; it returns seconds.
func sequential(m *media.Item, blocks *cache.Blocks) (float64, error) {
	r, err := media.NewReader(media.DefaultConfig(), blocks)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	buf := make([]byte, 1<<20)
	start := time.Now()
	h := r.Open(m)
	var total int64
	for {
		n, err := h.ReadAt(context.Background(), buf, total)
		total += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	el := time.Since(start).Seconds()
	h.Close()
	if total != m.Size {
		return 0, fmt.Errorf("reader got %d bytes of %d", total, m.Size)
	}
	return el, nil
}

// firstBytes times a new reader's first 64 KiB (empty cache, new
// connection).
func firstBytes(m *media.Item, blocks *cache.Blocks) (float64, error) {
	r, err := media.NewReader(media.DefaultConfig(), blocks)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	buf := make([]byte, 64<<10)
	start := time.Now()
	h := r.Open(m)
	if _, err := h.ReadAt(context.Background(), buf, 0); err != nil {
		return 0, err
	}
	el := time.Since(start).Seconds()
	h.Close()
	return el, nil
}

// curl fetches url (or a range of it) and returns curl's own total time.
func curl(url, rng string) (sec float64, n int64, err error) {
	// The Referer the CDN wants from a browser (and from douyinfs).
	args := []string{"-s", "-f", "-o", "/dev/null", "-w", "%{time_total} %{size_download}", "-H", "Referer: " + media.DefaultConfig().Referer}
	if rng != "" {
		args = append(args, "-r", rng)
	}
	out, err := exec.Command("curl", append(args, url)...).Output()
	if err != nil {
		return 0, 0, fmt.Errorf("curl: %w", err)
	}
	if _, err := fmt.Sscanf(string(out), "%g %d", &sec, &n); err != nil {
		return 0, 0, fmt.Errorf("curl output %q: %w", out, err)
	}
	return sec, n, nil
}

// mediaArg is the part of a media.Item that can cross to the child process
// as JSON (Media.Refresh is a func, which encoding/json refuses).
type mediaArg struct {
	Key  string
	URLs []string
	Size int64
}

// rssChild streams readers x the media's size, reader i starting at i/n of
// the file and wrapping, and prints its peak RSS.
func rssChild(mediaJSON string, readers int, budget int64) error {
	var arg mediaArg
	if err := json.Unmarshal([]byte(mediaJSON), &arg); err != nil || len(arg.URLs) == 0 {
		return fmt.Errorf("rss child: bad media argument %q: %v", mediaJSON, err)
	}
	m := media.Item{Key: arg.Key, URLs: arg.URLs, Size: arg.Size}
	r, blocks, err := newReader(budget)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	errs := make(chan error, readers)
	var mu sync.Mutex
	var total int64
	for i := range readers {
		wg.Go(func() {
			h := r.Open(&m)
			defer h.Close()
			buf := make([]byte, 1<<20)
			off := m.Size / int64(readers) * int64(i)
			for done := int64(0); done < m.Size; {
				n, err := h.ReadAt(context.Background(), buf, off)
				if err != nil && err != io.EOF {
					errs <- err
					return
				}
				done += int64(n)
				off += int64(n)
				if off >= m.Size {
					off = 0
				}
			}
			mu.Lock()
			total += m.Size
			mu.Unlock()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		return err
	}
	peak := blocks.Stats().Peak
	r.Close()
	blocks.Close()
	hwm, err := vmHWM()
	if err != nil {
		return err
	}
	fmt.Printf("hwm_kib=%d bytes=%d peak_used=%d\n", hwm, total, peak)
	return nil
}

func vmHWM() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for l := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		}
	}
	return 0, errors.New("no VmHWM")
}
