package service

import (
	"context"
	"fmt"
	"time"

	"github.com/socklab/socklab/netlab/sock"
)

// serveEcho is the seeds' echo server: each recv(1024) is sent back whole
// with sendall until recv returns 0 (the peer closed). It never looks at the
// bytes, so it is binary-safe. With a rate limit, each recv counts as one
// request, and one over the limit is sent back late (never altered: an echo
// has no way to say "error" without changing the stream). It returns why it
// ended.
func (s *Server) serveEcho(ctx context.Context, c *served) string {
	buf := make([]byte, 1024)
	var armed time.Time
	active := time.Now() // the client's last request
	for {
		s.armIdle(c.Socket, &armed)
		n, err := c.RecvInto(ctx, buf)
		if err != nil {
			if sock.IsTimeout(err) && !s.idleSince(c.Socket, active, &armed) {
				continue
			}
			if sock.IsTimeout(err) {
				s.cfg.Tracer.Note(fmt.Sprintf("closing %s: idle for %s", c.RemoteAddr(), s.cfg.IdleTimeout))
				return fmt.Sprintf("idle for %s: closed by the server", s.cfg.IdleTimeout)
			}
			return endWhy(err)
		}
		if n == 0 {
			return whyClientClosed
		}
		active = time.Now()
		if c.bucket != nil {
			if d := c.bucket.Reserve(time.Now()); d > 0 {
				if c.tap != nil {
					c.tap.Limited()
				}
				if !s.wait(d) {
					return "server closing"
				}
				armed = time.Time{} // the wait used up part of the idle deadline
			}
		}
		if !s.spend(c, n) {
			return "server closing"
		}
		if err := c.SendAll(ctx, buf[:n]); err != nil {
			return endWhy(err)
		}
		if c.tap != nil {
			c.tap.Served(buf[:n], buf[:n])
			c.tap.Flushed()
		}
	}
}
