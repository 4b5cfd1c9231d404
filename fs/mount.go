package fs

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/douyinfs/douyinfs/cache"
	"github.com/douyinfs/douyinfs/fs/tree"
	gofs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
	"golang.org/x/sys/unix"
)

// Server is a mounted tree.
type Server struct {
	srv        *fuse.Server
	fsys       *fsys
	mountpoint string
	unmount    sync.Once
	unmountErr error
}

// Mount mounts the tree at mountpoint and returns once the kernel serves it.
// Mounting makes no API call.
func Mount(mountpoint string, cfg Config, deps Deps) (*Server, error) {
	if deps.API == nil {
		return nil, errors.New("fs: Deps.API is required")
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	var media tree.Media
	if deps.Media != nil {
		media = tree.ReaderMedia(deps.Media)
	}
	var blocks func() cache.BlockStats
	if deps.Blocks != nil {
		blocks = deps.Blocks.Stats
	}
	f := newFS(cfg, deps.API, media, blocks, deps.Logger)
	f.live = deps.Live
	return mountTree(mountpoint, cfg, f)
}

// mountTree mounts an assembled tree (unit tests pass stand-in services).
func mountTree(mountpoint string, cfg Config, t *fsys) (*Server, error) {
	if err := checkMountHelper(); err != nil {
		return nil, err
	}
	root := &dirNode{node: node{t: t}, f: t.tree.Root()}
	srv, err := gofs.Mount(mountpoint, root, mountOptions(t.cfg))
	if err != nil {
		return nil, fmt.Errorf("fs: mounting %s: %w", mountpoint, err)
	}
	t.log.Info("mounted", "mountpoint", mountpoint)
	raiseReadAhead(mountpoint, t.cfg.MaxRead, t.log)
	go func() {
		srv.Wait()
		t.tree.Close()
	}()
	return &Server{srv: srv, fsys: t, mountpoint: mountpoint}, nil
}

// checkMountHelper says in one line what to install when a normal user,
// who cannot call mount(2), has no fusermount3 to do it for them.
func checkMountHelper() error {
	if os.Geteuid() == 0 {
		return nil
	}
	for _, name := range []string{"fusermount3", "fusermount", "/bin/fusermount3", "/bin/fusermount"} {
		if _, err := exec.LookPath(name); err == nil {
			return nil
		}
	}
	return errors.New("fs: mounting as a normal user needs fusermount3: install the fuse3 package (apt-get install fuse3), or run as root")
}

// raiseReadAhead sets the kernel's read-ahead for the mount to maxRead.
// The kernel gives a FUSE mount the default 128 KiB whatever max_readahead
// the daemon asks for at INIT (it keeps the smaller of the two), and a
// sequential read then reaches the daemon as 128 KiB requests, eight times
// as many as with 1 MiB; only root can raise it, through the mount's
// backing device in sysfs. It never lowers a larger value an operator set.
func raiseReadAhead(mountpoint string, maxRead int, log *slog.Logger) {
	var st syscall.Stat_t
	if err := syscall.Stat(mountpoint, &st); err != nil {
		log.Debug("read-ahead left as it is", "err", err)
		return
	}
	path := fmt.Sprintf("/sys/class/bdi/%d:%d/read_ahead_kb", unix.Major(st.Dev), unix.Minor(st.Dev))
	want := maxRead / 1024
	if b, err := os.ReadFile(path); err == nil {
		if cur, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && cur >= want {
			return
		}
	}
	if err := os.WriteFile(path, []byte(strconv.Itoa(want)), 0); err != nil {
		log.Debug("read-ahead left as it is (only root can raise it)", "path", path, "err", err)
		return
	}
	log.Debug("read-ahead raised", "path", path, "kib", want)
}

// check refuses what the kernel or the tree cannot work with; zero
// timeouts are fine (no caching).
func (c Config) check() error {
	switch {
	case c.EntryTimeout < 0 || c.AttrTimeout < 0 || c.NegativeTimeout < 0:
		return errors.New("fs: a kernel cache timeout is negative")
	case c.MaxRead <= 0:
		return fmt.Errorf("fs: MaxRead %d is not positive", c.MaxRead)
	case c.OpTimeout <= 0 || c.ListingTTL <= 0 || c.MetadataTTL <= 0 || c.FeedTTL <= 0:
		return errors.New("fs: OpTimeout and the TTLs must be positive (start from DefaultConfig)")
	case c.Naming.Location == nil:
		return errors.New("fs: Naming.Location is not set (start from DefaultConfig)")
	}
	return nil
}

// mountOptions: big requests and read-ahead, async reads, the configured
// cache timeouts as they are (0 = the kernel asks every time), and a
// read-only mount.
func mountOptions(cfg Config) *gofs.Options {
	entry, attr, negative := cfg.EntryTimeout, cfg.AttrTimeout, cfg.NegativeTimeout
	return &gofs.Options{
		MountOptions: fuse.MountOptions{
			FsName:       cfg.FSName,
			Name:         "douyinfs",
			Options:      []string{"ro", "default_permissions"},
			AllowOther:   cfg.AllowOther,
			Debug:        cfg.Debug,
			MaxWrite:     cfg.MaxRead,
			MaxReadAhead: cfg.MaxRead,
			SyncRead:     false, // async reads: many READs in flight
			// As root, mount(2) directly: no fusermount3 helper (the fuse3
			// package) is needed. go-fuse falls back to the helper if the
			// direct mount fails, and a normal user always uses it.
			DirectMount: os.Geteuid() == 0,
			// mount(2) takes read-only as a flag: in the data string "ro"
			// would only mark the superblock, and the mount table would
			// still say rw.
			DirectMountFlags: syscall.MS_RDONLY | syscall.MS_NOSUID | syscall.MS_NODEV,
		},
		EntryTimeout:    &entry,
		AttrTimeout:     &attr,
		NegativeTimeout: &negative,
		UID:             cfg.UID,
		GID:             cfg.GID,
		// Modes are set on every node; 0 must stay 0 where the umask says.
		NullPermissions: true,
	}
}

// Wait blocks until the file system is unmounted.
func (s *Server) Wait() { s.srv.Wait() }

// Unmount unmounts (lazily if busy, so open files do not block shutdown).
func (s *Server) Unmount() error {
	s.unmount.Do(func() {
		err := s.srv.Unmount()
		if err == nil {
			return
		}
		// Busy (an open file, a shell inside): detach now; the kernel
		// finishes when the last user lets go.
		if derr := syscall.Unmount(s.mountpoint, syscall.MNT_DETACH); derr == nil {
			return
		}
		if out, ferr := exec.Command("fusermount3", "-u", "-z", s.mountpoint).CombinedOutput(); ferr != nil {
			s.unmountErr = fmt.Errorf("fs: unmounting %s: %v; lazy: %v: %s", s.mountpoint, err, ferr, out)
		}
	})
	return s.unmountErr
}

// DropCaches forgets cached listings and metadata (SIGHUP).
func (s *Server) DropCaches() { s.fsys.tree.DropCaches() }

// Stats returns a snapshot of the figures .douyinfs/stats.json shows, for
// metrics too.
func (s *Server) Stats() Stats { return s.fsys.snapshot() }
