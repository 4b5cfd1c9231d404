package preadcheck

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// files writes n files of the given size with random bytes and returns them
// with their truth; edit changes the bytes on disk (not the truth).
func files(t *testing.T, sizes []int64, edit func(i int, b []byte) []byte) []File {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	var out []File
	for i, size := range sizes {
		b := make([]byte, size)
		for j := range b {
			b[j] = byte(rng.IntN(255) + 1) // never 0, so zeros on disk are always wrong
		}
		truth := bytes.Clone(b)
		if edit != nil {
			b = edit(i, b)
		}
		p := filepath.Join(dir, "f"+string(rune('a'+i)))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, File{Path: p, Size: size, Truth: bytes.NewReader(truth)})
	}
	return out
}

func run(t *testing.T, cfg Config) Report {
	t.Helper()
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, rep)
	}
	t.Logf("\n%s", rep)
	return rep
}

var sizes = []int64{3<<20 + 12345, 1 << 20, 700, 0, 2 << 20}

func TestGoodFiles(t *testing.T) {
	rep := run(t, Config{Files: files(t, sizes, nil), Threads: 4, MaxReads: 3000, FadviseProb: 0.1, ReopenProb: 0.05, Seed: 7})
	if rep.Failed() || rep.ErrorCount() > 0 {
		t.Fatalf("correct files reported as failing")
	}
	if rep.Random.Reads != 3000 || rep.Random.OK != 3000 {
		t.Errorf("random phase: %d reads, %d ok; want exactly 3000 of each", rep.Random.Reads, rep.Random.OK)
	}
	// One read per MiB up to and including the end, plus one at the end
	// when the size is not a multiple of 1 MiB.
	if want := int64(5 + 2 + 2 + 1 + 3); rep.Final.Reads != want || rep.Final.OK != want {
		t.Errorf("final pass: %d reads, %d ok; want %d", rep.Final.Reads, rep.Final.OK, want)
	}
	if rep.Fadvises == 0 || rep.FadviseErrors != 0 || rep.Reopens == 0 {
		t.Errorf("fadvise %d (%d failed), reopens %d; want some of each and no failure", rep.Fadvises, rep.FadviseErrors, rep.Reopens)
	}
	if rep.Slowest.Took <= 0 || rep.Slowest.Path == "" {
		t.Errorf("no slowest read: %+v", rep.Slowest)
	}
}

func TestZerosAtABlockBoundary(t *testing.T) {
	fs := files(t, sizes, func(i int, b []byte) []byte {
		if i == 0 {
			clear(b[1<<20 : 1<<20+4096])
		}
		return b
	})
	rep := run(t, Config{Files: fs, Threads: 1, MaxReads: 3000, Seed: 8}) // one thread: the same reads every run
	if !rep.Failed() || rep.Random.Wrong == 0 || rep.Random.WrongZeros != rep.Random.Wrong || rep.Final.Wrong != 1 || rep.Final.WrongZeros != 1 {
		t.Fatalf("want wrong reads of zeros in both phases")
	}
	if rep.Random.Short+rep.Final.Short+rep.ErrorCount() != 0 {
		t.Errorf("zeros were also counted as short reads or errors")
	}
	var final *Problem
	for i, p := range rep.Problems {
		if p.Kind != "wrong" || p.Path != fs[0].Path || !p.Zeros {
			t.Errorf("problem %s: want a wrong read of zeros in %s", p, fs[0].Path)
		}
		if d := p.FirstDiff; d < 1<<20 || d >= 1<<20+4096 || d < p.Off {
			t.Errorf("problem %s: first diff outside the zeroed range", p)
		}
		if p.Phase == "final" {
			final = &rep.Problems[i]
		}
	}
	if final == nil || final.FirstDiff != 1<<20 || final.BadBytes != 4096 {
		t.Errorf("final pass problem %v; want first diff at 1048576 and 4096 bad bytes", final)
	}
	if !strings.Contains(rep.String(), "first diff at file off 1048576, 4096 bad bytes, all zeros") {
		t.Errorf("the summary does not name the final pass's wrong read")
	}
}

func TestWrongBytes(t *testing.T) {
	fs := files(t, sizes, func(i int, b []byte) []byte {
		if i == 4 {
			b[len(b)-1] ^= 0xff
		}
		return b
	})
	rep := run(t, Config{Files: fs, Threads: 2, MaxReads: 3000, ReopenProb: 0.05, Seed: 9})
	if rep.Random.Wrong == 0 || rep.Random.WrongZeros != 0 || rep.Final.Wrong != 1 {
		t.Fatalf("want wrong reads (not zeros) in both phases")
	}
	for _, p := range rep.Problems {
		if p.FirstDiff != 2<<20-1 || p.BadBytes != 1 || p.Zeros {
			t.Errorf("problem %s: want one bad byte at %d", p, 2<<20-1)
		}
	}
}

func TestShortReads(t *testing.T) {
	fs := files(t, sizes, func(i int, b []byte) []byte {
		if i == 0 {
			return b[:2<<20+100] // the file ends early: reads past it come back short
		}
		return b
	})
	rep := run(t, Config{Files: fs, Threads: 4, MaxReads: 2000, ReopenProb: 0.1, Seed: 10})
	if !rep.Failed() || rep.Random.Short == 0 || rep.Final.Short == 0 || rep.Random.Wrong+rep.Final.Wrong != 0 {
		t.Fatalf("want short reads (and no wrong ones) in both phases")
	}
	if rep.Random.BadSize == 0 || rep.Final.BadSize != 1 {
		t.Errorf("the truncated file's fstat size was not reported")
	}
	for _, p := range rep.Problems {
		end := p.Off + int64(p.N)
		if p.Kind == "short" && (p.N >= p.Want || (end != 2<<20+100 && !(p.N == 0 && p.Off > 2<<20+100))) {
			t.Errorf("problem %s: want a read ending at %d", p, 2<<20+100)
		}
	}
}

func TestErrors(t *testing.T) {
	fs := files(t, sizes[:2], nil)
	fs[1].Path += ".missing"
	rep := run(t, Config{Files: fs, Threads: 2, MaxReads: 500, ReopenProb: 0.2, Seed: 11})
	if rep.Failed() {
		t.Errorf("errors alone reported as wrong bytes")
	}
	if rep.Random.Errors["open ENOENT"] == 0 || rep.Final.Errors["open ENOENT"] != 1 || rep.Random.OK == 0 {
		t.Errorf("want ENOENT opens counted and the other file read fine")
	}
	if !strings.Contains(rep.String(), "open ENOENT") {
		t.Errorf("the summary does not name the error")
	}
}

func TestDurationBounds(t *testing.T) {
	start := time.Now()
	rep := run(t, Config{Files: files(t, sizes[:2], nil), Threads: 2, Duration: 100 * time.Millisecond, SkipFinal: true})
	if rep.Random.Reads == 0 || !rep.FinalSkipped || rep.Final.Reads != 0 {
		t.Errorf("want some random reads and no final pass")
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("a 100ms run took %s", d)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := Run(ctx, Config{Files: files(t, sizes[:1], nil), Threads: 2, Duration: time.Hour})
	if err != nil || rep.Random.Reads != 0 || !rep.FinalSkipped {
		t.Errorf("a cancelled run: %v, %d reads, final skipped %v", err, rep.Random.Reads, rep.FinalSkipped)
	}
}

func TestBadConfig(t *testing.T) {
	fs := files(t, sizes[:1], nil)
	for name, cfg := range map[string]Config{
		"no files":   {Threads: 1, MaxReads: 1},
		"no threads": {Files: fs, MaxReads: 1},
		"unbounded":  {Files: fs, Threads: 1},
		"no truth":   {Files: []File{{Path: fs[0].Path, Size: 1}}, Threads: 1, MaxReads: 1},
	} {
		if _, err := Run(context.Background(), cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestPick checks the shape of the drawn reads: every length from tiny to
// 1 MiB, offsets within the file, some at block boundaries, in the last MiB
// and at the very end.
func TestPick(t *testing.T) {
	c := &checker{cfg: Config{MaxReadSize: 1 << 20, BlockSize: 1 << 20}}
	w := &worker{c: c, rng: rand.New(rand.NewPCG(3, 4))}
	const size = 10<<20 + 333
	var tiny, huge, boundary, tail, end, middle int
	for range 100000 {
		off, l := w.pick(size)
		if l < 1 || l > 1<<20 || off < 0 || off > size {
			t.Fatalf("pick: off %d len %d", off, l)
		}
		switch {
		case l <= 16:
			tiny++
		case l >= 512<<10:
			huge++
		}
		if d := off % (1 << 20); d <= 8 || d >= 1<<20-8 || (off+int64(l))%(1<<20) <= 8 {
			boundary++
		}
		switch {
		case off == size:
			end++
		case off >= size-1<<20:
			tail++
		case off > 1<<20 && off < size-2<<20:
			middle++
		}
	}
	for name, n := range map[string]int{"tiny": tiny, "huge": huge, "boundary": boundary, "tail": tail, "end": end, "middle": middle} {
		if n < 1000 {
			t.Errorf("%s reads: %d of 100000", name, n)
		}
	}
}
