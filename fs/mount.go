package fs

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"

	"github.com/douyinfs/douyinfs/cache"
	"github.com/douyinfs/douyinfs/fs/tree"
	gofs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
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

// mib is the kernel's read-ahead for the mount: request size decides FUSE
// throughput.
const mib = 1 << 20

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
			MaxReadAhead: mib,
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
