package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/douyinfs/douyinfs/cache"
	"github.com/douyinfs/douyinfs/fetch/httpx"
)

// rangeSink receives the bytes of a range in order.
type rangeSink interface {
	next() []byte // where the next bytes go; empty when nothing more is wanted
	wrote(n int)  // n bytes were written at the start of next()
}

const (
	maxHops      = 5  // redirects followed per request
	maxRefreshes = 3  // URL refreshes per range
	maxResumes   = 32 // restarts after a broken body that made progress
	maxPartials  = 4096
	maxBackoff   = 10 * time.Second
	maxRetryWait = 30 * time.Second // the longest Retry-After honoured
)

// fetchRange delivers bytes [off, end) of st into sink. It tries the mirrors
// in order starting with the one that worked last, follows redirects,
// refreshes the URL list when the CDN says it expired, resumes a broken body
// from the last byte received, and backs off (with jitter, within ctx's
// deadline) when every mirror failed transiently. It returns io.EOF, having
// delivered all there is, when the media ends before end.
func (r *Reader) fetchRange(ctx context.Context, st *itemState, off, end int64, sink rangeSink) error {
	var (
		lastErr   error
		rounds    int // back-off rounds used
		refreshes int
		resumes   int
		partials  int
	)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		urls, gen, pref := st.mirrors()
		needRefresh := len(urls) == 0
		if needRefresh {
			lastErr = fmt.Errorf("media %s has no URLs", st.key)
		}
		var transient bool // some mirror may answer later
		var refused bool   // some mirror said expired or gone (403/404/410)
		var wait time.Duration
		var serverWait bool // wait was set by Retry-After
		for k := 0; k < len(urls) && !needRefresh; k++ {
			i := (pref + k) % len(urls)
			mirror := urls[i]
			if refreshes == 0 && urlExpired(mirror, time.Now()) && st.canRefresh() {
				lastErr = fmt.Errorf("media %s: %w (x-expires passed)", httpx.RedactURL(mirror), errExpired)
				needRefresh = true
				break
			}
			n, eof, err := r.attempt(ctx, st, i, mirror, gen, off, end, sink)
			off += n
			if err == nil {
				r.worked(st, i, gen)
				if eof {
					return io.EOF
				}
				if off >= end || len(sink.next()) == 0 {
					return nil
				}
				// A server may answer a shorter range than asked (some
				// CDNs cap the size of a range): ask for the rest.
				if partials++; partials > maxPartials {
					return fmt.Errorf("media %s: more than %d partial answers for one range", st.key, maxPartials)
				}
				k--
				continue
			}
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			lastErr = err
			if n > 0 {
				// The body broke after some progress: resume from the
				// last byte on the same mirror, at once.
				r.worked(st, i, gen)
				r.st.resumes.Add(1)
				if resumes++; resumes > maxResumes {
					return fmt.Errorf("media %s: giving up after %d resumes: %w", st.key, resumes-1, err)
				}
				r.log.Debug("media: resuming broken body", "media", st.key, "at", off, "err", err)
				k--
				continue
			}
			var se *StatusError
			switch {
			case errors.As(err, &se) && expiredStatus(se.Status):
				// Try the other mirrors first: one mirror may have dropped
				// the file (404/410) while the others serve it, and a
				// refresh would hand out the same mirrors again. When
				// none serves, the list is refreshed below.
				refused = true
			case errors.As(err, &se) && se.Status == fasthttp.StatusTooManyRequests:
				// Rate limited: slow down rather than hammer the mirrors.
				transient = true
				wait, serverWait = se.RetryAfter, se.HasRetryAfter
				k = len(urls)
			case errors.As(err, &se) && se.Status < 500 && se.Status != fasthttp.StatusRequestTimeout:
				// Refused for good by this mirror: try the next.
			default:
				// 5xx, timeouts, resets, refused connections; a certificate
				// that does not verify is final here as on the API path.
				transient = transient || httpx.Transient(err)
			}
			if k+1 < len(urls) && !needRefresh {
				r.st.failovers.Add(1)
				r.log.Debug("media: trying next mirror", "media", st.key, "err", err)
			}
		}
		if refused && st.canRefresh() {
			needRefresh = true
		}
		if needRefresh {
			if refreshes++; refreshes > maxRefreshes {
				return fmt.Errorf("media %s: still failing after %d URL refreshes: %w", st.key, refreshes-1, lastErr)
			}
			err := st.refreshURLs(ctx, gen, func(err error) {
				r.st.refreshes.Add(1)
				r.log.Debug("media: refreshed URLs", "media", st.key, "err", err)
			})
			if err != nil {
				return fmt.Errorf("media %s: %w (after: %w)", st.key, err, lastErr)
			}
			continue // the same range, with fresh URLs
		}
		if !transient || rounds >= r.cfg.Retries {
			return lastErr
		}
		rounds++
		r.st.retries.Add(1)
		if serverWait {
			// The server said how long; the jitter keeps readers that
			// were told the same from coming back in step.
			wait = min(wait, maxRetryWait) + rand.N(r.cfg.RetryBackoff/2+1)
		} else {
			wait = httpx.Backoff{Base: r.cfg.RetryBackoff, Max: maxBackoff}.Delay(rounds-1, nil)
		}
		by, _ := retryBy(ctx)
		if err := httpx.Sleep(ctx, wait, by); err != nil {
			return fmt.Errorf("%w (last error: %w)", err, lastErr)
		}
	}
}

// attempt sends one ranged GET to mirror (or where it redirected last time),
// follows redirects, and streams the body into sink. n is the bytes
// delivered even when err != nil; eof means the media ended before end.
func (r *Reader) attempt(ctx context.Context, st *itemState, i int, mirror string, gen uint64, off, end int64, sink rangeSink) (n int64, eof bool, err error) {
	target := st.hop(mirror)
	for hops := 0; ; hops++ {
		if hops > maxHops {
			return 0, false, fmt.Errorf("media %s: more than %d redirects", httpx.RedactURL(mirror), maxHops)
		}
		resp, err := r.exchange(ctx, target, off, end)
		if err != nil {
			if target != mirror {
				st.setHop(mirror, mirror, gen) // the remembered hop is gone
			}
			return 0, false, err
		}
		status := resp.StatusCode()
		switch {
		case status == fasthttp.StatusPartialContent || status == fasthttp.StatusOK:
			// Remember the mirror now, not after the body: reads started
			// meanwhile should not try a dead mirror first.
			r.worked(st, i, gen)
			st.setHop(mirror, target, gen)
			n, eof, err = r.readBody(ctx, st, resp, target, off, end, sink)
			release(resp)
			return n, eof, err

		case fasthttp.StatusCodeIsRedirect(status):
			loc := string(resp.Header.Peek("Location"))
			drainSmall(resp)
			release(resp)
			if loc == "" {
				return 0, false, fmt.Errorf("media %s: HTTP %d without Location", httpx.RedactURL(target), status)
			}
			next, err := resolveLocation(target, loc)
			if err != nil {
				return 0, false, fmt.Errorf("media %s: %w", httpx.RedactURL(target), err)
			}
			r.st.redirects.Add(1)
			target = next

		case status == fasthttp.StatusRequestedRangeNotSatisfiable:
			_, _, total, ok := contentRange(resp.Header.Peek("Content-Range"))
			drainSmall(resp)
			release(resp)
			if ok && total >= 0 {
				st.learnedSize(total, r.log.Debug)
				if off >= total {
					return 0, true, nil
				}
			}
			return 0, false, fmt.Errorf("media %s: HTTP 416 for bytes %d-%d", httpx.RedactURL(target), off, end-1)

		case expiredStatus(status) && target != mirror && hops == 0:
			// The remembered redirect target expired; the mirror itself
			// may still hand out a fresh one.
			drainSmall(resp)
			release(resp)
			st.setHop(mirror, mirror, gen)
			target = mirror

		default:
			e := &StatusError{Status: status, URL: httpx.RedactURL(target)}
			if status == fasthttp.StatusTooManyRequests || status == fasthttp.StatusServiceUnavailable {
				e.RetryAfter, e.HasRetryAfter = httpx.RetryAfter(string(resp.Header.Peek("Retry-After")), time.Now())
			}
			drainSmall(resp)
			release(resp)
			if expiredStatus(status) {
				return 0, false, fmt.Errorf("%w: %w", errExpired, e)
			}
			return 0, false, e
		}
	}
}

// readBody streams a 206 (or a 200 from a server that ignores Range) into
// sink.
func (r *Reader) readBody(ctx context.Context, st *itemState, resp *fasthttp.Response, target string, off, end int64, sink rangeSink) (n int64, eof bool, err error) {
	var length int64 // bytes of [off, end) this response carries
	var skip int64   // bytes to drop first (200: the body starts at 0)
	var total int64  // the media's size, from a 200's length
	if resp.StatusCode() == fasthttp.StatusPartialContent {
		a, b, total, ok := contentRange(resp.Header.Peek("Content-Range"))
		if !ok || a != off {
			return 0, false, fmt.Errorf("media %s: %w (%q for %d-%d)", httpx.RedactURL(target), errBadRange,
				resp.Header.Peek("Content-Range"), off, end-1)
		}
		if total >= 0 {
			st.learnedSize(total, r.log.Debug)
		}
		length = min(b+1, end) - off
		eof = b+1 < end && total >= 0 && b+1 == total
	} else {
		total = int64(resp.Header.ContentLength())
		if total < 0 {
			return 0, false, fmt.Errorf("media %s: HTTP 200 without a length for a ranged request", httpx.RedactURL(target))
		}
		st.learnedSize(total, r.log.Debug)
		if off >= total {
			return 0, true, nil
		}
		skip = off
		length = min(total, end) - off
		eof = total < end
	}

	body := resp.BodyStream()
	if body == nil {
		if length == 0 {
			return 0, eof, nil
		}
		return 0, false, fmt.Errorf("media %s: empty body", httpx.RedactURL(target))
	}
	// Cancelling ctx interrupts a read blocked on the network.
	if rc, ok := body.(fasthttp.ReadCloserWithError); ok {
		done := make(chan struct{})
		stop := context.AfterFunc(ctx, func() {
			defer close(done)
			_ = rc.CloseWithError(ctx.Err())
		})
		defer func() {
			if !stop() {
				<-done
			}
		}()
	}
	if skip > 0 {
		var err error
		if _, isRun := sink.(*runSink); isRun && skip%r.bs == 0 {
			err = r.keepBlocks(ctx, st, body, 0, skip/r.bs-1, total, true) // norange.go
		} else {
			_, err = io.CopyN(io.Discard, body, skip)
		}
		if err != nil {
			return 0, false, fmt.Errorf("media %s: skipping to %d of an unranged body: %w", httpx.RedactURL(target), off, err)
		}
	}
	for n < length {
		buf := sink.next()
		if len(buf) == 0 {
			break
		}
		if int64(len(buf)) > length-n {
			buf = buf[:length-n]
		}
		k, rerr := body.Read(buf)
		if k > 0 {
			sink.wrote(k)
			n += int64(k)
			r.st.bytes.Add(int64(k))
		}
		if rerr != nil {
			if rerr == io.EOF && n == length {
				break
			}
			if rerr == io.EOF {
				rerr = io.ErrUnexpectedEOF
			}
			if cerr := ctx.Err(); cerr != nil {
				return n, false, cerr
			}
			return n, false, fmt.Errorf("media %s: body broke at byte %d: %w", httpx.RedactURL(target), off+n, rerr)
		}
	}
	if n < length {
		return n, false, nil // the sink wanted less (never for our sinks)
	}
	if _, isRun := sink.(*runSink); isRun && resp.StatusCode() == fasthttp.StatusOK && end < total && end%r.bs == 0 {
		// The rest of an unranged body: keep what the cache can hold.
		if err := r.keepBlocks(ctx, st, body, end/r.bs, (total-1)/r.bs, total, false); err != nil {
			r.log.Debug("media: keeping the rest of an unranged body", "media", st.key, "err", err)
		}
	}
	// Read the end of the body so the connection is reused: fasthttp pools
	// a streamed connection only once a read has returned io.EOF.
	var one [1]byte
	_, _ = body.Read(one[:0])
	_, _ = body.Read(one[:])
	return n, eof, nil
}

// runSink fills the blocks of a cache.Run in order.
type runSink struct {
	run    *cache.Run
	i      int // current block
	filled int // bytes in the current block
	// done gets each completed block (referenced; it must take its own
	// reference to keep it); nil when nobody wants them.
	done func(idx int64, b *cache.Block)
	// pf counts read-ahead bytes in flight down as blocks complete.
	pf *readerCounters
}

func (s *runSink) next() []byte {
	if s.i >= s.run.Len() {
		return nil
	}
	return s.run.Buf(s.i)[s.filled:]
}

func (s *runSink) wrote(n int) {
	s.filled += n
	if s.filled == len(s.run.Buf(s.i)) {
		s.complete()
		return
	}
	s.run.Progress(s.i, s.filled)
}

func (s *runSink) complete() {
	size := len(s.run.Buf(s.i))
	b := s.run.Done(s.i, s.filled, s.done != nil)
	if s.pf != nil {
		s.pf.prefetchInFlight.Add(-int64(size))
	}
	if b != nil {
		s.done(s.run.First()+int64(s.i), b)
		b.Release()
	}
	s.i++
	s.filled = 0
}

// fill fetches the blocks of run and publishes them; it always finishes the
// run. prefetch marks read-ahead (for the in-flight counter).
func (r *Reader) fill(ctx context.Context, st *itemState, run *cache.Run, prefetch bool,
	done func(idx int64, b *cache.Block)) {
	off := run.First() * r.bs
	var length int64
	for i := range run.Len() {
		length += int64(len(run.Buf(i)))
	}
	sink := &runSink{run: run, done: done}
	if prefetch {
		sink.pf = &r.st
		r.st.prefetchInFlight.Add(length)
	}
	err := r.fetchRange(ctx, st, off, off+length, sink)
	if errors.Is(err, io.EOF) {
		// The media ends inside the run: the partial block is its last.
		if sink.i < run.Len() && sink.filled > 0 {
			sink.complete()
		}
	} else if err != nil && ctx.Err() == nil {
		r.log.Warn("media: fetch failed", "media", st.key, "offset", off+int64(sink.i)*r.bs, "err", err)
	}
	if prefetch && sink.i < run.Len() {
		var left int64
		for i := sink.i; i < run.Len(); i++ {
			left += int64(len(run.Buf(i)))
		}
		r.st.prefetchInFlight.Add(-left)
	}
	if err == nil && sink.i < run.Len() {
		err = fmt.Errorf("media %s: range ended early", st.key)
	}
	run.Finish(err)
}
