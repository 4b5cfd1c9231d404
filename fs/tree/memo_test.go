package tree

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/douyinfs/douyinfs/fetch"
)

// A memo that serves stale answers keeps the last good one through failed
// refreshes, retries after a tenth of the TTL, and still fails when it has
// nothing or when Douyin says the thing is gone.
func TestMemoServesLastGoodAnswer(t *testing.T) {
	clock := time.Unix(1_700_000_000, 0)
	var logged []error
	m := newStaleMemo[string](time.Minute, 16, func() time.Time { return clock }, func(key string, err error) {
		if key != "k" {
			t.Errorf("logged key %q", key)
		}
		logged = append(logged, err)
	})
	defer m.close()
	ctx := context.Background()
	down := errors.New("douyin is down")
	calls := 0
	answer := func(v string, err error) func(context.Context) (string, error) {
		return func(context.Context) (string, error) { calls++; return v, err }
	}

	if _, err := m.get(ctx, "k", answer("", down)); !errors.Is(err, down) {
		t.Fatalf("nothing remembered: err = %v, want the failure", err)
	}
	if v, err := m.get(ctx, "k", answer("v1", nil)); v != "v1" || err != nil {
		t.Fatalf("get = %q, %v", v, err)
	}
	clock = clock.Add(2 * time.Minute) // stale
	calls = 0
	if v, err := m.get(ctx, "k", answer("", down)); v != "v1" || err != nil || calls != 1 || len(logged) != 1 {
		t.Fatalf("stale, refresh failed: %q, %v after %d calls, %d log lines; want v1 from 1 call, 1 line", v, err, calls, len(logged))
	}
	// The next attempt waits a tenth of the TTL.
	if v, err := m.get(ctx, "k", answer("", down)); v != "v1" || err != nil || calls != 1 {
		t.Fatalf("right after a failed refresh: %q, %v, %d calls", v, err, calls)
	}
	clock = clock.Add(7 * time.Second)
	if v, err := m.get(ctx, "k", answer("", down)); v != "v1" || err != nil || calls != 2 || len(logged) != 2 {
		t.Fatalf("retry: %q, %v, %d calls, %d log lines", v, err, calls, len(logged))
	}
	clock = clock.Add(7 * time.Second)
	if v, err := m.get(ctx, "k", answer("v2", nil)); v != "v2" || err != nil {
		t.Fatalf("recovered: %q, %v", v, err)
	}
	clock = clock.Add(2 * time.Minute)
	gone := &fetch.NotFoundError{Kind: fetch.KindUser, ID: "k"}
	if _, err := m.get(ctx, "k", answer("", gone)); !errors.Is(err, fetch.ErrNotFound) {
		t.Fatalf("gone: err = %v, want ErrNotFound", err)
	}

	// Without newStaleMemo an expired answer is not served.
	plain := newMemo[string](time.Minute, 16)
	defer plain.close()
	plain.now = func() time.Time { return clock }
	plain.set("k", "v1")
	clock = clock.Add(2 * time.Minute)
	if _, err := plain.get(ctx, "k", answer("", down)); !errors.Is(err, down) {
		t.Fatalf("plain memo served a stale answer: %v", err)
	}
}

// An asker that gives up, the first one included, gets its context's error
// at once; the shared call goes on and its answer is remembered.
func TestMemoAskerGivesUp(t *testing.T) {
	m := newMemo[int](time.Minute, 16)
	defer m.close()
	release := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.get(ctx, "k", func(context.Context) (int, error) { <-release; return 42, nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled asker: err = %v", err)
	}
	close(release)
	v, err := m.get(context.Background(), "k", func(context.Context) (int, error) { return 0, errors.New("asked twice") })
	if v != 42 || err != nil {
		t.Fatalf("next asker: %d, %v; want the first call's 42", v, err)
	}
}

func TestMemoSharesOneCall(t *testing.T) {
	m := newMemo[int](time.Minute, 16)
	var calls atomic.Int64
	release := make(chan struct{})
	done := make(chan int, 8)
	for i := 0; i < 8; i++ {
		go func() {
			v, _ := m.get(context.Background(), "k", func(context.Context) (int, error) {
				calls.Add(1)
				<-release
				return 42, nil
			})
			done <- v
		}()
	}
	// Wait until the one call is in flight, then let it answer.
	deadline := time.Now().Add(5 * time.Second)
	for calls.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	close(release)
	for i := 0; i < 8; i++ {
		if v := <-done; v != 42 {
			t.Fatalf("got %d", v)
		}
	}
	if calls.Load() != 1 {
		t.Fatalf("%d calls for one key, want 1", calls.Load())
	}
}
