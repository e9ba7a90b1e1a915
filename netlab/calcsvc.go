package netlab

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/socklab/socklab/netlab/calc"
)

// Answer is the calculator's reply to one request line, without the newline:
// the result, or "error: <reason>". quit reports whether the client asked to
// leave ("quit" is answered with "bye").
func Answer(line []byte) (reply []byte, quit bool) {
	line = bytes.TrimSuffix(line, []byte("\r"))
	if string(bytes.TrimSpace(line)) == "quit" {
		return []byte("bye"), true
	}
	v, err := calc.Eval(string(line))
	if err != nil {
		return []byte("error: " + err.Error()), false
	}
	return []byte(v), false
}

// serveCalc answers one line per request, in order. A request that is not
// ended by a newline is answered once the client pauses for cfg.Pause, since
// the tutorial's clients send an expression with no newline and wait.
func (s *Server) serveCalc(ctx context.Context, c *Socket) {
	lines := Lines{Max: s.cfg.MaxLine}
	buf := make([]byte, 1024)
	var out []byte
	var armed time.Time
	for {
		if lines.Partial() {
			_ = c.SetReadDeadline(time.Now().Add(s.cfg.Pause))
			armed = time.Time{} // the pause timer replaced the idle deadline
		} else {
			s.armIdle(c, &armed)
		}
		n, err := c.RecvInto(ctx, buf)
		var frames []Frame
		switch {
		case err != nil && IsTimeout(err) && lines.Partial():
			f, _ := lines.Flush()
			frames = []Frame{f}
		case err != nil && IsTimeout(err):
			s.cfg.Tracer.Note(fmt.Sprintf("closing %s: idle for %s", c.RemoteAddr(), s.cfg.IdleTimeout))
			_ = c.SetWriteDeadline(time.Now().Add(time.Second))
			_ = c.SendAll(ctx, fmt.Appendf(nil, "error: idle for %s, closing\n", s.cfg.IdleTimeout))
			return
		case err != nil:
			return
		case n == 0:
			// EOF: a request without newline is still answered (the
			// client may have shut down only its sending side).
			if f, ok := lines.Flush(); ok {
				r, _ := Answer(f.Line)
				_ = c.SendAll(ctx, append(r, '\n'))
			}
			return
		default:
			frames = lines.Feed(buf[:n])
		}
		out = out[:0]
		quit := false
		for _, f := range frames {
			if f.TooLong {
				out = fmt.Appendf(out, "error: request too long (limit %d bytes)\n", s.cfg.MaxLine)
				continue
			}
			r, q := Answer(f.Line)
			out = append(append(out, r...), '\n')
			if q {
				quit = true
				break
			}
		}
		if len(out) > 0 {
			if err := c.SendAll(ctx, out); err != nil {
				return
			}
		}
		if quit {
			return
		}
	}
}
