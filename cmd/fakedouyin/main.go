// Command fakedouyin runs the fake Douyin of tests/fakedouyin on a loopback
// address, for demos and benchmarks:
//
//	fakedouyin --config-out fake.toml --login --users 3 --posts 40
//
// It builds the world from the flags, writes a douyinfs config pointing
// every host at itself (--config-out), prints its base URL as the first
// line on stdout, and serves until SIGINT or SIGTERM. Counters are at
// GET <base>/_fake/stats (POST <base>/_fake/reset zeroes them); the media
// files are browsable at <base>/files/, and <base>/_fake/files/<name>
// serves the same bytes without faults, latency or bandwidth limits (the
// truth a checker compares a mount with).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// byteSize is a flag value like "512MiB", "40MB" or "1048576".
type byteSize int64

func (b *byteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *byteSize) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	*b = byteSize(n)
	return nil
}

// parseSize reads a byte count with an optional unit: B, KB/MB/GB/TB
// (powers of 1000; K, M, G, T alone too) or KiB/MiB/GiB/TiB (powers of
// 1024). The number may have a fraction ("1.5GiB").
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := len(t)
	for i > 0 && (t[i-1] < '0' || t[i-1] > '9') && t[i-1] != '.' {
		i--
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	mult := map[string]float64{
		"": 1, "b": 1,
		"k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
	}[unit]
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || mult == 0 || v < 0 {
		return 0, fmt.Errorf("bad size %q (want e.g. 512MiB, 40MB or 1048576)", s)
	}
	return int64(v * mult), nil
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fakedouyin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := fakedouyin.NewDefault()
	var bigVideo, bigMoov, bandwidth byteSize
	var configOut string
	var liveCutAfter byteSize
	var endRoomAfter time.Duration
	var login, verbose bool
	fs.StringVar(&o.Addr, "addr", "127.0.0.1:0", "listen address (loopback only)")
	fs.Int64Var(&o.Seed, "seed", 0, "seed of the generated world")
	fs.IntVar(&o.Users, "users", 3, "number of users")
	fs.IntVar(&o.PostsPerUser, "posts", 30, "posts per user")
	fs.Var(&bigVideo, "big-video", "add a video of this size (e.g. 512MiB) as the first user's newest post")
	fs.Var(&bigMoov, "big-moov", "add a real moov-at-end MP4 padded to this size (e.g. 128MiB) as the first user's newest post after the big video")
	fs.DurationVar(&o.APILatency, "api-latency", 0, "latency added to every API answer")
	fs.DurationVar(&o.CDNTTFB, "cdn-ttfb", 0, "time to first byte of media answers")
	fs.Var(&bandwidth, "conn-bandwidth", "bytes/s per media response (e.g. 40MB); 0 = unlimited")
	fs.Float64Var(&o.Fault5xx, "fault-5xx", 0, "fraction of requests answered 500/502/503/504")
	fs.Float64Var(&o.Fault429, "fault-429", 0, "fraction of requests answered 429 with Retry-After")
	fs.Float64Var(&o.FaultReset, "fault-reset", 0, "fraction of answers reset mid-body")
	fs.Float64Var(&o.FaultStall, "fault-stall", 0, "fraction of answers that stall mid-body")
	fs.Float64Var(&o.MalformedRate, "malformed-rate", 0, "fraction of API answers with cut-short JSON")
	fs.DurationVar(&o.URLTTL, "url-ttl", time.Hour, "lifetime of media URLs")
	fs.BoolVar(&o.EmptyPageQuirk, "empty-pages", false, "posts/likes lists insert empty pages with has_more=1")
	fs.IntVar(&o.EmptyPageRun, "empty-page-run", 0, "one run of this many empty has_more=1 pages in every posts/likes list (0: none)")
	fs.Float64Var(&o.RepeatCursorRate, "repeat-cursor-rate", 0, "share of posts/likes pages that answer their own cursor the first time they are asked")
	fs.Float64Var(&o.ThrottleRate, "throttle-rate", 0, "past this many API requests a second: 429 without Retry-After, then 444, then empty bodies (0: off)")
	fs.DurationVar(&o.ThrottlePeriod, "throttle-period", 5*time.Second, "how long the throttle's empty bodies last")
	fs.StringVar(&o.VerifyPage, "verify-page", "", "answer every API request with a verify page: html (an HTML 200) or redirect (a 302 to a captcha)")
	fs.BoolVar(&o.DeadMirror, "dead-mirror", false, "the first mirror of every media is dead")
	fs.BoolVar(&o.PlayHop, "play-hop", true, "one mirror of every video is a /aweme/v1/play/ URL answering 302")
	fs.BoolVar(&o.ExactDataSize, "exact-data-size", false, "every data_size is the length served (real: some differ)")
	fs.BoolVar(&o.QueryExpiry, "query-expiry", false, "video URLs carry x-expires in the query (real: expiry in the path)")
	fs.BoolVar(&o.NoRefererCheck, "no-referer-check", false, "the CDN serves requests without the site's Referer")
	fs.Float64Var(&o.CDNGoneRate, "cdn-gone-rate", 0, "fraction of CDN requests answered 404 (videos) or 410 (others)")
	fs.BoolVar(&o.GoneMirror, "gone-mirror", false, "the first mirror of every media answers 404/410")
	fs.BoolVar(&o.IgnoreRange, "ignore-range", false, "the CDN answers ranged GETs 200 with the whole body")
	fs.BoolVar(&o.GuestAllPages, "guest-all-pages", false, "serve a guest every page of user posts (real: the first page only)")
	fs.BoolVar(&o.RelatedEnds, "related-ends", false, "end a post's related list after its last post (default: it starts over, never ending)")
	fs.BoolVar(&o.NoPrivateUser, "no-private-user", false, "leave out the private account added after the users")
	fs.BoolVar(&o.NoPinned, "no-pinned", false, "posts lists do not start with pinned posts (real: older pinned posts lead the first page)")
	fs.BoolVar(&o.NoHiddenPosts, "no-hidden-posts", false, "posts/likes lists carry no deleted or prohibited posts (real: they do)")
	fs.BoolVar(&o.LikesByCreateTime, "likes-by-create-time", false, "page likes by create time (real: by like time, out of create-time order)")
	fs.BoolVar(&o.SameDetailGears, "same-detail-gears", false, "post detail lists the same gears as lists (real: a different set)")
	fs.BoolVar(&o.LooseMsToken, "loose-mstoken", false, "accept any well-formed msToken (real: only issued ones)")
	fs.BoolVar(&o.DetailAcceptsXBogus, "detail-accepts-xbogus", false, "post detail accepts X-Bogus (real: a_bogus only, since 2024)")
	fs.BoolVar(&o.NoCookieCheck, "no-cookie-check", false, "www API answers without a browser-like cookie (real: empty body)")
	fs.DurationVar(&o.QRLifetime, "qr-lifetime", 2*time.Minute, "time a login QR code may take to be confirmed")
	fs.DurationVar(&o.LiveCutEvery, "live-cut-every", 30*time.Second, "cut every live FLV connection mid-tag after it streamed this long (negative: never)")
	fs.Var(&liveCutAfter, "live-cut-after", "cut every live FLV connection mid-tag after this many bytes (e.g. 2MB; 0: never)")
	fs.BoolVar(&o.LiveCutStall, "live-cut-stall", false, "a live cut leaves the connection open and silent instead of resetting it")
	fs.DurationVar(&endRoomAfter, "end-room-after", 0, "end the living room this long after start (0: never)")
	fs.BoolVar(&login, "login", false, "write the login cookie into --config-out")
	fs.StringVar(&configOut, "config-out", "", "write a douyinfs config file for this fake")
	fs.BoolVar(&verbose, "v", false, "log every request on stderr")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "fakedouyin: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	for name, f := range map[string]float64{"fault-5xx": o.Fault5xx, "fault-429": o.Fault429, "fault-reset": o.FaultReset,
		"fault-stall": o.FaultStall, "malformed-rate": o.MalformedRate, "cdn-gone-rate": o.CDNGoneRate} {
		if f < 0 || f > 1 {
			fmt.Fprintf(stderr, "fakedouyin: --%s %v is not a fraction between 0 and 1\n", name, f)
			return 2
		}
	}
	if o.VerifyPage != "" && o.VerifyPage != fakedouyin.VerifyHTML && o.VerifyPage != fakedouyin.VerifyRedirect {
		fmt.Fprintf(stderr, "fakedouyin: --verify-page %q is not %s or %s\n", o.VerifyPage, fakedouyin.VerifyHTML, fakedouyin.VerifyRedirect)
		return 2
	}
	if o.ThrottleRate < 0 {
		fmt.Fprintf(stderr, "fakedouyin: --throttle-rate %v is negative\n", o.ThrottleRate)
		return 2
	}
	o.BigVideoSize = int64(bigVideo)
	o.BigMoovSize = int64(bigMoov)
	o.ConnBandwidth = int64(bandwidth)
	o.LiveCutAfter = int64(liveCutAfter)
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	o.Log = logger

	s, err := fakedouyin.Start(o)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	defer s.Close()
	if configOut != "" {
		if err := s.WriteConfig(configOut, login); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	fmt.Fprintln(stdout, s.URL())
	w := s.World()
	logger.Info("fake Douyin serving", "url", s.URL(), "users", len(w.Users), "posts", len(w.AllPosts()),
		"living_room", w.LivingRoom().WebRID, "config", configOut, "files", s.URL()+"/files/")
	if endRoomAfter > 0 {
		room := w.LivingRoom().WebRID
		end := time.AfterFunc(endRoomAfter, func() {
			if err := s.EndRoom(room); err == nil {
				logger.Info("the living room has ended", "room", room)
			}
		})
		defer end.Stop()
	}
	<-ctx.Done()
	logger.Info("stopping")
	return 0
}
