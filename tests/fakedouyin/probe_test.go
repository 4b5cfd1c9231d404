package fakedouyin

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// These tests run ffprobe/ffmpeg on what the fake serves, when installed.

func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed", name)
	}
	return p
}

func TestMediaProbes(t *testing.T) {
	t.Parallel()
	ffprobe := needTool(t, "ffprobe")
	s := startServer(t, Options{Seed: 101, Users: 1, PostsPerUser: 12, BigVideoSize: 5 << 20})
	w := s.World()
	// ffprobe names a JPEG "image2" or "jpeg_pipe" depending on how it
	// detects it.
	want := map[string][]string{"mp4": {"mov,mp4"}, "jpeg": {"image2", "jpeg_pipe"}, "mp3": {"mp3"}}
	seen := map[string]bool{}
	for _, e := range w.Files() {
		if seen[e.Media.Ext+boolStr(e.Media.Real())] {
			continue
		}
		seen[e.Media.Ext+boolStr(e.Media.Real())] = true
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		out, err := exec.CommandContext(ctx, ffprobe, "-v", "error", "-show_entries", "format=format_name",
			"-of", "default=nw=1:nk=1", s.URL()+"/files/"+e.Name).CombinedOutput()
		cancel()
		ok := false
		for _, f := range want[e.Media.Ext] {
			ok = ok || strings.HasPrefix(string(out), f)
		}
		if err != nil || !ok || strings.Count(strings.TrimSpace(string(out)), "\n") > 0 {
			t.Errorf("ffprobe %s (%s, real %v): %v: %s", e.Name, e.Media.ID, e.Media.Real(), err, out)
		}
	}
}

func boolStr(b bool) string {
	if b {
		return "real"
	}
	return "gen"
}

func TestLiveFLVDecodes(t *testing.T) {
	t.Parallel()
	ffmpeg := needTool(t, "ffmpeg")
	s := startServer(t, Options{Seed: 102})
	c := newClient(t, s)
	v := c.do(c.liveRequest(s.World().LivingRoom().WebRID)).json(t)
	u := str(path(v, "data.data.0.stream_url.flv_pull_url.FULL_HD1"))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Decode 3 s of the stream (longer than the 2 s loop).
	out, err := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-v", "error", "-i", u, "-t", "3", "-f", "null", "-").CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("ffmpeg decoding the live FLV: %v\n%s", err, out)
	}
}
