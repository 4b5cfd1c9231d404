package media

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestLiveStream(t *testing.T) {
	release := make(chan struct{})
	gone := make(chan struct{}) // closed when the client drops /held.flv
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/moved.flv":
			http.Redirect(w, r, "/stream.flv", http.StatusFound)
		case "/stream.flv":
			if r.Header.Get("Cookie") != "" || r.Header.Get("User-Agent") == "" || r.Header.Get("Referer") == "" {
				t.Errorf("stream request headers %v", r.Header)
			}
			w.Header().Set("Content-Type", "video/x-flv")
			w.Write([]byte("FLV\x01\x05"))
			w.(http.Flusher).Flush()
			select { // then nothing: a stall
			case <-release:
			case <-r.Context().Done():
			}
		case "/held.flv":
			w.Write([]byte("FLV\x01\x05"))
			w.(http.Flusher).Flush()
			select {
			case <-release:
			case <-r.Context().Done():
				close(gone)
			}
		case "/gone.flv":
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	defer close(release)
	u := srv.URL
	l := newLive(t, func(c *LiveConfig) { c.Referer, c.Timeout = u+"/", 300*time.Millisecond })
	defer l.Close()
	ctx := testCtx(t)

	s, err := l.Open(ctx, u+"/moved.flv")
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 5)
	if _, err := io.ReadFull(s, head); err != nil || string(head) != "FLV\x01\x05" {
		t.Fatalf("head %q, %v", head, err)
	}
	start := time.Now()
	_, err = s.Read(make([]byte, 10))
	if !errors.Is(err, ErrStreamStalled) {
		t.Errorf("stalled stream: %v, want ErrStreamStalled", err)
	}
	if el := time.Since(start); el < 250*time.Millisecond || el > 3*time.Second {
		t.Errorf("stall detected after %v, want about the 300ms timeout", el)
	}
	s.Close()

	// Close wakes a Read blocked waiting for bytes, and drops the
	// connection (the server sees the request end), both long before the
	// stall timeout (20 s here).
	l2 := newLive(t, func(c *LiveConfig) { c.Referer, c.Timeout = u+"/", 20*time.Second })
	defer l2.Close()
	s, err = l2.Open(ctx, u+"/held.flv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(s, head); err != nil {
		t.Fatal(err)
	}
	waiting := &doneSpy{Context: context.Background(), called: make(chan struct{})}
	done := make(chan error, 1)
	go func() {
		_, err := s.ReadContext(waiting, make([]byte, 10))
		done <- err
	}()
	// The server has sent everything; the reader asks for its context's
	// Done channel only when it is about to wait for more.
	select {
	case <-waiting.called:
	case err := <-done:
		t.Fatalf("Read returned (%v) before Close, with nothing to read", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the Read never waited for bytes")
	}
	s.Close()
	select {
	case err := <-done:
		if !errors.Is(err, io.ErrClosedPipe) {
			t.Errorf("Read blocked at Close: %v, want io.ErrClosedPipe", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("Close did not end a blocked Read")
	}
	select {
	case <-gone:
	case <-time.After(5 * time.Second):
		t.Error("Close did not drop the stream's connection: the server still sends it")
	}

	if _, err := l.Open(ctx, u+"/gone.flv"); !isStatus(err, http.StatusNotFound) {
		t.Errorf("404 stream: %v", err)
	}
	if _, err := l.Open(ctx, "ftp://x/y.flv"); err == nil || !strings.Contains(err.Error(), "not an http(s) stream URL") {
		t.Errorf("bad URL: %v", err)
	}
	if n := l.Requests() + l2.Requests(); n != 4 {
		t.Errorf("%d requests, want 4 (a redirect, 2 streams, a 404)", n)
	}
}

// An interrupted read returns at once; the stream stays usable and loses
// nothing: what arrives meanwhile goes to the next read.
func TestLiveStreamReadContext(t *testing.T) {
	more := make(chan struct{})
	stop := make(chan struct{}) // ends the handler even if the client kept the connection
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("FLV"))
		w.(http.Flusher).Flush()
		select {
		case <-more:
		case <-r.Context().Done():
			return
		}
		w.Write([]byte("tag1"))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer srv.Close()
	defer close(stop)
	defer close(more)
	u := srv.URL
	l := newLive(t, func(c *LiveConfig) { c.Timeout = 20 * time.Second })
	defer l.Close()
	s, err := l.Open(testCtx(t), u+"/s.flv")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	head := make([]byte, 3)
	if _, err := io.ReadFull(s, head); err != nil || string(head) != "FLV" {
		t.Fatalf("head %q, %v", head, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := s.ReadContext(ctx, make([]byte, 64))
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("interrupted read: %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second): // the stall timeout is 20s
		t.Fatal("an interrupted read did not return")
	}
	// A read with a dead context does not consume anything either.
	if n, err := s.ReadContext(ctx, make([]byte, 64)); n != 0 || !errors.Is(err, context.Canceled) {
		t.Errorf("read with a cancelled context: %d, %v", n, err)
	}
	more <- struct{}{}
	got := make([]byte, 4)
	if _, err := io.ReadFull(s, got); err != nil || string(got) != "tag1" {
		t.Errorf("after the interrupt: %q, %v, want tag1", got, err)
	}
}

// A stream that cannot get a connection because too many streams are open
// at its host says so instead of "stalled".
func TestLiveStreamConnections(t *testing.T) {
	stop := make(chan struct{}) // ends the handler even if the client kept the connection
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("FLV"))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer srv.Close()
	defer close(stop)
	u := srv.URL
	l := newLive(t, func(c *LiveConfig) { c.Timeout, c.MaxConnsPerHost = 2*time.Second, 1 })
	defer l.Close()
	ctx := testCtx(t)
	s, err := l.Open(ctx, u+"/s.flv")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// With the limit reached, the next open waits about Timeout for a
	// connection and then says that it found none.
	start := time.Now()
	_, err = l.Open(ctx, u+"/s.flv")
	host := strings.TrimPrefix(u, "http://")
	if !errors.Is(err, ErrNoFreeConn) || !strings.Contains(err.Error(), "no free connection to "+host+" within 2s") || errors.Is(err, ErrStreamStalled) {
		t.Errorf("open past the limit: %v, want no free connection to %s within 2s", err, host)
	}
	if el := time.Since(start); el < 1500*time.Millisecond || el > 10*time.Second {
		t.Errorf("gave up after %v, want about the 2s timeout", el)
	}
}

// doneSpy is a context that says when a reader first asks for Done, which
// a live stream's read does only when it is about to wait for bytes.
type doneSpy struct {
	context.Context
	once   sync.Once
	called chan struct{}
}

func (c *doneSpy) Done() <-chan struct{} {
	c.once.Do(func() { close(c.called) })
	return c.Context.Done()
}

func isStatus(err error, status int) bool {
	se, ok := errors.AsType[*StatusError](err)
	return ok && se.Status == status
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newLive is a live client on the defaults with change applied.
func newLive(t *testing.T, change func(*LiveConfig)) *Live {
	t.Helper()
	cfg := DefaultLiveConfig()
	change(&cfg)
	l, err := NewLive(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestNewLiveRefusesZeros(t *testing.T) {
	for name, change := range map[string]func(*LiveConfig){
		"timeout":     func(c *LiveConfig) { c.Timeout = 0 },
		"connections": func(c *LiveConfig) { c.MaxConnsPerHost = 0 },
	} {
		cfg := DefaultLiveConfig()
		change(&cfg)
		if _, err := NewLive(cfg); err == nil {
			t.Errorf("%s 0 accepted", name)
		}
	}
}
