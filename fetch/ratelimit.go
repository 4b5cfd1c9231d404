package fetch

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// rateLimiter is a token bucket shared by every API request (media bytes
// are not counted): rate tokens per second, up to burst saved up. A waiter
// reserves its token up front (the bucket may go negative), so waiters are
// served in arrival order and none starves.
type rateLimiter struct {
	mu     sync.Mutex
	rate   float64 // tokens per second; <= 0 means unlimited
	burst  float64
	tokens float64
	last   time.Time
	now    func() time.Time
}

func newRateLimiter(rate float64, burst int, now func() time.Time) *rateLimiter {
	if burst < 1 {
		burst = 1
	}
	return &rateLimiter{rate: rate, burst: float64(burst), tokens: float64(burst), last: now(), now: now}
}

// reserve takes one token and returns how long the caller must wait
// before using it.
func (l *rateLimiter) reserve() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if elapsed := now.Sub(l.last); elapsed > 0 {
		l.tokens = min(l.burst, l.tokens+elapsed.Seconds()*l.rate)
	}
	l.last = now
	l.tokens--
	if l.tokens >= 0 {
		return 0
	}
	return time.Duration(-l.tokens / l.rate * float64(time.Second))
}

// cancel gives back a token reserved by a waiter that gave up.
func (l *rateLimiter) cancel() {
	l.mu.Lock()
	l.tokens = min(l.burst, l.tokens+1)
	l.mu.Unlock()
}

// wait blocks until a token is available or ctx ends. When the wait would
// outlast ctx's deadline it fails at once rather than sleeping in vain.
func (l *rateLimiter) wait(ctx context.Context) error {
	if l == nil || l.rate <= 0 {
		return ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	d := l.reserve()
	if d <= 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		l.cancel()
		return fmt.Errorf("rate limit: next request slot in %v is past the deadline: %w", d.Round(time.Millisecond), context.DeadlineExceeded)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		l.cancel()
		return ctx.Err()
	}
}
