package fetch

import (
	"context"
	"fmt"

	"golang.org/x/time/rate"
)

// newRateLimiter is the limit shared by every API request (media bytes
// are not counted): perSecond requests a second, up to burst saved up;
// perSecond <= 0 means no limit. golang.org/x/time/rate serves waiters in
// arrival order (each reserves its slot up front), and refuses at once a
// wait that would outlast the caller's deadline, giving the slot back.
func newRateLimiter(perSecond float64, burst int) *rate.Limiter {
	if perSecond <= 0 {
		return rate.NewLimiter(rate.Inf, 0)
	}
	return rate.NewLimiter(rate.Limit(perSecond), max(burst, 1))
}

// waitRateLimit blocks until l lets a request go or ctx ends. A slot past
// ctx's deadline is reported as context.DeadlineExceeded, as a request
// that ran out of time would be.
func waitRateLimit(ctx context.Context, l *rate.Limiter) error {
	err := l.Wait(ctx)
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("rate limit: the next request slot is past the deadline: %w", context.DeadlineExceeded)
	}
	return err
}
