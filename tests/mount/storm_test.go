package mount_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
)

// Every hostile knob at once, and `rsync -a` of a whole user: 10 % 5xx,
// 5 % 429, 2 % resets, 10 % malformed JSON, a 20 s URL lifetime,
// rate-triggered risk control (429, 444, empty bodies), runs of empty
// pages, and the CDN's own: 5 % of media answers 404/410, Range ignored
// (200 with the whole file), besides its defaults (data_size that lies,
// expiry in the path, Referer checked). The copy finishes, every media file equals the fake's bytes, and
// no operation failed: every error a retry could avoid was avoided.
//
// Not DeadMirror or GoneMirror: a profile's avatar has one URL (as in the
// real capture), so a dead first mirror is a dead avatar, an error no
// retry avoids.
func TestStormRsync(t *testing.T) {
	requireTool(t, "rsync")
	o := defaultOptions()
	o.Users, o.PostsPerUser = 2, 10
	o.Fault5xx, o.Fault429, o.FaultReset, o.MalformedRate = 0.10, 0.05, 0.02, 0.10
	o.URLTTL = 20 * time.Second
	o.ThrottleRate, o.ThrottlePeriod = 4, time.Second
	o.EmptyPageRun = 2 // below max_empty_pages (3): a run the pager walks through
	o.CDNGoneRate, o.IgnoreRange = 0.05, true
	logs := &logTee{t: t}
	e := start(t, setup{opts: o, net: func(a *fetch.Config, m *media.Config) {
		// Small pages make several pages of a small user (and room for
		// the empty-page runs); more retries than the default keep a
		// chance run of faults (about 1 in 4 answers) from ending a
		// request: 9 attempts all failing is about 1 in 100,000.
		a.PageSize = 4
		a.Retries, m.Retries = 8, 8
		a.RiskPause, a.Logger = 300*time.Millisecond, logs.logger()
	}})
	var u *fakedouyin.User
	for _, c := range e.world.Users {
		if c.Room == nil || !c.Room.Living {
			u = c // stream.flv of a live user never ends
			break
		}
	}
	if u == nil {
		t.Fatal("every fake user is live")
	}
	// The listings first, then the CDN's clock past the URLs' lifetime:
	// as if the copy came 21 s after the listing, every URL the listings
	// gave has expired and is fetched anew (through the same storm).
	start := time.Now()
	e.run("ls", "-R", e.path("users", u.Name))
	e.fake.ExpireURLs()
	dst := t.TempDir()
	if out, errOut, err := e.try("rsync", "-a", e.path("users", u.Name)+"/", dst); err != nil {
		t.Fatalf("rsync -a in the storm: %v\n%s\n%s", err, out, errOut)
	}
	took := time.Since(start)

	// Every media file of the user's posts and likes is the fake's.
	var likes []*fakedouyin.Post
	if !u.LikesPrivate {
		likes = u.Likes
	}
	checked := 0
	for _, list := range []struct {
		dir   string
		posts []*fakedouyin.Post
	}{{"posts", u.Posts}, {"likes", likes}} {
		for _, p := range list.posts {
			for f, m := range e.mediaFiles(e.path("users", u.Name, list.dir), p) {
				rel, _ := filepath.Rel(e.path("users", u.Name), f)
				got, err := os.ReadFile(filepath.Join(dst, rel))
				if err != nil {
					t.Errorf("rsync copy of %s: %v", rel, err)
					continue
				}
				if !bytes.Equal(got, m.Bytes()) {
					t.Errorf("rsync copy of %s: %d bytes that differ from the fake's %d", rel, len(got), m.Size)
				}
				checked++
			}
		}
	}
	if checked < len(u.Posts) {
		t.Errorf("only %d media files checked for %d posts", checked, len(u.Posts))
	}

	// No operation failed and no listing stopped short.
	b, err := os.ReadFile(e.path(".douyinfs", "stats.json"))
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		API struct {
			Errors      map[string]int64 `json:"errors"`
			Retries     int64            `json:"retries"`
			RiskAnswers map[string]int64 `json:"risk_answers"`
			Circuit     string           `json:"circuit"`
		} `json:"api"`
		Media struct {
			Retries   int64 `json:"retries"`
			Refreshes int64 `json:"refreshes"`
		} `json:"media"`
		FS struct {
			Errors             int64 `json:"errors"`
			ListingsIncomplete int64 `json:"listings_incomplete"`
		} `json:"fs"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatalf("stats.json: %v", err)
	}
	if st.FS.Errors != 0 || st.FS.ListingsIncomplete != 0 {
		t.Errorf("fs errors %d, incomplete listings %d: want none\n%s", st.FS.Errors, st.FS.ListingsIncomplete, b)
	}
	// The storm was real: the knobs with a rate all struck.
	fs := e.fake.Stats()
	for _, k := range []string{"5xx", "malformed"} {
		if fs.Faults[k] == 0 {
			t.Errorf("no %s fault was injected: %v", k, fs.Faults)
		}
	}
	if st.API.Retries == 0 || st.Media.Retries == 0 {
		t.Errorf("no retries: api %d, media %d", st.API.Retries, st.Media.Retries)
	}
	if fs.Expired == 0 || st.Media.Refreshes == 0 {
		t.Errorf("no URL expired (%d) or was fetched anew (%d)", fs.Expired, st.Media.Refreshes)
	}
	t.Logf("ls -R and rsync took %v; %d media files checked; fake faults %v, expired URLs %d; api retries %d, errors %v, risk answers %v (circuit %s, %d refusing lines); media retries %d, URL refreshes %d",
		took.Round(time.Millisecond), checked, fs.Faults, fs.Expired, st.API.Retries, st.API.Errors, st.API.RiskAnswers,
		st.API.Circuit, logs.count(refusingLine), st.Media.Retries, st.Media.Refreshes)
	if strings.Contains(string(b), `"circuit": "open"`) {
		t.Errorf("the circuit is still open after the copy:\n%s", b)
	}
}
