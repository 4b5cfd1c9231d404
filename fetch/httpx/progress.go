package httpx

import (
	"net"
	"time"
)

// progressConn turns fasthttp's whole-response read deadline into a
// progress deadline: every read may wait at most idle for bytes. A 64 MiB
// range at a slow rate, or an endless live stream, is fine; a connection
// that stops sending is not, whether it stops before the headers or in the
// middle of the body. A deadline fasthttp sets (a TLS handshake's, or a
// request's own) still applies when it is earlier.
type progressConn struct {
	net.Conn
	idle  time.Duration
	outer time.Time // deadline fasthttp asked for, if any
	armed time.Time // deadline set on the socket now
}

func (c *progressConn) Read(p []byte) (int, error) {
	d := time.Now().Add(c.idle)
	if !c.outer.IsZero() && c.outer.Before(d) {
		d = c.outer
	}
	// Moving the deadline costs a timer update, so only when it moved by
	// more than an eighth of the idle time.
	if c.armed.IsZero() || d.Before(c.armed) || d.Sub(c.armed) > c.idle/8 {
		if err := c.Conn.SetReadDeadline(d); err != nil {
			return 0, err
		}
		c.armed = d
	}
	return c.Conn.Read(p)
}

func (c *progressConn) SetReadDeadline(t time.Time) error {
	c.outer, c.armed = t, time.Time{}
	return nil // applied by the next Read
}

func (c *progressConn) SetDeadline(t time.Time) error {
	c.outer, c.armed = t, time.Time{}
	return c.Conn.SetWriteDeadline(t)
}
