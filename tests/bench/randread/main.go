// Command randread measures the time to the first bytes of a file and the
// latency of random reads in it, for tests/scripts/bench.sh.
//
//	randread [-n 200] [-size 65536] [-seed 1] FILE
//	randread [-n 200] [-size 65536] [-seed 1] http://host/path
//
// It opens the file and times open + pread of the first -size bytes, then
// does -n preads of -size bytes at random offsets (4 KiB aligned, fixed
// seed, so every tool reads the same offsets) on the same descriptor and
// times each. Before the first read it drops the file's pages from the page
// cache (posix_fadvise DONTNEED), so a warm cache does not flatter anyone.
// Given an http(s) URL it does the same with ranged GETs over one keep-alive
// connection (the first one pays for the connect), as a direct baseline.
//
// The result is one line of key=value pairs, in milliseconds:
//
//	first_ms=31.2 p50_ms=45.1 p95_ms=80.3 min_ms=30.0 max_ms=120.4 mean_ms=50.2 n=200
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
	n := flag.Int("n", 200, "random reads")
	size := flag.Int("size", 64<<10, "bytes per read")
	seed := flag.Uint64("seed", 1, "random seed (same seed, same offsets)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: randread [flags] FILE|URL")
		os.Exit(2)
	}
	target := flag.Arg(0)
	buf := make([]byte, *size)

	start := time.Now()
	r, err := rangesrc.Open(target)
	if err != nil {
		fatal(err)
	}
	defer r.Close()
	if err := r.ReadAt(buf, 0); err != nil {
		fatal(fmt.Errorf("first read: %w", err))
	}
	first := time.Since(start)

	total, err := r.Size()
	if err != nil {
		fatal(err)
	}
	if total < int64(*size) {
		fatal(fmt.Errorf("%s is %d bytes, smaller than one read", target, total))
	}
	rng := rand.New(rand.NewPCG(*seed, *seed^0x9e3779b97f4a7c15))
	lat := make([]float64, 0, *n)
	for i := 0; i < *n; i++ {
		off := rng.Int64N(total-int64(*size)+1) &^ 4095
		t := time.Now()
		if err := r.ReadAt(buf, off); err != nil {
			fatal(fmt.Errorf("read at %d: %w", off, err))
		}
		lat = append(lat, float64(time.Since(t))/1e6)
	}
	slices.Sort(lat)
	var sum float64
	for _, v := range lat {
		sum += v
	}
	fmt.Printf("first_ms=%.2f p50_ms=%.2f p95_ms=%.2f min_ms=%.2f max_ms=%.2f mean_ms=%.2f n=%d\n",
		float64(first)/1e6, pct(lat, 50), pct(lat, 95), lat[0], lat[len(lat)-1], sum/float64(len(lat)), len(lat))
}

// pct is the nearest-rank percentile of sorted values.
func pct(sorted []float64, p int) float64 {
	i := (p*len(sorted)+99)/100 - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i]
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "randread:", err)
	os.Exit(1)
}
