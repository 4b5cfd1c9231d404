// Command preadcheck checks a running douyinfs mount of bin/fakedouyin: many
// threads pread random ranges of the mounted videos and compare every byte
// with the fake's own bytes, then every file is read whole once more.
//
//	preadcheck --mount ./mnt --fake http://127.0.0.1:PORT --threads 16 --duration 2m
//
// Files are found under <mount>/users/*/posts/ (videos; with --images also
// the images and music of image posts) and named for the fake by their
// user.douyin.id extended attribute (mount with --xattrs); their truth comes from the fake's
// fault-free GET <fake>/_fake/files/<name>. It prints the report and exits 1
// when any read returned wrong bytes (or failed, unless --allow-errors), 2
// when the check could not run.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/douyinfs/douyinfs/tests/preadcheck"
	"golang.org/x/sys/unix"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("preadcheck", flag.ContinueOnError)
	fl.SetOutput(stderr)
	mnt := fl.String("mount", "", "the douyinfs mount point (required)")
	fake := fl.String("fake", "", "base URL of the fake Douyin, http://127.0.0.1:PORT (required)")
	threads := fl.Int("threads", 16, "concurrent readers")
	duration := fl.Duration("duration", time.Minute, "length of the random phase")
	maxReads := fl.Int64("max-reads", 0, "end the random phase after this many reads (0: no limit)")
	fadvise := fl.Float64("fadvise", 0.05, "chance per read of posix_fadvise(DONTNEED) first")
	reopen := fl.Float64("reopen", 0.02, "chance per read of reopening a random file first")
	seed := fl.Uint64("seed", 0, "seed of the random reads (0: from the clock; printed)")
	videos := fl.Int("files", 10, "videos to check (spread over the users)")
	images := fl.Int("images", 0, "image and music files of image posts to check as well")
	allowErrors := fl.Bool("allow-errors", false, "exit 0 when reads failed with an error but none returned wrong bytes")
	stuck := fl.Duration("stuck", 2*time.Minute, "give up when one read has not returned after this long")
	noFinal := fl.Bool("no-final", false, "skip the final whole-file pass")
	verbose := fl.Bool("v", false, "list the files checked")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *mnt == "" || *fake == "" || fl.NArg() > 0 {
		fmt.Fprintln(stderr, "preadcheck: --mount and --fake are required, and nothing else")
		return 2
	}
	if *seed == 0 {
		*seed = uint64(time.Now().UnixNano())
	}
	files, err := discover(*mnt, *videos, *images, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "preadcheck: %v\n", err)
		return 2
	}
	hc := &http.Client{Timeout: 2 * time.Minute}
	var cfgFiles []preadcheck.File
	for _, f := range files {
		b, err := truth(ctx, hc, strings.TrimSuffix(*fake, "/"), f.name)
		if err != nil {
			fmt.Fprintf(stderr, "preadcheck: truth of %s: %v\n", f.path, err)
			return 2
		}
		if *verbose {
			fmt.Fprintf(stderr, "preadcheck: %s = %s (%d bytes)\n", f.path, f.name, len(b))
		}
		cfgFiles = append(cfgFiles, preadcheck.File{Path: f.path, Size: int64(len(b)), Truth: bytes.NewReader(b)})
	}
	rep, err := preadcheck.Run(ctx, preadcheck.Config{
		Files: cfgFiles, Threads: *threads, Duration: *duration, MaxReads: *maxReads,
		FadviseProb: *fadvise, ReopenProb: *reopen, Seed: *seed, StuckAfter: *stuck, SkipFinal: *noFinal,
	})
	fmt.Fprint(stdout, rep)
	switch {
	case err != nil && !errors.Is(err, preadcheck.ErrStuck):
		fmt.Fprintf(stderr, "preadcheck: %v\n", err)
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "preadcheck: %v\n", err)
		return 1
	case rep.Failed():
		return 1
	case rep.ErrorCount() > 0 && !*allowErrors:
		fmt.Fprintln(stderr, "preadcheck: reads failed with errors (--allow-errors to accept)")
		return 1
	}
	return 0
}

// mediaFile is a file on the mount and its name under the fake's /files/.
type mediaFile struct{ path, name string }

// discover picks up to videos videos and images other media files under
// <mnt>/users/*/posts/, taking from each user in turn so that every user's
// posts are read. A listing that keeps failing (the fake may inject faults)
// only loses that user's files.
func discover(mnt string, videos, images int, stderr io.Writer) ([]mediaFile, error) {
	users, err := readDir(filepath.Join(mnt, "users"))
	if err != nil {
		return nil, err
	}
	var vids, others [][]mediaFile
	for _, u := range users {
		dir := filepath.Join(mnt, "users", u.Name(), "posts")
		entries, err := readDir(dir)
		if err != nil {
			fmt.Fprintf(stderr, "preadcheck: skipping %s: %v\n", dir, err)
			continue
		}
		var v, o []mediaFile
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			switch {
			case e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".mp4"):
				id, err := awemeID(p)
				if err != nil {
					return nil, err
				}
				v = append(v, mediaFile{p, id + ".mp4"})
			case e.IsDir() && len(o) < images:
				m, err := imagePost(p)
				if err != nil {
					fmt.Fprintf(stderr, "preadcheck: skipping %s: %v\n", p, err)
					continue
				}
				o = append(o, m...)
			}
			if len(v) >= videos && len(o) >= images {
				break
			}
		}
		vids, others = append(vids, v), append(others, o)
	}
	out := roundRobin(vids, videos)
	out = append(out, roundRobin(others, images)...)
	if len(out) == 0 {
		return nil, fmt.Errorf("no videos under %s", filepath.Join(mnt, "users", "*", "posts"))
	}
	return out, nil
}

// imagePost lists an image post's files: NN.jpeg is <id>_NN.jpeg on the
// fake, music.mp3 is <id>.mp3.
func imagePost(dir string) ([]mediaFile, error) {
	entries, err := readDir(dir)
	if err != nil {
		return nil, err
	}
	var out []mediaFile
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if !e.Type().IsRegular() {
			continue
		}
		id, err := awemeID(p)
		if err != nil {
			return nil, err
		}
		switch {
		case e.Name() == "music.mp3":
			out = append(out, mediaFile{p, id + ".mp3"})
		case strings.HasSuffix(e.Name(), ".jpeg"):
			out = append(out, mediaFile{p, id + "_" + e.Name()})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, nil
}

// readDir lists dir, trying again on an error: under injected faults a
// listing may fail once and work the next time.
func readDir(dir string) ([]os.DirEntry, error) {
	var err error
	for range 5 {
		var entries []os.DirEntry
		if entries, err = os.ReadDir(dir); err == nil {
			return entries, nil
		}
	}
	return nil, err
}

func roundRobin(lists [][]mediaFile, n int) []mediaFile {
	var out []mediaFile
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
	return out
}

func awemeID(path string) (string, error) {
	buf := make([]byte, 64)
	n, err := unix.Getxattr(path, "user.douyin.id", buf)
	if err != nil {
		return "", fmt.Errorf("getxattr user.douyin.id %s (is the mount's --xattrs on?): %w", path, err)
	}
	return string(buf[:n]), nil
}

// truth fetches the exact bytes of /files/<name> from the fake's fault-free
// route.
func truth(ctx context.Context, hc *http.Client, base, name string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/_fake/files/"+name, nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %d", req.URL, resp.StatusCode)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength >= 0 && int64(len(b)) != resp.ContentLength {
		return nil, fmt.Errorf("%s: %d of %d bytes", req.URL, len(b), resp.ContentLength)
	}
	return b, nil
}
