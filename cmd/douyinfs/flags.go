package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// cmdFlags holds what every subcommand that reads the configuration parses:
// the config path and the flags that override single config keys.
type cmdFlags struct {
	set        *flag.FlagSet
	configPath string
	// overrides are the config-key flags in command-line order; applied on
	// top of the config file, so a flag always wins over the file.
	overrides []func(*fileConfig)
	// usage is the synopsis line and about the paragraph under it in --help.
	usage, about string
}

// newCmdFlags starts the flag set of a subcommand.
func newCmdFlags(name, usage, about string) *cmdFlags {
	f := &cmdFlags{set: flag.NewFlagSet(name, flag.ContinueOnError)}
	// Errors and help are printed by parse's caller, one line for errors.
	f.set.SetOutput(io.Discard)
	f.set.Usage = func() {}
	f.usage = usage
	f.about = about
	return f
}

// addConfig registers --config and the named flags that override single
// config keys (see settingFlags).
func (f *cmdFlags) addConfig(settingNames ...string) {
	f.set.StringVar(&f.configPath, "config", "", "read the configuration from `FILE` (default: $XDG_CONFIG_HOME/douyinfs/config.toml, else /etc/douyinfs/config.toml, else built-in defaults)")
	f.addSettings(settingNames...)
}

// printHelp writes the synopsis, the description and every flag.
func (f *cmdFlags) printHelp(w io.Writer) {
	fmt.Fprintf(w, "usage: %s\n\n%s\n\nflags (-name and --name are the same):\n", f.usage, f.about)
	f.set.SetOutput(w)
	f.set.PrintDefaults()
	f.set.SetOutput(io.Discard)
}

// settingFlag describes a flag that overrides one config key.
type settingFlag struct {
	name, key, usage string
	isBool           bool
	// parse checks the value when the flag is parsed and returns the change
	// to make to the configuration once it is loaded.
	parse func(string) (func(*fileConfig), error)
}

// setter builds a settingFlag.parse from a value parser and the field set.
func setter[T any](parse func(string) (T, error), field func(*fileConfig) *T) func(string) (func(*fileConfig), error) {
	return func(s string) (func(*fileConfig), error) {
		v, err := parse(s)
		if err != nil {
			return nil, err
		}
		return func(c *fileConfig) { *field(c) = v }, nil
	}
}

func parseString(s string) (string, error) { return s, nil }
func parseInt(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number", s)
	}
	return n, nil
}
func parseFloat(s string) (float64, error) {
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return n, nil
}
func parseBool(s string) (bool, error) {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("%q is not true or false", s)
	}
	return b, nil
}

// settingFlags lists every flag that overrides a config key. Each subcommand
// picks the ones that matter to it by name.
func settingFlags() []settingFlag {
	return []settingFlag{
		{name: "cookie-file", key: "account.cookie_file", usage: "read the Douyin cookie from `FILE` (mode 0600)",
			parse: func(s string) (func(*fileConfig), error) {
				// A cookie file named on the command line replaces an
				// inline cookie from the config file rather than clash
				// with it.
				return func(c *fileConfig) { c.Account.CookieFile, c.Account.Cookie = s, "" }, nil
			}},
		{name: "signing", key: "account.signing", usage: "request signature, `SCHEME` a_bogus or x_bogus",
			parse: setter(parseString, func(c *fileConfig) *string { return &c.Account.Signing })},
		{name: "cache-budget", key: "cache.memory_budget", usage: "memory for cached media and read-ahead, `SIZE` like 512MiB",
			parse: setter(parseSize, func(c *fileConfig) *byteSize { return &c.Cache.MemoryBudget })},
		{name: "block-size", key: "cache.block_size", usage: "media is fetched and cached in blocks of `SIZE`",
			parse: setter(parseSize, func(c *fileConfig) *byteSize { return &c.Cache.BlockSize })},
		{name: "listing-ttl", key: "cache.listing_ttl", usage: "serve a listing for `DURATION` before refreshing it",
			parse: setter(parseDuration, func(c *fileConfig) *duration { return &c.Cache.ListingTTL })},
		{name: "prefetch-max", key: "read.prefetch_max", usage: "largest read-ahead window, `SIZE`",
			parse: setter(parseSize, func(c *fileConfig) *byteSize { return &c.Read.PrefetchMax })},
		{name: "video-quality", key: "read.video_quality", usage: "rendition served, `QUALITY` best, h264 or smallest",
			parse: setter(parseString, func(c *fileConfig) *string { return &c.Read.VideoQuality })},
		{name: "timeout", key: "network.timeout", usage: "longest wait for one HTTP request to connect, answer or make progress, `DURATION` like 15s",
			parse: setter(parseDuration, func(c *fileConfig) *duration { return &c.Network.Timeout })},
		{name: "op-timeout", key: "network.op_timeout", usage: "longest time for one operation (a listing, a lookup, a read) with its retries, `DURATION` like 60s; at least twice --timeout",
			parse: setter(parseDuration, func(c *fileConfig) *duration { return &c.Network.OpTimeout })},
		{name: "retries", key: "network.retries", usage: "retries of a request that failed transiently, `N`",
			parse: setter(parseInt, func(c *fileConfig) *int { return &c.Network.Retries })},
		{name: "rate-limit", key: "network.rate_limit", usage: "API requests per second, all endpoints together, `N`",
			parse: setter(parseFloat, func(c *fileConfig) *float64 { return &c.Network.RateLimit })},
		{name: "allow-other", key: "mount.allow_other", isBool: true, usage: "let users other than the mounting one see the tree",
			parse: setter(parseBool, func(c *fileConfig) *bool { return &c.Mount.AllowOther })},
		{name: "uid", key: "mount.uid", usage: "owner `UID` of every file (-1: the user running douyinfs)",
			parse: setter(parseInt, func(c *fileConfig) *int { return &c.Mount.UID })},
		{name: "gid", key: "mount.gid", usage: "group `GID` of every file (-1: the group running douyinfs)",
			parse: setter(parseInt, func(c *fileConfig) *int { return &c.Mount.GID })},
		{name: "umask", key: "mount.umask", usage: "permission bits removed from 0555/0444, `OCTAL` like 0022",
			parse: setter(parseOctal, func(c *fileConfig) *octal { return &c.Mount.Umask })},
		{name: "debug", key: "mount.debug", isBool: true, usage: "log every FUSE operation (very verbose)",
			parse: setter(parseBool, func(c *fileConfig) *bool { return &c.Mount.Debug })},
		{name: "log-level", key: "log.level", usage: "`LEVEL` debug, info, warn or error",
			parse: setter(parseString, func(c *fileConfig) *string { return &c.Log.Level })},
		{name: "log-format", key: "log.format", usage: "`FORMAT` of log lines, text or json",
			parse: setter(parseString, func(c *fileConfig) *string { return &c.Log.Format })},
	}
}

func (f *cmdFlags) addSettings(names ...string) {
	defs := settingFlags()
	for _, name := range names {
		i := indexOf(defs, name)
		if i < 0 {
			panic("douyinfs: no setting flag " + name) // a programming error
		}
		d := defs[i]
		apply := func(s string) error {
			change, err := d.parse(s)
			if err != nil {
				return err
			}
			f.overrides = append(f.overrides, change)
			return nil
		}
		usage := fmt.Sprintf("%s (config: %s)", d.usage, d.key)
		if d.isBool {
			f.set.BoolFunc(d.name, usage, apply)
		} else {
			f.set.Func(d.name, usage, apply)
		}
	}
}

func indexOf(defs []settingFlag, name string) int {
	for i, d := range defs {
		if d.name == name {
			return i
		}
	}
	return -1
}

// parse parses args, allowing flags after positional arguments too
// ("douyinfs mount /mnt -o ro", which is also how mount.fuse3 calls us).
// "--" ends the flags.
func (f *cmdFlags) parse(args []string) ([]string, error) {
	var positional []string
	for {
		if err := f.set.Parse(args); err != nil {
			return nil, shortenFlagError(err) // flag.ErrHelp for -h/--help
		}
		rest := f.set.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// shortenFlagError drops the flag package's `invalid value "V" for flag`
// preamble: our value parsers quote V themselves, and for -o it would
// repeat the whole option list.
func shortenFlagError(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, " for flag -"); strings.HasPrefix(msg, "invalid value ") && i > 0 {
		return errors.New(msg[i+len(" for flag "):])
	}
	return err
}

// load finds and reads the config file, then applies the flags.
func (f *cmdFlags) load(getenv func(string) string) (*settings, error) {
	c, err := loadConfig(findConfig(f.configPath, getenv))
	if err != nil {
		return nil, err
	}
	for _, change := range f.overrides {
		change(c)
	}
	return build(c)
}

// mountOptions handles -o: comma-separated mount(8)-style options, so that
// an fstab line works. An option named like a flag (allow_other, uid=1000,
// config=FILE, cache_budget=1GiB, metrics_addr=...) sets that flag; fstab
// and generic mount flags that mean nothing to a read-only FUSE tree are
// ignored; anything else is an error, so a typo is never silently dropped.
type mountOptions struct {
	set    *flag.FlagSet
	fsName *string
}

// ignoredOptions are accepted and ignored: fstab bookkeeping that mount(8)
// may pass along, and generic VFS flags that mount(8) and mount.fuse3 add
// on their own ("user" turns into noexec,nosuid,nodev; root gets dev,suid).
func ignoredOption(name string) bool {
	switch name {
	case "defaults", "auto", "noauto", "nofail", "_netdev", "user", "nouser", "users", "owner", "group",
		"dev", "nodev", "suid", "nosuid", "exec", "noexec",
		"atime", "noatime", "diratime", "nodiratime", "relatime", "norelatime", "strictatime", "nostrictatime",
		"lazytime", "nolazytime", "sync", "async", "dirsync", "silent", "loud":
		return true
	}
	return strings.HasPrefix(name, "x-") || strings.HasPrefix(name, "comment=")
}

func (m mountOptions) String() string { return "" }

func (m mountOptions) Set(list string) error {
	for _, opt := range strings.Split(list, ",") {
		opt = strings.TrimSpace(opt)
		name, value, hasValue := strings.Cut(opt, "=")
		switch {
		case opt == "" || opt == "ro" || ignoredOption(opt):
			continue
		case opt == "rw":
			return errors.New("option rw: douyinfs is read-only; use ro (mount(8) passes rw unless the options say ro)")
		case name == "fsname" && hasValue:
			*m.fsName = value
			continue
		case name == "o" || name == "help" || name == "h":
			return fmt.Errorf("unknown mount option %q", opt)
		}
		fl := m.set.Lookup(strings.ReplaceAll(name, "_", "-"))
		if fl == nil {
			return fmt.Errorf("unknown mount option %q", opt)
		}
		isBool := false
		if b, ok := fl.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			isBool = true
		}
		switch {
		case isBool && !hasValue:
			value = "true"
		case !isBool && !hasValue:
			return fmt.Errorf("mount option %s needs a value (%s=...)", name, name)
		}
		if err := m.set.Set(fl.Name, value); err != nil {
			return fmt.Errorf("mount option %s: %v", opt, err)
		}
	}
	return nil
}
