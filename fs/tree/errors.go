package tree

import (
	"context"
	"errors"
	"net/http"
	"syscall"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
)

// Errno maps an error from fetch to what the caller sees: a post or user that
// does not exist is ENOENT, a caller that was interrupted (the kernel's
// INTERRUPT cancels the operation's context; API calls themselves are
// detached from it) EINTR, so that it asks again, anything else (network,
// rejected, timeout) EIO. A private list is not an error at all; callers
// check isPrivate first.
func Errno(err error) syscall.Errno {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, fetch.ErrNotFound), isGone(err):
		return syscall.ENOENT
	case errors.Is(err, context.Canceled):
		return syscall.EINTR
	default:
		return syscall.EIO
	}
}

func isPrivate(err error) bool { return errors.Is(err, fetch.ErrPrivate) }

// Fail logs why an operation failed (the kernel only passes on the errno)
// and counts it for stats.json.
func (t *Tree) Fail(op, what string, err error) syscall.Errno {
	e := Errno(err)
	if e == syscall.ENOENT {
		if name, ok := t.missingConfiguredUser(err); ok {
			if _, warned := t.missingUsers.LoadOrStore(name, true); !warned {
				t.countError()
				t.log.Warn("a configured user does not exist on douyin; check its sec_user_id", "user", name, "err", err)
			}
		}
		t.log.Debug("not found", "op", op, "what", what, "err", err)
		return e
	}
	if e == syscall.EINTR {
		// The caller was interrupted and asks again: not a failure.
		t.log.Debug("operation interrupted", "op", op, "what", what, "err", err)
		return e
	}
	t.countError()
	t.log.Warn("operation failed", "op", op, "what", what, "err", err)
	return e
}

// isGone: the CDN says a stream or file is not there (404, 410).
func isGone(err error) bool {
	se, ok := errors.AsType[*media.StatusError](err)
	return ok && (se.Status == http.StatusNotFound || se.Status == http.StatusGone)
}
