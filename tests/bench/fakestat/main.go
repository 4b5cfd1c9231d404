// Command fakestat reads (or resets) the counters of a running
// bin/fakedouyin, for tests/scripts/bench.sh.
//
//	fakestat BASE_URL          print the counters as key=value pairs
//	fakestat -reset BASE_URL   zero them (POST /_fake/reset)
//
// Printed keys:
//
//	api          API requests (/aweme/..., /webcast/...: what Douyin rate-limits)
//	tokens       token registrations (msToken, ttwid, webid)
//	media_bytes  body bytes of media sent (CDN + /files/)
//	cdn_bytes, files_bytes
//	cdn_reqs, files_reqs, play_reqs
//	rejected     requests the fake refused (bad signature, parameter, ...)
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"
)

type stats struct {
	Requests   map[string]int64 `json:"requests"`
	Rejected   int64            `json:"rejected"`
	CDNBytes   int64            `json:"cdn_bytes"`
	FilesBytes int64            `json:"files_bytes"`
}

func main() {
	reset := flag.Bool("reset", false, "zero the counters")
	verbose := flag.Bool("v", false, "also print every endpoint's count")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: fakestat [-reset] BASE_URL")
		os.Exit(2)
	}
	base := strings.TrimSuffix(flag.Arg(0), "/")
	client := &http.Client{Timeout: 10 * time.Second}
	if *reset {
		resp, err := client.Post(base+"/_fake/reset", "", nil)
		if err != nil {
			fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			fatal(fmt.Errorf("POST /_fake/reset: %s", resp.Status))
		}
		return
	}
	resp, err := client.Get(base + "/_fake/stats")
	if err != nil {
		fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fatal(fmt.Errorf("GET /_fake/stats: %s", resp.Status))
	}
	var s stats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		fatal(fmt.Errorf("decoding /_fake/stats: %w", err))
	}
	var api, tokens int64
	keys := make([]string, 0, len(s.Requests))
	for k, n := range s.Requests {
		keys = append(keys, k)
		switch {
		case strings.HasPrefix(k, "/aweme/"), strings.HasPrefix(k, "/webcast/"):
			api += n
		case k == "/web/r/token", k == "/ttwid/union/register/", k == "/webid":
			tokens += n
		}
	}
	fmt.Printf("api=%d tokens=%d media_bytes=%d cdn_bytes=%d files_bytes=%d cdn_reqs=%d files_reqs=%d play_reqs=%d rejected=%d\n",
		api, tokens, s.CDNBytes+s.FilesBytes, s.CDNBytes, s.FilesBytes,
		s.Requests["cdn"], s.Requests["/files/"], s.Requests["play"], s.Rejected)
	if *verbose {
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Printf("  %s %d\n", k, s.Requests[k])
		}
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "fakestat:", err)
	os.Exit(1)
}
