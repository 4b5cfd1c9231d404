package fakedouyin

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"time"
)

// fault is one injected failure.
type fault int

const (
	faultNone      fault = iota
	fault5xx             // HTTP 500/502/503/504 instead of the answer
	fault429             // HTTP 429 with Retry-After
	faultReset           // the connection is reset after half of the body
	faultStall           // the body stops after half until the client leaves or the server closes
	faultMalformed       // (API only) the JSON body is cut short
)

func (f fault) String() string {
	switch f {
	case fault5xx:
		return "5xx"
	case fault429:
		return "429"
	case faultReset:
		return "reset"
	case faultStall:
		return "stall"
	case faultMalformed:
		return "malformed"
	}
	return "none"
}

// faultSet says which faults a kind of request can get.
type faultSet struct{ status, body bool }

// The fault sets of the kinds of requests.
func faultsAll() faultSet    { return faultSet{status: true, body: true} }
func faultsStatus() faultSet { return faultSet{status: true} }

// drawFault decides the fault of one request from the seeded RNG: one
// draw against the cumulative 5xx, 429, reset and stall rates.
func (s *Server) drawFault(o Options, set faultSet) fault {
	s.mu.Lock()
	u := s.rng.Float64()
	s.mu.Unlock()
	limit := 0.0
	for _, c := range []struct {
		rate float64
		f    fault
		ok   bool
	}{{o.Fault5xx, fault5xx, set.status}, {o.Fault429, fault429, set.status},
		{o.FaultReset, faultReset, set.body}, {o.FaultStall, faultStall, set.body}} {
		if !c.ok || c.rate <= 0 {
			continue
		}
		limit += c.rate
		if u < limit {
			return c.f
		}
	}
	return faultNone
}

// drawMalformed decides whether an API answer is cut short.
func (s *Server) drawMalformed(o Options) bool {
	if o.MalformedRate <= 0 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.Float64() < o.MalformedRate
}

// writeStatusFault answers a 5xx or 429 fault and reports whether f was one.
func (s *Server) writeStatusFault(w http.ResponseWriter, f fault) bool {
	switch f {
	case fault5xx:
		s.stats.fault("5xx")
		s.mu.Lock()
		code := []int{500, 502, 503, 504}[s.rng.IntN(4)]
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(code)
		w.Write([]byte("<html><body><h1>" + strconv.Itoa(code) + " " + http.StatusText(code) + "</h1></body></html>\n"))
		return true
	case fault429:
		s.stats.fault("429")
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte("Too Many Requests\n"))
		return true
	}
	return false
}

// bodyWriter wraps a ResponseWriter for media and API bodies: it paces the
// body to a bandwidth, counts its bytes, and injects a reset or stall
// once faultAt bytes have been sent.
type bodyWriter struct {
	http.ResponseWriter
	s         *Server
	ctx       context.Context
	byteKind  int // bytesCDN, bytesFiles, bytesLive or -1
	bandwidth int64
	fault     fault // faultReset, faultStall or faultNone
	faultAt   int64
	written   int64
	start     time.Time
	aborted   bool
}

func (s *Server) newBodyWriter(w http.ResponseWriter, r *http.Request, byteKind int, bandwidth int64, f fault, faultAt int64) *bodyWriter {
	if f != faultReset && f != faultStall {
		f = faultNone
	}
	return &bodyWriter{ResponseWriter: w, s: s, ctx: r.Context(), byteKind: byteKind, bandwidth: bandwidth, fault: f, faultAt: faultAt}
}

func (b *bodyWriter) Write(p []byte) (int, error) {
	if b.aborted {
		return 0, errAborted
	}
	if b.start.IsZero() {
		b.start = time.Now()
	}
	total := 0
	for len(p) > 0 {
		chunk := p
		if b.fault != faultNone && b.written+int64(len(chunk)) > b.faultAt {
			chunk = chunk[:b.faultAt-b.written]
		}
		if b.bandwidth > 0 {
			step := max(b.bandwidth/50, 512)
			if int64(len(chunk)) > step {
				chunk = chunk[:step]
			}
		}
		if len(chunk) > 0 {
			// Counted before the write: a client that has read bytes
			// must already find them in Stats (tests compare the two).
			if b.byteKind >= 0 {
				b.s.stats.addBytes(b.byteKind, int64(len(chunk)))
			}
			n, err := b.ResponseWriter.Write(chunk)
			b.written += int64(n)
			total += n
			if b.byteKind >= 0 && n < len(chunk) {
				b.s.stats.addBytes(b.byteKind, int64(n-len(chunk)))
			}
			if err != nil {
				return total, err
			}
			p = p[n:]
			if b.bandwidth > 0 {
				// A slow link delivers each chunk as it goes, not when
				// the server's buffer happens to fill.
				b.Flush()
				due := b.start.Add(time.Duration(float64(b.written) / float64(b.bandwidth) * float64(time.Second)))
				if !b.s.sleep(b.ctx, time.Until(due)) {
					b.aborted = true
					return total, errAborted
				}
			}
		}
		if b.fault != faultNone && b.written >= b.faultAt {
			b.aborted = true
			b.inject()
			return total, errAborted
		}
	}
	return total, nil
}

// inject performs the reset or stall now.
func (b *bodyWriter) inject() {
	b.s.stats.fault(b.fault.String())
	if f, ok := b.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
	switch b.fault {
	case faultReset:
		resetConn(b.ResponseWriter)
	case faultStall:
		// Longer than any sane client timeout; ends with the client or
		// the server.
		b.s.sleep(b.ctx, 24*time.Hour)
	}
}

// resetConn aborts the connection with a TCP RST (SO_LINGER 0); without a
// hijackable connection it aborts the handler instead.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	conn.Close()
}

// Flush passes flushes through.
func (b *bodyWriter) Flush() {
	if f, ok := b.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (b *bodyWriter) Unwrap() http.ResponseWriter { return b.ResponseWriter }

// injectBeforeBody performs a reset or stall for an answer without a body
// (HEAD, empty): nothing is sent at all.
func (s *Server) injectBeforeBody(w http.ResponseWriter, r *http.Request, f fault) bool {
	switch f {
	case faultReset:
		s.stats.fault("reset")
		resetConn(w)
		return true
	case faultStall:
		s.stats.fault("stall")
		s.sleep(r.Context(), 24*time.Hour)
		return true
	}
	return false
}
