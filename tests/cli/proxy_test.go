package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// proxyPass is the proxies' password: long enough to be found if it leaks.
const proxyPass = "pr0xy-s3cret-Pa55"

// realProxy is a proxy server from Debian running for one test.
type realProxy struct {
	addr string // 127.0.0.1:port
	log  string // where it logs each connection
}

// freePort is a loopback port nobody listens on right now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// runProxy starts a proxy program and waits until it accepts connections;
// Cleanup stops it.
func runProxy(t *testing.T, addr string, stdout io.Writer, name string, args ...string) {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		missing(t, "SKIP: %s is not installed (make deps-test installs it)", name)
	}
	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = stdout, stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	eventually(t, 10*time.Second, name+" listening on "+addr, func() bool {
		select {
		case <-done:
			t.Fatalf("%s exited at start", name)
		default:
		}
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
}

// startTinyproxy runs tinyproxy (HTTP CONNECT proxy) with Basic auth;
// its log has one "CONNECT host:port" line per tunnel.
func startTinyproxy(t *testing.T) realProxy {
	t.Helper()
	dir := t.TempDir()
	p := realProxy{addr: freePort(t), log: filepath.Join(dir, "tinyproxy.log")}
	_, port, _ := net.SplitHostPort(p.addr)
	conf := writeFile(t, dir, "tinyproxy.conf", fmt.Sprintf(`Port %s
Listen 127.0.0.1
Timeout 60
LogFile %q
LogLevel Connect
MaxClients 200
Allow 127.0.0.1
BasicAuth bob %s
`, port, p.log, proxyPass), 0o644)
	runProxy(t, p.addr, io.Discard, "tinyproxy", "-d", "-c", conf)
	return p
}

// startMicrosocks runs microsocks (SOCKS5) with user/password auth; its
// output has one "connected to host:port" line per connection.
func startMicrosocks(t *testing.T) realProxy {
	t.Helper()
	p := realProxy{addr: freePort(t), log: filepath.Join(t.TempDir(), "microsocks.log")}
	host, port, _ := net.SplitHostPort(p.addr)
	out, err := os.Create(p.log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close() })
	runProxy(t, p.addr, out, "microsocks", "-i", host, "-p", port, "-u", "bob", "-P", proxyPass)
	return p
}

// tunnels counts the connections the proxy made to target so far.
func (p realProxy) tunnels(t *testing.T, target string) int {
	t.Helper()
	data, err := os.ReadFile(p.log)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, "CONNECT "+target+" ") || strings.Contains(line, "connected to "+target) {
			n++
		}
	}
	return n
}

// A mount through a real HTTP proxy (tinyproxy) and a real SOCKS5 proxy
// (microsocks), both wanting a password, lists and reads byte-exact; the
// proxies' logs show the connections went through them, API and media
// each through the one configured for it; the password never shows in
// douyinfs's log.
func TestMountThroughProxies(t *testing.T) {
	requireFUSE(t)
	srv, config := startFake(t, nil)
	target := strings.TrimPrefix(srv.URL(), "http://")
	httpProxy, socksProxy := startTinyproxy(t), startMicrosocks(t)
	httpURL := "http://bob:" + proxyPass + "@" + httpProxy.addr
	socksURL := "socks5://bob:" + proxyPass + "@" + socksProxy.addr

	w := srv.World()
	user := w.Users[0]
	var videoID string
	for _, post := range user.Posts {
		if post.Type != 68 && post.Video != nil && post.Video.Size < 32<<20 {
			videoID = post.AwemeID
			break
		}
	}
	if videoID == "" {
		t.Fatal("the fake's first user has no video post")
	}
	truth := filepath.Join(t.TempDir(), videoID+".mp4")
	fetchTruth(t, srv.URL()+"/_fake/files/"+videoID+".mp4", truth)

	for _, c := range []struct {
		name             string
		args             []string
		apiVia, mediaVia *realProxy
		unused           *realProxy // must see no connection
	}{
		{"http proxy", []string{"--proxy", httpURL}, &httpProxy, &httpProxy, &socksProxy},
		{"socks5 proxy", []string{"--proxy", socksURL}, &socksProxy, &socksProxy, &httpProxy},
		{"api http, media socks5", []string{"--proxy", httpURL, "--media-proxy", socksURL}, &httpProxy, &socksProxy, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			count := func() map[*realProxy]int {
				return map[*realProxy]int{&httpProxy: httpProxy.tunnels(t, target), &socksProxy: socksProxy.tunnels(t, target)}
			}
			before := count()
			p := startMount(t, append(append([]string{"--config", config}, c.args...), "--log-level", "debug")...)
			if _, err := os.ReadDir(filepath.Join(p.dir, "users", user.Name, "posts")); err != nil {
				t.Fatalf("ls users/%s/posts: %v\n%s", user.Name, err, p.stderr(t))
			}
			listed := count()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if out, err := exec.CommandContext(ctx, "cmp", filepath.Join(p.dir, "videos", videoID+".mp4"), truth).CombinedOutput(); err != nil {
				t.Errorf("cmp videos/%s.mp4 with the fake's bytes: %v: %s", videoID, err, out)
			}
			read := count()
			p.signal(t, os.Interrupt)
			p.wait(t, 15*time.Second)
			logs := p.stderr(t)
			if strings.Contains(logs, proxyPass) {
				t.Errorf("the proxy password appears in douyinfs's log")
			}
			// The media reader has its own connections: reading the video
			// opens new ones, through the media proxy.
			if listed[c.apiVia] == before[c.apiVia] {
				t.Errorf("listing made no connection through %s", c.apiVia.addr)
			}
			if read[c.mediaVia] == listed[c.mediaVia] {
				t.Errorf("reading the video made no connection through %s", c.mediaVia.addr)
			}
			if c.mediaVia != c.apiVia && listed[c.mediaVia] != before[c.mediaVia] {
				t.Errorf("listing went through the media proxy %s", c.mediaVia.addr)
			}
			if c.unused != nil && read[c.unused] != before[c.unused] {
				t.Errorf("the unused proxy %s saw connections", c.unused.addr)
			}
			if t.Failed() {
				t.Logf("douyinfs log:\n%.4000s", logs)
			}
		})
	}
}

// A proxy that refuses the password, or one that is not there, makes a
// listing fail with a clear line in the log, without the password, and
// without hanging; the mount itself keeps running.
func TestWrongProxy(t *testing.T) {
	requireFUSE(t)
	srv, config := startFake(t, nil)
	httpProxy := startTinyproxy(t)
	const wrong = "wr0ng-Passw0rd-xyz"
	user := srv.World().Users[0]
	for _, c := range []struct {
		name, proxy, want string
	}{
		{"wrong password", "http://bob:" + wrong + "@" + httpProxy.addr, "proxy http://bob:***@" + httpProxy.addr + " refused the credentials (HTTP 401)"},
		{"nobody listening", "socks5://bob:" + wrong + "@" + freePort(t), "proxy socks5://bob:***@"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := startMount(t, "--config", config, "--proxy", c.proxy, "--timeout", "2s", "--op-timeout", "5s", "--retries", "1")
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			out, err := exec.CommandContext(ctx, "ls", filepath.Join(p.dir, "users", user.Name, "posts")).CombinedOutput()
			if ctx.Err() != nil {
				t.Fatalf("ls hung for a minute behind a bad proxy")
			}
			if err == nil {
				t.Errorf("ls through a bad proxy succeeded: %s", out)
			}
			if !strings.Contains(string(out), "Input/output error") {
				t.Errorf("ls: %v: %s; want an I/O error", err, out)
			}
			p.signal(t, os.Interrupt)
			p.wait(t, 15*time.Second)
			logs := p.stderr(t)
			if !strings.Contains(logs, c.want) {
				t.Errorf("the log does not say %q:\n%.3000s", c.want, logs)
			}
			if strings.Contains(logs, wrong) {
				t.Errorf("the proxy password appears in the log")
			}
		})
	}
}

// fetchTruth saves the fake's fault-free bytes of a file.
func fetchTruth(t *testing.T, url, path string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(f, resp.Body); err != nil {
		t.Fatal(err)
	}
}
