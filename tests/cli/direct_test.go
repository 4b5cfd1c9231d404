package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// As root douyinfs mounts with mount(2) itself: a machine without the
// fuse3 package (no fusermount3) can still mount. The test hides the
// helpers in a private mount namespace (a non-executable file bound over
// each) and mounts, reads and unmounts in there.
func TestMountWithoutFusermount(t *testing.T) {
	requireFUSE(t)
	if _, err := exec.LookPath("unshare"); err != nil {
		missing(t, "SKIP: unshare is missing (apt-get install util-linux)")
	}
	work := t.TempDir()
	mnt := filepath.Join(work, "mnt")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	script := `set -eu
mount --make-rprivate /
for b in fusermount3 fusermount; do
  p=$(command -v "$b" || true)
  [ -z "$p" ] || mount --bind /dev/null "$(readlink -f "$p")"
done
if [ -x "$(command -v fusermount3 || true)" ]; then echo "fusermount3 still runs" >&2; exit 3; fi
"$DOUYINFS" mount --config "$CONFIG" "$MNT" 2>"$WORK/log" &
pid=$!
for _ in $(seq 200); do [ -e "$MNT/README.txt" ] && break; kill -0 $pid || break; sleep 0.05; done
head -c 200 "$MNT/README.txt"
kill -INT $pid
wait $pid
`
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "unshare", "--mount", "--propagation", "private", "sh", "-c", script)
	cmd.Env = append(testEnv(t), "DOUYINFS="+douyinfsBin, "CONFIG="+offlineConfig(t), "MNT="+mnt, "WORK="+work)
	out, err := cmd.Output()
	log, _ := os.ReadFile(filepath.Join(work, "log"))
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("mounting without fusermount3: %v\n%s\ndouyinfs log:\n%s", err, stderr, log)
	}
	if !strings.Contains(string(out), "douyinfs") {
		t.Fatalf("README.txt through a direct mount: %q\ndouyinfs log:\n%s", out, log)
	}
}
