package sock

import (
	"context"
	"strconv"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/internal/linequeue"
)

// call is one socket call on its way through the gate and the kernel: the
// identity and moments every event of the call shares. Every Socket method,
// on every platform, is written as
//
//	c, err := s.begin(ctx, op, text, args) // CallID, step gate, pending event
//	c.attempt()                            // before each system call try
//	c.notYet(s.base)                       // the kernel said "not yet"
//	s.report(c, result, err, data)          // the returned event
//
// so that numbering, holds and timestamps live here once.
type call struct {
	tr     Tracer
	id     event.CallID
	op     event.Op
	fd     int
	role   event.Role
	text   string
	args   event.Args
	enter  time.Time // the first attempt
	at     time.Time // the moment the event is ordered by
	waited bool      // a KindBlocked event was reported
	// stateAt is when the state after the call was read (Event.StateAt).
	stateAt time.Time
	// ret, when report took it, is when the system call returned; zero
	// otherwise (event reads the clock).
	ret time.Time
	// blockedNote is added to a blocked event's explanation (Windows: the
	// call was judged blocked by socklab's timer, not by the kernel).
	blockedNote string
	// textLater: text is left to the trace writer (Event.TextLater).
	textLater bool
	// lines: the call reports to a Sequencer in line mode (a served
	// trace, lines.go): its lines are records queued in shard sh, built
	// here with no Event for a send, recv or blocked call, and it reads no
	// moment that no line shows (when a recv entered the kernel). held: the
	// call has marked sh busy (hold) and not yet queued its record.
	lines bool
	held  bool
	sh    *linequeue.Shard
}

// beginCall numbers the call, waits at the gate and takes its first moment.
// fd is the fd the call is made on (-1 for socket).
func beginCall(ctx context.Context, tr Tracer, op event.Op, fd int, role event.Role, text string, args event.Args) (call, error) {
	var c call
	err := c.begin(ctx, tr, op, fd, role, text, args)
	return c, err
}

// begin is beginCall into a call the caller keeps (a socket's dataOp): a
// call is some 340 bytes, which returned and assigned were two copies for
// every send and recv of a traced server.
func (c *call) begin(ctx context.Context, tr Tracer, op event.Op, fd int, role event.Role, text string, args event.Args) error {
	*c = call{tr: tr, op: op, fd: fd, role: role, text: text, args: args}
	if tr.lineMode() {
		// No number: a line shows none, and a counter every call adds to
		// is a cache line both cores of a busy server pass back and forth.
		c.lines, c.sh = true, tr.Seq.shardOf(fd)
	} else if tr.Seq != nil {
		c.id = tr.Seq.newCall()
	}
	if op == event.OpClose && ctx.Err() != nil {
		// A cancelled context must not keep a socket open: close skips the gate.
		return nil
	}
	if tr.Gate == nil {
		return nil // a served socket: no Call to build for a gate that is not there
	}
	return tr.Gate.Wait(ctx, Call{ID: c.id, Actor: tr.Actor, Role: role, Op: op, Text: text, FD: fd, Args: args})
}

// attempt marks the start of one system call try. For a call that puts
// something in motion it takes the hold that keeps later events waiting
// while it runs; its moment is this entry. (A connect woken after its SYN
// only reads SO_ERROR: that puts nothing in motion.)
func (c *call) attempt() {
	if c.tr.Sink == nil {
		return
	}
	moves := c.op.Moves() && !(c.op == event.OpConnect && c.waited)
	if c.lines {
		if moves { // its moment, read under the mark that keeps later lines back
			c.hold()
			c.at = c.tr.Seq.clock()
			if c.enter.IsZero() {
				c.enter = c.at
			}
		}
		return
	}
	if c.waited && c.tr.Seq != nil {
		c.tr.Seq.wake(c.id, true) // the poller woke it: the kernel is ready
	}
	if !moves && !c.enter.IsZero() {
		return // tried again (woken by the poller): only its first entry is a moment of it
	}
	var t time.Time
	if moves && c.tr.Seq != nil {
		t = c.tr.Seq.enter(c.id)
	} else {
		t = time.Now()
	}
	if c.enter.IsZero() {
		c.enter = t
	}
	if moves {
		c.at = t
	}
}

// notYet is told that the kernel answered EAGAIN or EINPROGRESS: the call
// now waits inside the kernel. The first time, a KindBlocked event (built
// on base, which holds the socket's addresses and state) says so; a
// connect's blocked event keeps the moment of its SYN, so it is drawn before
// the accept that answers it. Every time, the hold is given back.
func (c *call) notYet(base func() event.Event) {
	if c.tr.Sink == nil {
		return
	}
	if c.waited {
		if c.lines {
			c.unhold() // a retry's mark, given back as leave gives its hold
			return
		}
		if c.tr.Seq != nil {
			c.tr.Seq.wake(c.id, false) // not ready after all: waits again
			if c.op.Moves() {
				c.tr.Seq.leave(c.id)
			}
		}
		return
	}
	c.waited = true
	if c.lines {
		c.blockedLine()
		return
	}
	now := time.Now()
	e := base()
	e.Kind, e.Op, e.CallID, e.Role, e.Text, e.Args, e.FD = event.KindBlocked, c.op, c.id, c.role, c.text, c.args, c.fd
	e.Result = -1
	e.Note = event.Explain(c.op) + c.blockedNote
	e.Enter, e.Return, e.At = c.enter, now, now
	if c.op == event.OpConnect {
		e.At = c.enter
	}
	c.tr.emitRef(&e) // its CallID gives the hold back
}

// blockedLine reports, in line mode, that the call waits in the kernel: a
// blocked line shows the call alone (no addresses, no state), so its
// record needs no Event built on base.
func (c *call) blockedLine() {
	c.hold()
	r := event.LineRec{Kind: event.KindBlocked, Who: c.tr.actorWho(), Op: c.op, FD: c.fd, Text: c.text,
		Result: -1, Size: c.args.Size}
	at := c.tr.Seq.clock()
	if c.op == event.OpConnect {
		at = c.enter
	}
	c.put(&r, at) // and the mark is given back: the call now waits
}

// hold marks the call's shard busy, in line mode, before the call reads a
// moment it will be placed at; put gives the mark back. A call holds one
// mark at most.
func (c *call) hold() {
	if c.lines && !c.held {
		c.sh.Mark()
		c.held = true
	}
}

func (c *call) unhold() {
	if c.held {
		c.sh.Unmark()
		c.held = false
	}
}

// put queues the call's line record r at moment at (line mode) and gives
// back the call's mark.
func (c *call) put(r *event.LineRec, at time.Time) {
	c.tr.Seq.putLine(c.sh, r, at)
	c.unhold()
}

// emit reports one of the call's events: in line mode as its line record,
// giving back the mark the call took before the event's moments were read;
// otherwise to the tracer.
func (c *call) emit(e *event.Event) {
	if !c.lines {
		c.tr.emitRef(e)
		return
	}
	e.Actor = c.tr.Actor
	r := event.RecordOf(e)
	c.put(&r, e.At)
}

// now reads the clock for one of the call's moments: the Sequencer's in
// line mode (Sequencer.clock), time.Now otherwise.
func (c *call) now() time.Time {
	if c.lines {
		return c.tr.Seq.clock()
	}
	return time.Now()
}

// moment is when the call's returned event is placed, given when it
// returned: a call that takes something is placed when it returned; so is
// a connect that blocked (its SYN was placed by its blocked event), and a
// call that never took a moment of its own at entry.
func (c *call) moment(ret time.Time) time.Time {
	if c.op.Takes() || c.at.IsZero() || (c.op == event.OpConnect && c.waited) {
		return ret
	}
	return c.at
}

// event returns the call's returned event, timestamps and identity filled
// in; the caller adds what the kernel said.
func (c *call) event(result int, err error) event.Event {
	now := c.ret
	if now.IsZero() {
		now = time.Now()
	}
	e := event.Event{Kind: event.KindCall, Op: c.op, CallID: c.id, Role: c.role, Text: c.text, TextLater: c.textLater,
		Args: c.args, FD: c.fd, Result: result, Enter: c.enter, Return: now, At: c.moment(now)}
	if e.Enter.IsZero() {
		e.Enter = now
	}
	if err != nil {
		e.Result = -1
		e.Errno = event.ErrnoOf(err)
		e.Err = nonErrno(err)
	}
	return e
}

// sendCallText is the argument text of send (fd, the data quoted, size,
// 0), made without fmt in the socket's payload block (copyText) instead of
// an allocation of its own, since a traced server makes it for every call.
func (s *sockCore) sendCallText(fd int, p []byte) string {
	var buf [128]byte
	return s.copyText(event.AppendSendArgs(buf[:0], fd, p, len(p)))
}

// recvArgs is the argument text of recv(fd, buf, size, 0): what
// fmt.Sprintf("%d, %d, 0") wrote, without fmt.
func recvArgs(fd, size int) string {
	var buf [64]byte
	b := strconv.AppendInt(buf[:0], int64(fd), 10)
	b = strconv.AppendInt(append(b, ", "...), int64(size), 10)
	return string(append(b, ", 0"...))
}

// recvText is a socket's last recv argument text and what it was built from.
type recvText struct {
	fd, size int
	text     string
}

// recvCallText is the text of a recv of size bytes on fd. A server
// receives into the same buffer call after call, so the text is the same
// each time: it is built once per socket and size, not once per call.
func (s *sockCore) recvCallText(fd, size int) string {
	if t := s.lastRecv.Load(); t != nil && t.fd == fd && t.size == size {
		return t.text
	}
	t := &recvText{fd: fd, size: size, text: recvArgs(fd, size)}
	s.lastRecv.Store(t)
	return t.text
}
