// Command douyinfs mounts Douyin as a read-only directory tree (FUSE) and
// offers the helpers around it: cookie import from a browser, QR-code
// login, link resolution, version.
//
//	douyinfs mount [flags] MOUNTPOINT       mount in the foreground
//	douyinfs login [flags]                  save a cookie from a browser or a QR-code login
//	douyinfs resolve [flags] URL...         print what each link names
//	douyinfs version                        print the version
//	douyinfs SOURCE MOUNTPOINT -o OPTIONS   mount in the background; this is
//	                                        how mount.fuse3 runs an fstab line
//	                                        of type fuse.douyinfs
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"

	// Naming renders {create} in Asia/Shanghai by default; carry the zone
	// database so that works on hosts without /usr/share/zoneinfo.
	_ "time/tzdata"
)

// version is stamped at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

// cli is one run of the program: where it writes and how it reads the
// environment. Tests of the subcommands substitute their own.
type cli struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	// stdoutIsTerminal decides whether the login QR code is drawn with
	// colours that force dark-on-light.
	stdoutIsTerminal bool
}

func main() {
	c := &cli{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, stdoutIsTerminal: isTerminal(os.Stdout)}
	os.Exit(c.run(os.Args[1:]))
}

const topUsage = `douyinfs shows Douyin as a read-only directory tree (FUSE).

usage:
  douyinfs mount [flags] MOUNTPOINT       mount in the foreground until SIGINT or SIGTERM
  douyinfs login [flags]                  save the cookie of a browser (--from-browser NAME)
                                          or of a QR-code login
  douyinfs resolve [flags] URL...         print the kind and id each link or share text names
  douyinfs version                        print the version
  douyinfs SOURCE MOUNTPOINT -o OPTIONS   mount in the background and return once mounted
                                          (what mount.fuse3 runs for an fstab line of type
                                          fuse.douyinfs)

Run "douyinfs COMMAND --help" for the flags of a command.
`

// run dispatches to a subcommand and returns the exit status: 0 success, 1
// failure, 2 bad usage.
func (c *cli) run(args []string) int {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, topUsage)
		return 2
	}
	switch args[0] {
	case "mount":
		return c.mountCmd(args[1:])
	case "login":
		return c.loginCmd(args[1:])
	case "resolve":
		return c.resolveCmd(args[1:])
	case "version", "-version", "--version":
		return c.versionCmd(args[1:])
	case "help", "-h", "-help", "--help":
		fmt.Fprint(c.stdout, topUsage)
		return 0
	}
	if strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(c.stderr, "douyinfs: unknown flag %s before a command (run douyinfs --help)\n", args[0])
		return 2
	}
	return c.helperCmd(args)
}

// parse parses a subcommand's flags. When it returns done, the command is
// over with the returned status (help printed, or a usage error).
func (c *cli) parse(f *cmdFlags, args []string) (positional []string, done bool, status int) {
	positional, err := f.parse(args)
	if errors.Is(err, flag.ErrHelp) {
		f.printHelp(c.stdout)
		return nil, true, 0
	}
	if err != nil {
		return nil, true, c.usageError(f, err.Error())
	}
	return positional, false, 0
}

func (c *cli) usageError(f *cmdFlags, msg string) int {
	name := f.set.Name()
	if name == helperName {
		// The mount.fuse3 form takes the flags of mount.
		fmt.Fprintf(c.stderr, "douyinfs: %s (run douyinfs mount --help)\n", oneLine(msg))
		return 2
	}
	fmt.Fprintf(c.stderr, "douyinfs %s: %s (run douyinfs %s --help)\n", name, oneLine(msg), name)
	return 2
}

// fail reports err as one line on stderr and returns the failure status.
func (c *cli) fail(err error) int {
	fmt.Fprintf(c.stderr, "douyinfs: %s\n", oneLine(err.Error()))
	return 1
}

func newVersionFlags() *cmdFlags {
	return newCmdFlags("version", "douyinfs version", "Print the version of douyinfs and of the Go toolchain that built it.")
}

func (c *cli) versionCmd(args []string) int {
	f := newVersionFlags()
	pos, done, status := c.parse(f, args)
	if done {
		return status
	}
	if len(pos) > 0 {
		return c.usageError(f, "takes no arguments")
	}
	fmt.Fprintf(c.stdout, "douyinfs %s\n%s %s/%s\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return 0
}

// isTerminal reports whether f is a character device (a terminal), without
// an ioctl dependency.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// contextFor returns a context cancelled by SIGINT or SIGTERM, for the
// subcommands that do network I/O in the foreground.
func contextFor() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
}
