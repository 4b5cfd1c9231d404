package media

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

// A fetch that finds the URLs expired while another fetch's refresh of the
// same list is still running waits for that refresh and goes on with its
// result: it neither calls Refresh a second time nor fails. synctest.Wait
// makes "while running" exact: it returns once the first caller is blocked
// inside Refresh and the second wherever it waits.
func TestRefreshWaitsForRunningRefresh(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		free := sync.OnceFunc(func() { close(release) })
		defer free() // a failed check must not leave a caller blocked
		var calls, dones atomic.Int32
		st := &itemState{key: "k", urls: []string{"old"}, refresh: func(ctx context.Context) ([]string, error) {
			calls.Add(1)
			<-release
			return []string{"new0", "new1"}, nil
		}}
		done := func(error) { dones.Add(1) }
		errs := make(chan error, 2)
		go func() { errs <- st.refreshURLs(context.Background(), 0, done) }()
		synctest.Wait() // the first caller is inside Refresh
		if n := calls.Load(); n != 1 {
			t.Fatalf("Refresh called %d times by one fetch, want 1", n)
		}
		go func() { errs <- st.refreshURLs(context.Background(), 0, done) }()
		synctest.Wait()
		if n := calls.Load(); n != 1 {
			t.Fatalf("a second fetch called Refresh while one was running: %d calls, want 1", n)
		}
		select {
		case err := <-errs:
			t.Fatalf("a fetch returned (%v) while the refresh it needs was still running", err)
		default:
		}
		free()
		for range 2 {
			if err := <-errs; err != nil {
				t.Errorf("a fetch that waited for the refresh: %v", err)
			}
		}
		if urls, gen, _ := st.mirrors(); !slices.Equal(urls, []string{"new0", "new1"}) || gen != 1 {
			t.Errorf("after the refresh: URLs %v, generation %d; want the fresh list, generation 1", urls, gen)
		}
		if calls.Load() != 1 || dones.Load() != 1 {
			t.Errorf("%d Refresh calls, %d reported; want 1 and 1", calls.Load(), dones.Load())
		}
		// A fetch that saw the old list after the refresh ended does not
		// refresh again: the list it found expired is gone already.
		if err := st.refreshURLs(context.Background(), 0, done); err != nil || calls.Load() != 1 {
			t.Errorf("a late fetch of the old list: %v, %d Refresh calls; want nil and 1", err, calls.Load())
		}
	})
}
