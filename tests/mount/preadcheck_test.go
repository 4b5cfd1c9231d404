package mount_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
	"github.com/douyinfs/douyinfs/tests/preadcheck"
)

// TestPreadcheck runs the concurrent random-pread checker for ten seconds
// on a mount with a 16 MiB budget (16 readers, more than its blocks), with
// and without faults: no read may return wrong bytes or come back short; in
// the quiet case none may fail either (issue 11).
func TestPreadcheck(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults func(*fakedouyin.Options)
		net    func(*fetch.Config, *media.Config)
	}{
		{"quiet", nil, nil},
		{"faults", func(o *fakedouyin.Options) {
			o.Fault5xx, o.FaultReset, o.FaultStall, o.MalformedRate = 0.05, 0.05, 0.02, 0.05
		}, func(_ *fetch.Config, r *media.Config) {
			// A stalled answer is given up after 2 s rather than 10 s, so
			// that ten seconds of reads see more than the stalls.
			r.Timeout = 2 * time.Second
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := defaultOptions()
			opts.PostsPerUser = 10
			e := start(t, setup{opts: opts, budget: 16 << 20, net: tc.net})
			files := e.videoFiles(10)
			if tc.faults != nil { // after the listings: the faults are for the reads
				e.fake.SetOptions(tc.faults)
			}
			// The daemon bounds every read by OpTimeout (15 s); the context
			// and StuckAfter bound the run should that fail.
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			rep, err := preadcheck.Run(ctx, preadcheck.Config{
				Files: files, Threads: 16, Duration: 10 * time.Second,
				FadviseProb: 0.05, ReopenProb: 0.02, Seed: 11, StuckAfter: time.Minute,
			})
			t.Logf("\n%s", rep)
			if err != nil {
				t.Fatalf("preadcheck: %v", err)
			}
			if rep.FinalSkipped {
				t.Errorf("the final pass did not run (the run hit its 3-minute bound)")
			}
			for _, c := range []struct {
				phase string
				n     preadcheck.Counts
			}{{"random", rep.Random}, {"final", rep.Final}} {
				if c.n.Wrong+c.n.Short+c.n.BadSize > 0 {
					t.Errorf("%s phase: %d wrong reads (%d of zeros), %d short reads, %d opens with a wrong size",
						c.phase, c.n.Wrong, c.n.WrongZeros, c.n.Short, c.n.BadSize)
				}
				if tc.faults == nil && c.n.ErrorCount() > 0 {
					t.Errorf("%s phase: %d failed reads without any fault: %v", c.phase, c.n.ErrorCount(), c.n.Errors)
				}
			}
			if rep.Random.OK == 0 || rep.Final.OK == 0 {
				t.Errorf("no read succeeded (random %d, final %d)", rep.Random.OK, rep.Final.OK)
			}
		})
	}
}

// videoFiles returns up to n videos of the configured users, each with the
// fake's bytes as its truth, taking from each user in turn.
func (e *env) videoFiles(n int) []preadcheck.File {
	e.t.Helper()
	byName := map[string]*fakedouyin.Media{}
	for _, f := range e.world.Files() {
		byName[f.Name] = f.Media
	}
	var lists [][]preadcheck.File
	for _, u := range e.world.Users {
		dir := e.path("users", u.Name, "posts")
		names, err := readDirNames(dir)
		if err != nil {
			e.t.Fatalf("listing %s: %v", dir, err)
		}
		var l []preadcheck.File
		for _, name := range names {
			base, ok := strings.CutSuffix(name, ".mp4")
			if !ok {
				continue
			}
			// Names end with _<aweme_id> (the template's last field).
			id := base[strings.LastIndexByte(base, '_')+1:]
			m := byName[id+".mp4"]
			if m == nil {
				e.t.Fatalf("%s: no video %s.mp4 in the fake", name, id)
			}
			l = append(l, preadcheck.File{Path: dir + "/" + name, Size: m.Size, Truth: m})
		}
		lists = append(lists, l)
	}
	var out []preadcheck.File
	for i := 0; len(out) < n; i++ {
		added := false
		for _, l := range lists {
			if i < len(l) && len(out) < n {
				out = append(out, l[i])
				added = true
			}
		}
		if !added {
			break
		}
	}
	if len(out) < n {
		e.t.Fatalf("only %d videos under users/*/posts; want %d", len(out), n)
	}
	return out
}
