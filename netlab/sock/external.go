package sock

import (
	"context"
	"syscall"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// ExternalCall is one call of a program socklab does not drive itself but
// watches (a student's program traced by netlab/ptrace). It goes through
// the same numbering, step gate and holds as a Socket's own calls, so the
// ladder, the wire's links and step mode cannot tell the difference:
//
//	x, err := tr.BeginExternal(ctx, op, fd, text, args) // at the syscall's entry stop
//	x.Blocked(base)                                     // optional: it waits in the kernel
//	x.Return(e)                                         // at the syscall's exit stop
type ExternalCall struct{ c call }

// BeginExternal numbers the call, waits at the gate in step mode (the
// program stays stopped before the kernel runs the call) and takes the
// call's entry moment, with a hold when the call puts something in motion.
// Call it while the program is stopped at the call's entry.
func (t Tracer) BeginExternal(ctx context.Context, op event.Op, fd int, text string, args event.Args) (*ExternalCall, error) {
	c, err := beginCall(ctx, t, op, fd, t.Role, text, args)
	if err != nil {
		return nil, err
	}
	c.attempt()
	return &ExternalCall{c: c}, nil
}

// ID is the call's CallID.
func (x *ExternalCall) ID() event.CallID { return x.c.id }

// Entered is the moment the call entered the kernel.
func (x *ExternalCall) Entered() time.Time { return x.c.enter }

// Blocked reports, once, that the kernel made the call wait (it answered
// EAGAIN on a non-blocking fd, or it has not returned yet); base holds
// the socket's addresses and state. The call's hold is given back.
func (x *ExternalCall) Blocked(base event.Event) { x.c.notYet(func() event.Event { return base }) }

// Return reports the call's returned event: e carries what the kernel said
// (Local, Remote, State, Data, Syscall…); identity and moments are filled in
// here. errno is the call's errno, 0 when it succeeded.
func (x *ExternalCall) Return(result int, errno syscall.Errno, e event.Event) {
	var err error
	if errno != 0 {
		err = errno
	}
	r := x.c.event(result, err)
	r.Local, r.Remote, r.State, r.NewState, r.Segs = e.Local, e.Remote, e.State, e.NewState, e.Segs
	r.Data, r.Note, r.Syscall = e.Data, e.Note, e.Syscall
	r.StateAt = e.StateAt // read at the exit stop, after the return
	x.c.tr.emit(r)
}

// Retry marks another try of the same call (a program's non-blocking
// accept again after its poll said the fd is ready): no gate, a new hold.
func (x *ExternalCall) Retry() { x.c.attempt() }

// Abandon gives back the call's hold without an event: the program ended
// (or was stopped) inside the call and the kernel never answered it.
func (x *ExternalCall) Abandon() {
	if x.c.tr.Seq != nil {
		x.c.tr.Seq.leave(x.c.id)
	}
}
