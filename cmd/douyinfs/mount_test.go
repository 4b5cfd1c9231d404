package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckMountpoint(t *testing.T) {
	dir := t.TempDir()
	if got, err := checkMountpoint(dir); err != nil || got != dir {
		t.Errorf("%s: %q %v", dir, got, err)
	}
	missing := filepath.Join(dir, "nope")
	if _, err := checkMountpoint(missing); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing: %v", err)
	}
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := checkMountpoint(file); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("file: %v", err)
	}
	// /proc is a mount point on every Linux system.
	if _, err := checkMountpoint("/proc"); err == nil || !strings.Contains(err.Error(), "is busy: a proc file system is already mounted there") {
		t.Errorf("/proc: %v", err)
	}
}
