// Package preadcheck proves on a mounted file system that every read returns
// exactly the right bytes. Many threads pread(2) random ranges of files whose
// true bytes are known (sizes from 1 byte to 1 MiB, offsets favouring block
// boundaries and the end of the file), sometimes reopen or drop the page cache
// with posix_fadvise(DONTNEED); then a final pass reads every file whole, so
// wrong bytes left in the page cache are caught too. Each pread result is
// classified on its own: wrong bytes, short reads, errors, OK.
//
// It uses raw pread on the file descriptor (not os.File.ReadAt, which loops
// over short reads): a short read before the end of a file is what the kernel
// turns into zeros, so it must be seen.
package preadcheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// File is one file to check.
type File struct {
	Path  string      // path on the mount
	Size  int64       // the true size
	Truth io.ReaderAt // the exact expected bytes
}

// Config says what to read and for how long. The random phase ends after
// Duration or MaxReads, whichever comes first; at least one must be set.
type Config struct {
	Files    []File
	Threads  int           // concurrent readers, at least 1
	Duration time.Duration // length of the random phase; 0 = no time limit
	MaxReads int64         // preads (and failed opens) of the random phase, all threads together; 0 = no limit

	MaxReadSize int     // largest read; 0 = 1 MiB
	BlockSize   int64   // the boundaries offsets favour; 0 = 1 MiB
	FadviseProb float64 // chance per read of posix_fadvise(DONTNEED) first
	ReopenProb  float64 // chance per read of closing and opening a random file first
	Seed        uint64

	// StuckAfter bounds one pread: when a read has been in flight this long,
	// Run stops waiting and returns an error naming it (the blocked thread is
	// left behind). 0 = 2 minutes.
	StuckAfter time.Duration
	SkipFinal  bool // skip the final whole-file pass
	// MaxProblems is how many problems of each phase and kind are kept in
	// detail; 0 = 20.
	MaxProblems int
}

// Counts classifies the reads of one phase.
type Counts struct {
	Reads      int64 // preads issued
	OK         int64 // exact bytes, full length
	OKBytes    int64 // bytes of the OK reads
	Wrong      int64 // returned bytes that differ from the truth (or bytes past the end)
	WrongZeros int64 // wrong reads whose bad bytes are all zeros
	Short      int64 // n < min(len, size-off) without an error, and nothing more to read there: the kernel saw an early end of file
	// Interrupted counts preads a signal cut off: EINTR (retried, as
	// programs do) or a partial count whose rest a second pread returned.
	// Go's runtime preempts threads with signals, so a Go checker sees
	// these; they are not wrong bytes.
	Interrupted int64
	Errors      map[string]int64 // failed preads and opens by errno ("EIO", "open ENOENT")
	BadSize     int64            // opens where fstat's size is not the true size
}

// ErrorCount is the number of failed preads and opens.
func (c Counts) ErrorCount() int64 {
	var n int64
	for _, v := range c.Errors {
		n += v
	}
	return n
}

// Read is one pread.
type Read struct {
	Path string
	Off  int64
	Len  int           // bytes asked
	N    int           // bytes returned
	Took time.Duration // time spent in pread
}

// Problem is one read that went wrong.
type Problem struct {
	Kind  string // "wrong", "short", "error", "size", "stuck"
	Phase string // "random" or "final"
	Read
	Want      int   // bytes a correct read returns: min(Len, size-Off)
	FirstDiff int64 // file offset of the first wrong byte (wrong reads), else -1
	BadBytes  int   // wrong bytes (wrong reads)
	Zeros     bool  // every wrong byte is a zero
	Err       string
}

func (p Problem) String() string {
	if p.Kind == "size" || (p.Kind == "error" && p.Len == 0) { // an open, not a read
		return fmt.Sprintf("%s %s %s: %s", p.Phase, p.Kind, p.Path, p.Err)
	}
	s := fmt.Sprintf("%s %s %s off %d len %d: ", p.Phase, p.Kind, p.Path, p.Off, p.Len)
	switch p.Kind {
	case "wrong":
		s += fmt.Sprintf("n %d, first diff at file off %d, %d bad bytes", p.N, p.FirstDiff, p.BadBytes)
		if p.Zeros {
			s += ", all zeros"
		}
	case "short":
		s += fmt.Sprintf("n %d, want %d", p.N, p.Want)
	case "stuck":
		s += fmt.Sprintf("still in pread after %s", p.Took.Round(time.Millisecond))
		return s
	default:
		s += p.Err
	}
	return s + fmt.Sprintf(" (%s)", p.Took.Round(time.Microsecond))
}

// Report is the outcome of Run.
type Report struct {
	Files, Threads int
	Seed           uint64
	Random         Counts
	Final          Counts
	RandomTime     time.Duration
	FinalTime      time.Duration
	FinalSkipped   bool
	Fadvises       int64
	FadviseErrors  int64
	Reopens        int64
	Slowest        Read
	Problems       []Problem // the first MaxProblems of each phase and kind, in order of discovery
	Stuck          []Problem // reads still blocked when Run gave up
}

// Failed reports whether any read returned wrong bytes: wrong or short reads,
// a wrong size, or a read that never returned.
func (r Report) Failed() bool {
	return r.Random.Wrong+r.Random.Short+r.Random.BadSize+r.Final.Wrong+r.Final.Short+r.Final.BadSize > 0 || len(r.Stuck) > 0
}

// ErrorCount is the number of failed preads and opens of both phases.
func (r Report) ErrorCount() int64 { return r.Random.ErrorCount() + r.Final.ErrorCount() }

// String is a summary: counts per class and phase, then the first problems.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "preadcheck: %d files, %d threads, seed %d\n", r.Files, r.Threads, r.Seed)
	fmt.Fprintf(&b, "  random (%s): %s\n", r.RandomTime.Round(time.Millisecond), r.Random)
	if r.FinalSkipped {
		b.WriteString("  final: skipped\n")
	} else {
		fmt.Fprintf(&b, "  final (%s): %s\n", r.FinalTime.Round(time.Millisecond), r.Final)
	}
	fmt.Fprintf(&b, "  fadvise(DONTNEED) %d (%d failed), reopens %d, slowest read %s (%s off %d len %d)\n",
		r.Fadvises, r.FadviseErrors, r.Reopens, r.Slowest.Took.Round(time.Millisecond), r.Slowest.Path, r.Slowest.Off, r.Slowest.Len)
	for _, p := range r.Stuck {
		fmt.Fprintf(&b, "  STUCK %s\n", p)
	}
	if len(r.Problems) > 0 {
		b.WriteString("  first problems:\n")
		shown := map[string]int{}
		for _, p := range r.Problems {
			if k := p.Phase + p.Kind; shown[k] < 5 {
				shown[k]++
				fmt.Fprintf(&b, "    %s\n", p)
			}
		}
	}
	switch {
	case r.Failed():
		b.WriteString("  verdict: FAIL (wrong bytes)\n")
	case r.ErrorCount() > 0:
		b.WriteString("  verdict: no wrong bytes, but errors\n")
	default:
		b.WriteString("  verdict: OK\n")
	}
	return b.String()
}

func (c Counts) String() string {
	s := fmt.Sprintf("%d reads: %d ok (%s), %d wrong (%d zeros), %d short, %d errors, %d interrupted by signals (retried)",
		c.Reads, c.OK, bytesString(c.OKBytes), c.Wrong, c.WrongZeros, c.Short, c.ErrorCount(), c.Interrupted)
	if len(c.Errors) > 0 {
		keys := make([]string, 0, len(c.Errors))
		for k := range c.Errors {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s %d", k, c.Errors[k]))
		}
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	if c.BadSize > 0 {
		s += fmt.Sprintf(", %d opens with a wrong size", c.BadSize)
	}
	return s
}

func bytesString(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// ErrStuck is returned (wrapped) when a read did not return within StuckAfter.
var ErrStuck = errors.New("preadcheck: a read did not return")

// Run runs the random phase, then the final pass, and reports. The error is
// for a bad config, a failing Truth, or reads that never returned (the
// report is then still filled in); wrong bytes are in the report, see
// Report.Failed. Cancelling ctx ends the random phase early and skips the
// final pass.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if err := cfg.fill(); err != nil {
		return Report{}, err
	}
	c := &checker{cfg: cfg, kept: map[string]int{}}
	rep := Report{Files: len(cfg.Files), Threads: cfg.Threads, Seed: cfg.Seed}

	start := time.Now()
	var deadline time.Time
	if cfg.Duration > 0 {
		deadline = start.Add(cfg.Duration)
	}
	ws, err := c.pool(cfg.Threads, "random", func(w *worker) { w.random(ctx, deadline) })
	rep.RandomTime = time.Since(start)
	c.merge(&rep, ws, &rep.Random)
	if err != nil {
		return rep, err
	}
	if cfg.SkipFinal || ctx.Err() != nil {
		rep.FinalSkipped = true
		return rep, c.fatalErr()
	}
	start = time.Now()
	var next atomic.Int64
	ws, err = c.pool(min(cfg.Threads, len(cfg.Files)), "final", func(w *worker) {
		for i := next.Add(1) - 1; i < int64(len(cfg.Files)) && !c.failed(); i = next.Add(1) - 1 {
			w.whole(&cfg.Files[i])
		}
	})
	rep.FinalTime = time.Since(start)
	c.merge(&rep, ws, &rep.Final)
	if err != nil {
		return rep, err
	}
	return rep, c.fatalErr()
}

func (cfg *Config) fill() error {
	if len(cfg.Files) == 0 {
		return errors.New("preadcheck: no files")
	}
	if cfg.Threads < 1 {
		return fmt.Errorf("preadcheck: %d threads", cfg.Threads)
	}
	if cfg.Duration <= 0 && cfg.MaxReads <= 0 {
		return errors.New("preadcheck: neither Duration nor MaxReads is set; the run would not end")
	}
	for _, f := range cfg.Files {
		if f.Size < 0 || f.Truth == nil {
			return fmt.Errorf("preadcheck: %s: size %d, truth %v", f.Path, f.Size, f.Truth)
		}
	}
	if cfg.MaxReadSize <= 0 {
		cfg.MaxReadSize = 1 << 20
	}
	if cfg.BlockSize <= 0 {
		cfg.BlockSize = 1 << 20
	}
	if cfg.StuckAfter <= 0 {
		cfg.StuckAfter = 2 * time.Minute
	}
	if cfg.MaxProblems <= 0 {
		cfg.MaxProblems = 20
	}
	return nil
}

// checker is the state the workers of one Run share.
type checker struct {
	cfg    Config
	issued atomic.Int64 // random preads issued, for MaxReads

	mu       sync.Mutex
	problems []Problem
	kept     map[string]int // problems kept per phase and kind
	stuck    []Problem
	fatal    error // a Truth failure: the check itself cannot go on
}

// problem keeps the first MaxProblems of each phase and kind, so a flood of
// errors does not hide the first wrong read.
func (c *checker) problem(p Problem) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := p.Phase + " " + p.Kind
	if c.kept[k] < c.cfg.MaxProblems {
		c.kept[k]++
		c.problems = append(c.problems, p)
	}
}

func (c *checker) setFatal(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fatal == nil {
		c.fatal = err
	}
}

func (c *checker) fatalErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fatal
}

func (c *checker) failed() bool { return c.fatalErr() != nil }

// pool runs n workers and waits for them, but gives up when one pread has
// been in flight for StuckAfter: a hung read must not hang the caller.
func (c *checker) pool(n int, phase string, body func(*worker)) ([]*worker, error) {
	ws := make([]*worker, n)
	done := make(chan struct{})
	var wg sync.WaitGroup
	for i := range ws {
		ws[i] = &worker{c: c, phase: phase, id: i, fd: -1, counts: Counts{Errors: map[string]int64{}},
			rng: rand.New(rand.NewPCG(c.cfg.Seed, uint64(i)<<1|boolBit(phase == "final")))}
		ws[i].buf = make([]byte, c.cfg.MaxReadSize)
		ws[i].want = make([]byte, c.cfg.MaxReadSize)
		wg.Add(1)
		go func(w *worker) {
			defer wg.Done()
			defer w.closeFile()
			body(w)
		}(ws[i])
	}
	go func() { wg.Wait(); close(done) }()
	tick := time.NewTicker(min(time.Second, c.cfg.StuckAfter/4))
	defer tick.Stop()
	for {
		select {
		case <-done:
			return ws, nil
		case <-tick.C:
			var stuck []Problem
			for _, w := range ws {
				if r, ok := w.inFlight(); ok && r.Took >= c.cfg.StuckAfter {
					stuck = append(stuck, Problem{Kind: "stuck", Phase: phase, Read: r, FirstDiff: -1})
				}
			}
			if len(stuck) > 0 {
				c.mu.Lock()
				c.stuck = stuck
				c.mu.Unlock()
				return ws, fmt.Errorf("%w within %s: %s (and %d more)", ErrStuck, c.cfg.StuckAfter, stuck[0], len(stuck)-1)
			}
		}
	}
}

func boolBit(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// merge adds the workers' counts to rep (under each worker's lock: after a
// give-up, blocked workers may still finish later).
func (c *checker) merge(rep *Report, ws []*worker, into *Counts) {
	if into.Errors == nil {
		into.Errors = map[string]int64{}
	}
	for _, w := range ws {
		w.mu.Lock()
		k := w.counts
		into.Reads += k.Reads
		into.OK += k.OK
		into.OKBytes += k.OKBytes
		into.Wrong += k.Wrong
		into.WrongZeros += k.WrongZeros
		into.Short += k.Short
		into.Interrupted += k.Interrupted
		into.BadSize += k.BadSize
		for e, v := range k.Errors {
			into.Errors[e] += v
		}
		rep.Fadvises += w.fadvises
		rep.FadviseErrors += w.fadviseErrors
		rep.Reopens += w.reopens
		if w.slowest.Took > rep.Slowest.Took {
			rep.Slowest = w.slowest
		}
		w.mu.Unlock()
	}
	c.mu.Lock()
	rep.Problems = slices.Clone(c.problems)
	rep.Stuck = append(rep.Stuck, c.stuck...)
	c.stuck = nil
	c.mu.Unlock()
}

// worker is one reading thread.
type worker struct {
	c     *checker
	phase string
	id    int
	rng   *rand.Rand
	buf   []byte // what pread returned
	want  []byte // the truth
	fd    int
	file  *File

	mu            sync.Mutex // guards what follows: Run reads it while a read may be blocked
	counts        Counts
	fadvises      int64
	fadviseErrors int64
	reopens       int64
	slowest       Read
	cur           Read // the read in flight, when curStart is set
	curStart      time.Time
}

func (w *worker) inFlight() (Read, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.curStart.IsZero() {
		return Read{}, false
	}
	r := w.cur
	r.Took = time.Since(w.curStart)
	return r, true
}

func (w *worker) closeFile() {
	if w.fd >= 0 {
		unix.Close(w.fd)
		w.fd = -1
	}
}

// open opens f (closing what was open) and checks fstat's size.
func (w *worker) open(f *File) bool {
	w.closeFile()
	w.file = f
	fd, err := unix.Open(f.Path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		w.fail("open", f.Path, err)
		return false
	}
	w.fd = fd
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		w.fail("fstat", f.Path, err)
		return true
	}
	if st.Size != f.Size {
		w.mu.Lock()
		w.counts.BadSize++
		w.mu.Unlock()
		w.c.problem(Problem{Kind: "size", Phase: w.phase, Read: Read{Path: f.Path}, FirstDiff: -1,
			Err: fmt.Sprintf("fstat size %d, true size %d", st.Size, f.Size)})
	}
	return true
}

// fail counts a failed open or fstat under "<op> <errno>".
func (w *worker) fail(op, path string, err error) {
	name := errName(err)
	w.mu.Lock()
	w.counts.Errors[op+" "+name]++
	w.mu.Unlock()
	w.c.problem(Problem{Kind: "error", Phase: w.phase, Read: Read{Path: path}, FirstDiff: -1, Err: op + ": " + err.Error()})
}

func errName(err error) string {
	var errno unix.Errno
	if errors.As(err, &errno) {
		if n := unix.ErrnoName(errno); n != "" {
			return n
		}
		return fmt.Sprintf("errno %d", int(errno))
	}
	return err.Error()
}

// random is the random phase of one thread.
func (w *worker) random(ctx context.Context, deadline time.Time) {
	cfg := &w.c.cfg
	files := cfg.Files
	for {
		if ctx.Err() != nil || (!deadline.IsZero() && !time.Now().Before(deadline)) || w.c.failed() {
			return
		}
		if cfg.MaxReads > 0 && w.c.issued.Add(1) > cfg.MaxReads {
			return
		}
		if w.fd < 0 || w.rng.Float64() < cfg.ReopenProb {
			f := &files[w.id%len(files)]
			if w.file != nil {
				f = &files[w.rng.IntN(len(files))]
				w.mu.Lock()
				w.reopens++
				w.mu.Unlock()
			}
			if !w.open(f) {
				continue
			}
		}
		if cfg.FadviseProb > 0 && w.rng.Float64() < cfg.FadviseProb {
			err := unix.Fadvise(w.fd, 0, 0, unix.FADV_DONTNEED)
			w.mu.Lock()
			w.fadvises++
			if err != nil {
				w.fadviseErrors++
			}
			w.mu.Unlock()
		}
		off, n := w.pick(w.file.Size)
		w.check(off, n)
	}
}

// pick draws a read: its length log-uniform in [1, MaxReadSize]; its offset
// uniform, or at a block boundary give or take a few bytes, or ending at
// one, or in the last MiB, or exactly at the end of the file.
func (w *worker) pick(size int64) (int64, int) {
	cfg := &w.c.cfg
	l := int(math.Exp(w.rng.Float64() * math.Log(float64(cfg.MaxReadSize)+1)))
	l = max(1, min(l, cfg.MaxReadSize))
	if size == 0 {
		return 0, l
	}
	var off int64
	switch u := w.rng.Float64(); {
	case u < 0.5:
		off = w.rng.Int64N(size)
	case u < 0.7:
		off = w.rng.Int64N(size/cfg.BlockSize+1)*cfg.BlockSize + w.rng.Int64N(17) - 8
	case u < 0.8:
		off = w.rng.Int64N(size/cfg.BlockSize+1)*cfg.BlockSize - int64(l) + w.rng.Int64N(17) - 8
	case u < 0.97:
		off = size - 1 - w.rng.Int64N(min(size, 1<<20))
	default:
		off = size
	}
	return max(0, min(off, size)), l
}

// whole reads f from a fresh open, front to back, then once at the end.
func (w *worker) whole(f *File) {
	if !w.open(f) {
		return
	}
	l := int64(len(w.buf))
	for off := int64(0); off <= f.Size && !w.c.failed(); off += l {
		w.check(off, int(l))
	}
	if f.Size%l != 0 { // the read at the end, which must return 0 bytes
		w.check(f.Size, int(l))
	}
}

// pread reads at off, retrying a read a signal interrupted before any byte
// (EINTR), as programs do.
func (w *worker) pread(buf []byte, off int64) (int, error) {
	for try := 0; ; try++ {
		n, err := unix.Pread(w.fd, buf, off)
		if err != unix.EINTR || try >= 100 {
			return n, err
		}
		w.mu.Lock()
		w.counts.Interrupted++
		w.mu.Unlock()
	}
}

// check does one pread of l bytes at off in the open file and classifies it.
func (w *worker) check(off int64, l int) {
	f := w.file
	buf := w.buf[:l]
	w.mu.Lock()
	w.cur, w.curStart = Read{Path: f.Path, Off: off, Len: l}, time.Now()
	w.mu.Unlock()
	start := time.Now()
	n, err := w.pread(buf, off)
	wantN := int(max(0, min(int64(l), f.Size-off)))
	// A signal may cut a read short after some bytes (POSIX allows it):
	// the rest must then be there. An early end of file would read 0.
	for err == nil && n > 0 && n < wantN {
		m, err2 := w.pread(buf[n:l], off+int64(n))
		if err2 != nil || m == 0 {
			break
		}
		w.mu.Lock()
		w.counts.Interrupted++
		w.mu.Unlock()
		n += m
	}
	took := time.Since(start)
	r := Read{Path: f.Path, Off: off, Len: l, N: n, Took: took}
	w.mu.Lock()
	w.curStart = time.Time{}
	w.counts.Reads++
	if took > w.slowest.Took {
		w.slowest = r
	}
	w.mu.Unlock()

	if err != nil {
		name := errName(err)
		w.mu.Lock()
		w.counts.Errors[name]++
		w.mu.Unlock()
		w.c.problem(Problem{Kind: "error", Phase: w.phase, Read: r, FirstDiff: -1, Err: name})
		return
	}
	want := w.want[:wantN]
	if got, terr := f.Truth.ReadAt(want, off); got != wantN {
		w.c.setFatal(fmt.Errorf("preadcheck: truth of %s at %d: %d of %d bytes: %v", f.Path, off, got, wantN, terr))
		return
	}
	p := Problem{Phase: w.phase, Read: r, Want: wantN, FirstDiff: -1}
	common := min(n, wantN)
	for i := 0; i < common; i++ {
		if buf[i] != want[i] {
			if p.FirstDiff < 0 {
				p.FirstDiff = off + int64(i)
				p.Zeros = true
			}
			p.BadBytes++
			p.Zeros = p.Zeros && buf[i] == 0
		}
	}
	if n > wantN { // bytes past the end of the file are wrong bytes too
		if p.FirstDiff < 0 {
			p.FirstDiff = off + int64(wantN)
			p.Zeros = true
		}
		for _, b := range buf[wantN:n] {
			p.BadBytes++
			p.Zeros = p.Zeros && b == 0
		}
	}
	w.mu.Lock()
	switch {
	case p.BadBytes > 0:
		p.Kind = "wrong"
		w.counts.Wrong++
		if p.Zeros {
			w.counts.WrongZeros++
		}
	case n < wantN:
		p.Kind = "short"
		w.counts.Short++
	default:
		w.counts.OK++
		w.counts.OKBytes += int64(n)
	}
	w.mu.Unlock()
	if p.Kind != "" {
		w.c.problem(p)
	}
}
