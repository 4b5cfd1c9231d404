package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	dfs "github.com/douyinfs/douyinfs/fs"
	"github.com/douyinfs/douyinfs/tests/fakedouyin"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func TestResolve(t *testing.T) {
	srv, config := startFake(t, nil)
	w := srv.World()
	user := w.Users[0]
	post := user.Posts[0]
	mix := user.Mixes[0]
	room := w.LivingRoom()
	short := func(code string) string { return srv.URL() + "/v/" + code + "/" }

	inputs := []string{
		short(user.ShortCode),
		"7.43 复制打开抖音，看看【" + user.Nickname + "的作品】 " + short(post.ShortCode) + " 点击打开👉",
		short(mix.ShortCode),
		short(room.ShortCode),
		"https://www.douyin.com/video/" + post.AwemeID + "?previous_page=web_code_link",
		"https://live.douyin.com/" + room.WebRID,
	}
	want := "user\t" + user.SecUID + "\n" +
		"post\t" + post.AwemeID + "\n" +
		"mix\t" + mix.ID + "\n" +
		"room\t" + room.RoomID + "\n" +
		"post\t" + post.AwemeID + "\n" +
		"live\t" + room.WebRID + "\n"
	r := run(t, append([]string{"resolve", "--config", config}, inputs...)...)
	if r.code != 0 || r.stdout != want {
		t.Errorf("status %d\nstdout:\n%s\nwant:\n%s\nstderr: %s", r.code, r.stdout, want, r.stderr)
	}
	if n := srv.Stats().Requests["/v/"]; n < 4 {
		t.Errorf("%d short-link requests, want one per short link", n)
	}

	// A failing input: its own error line, the others still resolve, and
	// the exit status says something failed.
	r = run(t, "resolve", "--config", config, short("iNOSUCHCODE"), short(post.ShortCode), "no link in here")
	if r.code != 1 || r.stdout != "post\t"+post.AwemeID+"\n" {
		t.Errorf("status %d stdout %q", r.code, r.stdout)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "iNOSUCHCODE") || !strings.Contains(lines[1], `"no link in here"`) {
		t.Errorf("stderr: %q", r.stderr)
	}
}

func TestLogin(t *testing.T) {
	srv, config := startFake(t, nil)
	cookieFile := filepath.Join(t.TempDir(), "conf", "douyinfs", "cookie")
	r := run(t, "login", "--config", config, "--cookie-file", cookieFile, "--poll-interval", "10ms", "--log-level", "debug")
	if r.code != 0 {
		t.Fatalf("status %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	pos := 0
	for _, want := range []string{"risk control", "DevTools", "Request Headers", "chmod 600 " + cookieFile,
		"▀", "status: waiting for scan", "status: scanned, confirm on the phone", "status: confirmed",
		"cookie saved to " + cookieFile + " (mode 0600)"} {
		i := strings.Index(r.stdout[pos:], want)
		if i < 0 {
			t.Fatalf("stdout lacks %q (in order):\n%s", want, r.stdout)
		}
		pos += i + len(want)
	}
	data, err := os.ReadFile(cookieFile)
	if err != nil || !strings.HasSuffix(string(data), "\n") || strings.Count(string(data), "\n") != 1 {
		t.Errorf("cookie file: %v, want one line", err)
	}
	// The client keeps what a browser keeps along the redirect chain: at
	// least every pair of the fake's login cookie.
	got := cookiePairs(string(data))
	for _, pair := range cookiePairs(srv.World().LoginCookie) {
		if !slices.Contains(got, pair) {
			t.Errorf("cookie file lacks %q of the login cookie", pair)
		}
	}
	for path, mode := range map[string]os.FileMode{cookieFile: 0o600, filepath.Dir(cookieFile): 0o700} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != mode {
			t.Errorf("%s: %v %v, want mode %o", path, fi.Mode().Perm(), err, mode)
		}
	}
	assertNoSecret(t, srv.World().LoginCookie, r.stdout, r.stderr)

	// The saved cookie is accepted by mount (mode 0600) and logs in.
	if testing.Short() {
		return
	}
	p := startMount(t, "--config", config, "--cookie-file", cookieFile)
	if _, err := os.Stat(filepath.Join(p.dir, "me")); err != nil {
		t.Errorf("me/ missing with the saved cookie: %v\n%s", err, p.stderr(t))
	}
}

func TestLoginExpired(t *testing.T) {
	_, config := startFake(t, func(o *fakedouyin.Options) {
		o.QRLifetime = time.Nanosecond
	})
	cookieFile := filepath.Join(t.TempDir(), "cookie")
	r := run(t, "login", "--config", config, "--cookie-file", cookieFile, "--poll-interval", "10ms")
	if r.code != 1 || !strings.Contains(r.stdout, "status: expired: run again") {
		t.Errorf("status %d stdout %q", r.code, r.stdout)
	}
	r.oneLineError(t, 1, "login failed: the QR code expired")
	if _, err := os.Stat(cookieFile); err == nil {
		t.Error("a cookie file was written")
	}
}

// cookiePairs are the name=value pairs of a cookie, sorted.
func cookiePairs(cookie string) []string {
	var pairs []string
	for _, p := range strings.Split(cookie, ";") {
		if p = strings.TrimSpace(p); p != "" {
			pairs = append(pairs, p)
		}
	}
	slices.Sort(pairs)
	return pairs
}

// assertNoSecret fails if any value of the cookie shows in the outputs.
func assertNoSecret(t *testing.T, cookie string, outputs ...string) {
	t.Helper()
	for _, pair := range strings.Split(cookie, ";") {
		_, value, _ := strings.Cut(strings.TrimSpace(pair), "=")
		if len(value) < 8 {
			continue // too short to be told from other text
		}
		for _, out := range outputs {
			if strings.Contains(out, value) {
				t.Errorf("cookie value %q appears in the output", value)
			}
		}
	}
}

// With a cookie and debug logging, a mount that does real work never
// writes the cookie to its log.
func TestCookieNeverLogged(t *testing.T) {
	srv, config := startFake(t, nil)
	cookie := srv.World().LoginCookie
	cookieFile := writeFile(t, t.TempDir(), "cookie", cookie+"\n", 0o600)
	p := startMount(t, "--config", config, "--cookie-file", cookieFile, "--log-level", "debug", "--log-format", "json")
	user := srv.World().Users[0]
	for _, dir := range []string{"users/" + user.Name + "/posts", "users/" + user.Name + "/mixes", "me/collection", "me/feed"} {
		if _, err := os.ReadDir(filepath.Join(p.dir, dir)); err != nil {
			t.Errorf("%s: %v", dir, err)
		}
	}
	if _, err := os.ReadFile(filepath.Join(p.dir, ".douyinfs", "stats.json")); err != nil {
		t.Error(err)
	}
	p.signal(t, os.Interrupt)
	p.wait(t, 15*time.Second)
	logs := p.stderr(t)
	if !strings.Contains(logs, `"level":"DEBUG"`) || srv.Stats().Requests["/aweme/v1/web/aweme/post/"] == 0 {
		t.Fatalf("no debug logging or no API traffic; the test proves nothing:\n%.2000s", logs)
	}
	assertNoSecret(t, cookie, logs)
}

// SIGHUP makes the next listing come from Douyin again.
func TestSIGHUPDropsListings(t *testing.T) {
	srv, config := startFake(t, nil)
	p := startMount(t, "--config", config)
	posts := filepath.Join(p.dir, "users", srv.World().Users[0].Name, "posts")
	const endpoint = "/aweme/v1/web/aweme/post/"
	list := func() int64 {
		t.Helper()
		if _, err := os.ReadDir(posts); err != nil {
			t.Fatal(err)
		}
		return srv.Stats().Requests[endpoint]
	}
	first := list()
	if first == 0 {
		t.Fatal("listing made no API call")
	}
	if again := list(); again != first {
		t.Fatalf("a second listing within the TTL called the API (%d → %d)", first, again)
	}
	p.signal(t, syscall.SIGHUP)
	p.waitLog(t, "dropped cached listings and metadata", 1)
	if after := list(); after <= first {
		t.Errorf("after SIGHUP the listing was not fetched again (%d → %d)", first, after)
	}
}

// /metrics answers on loopback with the figures of .douyinfs/stats.json,
// in text Prometheus's own parser accepts.
func TestMetrics(t *testing.T) {
	srv, config := startFake(t, nil)
	p := startMount(t, "--config", config, "--metrics-addr", "127.0.0.1:0")
	// The URL is logged once the tree is served, which may be just after
	// the mount shows in the mount table.
	p.waitLog(t, "serving metrics", 1)
	m := regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+/metrics)`).FindStringSubmatch(p.stderr(t))
	if m == nil {
		t.Fatalf("no metrics URL in the log:\n%s", p.stderr(t))
	}
	user := srv.World().Users[0]
	posts := filepath.Join(p.dir, "users", user.Name, "posts")
	entries, err := os.ReadDir(posts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.ReadFile(filepath.Join(p.dir, "users", user.Name, "profile.json")); err != nil {
		t.Fatal(err)
	}
	// A whole video, so media and cache figures are not all zero.
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".mp4") {
			if _, err := os.ReadFile(filepath.Join(posts, e.Name())); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	readStats := func() (dfs.Stats, []byte) {
		t.Helper()
		raw, err := os.ReadFile(filepath.Join(p.dir, ".douyinfs", "stats.json"))
		if err != nil {
			t.Fatal(err)
		}
		var s dfs.Stats
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatal(err)
		}
		return s, raw
	}
	// Wait out read-ahead, which may still be fetching past the read.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		s, raw := readStats()
		if s.Media.PrefetchInFlight == 0 && s.Cache.InFlight == 0 && s.Media.OpenHandles == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("media fetches still in flight after 10 s:\n%s", raw)
		}
	}

	resp, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("%s: %s %q", m[1], resp.Status, resp.Header.Get("Content-Type"))
	}
	mfs, err := parseMetrics(string(body))
	if err != nil {
		t.Fatalf("/metrics: %v\n%s", err, body)
	}

	stats, raw := readStats()
	if len(stats.API.Requests) == 0 || stats.APICalls == 0 || stats.Media.BytesFetched == 0 {
		t.Fatalf("stats.json shows no API requests or no media read:\n%s", raw)
	}

	// Reading stats.json sends nothing to Douyin and reads no media: these
	// figures cannot have moved between the two reads.
	byEndpoint := map[string]float64{}
	for _, s := range family(t, mfs, "douyinfs_api_requests_total", dto.MetricType_COUNTER).Metric {
		if len(s.Label) != 1 || s.Label[0].GetName() != "endpoint" {
			t.Errorf("douyinfs_api_requests_total labels %v", s.Label)
		}
		byEndpoint[s.Label[0].GetValue()] = s.Counter.GetValue()
	}
	for ep, n := range stats.API.Requests {
		if byEndpoint[ep] != float64(n) {
			t.Errorf("stats.json api.requests[%s] = %d, /metrics %v", ep, n, byEndpoint[ep])
		}
	}
	if len(byEndpoint) != len(stats.API.Requests) {
		t.Errorf("endpoints: stats.json %v, /metrics %v", stats.API.Requests, byEndpoint)
	}
	for _, c := range []struct {
		name string
		kind dto.MetricType
		want int64
	}{
		{"douyinfs_api_retries_total", dto.MetricType_COUNTER, stats.API.Retries},
		{"douyinfs_api_rejected_total", dto.MetricType_COUNTER, stats.API.Rejected},
		{"douyinfs_media_requests_total", dto.MetricType_COUNTER, stats.Media.Requests},
		{"douyinfs_media_bytes_total", dto.MetricType_COUNTER, stats.Media.BytesFetched},
		{"douyinfs_cache_hits_total", dto.MetricType_COUNTER, stats.Cache.Hits},
		{"douyinfs_cache_misses_total", dto.MetricType_COUNTER, stats.Cache.Misses},
		{"douyinfs_prefetch_in_flight_bytes", dto.MetricType_GAUGE, stats.Media.PrefetchInFlight},
		{"douyinfs_open_handles", dto.MetricType_GAUGE, stats.Media.OpenHandles},
		{"douyinfs_live_streams_open", dto.MetricType_GAUGE, stats.LiveStreamsOpen},
	} {
		mf := family(t, mfs, c.name, c.kind)
		if mf == nil {
			continue
		}
		if len(mf.Metric) != 1 {
			t.Errorf("%s: %d samples", c.name, len(mf.Metric))
			continue
		}
		got := mf.Metric[0].GetCounter().GetValue() + mf.Metric[0].GetGauge().GetValue()
		if got != float64(c.want) {
			t.Errorf("%s = %v, stats.json %d", c.name, got, c.want)
		}
	}
	for _, name := range []string{"douyinfs_fs_lookups_total", "douyinfs_uptime_seconds", "go_goroutines", "process_resident_memory_bytes"} {
		if mfs[name] == nil {
			t.Errorf("/metrics has no %s", name)
		}
	}
}

// parseMetrics reads the Prometheus text format with Prometheus's parser.
func parseMetrics(text string) (map[string]*dto.MetricFamily, error) {
	p := expfmt.NewTextParser(model.LegacyValidation)
	return p.TextToMetricFamilies(strings.NewReader(text))
}

func family(t *testing.T, mfs map[string]*dto.MetricFamily, name string, kind dto.MetricType) *dto.MetricFamily {
	t.Helper()
	mf := mfs[name]
	if mf == nil {
		t.Errorf("/metrics has no %s", name)
		return &dto.MetricFamily{}
	}
	if mf.GetType() != kind {
		t.Errorf("%s is a %s, want a %s", name, mf.GetType(), kind)
	}
	return mf
}

// TestMetrics can fail: the parser refuses text that is not the format.
func TestMetricsParserRejects(t *testing.T) {
	for _, bad := range []string{
		"douyinfs_cache_hits_total\n",
		"douyinfs_cache_hits_total 1 2 3\n",
		`douyinfs_api_requests_total{endpoint="user_posts} 1` + "\n",
		"# TYPE douyinfs_x counter\n# TYPE douyinfs_x gauge\n",
	} {
		if _, err := parseMetrics(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	if _, err := parseMetrics("# TYPE douyinfs_x_total counter\ndouyinfs_x_total 1\n"); err != nil {
		t.Error(err)
	}
}

// A player has a video open and is reading it when the service stops.
func TestUnmountWhilePlaying(t *testing.T) {
	srv, config := startFake(t, nil)
	p := startMount(t, "--config", config)
	posts := filepath.Join(p.dir, "users", srv.World().Users[0].Name, "posts")
	entries, err := os.ReadDir(posts)
	if err != nil {
		t.Fatal(err)
	}
	var video string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".mp4") {
			video = filepath.Join(posts, e.Name())
			break
		}
	}
	if video == "" {
		t.Fatalf("no video in %s", posts)
	}
	f, err := os.Open(video)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.ReadFull(f, make([]byte, 64<<10)); err != nil {
		t.Fatalf("reading %s: %v", video, err)
	}
	p.signal(t, syscall.SIGTERM)
	if status := p.wait(t, 20*time.Second); status != 0 {
		t.Errorf("exit status %d:\n%s", status, p.stderr(t))
	}
	if mounted(t, p.dir) {
		t.Error("still mounted")
	}
}
