package fakedouyin

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// rawGet sends a GET and returns the response with the body read, or the
// transport/body error.
func rawGet(ctx context.Context, hc *http.Client, req *http.Request) (*http.Response, []byte, error) {
	resp, err := hc.Do(req.WithContext(ctx))
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func TestFaultKnobs(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Seed: 41})
	c := newClient(t, s)
	w := s.World()
	p := w.RealVideoPost()
	cdnURL := gearURL(t, detailOf(t, c, p), p.Video, 1)
	apiReq := func() *http.Request {
		return c.request(http.MethodGet, "/aweme/v1/web/aweme/detail/", webBase(c.msToken)+"&aweme_id="+p.AwemeID, nil)
	}
	cdnReq := func() *http.Request {
		req, _ := http.NewRequest(http.MethodGet, cdnURL, nil)
		req.Header.Set("Referer", "https://www.douyin.com/") // the CDN refuses requests without it
		return req
	}
	set := func(f func(o *Options)) {
		s.SetOptions(func(o *Options) {
			o.Fault5xx, o.Fault429, o.FaultReset, o.FaultStall, o.MalformedRate = 0, 0, 0, 0, 0
			f(o)
		})
	}

	t.Run("5xx", func(t *testing.T) {
		set(func(o *Options) { o.Fault5xx = 1 })
		for _, req := range []*http.Request{apiReq(), cdnReq()} {
			resp, _, err := rawGet(context.Background(), c.hc, req)
			if err != nil || resp.StatusCode < 500 || resp.StatusCode > 504 {
				t.Errorf("%s: %v %v; want a 5xx", req.URL.Path, resp, err)
			}
		}
	})
	t.Run("429", func(t *testing.T) {
		set(func(o *Options) { o.Fault429 = 1 })
		for _, req := range []*http.Request{apiReq(), cdnReq()} {
			resp, _, err := rawGet(context.Background(), c.hc, req)
			if err != nil || resp.StatusCode != 429 {
				t.Fatalf("%s: %v %v; want 429", req.URL.Path, resp, err)
			}
			if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || ra < 1 {
				t.Errorf("Retry-After %q", resp.Header.Get("Retry-After"))
			}
		}
	})
	t.Run("reset", func(t *testing.T) {
		set(func(o *Options) { o.FaultReset = 1 })
		for _, req := range []*http.Request{apiReq(), cdnReq()} {
			resp, body, err := rawGet(context.Background(), c.hc, req)
			if err == nil {
				t.Errorf("%s: read %d bytes without error; want a reset mid-body", req.URL.Path, len(body))
				continue
			}
			if resp == nil || resp.StatusCode != 200 || len(body) == 0 {
				t.Errorf("%s: the reset came before any body (resp %v, %d bytes, %v)", req.URL.Path, resp, len(body), err)
			}
		}
	})
	t.Run("stall", func(t *testing.T) {
		set(func(o *Options) { o.FaultStall = 1 })
		for _, req := range []*http.Request{apiReq(), cdnReq()} {
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			start := time.Now()
			resp, body, err := rawGet(ctx, c.hc, req)
			cancel()
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s: %v (%d bytes); want the client's timeout", req.URL.Path, err, len(body))
			}
			if resp == nil || len(body) == 0 {
				t.Errorf("%s: stalled before any body", req.URL.Path)
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("stall outlived the client's timeout")
			}
		}
	})
	t.Run("malformed", func(t *testing.T) {
		set(func(o *Options) { o.MalformedRate = 1 })
		resp, body, err := rawGet(context.Background(), c.hc, apiReq())
		if err != nil || resp.StatusCode != 200 || len(body) == 0 {
			t.Fatalf("malformed: %v %v", resp, err)
		}
		if json.Valid(body) {
			t.Errorf("MalformedRate 1 gave valid JSON")
		}
	})
	t.Run("fractions", func(t *testing.T) {
		set(func(o *Options) { o.Fault5xx = 0.3 })
		bad := 0
		for i := 0; i < 200; i++ {
			resp, _, err := rawGet(context.Background(), c.hc, cdnReq())
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode >= 500 {
				bad++
			}
		}
		if bad < 30 || bad > 90 {
			t.Errorf("Fault5xx 0.3: %d of 200 failed", bad)
		}
	})
	set(func(o *Options) {})
	st := s.Stats()
	for _, k := range []string{"5xx", "429", "reset", "stall", "malformed"} {
		if st.Faults[k] == 0 {
			t.Errorf("fault %q not counted: %v", k, st.Faults)
		}
	}
	if r := c.do(apiReq()); r.StatusCode != 200 || !json.Valid(r.body) {
		t.Errorf("after clearing the knobs: HTTP %d", r.StatusCode)
	}
}

// TestFaultsDeterministic: the same seed gives the same fault sequence.
func TestFaultsDeterministic(t *testing.T) {
	seq := func() string {
		s := startServer(t, Options{Seed: 42, Fault5xx: 0.25, Fault429: 0.25})
		c := newClient(t, s)
		p := s.World().RealVideoPost()
		var out []byte
		for i := 0; i < 40; i++ {
			r := c.web("/aweme/v1/web/aweme/detail/", "aweme_id="+p.AwemeID)
			out = append(out, byte('0'+r.StatusCode/100))
		}
		return string(out)
	}
	a, b := seq(), seq()
	if a != b {
		t.Errorf("fault sequences differ:\n%s\n%s", a, b)
	}
}

func TestLatencyAndBandwidth(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Seed: 43, APILatency: 150 * time.Millisecond})
	c := newClient(t, s)
	p := s.World().RealVideoPost()
	start := time.Now()
	d := detailOf(t, c, p)
	if el := time.Since(start); el < 150*time.Millisecond {
		t.Errorf("API answered in %v with APILatency 150ms", el)
	}
	u := gearURL(t, d, p.Video, 0)
	s.SetOptions(func(o *Options) { o.ConnBandwidth = 400_000; o.CDNTTFB = 100 * time.Millisecond })
	start = time.Now()
	r := c.get(u)
	el := time.Since(start)
	// 186 KB at 400 KB/s plus 100 ms: about 0.57 s.
	want := time.Duration(float64(p.Video.Size)/400_000*float64(time.Second)) + 100*time.Millisecond
	if r.StatusCode != 200 || el < want*8/10 {
		t.Errorf("%d bytes at 400 KB/s took %v, want about %v", len(r.body), el, want)
	}
}
