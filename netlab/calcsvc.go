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
	return answer(line, nil)
}

// answer is Answer with heavy work in turn: an expression that needs more
// than calc.LightBudget waits for a place in heavy (when not nil), so a few
// clients sending expensive requests cannot take the CPU from everyone else.
func answer(line []byte, heavy chan struct{}) (reply []byte, quit bool) {
	line = bytes.TrimSuffix(line, []byte("\r"))
	if string(bytes.TrimSpace(line)) == "quit" {
		return []byte("bye"), true
	}
	v, err, isHeavy := calc.EvalLight(string(line))
	if isHeavy {
		if heavy != nil {
			heavy <- struct{}{}
			defer func() { <-heavy }()
		}
		v, err = calc.Eval(string(line))
	}
	if err != nil {
		return []byte("error: " + err.Error()), false
	}
	return []byte(v), false
}

// serveCalc answers one line per request, in order, each reply written as
// soon as it is computed. The framing rules (see the package doc of the
// service in docs/RELIABILITY.md):
//
//   - A request is a line. A client that has ended a request with a newline
//     is a line client from then on: its unfinished lines wait for their
//     newline.
//   - A client that has never sent a newline (the tutorial's clients send
//     an expression and wait) is answered once it has been quiet for
//     cfg.Pause as seen by the kernel: the pause timer fired AND the
//     kernel's receive queue holds nothing more from it. A late goroutine
//     can therefore never split a line that had arrived.
//   - A request must be complete within cfg.RequestTimeout once begun, so
//     a client dribbling bytes cannot hold its slot (slowloris).
//   - Replies are sent before anything more is read: a client that does not
//     read its replies stops being read (back-pressure), so the server holds
//     at most one read's lines and replyBatch bytes of replies (plus the one
//     being computed) for it.
func (s *Server) serveCalc(ctx context.Context, c *Socket) {
	lines := Lines{Max: s.cfg.MaxLine}
	buf := make([]byte, 1024)
	var (
		armed      time.Time // when the idle deadlines were last armed
		wArmed     time.Time // when the write deadline was last armed
		lineClient bool      // the client has ended a request with a newline
		begun      time.Time // when the unfinished request began
	)
	for {
		if lines.Pending() {
			until := begun.Add(s.cfg.RequestTimeout)
			if !lineClient {
				until = minTime(until, time.Now().Add(s.cfg.Pause))
			}
			_ = c.SetReadDeadline(until)
			armed = time.Time{} // the idle read deadline was replaced
		} else {
			s.armIdle(c, &armed)
		}
		if s.beforeRead != nil {
			s.beforeRead()
		}
		n, err := c.RecvInto(ctx, buf)
		var frames []Frame
		switch {
		case err != nil && IsTimeout(err) && lines.Pending():
			if time.Since(begun) >= s.cfg.RequestTimeout {
				s.cfg.Tracer.Note(fmt.Sprintf("closing %s: a request not finished within %s", c.RemoteAddr(), s.cfg.RequestTimeout))
				s.say(ctx, c, fmt.Sprintf("error: request not finished within %s, closing", s.cfg.RequestTimeout))
				return
			}
			if lineClient {
				continue // a line client's partial line waits for its newline
			}
			if q, err := c.Readable(); err == nil && q > 0 {
				continue // not quiet: the rest is already in the kernel
			}
			if f, ok := lines.Flush(); ok {
				frames = []Frame{f}
			}
		case err != nil && IsTimeout(err):
			s.cfg.Tracer.Note(fmt.Sprintf("closing %s: idle for %s", c.RemoteAddr(), s.cfg.IdleTimeout))
			s.say(ctx, c, fmt.Sprintf("error: idle for %s, closing", s.cfg.IdleTimeout))
			return
		case err != nil:
			return
		case n == 0:
			// EOF: a request without newline is still answered (the
			// client may have shut down only its sending side).
			if f, ok := lines.Flush(); ok {
				s.reply(ctx, c, []Frame{f}, &wArmed)
			}
			return
		default:
			wasPending := lines.Pending()
			frames = lines.Feed(buf[:n])
			if len(frames) > 0 {
				lineClient = true
			}
			if lines.Pending() && (!wasPending || len(frames) > 0) {
				begun = time.Now() // a new request began in this read
			}
		}
		if !s.reply(ctx, c, frames, &wArmed) {
			return
		}
	}
}

// replyBatch bounds the replies gathered before one send: the replies to
// one read go out together (one send for a pipelined batch, as a client
// reading with recv(1024) expects), but never more than this waits unsent.
const replyBatch = 16 << 10

// reply answers frames in order, sending the replies gathered so far
// whenever they pass replyBatch and at the end; it reports false when the
// connection must end (quit, or the client is gone or stopped reading for
// longer than the idle timeout).
func (s *Server) reply(ctx context.Context, c *Socket, frames []Frame, wArmed *time.Time) bool {
	var out []byte
	flush := func() bool {
		if len(out) == 0 {
			return true
		}
		s.armWrite(c, wArmed)
		err := c.SendAll(ctx, out)
		out = out[:0]
		if cap(out) > 2*replyBatch {
			out = nil // a 30 000-digit reply's buffer is not kept for the next
		}
		return err == nil
	}
	for _, f := range frames {
		var r []byte
		quit := false
		if f.TooLong {
			r = fmt.Appendf(nil, "error: request too long (limit %d bytes)", s.cfg.MaxLine)
		} else {
			r, quit = answer(f.Line, s.heavy)
		}
		out = append(append(out, r...), '\n')
		if quit {
			flush()
			return false
		}
		if len(out) >= replyBatch && !flush() {
			return false
		}
	}
	return flush()
}

// say sends a last line to a client that is being closed, waiting at most a
// second for it to be taken.
func (s *Server) say(ctx context.Context, c *Socket, line string) {
	_ = c.SetWriteDeadline(time.Now().Add(time.Second))
	_ = c.SendAll(ctx, []byte(line+"\n"))
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
