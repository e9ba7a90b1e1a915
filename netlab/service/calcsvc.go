package service

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/socklab/socklab/netlab/calc"
	"github.com/socklab/socklab/netlab/sock"
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
	if isQuit(line) {
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
//   - With a rate limit, a request over the client's limit is answered with
//     "error: rate limit …" and not evaluated ("quit" is always answered).
//
// It returns why it ended.
func (s *Server) serveCalc(ctx context.Context, c *served) string {
	st := &calcConn{lines: Lines{Max: s.cfg.MaxLine}, active: time.Now()}
	buf := make([]byte, 1024)
	for {
		s.armCalcRead(c, st)
		if s.beforeRead != nil {
			s.beforeRead()
		}
		n, err := c.RecvInto(ctx, buf)
		var frames []Frame
		switch {
		case err != nil && sock.IsTimeout(err):
			f, why, again := s.calcTimeout(ctx, c, st)
			if why != "" {
				return why
			}
			if again {
				continue
			}
			frames = f
		case err != nil:
			return endWhy(err)
		case n == 0:
			// EOF: a request without newline is still answered (the
			// client may have shut down only its sending side).
			if f, ok := st.lines.Flush(); ok {
				s.reply(ctx, c, []Frame{f}, &st.wArmed)
			}
			return whyClientClosed
		default:
			frames = st.feed(buf[:n])
		}
		if why, ok := s.reply(ctx, c, frames, &st.wArmed); !ok {
			return why
		}
	}
}

// calcConn is what serveCalc keeps of one connection between reads.
type calcConn struct {
	lines      Lines
	armed      time.Time // when the idle deadlines were last armed
	wArmed     time.Time // when the write deadline was last armed
	lineClient bool      // the client has ended a request with a newline
	begun      time.Time // when the unfinished request began
	active     time.Time // when the client last sent something
}

// feed takes a read's bytes and returns the requests they completed.
func (st *calcConn) feed(b []byte) []Frame {
	st.active = time.Now()
	wasPending := st.lines.Pending()
	frames := st.lines.Feed(b)
	if len(frames) > 0 {
		st.lineClient = true
	}
	if st.lines.Pending() && (!wasPending || len(frames) > 0) {
		st.begun = time.Now() // a new request began in this read
	}
	return frames
}

// armCalcRead sets the next read's deadline: a request under way must be
// finished within RequestTimeout (and, from a client that has not ended
// a request with a newline yet, is answered after a pause of quiet);
// otherwise the idle timeout's.
func (s *Server) armCalcRead(c *served, st *calcConn) {
	if !st.lines.Pending() {
		s.armIdle(c.Socket, &st.armed)
		return
	}
	until := st.begun.Add(s.cfg.RequestTimeout)
	if !st.lineClient {
		until = minTime(until, time.Now().Add(s.cfg.Pause))
	}
	_ = c.SetReadDeadline(until)
	st.armed = time.Time{} // the idle read deadline was replaced
}

// calcTimeout handles a read whose deadline passed: it returns the
// requests to answer now (a quiet client's request without newline), or
// why the connection ends (a request too slow, an idle client), or again
// when the connection goes on with another read.
func (s *Server) calcTimeout(ctx context.Context, c *served, st *calcConn) (frames []Frame, why string, again bool) {
	if !st.lines.Pending() {
		if !s.idleSince(c.Socket, st.active, &st.armed) {
			return nil, "", true
		}
		s.cfg.Tracer.Note(fmt.Sprintf("closing %s: idle for %s", c.RemoteAddr(), s.cfg.IdleTimeout))
		s.say(ctx, c.Socket, fmt.Sprintf("error: idle for %s, closing", s.cfg.IdleTimeout))
		return nil, fmt.Sprintf("idle for %s: closed by the server", s.cfg.IdleTimeout), false
	}
	if time.Since(st.begun) >= s.cfg.RequestTimeout {
		s.cfg.Tracer.Note(fmt.Sprintf("closing %s: a request not finished within %s", c.RemoteAddr(), s.cfg.RequestTimeout))
		s.say(ctx, c.Socket, fmt.Sprintf("error: request not finished within %s, closing", s.cfg.RequestTimeout))
		return nil, fmt.Sprintf("a request not finished within %s: closed by the server", s.cfg.RequestTimeout), false
	}
	if st.lineClient {
		return nil, "", true // a line client's partial line waits for its newline
	}
	if q, err := c.Readable(); err == nil && q > 0 {
		return nil, "", true // not quiet: the rest is already in the kernel
	}
	if f, ok := st.lines.Flush(); ok {
		return []Frame{f}, "", false
	}
	return nil, "", false
}

// replyBatch bounds the replies gathered before one send: the replies to
// one read go out together (one send for a pipelined batch, as a client
// reading with recv(1024) expects), but never more than this waits unsent.
const replyBatch = 16 << 10

// reply answers frames in order, sending the replies gathered so far
// whenever they pass replyBatch and at the end; it reports false, and why,
// when the connection must end (quit, or the client is gone or stopped
// reading for longer than the idle timeout).
func (s *Server) reply(ctx context.Context, c *served, frames []Frame, wArmed *time.Time) (string, bool) {
	var (
		out []byte
		why string
		now time.Time
	)
	flush := func() bool {
		if len(out) == 0 {
			return true
		}
		if !s.spend(c, len(out)) {
			why = "server closing"
			return false
		}
		s.armWrite(c.Socket, wArmed)
		err := c.SendAll(ctx, out)
		if c.tap != nil && err == nil {
			c.tap.Flushed()
		}
		out = out[:0]
		if cap(out) > 2*replyBatch {
			out = nil // a 30 000-digit reply's buffer is not kept for the next
		}
		if err != nil {
			why = endWhy(err)
		}
		return err == nil
	}
	// Over-limit error lines are limited too, to one a second: answering
	// every request of a flood would send more than it receives. Of the
	// over-limit requests of one read, those after the second's error line
	// get no reply at all and are counted as dropped, except the last one
	// when nothing is answered after it: that one is answered once the
	// next error line is due (owed), so a client that sends one request and
	// waits always hears back, at most a second later, and never hangs.
	var owed *Frame
	drop := func() {
		if owed != nil && c.tap != nil {
			c.tap.Dropped()
		}
		owed = nil
	}
	limitLine := func() []byte {
		return fmt.Appendf(nil, "error: rate limit: at most %s requests a second per client; this one was not evaluated (more than one a second get no reply)", rateText(s.cfg.Rate))
	}
	for i := range frames {
		f := &frames[i]
		var r []byte
		quit := false
		switch {
		case f.TooLong:
			r = fmt.Appendf(nil, "error: request too long (limit %d bytes)", s.cfg.MaxLine)
		case c.bucket != nil && !isQuit(f.Line) && !c.bucket.Allow(nowOnce(&now)):
			if c.tap != nil {
				c.tap.Limited()
			}
			if !c.errs.Allow(now) {
				drop()
				owed = f
				continue
			}
			r = limitLine()
		default:
			r, quit = answer(f.Line, s.heavy)
		}
		drop() // something is answered after it
		if c.tap != nil {
			c.tap.Served(f.Line, r)
		}
		out = append(append(out, r...), '\n')
		if quit {
			flush()
			return whyQuit, false
		}
		if len(out) >= replyBatch && !flush() {
			return why, false
		}
	}
	if owed != nil {
		// Send what is ready, then wait for the next error line's turn
		// (reading nothing meanwhile: the client's flood waits in the
		// kernel, TCP's back-pressure).
		if !flush() {
			return why, false
		}
		if !s.wait(c.errs.Reserve(time.Now())) {
			return "server closing", false
		}
		r := limitLine()
		if c.tap != nil {
			c.tap.Served(owed.Line, r)
		}
		out = append(append(out, r...), '\n')
	}
	if !flush() {
		return why, false
	}
	return "", true
}

// isQuit reports whether a request line is the calculator's "quit".
func isQuit(line []byte) bool {
	return string(bytes.TrimSpace(bytes.TrimSuffix(line, []byte("\r")))) == "quit"
}

// nowOnce reads the clock once per batch of frames.
func nowOnce(t *time.Time) time.Time {
	if t.IsZero() {
		*t = time.Now()
	}
	return *t
}

// rateText prints a rate as typed: "20", "0.5".
func rateText(r float64) string { return strconv.FormatFloat(r, 'g', -1, 64) }

// say sends a last line to a client that is being closed, waiting at most a
// second for it to be taken.
func (s *Server) say(ctx context.Context, c *sock.Socket, line string) {
	_ = c.SetWriteDeadline(time.Now().Add(time.Second))
	_ = c.SendAll(ctx, []byte(line+"\n"))
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
