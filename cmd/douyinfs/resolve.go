package main

import (
	"context"
	"fmt"

	"github.com/douyinfs/douyinfs/fetch"
)

const resolveAbout = `Print what each input names, one line per input: the kind (user, post, mix,
live, room) and the id, separated by a tab. An input is a Douyin URL or a
share text containing one; short links (v.douyin.com) are followed. A failing
input is reported on stderr and makes the exit status 1.`

func newResolveFlags() *cmdFlags {
	f := newCmdFlags("resolve", "douyinfs resolve [flags] URL...", resolveAbout)
	f.addConfig("signing", "timeout", "op-timeout", "retries", "rate-limit", "log-level", "log-format")
	return f
}

func (c *cli) resolveCmd(args []string) int {
	f := newResolveFlags()
	inputs, done, status := c.parse(f, args)
	if done {
		return status
	}
	if len(inputs) == 0 {
		return c.usageError(f, "give at least one URL or share text")
	}
	s, err := f.load(c.getenv)
	if err != nil {
		return c.fail(err)
	}
	// Links resolve without a login (Douyin's own client sends no cookie
	// there), so the cookie file is not read: a cookie problem must not
	// stop resolving.
	s.setCookie("")
	s.API.Logger = newLogger(c.stderr, s.LogLevel, s.LogFormat, "")
	client, err := fetch.NewClient(s.API)
	if err != nil {
		return c.fail(fmt.Errorf("cannot start the Douyin client: %w", err))
	}
	defer client.Close()

	ctx, stop := contextFor()
	defer stop()
	status = 0
	for _, in := range inputs {
		// Each input is one operation: bounded like a lookup in the tree.
		ictx, cancel := context.WithTimeout(ctx, s.FS.OpTimeout)
		r, err := client.Resolve(ictx, in)
		cancel()
		if err != nil {
			fmt.Fprintf(c.stderr, "douyinfs: resolve %q: %s\n", in, oneLine(err.Error()))
			status = 1
			continue
		}
		fmt.Fprintf(c.stdout, "%s\t%s\n", r.Kind, r.ID)
	}
	if ctx.Err() != nil {
		return 1
	}
	return status
}
