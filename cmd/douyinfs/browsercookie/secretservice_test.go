package browsercookie

import (
	"context"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// need finds a program the test runs; missing, the test is skipped, but
// under CI (CI set) it fails: coverage must not vanish silently.
func need(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := osexec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI: %s is not installed (apt-get install %s; make deps-test does)", name, pkg)
		}
		t.Skipf("SKIP: %s is not installed (apt-get install %s)", name, pkg)
	}
	return p
}

// keyringSession is a private session bus with GNOME Keyring on it,
// unlocked with a test password, as on a desktop after login.
type keyringSession struct {
	addr string
	env  []string
}

func startKeyring(t *testing.T) *keyringSession {
	t.Helper()
	dbusDaemon := need(t, "dbus-daemon", "dbus-daemon")
	gnomeKeyring := need(t, "gnome-keyring-daemon", "gnome-keyring")
	need(t, "secret-tool", "libsecret-tools")
	dir := t.TempDir()
	for _, d := range []string{"home", "run"} {
		mkdir(t, filepath.Join(dir, d))
	}
	sock := filepath.Join(dir, "bus")
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=`+sock+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o644); err != nil {
		t.Fatal(err)
	}
	k := &keyringSession{addr: "unix:path=" + sock}
	k.env = []string{"DBUS_SESSION_BUS_ADDRESS=" + k.addr, "HOME=" + filepath.Join(dir, "home"),
		"XDG_RUNTIME_DIR=" + filepath.Join(dir, "run"), "PATH=" + os.Getenv("PATH")}
	start := func(stdin string, name string, args ...string) {
		cmd := osexec.Command(name, args...)
		cmd.Env = k.env
		cmd.Stdin = strings.NewReader(stdin)
		out, err := os.Create(filepath.Join(dir, filepath.Base(name)+".log"))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); out.Close(); close(done) }()
		t.Cleanup(func() { cmd.Process.Kill(); <-done })
	}
	start("", dbusDaemon, "--config-file="+conf, "--nofork")
	waitFor(t, "the session bus", func() bool { _, err := os.Stat(sock); return err == nil }, nil)
	start("test-login-pw", gnomeKeyring, "--unlock", "--components=secrets", "--foreground")
	// The keyring is up once it stores an item.
	var last error
	waitFor(t, "gnome-keyring on the bus", func() bool {
		last = k.store("login", "probe", "probe")
		return last == nil
	}, func() string {
		logs, _ := os.ReadFile(filepath.Join(dir, "gnome-keyring-daemon.log"))
		return fmt.Sprintf("secret-tool: %v; gnome-keyring-daemon: %s", last, logs)
	})
	return k
}

// store puts an item in a collection with secret-tool (libsecret), as a
// browser would.
func (k *keyringSession) store(collection, label, secret string) error {
	cmd := osexec.Command("secret-tool", "store", "--collection="+collection, "--label="+label, "application", strings.ToLower(label))
	cmd.Env = k.env
	cmd.Stdin = strings.NewReader(secret)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}

func waitFor(t *testing.T, what string, cond func() bool, why func() string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			msg := ""
			if why != nil {
				msg = ": " + why()
			}
			t.Fatalf("%s did not come up within 15s%s", what, msg)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The password comes from whichever collection holds the item ("login"
// or another), by its label; a missing item is a clear error.
func TestSecretService(t *testing.T) {
	k := startKeyring(t)
	if err := k.store("login", "Chrome Safe Storage", "chrome-pw"); err != nil {
		t.Fatal(err)
	}
	if err := k.store("session", "Brave Safe Storage", "brave-pw"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ss := SecretService{Address: k.addr}
	for label, want := range map[string]string{"Chrome Safe Storage": "chrome-pw", "Brave Safe Storage": "brave-pw"} {
		got, err := ss.Password(ctx, label)
		if err != nil || string(got) != want {
			t.Errorf("%s: %q, %v; want %q", label, got, err, want)
		}
	}
	if _, err := ss.Password(ctx, "Chromium Safe Storage"); err == nil || !strings.Contains(err.Error(), `no keyring item "Chromium Safe Storage"`) {
		t.Errorf("missing item: %v", err)
	}
	if _, err := (SecretService{}).Password(ctx, "Chrome Safe Storage"); err == nil || !strings.Contains(err.Error(), "DBUS_SESSION_BUS_ADDRESS") {
		t.Errorf("no bus: %v", err)
	}

	// A Chrome profile with v11 values reads through the real keyring.
	home := chromeHome(t, "chrome", "Default", true, 24, []chromeRow{
		{host: ".douyin.com", name: "sessionid", enc: encrypt(t, "v11", "chrome-pw", ".douyin.com", "sess-from-keyring", 24)},
	})
	r, err := Read(ctx, Options{Browser: "chrome", Home: home, Host: "www.douyin.com", Now: now, Keyring: ss})
	if err != nil || Header(r.Cookies) != "sessionid=sess-from-keyring" {
		t.Errorf("chrome v11 through the keyring: %v %+v", err, r)
	}
}
