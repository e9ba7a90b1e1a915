package netlab

import (
	"context"
	"fmt"
	"time"
)

// serveEcho is the seeds' echo server: each recv(1024) is sent back whole
// with sendall until recv returns 0 (the peer closed). It never looks at the
// bytes, so it is binary-safe.
func (s *Server) serveEcho(ctx context.Context, c *Socket) {
	buf := make([]byte, 1024)
	var armed time.Time
	for {
		s.armIdle(c, &armed)
		n, err := c.RecvInto(ctx, buf)
		if err != nil {
			if IsTimeout(err) {
				s.cfg.Tracer.Note(fmt.Sprintf("closing %s: idle for %s", c.RemoteAddr(), s.cfg.IdleTimeout))
			}
			return
		}
		if n == 0 {
			return
		}
		if err := c.SendAll(ctx, buf[:n]); err != nil {
			return
		}
	}
}
