package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// cmdFlags holds what every subcommand that reads the configuration parses:
// the config path and the flags that override single config keys.
type cmdFlags struct {
	set        *flag.FlagSet
	configPath string
	// overrides are the config-key flags in command-line order; applied on
	// top of the config file, so a flag always wins over the file.
	overrides []func(*settings)
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

// addConfig registers --config and the options' flags of the given names.
func (f *cmdFlags) addConfig(flagNames ...string) {
	f.set.StringVar(&f.configPath, "config", "", "read the configuration from `FILE` (default: $XDG_CONFIG_HOME/douyinfs/config.toml, else /etc/douyinfs/config.toml, else built-in defaults)")
	f.addSettings(flagNames...)
}

// printHelp writes the synopsis, the description and every flag.
func (f *cmdFlags) printHelp(w io.Writer) {
	fmt.Fprintf(w, "usage: %s\n\n%s\n\nflags (-name and --name are the same):\n", f.usage, f.about)
	f.set.SetOutput(w)
	f.set.PrintDefaults()
	f.set.SetOutput(io.Discard)
}

// addSettings registers the flags of the named options. Each one's usage is
// the option's help, its config key and its default.
func (f *cmdFlags) addSettings(names ...string) {
	opts := options()
	defaults := defaultSettings()
	for _, name := range names {
		i := slices.IndexFunc(opts, func(o option) bool { return o.flag == name })
		if i < 0 {
			panic("douyinfs: no option has the flag " + name) // a programming error
		}
		o := opts[i]
		usage := o.help + " (config: " + o.key
		if def := o.b.format(defaults); def != "" && def != "false" {
			usage += "; default " + def
		}
		f.set.Var(&optionFlag{b: o.b, flags: f}, name, usage+")")
	}
}

// optionFlag sets an option from the command line: the value is checked
// for its syntax at once, the change kept for load.
type optionFlag struct {
	b     binding
	flags *cmdFlags
}

// String is empty: the usage shows the default itself.
func (v *optionFlag) String() string { return "" }

func (v *optionFlag) Set(text string) error {
	change, err := v.b.parseFlag(text)
	if err != nil {
		return err
	}
	v.flags.overrides = append(v.flags.overrides, change)
	return nil
}

func (v *optionFlag) IsBoolFlag() bool { return v != nil && v.b != nil && v.b.isBool() }

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

// load reads the config file over the defaults, applies the flags and
// checks the result.
func (f *cmdFlags) load(getenv func(string) string) (*settings, error) {
	s := defaultSettings()
	if err := loadConfig(findConfig(f.configPath, getenv), s); err != nil {
		return nil, err
	}
	for _, change := range f.overrides {
		change(s)
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	s.setProxies(getenv)
	return s, nil
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
